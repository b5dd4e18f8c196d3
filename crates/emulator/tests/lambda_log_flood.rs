//! A handler that floods its output (five invocations printing 50 MB each) costs the emulator
//! a bounded amount: its memory comes back to near where it was, and the log keeps at most
//! 6 MiB per invocation, with a line saying how much was not kept.
//!
//! Alone in its test binary: it measures the resident memory of the process, which other tests
//! running beside it would disturb.

mod common;

use aws_sdk_lambda::primitives::Blob;
use awslab_emulator::EmulatorConfig;
use common::lambda::{self, json, python_function};

/// Prints `event["megabytes"]` lines of 1 MiB each.
const FLOOD: &str = "import sys\n\ndef lambda_handler(event, context):\n    line = 'x' * (1 << 20) + '\\n'\n    for _ in range(event['megabytes']):\n        sys.stdout.write(line)\n    return event['megabytes']\n";

/// What an invocation may keep of its output (`runtime::output::KEPT_LIMIT`).
const KEPT: u64 = 6 * 1024 * 1024;

/// How far above its baseline the process may end, in bytes.
const MARGIN: u64 = 24 * 1024 * 1024;

fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .expect("VmRSS");
    kib * 1024
}

fn size_of_files_starting(folder: &std::path::Path, prefix: &str) -> u64 {
    (std::fs::read_dir(folder).expect("the data folder").flatten())
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(prefix))
        .map(|entry| entry.metadata().map_or(0, |metadata| metadata.len()))
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_output_leaves_memory_near_its_baseline_and_the_log_bounded() {
    let data = tempfile::tempdir().expect("a data folder");
    let emulator = lambda::start_with(EmulatorConfig {
        data_dir: Some(data.path().to_path_buf()),
        interpreters: lambda::interpreters(),
        ..EmulatorConfig::default()
    })
    .await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    python_function(&client, "flood", &role, FLOOD).await;
    // Printing 50 MB takes a second or two on a busy machine: the default 3 s would make this
    // a test of the machine's load, not of what the emulator keeps.
    (client.update_function_configuration().function_name("flood").timeout(120).send().await)
        .expect("a longer timeout");
    let invoke = |megabytes: u64| {
        let client = client.clone();
        async move {
            let answer = client
                .invoke()
                .function_name("flood")
                .payload(Blob::new(format!(r#"{{"megabytes":{megabytes}}}"#)))
                .send()
                .await
                .expect("the invocation");
            assert_eq!(json(answer.payload()), megabytes, "{:?}", json(answer.payload()));
        }
    };
    // Warm: the worker, the clients, the log database, and the path of output not kept.
    invoke(8).await;
    let baseline = resident_bytes();
    let logs_before = size_of_files_starting(data.path(), "logs.sqlite3");

    for _ in 0..5 {
        invoke(50).await;
    }
    let after = resident_bytes();
    let logs_after = size_of_files_starting(data.path(), "logs.sqlite3");
    eprintln!(
        "resident memory {} MB before, {} MB after five floods of 50 MB; logs {} MB → {} MB",
        baseline >> 20,
        after >> 20,
        logs_before >> 20,
        logs_after >> 20
    );
    assert!(
        after <= baseline + MARGIN,
        "resident memory grew from {baseline} to {after} bytes, more than {MARGIN}"
    );
    // Five invocations' kept output, plus room for the database's own pages.
    assert!(
        logs_after - logs_before <= 5 * KEPT * 3 / 2,
        "the log database grew by {} bytes",
        logs_after - logs_before
    );

    let logs = common::logs::client(&emulator).await;
    let notes = logs
        .filter_log_events()
        .log_group_name("/aws/lambda/flood")
        .filter_pattern("\"were not kept\"")
        .send()
        .await
        .expect("the notes");
    let notes: Vec<&str> = notes.events().iter().filter_map(|event| event.message()).collect();
    assert_eq!(notes.len(), 6, "one per invocation: {notes:?}");
    let flood_note = format!(
        "[awslab] {} more bytes of output (44 lines) were not kept: the offline emulator keeps \
         the first {KEPT} bytes of what an invocation prints.",
        50 * (1 << 20) - KEPT
    );
    assert_eq!(notes[5], flood_note);
}
