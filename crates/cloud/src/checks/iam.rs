//! IAM checks: a customer managed policy (its default version's document, decoded) and a role
//! (trust policy decoded, attached and inline policy names, tags).

use super::{Selector, absent_or};
use crate::clients::Clients;
use crate::failure::Failure;
use serde_json::{Map, Value, json};

/// IAM returns documents URL-encoded.
fn decode(document: &str) -> Value {
    let text = percent_encoding::percent_decode_str(document).decode_utf8_lossy();
    serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.into_owned()))
}

pub async fn policy(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let name = selector.text("name")?;
    let mut pages = clients
        .iam
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Local)
        .into_paginator()
        .items()
        .send();
    let mut arn = None;
    while let Some(policy) = pages.next().await {
        let policy = policy.map_err(|error| Failure::from_sdk("iam", "ListPolicies", error))?;
        if policy.policy_name() == Some(name) {
            arn = policy.arn().map(str::to_string);
            break;
        }
    }
    let Some(arn) = arn else { return Ok(None) };
    let policy = match clients.iam.get_policy().policy_arn(&arn).send().await {
        Ok(answer) => {
            answer.policy.unwrap_or_else(|| aws_sdk_iam::types::Policy::builder().build())
        }
        Err(error) => return absent_or(Failure::from_sdk("iam", "GetPolicy", error)),
    };
    let version = policy.default_version_id().unwrap_or("v1");
    let document = clients
        .iam
        .get_policy_version()
        .policy_arn(&arn)
        .version_id(version)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("iam", "GetPolicyVersion", error))?
        .policy_version
        .and_then(|v| v.document)
        .map(|document| decode(&document))
        .unwrap_or(Value::Null);
    let tags: Map<String, Value> =
        policy.tags().iter().map(|tag| (tag.key().to_string(), json!(tag.value()))).collect();
    Ok(Some(json!({
        "PolicyName": policy.policy_name(),
        "Arn": arn,
        "Description": policy.description(),
        "AttachmentCount": policy.attachment_count(),
        "Document": document,
        "Tags": tags,
    })))
}

pub async fn role(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let name = selector.text("name")?;
    let role = match clients.iam.get_role().role_name(name).send().await {
        Ok(answer) => answer.role,
        Err(error) => return absent_or(Failure::from_sdk("iam", "GetRole", error)),
    };
    let Some(role) = role else { return Ok(None) };
    let mut attached = Vec::new();
    let mut pages =
        clients.iam.list_attached_role_policies().role_name(name).into_paginator().items().send();
    while let Some(policy) = pages.next().await {
        let policy =
            policy.map_err(|error| Failure::from_sdk("iam", "ListAttachedRolePolicies", error))?;
        attached.push(json!(policy.policy_name()));
    }
    let inline = clients
        .iam
        .list_role_policies()
        .role_name(name)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("iam", "ListRolePolicies", error))?;
    let tags: Map<String, Value> =
        role.tags().iter().map(|tag| (tag.key().to_string(), json!(tag.value()))).collect();
    Ok(Some(json!({
        "RoleName": role.role_name(),
        "Arn": role.arn(),
        "Description": role.description(),
        "AssumeRolePolicyDocument": role.assume_role_policy_document().map(decode),
        "AttachedPolicies": attached,
        "InlinePolicies": inline.policy_names(),
        "Tags": tags,
    })))
}
