//! A metric alarm: its configuration as `PutMetricAlarm` checks it, its state, and the
//! `MetricAlarm` shape every protocol answers with.

use super::errors::{CloudWatchError, constraint};
use super::evaluate::INSUFFICIENT_DATA;
use super::series::{Dimension, MetricId};
use super::{DimensionInput, TagInput, at_ms, ms};
use crate::protocol::lenient;
use crate::protocol::shape::timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use time::OffsetDateTime;

pub const STATISTICS: [&str; 5] = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];
pub const OPERATORS: [&str; 7] = [
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
];
pub const TREATMENTS: [&str; 4] = ["breaching", "notBreaching", "ignore", "missing"];
pub const UNITS: [&str; 27] = [
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub name: String,
    pub arn: String,
    pub description: Option<String>,
    pub actions_enabled: bool,
    pub ok_actions: Vec<String>,
    pub alarm_actions: Vec<String>,
    pub insufficient_data_actions: Vec<String>,
    pub namespace: String,
    pub metric_name: String,
    pub dimensions: Vec<Dimension>,
    pub statistic: Option<String>,
    pub extended_statistic: Option<String>,
    pub period: i64,
    pub unit: Option<String>,
    pub evaluation_periods: i64,
    pub datapoints_to_alarm: Option<i64>,
    pub threshold: f64,
    pub comparison_operator: String,
    pub treat_missing_data: Option<String>,
    pub evaluate_low_sample_count_percentile: Option<String>,
    pub state: String,
    pub state_reason: String,
    pub state_reason_data: Option<String>,
    /// Milliseconds since the epoch, as every time in the saved state.
    pub state_updated_ms: i64,
    pub state_transitioned_ms: i64,
    pub configuration_updated_ms: i64,
    /// When the alarm is next evaluated, on the emulator's clock.
    pub next_evaluation_ms: i64,
    pub tags: BTreeMap<String, String>,
}

impl Alarm {
    pub fn metric(&self) -> MetricId {
        MetricId::new(&self.namespace, &self.metric_name, self.dimensions.clone())
    }

    /// `Sum`, `Average`, … or the percentile `p99`.
    pub fn statistic_name(&self) -> &str {
        self.statistic.as_deref().or(self.extended_statistic.as_deref()).unwrap_or("Average")
    }

    /// The actions of a state.
    pub fn actions_for(&self, state: &str) -> &[String] {
        match state {
            "OK" => &self.ok_actions,
            "ALARM" => &self.alarm_actions,
            _ => &self.insufficient_data_actions,
        }
    }

    /// The `MetricAlarm` shape.
    pub fn output(&self) -> Value {
        let mut out = json!({
            "AlarmName": self.name,
            "AlarmArn": self.arn,
            "AlarmDescription": self.description,
            "AlarmConfigurationUpdatedTimestamp": timestamp(at_ms(self.configuration_updated_ms)),
            "ActionsEnabled": self.actions_enabled,
            "OKActions": self.ok_actions,
            "AlarmActions": self.alarm_actions,
            "InsufficientDataActions": self.insufficient_data_actions,
            "StateValue": self.state,
            "StateReason": self.state_reason,
            "StateReasonData": self.state_reason_data,
            "StateUpdatedTimestamp": timestamp(at_ms(self.state_updated_ms)),
            "MetricName": self.metric_name,
            "Namespace": self.namespace,
            "Statistic": self.statistic,
            "ExtendedStatistic": self.extended_statistic,
            "Dimensions": dimensions_output(&self.dimensions),
            "Period": self.period,
            "Unit": self.unit,
            "EvaluationPeriods": self.evaluation_periods,
            "DatapointsToAlarm": self.datapoints_to_alarm,
            "Threshold": self.threshold,
            "ComparisonOperator": self.comparison_operator,
            "TreatMissingData": self.treat_missing_data,
            "EvaluateLowSampleCountPercentile": self.evaluate_low_sample_count_percentile,
            "StateTransitionedTimestamp": timestamp(at_ms(self.state_transitioned_ms)),
        });
        if let Some(object) = out.as_object_mut() {
            object.retain(|_, value| !value.is_null());
        }
        out
    }

