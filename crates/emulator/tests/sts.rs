//! STS `AssumeRole` through the official SDK: who may assume which role, the credentials it
//! returns, and requests signed with them acting as the role session.

// `PackedPolicySize` is deprecated in the SDK's model but AWS still returns it.
#![allow(deprecated)]

mod common;

use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use awslab_emulator::{ACCOUNT_ID, Emulator};
use common::{sdk_config, start};
use std::time::{SystemTime, UNIX_EPOCH};

fn trust(principal: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}}"#
    )
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT_ID}:role/{name}")
}

async fn clients(emulator: &Emulator) -> (aws_sdk_iam::Client, aws_sdk_sts::Client) {
    let config = sdk_config(emulator, "ap-northeast-2").await;
    (aws_sdk_iam::Client::new(&config), aws_sdk_sts::Client::new(&config))
}

/// An STS client signing with temporary credentials.
async fn sts_with(
    emulator: &Emulator,
    keys: &aws_sdk_sts::types::Credentials,
) -> aws_sdk_sts::Client {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(emulator.endpoint())
        .region(aws_config::Region::new("ap-northeast-2"))
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            keys.access_key_id(),
            keys.secret_access_key(),
            Some(keys.session_token().to_string()),
            None,
            "assumed-role",
        ))
        .load()
        .await;
    aws_sdk_sts::Client::new(&config)
}

async fn create_role(
    iam: &aws_sdk_iam::Client,
    name: &str,
    trust: &str,
    max_duration: Option<i32>,
) {
    iam.create_role()
        .role_name(name)
        .assume_role_policy_document(trust)
        .set_max_session_duration(max_duration)
        .send()
        .await
        .expect("CreateRole");
}

