//! IAM: roles, managed and inline policies, their attachments, tags and versions, answering as
//! AWS does (element names and shapes, statuses, error codes and words).
//!
//! ## Layout
//! - `mod.rs`: [`IamState`], the lookups every operation shares, and the dispatch.
//! - `roles`, `attachments`, `policies`, `versions`, `tags`: the operations, by resource.
//! - `documents`, `rules`: policy document checks (AWS's stages and messages) and URL encoding.
//! - `trust`: whether a role's trust policy lets a principal assume it (used by STS).
//! - `managed`: the AWS managed policies the labs use, with their real documents.
//! - `names`, `paging`, `ids`, `errors`: constraints and their messages, `Marker`
//!   pagination, id shapes, and [`IamError`].
//! - `operations`: every IAM operation and whether it is implemented.
//!
//! Not here: users, groups, instance profiles, access keys and the account's settings (their
//! operations answer `NotImplemented`); evaluating identity policies (`crate::policy`).

mod attachments;
pub(crate) mod documents;
mod errors;
pub(crate) mod ids;
pub(crate) mod managed;
pub(crate) mod names;
mod operations;
mod paging;
pub(crate) mod policies;
mod propagation;
pub(crate) mod roles;
mod rules;
mod tags;
pub(crate) mod trust;
mod versions;

pub use errors::IamError;
pub use operations::Operation;

use super::{RequestContext, output};
use crate::error::AwsError;
use crate::protocol::query::QueryRequest;
use crate::state::{Shared, lock};
use policies::{ManagedPolicy, PolicyRef};
use roles::Role;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// IAM's state: global to the account, plain data (saved as JSON by the persistence layer).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct IamState {
    /// Roles by lowercase name: IAM role names are unique regardless of case.
    pub roles: BTreeMap<String, Role>,
    /// Customer managed policies by ARN. AWS managed ones are in [`managed`], not here.
    pub policies: BTreeMap<String, ManagedPolicy>,
}

impl IamState {
    /// The identity-based policies of a role, for evaluating what its sessions may do at `now`:
    /// each attached managed policy's default version (with its ARN) and each inline policy (no
    /// ARN), as propagated by then (see `propagation`). A document that is not JSON (it was
    /// validated when stored) is skipped.
    pub fn identity_policies(
        &self,
        role_name: &str,
        now: crate::clock::Millis,
    ) -> Vec<(Option<String>, Value)> {
        (self.policy_texts(role_name, now).into_iter())
            .filter_map(|(arn, text)| Some((arn, serde_json::from_str(&text).ok()?)))
            .collect()
    }

    /// [`identity_policies`](Self::identity_policies) as the documents' texts.
    pub fn policy_texts(
        &self,
        role_name: &str,
        now: crate::clock::Millis,
    ) -> Vec<(Option<String>, String)> {
        let Ok(role) = self.role(role_name) else { return Vec::new() };
        if let Some(seen) = role.propagating.as_ref().and_then(|old| old.seen_at(now)) {
            return seen.to_vec();
        }
        let mut documents = Vec::new();
        for arn in &role.attached_policies {
            let text = match self.policies.get(arn) {
                Some(policy) => policy
                    .versions
                    .iter()
                    .find(|version| version.id == policy.default_version)
                    .map(|version| version.document.clone()),
                None => managed::find(arn).map(|policy| policy.document.to_string()),
            };
            if let Some(text) = text {
                documents.push((Some(arn.clone()), text));
            }
        }
        for text in role.inline_policies.values() {
            documents.push((None, text.clone()));
        }
        documents
    }

    /// The roles a managed policy is attached to, by name.
    fn roles_attached_to(&self, policy_arn: &str) -> Vec<String> {
        (self.roles.values())
            .filter(|role| role.attached_policies.iter().any(|arn| arn == policy_arn))
            .map(|role| role.name.clone())
            .collect()
    }

    /// Deletes the roles and customer managed policies tagged `awslab:lab` = `lab` (detaching
    /// those policies from any other role first); returns their ARNs.
    pub fn delete_lab_resources(&mut self, lab: &str) -> Vec<String> {
        let of_lab = |tags: &[names::Tag]| {
            tags.iter().any(|tag| tag.key == "awslab:lab" && tag.value == lab)
        };
        let mut deleted = Vec::new();
        self.roles.retain(|_, role| {
            let keep = !of_lab(&role.tags);
            if !keep {
                deleted.push(role.arn.clone());
            }
            keep
        });
        let policies: Vec<String> = self
            .policies
            .iter()
            .filter(|(_, policy)| of_lab(&policy.tags))
            .map(|(arn, _)| arn.clone())
            .collect();
        for arn in policies {
            for role in self.roles.values_mut() {
                role.attached_policies.retain(|attached| *attached != arn);
            }
            self.policies.remove(&arn);
            deleted.push(arn);
        }
        deleted
    }

