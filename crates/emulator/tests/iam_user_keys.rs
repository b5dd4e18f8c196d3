//! What an IAM user's access keys may do, through the official Rust SDK: a key acts as its
//! user, evaluated against the user's policies and its groups' within its permissions boundary,
//! refused as AWS refuses an inactive, deleted or wrongly signed key; users assume roles; users
//! and keys survive a restart. The operations themselves are in `iam_users.rs`.

mod common;

use aws_sdk_iam::Client;
use aws_sdk_iam::types::StatusType;
use awslab_emulator::ACCOUNT_ID;
use common::iam::{PUT_ITEM_POLICY, client as iam, failure};
use common::start;

async fn create_user(iam: &Client, name: &str) {
    iam.create_user().user_name(name).send().await.expect("CreateUser");
}

const REGION: &str = "ap-northeast-2";

/// A user `name` with one access key; returns the key's id and secret.
async fn user_with_key(iam: &Client, name: &str) -> (String, String) {
    create_user(iam, name).await;
    let created = iam.create_access_key().user_name(name).send().await.expect("CreateAccessKey");
    let key = created.access_key().expect("a key");
    (key.access_key_id().to_string(), key.secret_access_key().to_string())
}

/// SDK configuration signing with these keys, in this test's region.
async fn signing_with(
    emulator: &awslab_emulator::Emulator,
    key: &str,
    secret: &str,
) -> aws_config::SdkConfig {
    common::signing_with(emulator, REGION, key, secret).await
}

