//! CloudWatch checks: a metric alarm's configuration and state, its history (state changes
//! and the actions it ran), and a metric's datapoints over the last hours of the target's
//! clock (on the emulator its clock, which the lab moves forward; on AWS the real time).

use super::Selector;
use crate::clients::Clients;
use crate::ec2::control;
use crate::failure::Failure;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, HistoryItemType, Statistic};
use serde_json::{Value, json};

pub async fn alarm(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let name = selector.text("name")?;
    let answer = clients
        .cloudwatch
        .describe_alarms()
        .alarm_names(name)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("cloudwatch", "DescribeAlarms", error))?;
    let Some(alarm) = answer.metric_alarms().iter().find(|a| a.alarm_name() == Some(name)) else {
        return Ok(None);
    };
    let dimensions: Vec<Value> = alarm
        .dimensions()
        .iter()
        .map(|d| json!({ "Name": d.name(), "Value": d.value() }))
        .collect();
    Ok(Some(json!({
        "AlarmName": alarm.alarm_name(),
        "AlarmArn": alarm.alarm_arn(),
        "AlarmDescription": alarm.alarm_description(),
        "Namespace": alarm.namespace(),
        "MetricName": alarm.metric_name(),
        "Dimensions": dimensions,
        "Statistic": alarm.statistic().map(|s| s.as_str()),
        "Period": alarm.period(),
        "EvaluationPeriods": alarm.evaluation_periods(),
        "DatapointsToAlarm": alarm.datapoints_to_alarm(),
        "ComparisonOperator": alarm.comparison_operator().map(|c| c.as_str()),
        "Threshold": alarm.threshold(),
        "TreatMissingData": alarm.treat_missing_data(),
        "ActionsEnabled": alarm.actions_enabled(),
        "AlarmActions": alarm.alarm_actions(),
        "OKActions": alarm.ok_actions(),
        "InsufficientDataActions": alarm.insufficient_data_actions(),
        "StateValue": alarm.state_value().map(|s| s.as_str()),
        "StateReason": alarm.state_reason(),
    })))
}

/// `StateTransitions` (`[{From, To}]`, oldest first) and `Actions` (the summaries of the
/// actions it ran: "Successfully executed action arn:aws:sns:…"). `None` when the alarm does
/// not exist (its history may outlive it on AWS, but a history of nothing grades nothing).
pub async fn alarm_history(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let name = selector.text("name")?;
    let exists = clients
        .cloudwatch
        .describe_alarms()
        .alarm_names(name)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("cloudwatch", "DescribeAlarms", error))?;
    if exists.metric_alarms().is_empty() {
        return Ok(None);
    }
    let mut transitions = Vec::new();
    let mut actions = Vec::new();
    let mut pages =
        clients.cloudwatch.describe_alarm_history().alarm_name(name).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|error| Failure::from_sdk("cloudwatch", "DescribeAlarmHistory", error))?;
        for item in page.alarm_history_items() {
            let summary = item.history_summary().unwrap_or_default();
            match item.history_item_type() {
                Some(HistoryItemType::StateUpdate) => {
                    if let Some((from, to)) = transition(item.history_data(), summary) {
                        let time = item.timestamp().map(|t| t.secs()).unwrap_or_default();
                        transitions.push((time, json!({ "From": from, "To": to })));
                    }
                }
                Some(HistoryItemType::Action) => actions.push(json!(summary)),
                _ => {}
            }
        }
    }
    transitions.sort_by_key(|(time, _)| *time);
    let transitions: Vec<Value> = transitions.into_iter().map(|(_, t)| t).collect();
    Ok(Some(json!({ "StateTransitions": transitions, "Actions": actions })))
}

