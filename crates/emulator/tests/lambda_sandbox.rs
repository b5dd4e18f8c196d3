//! What a handler cannot do, through the SDK with real interpreters: leave processes behind
//! (a plain child, one in a new session, a double-forked daemon) when its invocation times
//! out, its worker exits, its function changes or is deleted, the emulator is reset or goes
//! away; use more memory than `MemorySize`; or write a log event longer than AWS's limit.

mod common;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::operation::RequestId;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, Runtime};
use common::lambda::{self, json};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Starts a plain child, a child in a new session and a double-forked daemon (stdio on
/// /dev/null, as daemons do), each writing its pid into `event["folder"]`; writes a file in
/// its temp folder and returns that folder's path (also written to `event["folder"]/scratch`);
/// then hangs or exits if asked.
const FORKING_PYTHON: &str = r#"import os, tempfile, time


def start(kind, folder):
    pid = os.fork()
    if pid:
        if kind == "daemon":
            os.waitpid(pid, 0)
        return
    try:
        if kind in ("setsid", "daemon"):
            os.setsid()
        if kind == "daemon":
            if os.fork():
                os._exit(0)
            os.chdir("/")
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
        with open(os.path.join(folder, kind), "w") as out:
            out.write(str(os.getpid()))
        time.sleep(600)
    finally:
        os._exit(0)


def lambda_handler(event, context):
    for kind in ("plain", "setsid", "daemon"):
        start(kind, event["folder"])
    scratch = tempfile.gettempdir()
    with open(os.path.join(scratch, "note"), "w") as out:
        out.write("written by the handler")
    with open(os.path.join(event["folder"], "scratch"), "w") as out:
        out.write(scratch)
    if event.get("then") == "hang":
        time.sleep(600)
    if event.get("then") == "exit":
        os._exit(1)
    return scratch
"#;

/// The same in Node.js: a plain child, a detached one (a new session), and a grandchild whose
/// parent exits.
const FORKING_NODE: &str = r#"const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

exports.handler = async (event) => {
  const plain = spawn("sleep", ["600"], { stdio: "ignore" });
  fs.writeFileSync(path.join(event.folder, "plain"), String(plain.pid));
  const detached = spawn("sleep", ["600"], { stdio: "ignore", detached: true });
  detached.unref();
  fs.writeFileSync(path.join(event.folder, "setsid"), String(detached.pid));
  const script = `sleep 600 & echo $! > ${path.join(event.folder, "daemon")}`;
  spawn("sh", ["-c", script], { stdio: "ignore" });
  return os.tmpdir();
};
"#;

const KINDS: [&str; 3] = ["plain", "setsid", "daemon"];

/// A process a handler started, as `/proc` showed it when its pid was read: the start time
/// tells it from a later process given the same pid.
#[derive(Debug)]
struct Started {
    #[allow(dead_code, reason = "read in failure messages")]
    kind: &'static str,
    pid: u32,
    start: String,
}

/// State and start time (field 22) of `/proc/<pid>/stat`.
fn stat(pid: u32) -> Option<(char, String)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, tail) = text.rsplit_once(')')?;
    let fields: Vec<&str> = tail.split_whitespace().collect();
    Some((fields.first()?.chars().next()?, fields.get(19)?.to_string()))
}

