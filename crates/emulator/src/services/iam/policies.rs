//! Managed policies: the model of customer managed policies, a common view of those and of AWS
//! managed ones ([`PolicyRef`]), and `CreatePolicy`, `GetPolicy`, `DeletePolicy`,
//! `ListPolicies` and `ListEntitiesForPolicy`. Versions are in [`super::versions`], tags in
//! [`super::tags`].
//!
//! `AttachmentCount` and `PermissionsBoundaryUsageCount` are counted from the roles, users and
//! groups when asked, never stored, so they cannot drift. IAM returns a policy in three shapes: `CreatePolicy`
//! without the description (and tags only when there are some), `GetPolicy` with both (tags
//! always, possibly empty), `ListPolicies` with neither.

use super::documents::{check_identity_policy, packed_size};
use super::errors::IamError;
use super::ids::unique_id;
use super::managed::{AWS_MANAGED_POLICIES, AwsManagedPolicy};
use super::names::{Case, Checks, Tag, check_policy_arn, check_tags};
use super::paging::paginate;
use super::{IamState, list};
use crate::clock::Millis;
use serde::{Deserialize, Serialize};

/// A customer managed policy, as the emulator keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub name: String,
    pub path: String,
    /// `ANPA…`.
    pub id: String,
    pub arn: String,
    pub description: Option<String>,
    pub created: String,
    /// When the default version last changed.
    pub updated: String,
    pub default_version: String,
    /// Oldest first.
    pub versions: Vec<PolicyVersion>,
    /// The number of the next version (numbers are not reused after a deletion).
    pub next_version: u32,
    pub tags: Vec<Tag>,
    /// Roles detached a moment ago that its listing still shows (see `propagation`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub still_listed: Vec<super::propagation::StillListed>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyVersion {
    pub id: String,
    pub document: String,
    pub created: String,
}

