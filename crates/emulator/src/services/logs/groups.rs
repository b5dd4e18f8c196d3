//! Log groups: CreateLogGroup, DescribeLogGroups, DeleteLogGroup, and the retention policy.

use super::checks::{Checks, group_from_arn};
use super::errors::LogsError;
use super::store::{self, GROUP_COLUMNS, GroupRow, LogStore, group_from_row};
use super::tokens::{name_token, parse_name_token};
use super::{Call, tags};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The retention periods AWS accepts, in days.
pub const RETENTION_DAYS: [i64; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// The log group classes.
const CLASSES: [&str; 3] = ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateLogGroupInput {
    log_group_name: Option<String>,
    kms_key_id: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    log_group_class: Option<String>,
}

pub fn create_log_group(
    store: &LogStore,
    call: &Call<'_>,
    request: CreateLogGroupInput,
) -> Result<Value, LogsError> {
    let mut checks = Checks::new();
    let name = checks.required("logGroupName", &request.log_group_name).map(String::as_str);
    checks.group_name("logGroupName", name);
    checks.length("kmsKeyId", request.kms_key_id.as_deref(), 0, 256);
    if let Some(tags) = &request.tags {
        tags::check(&mut checks, "tags", tags);
    }
    checks.one_of("logGroupClass", request.log_group_class.as_deref(), &CLASSES);
    checks.finish()?;
    let name = name.unwrap_or_default();
    if name.to_ascii_lowercase().starts_with("aws/") {
        return Err(LogsError::InvalidParameter(
            "Log groups starting with AWS/ are reserved for AWS.".into(),
        ));
    }
    let class = request.log_group_class.as_deref().unwrap_or("STANDARD");
    let tags = request.tags.unwrap_or_default();
    store.write(|tx| {
        let created = store::insert_group(
            tx,
            call.region,
            name,
            call.now_ms,
            request.kms_key_id.as_deref(),
            class,
            &tags,
        )?;
        if created { Ok(json!({})) } else { Err(LogsError::GroupExists) }
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeLogGroupsInput {
    log_group_name_prefix: Option<String>,
    log_group_name_pattern: Option<String>,
    log_group_identifiers: Option<Vec<String>>,
    log_group_class: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

pub fn describe_log_groups(
    store: &LogStore,
    call: &Call<'_>,
    request: DescribeLogGroupsInput,
) -> Result<Value, LogsError> {
    let mut checks = Checks::new();
    checks.group_name("logGroupNamePrefix", request.log_group_name_prefix.as_deref());
    checks.length("logGroupNamePattern", request.log_group_name_pattern.as_deref(), 0, 512);
    checks.count("logGroupIdentifiers", request.log_group_identifiers.as_deref(), 1, 50);
    checks.one_of("logGroupClass", request.log_group_class.as_deref(), &CLASSES);
    checks.length("nextToken", request.next_token.as_deref(), 1, usize::MAX);
    checks.range("limit", request.limit, 1, Some(50));
    checks.finish()?;
    if request.log_group_name_prefix.is_some() && request.log_group_name_pattern.is_some() {
        return Err(LogsError::InvalidParameter(
            "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."
                .into(),
        ));
    }
    let after = request.next_token.as_deref().map(parse_name_token).transpose()?;
    let limit = request.limit.unwrap_or(50) as usize;
    let identified: Option<Vec<String>> = request
        .log_group_identifiers
        .as_ref()
        .map(|ids| ids.iter().filter_map(|id| group_from_arn(call.region, id)).collect());
    let pattern = request.log_group_name_pattern.as_deref().map(str::to_lowercase);
    let prefix = request.log_group_name_prefix.as_deref().unwrap_or("");
    store.read(|tx| {
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM log_groups WHERE region = ?1 AND name > ?2 ORDER BY name"
        );
        let mut statement = tx.prepare(&sql)?;
        let mut rows =
            statement.query(rusqlite::params![call.region, after.as_deref().unwrap_or("")])?;
        let mut page = Vec::new();
        let mut more = false;
        while let Some(row) = rows.next()? {
            let group = group_from_row(row)?;
            let wanted = group.name.starts_with(prefix)
                && pattern.as_ref().is_none_or(|p| group.name.to_lowercase().contains(p))
                && identified.as_ref().is_none_or(|ids| ids.contains(&group.name))
                && request.log_group_class.as_ref().is_none_or(|class| *class == group.class);
            if !wanted {
                continue;
            }
            if page.len() == limit {
                more = true;
                break;
            }
            page.push(group);
        }
        let mut output = Map::new();
        let mut described = Vec::new();
        for group in &page {
            described.push(describe(tx, group)?);
        }
        output.insert("logGroups".into(), Value::Array(described));
        if more && let Some(last) = page.last() {
            output.insert("nextToken".into(), json!(name_token(&last.name)));
        }
        Ok(Value::Object(output))
    })
}

/// A group as DescribeLogGroups lists it, members in AWS's order.
fn describe(tx: &rusqlite::Connection, group: &GroupRow) -> Result<Value, LogsError> {
    let stored_bytes: i64 = tx.query_row(
        "SELECT coalesce(sum(stored_bytes), 0) FROM log_streams WHERE group_id = ?1",
        [group.id],
        |row| row.get(0),
    )?;
    let arn = group.arn();
    let mut out = Map::new();
    out.insert("logGroupName".into(), json!(group.name));
    out.insert("creationTime".into(), json!(group.created_ms));
    if let Some(days) = group.retention_days {
        out.insert("retentionInDays".into(), json!(days));
    }
    out.insert("metricFilterCount".into(), json!(0));
    out.insert("arn".into(), json!(format!("{arn}:*")));
    out.insert("storedBytes".into(), json!(stored_bytes));
    if let Some(key) = &group.kms_key_id {
        out.insert("kmsKeyId".into(), json!(key));
    }
    out.insert("logGroupClass".into(), json!(group.class));
    out.insert("logGroupArn".into(), json!(arn));
    Ok(Value::Object(out))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupNameInput {
    log_group_name: Option<String>,
}

/// The `logGroupName` of an operation that takes nothing else that matters.
fn group_name(request: GroupNameInput) -> Result<String, LogsError> {
    let mut checks = Checks::new();
    let name = checks.required("logGroupName", &request.log_group_name).cloned();
    checks.group_name("logGroupName", name.as_deref());
    checks.finish()?;
    Ok(name.unwrap_or_default())
}

pub fn delete_log_group(
    store: &LogStore,
    call: &Call<'_>,
    request: GroupNameInput,
) -> Result<Value, LogsError> {
    let name = group_name(request)?;
    store.write(|tx| {
        let deleted = tx.execute(
            "DELETE FROM log_groups WHERE region = ?1 AND name = ?2",
            rusqlite::params![call.region, name],
        )?;
        if deleted == 0 { Err(LogsError::GroupNotFound) } else { Ok(json!({})) }
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutRetentionPolicyInput {
    log_group_name: Option<String>,
    retention_in_days: Option<i64>,
}

pub fn put_retention_policy(
    store: &LogStore,
    call: &Call<'_>,
    request: PutRetentionPolicyInput,
) -> Result<Value, LogsError> {
    let mut checks = Checks::new();
    let name = checks.required("logGroupName", &request.log_group_name).cloned();
    checks.group_name("logGroupName", name.as_deref());
    let days = checks.required("retentionInDays", &request.retention_in_days).copied();
    checks.one_of("retentionInDays", days, &RETENTION_DAYS);
    checks.finish()?;
    set_retention(store, call, &name.unwrap_or_default(), days)
}

pub fn delete_retention_policy(
    store: &LogStore,
    call: &Call<'_>,
    request: GroupNameInput,
) -> Result<Value, LogsError> {
    let name = group_name(request)?;
    set_retention(store, call, &name, None)
}

fn set_retention(
    store: &LogStore,
    call: &Call<'_>,
    name: &str,
    days: Option<i64>,
) -> Result<Value, LogsError> {
    store.write(|tx| {
        let updated = tx.execute(
            "UPDATE log_groups SET retention_days = ?3 WHERE region = ?1 AND name = ?2",
            rusqlite::params![call.region, name, days],
        )?;
        if updated == 0 { Err(LogsError::GroupNotFound) } else { Ok(json!({})) }
    })
}