fn denied(action: &str, resource: &str) -> String {
    format!(
        "User: arn:aws:iam::{ACCOUNT_ID}:user/alice is not authorized to perform: {action} on \
         resource: {resource} because no identity-based policy allows the {action} action"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_users_key_acts_as_the_user_refused_until_its_group_allows() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let emulator = start().await;
    let iam = iam(&emulator).await;
    let (key, secret) = user_with_key(&iam, "alice").await;
    let learner_dynamodb =
        aws_sdk_dynamodb::Client::new(&common::sdk_config(&emulator, REGION).await);
    common::create_table(&learner_dynamodb, "customers", "customer_id").send().await.unwrap();

    let config = signing_with(&emulator, &key, &secret).await;
    let identity = aws_sdk_sts::Client::new(&config).get_caller_identity().send().await.unwrap();
    let user_id = iam.get_user().user_name("alice").send().await.unwrap();
    let user_id = user_id.user().map(|u| u.user_id().to_string()).unwrap();
    assert_eq!(identity.arn(), Some(format!("arn:aws:iam::{ACCOUNT_ID}:user/alice").as_str()));
    assert_eq!(identity.user_id(), Some(user_id.as_str()));
    assert_eq!(identity.account(), Some(ACCOUNT_ID));

    let dynamodb = aws_sdk_dynamodb::Client::new(&config);
    let put = || {
        dynamodb
            .put_item()
            .table_name("customers")
            .item("customer_id", AttributeValue::S("1230AWS".into()))
    };
    let table = format!("arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/customers");
    let refused = failure(put().send().await.unwrap_err());
    assert_eq!(
        (refused.0.as_str(), refused.1, refused.2),
        ("AccessDeniedException", denied("dynamodb:PutItem", &table), 400)
    );
    let as_alice = Client::new(&config);
    let refused = as_alice
        .create_role()
        .role_name("escalate")
        .assume_role_policy_document(common::iam::LAMBDA_TRUST)
        .send()
        .await
        .unwrap_err();
    let role = format!("arn:aws:iam::{ACCOUNT_ID}:role/escalate");
    assert_eq!(failure(refused), ("AccessDenied".into(), denied("iam:CreateRole", &role), 403));
    let refused = as_alice.list_users().send().await.unwrap_err();
    let users = format!("arn:aws:iam::{ACCOUNT_ID}:user/");
    assert_eq!(failure(refused).1, denied("iam:ListUsers", &users));

    // Allowed through a group, as a console course grants it.
    let policy = iam
        .create_policy()
        .policy_name("put-item")
        .policy_document(PUT_ITEM_POLICY)
        .send()
        .await
        .unwrap();
    let arn = policy.policy().and_then(|p| p.arn()).unwrap();
    iam.create_group().group_name("writers").send().await.unwrap();
    iam.attach_group_policy().group_name("writers").policy_arn(arn).send().await.unwrap();
    iam.add_user_to_group().group_name("writers").user_name("alice").send().await.unwrap();
    put().send().await.expect("PutItem allowed by the group's policy");
    let get = dynamodb
        .get_item()
        .table_name("customers")
        .key("customer_id", AttributeValue::S("1230AWS".into()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(get).1, denied("dynamodb:GetItem", &table));

    // Its own policies count too, with `${aws:username}` naming it: it may then read itself.
    let read_self = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]}"#;
    iam.put_user_policy()
        .user_name("alice")
        .policy_name("read-self")
        .policy_document(read_self)
        .send()
        .await
        .unwrap();
    let me = as_alice.get_user().send().await.expect("GetUser without a name: the caller");
    assert_eq!(me.user().map(|u| u.user_name()), Some("alice"));

    let last = iam.get_access_key_last_used().access_key_id(&key).send().await.unwrap();
    let used = last.access_key_last_used().unwrap();
    assert_eq!((used.service_name(), used.region()), ("iam", REGION));
    assert!(used.last_used_date().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn inactive_deleted_and_wrongly_signed_keys_are_refused_as_aws_refuses_them() {
    let emulator = start().await;
    let iam = iam(&emulator).await;
    let (key, secret) = user_with_key(&iam, "alice").await;
    let sts = aws_sdk_sts::Client::new(&signing_with(&emulator, &key, &secret).await);
    let dynamodb = aws_sdk_dynamodb::Client::new(&signing_with(&emulator, &key, &secret).await);
    let invalid = "The security token included in the request is invalid.";
    sts.get_caller_identity().send().await.expect("an active key");

    let set = |status: StatusType| {
        iam.update_access_key().user_name("alice").access_key_id(&key).status(status).send()
    };
    set(StatusType::Inactive).await.expect("UpdateAccessKey");
    let refused = sts.get_caller_identity().send().await.unwrap_err();
    assert_eq!(failure(refused), ("InvalidClientTokenId".into(), invalid.into(), 403));
    let refused = dynamodb.list_tables().send().await.unwrap_err();
    assert_eq!(failure(refused), ("UnrecognizedClientException".into(), invalid.into(), 400));

    set(StatusType::Active).await.unwrap();
    sts.get_caller_identity().send().await.expect("active again");

    let wrong = format!("{}x", &secret[..39]);
    let wrong = aws_sdk_sts::Client::new(&signing_with(&emulator, &key, &wrong).await);
    let refused = wrong.get_caller_identity().send().await.unwrap_err();
    let (code, message, status) = failure(refused);
    assert_eq!((code.as_str(), status), ("SignatureDoesNotMatch", 403));
    assert!(message.starts_with("The request signature we calculated does not match"), "{message}");

    iam.delete_access_key().user_name("alice").access_key_id(&key).send().await.unwrap();
    let refused = sts.get_caller_identity().send().await.unwrap_err();
    assert_eq!(
        failure(refused),
        ("InvalidClientTokenId".into(), invalid.into(), 403),
        "a deleted key is not taken for the learner's"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_assumes_a_role_that_names_it_or_that_its_own_policy_lets_it() {
    let emulator = start().await;
    let iam = iam(&emulator).await;
    let (key, secret) = user_with_key(&iam, "alice").await;
    let alice = format!("arn:aws:iam::{ACCOUNT_ID}:user/alice");
    let trust = |principal: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"}}]}}"#
        )
    };
    let root = format!("arn:aws:iam::{ACCOUNT_ID}:root");
    for (role, principal) in [("trusts-alice", &alice), ("trusts-account", &root)] {
        let created =
            iam.create_role().role_name(role).assume_role_policy_document(trust(principal));
        created.send().await.expect("CreateRole");
    }
    let role_arn = |role: &str| format!("arn:aws:iam::{ACCOUNT_ID}:role/{role}");
    let sts = aws_sdk_sts::Client::new(&signing_with(&emulator, &key, &secret).await);
    let assume = |role: &str| sts.assume_role().role_arn(role_arn(role)).role_session_name("s1");

    let assumed = assume("trusts-alice").send().await.expect("a trust policy naming the user");
    assert_eq!(
        assumed.assumed_role_user().map(|u| u.arn()),
        Some(format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/trusts-alice/s1").as_str())
    );
    let refused = assume("trusts-account").send().await.unwrap_err();
    assert_eq!(
        failure(refused),
        (
            "AccessDenied".into(),
            format!(
                "User: {alice} is not authorized to perform: sts:AssumeRole on resource: {}",
                role_arn("trusts-account")
            ),
            403
        )
    );
    let allow = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{}"}}]}}"#,
        role_arn("trusts-account")
    );
    iam.put_user_policy()
        .user_name("alice")
        .policy_name("may-assume")
        .policy_document(allow)
        .send()
        .await
        .unwrap();
    assume("trusts-account").send().await.expect("the account's trust and the user's policy");
}

#[tokio::test(flavor = "multi_thread")]
async fn users_and_their_keys_survive_a_restart_and_an_older_state_still_loads() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let config = awslab_emulator::EmulatorConfig {
        data_dir: Some(folder.path().to_path_buf()),
        ..Default::default()
    };
    let emulator = awslab_emulator::Emulator::start(config.clone()).await.unwrap();
    let (key, secret) = user_with_key(&iam(&emulator).await, "alice").await;
    emulator.shutdown().await;

    let emulator = awslab_emulator::Emulator::start(config).await.unwrap();
    let sts = aws_sdk_sts::Client::new(&signing_with(&emulator, &key, &secret).await);
    let identity = sts.get_caller_identity().send().await.expect("the key still works");
    assert_eq!(identity.arn(), Some(format!("arn:aws:iam::{ACCOUNT_ID}:user/alice").as_str()));
    emulator.shutdown().await;

    // IAM's document as awslab saved it before users existed: roles and policies only.
    let old = tempfile::tempdir().expect("a temporary folder");
    let db = rusqlite::Connection::open(old.path().join("state.sqlite3")).unwrap();
    let document = format!(
        r#"{{"roles":{{"old-role":{{"name":"old-role","path":"/","id":"AROAEXAMPLEEXAMPLEXX","arn":"arn:aws:iam::{ACCOUNT_ID}:role/old-role","created":"2024-05-01T12:00:00Z","trust_policy":{trust:?},"description":null,"max_session_duration":3600,"permissions_boundary":null,"tags":[],"attached_policies":[],"inline_policies":{{}},"last_used":null}}}},"policies":{{}}}}"#,
        trust = common::iam::LAMBDA_TRUST
    );
    db.execute_batch(
        "CREATE TABLE service_state (service TEXT PRIMARY KEY NOT NULL, document TEXT NOT NULL) STRICT;",
    )
    .unwrap();
    db.execute("INSERT INTO service_state VALUES ('iam', ?1)", [&document]).unwrap();
    drop(db);
    let config = awslab_emulator::EmulatorConfig {
        data_dir: Some(old.path().to_path_buf()),
        ..Default::default()
    };
    let emulator = awslab_emulator::Emulator::start(config).await.expect("an older state loads");
    let iam = iam(&emulator).await;
    assert!(iam.get_role().role_name("old-role").send().await.is_ok());
    assert!(iam.list_users().send().await.unwrap().users().is_empty());
    create_user(&iam, "alice").await;
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_permissions_boundary_caps_what_a_users_policies_allow() {
    let emulator = start().await;
    let iam = iam(&emulator).await;
    let boundary = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess";
    let create = iam.create_user().user_name("bounded").permissions_boundary(boundary);
    create.send().await.expect("CreateUser with a boundary");
    let attach = iam.attach_user_policy().user_name("bounded");
    attach.policy_arn("arn:aws:iam::aws:policy/AdministratorAccess").send().await.unwrap();
    let created = iam.create_access_key().user_name("bounded").send().await.unwrap();
    let key = created.access_key().expect("a key");
    let config = signing_with(&emulator, key.access_key_id(), key.secret_access_key()).await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&config);

    dynamodb.list_tables().send().await.expect("both the policy and the boundary allow reads");
    let refused =
        failure(common::create_table(&dynamodb, "orders", "order_id").send().await.unwrap_err());
    assert_eq!(
        (refused.0.as_str(), refused.1.as_str(), refused.2),
        (
            "AccessDeniedException",
            format!(
                "User: arn:aws:iam::{ACCOUNT_ID}:user/bounded is not authorized to perform: \
                 dynamodb:CreateTable on resource: arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/\
                 orders because no permissions boundary allows the dynamodb:CreateTable action"
            )
            .as_str(),
            400
        )
    );

    // Without the boundary, the administrator's policy is all there is.
    let unbound = iam.delete_user_permissions_boundary().user_name("bounded").send().await;
    unbound.expect("DeleteUserPermissionsBoundary");
    common::create_table(&dynamodb, "orders", "order_id").send().await.expect("CreateTable");
    let user = iam.get_user().user_name("bounded").send().await.unwrap();
    assert!(user.user().and_then(|u| u.permissions_boundary()).is_none());

    let put = iam.put_user_permissions_boundary().user_name("bounded");
    put.permissions_boundary(boundary).send().await.expect("PutUserPermissionsBoundary");
    let user = iam.get_user().user_name("bounded").send().await.unwrap();
    let shown = user.user().and_then(|u| u.permissions_boundary());
    assert_eq!(shown.and_then(|b| b.permissions_boundary_arn()), Some(boundary));
    let refused = common::create_table(&dynamodb, "invoices", "invoice_id").send().await;
    assert_eq!(failure(refused.unwrap_err()).0, "AccessDeniedException");
    let missing = iam.put_user_permissions_boundary().user_name("bounded");
    let missing = missing.permissions_boundary("arn:aws:iam::aws:policy/NoSuchPolicy");
    let refused = failure(missing.send().await.unwrap_err());
    assert_eq!(
        (refused.0.as_str(), refused.1.as_str(), refused.2),
        (
            "NoSuchEntity",
            "Scope ARN: arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.",
            404
        )
    );
}
