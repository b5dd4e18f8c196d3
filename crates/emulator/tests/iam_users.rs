//! IAM users, groups and access keys through the official Rust SDK: what a console-based course
//! creates first, each operation's answer and the errors AWS gives. What a user's keys may do
//! is in `iam_user_keys.rs`.

mod common;

use aws_sdk_iam::Client;
use aws_sdk_iam::types::{StatusType, Tag};
use awslab_emulator::ACCOUNT_ID;
use common::iam::{PUT_ITEM_POLICY, client as iam, decoded, failure};
use common::start;
use serde_json::Value;

const READ_ONLY: &str = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess";

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build().expect("a tag")
}

fn not_found(kind: &str, name: &str) -> (String, String, u16) {
    ("NoSuchEntity".into(), format!("The {kind} with name {name} cannot be found."), 404)
}

fn conflict(message: &str) -> (String, String, u16) {
    ("DeleteConflict".into(), format!("Cannot delete entity, must {message} first."), 409)
}

async fn create_user(iam: &Client, name: &str) {
    iam.create_user().user_name(name).send().await.expect("CreateUser");
}

#[tokio::test(flavor = "multi_thread")]
async fn users_are_created_read_listed_renamed_tagged_and_deleted() {
    let emulator = start().await;
    let iam = iam(&emulator).await;

    let created = iam
        .create_user()
        .user_name("alice")
        .path("/students/")
        .tags(tag("awslab:lab", "iam-basics"))
        .send()
        .await
        .expect("CreateUser");
    let user = created.user().expect("a user");
    assert_eq!(user.user_name(), "alice");
    assert_eq!(user.path(), "/students/");
    assert_eq!(user.arn(), format!("arn:aws:iam::{ACCOUNT_ID}:user/students/alice"));
    let id = user.user_id().to_string();
    assert!(id.starts_with("AIDA") && id.len() == 21, "{id}");
    assert!(id[4..].bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
    assert_eq!(user.tags(), [tag("awslab:lab", "iam-basics")]);

    let got = iam.get_user().user_name("ALICE").send().await.expect("names ignore case");
    assert_eq!(got.user().map(|u| (u.user_id(), u.user_name())), Some((id.as_str(), "alice")));

    let again = iam.create_user().user_name("Alice").send().await.unwrap_err();
    assert_eq!(
        failure(again),
        ("EntityAlreadyExists".into(), "User with name Alice already exists.".into(), 409)
    );
    let bad = iam.create_user().user_name("alice smith").send().await.unwrap_err();
    assert_eq!(
        failure(bad).1,
        "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member \
         must satisfy regular expression pattern: [\\w+=,.@-]+"
    );

    create_user(&iam, "bob").await;
    create_user(&iam, "carol").await;
    let first = iam.list_users().max_items(2).send().await.expect("ListUsers");
    let names: Vec<_> = first.users().iter().map(|u| u.user_name()).collect();
    assert_eq!(names, ["alice", "bob"]);
    assert!(first.is_truncated());
    assert!(first.users()[0].tags().is_empty(), "ListUsers leaves tags out, as AWS does");
    let rest = iam.list_users().marker(first.marker().unwrap()).send().await.unwrap();
    assert_eq!(rest.users().iter().map(|u| u.user_name()).collect::<Vec<_>>(), ["carol"]);
    let students = iam.list_users().path_prefix("/students/").send().await.unwrap();
    assert_eq!(students.users().len(), 1);

    iam.tag_user().user_name("alice").tags(tag("Team", "blue")).send().await.expect("TagUser");
    iam.untag_user().user_name("alice").tag_keys("AWSLAB:LAB").send().await.expect("UntagUser");
    let tags = iam.list_user_tags().user_name("alice").send().await.expect("ListUserTags");
    assert_eq!(tags.tags(), [tag("Team", "blue")]);

    iam.update_user()
        .user_name("alice")
        .new_user_name("alice2")
        .new_path("/")
        .send()
        .await
        .expect("UpdateUser");
    let missing = iam.get_user().user_name("alice").send().await.unwrap_err();
    assert_eq!(failure(missing), not_found("user", "alice"));
    let renamed = iam.get_user().user_name("alice2").send().await.unwrap();
    let renamed = renamed.user().unwrap();
    assert_eq!(renamed.arn(), format!("arn:aws:iam::{ACCOUNT_ID}:user/alice2"));
    assert_eq!(renamed.user_id(), id, "a rename keeps the id");
    let taken = iam.update_user().user_name("bob").new_user_name("carol").send().await;
    assert_eq!(failure(taken.unwrap_err()).1, "User with name carol already exists.");

    iam.delete_user().user_name("alice2").send().await.expect("DeleteUser");
    let gone = iam.delete_user().user_name("alice2").send().await.unwrap_err();
    assert_eq!(failure(gone), not_found("user", "alice2"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_learner_is_the_root_user_with_no_keys_of_its_own_to_manage() {
    let emulator = start().await;
    let iam = iam(&emulator).await;
    let root = iam.get_user().send().await.expect("GetUser as the root");
    let root = root.user().expect("the root user");
    assert_eq!(root.arn(), format!("arn:aws:iam::{ACCOUNT_ID}:root"));
    assert_eq!(root.user_id(), ACCOUNT_ID);
    assert_eq!((root.user_name(), root.path()), ("", ""), "the root has no name or path");

    let error = iam.list_access_keys().send().await.unwrap_err();
    assert_eq!(
        failure(error),
        (
            "ValidationError".into(),
            "Must specify userName when calling with non-User credentials".into(),
            400
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn groups_hold_users_and_stop_a_deletion_while_they_do() {
    let emulator = start().await;
    let iam = iam(&emulator).await;
    create_user(&iam, "alice").await;
    create_user(&iam, "bob").await;

    let created = iam.create_group().group_name("developers").send().await.expect("CreateGroup");
    let group = created.group().expect("a group");
    assert_eq!(group.arn(), format!("arn:aws:iam::{ACCOUNT_ID}:group/developers"));
    assert!(group.group_id().starts_with("AGPA") && group.group_id().len() == 21);
    let again = iam.create_group().group_name("Developers").send().await.unwrap_err();
    assert_eq!(failure(again).1, "Group with name Developers already exists.");
    iam.create_group().group_name("admins").path("/ops/").send().await.expect("CreateGroup");

    for user in ["bob", "alice", "alice"] {
        iam.add_user_to_group().group_name("developers").user_name(user).send().await.unwrap();
    }
    let missing = iam.add_user_to_group().group_name("nope").user_name("bob").send().await;
    assert_eq!(failure(missing.unwrap_err()), not_found("group", "nope"));
    let missing = iam.add_user_to_group().group_name("developers").user_name("zed").send().await;
    assert_eq!(failure(missing.unwrap_err()), not_found("user", "zed"));

    let got = iam.get_group().group_name("developers").send().await.expect("GetGroup");
    assert_eq!(got.group().map(|g| g.group_name()), Some("developers"));
    let members: Vec<_> = got.users().iter().map(|u| u.user_name()).collect();
    assert_eq!(members, ["alice", "bob"]);
    let paged = iam.get_group().group_name("developers").max_items(1).send().await.unwrap();
    assert_eq!((paged.users().len(), paged.is_truncated()), (1, true));

    let groups = iam.list_groups_for_user().user_name("bob").send().await.unwrap();
    assert_eq!(groups.groups().iter().map(|g| g.group_name()).collect::<Vec<_>>(), ["developers"]);
    let listed = iam.list_groups().send().await.expect("ListGroups");
    let names: Vec<_> = listed.groups().iter().map(|g| g.group_name()).collect();
    assert_eq!(names, ["admins", "developers"]);
    let ops = iam.list_groups().path_prefix("/ops/").send().await.unwrap();
    assert_eq!(ops.groups().len(), 1);

    let error = iam.delete_group().group_name("developers").send().await.unwrap_err();
    assert_eq!(failure(error), conflict("remove users from group"));
    let error = iam.delete_user().user_name("bob").send().await.unwrap_err();
    assert_eq!(failure(error), conflict("remove users from group"));

    for user in ["alice", "bob"] {
        iam.remove_user_from_group().group_name("developers").user_name(user).send().await.unwrap();
    }
    iam.delete_user().user_name("bob").send().await.expect("DeleteUser once out of the group");
    iam.delete_group().group_name("developers").send().await.expect("DeleteGroup once empty");
    let gone = iam.get_group().group_name("developers").send().await.unwrap_err();
    assert_eq!(failure(gone), not_found("group", "developers"));
}

#[tokio::test(flavor = "multi_thread")]
async fn users_and_groups_take_managed_and_inline_policies_as_roles_do() {
    let emulator = start().await;
    let iam = iam(&emulator).await;
    create_user(&iam, "alice").await;
    iam.create_group().group_name("developers").send().await.unwrap();
    let policy = iam
        .create_policy()
        .policy_name("put-item")
        .policy_document(PUT_ITEM_POLICY)
        .send()
        .await
        .expect("CreatePolicy");
    let arn = policy.policy().and_then(|p| p.arn()).expect("an ARN").to_string();

    for managed in [&arn, READ_ONLY] {
        iam.attach_user_policy().user_name("alice").policy_arn(managed).send().await.unwrap();
    }
    iam.attach_group_policy().group_name("developers").policy_arn(&arn).send().await.unwrap();
    let attached = iam.list_attached_user_policies().user_name("alice").send().await.unwrap();
    let names: Vec<_> =
        attached.attached_policies().iter().filter_map(|p| p.policy_name()).collect();
    assert_eq!(names, ["put-item", "AmazonDynamoDBReadOnlyAccess"]);
    let attached = iam.list_attached_group_policies().group_name("developers").send().await;
    assert_eq!(attached.unwrap().attached_policies().len(), 1);
    let missing = iam.attach_user_policy().user_name("alice").policy_arn(format!("{arn}-x")).send();
    assert_eq!(
        failure(missing.await.unwrap_err()).1,
        format!("Policy {arn}-x does not exist or is not attachable.")
    );

    let got = iam.get_policy().policy_arn(&arn).send().await.unwrap();
    assert_eq!(got.policy().and_then(|p| p.attachment_count()), Some(2));
    let entities = iam.list_entities_for_policy().policy_arn(&arn).send().await.unwrap();
    let users: Vec<_> = entities.policy_users().iter().filter_map(|u| u.user_name()).collect();
    let groups: Vec<_> = entities.policy_groups().iter().filter_map(|g| g.group_name()).collect();
    assert_eq!((users, groups), (vec!["alice"], vec!["developers"]));
    assert!(entities.policy_users()[0].user_id().is_some_and(|id| id.starts_with("AIDA")));
    let error = iam.delete_policy().policy_arn(&arn).send().await.unwrap_err();
    assert_eq!(
        failure(error),
        ("DeleteConflict".into(), "Cannot delete a policy attached to entities.".into(), 409)
    );

    iam.put_user_policy()
        .user_name("alice")
        .policy_name("inline")
        .policy_document(PUT_ITEM_POLICY)
        .send()
        .await
        .expect("PutUserPolicy");
    let inline = iam.get_user_policy().user_name("alice").policy_name("inline").send().await;
    let inline = inline.expect("GetUserPolicy");
    assert_eq!((inline.user_name(), inline.policy_name()), ("alice", "inline"));
    let document: Value = serde_json::from_str(PUT_ITEM_POLICY).unwrap();
    assert_eq!(decoded(inline.policy_document()), document);
    let names = iam.list_user_policies().user_name("alice").send().await.unwrap();
    assert_eq!(names.policy_names(), ["inline"]);
    let missing = iam.get_user_policy().user_name("alice").policy_name("nope").send().await;
    assert_eq!(failure(missing.unwrap_err()), not_found("user policy", "nope"));
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{}"}}]}}"#,
        "b".repeat(2100)
    );
    let too_big = iam.put_user_policy().user_name("alice").policy_name("big").policy_document(big);
    assert_eq!(
        failure(too_big.send().await.unwrap_err()),
        (
            "LimitExceeded".into(),
            "Maximum policy size of 2048 bytes exceeded for user alice".into(),
            409
        )
    );

    iam.put_group_policy()
        .group_name("developers")
        .policy_name("inline")
        .policy_document(PUT_ITEM_POLICY)
        .send()
        .await
        .expect("PutGroupPolicy");
    let group_inline = iam.get_group_policy().group_name("developers").policy_name("inline");
    assert_eq!(group_inline.send().await.expect("GetGroupPolicy").group_name(), "developers");
    let names = iam.list_group_policies().group_name("developers").send().await.unwrap();
    assert_eq!(names.policy_names(), ["inline"]);
    let error = iam.delete_group().group_name("developers").send().await.unwrap_err();
    assert_eq!(failure(error), conflict("delete policies"));
    iam.delete_group_policy().group_name("developers").policy_name("inline").send().await.unwrap();
    let error = iam.delete_group().group_name("developers").send().await.unwrap_err();
    assert_eq!(failure(error), conflict("detach all policies"));
    iam.detach_group_policy().group_name("developers").policy_arn(&arn).send().await.unwrap();
    iam.delete_group().group_name("developers").send().await.expect("DeleteGroup");

    let error = iam.delete_user().user_name("alice").send().await.unwrap_err();
    assert_eq!(failure(error), conflict("delete policies"));
    iam.delete_user_policy().user_name("alice").policy_name("inline").send().await.unwrap();
    let again = iam.delete_user_policy().user_name("alice").policy_name("inline").send().await;
    assert_eq!(failure(again.unwrap_err()), not_found("user policy", "inline"));
    let error = iam.delete_user().user_name("alice").send().await.unwrap_err();
    assert_eq!(failure(error), conflict("detach all policies"));
    for managed in [&arn, READ_ONLY] {
        iam.detach_user_policy().user_name("alice").policy_arn(managed).send().await.unwrap();
    }
    iam.delete_user().user_name("alice").send().await.expect("DeleteUser");
    iam.delete_policy().policy_arn(&arn).send().await.expect("DeletePolicy once detached");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_has_at_most_two_access_keys_listed_without_their_secrets() {
    let emulator = start().await;
    let iam = iam(&emulator).await;
    create_user(&iam, "alice").await;

    let created = iam.create_access_key().user_name("alice").send().await.expect("CreateAccessKey");
    let key = created.access_key().expect("a key");
    let id = key.access_key_id().to_string();
    assert_eq!((key.user_name(), key.status()), ("alice", &StatusType::Active));
    assert!(id.starts_with("AKIA") && id.len() == 20, "{id}");
    assert!(id[4..].bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
    assert_eq!(key.secret_access_key().len(), 40);
    let second = iam.create_access_key().user_name("alice").send().await.unwrap();
    let second = second.access_key().unwrap();
    assert_ne!(second.secret_access_key(), key.secret_access_key());
    let third = iam.create_access_key().user_name("alice").send().await.unwrap_err();
    assert_eq!(
        failure(third),
        ("LimitExceeded".into(), "Cannot exceed quota for AccessKeysPerUser: 2".into(), 409)
    );

    iam.update_access_key()
        .user_name("alice")
        .access_key_id(&id)
        .status(StatusType::Inactive)
        .send()
        .await
        .expect("UpdateAccessKey");
    let listed = iam.list_access_keys().user_name("alice").send().await.expect("ListAccessKeys");
    let listed: Vec<_> = (listed.access_key_metadata().iter())
        .map(|k| (k.access_key_id().unwrap_or_default(), k.status().cloned()))
        .collect();
    assert_eq!(
        listed,
        [
            (id.as_str(), Some(StatusType::Inactive)),
            (second.access_key_id(), Some(StatusType::Active))
        ]
    );

    let last = iam.get_access_key_last_used().access_key_id(&id).send().await.unwrap();
    assert_eq!(last.user_name(), Some("alice"));
    let used = last.access_key_last_used().expect("a last use");
    assert_eq!((used.service_name(), used.region(), used.last_used_date()), ("N/A", "N/A", None));

    let error = iam.delete_user().user_name("alice").send().await.unwrap_err();
    assert_eq!(failure(error), conflict("delete access keys"));
    let unknown = "AKIAAAAAAAAAAAAAAAAA";
    let missing = iam.delete_access_key().user_name("alice").access_key_id(unknown).send().await;
    assert_eq!(
        failure(missing.unwrap_err()),
        ("NoSuchEntity".into(), format!("The Access Key with id {unknown} cannot be found."), 404)
    );
    for key in [id.as_str(), second.access_key_id()] {
        iam.delete_access_key().user_name("alice").access_key_id(key).send().await.unwrap();
    }
    let none = iam.list_access_keys().user_name("alice").send().await.unwrap();
    assert!(none.access_key_metadata().is_empty());
    iam.delete_user().user_name("alice").send().await.expect("DeleteUser once without keys");
}
