//! The HTTP server: 127.0.0.1 only, control endpoints under `/_awslab/`, everything else routed
//! by protocol family to a service. This is the one module that sees HTTP types.

use crate::config::EmulatorConfig;
use crate::control;
use crate::error::AwsError;
use crate::identity;
use crate::protocol::{self, Protocol, RequestHead, Route, Service, cbor, json, query, rest_json};
use crate::services::{self, RequestContext, apigateway};
use crate::state::{Shared, lock};
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The largest request body accepted: a 50 MB Lambda zip, base64-encoded, fits.
pub const BODY_LIMIT: usize = 70 * 1024 * 1024;

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    endpoint: String,
    port: u16,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// CloudWatch's alarm ticker (`services::cloudwatch::ticker`), stopped with the server.
    ticker: Option<JoinHandle<()>>,
    /// What the server serves, kept for [`Emulator::notices`].
    shared: Arc<Shared>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    /// A file or folder of the emulator's saved state (under `data_dir`) cannot be used for a
    /// reason that is not damage (damaged files are set aside: see [`Emulator::notices`]).
    /// `message` is one sentence that names the file and says what to do.
    #[error("{message}")]
    State { path: std::path::PathBuf, message: String },
}

impl Emulator {
    /// Starts serving on 127.0.0.1 in the current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, StartError> {
        let port = config.port;
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await
            .map_err(|source| StartError::Bind { port, source })?;
        let port =
            listener.local_addr().map_err(|source| StartError::Bind { port, source })?.port();
        let shared = Shared::new(config)
            .map_err(|error| StartError::State { path: error.path, message: error.message })?;
        shared.set_endpoint(format!("http://127.0.0.1:{port}"));
        let shared = Arc::new(shared);
        let ticker = services::cloudwatch::ticker::spawn(Arc::clone(&shared));
        let app = Router::new()
            .route("/_awslab/health", get(health))
            .route("/_awslab/reset", axum::routing::post(control::reset))
            .route("/_awslab/snapshots", get(control::list_snapshots))
            .route(
                "/_awslab/snapshots/{name}",
                axum::routing::post(control::save_snapshot).delete(control::delete_snapshot),
            )
            .route(
                "/_awslab/snapshots/{name}/restore",
                axum::routing::post(control::restore_snapshot),
            )
            .route("/_awslab/lambda/code/{file}", get(control::lambda_code))
            .route(
                "/_awslab/ec2/instances/{instance_id}/shell",
                axum::routing::post(control::ec2_shell),
            )
            .route("/_awslab/clock", get(control::clock))
            .route("/_awslab/clock/advance", axum::routing::post(control::advance_clock))
            .route("/_awslab/mailbox", get(control::mailbox).delete(control::empty_mailbox))
            .route("/_awslab/mailbox/{id}", get(control::mail))
            .route("/unsubscribe.html", get(unsubscribe_link))
            .route("/_awslab/{*rest}", axum::routing::any(unknown_control))
            .fallback(dispatch)
            .with_state(Arc::clone(&shared));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = server.await {
                eprintln!("awslab emulator stopped: {error}");
            }
        });
        Ok(Emulator {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            shutdown: Some(shutdown),
            task: Some(task),
            ticker: Some(ticker),
            shared,
        })
    }

    /// One sentence per damaged state file that was set aside rather than loaded: which file,
    /// where it was moved, why, and what it held (for example "…/state.sqlite3 is damaged (it is
    /// not a SQLite database), so it was moved to …/state.sqlite3.damaged-20261206T081500Z and
    /// the emulator started without the IAM roles and policies, … saved in it."). Empty when
    /// every file was sound. Callers show them to the learner.
    pub fn notices(&self) -> Vec<String> {
        self.shared.notices()
    }

    /// `http://127.0.0.1:PORT`: what SDK clients take as their endpoint URL.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for the end.
    pub async fn shutdown(mut self) {
        if let Some(ticker) = self.ticker.take() {
            ticker.abort();
            // Until the aborted task is dropped it holds the state, and with it the SQLite
            // connections: waiting for it means the files are closed when this returns.
            let _ = ticker.await;
        }
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Serves until the task ends (used by `awslab emulator serve`).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(ticker) = self.ticker.take() {
            ticker.abort();
        }
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

async fn health(State(shared): State<Arc<Shared>>) -> Response {
    let body = serde_json::json!({
        "status": "ok",
        "account": crate::ACCOUNT_ID,
        "clock_speed": shared.config.clock_speed,
    });
    ([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn unknown_control(request: Request) -> Response {
    let body = serde_json::json!({
        "message": format!("unknown control endpoint {} {}", request.method(), request.uri().path()),
    });
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "application/json")], body.to_string())
        .into_response()
}

/// Every AWS request: route, read the body, identify the caller, serve, encode. Requests to an
/// API Gateway invoke URL are unsigned, as on AWS: they are recognised first.
async fn dispatch(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let host = request.headers().get(header::HOST).and_then(|value| value.to_str().ok());
    if let Some(target) = apigateway::invoke_url::parse(host, request.uri().path()) {
        return invoke_api(&shared, &target, request).await;
    }
    if let Some(page) = sns_link(&shared, &request) {
        return page;
    }
    let request_id = uuid::Uuid::new_v4().to_string();
    let (parts, body) = request.into_parts();
    let header = |name: &str| parts.headers.get(name).and_then(|value| value.to_str().ok());
    let url_query = parts.uri.query();
    let presigned = url_query.and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(key, _)| key == "X-Amz-Credential")
            .map(|(_, value)| value.into_owned())
    });
    let scope = identity::credential_scope(header("authorization"), presigned.as_deref());
    let head = RequestHead {
        path: parts.uri.path(),
        query: url_query,
        content_type: header("content-type"),
        target: header("x-amz-target"),
        smithy_protocol: header("smithy-protocol"),
        signing_service: scope.as_ref().ok().map(|scope| scope.service.as_str()),
    };
    let route = match protocol::route(&head) {
        Ok(route) => route,
        Err(error) => return unrouted_error(&error, &request_id),
    };
    let answer = Answer { route: &route, request_id: &request_id };

    let body = match to_bytes(body, BODY_LIMIT).await {
        Ok(body) => body,
        Err(_) => return answer.error(&AwsError::too_large(BODY_LIMIT)),
    };
    let body = match header("content-encoding") {
        Some(encoding) if encoding.eq_ignore_ascii_case("gzip") => match gunzip(&body) {
            Ok(body) => body,
            Err(error) => return answer.error(&error),
        },
        _ => body,
    };
    let scope = match scope {
        Ok(scope) => scope,
        Err(error) => return answer.error(&error),
    };
    let now = shared.clock.now();
    let caller = match lock(&shared.sessions).caller(&scope.access_key, now) {
        Ok(caller) => caller,
        Err(error) => return answer.error(&error),
    };
    if shared.config.verify_signatures {
        let headers: Vec<(&str, &str)> = (parts.headers.iter())
            .filter_map(|(name, value)| {
                Some((name.as_str(), std::str::from_utf8(value.as_bytes()).ok()?))
            })
            .collect();
        let signed = crate::signature::SignedRequest {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: url_query,
            headers: &headers,
            body: &body,
        };
        // Clients sign with the machine's wall clock, not the emulator's (perhaps sped-up) one.
        let wall_clock = time::OffsetDateTime::now_utc();
        if let Err(error) = crate::signature::verify(&signed, &scope, &caller, wall_clock) {
            return answer.error(&error);
        }
    }
    let ctx = RequestContext { request_id: request_id.clone(), caller, region: scope.region, now };

    match route.protocol {
        Protocol::Query => {
            let request = match query::decode(&body, url_query) {
                Ok(request) => request,
                Err(error) => return answer.error(&error),
            };
            match services::query(&shared, &ctx, route.service, &request) {
                Ok(result) => answer.xml(query::encode_response(
                    route.service.xmlns(),
                    &request.action,
                    result.as_ref(),
                    &request_id,
                )),
                Err(error) => answer.error(&error),
            }
        }
        Protocol::AwsJson10 | Protocol::AwsJson11 => {
            let operation = route.operation.as_deref().unwrap_or_default();
            if route.service == Service::DynamoDb
                && let Some(answered) =
                    services::dynamodb::handle_encoded(&shared, &ctx, operation, &body)
            {
                return match answered {
                    Ok(output) => answer.json_encoded(output),
                    Err(error) => answer.error(&error),
                };
            }
            let input = match json::decode(&body) {
                Ok(input) => input,
                Err(error) => return answer.error(&error),
            };
            match services::json(&shared, &ctx, route.service, operation, input) {
                Ok(output) if route.service == Service::CloudWatch => {
                    answer.json(protocol::shape::lower_for_json(&output))
                }
                Ok(output) => answer.json(output),
                Err(error) => answer.error(&error),
            }
        }
        Protocol::RpcV2Cbor => {
            let input = match cbor::decode(&body) {
                Ok(input) => input,
                Err(error) => return answer.error(&error),
            };
            let operation = route.operation.as_deref().unwrap_or_default();
            match services::json(&shared, &ctx, route.service, operation, input) {
                Ok(output) => answer.cbor(&output),
                Err(error) => answer.error(&error),
            }
        }
        Protocol::RestJson1 => {
            let request = rest_json::RestRequest {
                operation: "",
                labels: Default::default(),
                query: url_query
                    .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
                    .unwrap_or_default(),
                headers: (parts.headers.iter())
                    .filter_map(|(name, value)| {
                        Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
                    })
                    .collect(),
                body,
            };
            let path = parts.uri.path();
            match services::rest(&shared, &ctx, route.service, parts.method.as_str(), path, request)
                .await
            {
                Ok(response) => answer.rest(response),
                Err(error) => answer.error(&error),
            }
        }
        Protocol::Ec2Query => {
            let request = match query::decode(&body, url_query) {
                Ok(request) => request,
                Err(error) => return answer.error(&error),
            };
            match services::ec2_query(&shared, &ctx, &request) {
                Ok(result) => answer.xml(query::encode_ec2_response(
                    route.service.xmlns(),
                    &request.action,
                    &result,
                    &request_id,
                )),
                Err(error) => answer.error(&error),
            }
        }
    }
}