    /// An alarm like the lab's, for tests.
    #[cfg(test)]
    pub fn example(name: &str) -> Alarm {
        Alarm {
            name: name.to_string(),
            arn: format!("arn:aws:cloudwatch:ap-northeast-2:{}:alarm:{name}", crate::ACCOUNT_ID),
            description: None,
            actions_enabled: true,
            ok_actions: vec![],
            alarm_actions: vec![],
            insufficient_data_actions: vec![],
            namespace: "AWS/EBS".into(),
            metric_name: "VolumeWriteBytes".into(),
            dimensions: vec![],
            statistic: Some("Sum".into()),
            extended_statistic: None,
            period: 300,
            unit: None,
            evaluation_periods: 1,
            datapoints_to_alarm: None,
            threshold: 100_000.0,
            comparison_operator: "GreaterThanThreshold".into(),
            treat_missing_data: None,
            evaluate_low_sample_count_percentile: None,
            state: INSUFFICIENT_DATA.into(),
            state_reason: String::new(),
            state_reason_data: None,
            state_updated_ms: 0,
            state_transitioned_ms: 0,
            configuration_updated_ms: 0,
            next_evaluation_ms: 0,
            tags: BTreeMap::new(),
        }
    }
}

pub fn dimensions_output(dimensions: &[Dimension]) -> Value {
    Value::Array(dimensions.iter().map(|d| json!({ "Name": d.name, "Value": d.value })).collect())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutMetricAlarmInput {
    pub alarm_name: String,
    pub alarm_description: Option<String>,
    #[serde(default, deserialize_with = "lenient::option_bool")]
    pub actions_enabled: Option<bool>,
    #[serde(default, rename = "OKActions")]
    pub ok_actions: Vec<String>,
    #[serde(default)]
    pub alarm_actions: Vec<String>,
    #[serde(default)]
    pub insufficient_data_actions: Vec<String>,
    pub metric_name: Option<String>,
    pub namespace: Option<String>,
    pub statistic: Option<String>,
    pub extended_statistic: Option<String>,
    #[serde(default)]
    pub dimensions: Vec<DimensionInput>,
    #[serde(default, deserialize_with = "lenient::option_i64")]
    pub period: Option<i64>,
    pub unit: Option<String>,
    #[serde(default, deserialize_with = "lenient::option_i64")]
    pub evaluation_periods: Option<i64>,
    #[serde(default, deserialize_with = "lenient::option_i64")]
    pub datapoints_to_alarm: Option<i64>,
    #[serde(default, deserialize_with = "lenient::option_f64")]
    pub threshold: Option<f64>,
    pub comparison_operator: Option<String>,
    pub treat_missing_data: Option<String>,
    pub evaluate_low_sample_count_percentile: Option<String>,
    #[serde(default)]
    pub metrics: Vec<Value>,
    #[serde(default)]
    pub tags: Vec<TagInput>,
    pub threshold_metric_id: Option<String>,
}

/// Checks a `PutMetricAlarm` in the order AWS reports problems, and builds the alarm (in
/// INSUFFICIENT_DATA, to be kept by the caller when the alarm already exists).
pub fn checked(
    input: PutMetricAlarmInput,
    region: &str,
    now: OffsetDateTime,
) -> Result<Alarm, CloudWatchError> {
    let name = input.alarm_name.clone();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(constraint(&name, "alarmName", "Member must have length between 1 and 255"));
    }
    if !input.metrics.is_empty() {
        return Err(CloudWatchError::Unsupported(
            "The offline emulator does not evaluate alarms on metric math or Metrics queries; \
             give MetricName, Namespace, Statistic and Period instead"
                .into(),
        ));
    }
    let operator = input
        .comparison_operator
        .clone()
        .ok_or_else(|| constraint("null", "comparisonOperator", "Member must not be null"))?;
    if !OPERATORS.contains(&operator.as_str()) {
        return Err(constraint(
            &operator,
            "comparisonOperator",
            &format!("Member must satisfy enum value set: [{}]", OPERATORS.join(", ")),
        ));
    }
    let evaluation_periods = input
        .evaluation_periods
        .ok_or_else(|| constraint("null", "evaluationPeriods", "Member must not be null"))?;
    if evaluation_periods < 1 {
        return Err(constraint(
            evaluation_periods,
            "evaluationPeriods",
            "Member must have value greater than or equal to 1",
        ));
    }
    if let Some(statistic) = &input.statistic
        && !STATISTICS.contains(&statistic.as_str())
    {
        return Err(constraint(
            statistic,
            "statistic",
            &format!("Member must satisfy enum value set: [{}]", STATISTICS.join(", ")),
        ));
    }
    if let Some(unit) = &input.unit
        && !UNITS.contains(&unit.as_str())
    {
        return Err(constraint(
            unit,
            "unit",
            &format!("Member must satisfy enum value set: [{}]", UNITS.join(", ")),
        ));
    }
    if operator.contains("Upper") || operator.contains("Lower") {
        if input.threshold_metric_id.is_none() {
            return Err(CloudWatchError::Validation(
                "ComparisonOperators for ranges require ThresholdMetricId to be set".into(),
            ));
        }
        return Err(CloudWatchError::Unsupported(
            "The offline emulator has no anomaly detection bands: alarms with a \
             ThresholdMetricId are not supported"
                .into(),
        ));
    }
    let (Some(metric_name), Some(namespace)) = (&input.metric_name, &input.namespace) else {
        return Err(CloudWatchError::Validation(
            "Exactly one of MetricName and Metrics must be specified.".into(),
        ));
    };
    match (&input.statistic, &input.extended_statistic) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(CloudWatchError::InvalidCombination(
                "Exactly one element of the Statistic and ExtendedStatistic parameters must be \
                 specified."
                    .into(),
            ));
        }
        (None, Some(extended)) if super::series::parse_percentile(extended).is_none() => {
            return Err(CloudWatchError::InvalidValue(format!(
                "The value {extended} for parameter ExtendedStatistic is not supported."
            )));
        }
        _ => {}
    }
    let period = input
        .period
        .ok_or_else(|| CloudWatchError::Validation("Period must not be null".into()))?;
    if !(period == 10 || period == 30 || (period >= 60 && period % 60 == 0)) {
        return Err(CloudWatchError::Validation(
            "Period must be 10, 30 or a multiple of 60".into(),
        ));
    }
    // A day for periods under an hour, a week for longer ones (the API reference).
    let span = evaluation_periods.saturating_mul(period);
    if period < 3600 && span > 86_400 {
        return Err(CloudWatchError::Validation(
            "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must \
             be <= 86400)"
                .into(),
        ));
    }
    if span > 604_800 {
        return Err(CloudWatchError::Validation(
            "Metrics cannot be checked across more than a week (EvaluationPeriods * Period must \
             be <= 604800)"
                .into(),
        ));
    }
    if let Some(m) = input.datapoints_to_alarm {
        if m < 1 {
            return Err(constraint(
                m,
                "datapointsToAlarm",
                "Member must have value greater than or equal to 1",
            ));
        }
        if m > evaluation_periods {
            return Err(CloudWatchError::Validation(
                "DatapointsToAlarm must be less than or equal to EvaluationPeriods".into(),
            ));
        }
    }
    let threshold = input.threshold.ok_or_else(|| {
        CloudWatchError::Validation(
            "Threshold must be specified when ThresholdMetricId is not".into(),
        )
    })?;
    if let Some(treat) = &input.treat_missing_data
        && !TREATMENTS.contains(&treat.as_str())
    {
        return Err(CloudWatchError::Validation(format!(
            "The value {treat} is not a valid TreatMissingData value. Valid values are: \
             [breaching, notBreaching, ignore, missing]"
        )));
    }
    for (member, actions) in [
        ("oKActions", &input.ok_actions),
        ("alarmActions", &input.alarm_actions),
        ("insufficientDataActions", &input.insufficient_data_actions),
    ] {
        if actions.len() > 5 {
            return Err(constraint(
                format!("[{}]", actions.join(", ")),
                member,
                "Member must have length less than or equal to 5",
            ));
        }
        for action in actions {
            check_action(action, region)?;
        }
    }
    if input.dimensions.len() > 30 {
        return Err(constraint(
            input.dimensions.len(),
            "dimensions",
            "Member must have length less than or equal to 30",
        ));
    }
    let now_ms = ms(now);
    Ok(Alarm {
        arn: format!("arn:aws:cloudwatch:{region}:{}:alarm:{name}", crate::ACCOUNT_ID),
        name,
        description: input.alarm_description,
        actions_enabled: input.actions_enabled.unwrap_or(true),
        ok_actions: input.ok_actions,
        alarm_actions: input.alarm_actions,
        insufficient_data_actions: input.insufficient_data_actions,
        namespace: namespace.clone(),
        metric_name: metric_name.clone(),
        dimensions: MetricId::new(namespace, metric_name, super::dimensions(input.dimensions))
            .dimensions,
        statistic: input.statistic,
        extended_statistic: input.extended_statistic,
        period,
        unit: input.unit,
        evaluation_periods,
        datapoints_to_alarm: input.datapoints_to_alarm,
        threshold,
        comparison_operator: operator,
        treat_missing_data: input.treat_missing_data,
        evaluate_low_sample_count_percentile: input.evaluate_low_sample_count_percentile,
        state: INSUFFICIENT_DATA.into(),
        state_reason: "Unchecked: Initial alarm creation".into(),
        state_reason_data: None,
        state_updated_ms: now_ms,
        state_transitioned_ms: now_ms,
        configuration_updated_ms: now_ms,
        next_evaluation_ms: now_ms,
        tags: input.tags.into_iter().map(|tag| (tag.key, tag.value)).collect(),
    })
}

