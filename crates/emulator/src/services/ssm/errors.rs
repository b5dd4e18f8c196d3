//! Parameter Store's errors, with AWS's codes and words, turned into [`AwsError`] in one
//! exhaustive `match`. Every one is HTTP 400, as SSM answers.
//!
//! Wording, and where it was found:
//! - Answers recorded against AWS: `ParameterNotFound` from `GetParameter` and
//!   `DeleteParameter`, and `InvalidResourceId` from the tagging operations, carry no message at
//!   all (`An error occurred (ParameterNotFound) when calling the GetParameter operation: `, the
//!   JavaScript SDK's `message: null`); so their bodies here are `{"__type": "…"}` alone. Names
//!   that are not paths of sub-paths (`a/b`, `//a`) are refused with the sentence that ends
//!   "…each sub-path can be formed as a mix of letters, numbers and the following 3 symbols
//!   .-_"; "Standard tier parameters support a maximum parameter value of 4096 characters. …";
//!   "You have reached the maximum number of standard parameters … (10000). …"; a list of names
//!   longer than ten is `Value '[a, b, …]' at 'names' …` (values quoted, as SSM quotes them),
//!   while the sensitive `value` member is left out (`Value at 'value' …`).
//! - As moto writes them after AWS's answers: "No access to reserved parameter name: NAME.",
//!   the two "Parameter name: can't be prefixed with …" sentences, "The parameter already
//!   exists. To overwrite this value, set the overwrite option in the request to true.",
//!   "Systems Manager could not find version N of NAME. Verify the version and try again.",
//!   "A parameter type is required when you create a parameter.", "The following data type is
//!   not supported: X (Data type names are all lowercase.)", "Invalid request: tags and
//!   overwrite can't be used together. …", and the filter errors ("The following filter key is
//!   not valid: …").
//! - Inferred from the API model's documentation of the error (no recorded answer found):
//!   [`SsmError::HierarchyTooDeep`], [`SsmError::InvalidNextToken`]; and, like the recorded
//!   `InvalidResourceId`, errors whose model shape has no message member answer without one
//!   (`InvalidResourceType`, `TooManyTagsError`).

use crate::error::AwsError;
pub use crate::validation::Violation;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsmError {
    /// Constraint violations of the API model, found while reading the request.
    Validation(Vec<Violation>),
    /// A rule of the operation the input breaks, in AWS's own sentence (`ValidationException`).
    Invalid(String),
    /// A name under `/aws/`, which only AWS may write.
    ReservedName(String),
    /// No such parameter (`ParameterNotFound`, without a message).
    NotFound,
    VersionNotFound {
        name: String,
        version: String,
    },
    AlreadyExists,
    HierarchyTooDeep,
    /// 10,000 standard parameters in the account and region already.
    LimitExceeded,
    InvalidFilterKey(String),
    InvalidFilterOption(String),
    InvalidFilterValue(String),
    /// A `NextToken` the emulator did not hand out.
    InvalidNextToken,
    /// A tagging operation names a parameter that does not exist (no message).
    InvalidResourceId,
    /// A tagging operation names a kind of resource the emulator has none of (no message).
    InvalidResourceType,
    /// More than 50 tags on a parameter (no message: the model gives the error no member).
    TooManyTags,
    /// A body member of the wrong JSON type.
    Serialization(String),
}

/// The pattern SSM names a parameter's path rules by, in its refusals.
pub const SUB_PATHS: &str = "Parameter name: can't be prefixed with \"ssm\" (case-insensitive). \
     If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can \
     be formed as a mix of letters, numbers and the following 3 symbols .-_";

impl From<SsmError> for AwsError {
    fn from(error: SsmError) -> Self {
        use SsmError::*;
        let sender = |code: &str, message: String| AwsError::sender(code, 400, message);
        let bare = |code: &str| AwsError {
            json_body: Some(serde_json::json!({ "__type": code }).to_string()),
            ..AwsError::sender(code, 400, "")
        };
        match error {
            Validation(violations) => {
                sender("ValidationException", crate::validation::detected(&violations))
            }
            Invalid(message) => sender("ValidationException", message),
            ReservedName(name) => sender(
                "AccessDeniedException",
                format!("No access to reserved parameter name: {name}."),
            ),
            NotFound => bare("ParameterNotFound"),
            VersionNotFound { name, version } => sender(
                "ParameterVersionNotFound",
                format!(
                    "Systems Manager could not find version {version} of {name}. Verify the \
                     version and try again."
                ),
            ),
            AlreadyExists => sender(
                "ParameterAlreadyExists",
                "The parameter already exists. To overwrite this value, set the overwrite option \
                 in the request to true."
                    .into(),
            ),
            HierarchyTooDeep => sender(
                "HierarchyLevelLimitExceededException",
                "A hierarchy can have a maximum of 15 levels. For more information, see \
                 Requirements and constraints for parameter names in the Amazon Web Services \
                 Systems Manager User Guide."
                    .into(),
            ),
            LimitExceeded => sender(
                "ParameterLimitExceeded",
                "You have reached the maximum number of standard parameters for this AWS account \
                 and Region (10000). To add more parameters, either delete existing parameters or \
                 upgrade to the advanced-parameter tier (charges apply)."
                    .into(),
            ),
            InvalidFilterKey(message) => sender("InvalidFilterKey", message),
            InvalidFilterOption(message) => sender("InvalidFilterOption", message),
            InvalidFilterValue(message) => sender("InvalidFilterValue", message),
            InvalidNextToken => AwsError {
                // The model names this member `Message`, capitalised.
                json_body: Some(
                    serde_json::json!({
                        "__type": "InvalidNextToken",
                        "Message": "The specified token isn't valid."
                    })
                    .to_string(),
                ),
                ..sender("InvalidNextToken", "The specified token isn't valid.".into())
            },
            InvalidResourceId => bare("InvalidResourceId"),
            InvalidResourceType => bare("InvalidResourceType"),
            TooManyTags => bare("TooManyTagsError"),
            Serialization(message) => sender("SerializationException", message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::Shown;

    #[test]
    fn a_missing_parameter_is_named_without_a_message() {
        let error = AwsError::from(SsmError::NotFound);
        assert_eq!((error.code.as_str(), error.status), ("ParameterNotFound", 400));
        assert_eq!(error.json_body.as_deref(), Some(r#"{"__type":"ParameterNotFound"}"#));
        assert_eq!(error.message, "");
    }

    #[test]
    fn violations_quote_values_as_ssm_does() {
        let error = AwsError::from(SsmError::Validation(vec![Violation::new(
            Shown::Quoted,
            "names",
            "[a, b]",
            crate::validation::max_length(10),
        )]));
        assert_eq!(error.code, "ValidationException");
        assert_eq!(
            error.message,
            "1 validation error detected: Value '[a, b]' at 'names' failed to satisfy \
             constraint: Member must have length less than or equal to 10"
        );
    }
}
