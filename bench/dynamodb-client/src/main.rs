//! The benchmark's Rust client: the official `aws-sdk-dynamodb`, the SDK the app itself uses,
//! timing calls against one DynamoDB endpoint that `bench/emulator_vs_moto.py` runs (awslab's
//! emulator, `moto_server`, or the dummy floor server). It has two modes:
//!
//! - `first-call --endpoint URL`: builds the client and warms it up against the endpoint while
//!   nothing listens there, prints `ready`, and waits for a line on standard input, which the
//!   orchestrator writes just before it spawns the server. Then it calls ListTables every
//!   millisecond until one succeeds, and prints `{"answered_at_ns", "attempts",
//!   "successful_call_ns"}`: the CLOCK_MONOTONIC instant of the answer (the orchestrator takes
//!   away the instant of the spawn, read on the same clock), the number of attempts, and the
//!   successful attempt's own time.
//! - `latency --endpoint URL --calls N --prefix P [--create-table] [--verify]`: CreateTable
//!   `customers` if asked, one untimed PutItem and GetItem, then N PutItem calls of distinct
//!   customer items and N GetItem calls of the same keys, each timed alone; prints
//!   `{"PutItem": [ns, …], "GetItem": [ns, …]}`. With `--verify`, every GetItem must have
//!   returned the item put (the dummy server answers one fixed item, so not against it).
//!
//! Not here: percentiles and reporting. The orchestrator computes them the same way for every
//! client, from the per-call durations printed here. The workload is `customer()` of
//! `emulator_vs_moto.py`, rewritten in Rust attribute for attribute.

use anyhow::{Context, Result, bail};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::Credentials;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType, TableStatus,
};
use clap::{Parser, Subcommand};
use serde_json::json;
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

/// Its own region, so that CreateTable makes a fresh `customers` table on servers that keep
/// state by region (awslab and moto do), beside the one the Python clients fill in theirs.
const REGION: &str = "us-east-1";
const ACCESS_KEY: &str = "AKIASTUDENTEXAMPLE";
const SECRET_KEY: &str = "student-secret";
const TABLE: &str = "customers";
/// The same limits as the Python clients' (`emulator_vs_moto.py`).
const CONNECT_TIMEOUT: Duration = Duration::from_millis(100);
const READ_TIMEOUT: Duration = Duration::from_secs(30);
const START_DEADLINE: Duration = Duration::from_secs(60);
const PROBE_PAUSE: Duration = Duration::from_millis(1);

type Item = HashMap<String, AttributeValue>;

#[derive(Parser)]
#[command(about = "Times DynamoDB calls through aws-sdk-dynamodb (awslab's benchmark)")]
struct Cli {
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Subcommand)]
enum Mode {
    /// From a line on standard input, call ListTables until one succeeds; print when.
    FirstCall {
        #[arg(long)]
        endpoint: String,
    },
    /// Time PutItem and GetItem calls of customer items, one by one.
    Latency {
        #[arg(long)]
        endpoint: String,
        #[arg(long, default_value_t = 2000)]
        calls: usize,
        /// Keys are PREFIX00000, PREFIX00001, …
        #[arg(long, default_value = "c-")]
        prefix: String,
        /// Create the `customers` table first and wait for it to be ACTIVE.
        #[arg(long)]
        create_table: bool,
        /// Check that every GetItem returned the item put.
        #[arg(long)]
        verify: bool,
    },
}

// One thread both sends the calls and drives the connection, as in the blocking Python clients:
// a multi-threaded runtime may run the connection's task on another worker and add a thread
// wake-up to every call, which is the client's cost, not the server's.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let result = match Cli::parse().mode {
        Mode::FirstCall { endpoint } => first_call(&client_for(&endpoint).await).await?,
        Mode::Latency { endpoint, calls, prefix, create_table, verify } => {
            let client = client_for(&endpoint).await;
            if create_table {
                create_customers_table(&client).await?;
            }
            latency(&client, calls, &prefix, verify).await?
        }
    };
    println!("{result}");
    Ok(())
}

/// One client for the whole run: fixed test keys, no retries (a failed call fails), and the
/// Python clients' timeouts. Region, keys, endpoint, retries and timeouts are set here, so the
/// user's AWS files and variables cannot change them (the orchestrator hides those too).
async fn client_for(endpoint: &str) -> Client {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "bench"))
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .read_timeout(READ_TIMEOUT)
                .build(),
        )
        .load()
        .await;
    Client::new(&config)
}

fn nanos(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX)
}

/// Now on CLOCK_MONOTONIC, in nanoseconds: the clock the orchestrator notes the spawn on.
/// (`Instant` reads the same clock on Linux but does not tell its value.)
fn monotonic_ns() -> u64 {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable timespec, and CLOCK_MONOTONIC always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    u64::try_from(now.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(now.tv_nsec).unwrap_or(0)
}

async fn first_call(client: &Client) -> Result<serde_json::Value> {
    // Nothing listens yet, so this fails; the SDK's one-time work for the operation (endpoint
    // resolution, identity cache, signer) is nonetheless done before the clock starts.
    let _refused = client.list_tables().send().await;
    println!("ready");
    std::io::stdout().flush().context("writing the ready line")?;
    // Blocking the runtime's one thread is harmless here: nothing else is running on it.
    let mut go = String::new();
    if std::io::stdin().lock().read_line(&mut go).context("reading the go line")? == 0 {
        bail!("standard input closed before the go line");
    }
    let started = Instant::now();
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let attempt = Instant::now();
        match client.list_tables().send().await {
            Ok(_) => {
                return Ok(json!({
                    "answered_at_ns": monotonic_ns(),
                    "attempts": attempts,
                    "successful_call_ns": nanos(attempt.elapsed()),
                }));
            }
            Err(error) if started.elapsed() > START_DEADLINE => {
                return Err(error)
                    .context(format!("no successful ListTables within {START_DEADLINE:?}"));
            }
            // Refused, reset, timed out, or an error answer: try again. A blocking sleep, since
            // tokio's timer rounds a 1 ms sleep up to the next tick, 1-2 ms.
            Err(_) => std::thread::sleep(PROBE_PAUSE),
        }
    }
}

