//! The front door: who may drive the emulator, decided before anything is routed.
//!
//! Listening on 127.0.0.1 keeps other machines out, but not other programs on this one, and a
//! web page the learner has open is such a program: its browser will send forms, `no-cors`
//! fetches and image requests to any loopback port, and, through DNS rebinding, requests under
//! a name of the attacker's that resolves to 127.0.0.1. Every AWS request the emulator accepts
//! is the account's administrator (the learner's keys cannot be checked), and a Lambda function
//! runs code on the machine, so every request passes these rules first:
//!
//! 1. **Host.** The request names the emulator by a loopback name with its own port:
//!    `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`, or a host-style invoke name
//!    `{api}.execute-api.localhost:PORT`. Rebinding needs a name of the attacker's, so it fails
//!    here, for reading as much as for writing.
//! 2. **Browsers.** A request a browser marks as made by a page (an `Origin` that is not the
//!    app's own, or `Sec-Fetch-Site` other than `none`) is refused. The learner typing a URL
//!    into the address bar sends `Sec-Fetch-Site: none` and passes. API Gateway invoke URLs are
//!    the exception: they are public on AWS too, and answer as API Gateway does.
//! 3. **Control endpoints** (`/_awslab/…`) need the per-launch [`ControlToken`] in the
//!    `X-Awslab-Token` header; it is written, readable by the learner alone, into the data folder
//!    (see [`ControlToken::write_into`]). `/_awslab/health` only says the emulator is up, and
//!    a function's code link is signed with the token instead (see [`ControlToken::sign`]).
//!
//! The body is read whole before any rule or handler answers (bounded by [`BODY_LIMIT`]), so a
//! kept-alive connection is never left with unread bytes; a body over the limit is refused with
//! `Connection: close`. A refusal is a 403 in the shape of the request's protocol, says why, and
//! has no effect. Credentials in the query string are checked where the caller is known
//! (`server::dispatch`): only keys the emulator issued, with a valid signature.

use crate::answer::{Answer, unrouted_error};
use crate::error::AwsError;
use crate::protocol::{self, Route};
use crate::server::{BODY_LIMIT, RequestFacts};
use crate::services::apigateway::invoke_url;
use crate::state::Shared;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The header that carries the control token.
pub const TOKEN_HEADER: &str = "x-awslab-token";

/// The file in the data folder that holds the token of the emulator using that folder.
pub const TOKEN_FILE: &str = "control-token";

/// The desktop app's own web view, on each platform (Linux and macOS; Windows).
const APP_ORIGINS: [&str; 3] =
    ["tauri://localhost", "http://tauri.localhost", "https://tauri.localhost"];

/// A secret made at each launch: whoever holds it may use the control endpoints.
#[derive(Clone, PartialEq, Eq)]
pub struct ControlToken(String);

impl std::fmt::Debug for ControlToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ControlToken(…)")
    }
}

