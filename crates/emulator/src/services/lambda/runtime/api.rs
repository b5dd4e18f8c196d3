//! The Lambda Runtime API a worker talks to, on a listener of its own (127.0.0.1, a free port,
//! given to the worker as `AWS_LAMBDA_RUNTIME_API`): one listener per worker means a worker
//! can only ever take its own invocations.
//!
//! - `GET /2018-06-01/runtime/invocation/next`: waits for the next event; answers it with the
//!   `Lambda-Runtime-*` headers.
//! - `POST /2018-06-01/runtime/invocation/{id}/response` and `…/{id}/error`: the result.
//! - `POST /2018-06-01/runtime/init/error`: the code could not be loaded.

use super::{Ending, Invocation, wall_epoch_ms};
use crate::services::lambda::LambdaError;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// Results and errors may be a little over Lambda's 6 MB limit; `invoke` reports that.
const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// When the worker took an invocation.
pub struct Started {
    pub at: Instant,
}

struct Queued {
    invocation: Invocation,
    timeout: Duration,
    started: oneshot::Sender<Started>,
    reply: oneshot::Sender<Ending>,
}

#[derive(Default)]
struct Current {
    request_id: String,
    reply: Option<oneshot::Sender<Ending>>,
}

struct ApiState {
    queue: tokio::sync::Mutex<mpsc::Receiver<Queued>>,
    current: Mutex<Current>,
    init_error: Mutex<Option<(Vec<u8>, String)>>,
}

pub struct RuntimeApi {
    address: String,
    sender: mpsc::Sender<Queued>,
    state: Arc<ApiState>,
    server: tokio::task::JoinHandle<()>,
}

impl RuntimeApi {
    /// Listens on a free loopback port.
    pub fn start() -> Result<Self, LambdaError> {
        let failed = |error: std::io::Error| {
            LambdaError::Service(format!("cannot open the Runtime API for a worker: {error}"))
        };
        let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(failed)?;
        listener.set_nonblocking(true).map_err(failed)?;
        let address = listener.local_addr().map_err(failed)?.to_string();
        let listener = tokio::net::TcpListener::from_std(listener).map_err(failed)?;
        let (sender, receiver) = mpsc::channel(1);
        let state = Arc::new(ApiState {
            queue: tokio::sync::Mutex::new(receiver),
            current: Mutex::default(),
            init_error: Mutex::default(),
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
            .with_state(Arc::clone(&state));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { address, sender, state, server })
    }

    /// `host:port`, what `AWS_LAMBDA_RUNTIME_API` holds.
    pub fn address(&self) -> String {
        self.address.clone()
    }

    /// Queues an invocation; the receivers say when the worker took it and how it ended.
    pub fn dispatch(
        &self,
        invocation: Invocation,
        timeout: Duration,
    ) -> (oneshot::Receiver<Started>, oneshot::Receiver<Ending>) {
        let (started, started_rx) = oneshot::channel();
        let (reply, reply_rx) = oneshot::channel();
        // The worker is ours alone for this invocation, so the one-place queue is free.
        let _ = self.sender.try_send(Queued { invocation, timeout, started, reply });
        (started_rx, reply_rx)
    }

    /// What the bootstrap reported when the code could not be loaded: the error document and
    /// its type.
    pub fn init_error(&self) -> Option<(Vec<u8>, String)> {
        crate::state::lock(&self.state.init_error).clone()
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn next(State(state): State<Arc<ApiState>>) -> Response {
    let queued = state.queue.lock().await.recv().await;
    let Some(queued) = queued else {
        return (StatusCode::GONE, "the worker is being stopped").into_response();
    };
    let started = Instant::now();
    let deadline = wall_epoch_ms(started) + queued.timeout.as_millis() as i64;
    let invocation = queued.invocation;
    *crate::state::lock(&state.current) =
        Current { request_id: invocation.request_id.clone(), reply: Some(queued.reply) };
    let _ = queued.started.send(Started { at: started });
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    put("lambda-runtime-aws-request-id", &invocation.request_id);
    put("lambda-runtime-deadline-ms", &deadline.to_string());
    put("lambda-runtime-invoked-function-arn", &invocation.invoked_arn);
    put("lambda-runtime-trace-id", &invocation.trace_id);
    if let Some(context) = &invocation.client_context {
        put("lambda-runtime-client-context", context);
    }
    put("content-type", "application/json");
    (StatusCode::OK, headers, invocation.payload).into_response()
}

async fn response(
    State(state): State<Arc<ApiState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    finish(&state, &id, Ending::Response(body.to_vec()))
}

async fn error(
    State(state): State<Arc<ApiState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let error_type = error_type(&headers, &body);
    finish(&state, &id, Ending::FunctionError { body: body.to_vec(), error_type })
}

async fn init_error(
    State(state): State<Arc<ApiState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let error_type = error_type(&headers, &body);
    *crate::state::lock(&state.init_error) = Some((body.to_vec(), error_type));
    accepted()
}

fn finish(state: &ApiState, id: &str, ending: Ending) -> Response {
    let mut current = crate::state::lock(&state.current);
    if current.request_id != id || current.reply.is_none() {
        let body = serde_json::json!({
            "errorMessage": format!("Invalid request ID: {id}"),
            "errorType": "InvalidRequestID",
        });
        return (StatusCode::BAD_REQUEST, body.to_string()).into_response();
    }
    if let Some(reply) = current.reply.take() {
        let _ = reply.send(ending);
    }
    accepted()
}

fn accepted() -> Response {
    (StatusCode::ACCEPTED, r#"{"status":"OK"}"#).into_response()
}

/// The error type: the `Lambda-Runtime-Function-Error-Type` header, else the document's
/// `errorType`, else `Unhandled`.
fn error_type(headers: &HeaderMap, body: &[u8]) -> String {
    let from_body = || {
        serde_json::from_slice::<serde_json::Value>(body)
            .ok()?
            .get("errorType")?
            .as_str()
            .map(str::to_string)
    };
    headers
        .get("lambda-runtime-function-error-type")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
        .filter(|value| value != "Unhandled")
        .or_else(from_body)
        .unwrap_or_else(|| "Unhandled".to_string())
}