/// An action must be an ARN of this region: an SNS topic, or one of the EC2 or Auto Scaling
/// actions (accepted, never carried out offline).
fn check_action(action: &str, region: &str) -> Result<(), CloudWatchError> {
    let parts: Vec<&str> = action.split(':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return Err(CloudWatchError::Validation(format!("Invalid arn syntax: {action}")));
    }
    if parts[3] != region {
        return Err(CloudWatchError::Validation(format!(
            "Invalid region {} specified. Only {region} is supported.",
            parts[3]
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(changes: Value) -> PutMetricAlarmInput {
        let mut base = json!({
            "AlarmName": "awslab_cloudwatch_toomuch_volume_alarm",
            "Namespace": "AWS/EBS",
            "MetricName": "VolumeWriteBytes",
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 100000,
            "ComparisonOperator": "GreaterThanThreshold",
        });
        for (key, value) in changes.as_object().unwrap() {
            base[key] = value.clone();
        }
        serde_json::from_value(base).unwrap()
    }

    fn message(changes: Value) -> String {
        let now = OffsetDateTime::now_utc();
        match checked(input(changes), "ap-northeast-2", now).unwrap_err() {
            CloudWatchError::Validation(m)
            | CloudWatchError::InvalidValue(m)
            | CloudWatchError::InvalidCombination(m)
            | CloudWatchError::Unsupported(m) => m,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn the_labs_alarm_is_accepted_in_insufficient_data() {
        let alarm = checked(input(json!({})), "ap-northeast-2", OffsetDateTime::now_utc()).unwrap();
        assert_eq!(alarm.state, "INSUFFICIENT_DATA");
        assert_eq!(alarm.state_reason, "Unchecked: Initial alarm creation");
        assert!(alarm.arn.ends_with(":alarm:awslab_cloudwatch_toomuch_volume_alarm"));
    }

    #[test]
    fn rules_are_reported_with_aws_words() {
        assert_eq!(message(json!({"Period": 45})), "Period must be 10, 30 or a multiple of 60");
        assert_eq!(
            message(json!({"Period": 300, "EvaluationPeriods": 289})),
            "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must \
             be <= 86400)"
        );
        assert!(message(json!({"Period": 3600, "EvaluationPeriods": 169})).contains("a week"));
        assert_eq!(
            message(json!({"EvaluationPeriods": 2, "DatapointsToAlarm": 3})),
            "DatapointsToAlarm must be less than or equal to EvaluationPeriods"
        );
        assert!(message(json!({"ComparisonOperator": "Bigger"})).starts_with(
            "1 validation error detected: Value 'Bigger' at 'comparisonOperator' failed"
        ));
        assert!(message(json!({"ExtendedStatistic": "p99"})).starts_with("Exactly one element"));
        assert!(
            message(json!({"AlarmActions": ["arn:aws:sns:us-east-1:123456789012:t"]}))
                .starts_with("Invalid region us-east-1 specified.")
        );
        assert!(message(json!({"Metrics": [{"Id": "m1"}]})).contains("metric math"));
    }
}
