//! Malformed requests of every protocol family, a fixed number from a fixed seed, sent over
//! kept-alive connections: every answer is in its protocol's AWS shape, and no connection is
//! dropped without `Connection: close` having said so.
//!
//! Which shape an answer must have follows the routing rules of DESIGN.md §4 (and
//! `docs/emulator.md`), read off the request as the server would: a `smithy-protocol` header or
//! `/service/…/operation/…` path is CBOR; a known `X-Amz-Target` prefix is awsJson; Lambda and
//! API Gateway paths are restJson1; a form is awsQuery (ec2Query for EC2); `/_awslab/…` is a
//! control endpoint; an invoke URL is API Gateway's `{"message"}`; anything else is JSON with
//! `__type`.

mod common;

use common::token;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// How many requests, and from which seed: the run is the same every time.
const REQUESTS: usize = 3_000;
const SEED: u64 = 0x15_ea1;
/// Connections used side by side, each carrying its share one request after another.
const CONNECTIONS: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// awsQuery: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`.
    Query,
    /// ec2Query: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>`.
    Ec2,
    /// awsJson 1.0/1.1: `{"__type", "message"}`.
    Json,
    /// restJson1: `{"message"}` (or `Message`) with `x-amzn-errortype`.
    Rest,
    /// Smithy RPC v2 CBOR: a CBOR map with `__type`.
    Cbor,
    /// `/_awslab/…`: `{"code", "message"}`.
    Control,
    /// An invoke URL: API Gateway's `{"message"}`.
    Invoke,
    /// Nothing the emulator knows: JSON with `__type` and `message`.
    Unknown,
}

