//! IAM managed policies through the official Rust SDK: AWS managed policies with their real
//! documents, customer policies, versions, and the errors AWS gives for each mistake.

mod common;

use aws_sdk_iam::types::PolicyScopeType;
use awslab_emulator::ACCOUNT_ID;
use common::iam::{LAMBDA_TRUST, PUT_ITEM_POLICY, client as iam, decoded, failure};
use common::start;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn aws_managed_policies_are_listed_with_their_real_documents() {
    let emulator = start().await;
    let iam = iam(&emulator).await;
    let basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

    let listed =
        iam.list_policies().scope(PolicyScopeType::Aws).send().await.expect("ListPolicies");
    let all_aws: Vec<String> =
        listed.policies().iter().filter_map(|p| p.policy_name().map(str::to_string)).collect();
    assert!(all_aws.contains(&"AmazonDynamoDBFullAccess".to_string()), "{all_aws:?}");
    let lambda_basic = listed
        .policies()
        .iter()
        .find(|p| p.arn() == Some(basic))
        .expect("AWSLambdaBasicExecutionRole is listed");
    assert_eq!(lambda_basic.policy_id(), Some("ANPAJNCQGXC42545SKXIK"));
    assert_eq!(lambda_basic.path(), Some("/service-role/"));
    assert_eq!(lambda_basic.default_version_id(), Some("v1"));
    assert_eq!(lambda_basic.description(), None, "ListPolicies leaves descriptions out");
    assert_eq!(lambda_basic.create_date().map(|d| d.secs()), Some(1_428_591_823));

    let got = iam.get_policy().policy_arn(basic).send().await.expect("GetPolicy");
    assert_eq!(
        got.policy().and_then(|p| p.description()),
        Some("Provides write permissions to CloudWatch Logs.")
    );
    let version =
        iam.get_policy_version().policy_arn(basic).version_id("v1").send().await.expect("v1");
    let document = decoded(version.policy_version().and_then(|v| v.document()).expect("document"));
    assert_eq!(
        document,
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
            "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]})
    );

    // Pages of three cover the same list, in the same order.
    let mut paged = Vec::new();
    let mut marker = None;
    loop {
        let page = iam
            .list_policies()
            .scope(PolicyScopeType::Aws)
            .max_items(3)
            .set_marker(marker.clone())
            .send()
            .await
            .expect("a page");
        paged.extend(page.policies().iter().filter_map(|p| p.policy_name().map(str::to_string)));
        if !page.is_truncated() {
            assert_eq!(page.marker(), None);
            break;
        }
        marker = page.marker().map(str::to_string);
    }
    assert_eq!(paged, all_aws);

    let service_roles =
        iam.list_policies().path_prefix("/service-role/").send().await.expect("by path");
    assert!(service_roles.policies().iter().all(|p| p.path() == Some("/service-role/")));
    assert!(!service_roles.policies().is_empty());

    // Local has none yet; OnlyAttached follows attachments of AWS policies too.
    let local = iam.list_policies().scope(PolicyScopeType::Local).send().await.unwrap();
    assert!(local.policies().is_empty());
    iam.create_role()
        .role_name("logs-role")
        .assume_role_policy_document(LAMBDA_TRUST)
        .send()
        .await
        .unwrap();
    iam.attach_role_policy().role_name("logs-role").policy_arn(basic).send().await.unwrap();
    let attached = iam.list_policies().only_attached(true).send().await.unwrap();
    let names: Vec<_> = attached.policies().iter().filter_map(|p| p.policy_name()).collect();
    assert_eq!(names, ["AWSLambdaBasicExecutionRole"]);
    assert_eq!(attached.policies()[0].attachment_count(), Some(1));

    // AWS's own policies cannot be changed.
    let error = iam.delete_policy().policy_arn(basic).send().await.unwrap_err();
    assert_eq!(
        failure(error),
        ("AccessDenied".into(), "Cannot delete policies outside your own account.".into(), 403)
    );
    let error = iam
        .get_policy()
        .policy_arn("arn:aws:iam::aws:policy/NoSuchManagedPolicy")
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).0, "NoSuchEntity");
}