impl ControlToken {
    /// 64 hex digits (244 random bits) from two version-4 UUIDs, which `uuid` draws from the
    /// operating system's secure generator (`getrandom`).
    pub fn generate() -> Self {
        Self(format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `presented` is this token, in time that does not depend on where they differ.
    pub fn matches(&self, presented: &str) -> bool {
        constant_time_eq(self.0.as_bytes(), presented.as_bytes())
    }

    /// A signature of `what` that only the token's holder can make (HMAC-SHA256, hex), for links
    /// the emulator hands out, such as `GetFunction`'s code location.
    pub fn sign(&self, what: &str) -> String {
        use hmac::{KeyInit, Mac};
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(self.0.as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(what.as_bytes());
        mac.finalize().into_bytes().iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// Whether `signature` is [`sign`](Self::sign)'s for `what`.
    pub fn verifies(&self, what: &str, signature: &str) -> bool {
        constant_time_eq(self.sign(what).as_bytes(), signature.as_bytes())
    }

    /// Writes the token to `folder/control-token`, readable and writable by its owner alone
    /// (mode 0600), replacing the previous launch's. The file is written under another name and
    /// renamed, so a reader never sees half a token, and it is never readable by others, even
    /// for a moment.
    pub fn write_into(&self, folder: &Path) -> std::io::Result<PathBuf> {
        let path = folder.join(TOKEN_FILE);
        let partial = folder.join(format!(".{TOKEN_FILE}.{}", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(&partial).and_then(|mut file| {
            use std::io::Write;
            // An older file of this name may have been made with wider permissions.
            #[cfg(unix)]
            file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
            file.write_all(self.0.as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()
        });
        match written.and_then(|()| std::fs::rename(&partial, &path)) {
            Ok(()) => Ok(path),
            Err(error) => {
                let _ = std::fs::remove_file(&partial);
                Err(error)
            }
        }
    }

    /// Reads a token written by [`write_into`](Self::write_into).
    pub fn read_from(folder: &Path) -> std::io::Result<Self> {
        let text = std::fs::read_to_string(folder.join(TOKEN_FILE))?;
        Ok(Self(text.trim().to_string()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Why a request was refused at the door.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It named the emulator by another host (or none).
    Host(String),
    /// A browser sent it for a web page.
    Browser(String),
    /// A control endpoint without the token, or with another one.
    ControlToken { presented: bool },
}

impl Refusal {
    /// The 403 that answers the request.
    fn error(&self, port: u16) -> AwsError {
        let code = match self {
            Refusal::Host(_) | Refusal::Browser(_) => "AccessDenied",
            Refusal::ControlToken { presented: false } => "MissingControlToken",
            Refusal::ControlToken { presented: true } => "InvalidControlToken",
        };
        AwsError::sender(code, 403, self.message(port))
    }

    fn message(&self, port: u16) -> String {
        match self {
            Refusal::Host(host) => format!(
                "The offline emulator answers only requests addressed to it by a loopback name \
                 (127.0.0.1:{port}, localhost:{port} or [::1]:{port}); this one named {host}."
            ),
            Refusal::Browser(why) => format!(
                "The offline emulator does not answer web pages: {why}. Use the awslab app, the \
                 AWS CLI or an SDK."
            ),
            Refusal::ControlToken { presented: false } => format!(
                "The emulator's control endpoints need its control token in the {TOKEN_HEADER} \
                 header. It is in the file {TOKEN_FILE} of the emulator's data folder, or printed \
                 by `awslab emulator serve --in-memory`."
            ),
            Refusal::ControlToken { presented: true } => format!(
                "The {TOKEN_HEADER} header does not hold this emulator's control token (a new one \
                 is made at each launch): read it again from the file {TOKEN_FILE} of the \
                 emulator's data folder."
            ),
        }
    }
}

/// The middleware in front of every route: reads the body, applies the rules above, and hands
/// the request on with its body in memory.
pub async fn admit(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let port = shared.port();
    let (parts, body) = request.into_parts();
    let body = match read_body(&parts, body).await {
        Ok(body) => body,
        Err(error) => {
            let mut response = refuse(&shared, &parts, &Bytes::new(), &error);
            // The rest of the body was not read: the connection cannot carry another request.
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
    };
    if let Some(refusal) = check(&shared, &parts) {
        return refuse(&shared, &parts, &body, &refusal.error(port));
    }
    let control = is_control_path(parts.uri.path());
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    if control { control_json(response).await } else { response }
}

/// The rule a request breaks, if any.
fn check(shared: &Shared, parts: &Parts) -> Option<Refusal> {
    let port = shared.port();
    let host =
        parts.headers.get(header::HOST).map(|value| String::from_utf8_lossy(value.as_bytes()));
    match (&host, parts.uri.authority()) {
        (None, None) => {
            return Some(Refusal::Host("no host (the request has no Host header)".into()));
        }
        (Some(host), _) if !is_our_host(host, port) => {
            return Some(Refusal::Host(host.to_string()));
        }
        (_, Some(authority)) if !is_our_host(authority.as_str(), port) => {
            return Some(Refusal::Host(authority.to_string()));
        }
        _ => {}
    }
    let path = parts.uri.path();
    if invoke_url::parse(host.as_deref(), path).is_some() {
        return None;
    }
    if let Some(why) = browser_page(&parts.headers) {
        return Some(Refusal::Browser(why));
    }
    if needs_token(path) {
        let presented = parts.headers.get(TOKEN_HEADER).and_then(|value| value.to_str().ok());
        match presented {
            Some(token) if shared.control_token.matches(token.trim()) => {}
            Some(_) => return Some(Refusal::ControlToken { presented: true }),
            None => return Some(Refusal::ControlToken { presented: false }),
        }
    }
    None
}

/// Whether `host` (a `Host` header or a URI's authority) names the emulator on `port`.
pub fn is_our_host(host: &str, port: u16) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let (name, named_port) = match host.rsplit_once(':') {
        // `[::1]` alone has colons but no port.
        Some((name, digits)) if !digits.contains(']') => (name, Some(digits)),
        _ => (host.as_str(), None),
    };
    let port_matches = match named_port {
        Some(digits) => digits.parse::<u16>().is_ok_and(|named| named == port),
        None => port == 80,
    };
    let invoke_name = name
        .strip_suffix(".execute-api.localhost")
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()));
    port_matches && (matches!(name, "127.0.0.1" | "localhost" | "[::1]") || invoke_name)
}

/// Why a browser sent the request for a web page, if it did.
fn browser_page(headers: &HeaderMap) -> Option<String> {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = String::from_utf8_lossy(origin.as_bytes());
        if APP_ORIGINS.contains(&origin.as_ref()) {
            return None;
        }
        return Some(format!("this request came from the page {origin}"));
    }
    match headers.get("sec-fetch-site").map(|value| String::from_utf8_lossy(value.as_bytes())) {
        None => None,
        Some(site) if site == "none" => None,
        Some(site) => {
            Some(format!("a browser sent this request for a web page (Sec-Fetch-Site: {site})"))
        }
    }
}

fn is_control_path(path: &str) -> bool {
    path == "/_awslab" || path.starts_with("/_awslab/")
}

fn needs_token(path: &str) -> bool {
    is_control_path(path) && path != "/_awslab/health" && !path.starts_with("/_awslab/lambda/code/")
}

/// How much of a body over the limit is still read (and thrown away) so that the client, which
/// is still sending, reads the refusal rather than a reset connection.
const DRAIN_LIMIT: u64 = 2 * BODY_LIMIT as u64;

/// The body, whole; over [`BODY_LIMIT`], the error to answer with (after draining the rest up
/// to [`DRAIN_LIMIT`]; the answer then closes the connection).
async fn read_body(parts: &Parts, body: Body) -> Result<Bytes, AwsError> {
    use http_body_util::BodyExt;
    let declared = (parts.headers.get(header::CONTENT_LENGTH))
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > DRAIN_LIMIT) {
        return Err(AwsError::too_large(BODY_LIMIT));
    }
    let mut body = body;
    // Most bodies arrive in one frame, kept as it is; more are joined.
    let mut frames: Vec<Bytes> = Vec::new();
    let mut received: u64 = 0;
    while let Some(frame) = body.frame().await {
        // A client that stops sending mid-body: what arrived is all there is.
        let Ok(frame) = frame else { break };
        let Ok(data) = frame.into_data() else { continue };
        received += data.len() as u64;
        if received <= BODY_LIMIT as u64 {
            frames.push(data);
        } else if received > DRAIN_LIMIT {
            break;
        } else {
            frames.clear();
        }
    }
    if received > BODY_LIMIT as u64 {
        return Err(AwsError::too_large(BODY_LIMIT));
    }
    Ok(match frames.len() {
        0 => Bytes::new(),
        1 => frames.swap_remove(0),
        _ => Bytes::from(frames.concat()),
    })
}

/// A refusal, in the shape of the protocol the request speaks (JSON for control endpoints and
/// for requests of no known protocol; API Gateway's `{"message"}` for invoke URLs).
fn refuse(shared: &Shared, parts: &Parts, body: &Bytes, error: &AwsError) -> Response {
    let request_id = shared.ids.uuid();
    let path = parts.uri.path();
    if is_control_path(path) {
        return control_error(error.status, &error.code, &error.message);
    }
    let host = parts.headers.get(header::HOST).and_then(|value| value.to_str().ok());
    if invoke_url::parse(host, path).is_some() {
        let body = serde_json::json!({ "message": error.message }).to_string();
        let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::FORBIDDEN);
        return (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    }
    match route_of(parts, body) {
        Some(route) => Answer { route: &route, request_id: &request_id }.error(error),
        None => unrouted_error(error, &request_id),
    }
}

/// Where a request would be routed, as far as its head and body tell, for answering in its
/// protocol's shape.
fn route_of(parts: &Parts, body: &[u8]) -> Option<Route> {
    let facts = RequestFacts::read(parts, body);
    protocol::error_route(&facts.head(parts))
}

/// A control endpoint's error: `{"code": "…", "message": "…"}`.
pub fn control_error(status: u16, code: &str, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = serde_json::json!({ "code": code, "message": message }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Control endpoints always answer JSON. axum answers some requests itself before a handler
/// runs (405 for a method a route does not take, 400 for a query or path it cannot parse), in
/// plain text or with no body: those become `{"code", "message"}` here, in one place for every
/// route.
async fn control_json(response: Response) -> Response {
    let is_json = (response.headers().get(header::CONTENT_TYPE))
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value.starts_with("application/json") || value.starts_with("application/zip")
        });
    let status = response.status();
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (_, body) = response.into_parts();
    let text = to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let code = match status {
        StatusCode::METHOD_NOT_ALLOWED => "MethodNotAllowed",
        StatusCode::NOT_FOUND => "NotFound",
        StatusCode::PAYLOAD_TOO_LARGE => "RequestEntityTooLarge",
        status if status.is_server_error() => "InternalError",
        _ => "BadRequest",
    };
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("the request cannot be served").to_string()
    } else {
        text
    };
    control_error(status.as_u16(), code, &message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_names_with_our_port_are_ours() {
        for host in [
            "127.0.0.1:4566",
            "localhost:4566",
            "LOCALHOST:4566",
            "[::1]:4566",
            "a1b2c3d4e5.execute-api.localhost:4566",
        ] {
            assert!(is_our_host(host, 4566), "{host}");
        }
        for host in [
            "127.0.0.1:4567",
            "127.0.0.1",
            "evil.example:4566",
            "localhost.evil.example:4566",
            "127.0.0.1.nip.io:4566",
            ".execute-api.localhost:4566",
            "a-b.execute-api.localhost:4566",
            "x.execute-api.localhost.evil:4566",
            "[::1]",
            "localhost:",
            "localhost:99999",
            "",
        ] {
            assert!(!is_our_host(host, 4566), "{host}");
        }
        assert!(is_our_host("localhost", 80), "port 80 may go unsaid");
    }

    #[test]
    fn pages_are_told_apart_from_the_learners_tools() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_static(value));
            }
            map
        };
        assert_eq!(browser_page(&headers(&[])), None, "the CLI and SDKs send neither header");
        assert_eq!(browser_page(&headers(&[("sec-fetch-site", "none")])), None, "typed URL");
        assert_eq!(browser_page(&headers(&[("origin", "tauri://localhost")])), None);
        let page = browser_page(&headers(&[("origin", "https://evil.example")])).unwrap();
        assert!(page.contains("https://evil.example"), "{page}");
        assert!(browser_page(&headers(&[("origin", "null")])).is_some());
        for site in ["cross-site", "same-site", "same-origin"] {
            let map = {
                let mut map = HeaderMap::new();
                map.insert("sec-fetch-site", HeaderValue::from_static(site));
                map
            };
            assert!(browser_page(&map).unwrap().contains(site), "{site}");
        }
    }

    #[test]
    fn tokens_are_fresh_secret_and_kept_from_others() {
        let token = ControlToken::generate();
        assert_eq!(token.as_str().len(), 64);
        assert_ne!(token, ControlToken::generate());
        assert!(token.matches(token.as_str()));
        assert!(!token.matches(&token.as_str()[..63]));
        assert!(!format!("{token:?}").contains(token.as_str()), "Debug never shows it");
        assert_eq!(token.sign("a.zip"), token.sign("a.zip"));
        assert_ne!(token.sign("a.zip"), ControlToken::generate().sign("a.zip"));

        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join(TOKEN_FILE), "old").unwrap();
        #[cfg(unix)]
        std::fs::set_permissions(
            folder.path().join(TOKEN_FILE),
            std::os::unix::fs::PermissionsExt::from_mode(0o644),
        )
        .unwrap();
        let path = token.write_into(folder.path()).unwrap();
        assert_eq!(ControlToken::read_from(folder.path()).unwrap(), token);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        }
        let names: Vec<_> =
            std::fs::read_dir(folder.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, [std::ffi::OsString::from(TOKEN_FILE)], "no partial file is left");
    }
}