fn failure<E: ProvideErrorMetadata>(error: SdkError<E, HttpResponse>) -> (String, String, u16) {
    let status = error.raw_response().map_or(0, |r| r.status().as_u16());
    (error.code().unwrap_or_default().into(), error.message().unwrap_or_default().into(), status)
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_learner_assumes_a_role_that_trusts_the_account_and_acts_as_it() {
    let emulator = start().await;
    let (iam, sts) = clients(&emulator).await;
    let root = format!(r#"{{"AWS":"arn:aws:iam::{ACCOUNT_ID}:root"}}"#);
    create_role(&iam, "lab-admin", &trust(&root), None).await;
    let role_id = iam
        .get_role()
        .role_name("lab-admin")
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .role_id()
        .to_string();

    let before = now_secs();
    let assumed = sts
        .assume_role()
        .role_arn(role_arn("lab-admin"))
        .role_session_name("student")
        .send()
        .await
        .expect("AssumeRole");
    let user = assumed.assumed_role_user().expect("the assumed-role user");
    assert_eq!(user.arn(), format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/lab-admin/student"));
    assert_eq!(user.assumed_role_id(), format!("{role_id}:student"));
    assert_eq!(assumed.packed_policy_size(), None, "only reported for session policies and tags");
    let keys = assumed.credentials().expect("credentials");
    assert!(keys.access_key_id().starts_with("ASIA") && keys.access_key_id().len() == 20);
    assert_eq!(keys.secret_access_key().len(), 40);
    assert!(keys.session_token().len() > 100);
    let expires = keys.expiration().secs();
    assert!((before + 3599..=now_secs() + 3601).contains(&expires), "{expires}");

    let identity = sts_with(&emulator, keys)
        .await
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    assert_eq!(identity.arn(), Some(user.arn()));
    assert_eq!(identity.user_id(), Some(format!("{role_id}:student").as_str()));
    assert_eq!(identity.account(), Some(ACCOUNT_ID));

    let role = iam.get_role().role_name("lab-admin").send().await.unwrap();
    let used = role.role().and_then(|r| r.role_last_used()).expect("RoleLastUsed");
    assert_eq!(used.region(), Some("ap-northeast-2"));
    assert!(used.last_used_date().is_some_and(|d| d.secs() >= before - 1));

    // The account id and `*` trust the learner too.
    for (name, principal) in [
        ("by-account", format!(r#"{{"AWS":"{ACCOUNT_ID}"}}"#)),
        ("anyone", r#"{"AWS":"*"}"#.to_string()),
    ] {
        create_role(&iam, name, &trust(&principal), None).await;
        sts.assume_role()
            .role_arn(role_arn(name))
            .role_session_name("s1")
            .send()
            .await
            .expect(name);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lambda_only_role_and_a_missing_role_refuse_the_learner() {
    let emulator = start().await;
    let (iam, sts) = clients(&emulator).await;
    create_role(
        &iam,
        "aws-lab-dynamodb-role",
        &trust(r#"{"Service":"lambda.amazonaws.com"}"#),
        None,
    )
    .await;
    for name in ["aws-lab-dynamodb-role", "no-such-role"] {
        let error = sts
            .assume_role()
            .role_arn(role_arn(name))
            .role_session_name("student")
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            failure(error),
            (
                "AccessDenied".to_string(),
                format!(
                    "User: arn:aws:iam::{ACCOUNT_ID}:root is not authorized to perform: \
                     sts:AssumeRole on resource: arn:aws:iam::{ACCOUNT_ID}:role/{name}"
                ),
                403
            )
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn durations_arns_and_session_names_are_checked_like_aws() {
    let emulator = start().await;
    let (iam, sts) = clients(&emulator).await;
    let anyone = trust(r#"{"AWS":"*"}"#);
    create_role(&iam, "one-hour", &anyone, None).await;
    create_role(&iam, "two-hours", &anyone, Some(7200)).await;
    let assume = |arn: String, session: &str, duration: Option<i32>| {
        sts.assume_role()
            .role_arn(arn)
            .role_session_name(session)
            .set_duration_seconds(duration)
            .send()
    };

    let cases = [
        (
            role_arn("one-hour"),
            "s1",
            Some(899),
            "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
        ),
        (
            role_arn("one-hour"),
            "s1",
            Some(43201),
            "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
        ),
        (
            role_arn("one-hour"),
            "s1",
            Some(7200),
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ),
        (
            role_arn("one-hour"),
            "Session1:2",
            None,
            "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        ),
        ("nothing-valid-in-here".to_string(), "s1", None, "nothing-valid-in-here is invalid"),
        (
            "arn:a:::something/test-role".to_string(),
            "s1",
            None,
            "arn:a:::something/test-role is invalid",
        ),
    ];
    for (arn, session, duration, message) in cases {
        let error = assume(arn, session, duration).await.unwrap_err();
        assert_eq!(failure(error), ("ValidationError".to_string(), message.to_string(), 400));
    }

    let long =
        assume(role_arn("two-hours"), "s1", Some(7200)).await.expect("within MaxSessionDuration");
    let expires = long.credentials().unwrap().expiration().secs();
    assert!((now_secs() + 7190..=now_secs() + 7201).contains(&expires), "{expires}");

    let tagged = sts
        .assume_role()
        .role_arn(role_arn("one-hour"))
        .role_session_name("tagged")
        .tags(
            aws_sdk_sts::types::Tag::builder().key("lab").value("serverless-api").build().unwrap(),
        )
        .send()
        .await
        .expect("with a session tag");
    assert!(tagged.packed_policy_size().is_some_and(|size| (1..=100).contains(&size)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_role_session_can_assume_a_role_that_trusts_its_role() {
    let emulator = start().await;
    let (iam, sts) = clients(&emulator).await;
    create_role(&iam, "first", &trust(r#"{"AWS":"*"}"#), None).await;
    let second_trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{}"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"lab-42"}}}}}}]}}"#,
        role_arn("first")
    );
    create_role(&iam, "second", &second_trust, Some(7200)).await;

    let first = sts
        .assume_role()
        .role_arn(role_arn("first"))
        .role_session_name("hop1")
        .send()
        .await
        .unwrap();
    let as_first = sts_with(&emulator, first.credentials().unwrap()).await;
    let second = as_first
        .assume_role()
        .role_arn(role_arn("second"))
        .role_session_name("hop2")
        .external_id("lab-42")
        .send()
        .await
        .expect("the first role may assume the second");
    let identity = sts_with(&emulator, second.credentials().unwrap())
        .await
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/second/hop2").as_str())
    );

    let wrong_id = as_first
        .assume_role()
        .role_arn(role_arn("second"))
        .role_session_name("hop2")
        .external_id("nope")
        .send()
        .await;
    assert_eq!(failure(wrong_id.unwrap_err()).0, "AccessDenied");
    let error = as_first
        .assume_role()
        .role_arn(role_arn("second"))
        .role_session_name("hop2")
        .external_id("lab-42")
        .duration_seconds(7200)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error).1,
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    );
    let learner = sts
        .assume_role()
        .role_arn(role_arn("second"))
        .role_session_name("s1")
        .external_id("lab-42")
        .send()
        .await;
    let (code, message, _) = failure(learner.unwrap_err());
    assert_eq!(code, "AccessDenied");
    assert!(
        message.starts_with(&format!("User: arn:aws:iam::{ACCOUNT_ID}:root is not authorized"))
    );
}
