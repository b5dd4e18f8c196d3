//! CloudWatch's errors, with the query codes AWS has used since the service spoke awsQuery, and
//! the shape names the JSON and CBOR protocols carry in `__type` (the code travels in
//! `x-amzn-query-error: Code;Sender`, which the SDKs read first).
//!
//! Wording: "DatapointsToAlarm must be less than or equal to EvaluationPeriods", "Metrics
//! cannot be checked across more than a day (EvaluationPeriods * Period must be <= 86400)", the
//! `N validation error detected: Value '…' at '…' failed to satisfy constraint: …` sentences and
//! "The value AWS/… for parameter Namespace is invalid." are seen in AWS's answers; the others
//! are inferred from the API reference.

use crate::error::AwsError;

#[derive(Debug, Clone, PartialEq)]
pub enum CloudWatchError {
    /// A constraint of the API model or an operation's rule (`ValidationError`).
    Validation(String),
    /// `InvalidParameterValue`.
    InvalidValue(String),
    /// `InvalidParameterCombination`.
    InvalidCombination(String),
    /// `MissingParameter`.
    Missing(String),
    /// An alarm that does not exist (`ResourceNotFound`, 404).
    AlarmNotFound(String),
    /// Tagging an ARN that names nothing (`ResourceNotFoundException`, 404).
    ResourceNotFound(String),
    /// What the emulator deliberately does not do (metric math), said plainly.
    Unsupported(String),
    /// The state could not be saved.
    Storage(String),
}

impl From<CloudWatchError> for AwsError {
    fn from(error: CloudWatchError) -> Self {
        match error {
            CloudWatchError::Validation(message) => {
                AwsError::sender("ValidationError", 400, message)
            }
            CloudWatchError::InvalidValue(message) => {
                AwsError::sender("InvalidParameterValue", 400, message)
            }
            CloudWatchError::InvalidCombination(message) => {
                AwsError::sender("InvalidParameterCombination", 400, message)
            }
            CloudWatchError::Missing(message) => AwsError::sender("MissingParameter", 400, message),
            CloudWatchError::AlarmNotFound(message) => {
                AwsError::sender("ResourceNotFound", 404, message)
            }
            CloudWatchError::ResourceNotFound(message) => {
                AwsError::sender("ResourceNotFoundException", 404, message)
            }
            CloudWatchError::Unsupported(message) => {
                AwsError::sender("NotImplemented", 501, message)
            }
            CloudWatchError::Storage(message) => {
                AwsError::receiver("InternalServiceError", 500, message)
            }
        }
    }
}

/// The `__type` of an error in the JSON and CBOR protocols: the model's shape name.
pub fn wire_type(code: &str) -> String {
    let shape = match code {
        "InvalidParameterValue" => "InvalidParameterValueException",
        "InvalidParameterCombination" => "InvalidParameterCombinationException",
        "MissingParameter" => "MissingRequiredParameterException",
        "LimitExceeded" => "LimitExceededFault",
        "InternalServiceError" => "InternalServiceFault",
        other => other,
    };
    format!("com.amazonaws.cloudwatch#{shape}")
}

/// `1 validation error detected: Value 'x' at 'member' failed to satisfy constraint: …`.
pub fn constraint(value: impl std::fmt::Display, member: &str, rule: &str) -> CloudWatchError {
    CloudWatchError::Validation(crate::validation::one(&value.to_string(), member, rule))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_shapes_match_the_model() {
        let error = AwsError::from(CloudWatchError::AlarmNotFound("x".into()));
        assert_eq!((error.code.as_str(), error.status), ("ResourceNotFound", 404));
        assert_eq!(
            wire_type("InvalidParameterValue"),
            "com.amazonaws.cloudwatch#InvalidParameterValueException"
        );
        assert_eq!(wire_type("ResourceNotFound"), "com.amazonaws.cloudwatch#ResourceNotFound");
    }
}
