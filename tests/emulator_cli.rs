//! `awslab emulator serve` as a user runs it: the ready line, the chosen port, health, and
//! clear errors for bad arguments.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Server(Child);

impl Drop for Server {
    /// Asks the emulator to stop (SIGTERM), so that it removes its temp folders, and kills it
    /// if it has not stopped after a few seconds.
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
            let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
            while matches!(self.0.try_wait(), Ok(None)) && std::time::Instant::now() < until {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
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

/// A handler that starts a child in a new session and a double-forked daemon, writes their pids
/// into `event["folder"]`, and returns.
const FORKING_HANDLER: &str = r#"import os, time


def start(name, folder, double):
    if os.fork():
        return
    try:
        os.setsid()
        if double and os.fork():
            os._exit(0)
        with open(os.path.join(folder, name), "w") as out:
            out.write(str(os.getpid()))
        time.sleep(600)
    finally:
        os._exit(0)


def lambda_handler(event, context):
    start("child", event["folder"], False)
    start("daemon", event["folder"], True)
    return "started"
"#;

/// `awslab emulator serve --in-memory` with its temp folders in `tmp`.
fn serve_in(tmp: &std::path::Path) -> (Server, u16) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_awslab"));
    command
        // About the sandbox, not AWS's time: the function is invoked as soon as it is made.
        .args(["emulator", "serve", "--in-memory", "--port", "0", "--timing", "instant"])
        .env("TMPDIR", tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if std::env::var_os("AWSLAB_PYTHON").is_none() {
        let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/.venv/bin/python");
        if std::path::Path::new(venv).exists() {
            command.env("AWSLAB_PYTHON", venv);
        }
    }
    let mut child = command.spawn().expect("start awslab emulator serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("ready");
    let port = line.trim_end().rsplit(':').next().and_then(|port| port.parse().ok());
    (Server(child), port.unwrap_or_else(|| panic!("unexpected ready line {line:?}")))
}

/// Creates the forking function on the emulator at `port`, invokes it, and returns the pids of
/// the processes it left running (read from `folder`).
fn run_forking_handler(port: u16, folder: &std::path::Path) -> Vec<Process> {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(format!("http://127.0.0.1:{port}"))
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_lambda::config::Credentials::new(
                "AKIASTUDENTEXAMPLE",
                "secret",
                None,
                None,
                "test",
            ))
            .load()
            .await;
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let role = aws_sdk_iam::Client::new(&config)
            .create_role()
            .role_name("forker")
            .assume_role_policy_document(trust)
            .send()
            .await
            .expect("the role");
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file("lambda_function.py", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(FORKING_HANDLER.as_bytes()).unwrap();
        let zip = zip.finish().unwrap().into_inner();
        let lambda = aws_sdk_lambda::Client::new(&config);
        lambda
            .create_function()
            .function_name("forker")
            .runtime(aws_sdk_lambda::types::Runtime::Python312)
            .role(role.role().expect("a role").arn())
            .handler("lambda_function.lambda_handler")
            .code(
                aws_sdk_lambda::types::FunctionCode::builder()
                    .zip_file(aws_sdk_lambda::primitives::Blob::new(zip))
                    .build(),
            )
            .send()
            .await
            .expect("the function");
        let payload = format!(r#"{{"folder":{:?}}}"#, folder.display().to_string());
        let answer = lambda
            .invoke()
            .function_name("forker")
            .payload(aws_sdk_lambda::primitives::Blob::new(payload))
            .send()
            .await
            .expect("the invocation");
        let payload = String::from_utf8_lossy(answer.payload().expect("a payload").as_ref());
        assert_eq!(payload, r#""started""#);
    });
    let read = |name: &str| -> Option<u32> {
        std::fs::read_to_string(folder.join(name)).ok()?.trim().parse().ok()
    };
    wait_for("the handler's processes", || read("child").is_some() && read("daemon").is_some());
    ["child", "daemon"]
        .iter()
        .filter_map(|name| read(name))
        .map(|pid| Process { pid, start: stat_field(pid, 19) })
        .collect()
}

/// A process, by its pid and its start time (so that a pid given to another process later,
/// as a busy machine soon does, is not taken for it).
#[derive(Debug)]
struct Process {
    pid: u32,
    start: Option<String>,
}

impl std::fmt::Display for Process {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.pid)
    }
}

/// Field `index` of `/proc/PID/stat` after the command name (0 is the state, 19 the start
/// time).
fn stat_field(pid: u32, index: usize) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, tail) = stat.rsplit_once(')')?;
    tail.split_whitespace().nth(index).map(str::to_string)
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !done() {
        assert!(std::time::Instant::now() < until, "waited 20 s for {what}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Whether a process still runs (a zombie has ended).
fn running(process: &Process) -> bool {
    process.start.is_some()
        && stat_field(process.pid, 19) == process.start
        && stat_field(process.pid, 0).is_some_and(|state| state != "Z")
}

fn entries(folder: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = (std::fs::read_dir(folder).expect("the folder").flatten())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn signal(server: &Server, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &server.0.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

#[test]
fn sigterm_leaves_no_temp_folder_and_no_handler_process() {
    let tmp = tempfile::tempdir().expect("a private temp folder");
    let pids_folder = tempfile::tempdir().expect("a folder for pids");
    let (mut server, port) = serve_in(tmp.path());
    let pids = run_forking_handler(port, pids_folder.path());
    assert!(pids.iter().all(running), "the handler's processes run");
    let folders = entries(tmp.path());
    assert!(
        folders.iter().any(|name| name.starts_with("awslab-lambda-runtime-")),
        "the emulator's temp folders are in the private TMPDIR: {folders:?}"
    );

    signal(&server, "TERM");
    wait_for("the emulator to stop", || server.0.try_wait().ok().flatten().is_some());
    let status = server.0.wait().expect("the exit status");
    assert!(status.success(), "{status}");
    for pid in &pids {
        assert!(!running(pid), "{pid} outlived the emulator");
    }
    assert_eq!(entries(tmp.path()), Vec::<String>::new(), "temp folders left behind");
}

#[test]
fn what_a_killed_emulator_left_is_cleaned_up_by_the_next_one() {
    let tmp = tempfile::tempdir().expect("a private temp folder");
    let pids_folder = tempfile::tempdir().expect("a folder for pids");
    let (mut killed, port) = serve_in(tmp.path());
    let pids = run_forking_handler(port, pids_folder.path());
    signal(&killed, "KILL");
    killed.0.wait().expect("the killed emulator");
    assert!(
        pids.iter().all(running),
        "SIGKILL leaves no chance to clean up: the handler's sessions outlive it"
    );
    assert!(!entries(tmp.path()).is_empty(), "and its temp folders stay");

    let (_next, _) = serve_in(tmp.path());
    for pid in &pids {
        assert!(!running(pid), "{pid} survived the next emulator's start");
    }
    let left = entries(tmp.path());
    let own = format!("-{}-", _next.0.id());
    assert!(left.iter().all(|name| name.contains(&own)), "leftovers: {left:?}");
}

#[test]
fn a_damaged_state_file_is_set_aside_and_serve_says_so_before_it_is_ready() {
    let data = tempfile::tempdir().expect("temporary folder");
    let file = data.path().join("state.sqlite3");
    let notes = b"the learner's notes, saved over the wrong file\n".repeat(100);
    std::fs::write(&file, &notes).expect("write");

    let (mut server, line, _) =
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
