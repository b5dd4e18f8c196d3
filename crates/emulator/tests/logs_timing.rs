//! CloudWatch Logs under AWS's time, through the official SDK: an event `PutLogEvents` accepted
//! is not returned by `GetLogEvents` or `FilterLogEvents` until it has been ingested, a moment
//! later on the emulator's clock.

mod common;

use awslab_emulator::{ACCOUNT_ID, Clockwork, Delay, Emulator, EmulatorConfig, Timing};
use common::alarms::advance;
use common::logs::{GROUP, REGION, STREAM, client, event, now_ms};

const CLOCKWORK: Clockwork = Clockwork { timing: Timing::Aws, seed: 16 };

async fn start(clockwork: Clockwork) -> Emulator {
    let config = EmulatorConfig { clockwork, ..EmulatorConfig::default() };
    Emulator::start(config).await.expect("the emulator starts")
}

/// A group and stream with one event put in them; answers the messages each read returns.
async fn put_one(emulator: &Emulator) -> aws_sdk_cloudwatchlogs::Client {
    let logs = client(emulator).await;
    logs.create_log_group().log_group_name(GROUP).send().await.expect("the group");
    let stream = logs.create_log_stream().log_group_name(GROUP).log_stream_name(STREAM);
    stream.send().await.expect("the stream");
    let put = logs.put_log_events().log_group_name(GROUP).log_stream_name(STREAM);
    put.log_events(event(now_ms(), "START RequestId: 1")).send().await.expect("the event");
    logs
}

async fn read(logs: &aws_sdk_cloudwatchlogs::Client) -> (Vec<String>, Vec<String>) {
    let got = logs.get_log_events().log_group_name(GROUP).log_stream_name(STREAM).send().await;
    let got = got.expect("GetLogEvents").events.unwrap_or_default();
    let filtered = logs.filter_log_events().log_group_name(GROUP).send().await;
    let filtered = filtered.expect("FilterLogEvents").events.unwrap_or_default();
    (
        got.into_iter().filter_map(|e| e.message).collect(),
        filtered.into_iter().filter_map(|e| e.message).collect(),
    )
}

#[tokio::test]
async fn an_event_is_searchable_only_once_it_has_been_ingested() {
    let group_arn = format!("arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{GROUP}");
    let delay = CLOCKWORK.delay(Delay::LogIngestion, &group_arn);
    assert!(delay >= 500, "{delay} ms");
    let emulator = start(CLOCKWORK).await;
    let logs = put_one(&emulator).await;

    assert_eq!(read(&logs).await, (vec![], vec![]), "not ingested yet");

    advance(&emulator, 3).await;
    let message = vec!["START RequestId: 1".to_string()];
    assert_eq!(read(&logs).await, (message.clone(), message));
}

#[tokio::test]
async fn instant_timing_returns_an_event_at_once() {
    let emulator = start(Clockwork::INSTANT).await;
    let logs = put_one(&emulator).await;
    let message = vec!["START RequestId: 1".to_string()];
    assert_eq!(read(&logs).await, (message.clone(), message));
}
