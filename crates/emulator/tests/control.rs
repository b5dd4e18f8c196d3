//! The control endpoints: reset everything, reset one lab's tagged resources, and named
//! snapshots, observed through the SDK clients.

mod common;

use aws_sdk_dynamodb::types::{AttributeValue, Tag};
use awslab_emulator::{Emulator, EmulatorConfig};
use common::{RawResponse, sdk_config};

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

async fn control(emulator: &Emulator, method: &'static str, path: &str) -> RawResponse {
    let port = emulator.port();
    let path = path.to_string();
    common::send(port, method, &path, &[common::token(emulator)], b"").await
}

struct Clients {
    iam: aws_sdk_iam::Client,
    dynamodb: aws_sdk_dynamodb::Client,
}

async fn clients(emulator: &Emulator) -> Clients {
    let config = sdk_config(emulator, "us-east-1").await;
    Clients {
        iam: aws_sdk_iam::Client::new(&config),
        dynamodb: aws_sdk_dynamodb::Client::new(&config),
    }
}

async fn create_role(clients: &Clients, name: &str, lab: Option<&str>) {
    let mut request = clients.iam.create_role().role_name(name).assume_role_policy_document(TRUST);
    if let Some(lab) = lab {
        request = request
            .tags(aws_sdk_iam::types::Tag::builder().key("awslab:lab").value(lab).build().unwrap());
    }
    request.send().await.expect("CreateRole");
}

async fn create_table(clients: &Clients, name: &str, lab: Option<&str>) {
    let mut request = common::create_table(&clients.dynamodb, name, "id");
    if let Some(lab) = lab {
        request = request.tags(Tag::builder().key("awslab:lab").value(lab).build().unwrap());
    }
    request.send().await.expect("CreateTable");
}

async fn role_names(clients: &Clients) -> Vec<String> {
    let roles = clients.iam.list_roles().send().await.expect("ListRoles");
    roles.roles().iter().map(|role| role.role_name().to_string()).collect()
}

async fn table_names(clients: &Clients) -> Vec<String> {
    let tables = clients.dynamodb.list_tables().send().await.expect("ListTables");
    tables.table_names().to_vec()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_brings_back_the_state_it_saved() {
    let folder = tempfile::tempdir().unwrap();
    let config = EmulatorConfig { data_dir: Some(folder.path().into()), ..Default::default() };
    let emulator = Emulator::start(config).await.unwrap();
    let clients = clients(&emulator).await;
    create_role(&clients, "aws-lab-dynamodb-role", None).await;
    create_table(&clients, "customers", None).await;
    clients
        .dynamodb
        .put_item()
        .table_name("customers")
        .item("id", AttributeValue::S("1230AWS".into()))
        .send()
        .await
        .unwrap();

    let saved = control(&emulator, "POST", "/_awslab/snapshots/step-3").await;
    assert_eq!(saved.status, 201, "{}", saved.body);

    create_role(&clients, "later-role", None).await;
    create_table(&clients, "later-table", None).await;
    clients
        .dynamodb
        .delete_item()
        .table_name("customers")
        .key("id", AttributeValue::S("1230AWS".into()))
        .send()
        .await
        .unwrap();

    let restored = control(&emulator, "POST", "/_awslab/snapshots/step-3/restore").await;
    assert_eq!(restored.status, 200, "{}", restored.body);
    assert_eq!(role_names(&clients).await, ["aws-lab-dynamodb-role"]);
    assert_eq!(table_names(&clients).await, ["customers"]);
    let item = clients
        .dynamodb
        .get_item()
        .table_name("customers")
        .key("id", AttributeValue::S("1230AWS".into()))
        .send()
        .await
        .unwrap();
    assert!(item.item().is_some(), "the deleted item is back");

    let listed = control(&emulator, "GET", "/_awslab/snapshots").await;
    assert_eq!(listed.body, r#"{"snapshots":["step-3"]}"#);
    let deleted = control(&emulator, "DELETE", "/_awslab/snapshots/step-3").await;
    assert_eq!(deleted.status, 200);
    let missing = control(&emulator, "POST", "/_awslab/snapshots/step-3/restore").await;
    assert_eq!(
        (missing.status, missing.body.as_str()),
        (404, r#"{"code":"NoSuchSnapshot","message":"no snapshot named step-3"}"#)
    );
    let bad = control(&emulator, "POST", "/_awslab/snapshots/..").await;
    assert_eq!(bad.status, 400, "{}", bad.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_forgets_everything() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let clients = clients(&emulator).await;
    create_role(&clients, "aws-lab-dynamodb-role", None).await;
    create_table(&clients, "customers", None).await;
    let reset = control(&emulator, "POST", "/_awslab/reset").await;
    assert_eq!((reset.status, reset.body.as_str()), (200, r#"{"reset":"all"}"#));
    assert!(role_names(&clients).await.is_empty());
    assert!(table_names(&clients).await.is_empty());
    // The emulator keeps working after a reset.
    create_table(&clients, "customers", None).await;
    assert_eq!(table_names(&clients).await, ["customers"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lab_reset_deletes_only_what_the_lab_tagged() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let clients = clients(&emulator).await;
    create_role(&clients, "aws-lab-dynamodb-role", Some("serverless-api")).await;
    create_role(&clients, "my-own-role", None).await;
    create_role(&clients, "other-lab-role", Some("cloudwatch-alarm")).await;
    create_table(&clients, "customers", Some("serverless-api")).await;
    create_table(&clients, "my-own-table", None).await;

    let reset = control(&emulator, "POST", "/_awslab/reset?lab=serverless-api").await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert!(reset.body.contains(":role/aws-lab-dynamodb-role"), "{}", reset.body);
    assert!(reset.body.contains(":table/customers"), "{}", reset.body);
    let mut roles = role_names(&clients).await;
    roles.sort();
    assert_eq!(roles, ["my-own-role", "other-lab-role"]);
    assert_eq!(table_names(&clients).await, ["my-own-table"]);
}
