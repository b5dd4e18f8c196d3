//! DynamoDB keeps AWS's time (issue 16): under `Timing::Aws` a new table is `CREATING` and a
//! deleted one `DELETING` for a while, with DynamoDB's answers meanwhile, seen through the
//! official SDK and its `table_exists` / `table_not_exists` waiters.
//!
//! The emulators here run their clock at speed 0: it stands still unless a test advances it
//! (`POST /_awslab/clock/advance`), so what a test sees between two advances never depends on
//! how busy the machine is. A table is `CREATING` for 3 to 8 emulated seconds and `DELETING` for
//! 2 to 6 (`Delay::TableCreating`, `Delay::TableDeleting`).

mod common;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::config::{AsyncSleep, SharedAsyncSleep, Sleep};
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeValue, Get, KeysAndAttributes, Put, PutRequest, StreamSpecification, StreamViewType,
    TableStatus, Tag, TransactGetItem, TransactWriteItem, WriteRequest,
};
use awslab_emulator::{Clockwork, Emulator, EmulatorConfig, Timing};
use common::alarms::{advance, control};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const REGION: &str = "ap-northeast-2";
const TABLE: &str = "customers";
const KEY: &str = "customer_id";
/// Longer than any table takes to be created or deleted.
const SETTLED: u64 = 10;

/// An emulator keeping AWS's time, on a clock that moves only when the test advances it.
async fn start_aws() -> Emulator {
    start_with(EmulatorConfig::default()).await
}

async fn start_with(config: EmulatorConfig) -> Emulator {
    let config = EmulatorConfig {
        clockwork: Clockwork { timing: Timing::Aws, seed: 16 },
        clock_speed: 0.0,
        ..config
    };
    Emulator::start(config).await.expect("the emulator starts")
}

async fn client(emulator: &Emulator) -> Client {
    Client::new(&common::sdk_config(emulator, REGION).await)
}

/// A refusal as `(code, message, HTTP status)`.
type Refusal = (String, String, u16);

fn outcome<T, E: ProvideErrorMetadata>(
    result: Result<T, SdkError<E, HttpResponse>>,
) -> Result<T, Refusal> {
    result.map_err(common::failure)
}

/// `Ok(())` or the refusal, whatever the operation answers.
fn done<T, E: ProvideErrorMetadata>(
    result: Result<T, SdkError<E, HttpResponse>>,
) -> Result<(), Refusal> {
    outcome(result).map(|_| ())
}

fn refusal(code: &str, message: &str) -> Refusal {
    (code.to_string(), message.to_string(), 400)
}

fn not_found() -> Refusal {
    refusal("ResourceNotFoundException", "Requested resource not found")
}

fn in_use(doing: &str, table: &str) -> Refusal {
    let message = format!(
        "Attempt to change a resource which is still in use: Table is being {doing}: {table}"
    );
    refusal("ResourceInUseException", &message)
}

fn key() -> HashMap<String, AttributeValue> {
    HashMap::from([(KEY.to_string(), AttributeValue::S("1230AWS".into()))])
}

fn kim() -> HashMap<String, AttributeValue> {
    let mut item = key();
    item.insert("name".into(), AttributeValue::S("AWS Kim".into()));
    item
}

async fn create(ddb: &Client, table: &str) -> Result<TableStatus, Refusal> {
    let created = outcome(common::create_table(ddb, table, KEY).send().await)?;
    Ok(created.table_description().and_then(|t| t.table_status()).cloned().expect("a status"))
}

async fn status(ddb: &Client, table: &str) -> Result<TableStatus, Refusal> {
    let described = outcome(ddb.describe_table().table_name(table).send().await)?;
    Ok(described.table().and_then(|t| t.table_status()).cloned().expect("a status"))
}

async fn delete(ddb: &Client, table: &str) -> Result<TableStatus, Refusal> {
    let deleted = outcome(ddb.delete_table().table_name(table).send().await)?;
    Ok(deleted.table_description().and_then(|t| t.table_status()).cloned().expect("a status"))
}