/// The largest body a gzip-encoded request may inflate to.
const INFLATED_LIMIT: u64 = 10 * 1024 * 1024;

/// Inflates a `Content-Encoding: gzip` body (PutMetricData from boto3 and the SDKs).
fn gunzip(body: &[u8]) -> Result<bytes::Bytes, AwsError> {
    use std::io::Read;
    let mut inflated = Vec::new();
    let mut reader = flate2::read::GzDecoder::new(body).take(INFLATED_LIMIT + 1);
    reader.read_to_end(&mut inflated).map_err(|error| {
        AwsError::sender(
            "MalformedInput",
            400,
            format!("The gzip-encoded body cannot be read: {error}"),
        )
    })?;
    if inflated.len() as u64 > INFLATED_LIMIT {
        return Err(AwsError::too_large(INFLATED_LIMIT as usize));
    }
    Ok(bytes::Bytes::from(inflated))
}

/// The links in SNS e-mails: an unsigned `GET /?Action=ConfirmSubscription…` (or
/// `Action=Unsubscribe`) answers an HTML page, as sns.REGION.amazonaws.com does.
fn sns_link(shared: &Shared, request: &Request) -> Option<Response> {
    let uri = request.uri();
    if request.method() != axum::http::Method::GET || uri.path() != "/" {
        return None;
    }
    if request.headers().contains_key(header::AUTHORIZATION) {
        return None;
    }
    let params: Vec<(String, String)> =
        form_urlencoded::parse(uri.query()?.as_bytes()).into_owned().collect();
    if params.iter().any(|(key, _)| key == "X-Amz-Credential") {
        return None;
    }
    let action = params.iter().find(|(key, _)| key == "Action").map(|(_, v)| v.as_str())?;
    let page = match action {
        "ConfirmSubscription" => services::sns::links::confirm_page(shared, &params),
        "Unsubscribe" => services::sns::links::unsubscribe_page(shared, &params),
        _ => return None,
    };
    Some(html(page))
}