/// A managed policy of either kind.
#[derive(Debug, Clone, Copy)]
pub enum PolicyRef<'a> {
    Customer(&'a ManagedPolicy),
    Aws(&'static AwsManagedPolicy),
}

impl PolicyRef<'_> {
    pub fn name(&self) -> &str {
        match self {
            PolicyRef::Customer(p) => &p.name,
            PolicyRef::Aws(p) => p.name,
        }
    }

    pub fn path(&self) -> &str {
        match self {
            PolicyRef::Customer(p) => &p.path,
            PolicyRef::Aws(p) => p.path,
        }
    }

    pub fn arn(&self) -> String {
        match self {
            PolicyRef::Customer(p) => p.arn.clone(),
            PolicyRef::Aws(p) => p.arn(),
        }
    }

    /// The document of the default version.
    pub fn document(&self) -> &str {
        match self {
            PolicyRef::Customer(p) => p
                .versions
                .iter()
                .find(|v| v.id == p.default_version)
                .map_or("", |v| v.document.as_str()),
            PolicyRef::Aws(p) => p.document,
        }
    }

    fn view(&self, state: &IamState, shape: Shape) -> PolicyView {
        let arn = self.arn();
        let (id, default_version, created, updated, description, tags) = match self {
            PolicyRef::Customer(p) => (
                p.id.clone(),
                p.default_version.clone(),
                p.created.clone(),
                p.updated.clone(),
                p.description.clone(),
                p.tags.clone(),
            ),
            PolicyRef::Aws(p) => (
                p.policy_id.to_string(),
                p.default_version_id.to_string(),
                p.create_date.to_string(),
                p.update_date.to_string(),
                Some(p.description.to_string()),
                Vec::new(),
            ),
        };
        PolicyView {
            policy_name: self.name().to_string(),
            policy_id: id,
            attachment_count: state.attachment_count(&arn),
            permissions_boundary_usage_count: state.boundary_usage_count(&arn),
            arn,
            path: self.path().to_string(),
            default_version_id: default_version,
            is_attachable: true,
            description: description.filter(|d| !d.is_empty() && shape == Shape::Full),
            create_date: created,
            update_date: updated,
            tags: match shape {
                Shape::Full => Some(tags),
                Shape::Created if !tags.is_empty() => Some(tags),
                Shape::Created | Shape::Listed => None,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Created,
    Full,
    Listed,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyView {
    policy_name: String,
    policy_id: String,
    arn: String,
    path: String,
    default_version_id: String,
    attachment_count: usize,
    permissions_boundary_usage_count: usize,
    is_attachable: bool,
    description: Option<String>,
    create_date: String,
    update_date: String,
    tags: Option<Vec<Tag>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyOutput {
    policy: PolicyView,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreatePolicyInput {
    policy_name: String,
    policy_document: String,
    path: Option<String>,
    description: Option<String>,
    #[serde(default, deserialize_with = "list")]
    tags: Vec<Tag>,
}

pub fn create_policy(
    state: &mut IamState,
    input: CreatePolicyInput,
    now: time::OffsetDateTime,
    ids: &crate::ids::Ids,
) -> Result<PolicyOutput, IamError> {
    let mut checks = Checks::iam();
    checks.name("policyName", &input.policy_name, 128);
    checks.document("policyDocument", &input.policy_document);
    if let Some(path) = &input.path {
        checks.path("path", path);
    }
    if let Some(description) = &input.description {
        checks.length("description", description, 0, 1000);
    }
    checks.finish()?;
    check_tags(&input.tags, Case::Sensitive)?;
    let taken = state.policies.values().any(|p| p.name.eq_ignore_ascii_case(&input.policy_name));
    if taken {
        return Err(IamError::PolicyExists(input.policy_name));
    }
    check_managed_document(&input.policy_document)?;
    let path = input.path.unwrap_or_else(|| "/".to_string());
    let arn = format!("arn:aws:iam::{}:policy{path}{}", crate::ACCOUNT_ID, input.policy_name);
    let policy = ManagedPolicy {
        name: input.policy_name,
        path,
        id: unique_id(ids, "ANPA"),
        arn: arn.clone(),
        description: input.description,
        created: crate::clock::iso8601(now),
        updated: crate::clock::iso8601(now),
        default_version: "v1".to_string(),
        versions: vec![PolicyVersion {
            id: "v1".to_string(),
            document: input.policy_document,
            created: crate::clock::iso8601(now),
        }],
        next_version: 2,
        tags: input.tags,
        still_listed: Vec::new(),
    };
    let view = PolicyRef::Customer(&policy).view(state, Shape::Created);
    state.policies.insert(arn, policy);
    Ok(PolicyOutput { policy: view })
}

/// A managed policy document: a valid identity policy of at most 6,144 characters without
/// whitespace.
pub fn check_managed_document(document: &str) -> Result<(), IamError> {
    check_identity_policy(document)?;
    if packed_size(document) > 6144 {
        return Err(IamError::ManagedPolicySize);
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyArnInput {
    policy_arn: String,
}

pub fn get_policy(state: &IamState, input: PolicyArnInput) -> Result<PolicyOutput, IamError> {
    check_policy_arn("policyArn", &input.policy_arn)?;
    let policy =
        state.policy(&input.policy_arn).ok_or(IamError::PolicyNotFound(input.policy_arn))?;
    Ok(PolicyOutput { policy: policy.view(state, Shape::Full) })
}

pub fn delete_policy(state: &mut IamState, input: PolicyArnInput) -> Result<(), IamError> {
    check_policy_arn("policyArn", &input.policy_arn)?;
    let policy = match state.policy(&input.policy_arn) {
        Some(PolicyRef::Customer(policy)) => policy,
        Some(PolicyRef::Aws(_)) => {
            return Err(IamError::OutsideAccount(
                "Cannot delete policies outside your own account.",
            ));
        }
        None => return Err(IamError::PolicyNotFound(input.policy_arn)),
    };
    let arn = &input.policy_arn;
    if state.attachment_count(arn) > 0 || state.boundary_usage_count(arn) > 0 {
        return Err(IamError::PolicyAttached);
    }
    if policy.versions.len() > 1 {
        return Err(IamError::PolicyHasVersions);
    }
    state.policies.remove(arn);
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesInput {
    scope: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_bool")]
    only_attached: Option<bool>,
    path_prefix: Option<String>,
    policy_usage_filter: Option<String>,
    marker: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_items: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesOutput {
    policies: Vec<PolicyView>,
    is_truncated: bool,
    marker: Option<String>,
}

pub fn list_policies(
    state: &IamState,
    input: ListPoliciesInput,
) -> Result<ListPoliciesOutput, IamError> {
    let scope = input.scope.as_deref().unwrap_or("All");
    let prefix = input.path_prefix.as_deref().unwrap_or("/");
    let mut checks = Checks::iam();
    if !["All", "AWS", "Local"].contains(&scope) {
        checks.fail("scope", scope, "Member must satisfy enum value set: [All, AWS, Local]");
    }
    let usage = input.policy_usage_filter.as_deref();
    if usage.is_some_and(|u| !["PermissionsPolicy", "PermissionsBoundary"].contains(&u)) {
        checks.fail(
            "policyUsageFilter",
            usage.unwrap_or_default(),
            "Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]",
        );
    }
    checks.path_prefix("pathPrefix", prefix);
    checks.finish()?;
    let mut policies: Vec<PolicyRef<'_>> = Vec::new();
    if scope != "Local" {
        policies.extend(AWS_MANAGED_POLICIES.iter().map(PolicyRef::Aws));
    }
    if scope != "AWS" {
        policies.extend(state.policies.values().map(PolicyRef::Customer));
    }
    let mut views: Vec<PolicyView> = policies
        .iter()
        .filter(|p| p.path().starts_with(prefix))
        .map(|p| p.view(state, Shape::Listed))
        .filter(|v| match (input.only_attached == Some(true), usage) {
            (false, _) => true,
            (true, Some("PermissionsBoundary")) => v.permissions_boundary_usage_count > 0,
            (true, Some("PermissionsPolicy")) => v.attachment_count > 0,
            (true, _) => v.attachment_count > 0 || v.permissions_boundary_usage_count > 0,
        })
        .collect();
    views.sort_by(|a, b| a.policy_name.cmp(&b.policy_name));
    let page =
        paginate(views, |v| v.policy_name.clone(), input.marker.as_deref(), input.max_items)?;
    Ok(ListPoliciesOutput {
        policies: page.items,
        is_truncated: page.is_truncated,
        marker: page.marker,
    })
}

impl IamState {
    /// How many roles, users and groups a managed policy is attached to.
    fn attachment_count(&self, arn: &str) -> usize {
        let attached = |policies: &Vec<String>| policies.iter().any(|a| a == arn);
        self.roles.values().filter(|r| attached(&r.attached_policies)).count()
            + self.users.values().filter(|u| attached(&u.attached_policies)).count()
            + self.groups.values().filter(|g| attached(&g.attached_policies)).count()
    }

    /// How many roles and users a managed policy bounds.
    fn boundary_usage_count(&self, arn: &str) -> usize {
        let bounds = |boundary: &Option<String>| boundary.as_deref() == Some(arn);
        self.roles.values().filter(|r| bounds(&r.permissions_boundary)).count()
            + self.users.values().filter(|u| bounds(&u.permissions_boundary)).count()
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListEntitiesForPolicyOutput {
    policy_groups: Vec<PolicyGroup>,
    policy_users: Vec<PolicyUser>,
    policy_roles: Vec<PolicyRole>,
    is_truncated: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyGroup {
    group_name: String,
    group_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyUser {
    user_name: String,
    user_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyRole {
    role_name: String,
    role_id: String,
}

/// The groups, users and roles a policy is attached to.
pub fn list_entities_for_policy(
    state: &IamState,
    input: PolicyArnInput,
    now: Millis,
) -> Result<ListEntitiesForPolicyOutput, IamError> {
    check_policy_arn("policyArn", &input.policy_arn)?;
    if state.policy(&input.policy_arn).is_none() {
        return Err(IamError::PolicyNotFound(input.policy_arn));
    }
    let mut policy_roles: Vec<PolicyRole> = state
        .roles
        .values()
        .filter(|r| r.attached_policies.contains(&input.policy_arn))
        .map(|r| PolicyRole { role_name: r.name.clone(), role_id: r.id.clone() })
        .collect();
    let lagging = state.policies.get(&input.policy_arn).map(|p| p.still_listed.as_slice());
    for listed in lagging.unwrap_or_default().iter().filter(|listed| listed.until > now) {
        if !policy_roles.iter().any(|role| role.role_id == listed.role_id) {
            policy_roles.push(PolicyRole {
                role_name: listed.role_name.clone(),
                role_id: listed.role_id.clone(),
            });
        }
    }
    let arn = &input.policy_arn;
    Ok(ListEntitiesForPolicyOutput {
        policy_groups: (state.groups.values())
            .filter(|g| g.attached_policies.contains(arn))
            .map(|g| PolicyGroup { group_name: g.name.clone(), group_id: g.id.clone() })
            .collect(),
        policy_users: (state.users.values())
            .filter(|u| u.attached_policies.contains(arn))
            .map(|u| PolicyUser { user_name: u.name.clone(), user_id: u.id.clone() })
            .collect(),
        policy_roles,
        is_truncated: false,
    })
}

/// The customer managed policy an ARN names, for a change; AWS managed ones cannot change.
pub fn customer_policy_mut<'a>(
    state: &'a mut IamState,
    arn: &str,
    outside_account: &'static str,
) -> Result<&'a mut ManagedPolicy, IamError> {
    if super::managed::find(arn).is_some() {
        return Err(IamError::OutsideAccount(outside_account));
    }
    state.policies.get_mut(arn).ok_or_else(|| IamError::PolicyNotFound(arn.to_string()))
}
