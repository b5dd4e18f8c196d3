//! Users' long-term access keys: the model, `CreateAccessKey`, `ListAccessKeys`,
//! `UpdateAccessKey`, `DeleteAccessKey`, `GetAccessKeyLastUsed`, and how a request's key is
//! found ([`IamState::access_key`]) and its use recorded ([`IamState::record_key_use`]).
//!
//! A key is `AKIA` and 16 base32 characters from the id source; its secret, which is what
//! grants the user's permissions, comes from the secure generator (see `ids`). The secret is
//! given once, by `CreateAccessKey`, and kept in the saved state so the emulator can check the
//! signatures made with it after a restart. A user has at most two keys, as on AWS.
//!
//! `UserName` may be left out: it is then the caller's own user; a role session or the root
//! is refused as AWS refuses them (`Must specify userName …`). The emulator's root has no keys
//! of its own to manage: any key the emulator did not make is the learner's.

use super::IamState;
use super::errors::IamError;
use super::ids;
use super::names::Checks;
use super::paging::paginate;
use super::users::{check_user_name, named_or_caller};
use crate::identity::{Caller, IssuedKey};
use serde::{Deserialize, Serialize};

/// The most keys a user may have (IAM's quota `AccessKeysPerUser`).
const KEYS_PER_USER: usize = 2;

/// An access key, as the emulator keeps it with its user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessKey {
    /// `AKIA…`.
    pub id: String,
    pub secret: String,
    pub status: KeyStatus,
    /// ISO 8601.
    pub created: String,
    pub last_used: Option<KeyLastUsed>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    Active,
    Inactive,
}

/// When, where and for which service a key last signed a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyLastUsed {
    /// ISO 8601.
    pub date: String,
    /// The IAM name of the service (`iam`, `dynamodb`, `sts`).
    pub service: String,
    pub region: String,
}

impl IamState {
    /// What IAM knows of an access key: active (with its user), inactive, deleted, or never
    /// made by IAM (`None`).
    pub fn access_key(&self, id: &str) -> Option<IssuedKey> {
        for user in self.users.values() {
            if let Some(key) = user.access_keys.iter().find(|key| key.id == id) {
                return Some(match key.status {
                    KeyStatus::Active => IssuedKey::Active(user.key_holder(key)),
                    KeyStatus::Inactive => IssuedKey::Inactive,
                });
            }
        }
        self.deleted_access_keys.contains(id).then_some(IssuedKey::Deleted)
    }

