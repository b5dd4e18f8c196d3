//! Running one request through a method, as API Gateway does behind an invoke URL or for
//! `TestInvokeMethod`, writing AWS's execution log as it goes.
//!
//! - `routing`: which resource and method serve a path and verb.
//! - `authorizer`: the method's Lambda authorizer, run before the integration (not by
//!   `TestInvokeMethod`, as on AWS); its result reaches the integration. `authorizer_answer`:
//!   what the function answers, the refusals, the result cache.
//! - `lambda`: the function an integration names, the permission check, the invocation.
//! - `proxy`: the Lambda proxy event and response contract.
//! - `mapping`: integration responses and (the lack of) mapping templates.
//! - `log`: the execution log's shape.
//!
//! Integrations: `AWS_PROXY` and `AWS` to Lambda run the function for real; `MOCK` answers
//! from its templates; `HTTP`/`HTTP_PROXY` and AWS services other than Lambda answer `500`
//! with a log line saying why (offline, there is no network and no other service).

pub mod authorizer;
pub mod authorizer_answer;
pub mod lambda;
pub mod log;
pub mod mapping;
pub mod proxy;
pub mod routing;

use super::integrations::lambda_function;
use super::model::{Integration, IntegrationType, Method};
use crate::state::Shared;
use lambda::{Called, LambdaTarget};
use log::{ExecutionLog, java_map};
use mapping::Template;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A client's request, decoded (the server turns HTTP into this).
#[derive(Debug, Clone, Default)]
pub struct HttpCall {
    pub method: String,
    /// The path within the API (`/houses`), after the stage.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Names in lower case, as HTTP/1.1 servers see them.
    pub headers: Vec<(String, String)>,
    pub body: bytes::Bytes,
    pub source_ip: String,
}

/// Everything known about the method that serves a request.
#[derive(Debug, Clone)]
pub struct Execution {
    pub region: String,
    pub api_id: String,
    /// The stage name; `test-invoke-stage` for `TestInvokeMethod`.
    pub stage: String,
    pub deployment_id: Option<String>,
    /// Stage variables, canary overrides applied.
    pub variables: BTreeMap<String, String>,
    pub resource_id: String,
    pub resource_path: String,
    pub path_parameters: BTreeMap<String, String>,
    pub method: Method,
    /// The authorizer a `CUSTOM` method names, as the deployment keeps it.
    pub authorizer: Option<super::authorizers::Authorizer>,
    pub binary_media_types: Vec<String>,
    pub request_id: String,
    pub extended_request_id: String,
    pub domain_name: String,
    pub test_invoke: bool,
}

impl Execution {
    /// `arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/VERB/PATH`: what Lambda permissions name
    /// in `--source-arn` (`ANY` methods as `*`, the path without its leading `/`).
    pub fn source_arn(&self) -> String {
        let verb = if self.method.http_method == "ANY" { "*" } else { &self.method.http_method };
        format!(
            "arn:aws:execute-api:{}:{}:{}/{}/{verb}/{}",
            self.region,
            crate::ACCOUNT_ID,
            self.api_id,
            self.stage,
            self.resource_path.trim_start_matches('/')
        )
    }
}

/// What the client gets, and the log of how.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub log: ExecutionLog,
    pub latency: Duration,
}

/// Writes the log as the request goes.
struct Run<'a> {
    shared: &'a Arc<Shared>,
    exec: &'a Execution,
    log: ExecutionLog,
    trace_id: String,
    started: Instant,
    /// What the method's authorizer passed on, once it has run.
    authorized: Option<authorizer_answer::Authorized>,
}