/// One request to send.
struct Request {
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

struct Fuzzer {
    rng: fastrand::Rng,
    port: u16,
    token: String,
}

impl Fuzzer {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.usize(..items.len())]
    }

    fn chance(&mut self, percent: u8) -> bool {
        self.rng.u8(..100) < percent
    }

    fn garbage(&mut self, max: usize) -> Vec<u8> {
        let length = self.rng.usize(..=max);
        (0..length).map(|_| self.rng.u8(..)).collect()
    }

    fn text(&mut self, max: usize) -> String {
        const CHARS: &[u8] = b"abcXYZ019-_.:/%&=+ {}[]\"'\\<>*?$#~";
        let length = self.rng.usize(..=max);
        (0..length).map(|_| *self.pick(CHARS) as char).collect()
    }

    /// Characters a client puts in a path as they are (anything else it percent-encodes),
    /// and `%` for escapes that may not decode.
    fn path_text(&mut self, max: usize) -> String {
        const CHARS: &[u8] = b"abcXYZ019-_.~%/";
        let length = self.rng.usize(1..=max.max(1));
        (0..length).map(|_| *self.pick(CHARS) as char).collect()
    }

    fn authorization(&mut self, service: &str) -> Option<String> {
        match self.rng.u8(..10) {
            0 => None,
            1 => Some("Basic dXNlcjpwYXNz".into()),
            2 => Some("AWS4-HMAC-SHA256 Credential=AKID/20240501/iam".into()),
            3 => Some(format!("AWS4-HMAC-SHA256 {}", self.text(40))),
            _ => Some(common::signed(service, "us-east-1")),
        }
    }

    fn json_body(&mut self) -> Vec<u8> {
        match self.rng.u8(..9) {
            0 => Vec::new(),
            1 => self.garbage(200),
            2 => b"{\"TableName\": ".to_vec(),
            3 => b"[1,2,3]".to_vec(),
            4 => format!("{}{}", "[".repeat(300), "]".repeat(300)).into_bytes(),
            5 => b"{\"TableName\": 12, \"Limit\": \"x\", \"Key\": {\"a\": {\"Q\": 1}}}".to_vec(),
            6 => b"{\"logGroupName\": \"\", \"limit\": -1}".to_vec(),
            7 => format!("{{\"{}\": \"{}\"}}", self.text(10), self.text(30)).into_bytes(),
            _ => b"{}".to_vec(),
        }
    }

    fn form_body(&mut self, actions: &[&str], version: &str) -> Vec<u8> {
        let mut pairs = Vec::new();
        if !self.chance(10) {
            let action =
                if self.chance(80) { self.pick(actions).to_string() } else { self.text(12) };
            pairs.push(format!("Action={action}"));
        }
        match self.rng.u8(..5) {
            0 => {}
            1 => pairs.push("Version=1999-01-01".into()),
            _ => pairs.push(format!("Version={version}")),
        }
        for _ in 0..self.rng.usize(..5) {
            let key = self
                .pick(&[
                    "RoleName",
                    "Tags.member.99999.Key",
                    "Filter.1.Value.1",
                    "MaxItems",
                    "TopicArn",
                    "Foo",
                    "%ZZ",
                    "Names.member.0",
                ])
                .to_string();
            let value = self.text(20);
            pairs.push(format!("{key}={value}"));
        }
        let mut body = pairs.join("&").into_bytes();
        if self.chance(10) {
            body.extend(self.garbage(40));
        }
        body
    }

    fn next(&mut self) -> (Request, Shape) {
        let mut headers: Vec<(String, String)> = Vec::new();
        let header = |headers: &mut Vec<(String, String)>, name: &str, value: String| {
            headers.push((name.to_string(), value))
        };
        match self.rng.u8(..11) {
            0 | 1 => {
                let (service, version, actions) = *self.pick(&[
                    (
                        "iam",
                        "2010-05-08",
                        &[
                            "CreateRole",
                            "GetRole",
                            "ListRoles",
                            "PutRolePolicy",
                            "AttachRolePolicy",
                        ][..],
                    ),
                    ("sts", "2011-06-15", &["GetCallerIdentity", "AssumeRole"][..]),
                    (
                        "sns",
                        "2010-03-31",
                        &["CreateTopic", "Subscribe", "Publish", "ListTopics"][..],
                    ),
                    (
                        "monitoring",
                        "2010-08-01",
                        &["PutMetricAlarm", "DescribeAlarms", "PutMetricData"][..],
                    ),
                ]);
                if let Some(auth) = self.authorization(service) {
                    header(&mut headers, "Authorization", auth);
                }
                header(&mut headers, "Content-Type", "application/x-www-form-urlencoded".into());
                let body = self.form_body(actions, version);
                if self.chance(10) {
                    header(&mut headers, "Content-Encoding", "gzip".into());
                }
                (Request { method: "POST", path: "/".into(), headers, body }, Shape::Query)
            }
            2 => {
                if let Some(auth) = self.authorization("ec2") {
                    header(&mut headers, "Authorization", auth);
                }
                header(&mut headers, "Content-Type", "application/x-www-form-urlencoded".into());
                let body = self.form_body(
                    &["DescribeInstances", "RunInstances", "DescribeImages", "CreateTags"],
                    "2016-11-15",
                );
                (Request { method: "POST", path: "/".into(), headers, body }, Shape::Ec2)
            }
            3 | 4 => {
                let (prefix, service, content_type, operations) =
                    *self.pick(&[
                        (
                            "DynamoDB_20120810",
                            "dynamodb",
                            "application/x-amz-json-1.0",
                            &[
                                "CreateTable",
                                "PutItem",
                                "GetItem",
                                "Query",
                                "Scan",
                                "BatchWriteItem",
                            ][..],
                        ),
                        (
                            "Logs_20140328",
                            "logs",
                            "application/x-amz-json-1.1",
                            &["CreateLogGroup", "PutLogEvents", "FilterLogEvents", "GetLogEvents"]
                                [..],
                        ),
                        (
                            "GraniteServiceVersion20100801",
                            "monitoring",
                            "application/x-amz-json-1.0",
                            &["DescribeAlarms", "PutMetricData", "GetMetricData"][..],
                        ),
                    ]);
                let operation =
                    if self.chance(85) { self.pick(operations).to_string() } else { self.text(10) };
                header(&mut headers, "X-Amz-Target", format!("{prefix}.{operation}"));
                header(&mut headers, "Content-Type", content_type.into());
                if prefix == "GraniteServiceVersion20100801" {
                    header(&mut headers, "x-amzn-query-mode", "true".into());
                }
                if let Some(auth) = self.authorization(service) {
                    header(&mut headers, "Authorization", auth);
                }
                let body = self.json_body();
                (Request { method: "POST", path: "/".into(), headers, body }, Shape::Json)
            }
            5 | 6 => {
                let lambda = self.chance(50);
                let path = if lambda {
                    let rest = self
                        .pick(&[
                            "functions",
                            "functions/f",
                            "functions/f/invocations",
                            "functions/f/policy",
                            "functions/f/aliases/X",
                            "functions/%ZZ/configuration",
                            "event-source-mappings",
                            "",
                        ])
                        .to_string();
                    format!("/2015-03-31/{rest}")
                } else {
                    let rest = self
                        .pick(&[
                            "",
                            "/abc",
                            "/abc/resources",
                            "/abc/resources/x/methods/GET",
                            "/abc/stages/dev",
                            "/abc/deployments",
                            "/%2e%2e/x",
                        ])
                        .to_string();
                    format!("/restapis{rest}")
                };
                let path = if self.chance(10) {
                    format!("{path}/{}", "a".repeat(self.rng.usize(..20_000)))
                } else {
                    path
                };
                let method =
                    *self.pick(&["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]);
                if let Some(auth) = self.authorization(if lambda { "lambda" } else { "apigateway" })
                {
                    header(&mut headers, "Authorization", auth);
                }
                if self.chance(70) {
                    header(&mut headers, "Content-Type", "application/json".into());
                }
                let body = self.json_body();
                (Request { method, path, headers, body }, Shape::Rest)
            }
            7 => {
                let operation =
                    *self.pick(&["PutMetricData", "DescribeAlarms", "GetMetricStatistics", "Nope"]);
                header(&mut headers, "smithy-protocol", "rpc-v2-cbor".into());
                header(&mut headers, "Content-Type", "application/cbor".into());
                if let Some(auth) = self.authorization("monitoring") {
                    header(&mut headers, "Authorization", auth);
                }
                let body = match self.rng.u8(..4) {
                    0 => vec![0xa0],
                    1 => vec![0xbf, 0x61, 0x61],
                    _ => self.garbage(100),
                };
                let path = format!("/service/GraniteServiceVersion20100801/operation/{operation}");
                (Request { method: "POST", path, headers, body }, Shape::Cbor)
            }
            8 => {
                let path = self
                    .pick(&[
                        "/_awslab/reset?lab=%ZZ",
                        "/_awslab/snapshots/a..b",
                        "/_awslab/snapshots/x/restore",
                        "/_awslab/clock/advance?seconds=NaN",
                        "/_awslab/clock/advance?seconds=-5",
                        "/_awslab/ec2/instances/i-nope/shell",
                        "/_awslab/mailbox/42",
                        "/_awslab/lambda/code/x.zip",
                        "/_awslab/nothing/here",
                        "/_awslab",
                    ])
                    .to_string();
                match self.rng.u8(..4) {
                    0 => {}
                    1 => header(&mut headers, "X-Awslab-Token", "guess".into()),
                    _ => header(&mut headers, "X-Awslab-Token", self.token.clone()),
                }
                if self.chance(30) {
                    header(&mut headers, "Origin", "https://evil.example".into());
                }
                let method = *self.pick(&["GET", "POST", "DELETE", "PUT"]);
                let body = if self.chance(50) { self.json_body() } else { Vec::new() };
                (Request { method, path, headers, body }, Shape::Control)
            }
            9 => {
                let path = format!(
                    "/restapis/{}/dev/_user_request_/{}",
                    self.path_text(10),
                    self.path_text(30)
                );
                let method = *self.pick(&["GET", "POST", "OPTIONS"]);
                if self.chance(30) {
                    header(&mut headers, "Origin", "https://evil.example".into());
                }
                let body = self.json_body();
                (Request { method, path, headers, body }, Shape::Invoke)
            }
            _ => {
                let path = self
                    .pick(&[
                        "/",
                        "/favicon.ico",
                        "/index.html",
                        "/?X-Amz-Credential=AKID/20240501/us-east-1/iam/aws4_request",
                        "/service/",
                        "/%FF%FE",
                    ])
                    .to_string();
                if self.chance(50) {
                    header(
                        &mut headers,
                        "X-Amz-Target",
                        format!("Kinesis_20131202.{}", self.text(8)),
                    );
                }
                if self.chance(30) {
                    header(&mut headers, "Sec-Fetch-Site", "cross-site".into());
                }
                let method = *self.pick(&["GET", "POST", "PUT"]);
                let body = self.garbage(64);
                (Request { method, path, headers, body }, Shape::Unknown)
            }
        }
    }
}

/// The shape the routing rules give `request` once the fuzzer has mangled it.
fn expected(request: &Request, intended: Shape) -> Shape {
    let header = |name: &str| {
        request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    };
    match intended {
        Shape::Control | Shape::Invoke | Shape::Cbor | Shape::Rest | Shape::Json => intended,
        Shape::Query | Shape::Ec2 | Shape::Unknown => {
            let is_form = header("Content-Type")
                .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
                || request.path.contains("Action=");
            if header("X-Amz-Target").is_some() {
                Shape::Unknown
            } else if is_form {
                intended_form(request, intended)
            } else {
                Shape::Unknown
            }
        }
    }
}

/// A form's shape: EC2's when it is signed for `ec2`, or names EC2's version unsigned.
fn intended_form(request: &Request, intended: Shape) -> Shape {
    let body = String::from_utf8_lossy(&request.body);
    let auth = request.headers.iter().find(|(n, _)| n == "Authorization").map(|(_, v)| v.as_str());
    let signed_ec2 = auth.is_some_and(|a| a.contains("/ec2/aws4_request"));
    let signed_other = auth.is_some_and(|a| a.contains("/aws4_request") && !signed_ec2);
    if signed_ec2 || (!signed_other && body.contains("Version=2016-11-15")) {
        Shape::Ec2
    } else if matches!(intended, Shape::Unknown | Shape::Ec2) {
        Shape::Query
    } else {
        intended
    }
}

/// What came back.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn closes(&self) -> bool {
        self.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// Writes `request` on `stream` and reads one answer (or says why none came).
fn exchange(
    stream: &mut BufReader<TcpStream>,
    port: u16,
    request: &Request,
) -> Result<Response, String> {
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\n",
        request.method,
        request.path,
        request.body.len()
    );
    for (name, value) in &request.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let socket = stream.get_mut();
    socket.write_all(head.as_bytes()).map_err(|e| format!("writing the head: {e}"))?;
    socket.write_all(&request.body).map_err(|e| format!("writing the body: {e}"))?;
    let mut status_line = String::new();
    stream.read_line(&mut status_line).map_err(|e| format!("reading the status: {e}"))?;
    if status_line.is_empty() {
        return Err("the connection closed without an answer".into());
    }
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or(format!("a bad status line {status_line:?}"))?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).map_err(|e| format!("reading headers: {e}"))?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let mut response = Response { status, headers, body: Vec::new() };
    if request.method == "HEAD" || status == 204 || status == 304 {
        return Ok(response);
    }
    if response.header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            let mut size = String::new();
            stream.read_line(&mut size).map_err(|e| format!("reading a chunk: {e}"))?;
            let size =
                usize::from_str_radix(size.trim(), 16).map_err(|e| format!("a chunk size: {e}"))?;
            let mut chunk = vec![0; size + 2];
            stream.read_exact(&mut chunk).map_err(|e| format!("reading a chunk: {e}"))?;
            if size == 0 {
                break;
            }
            response.body.extend_from_slice(&chunk[..size]);
        }
    } else {
        let length: usize = response
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .ok_or("no content-length")?;
        response.body = vec![0; length];
        stream.read_exact(&mut response.body).map_err(|e| format!("reading the body: {e}"))?;
    }
    Ok(response)
}

