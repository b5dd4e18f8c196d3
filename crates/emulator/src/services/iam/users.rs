//! Users: the model, and `CreateUser`, `GetUser`, `ListUsers`, `UpdateUser`, `DeleteUser`.
//! Their tags are in [`super::tags`], their policies in [`super::attachments`], their groups in
//! [`super::groups`] and their access keys in [`super::access_keys`].
//!
//! IAM returns a user in two shapes: with its permissions boundary and tags (`CreateUser`,
//! `GetUser`, each only when there is one) and without (`ListUsers`, `GetGroup`,
//! `ListGroupsForUser`'s users). `GetUser` without a name answers for the caller: the user
//! whose key signed the request, or for the account's root the root user, whose shape has no
//! name and no path (as recorded from AWS).

use super::access_keys::AccessKey;
use super::errors::IamError;
use super::ids::unique_id;
use super::names::{Case, Checks, Tag, check_tags};
use super::paging::under_path;
use super::{IamState, list};
use crate::identity::Caller;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// When the root user was made, as `GetUser` reports it: the emulator's account has no history,
/// so this is a fixed date (the year awslab's emulator began).
const ROOT_CREATED: &str = "2024-01-01T00:00:00Z";

/// A user, as the emulator keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub path: String,
    /// `AIDA…`.
    pub id: String,
    pub arn: String,
    /// ISO 8601.
    pub created: String,
    pub permissions_boundary: Option<String>,
    pub tags: Vec<Tag>,
    /// Managed policy ARNs, in the order they were attached.
    pub attached_policies: Vec<String>,
    /// Inline policies by name.
    pub inline_policies: BTreeMap<String, String>,
    /// The groups it is in, by lowercase name, in the order it joined them.
    pub groups: Vec<String>,
    /// At most two.
    pub access_keys: Vec<AccessKey>,
    /// What its keys still see while a policy change propagates (see `propagation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagating: Option<super::propagation::Propagating>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Full,
    Listed,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserView {
    path: Option<String>,
    user_name: Option<String>,
    user_id: String,
    arn: String,
    create_date: String,
    permissions_boundary: Option<BoundaryView>,
    tags: Option<Vec<Tag>>,
}

/// AWS answers `PermissionsBoundaryType` with `Policy`, as for roles.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct BoundaryView {
    permissions_boundary_type: &'static str,
    permissions_boundary_arn: String,
}

impl User {
    pub fn view(&self, shape: Shape) -> UserView {
        let full = shape == Shape::Full;
        UserView {
            path: Some(self.path.clone()),
            user_name: Some(self.name.clone()),
            user_id: self.id.clone(),
            arn: self.arn.clone(),
            create_date: self.created.clone(),
            permissions_boundary: self.permissions_boundary.clone().filter(|_| full).map(|arn| {
                BoundaryView { permissions_boundary_type: "Policy", permissions_boundary_arn: arn }
            }),
            tags: (full && !self.tags.is_empty()).then(|| self.tags.clone()),
        }
    }

    /// The caller a request signed with one of this user's keys acts as.
    pub fn key_holder(&self, key: &AccessKey) -> crate::identity::UserKey {
        crate::identity::UserKey {
            account: crate::ACCOUNT_ID.to_string(),
            user_name: self.name.clone(),
            user_id: self.id.clone(),
            arn: self.arn.clone(),
            access_key: key.id.clone(),
            secret_key: key.secret.clone(),
        }
    }
}

