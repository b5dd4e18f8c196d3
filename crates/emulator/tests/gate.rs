//! Who may drive the emulator (`gate`): requests that name another host (DNS rebinding), that a
//! browser sends for a web page, that use the control endpoints without the launch's token, or
//! that carry the learner's keys in the URL are refused in their protocol's shape, and change
//! nothing; the learner's own tools pass.

mod common;

use awslab_emulator::{CONTROL_TOKEN_FILE, CONTROL_TOKEN_HEADER, Emulator, EmulatorConfig};
use common::{RawResponse, raw, sdk_config, send, signed, start, token};
use std::io::{Read, Write};
use std::net::TcpStream;

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

async fn role_names(emulator: &Emulator) -> Vec<String> {
    let iam = aws_sdk_iam::Client::new(&sdk_config(emulator, "us-east-1").await);
    let roles = iam.list_roles().send().await.expect("ListRoles");
    roles.roles().iter().map(|role| role.role_name().to_string()).collect()
}

/// What a page's HTML form can send: CreateRole with the credential scope in the URL.
fn create_role_form(port: u16, extra: &[(&str, &str)]) -> RawResponse {
    let path = "/?X-Amz-Credential=AKIASTUDENTEXAMPLE/20240501/us-east-1/iam/aws4_request";
    let body = b"Action=CreateRole&Version=2010-05-08&RoleName=planted\
                 &AssumeRolePolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
    let mut headers = vec![FORM];
    headers.extend_from_slice(extra);
    raw(port, "POST", path, &headers, body)
}

