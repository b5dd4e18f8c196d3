//! The error every service and protocol speaks: an AWS error code, a message and an HTTP status.
//!
//! Services define their own error enums (with AWS's exact codes and messages) and convert them
//! into [`AwsError`] in one exhaustive `match`; each protocol encoder then writes it in its own
//! shape (query XML, JSON `__type`, …).

use std::fmt;

/// Who is to blame, as query protocols report it in `<Type>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Sender,
    Receiver,
}

/// An error as AWS reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// The AWS error code (`NoSuchEntity`, `ValidationException`, …).
    pub code: String,
    pub message: String,
    /// The HTTP status AWS answers with.
    pub status: u16,
    pub fault: Fault,
    /// Seconds the caller should wait before trying again, sent as `Retry-After` (a throttled
    /// call); `None` for every other error.
    pub retry_after: Option<u64>,
    /// The whole JSON body to answer with in the JSON protocols, instead of `__type` and
    /// `message`: DynamoDB's engine writes its own errors' bodies, with what they carry beside
    /// the message (a transaction's `CancellationReasons`, a failed condition's `Item`) and in
    /// DynamoDB's words (`Message` capitalised where DynamoDB does). `None` for the rest.
    pub json_body: Option<String>,
}

impl AwsError {
    pub fn sender(code: impl Into<String>, status: u16, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            status,
            fault: Fault::Sender,
            retry_after: None,
            json_body: None,
        }
    }

    pub fn receiver(code: impl Into<String>, status: u16, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            status,
            fault: Fault::Receiver,
            retry_after: None,
            json_body: None,
        }
    }

    /// The same error, telling the caller to wait `seconds` before trying again.
    pub fn with_retry_after(self, seconds: u64) -> Self {
        Self { retry_after: Some(seconds), ..self }
    }

    /// The request carried no SigV4 signature at all.
    pub fn missing_authentication() -> Self {
        Self::sender("MissingAuthenticationToken", 403, "Request is missing Authentication Token")
    }

    /// An operation the service has but the emulator does not implement yet.
    pub fn not_implemented(service: &str, operation: &str) -> Self {
        Self::sender(
            "NotImplemented",
            501,
            format!(
                "The offline emulator does not implement {service} {operation} yet \
                 (see docs/emulator-coverage.md)"
            ),
        )
    }

    /// An operation name the service does not have.
    pub fn invalid_action(operation: &str, version: &str) -> Self {
        Self::sender(
            "InvalidAction",
            400,
            format!("Could not find operation {operation} for version {version}"),
        )
    }

    /// A body that cannot be decoded, or a request the emulator cannot place.
    pub fn malformed(message: impl Into<String>) -> Self {
        Self::sender("MalformedQueryString", 400, message)
    }

    pub fn too_large(limit: usize) -> Self {
        Self::sender(
            "RequestEntityTooLarge",
            413,
            format!("Request must be smaller than {limit} bytes"),
        )
    }

    /// AWS's validation error for query services (IAM, STS, SNS).
    pub fn validation(message: impl Into<String>) -> Self {
        Self::sender("ValidationError", 400, message)
    }
}

impl AwsError {
    /// JSON-protocol services name the signature and token errors with an `Exception` suffix
    /// and answer them with 400 (`MissingAuthenticationTokenException`, …), and call a wrong
    /// signature `InvalidSignatureException` where query services say `SignatureDoesNotMatch`.
    pub fn for_json_protocol(&self) -> AwsError {
        let code = match self.code.as_str() {
            "MissingAuthenticationToken" => "MissingAuthenticationTokenException",
            "IncompleteSignature" => "IncompleteSignatureException",
            "ExpiredToken" => "ExpiredTokenException",
            "InvalidClientTokenId" => "UnrecognizedClientException",
            "SignatureDoesNotMatch" => "InvalidSignatureException",
            _ => return self.clone(),
        };
        AwsError { code: code.to_string(), status: 400, ..self.clone() }
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)
    }
}

impl std::error::Error for AwsError {}
