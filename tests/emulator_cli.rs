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

fn serve(args: &[&str]) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_awslab"))
        .args(["emulator", "serve"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start awslab emulator serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("the ready line");
    (Server(child), line)
}

fn get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

#[test]
fn serve_prints_one_ready_line_with_the_port_it_picked() {
    let data = tempfile::tempdir().expect("temporary folder");
    let (_server, line) = serve(&["--port", "0", "--data-dir", data.path().to_str().unwrap()]);
    let endpoint = line
        .trim_end()
        .strip_prefix("awslab emulator listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected ready line {line:?}"));
    let port: u16 = endpoint.parse().expect("a port number");
    assert_ne!(port, 0);
    let health = get(port, "/_awslab/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"status\":\"ok\""), "{health}");
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

    let (_checking, line) = serve(&["--in-memory", "--port", "0", "--verify-signatures"]);
    let answer = old_request(port_of(&line));
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(
        answer.contains("<Message>Signature expired: 20200101T000000Z is now earlier than "),
        "{answer}"
    );

    let (_trusting, line) = serve(&["--in-memory", "--port", "0"]);
    let answer = old_request(port_of(&line));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn a_damaged_state_file_is_set_aside_and_serve_says_so_before_it_is_ready() {
    let data = tempfile::tempdir().expect("temporary folder");
    let file = data.path().join("state.sqlite3");
    let notes = b"the learner's notes, saved over the wrong file\n".repeat(100);
    std::fs::write(&file, &notes).expect("write");

    let (mut server, line) =
        serve(&["--port", "0", "--data-dir", data.path().to_str().expect("a UTF-8 path")]);

    assert!(line.starts_with("awslab emulator listening on http://127.0.0.1:"), "{line}");
    // Read on a thread: without a notice, the running server would keep the read waiting.
    let stderr = server.0.stderr.take().expect("stderr");
    let (sender, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stderr).read_line(&mut line);
        let _ = sender.send(line);
    });
    let notice = received
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("a notice on stderr, printed before the ready line");
    let file = file.display();
    let start = format!(
        "warning: {file} is damaged (it is not a SQLite database), so it was moved to \
         {file}.damaged-"
    );
    assert!(notice.starts_with(&start), "{notice}");
    assert!(
        notice.ends_with(
            " and the emulator started without the IAM roles and policies, Lambda functions, \
             API Gateway APIs, EC2 instances, CloudWatch alarms and SNS topics saved in it.\n"
        ),
        "{notice}"
    );
    let moved: Vec<_> = std::fs::read_dir(data.path())
        .expect("list the folder")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().contains("state.sqlite3.damaged-"))
        .collect();
    let [moved] = moved.as_slice() else { panic!("one file set aside: {moved:?}") };
    assert!(notice.contains(&format!(" moved to {} and ", moved.display())), "{notice}");
    assert_eq!(std::fs::read(moved).expect("the file set aside"), notes);
}

#[test]
fn state_that_cannot_be_used_is_refused_in_one_sentence() {
    let data = tempfile::tempdir().expect("temporary folder");
    let file = data.path().join("state.sqlite3");
    std::fs::create_dir(&file).expect("a folder where the file should be");
    let output = Command::new(env!("CARGO_BIN_EXE_awslab"))
        .args(["emulator", "serve", "--port", "0", "--data-dir"])
        .arg(data.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "error: the emulator cannot use {}: it is not a file; move it away, then start the \
             emulator again\n",
            file.display()
        )
    );
}
