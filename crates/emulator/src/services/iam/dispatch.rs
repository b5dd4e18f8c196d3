//! IAM's dispatch: each operation decoded into its typed input and served, after the check of
//! what a caller that is not the root may do (`permissions`). Changes of what a role or a user
//! may do go through `propagation`, so its sessions or keys see them only once they have
//! propagated.

use super::attachments::{self, Holder};
use super::propagation::Principal;
use super::{
    IamError, IamState, Operation, access_keys, groups, permissions, policies, propagation, roles,
    tags, users, versions,
};
use crate::error::AwsError;
use crate::protocol::query::QueryRequest;
use crate::services::{RequestContext, output};
use crate::state::{Shared, lock};
use serde::Serialize;
use serde_json::Value;

/// Serves one IAM operation, once the caller may (the root always may; a user or a role
/// session needs `iam:<Operation>` on its resource, see `permissions`).
pub fn handle(
    shared: &Shared,
    ctx: &RequestContext,
    operation: Operation,
    request: &QueryRequest,
) -> Result<Option<Value>, AwsError> {
    if !ctx.caller.is_root() {
        let (action, resource) =
            permissions::required(&lock(&shared.iam), operation, &request.params, &ctx.caller);
        crate::services::authorize(shared, ctx, crate::protocol::Service::Iam, &action, &resource)?;
    }
    let mut state = lock(&shared.iam);
    let state = &mut *state;
    let caller = &ctx.caller;
    let held = |holder: Holder| holder.name_in(request);
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
            let (name, input) = (Holder::Role.name_in(request)?, request.input()?);
            propagated(shared, ctx, state, request, |state| {
                done(attachments::attach_policy(state, Holder::Role, &name, input))
            })
        }
        Operation::DetachRolePolicy => {
            let (name, input) = (Holder::Role.name_in(request)?, request.input()?);
            let answer = propagated(shared, ctx, state, request, |state| {
                done(attachments::detach_policy(state, Holder::Role, &name, input))
            })?;
            if let Some(arn) = request.params.get("PolicyArn").and_then(Value::as_str) {
                let now = crate::clock::millis(ctx.now);
                propagation::detached(state, &name, arn, &shared.config.clockwork, now);
            }
            Ok(answer)
        }
        Operation::ListAttachedRolePolicies => {
            let (name, input) = (Holder::Role.name_in(request)?, request.input()?);
            respond(attachments::list_attached_policies(state, Holder::Role, &name, input))
        }
        Operation::PutRolePolicy => {
            let (name, input) = (Holder::Role.name_in(request)?, request.input()?);
            propagated(shared, ctx, state, request, |state| {
                done(attachments::put_policy(state, Holder::Role, &name, input))
            })
        }
        Operation::GetRolePolicy => {
            let (name, input) = (Holder::Role.name_in(request)?, request.input()?);
            Ok(Some(attachments::get_policy(state, Holder::Role, &name, input)?))
        }
        Operation::ListRolePolicies => {
            let (name, input) = (Holder::Role.name_in(request)?, request.input()?);
            respond(attachments::list_policies(state, Holder::Role, &name, input))
        }
        Operation::DeleteRolePolicy => {
            let (name, input) = (Holder::Role.name_in(request)?, request.input()?);
            propagated(shared, ctx, state, request, |state| {
                done(attachments::delete_policy(state, Holder::Role, &name, input))
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
        Operation::CreateUser => {
            respond(users::create_user(state, request.input()?, ctx.now, &shared.ids))
        }
        Operation::GetUser => respond(users::get_user(state, request.input()?, caller)),
        Operation::ListUsers => respond(users::list_users(state, request.input()?)),
        Operation::UpdateUser => done(users::update_user(state, request.input()?)),
        Operation::DeleteUser => done(users::delete_user(state, request.input()?)),
        Operation::PutUserPermissionsBoundary => {
            done(users::put_user_permissions_boundary(state, request.input()?))
        }
        Operation::DeleteUserPermissionsBoundary => {
            done(users::delete_user_permissions_boundary(state, request.input()?))
        }
        Operation::TagUser => done(tags::tag_user(state, request.input()?)),
        Operation::UntagUser => done(tags::untag_user(state, request.input()?)),
        Operation::ListUserTags => respond(tags::list_user_tags(state, request.input()?)),
        Operation::CreateGroup => {
            respond(groups::create_group(state, request.input()?, ctx.now, &shared.ids))
        }
        Operation::GetGroup => respond(groups::get_group(state, request.input()?)),
        Operation::ListGroups => respond(groups::list_groups(state, request.input()?)),
        Operation::DeleteGroup => done(groups::delete_group(state, request.input()?)),
        Operation::AddUserToGroup => {
            let input = request.input()?;
            propagated(shared, ctx, state, request, |state| {
                done(groups::add_user_to_group(state, input))
            })
        }
        Operation::RemoveUserFromGroup => {
            let input = request.input()?;
            propagated(shared, ctx, state, request, |state| {
                done(groups::remove_user_from_group(state, input))
            })
        }
        Operation::ListGroupsForUser => {
            respond(groups::list_groups_for_user(state, request.input()?))
        }
        Operation::AttachUserPolicy | Operation::AttachGroupPolicy => {
            let holder = holder_of(operation);
            let (name, input) = (held(holder)?, request.input()?);
            propagated(shared, ctx, state, request, |state| {
                done(attachments::attach_policy(state, holder, &name, input))
            })
        }
        Operation::DetachUserPolicy | Operation::DetachGroupPolicy => {
            let holder = holder_of(operation);
            let (name, input) = (held(holder)?, request.input()?);
            propagated(shared, ctx, state, request, |state| {
                done(attachments::detach_policy(state, holder, &name, input))
            })
        }
        Operation::ListAttachedUserPolicies | Operation::ListAttachedGroupPolicies => {
            let holder = holder_of(operation);
            let name = held(holder)?;
            respond(attachments::list_attached_policies(state, holder, &name, request.input()?))
        }
        Operation::PutUserPolicy | Operation::PutGroupPolicy => {
            let holder = holder_of(operation);
            let (name, input) = (held(holder)?, request.input()?);
            propagated(shared, ctx, state, request, |state| {
                done(attachments::put_policy(state, holder, &name, input))
            })
        }
        Operation::GetUserPolicy | Operation::GetGroupPolicy => {
            let holder = holder_of(operation);
            let name = held(holder)?;
            Ok(Some(attachments::get_policy(state, holder, &name, request.input()?)?))
        }
        Operation::DeleteUserPolicy | Operation::DeleteGroupPolicy => {
            let holder = holder_of(operation);
            let (name, input) = (held(holder)?, request.input()?);
            propagated(shared, ctx, state, request, |state| {
                done(attachments::delete_policy(state, holder, &name, input))
            })
        }
        Operation::ListUserPolicies | Operation::ListGroupPolicies => {
            let holder = holder_of(operation);
            let name = held(holder)?;
            respond(attachments::list_policies(state, holder, &name, request.input()?))
        }
        Operation::CreateAccessKey => respond(access_keys::create_access_key(
            state,
            request.input()?,
            caller,
            ctx.now,
            &shared.ids,
        )),
        Operation::ListAccessKeys => {
            respond(access_keys::list_access_keys(state, request.input()?, caller))
        }
        Operation::UpdateAccessKey => {
            done(access_keys::update_access_key(state, request.input()?, caller))
        }
        Operation::DeleteAccessKey => {
            done(access_keys::delete_access_key(state, request.input()?, caller))
        }
        Operation::GetAccessKeyLastUsed => {
            respond(access_keys::get_access_key_last_used(state, request.input()?))
        }
    }
}

/// The holder of the policies a user or group policy operation names.
fn holder_of(operation: Operation) -> Holder {
    match operation {
        Operation::AttachGroupPolicy
        | Operation::DetachGroupPolicy
        | Operation::ListAttachedGroupPolicies
        | Operation::PutGroupPolicy
        | Operation::GetGroupPolicy
        | Operation::DeleteGroupPolicy
        | Operation::ListGroupPolicies => Holder::Group,
        _ => Holder::User,
    }
}

/// Runs a change of what roles or users allow (their policies, a group's policies or members,
/// or a managed policy's default version, which changes everyone it governs); their requests
/// see it only once it has propagated.
fn propagated(
    shared: &Shared,
    ctx: &RequestContext,
    state: &mut IamState,
    request: &QueryRequest,
    change: impl FnOnce(&mut IamState) -> Result<Option<Value>, AwsError>,
) -> Result<Option<Value>, AwsError> {
    let text = |name: &str| request.params.get(name).and_then(Value::as_str);
    let principals: Vec<Principal> =
        match (text("RoleName"), text("UserName"), text("GroupName"), text("PolicyArn")) {
            (Some(role), ..) => vec![Principal::Role(role.to_string())],
            (None, Some(user), ..) => vec![Principal::User(user.to_string())],
            (None, None, Some(group), _) => {
                state.members_of(group).into_iter().map(Principal::User).collect()
            }
            (None, None, None, Some(policy)) => (state.roles_attached_to(policy).into_iter())
                .map(Principal::Role)
                .chain(state.users_governed_by(policy).into_iter().map(Principal::User))
                .collect(),
            (None, None, None, None) => Vec::new(),
        };
    let now = crate::clock::millis(ctx.now);
    propagation::changing(state, &principals, &shared.config.clockwork, now, change)
}

fn respond<T: Serialize>(result: Result<T, IamError>) -> Result<Option<Value>, AwsError> {
    output(result?)
}

/// An operation that answers with no result element.
fn done(result: Result<(), IamError>) -> Result<Option<Value>, AwsError> {
    result?;
    Ok(None)
}
