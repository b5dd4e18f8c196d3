//! IAM under AWS's time, through the official SDK: a policy put on a role reaches the role's
//! sessions only once it has propagated, and one deleted keeps allowing until then; the same
//! for a user's key, with its groups' policies and its joining and leaving a group.

mod common;

use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use awslab_emulator::{ACCOUNT_ID, Clockwork, Emulator, EmulatorConfig, Timing};
use common::alarms::advance;
use common::sdk_config;

const REGION: &str = "ap-northeast-2";
const CREATE_GROUPS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:CreateLogGroup","Resource":"*"}]}"#;

/// A role the learner may assume, with no policy; answers an IAM client of the learner's and
/// a CloudWatch Logs client acting as a session of the role.
async fn role_and_session(
    emulator: &Emulator,
    role: &str,
) -> (aws_sdk_iam::Client, aws_sdk_cloudwatchlogs::Client) {
    let config = sdk_config(emulator, REGION).await;
    let iam = aws_sdk_iam::Client::new(&config);
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT_ID}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let created = iam.create_role().role_name(role).assume_role_policy_document(trust).send();
    let created = created.await.expect("CreateRole");
    let role_arn = created.role().map(|r| r.arn().to_string()).expect("role ARN");
    let session = common::iam::session(emulator, REGION, &role_arn, "learner").await;
    (iam, aws_sdk_cloudwatchlogs::Client::new(&session))
}