#[tokio::test(flavor = "multi_thread")]
async fn policy_mistakes_and_versions_get_aws_answers() {
    let emulator = start().await;
    let iam = iam(&emulator).await;
    let arn = format!("arn:aws:iam::{ACCOUNT_ID}:policy/lab/putitem");
    let created = iam
        .create_policy()
        .policy_name("putitem")
        .path("/lab/")
        .description("only PutItem")
        .policy_document(PUT_ITEM_POLICY)
        .send()
        .await
        .expect("CreatePolicy");
    assert_eq!(created.policy().and_then(|p| p.arn()), Some(arn.as_str()));
    assert_eq!(created.policy().and_then(|p| p.description()), None, "CreatePolicy leaves it out");
    let got = iam.get_policy().policy_arn(&arn).send().await.unwrap();
    assert_eq!(got.policy().and_then(|p| p.description()), Some("only PutItem"));

    let malformed = |document: &'static str| {
        iam.create_policy().policy_name("other").policy_document(document).send()
    };
    let cases: [(&str, &str); 6] = [
        ("{\"Version\": \"2012-10-17\",", "Syntax errors in policy."),
        (r#"{"Version":"2012-10-17"}"#, "Syntax errors in policy."),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"dynamodb:PutItem","Resource":"*"}]}"#,
            "Syntax errors in policy.",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*"}]}"#,
            "Policy document must be version 2012-10-17 or greater.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:PutItem"}]}"#,
            "Policy statement must contain resources.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"PutItem","Resource":"*"}]}"#,
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ),
    ];
    for (document, message) in cases {
        let error = malformed(document).await.unwrap_err();
        assert_eq!(
            failure(error),
            ("MalformedPolicyDocument".into(), message.into(), 400),
            "{document}"
        );
    }
    let error =
        iam.create_policy().policy_name("putitem").policy_document(PUT_ITEM_POLICY).send().await;
    assert_eq!(
        failure(error.unwrap_err()),
        (
            "EntityAlreadyExists".into(),
            "A policy called putitem already exists. Duplicate names are not allowed.".into(),
            409
        )
    );

    // Versions: v2..v5, then the sixth is refused.
    for n in 2..=5 {
        let document = PUT_ITEM_POLICY.replace("PutItem", &format!("PutItem{n}"));
        let version = iam
            .create_policy_version()
            .policy_arn(&arn)
            .policy_document(document)
            .set_as_default(n == 3)
            .send()
            .await
            .expect("CreatePolicyVersion");
        let version = version.policy_version().expect("a version");
        assert_eq!(version.version_id(), Some(format!("v{n}").as_str()));
        assert_eq!(version.is_default_version(), n == 3);
        assert_eq!(version.document(), None, "CreatePolicyVersion leaves the document out");
    }
    let error =
        iam.create_policy_version().policy_arn(&arn).policy_document(PUT_ITEM_POLICY).send().await;
    assert_eq!(
        failure(error.unwrap_err()),
        ("LimitExceeded".into(), "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.".into(), 409)
    );
    let versions = iam.list_policy_versions().policy_arn(&arn).send().await.unwrap();
    let listed: Vec<_> = versions
        .versions()
        .iter()
        .map(|v| (v.version_id().unwrap_or_default(), v.is_default_version()))
        .collect();
    assert_eq!(listed, [("v5", false), ("v4", false), ("v3", true), ("v2", false), ("v1", false)]);
    assert_eq!(
        iam.get_policy()
            .policy_arn(&arn)
            .send()
            .await
            .unwrap()
            .policy()
            .and_then(|p| p.default_version_id()),
        Some("v3")
    );

    let error = iam.delete_policy_version().policy_arn(&arn).version_id("v3").send().await;
    assert_eq!(
        failure(error.unwrap_err()),
        ("DeleteConflict".into(), "Cannot delete the default version of a policy.".into(), 409)
    );
    let error = iam.get_policy_version().policy_arn(&arn).version_id("v9").send().await;
    assert_eq!(
        failure(error.unwrap_err()),
        (
            "NoSuchEntity".into(),
            format!("Policy {arn} version v9 does not exist or is not attachable."),
            404
        )
    );
    let error = iam.get_policy_version().policy_arn(&arn).version_id("1").send().await;
    assert_eq!(
        failure(error.unwrap_err()).1,
        "1 validation error detected: Value at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?"
    );

    let error = iam.delete_policy().policy_arn(&arn).send().await;
    assert_eq!(failure(error.unwrap_err()).0, "DeleteConflict");
    iam.set_default_policy_version().policy_arn(&arn).version_id("v1").send().await.unwrap();
    for version in ["v2", "v3", "v4", "v5"] {
        iam.delete_policy_version().policy_arn(&arn).version_id(version).send().await.unwrap();
    }
    let next = iam
        .create_policy_version()
        .policy_arn(&arn)
        .policy_document(PUT_ITEM_POLICY)
        .send()
        .await
        .unwrap();
    assert_eq!(
        next.policy_version().and_then(|v| v.version_id()),
        Some("v6"),
        "numbers are not reused"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn policy_tags_and_permissions_boundaries() {
    let emulator = start().await;
    let iam = iam(&emulator).await;
    let tag = |key: &str, value: &str| {
        aws_sdk_iam::types::Tag::builder().key(key).value(value).build().expect("a tag")
    };
    let created = iam
        .create_policy()
        .policy_name("boundary")
        .policy_document(PUT_ITEM_POLICY)
        .tags(tag("a", "lower"))
        .tags(tag("A", "upper"))
        .send()
        .await
        .expect("policy tag keys are case sensitive");
    let arn = created.policy().and_then(|p| p.arn()).expect("an ARN").to_string();
    iam.tag_policy().policy_arn(&arn).tags(tag("a", "changed")).send().await.expect("TagPolicy");
    iam.untag_policy().policy_arn(&arn).tag_keys("A").send().await.expect("UntagPolicy");
    let tags = iam.list_policy_tags().policy_arn(&arn).send().await.expect("ListPolicyTags");
    let tags: Vec<_> = tags.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("a", "changed")]);
    let error = iam
        .create_policy()
        .policy_name("dupes")
        .policy_document(PUT_ITEM_POLICY)
        .tags(tag("k", "1"))
        .tags(tag("k", "2"))
        .send()
        .await;
    assert_eq!(
        failure(error.unwrap_err()),
        ("InvalidInput".into(), "Duplicate tag keys found.".into(), 400)
    );

    iam.create_role()
        .role_name("bounded")
        .assume_role_policy_document(LAMBDA_TRUST)
        .permissions_boundary(&arn)
        .send()
        .await
        .expect("CreateRole with a boundary");
    let role = iam.get_role().role_name("bounded").send().await.unwrap();
    let boundary = role.role().and_then(|r| r.permissions_boundary()).expect("a boundary");
    assert_eq!(boundary.permissions_boundary_arn(), Some(arn.as_str()));
    let policy = iam.get_policy().policy_arn(&arn).send().await.unwrap();
    assert_eq!(policy.policy().and_then(|p| p.permissions_boundary_usage_count()), Some(1));
    let error = iam.delete_policy().policy_arn(&arn).send().await.unwrap_err();
    assert_eq!(failure(error).1, "Cannot delete a policy attached to entities.");

    let not_a_policy = format!("arn:aws:iam::{ACCOUNT_ID}:not_a_policy/invalid");
    let error = iam
        .put_role_permissions_boundary()
        .role_name("bounded")
        .permissions_boundary(&not_a_policy)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        ("InvalidInput".into(), format!("ARN {not_a_policy} is not valid."), 400)
    );
    let missing = format!("arn:aws:iam::{ACCOUNT_ID}:policy/nonexistent-policy");
    let error = iam
        .put_role_permissions_boundary()
        .role_name("bounded")
        .permissions_boundary(&missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        (
            "NoSuchEntity".into(),
            format!("Scope ARN: {missing} does not exist or is not attachable."),
            404
        )
    );
    iam.delete_role_permissions_boundary().role_name("bounded").send().await.unwrap();
    let role = iam.get_role().role_name("bounded").send().await.unwrap();
    assert!(role.role().and_then(|r| r.permissions_boundary()).is_none());
    iam.delete_policy().policy_arn(&arn).send().await.expect("no longer in use");
}
