//! Roles: the model, and `CreateRole`, `GetRole`, `ListRoles`, `UpdateRole`,
//! `UpdateRoleDescription`, `UpdateAssumeRolePolicy`, `DeleteRole` and permissions boundaries
//! (tags are in [`super::tags`]).
//!
//! IAM returns a role in four shapes: `CreateRole` leaves out the description, the session
//! duration and the last use; `GetRole` has everything (an empty `RoleLastUsed` for a role never
//! used); `ListRoles` leaves out tags, boundary and last use; `UpdateRoleDescription` has neither
//! duration nor last use (as recorded from AWS).

use super::documents::{check_trust_policy, url_encode};
use super::errors::IamError;
use super::ids::unique_id;
use super::names::{Case, Checks, ROLE_DESCRIPTION_PATTERN, Tag, check_policy_arn, check_tags};
use super::paging::under_path;
use super::{IamState, list};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A role, as the emulator keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub path: String,
    /// `AROA…`.
    pub id: String,
    pub arn: String,
    /// ISO 8601.
    pub created: String,
    /// The trust policy, as sent.
    pub trust_policy: String,
    pub description: Option<String>,
    pub max_session_duration: i64,
    pub permissions_boundary: Option<String>,
    pub tags: Vec<Tag>,
    /// Managed policy ARNs, in the order they were attached.
    pub attached_policies: Vec<String>,
    /// Inline policies by name.
    pub inline_policies: BTreeMap<String, String>,
    pub last_used: Option<RoleLastUsed>,
    /// What the role's sessions still see while a policy change propagates (see
    /// `propagation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagating: Option<super::propagation::Propagating>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleLastUsed {
    pub date: String,
    pub region: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Created,
    Full,
    Listed,
    Described,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleView {
    path: String,
    role_name: String,
    role_id: String,
    arn: String,
    create_date: String,
    assume_role_policy_document: String,
    description: Option<String>,
    max_session_duration: Option<i64>,
    permissions_boundary: Option<BoundaryView>,
    tags: Option<Vec<Tag>>,
    role_last_used: Option<LastUsedView>,
}

/// AWS answers `PermissionsBoundaryType` with `Policy` (recorded), not the model's
/// `PermissionsBoundaryPolicy`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct BoundaryView {
    permissions_boundary_type: &'static str,
    permissions_boundary_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct LastUsedView {
    last_used_date: Option<String>,
    region: Option<String>,
}

