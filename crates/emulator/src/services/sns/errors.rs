//! SNS's errors, with AWS's codes and words: `NotFound` (404) "Topic does not exist" and
//! "Subscription does not exist", `InvalidParameter` (400) "Invalid parameter: …" (seen in
//! AWS's answers), `ResourceNotFound` for tags of a topic that is gone.

use crate::error::AwsError;

#[derive(Debug, Clone, PartialEq)]
pub enum SnsError {
    TopicNotFound,
    SubscriptionNotFound,
    /// The text after "Invalid parameter: ".
    InvalidParameter(String),
    /// Tagging an ARN that names no topic.
    ResourceNotFound,
    /// A protocol or target the emulator does not deliver to (said plainly).
    Unsupported(String),
    Storage(String),
}

impl From<SnsError> for AwsError {
    fn from(error: SnsError) -> Self {
        match error {
            SnsError::TopicNotFound => AwsError::sender("NotFound", 404, "Topic does not exist"),
            SnsError::SubscriptionNotFound => {
                AwsError::sender("NotFound", 404, "Subscription does not exist")
            }
            SnsError::InvalidParameter(what) => {
                AwsError::sender("InvalidParameter", 400, format!("Invalid parameter: {what}"))
            }
            SnsError::ResourceNotFound => {
                AwsError::sender("ResourceNotFound", 404, "Resource does not exist")
            }
            SnsError::Unsupported(message) => AwsError::sender("NotImplemented", 501, message),
            SnsError::Storage(message) => AwsError::receiver("InternalError", 500, message),
        }
    }
}
