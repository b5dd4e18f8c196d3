//! IAM helpers shared by the IAM test suites.

#![allow(dead_code)]

use super::sdk_config;
use aws_sdk_iam::Client;
use awslab_emulator::Emulator;
use serde_json::Value;

pub const PUT_ITEM_POLICY: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "dynamodb:PutItem",
            "Resource": "*"
        }
    ]
}"#;

pub const LAMBDA_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

pub async fn client(emulator: &Emulator) -> Client {
    Client::new(&sdk_config(emulator, "ap-northeast-2").await)
}

#[allow(unused_imports)] // not every suite that includes this module uses it
pub use super::failure;

/// The SDK configuration of a session of `role_arn` named `session_name`, assumed by the
/// learner through STS: what a handler's boto3 or an assumed-role profile acts as.
pub async fn session(
    emulator: &Emulator,
    region: &'static str,
    role_arn: &str,
    session_name: &str,
) -> aws_config::SdkConfig {
    let learner = sdk_config(emulator, region).await;
    let assumed = aws_sdk_sts::Client::new(&learner)
        .assume_role()
        .role_arn(role_arn)
        .role_session_name(session_name)
        .send()
        .await
        .expect("AssumeRole");
    let keys = assumed.credentials().expect("credentials");
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(emulator.endpoint())
        .region(aws_config::Region::new(region))
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            keys.access_key_id(),
            keys.secret_access_key(),
            Some(keys.session_token().to_string()),
            None,
            "assumed",
        ))
        .load()
        .await
}

/// IAM's documents come back URL-encoded; this is what boto3 and the CLI do to read them.
pub fn decoded(document: &str) -> Value {
    let text: String = form_urlencoded::parse(format!("d={document}").as_bytes())
        .map(|(_, value)| value.into_owned())
        .collect();
    serde_json::from_str(&text).expect("a JSON document")
}
