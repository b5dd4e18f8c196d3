//! CloudWatch (metrics and alarms), over the three protocols its clients speak: RPC v2 CBOR
//! (aws-sdk-rust), awsJson 1.0 in query mode (current boto3 and the AWS CLI) and awsQuery
//! (older boto3). Every protocol decodes into the same JSON value, so each operation is
//! written once on a typed input; errors carry the query codes (`x-amzn-query-error`).
//!
//! ## Layout
//! - `mod.rs`: [`CloudWatchState`] (per region: metrics, alarms, history) and the dispatch.
//! - `series`: how datapoints are stored (one statistic set per metric and second) and added
//!   up per period.
//! - `data`: `PutMetricData`, `GetMetricStatistics`, `GetMetricData`, `ListMetrics`.
//! - `alarm`: an alarm's model and `PutMetricAlarm`'s checks; `alarms`: the alarm operations
//!   and state changes; `history`: history items and `DescribeAlarmHistory`.
//! - `evaluate`: what state an alarm's data puts it in, with AWS's reasons (pure, tested with
//!   fixed times); `ticker`: the background evaluation on the emulator's clock;
//!   `notify`: alarm actions (the SNS message and the alarm e-mail).
//! - `errors`, `operations`: [`errors::CloudWatchError`] and the API's operation list.
//!
//! Not here: dashboards, composite alarms, anomaly detectors, metric streams, Contributor
//! Insights, metric math (`GetMetricData` expressions and `Metrics` alarms answer a clear
//! `NotImplemented`); EC2 and Auto Scaling alarm actions are accepted but do nothing.

mod alarm;
mod alarms;
mod data;
mod errors;
pub mod evaluate;
mod history;
mod notify;
mod operations;
pub mod series;
pub mod ticker;

pub use errors::wire_type;
pub use operations::Operation;

use super::RequestContext;
use super::operation::Operations;
use crate::error::AwsError;
use crate::protocol::Service;
use crate::state::Shared;
use alarm::Alarm;
use history::HistoryItem;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use series::{Dimension, Series};
use std::collections::BTreeMap;
use std::sync::Arc;
use time::OffsetDateTime;

/// CloudWatch's state, by region. Saved as one JSON document (see `docs/emulator.md`): a lab
/// makes a few metrics with a datapoint a minute, kept at one statistic set per second and
/// for 15 days, which stays small.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloudWatchState {
    pub regions: BTreeMap<String, RegionState>,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionState {
    /// Series by [`series::MetricId::key`].
    pub metrics: BTreeMap<String, Series>,
    pub alarms: BTreeMap<String, Alarm>,
    /// Oldest first. Kept after an alarm is deleted, as on AWS.
    pub history: Vec<HistoryItem>,
}

impl CloudWatchState {
    pub fn region(&mut self, region: &str) -> &mut RegionState {
        self.regions.entry(region.to_string()).or_default()
    }

    /// Deletes the alarms tagged `awslab:lab` = `lab` (and their history); answers their ARNs.
    /// Metrics are not tagged on AWS and stay.
    pub fn delete_lab_alarms(&mut self, lab: &str) -> Vec<String> {
        let mut deleted = Vec::new();
        for regional in self.regions.values_mut() {
            let names: Vec<String> = (regional.alarms.values())
                .filter(|alarm| alarm.tags.get("awslab:lab").is_some_and(|tag| tag == lab))
                .map(|alarm| alarm.name.clone())
                .collect();
            for name in names {
                if let Some(alarm) = regional.alarms.remove(&name) {
                    deleted.push(alarm.arn);
                }
                regional.history.retain(|item| item.alarm_name != name);
            }
        }
        deleted
    }
}

/// Milliseconds since the epoch, as the saved state keeps times.
pub fn ms(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

pub fn at_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DimensionInput {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagInput {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

/// Dimensions of a metric (every one has a value).
pub fn dimensions(input: Vec<DimensionInput>) -> Vec<Dimension> {
    input
        .into_iter()
        .map(|d| Dimension { name: d.name, value: d.value.unwrap_or_default() })
        .collect()
}

/// A request body as an operation's typed input; what does not fit is AWS's validation error.
fn input<T: DeserializeOwned>(body: Value) -> Result<T, AwsError> {
    crate::protocol::query::typed(body)
}

/// Serves a CloudWatch operation, whatever protocol it came in.
pub fn handle(
    shared: &Arc<Shared>,
    ctx: &RequestContext,
    operation: Operation,
    body: Value,
) -> Result<Value, AwsError> {
    let action = format!("cloudwatch:{}", operation.name());
    super::authorize(shared, ctx, Service::CloudWatch, &action, "*")?;
    let result = match operation {
        Operation::PutMetricData => data::put_metric_data(shared, ctx, input(body)?),
        Operation::GetMetricStatistics => data::get_metric_statistics(shared, ctx, input(body)?),
        Operation::GetMetricData => data::get_metric_data(shared, ctx, input(body)?),
        Operation::ListMetrics => data::list_metrics(shared, ctx, input(body)?),
        Operation::PutMetricAlarm => alarms::put_metric_alarm(shared, ctx, input(body)?),
        Operation::DescribeAlarms => alarms::describe_alarms(shared, ctx, input(body)?),
        Operation::DescribeAlarmsForMetric => {
            alarms::describe_alarms_for_metric(shared, ctx, input(body)?)
        }
        Operation::DeleteAlarms => alarms::delete_alarms(shared, ctx, input(body)?),
        Operation::EnableAlarmActions => {
            alarms::set_actions_enabled(shared, ctx, input(body)?, true)
        }
        Operation::DisableAlarmActions => {
            alarms::set_actions_enabled(shared, ctx, input(body)?, false)
        }
        Operation::SetAlarmState => alarms::set_alarm_state(shared, ctx, input(body)?),
        Operation::DescribeAlarmHistory => {
            history::describe_alarm_history(shared, ctx, input(body)?)
        }
        Operation::TagResource => alarms::tag_resource(shared, ctx, input(body)?),
        Operation::UntagResource => alarms::untag_resource(shared, ctx, input(body)?),
        Operation::ListTagsForResource => alarms::list_tags_for_resource(shared, ctx, input(body)?),
    };
    Ok(result?)
}