    /// Records that key `id` signed a request for `service` in `region` at `now`. Returns
    /// whether that is news worth saving: a change of service or region, or the first use in a
    /// minute (AWS's own record is not finer than that), so a busy key does not save on every
    /// request.
    pub fn record_key_use(
        &mut self,
        id: &str,
        service: &str,
        region: &str,
        now: time::OffsetDateTime,
    ) -> bool {
        let date = crate::clock::iso8601(now);
        let Some(key) = (self.users.values_mut())
            .flat_map(|user| user.access_keys.iter_mut())
            .find(|key| key.id == id)
        else {
            return false;
        };
        let news = key.last_used.as_ref().is_none_or(|used| {
            used.service != service
                || used.region != region
                || used.date.get(..16) != date.get(..16)
        });
        key.last_used =
            Some(KeyLastUsed { date, service: service.to_string(), region: region.to_string() });
        news
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreatedKeyView {
    user_name: String,
    access_key_id: String,
    status: KeyStatus,
    secret_access_key: String,
    create_date: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccessKeyOutput {
    access_key: CreatedKeyView,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OptionalUserInput {
    user_name: Option<String>,
}

pub fn create_access_key(
    state: &mut IamState,
    input: OptionalUserInput,
    caller: &Caller,
    now: time::OffsetDateTime,
    ids: &crate::ids::Ids,
) -> Result<CreateAccessKeyOutput, IamError> {
    let name = named_or_caller(input.user_name, caller)?;
    check_user_name(&name)?;
    let user = state.user_mut(&name)?;
    if user.access_keys.len() >= KEYS_PER_USER {
        return Err(IamError::AccessKeyQuota);
    }
    let key = AccessKey {
        id: ids::access_key(ids),
        secret: ids::secret_access_key(),
        status: KeyStatus::Active,
        created: crate::clock::iso8601(now),
        last_used: None,
    };
    let view = CreatedKeyView {
        user_name: user.name.clone(),
        access_key_id: key.id.clone(),
        status: key.status,
        secret_access_key: key.secret.clone(),
        create_date: key.created.clone(),
    };
    user.access_keys.push(key);
    Ok(CreateAccessKeyOutput { access_key: view })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccessKeysInput {
    user_name: Option<String>,
    marker: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::lenient::option_i64")]
    max_items: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyMetadata {
    user_name: String,
    access_key_id: String,
    status: KeyStatus,
    create_date: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccessKeysOutput {
    access_key_metadata: Vec<KeyMetadata>,
    is_truncated: bool,
    marker: Option<String>,
}

/// A user's keys, oldest first, without their secrets.
pub fn list_access_keys(
    state: &IamState,
    input: ListAccessKeysInput,
    caller: &Caller,
) -> Result<ListAccessKeysOutput, IamError> {
    let name = named_or_caller(input.user_name, caller)?;
    check_user_name(&name)?;
    let user = state.user(&name)?;
    let keys: Vec<(usize, KeyMetadata)> = (user.access_keys.iter())
        .map(|key| KeyMetadata {
            user_name: user.name.clone(),
            access_key_id: key.id.clone(),
            status: key.status,
            create_date: key.created.clone(),
        })
        .enumerate()
        .collect();
    let page =
        paginate(keys, |(i, _)| format!("{i:02}"), input.marker.as_deref(), input.max_items)?;
    Ok(ListAccessKeysOutput {
        access_key_metadata: page.items.into_iter().map(|(_, key)| key).collect(),
        is_truncated: page.is_truncated,
        marker: page.marker,
    })
}

/// An access key id parameter: 16 to 128 word characters.
fn key_id_checks(checks: &mut Checks, id: &str) {
    checks.length("accessKeyId", id, 16, 128);
    let valid = id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    checks.pattern("accessKeyId", id, valid, r"[\w]+");
}

fn check_key_id(id: &str) -> Result<(), IamError> {
    let mut checks = Checks::iam();
    key_id_checks(&mut checks, id);
    checks.finish()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAccessKeyInput {
    user_name: Option<String>,
    access_key_id: String,
    status: String,
}

pub fn update_access_key(
    state: &mut IamState,
    input: UpdateAccessKeyInput,
    caller: &Caller,
) -> Result<(), IamError> {
    let status = match input.status.as_str() {
        "Active" => Some(KeyStatus::Active),
        "Inactive" => Some(KeyStatus::Inactive),
        _ => None,
    };
    let mut checks = Checks::iam();
    key_id_checks(&mut checks, &input.access_key_id);
    if status.is_none() {
        checks.fail(
            "status",
            &input.status,
            "Member must satisfy enum value set: [Active, Inactive]",
        );
    }
    checks.finish()?;
    let name = named_or_caller(input.user_name, caller)?;
    check_user_name(&name)?;
    let user = state.user_mut(&name)?;
    let key = (user.access_keys.iter_mut())
        .find(|key| key.id == input.access_key_id)
        .ok_or(IamError::NoSuchAccessKey(input.access_key_id))?;
    key.status = status.unwrap_or(key.status);
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteAccessKeyInput {
    user_name: Option<String>,
    access_key_id: String,
}

/// Deletes a key; the emulator remembers it was made, so a request signed with it is refused
/// rather than taken for the learner's.
pub fn delete_access_key(
    state: &mut IamState,
    input: DeleteAccessKeyInput,
    caller: &Caller,
) -> Result<(), IamError> {
    check_key_id(&input.access_key_id)?;
    let name = named_or_caller(input.user_name, caller)?;
    check_user_name(&name)?;
    let user = state.user_mut(&name)?;
    let before = user.access_keys.len();
    user.access_keys.retain(|key| key.id != input.access_key_id);
    if user.access_keys.len() == before {
        return Err(IamError::NoSuchAccessKey(input.access_key_id));
    }
    state.deleted_access_keys.insert(input.access_key_id);
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessKeyIdInput {
    access_key_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAccessKeyLastUsedOutput {
    user_name: String,
    access_key_last_used: LastUsedView,
}

/// A key never used has no date, and `N/A` for its service and region, as AWS answers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct LastUsedView {
    last_used_date: Option<String>,
    service_name: String,
    region: String,
}

/// When a key was last used. A key no user has is answered as one not found (inferred: AWS's
/// answer for an unknown key is not recorded).
pub fn get_access_key_last_used(
    state: &IamState,
    input: AccessKeyIdInput,
) -> Result<GetAccessKeyLastUsedOutput, IamError> {
    check_key_id(&input.access_key_id)?;
    for user in state.users.values() {
        if let Some(key) = user.access_keys.iter().find(|key| key.id == input.access_key_id) {
            let used = key.last_used.as_ref();
            let not_used = || "N/A".to_string();
            return Ok(GetAccessKeyLastUsedOutput {
                user_name: user.name.clone(),
                access_key_last_used: LastUsedView {
                    last_used_date: used.map(|u| u.date.clone()),
                    service_name: used.map_or_else(not_used, |u| u.service.clone()),
                    region: used.map_or_else(not_used, |u| u.region.clone()),
                },
            });
        }
    }
    Err(IamError::NoSuchAccessKey(input.access_key_id))
}

/// The user who holds key `id`, if any.
pub fn owner_of(state: &IamState, id: &str) -> Option<String> {
    (state.users.values())
        .find(|user| user.access_keys.iter().any(|key| key.id == id))
        .map(|user| user.name.clone())
}