impl Run<'_> {
    fn line(&mut self, text: impl AsRef<str>) {
        self.log.line(self.shared.clock.now(), text);
    }

    /// A successful answer: its body, headers and status, as the log's last lines say.
    fn finish(mut self, status: u16, content_type: &str, body: Vec<u8>) -> Outcome {
        let headers = vec![
            ("X-Amzn-Trace-Id".to_string(), self.trace_id.clone()),
            ("Content-Type".to_string(), content_type.to_string()),
        ];
        self.line(format!(
            "Method response body after transformations: {}",
            String::from_utf8_lossy(&body)
        ));
        self.line(format!(
            "Method response headers: {}",
            java_map(headers.iter().map(|(name, value)| (name.as_str(), value.as_str())))
        ));
        self.line("Successfully completed execution");
        self.line(format!("Method completed with status: {status}"));
        Outcome { status, headers, body, log: self.log, latency: self.started.elapsed() }
    }

    /// API Gateway's own error answer (`{"message": "Internal server error"}` and the like),
    /// after `reason` in the log.
    fn fail(mut self, status: u16, reason: &str, message: &str) -> Outcome {
        self.line(reason);
        self.line(format!("Method completed with status: {status}"));
        Outcome {
            status,
            headers: vec![
                ("Content-Type".to_string(), "application/json".to_string()),
                ("x-amzn-ErrorType".to_string(), "InternalServerErrorException".to_string()),
            ],
            body: json!({ "message": message }).to_string().into_bytes(),
            log: self.log,
            latency: self.started.elapsed(),
        }
    }

    fn config_error(self, status: u16, what: &str) -> Outcome {
        self.fail(
            status,
            &format!("Execution failed due to configuration error: {what}"),
            "Internal server error",
        )
    }
}

