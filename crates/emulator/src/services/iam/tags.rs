//! Tags on roles, users and policies: `TagRole`, `UntagRole`, `ListRoleTags`, `TagUser`,
//! `UntagUser`, `ListUserTags`, `TagPolicy`, `UntagPolicy`, `ListPolicyTags`. (IAM groups have
//! no tags.)
//!
//! Role and user tag keys compare without case (tagging `Team` replaces `team`); policy tag
//! keys with case (`a` and `A` may both be there), as recorded from AWS. Lists are sorted by
//! key.

use super::errors::IamError;
use super::names::{Case, Tag, check_policy_arn, check_tag_keys, check_tags, merge_tags};
use super::paging::paginate;
use super::policies::{PolicyRef, customer_policy_mut};
use super::roles::check_role_name;
use super::users::check_user_name;
use super::{IamState, list};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagRoleInput {
    role_name: String,
    #[serde(default, deserialize_with = "list")]
    tags: Vec<Tag>,
}

pub fn tag_role(state: &mut IamState, input: TagRoleInput) -> Result<(), IamError> {
    check_role_name(&input.role_name)?;
    check_tags(&input.tags, Case::Insensitive)?;
    let role = state.role_mut(&input.role_name)?;
    merge_tags(&mut role.tags, input.tags, "Role", Case::Insensitive)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagRoleInput {
    role_name: String,
    #[serde(default, deserialize_with = "list")]
    tag_keys: Vec<String>,
}

pub fn untag_role(state: &mut IamState, input: UntagRoleInput) -> Result<(), IamError> {
    check_role_name(&input.role_name)?;
    check_tag_keys(&input.tag_keys)?;
    let role = state.role_mut(&input.role_name)?;
    role.tags.retain(|tag| {
        !input.tag_keys.iter().any(|key| key.to_lowercase() == tag.key.to_lowercase())
    });
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRoleTagsInput {
    role_name: String,
    marker: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_items: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsOutput {
    pub tags: Vec<Tag>,
    pub is_truncated: bool,
    pub marker: Option<String>,
}

pub fn list_role_tags(
    state: &IamState,
    input: ListRoleTagsInput,
) -> Result<ListTagsOutput, IamError> {
    check_role_name(&input.role_name)?;
    let tags = state.role(&input.role_name)?.tags.clone();
    page_tags(tags, input.marker.as_deref(), input.max_items)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagUserInput {
    user_name: String,
    #[serde(default, deserialize_with = "list")]
    tags: Vec<Tag>,
}

pub fn tag_user(state: &mut IamState, input: TagUserInput) -> Result<(), IamError> {
    check_user_name(&input.user_name)?;
    check_tags(&input.tags, Case::Insensitive)?;
    let user = state.user_mut(&input.user_name)?;
    merge_tags(&mut user.tags, input.tags, "User", Case::Insensitive)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagUserInput {
    user_name: String,
    #[serde(default, deserialize_with = "list")]
    tag_keys: Vec<String>,
}

pub fn untag_user(state: &mut IamState, input: UntagUserInput) -> Result<(), IamError> {
    check_user_name(&input.user_name)?;
    check_tag_keys(&input.tag_keys)?;
    let user = state.user_mut(&input.user_name)?;
    user.tags.retain(|tag| {
        !input.tag_keys.iter().any(|key| key.to_lowercase() == tag.key.to_lowercase())
    });
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserTagsInput {
    user_name: String,
    marker: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_items: Option<i64>,
}

pub fn list_user_tags(
    state: &IamState,
    input: ListUserTagsInput,
) -> Result<ListTagsOutput, IamError> {
    check_user_name(&input.user_name)?;
    let tags = state.user(&input.user_name)?.tags.clone();
    page_tags(tags, input.marker.as_deref(), input.max_items)
}

/// Tags sorted by key (AWS lists `A` before `a`).
pub fn page_tags(
    mut tags: Vec<Tag>,
    marker: Option<&str>,
    max_items: Option<i64>,
) -> Result<ListTagsOutput, IamError> {
    tags.sort_by(|a, b| a.key.cmp(&b.key));
    let page = paginate(tags, |tag| tag.key.clone(), marker, max_items)?;
    Ok(ListTagsOutput { tags: page.items, is_truncated: page.is_truncated, marker: page.marker })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagPolicyInput {
    policy_arn: String,
    #[serde(default, deserialize_with = "list")]
    tags: Vec<Tag>,
}

pub fn tag_policy(state: &mut IamState, input: TagPolicyInput) -> Result<(), IamError> {
    check_policy_arn("policyArn", &input.policy_arn)?;
    check_tags(&input.tags, Case::Sensitive)?;
    let policy = customer_policy_mut(
        state,
        &input.policy_arn,
        "Cannot update policies outside your own account.",
    )?;
    merge_tags(&mut policy.tags, input.tags, "Policy", Case::Sensitive)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagPolicyInput {
    policy_arn: String,
    #[serde(default, deserialize_with = "list")]
    tag_keys: Vec<String>,
}

pub fn untag_policy(state: &mut IamState, input: UntagPolicyInput) -> Result<(), IamError> {
    check_policy_arn("policyArn", &input.policy_arn)?;
    check_tag_keys(&input.tag_keys)?;
    let policy = customer_policy_mut(
        state,
        &input.policy_arn,
        "Cannot update policies outside your own account.",
    )?;
    // Policy tag keys are case sensitive (`a` and `A` may both be there), as AWS records show.
    policy.tags.retain(|tag| !input.tag_keys.contains(&tag.key));
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPolicyTagsInput {
    policy_arn: String,
    marker: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_items: Option<i64>,
}

pub fn list_policy_tags(
    state: &IamState,
    input: ListPolicyTagsInput,
) -> Result<ListTagsOutput, IamError> {
    check_policy_arn("policyArn", &input.policy_arn)?;
    let tags = match state.policy(&input.policy_arn) {
        Some(PolicyRef::Customer(policy)) => policy.tags.clone(),
        Some(PolicyRef::Aws(_)) => Vec::new(),
        None => return Err(IamError::PolicyNotFound(input.policy_arn)),
    };
    page_tags(tags, input.marker.as_deref(), input.max_items)
}
