//! CloudWatch actions: create a metric alarm (or replace the one this lab made), as the console's
//! "Create alarm" does: one metric with its dimensions, a statistic over a period, a condition,
//! and actions.

use super::{ActionContext, Params, Recorder};
use crate::call::CallBuilder;
use crate::failure::Failure;
use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic, Tag};
use serde_json::{Value, json};

pub async fn put_metric_alarm(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let invalid = |message: String| {
        Failure::local("cloudwatch", "PutMetricAlarm", "ValidationError", message)
    };
    let name = params.text("alarm_name")?;
    let namespace = params.text("namespace")?;
    let metric = params.text("metric_name")?;
    let dimensions = dimensions(&params.json("dimensions")?).map_err(invalid)?;
    let statistic = params.text("statistic")?;
    let number = |name: &str| -> Result<f64, Failure> {
        params.optional_number(name)?.ok_or_else(|| invalid(format!("`{name}` is needed")))
    };
    let period = number("period")? as i32;
    let evaluation_periods = number("evaluation_periods")? as i32;
    let comparison = params.text("comparison_operator")?;
    let threshold = number("threshold")?;
    let description = params.optional_text("description")?;
    let datapoints = params.optional_number("datapoints_to_alarm")?.map(|n| n as i32);
    let missing = params.optional_text("treat_missing_data")?;
    let actions = params.list("alarm_actions")?;

    // PutMetricAlarm replaces an alarm of that name: never one the lab did not make.
    super::taken::refuse_foreign_alarm(ctx, name).await?;

    let dimensions_json: Vec<Value> =
        dimensions.iter().map(|(k, v)| json!({ "Name": k, "Value": v })).collect();
    let tags_json: Vec<Value> =
        ctx.tags().iter().map(|(key, value)| json!({ "Key": key, "Value": value })).collect();
    let mut call = CallBuilder::new("cloudwatch", "cloudwatch", "PutMetricAlarm")
        .text("alarm-name", name)
        .optional_text("alarm-description", description)
        .text("namespace", namespace)
        .text("metric-name", metric)
        .json("dimensions", &Value::Array(dimensions_json))
        .text("statistic", statistic)
        .number("period", period)
        .number("evaluation-periods", evaluation_periods);
    if let Some(datapoints) = datapoints {
        call = call.number("datapoints-to-alarm", datapoints);
    }
    call = call
        .text("comparison-operator", comparison)
        .json("threshold", &threshold_json(threshold))
        .optional_text("treat-missing-data", missing);
    if !actions.is_empty() {
        call = call.json("alarm-actions", &json!(actions));
    }
    recorder.call(call.json("tags", &Value::Array(tags_json)));

    let mut request = ctx
        .clients
        .cloudwatch
        .put_metric_alarm()
        .alarm_name(name)
        .set_alarm_description(description.map(str::to_string))
        .namespace(namespace)
        .metric_name(metric)
        .statistic(Statistic::from(statistic))
        .period(period)
        .evaluation_periods(evaluation_periods)
        .set_datapoints_to_alarm(datapoints)
        .comparison_operator(ComparisonOperator::from(comparison))
        .threshold(threshold)
        .set_treat_missing_data(missing.map(str::to_string))
        .set_alarm_actions((!actions.is_empty()).then(|| actions.clone()));
    for (key, value) in &dimensions {
        request = request.dimensions(Dimension::builder().name(key).value(value).build());
    }
    for (key, value) in ctx.tags() {
        request = request.tags(Tag::builder().key(key).value(value).build());
    }
    request
        .send()
        .await
        .map_err(|error| Failure::from_sdk("cloudwatch", "PutMetricAlarm", error))?;
    recorder.created("cloudwatch.alarm", name);

    // What the alarm looks like now (a new alarm starts in INSUFFICIENT_DATA).
    let described = ctx
        .clients
        .cloudwatch
        .describe_alarms()
        .alarm_names(name)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("cloudwatch", "DescribeAlarms", error))?;
    let alarm = described.metric_alarms().first();
    Ok(json!({
        "AlarmName": name,
        "AlarmArn": alarm.and_then(|a| a.alarm_arn()),
        "StateValue": alarm.and_then(|a| a.state_value()).map(|s| s.as_str()),
    }))
}

/// Dimensions as `{ "VolumeId": "vol-…" }` (the form's shape) or as AWS's
/// `[{ "Name": …, "Value": … }]`.
fn dimensions(value: &Value) -> Result<Vec<(String, String)>, String> {
    let text = |value: &Value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    };
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(name, value)| {
                text(value)
                    .map(|value| (name.clone(), value))
                    .ok_or_else(|| format!("the dimension {name} needs a text value"))
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|item| match (item.get("Name").and_then(text), item.get("Value").and_then(text)) {
                (Some(name), Some(value)) => Ok((name, value)),
                _ => Err(format!("a dimension is {{\"Name\": …, \"Value\": …}}, not {item}")),
            })
            .collect(),
        other => Err(format!("dimensions are name/value pairs, not {other}")),
    }
}

/// 100000 rather than 100000.0 in the command, as a learner would type it.
fn threshold_json(threshold: f64) -> Value {
    if threshold.fract() == 0.0 && threshold.abs() < 9e15 {
        json!(threshold as i64)
    } else {
        json!(threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_come_as_a_table_or_as_aws_writes_them() {
        assert_eq!(
            dimensions(&json!({ "VolumeId": "vol-1" })).unwrap(),
            vec![("VolumeId".to_string(), "vol-1".to_string())]
        );
        assert_eq!(
            dimensions(&json!([{ "Name": "InstanceId", "Value": "i-1" }])).unwrap(),
            vec![("InstanceId".to_string(), "i-1".to_string())]
        );
        assert!(dimensions(&json!([{ "Name": "VolumeId" }])).is_err());
        assert!(dimensions(&json!("vol-1")).is_err());
        assert_eq!(threshold_json(100000.0), json!(100000));
        assert_eq!(threshold_json(0.5), json!(0.5));
    }
}