/// One request with a `Host` header of our choosing (the raw client's own names 127.0.0.1).
fn with_host(
    port: u16,
    host: &str,
    method_and_path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut request = format!(
        "{method_and_path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("write");
    stream.write_all(body).expect("write body");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_cannot_create_a_role_with_a_form_or_credentials_in_the_url() {
    let emulator = start().await;
    let port = emulator.port();
    let from_a_page = [("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site")];
    let page = tokio::task::spawn_blocking(move || create_role_form(port, &from_a_page));
    let page = page.await.unwrap();
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(
        page.body.starts_with("<ErrorResponse xmlns=\"https://iam.amazonaws.com/"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<Code>AccessDenied</Code>"), "{}", page.body);
    assert!(page.body.contains("does not answer web pages"), "{}", page.body);
    assert!(page.body.contains("https://evil.example"), "{}", page.body);

    // Without the browser's headers (an old browser, or a page that hides them), the learner's
    // key in the URL is refused all the same: only issued keys may sign in the URL.
    let bare = tokio::task::spawn_blocking(move || create_role_form(port, &[])).await.unwrap();
    assert_eq!(bare.status, 403, "{}", bare.body);
    assert!(bare.body.contains("<Code>AccessDenied</Code>"), "{}", bare.body);
    assert!(bare.body.contains("Authorization header"), "{}", bare.body);

    assert!(role_names(&emulator).await.is_empty(), "no role was created");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_protocol_refuses_a_page_in_its_own_shape() {
    let emulator = start().await;
    let port = emulator.port();
    let page = ("Origin", "http://localhost:3000");
    let dynamodb = send(
        port,
        "POST",
        "/",
        &[
            ("X-Amz-Target", "DynamoDB_20120810.CreateTable"),
            ("Content-Type", "application/x-amz-json-1.0"),
            ("Authorization", &signed("dynamodb", "us-east-1")),
            page,
        ],
        b"{}",
    )
    .await;
    assert_eq!(dynamodb.status, 403);
    // Named as AWS's DynamoDB names it.
    assert!(
        dynamodb.body.starts_with(
            r#"{"__type":"com.amazon.coral.service#AccessDeniedException","message":"#
        ),
        "{}",
        dynamodb.body
    );
    let lambda = send(port, "POST", "/2015-03-31/functions", &[page], b"{}").await;
    assert_eq!(lambda.status, 403);
    assert_eq!(lambda.header("x-amzn-errortype"), Some("AccessDeniedException"));
    assert!(lambda.body.contains(r#""Type":"User""#), "{}", lambda.body);
    let ec2 = send(
        port,
        "POST",
        "/",
        &[FORM, ("Authorization", &signed("ec2", "us-east-1")), ("Sec-Fetch-Site", "same-site")],
        b"Action=RunInstances&Version=2016-11-15",
    )
    .await;
    assert_eq!(ec2.status, 403);
    assert!(
        ec2.body.starts_with("<Response><Errors><Error><Code>UnauthorizedOperation</Code>"),
        "{}",
        ec2.body
    );
    // The learner's own tools send neither header, and typing a URL sends `Sec-Fetch-Site: none`.
    let typed = send(
        port,
        "POST",
        "/",
        &[FORM, ("Authorization", &signed("sts", "us-east-1")), ("Sec-Fetch-Site", "none")],
        b"Action=GetCallerIdentity&Version=2011-06-15",
    )
    .await;
    assert_eq!(typed.status, 200, "{}", typed.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_host_name_reads_nothing_and_changes_nothing() {
    let emulator = start().await;
    let port = emulator.port();
    let secret = emulator.control_token().to_string();
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        "localhost".to_string(),
    ] {
        let (host, secret) = (host.clone(), secret.clone());
        let answer = tokio::task::spawn_blocking(move || {
            with_host(port, &host, "GET /_awslab/mailbox", &[(CONTROL_TOKEN_HEADER, &secret)], b"")
        })
        .await
        .unwrap();
        assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
        assert!(answer.contains(r#""code":"AccessDenied""#), "{answer}");
        assert!(!answer.contains("messages"), "no mailbox was read: {answer}");
    }
    let rebound = tokio::task::spawn_blocking(move || {
        let auth = signed("iam", "us-east-1");
        with_host(
            port,
            &format!("attacker.example:{port}"),
            "POST /",
            &[FORM, ("Authorization", &auth)],
            b"Action=CreateRole&Version=2010-05-08&RoleName=planted&AssumeRolePolicyDocument=%7B%7D",
        )
    })
    .await
    .unwrap();
    assert!(rebound.starts_with("HTTP/1.1 403"), "{rebound}");
    assert!(rebound.contains("<Code>AccessDenied</Code>"), "{rebound}");
    assert!(rebound.contains(&format!("named attacker.example:{port}")), "{rebound}");
    assert!(role_names(&emulator).await.is_empty());

    // The loopback names all pass.
    for host in [format!("localhost:{port}"), format!("[::1]:{port}"), format!("LocalHost:{port}")]
    {
        let secret = secret.clone();
        let answer = tokio::task::spawn_blocking(move || {
            with_host(port, &host, "GET /_awslab/mailbox", &[(CONTROL_TOKEN_HEADER, &secret)], b"")
        })
        .await
        .unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn control_endpoints_need_the_launchs_token() {
    let folder = tempfile::tempdir().unwrap();
    let config = EmulatorConfig { data_dir: Some(folder.path().into()), ..Default::default() };
    let emulator = Emulator::start(config.clone()).await.expect("the emulator starts");
    let port = emulator.port();
    let file = folder.path().join(CONTROL_TOKEN_FILE);
    let written = std::fs::read_to_string(&file).expect("the token file");
    assert_eq!(written.trim(), emulator.control_token());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "readable by the learner alone: {mode:o}");
    }

    let none = send(port, "POST", "/_awslab/reset", &[], b"").await;
    assert_eq!(none.status, 403);
    assert_eq!(none.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(&none.body).unwrap();
    assert_eq!(body["code"], "MissingControlToken");
    assert!(body["message"].as_str().unwrap().contains(CONTROL_TOKEN_FILE), "{body}");
    let wrong =
        send(port, "GET", "/_awslab/mailbox", &[(CONTROL_TOKEN_HEADER, "guess")], b"").await;
    assert_eq!(wrong.status, 403);
    assert!(wrong.body.contains(r#""code":"InvalidControlToken""#), "{}", wrong.body);
    let right = send(port, "GET", "/_awslab/mailbox", &[token(&emulator)], b"").await;
    assert_eq!(right.status, 200, "{}", right.body);
    // Health only says the emulator is up, for scripts waiting on it.
    assert_eq!(send(port, "GET", "/_awslab/health", &[], b"").await.status, 200);

    // A new launch has a new token; the old one no longer works.
    let old = emulator.control_token().to_string();
    emulator.shutdown().await;
    assert!(!file.exists(), "the token file goes with the server");
    let emulator = Emulator::start(config).await.expect("the emulator starts again");
    assert_ne!(emulator.control_token(), old);
    let stale =
        send(emulator.port(), "GET", "/_awslab/mailbox", &[(CONTROL_TOKEN_HEADER, &old)], b"")
            .await;
    assert_eq!(stale.status, 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn control_errors_are_json_whatever_goes_wrong() {
    let emulator = start().await;
    let port = emulator.port();
    let with_token = [token(&emulator)];
    for (method, path) in [
        ("GET", "/_awslab/reset"), // a method the route does not take
        ("POST", "/_awslab/clock/advance?seconds=x"), // a query that does not parse
        ("POST", "/_awslab/nope"), // no such endpoint
        ("POST", "/_awslab/snapshots/..%2F.."), // a bad name
        ("GET", "/_awslab/lambda/code/abc.zip"), // an unsigned code link
    ] {
        let answer = send(port, method, path, &with_token, b"").await;
        assert!(answer.status >= 400, "{method} {path}: {}", answer.status);
        assert_eq!(answer.header("content-type"), Some("application/json"), "{method} {path}");
        let body: serde_json::Value = serde_json::from_str(&answer.body)
            .unwrap_or_else(|_| panic!("{method} {path}: not JSON: {:?}", answer.body));
        assert!(body["code"].is_string() && body["message"].is_string(), "{method} {path}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_request_leaves_the_connection_usable() {
    let emulator = start().await;
    let port = emulator.port();
    let answers = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let body = "x".repeat(10_000);
        let refused = format!(
            "POST /_awslab/reset HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let unknown = format!(
            "POST /nowhere HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let health = format!("GET /_awslab/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        stream.write_all(format!("{refused}{unknown}{health}").as_bytes()).expect("write");
        let mut answers = String::new();
        stream.read_to_string(&mut answers).expect("read");
        answers
    })
    .await
    .unwrap();
    let statuses: Vec<&str> =
        answers.match_indices("HTTP/1.1 ").map(|(at, _)| &answers[at + 9..at + 12]).collect();
    assert_eq!(statuses, ["403", "400", "200"], "{answers}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_over_the_limit_closes_the_connection_and_says_so() {
    let emulator = start().await;
    let port = emulator.port();
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let length = awslab_emulator::BODY_LIMIT + 1;
        let head = format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\n\
             Authorization: {}\r\nContent-Length: {length}\r\n\r\n",
            signed("sts", "us-east-1"),
        );
        stream.write_all(head.as_bytes()).expect("write");
        // The client may send it all: it then reads the refusal, not a reset connection.
        stream.write_all(&vec![b'a'; length]).expect("the body is taken");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("the server answers and closes");
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");
    assert!(answer.contains("<Code>RequestEntityTooLarge</Code>"), "{answer}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_functions_code_link_is_signed_with_the_token() {
    let emulator = start().await;
    let lambda = common::lambda::client(&emulator).await;
    let role = common::lambda::role(&emulator, "linked-role", None).await;
    let source = "def lambda_handler(event, context):\n    return event\n";
    common::lambda::python_function(&lambda, "linked", &role, source).await;
    let function = lambda.get_function().function_name("linked").send().await.expect("GetFunction");
    let location =
        function.code().and_then(|code| code.location()).expect("a location").to_string();
    let path = location.strip_prefix(emulator.endpoint()).expect("on the emulator").to_string();
    assert!(path.contains("?signature="), "{path}");
    let port = emulator.port();
    let zip = send(port, "GET", &path, &[], b"").await;
    assert_eq!(zip.status, 200);
    assert_eq!(zip.header("content-type"), Some("application/zip"));
    let unsigned = path.split_once('?').unwrap().0.to_string();
    assert_eq!(send(port, "GET", &unsigned, &[], b"").await.status, 403);
    let forged = format!("{unsigned}?signature={}", "0".repeat(64));
    assert_eq!(send(port, "GET", &forged, &[], b"").await.status, 403);
}
