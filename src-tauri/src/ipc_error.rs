//! The one error shape every command returns: `{ "code": "...", "message": "..." }`.
//!
//! The UI branches on `code`, a closed set, and shows `message` to the learner; it never parses
//! the message. Both types are generated for TypeScript into `ui/src/lib/bindings/`.

use awslab_core::catalog::CatalogError;
use awslab_core::progress::ProgressError;
use awslab_core::report::ExportError;
use awslab_core::session::SessionError;
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

/// A command's error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub code: IpcErrorCode,
    /// For the learner: what went wrong and where (a path, a line).
    pub message: String,
}

impl IpcError {
    fn new(code: IpcErrorCode, error: &impl std::fmt::Display) -> Self {
        IpcError { code, message: error.to_string() }
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
            // The target's refusal in one English sentence, explanation included.
            SessionError::TargetUnavailable { message, failure } => IpcError {
                code: IpcErrorCode::TargetUnavailable,
                message: match failure {
                    Some(failure) => format!("{message}\n{}", failure.explanation.en),
                    None => message,
                },
            },
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
