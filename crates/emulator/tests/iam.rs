//! IAM roles through the official Rust SDK: the `serverless-api` lab's calls, inline policies,
//! tags, updates, and the errors AWS gives for each mistake. Managed policies and versions are
//! in `iam_policies.rs`.

mod common;

use aws_sdk_iam::types::Tag;
use awslab_emulator::ACCOUNT_ID;
use common::iam::{LAMBDA_TRUST, PUT_ITEM_POLICY, client as iam, decoded, failure};
use common::start;
use serde_json::Value;

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build().expect("a tag")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_serverless_api_lab_creates_its_policy_and_role_and_reads_them_back() {
    let emulator = start().await;
    let iam = iam(&emulator).await;

    let created = iam
        .create_policy()
        .policy_name("aws-lab-dynamodb-putitem-policy")
        .policy_document(PUT_ITEM_POLICY)
        .send()
        .await
        .expect("CreatePolicy");
    let policy = created.policy().expect("a policy");
    let policy_arn = format!("arn:aws:iam::{ACCOUNT_ID}:policy/aws-lab-dynamodb-putitem-policy");
    assert_eq!(policy.arn(), Some(policy_arn.as_str()));
    assert_eq!(policy.default_version_id(), Some("v1"));
    assert_eq!(policy.attachment_count(), Some(0));
    assert_eq!(policy.permissions_boundary_usage_count(), Some(0));
    assert!(policy.is_attachable());
    assert_eq!(policy.path(), Some("/"));
    let policy_id = policy.policy_id().expect("an id");
    assert!(policy_id.starts_with("ANPA") && policy_id.len() == 21, "{policy_id}");

    let role = iam
        .create_role()
        .role_name("aws-lab-dynamodb-role")
        .assume_role_policy_document(LAMBDA_TRUST)
        .send()
        .await
        .expect("CreateRole");
    let role = role.role().expect("a role");
    assert_eq!(role.arn(), format!("arn:aws:iam::{ACCOUNT_ID}:role/aws-lab-dynamodb-role"));
    assert_eq!(role.path(), "/");
    assert!(role.role_id().starts_with("AROA") && role.role_id().len() == 21);
    assert!(role.role_id()[4..].bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));

    iam.attach_role_policy()
        .role_name("aws-lab-dynamodb-role")
        .policy_arn(&policy_arn)
        .send()
        .await
        .expect("AttachRolePolicy");
    // Attaching again changes nothing, as on AWS.
    iam.attach_role_policy()
        .role_name("aws-lab-dynamodb-role")
        .policy_arn(&policy_arn)
        .send()
        .await
        .expect("AttachRolePolicy again");

    let got = iam.get_role().role_name("aws-lab-dynamodb-role").send().await.expect("GetRole");
    let got = got.role().expect("a role");
    let document = got.assume_role_policy_document().expect("a trust policy");
    assert!(document.starts_with("%7B%22Version%22%3A%222012-10-17%22"), "{document}");
    assert_eq!(decoded(document), serde_json::from_str::<Value>(LAMBDA_TRUST).unwrap());
    assert_eq!(got.max_session_duration(), Some(3600));
    assert!(got.role_last_used().is_some_and(|used| used.last_used_date().is_none()));

    let attached = iam
        .list_attached_role_policies()
        .role_name("aws-lab-dynamodb-role")
        .send()
        .await
        .expect("ListAttachedRolePolicies");
    let attached: Vec<_> = attached
        .attached_policies()
        .iter()
        .map(|p| (p.policy_name().unwrap_or_default(), p.policy_arn().unwrap_or_default()))
        .collect();
    assert_eq!(attached, [("aws-lab-dynamodb-putitem-policy", policy_arn.as_str())]);

    let policy = iam.get_policy().policy_arn(&policy_arn).send().await.expect("GetPolicy");
    assert_eq!(policy.policy().and_then(|p| p.attachment_count()), Some(1));
    let version = iam
        .get_policy_version()
        .policy_arn(&policy_arn)
        .version_id("v1")
        .send()
        .await
        .expect("GetPolicyVersion");
    let version = version.policy_version().expect("a version");
    assert!(version.is_default_version());
    let document = decoded(version.document().expect("a document"));
    assert_eq!(document["Statement"][0]["Action"], "dynamodb:PutItem");
    assert_eq!(document, serde_json::from_str::<Value>(PUT_ITEM_POLICY).unwrap());

    let entities = iam.list_entities_for_policy().policy_arn(&policy_arn).send().await.unwrap();
    assert_eq!(entities.policy_roles()[0].role_name(), Some("aws-lab-dynamodb-role"));

    // Deleting in the wrong order fails as it does on AWS; in the right order it works.
    let error = iam.delete_role().role_name("aws-lab-dynamodb-role").send().await.unwrap_err();
    assert_eq!(
        failure(error),
        (
            "DeleteConflict".into(),
            "Cannot delete entity, must detach all policies first.".into(),
            409
        )
    );
    let error = iam.delete_policy().policy_arn(&policy_arn).send().await.unwrap_err();
    assert_eq!(
        failure(error),
        ("DeleteConflict".into(), "Cannot delete a policy attached to entities.".into(), 409)
    );
    iam.detach_role_policy()
        .role_name("aws-lab-dynamodb-role")
        .policy_arn(&policy_arn)
        .send()
        .await
        .expect("DetachRolePolicy");
    let error = iam
        .detach_role_policy()
        .role_name("aws-lab-dynamodb-role")
        .policy_arn(&policy_arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        ("NoSuchEntity".into(), format!("Policy {policy_arn} was not found."), 404)
    );
    iam.delete_role().role_name("aws-lab-dynamodb-role").send().await.expect("DeleteRole");
    iam.delete_policy().policy_arn(&policy_arn).send().await.expect("DeletePolicy");
    let error = iam.get_role().role_name("aws-lab-dynamodb-role").send().await.unwrap_err();
    assert_eq!(
        failure(error),
        (
            "NoSuchEntity".into(),
            "The role with name aws-lab-dynamodb-role cannot be found.".into(),
            404
        )
    );
    let error = iam.get_policy().policy_arn(&policy_arn).send().await.unwrap_err();
    assert_eq!(
        failure(error),
        ("NoSuchEntity".into(), format!("Policy {policy_arn} was not found."), 404)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn role_mistakes_get_aws_errors() {
    let emulator = start().await;
    let iam = iam(&emulator).await;
    let create = |name: &str, trust: &str| {
        iam.create_role().role_name(name).assume_role_policy_document(trust).send()
    };
    create("lab-role", LAMBDA_TRUST).await.expect("CreateRole");

    let long_name = "r".repeat(65);
    let cases: Vec<(&str, &str, (&str, String, u16))> = vec![
        ("lab-role", LAMBDA_TRUST, ("EntityAlreadyExists", "Role with name lab-role already exists.".into(), 409)),
        ("LAB-ROLE", LAMBDA_TRUST, ("EntityAlreadyExists", "Role with name LAB-ROLE already exists.".into(), 409)),
        ("a b", LAMBDA_TRUST, ("ValidationError", "1 validation error detected: Value at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+".into(), 400)),
        (long_name.as_str(), LAMBDA_TRUST, ("ValidationError", "1 validation error detected: Value at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64".into(), 400)),
        ("json", "{\"Version\": ", ("MalformedPolicyDocument", "This policy contains invalid Json".into(), 400)),
        ("resource", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}"#,
            ("MalformedPolicyDocument", "Has prohibited field Resource".into(), 400)),
        ("noprincipal", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#,
            ("MalformedPolicyDocument", "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!".into(), 400)),
        ("typo", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda"},"Action":"sts:AssumeRole"}]}"#,
            ("MalformedPolicyDocument", "Invalid principal in policy: \"SERVICE\":\"lambda\"".into(), 400)),
        ("action", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"dynamodb:PutItem"}]}"#,
            ("MalformedPolicyDocument", "AssumeRole policy may only specify STS AssumeRole actions.".into(), 400)),
    ];
    for (name, trust, (code, message, status)) in cases {
        let error = create(name, trust).await.unwrap_err();
        assert_eq!(failure(error), (code.to_string(), message, status), "{name}");
    }

    let error = iam
        .create_role()
        .role_name("bad-path")
        .path("service-role")
        .max_session_duration(60)
        .assume_role_policy_document(LAMBDA_TRUST)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error).1,
        "2 validation errors detected: Value at 'path' failed to satisfy constraint: Member must \
         satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F); Value at \
         'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or \
         equal to 3600"
    );

    for error in [
        failure(iam.get_role().role_name("missing").send().await.unwrap_err()),
        failure(iam.delete_role().role_name("missing").send().await.unwrap_err()),
        failure(
            iam.attach_role_policy()
                .role_name("missing")
                .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
                .send()
                .await
                .unwrap_err(),
        ),
    ] {
        assert_eq!(
            error,
            ("NoSuchEntity".into(), "The role with name missing cannot be found.".into(), 404)
        );
    }

    let missing_policy =
        format!("arn:aws:iam::{ACCOUNT_ID}:policy/aws-lab-dynamodb-putitem-policy");
    let error =
        iam.attach_role_policy().role_name("lab-role").policy_arn(&missing_policy).send().await;
    assert_eq!(
        failure(error.unwrap_err()),
        (
            "NoSuchEntity".into(),
            format!("Policy {missing_policy} does not exist or is not attachable."),
            404
        )
    );
    let error = iam
        .attach_role_policy()
        .role_name("lab-role")
        .policy_arn("aws-lab-dynamodb-putitem-policy")
        .send()
        .await;
    assert_eq!(
        failure(error.unwrap_err()),
        ("ValidationError".into(), "ARN aws-lab-dynamodb-putitem-policy is not valid.".into(), 400)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn inline_policies_tags_and_updates() {
    let emulator = start().await;
    let iam = iam(&emulator).await;
    iam.create_role()
        .role_name("lab-role")
        .path("/labs/")
        .description("for the lab")
        .max_session_duration(7200)
        .assume_role_policy_document(LAMBDA_TRUST)
        .tags(tag("awslab:lab", "serverless-api"))
        .tags(tag("team", "a"))
        .send()
        .await
        .expect("CreateRole");

    iam.put_role_policy()
        .role_name("lab-role")
        .policy_name("put-item")
        .policy_document(PUT_ITEM_POLICY)
        .send()
        .await
        .expect("PutRolePolicy");
    let got =
        iam.get_role_policy().role_name("lab-role").policy_name("put-item").send().await.unwrap();
    assert_eq!((got.role_name(), got.policy_name()), ("lab-role", "put-item"));
    assert_eq!(
        decoded(got.policy_document()),
        serde_json::from_str::<Value>(PUT_ITEM_POLICY).unwrap()
    );
    let names = iam.list_role_policies().role_name("lab-role").send().await.unwrap();
    assert_eq!(names.policy_names(), ["put-item"]);
    let error = iam.delete_role().role_name("lab-role").send().await.unwrap_err();
    assert_eq!(
        failure(error),
        ("DeleteConflict".into(), "Cannot delete entity, must delete policies first.".into(), 409)
    );
    let error =
        iam.get_role_policy().role_name("lab-role").policy_name("nope").send().await.unwrap_err();
    assert_eq!(
        failure(error),
        ("NoSuchEntity".into(), "The role policy with name nope cannot be found.".into(), 404)
    );
    let error = iam
        .put_role_policy()
        .role_name("lab-role")
        .policy_name("bad")
        .policy_document(r#"{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}"#)
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).1, "The policy failed legacy parsing");
    iam.delete_role_policy().role_name("lab-role").policy_name("put-item").send().await.unwrap();
    assert!(
        iam.list_role_policies()
            .role_name("lab-role")
            .send()
            .await
            .unwrap()
            .policy_names()
            .is_empty()
    );

    iam.tag_role().role_name("lab-role").tags(tag("TEAM", "b")).send().await.expect("TagRole");
    let tags = iam.list_role_tags().role_name("lab-role").send().await.unwrap();
    let tags: Vec<_> = tags.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("TEAM", "b"), ("awslab:lab", "serverless-api")]);
    iam.untag_role().role_name("lab-role").tag_keys("team").send().await.expect("UntagRole");
    let error =
        iam.tag_role().role_name("lab-role").tags(tag("a", "1")).tags(tag("A", "2")).send().await;
    assert_eq!(
        failure(error.unwrap_err()),
        (
            "InvalidInput".into(),
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.".into(),
            400
        )
    );

    iam.update_role()
        .role_name("lab-role")
        .max_session_duration(3600)
        .send()
        .await
        .expect("UpdateRole");
    let described = iam
        .update_role_description()
        .role_name("lab-role")
        .description("updated")
        .send()
        .await
        .expect("UpdateRoleDescription");
    assert_eq!(described.role().and_then(|r| r.description()), Some("updated"));
    let account_trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT_ID}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    iam.update_assume_role_policy()
        .role_name("lab-role")
        .policy_document(&account_trust)
        .send()
        .await
        .expect("UpdateAssumeRolePolicy");
    let role = iam.get_role().role_name("lab-role").send().await.unwrap();
    let role = role.role().unwrap();
    assert_eq!(role.arn(), format!("arn:aws:iam::{ACCOUNT_ID}:role/labs/lab-role"));
    assert_eq!((role.description(), role.max_session_duration()), (Some("updated"), Some(3600)));
    assert_eq!(
        decoded(role.assume_role_policy_document().unwrap()),
        serde_json::from_str::<Value>(&account_trust).unwrap()
    );
    assert_eq!(role.tags().len(), 1);

    for name in ["a-role", "b-role", "c-role"] {
        iam.create_role()
            .role_name(name)
            .assume_role_policy_document(LAMBDA_TRUST)
            .send()
            .await
            .unwrap();
    }
    let first = iam.list_roles().max_items(2).send().await.unwrap();
    let names: Vec<_> = first.roles().iter().map(|r| r.role_name()).collect();
    assert_eq!(names, ["a-role", "b-role"]);
    assert!(first.is_truncated());
    assert!(first.roles().iter().all(|r| r.role_last_used().is_none() && r.tags().is_empty()));
    let rest = iam.list_roles().marker(first.marker().unwrap()).send().await.unwrap();
    let names: Vec<_> = rest.roles().iter().map(|r| r.role_name()).collect();
    assert_eq!(names, ["c-role", "lab-role"]);
    let labs = iam.list_roles().path_prefix("/labs/").send().await.unwrap();
    assert_eq!(labs.roles().len(), 1);
    assert_eq!(labs.roles()[0].description(), Some("updated"));
}
