//! Policy changes reach a role's sessions only after IAM has propagated them (IAM is eventually
//! consistent). Under AWS's time (`crate::timing`), a role keeps the permissions it had before
//! its first unpropagated change until the last one has settled: a policy just attached does not
//! allow yet, one just detached still does. Under `Timing::Instant` every change applies at once.

use super::IamState;
use crate::clock::Millis;
use crate::timing::{Clockwork, Delay};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A role's permissions as its sessions still see them, until `until`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Propagating {
    pub until: Millis,
    pub attached_policies: Vec<String>,
    pub inline_policies: BTreeMap<String, String>,
}

/// What a role's sessions see of it: its own policies, or the ones it had before changes that
/// have not propagated by `now`.
pub fn seen_at(role: &super::roles::Role, now: Millis) -> (&[String], &BTreeMap<String, String>) {
    match &role.propagating {
        Some(old) if now < old.until => (&old.attached_policies, &old.inline_policies),
        _ => (&role.attached_policies, &role.inline_policies),
    }
}

/// Runs `change` on the role named `role_name` (a call that changes its policies) and, when it
/// succeeds under AWS's time, keeps what the role's sessions see until the change propagates.
pub fn changing<T, E>(
    state: &mut IamState,
    role_name: Option<&str>,
    clockwork: &Clockwork,
    now: Millis,
    change: impl FnOnce(&mut IamState) -> Result<T, E>,
) -> Result<T, E> {
    let before = role_name
        .and_then(|name| state.role(name).ok())
        .map(|role| (role.arn.clone(), seen_at(role, now)))
        .map(|(arn, (attached, inline))| (arn, attached.to_vec(), inline.clone()));
    let changed = change(state)?;
    let Some((arn, attached_policies, inline_policies)) = before else { return Ok(changed) };
    let Some(role) = role_name.and_then(|name| state.role_mut(name).ok()) else {
        return Ok(changed);
    };
    let subject = format!("{arn}#{}/{}", role.attached_policies.len(), role.inline_policies.len());
    let until = clockwork.settles(Delay::PolicyPropagation, &subject, now);
    if until > now {
        let until = match &role.propagating {
            Some(old) if now < old.until => until.max(old.until),
            _ => until,
        };
        role.propagating = Some(Propagating { until, attached_policies, inline_policies });
    }
    Ok(changed)
}
