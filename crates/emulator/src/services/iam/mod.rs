//! IAM: roles, users, groups, users' access keys, managed and inline policies, their
//! attachments, tags and versions, answering as AWS does (element names and shapes, statuses,
//! error codes and words).
//!
//! ## Layout
//! - `mod.rs`: [`IamState`], the lookups every operation shares, and the policies that decide
//!   what a role session or a user may do; `dispatch`: each operation to its function.
//! - `roles`, `users`, `groups`, `access_keys`, `attachments`, `policies`, `versions`, `tags`:
//!   the operations, by resource (`attachments` serves roles, users and groups alike).
//! - `permissions`: what each IAM operation needs of a caller that is not the root.
//! - `documents`, `rules`: policy document checks (AWS's stages and messages) and URL encoding.
//! - `trust`: whether a role's trust policy lets a principal assume it (used by STS).
//! - `managed`: the AWS managed policies the labs use, with their real documents.
//! - `names`, `paging`, `ids`, `errors`: constraints and their messages, `Marker`
//!   pagination, id shapes, and [`IamError`].
//! - `operations`: every IAM operation and whether it is implemented.
//!
//! Not here: instance profiles, login profiles (passwords), MFA devices, SSH keys, signing
//! certificates and the account's settings (their operations answer `NotImplemented`);
//! evaluating identity policies (`crate::policy`). A user's policy changes apply at once (a
//! role's propagate under AWS's time, see `propagation`).

mod access_keys;
mod attachments;
mod dispatch;
pub(crate) mod documents;
mod errors;
mod groups;
pub(crate) mod ids;
pub(crate) mod managed;
pub(crate) mod names;
mod operations;
mod paging;
mod permissions;
pub(crate) mod policies;
pub(crate) mod propagation;
pub(crate) mod roles;
mod rules;
mod tags;
pub(crate) mod trust;
mod users;
mod versions;

pub use dispatch::handle;
pub use errors::IamError;
pub use operations::Operation;

use groups::Group;
use policies::{ManagedPolicy, PolicyRef};
use roles::Role;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use users::User;

