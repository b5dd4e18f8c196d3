//! Tags of log groups: TagResource, UntagResource, ListTagsForResource (by ARN), and the older
//! TagLogGroup, UntagLogGroup, ListTagsLogGroup (by name). Both families see the same tags.
//!
//! Only log groups can be tagged here; an ARN of anything else (a destination, another region's
//! group) names nothing the emulator has: `ResourceNotFoundException`.

use super::Call;
use super::checks::{Checks, group_from_arn, input};
use super::errors::LogsError;
use super::store::{self, GroupRow, LogStore};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// At most this many tags on a resource.
const MAX_TAGS: usize = 50;

/// The constraints of a tag map: 1–50 entries, keys and values of AWS's characters.
pub fn check(checks: &mut Checks, member: &str, tags: &BTreeMap<String, String>) {
    let entries: Vec<&String> = tags.keys().collect();
    checks.count(member, Some(entries.as_slice()), 1, MAX_TAGS);
    for (key, value) in tags {
        checks.tag_key(member, key);
        checks.tag_value(member, value);
    }
}

fn check_keys(checks: &mut Checks, member: &str, keys: &[String]) {
    checks.count(member, Some(keys), 1, MAX_TAGS);
    for key in keys {
        checks.tag_key(member, key);
    }
}

/// The group a tagging ARN names (`arn:aws:logs:{region}:{account}:log-group:{name}`).
fn group_of_arn(call: &Call<'_>, arn: &str) -> Result<String, LogsError> {
    if !arn.starts_with("arn:") {
        return Err(LogsError::GroupNotFound);
    }
    group_from_arn(call.region, arn).ok_or(LogsError::GroupNotFound)
}

fn existing(
    tx: &rusqlite::Transaction<'_>,
    call: &Call<'_>,
    name: &str,
) -> Result<GroupRow, LogsError> {
    store::find_group(tx, call.region, name)?.ok_or(LogsError::GroupNotFound)
}

/// Adds (or replaces) tags of a group.
fn add(
    store: &LogStore,
    call: &Call<'_>,
    name: &str,
    tags: BTreeMap<String, String>,
) -> Result<Value, LogsError> {
    store.write(|tx| {
        let mut group = existing(tx, call, name)?;
        group.tags.extend(tags);
        if group.tags.len() > MAX_TAGS {
            return Err(LogsError::TooManyTags);
        }
        store::save_tags(tx, group.id, &group.tags)?;
        Ok(json!({}))
    })
}

fn remove(
    store: &LogStore,
    call: &Call<'_>,
    name: &str,
    keys: &[String],
) -> Result<Value, LogsError> {
    store.write(|tx| {
        let mut group = existing(tx, call, name)?;
        for key in keys {
            group.tags.remove(key);
        }
        store::save_tags(tx, group.id, &group.tags)?;
        Ok(json!({}))
    })
}

fn list(store: &LogStore, call: &Call<'_>, name: &str) -> Result<Value, LogsError> {
    store.read(|tx| Ok(json!({ "tags": existing(tx, call, name)?.tags })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagResourceInput {
    resource_arn: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    tag_keys: Option<Vec<String>>,
}

/// The ARN of a TagResource / UntagResource / ListTagsForResource request, checked.
fn resource(checks: &mut Checks, request: &TagResourceInput) -> String {
    let arn = checks.required("resourceArn", &request.resource_arn).cloned();
    checks.resource_arn("resourceArn", arn.as_deref());
    arn.unwrap_or_default()
}

pub fn tag_resource(
    store: &LogStore,
    call: &Call<'_>,
    request: TagResourceInput,
) -> Result<Value, LogsError> {
    let mut checks = Checks::new();
    let arn = resource(&mut checks, &request);
    let tags = checks.required("tags", &request.tags).cloned().unwrap_or_default();
    check(&mut checks, "tags", &tags);
    checks.finish()?;
    add(store, call, &group_of_arn(call, &arn)?, tags)
}

pub fn untag_resource(
    store: &LogStore,
    call: &Call<'_>,
    request: TagResourceInput,
) -> Result<Value, LogsError> {
    let mut checks = Checks::new();
    let arn = resource(&mut checks, &request);
    let keys = checks.required("tagKeys", &request.tag_keys).cloned().unwrap_or_default();
    check_keys(&mut checks, "tagKeys", &keys);
    checks.finish()?;
    remove(store, call, &group_of_arn(call, &arn)?, &keys)
}

pub fn list_tags_for_resource(
    store: &LogStore,
    call: &Call<'_>,
    request: TagResourceInput,
) -> Result<Value, LogsError> {
    let mut checks = Checks::new();
    let arn = resource(&mut checks, &request);
    checks.finish()?;
    list(store, call, &group_of_arn(call, &arn)?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagLogGroupInput {
    log_group_name: Option<String>,
    /// A map in TagLogGroup, a list of keys in UntagLogGroup.
    tags: Option<Value>,
}

fn legacy_group(checks: &mut Checks, request: &TagLogGroupInput) -> String {
    let name = checks.required("logGroupName", &request.log_group_name).cloned();
    checks.group_name("logGroupName", name.as_deref());
    name.unwrap_or_default()
}

pub fn tag_log_group(
    store: &LogStore,
    call: &Call<'_>,
    request: TagLogGroupInput,
) -> Result<Value, LogsError> {
    let mut checks = Checks::new();
    let name = legacy_group(&mut checks, &request);
    let tags: BTreeMap<String, String> =
        input(checks.required("tags", &request.tags).unwrap_or(&json!({})))?;
    check(&mut checks, "tags", &tags);
    checks.finish()?;
    add(store, call, &name, tags)
}

pub fn untag_log_group(
    store: &LogStore,
    call: &Call<'_>,
    request: TagLogGroupInput,
) -> Result<Value, LogsError> {
    let mut checks = Checks::new();
    let name = legacy_group(&mut checks, &request);
    let keys: Vec<String> = input(checks.required("tags", &request.tags).unwrap_or(&json!([])))?;
    check_keys(&mut checks, "tags", &keys);
    checks.finish()?;
    remove(store, call, &name, &keys)
}

pub fn list_tags_log_group(
    store: &LogStore,
    call: &Call<'_>,
    request: TagLogGroupInput,
) -> Result<Value, LogsError> {
    let mut checks = Checks::new();
    let name = legacy_group(&mut checks, &request);
    checks.finish()?;
    list(store, call, &name)
}