/// Why the answer is not in `shape`, if it is not. A HEAD request's answer has no body to look at.
fn misshapen(shape: Shape, method: &str, response: &Response) -> Option<String> {
    if method == "HEAD" {
        return None;
    }
    let body = String::from_utf8_lossy(&response.body);
    let content_type = response.header("content-type").unwrap_or("");
    let success = response.status < 400;
    let json_object = || {
        serde_json::from_slice::<serde_json::Value>(&response.body).ok().filter(|v| v.is_object())
    };
    let has = |value: &serde_json::Value, key: &str| value.get(key).is_some_and(|v| v.is_string());
    let ok = match shape {
        Shape::Query if success => content_type.starts_with("text/xml") && body.starts_with('<'),
        Shape::Query => {
            content_type.starts_with("text/xml")
                && body.starts_with("<ErrorResponse xmlns=\"")
                && ["<Type>", "<Code>", "<Message>", "<RequestId>"]
                    .iter()
                    .all(|tag| body.contains(tag))
        }
        Shape::Ec2 if success => content_type.starts_with("text/xml") && body.starts_with('<'),
        Shape::Ec2 => {
            body.starts_with("<Response><Errors><Error><Code>") && body.contains("<RequestID>")
        }
        Shape::Json if success => {
            content_type.starts_with("application/x-amz-json-1.") && json_object().is_some()
        }
        Shape::Json => {
            content_type.starts_with("application/x-amz-json-1.")
                && json_object().is_some_and(|v| {
                    // DynamoDB writes `__type` alone when it has nothing to say (an unknown
                    // operation), as its engine does.
                    let alone = v.as_object().is_some_and(|members| members.len() == 1);
                    has(&v, "__type") && (has(&v, "message") || has(&v, "Message") || alone)
                })
        }
        Shape::Rest if success => response.body.is_empty() || json_object().is_some(),
        Shape::Rest => {
            content_type.starts_with("application/json")
                && response.header("x-amzn-errortype").is_some()
                && json_object().is_some_and(|v| has(&v, "message") || has(&v, "Message"))
        }
        Shape::Cbor => {
            let value: Result<ciborium::Value, _> = ciborium::from_reader(response.body.as_slice());
            content_type == "application/cbor"
                && response.header("smithy-protocol") == Some("rpc-v2-cbor")
                && value.is_ok_and(|value| {
                    success
                        || value.as_map().is_some_and(|map| {
                            map.iter().any(|(k, _)| k.as_text() == Some("__type"))
                        })
                })
        }
        Shape::Control if success => {
            content_type.starts_with("application/json") || content_type == "application/zip"
        }
        Shape::Control => {
            content_type.starts_with("application/json")
                && json_object().is_some_and(|v| has(&v, "code") && has(&v, "message"))
        }
        Shape::Invoke => {
            success
                || (content_type.starts_with("application/json")
                    && json_object().is_some_and(|v| has(&v, "message")))
        }
        Shape::Unknown => {
            !success
                && content_type.starts_with("application/json")
                && json_object().is_some_and(|v| has(&v, "__type") && has(&v, "message"))
        }
    };
    (!ok).then(|| {
        format!(
            "{shape:?} expected, got {} {content_type:?} {:?}",
            response.status,
            &body[..body.len().min(300)]
        )
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_requests_get_aws_shaped_answers_on_connections_that_stay_up() {
    let emulator = common::start().await;
    let port = emulator.port();
    let secret = token(&emulator).1.to_string();
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|worker| {
            let secret = secret.clone();
            std::thread::spawn(move || {
                let mut fuzzer = Fuzzer {
                    rng: fastrand::Rng::with_seed(SEED + worker as u64),
                    port,
                    token: secret,
                };
                let connect = || {
                    let socket = TcpStream::connect(("127.0.0.1", port)).expect("connect");
                    socket.set_read_timeout(Some(Duration::from_secs(30))).expect("a timeout");
                    BufReader::new(socket)
                };
                let mut stream = connect();
                let mut problems = Vec::new();
                let mut closed_by_server = 0;
                for _ in 0..REQUESTS / CONNECTIONS {
                    let (request, intended) = fuzzer.next();
                    let shape = expected(&request, intended);
                    let summary = format!(
                        "{} {} {:?}",
                        request.method,
                        &request.path[..request.path.len().min(120)],
                        request.headers
                    );
                    match exchange(&mut stream, fuzzer.port, &request) {
                        Ok(response) => {
                            if let Some(problem) = misshapen(shape, request.method, &response) {
                                problems.push(format!("{summary}: {problem}"));
                            }
                            if response.closes() {
                                closed_by_server += 1;
                                stream = connect();
                            }
                        }
                        Err(error) => {
                            problems.push(format!("{summary}: dropped unannounced: {error}"));
                            stream = connect();
                        }
                    }
                }
                (problems, closed_by_server)
            })
        })
        .collect();
    let mut problems = Vec::new();
    for worker in workers {
        let (found, _) = worker.join().expect("a fuzzing thread");
        problems.extend(found);
    }
    assert!(
        problems.is_empty(),
        "{} of {REQUESTS} answers were not as AWS answers, or lost their connection; the first:\n{}",
        problems.len(),
        problems.iter().take(25).cloned().collect::<Vec<_>>().join("\n")
    );
    // The emulator still serves the learner's tools.
    let sts = aws_sdk_sts::Client::new(&common::sdk_config(&emulator, "us-east-1").await);
    sts.get_caller_identity().send().await.expect("GetCallerIdentity after the fuzzing");
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_http_itself_cannot_parse_are_answered_in_json_too() {
    let emulator = common::start().await;
    let port = emulator.port();
    let host = format!("Host: 127.0.0.1:{port}\r\n");
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (
            format!("GET /{} HTTP/1.1\r\n{host}\r\n", "a".repeat(70_000)).into_bytes(),
            414,
            "RequestURITooLong",
        ),
        (
            format!("GET / HTTP/1.1\r\n{host}Bad Header: x\r\n\r\n").into_bytes(),
            400,
            "MalformedHttpRequest",
        ),
        (
            format!("GET / HTTP/1.1\r\n{host}X-Big: {}\r\n\r\n", "a".repeat(500_000)).into_bytes(),
            431,
            "RequestHeaderFieldsTooLarge",
        ),
        (b"NOT HTTP AT ALL\r\n\r\n".to_vec(), 400, "MalformedHttpRequest"),
    ];
    for (request, status, code) in cases {
        let answer = tokio::task::spawn_blocking(move || {
            let mut socket = TcpStream::connect(("127.0.0.1", port)).expect("connect");
            socket.set_read_timeout(Some(Duration::from_secs(10))).expect("a timeout");
            // The server may answer before it has read everything; that is fine.
            let _ = socket.write_all(&request);
            let mut answer = Vec::new();
            let _ = socket.read_to_end(&mut answer);
            String::from_utf8_lossy(&answer).into_owned()
        })
        .await
        .unwrap();
        assert!(answer.starts_with(&format!("HTTP/1.1 {status} ")), "{answer}");
        assert!(answer.contains("connection: close"), "{answer}");
        assert!(answer.contains("content-type: application/json"), "{answer}");
        assert!(answer.contains(&format!(r#"{{"__type":"{code}","message":"#)), "{answer}");
    }
}
