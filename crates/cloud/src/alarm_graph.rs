//! The data of a CloudWatch alarm's graph, as the console draws it: the alarm's metric over the
//! last hours at the alarm's period and statistic, its threshold, and its state over time from
//! the alarm history. `awslab-core`'s charts turn it into SVG.

use crate::ec2::control;
use crate::{Clients, Failure, Target};
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{HistoryItemType, Statistic};
use serde_json::Value;

/// One alarm's graph data.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmGraphData {
    pub alarm_name: String,
    /// `AWS/EBS VolumeWriteBytes (Sum, 300 s)`.
    pub title: String,
    /// `(unix ms, value)`, in time order.
    pub points: Vec<(i64, f64)>,
    pub threshold: f64,
    /// `(from unix ms, state)`, in time order.
    pub states: Vec<(i64, String)>,
    pub from_ms: i64,
    pub to_ms: i64,
}

/// How far back the graph looks.
const HOURS: i64 = 3;

/// The graphs of the alarms tagged `awslab:lab` = `lab_id`, by name.
pub async fn lab_alarm_graphs(
    clients: &Clients,
    lab_id: &str,
) -> Result<Vec<AlarmGraphData>, Failure> {
    let alarms = (clients.cloudwatch.describe_alarms().send().await)
        .map_err(|error| Failure::from_sdk("cloudwatch", "DescribeAlarms", error))?;
    let now_ms = target_now_ms(clients).await;
    let mut graphs = Vec::new();
    for alarm in alarms.metric_alarms() {
        let Some(arn) = alarm.alarm_arn() else { continue };
        let tags = (clients.cloudwatch.list_tags_for_resource().resource_arn(arn).send().await)
            .map_err(|error| Failure::from_sdk("cloudwatch", "ListTagsForResource", error))?;
        if !tags
            .tags()
            .iter()
            .any(|tag| tag.key() == Some("awslab:lab") && tag.value() == Some(lab_id))
        {
            continue;
        }
        graphs.push(graph(clients, alarm, now_ms).await?);
    }
    graphs.sort_by(|a, b| a.alarm_name.cmp(&b.alarm_name));
    Ok(graphs)
}

/// "Now" on the target: the emulator's clock (which may run fast or have been advanced), else
/// this machine's.
async fn target_now_ms(clients: &Clients) -> i64 {
    let wall = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    if !matches!(clients.target, Target::Emulator { .. }) {
        return wall;
    }
    match control(clients, "Clock", reqwest::Method::GET, "/_awslab/clock", None).await {
        Ok((200, clock)) => clock["epoch_seconds"].as_i64().map_or(wall, |seconds| seconds * 1000),
        _ => wall,
    }
}

async fn graph(
    clients: &Clients,
    alarm: &aws_sdk_cloudwatch::types::MetricAlarm,
    now_ms: i64,
) -> Result<AlarmGraphData, Failure> {
    let name = alarm.alarm_name().unwrap_or_default().to_string();
    let period = alarm.period().unwrap_or(300).max(60);
    let statistic = alarm.statistic().cloned().unwrap_or(Statistic::Average);
    let to_ms = now_ms;
    let from_ms = to_ms - HOURS * 3_600_000;
    let statistics = (clients
        .cloudwatch
        .get_metric_statistics()
        .namespace(alarm.namespace().unwrap_or_default())
        .metric_name(alarm.metric_name().unwrap_or_default())
        .set_dimensions(Some(alarm.dimensions().to_vec()))
        .start_time(DateTime::from_millis(from_ms))
        .end_time(DateTime::from_millis(to_ms))
        .period(period)
        .statistics(statistic.clone())
        .send())
    .await
    .map_err(|error| Failure::from_sdk("cloudwatch", "GetMetricStatistics", error))?;
    let mut points: Vec<(i64, f64)> = statistics
        .datapoints()
        .iter()
        .filter_map(|point| {
            let at = point.timestamp()?.to_millis().ok()?;
            let value = match statistic {
                Statistic::Sum => point.sum(),
                Statistic::Minimum => point.minimum(),
                Statistic::Maximum => point.maximum(),
                Statistic::SampleCount => point.sample_count(),
                _ => point.average(),
            }?;
            Some((at, value))
        })
        .collect();
    points.sort_by_key(|point| point.0);

    let history = (clients
        .cloudwatch
        .describe_alarm_history()
        .alarm_name(&name)
        .history_item_type(HistoryItemType::StateUpdate)
        .send())
    .await
    .map_err(|error| Failure::from_sdk("cloudwatch", "DescribeAlarmHistory", error))?;
    let mut changes: Vec<(i64, String, String)> = history
        .alarm_history_items()
        .iter()
        .filter_map(|item| {
            let at = item.timestamp()?.to_millis().ok()?;
            let data: Value = serde_json::from_str(item.history_data()?).ok()?;
            let old = data["oldState"]["stateValue"].as_str()?.to_string();
            let new = data["newState"]["stateValue"].as_str()?.to_string();
            Some((at, old, new))
        })
        .collect();
    changes.sort_by_key(|change| change.0);
    // Start a little before the first datapoint or state change, as the console zooms to the
    // data, but never before the window queried.
    let earliest =
        points.first().map(|p| p.0).into_iter().chain(changes.first().map(|c| c.0)).min();
    let from_ms = earliest.map_or(from_ms, |at| (at - 2 * i64::from(period) * 1000).max(from_ms));
    let mut states: Vec<(i64, String)> = Vec::new();
    match changes.first() {
        Some((_, old, _)) => states.push((from_ms, old.clone())),
        None => states.push((
            from_ms,
            alarm.state_value().map_or("INSUFFICIENT_DATA", |state| state.as_str()).to_string(),
        )),
    }
    states.extend(changes.into_iter().map(|(at, _, new)| (at, new)));
    // The last state gets room to show, even when it changed a moment ago.
    let to_ms = states.last().map_or(to_ms, |(at, _)| to_ms.max(at + i64::from(period) * 1000));

    Ok(AlarmGraphData {
        title: format!(
            "{} {} ({}, {period} s)",
            alarm.namespace().unwrap_or_default(),
            alarm.metric_name().unwrap_or_default(),
            statistic.as_str()
        ),
        alarm_name: name,
        points,
        threshold: alarm.threshold().unwrap_or_default(),
        states,
        from_ms,
        to_ms,
    })
}
