//! Alarm actions: on a transition into a state, each SNS topic among that state's actions gets
//! the alarm notification AWS publishes (a JSON message; `email` subscribers get AWS's
//! formatted alarm e-mail instead), and the alarm's history an `Action` item saying whether it
//! worked. EC2 and Auto Scaling actions are accepted and not carried out.

use super::alarm::Alarm;
use super::evaluate::java_double;
use crate::services::sns::{self, Notification};
use crate::state::{Shared, lock};
use serde_json::{Value, json};
use std::sync::Arc;
use time::OffsetDateTime;

/// A transition whose actions are to be fired, once the CloudWatch lock is released.
#[derive(Debug, Clone)]
pub struct Fired {
    pub region: String,
    /// The alarm after the transition.
    pub alarm: Alarm,
    pub old_state: String,
    pub at: OffsetDateTime,
}

/// Fires the actions of `fired`'s new state and records each in the alarm's history.
pub fn fire(shared: &Arc<Shared>, fired: Fired) {
    let alarm = &fired.alarm;
    for action in alarm.actions_for(&alarm.state) {
        if !action.starts_with("arn:aws:sns:") {
            continue;
        }
        let message = alarm_message(&fired);
        let notification = Notification {
            subject: Some(subject(alarm, &fired.region)),
            message: message.to_string(),
            attributes: serde_json::Map::new(),
            email_text: Some(alarm_email(&fired)),
        };
        let outcome = sns::publish(shared, action, notification, fired.at);
        let (summary, data) = match outcome {
            Ok(_) => (
                format!("Successfully executed action {action}"),
                json!({
                    "actionState": "Succeeded",
                    "stateUpdateTimestamp": super::ms(fired.at),
                    "notificationResource": action,
                    "publishedMessage": message.to_string(),
                }),
            ),
            Err(error) => (
                format!("Failed to execute action {action}"),
                json!({
                    "actionState": "Failed",
                    "stateUpdateTimestamp": super::ms(fired.at),
                    "error": AwsErrorText(error.into()).to_string(),
                }),
            ),
        };
        let mut state = lock(&shared.cloudwatch);
        state.region(&fired.region).record(&alarm.name, fired.at, "Action", summary, data);
    }
}

struct AwsErrorText(crate::error::AwsError);

impl std::fmt::Display for AwsErrorText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0.code, self.0.message)
    }
}

/// `ALARM: "name" in Asia Pacific (Seoul)`.
pub fn subject(alarm: &Alarm, region: &str) -> String {
    format!("{}: \"{}\" in {}", alarm.state, alarm.name, region_name(region))
}

/// The JSON message CloudWatch publishes to SNS.
pub fn alarm_message(fired: &Fired) -> Value {
    let alarm = &fired.alarm;
    json!({
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": crate::ACCOUNT_ID,
        "AlarmConfigurationUpdatedTimestamp": super::evaluate::json_date_millis(super::at_ms(alarm.configuration_updated_ms)),
        "NewStateValue": alarm.state,
        "NewStateReason": alarm.state_reason,
        "StateChangeTime": super::evaluate::json_date_millis(fired.at),
        "Region": region_name(&fired.region),
        "AlarmArn": alarm.arn,
        "OldStateValue": fired.old_state,
        "OKActions": alarm.ok_actions,
        "AlarmActions": alarm.alarm_actions,
        "InsufficientDataActions": alarm.insufficient_data_actions,
        "Trigger": {
            "MetricName": alarm.metric_name,
            "Namespace": alarm.namespace,
            "StatisticType": if alarm.statistic.is_some() { "Statistic" } else { "ExtendedStatistic" },
            "Statistic": alarm.statistic_name().to_uppercase(),
            "Unit": alarm.unit,
            "Dimensions": alarm.dimensions.iter().map(|d| json!({"value": d.value, "name": d.name})).collect::<Vec<_>>(),
            "Period": alarm.period,
            "EvaluationPeriods": alarm.evaluation_periods,
            "DatapointsToAlarm": alarm.datapoints_to_alarm.unwrap_or(alarm.evaluation_periods),
            "ComparisonOperator": alarm.comparison_operator,
            "Threshold": alarm.threshold,
            "TreatMissingData": alarm.treat_missing_data.as_deref().unwrap_or("missing"),
            "EvaluateLowSampleCountPercentile": alarm.evaluate_low_sample_count_percentile.as_deref().unwrap_or(""),
        },
    })
}

