//! What gives a role its permissions: managed policies attached to it (`AttachRolePolicy`,
//! `DetachRolePolicy`, `ListAttachedRolePolicies`) and inline policies embedded in it
//! (`PutRolePolicy`, `GetRolePolicy`, `ListRolePolicies`, `DeleteRolePolicy`).
//!
//! Attaching a policy twice is not an error (AWS ignores the second); a role's inline policies
//! may not add up to more than 10,240 characters without whitespace.

use super::IamState;
use super::documents::{check_identity_policy, packed_size, url_encode};
use super::errors::IamError;
use super::names::{Checks, check_policy_arn};
use super::paging::paginate;
use super::roles::check_role_name;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RolePolicyArnInput {
    role_name: String,
    policy_arn: String,
}

pub fn attach_role_policy(state: &mut IamState, input: RolePolicyArnInput) -> Result<(), IamError> {
    check_role_name(&input.role_name)?;
    check_policy_arn("policyArn", &input.policy_arn)?;
    state.role(&input.role_name)?;
    if state.policy(&input.policy_arn).is_none() {
        return Err(IamError::PolicyNotAttachable(input.policy_arn));
    }
    let role = state.role_mut(&input.role_name)?;
    if !role.attached_policies.contains(&input.policy_arn) {
        role.attached_policies.push(input.policy_arn);
    }
    Ok(())
}

pub fn detach_role_policy(state: &mut IamState, input: RolePolicyArnInput) -> Result<(), IamError> {
    check_role_name(&input.role_name)?;
    check_policy_arn("policyArn", &input.policy_arn)?;
    let role = state.role_mut(&input.role_name)?;
    let before = role.attached_policies.len();
    role.attached_policies.retain(|arn| *arn != input.policy_arn);
    if role.attached_policies.len() == before {
        return Err(IamError::PolicyNotFound(input.policy_arn));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAttachedRolePoliciesInput {
    role_name: String,
    path_prefix: Option<String>,
    marker: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_items: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    policy_name: String,
    policy_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAttachedRolePoliciesOutput {
    attached_policies: Vec<AttachedPolicy>,
    is_truncated: bool,
    marker: Option<String>,
}

pub fn list_attached_role_policies(
    state: &IamState,
    input: ListAttachedRolePoliciesInput,
) -> Result<ListAttachedRolePoliciesOutput, IamError> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".to_string());
    let mut checks = Checks::iam();
    checks.name("roleName", &input.role_name, 64);
    checks.path_prefix("pathPrefix", &prefix);
    checks.finish()?;
    let role = state.role(&input.role_name)?;
    let attached: Vec<(usize, AttachedPolicy)> = role
        .attached_policies
        .iter()
        .filter_map(|arn| state.policy(arn))
        .filter(|policy| policy.path().starts_with(&prefix))
        .map(|policy| AttachedPolicy {
            policy_name: policy.name().to_string(),
            policy_arn: policy.arn(),
        })
        .enumerate()
        .collect();
    let page =
        paginate(attached, |(i, _)| format!("{i:06}"), input.marker.as_deref(), input.max_items)?;
    Ok(ListAttachedRolePoliciesOutput {
        attached_policies: page.items.into_iter().map(|(_, policy)| policy).collect(),
        is_truncated: page.is_truncated,
        marker: page.marker,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRolePolicyInput {
    role_name: String,
    policy_name: String,
    policy_document: String,
}

pub fn put_role_policy(state: &mut IamState, input: PutRolePolicyInput) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    checks.name("roleName", &input.role_name, 64);
    checks.name("policyName", &input.policy_name, 128);
    checks.document("policyDocument", &input.policy_document);
    checks.finish()?;
    let role = state.role_mut(&input.role_name)?;
    check_identity_policy(&input.policy_document)?;
    let others: usize = role
        .inline_policies
        .iter()
        .filter(|(name, _)| **name != input.policy_name)
        .map(|(_, document)| packed_size(document))
        .sum();
    if others + packed_size(&input.policy_document) > 10_240 {
        return Err(IamError::InlinePolicySize(role.name.clone()));
    }
    role.inline_policies.insert(input.policy_name, input.policy_document);
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RolePolicyNameInput {
    role_name: String,
    policy_name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRolePolicyOutput {
    role_name: String,
    policy_name: String,
    policy_document: String,
}

fn check_names(input: &RolePolicyNameInput) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    checks.name("roleName", &input.role_name, 64);
    checks.name("policyName", &input.policy_name, 128);
    checks.finish()
}

pub fn get_role_policy(
    state: &IamState,
    input: RolePolicyNameInput,
) -> Result<GetRolePolicyOutput, IamError> {
    check_names(&input)?;
    let role = state.role(&input.role_name)?;
    let document = role
        .inline_policies
        .get(&input.policy_name)
        .ok_or_else(|| IamError::NoSuchRolePolicy(input.policy_name.clone()))?;
    Ok(GetRolePolicyOutput {
        role_name: role.name.clone(),
        policy_name: input.policy_name,
        policy_document: url_encode(document),
    })
}

pub fn delete_role_policy(
    state: &mut IamState,
    input: RolePolicyNameInput,
) -> Result<(), IamError> {
    check_names(&input)?;
    let role = state.role_mut(&input.role_name)?;
    match role.inline_policies.remove(&input.policy_name) {
        Some(_) => Ok(()),
        None => Err(IamError::NoSuchRolePolicy(input.policy_name)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRolePoliciesInput {
    role_name: String,
    marker: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_items: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRolePoliciesOutput {
    policy_names: Vec<String>,
    is_truncated: bool,
    marker: Option<String>,
}

pub fn list_role_policies(
    state: &IamState,
    input: ListRolePoliciesInput,
) -> Result<ListRolePoliciesOutput, IamError> {
    check_role_name(&input.role_name)?;
    let names: Vec<String> =
        state.role(&input.role_name)?.inline_policies.keys().cloned().collect();
    let page = paginate(names, String::clone, input.marker.as_deref(), input.max_items)?;
    Ok(ListRolePoliciesOutput {
        policy_names: page.items,
        is_truncated: page.is_truncated,
        marker: page.marker,
    })
}