async fn unsubscribe_link(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let params: Vec<(String, String)> = (request.uri().query())
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    html(services::sns::links::unsubscribe_page(&shared, &params))
}

fn html(page: services::sns::links::Page) -> Response {
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page.html).into_response()
}

/// The largest request body API Gateway accepts.
const API_PAYLOAD_LIMIT: usize = 10 * 1024 * 1024;

/// A request to a deployed REST API: decoded into an `HttpCall`, answered as the API says.
async fn invoke_api(
    shared: &Arc<Shared>,
    target: &apigateway::invoke_url::InvokeTarget,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, API_PAYLOAD_LIMIT).await else {
        let body = serde_json::json!({ "message": "Request Too Long" }).to_string();
        return (StatusCode::PAYLOAD_TOO_LARGE, [(header::CONTENT_TYPE, "application/json")], body)
            .into_response();
    };
    let host = (parts.headers.get(header::HOST).and_then(|value| value.to_str().ok()))
        .unwrap_or("127.0.0.1")
        .to_string();
    let call = apigateway::execute::HttpCall {
        method: parts.method.as_str().to_string(),
        path: target.path.clone(),
        query: (parts.uri.query())
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default(),
        headers: (parts.headers.iter())
            .filter_map(|(name, value)| {
                Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
            })
            .collect(),
        body,
        source_ip: Ipv4Addr::LOCALHOST.to_string(),
    };
    let answer = apigateway::invoke_url::serve(shared, target, call, &host).await;
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // The length and framing of the answer are the server's to set, whatever a function says.
    let framing = ["content-length", "transfer-encoding", "connection"];
    for (name, value) in answer.headers {
        if framing.iter().any(|hop| name.eq_ignore_ascii_case(hop)) {
            continue;
        }
        if let (Ok(name), Ok(value)) =
            (header::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value))
        {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// Writes responses in the protocol of the request being answered.
struct Answer<'a> {
    route: &'a Route,
    request_id: &'a str,
}