/// A state update's old and new state: from its `HistoryData` document
/// (`{"oldState":{"stateValue":"OK"},"newState":{"stateValue":"ALARM"}}`), else from its
/// summary ("Alarm updated from OK to ALARM").
fn transition(data: Option<&str>, summary: &str) -> Option<(String, String)> {
    let from_data =
        data.and_then(|data| serde_json::from_str::<Value>(data).ok()).and_then(|doc| {
            let from = doc.pointer("/oldState/stateValue")?.as_str()?.to_string();
            let to = doc.pointer("/newState/stateValue")?.as_str()?.to_string();
            Some((from, to))
        });
    from_data.or_else(|| {
        let rest = summary.strip_prefix("Alarm updated from ")?;
        let (from, to) = rest.split_once(" to ")?;
        Some((from.trim().to_string(), to.trim().to_string()))
    })
}

/// A metric's datapoints (`statistic`, default `Sum`, per `period` seconds, default 300) over
/// the last `hours` (default 3): `Datapoints` (how many), `Maximum`, `Minimum`, `Values`
/// (oldest first).
pub async fn metric(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let namespace = selector.text("namespace")?;
    let metric = selector.text("metric")?;
    let dimension_name = selector.text("dimension_name")?;
    let dimension_value = selector.text("dimension_value")?;
    let statistic = selector.optional_text("statistic")?.unwrap_or("Sum");
    let number = |name: &str, default: f64| -> f64 {
        match selector.value(name) {
            Some(Value::Number(n)) => n.as_f64().unwrap_or(default),
            Some(Value::String(text)) => text.parse().unwrap_or(default),
            _ => default,
        }
    };
    let period = number("period", 300.0) as i32;
    let hours = number("hours", 3.0);
    let end = target_now(clients).await? + 60;
    let start = end - (hours * 3600.0) as i64;
    let answer = clients
        .cloudwatch
        .get_metric_statistics()
        .namespace(namespace)
        .metric_name(metric)
        .dimensions(Dimension::builder().name(dimension_name).value(dimension_value).build())
        .start_time(DateTime::from_secs(start))
        .end_time(DateTime::from_secs(end))
        .period(period)
        .statistics(Statistic::from(statistic))
        .send()
        .await
        .map_err(|error| Failure::from_sdk("cloudwatch", "GetMetricStatistics", error))?;
    let mut points: Vec<(i64, f64)> = answer
        .datapoints()
        .iter()
        .filter_map(|point| {
            let value = match statistic {
                "Sum" => point.sum(),
                "Average" => point.average(),
                "Maximum" => point.maximum(),
                "Minimum" => point.minimum(),
                "SampleCount" => point.sample_count(),
                _ => None,
            }?;
            Some((point.timestamp().map(|t| t.secs()).unwrap_or_default(), value))
        })
        .collect();
    points.sort_by_key(|(time, _)| *time);
    let values: Vec<f64> = points.iter().map(|(_, value)| *value).collect();
    let maximum =
        values.iter().copied().fold(None, |max: Option<f64>, v| Some(max.map_or(v, |m| m.max(v))));
    let minimum =
        values.iter().copied().fold(None, |min: Option<f64>, v| Some(min.map_or(v, |m| m.min(v))));
    Ok(Some(json!({
        "Datapoints": values.len(),
        "Maximum": maximum,
        "Minimum": minimum,
        "Values": values,
    })))
}

/// The target's time in epoch seconds: the emulator's clock (which the lab moves), or ours.
async fn target_now(clients: &Clients) -> Result<i64, Failure> {
    if clients.emulator_endpoint().is_some() {
        let (_, clock) =
            control(clients, "Clock", reqwest::Method::GET, "/_awslab/clock", None).await?;
        if let Some(now) = clock["epoch_seconds"].as_i64() {
            return Ok(now);
        }
    }
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_transition_from_the_history_data_or_the_summary() {
        let data = r#"{"version":"1.0","oldState":{"stateValue":"OK"},"newState":{"stateValue":"ALARM","stateReason":"Threshold Crossed"}}"#;
        assert_eq!(transition(Some(data), ""), Some(("OK".into(), "ALARM".into())));
        assert_eq!(
            transition(None, "Alarm updated from INSUFFICIENT_DATA to OK"),
            Some(("INSUFFICIENT_DATA".into(), "OK".into()))
        );
        assert_eq!(transition(Some("{}"), "Alarm \"x\" created"), None);
    }
}