async fn update(ddb: &Client, table: &str) -> Result<(), Refusal> {
    let stream = StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(StreamViewType::NewImage)
        .build()
        .expect("a stream specification");
    done(ddb.update_table().table_name(table).stream_specification(stream).send().await)
}

async fn listed(ddb: &Client) -> Vec<String> {
    let listed = ddb.list_tables().send().await.expect("ListTables");
    listed.table_names().to_vec()
}

/// What every kind of item operation answers on `customers`.
async fn item_operations(ddb: &Client) -> Vec<(&'static str, Result<(), Refusal>)> {
    let t = TABLE;
    let put = || Put::builder().table_name(t).set_item(Some(kim())).build().expect("a put");
    let get = || Get::builder().table_name(t).set_key(Some(key())).build().expect("a get");
    let write = WriteRequest::builder()
        .put_request(PutRequest::builder().set_item(Some(kim())).build().expect("a put request"))
        .build();
    let keys = KeysAndAttributes::builder().keys(key()).build().expect("keys");
    let id = AttributeValue::S("1230AWS".into());
    vec![
        ("PutItem", done(ddb.put_item().table_name(t).set_item(Some(kim())).send().await)),
        ("GetItem", done(ddb.get_item().table_name(t).set_key(Some(key())).send().await)),
        (
            "UpdateItem",
            done(
                (ddb.update_item().table_name(t).set_key(Some(key())))
                    .update_expression("SET age = :age")
                    .expression_attribute_values(":age", AttributeValue::N("26".into()))
                    .send()
                    .await,
            ),
        ),
        ("DeleteItem", done(ddb.delete_item().table_name(t).set_key(Some(key())).send().await)),
        (
            "Query",
            done(
                (ddb.query().table_name(t))
                    .key_condition_expression("customer_id = :id")
                    .expression_attribute_values(":id", id)
                    .send()
                    .await,
            ),
        ),
        ("Scan", done(ddb.scan().table_name(t).send().await)),
        ("BatchWriteItem", done(ddb.batch_write_item().request_items(t, vec![write]).send().await)),
        ("BatchGetItem", done(ddb.batch_get_item().request_items(t, keys).send().await)),
        (
            "TransactWriteItems",
            done(
                (ddb.transact_write_items())
                    .transact_items(TransactWriteItem::builder().put(put()).build())
                    .send()
                    .await,
            ),
        ),
        (
            "TransactGetItems",
            done(
                (ddb.transact_get_items())
                    .transact_items(TransactGetItem::builder().get(get()).build())
                    .send()
                    .await,
            ),
        ),
        (
            "ExecuteStatement",
            done(ddb.execute_statement().statement(format!("SELECT * FROM \"{t}\"")).send().await),
        ),
    ]
}

