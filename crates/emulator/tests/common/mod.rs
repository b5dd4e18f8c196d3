//! Helpers for the emulator's integration tests: a running emulator, SDK configuration pointed
//! at it, and a bare HTTP/1.1 client for asserting exact wire bytes.

#![allow(dead_code)]

pub mod alarms;
pub mod iam;
pub mod lambda;
pub mod logs;

use aws_sdk_iam::error::ProvideErrorMetadata;
use awslab_emulator::{Emulator, EmulatorConfig};
use std::io::{Read, Write};
use std::net::TcpStream;

pub async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default()).await.expect("the emulator starts")
}

/// SDK configuration for the learner's (any non-emulator) keys, in `region`.
pub async fn sdk_config(emulator: &Emulator, region: &'static str) -> aws_config::SdkConfig {
    signing_with(emulator, region, "AKIASTUDENTEXAMPLE", "student-secret").await
}

/// SDK configuration signing with this access key and secret, in `region`, as
/// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` would.
pub async fn signing_with(
    emulator: &Emulator,
    region: &'static str,
    key: &str,
    secret: &str,
) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(emulator.endpoint())
        .region(aws_config::Region::new(region))
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            key,
            secret,
            None,
            None,
            "awslab-tests",
        ))
        .load()
        .await
}

/// An error as AWS reports it through an SDK: code, message, HTTP status.
pub fn failure<E: ProvideErrorMetadata>(
    error: aws_sdk_iam::error::SdkError<E, aws_sdk_iam::config::http::HttpResponse>,
) -> (String, String, u16) {
    let status = error.raw_response().map_or(0, |r| r.status().as_u16());
    let code = error.code().unwrap_or_default().to_string();
    let message = error.message().unwrap_or_default().to_string();
    (code, message, status)
}

/// The header that carries the emulator's control token, for requests to `/_awslab/…`.
pub fn token(emulator: &Emulator) -> (&'static str, &str) {
    (awslab_emulator::CONTROL_TOKEN_HEADER, emulator.control_token())
}

/// A raw HTTP response: status, headers (lowercase names) and body.
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Sends one HTTP/1.1 request and reads the whole answer.
pub fn raw(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> RawResponse {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("write head");
    stream.write_all(body).expect("write body");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read answer");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    RawResponse { status, headers, body: body.to_string() }
}

/// [`raw`] from async tests: the blocking socket work runs off the runtime's threads.
pub async fn send(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> RawResponse {
    let (method, path, body) = (method.to_string(), path.to_string(), body.to_vec());
    let headers: Vec<(String, String)> =
        headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    tokio::task::spawn_blocking(move || {
        let headers: Vec<(&str, &str)> =
            headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        raw(port, &method, &path, &headers, &body)
    })
    .await
    .expect("the request thread")
}

/// A SigV4 `Authorization` header for `service` in `region` (signature not checked by default).
pub fn signed(service: &str, region: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=AKIASTUDENTEXAMPLE/20240501/{region}/{service}/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature=0000"
    )
}

/// A CreateTable request for an on-demand table keyed by one string attribute, ready to send
/// (or to take tags first).
pub fn create_table(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    key: &str,
) -> aws_sdk_dynamodb::operation::create_table::builders::CreateTableFluentBuilder {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    client
        .create_table()
        .table_name(table)
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name(key)
                .key_type(KeyType::Hash)
                .build()
                .expect("a key schema element"),
        )
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(key)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("an attribute definition"),
        )
        .billing_mode(BillingMode::PayPerRequest)
}