/// The e-mail AWS sends `email` subscribers for an alarm (the SNS footer is added by SNS).
pub fn alarm_email(fired: &Fired) -> String {
    let alarm = &fired.alarm;
    let region = &fired.region;
    let when = email_date(fired.at);
    let dimensions: Vec<String> =
        alarm.dimensions.iter().map(|d| format!("{} = {}", d.name, d.value)).collect();
    let actions = |list: &[String]| {
        if list.is_empty() { String::new() } else { format!(" [{}]", list.join(", ")) }
    };
    let m = alarm.datapoints_to_alarm.unwrap_or(alarm.evaluation_periods);
    format!(
        "You are receiving this email because your Amazon CloudWatch Alarm \"{name}\" in the \
         {region_name} region has entered the {state} state, because \"{reason}\" at \"{when}\".\n\
         \n\
         View this alarm in the AWS Management Console:\n\
         https://{region}.console.aws.amazon.com/cloudwatch/deeplink.js?region={region}#alarmsV2:alarm/{name}\n\
         \n\
         Alarm Details:\n\
         - Name:                       {name}\n\
         - Description:                {description}\n\
         - State Change:               {old} -> {state}\n\
         - Reason for State Change:    {reason}\n\
         - Timestamp:                  {when}\n\
         - AWS Account:                {account}\n\
         - Alarm Arn:                  {arn}\n\
         \n\
         Threshold:\n\
         - The alarm is in the ALARM state when the metric is {operator} {threshold} for at \
         least {m} of the last {n} period(s) of {period} seconds.\n\
         \n\
         Monitored Metric:\n\
         - MetricNamespace:                     {namespace}\n\
         - MetricName:                          {metric}\n\
         - Dimensions:                          [{dimensions}]\n\
         - Period:                              {period} seconds\n\
         - Statistic:                           {statistic}\n\
         - Unit:                                {unit}\n\
         - TreatMissingData:                    {treat}\n\
         \n\
         \n\
         State Change Actions:\n\
         - OK:{ok}\n\
         - ALARM:{alarm_actions}\n\
         - INSUFFICIENT_DATA:{insufficient}\n",
        name = alarm.name,
        region_name = region_name(region),
        state = alarm.state,
        reason = alarm.state_reason,
        description = alarm.description.as_deref().unwrap_or(""),
        old = fired.old_state,
        account = crate::ACCOUNT_ID,
        arn = alarm.arn,
        operator = alarm.comparison_operator,
        threshold = java_double(alarm.threshold),
        n = alarm.evaluation_periods,
        period = alarm.period,
        namespace = alarm.namespace,
        metric = alarm.metric_name,
        dimensions = dimensions.join(", "),
        statistic = alarm.statistic_name(),
        unit = alarm.unit.as_deref().unwrap_or("not specified"),
        treat = alarm.treat_missing_data.as_deref().unwrap_or("missing"),
        ok = actions(&alarm.ok_actions),
        alarm_actions = actions(&alarm.alarm_actions),
        insufficient = actions(&alarm.insufficient_data_actions),
    )
}

/// `Sunday 22 November, 2026 10:55:38 UTC`, as alarm e-mails print times.
fn email_date(at: OffsetDateTime) -> String {
    format!(
        "{} {} {}, {} {:02}:{:02}:{:02} UTC",
        at.weekday(),
        at.day(),
        at.month(),
        at.year(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// The name the console and CloudWatch's messages give a region.
pub fn region_name(region: &str) -> String {
    let name = match region {
        "us-east-1" => "US East (N. Virginia)",
        "us-east-2" => "US East (Ohio)",
        "us-west-1" => "US West (N. California)",
        "us-west-2" => "US West (Oregon)",
        "ap-northeast-1" => "Asia Pacific (Tokyo)",
        "ap-northeast-2" => "Asia Pacific (Seoul)",
        "ap-northeast-3" => "Asia Pacific (Osaka)",
        "ap-southeast-1" => "Asia Pacific (Singapore)",
        "ap-southeast-2" => "Asia Pacific (Sydney)",
        "ap-south-1" => "Asia Pacific (Mumbai)",
        "ca-central-1" => "Canada (Central)",
        "eu-central-1" => "EU (Frankfurt)",
        "eu-west-1" => "EU (Ireland)",
        "eu-west-2" => "EU (London)",
        "eu-west-3" => "EU (Paris)",
        "eu-north-1" => "EU (Stockholm)",
        "sa-east-1" => "South America (Sao Paulo)",
        other => return other.to_string(),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alarm_email_reads_like_aws() {
        let mut alarm = Alarm::example("awslab_cloudwatch_toomuch_volume_alarm");
        alarm.state = "ALARM".into();
        alarm.state_reason = "Threshold Crossed: 1 datapoint [250000.0 (22/11/26 10:55:00)] was \
                              greater than the threshold (100000.0)."
            .into();
        alarm.alarm_actions = vec!["arn:aws:sns:ap-northeast-2:123456789012:T".into()];
        let fired = Fired {
            region: "ap-northeast-2".into(),
            alarm: alarm.clone(),
            old_state: "OK".into(),
            at: time::macros::datetime!(2026-11-22 10:55:38 UTC),
        };
        let email = alarm_email(&fired);
        assert!(email.starts_with(
            "You are receiving this email because your Amazon CloudWatch Alarm \
             \"awslab_cloudwatch_toomuch_volume_alarm\" in the Asia Pacific (Seoul) region has \
             entered the ALARM state, because \"Threshold Crossed: 1 datapoint"
        ));
        assert!(email.contains("at \"Sunday 22 November, 2026 10:55:38 UTC\"."), "{email}");
        assert!(email.contains("- State Change:               OK -> ALARM\n"));
        assert!(email.contains("- ALARM: [arn:aws:sns:ap-northeast-2:123456789012:T]\n"));
        assert_eq!(
            subject(&alarm, "ap-northeast-2"),
            "ALARM: \"awslab_cloudwatch_toomuch_volume_alarm\" in Asia Pacific (Seoul)"
        );
        let message = alarm_message(&fired);
        assert_eq!(message["Trigger"]["Statistic"], "SUM");
        assert_eq!(message["StateChangeTime"], "2026-11-22T10:55:38.000+0000");
    }
}
