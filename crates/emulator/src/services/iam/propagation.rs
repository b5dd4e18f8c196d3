//! Policy changes reach a principal's requests only after IAM has propagated them (IAM is
//! eventually consistent). Under AWS's time (`crate::timing`), a role's sessions and an IAM
//! user's keys keep the policy documents they saw before the first unpropagated change until
//! the last one has settled: a policy just attached, put or made the default version does not
//! allow yet, and one just detached or deleted still does. For a user that includes its groups'
//! policies and joining or leaving a group. IAM's own listings lag the same way:
//! `ListEntitiesForPolicy` still shows a role for a moment after the policy was detached from
//! it, even once the role is deleted. Under `Timing::Instant` every change applies at once.

use super::IamState;
use crate::clock::Millis;
use crate::timing::{Clockwork, Delay};
use serde::{Deserialize, Serialize};

/// Policy documents as a role's sessions see them: each with the ARN of the managed policy it is
/// a version of (`None` for an inline one) and its text.
type Documents = Vec<(Option<String>, String)>;

/// The identity-based policies a role's sessions still see, until `until`: each with the ARN of
/// the managed policy it is a version of (`None` for an inline one) and its document's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Propagating {
    pub until: Millis,
    pub documents: Documents,
}

impl Propagating {
    /// The documents sessions see at `now`, while the change has not propagated.
    pub fn seen_at(&self, now: Millis) -> Option<&[(Option<String>, String)]> {
        (now < self.until).then_some(self.documents.as_slice())
    }
}

/// Whose requests a policy change reaches: a role (its sessions) or a user (its keys), by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Role(String),
    User(String),
}

/// Runs `change` (a call that changes what `principals` allow) and, when it succeeds under
/// AWS's time, keeps what each of them saw before until the change propagates.
pub fn changing<T, E>(
    state: &mut IamState,
    principals: &[Principal],
    clockwork: &Clockwork,
    now: Millis,
    change: impl FnOnce(&mut IamState) -> Result<T, E>,
) -> Result<T, E> {
    let before: Vec<(&Principal, Documents)> = (principals.iter())
        .map(|principal| {
            let documents = match principal {
                Principal::Role(name) => state.policy_texts(name, now),
                Principal::User(name) => state.user_policy_texts(name, now),
            };
            (principal, documents)
        })
        .collect();
    let changed = change(state)?;
    for (principal, documents) in before {
        // The subject names the principal and the shape of its policies after the change, so
        // that each change draws its own delay.
        let (arn, propagating, shape) = match principal {
            Principal::Role(name) => {
                let Ok(role) = state.role_mut(name) else { continue };
                let shape = (role.attached_policies.len(), role.inline_policies.len());
                (role.arn.clone(), &mut role.propagating, shape)
            }
            Principal::User(name) => {
                let Ok(user) = state.user_mut(name) else { continue };
                let shape =
                    (user.attached_policies.len() + user.groups.len(), user.inline_policies.len());
                (user.arn.clone(), &mut user.propagating, shape)
            }
        };
        let subject = format!("{arn}#{}/{}/{}", shape.0, shape.1, documents.len());
        let until = clockwork.settles(Delay::PolicyPropagation, &subject, now);
        if until <= now {
            continue;
        }
        let until = match propagating {
            Some(old) if now < old.until => until.max(old.until),
            _ => until,
        };
        *propagating = Some(Propagating { until, documents });
    }
    Ok(changed)
}

/// A role that `ListEntitiesForPolicy` still shows after the policy was detached from it, until
/// the detachment propagates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StillListed {
    pub role_name: String,
    pub role_id: String,
    pub until: Millis,
}

/// Notes, once the role `role` was detached from the customer managed policy `arn`, that the
/// policy's listing shows the role until the detachment propagates.
pub fn detached(state: &mut IamState, role: &str, arn: &str, clockwork: &Clockwork, now: Millis) {
    let Ok(role) = state.role(role) else { return };
    let (role_name, role_id) = (role.name.clone(), role.id.clone());
    let Some(policy) = state.policies.get_mut(arn) else { return };
    let until = clockwork.settles(Delay::PolicyPropagation, &format!("{arn}#{role_id}"), now);
    policy.still_listed.retain(|listed| listed.until > now && listed.role_id != role_id);
    if until > now {
        policy.still_listed.push(StillListed { role_name, role_id, until });
    }
}