async fn create_customers_table(client: &Client) -> Result<()> {
    client
        .create_table()
        .table_name(TABLE)
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("customer_id")
                .key_type(KeyType::Hash)
                .build()?,
        )
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("customer_id")
                .attribute_type(ScalarAttributeType::S)
                .build()?,
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .context("CreateTable customers")?;
    for _ in 0..200 {
        let described = client
            .describe_table()
            .table_name(TABLE)
            .send()
            .await
            .context("DescribeTable customers")?;
        if described.table().and_then(|table| table.table_status()) == Some(&TableStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("table {TABLE} did not become ACTIVE within 10 s")
}

async fn latency(
    client: &Client,
    calls: usize,
    prefix: &str,
    verify: bool,
) -> Result<serde_json::Value> {
    // Untimed: the SDK's first call of each operation does one-time work.
    let warm_up = customer("warm-up-", 0);
    client
        .put_item()
        .table_name(TABLE)
        .set_item(Some(warm_up.clone()))
        .send()
        .await
        .context("warm-up PutItem")?;
    client
        .get_item()
        .table_name(TABLE)
        .set_key(Some(key_of(&warm_up)))
        .send()
        .await
        .context("warm-up GetItem")?;

    // The requests are built before any clock starts, as the Python clients' arguments are: a
    // call's time is its `send()`, the SDK's serializing, signing, round trip and parsing.
    let items: Vec<Item> = (0..calls).map(|number| customer(prefix, number)).collect();
    let puts: Vec<_> = items
        .iter()
        .map(|item| client.put_item().table_name(TABLE).set_item(Some(item.clone())))
        .collect();
    let gets: Vec<_> = items
        .iter()
        .map(|item| client.get_item().table_name(TABLE).set_key(Some(key_of(item))))
        .collect();

    let mut put_ns = Vec::with_capacity(calls);
    for (number, put) in puts.into_iter().enumerate() {
        let started = Instant::now();
        let answer = put.send().await;
        put_ns.push(nanos(started.elapsed()));
        answer.with_context(|| format!("PutItem {prefix}{number:05}"))?;
    }
    let mut get_ns = Vec::with_capacity(calls);
    let mut answers = Vec::with_capacity(calls);
    for (number, get) in gets.into_iter().enumerate() {
        let started = Instant::now();
        let answer = get.send().await;
        get_ns.push(nanos(started.elapsed()));
        answers.push(answer.with_context(|| format!("GetItem {prefix}{number:05}"))?.item);
    }

    if verify {
        let wrong = items
            .iter()
            .zip(&answers)
            .filter(|(item, answer)| answer.as_ref().map(comparable) != Some(comparable(item)))
            .count();
        if wrong > 0 {
            bail!("{wrong} of {calls} GetItem calls did not return the item put");
        }
    }
    Ok(json!({ "PutItem": put_ns, "GetItem": get_ns }))
}

// ---------------------------------------------------------------------------------------------
// The workload: customers as the serverless-api lab stores them, as in `emulator_vs_moto.py`.

const FAMILY: [&str; 10] = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
const GIVEN: [&str; 10] =
    ["민준", "서연", "도윤", "지우", "하준", "서윤", "시우", "하은", "주원", "지민"];
const CITIES: [&str; 8] =
    ["Seoul", "Busan", "Incheon", "Daegu", "Daejeon", "Gwangju", "Suwon", "Ulsan"];

/// A distinct item of the size a learner's addCustomer function writes (about 300 bytes).
fn customer(prefix: &str, number: usize) -> Item {
    let text = |value: String| AttributeValue::S(value);
    HashMap::from([
        ("customer_id".into(), text(format!("{prefix}{number:05}"))),
        ("name".into(), text(format!("{}{}", FAMILY[number % 10], GIVEN[(number / 10) % 10]))),
        ("email".into(), text(format!("customer{number:05}@example.com"))),
        (
            "phone".into(),
            text(format!("010-{:04}-{:04}", 1000 + number % 9000, (number * 7919) % 10000)),
        ),
        ("city".into(), text(CITIES[number % CITIES.len()].into())),
        ("age".into(), AttributeValue::N((20 + number % 50).to_string())),
        ("vip".into(), AttributeValue::Bool(number.is_multiple_of(7))),
        ("tags".into(), AttributeValue::Ss(vec!["lab".into(), format!("cohort-{}", number % 4)])),
        (
            "created_at".into(),
            text(format!("2025-03-{:02}T09:{:02}:00Z", 1 + number % 28, number % 60)),
        ),
    ])
}

fn key_of(item: &Item) -> Item {
    let id = item.get_key_value("customer_id");
    id.map(|(name, value)| (name.clone(), value.clone())).into_iter().collect()
}

/// An item with its string sets sorted: a server may hand a set back in any order.
fn comparable(item: &Item) -> Item {
    let sorted = |value: &AttributeValue| match value {
        AttributeValue::Ss(set) => {
            let mut set = set.clone();
            set.sort();
            AttributeValue::Ss(set)
        }
        other => other.clone(),
    };
    item.iter().map(|(name, value)| (name.clone(), sorted(value))).collect()
}