impl Answer<'_> {
    fn response(&self, status: u16, content_type: &str, body: Vec<u8>) -> Response {
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(content_type) {
            headers.insert(header::CONTENT_TYPE, value);
        }
        if let Ok(value) = HeaderValue::from_str(self.request_id) {
            headers.insert("x-amzn-requestid", value);
        }
        response
    }

    fn xml(&self, body: String) -> Response {
        self.response(200, "text/xml", body.into_bytes())
    }

    fn json(&self, body: serde_json::Value) -> Response {
        self.json_encoded(body.to_string().into_bytes())
    }

    fn json_encoded(&self, body: Vec<u8>) -> Response {
        let content_type = match self.route.protocol {
            Protocol::AwsJson11 => "application/x-amz-json-1.1",
            Protocol::AwsJson10 => "application/x-amz-json-1.0",
            _ => "application/json",
        };
        self.response(200, content_type, body)
    }

    fn rest(&self, answer: rest_json::RestResponse) -> Response {
        let content_type = if answer.body.is_empty() { "" } else { "application/json" };
        let mut response = self.response(answer.status, content_type, answer.body);
        if content_type.is_empty() {
            response.headers_mut().remove(header::CONTENT_TYPE);
        }
        for (name, value) in answer.headers {
            if let (Ok(name), Ok(value)) =
                (header::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value))
            {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }

    fn cbor(&self, output: &serde_json::Value) -> Response {
        let mut response = self.response(200, "application/cbor", cbor::encode(output));
        response.headers_mut().insert("smithy-protocol", HeaderValue::from_static("rpc-v2-cbor"));
        response
    }

    fn error(&self, error: &AwsError) -> Response {
        let service = self.route.service;
        match self.route.protocol {
            Protocol::Query => self.response(
                error.status,
                "text/xml",
                query::encode_error(service.xmlns(), error, self.request_id).into_bytes(),
            ),
            Protocol::Ec2Query => self.response(
                error.status,
                "text/xml",
                format!(
                    "<Response><Errors><Error><Code>{}</Code><Message>{}</Message></Error>\
                     </Errors><RequestID>{}</RequestID></Response>",
                    quick_xml::escape::partial_escape(&error.code),
                    quick_xml::escape::partial_escape(&error.message),
                    self.request_id
                )
                .into_bytes(),
            ),
            Protocol::AwsJson10 | Protocol::AwsJson11 => {
                let error = error.for_json_protocol();
                let wire_type = match service {
                    Service::DynamoDb => services::dynamodb::wire_type(&error.code),
                    Service::CloudWatch => services::cloudwatch::wire_type(&error.code),
                    _ => error.code.clone(),
                };
                let (body, headers) =
                    json::encode_error(&error, &wire_type, service == Service::CloudWatch);
                let content_type = if self.route.protocol == Protocol::AwsJson11 {
                    "application/x-amz-json-1.1"
                } else {
                    "application/x-amz-json-1.0"
                };
                let mut response = self.response(error.status, content_type, body);
                for (name, value) in headers {
                    if let Ok(value) = HeaderValue::from_str(&value) {
                        response.headers_mut().insert(name, value);
                    }
                }
                response
            }
            Protocol::RestJson1 => {
                let body = match service {
                    // Lambda says whose fault it is, as query services do in `<Type>`.
                    Service::Lambda => serde_json::json!({
                        "Type": if error.fault == crate::error::Fault::Sender { "User" } else { "Service" },
                        "message": error.message,
                    }),
                    _ => serde_json::json!({ "message": error.message }),
                };
                let mut response =
                    self.response(error.status, "application/json", body.to_string().into_bytes());
                if let Ok(value) = HeaderValue::from_str(&error.code) {
                    response.headers_mut().insert("x-amzn-errortype", value);
                }
                response
            }
            Protocol::RpcV2Cbor => {
                let error = error.for_json_protocol();
                // CloudWatch is the one CBOR service, and it is query-compatible: the shape
                // name in `__type`, the query code in `x-amzn-query-error`.
                let wire_type = services::cloudwatch::wire_type(&error.code);
                let (_, headers) = json::encode_error(&error, &wire_type, true);
                let body = cbor::encode_error_as(&error, &wire_type);
                let mut response = self.response(error.status, "application/cbor", body);
                response
                    .headers_mut()
                    .insert("smithy-protocol", HeaderValue::from_static("rpc-v2-cbor"));
                for (name, value) in headers {
                    if let Ok(value) = HeaderValue::from_str(&value) {
                        response.headers_mut().insert(name, value);
                    }
                }
                response
            }
        }
    }
}

/// An error for a request whose protocol is unknown: JSON, the most widely read shape.
fn unrouted_error(error: &AwsError, request_id: &str) -> Response {
    let body = serde_json::json!({ "__type": error.code, "message": error.message });
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::HeaderName::from_static("x-amzn-requestid"), request_id),
        ],
        body.to_string(),
    )
        .into_response()
}