async fn create_group(logs: &aws_sdk_cloudwatchlogs::Client, name: &str) -> Result<(), String> {
    match logs.create_log_group().log_group_name(name).send().await {
        Ok(_) => Ok(()),
        Err(error) => Err(error.code().unwrap_or_default().to_string()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_policy_reaches_a_roles_sessions_only_once_it_has_propagated() {
    let config = EmulatorConfig {
        clockwork: Clockwork { timing: Timing::Aws, seed: 16 },
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let (iam, logs) = role_and_session(&emulator, "propagating").await;

    let put = iam.put_role_policy().role_name("propagating").policy_name("groups");
    put.policy_document(CREATE_GROUPS).send().await.expect("PutRolePolicy");
    assert_eq!(create_group(&logs, "/early").await, Err("AccessDeniedException".into()));
    advance(&emulator, 9).await;
    assert_eq!(create_group(&logs, "/later").await, Ok(()));

    let delete = iam.delete_role_policy().role_name("propagating").policy_name("groups");
    delete.send().await.expect("DeleteRolePolicy");
    assert_eq!(create_group(&logs, "/still").await, Ok(()), "the old policy still allows");
    advance(&emulator, 9).await;
    assert_eq!(create_group(&logs, "/gone").await, Err("AccessDeniedException".into()));
}

#[tokio::test(flavor = "multi_thread")]
async fn under_instant_timing_a_policy_applies_at_once() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.expect("the emulator starts");
    let (iam, logs) = role_and_session(&emulator, "instant").await;
    let put = iam.put_role_policy().role_name("instant").policy_name("groups");
    put.policy_document(CREATE_GROUPS).send().await.expect("PutRolePolicy");
    assert_eq!(create_group(&logs, "/at-once").await, Ok(()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_managed_policys_new_default_version_reaches_sessions_once_it_has_propagated() {
    let config = EmulatorConfig {
        clockwork: Clockwork { timing: Timing::Aws, seed: 16 },
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let (iam, logs) = role_and_session(&emulator, "versioned").await;
    let describe_only = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:DescribeLogGroups","Resource":"*"}]}"#;
    let policy = iam.create_policy().policy_name("groups").policy_document(describe_only).send();
    let policy_arn =
        policy.await.expect("CreatePolicy").policy().and_then(|p| p.arn()).map(str::to_string);
    let policy_arn = policy_arn.expect("the policy's ARN");
    let attach = iam.attach_role_policy().role_name("versioned").policy_arn(&policy_arn);
    attach.send().await.expect("AttachRolePolicy");
    advance(&emulator, 9).await;
    assert_eq!(create_group(&logs, "/v1").await, Err("AccessDeniedException".into()));

    let version = iam.create_policy_version().policy_arn(&policy_arn).set_as_default(true);
    version.policy_document(CREATE_GROUPS).send().await.expect("CreatePolicyVersion");
    assert_eq!(create_group(&logs, "/v2-early").await, Err("AccessDeniedException".into()));
    advance(&emulator, 9).await;
    assert_eq!(create_group(&logs, "/v2").await, Ok(()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_policys_entities_still_list_a_role_just_detached_until_it_has_propagated() {
    let config = EmulatorConfig {
        clockwork: Clockwork { timing: Timing::Aws, seed: 17 },
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let (iam, _) = role_and_session(&emulator, "detached").await;
    let policy = iam.create_policy().policy_name("lagging").policy_document(CREATE_GROUPS).send();
    let policy = policy.await.expect("CreatePolicy");
    let arn = policy.policy().and_then(|p| p.arn()).expect("the policy's ARN").to_string();
    iam.attach_role_policy().role_name("detached").policy_arn(&arn).send().await.expect("attach");
    let listed = || async {
        let entities = iam.list_entities_for_policy().policy_arn(&arn).send().await;
        let entities = entities.expect("ListEntitiesForPolicy");
        entities
            .policy_roles()
            .iter()
            .filter_map(|r| r.role_name())
            .map(str::to_string)
            .collect::<Vec<String>>()
    };
    assert_eq!(listed().await, ["detached"]);

    iam.detach_role_policy().role_name("detached").policy_arn(&arn).send().await.expect("detach");
    iam.delete_role().role_name("detached").send().await.expect("DeleteRole");
    assert_eq!(listed().await, ["detached"], "the detachment has not propagated yet");
    advance(&emulator, 9).await;
    assert_eq!(listed().await, Vec::<String>::new());
    iam.delete_policy().policy_arn(&arn).send().await.expect("DeletePolicy");
}

/// A user of the learner's with an access key; answers an IAM client of the learner's and a
/// CloudWatch Logs client signing with the user's key.
async fn user_and_key(
    emulator: &Emulator,
    user: &str,
) -> (aws_sdk_iam::Client, aws_sdk_cloudwatchlogs::Client) {
    let iam = aws_sdk_iam::Client::new(&sdk_config(emulator, REGION).await);
    iam.create_user().user_name(user).send().await.expect("CreateUser");
    let created = iam.create_access_key().user_name(user).send().await.expect("CreateAccessKey");
    let key = created.access_key().expect("a key");
    let as_user =
        common::signing_with(emulator, REGION, key.access_key_id(), key.secret_access_key()).await;
    (iam, aws_sdk_cloudwatchlogs::Client::new(&as_user))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_groups_policy_and_its_membership_reach_a_users_key_only_once_propagated() {
    let config = EmulatorConfig {
        clockwork: Clockwork { timing: Timing::Aws, seed: 16 },
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let (iam, logs) = user_and_key(&emulator, "propagating-user").await;
    iam.create_group().group_name("writers").send().await.expect("CreateGroup");
    let join = iam.add_user_to_group().group_name("writers").user_name("propagating-user");
    join.send().await.expect("AddUserToGroup");
    advance(&emulator, 9).await;

    let put = iam.put_group_policy().group_name("writers").policy_name("groups");
    put.policy_document(CREATE_GROUPS).send().await.expect("PutGroupPolicy");
    assert_eq!(create_group(&logs, "/early").await, Err("AccessDeniedException".into()));
    advance(&emulator, 9).await;
    assert_eq!(create_group(&logs, "/later").await, Ok(()));

    let leave = iam.remove_user_from_group().group_name("writers").user_name("propagating-user");
    leave.send().await.expect("RemoveUserFromGroup");
    assert_eq!(create_group(&logs, "/still").await, Ok(()), "the group still allows");
    advance(&emulator, 9).await;
    assert_eq!(create_group(&logs, "/gone").await, Err("AccessDeniedException".into()));
}
