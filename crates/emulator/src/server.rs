//! The HTTP server: 127.0.0.1 only, every request through `gate` first, control endpoints under
//! `/_awslab/`, everything else routed by protocol family to a service and answered by `answer`.
//! With `gate`, `answer` and `control`, the only modules that see HTTP types.

use crate::answer::{Answer, unrouted_error};
use crate::config::EmulatorConfig;
use crate::connection::Connections;
use crate::control;
use crate::error::AwsError;
use crate::gate::{self, ControlToken};
use crate::identity::{self, Caller};
use crate::protocol::{self, Protocol, RequestHead, Service, cbor, query, rest_json};
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
    control_token: ControlToken,
    /// `control-token` in the data folder, removed when the server stops.
    token_file: Option<std::path::PathBuf>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// CloudWatch's alarm ticker (`services::cloudwatch::ticker`), stopped with the server.
    ticker: Option<JoinHandle<()>>,
    /// The state, to stop its Lambda workers when the server stops and for
    /// [`Emulator::notices`] (not owned: the state goes when the last request and task using
    /// it end).
    shared: std::sync::Weak<Shared>,
    /// Completes once the state is dropped whole (see `Shared::on_drop`).
    dropped: Option<oneshot::Receiver<()>>,
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
        shared.set_port(port);
        let control_token = shared.control_token.clone();
        let token_file = match &shared.config.data_dir {
            Some(folder) => {
                let path = folder.join(gate::TOKEN_FILE);
                Some(control_token.write_into(folder).map_err(|error| StartError::State {
                    message: format!(
                        "the emulator cannot write its control token to {} ({error}); check \
                         that you may write in that folder",
                        path.display()
                    ),
                    path,
                })?)
            }
            None => None,
        };
        let shared = Arc::new(shared);
        let weak_shared = Arc::downgrade(&shared);
        let dropped = shared.on_drop();
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
            .route("/_awslab", axum::routing::any(unknown_control))
            .route("/_awslab/{*rest}", axum::routing::any(unknown_control))
            .fallback(dispatch)
            .layer(axum::middleware::from_fn_with_state(Arc::clone(&shared), gate::admit))
            .with_state(shared);
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let server = axum::serve(Connections(listener), app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = server.await {
                eprintln!("awslab emulator stopped: {error}");
            }
        });
        Ok(Emulator {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            control_token,
            token_file,
            shutdown: Some(shutdown),
            task: Some(task),
            ticker: Some(ticker),
            shared: weak_shared,
            dropped,
        })
    }

    /// One sentence per damaged state file that was set aside rather than loaded: which file,
    /// where it was moved, why, and what it held (for example "…/state.sqlite3 is damaged (it is
    /// not a SQLite database), so it was moved to …/state.sqlite3.damaged-20261206T081500Z and
    /// the emulator started without the IAM roles and policies, … saved in it."). Empty when
    /// every file was sound. Callers show them to the learner.
    pub fn notices(&self) -> Vec<String> {
        self.shared.upgrade().map(|shared| shared.notices()).unwrap_or_default()
    }

    /// `http://127.0.0.1:PORT`: what SDK clients take as their endpoint URL.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// This launch's control token: the `X-Awslab-Token` header of requests to `/_awslab/…`.
    /// Also in the data folder's `control-token` file while the server runs.
    pub fn control_token(&self) -> &str {
        self.control_token.as_str()
    }

    /// Removes the token file, unless another launch has written its own there since.
    fn forget_token_file(&mut self) {
        if let Some(path) = self.token_file.take() {
            let folder = path.parent().unwrap_or(std::path::Path::new("."));
            if ControlToken::read_from(folder).is_ok_and(|token| token == self.control_token) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }

    /// Stops accepting connections, kills the Lambda workers (invocations in flight end as if
    /// their runtime died), lets requests in flight finish, and waits for the end: when this
    /// returns, the state is dropped (its temp folders removed), unless a background task
    /// still holds it after a few seconds.
    pub async fn shutdown(mut self) {
        self.forget_token_file();
        self.stop_lambda_workers();
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
        // The last holder of the state may be a task finishing on another thread: wait until
        // its drop has run to the end, so the SQLite files are closed and the temp folders gone.
        if let Some(dropped) = self.dropped.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), dropped).await;
        }
    }

    fn stop_lambda_workers(&self) {
        if let Some(shared) = self.shared.upgrade() {
            shared.lambda_runtime.close();
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
        self.forget_token_file();
        self.stop_lambda_workers();
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
        "timing": shared.config.clockwork.timing.name(),
        "seed": shared.config.clockwork.seed,
    });
    ([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn unknown_control(request: Request) -> Response {
    let message = format!("unknown control endpoint {} {}", request.method(), request.uri().path());
    gate::control_error(404, "UnknownControlEndpoint", &message)
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
    let request_id = shared.ids.uuid();
    let (parts, body) = request.into_parts();
    // `gate` has read the body already: this only takes it.
    let body = match to_bytes(body, BODY_LIMIT).await {
        Ok(body) => body,
        Err(_) => return unrouted_error(&AwsError::too_large(BODY_LIMIT), &request_id),
    };
    match admit(&shared, &parts, body, request_id) {
        Ok(admitted) => serve(&shared, &parts, admitted).await,
        Err(refused) => refused,
    }
}

/// A request the emulator will serve: its route, its body (unzipped), and who asks, where and
/// when.
struct Admitted {
    route: protocol::Route,
    body: bytes::Bytes,
    ctx: RequestContext,
}

/// Routes a request and learns its caller: the protocol and service, the body, the credential
/// scope and the session behind its key, and the signature when it must be checked. A request
/// that fails any of these is answered here, in its protocol's shape when it has one.
fn admit(
    shared: &Shared,
    parts: &axum::http::request::Parts,
    body: bytes::Bytes,
    request_id: String,
) -> Result<Admitted, Response> {
    let header = |name: &str| parts.headers.get(name).and_then(|value| value.to_str().ok());
    let facts = RequestFacts::read(parts, &body);
    let head = facts.head(parts);
    let route = match protocol::route(&head) {
        Ok(route) => route,
        Err(error) => {
            return Err(match protocol::error_route(&head) {
                Some(route) => Answer { route: &route, request_id: &request_id }.error(&error),
                None => unrouted_error(&error, &request_id),
            });
        }
    };
    let answer = Answer { route: &route, request_id: &request_id };
    let body = match header("content-encoding") {
        Some(encoding) if encoding.eq_ignore_ascii_case("gzip") => {
            gunzip(&body).map_err(|error| answer.error(&error))?
        }
        _ => body,
    };
    let RequestFacts { presigned, scope, .. } = facts;
    let scope = scope.map_err(|error| answer.error(&error))?;
    let now = shared.clock.now();
    let caller = crate::identity::caller(
        &lock(&shared.sessions),
        &lock(&shared.iam),
        &scope.access_key,
        now,
    )
    .map_err(|error| answer.error(&error))?;
    // Credentials in the URL are what a web page can send (a form, an image): they are taken
    // only from keys the emulator issued, whose signature it can check, and always checked.
    let in_url = header("authorization").is_none() && presigned.is_some();
    if in_url && matches!(caller, Caller::Root { .. }) {
        return Err(answer.error(&AwsError::sender(
            "AccessDenied",
            403,
            "The offline emulator takes credentials in the URL only from keys it issued (role \
             sessions), signed: send your own keys in the Authorization header, as the AWS CLI \
             and the SDKs do.",
        )));
    }
    // A user's key is the emulator's own making, so its signature is always checked, as a
    // role session's is when it signs in the URL.
    let user_key = matches!(caller, Caller::User(_));
    if shared.config.verify_signatures || in_url || user_key {
        let headers: Vec<(&str, &str)> = (parts.headers.iter())
            .filter_map(|(name, value)| {
                Some((name.as_str(), std::str::from_utf8(value.as_bytes()).ok()?))
            })
            .collect();
        let signed = crate::signature::SignedRequest {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers: &headers,
            body: &body,
        };
        // Clients sign with the machine's wall clock, not the emulator's (perhaps sped-up) one.
        let wall_clock = time::OffsetDateTime::now_utc();
        crate::signature::verify(&signed, &scope, &caller, wall_clock)
            .map_err(|error| answer.error(&error))?;
    }
    if let Caller::User(user) = &caller {
        record_key_use(shared, &user.access_key, route.service, &scope.region, now);
    }
    let ctx = RequestContext { request_id, caller, region: scope.region, now };
    Ok(Admitted { route, body, ctx })
}

/// Records the last use of a user's access key (`GetAccessKeyLastUsed`), under the service's
/// namespace, and saves IAM's state when that is news. A failed save loses only this
/// record, so it does not fail the request.
fn record_key_use(
    shared: &Shared,
    access_key: &str,
    service: Service,
    region: &str,
    now: time::OffsetDateTime,
) {
    let news = lock(&shared.iam).record_key_use(access_key, service.namespace(), region, now);
    if news && let Err(error) = shared.save(Service::Iam) {
        eprintln!("awslab emulator: {error}");
    }
}

/// Decodes an admitted request with its protocol's codec, serves it, and encodes the answer.
async fn serve(
    shared: &Arc<Shared>,
    parts: &axum::http::request::Parts,
    admitted: Admitted,
) -> Response {
    let Admitted { route, body, ctx } = admitted;
    let answer = Answer { route: &route, request_id: &ctx.request_id };
    let url_query = parts.uri.query();
    let operation = route.operation.as_deref().unwrap_or_default();
    match route.protocol {
        Protocol::Query => {
            let request = match query::decode(&body, url_query) {
                Ok(request) => request,
                Err(error) => return answer.error(&error),
            };
            match services::query(shared, &ctx, route.service, &request) {
                Ok(result) => answer.xml(query::encode_response(
                    route.service.xmlns(),
                    &request.action,
                    result.as_ref(),
                    &ctx.request_id,
                )),
                Err(error) => answer.error(&error),
            }
        }
        Protocol::AwsJson10 | Protocol::AwsJson11 => {
            match services::aws_json(shared, &ctx, route.service, operation, &body) {
                Ok(services::JsonAnswer::Encoded(output)) => answer.json_encoded(output),
                Ok(services::JsonAnswer::Value(output)) => answer.json(output),
                Err(error) => answer.error(&error),
            }
        }
        Protocol::RpcV2Cbor => {
            let input = match cbor::decode(&body) {
                Ok(input) => input,
                Err(error) => return answer.error(&error),
            };
            match services::json(shared, &ctx, route.service, operation, input) {
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
            let (method, path) = (parts.method.as_str(), parts.uri.path());
            match services::rest(shared, &ctx, route.service, method, path, request).await {
                Ok(response) => answer.rest(response),
                Err(error) => answer.error(&error),
            }
        }
        Protocol::Ec2Query => {
            let request = match query::decode(&body, url_query) {
                Ok(request) => request,
                Err(error) => return answer.error(&error),
            };
            match services::ec2_query(shared, &ctx, &request) {
                Ok(result) => answer.xml(query::encode_ec2_response(
                    route.service.xmlns(),
                    &request.action,
                    &result,
                    &ctx.request_id,
                )),
                Err(error) => answer.error(&error),
            }
        }
    }
}

/// What a request says, in its head and body, about where it goes and who signed it: read once,
/// for routing (`dispatch`) and for answering a refusal in the right shape (`gate`).
pub struct RequestFacts {
    /// The credential of a presigned URL (`X-Amz-Credential`).
    pub presigned: Option<String>,
    /// The SigV4 scope, from the `Authorization` header or the presigned credential.
    pub scope: Result<identity::CredentialScope, AwsError>,
    /// A form's `Version`.
    pub version: Option<String>,
}

impl RequestFacts {
    pub fn read(parts: &axum::http::request::Parts, body: &[u8]) -> Self {
        let url_query = parts.uri.query();
        let presigned = url_query.and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(key, _)| key == "X-Amz-Credential")
                .map(|(_, value)| value.into_owned())
        });
        let authorization =
            parts.headers.get(header::AUTHORIZATION).and_then(|value| value.to_str().ok());
        let scope = identity::credential_scope(authorization, presigned.as_deref());
        // Only a form's body is read for its `Version` (a JSON or CBOR body never has one, and
        // parsing it as a form costs as much as the rest of routing).
        let is_form = (parts.headers.get(header::CONTENT_TYPE))
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        let version = protocol::query::version_of(if is_form { body } else { b"" }, url_query);
        Self { presigned, scope, version }
    }

    /// What routing needs.
    pub fn head<'a>(&'a self, parts: &'a axum::http::request::Parts) -> RequestHead<'a> {
        let header = |name: &str| parts.headers.get(name).and_then(|value| value.to_str().ok());
        RequestHead {
            path: parts.uri.path(),
            query: parts.uri.query(),
            content_type: header("content-type"),
            target: header("x-amz-target"),
            smithy_protocol: header("smithy-protocol"),
            signing_service: self.scope.as_ref().ok().map(|scope| scope.service.as_str()),
            query_version: self.version.as_deref(),
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
