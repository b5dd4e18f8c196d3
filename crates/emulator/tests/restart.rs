//! Everything the learner made is still there after the emulator restarts on the same folder.

mod common;

use aws_sdk_dynamodb::types::AttributeValue;
use awslab_emulator::{ACCOUNT_ID, Emulator, EmulatorConfig};
use common::sdk_config;

#[tokio::test(flavor = "multi_thread")]
async fn roles_policies_and_items_survive_a_restart() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let config =
        EmulatorConfig { data_dir: Some(folder.path().to_path_buf()), ..Default::default() };

    let emulator = Emulator::start(config.clone()).await.expect("first start");
    let sdk = sdk_config(&emulator, "us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    iam.create_role()
        .role_name("aws-lab-dynamodb-role")
        .assume_role_policy_document(trust)
        .send()
        .await
        .expect("CreateRole");
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*"}]}"#;
    iam.create_policy()
        .policy_name("aws-lab-dynamodb-putitem-policy")
        .policy_document(policy)
        .send()
        .await
        .expect("CreatePolicy");
    let policy_arn = format!("arn:aws:iam::{ACCOUNT_ID}:policy/aws-lab-dynamodb-putitem-policy");
    iam.attach_role_policy()
        .role_name("aws-lab-dynamodb-role")
        .policy_arn(&policy_arn)
        .send()
        .await
        .expect("AttachRolePolicy");
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    common::create_table(&dynamodb, "customers", "customer_id").send().await.expect("CreateTable");
    dynamodb
        .put_item()
        .table_name("customers")
        .item("customer_id", AttributeValue::S("1230AWS".into()))
        .send()
        .await
        .expect("PutItem");
    emulator.shutdown().await;

    let emulator = Emulator::start(config).await.expect("second start");
    let sdk = sdk_config(&emulator, "us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    let role = iam.get_role().role_name("aws-lab-dynamodb-role").send().await.expect("GetRole");
    assert_eq!(role.role().map(|r| r.role_name()), Some("aws-lab-dynamodb-role"));
    let attached = iam
        .list_attached_role_policies()
        .role_name("aws-lab-dynamodb-role")
        .send()
        .await
        .expect("ListAttachedRolePolicies");
    let names: Vec<_> =
        attached.attached_policies().iter().filter_map(|p| p.policy_name()).collect();
    assert_eq!(names, ["aws-lab-dynamodb-putitem-policy"]);
    let got = iam.get_policy().policy_arn(&policy_arn).send().await.expect("GetPolicy");
    assert_eq!(got.policy().and_then(|p| p.attachment_count()), Some(1));
    let item = aws_sdk_dynamodb::Client::new(&sdk)
        .get_item()
        .table_name("customers")
        .key("customer_id", AttributeValue::S("1230AWS".into()))
        .send()
        .await
        .expect("GetItem");
    assert!(item.item().is_some(), "the item survived the restart");
    emulator.shutdown().await;
}