    /// The role with this name (names compare without case).
    pub fn role(&self, name: &str) -> Result<&Role, IamError> {
        self.roles.get(&name.to_lowercase()).ok_or_else(|| IamError::NoSuchRole(name.to_string()))
    }

    pub fn role_mut(&mut self, name: &str) -> Result<&mut Role, IamError> {
        self.roles
            .get_mut(&name.to_lowercase())
            .ok_or_else(|| IamError::NoSuchRole(name.to_string()))
    }

    /// The role an ARN names: `arn:aws:iam::ACCOUNT:role{path}{name}`, path included.
    pub fn role_by_arn(&self, arn: &str) -> Option<&Role> {
        let name = arn.rsplit('/').next()?;
        self.roles.get(&name.to_lowercase()).filter(|role| role.arn == arn)
    }

    /// The managed policy (customer or AWS) an ARN names.
    pub fn policy(&self, arn: &str) -> Option<PolicyRef<'_>> {
        match managed::find(arn) {
            Some(aws) => Some(PolicyRef::Aws(aws)),
            None => self.policies.get(arn).map(PolicyRef::Customer),
        }
    }
}

/// Serves one IAM operation.
pub fn handle(
    shared: &Shared,
    ctx: &RequestContext,
    operation: Operation,
    request: &QueryRequest,
) -> Result<Option<Value>, AwsError> {
    let mut state = lock(&shared.iam);
    let state = &mut *state;
    match operation {
        Operation::CreateRole => {
            respond(roles::create_role(state, request.input()?, ctx.now, &shared.ids))
        }
        Operation::GetRole => respond(roles::get_role(state, request.input()?)),
        Operation::ListRoles => respond(roles::list_roles(state, request.input()?)),
        Operation::UpdateRole => {
            roles::update_role(state, request.input()?)?;
            // UpdateRole answers with an empty result element.
            Ok(Some(Value::Object(serde_json::Map::new())))
        }
        Operation::UpdateRoleDescription => {
            respond(roles::update_role_description(state, request.input()?))
        }
        Operation::UpdateAssumeRolePolicy => {
            done(roles::update_assume_role_policy(state, request.input()?))
        }
        Operation::DeleteRole => done(roles::delete_role(state, request.input()?)),
        Operation::TagRole => done(tags::tag_role(state, request.input()?)),
        Operation::UntagRole => done(tags::untag_role(state, request.input()?)),
        Operation::ListRoleTags => respond(tags::list_role_tags(state, request.input()?)),
        Operation::PutRolePermissionsBoundary => {
            done(roles::put_role_permissions_boundary(state, request.input()?))
        }
        Operation::DeleteRolePermissionsBoundary => {
            done(roles::delete_role_permissions_boundary(state, request.input()?))
        }
        Operation::AttachRolePolicy => {
            let input = request.input()?;
            propagated(shared, ctx, state, request, |state| {
                done(attachments::attach_role_policy(state, input))
            })
        }
        Operation::DetachRolePolicy => {
            let input = request.input()?;
            let answer = propagated(shared, ctx, state, request, |state| {
                done(attachments::detach_role_policy(state, input))
            })?;
            let text = |name: &str| request.params.get(name).and_then(Value::as_str);
            if let (Some(role), Some(arn)) = (text("RoleName"), text("PolicyArn")) {
                let now = crate::clock::millis(ctx.now);
                propagation::detached(state, role, arn, &shared.config.clockwork, now);
            }
            Ok(answer)
        }
        Operation::ListAttachedRolePolicies => {
            respond(attachments::list_attached_role_policies(state, request.input()?))
        }
        Operation::PutRolePolicy => {
            let input = request.input()?;
            propagated(shared, ctx, state, request, |state| {
                done(attachments::put_role_policy(state, input))
            })
        }
        Operation::GetRolePolicy => respond(attachments::get_role_policy(state, request.input()?)),
        Operation::ListRolePolicies => {
            respond(attachments::list_role_policies(state, request.input()?))
        }
        Operation::DeleteRolePolicy => {
            let input = request.input()?;
            propagated(shared, ctx, state, request, |state| {
                done(attachments::delete_role_policy(state, input))
            })
        }
        Operation::CreatePolicy => {
            respond(policies::create_policy(state, request.input()?, ctx.now, &shared.ids))
        }
        Operation::GetPolicy => respond(policies::get_policy(state, request.input()?)),
        Operation::DeletePolicy => done(policies::delete_policy(state, request.input()?)),
        Operation::ListPolicies => respond(policies::list_policies(state, request.input()?)),
        Operation::ListEntitiesForPolicy => {
            let now = crate::clock::millis(ctx.now);
            respond(policies::list_entities_for_policy(state, request.input()?, now))
        }
        Operation::TagPolicy => done(tags::tag_policy(state, request.input()?)),
        Operation::UntagPolicy => done(tags::untag_policy(state, request.input()?)),
        Operation::ListPolicyTags => respond(tags::list_policy_tags(state, request.input()?)),
        Operation::CreatePolicyVersion => {
            let input = request.input()?;
            propagated(shared, ctx, state, request, |state| {
                respond(versions::create_policy_version(state, input, ctx.now))
            })
        }
        Operation::GetPolicyVersion => {
            respond(versions::get_policy_version(state, request.input()?))
        }
        Operation::ListPolicyVersions => {
            respond(versions::list_policy_versions(state, request.input()?))
        }
        Operation::DeletePolicyVersion => {
            done(versions::delete_policy_version(state, request.input()?))
        }
        Operation::SetDefaultPolicyVersion => {
            let input = request.input()?;
            propagated(shared, ctx, state, request, |state| {
                done(versions::set_default_policy_version(state, input, ctx.now))
            })
        }
    }
}

