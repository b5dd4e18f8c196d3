//! Alarm history: an item for every configuration change, state change and action, and
//! `DescribeAlarmHistory` over them (by alarm, type, date range, newest or oldest first).

use super::errors::CloudWatchError;
use super::{RegionState, at_ms, ms};
use crate::protocol::lenient;
use crate::protocol::shape::timestamp;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;

/// How many items an alarm's history keeps (AWS keeps 30 days; a lab makes few).
const KEPT_PER_REGION: usize = 5000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryItem {
    pub alarm_name: String,
    pub timestamp_ms: i64,
    /// `ConfigurationUpdate`, `StateUpdate` or `Action`.
    pub item_type: String,
    pub summary: String,
    /// A JSON document, as text.
    pub data: String,
}

impl RegionState {
    pub fn record(
        &mut self,
        alarm_name: &str,
        at: OffsetDateTime,
        kind: &str,
        summary: String,
        data: Value,
    ) {
        self.history.push(HistoryItem {
            alarm_name: alarm_name.to_string(),
            timestamp_ms: ms(at),
            item_type: kind.to_string(),
            summary,
            data: data.to_string(),
        });
        if self.history.len() > KEPT_PER_REGION {
            let excess = self.history.len() - KEPT_PER_REGION;
            self.history.drain(..excess);
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAlarmHistoryInput {
    alarm_name: Option<String>,
    #[serde(default)]
    alarm_types: Vec<String>,
    history_item_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::option_timestamp")]
    start_date: Option<OffsetDateTime>,
    #[serde(default, deserialize_with = "lenient::option_timestamp")]
    end_date: Option<OffsetDateTime>,
    #[serde(default, deserialize_with = "lenient::option_i64")]
    max_records: Option<i64>,
    next_token: Option<String>,
    scan_by: Option<String>,
}

const ITEM_TYPES: [&str; 6] = [
    "ConfigurationUpdate",
    "StateUpdate",
    "Action",
    "AlarmContributorStateUpdate",
    "AlarmContributorAction",
    "AlarmMuteRuleUpdate",
];

pub fn describe_alarm_history(
    shared: &Shared,
    ctx: &RequestContext,
    input: DescribeAlarmHistoryInput,
) -> Result<Value, CloudWatchError> {
    if let Some(kind) = &input.history_item_type
        && !ITEM_TYPES.contains(&kind.as_str())
    {
        return Err(super::errors::constraint(
            kind,
            "historyItemType",
            &format!("Member must satisfy enum value set: [{}]", ITEM_TYPES.join(", ")),
        ));
    }
    let descending = match input.scan_by.as_deref() {
        None | Some("TimestampDescending") => true,
        Some("TimestampAscending") => false,
        Some(other) => {
            return Err(super::errors::constraint(
                other,
                "scanBy",
                "Member must satisfy enum value set: [TimestampDescending, TimestampAscending]",
            ));
        }
    };
    let max = input.max_records.unwrap_or(100).clamp(1, 100) as usize;
    let skip: usize = match &input.next_token {
        None => 0,
        Some(token) => token.parse().map_err(|_| {
            CloudWatchError::InvalidValue(format!(
                "The value {token} for parameter NextToken is invalid."
            ))
        })?,
    };
    let metric_alarms_only =
        input.alarm_types.is_empty() || input.alarm_types.iter().any(|t| t == "MetricAlarm");
    let mut state = lock(&shared.cloudwatch);
    let regional = state.region(&ctx.region);
    let start = input.start_date.map(ms);
    let end = input.end_date.map(ms);
    let mut items: Vec<&HistoryItem> = (regional.history.iter())
        .filter(|_| metric_alarms_only)
        .filter(|item| input.alarm_name.as_ref().is_none_or(|name| &item.alarm_name == name))
        .filter(|item| input.history_item_type.as_ref().is_none_or(|kind| &item.item_type == kind))
        .filter(|item| start.is_none_or(|start| item.timestamp_ms >= start))
        .filter(|item| end.is_none_or(|end| item.timestamp_ms <= end))
        .collect();
    // Stable: items of the same millisecond keep the order they happened in.
    items.sort_by_key(|item| item.timestamp_ms);
    if descending {
        items.reverse();
    }
    let page: Vec<Value> = (items.iter().skip(skip).take(max))
        .map(|item| {
            json!({
                "AlarmName": item.alarm_name,
                "AlarmType": "MetricAlarm",
                "Timestamp": timestamp(at_ms(item.timestamp_ms)),
                "HistoryItemType": item.item_type,
                "HistorySummary": item.summary,
                "HistoryData": item.data,
            })
        })
        .collect();
    let mut out = json!({ "AlarmHistoryItems": page });
    if skip + max < items.len() {
        out["NextToken"] = json!((skip + max).to_string());
    }
    Ok(out)
}