/// Item operations answer as on a table that does not exist yet (or any more).
async fn assert_items_not_found(ddb: &Client) {
    for (operation, answer) in item_operations(ddb).await {
        assert_eq!(answer, Err(not_found()), "{operation}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_table_is_creating_until_its_delay_has_passed() {
    let emulator = start_aws().await;
    let ddb = client(&emulator).await;

    assert_eq!(create(&ddb, TABLE).await, Ok(TableStatus::Creating));
    assert_eq!(status(&ddb, TABLE).await, Ok(TableStatus::Creating));
    assert_eq!(listed(&ddb).await, [TABLE]);
    advance(&emulator, 2).await;
    assert_eq!(status(&ddb, TABLE).await, Ok(TableStatus::Creating), "3 seconds at least");

    advance(&emulator, SETTLED).await;
    assert_eq!(status(&ddb, TABLE).await, Ok(TableStatus::Active));
    assert_eq!(listed(&ddb).await, [TABLE]);
}

#[tokio::test(flavor = "multi_thread")]
async fn item_operations_on_a_creating_table_answer_resource_not_found() {
    let emulator = start_aws().await;
    let ddb = client(&emulator).await;
    create(&ddb, TABLE).await.expect("CreateTable");

    assert_items_not_found(&ddb).await;

    advance(&emulator, SETTLED).await;
    for (operation, answer) in item_operations(&ddb).await {
        assert_eq!(answer, Ok(()), "{operation}");
    }
    let got = ddb.get_item().table_name(TABLE).set_key(Some(key())).send().await.expect("GetItem");
    assert_eq!(got.item(), Some(&kim()), "the batch and the transaction wrote it again");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_creating_table_can_be_neither_changed_nor_created_again() {
    let emulator = start_aws().await;
    let ddb = client(&emulator).await;
    create(&ddb, TABLE).await.expect("CreateTable");

    assert_eq!(delete(&ddb, TABLE).await, Err(in_use("created", TABLE)));
    assert_eq!(update(&ddb, TABLE).await, Err(in_use("created", TABLE)));
    assert_eq!(create(&ddb, TABLE).await, Err(in_use("created", TABLE)));
    assert_eq!(status(&ddb, TABLE).await, Ok(TableStatus::Creating));

    advance(&emulator, SETTLED).await;
    assert_eq!(update(&ddb, TABLE).await, Ok(()));
    let again = create(&ddb, TABLE).await;
    assert_eq!(again, Err(refusal("ResourceInUseException", "Table already exists: customers")));
    assert_eq!(delete(&ddb, TABLE).await, Ok(TableStatus::Deleting));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_table_is_deleting_until_its_delay_has_passed() {
    let emulator = start_aws().await;
    let ddb = client(&emulator).await;
    create(&ddb, TABLE).await.expect("CreateTable");
    advance(&emulator, SETTLED).await;
    ddb.put_item().table_name(TABLE).set_item(Some(kim())).send().await.expect("PutItem");

    assert_eq!(delete(&ddb, TABLE).await, Ok(TableStatus::Deleting));
    assert_eq!(status(&ddb, TABLE).await, Ok(TableStatus::Deleting));
    assert_eq!(listed(&ddb).await, [TABLE]);
    assert_items_not_found(&ddb).await;
    assert_eq!(create(&ddb, TABLE).await, Err(in_use("deleted", TABLE)));
    assert_eq!(delete(&ddb, TABLE).await, Ok(TableStatus::Deleting), "no error, as AWS says");
    assert_eq!(update(&ddb, TABLE).await, Err(in_use("deleted", TABLE)));
    advance(&emulator, 1).await;
    assert_eq!(status(&ddb, TABLE).await, Ok(TableStatus::Deleting), "2 seconds at least");

    advance(&emulator, SETTLED).await;
    let gone = "Requested resource not found: Table: customers not found";
    assert_eq!(status(&ddb, TABLE).await, Err(refusal("ResourceNotFoundException", gone)));
    assert!(listed(&ddb).await.is_empty());
    assert_eq!(create(&ddb, TABLE).await, Ok(TableStatus::Creating), "the name is free again");
    advance(&emulator, SETTLED).await;
    let scanned = ddb.scan().table_name(TABLE).send().await.expect("Scan");
    assert_eq!(scanned.count(), 0, "the new table has none of the old one's items");
}

#[tokio::test(flavor = "multi_thread")]
async fn list_tables_pages_through_the_tables_being_deleted() {
    let emulator = start_aws().await;
    let ddb = client(&emulator).await;
    for table in ["accounts", "customers", "orders"] {
        create(&ddb, table).await.expect("CreateTable");
    }
    advance(&emulator, SETTLED).await;
    delete(&ddb, "customers").await.expect("DeleteTable");

    let first = ddb.list_tables().limit(2).send().await.expect("ListTables");
    assert_eq!(first.table_names(), ["accounts", "customers"]);
    assert_eq!(first.last_evaluated_table_name(), Some("customers"));
    let next = ddb
        .list_tables()
        .limit(2)
        .exclusive_start_table_name("customers")
        .send()
        .await
        .expect("ListTables from customers");
    assert_eq!(next.table_names(), ["orders"]);
    assert_eq!(next.last_evaluated_table_name(), None);
    let refused = done(ddb.list_tables().limit(0).send().await);
    let message = "1 validation error detected: Value '0' at 'limit' failed to satisfy \
                   constraint: Member must have value greater than or equal to 1";
    assert_eq!(refused, Err(refusal("ValidationException", message)));
}

/// A sleep that moves the emulator's clock forward by as long instead of waiting, and counts
/// the seconds it slept: a waiter's 20-second polls take no real time.
#[derive(Debug, Clone)]
struct AdvancingSleep {
    port: u16,
    token: String,
    slept: Arc<AtomicU64>,
}

impl AsyncSleep for AdvancingSleep {
    fn sleep(&self, duration: Duration) -> Sleep {
        let (port, token, slept) = (self.port, self.token.clone(), self.slept.clone());
        Sleep::new(async move {
            let seconds = duration.as_secs();
            slept.fetch_add(seconds, Ordering::SeqCst);
            let path = format!("/_awslab/clock/advance?seconds={seconds}");
            let header = (awslab_emulator::CONTROL_TOKEN_HEADER, token.as_str());
            let answer = common::send(port, "POST", &path, &[header], b"").await;
            assert_eq!(answer.status, 200, "{}", answer.body);
        })
    }
}

/// A client whose waiters advance the emulator's clock, and the seconds they have slept.
async fn waiting_client(emulator: &Emulator) -> (Client, Arc<AtomicU64>) {
    let slept = Arc::new(AtomicU64::new(0));
    let sleep = AdvancingSleep {
        port: emulator.port(),
        token: emulator.control_token().to_string(),
        slept: slept.clone(),
    };
    let sdk = common::sdk_config(emulator, REGION).await;
    let config = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .sleep_impl(SharedAsyncSleep::new(sleep))
        .build();
    (Client::from_conf(config), slept)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_table_exists_waiter_returns_once_the_table_is_active() {
    let emulator = start_aws().await;
    let (ddb, slept) = waiting_client(&emulator).await;
    create(&ddb, TABLE).await.expect("CreateTable");

    let waited = ddb
        .wait_until_table_exists()
        .table_name(TABLE)
        .wait(Duration::from_secs(600))
        .await
        .expect("the table exists in time");
    let table = waited.into_result().expect("DescribeTable");
    assert_eq!(table.table().and_then(|t| t.table_status()), Some(&TableStatus::Active));
    assert!(slept.load(Ordering::SeqCst) >= 20, "the waiter saw CREATING and polled again");
    ddb.put_item().table_name(TABLE).set_item(Some(kim())).send().await.expect("PutItem");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_table_not_exists_waiter_returns_once_the_table_is_gone() {
    let emulator = start_aws().await;
    let (ddb, slept) = waiting_client(&emulator).await;
    create(&ddb, TABLE).await.expect("CreateTable");
    advance(&emulator, SETTLED).await;
    delete(&ddb, TABLE).await.expect("DeleteTable");

    ddb.wait_until_table_not_exists()
        .table_name(TABLE)
        .wait(Duration::from_secs(600))
        .await
        .expect("the table is gone in time");
    assert!(slept.load(Ordering::SeqCst) >= 20, "the waiter saw DELETING and polled again");
    assert_eq!(create(&ddb, TABLE).await, Ok(TableStatus::Creating));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lab_reset_frees_the_names_of_its_tables_at_once() {
    let emulator = start_aws().await;
    let ddb = client(&emulator).await;
    let lab = Tag::builder().key("awslab:lab").value("serverless-api").build().expect("a tag");
    for table in ["customers", "orders"] {
        let create = common::create_table(&ddb, table, KEY).tags(lab.clone());
        create.send().await.expect("CreateTable of the lab");
    }
    create(&ddb, "notes").await.expect("CreateTable of no lab");
    advance(&emulator, SETTLED).await;
    delete(&ddb, "orders").await.expect("DeleteTable orders");
    delete(&ddb, "notes").await.expect("DeleteTable notes");
    create(&ddb, "customers").await.expect_err("customers exists");

    let (status, reset) = control(&emulator, "POST", "/_awslab/reset?lab=serverless-api").await;
    assert_eq!(status, 200, "{reset}");
    let deleted = reset["deleted"].to_string();
    assert!(deleted.contains(":table/customers"), "{reset}");

    assert_eq!(create(&ddb, "customers").await, Ok(TableStatus::Creating));
    assert_eq!(create(&ddb, "orders").await, Ok(TableStatus::Creating));
    assert_eq!(create(&ddb, "notes").await, Err(in_use("deleted", "notes")), "not the lab's");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_or_a_restored_snapshot_leaves_every_table_settled() {
    let emulator = start_aws().await;
    let ddb = client(&emulator).await;
    create(&ddb, TABLE).await.expect("CreateTable");
    advance(&emulator, SETTLED).await;
    ddb.put_item().table_name(TABLE).set_item(Some(kim())).send().await.expect("PutItem");
    let (saved, body) = control(&emulator, "POST", "/_awslab/snapshots/step-1").await;
    assert_eq!(saved, 201, "{body}");
    delete(&ddb, TABLE).await.expect("DeleteTable");
    create(&ddb, "orders").await.expect("CreateTable orders");

    let (restored, body) = control(&emulator, "POST", "/_awslab/snapshots/step-1/restore").await;
    assert_eq!(restored, 200, "{body}");
    assert_eq!(status(&ddb, TABLE).await, Ok(TableStatus::Active));
    let got = ddb.get_item().table_name(TABLE).set_key(Some(key())).send().await.expect("GetItem");
    assert_eq!(got.item(), Some(&kim()));
    assert_eq!(create(&ddb, "orders").await, Ok(TableStatus::Creating), "orders was not saved");

    let (reset, body) = control(&emulator, "POST", "/_awslab/reset").await;
    assert_eq!(reset, 200, "{body}");
    assert!(listed(&ddb).await.is_empty());
    assert_eq!(create(&ddb, "orders").await, Ok(TableStatus::Creating));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restarted_emulator_finds_every_table_settled() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let config =
        EmulatorConfig { data_dir: Some(folder.path().to_path_buf()), ..Default::default() };
    let emulator = start_with(config.clone()).await;
    let ddb = client(&emulator).await;
    create(&ddb, "notes").await.expect("CreateTable notes");
    advance(&emulator, SETTLED).await;
    delete(&ddb, "notes").await.expect("DeleteTable notes");
    create(&ddb, TABLE).await.expect("CreateTable");
    emulator.shutdown().await;

    let emulator = start_with(config).await;
    let ddb = client(&emulator).await;
    assert_eq!(status(&ddb, TABLE).await, Ok(TableStatus::Active));
    assert_eq!(listed(&ddb).await, [TABLE]);
    assert_eq!(create(&ddb, "notes").await, Ok(TableStatus::Creating));
}

#[tokio::test(flavor = "multi_thread")]
async fn instant_timing_makes_and_drops_tables_at_once() {
    let emulator = common::start().await;
    let ddb = client(&emulator).await;

    assert_eq!(create(&ddb, TABLE).await, Ok(TableStatus::Creating), "as CreateTable words it");
    assert_eq!(status(&ddb, TABLE).await, Ok(TableStatus::Active));
    ddb.put_item().table_name(TABLE).set_item(Some(kim())).send().await.expect("PutItem");
    assert_eq!(delete(&ddb, TABLE).await, Ok(TableStatus::Deleting));
    let gone = "Requested resource not found: Table: customers not found";
    assert_eq!(status(&ddb, TABLE).await, Err(refusal("ResourceNotFoundException", gone)));
    assert_eq!(create(&ddb, TABLE).await, Ok(TableStatus::Creating));
}
