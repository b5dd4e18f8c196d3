//! What gives a role, a user or a group its permissions, one set of operations for the three
//! ([`Holder`]): managed policies attached to it (`Attach…Policy`, `Detach…Policy`,
//! `ListAttached…Policies`) and inline policies embedded in it (`Put…Policy`, `Get…Policy`,
//! `List…Policies`, `Delete…Policy`).
//!
//! Attaching a policy twice is not an error (AWS ignores the second). A holder's inline
//! policies may not add up to more than its quota of characters without whitespace: 10,240 for
//! a role, 2,048 for a user, 5,120 for a group (IAM's quotas).

use super::IamState;
use super::documents::{check_identity_policy, packed_size, url_encode};
use super::errors::IamError;
use super::names::{Checks, check_policy_arn};
use super::paging::paginate;
use crate::error::AwsError;
use crate::protocol::query::QueryRequest;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Which kind of identity holds the policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Role,
    User,
    Group,
}

impl Holder {
    /// The request parameter that names it (`RoleName`).
    pub fn parameter(self) -> &'static str {
        match self {
            Holder::Role => "RoleName",
            Holder::User => "UserName",
            Holder::Group => "GroupName",
        }
    }

    /// The member validation messages name (`roleName`).
    pub fn member(self) -> &'static str {
        match self {
            Holder::Role => "roleName",
            Holder::User => "userName",
            Holder::Group => "groupName",
        }
    }

    /// The longest name IAM accepts.
    pub fn max_name(self) -> usize {
        match self {
            Holder::Role | Holder::User => 64,
            Holder::Group => 128,
        }
    }

    /// The word error messages use (`The user policy with name …`).
    pub fn noun(self) -> &'static str {
        match self {
            Holder::Role => "role",
            Holder::User => "user",
            Holder::Group => "group",
        }
    }

    fn inline_quota(self) -> usize {
        match self {
            Holder::Role => 10_240,
            Holder::User => 2_048,
            Holder::Group => 5_120,
        }
    }

    /// Checks a name of this kind of holder.
    pub fn check_name(self, name: &str) -> Result<(), IamError> {
        let mut checks = Checks::iam();
        checks.name(self.member(), name, self.max_name());
        checks.finish()
    }

    /// The holder's name from a request, with the error AWS gives when it is missing.
    pub fn name_in(self, request: &QueryRequest) -> Result<String, AwsError> {
        match request.params.get(self.parameter()) {
            Some(Value::String(name)) => Ok(name.clone()),
            _ => Err(AwsError::validation(crate::validation::missing(self.member()))),
        }
    }
}

/// A holder's policies, to change.
pub struct Held<'a> {
    /// The name as IAM keeps it (its case as created).
    pub name: &'a str,
    /// Managed policy ARNs, in the order they were attached.
    pub attached: &'a mut Vec<String>,
    /// Inline policies by name.
    pub inline: &'a mut BTreeMap<String, String>,
}

