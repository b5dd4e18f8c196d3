//! Who may use CloudWatch Logs, and where its data lives: role sessions refused with AWS's
//! words, Lambda's `append`, restarts on the same data folder, a corrupt file, and the control
//! endpoints' resets and snapshots.

mod common;

use aws_sdk_cloudwatchlogs::Client;
use awslab_emulator::services::logs::{LogEvent, LogStore};
use awslab_emulator::{ACCOUNT_ID, Emulator, EmulatorConfig};
use common::logs::*;
use common::{sdk_config, start};

/// A role the learner may assume, with `managed` attached and `inline` as an inline policy;
/// a CloudWatch Logs client acting as a session of it named `addCustomer`.
async fn session_client(
    emulator: &Emulator,
    role: &str,
    managed: Option<&str>,
    inline: Option<&str>,
) -> Client {
    let config = sdk_config(emulator, REGION).await;
    let iam = aws_sdk_iam::Client::new(&config);
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT_ID}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let created =
        iam.create_role().role_name(role).assume_role_policy_document(trust).send().await.unwrap();
    if let Some(arn) = managed {
        iam.attach_role_policy().role_name(role).policy_arn(arn).send().await.unwrap();
    }
    if let Some(document) = inline {
        iam.put_role_policy()
            .role_name(role)
            .policy_name("logs")
            .policy_document(document)
            .send()
            .await
            .unwrap();
    }
    let role_arn = created.role().unwrap().arn().to_string();
    Client::new(&common::iam::session(emulator, REGION, &role_arn, "addCustomer").await)
}

