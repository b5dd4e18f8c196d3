//! Nothing the emulator acknowledged is lost when its process is killed: `awslab emulator serve`
//! with a data folder is sent writes through the official SDK clients while it is killed with
//! SIGKILL (no chance to flush or clean up), and the next emulator on the same folder holds every
//! write that was answered with success.
//!
//! This is the durability the emulator promises (docs/emulator.md, "State on disk"): a write is
//! in the operating system's hands before it is acknowledged, so killing the process cannot lose
//! it; losing power or the kernel can lose the last moments (SQLite's `synchronous=NORMAL` in WAL
//! mode), which a learning emulator can afford.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

const TABLE: &str = "orders";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `awslab emulator serve` on a free port over `data`, with AWS's timing left out so the
/// table is ready at once; returns it with its port.
fn serve(data: &std::path::Path) -> (Server, u16) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_awslab"))
        .args(["emulator", "serve", "--port", "0", "--timing", "instant", "--data-dir"])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start awslab emulator serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("ready");
    let port = line.trim_end().rsplit(':').next().and_then(|port| port.parse().ok());
    (Server(child), port.unwrap_or_else(|| panic!("unexpected ready line {line:?}")))
}

async fn config(port: u16) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .region(aws_config::Region::new("ap-northeast-2"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "AKIASTUDENTEXAMPLE",
            "secret",
            None,
            None,
            "test",
        ))
        // A write the dying server never answered must fail, not be sent again to nobody.
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await
}

fn key(n: u64) -> String {
    format!("order-{n:05}")
}

#[test]
fn every_acknowledged_write_survives_sigkill() {
    let data = tempfile::tempdir().expect("a data folder");
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (mut server, port) = serve(data.path());
    let acknowledged = Arc::new(AtomicU64::new(0));
    let writer = {
        let acknowledged = Arc::clone(&acknowledged);
        runtime.spawn(async move {
            let config = config(port).await;
            let iam = aws_sdk_iam::Client::new(&config);
            iam.create_role()
                .role_name("order-writer")
                .assume_role_policy_document(
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
                )
                .send()
                .await
                .expect("the role");
            let dynamodb = aws_sdk_dynamodb::Client::new(&config);
            create_table(&dynamodb).await;
            // Sequential writes, as fast as the server answers, until the server is gone.
            for n in 1.. {
                let put = dynamodb
                    .put_item()
                    .table_name(TABLE)
                    .item("order_id", AttributeValue::S(key(n)))
                    .item("amount", AttributeValue::N(n.to_string()))
                    .send()
                    .await;
                if put.is_err() {
                    return;
                }
                acknowledged.store(n, Ordering::SeqCst);
            }
        })
    };
    // Killed in the middle of the stream of writes, some hundreds in.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while acknowledged.load(Ordering::SeqCst) < 300 {
        assert!(std::time::Instant::now() < deadline, "the writes did not start");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    server.0.kill().expect("SIGKILL");
    server.0.wait().expect("the killed emulator");
    runtime.block_on(writer).expect("the writer");
    let last = acknowledged.load(Ordering::SeqCst);

    let (_next, port) = serve(data.path());
    runtime.block_on(async {
        let config = config(port).await;
        let role = aws_sdk_iam::Client::new(&config).get_role().role_name("order-writer").send();
        assert!(role.await.is_ok(), "the role created before the kill is kept");
        let dynamodb = aws_sdk_dynamodb::Client::new(&config);
        let mut kept = std::collections::BTreeSet::new();
        let mut start = None;
        loop {
            let page = (dynamodb.scan().table_name(TABLE))
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("the table is kept");
            for item in page.items() {
                if let Some(AttributeValue::S(id)) = item.get("order_id") {
                    kept.insert(id.clone());
                }
            }
            start = page.last_evaluated_key().cloned();
            if start.is_none() {
                break;
            }
        }
        let lost: Vec<String> = (1..=last).map(key).filter(|id| !kept.contains(id)).collect();
        assert!(lost.is_empty(), "{} of {last} acknowledged writes lost: {lost:?}", lost.len());
    });
}

async fn create_table(dynamodb: &aws_sdk_dynamodb::Client) {
    dynamodb
        .create_table()
        .table_name(TABLE)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("order_id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("an attribute"),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("order_id")
                .key_type(KeyType::Hash)
                .build()
                .expect("a key"),
        )
        .send()
        .await
        .expect("the table");
}