/// IAM's state: global to the account, plain data (saved as JSON by the persistence layer).
/// What later versions added has a default, so a state saved before them still loads.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct IamState {
    /// Roles by lowercase name: IAM role names are unique regardless of case.
    pub roles: BTreeMap<String, Role>,
    /// Customer managed policies by ARN. AWS managed ones are in [`managed`], not here.
    pub policies: BTreeMap<String, ManagedPolicy>,
    /// Users by lowercase name, with their access keys.
    #[serde(default)]
    pub users: BTreeMap<String, User>,
    /// Groups by lowercase name.
    #[serde(default)]
    pub groups: BTreeMap<String, Group>,
    /// Access keys IAM made and then deleted: a request signed with one is refused, never taken
    /// for the learner's own key.
    #[serde(default)]
    pub deleted_access_keys: BTreeSet<String>,
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

    /// The identity-based policies of a user at `now`, for evaluating what its keys may do:
    /// those attached to it and embedded in it, then those of each of its groups; each managed
    /// one at its default version (with its ARN), each inline one without; as propagated by
    /// then (see `propagation`). A document that is not JSON (it was validated when stored) is
    /// skipped.
    pub fn user_policies(
        &self,
        user_name: &str,
        now: crate::clock::Millis,
    ) -> Vec<(Option<String>, Value)> {
        (self.user_policy_texts(user_name, now).into_iter())
            .filter_map(|(arn, text)| Some((arn, serde_json::from_str(&text).ok()?)))
            .collect()
    }

    /// [`user_policies`](Self::user_policies) as the documents' texts.
    pub fn user_policy_texts(
        &self,
        user_name: &str,
        now: crate::clock::Millis,
    ) -> Vec<(Option<String>, String)> {
        let Ok(user) = self.user(user_name) else { return Vec::new() };
        if let Some(seen) = user.propagating.as_ref().and_then(|old| old.seen_at(now)) {
            return seen.to_vec();
        }
        let groups = user.groups.iter().filter_map(|key| self.groups.get(key));
        let holders = std::iter::once((&user.attached_policies, &user.inline_policies))
            .chain(groups.map(|group| (&group.attached_policies, &group.inline_policies)));
        let mut documents = Vec::new();
        for (attached, inline) in holders {
            for arn in attached {
                if let Some(policy) = self.policy(arn) {
                    documents.push((Some(arn.clone()), policy.document().to_string()));
                }
            }
            documents.extend(inline.values().map(|text| (None, text.clone())));
        }
        documents
    }

    /// The permissions boundary of a role (`Role`) or a user (`User`), as a policy document:
    /// what the principal may do at most, whatever its own policies allow.
    pub fn boundary(&self, principal: &propagation::Principal) -> Option<Value> {
        let arn = match principal {
            propagation::Principal::Role(name) => {
                self.role(name).ok()?.permissions_boundary.as_ref()
            }
            propagation::Principal::User(name) => {
                self.user(name).ok()?.permissions_boundary.as_ref()
            }
        }?;
        serde_json::from_str(self.policy(arn)?.document()).ok()
    }

    /// The users whose requests a managed policy governs: those it is attached to, and the
    /// members of the groups it is attached to, by name.
    fn users_governed_by(&self, policy_arn: &str) -> Vec<String> {
        let attached = |list: &[String]| list.iter().any(|arn| arn == policy_arn);
        (self.users.values())
            .filter(|user| {
                attached(&user.attached_policies)
                    || (user.groups.iter().filter_map(|key| self.groups.get(key)))
                        .any(|group| attached(&group.attached_policies))
            })
            .map(|user| user.name.clone())
            .collect()
    }

    /// The members of a group, by name (none when there is no such group).
    fn members_of(&self, group_name: &str) -> Vec<String> {
        let key = group_name.to_lowercase();
        (self.users.values())
            .filter(|user| user.groups.contains(&key))
            .map(|user| user.name.clone())
            .collect()
    }

    /// The roles a managed policy is attached to, by name.
    fn roles_attached_to(&self, policy_arn: &str) -> Vec<String> {
        (self.roles.values())
            .filter(|role| role.attached_policies.iter().any(|arn| arn == policy_arn))
            .map(|role| role.name.clone())
            .collect()
    }

    /// Deletes the roles, users (with their access keys) and customer managed policies tagged
    /// `awslab:lab` = `lab` (detaching those policies from any other role, user or group
    /// first), and the groups that only that lab's users were in; returns their ARNs.
    ///
    /// IAM groups cannot be tagged, so a group is taken as the lab's when it had members and
    /// every one of them was a user of the lab: deleting them leaves it empty, and a rerun of
    /// the lab can create it again. A group that was empty, or that keeps another member, is
    /// left alone.
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
        let lab_users: Vec<String> =
            (self.users.iter()).filter(|(_, u)| of_lab(&u.tags)).map(|(k, _)| k.clone()).collect();
        let lab_groups: BTreeSet<String> = (self.groups.keys())
            .filter(|key| {
                let mut members = self.users.iter().filter(|(_, u)| u.groups.contains(key));
                let mut any = false;
                let all_of_lab = members.all(|(name, _)| {
                    any = true;
                    lab_users.contains(name)
                });
                any && all_of_lab
            })
            .cloned()
            .collect();
        for key in lab_users {
            if let Some(user) = self.users.remove(&key) {
                self.deleted_access_keys.extend(user.access_keys.into_iter().map(|k| k.id));
                deleted.push(user.arn);
            }
        }
        for key in lab_groups {
            if let Some(group) = self.groups.remove(&key) {
                deleted.push(group.arn);
            }
        }
        let policies: Vec<String> = self
            .policies
            .iter()
            .filter(|(_, policy)| of_lab(&policy.tags))
            .map(|(arn, _)| arn.clone())
            .collect();
        for arn in policies {
            let unattach = |attached: &mut Vec<String>| attached.retain(|a| *a != arn);
            self.roles.values_mut().for_each(|role| unattach(&mut role.attached_policies));
            self.users.values_mut().for_each(|user| unattach(&mut user.attached_policies));
            self.groups.values_mut().for_each(|group| unattach(&mut group.attached_policies));
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

    /// The user with this name (names compare without case).
    pub fn user(&self, name: &str) -> Result<&User, IamError> {
        self.users.get(&name.to_lowercase()).ok_or_else(|| IamError::NoSuchUser(name.to_string()))
    }

    pub fn user_mut(&mut self, name: &str) -> Result<&mut User, IamError> {
        self.users
            .get_mut(&name.to_lowercase())
            .ok_or_else(|| IamError::NoSuchUser(name.to_string()))
    }

    /// The group with this name (names compare without case).
    pub fn group(&self, name: &str) -> Result<&Group, IamError> {
        self.groups.get(&name.to_lowercase()).ok_or_else(|| IamError::NoSuchGroup(name.to_string()))
    }

    pub fn group_mut(&mut self, name: &str) -> Result<&mut Group, IamError> {
        self.groups
            .get_mut(&name.to_lowercase())
            .ok_or_else(|| IamError::NoSuchGroup(name.to_string()))
    }

    /// The role an ARN names: `arn:aws:iam::ACCOUNT:role{path}{name}`, path included.
    pub fn role_by_arn(&self, arn: &str) -> Option<&Role> {
        let name = arn.rsplit('/').next()?;
        self.roles.get(&name.to_lowercase()).filter(|role| role.arn == arn)
    }

    /// Whether an ARN names a role or a user of the account (a trust policy's principal).
    pub fn principal_exists(&self, arn: &str) -> bool {
        let name = arn.rsplit('/').next().unwrap_or_default().to_lowercase();
        self.role_by_arn(arn).is_some() || self.users.get(&name).is_some_and(|u| u.arn == arn)
    }

    /// The managed policy (customer or AWS) an ARN names.
    pub fn policy(&self, arn: &str) -> Option<PolicyRef<'_>> {
        match managed::find(arn) {
            Some(aws) => Some(PolicyRef::Aws(aws)),
            None => self.policies.get(arn).map(PolicyRef::Customer),
        }
    }
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

    #[test]
    fn a_lab_reset_takes_its_users_their_keys_and_the_groups_only_they_were_in() {
        let mut state = IamState::default();
        let now = time::macros::datetime!(2024-05-01 12:00 UTC);
        let ids = crate::ids::Ids::new(Some(7));
        fn input<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
            serde_json::from_value(value).expect("an operation's input")
        }
        let lab_tag = serde_json::json!([{"Key": "awslab:lab", "Value": "iam-basics"}]);
        users::create_user(
            &mut state,
            input(serde_json::json!({"UserName": "alice", "Tags": lab_tag})),
            now,
            &ids,
        )
        .unwrap();
        users::create_user(&mut state, input(serde_json::json!({"UserName": "bob"})), now, &ids)
            .unwrap();
        for group in ["lab-only", "shared", "empty"] {
            groups::create_group(
                &mut state,
                input(serde_json::json!({"GroupName": group})),
                now,
                &ids,
            )
            .unwrap();
        }
        let join = |state: &mut IamState, group: &str, user: &str| {
            let membership = serde_json::json!({"GroupName": group, "UserName": user});
            groups::add_user_to_group(state, input(membership)).unwrap();
        };
        join(&mut state, "lab-only", "alice");
        join(&mut state, "shared", "alice");
        join(&mut state, "shared", "bob");
        let caller = crate::identity::Caller::Root { account: crate::ACCOUNT_ID.into() };
        let key = serde_json::json!({"UserName": "alice"});
        access_keys::create_access_key(&mut state, input(key), &caller, now, &ids).unwrap();
        let key_id = state.user("alice").unwrap().access_keys[0].id.clone();

        let deleted = state.delete_lab_resources("iam-basics");
        let arn =
            |kind: &str, name: &str| format!("arn:aws:iam::{}:{kind}/{name}", crate::ACCOUNT_ID);
        assert_eq!(deleted, [arn("user", "alice"), arn("group", "lab-only")]);
        assert!(state.user("bob").is_ok() && state.group("shared").is_ok());
        assert!(state.group("empty").is_ok(), "a group nobody was in is not the lab's");
        assert_eq!(state.access_key(&key_id), Some(crate::identity::IssuedKey::Deleted));
    }
}
