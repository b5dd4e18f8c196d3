//! API Gateway helpers: a client, the building blocks of the labs' APIs, and plain HTTP calls to
//! invoke URLs (path-style, or host-style with a `Host` header of our choosing).
//!
//! Not declared in `common/mod.rs`: only the API Gateway suites include it (`#[path]`), so the
//! other test binaries do not link aws-sdk-apigateway.

#![allow(dead_code)]

use crate::common::sdk_config;
use aws_sdk_apigateway::Client;
use aws_sdk_apigateway::types::{EndpointConfiguration, EndpointType, IntegrationType};
use awslab_emulator::Emulator;
use std::io::{Read, Write};
use std::net::TcpStream;

pub const REGION: &str = "ap-northeast-2";

pub async fn client(emulator: &Emulator) -> Client {
    Client::new(&sdk_config(emulator, REGION).await)
}

/// A Regional REST API; returns its id and root resource id.
pub async fn rest_api(client: &Client, name: &str) -> (String, String) {
    let api = client
        .create_rest_api()
        .name(name)
        .endpoint_configuration(
            EndpointConfiguration::builder().types(EndpointType::Regional).build(),
        )
        .send()
        .await
        .expect("the REST API");
    (api.id().expect("an id").to_string(), api.root_resource_id().expect("a root").to_string())
}

/// A child resource; returns its id.
pub async fn resource(client: &Client, api: &str, parent: &str, part: &str) -> String {
    let resource = client
        .create_resource()
        .rest_api_id(api)
        .parent_id(parent)
        .path_part(part)
        .send()
        .await
        .expect("the resource");
    resource.id().expect("an id").to_string()
}

/// A method without authorization.
pub async fn method(client: &Client, api: &str, resource: &str, verb: &str) {
    client
        .put_method()
        .rest_api_id(api)
        .resource_id(resource)
        .http_method(verb)
        .authorization_type("NONE")
        .send()
        .await
        .expect("the method");
}

/// The integration URI of a Lambda function (a name, or an ARN with stage variables).
pub fn lambda_uri(function: &str) -> String {
    let arn = if function.starts_with("arn:") {
        function.to_string()
    } else {
        format!("arn:aws:lambda:{REGION}:000000000000:function:{function}")
    };
    format!("arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arn}/invocations")
}

/// A Lambda integration (`AWS_PROXY` or `AWS`), called with POST as the console sets it.
pub async fn lambda_integration(
    client: &Client,
    api: &str,
    resource: &str,
    verb: &str,
    kind: IntegrationType,
    function: &str,
) {
    client
        .put_integration()
        .rest_api_id(api)
        .resource_id(resource)
        .http_method(verb)
        .r#type(kind)
        .integration_http_method("POST")
        .uri(lambda_uri(function))
        .send()
        .await
        .expect("the integration");
}

/// `aws lambda add-permission` for API Gateway, from a source ARN pattern.
pub async fn permit(
    lambda: &aws_sdk_lambda::Client,
    function: &str,
    statement: &str,
    source_arn: &str,
) {
    lambda
        .add_permission()
        .function_name(function)
        .statement_id(statement)
        .action("lambda:InvokeFunction")
        .principal("apigateway.amazonaws.com")
        .source_arn(source_arn)
        .send()
        .await
        .expect("the permission");
}

/// The `arn:aws:execute-api:…:API/*/VERB/PATH` source ARN of a method, for any stage.
pub fn source_arn(api: &str, verb: &str, path: &str) -> String {
    format!(
        "arn:aws:execute-api:{REGION}:000000000000:{api}/*/{verb}/{}",
        path.trim_start_matches('/')
    )
}

/// An answer from an invoke URL.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("JSON, not {:?}", self.body))
    }
}

/// One HTTP/1.1 request with the given `Host`, unsigned as a browser or curl sends it.
pub async fn call(
    port: u16,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let (host, method, path, body) =
        (host.to_string(), method.to_string(), path.to_string(), body.to_vec());
    let headers: Vec<(String, String)> =
        headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nUser-Agent: awslab-tests\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in &headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).expect("write");
        stream.write_all(&body).expect("write body");
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).expect("read");
        let text = String::from_utf8_lossy(&answer).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|c| c.parse().ok()).expect("status");
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
            .collect();
        Answer { status, headers, body: body.to_string() }
    })
    .await
    .expect("the request thread")
}

/// A GET (or other request) to a path-style invoke URL.
pub async fn invoke(
    port: u16,
    api: &str,
    stage: &str,
    method: &str,
    path: &str,
    body: &[u8],
) -> Answer {
    let url = format!("/restapis/{api}/{stage}/_user_request_{path}");
    call(
        port,
        &format!("127.0.0.1:{port}"),
        method,
        &url,
        &[("Content-Type", "application/json")],
        body,
    )
    .await
}
