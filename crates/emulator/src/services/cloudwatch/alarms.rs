//! The alarm operations, and the one place an alarm changes state ([`transition`]), whether
//! the evaluation, `SetAlarmState` or nothing else moved it.

use super::alarm::{self, Alarm, PutMetricAlarmInput};
use super::errors::CloudWatchError;
use super::evaluate::{ALARM, INSUFFICIENT_DATA, OK};
use super::notify::{self, Fired};
use super::{CloudWatchState, DimensionInput, RegionState, TagInput, ms};
use crate::protocol::lenient;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use time::OffsetDateTime;

const STATES: [&str; 3] = [OK, ALARM, INSUFFICIENT_DATA];

pub fn put_metric_alarm(
    shared: &Shared,
    ctx: &RequestContext,
    input: PutMetricAlarmInput,
) -> Result<Value, CloudWatchError> {
    let mut alarm = alarm::checked(input, &ctx.region, ctx.now)?;
    let mut state = lock(&shared.cloudwatch);
    let regional = state.region(&ctx.region);
    let (kind, summary) = match regional.alarms.get(&alarm.name) {
        Some(existing) => {
            // An update keeps the state (and the tags: AWS ignores `Tags` on an update).
            alarm.state.clone_from(&existing.state);
            alarm.state_reason.clone_from(&existing.state_reason);
            alarm.state_reason_data.clone_from(&existing.state_reason_data);
            alarm.state_updated_ms = existing.state_updated_ms;
            alarm.state_transitioned_ms = existing.state_transitioned_ms;
            alarm.next_evaluation_ms = existing.next_evaluation_ms.min(ms(ctx.now));
            alarm.tags.clone_from(&existing.tags);
            ("Update", format!("Alarm \"{}\" updated", alarm.name))
        }
        None => ("Create", format!("Alarm \"{}\" created", alarm.name)),
    };
    let member = if kind == "Create" { "createdAlarm" } else { "updatedAlarm" };
    let data = json!({ "version": "1.0", "type": kind, member: configuration(&alarm) });
    regional.record(&alarm.name, ctx.now, "ConfigurationUpdate", summary, data);
    regional.alarms.insert(alarm.name.clone(), alarm);
    Ok(json!({}))
}

/// An alarm's configuration as history documents show it.
fn configuration(alarm: &Alarm) -> Value {
    json!({
        "alarmName": alarm.name,
        "alarmArn": alarm.arn,
        "alarmDescription": alarm.description,
        "actionsEnabled": alarm.actions_enabled,
        "okactions": alarm.ok_actions,
        "alarmActions": alarm.alarm_actions,
        "insufficientDataActions": alarm.insufficient_data_actions,
        "namespace": alarm.namespace,
        "metricName": alarm.metric_name,
        "dimensions": alarm.dimensions.iter().map(|d| json!({"name": d.name, "value": d.value})).collect::<Vec<_>>(),
        "statistic": alarm.statistic.as_deref().map(str::to_uppercase),
        "extendedStatistic": alarm.extended_statistic,
        "period": alarm.period,
        "unit": alarm.unit,
        "evaluationPeriods": alarm.evaluation_periods,
        "datapointsToAlarm": alarm.datapoints_to_alarm,
        "threshold": alarm.threshold,
        "comparisonOperator": alarm.comparison_operator,
        "treatMissingData": alarm.treat_missing_data,
        "stateValue": alarm.state,
    })
}

