//! DynamoDB as the learner meets it: the official SDK against the emulator, the `customers`
//! table of the handout, and raw HTTP for the exact error JSON.

mod common;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{AttributeValue, BillingMode, KeyType, ReturnValue, TableStatus};
use awslab_emulator::{ACCOUNT_ID, Emulator, EmulatorConfig, StartError};
use common::{sdk_config, signed, start};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const REGION: &str = "ap-northeast-2";

async fn client(emulator: &Emulator, region: &'static str) -> Client {
    Client::new(&sdk_config(emulator, region).await)
}

async fn create_customers(
    client: &Client,
) -> aws_sdk_dynamodb::operation::create_table::CreateTableOutput {
    common::create_table(client, "customers", "customer_id")
        .send()
        .await
        .expect("CreateTable customers")
}

/// The handout's customer.
fn kim() -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("customer_id".to_string(), AttributeValue::S("1230AWS".into())),
        ("name".to_string(), AttributeValue::S("AWS Kim".into())),
        ("age".to_string(), AttributeValue::N("25".into())),
        ("email".to_string(), AttributeValue::S("awskim@example.com".into())),
        ("price".to_string(), AttributeValue::N("990000".into())),
    ])
}

fn kim_key() -> HashMap<String, AttributeValue> {
    HashMap::from([("customer_id".to_string(), AttributeValue::S("1230AWS".into()))])
}

