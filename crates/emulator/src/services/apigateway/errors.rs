//! API Gateway's errors: one enum, mapped to AWS's codes and statuses in one exhaustive match.
//! The messages are AWS's own (`Invalid API identifier specified 000000000000:abc`, …), so a
//! learner who searches for one finds what AWS users wrote about it.

use crate::error::AwsError;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiGatewayError {
    /// Input AWS refuses (`BadRequestException`, 400).
    #[error("{0}")]
    BadRequest(String),
    /// Something named that does not exist (`NotFoundException`, 404).
    #[error("{0}")]
    NotFound(String),
    /// Something that already exists (`ConflictException`, 409).
    #[error("{0}")]
    Conflict(String),
    /// Smithy's constraint check (`ValidationException`, 400):
    /// `1 validation error detected: Value … at '…' failed to satisfy constraint: …`.
    #[error("{0}")]
    Validation(String),
    /// A control-plane call over one of AWS's quotas (`TooManyRequestsException`, 429), with
    /// the seconds until the next call would pass, sent as `Retry-After`.
    #[error("Too Many Requests")]
    TooManyRequests { retry_after: u64 },
}

impl ApiGatewayError {
    pub fn api_not_found(account: &str, id: &str) -> Self {
        Self::NotFound(format!("Invalid API identifier specified {account}:{id}"))
    }

    pub fn resource_not_found() -> Self {
        Self::NotFound("Invalid Resource identifier specified".into())
    }

    pub fn method_not_found() -> Self {
        Self::NotFound("Invalid Method identifier specified".into())
    }

    pub fn integration_not_found() -> Self {
        Self::NotFound("Invalid Integration identifier specified".into())
    }

    /// A method response or integration response of a status code that is not there.
    pub fn response_not_found() -> Self {
        Self::NotFound("Invalid Response status code specified".into())
    }

    pub fn stage_not_found() -> Self {
        Self::NotFound("Invalid Stage identifier specified".into())
    }

    pub fn deployment_not_found() -> Self {
        Self::NotFound("Invalid Deployment identifier specified".into())
    }

    /// An enum member outside its set, as Smithy's validation words it.
    pub fn not_in_enum(value: &str, member: &str, allowed: &str) -> Self {
        let constraint = format!("Member must satisfy enum value set: [{allowed}]");
        Self::Validation(crate::validation::one(value, member, constraint))
    }

    /// A patch operation on a path the resource does not have.
    pub fn invalid_patch_path(path: &str) -> Self {
        Self::BadRequest(format!("Invalid patch path {path}"))
    }
}

impl From<ApiGatewayError> for AwsError {
    fn from(error: ApiGatewayError) -> Self {
        let message = error.to_string();
        let (code, status, retry_after) = match error {
            ApiGatewayError::BadRequest(_) => ("BadRequestException", 400, None),
            ApiGatewayError::NotFound(_) => ("NotFoundException", 404, None),
            ApiGatewayError::Conflict(_) => ("ConflictException", 409, None),
            ApiGatewayError::Validation(_) => ("ValidationException", 400, None),
            ApiGatewayError::TooManyRequests { retry_after } => {
                ("TooManyRequestsException", 429, Some(retry_after))
            }
        };
        AwsError { retry_after, ..AwsError::sender(code, status, message) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_has_aws_code_and_status() {
        let cases = [
            (ApiGatewayError::api_not_found("000000000000", "abc"), "NotFoundException", 404),
            (ApiGatewayError::BadRequest("x".into()), "BadRequestException", 400),
            (ApiGatewayError::Conflict("x".into()), "ConflictException", 409),
            (ApiGatewayError::Validation("x".into()), "ValidationException", 400),
        ];
        for (error, code, status) in cases {
            let aws = AwsError::from(error);
            assert_eq!((aws.code.as_str(), aws.status), (code, status));
        }
        let aws = AwsError::from(ApiGatewayError::api_not_found("000000000000", "abc"));
        assert_eq!(aws.message, "Invalid API identifier specified 000000000000:abc");
        assert_eq!(aws.retry_after, None);
    }

    #[test]
    fn a_throttled_call_is_too_many_requests_and_says_when_to_retry() {
        let aws = AwsError::from(ApiGatewayError::TooManyRequests { retry_after: 4 });
        assert_eq!(
            (aws.code.as_str(), aws.status, aws.message.as_str(), aws.retry_after),
            ("TooManyRequestsException", 429, "Too Many Requests", Some(4))
        );
    }
}