impl Role {
    pub fn view(&self, shape: Shape) -> RoleView {
        let full = shape == Shape::Full;
        let description = self.description.clone().filter(|d| !d.is_empty());
        RoleView {
            path: self.path.clone(),
            role_name: self.name.clone(),
            role_id: self.id.clone(),
            arn: self.arn.clone(),
            create_date: self.created.clone(),
            assume_role_policy_document: url_encode(&self.trust_policy),
            description: if shape == Shape::Created { None } else { description },
            max_session_duration: matches!(shape, Shape::Full | Shape::Listed)
                .then_some(self.max_session_duration),
            permissions_boundary: self
                .permissions_boundary
                .clone()
                .filter(|_| matches!(shape, Shape::Created | Shape::Full))
                .map(|arn| BoundaryView {
                    permissions_boundary_type: "Policy",
                    permissions_boundary_arn: arn,
                }),
            tags: (matches!(shape, Shape::Created | Shape::Full) && !self.tags.is_empty())
                .then(|| self.tags.clone()),
            role_last_used: full.then(|| LastUsedView {
                last_used_date: self.last_used.as_ref().map(|u| u.date.clone()),
                region: self.last_used.as_ref().and_then(|u| u.region.clone()),
            }),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleOutput {
    role: RoleView,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateRoleInput {
    role_name: String,
    assume_role_policy_document: String,
    path: Option<String>,
    description: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_session_duration: Option<i64>,
    permissions_boundary: Option<String>,
    #[serde(default, deserialize_with = "list")]
    tags: Vec<Tag>,
}

pub fn create_role(
    state: &mut IamState,
    input: CreateRoleInput,
    now: time::OffsetDateTime,
    ids: &crate::ids::Ids,
) -> Result<RoleOutput, IamError> {
    let mut checks = Checks::iam();
    checks.name("roleName", &input.role_name, 64);
    checks.document("assumeRolePolicyDocument", &input.assume_role_policy_document);
    if let Some(path) = &input.path {
        checks.path("path", path);
    }
    if let Some(description) = &input.description {
        check_description(&mut checks, description);
    }
    if let Some(duration) = input.max_session_duration {
        checks.range("maxSessionDuration", duration, 3600, 43200);
    }
    checks.finish()?;
    check_tags(&input.tags, Case::Insensitive)?;
    if state.roles.contains_key(&input.role_name.to_lowercase()) {
        return Err(IamError::RoleExists(input.role_name));
    }
    check_trust_policy(&input.assume_role_policy_document, |arn| state.principal_exists(arn))?;
    if let Some(boundary) = &input.permissions_boundary {
        check_boundary(state, boundary)?;
    }
    let path = input.path.unwrap_or_else(|| "/".to_string());
    let role = Role {
        arn: format!("arn:aws:iam::{}:role{path}{}", crate::ACCOUNT_ID, input.role_name),
        name: input.role_name,
        path,
        id: unique_id(ids, "AROA"),
        created: crate::clock::iso8601(now),
        trust_policy: input.assume_role_policy_document,
        description: input.description,
        max_session_duration: input.max_session_duration.unwrap_or(3600),
        permissions_boundary: input.permissions_boundary,
        tags: input.tags,
        attached_policies: Vec::new(),
        inline_policies: BTreeMap::new(),
        last_used: None,
        propagating: None,
    };
    let output = RoleOutput { role: role.view(Shape::Created) };
    state.roles.insert(role.name.to_lowercase(), role);
    Ok(output)
}

fn check_description(checks: &mut Checks, description: &str) {
    checks.length("description", description, 0, 1000);
    let valid = description
        .chars()
        .all(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{A1}'..='\u{FF}'));
    checks.pattern("description", description, valid, ROLE_DESCRIPTION_PATTERN);
}

pub(super) fn check_boundary(state: &IamState, arn: &str) -> Result<(), IamError> {
    let is_policy_arn = super::names::parse_arn(arn)
        .is_some_and(|a| a.service == "iam" && a.resource.starts_with("policy/"));
    if !is_policy_arn {
        return Err(IamError::InvalidBoundaryArn(arn.to_string()));
    }
    if state.policy(arn).is_none() {
        return Err(IamError::BoundaryNotAttachable(arn.to_string()));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleNameInput {
    role_name: String,
}

pub fn get_role(state: &IamState, input: RoleNameInput) -> Result<RoleOutput, IamError> {
    check_role_name(&input.role_name)?;
    Ok(RoleOutput { role: state.role(&input.role_name)?.view(Shape::Full) })
}

pub fn check_role_name(name: &str) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    checks.name("roleName", name, 64);
    checks.finish()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRolesInput {
    path_prefix: Option<String>,
    marker: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_items: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRolesOutput {
    roles: Vec<RoleView>,
    is_truncated: bool,
    marker: Option<String>,
}

pub fn list_roles(state: &IamState, input: ListRolesInput) -> Result<ListRolesOutput, IamError> {
    let page = under_path(
        state.roles.values(),
        |role| &role.path,
        |role| &role.name,
        input.path_prefix,
        input.marker.as_deref(),
        input.max_items,
    )?;
    Ok(ListRolesOutput {
        roles: page.items.iter().map(|r| r.view(Shape::Listed)).collect(),
        is_truncated: page.is_truncated,
        marker: page.marker,
    })
}

pub fn delete_role(state: &mut IamState, input: RoleNameInput) -> Result<(), IamError> {
    check_role_name(&input.role_name)?;
    let role = state.role(&input.role_name)?;
    if !role.attached_policies.is_empty() {
        return Err(IamError::HasAttachedPolicies);
    }
    if !role.inline_policies.is_empty() {
        return Err(IamError::HasInlinePolicies);
    }
    state.roles.remove(&input.role_name.to_lowercase());
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateRoleInput {
    role_name: String,
    description: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_session_duration: Option<i64>,
}

pub fn update_role(state: &mut IamState, input: UpdateRoleInput) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    checks.name("roleName", &input.role_name, 64);
    if let Some(description) = &input.description {
        check_description(&mut checks, description);
    }
    if let Some(duration) = input.max_session_duration {
        checks.range("maxSessionDuration", duration, 3600, 43200);
    }
    checks.finish()?;
    let role = state.role_mut(&input.role_name)?;
    if let Some(description) = input.description {
        role.description = Some(description);
    }
    if let Some(duration) = input.max_session_duration {
        role.max_session_duration = duration;
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateRoleDescriptionInput {
    role_name: String,
    description: String,
}

pub fn update_role_description(
    state: &mut IamState,
    input: UpdateRoleDescriptionInput,
) -> Result<RoleOutput, IamError> {
    let mut checks = Checks::iam();
    checks.name("roleName", &input.role_name, 64);
    check_description(&mut checks, &input.description);
    checks.finish()?;
    let role = state.role_mut(&input.role_name)?;
    role.description = Some(input.description);
    Ok(RoleOutput { role: role.view(Shape::Described) })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAssumeRolePolicyInput {
    role_name: String,
    policy_document: String,
}

pub fn update_assume_role_policy(
    state: &mut IamState,
    input: UpdateAssumeRolePolicyInput,
) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    checks.name("roleName", &input.role_name, 64);
    checks.document("policyDocument", &input.policy_document);
    checks.finish()?;
    state.role(&input.role_name)?;
    check_trust_policy(&input.policy_document, |arn| state.principal_exists(arn))?;
    state.role_mut(&input.role_name)?.trust_policy = input.policy_document;
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRolePermissionsBoundaryInput {
    role_name: String,
    permissions_boundary: String,
}

pub fn put_role_permissions_boundary(
    state: &mut IamState,
    input: PutRolePermissionsBoundaryInput,
) -> Result<(), IamError> {
    check_role_name(&input.role_name)?;
    check_policy_arn("permissionsBoundary", &input.permissions_boundary)?;
    state.role(&input.role_name)?;
    check_boundary(state, &input.permissions_boundary)?;
    state.role_mut(&input.role_name)?.permissions_boundary = Some(input.permissions_boundary);
    Ok(())
}

pub fn delete_role_permissions_boundary(
    state: &mut IamState,
    input: RoleNameInput,
) -> Result<(), IamError> {
    check_role_name(&input.role_name)?;
    state.role_mut(&input.role_name)?.permissions_boundary = None;
    Ok(())
}
