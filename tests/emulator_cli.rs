//! `awslab emulator serve` as a user runs it: the ready line, the chosen port, health, and
//! clear errors for bad arguments.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the server; its first two lines (where it listens, and its control token or where
/// that is kept).
fn serve(args: &[&str]) -> (Server, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_awslab"))
        .args(["emulator", "serve"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start awslab emulator serve");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let (mut ready, mut token) = (String::new(), String::new());
    stdout.read_line(&mut ready).expect("the ready line");
    stdout.read_line(&mut token).expect("the token line");
    (Server(child), ready, token)
}

fn get(port: u16, path: &str, headers: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

#[test]
fn serve_prints_one_ready_line_with_the_port_it_picked() {
    let data = tempfile::tempdir().expect("temporary folder");
    let (_server, line, token_line) =
        serve(&["--port", "0", "--data-dir", data.path().to_str().unwrap()]);
    let endpoint = line
        .trim_end()
        .strip_prefix("awslab emulator listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected ready line {line:?}"));
    let port: u16 = endpoint.parse().expect("a port number");
    assert_ne!(port, 0);
    let health = get(port, "/_awslab/health", "");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"status\":\"ok\""), "{health}");

    // The control token is kept in the data folder, for the learner alone, not printed.
    let file = data.path().join("control-token");
    assert_eq!(token_line, format!("control token: in {}\n", file.display()));
    let token = std::fs::read_to_string(&file).expect("the token file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }
    let refused = get(port, "/_awslab/clock", "");
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    let clock = get(port, "/_awslab/clock", &format!("X-Awslab-Token: {}\r\n", token.trim()));
    assert!(clock.starts_with("HTTP/1.1 200"), "{clock}");
}

#[test]
fn in_memory_the_token_is_printed() {
    let (_server, line, token_line) = serve(&["--port", "0", "--in-memory"]);
    let port: u16 = line.trim().rsplit(':').next().unwrap().parse().expect("a port");
    let token = token_line.trim().strip_prefix("control token: ").expect("the token line");
    assert_eq!(token.len(), 64, "{token_line}");
    let mailbox = get(port, "/_awslab/mailbox", &format!("X-Awslab-Token: {token}\r\n"));
    assert!(mailbox.starts_with("HTTP/1.1 200"), "{mailbox}");
}

#[test]
fn a_bad_clock_speed_is_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_awslab"))
        .args(["emulator", "serve", "--in-memory", "--clock-speed", "0"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: --clock-speed must be a number above 0 (1 is real time), not 0\n"
    );
}

#[test]
fn a_taken_port_is_explained() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_awslab"))
        .args(["emulator", "serve", "--in-memory", "--port", &port])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}: ")), "{stderr}");
    assert!(stderr.contains("choose another port with --port"), "{stderr}");
}

#[test]
fn verify_signatures_refuses_a_request_signed_long_ago() {
    let port_of = |line: &str| -> u16 {
        line.trim_end().rsplit(':').next().and_then(|port| port.parse().ok()).expect("a port")
    };
    let old_request = |port: u16| {
        let body = "Action=GetCallerIdentity&Version=2011-06-15";
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(
            stream,
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nX-Amz-Date: 20200101T000000Z\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential=AKIASTUDENT/20200101/us-east-1/sts/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=0000\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read");
        answer
    };

    let (_checking, line, _) = serve(&["--in-memory", "--port", "0", "--verify-signatures"]);
    let answer = old_request(port_of(&line));
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(
        answer.contains("<Message>Signature expired: 20200101T000000Z is now earlier than "),
        "{answer}"
    );

    let (_trusting, line, _) = serve(&["--in-memory", "--port", "0"]);
    let answer = old_request(port_of(&line));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