async fn put_kim(client: &Client) {
    client
        .put_item()
        .table_name("customers")
        .set_item(Some(kim()))
        .send()
        .await
        .expect("PutItem 1230AWS");
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_describes_and_lists_the_customers_table() {
    let emulator = start().await;
    let ddb = client(&emulator, REGION).await;
    let arn = format!("arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/customers");

    let created = create_customers(&ddb).await;
    let table = created.table_description().expect("a table description");
    assert_eq!(table.table_name(), Some("customers"));
    assert_eq!(table.table_arn(), Some(arn.as_str()));
    assert_eq!(table.key_schema()[0].attribute_name(), "customer_id");
    assert_eq!(table.key_schema()[0].key_type(), &KeyType::Hash);
    assert_eq!(
        table.billing_mode_summary().and_then(|summary| summary.billing_mode()),
        Some(&BillingMode::PayPerRequest)
    );

    let described = ddb.describe_table().table_name("customers").send().await.unwrap();
    let table = described.table().expect("a table");
    assert_eq!(table.table_status(), Some(&TableStatus::Active));
    assert_eq!(table.table_arn(), Some(arn.as_str()));

    let listed = ddb.list_tables().send().await.unwrap();
    assert_eq!(listed.table_names(), ["customers"]);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn puts_gets_scans_and_queries_the_handout_customer() {
    let emulator = start().await;
    let ddb = client(&emulator, REGION).await;
    create_customers(&ddb).await;
    put_kim(&ddb).await;

    let got = ddb
        .get_item()
        .table_name("customers")
        .set_key(Some(kim_key()))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    assert_eq!(got.item(), Some(&kim()));

    let missing = ddb
        .get_item()
        .table_name("customers")
        .key("customer_id", AttributeValue::S("9999AWS".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.item(), None);

    let scanned = ddb.scan().table_name("customers").send().await.unwrap();
    assert_eq!(scanned.count(), 1);
    assert_eq!(scanned.items(), [kim()]);

    let queried = ddb
        .query()
        .table_name("customers")
        .key_condition_expression("customer_id = :id")
        .expression_attribute_values(":id", AttributeValue::S("1230AWS".into()))
        .projection_expression("#n, email")
        .expression_attribute_names("#n", "name")
        .send()
        .await
        .unwrap();
    assert_eq!(queried.count(), 1);
    assert_eq!(
        queried.items()[0],
        HashMap::from([
            ("name".to_string(), AttributeValue::S("AWS Kim".into())),
            ("email".to_string(), AttributeValue::S("awskim@example.com".into())),
        ])
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn updates_the_customer_with_an_expression() {
    let emulator = start().await;
    let ddb = client(&emulator, REGION).await;
    create_customers(&ddb).await;
    put_kim(&ddb).await;

    let updated = ddb
        .update_item()
        .table_name("customers")
        .set_key(Some(kim_key()))
        .update_expression("SET age = age + :one, price = :price REMOVE email")
        .condition_expression("attribute_exists(customer_id)")
        .expression_attribute_values(":one", AttributeValue::N("1".into()))
        .expression_attribute_values(":price", AttributeValue::N("890000".into()))
        .return_values(ReturnValue::UpdatedNew)
        .send()
        .await
        .expect("UpdateItem");
    assert_eq!(
        updated.attributes(),
        Some(&HashMap::from([
            ("age".to_string(), AttributeValue::N("26".into())),
            ("price".to_string(), AttributeValue::N("890000".into())),
        ]))
    );

    let item = ddb
        .get_item()
        .table_name("customers")
        .set_key(Some(kim_key()))
        .send()
        .await
        .unwrap()
        .item
        .expect("the customer");
    assert_eq!(item.get("age"), Some(&AttributeValue::N("26".into())));
    assert_eq!(item.get("email"), None);
    assert_eq!(item.get("name"), Some(&AttributeValue::S("AWS Kim".into())));
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conditional_put_over_an_existing_customer_fails() {
    let emulator = start().await;
    let ddb = client(&emulator, REGION).await;
    create_customers(&ddb).await;
    put_kim(&ddb).await;

    let mut impostor = kim();
    impostor.insert("name".into(), AttributeValue::S("Someone Else".into()));
    let error = ddb
        .put_item()
        .table_name("customers")
        .set_item(Some(impostor))
        .condition_expression("attribute_not_exists(customer_id)")
        .send()
        .await
        .expect_err("the customer exists");
    assert_eq!(error.code(), Some("ConditionalCheckFailedException"));
    assert_eq!(error.message(), Some("The conditional request failed"));
    assert!(error.into_service_error().is_conditional_check_failed_exception());

    let item = ddb.get_item().table_name("customers").set_key(Some(kim_key())).send().await;
    assert_eq!(item.unwrap().item(), Some(&kim()), "the failed put changed nothing");
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_table_is_gone() {
    let emulator = start().await;
    let ddb = client(&emulator, REGION).await;
    create_customers(&ddb).await;
    put_kim(&ddb).await;

    let deleted = ddb.delete_table().table_name("customers").send().await.expect("DeleteTable");
    assert_eq!(deleted.table_description().and_then(|table| table.table_name()), Some("customers"));
    assert!(ddb.list_tables().send().await.unwrap().table_names().is_empty());
    let error = ddb.describe_table().table_name("customers").send().await.unwrap_err();
    assert_eq!(error.code(), Some("ResourceNotFoundException"));
    assert_eq!(error.message(), Some("Requested resource not found: Table: customers not found"));
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_table_is_resource_not_found() {
    let emulator = start().await;
    let ddb = client(&emulator, REGION).await;
    let error = ddb
        .get_item()
        .table_name("customers")
        .set_key(Some(kim_key()))
        .send()
        .await
        .expect_err("no such table");
    assert_eq!(error.code(), Some("ResourceNotFoundException"));
    assert_eq!(error.message(), Some("Requested resource not found"));
    assert!(error.into_service_error().is_resource_not_found_exception());

    let port = emulator.port();
    let auth = signed("dynamodb", REGION);
    let answer = common::send(
        port,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", "DynamoDB_20120810.GetItem"),
            ("Authorization", &auth),
        ],
        br#"{"TableName":"customers","Key":{"customer_id":{"S":"1230AWS"}}}"#,
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.header("content-type"), Some("application/x-amz-json-1.0"));
    assert_eq!(
        answer.body,
        r#"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}"#
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_customers_table_is_resource_in_use() {
    let emulator = start().await;
    let ddb = client(&emulator, REGION).await;
    create_customers(&ddb).await;
    let error = common::create_table(&ddb, "customers", "customer_id")
        .send()
        .await
        .expect_err("the table exists");
    assert_eq!(error.code(), Some("ResourceInUseException"));
    assert_eq!(error.message(), Some("Table already exists: customers"));
    assert!(error.into_service_error().is_resource_in_use_exception());
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_item_without_its_key_is_a_validation_error() {
    let emulator = start().await;
    let ddb = client(&emulator, REGION).await;
    create_customers(&ddb).await;
    let mut keyless = kim();
    keyless.remove("customer_id");
    let error = ddb
        .put_item()
        .table_name("customers")
        .set_item(Some(keyless))
        .send()
        .await
        .expect_err("the key is missing");
    assert_eq!(error.code(), Some("ValidationException"));
    assert_eq!(
        error.message(),
        Some("One or more parameter values were invalid: Missing the key customer_id in the item")
    );
    assert!(ddb.scan().table_name("customers").send().await.unwrap().items().is_empty());
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unimplemented_and_unknown_operations_are_aws_errors() {
    let emulator = start().await;
    let ddb = client(&emulator, REGION).await;
    let error = ddb.describe_limits().send().await.expect_err("not served");
    assert_eq!(error.code(), Some("NotImplemented"));
    assert!(
        error.message().is_some_and(|message| message.contains("DynamoDB DescribeLimits")),
        "{error:?}"
    );

    let port = emulator.port();
    let auth = signed("dynamodb", REGION);
    let answer = common::send(
        port,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", "DynamoDB_20120810.PutItems"),
            ("Authorization", &auth),
        ],
        b"{}",
    )
    .await;
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("#UnknownOperationException\""), "{}", answer.body);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tables_are_regional() {
    let emulator = start().await;
    let virginia = client(&emulator, "us-east-1").await;
    let seoul = client(&emulator, "ap-northeast-2").await;
    let created = create_customers(&virginia).await;
    assert_eq!(
        created.table_description().and_then(|table| table.table_arn()),
        Some(format!("arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/customers").as_str())
    );
    put_kim(&virginia).await;

    assert_eq!(virginia.list_tables().send().await.unwrap().table_names(), ["customers"]);
    assert!(seoul.list_tables().send().await.unwrap().table_names().is_empty());
    let error = seoul.describe_table().table_name("customers").send().await.unwrap_err();
    assert_eq!(error.code(), Some("ResourceNotFoundException"));

    // The same name in another region is another table.
    create_customers(&seoul).await;
    let scanned = seoul.scan().table_name("customers").send().await.unwrap();
    assert_eq!(scanned.count(), 0);
    assert_eq!(virginia.scan().table_name("customers").send().await.unwrap().count(), 1);
    emulator.shutdown().await;
}

/// A fresh folder under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("awslab-dynamodb-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).expect("a temporary folder");
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn start_in(dir: &Path) -> Result<Emulator, StartError> {
    Emulator::start(EmulatorConfig {
        data_dir: Some(dir.to_path_buf()),
        ..EmulatorConfig::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn tables_and_items_survive_a_restart() {
    let dir = TempDir::new();

    let first = start_in(dir.path()).await.expect("the emulator starts on an empty folder");
    let ddb = client(&first, REGION).await;
    create_customers(&ddb).await;
    put_kim(&ddb).await;
    drop(ddb);
    first.shutdown().await;
    assert!(dir.path().join("dynamodb").join(format!("{REGION}.sqlite3")).is_file());

    let second = start_in(dir.path()).await.expect("the emulator starts on its own state");
    let ddb = client(&second, REGION).await;
    assert_eq!(ddb.list_tables().send().await.unwrap().table_names(), ["customers"]);
    let got = ddb
        .get_item()
        .table_name("customers")
        .set_key(Some(kim_key()))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    assert_eq!(got.item(), Some(&kim()));
    second.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_state_file_that_cannot_be_used_stops_the_start_in_one_sentence_naming_it() {
    // A damaged file is set aside (tests/state_files.rs); a folder where the file should be
    // cannot be, and is no damage: the emulator refuses to start, saying what to do.
    let dir = TempDir::new();
    let file = dir.path().join("dynamodb").join("us-east-1.sqlite3");
    std::fs::create_dir_all(&file).unwrap();
    let error = match start_in(dir.path()).await {
        Ok(_) => panic!("the emulator started on a state file it cannot use"),
        Err(error) => error,
    };
    let message = error.to_string();
    assert!(std::error::Error::source(&error).is_none(), "no chain to repeat: {message}");
    let StartError::State { path, .. } = error else { panic!("the wrong error: {message}") };
    assert_eq!(path, file);
    assert_eq!(
        message,
        format!(
            "the emulator cannot use {}: it is not a file; move it away, then start the \
             emulator again",
            file.display()
        )
    );
}
