//! CloudWatch and SNS helpers: clients, the emulator's clock and mailbox (control endpoints),
//! and the lab's topic and alarm.

#![allow(dead_code)]

use super::{sdk_config, send};
use aws_sdk_cloudwatch::error::ProvideErrorMetadata;
use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic};
use awslab_emulator::{ACCOUNT_ID, Emulator};
use serde_json::Value;

pub const REGION: &str = "ap-northeast-2";
pub const TOPIC: &str = "AWSLab_CloudWatch_Volume_Alarms_Topic";
pub const ALARM: &str = "awslab_cloudwatch_toomuch_volume_alarm";
/// PutMetricData may not write to `AWS/` namespaces: tests write the lab's metric here.
pub const NAMESPACE: &str = "AWSLab/EBS";
pub const METRIC: &str = "VolumeWriteBytes";
pub const VOLUME: &str = "vol-0123456789abcdef0";

pub async fn cloudwatch(emulator: &Emulator) -> aws_sdk_cloudwatch::Client {
    aws_sdk_cloudwatch::Client::new(&sdk_config(emulator, REGION).await)
}

pub async fn sns(emulator: &Emulator) -> aws_sdk_sns::Client {
    aws_sdk_sns::Client::new(&sdk_config(emulator, REGION).await)
}

pub fn topic_arn(name: &str) -> String {
    format!("arn:aws:sns:{REGION}:{ACCOUNT_ID}:{name}")
}

pub fn volume() -> Dimension {
    Dimension::builder().name("VolumeId").value(VOLUME).build()
}

/// A control endpoint's JSON answer.
pub async fn control(emulator: &Emulator, method: &str, path: &str) -> (u16, Value) {
    let response = send(emulator.port(), method, path, &[super::token(emulator)], b"").await;
    let body = serde_json::from_str(&response.body).unwrap_or(Value::Null);
    (response.status, body)
}

/// The emulator's clock, in epoch seconds.
pub async fn emulator_now(emulator: &Emulator) -> i64 {
    let (_, clock) = control(emulator, "GET", "/_awslab/clock").await;
    clock["epoch_seconds"].as_i64().expect("the clock answers epoch_seconds")
}

/// Moves the emulator's clock forward; alarms are evaluated when this returns.
pub async fn advance(emulator: &Emulator, seconds: u64) -> Value {
    let (status, body) =
        control(emulator, "POST", &format!("/_awslab/clock/advance?seconds={seconds}")).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Every e-mail in the mailbox, oldest first.
pub async fn mailbox(emulator: &Emulator) -> Vec<Value> {
    let (status, body) = control(emulator, "GET", "/_awslab/mailbox").await;
    assert_eq!(status, 200);
    body["messages"].as_array().cloned().unwrap_or_default()
}

/// The e-mails sent to `address`.
pub async fn mail_to(emulator: &Emulator, address: &str) -> Vec<Value> {
    mailbox(emulator).await.into_iter().filter(|mail| mail["to"] == address).collect()
}

/// The confirmation link in a confirmation e-mail.
pub fn confirmation_link(mail: &Value) -> String {
    let body = mail["body"].as_str().expect("a body");
    body.lines()
        .find(|line| line.contains("Action=ConfirmSubscription"))
        .expect("a confirmation link")
        .trim()
        .to_string()
}

/// GETs a link from an e-mail (unsigned, as a browser does): status and page.
pub async fn follow(emulator: &Emulator, link: &str) -> (u16, String) {
    let path = link.strip_prefix(emulator.endpoint()).expect("a link to the emulator");
    let response = send(emulator.port(), "GET", path, &[], b"").await;
    (response.status, response.body)
}

/// The lab's topic with an e-mail subscription confirmed through the link in the mailbox.
pub async fn confirmed_topic(emulator: &Emulator, address: &str) -> String {
    let sns = sns(emulator).await;
    let topic = sns.create_topic().name(TOPIC).send().await.expect("CreateTopic");
    let arn = topic.topic_arn().expect("a topic ARN").to_string();
    sns.subscribe().topic_arn(&arn).protocol("email").endpoint(address).send().await.unwrap();
    let mail = mail_to(emulator, address).await.pop().expect("a confirmation e-mail");
    let (status, page) = follow(emulator, &confirmation_link(&mail)).await;
    assert_eq!(status, 200, "{page}");
    arn
}

/// The lab's alarm on [`NAMESPACE`], with `topic` as its action.
pub async fn put_lab_alarm(cloudwatch: &aws_sdk_cloudwatch::Client, topic: &str) {
    cloudwatch
        .put_metric_alarm()
        .alarm_name(ALARM)
        .alarm_description("Too much written to the instance's volume")
        .namespace(NAMESPACE)
        .metric_name(METRIC)
        .dimensions(volume())
        .statistic(Statistic::Sum)
        .period(300)
        .evaluation_periods(1)
        .threshold(100_000.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .alarm_actions(topic)
        .send()
        .await
        .expect("PutMetricAlarm");
}

/// The code, message and status of a CloudWatch error through the SDK.
pub fn cw_failure<E: ProvideErrorMetadata>(
    error: aws_sdk_cloudwatch::error::SdkError<E, aws_sdk_cloudwatch::config::http::HttpResponse>,
) -> (String, String, u16) {
    let status = error.raw_response().map_or(0, |r| r.status().as_u16());
    (
        error.code().unwrap_or_default().to_string(),
        error.message().unwrap_or_default().to_string(),
        status,
    )
}

/// The code, message and status of an SNS error through the SDK.
pub fn sns_failure<E: ProvideErrorMetadata>(
    error: aws_sdk_sns::error::SdkError<E, aws_sdk_sns::config::http::HttpResponse>,
) -> (String, String, u16) {
    let status = error.raw_response().map_or(0, |r| r.status().as_u16());
    (
        error.code().unwrap_or_default().to_string(),
        error.message().unwrap_or_default().to_string(),
        status,
    )
}
