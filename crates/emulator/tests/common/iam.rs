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

/// IAM's documents come back URL-encoded; this is what boto3 and the CLI do to read them.
pub fn decoded(document: &str) -> Value {
    let text: String = form_urlencoded::parse(format!("d={document}").as_bytes())
        .map(|(_, value)| value.into_owned())
        .collect();
    serde_json::from_str(&text).expect("a JSON document")
}
