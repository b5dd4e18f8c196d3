//! CloudWatch Logs' errors, with AWS's codes and words, turned into [`AwsError`] in one
//! exhaustive `match`. Every one is HTTP 400, as CloudWatch Logs answers.
//!
//! Wording:
//! - Seen in recorded AWS responses: "The specified log group does not exist.", "The specified
//!   log group already exists", "The specified log stream does not exist.", "Log events in a
//!   single PutLogEvents request must be in chronological order.", "The batch of log events in
//!   a single PutLogEvents request cannot span more than 24 hours.", "Upload too large: N bytes
//!   exceeds limit of 1048576", "Log groups starting with AWS/ are reserved for AWS.", "Cannot
//!   order by LastEventTime with a logStreamNamePrefix.", "Invalid filter pattern", and the
//!   constraint violations `N validation error(s) detected: …`. Since mid-2026 AWS leaves the
//!   offending value out of those (`Value at 'logGroupIdentifier' failed to satisfy constraint:
//!   …`), and so does the emulator, for every member.
//! - Inferred (not seen in a recorded response): "The specified log stream already exists"
//!   (the group's sentence, for a stream), the messages of [`LogsError::BothGroupNameAndIdentifier`],
//!   [`LogsError::NoGroupNameOrIdentifier`], [`LogsError::BothStreamNamesAndPrefix`],
//!   [`LogsError::InvalidToken`] and [`LogsError::TooManyTags`].

use crate::error::AwsError;

use crate::validation::Shown;
pub use crate::validation::Violation;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogsError {
    /// Constraint violations found while reading the request.
    Validation(Vec<Violation>),
    /// A rule of the operation the input breaks, in AWS's own sentence.
    InvalidParameter(String),
    GroupNotFound,
    StreamNotFound,
    GroupExists,
    StreamExists,
    BothGroupNameAndIdentifier,
    NoGroupNameOrIdentifier,
    BothStreamNamesAndPrefix,
    /// A `nextToken` the emulator did not hand out.
    InvalidToken,
    /// More than 50 tags on a log group after a tagging call.
    TooManyTags,
    /// A kind of filter pattern the emulator does not evaluate (see `filter`).
    Unsupported(&'static str),
    /// A body member of the wrong JSON type.
    Serialization(String),
    /// The store could not be read or written.
    Storage(String),
}

impl LogsError {
    /// One constraint violation.
    pub fn violation(member: impl Into<String>, constraint: impl Into<String>) -> Self {
        LogsError::Validation(vec![Violation::new(
            Shown::Hidden,
            &member.into(),
            "",
            constraint.into(),
        )])
    }
}

impl From<rusqlite::Error> for LogsError {
    fn from(error: rusqlite::Error) -> Self {
        LogsError::Storage(error.to_string())
    }
}

impl From<LogsError> for AwsError {
    fn from(error: LogsError) -> Self {
        use LogsError::*;
        let invalid = |message: String| AwsError::sender("InvalidParameterException", 400, message);
        let not_found = |message: &str| AwsError::sender("ResourceNotFoundException", 400, message);
        let exists =
            |message: &str| AwsError::sender("ResourceAlreadyExistsException", 400, message);
        match error {
            Validation(violations) => invalid(crate::validation::detected(&violations)),
            InvalidParameter(message) => invalid(message),
            GroupNotFound => not_found("The specified log group does not exist."),
            StreamNotFound => not_found("The specified log stream does not exist."),
            GroupExists => exists("The specified log group already exists"),
            StreamExists => exists("The specified log stream already exists"),
            BothGroupNameAndIdentifier => invalid(
                "LogGroupName and LogGroupIdentifier are mutually exclusive parameters.".into(),
            ),
            NoGroupNameOrIdentifier => {
                invalid("Either LogGroupName or LogGroupIdentifier must be specified.".into())
            }
            BothStreamNamesAndPrefix => {
                invalid("Cannot specify both logStreamNames and logStreamNamePrefix.".into())
            }
            InvalidToken => invalid("The specified nextToken is invalid.".into()),
            TooManyTags => AwsError::sender(
                "TooManyTagsException",
                400,
                "A resource can have no more than 50 tags.",
            ),
            Unsupported(kind) => AwsError::sender(
                "NotImplemented",
                501,
                format!(
                    "The offline emulator does not evaluate {kind} yet; use terms, \"quoted \
                     phrases\", ?alternatives and -exclusions (see docs/emulator.md)"
                ),
            ),
            Serialization(message) => AwsError::sender("SerializationException", 400, message),
            Storage(message) => AwsError::receiver("ServiceUnavailableException", 500, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_read_as_aws_writes_them() {
        let error = AwsError::from(LogsError::Validation(vec![
            Violation::new(
                Shown::Hidden,
                "logGroupName",
                "",
                "Member must have length greater than or equal to 1",
            ),
            Violation::new(
                Shown::Hidden,
                "logGroupName",
                "",
                r"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+",
            ),
        ]));
        assert_eq!((error.code.as_str(), error.status), ("InvalidParameterException", 400));
        assert_eq!(
            error.message,
            r"2 validation errors detected: Value at 'logGroupName' failed to satisfy constraint: Member must have length greater than or equal to 1; Value at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+"
        );
        let one = AwsError::from(LogsError::violation("limit", "Member must not be null"));
        assert!(one.message.starts_with("1 validation error detected: "), "{}", one.message);
    }

    #[test]
    fn missing_resources_are_named_as_aws_names_them() {
        let group = AwsError::from(LogsError::GroupNotFound);
        assert_eq!(
            (group.code.as_str(), group.message.as_str(), group.status),
            ("ResourceNotFoundException", "The specified log group does not exist.", 400)
        );
        let exists = AwsError::from(LogsError::GroupExists);
        assert_eq!(exists.message, "The specified log group already exists");
    }
}