/// The ARN of a user (or group) `name` under `path`: `arn:aws:iam::ACCOUNT:user{path}{name}`.
pub fn arn(kind: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{}:{kind}{path}{name}", crate::ACCOUNT_ID)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserOutput {
    user: UserView,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserInput {
    user_name: String,
    path: Option<String>,
    permissions_boundary: Option<String>,
    #[serde(default, deserialize_with = "list")]
    tags: Vec<Tag>,
}

pub fn create_user(
    state: &mut IamState,
    input: CreateUserInput,
    now: time::OffsetDateTime,
    ids: &crate::ids::Ids,
) -> Result<UserOutput, IamError> {
    let mut checks = Checks::iam();
    checks.name("userName", &input.user_name, 64);
    if let Some(path) = &input.path {
        checks.path("path", path);
    }
    checks.finish()?;
    check_tags(&input.tags, Case::Insensitive)?;
    if state.users.contains_key(&input.user_name.to_lowercase()) {
        return Err(IamError::UserExists(input.user_name));
    }
    if let Some(boundary) = &input.permissions_boundary {
        super::roles::check_boundary(state, boundary)?;
    }
    let path = input.path.unwrap_or_else(|| "/".to_string());
    let user = User {
        arn: arn("user", &path, &input.user_name),
        name: input.user_name,
        path,
        id: unique_id(ids, "AIDA"),
        created: crate::clock::iso8601(now),
        permissions_boundary: input.permissions_boundary,
        tags: input.tags,
        attached_policies: Vec::new(),
        inline_policies: BTreeMap::new(),
        groups: Vec::new(),
        access_keys: Vec::new(),
        propagating: None,
    };
    let output = UserOutput { user: user.view(Shape::Full) };
    state.users.insert(user.name.to_lowercase(), user);
    Ok(output)
}

pub fn check_user_name(name: &str) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    checks.name("userName", name, 64);
    checks.finish()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OptionalUserNameInput {
    pub user_name: Option<String>,
}

/// The user an operation whose `UserName` is optional acts on: the one named, or else the
/// caller's own (a role session or the root has none, and AWS says so).
pub fn named_or_caller(named: Option<String>, caller: &Caller) -> Result<String, IamError> {
    match (named, caller) {
        (Some(name), _) => Ok(name),
        (None, Caller::User(user)) => Ok(user.user_name.clone()),
        (None, Caller::Root { .. } | Caller::RoleSession(_)) => Err(IamError::NotAUser),
    }
}

pub fn get_user(
    state: &IamState,
    input: OptionalUserNameInput,
    caller: &Caller,
) -> Result<UserOutput, IamError> {
    if let (None, Caller::Root { account }) = (&input.user_name, caller) {
        return Ok(UserOutput {
            user: UserView {
                path: None,
                user_name: None,
                user_id: account.clone(),
                arn: caller.arn(),
                create_date: ROOT_CREATED.to_string(),
                permissions_boundary: None,
                tags: None,
            },
        });
    }
    let name = named_or_caller(input.user_name, caller)?;
    check_user_name(&name)?;
    Ok(UserOutput { user: state.user(&name)?.view(Shape::Full) })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersInput {
    path_prefix: Option<String>,
    marker: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_items: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersOutput {
    users: Vec<UserView>,
    is_truncated: bool,
    marker: Option<String>,
}

pub fn list_users(state: &IamState, input: ListUsersInput) -> Result<ListUsersOutput, IamError> {
    let page = under_path(
        state.users.values(),
        |user| &user.path,
        |user| &user.name,
        input.path_prefix,
        input.marker.as_deref(),
        input.max_items,
    )?;
    Ok(ListUsersOutput {
        users: page.items.iter().map(|u| u.view(Shape::Listed)).collect(),
        is_truncated: page.is_truncated,
        marker: page.marker,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserInput {
    user_name: String,
    new_user_name: Option<String>,
    new_path: Option<String>,
}

/// Renames a user or moves it to another path; its keys, policies and groups go with it.
pub fn update_user(state: &mut IamState, input: UpdateUserInput) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    checks.name("userName", &input.user_name, 64);
    if let Some(name) = &input.new_user_name {
        checks.name("newUserName", name, 64);
    }
    if let Some(path) = &input.new_path {
        checks.path("newPath", path);
    }
    checks.finish()?;
    let old_key = input.user_name.to_lowercase();
    state.user(&input.user_name)?;
    if let Some(new_name) = &input.new_user_name
        && new_name.to_lowercase() != old_key
        && state.users.contains_key(&new_name.to_lowercase())
    {
        return Err(IamError::UserExists(new_name.clone()));
    }
    let Some(mut user) = state.users.remove(&old_key) else {
        return Err(IamError::NoSuchUser(input.user_name));
    };
    if let Some(name) = input.new_user_name {
        user.name = name;
    }
    if let Some(path) = input.new_path {
        user.path = path;
    }
    user.arn = arn("user", &user.path, &user.name);
    state.users.insert(user.name.to_lowercase(), user);
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserNameInput {
    pub user_name: String,
}

/// Deletes a user that has nothing left: AWS refuses while it has access keys, inline
/// policies, attached policies or groups, in that order (the API reference's order).
pub fn delete_user(state: &mut IamState, input: UserNameInput) -> Result<(), IamError> {
    check_user_name(&input.user_name)?;
    let user = state.user(&input.user_name)?;
    if !user.access_keys.is_empty() {
        return Err(IamError::HasAccessKeys);
    }
    if !user.inline_policies.is_empty() {
        return Err(IamError::HasInlinePolicies);
    }
    if !user.attached_policies.is_empty() {
        return Err(IamError::HasAttachedPolicies);
    }
    if !user.groups.is_empty() {
        return Err(IamError::HasGroupMembers);
    }
    state.users.remove(&input.user_name.to_lowercase());
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutUserPermissionsBoundaryInput {
    user_name: String,
    permissions_boundary: String,
}

/// Sets the managed policy that caps what the user's policies allow, checked as a role's is.
pub fn put_user_permissions_boundary(
    state: &mut IamState,
    input: PutUserPermissionsBoundaryInput,
) -> Result<(), IamError> {
    check_user_name(&input.user_name)?;
    super::names::check_policy_arn("permissionsBoundary", &input.permissions_boundary)?;
    state.user(&input.user_name)?;
    super::roles::check_boundary(state, &input.permissions_boundary)?;
    state.user_mut(&input.user_name)?.permissions_boundary = Some(input.permissions_boundary);
    Ok(())
}

pub fn delete_user_permissions_boundary(
    state: &mut IamState,
    input: UserNameInput,
) -> Result<(), IamError> {
    check_user_name(&input.user_name)?;
    state.user_mut(&input.user_name)?.permissions_boundary = None;
    Ok(())
}
