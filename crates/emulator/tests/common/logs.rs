//! CloudWatch Logs helpers shared by the Logs test suites: a client, events, AWS's errors as
//! `(code, message, status)`, and reading a stream back with the SDK's paginator.

#![allow(dead_code)]

use super::sdk_config;
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use awslab_emulator::{ACCOUNT_ID, Emulator};
use std::time::{SystemTime, UNIX_EPOCH};

pub const REGION: &str = "ap-northeast-2";
pub const GROUP: &str = "/aws/lambda/addCustomer";
pub const STREAM: &str = "2024/05/01/[$LATEST]0123456789abcdef";
pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;

pub async fn client(emulator: &Emulator) -> Client {
    Client::new(&sdk_config(emulator, REGION).await)
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_millis() as i64
}

pub fn event(timestamp: i64, message: &str) -> InputLogEvent {
    InputLogEvent::builder().timestamp(timestamp).message(message).build().expect("an event")
}

#[allow(unused_imports)] // not every suite that includes this module uses it
pub use super::failure;

pub fn invalid(message: &str) -> (String, String, u16) {
    ("InvalidParameterException".into(), message.into(), 400)
}

pub fn not_found(what: &str) -> (String, String, u16) {
    ("ResourceNotFoundException".into(), format!("The specified {what} does not exist."), 400)
}

pub fn group_arn(name: &str) -> String {
    format!("arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{name}")
}

pub async fn create_group_and_stream(logs: &Client, group: &str, stream: &str) {
    logs.create_log_group().log_group_name(group).send().await.expect("CreateLogGroup");
    logs.create_log_stream()
        .log_group_name(group)
        .log_stream_name(stream)
        .send()
        .await
        .expect("CreateLogStream");
}

pub async fn put(logs: &Client, group: &str, stream: &str, events: Vec<InputLogEvent>) {
    logs.put_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .set_log_events(Some(events))
        .send()
        .await
        .expect("PutLogEvents");
}

/// Every message of a stream, read from the head with the SDK's paginator.
pub async fn messages(logs: &Client, group: &str, stream: &str) -> Vec<String> {
    let events = logs
        .get_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .start_from_head(true)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .expect("GetLogEvents pages");
    events.into_iter().filter_map(|e| e.message).collect()
}
