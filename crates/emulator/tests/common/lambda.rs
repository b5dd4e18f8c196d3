//! Lambda helpers shared by the Lambda test suites: an emulator whose Python has boto3, zips of
//! handler source, and a role Lambda may assume.

#![allow(dead_code)]

use super::iam::LAMBDA_TRUST;
use super::sdk_config;
use aws_sdk_lambda::Client;
use aws_sdk_lambda::primitives::Blob;
use awslab_emulator::{Emulator, EmulatorConfig, Interpreters};
use std::io::Write;

pub const REGION: &str = "ap-northeast-2";

/// The Python that runs handlers in tests: `AWSLAB_PYTHON` (`./dev test` points it at the
/// repository's `.venv`, which has boto3), else that `.venv` if it exists, else `python3`. Node.js
/// handlers get the AWS SDK for JavaScript from `AWSLAB_NODE_MODULES`, else from the folder
/// `./dev` installs it in.
pub fn interpreters() -> Interpreters {
    let mut interpreters = Interpreters::from_environment();
    if std::env::var_os("AWSLAB_PYTHON").is_none() {
        let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.venv/bin/python");
        if std::path::Path::new(venv).exists() {
            interpreters.python = venv.to_string();
        }
    }
    if std::env::var_os("AWSLAB_NODE_MODULES").is_none() {
        let sdk = concat!(env!("CARGO_MANIFEST_DIR"), "/node-sdk/node_modules");
        if std::path::Path::new(sdk).join("@aws-sdk").is_dir() {
            interpreters.node_modules = Some(sdk.into());
        }
    }
    interpreters
}

pub async fn start() -> Emulator {
    start_with(EmulatorConfig { interpreters: interpreters(), ..EmulatorConfig::default() }).await
}

pub async fn start_with(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("the emulator starts")
}

pub async fn client(emulator: &Emulator) -> Client {
    Client::new(&sdk_config(emulator, REGION).await)
}

/// A zip holding `files` (name, source), as the console or `zip` would make it.
pub fn zip(files: &[(&str, &str)]) -> Blob {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in files {
        writer.start_file(*name, zip::write::SimpleFileOptions::default()).expect("a zip entry");
        writer.write_all(text.as_bytes()).expect("zip bytes");
    }
    Blob::new(writer.finish().expect("a zip").into_inner())
}

/// A role that trusts Lambda, with `policy` inline when given; returns its ARN.
pub async fn role(emulator: &Emulator, name: &str, policy: Option<&str>) -> String {
    let iam = super::iam::client(emulator).await;
    let role = iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(LAMBDA_TRUST)
        .send()
        .await
        .expect("the role");
    if let Some(policy) = policy {
        iam.put_role_policy()
            .role_name(name)
            .policy_name("inline")
            .policy_document(policy)
            .send()
            .await
            .expect("the role's policy");
    }
    role.role().expect("a role").arn().to_string()
}

/// Creates a Python 3.12 function from one `lambda_function.py`.
pub async fn python_function(client: &Client, name: &str, role: &str, source: &str) {
    client
        .create_function()
        .function_name(name)
        .runtime(aws_sdk_lambda::types::Runtime::Python312)
        .role(role)
        .handler("lambda_function.lambda_handler")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(zip(&[("lambda_function.py", source)]))
                .build(),
        )
        .send()
        .await
        .expect("the function");
}

/// The JSON of an invocation's payload.
pub fn json(payload: Option<&Blob>) -> serde_json::Value {
    serde_json::from_slice(payload.expect("a payload").as_ref()).expect("a JSON payload")
}

/// The decoded `X-Amz-Log-Result`.
pub fn tail(log_result: Option<&str>) -> String {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(log_result.expect("a log tail"))
        .expect("base64");
    String::from_utf8(bytes).expect("UTF-8")
}
