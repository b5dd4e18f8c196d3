//! A role session may do what its role's policies allow, and is refused with AWS's exact text
//! otherwise: the reason the `serverless-api` lab's IAM step matters offline too.

mod common;

use aws_sdk_dynamodb::types::AttributeValue;
use awslab_emulator::{ACCOUNT_ID, Emulator};
use common::{sdk_config, start};

const REGION: &str = "ap-northeast-2";

const PUT_ITEM_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*"}]}"#;

/// A role the learner may assume (its trust policy names the account), with `policy` attached
/// when given; returns a DynamoDB client acting as a session of it named `addCustomer`.
async fn session_client(
    emulator: &Emulator,
    role: &str,
    policy: Option<&str>,
) -> aws_sdk_dynamodb::Client {
    let config = sdk_config(emulator, REGION).await;
    let iam = aws_sdk_iam::Client::new(&config);
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT_ID}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let created = iam
        .create_role()
        .role_name(role)
        .assume_role_policy_document(trust)
        .send()
        .await
        .expect("CreateRole");
    if let Some(document) = policy {
        let policy = iam
            .create_policy()
            .policy_name(format!("{role}-policy"))
            .policy_document(document)
            .send()
            .await
            .expect("CreatePolicy");
        let arn = policy.policy().and_then(|p| p.arn()).expect("policy ARN");
        iam.attach_role_policy().role_name(role).policy_arn(arn).send().await.expect("Attach");
    }
    let role_arn = created.role().map(|r| r.arn().to_string()).expect("role ARN");
    let session = common::iam::session(emulator, REGION, &role_arn, "addCustomer").await;
    aws_sdk_dynamodb::Client::new(&session)
}

async fn create_customers(emulator: &Emulator) {
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk_config(emulator, REGION).await);
    common::create_table(&dynamodb, "customers", "customer_id").send().await.expect("CreateTable");
}

fn denied(action: &str, role: &str) -> String {
    format!(
        "User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/addCustomer is not authorized to \
         perform: {action} on resource: arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/customers \
         because no identity-based policy allows the {action} action"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_without_put_item_is_refused_with_aws_words() {
    let emulator = start().await;
    create_customers(&emulator).await;
    let dynamodb = session_client(&emulator, "no-permissions-role", None).await;
    let error = dynamodb
        .put_item()
        .table_name("customers")
        .item("customer_id", AttributeValue::S("1230AWS".into()))
        .send()
        .await
        .expect_err("a role with no policy may not write");
    let service = error.into_service_error();
    let meta = aws_sdk_dynamodb::error::ProvideErrorMetadata::meta(&service);
    assert_eq!(meta.code(), Some("AccessDeniedException"));
    assert_eq!(meta.message(), Some(denied("dynamodb:PutItem", "no-permissions-role").as_str()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_with_put_item_may_write_and_nothing_more() {
    let emulator = start().await;
    create_customers(&emulator).await;
    let dynamodb = session_client(&emulator, "aws-lab-dynamodb-role", Some(PUT_ITEM_ONLY)).await;
    dynamodb
        .put_item()
        .table_name("customers")
        .item("customer_id", AttributeValue::S("1230AWS".into()))
        .item("price", AttributeValue::N("990000".into()))
        .send()
        .await
        .expect("PutItem is allowed");

    let error = dynamodb
        .get_item()
        .table_name("customers")
        .key("customer_id", AttributeValue::S("1230AWS".into()))
        .send()
        .await
        .expect_err("GetItem is not in the policy");
    let service = error.into_service_error();
    let meta = aws_sdk_dynamodb::error::ProvideErrorMetadata::meta(&service);
    assert_eq!(meta.message(), Some(denied("dynamodb:GetItem", "aws-lab-dynamodb-role").as_str()));

    // The learner, as the account's administrator, sees the item the role wrote.
    let admin = aws_sdk_dynamodb::Client::new(&sdk_config(&emulator, REGION).await);
    let item = admin
        .get_item()
        .table_name("customers")
        .key("customer_id", AttributeValue::S("1230AWS".into()))
        .send()
        .await
        .expect("GetItem as the learner");
    assert_eq!(item.item().and_then(|i| i.get("price")), Some(&AttributeValue::N("990000".into())));
}