impl Started {
    fn alive(&self) -> bool {
        stat(self.pid).is_some_and(|(state, start)| start == self.start && state != 'Z')
    }
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < until, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The three processes of a forking handler, once each has written its pid.
async fn started_in(folder: &Path) -> Vec<Started> {
    let folder = folder.to_path_buf();
    tokio::task::spawn_blocking(move || {
        wait_until("the handler's processes", Duration::from_secs(20), || {
            KINDS.iter().all(|kind| {
                std::fs::read_to_string(folder.join(kind)).is_ok_and(|pid| !pid.trim().is_empty())
            })
        });
        (KINDS.iter())
            .map(|kind| {
                let text = std::fs::read_to_string(folder.join(kind)).expect("a pid file");
                let pid: u32 = text.trim().parse().expect("a pid");
                let (_, start) = stat(pid).expect("the process runs");
                Started { kind, pid, start }
            })
            .collect()
    })
    .await
    .expect("the waiting thread")
}

async fn all_gone(processes: &[Started], limit: Duration) {
    let until = Instant::now() + limit;
    loop {
        let alive: Vec<&Started> = processes.iter().filter(|process| process.alive()).collect();
        if alive.is_empty() {
            return;
        }
        assert!(Instant::now() < until, "still running after {limit:?}: {alive:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn function(client: &Client, name: &str, runtime: Runtime, source: &str, timeout: i32) {
    let (file, handler) = match runtime {
        Runtime::Nodejs20x => ("index.js", "index.handler"),
        _ => ("lambda_function.py", "lambda_function.lambda_handler"),
    };
    let role = format!("arn:aws:iam::{}:role/sandboxed", awslab_emulator::ACCOUNT_ID);
    client
        .create_function()
        .function_name(name)
        .runtime(runtime)
        .role(role)
        .handler(handler)
        .timeout(timeout)
        .code(FunctionCode::builder().zip_file(lambda::zip(&[(file, source)])).build())
        .send()
        .await
        .expect("the function");
}

/// An emulator with a role `sandboxed` Lambda may assume, and a Lambda client.
async fn emulator() -> (awslab_emulator::Emulator, Client) {
    let emulator = lambda::start().await;
    lambda::role(&emulator, "sandboxed", None).await;
    let client = lambda::client(&emulator).await;
    (emulator, client)
}

fn event(folder: &Path, then: &str) -> Blob {
    Blob::new(json!({ "folder": folder, "then": then }).to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timeout_kills_every_process_the_handler_started() {
    let (_emulator, client) = emulator().await;
    function(&client, "forker", Runtime::Python312, FORKING_PYTHON, 2).await;
    let folder = tempfile::tempdir().unwrap();
    let answer = client
        .invoke()
        .function_name("forker")
        .payload(event(folder.path(), "hang"))
        .send()
        .await
        .expect("the invocation");
    assert_eq!(json(answer.payload())["errorType"], "Sandbox.Timedout");
    let processes = started_in(folder.path()).await;
    // The sandbox is killed before the answer is sent: nothing is left to wait for.
    all_gone(&processes, Duration::ZERO).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_that_exits_takes_its_processes_and_temp_folder_with_it() {
    let (_emulator, client) = emulator().await;
    function(&client, "quitter", Runtime::Python312, FORKING_PYTHON, 10).await;
    let folder = tempfile::tempdir().unwrap();
    let answer = client
        .invoke()
        .function_name("quitter")
        .payload(event(folder.path(), "exit"))
        .send()
        .await
        .expect("the invocation");
    let error = json(answer.payload());
    assert_eq!(error["errorType"], "Runtime.ExitError");
    let request_id = answer.request_id().expect("a request id");
    assert_eq!(
        error["errorMessage"],
        format!("RequestId: {request_id} Error: Runtime exited with error: exit status 1")
    );
    all_gone(&started_in(folder.path()).await, Duration::ZERO).await;
    let scratch = std::fs::read_to_string(folder.path().join("scratch")).expect("the temp folder");
    assert!(!Path::new(&scratch).exists(), "{scratch} is still there");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_configuration_change_kills_the_idle_worker_its_processes_and_its_temp_folder() {
    let (_emulator, client) = emulator().await;
    function(&client, "forker", Runtime::Python312, FORKING_PYTHON, 10).await;
    let folder = tempfile::tempdir().unwrap();
    let answer = client
        .invoke()
        .function_name("forker")
        .payload(event(folder.path(), "return"))
        .send()
        .await
        .expect("the invocation");
    assert_eq!(answer.function_error(), None, "{:?}", json(answer.payload()));
    let scratch = PathBuf::from(json(answer.payload()).as_str().expect("the temp folder"));
    assert!(scratch.join("note").is_file(), "{}", scratch.display());
    assert!(scratch.starts_with(std::env::temp_dir()), "{}", scratch.display());
    let processes = started_in(folder.path()).await;
    assert!(processes.iter().all(Started::alive), "a warm worker keeps its processes");

    client
        .update_function_configuration()
        .function_name("forker")
        .timeout(20)
        .send()
        .await
        .expect("the update");
    all_gone(&processes, Duration::ZERO).await;
    assert!(!scratch.exists(), "{} is still there", scratch.display());
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_node_function_kills_its_detached_children() {
    let (_emulator, client) = emulator().await;
    function(&client, "spawner", Runtime::Nodejs20x, FORKING_NODE, 10).await;
    let folder = tempfile::tempdir().unwrap();
    let answer = client
        .invoke()
        .function_name("spawner")
        .payload(event(folder.path(), "return"))
        .send()
        .await
        .expect("the invocation");
    assert_eq!(answer.function_error(), None, "{:?}", json(answer.payload()));
    let scratch = PathBuf::from(json(answer.payload()).as_str().expect("the temp folder"));
    let processes = started_in(folder.path()).await;
    assert!(processes.iter().all(Started::alive));

    client.delete_function().function_name("spawner").send().await.expect("the delete");
    all_gone(&processes, Duration::ZERO).await;
    assert!(!scratch.exists(), "{} is still there", scratch.display());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_kills_a_busy_worker_and_everything_it_started() {
    let (emulator, client) = emulator().await;
    function(&client, "forker", Runtime::Python312, FORKING_PYTHON, 60).await;
    let folder = tempfile::tempdir().unwrap();
    let invoking = tokio::spawn({
        let client = client.clone();
        let payload = event(folder.path(), "hang");
        async move { client.invoke().function_name("forker").payload(payload).send().await }
    });
    let processes = started_in(folder.path()).await;
    assert!(processes.iter().all(Started::alive));

    let reset =
        common::send(emulator.port(), "POST", "/_awslab/reset", &[common::token(&emulator)], b"")
            .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    all_gone(&processes, Duration::ZERO).await;
    let answer = tokio::time::timeout(Duration::from_secs(20), invoking)
        .await
        .expect("the invocation ends with the reset")
        .expect("the invoking task")
        .expect("an answer");
    let error = json(answer.payload());
    assert_eq!(error["errorType"], "Runtime.ExitError");
    assert!(
        error["errorMessage"]
            .as_str()
            .unwrap()
            .ends_with("Runtime exited with error: signal: killed"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dropping_the_emulator_kills_every_worker_and_what_it_started() {
    let (emulator, client) = emulator().await;
    function(&client, "forker", Runtime::Python312, FORKING_PYTHON, 10).await;
    let folder = tempfile::tempdir().unwrap();
    let answer = client
        .invoke()
        .function_name("forker")
        .payload(event(folder.path(), "return"))
        .send()
        .await
        .expect("the invocation");
    let scratch = PathBuf::from(json(answer.payload()).as_str().expect("the temp folder"));
    let processes = started_in(folder.path()).await;
    assert!(processes.iter().all(Started::alive));

    drop(emulator);
    all_gone(&processes, Duration::ZERO).await;
    assert!(!scratch.exists(), "{} is still there", scratch.display());
}

/// The log events of a function's one stream, from the head.
async fn log_of(emulator: &awslab_emulator::Emulator, function: &str) -> Vec<String> {
    let logs = common::logs::client(emulator).await;
    let group = format!("/aws/lambda/{function}");
    let streams = logs.describe_log_streams().log_group_name(&group).send().await.expect("streams");
    let stream = streams.log_streams()[0].log_stream_name().expect("a stream name").to_string();
    common::logs::messages(&logs, &group, &stream).await
}

/// `Max Memory Used` of the log's `REPORT` line, in MB.
fn max_memory_used(log: &[String]) -> u64 {
    let report = log.iter().find(|line| line.starts_with("REPORT ")).expect("a REPORT line");
    (report.split("\tMax Memory Used: ").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|mb| mb.parse().ok())
        .unwrap_or_else(|| panic!("no Max Memory Used in {report}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_function_over_its_memory_size_fails_as_aws_reports_an_out_of_memory_kill() {
    let (emulator, client) = emulator().await;
    // 1 GB, touched: bytes of "a", not zeros the system could leave unmapped.
    let source =
        "def lambda_handler(event, context):\n    data = b'a' * (1 << 30)\n    return len(data)\n";
    function(&client, "hungry", Runtime::Python312, source, 30).await;
    let answer = client.invoke().function_name("hungry").send().await.expect("the invocation");
    let request_id = answer.request_id().expect("a request id").to_string();
    assert_eq!(answer.function_error(), Some("Unhandled"));
    assert_eq!(
        json(answer.payload()),
        json!({
            "errorType": "Runtime.ExitError",
            "errorMessage": format!("RequestId: {request_id} Error: Runtime exited with error: signal: killed"),
        })
    );
    let log = log_of(&emulator, "hungry").await;
    let error_line = format!(
        "RequestId: {request_id} Error: Runtime exited with error: signal: killed\nRuntime.ExitError"
    );
    assert!(log.contains(&error_line), "{log:?}");
    let report = log.iter().find(|line| line.starts_with("REPORT ")).expect("a REPORT line");
    assert!(
        report.contains("\tMemory Size: 128 MB\tMax Memory Used: 128 MB\t"),
        "the peak is capped at the limit: {report}"
    );
    assert!(report.ends_with("\tStatus: error\tError Type: Runtime.ExitError"), "{report}");
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_is_counted_over_the_whole_sandbox_and_a_small_function_fits() {
    let (emulator, client) = emulator().await;
    // boto3 and a client, as the labs' handlers have them, within 128 MB.
    let small = "import boto3\n\nclient = boto3.client('dynamodb')\n\ndef lambda_handler(event, context):\n    return 'fits'\n";
    function(&client, "small", Runtime::Python312, small, 30).await;
    let answer = client.invoke().function_name("small").send().await.expect("the invocation");
    assert_eq!(json(answer.payload()), json!("fits"));
    let used = max_memory_used(&log_of(&emulator, "small").await);
    eprintln!("a Python worker with boto3 and a client: {used} MB");
    assert!((20..128).contains(&used), "a Python with boto3 measured at {used} MB");
    let node = "exports.handler = async () => 'fits';\n";
    function(&client, "small-node", Runtime::Nodejs20x, node, 30).await;
    let answer = client.invoke().function_name("small-node").send().await.expect("invoked");
    assert_eq!(json(answer.payload()), json!("fits"));
    let used = max_memory_used(&log_of(&emulator, "small-node").await);
    eprintln!("a Node.js worker: {used} MB");
    assert!((20..128).contains(&used), "a Node.js worker measured at {used} MB");

    // The handler stays small; a child it runs does not.
    let parent = "import subprocess, sys\n\ndef lambda_handler(event, context):\n    subprocess.run([sys.executable, '-c', \"import time\\nx = b'a' * (1 << 30)\\ntime.sleep(60)\"])\n    return 'survived'\n";
    function(&client, "parent", Runtime::Python312, parent, 30).await;
    let answer = client.invoke().function_name("parent").send().await.expect("the invocation");
    assert_eq!(
        json(answer.payload())["errorType"],
        "Runtime.ExitError",
        "{:?}",
        json(answer.payload())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_five_megabyte_line_is_split_into_events_within_the_limit() {
    let (emulator, client) = emulator().await;
    // Five MiB of one-, two- and three-byte characters: cuts fall inside characters.
    let source = "import sys\n\ndef lambda_handler(event, context):\n    line = ('a\u{e9}\u{ac00}' * 900000)[: 5 * 1024 * 1024 // 2]\n    sys.stdout.write(line + '\\n')\n    return len(line.encode())\n";
    function(&client, "chatty", Runtime::Python312, source, 30).await;
    let answer = client.invoke().function_name("chatty").send().await.expect("the invocation");
    let size = json(answer.payload()).as_u64().expect("the line's size") as usize;
    assert!(size > 5_000_000, "{size}");
    let log = log_of(&emulator, "chatty").await;
    let start = log.iter().position(|line| line.starts_with("START ")).expect("START");
    let end = log.iter().position(|line| line.starts_with("END ")).expect("END");
    let events = &log[start + 1..end];
    assert!(events.len() >= size / 262_118, "{} events", events.len());
    for event in events {
        assert!(event.len() <= 262_118, "an event of {} bytes", event.len());
    }
    let line: String =
        "a\u{e9}\u{ac00}".repeat(900_000).chars().take(5 * 1024 * 1024 / 2).collect();
    assert_eq!(events.concat(), line, "the events put together are the line");
}
