//! The one error shape every command returns: `{ "code": "...", "message": "..." }`, plus, when
//! a target refused a call, what it means in Korean and English (`explanation`) and the AWS call
//! and answer (`aws`).
//!
//! The UI branches on `code`, a closed set, and shows `message` to the learner (with the
//! explanation in the learner's language); it never parses the message. The types are generated
//! for TypeScript into `ui/src/lib/bindings/`.

use awslab_cloud::Failure;
use awslab_core::catalog::CatalogError;
use awslab_core::progress::ProgressError;
use awslab_core::report::ExportError;
use awslab_core::session::SessionError;
use awslab_lab::Localized;
use serde::Serialize;
use ts_rs::TS;

/// Why a command failed, as the UI branches on it. Serialized in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IpcErrorCode {
    /// The labs folder is missing or unreadable, so there is no catalog to show.
    LabsUnavailable,
    /// The progress file cannot be opened or read (a newer format, no permission, no data
    /// folder): the message says which file and what the learner can do.
    ProgressUnavailable,
    /// No lab with that id in the labs folder.
    LabNotFound,
    /// The lab has no step with that id (the lab changed under the window).
    StepNotFound,
    /// The target cannot be reached: the offline emulator is starting or failed, or AWS does
    /// not answer with the chosen credentials. The message says which and what to do.
    TargetUnavailable,
    /// Some of the lab's resources could not be deleted, so its progress was kept.
    ResetFailed,
    /// The report could not be written where the learner chose (a wrong extension, a folder
    /// without permission).
    ExportFailed,
}

/// A command's error as the UI receives it. The two optional fields are left out of the JSON
/// when there is nothing to say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub code: IpcErrorCode,
    /// For the learner: what went wrong and where (a path, a line, AWS's code and message).
    pub message: String,
    /// What it means and what to do, in both languages (a target's refusal explained).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub explanation: Option<Localized>,
    /// The AWS call that failed and what AWS answered, when a target refused one.
    // Boxed, so that an error stays small on the paths that return it (`Result<_, IpcError>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub aws: Option<Box<AwsErrorDetails>>,
}

/// The call a target refused, and its answer, as AWS gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AwsErrorDetails {
    /// `iam`, `lambda`, …
    pub service: String,
    /// `CreateRole`, `GetCallerIdentity`, …
    pub operation: String,
    /// AWS's error code (`AccessDeniedException`), or `ConnectionFailed` when there was no
    /// answer.
    pub code: String,
    pub message: String,
}

impl IpcError {
    fn new(code: IpcErrorCode, error: &impl std::fmt::Display) -> Self {
        IpcError { code, message: error.to_string(), explanation: None, aws: None }
    }

    /// `message`, with the target's explanation and the AWS details of `failure` if there is one.
    fn with_failure(code: IpcErrorCode, message: String, failure: Option<Box<Failure>>) -> Self {
        let (explanation, aws) = match failure.map(|failure| *failure) {
            None => (None, None),
            Some(Failure { service, operation, code, message, explanation }) => {
                let aws = AwsErrorDetails { service, operation, code, message };
                (Some(explanation), Some(Box::new(aws)))
            }
        };
        IpcError { code, message, explanation, aws }
    }
}

impl From<SessionError> for IpcError {
    fn from(error: SessionError) -> Self {
        // No `_` arm: a new `SessionError` variant must be given its code here.
        match error {
            SessionError::Catalog(error) => IpcError::from(error),
            SessionError::Progress(error) => IpcError::from(error),
            SessionError::LabNotFound { .. } => IpcError::new(IpcErrorCode::LabNotFound, &error),
            SessionError::StepNotFound { .. } => IpcError::new(IpcErrorCode::StepNotFound, &error),
            SessionError::TargetUnavailable { message, failure } => {
                IpcError::with_failure(IpcErrorCode::TargetUnavailable, message, failure)
            }
            SessionError::ResetFailed(error) => IpcError::new(IpcErrorCode::ResetFailed, &error),
            SessionError::ExportFailed(error) => IpcError::from(error),
        }
    }
}

impl From<CatalogError> for IpcError {
    fn from(error: CatalogError) -> Self {
        // A lab that fails to parse is not an error here: `list_labs` reports it among the
        // listing's `problems`. Only a catalog that cannot be read at all ends up here.
        // No `_` arm: a new `CatalogError` variant must be given its code here.
        match error {
            CatalogError::Unreadable { .. } => IpcError::new(IpcErrorCode::LabsUnavailable, &error),
            CatalogError::Progress(error) => IpcError::from(error),
        }
    }
}

impl From<ProgressError> for IpcError {
    fn from(error: ProgressError) -> Self {
        // Every variant names the file and what to do, so one code serves them all.
        IpcError::new(IpcErrorCode::ProgressUnavailable, &error)
    }
}

impl From<ExportError> for IpcError {
    fn from(error: ExportError) -> Self {
        match error {
            ExportError::UnknownFormat { .. }
            | ExportError::Write { .. }
            | ExportError::Language(_) => IpcError::new(IpcErrorCode::ExportFailed, &error),
            // The progress could not be read to build the report: the file is at fault.
            ExportError::Progress(error) => IpcError::from(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_refusal_crosses_with_its_explanation_in_both_languages_and_the_aws_details() {
        let failure = Failure::local(
            "iam",
            "GetCallerIdentity",
            "AccessDenied",
            "User: x is not authorized to perform: sts:GetCallerIdentity",
        );
        let explanation = failure.explanation.clone();

        let error = IpcError::from(SessionError::target_refused(failure));

        let json = serde_json::to_value(&error).expect("serializable");
        assert_eq!(json["code"], "target_unavailable");
        assert_eq!(
            json["message"],
            "AccessDenied: User: x is not authorized to perform: sts:GetCallerIdentity"
        );
        assert_eq!(json["explanation"]["ko"], explanation.ko.as_str());
        assert_eq!(json["explanation"]["en"], explanation.en.as_str());
        assert!(!explanation.ko.is_empty() && explanation.ko != explanation.en);
        assert_eq!(
            json["aws"],
            serde_json::json!({
                "service": "iam",
                "operation": "GetCallerIdentity",
                "code": "AccessDenied",
                "message": "User: x is not authorized to perform: sts:GetCallerIdentity",
            })
        );
    }

    #[test]
    fn an_error_of_our_own_has_no_explanation_or_aws_details() {
        let error = IpcError::from(SessionError::target_unavailable("still starting"));
        let json = serde_json::to_value(&error).expect("serializable");
        assert_eq!(
            json,
            serde_json::json!({ "code": "target_unavailable", "message": "still starting" })
        );
    }

    #[test]
    fn a_report_that_cannot_be_read_from_the_progress_is_progress_unavailable() {
        let unknown = ExportError::UnknownFormat { path: "r.pdf".into() };
        assert_eq!(IpcError::from(SessionError::from(unknown)).code, IpcErrorCode::ExportFailed);
        let unreadable = ExportError::Progress(ProgressError::NoDataDir);
        assert_eq!(IpcError::from(unreadable).code, IpcErrorCode::ProgressUnavailable);
    }
}