/// Moves an alarm to `new_state` (nothing when it is already there): the state, its reason,
/// a `StateUpdate` history item; and, when its actions are enabled and the new state has
/// some, what to fire once the lock is released.
pub fn transition(
    regional: &mut RegionState,
    region: &str,
    name: &str,
    new_state: &str,
    reason: String,
    reason_data: Option<String>,
    at: OffsetDateTime,
) -> Option<Fired> {
    let alarm = regional.alarms.get_mut(name)?;
    if alarm.state == new_state {
        return None;
    }
    let old_state = std::mem::replace(&mut alarm.state, new_state.to_string());
    let state_json = |value: &str, reason: &str, data: &Option<String>| {
        let mut state = json!({ "stateValue": value, "stateReason": reason });
        if let Some(data) = data.as_deref().and_then(|d| serde_json::from_str::<Value>(d).ok()) {
            state["stateReasonData"] = data;
        }
        state
    };
    let history = json!({
        "version": "1.0",
        "oldState": state_json(&old_state, &alarm.state_reason, &alarm.state_reason_data),
        "newState": state_json(new_state, &reason, &reason_data),
    });
    alarm.state_reason = reason;
    alarm.state_reason_data = reason_data;
    alarm.state_updated_ms = ms(at);
    alarm.state_transitioned_ms = ms(at);
    let fired = (alarm.actions_enabled && !alarm.actions_for(new_state).is_empty()).then(|| {
        Fired { region: region.to_string(), alarm: alarm.clone(), old_state: old_state.clone(), at }
    });
    let summary = format!("Alarm updated from {old_state} to {new_state}");
    regional.record(name, at, "StateUpdate", summary, history);
    fired
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAlarmsInput {
    #[serde(default)]
    alarm_names: Vec<String>,
    alarm_name_prefix: Option<String>,
    #[serde(default)]
    alarm_types: Vec<String>,
    state_value: Option<String>,
    action_prefix: Option<String>,
    #[serde(default, deserialize_with = "lenient::option_i64")]
    max_records: Option<i64>,
    next_token: Option<String>,
}

pub fn describe_alarms(
    shared: &Shared,
    ctx: &RequestContext,
    input: DescribeAlarmsInput,
) -> Result<Value, CloudWatchError> {
    if !input.alarm_names.is_empty() && input.alarm_name_prefix.is_some() {
        return Err(CloudWatchError::InvalidCombination(
            "AlarmNamePrefix and AlarmNames cannot be specified together".into(),
        ));
    }
    if let Some(state) = &input.state_value
        && !STATES.contains(&state.as_str())
    {
        return Err(super::errors::constraint(
            state,
            "stateValue",
            "Member must satisfy enum value set: [OK, ALARM, INSUFFICIENT_DATA]",
        ));
    }
    let max = input.max_records.unwrap_or(50).clamp(1, 100) as usize;
    let skip = page_start(input.next_token.as_deref())?;
    let metric_alarms =
        input.alarm_types.is_empty() || input.alarm_types.iter().any(|t| t == "MetricAlarm");
    let mut state = lock(&shared.cloudwatch);
    let regional = state.region(&ctx.region);
    let matching: Vec<&Alarm> = (regional.alarms.values())
        .filter(|_| metric_alarms)
        .filter(|a| input.alarm_names.is_empty() || input.alarm_names.contains(&a.name))
        .filter(|a| input.alarm_name_prefix.as_ref().is_none_or(|p| a.name.starts_with(p.as_str())))
        .filter(|a| input.state_value.as_ref().is_none_or(|s| &a.state == s))
        .filter(|a| {
            input.action_prefix.as_ref().is_none_or(|prefix| {
                (a.ok_actions.iter().chain(&a.alarm_actions).chain(&a.insufficient_data_actions))
                    .any(|action| action.starts_with(prefix.as_str()))
            })
        })
        .collect();
    let page: Vec<Value> = matching.iter().skip(skip).take(max).map(|a| a.output()).collect();
    let mut out = json!({ "MetricAlarms": page, "CompositeAlarms": [] });
    if skip + max < matching.len() {
        out["NextToken"] = json!((skip + max).to_string());
    }
    Ok(out)
}

fn page_start(token: Option<&str>) -> Result<usize, CloudWatchError> {
    match token {
        None => Ok(0),
        Some(token) => token.parse().map_err(|_| {
            CloudWatchError::InvalidValue(format!(
                "The value {token} for parameter NextToken is invalid."
            ))
        }),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAlarmsForMetricInput {
    metric_name: String,
    namespace: String,
    statistic: Option<String>,
    extended_statistic: Option<String>,
    #[serde(default)]
    dimensions: Vec<DimensionInput>,
    #[serde(default, deserialize_with = "lenient::option_i64")]
    period: Option<i64>,
    unit: Option<String>,
}

pub fn describe_alarms_for_metric(
    shared: &Shared,
    ctx: &RequestContext,
    input: DescribeAlarmsForMetricInput,
) -> Result<Value, CloudWatchError> {
    let metric = super::series::MetricId::new(
        &input.namespace,
        &input.metric_name,
        super::dimensions(input.dimensions),
    );
    let mut state = lock(&shared.cloudwatch);
    let alarms: Vec<Value> = (state.region(&ctx.region).alarms.values())
        .filter(|a| a.metric() == metric)
        .filter(|a| input.statistic.is_none() || a.statistic == input.statistic)
        .filter(|a| {
            input.extended_statistic.is_none() || a.extended_statistic == input.extended_statistic
        })
        .filter(|a| input.period.is_none_or(|p| a.period == p))
        .filter(|a| input.unit.is_none() || a.unit == input.unit)
        .map(Alarm::output)
        .collect();
    Ok(json!({ "MetricAlarms": alarms }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AlarmNamesInput {
    alarm_names: Vec<String>,
}

pub fn delete_alarms(
    shared: &Shared,
    ctx: &RequestContext,
    input: AlarmNamesInput,
) -> Result<Value, CloudWatchError> {
    let mut state = lock(&shared.cloudwatch);
    let regional = state.region(&ctx.region);
    let missing: Vec<&String> =
        input.alarm_names.iter().filter(|name| !regional.alarms.contains_key(*name)).collect();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|name| name.as_str()).collect();
        return Err(CloudWatchError::AlarmNotFound(format!(
            "{} out of {} alarms not found: [{}]",
            missing.len(),
            input.alarm_names.len(),
            names.join(", ")
        )));
    }
    for name in &input.alarm_names {
        if let Some(alarm) = regional.alarms.remove(name) {
            let data = json!({ "version": "1.0", "type": "Delete", "deletedAlarm": configuration(&alarm) });
            let summary = format!("Alarm \"{name}\" deleted");
            regional.record(name, ctx.now, "ConfigurationUpdate", summary, data);
        }
    }
    Ok(json!({}))
}

pub fn set_actions_enabled(
    shared: &Shared,
    ctx: &RequestContext,
    input: AlarmNamesInput,
    enabled: bool,
) -> Result<Value, CloudWatchError> {
    let mut state = lock(&shared.cloudwatch);
    let regional = state.region(&ctx.region);
    for name in &input.alarm_names {
        let Some(alarm) = regional.alarms.get_mut(name) else { continue };
        if alarm.actions_enabled == enabled {
            continue;
        }
        alarm.actions_enabled = enabled;
        alarm.configuration_updated_ms = ms(ctx.now);
        let data =
            json!({ "version": "1.0", "type": "Update", "updatedAlarm": configuration(alarm) });
        let summary = format!("Alarm \"{name}\" updated");
        regional.record(name, ctx.now, "ConfigurationUpdate", summary, data);
    }
    Ok(json!({}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetAlarmStateInput {
    alarm_name: String,
    state_value: String,
    state_reason: String,
    state_reason_data: Option<String>,
}

/// `SetAlarmState`: the alarm moves at once and fires its actions; its next evaluation (within
/// a minute of the emulator's clock) puts it back where its data says.
pub fn set_alarm_state(
    shared: &Arc<Shared>,
    ctx: &RequestContext,
    input: SetAlarmStateInput,
) -> Result<Value, CloudWatchError> {
    if !STATES.contains(&input.state_value.as_str()) {
        return Err(super::errors::constraint(
            &input.state_value,
            "stateValue",
            "Member must satisfy enum value set: [OK, ALARM, INSUFFICIENT_DATA]",
        ));
    }
    if let Some(data) = &input.state_reason_data
        && serde_json::from_str::<Value>(data).is_err()
    {
        return Err(CloudWatchError::InvalidValue(
            "The value for parameter StateReasonData is not valid JSON.".into(),
        ));
    }
    let fired = {
        let mut state = lock(&shared.cloudwatch);
        let regional = state.region(&ctx.region);
        if !regional.alarms.contains_key(&input.alarm_name) {
            return Err(CloudWatchError::AlarmNotFound(format!(
                "Alarm {} not found",
                input.alarm_name
            )));
        }
        transition(
            regional,
            &ctx.region,
            &input.alarm_name,
            &input.state_value,
            input.state_reason,
            input.state_reason_data,
            ctx.now,
        )
    };
    if let Some(fired) = fired {
        notify::fire(shared, fired);
    }
    Ok(json!({}))
}

/// The alarm an ARN names in `region` (`arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`), for the
/// tagging operations.
fn alarm_of<'s>(
    state: &'s mut CloudWatchState,
    region: &str,
    arn: &str,
) -> Result<&'s mut Alarm, CloudWatchError> {
    let prefix = format!("arn:aws:cloudwatch:{region}:{}:alarm:", crate::ACCOUNT_ID);
    (arn.strip_prefix(&prefix))
        .and_then(|name| state.region(region).alarms.get_mut(name))
        .ok_or_else(|| CloudWatchError::ResourceNotFound(format!("Resource {arn} not found")))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceInput {
    #[serde(rename = "ResourceARN")]
    resource_arn: String,
    tags: Vec<TagInput>,
}

pub fn tag_resource(
    shared: &Shared,
    ctx: &RequestContext,
    input: TagResourceInput,
) -> Result<Value, CloudWatchError> {
    let mut state = lock(&shared.cloudwatch);
    let alarm = alarm_of(&mut state, &ctx.region, &input.resource_arn)?;
    let added = (input.tags.iter().map(|tag| &tag.key))
        .filter(|key| !alarm.tags.contains_key(*key))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if alarm.tags.len() + added > 50 {
        // Refused whole: the alarm keeps the tags it had.
        return Err(CloudWatchError::Validation(
            "Too many tags: an alarm may have at most 50".into(),
        ));
    }
    for tag in input.tags {
        alarm.tags.insert(tag.key, tag.value);
    }
    Ok(json!({}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceInput {
    #[serde(rename = "ResourceARN")]
    resource_arn: String,
    tag_keys: Vec<String>,
}

pub fn untag_resource(
    shared: &Shared,
    ctx: &RequestContext,
    input: UntagResourceInput,
) -> Result<Value, CloudWatchError> {
    let mut state = lock(&shared.cloudwatch);
    let alarm = alarm_of(&mut state, &ctx.region, &input.resource_arn)?;
    for key in &input.tag_keys {
        alarm.tags.remove(key);
    }
    Ok(json!({}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsInput {
    #[serde(rename = "ResourceARN")]
    resource_arn: String,
}

pub fn list_tags_for_resource(
    shared: &Shared,
    ctx: &RequestContext,
    input: ListTagsInput,
) -> Result<Value, CloudWatchError> {
    let mut state = lock(&shared.cloudwatch);
    let alarm = alarm_of(&mut state, &ctx.region, &input.resource_arn)?;
    let tags: Vec<Value> =
        alarm.tags.iter().map(|(key, value)| json!({ "Key": key, "Value": value })).collect();
    Ok(json!({ "Tags": tags }))
}
