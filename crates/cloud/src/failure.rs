//! A call that failed: AWS's error code and message, and a plain explanation for a student.

use aws_sdk_iam::error::ProvideErrorMetadata;
use awslab_lab::Localized;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{service} {operation} failed: {code}: {message}")]
pub struct Failure {
    pub service: String,
    pub operation: String,
    /// AWS's error code (`EntityAlreadyExists`, `AccessDeniedException`, …), or
    /// `ConnectionFailed` when the target could not be reached.
    pub code: String,
    pub message: String,
    /// What it means, and what to do, in words a student understands.
    pub explanation: Localized,
}

impl Failure {
    /// A failure awslab itself found before calling (a bad parameter, a missing resource).
    pub fn local(service: &str, operation: &str, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Failure {
            service: service.into(),
            operation: operation.into(),
            code: code.into(),
            explanation: explain(code, &message),
            message,
        }
    }

    /// An SDK error: a service error keeps its code and message; a call that never got an
    /// answer is `ConnectionFailed`.
    pub fn from_sdk<E, R>(
        service: &str,
        operation: &str,
        error: aws_sdk_iam::error::SdkError<E, R>,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        use aws_sdk_iam::error::SdkError;
        let (code, message) = match &error {
            SdkError::ServiceError(inner) => (
                inner.err().code().unwrap_or("Unknown").to_string(),
                inner.err().message().unwrap_or_default().to_string(),
            ),
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
                ("ConnectionFailed".to_string(), describe(&error))
            }
            _ => ("ClientError".to_string(), describe(&error)),
        };
        Failure::local(service, operation, &code, message)
    }
}

/// The whole chain of an error, for errors with no AWS message.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// What an error code means for a student.
fn explain(code: &str, message: &str) -> Localized {
    let (ko, en) = match code {
        "EntityAlreadyExists"
        | "ResourceConflictException"
        | "ResourceInUseException"
        | "ResourceAlreadyExistsException"
        | "ConflictException" => (
            "같은 이름의 리소스가 이미 있습니다. 앞에서 이미 만들었다면 이 단계는 건너뛰고 확인(Check)을 눌러 보세요.",
            "A resource of that name already exists. If you made it earlier, skip ahead and press Check.",
        ),
        "NoSuchEntity" | "ResourceNotFoundException" | "NotFoundException" => (
            "필요한 리소스를 찾을 수 없습니다. 이름의 철자와 앞 단계를 마쳤는지 확인하세요.",
            "A resource this step needs was not found. Check the spelling, and that the earlier steps are done.",
        ),
        "MalformedPolicyDocument" => (
            "정책 문서가 올바르지 않습니다. JSON 문법과 Version, Statement, Effect, Action 항목을 확인하세요.",
            "The policy document is not valid: check the JSON and its Version, Statement, Effect and Action.",
        ),
        "ValidationException"
        | "ValidationError"
        | "InvalidParameterValueException"
        | "InvalidParameterException"
        | "BadRequestException" => (
            "입력값 중 AWS가 받아들이지 않는 것이 있습니다. 아래 메시지가 어떤 값인지 알려 줍니다.",
            "AWS did not accept one of the values; the message below says which.",
        ),
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => (
            "이 작업을 할 권한이 없습니다. 어떤 역할(사용자)로 호출했는지와 그 정책을 확인하세요.",
            "This identity is not allowed to do that: check who made the call and what its policies allow.",
        ),
        "ConnectionFailed" => (
            "대상에 연결하지 못했습니다. 오프라인 에뮬레이터가 실행 중인지, 또는 네트워크와 AWS 자격 증명을 확인하세요.",
            "The target could not be reached: is the offline emulator running, or are the network and AWS credentials in order?",
        ),
        "ExpiredToken"
        | "ExpiredTokenException"
        | "InvalidClientTokenId"
        | "UnrecognizedClientException" => (
            "AWS 자격 증명이 만료되었거나 잘못되었습니다. `aws sso login` 또는 프로필 설정을 확인하세요.",
            "The AWS credentials have expired or are not valid: sign in again (`aws sso login`) or check the profile.",
        ),
        _ => (
            "AWS가 요청을 거절했습니다. 아래 오류 코드와 메시지를 확인하세요.",
            "AWS refused the request; the error code and message below say why.",
        ),
    };
    let _ = message;
    Localized::new(ko, en)
}
