//! Versions of managed policies: `CreatePolicyVersion` (at most five, `SetAsDefault`),
//! `GetPolicyVersion` (the document URL-encoded), `ListPolicyVersions` (newest first),
//! `DeletePolicyVersion` and `SetDefaultPolicyVersion`.
//!
//! AWS managed policies can be read (their default version) but not changed.

use super::IamState;
use super::documents::url_encode;
use super::errors::IamError;
use super::names::{Checks, check_policy_arn};
use super::policies::{PolicyRef, PolicyVersion, check_managed_document, customer_policy_mut};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreatePolicyVersionInput {
    policy_arn: String,
    policy_document: String,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_bool")]
    set_as_default: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VersionView {
    document: Option<String>,
    version_id: String,
    is_default_version: bool,
    create_date: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersionOutput {
    policy_version: VersionView,
}

pub fn create_policy_version(
    state: &mut IamState,
    input: CreatePolicyVersionInput,
    now: time::OffsetDateTime,
) -> Result<PolicyVersionOutput, IamError> {
    check_policy_arn("policyArn", &input.policy_arn)?;
    let mut checks = Checks::iam();
    checks.document("policyDocument", &input.policy_document);
    checks.finish()?;
    let outside = "Cannot update policies outside your own account.";
    let policy = customer_policy_mut(state, &input.policy_arn, outside)?;
    check_managed_document(&input.policy_document)?;
    if policy.versions.len() >= 5 {
        return Err(IamError::VersionLimit);
    }
    let id = format!("v{}", policy.next_version);
    policy.next_version += 1;
    policy.versions.push(PolicyVersion {
        id: id.clone(),
        document: input.policy_document,
        created: crate::clock::iso8601(now),
    });
    let is_default = input.set_as_default == Some(true);
    if is_default {
        policy.default_version = id.clone();
        policy.updated = crate::clock::iso8601(now);
    }
    Ok(PolicyVersionOutput {
        policy_version: VersionView {
            document: None,
            version_id: id,
            is_default_version: is_default,
            create_date: crate::clock::iso8601(now),
        },
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersionInput {
    policy_arn: String,
    version_id: String,
}

fn check_input(input: &PolicyVersionInput) -> Result<(), IamError> {
    check_policy_arn("policyArn", &input.policy_arn)?;
    let mut checks = Checks::iam();
    checks.version_id(&input.version_id);
    checks.finish()
}

fn no_such_version(input: &PolicyVersionInput) -> IamError {
    IamError::NoSuchPolicyVersion {
        arn: input.policy_arn.clone(),
        version: input.version_id.clone(),
    }
}

pub fn get_policy_version(
    state: &IamState,
    input: PolicyVersionInput,
) -> Result<PolicyVersionOutput, IamError> {
    check_input(&input)?;
    let view = match state.policy(&input.policy_arn) {
        Some(PolicyRef::Customer(policy)) => {
            policy.versions.iter().find(|v| v.id == input.version_id).map(|v| VersionView {
                document: Some(url_encode(&v.document)),
                version_id: v.id.clone(),
                is_default_version: v.id == policy.default_version,
                create_date: v.created.clone(),
            })
        }
        Some(PolicyRef::Aws(policy)) => {
            (policy.default_version_id == input.version_id).then(|| VersionView {
                document: Some(url_encode(policy.document)),
                version_id: policy.default_version_id.to_string(),
                is_default_version: true,
                create_date: policy.update_date.to_string(),
            })
        }
        None => None,
    };
    view.map(|policy_version| PolicyVersionOutput { policy_version })
        .ok_or_else(|| no_such_version(&input))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPolicyVersionsInput {
    policy_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPolicyVersionsOutput {
    versions: Vec<VersionView>,
    is_truncated: bool,
}

pub fn list_policy_versions(
    state: &IamState,
    input: ListPolicyVersionsInput,
) -> Result<ListPolicyVersionsOutput, IamError> {
    check_policy_arn("policyArn", &input.policy_arn)?;
    let versions = match state.policy(&input.policy_arn) {
        Some(PolicyRef::Customer(policy)) => policy
            .versions
            .iter()
            .rev()
            .map(|v| VersionView {
                document: None,
                version_id: v.id.clone(),
                is_default_version: v.id == policy.default_version,
                create_date: v.created.clone(),
            })
            .collect(),
        Some(PolicyRef::Aws(policy)) => vec![VersionView {
            document: None,
            version_id: policy.default_version_id.to_string(),
            is_default_version: true,
            create_date: policy.update_date.to_string(),
        }],
        None => return Err(IamError::PolicyNotFound(input.policy_arn)),
    };
    Ok(ListPolicyVersionsOutput { versions, is_truncated: false })
}

pub fn delete_policy_version(
    state: &mut IamState,
    input: PolicyVersionInput,
) -> Result<(), IamError> {
    check_input(&input)?;
    let outside = "Cannot delete policy versions for policies outside your own account.";
    let missing = no_such_version(&input);
    let policy = customer_policy_mut(state, &input.policy_arn, outside).map_err(|e| match e {
        IamError::PolicyNotFound(_) => missing.clone(),
        other => other,
    })?;
    let Some(index) = policy.versions.iter().position(|v| v.id == input.version_id) else {
        return Err(missing);
    };
    if policy.default_version == input.version_id {
        return Err(IamError::DeleteDefaultVersion);
    }
    policy.versions.remove(index);
    Ok(())
}

pub fn set_default_policy_version(
    state: &mut IamState,
    input: PolicyVersionInput,
    now: time::OffsetDateTime,
) -> Result<(), IamError> {
    check_input(&input)?;
    let outside = "Cannot update policies outside your own account.";
    let missing = no_such_version(&input);
    let policy = customer_policy_mut(state, &input.policy_arn, outside).map_err(|e| match e {
        IamError::PolicyNotFound(_) => missing.clone(),
        other => other,
    })?;
    if !policy.versions.iter().any(|v| v.id == input.version_id) {
        return Err(missing);
    }
    if policy.default_version != input.version_id {
        policy.default_version = input.version_id;
        policy.updated = crate::clock::iso8601(now);
    }
    Ok(())
}