/// Runs `call` through the method of `exec`.
pub async fn run(shared: &Arc<Shared>, exec: &Execution, call: &HttpCall) -> Outcome {
    let trace_id = crate::ids::trace_id(shared);
    let run = Run {
        shared,
        exec,
        log: ExecutionLog::new(&exec.request_id),
        trace_id,
        started: Instant::now(),
        authorized: None,
    };
    let mut run = match authorizer::admit(run, call).await {
        Ok(run) => run,
        Err(refused) => return refused,
    };
    // Then API keys, usage plans and stage throttling, as AWS orders them: the key comes from
    // `x-api-key`, or from the authorizer's `usageIdentifierKey` when the API's key source is
    // AUTHORIZER. `TestInvokeMethod` skips both.
    if !exec.test_invoke {
        let key = run.authorized.as_ref().and_then(|a| a.usage_identifier_key.as_deref());
        let now = crate::clock::millis(shared.clock.now());
        if let Err(refused) = super::throttling::admit(shared, exec, call, key, now) {
            let answer = refused.answer(&exec.request_id);
            // The invoke URL adds the request id to whatever it answers.
            let headers = (answer.headers.into_iter())
                .filter(|(name, _)| !name.eq_ignore_ascii_case("x-amzn-RequestId"))
                .collect();
            return Outcome {
                status: answer.status,
                headers,
                body: answer.body,
                log: run.log,
                latency: run.started.elapsed(),
            };
        }
    }
    run.line(format!("Starting execution for request: {}", exec.request_id));
    run.line(format!("HTTP Method: {}, Resource Path: {}", call.method, call.path));
    let parameters = exec.path_parameters.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    run.line(format!("Method request path: {}", java_map(parameters)));
    let query = call.query.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    run.line(format!("Method request query string: {}", java_map(query)));
    let headers: Vec<(String, String)> =
        call.headers.iter().map(|(name, value)| (proxy::title_case(name), value.clone())).collect();
    run.line(format!(
        "Method request headers: {}",
        java_map(headers.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    ));
    run.line(format!(
        "Method request body before transformations: {}",
        String::from_utf8_lossy(&call.body)
    ));
    let Some(integration) = exec.method.integration.clone() else {
        return run.config_error(500, "No integration defined for method");
    };
    match integration.kind {
        IntegrationType::Mock => mock(run, &integration),
        IntegrationType::Http | IntegrationType::HttpProxy => {
            let uri = integration.uri.clone().unwrap_or_default();
            run.line(format!("Endpoint request URI: {uri}"));
            run.config_error(
                500,
                &format!(
                    "The offline emulator cannot reach {uri}: HTTP integrations need the network"
                ),
            )
        }
        IntegrationType::Aws | IntegrationType::AwsProxy => {
            let uri = integration.uri.clone().unwrap_or_default();
            if lambda_function(&uri).is_none() {
                return run.config_error(
                    500,
                    &format!(
                        "The offline emulator runs Lambda integrations only; it cannot call {uri}"
                    ),
                );
            }
            let Some(target) = lambda::target_of(&uri, &exec.variables, &exec.region) else {
                return run.config_error(500, "Invalid function ARN or invalid uri");
            };
            lambda_integration(run, &integration, target, call).await
        }
    }
}

/// MOCK: the status the request template names, the body of the matching integration
/// response's template.
fn mock(run: Run<'_>, integration: &Integration) -> Outcome {
    let status = mapping::mock_status(&integration.request_templates);
    let subject = status.to_string();
    let Some(response) = mapping::select(&integration.integration_responses, Some(&subject)) else {
        return run.config_error(
            500,
            &format!(
                "No match for output mapping and no default output mapping configured. \
                 Endpoint Response Status Code: {status}"
            ),
        );
    };
    let status = response.status_code.parse().unwrap_or(200);
    let body = match mapping::template(&response.response_templates, None) {
        Template::Literal(text) => text.as_bytes().to_vec(),
        Template::PassThrough | Template::NotEvaluated => Vec::new(),
    };
    run.finish(status, "application/json", body)
}

/// `AWS_PROXY` and `AWS` to Lambda.
async fn lambda_integration(
    mut run: Run<'_>,
    integration: &Integration,
    target: LambdaTarget,
    call: &HttpCall,
) -> Outcome {
    let exec = run.exec;
    let proxy = integration.kind == IntegrationType::AwsProxy;
    let endpoint = format!(
        "https://lambda.{}.amazonaws.com/2015-03-31/functions/{}/invocations",
        target.region,
        target.arn()
    );
    run.line(format!("Endpoint request URI: {endpoint}"));
    let now = run.shared.clock.now();
    let source_arn = exec.source_arn();
    run.line(format!(
        "Endpoint request headers: {}",
        java_map([
            ("x-amzn-lambda-integration-tag", exec.request_id.as_str()),
            ("X-Amz-Date", &amz_date(now)),
            ("x-amzn-apigateway-api-id", &exec.api_id),
            ("X-Amz-Source-Arn", &source_arn),
            ("Accept", "application/json"),
            ("User-Agent", &format!("AmazonAPIGateway_{}", exec.api_id)),
            ("Host", &format!("lambda.{}.amazonaws.com", target.region)),
            ("X-Amzn-Trace-Id", &run.trace_id.clone()),
        ])
    ));
    let payload: Vec<u8> = if proxy {
        let mut event = proxy::event(exec, call, now);
        if let Some(authorized) = &run.authorized {
            event["requestContext"]["authorizer"] = authorized.request_context();
        }
        event.to_string().into_bytes()
    } else {
        let content_type = header(call, "content-type");
        let authorizer = run.authorized.as_ref().map_or(Value::Null, |a| a.request_context());
        let filled = mapping::chosen(&integration.request_templates, content_type.as_deref())
            .and_then(|text| mapping::fill_authorizer(text, &authorizer));
        match mapping::template(&integration.request_templates, content_type.as_deref()) {
            Template::Literal(text) => text.as_bytes().to_vec(),
            Template::NotEvaluated if filled.is_some() => filled.unwrap_or_default().into_bytes(),
            Template::PassThrough | Template::NotEvaluated if call.body.is_empty() => {
                b"{}".to_vec()
            }
            Template::PassThrough | Template::NotEvaluated => call.body.to_vec(),
        }
    };
    run.line(format!(
        "Endpoint request body after transformations: {}",
        String::from_utf8_lossy(&payload)
    ));
    if !proxy && serde_json::from_slice::<serde::de::IgnoredAny>(&payload).is_err() {
        return run.config_error(
            500,
            "Could not parse request body into json: Lambda takes JSON (the offline emulator \
             passes the body through unchanged, without mapping templates)",
        );
    }
    if integration.http_method.as_deref() != Some("POST") {
        return run.config_error(
            500,
            &format!(
                "Lambda is invoked with POST; the integration's httpMethod is {}",
                integration.http_method.as_deref().unwrap_or("empty")
            ),
        );
    }
    run.line(format!("Sending request to {endpoint}"));
    let timeout =
        Duration::from_millis(u64::try_from(integration.timeout_in_millis).unwrap_or(29_000));
    let called =
        lambda::call(run.shared, &target, bytes::Bytes::from(payload), &source_arn, timeout).await;
    let (payload, request_id, latency, error_message, version) = match called {
        Called::Denied => {
            return run.config_error(500, "Invalid permissions on Lambda function");
        }
        Called::NotFound => {
            return run.config_error(500, &format!("Function not found: {}", target.arn()));
        }
        Called::TimedOut => {
            return run.fail(
                504,
                "Execution failed due to a timeout error",
                "Endpoint request timed out",
            );
        }
        Called::Failed(reason) => {
            return run.config_error(500, &format!("Lambda could not run the function: {reason}"));
        }
        Called::Returned { payload, request_id, executed_version, latency } => {
            (payload, request_id, latency, None, executed_version)
        }
        Called::FunctionError { payload, error_message, request_id, latency } => {
            (payload, request_id, latency, Some(error_message), String::new())
        }
    };
    run.line(format!(
        "Received response. Status: 200, Integration latency: {} ms",
        latency.as_millis()
    ));
    let mut response_headers = vec![
        ("Content-Type", "application/json".to_string()),
        ("Content-Length", payload.len().to_string()),
        ("Connection", "keep-alive".to_string()),
        ("x-amzn-RequestId", request_id.clone()),
    ];
    if error_message.is_some() {
        response_headers.push(("X-Amz-Function-Error", "Unhandled".to_string()));
    } else {
        response_headers.push(("X-Amz-Executed-Version", version));
    }
    run.line(format!(
        "Endpoint response headers: {}",
        java_map(response_headers.iter().map(|(k, v)| (*k, v.as_str())))
    ));
    run.line(format!(
        "Endpoint response body before transformations: {}",
        String::from_utf8_lossy(&payload)
    ));
    if let Some(message) = &error_message {
        let failed = format!(
            "Lambda execution failed with status 200 due to customer function error: {message}. \
             Lambda request id: {request_id}"
        );
        if proxy {
            return run.fail(502, &failed, "Internal server error");
        }
        run.line(failed);
    }
    if proxy {
        let Some(response) = proxy::response(&payload, &exec.binary_media_types) else {
            return run.fail(
                502,
                "Execution failed due to configuration error: Malformed Lambda proxy response",
                "Internal server error",
            );
        };
        return finish_proxy(run, response);
    }
    let Some(selected) =
        mapping::select(&integration.integration_responses, error_message.as_deref())
    else {
        return run.config_error(
            500,
            "No match for output mapping and no default output mapping configured. Endpoint \
             Response Status Code: 200",
        );
    };
    let status = selected.status_code.parse().unwrap_or(200);
    let body = match mapping::template(&selected.response_templates, None) {
        Template::Literal(text) => text.as_bytes().to_vec(),
        Template::PassThrough => payload,
        Template::NotEvaluated => {
            run.line(
                "The offline emulator does not evaluate mapping templates: the response body \
                 passes through unchanged",
            );
            payload
        }
    };
    run.finish(status, "application/json", body)
}

/// A proxy response as the client gets it.
fn finish_proxy(mut run: Run<'_>, response: proxy::ProxyResponse) -> Outcome {
    let mut headers = response.headers;
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type")) {
        headers.push(("Content-Type".to_string(), "application/json".to_string()));
    }
    headers.push(("X-Amzn-Trace-Id".to_string(), run.trace_id.clone()));
    run.line(format!(
        "Method response body after transformations: {}",
        String::from_utf8_lossy(&response.body)
    ));
    run.line(format!(
        "Method response headers: {}",
        java_map(headers.iter().map(|(name, value)| (name.as_str(), value.as_str())))
    ));
    run.line("Successfully completed execution");
    run.line(format!("Method completed with status: {}", response.status));
    Outcome {
        status: response.status,
        headers,
        body: response.body,
        log: run.log,
        latency: run.started.elapsed(),
    }
}

fn header(call: &HttpCall, name: &str) -> Option<String> {
    (call.headers.iter())
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.clone())
}

/// `20230905T074616Z`.
fn amz_date(at: time::OffsetDateTime) -> String {
    crate::clock::write(at, crate::clock::formats::COMPACT)
}
