//! Groups: the model, and `CreateGroup`, `GetGroup`, `ListGroups`, `DeleteGroup`,
//! `AddUserToGroup`, `RemoveUserFromGroup`, `ListGroupsForUser`. Their policies are in
//! [`super::attachments`].
//!
//! Membership is kept on the user (its `groups`), so renaming a user keeps it in its groups.
//! Adding a user to a group it is already in is not an error, as on AWS. IAM groups cannot be
//! tagged (AWS has no `TagGroup`), which is why a lab's reset deletes a group by its members
//! (see [`IamState::delete_lab_resources`]).

use super::IamState;
use super::errors::IamError;
use super::ids::unique_id;
use super::names::Checks;
use super::paging::{Page, paginate, under_path};
use super::users::{Shape, UserView, arn, check_user_name};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A group, as the emulator keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    pub path: String,
    /// `AGPA…`.
    pub id: String,
    pub arn: String,
    /// ISO 8601.
    pub created: String,
    /// Managed policy ARNs, in the order they were attached.
    pub attached_policies: Vec<String>,
    /// Inline policies by name.
    pub inline_policies: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupView {
    path: String,
    group_name: String,
    group_id: String,
    arn: String,
    create_date: String,
}

impl Group {
    fn view(&self) -> GroupView {
        GroupView {
            path: self.path.clone(),
            group_name: self.name.clone(),
            group_id: self.id.clone(),
            arn: self.arn.clone(),
            create_date: self.created.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupOutput {
    group: GroupView,
}

fn check_group_name(name: &str) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    checks.name("groupName", name, 128);
    checks.finish()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGroupInput {
    group_name: String,
    path: Option<String>,
}

pub fn create_group(
    state: &mut IamState,
    input: CreateGroupInput,
    now: time::OffsetDateTime,
    ids: &crate::ids::Ids,
) -> Result<GroupOutput, IamError> {
    let mut checks = Checks::iam();
    checks.name("groupName", &input.group_name, 128);
    if let Some(path) = &input.path {
        checks.path("path", path);
    }
    checks.finish()?;
    if state.groups.contains_key(&input.group_name.to_lowercase()) {
        return Err(IamError::GroupExists(input.group_name));
    }
    let path = input.path.unwrap_or_else(|| "/".to_string());
    let group = Group {
        arn: arn("group", &path, &input.group_name),
        name: input.group_name,
        path,
        id: unique_id(ids, "AGPA"),
        created: crate::clock::iso8601(now),
        attached_policies: Vec::new(),
        inline_policies: BTreeMap::new(),
    };
    let output = GroupOutput { group: group.view() };
    state.groups.insert(group.name.to_lowercase(), group);
    Ok(output)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetGroupInput {
    group_name: String,
    marker: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_items: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetGroupOutput {
    group: GroupView,
    users: Vec<UserView>,
    is_truncated: bool,
    marker: Option<String>,
}

/// The group and its users, sorted by name and paged.
pub fn get_group(state: &IamState, input: GetGroupInput) -> Result<GetGroupOutput, IamError> {
    check_group_name(&input.group_name)?;
    let group = state.group(&input.group_name)?;
    let key = group.name.to_lowercase();
    let members: Vec<_> = state.users.values().filter(|u| u.groups.contains(&key)).collect();
    let page =
        paginate(members, |u| u.name.to_lowercase(), input.marker.as_deref(), input.max_items)?;
    Ok(GetGroupOutput {
        group: group.view(),
        users: page.items.iter().map(|u| u.view(Shape::Listed)).collect(),
        is_truncated: page.is_truncated,
        marker: page.marker,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsInput {
    path_prefix: Option<String>,
    marker: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_items: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsOutput {
    groups: Vec<GroupView>,
    is_truncated: bool,
    marker: Option<String>,
}

pub fn list_groups(state: &IamState, input: ListGroupsInput) -> Result<ListGroupsOutput, IamError> {
    let page = under_path(
        state.groups.values(),
        |group| &group.path,
        |group| &group.name,
        input.path_prefix,
        input.marker.as_deref(),
        input.max_items,
    )?;
    Ok(groups_output(page))
}

fn groups_output(page: Page<&Group>) -> ListGroupsOutput {
    ListGroupsOutput {
        groups: page.items.iter().map(|g| g.view()).collect(),
        is_truncated: page.is_truncated,
        marker: page.marker,
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupNameInput {
    group_name: String,
}

/// Deletes a group that has nothing left: AWS refuses while it has users, inline policies or
/// attached policies.
pub fn delete_group(state: &mut IamState, input: GroupNameInput) -> Result<(), IamError> {
    check_group_name(&input.group_name)?;
    let group = state.group(&input.group_name)?;
    let key = group.name.to_lowercase();
    if state.users.values().any(|u| u.groups.contains(&key)) {
        return Err(IamError::HasGroupMembers);
    }
    if !group.inline_policies.is_empty() {
        return Err(IamError::HasInlinePolicies);
    }
    if !group.attached_policies.is_empty() {
        return Err(IamError::HasAttachedPolicies);
    }
    state.groups.remove(&key);
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MembershipInput {
    group_name: String,
    user_name: String,
}

fn check_membership(input: &MembershipInput) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    checks.name("groupName", &input.group_name, 128);
    checks.name("userName", &input.user_name, 64);
    checks.finish()
}

pub fn add_user_to_group(state: &mut IamState, input: MembershipInput) -> Result<(), IamError> {
    check_membership(&input)?;
    let key = state.group(&input.group_name)?.name.to_lowercase();
    let user = state.user_mut(&input.user_name)?;
    if !user.groups.contains(&key) {
        user.groups.push(key);
    }
    Ok(())
}

/// Takes a user out of a group. A user that is not in it is answered as a user the group does
/// not know (inferred: the emulator's wording, as AWS's is not recorded).
pub fn remove_user_from_group(
    state: &mut IamState,
    input: MembershipInput,
) -> Result<(), IamError> {
    check_membership(&input)?;
    let key = state.group(&input.group_name)?.name.to_lowercase();
    let user = state.user_mut(&input.user_name)?;
    let before = user.groups.len();
    user.groups.retain(|group| *group != key);
    if user.groups.len() == before {
        return Err(IamError::NoSuchUser(input.user_name));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsForUserInput {
    user_name: String,
    marker: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_items: Option<i64>,
}

pub fn list_groups_for_user(
    state: &IamState,
    input: ListGroupsForUserInput,
) -> Result<ListGroupsOutput, IamError> {
    check_user_name(&input.user_name)?;
    let user = state.user(&input.user_name)?;
    let groups: Vec<&Group> =
        state.groups.values().filter(|g| user.groups.contains(&g.name.to_lowercase())).collect();
    let page =
        paginate(groups, |g| g.name.to_lowercase(), input.marker.as_deref(), input.max_items)?;
    Ok(groups_output(page))
}