impl IamState {
    /// The policies of the role, user or group with this name (names compare without case).
    pub fn held(&mut self, holder: Holder, name: &str) -> Result<Held<'_>, IamError> {
        match holder {
            Holder::Role => self.role_mut(name).map(|role| Held {
                name: &role.name,
                attached: &mut role.attached_policies,
                inline: &mut role.inline_policies,
            }),
            Holder::User => self.user_mut(name).map(|user| Held {
                name: &user.name,
                attached: &mut user.attached_policies,
                inline: &mut user.inline_policies,
            }),
            Holder::Group => self.group_mut(name).map(|group| Held {
                name: &group.name,
                attached: &mut group.attached_policies,
                inline: &mut group.inline_policies,
            }),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyArnInput {
    policy_arn: String,
}

pub fn attach_policy(
    state: &mut IamState,
    holder: Holder,
    name: &str,
    input: PolicyArnInput,
) -> Result<(), IamError> {
    holder.check_name(name)?;
    check_policy_arn("policyArn", &input.policy_arn)?;
    state.held(holder, name)?;
    if state.policy(&input.policy_arn).is_none() {
        return Err(IamError::PolicyNotAttachable(input.policy_arn));
    }
    let held = state.held(holder, name)?;
    if !held.attached.contains(&input.policy_arn) {
        held.attached.push(input.policy_arn);
    }
    Ok(())
}

pub fn detach_policy(
    state: &mut IamState,
    holder: Holder,
    name: &str,
    input: PolicyArnInput,
) -> Result<(), IamError> {
    holder.check_name(name)?;
    check_policy_arn("policyArn", &input.policy_arn)?;
    let held = state.held(holder, name)?;
    let before = held.attached.len();
    held.attached.retain(|arn| *arn != input.policy_arn);
    if held.attached.len() == before {
        return Err(IamError::PolicyNotFound(input.policy_arn));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAttachedInput {
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
pub struct ListAttachedOutput {
    attached_policies: Vec<AttachedPolicy>,
    is_truncated: bool,
    marker: Option<String>,
}

pub fn list_attached_policies(
    state: &mut IamState,
    holder: Holder,
    name: &str,
    input: ListAttachedInput,
) -> Result<ListAttachedOutput, IamError> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".to_string());
    let mut checks = Checks::iam();
    checks.name(holder.member(), name, holder.max_name());
    checks.path_prefix("pathPrefix", &prefix);
    checks.finish()?;
    let arns = state.held(holder, name)?.attached.clone();
    let attached: Vec<(usize, AttachedPolicy)> = arns
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
    Ok(ListAttachedOutput {
        attached_policies: page.items.into_iter().map(|(_, policy)| policy).collect(),
        is_truncated: page.is_truncated,
        marker: page.marker,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutPolicyInput {
    policy_name: String,
    policy_document: String,
}

pub fn put_policy(
    state: &mut IamState,
    holder: Holder,
    name: &str,
    input: PutPolicyInput,
) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    checks.name(holder.member(), name, holder.max_name());
    checks.name("policyName", &input.policy_name, 128);
    checks.document("policyDocument", &input.policy_document);
    checks.finish()?;
    let held = state.held(holder, name)?;
    check_identity_policy(&input.policy_document)?;
    let others: usize = (held.inline.iter())
        .filter(|(policy, _)| **policy != input.policy_name)
        .map(|(_, document)| packed_size(document))
        .sum();
    if others + packed_size(&input.policy_document) > holder.inline_quota() {
        return Err(IamError::InlinePolicySize {
            holder: holder.noun(),
            name: held.name.to_string(),
            quota: holder.inline_quota(),
        });
    }
    held.inline.insert(input.policy_name, input.policy_document);
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyNameInput {
    policy_name: String,
}

fn check_names(holder: Holder, name: &str, input: &PolicyNameInput) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    checks.name(holder.member(), name, holder.max_name());
    checks.name("policyName", &input.policy_name, 128);
    checks.finish()
}

/// `Get…Policy`'s answer: the holder's name (under `RoleName`, `UserName` or `GroupName`), the
/// policy's name and its URL-encoded document, in that order.
pub fn get_policy(
    state: &mut IamState,
    holder: Holder,
    name: &str,
    input: PolicyNameInput,
) -> Result<Value, IamError> {
    check_names(holder, name, &input)?;
    let held = state.held(holder, name)?;
    let document = held.inline.get(&input.policy_name).ok_or_else(|| {
        IamError::NoSuchInlinePolicy { holder: holder.noun(), name: input.policy_name.clone() }
    })?;
    let mut output = serde_json::Map::new();
    output.insert(holder.parameter().to_string(), Value::String(held.name.to_string()));
    output.insert("PolicyName".to_string(), Value::String(input.policy_name));
    output.insert("PolicyDocument".to_string(), Value::String(url_encode(document)));
    Ok(Value::Object(output))
}

pub fn delete_policy(
    state: &mut IamState,
    holder: Holder,
    name: &str,
    input: PolicyNameInput,
) -> Result<(), IamError> {
    check_names(holder, name, &input)?;
    let held = state.held(holder, name)?;
    match held.inline.remove(&input.policy_name) {
        Some(_) => Ok(()),
        None => {
            Err(IamError::NoSuchInlinePolicy { holder: holder.noun(), name: input.policy_name })
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PageInput {
    pub marker: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    pub max_items: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesOutput {
    policy_names: Vec<String>,
    is_truncated: bool,
    marker: Option<String>,
}

pub fn list_policies(
    state: &mut IamState,
    holder: Holder,
    name: &str,
    input: PageInput,
) -> Result<ListPoliciesOutput, IamError> {
    holder.check_name(name)?;
    let names: Vec<String> = state.held(holder, name)?.inline.keys().cloned().collect();
    let page = paginate(names, String::clone, input.marker.as_deref(), input.max_items)?;
    Ok(ListPoliciesOutput {
        policy_names: page.items,
        is_truncated: page.is_truncated,
        marker: page.marker,
    })
}