fn denied(role: &str, action: &str, resource: &str) -> (String, String, u16) {
    (
        "AccessDeniedException".into(),
        format!(
            "User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/addCustomer is not authorized \
             to perform: {action} on resource: {resource} because no identity-based policy \
             allows the {action} action"
        ),
        400,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lambda_role_may_write_its_logs_and_nothing_more() {
    let emulator = start().await;
    let basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    let role = "aws-lab-lambda-role";
    let logs = session_client(&emulator, role, Some(basic), None).await;
    create_group_and_stream(&logs, GROUP, STREAM).await;
    put(&logs, GROUP, STREAM, vec![event(now_ms(), "START RequestId: 1")]).await;

    let read = logs.get_log_events().log_group_name(GROUP).log_stream_name(STREAM).send().await;
    assert_eq!(
        failure(read.unwrap_err()),
        denied(role, "logs:GetLogEvents", &format!("{}:log-stream:{STREAM}", group_arn(GROUP)))
    );
    let list = logs.describe_log_groups().send().await;
    assert_eq!(
        failure(list.unwrap_err()),
        denied(role, "logs:DescribeLogGroups", &format!("{}:log-stream:", group_arn("")))
    );
    let tagged =
        logs.create_log_group().log_group_name("/aws/lambda/tagged").tags("k", "v").send().await;
    assert_eq!(
        failure(tagged.unwrap_err()),
        (
            "AccessDeniedException".into(),
            format!(
                "User with accountId: {ACCOUNT_ID} is not authorized to perform CreateLogGroup \
                 with Tags. An additional permission \"logs:TagResource\" is required."
            ),
            400
        )
    );
    // The learner reads what the role wrote.
    let admin = client(&emulator).await;
    assert_eq!(messages(&admin, GROUP, STREAM).await, ["START RequestId: 1"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_policy_scoped_to_one_group_allows_that_group_only() {
    let emulator = start().await;
    let admin = client(&emulator).await;
    create_group_and_stream(&admin, GROUP, STREAM).await;
    create_group_and_stream(&admin, "/aws/lambda/other", STREAM).await;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["logs:GetLogEvents","logs:FilterLogEvents","logs:PutLogEvents"],"Resource":"{}:*"}}]}}"#,
        group_arn(GROUP)
    );
    let role = "reader-role";
    let logs = session_client(&emulator, role, None, Some(&policy)).await;
    put(&logs, GROUP, STREAM, vec![event(now_ms(), "allowed")]).await;
    assert_eq!(messages(&logs, GROUP, STREAM).await, ["allowed"]);
    logs.filter_log_events().log_group_name(GROUP).send().await.expect("FilterLogEvents");
    let other = logs.filter_log_events().log_group_name("/aws/lambda/other").send().await;
    assert_eq!(
        failure(other.unwrap_err()),
        denied(
            role,
            "logs:FilterLogEvents",
            &format!("{}:log-stream:", group_arn("/aws/lambda/other"))
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn appended_events_are_served_and_survive_a_restart() {
    let folder = tempfile::tempdir().unwrap();
    let now = now_ms();
    // What Lambda does after an invocation, before any group or stream exists.
    let store = LogStore::open(folder.path()).expect("the store opens");
    let lines = [
        LogEvent { timestamp: now, message: "START RequestId: 1 Version: $LATEST\n".into() },
        LogEvent { timestamp: now + 1, message: "END RequestId: 1\n".into() },
    ];
    store.append(REGION, GROUP, STREAM, &lines, now).expect("append");
    drop(store);

    let config = EmulatorConfig { data_dir: Some(folder.path().into()), ..Default::default() };
    let emulator = Emulator::start(config.clone()).await.unwrap();
    let logs = client(&emulator).await;
    assert_eq!(
        messages(&logs, GROUP, STREAM).await,
        ["START RequestId: 1 Version: $LATEST\n", "END RequestId: 1\n"]
    );
    let group = &logs.describe_log_groups().send().await.unwrap().log_groups()[0].clone();
    assert_eq!(group.creation_time(), Some(now));
    assert!(group.stored_bytes().is_some_and(|bytes| bytes > 0));
    logs.create_log_stream().log_group_name(GROUP).log_stream_name("second").send().await.unwrap();
    put(&logs, GROUP, "second", vec![event(now_ms(), "kept across the restart")]).await;
    emulator.shutdown().await;

    let emulator = Emulator::start(config).await.unwrap();
    let logs = client(&emulator).await;
    assert_eq!(messages(&logs, GROUP, "second").await, ["kept across the restart"]);
    assert_eq!(messages(&logs, GROUP, STREAM).await.len(), 2);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_logs_file_is_set_aside_and_the_start_goes_on_without_it() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("logs.sqlite3");
    std::fs::write(&path, vec![b'#'; 8192]).unwrap();
    let config = EmulatorConfig { data_dir: Some(folder.path().into()), ..Default::default() };
    let emulator = Emulator::start(config).await.expect("a damaged file is set aside");
    let notices = emulator.notices();
    let [notice] = notices.as_slice() else { panic!("one sentence: {notices:?}") };
    assert!(notice.starts_with(&format!("{} is damaged (", path.display())), "{notice}");
    let moved = std::fs::read_dir(folder.path())
        .unwrap()
        .flatten()
        .find(|entry| entry.file_name().to_string_lossy().starts_with("logs.sqlite3.damaged-"))
        .expect("the file is kept beside");
    assert_eq!(std::fs::read(moved.path()).unwrap(), vec![b'#'; 8192]);
    assert_eq!(group_names(&client(&emulator).await).await, Vec::<String>::new());
    emulator.shutdown().await;
}

async fn control(emulator: &Emulator, path: &str) -> common::RawResponse {
    common::send(emulator.port(), "POST", path, &[common::token(emulator)], b"").await
}

async fn group_names(logs: &Client) -> Vec<String> {
    let groups = logs.describe_log_groups().send().await.unwrap();
    groups.log_groups().iter().filter_map(|g| g.log_group_name().map(str::to_string)).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn resets_and_snapshots_cover_log_groups_and_events() {
    let folder = tempfile::tempdir().unwrap();
    let config = EmulatorConfig { data_dir: Some(folder.path().into()), ..Default::default() };
    let emulator = Emulator::start(config).await.unwrap();
    let logs = client(&emulator).await;
    create_group_and_stream(&logs, GROUP, STREAM).await;
    put(&logs, GROUP, STREAM, vec![event(now_ms(), "before the snapshot")]).await;
    logs.create_log_group()
        .log_group_name("/lab/tagged")
        .tags("awslab:lab", "serverless-api")
        .send()
        .await
        .unwrap();

    let saved = control(&emulator, "/_awslab/snapshots/step-2").await;
    assert_eq!(saved.status, 201, "{}", saved.body);
    put(&logs, GROUP, STREAM, vec![event(now_ms(), "after the snapshot")]).await;
    logs.create_log_group().log_group_name("/later").send().await.unwrap();
    let restored = control(&emulator, "/_awslab/snapshots/step-2/restore").await;
    assert_eq!(restored.status, 200, "{}", restored.body);
    assert_eq!(group_names(&logs).await, [GROUP, "/lab/tagged"]);
    assert_eq!(messages(&logs, GROUP, STREAM).await, ["before the snapshot"]);

    let lab = control(&emulator, "/_awslab/reset?lab=serverless-api").await;
    assert_eq!(lab.status, 200, "{}", lab.body);
    assert!(lab.body.contains(&group_arn("/lab/tagged")), "{}", lab.body);
    assert_eq!(group_names(&logs).await, [GROUP]);

    let all = control(&emulator, "/_awslab/reset").await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert!(group_names(&logs).await.is_empty());
    // The snapshot taken before the reset still brings everything back.
    control(&emulator, "/_awslab/snapshots/step-2/restore").await;
    assert_eq!(messages(&logs, GROUP, STREAM).await, ["before the snapshot"]);
    emulator.shutdown().await;
}