/// An operation's output, or its error in AWS's terms.
/// Runs a change of what roles allow (a role's policies, or a managed policy's default
/// version, which changes every role it is attached to); their sessions see it only once it
/// has propagated.
fn propagated(
    shared: &Shared,
    ctx: &RequestContext,
    state: &mut IamState,
    request: &QueryRequest,
    change: impl FnOnce(&mut IamState) -> Result<Option<Value>, AwsError>,
) -> Result<Option<Value>, AwsError> {
    let text = |name: &str| request.params.get(name).and_then(Value::as_str);
    let roles = match (text("RoleName"), text("PolicyArn")) {
        (Some(role), _) => vec![role.to_string()],
        (None, Some(policy)) => state.roles_attached_to(policy),
        (None, None) => Vec::new(),
    };
    let now = crate::clock::millis(ctx.now);
    propagation::changing(state, &roles, &shared.config.clockwork, now, change)
}

fn respond<T: Serialize>(result: Result<T, IamError>) -> Result<Option<Value>, AwsError> {
    output(result?)
}

/// An operation that answers with no result element.
fn done(result: Result<(), IamError>) -> Result<Option<Value>, AwsError> {
    result?;
    Ok(None)
}

/// A list parameter; an empty list arrives from query clients as an empty string (`Tags=`).
pub(crate) fn list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrText<T> {
        List(Vec<T>),
        Text(String),
    }
    match Option::<ListOrText<T>>::deserialize(deserializer)? {
        None => Ok(Vec::new()),
        Some(ListOrText::List(items)) => Ok(items),
        Some(ListOrText::Text(text)) if text.is_empty() => Ok(Vec::new()),
        Some(ListOrText::Text(_)) => Err(serde::de::Error::custom("expected a list")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_through_json() {
        let mut state = IamState::default();
        let input = serde_json::json!({
            "RoleName": "aws-lab-dynamodb-role",
            "AssumeRolePolicyDocument": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            "Tags": [{"Key": "awslab:lab", "Value": "serverless-api"}],
        });
        let input = serde_json::from_value(input).unwrap();
        roles::create_role(
            &mut state,
            input,
            time::macros::datetime!(2024-05-01 12:00 UTC),
            &crate::ids::Ids::new(None),
        )
        .unwrap();
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(serde_json::from_str::<IamState>(&json).unwrap(), state);
        assert!(state.role("AWS-LAB-DYNAMODB-ROLE").is_ok());
        let arn = "arn:aws:iam::000000000000:role/aws-lab-dynamodb-role";
        assert!(state.role_by_arn(arn).is_some());
        assert!(
            state
                .role_by_arn("arn:aws:iam::000000000000:role/other/aws-lab-dynamodb-role")
                .is_none()
        );
    }
}
