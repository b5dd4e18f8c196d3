//! CloudWatch Logs events through the official client: PutLogEvents' checks and rejections,
//! GetLogEvents' tokens in both directions, and FilterLogEvents' patterns across streams.

mod common;

use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput;
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use common::logs::*;
use common::start;

#[tokio::test(flavor = "multi_thread")]
async fn put_log_events_checks_batches_as_aws_does() {
    let emulator = start().await;
    let logs = client(&emulator).await;
    let now = now_ms();
    let no_group = logs
        .put_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .log_events(event(now, "x"))
        .send()
        .await;
    assert_eq!(failure(no_group.unwrap_err()), not_found("log group"));
    logs.create_log_group().log_group_name(GROUP).send().await.unwrap();
    let no_stream = logs
        .put_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .log_events(event(now, "x"))
        .send()
        .await;
    assert_eq!(failure(no_stream.unwrap_err()), not_found("log stream"));
    logs.create_log_stream().log_group_name(GROUP).log_stream_name(STREAM).send().await.unwrap();

    let unordered = logs
        .put_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .log_events(event(now, "second"))
        .log_events(event(now - 1, "first"))
        .send()
        .await;
    assert_eq!(
        failure(unordered.unwrap_err()),
        invalid("Log events in a single PutLogEvents request must be in chronological order.")
    );
    let big = "x".repeat(1_048_576 - 26 + 1);
    let too_large = logs
        .put_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .log_events(event(now, &big))
        .send()
        .await;
    assert_eq!(
        failure(too_large.unwrap_err()),
        invalid("Upload too large: 1048577 bytes exceeds limit of 1048576")
    );
    let empty = logs
        .put_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .log_events(event(now, "ok"))
        .log_events(event(now, ""))
        .send()
        .await;
    assert_eq!(
        failure(empty.unwrap_err()),
        invalid(
            "1 validation error detected: Value at 'logEvents.2.member.message' failed to \
             satisfy constraint: Member must have length greater than or equal to 1"
        )
    );
    let wide = logs
        .put_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .log_events(event(now - 25 * HOUR, "a day ago and more"))
        .log_events(event(now, "now"))
        .send()
        .await;
    assert_eq!(
        failure(wide.unwrap_err()),
        invalid(
            "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
        )
    );
    assert!(messages(&logs, GROUP, STREAM).await.is_empty(), "a refused batch stores nothing");

    // The sequence token is accepted and ignored, as AWS does since 2023.
    let first = logs
        .put_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .log_events(event(now - 1, "START RequestId: 1"))
        .log_events(event(now - 1, "END RequestId: 1"))
        .sequence_token("not-the-right-token")
        .send()
        .await
        .expect("PutLogEvents");
    let token = first.next_sequence_token().expect("a next sequence token");
    assert_eq!(token.len(), 56);
    assert!(first.rejected_log_events_info().is_none());
    let second = logs
        .put_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .log_events(event(now, "REPORT RequestId: 1"))
        .sequence_token(token)
        .send()
        .await
        .unwrap();
    assert_ne!(second.next_sequence_token(), Some(token));
    assert_eq!(
        messages(&logs, GROUP, STREAM).await,
        ["START RequestId: 1", "END RequestId: 1", "REPORT RequestId: 1"],
        "equal timestamps keep the order they were put in"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn old_and_future_events_are_rejected_not_failed() {
    let emulator = start().await;
    let logs = client(&emulator).await;
    create_group_and_stream(&logs, GROUP, STREAM).await;
    let now = now_ms();
    let answer = logs
        .put_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .log_events(event(now - 15 * DAY, "older than 14 days"))
        .log_events(event(now - HOUR, "an hour ago"))
        .log_events(event(now + 3 * HOUR, "three hours ahead"))
        .send()
        .await
        .expect("PutLogEvents succeeds");
    let rejected = answer.rejected_log_events_info().expect("rejected events are reported");
    assert_eq!(rejected.too_old_log_event_end_index(), Some(1));
    assert_eq!(rejected.too_new_log_event_start_index(), Some(2));
    assert_eq!(rejected.expired_log_event_end_index(), None);

    logs.put_retention_policy().log_group_name(GROUP).retention_in_days(1).send().await.unwrap();
    let answer = logs
        .put_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .log_events(event(now - 3 * DAY, "past the one-day retention"))
        .log_events(event(now - 2 * HOUR, "within the retention"))
        .send()
        .await
        .unwrap();
    let rejected = answer.rejected_log_events_info().expect("expired events are reported");
    assert_eq!(rejected.expired_log_event_end_index(), Some(1));
    assert_eq!(rejected.too_old_log_event_end_index(), None);
    assert_eq!(messages(&logs, GROUP, STREAM).await, ["within the retention", "an hour ago"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn get_log_events_pages_forward_and_backward() {
    let emulator = start().await;
    let logs = client(&emulator).await;
    create_group_and_stream(&logs, GROUP, STREAM).await;
    let start = now_ms() - HOUR;
    let batch: Vec<InputLogEvent> =
        (0..60).map(|i| event(start + i * 1000, &format!("line {i}"))).collect();
    put(&logs, GROUP, STREAM, batch).await;

    let paged = logs
        .get_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .start_from_head(true)
        .limit(25)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .expect("pages");
    let sizes: Vec<usize> = paged.iter().map(|page| page.events().len()).collect();
    assert_eq!(sizes, [25, 25, 10, 0], "the last page is empty and repeats its token");
    let read: Vec<&str> =
        paged.iter().flat_map(|page| page.events()).filter_map(|e| e.message()).collect();
    let written: Vec<String> = (0..60).map(|i| format!("line {i}")).collect();
    assert_eq!(read, written);
    let last = paged.last().unwrap();
    assert_eq!(last.next_forward_token(), paged[2].next_forward_token());
    assert!(last.next_forward_token().is_some_and(|t| t.starts_with("f/") && t.len() == 60));

    // Without startFromHead, the newest events come first, and the backward token goes back.
    let tail = logs
        .get_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .limit(10)
        .send()
        .await
        .unwrap();
    let newest: Vec<&str> = tail.events().iter().filter_map(|e| e.message()).collect();
    assert_eq!(newest, &written[50..]);
    assert!(tail.events()[0].ingestion_time().is_some());
    let before = logs
        .get_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .limit(10)
        .next_token(tail.next_backward_token().unwrap())
        .send()
        .await
        .unwrap();
    let previous: Vec<&str> = before.events().iter().filter_map(|e| e.message()).collect();
    assert_eq!(previous, &written[40..50]);
    let at_end = logs
        .get_log_events()
        .log_group_name(GROUP)
        .log_stream_name(STREAM)
        .next_token(tail.next_forward_token().unwrap())
        .send()
        .await
        .unwrap();
    assert!(at_end.events().is_empty());
    assert_eq!(at_end.next_forward_token(), tail.next_forward_token());

    // startTime is included, endTime is not.
    let window = logs
        .get_log_events()
        .log_group_identifier(group_arn(GROUP))
        .log_stream_name(STREAM)
        .start_time(start + 10_000)
        .end_time(start + 13_000)
        .send()
        .await
        .unwrap();
    let inside: Vec<&str> = window.events().iter().filter_map(|e| e.message()).collect();
    assert_eq!(inside, ["line 10", "line 11", "line 12"]);

    let star = logs
        .get_log_events()
        .log_group_identifier(format!("{}:*", group_arn(GROUP)))
        .log_stream_name(STREAM)
        .send()
        .await;
    assert_eq!(
        failure(star.unwrap_err()),
        invalid(
            r"1 validation error detected: Value at 'logGroupIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w#+=/:,.@-]*"
        )
    );
    let missing = logs.get_log_events().log_group_name(GROUP).log_stream_name("nope").send().await;
    assert_eq!(failure(missing.unwrap_err()), not_found("log stream"));
}

#[tokio::test(flavor = "multi_thread")]
async fn filter_log_events_matches_patterns_across_streams() {
    let emulator = start().await;
    let logs = client(&emulator).await;
    let t = now_ms() - HOUR;
    create_group_and_stream(&logs, GROUP, "stream-a").await;
    logs.create_log_stream()
        .log_group_name(GROUP)
        .log_stream_name("stream-b")
        .send()
        .await
        .unwrap();
    logs.create_log_stream().log_group_name(GROUP).log_stream_name("other").send().await.unwrap();
    put(
        &logs,
        GROUP,
        "stream-a",
        vec![
            event(t, "[INFO] Starting"),
            event(t + 2, "[ERROR] Caught IllegalArgumentException"),
            event(t + 4, "[WARN] Retrying the request"),
        ],
    )
    .await;
    put(
        &logs,
        GROUP,
        "stream-b",
        vec![
            event(t + 1, "[ERROR] Task timed out after 3.00 seconds"),
            event(t + 3, "[ERROR] Retrying after failure"),
        ],
    )
    .await;
    put(&logs, GROUP, "other", vec![event(t + 5, "[ERROR] elsewhere")]).await;

    let filter = |pattern: &str| {
        logs.filter_log_events()
            .log_group_name(GROUP)
            .log_stream_name_prefix("stream-")
            .filter_pattern(pattern)
    };
    let found = filter("ERROR").send().await.unwrap();
    let hits: Vec<(&str, &str)> = found
        .events()
        .iter()
        .map(|e| (e.log_stream_name().unwrap(), e.message().unwrap()))
        .collect();
    assert_eq!(
        hits,
        [
            ("stream-b", "[ERROR] Task timed out after 3.00 seconds"),
            ("stream-a", "[ERROR] Caught IllegalArgumentException"),
            ("stream-b", "[ERROR] Retrying after failure"),
        ],
        "interleaved by timestamp"
    );
    let first = &found.events()[0];
    assert_eq!(first.timestamp(), Some(t + 1));
    assert!(first.ingestion_time().is_some());
    assert!(
        first.event_id().is_some_and(|id| id.len() == 56 && id.bytes().all(|b| b.is_ascii_digit()))
    );
    assert!(found.next_token().is_none());

    let texts = |output: FilterLogEventsOutput| {
        output.events().iter().filter_map(|e| e.message().map(str::to_string)).collect::<Vec<_>>()
    };
    assert_eq!(
        texts(filter("\"timed out\"").send().await.unwrap()),
        ["[ERROR] Task timed out after 3.00 seconds"]
    );
    assert_eq!(
        texts(filter("?WARN ?INFO").send().await.unwrap()),
        ["[INFO] Starting", "[WARN] Retrying the request"]
    );
    assert_eq!(
        texts(filter("ERROR -Retrying -\"timed out\"").send().await.unwrap()),
        ["[ERROR] Caught IllegalArgumentException"]
    );
    assert_eq!(texts(filter("Exception").send().await.unwrap()).len(), 1);
    assert!(texts(filter("error").send().await.unwrap()).is_empty(), "case-sensitive");
    let everything = logs.filter_log_events().log_group_name(GROUP).send().await.unwrap();
    assert_eq!(everything.events().len(), 6, "an absent pattern matches every stream's events");
    let named = logs
        .filter_log_events()
        .log_group_name(GROUP)
        .log_stream_names("other")
        .start_time(t + 5)
        .end_time(t + 5)
        .send()
        .await
        .unwrap();
    assert_eq!(texts(named), ["[ERROR] elsewhere"], "startTime and endTime are both included");

    let paged: Vec<String> = logs
        .filter_log_events()
        .log_group_name(GROUP)
        .limit(2)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .expect("pages")
        .into_iter()
        .flat_map(texts)
        .collect();
    assert_eq!(paged.len(), 6);
    assert_eq!(paged[0], "[INFO] Starting");

    let bad = filter("ERROR:").send().await.unwrap_err();
    assert_eq!(
        failure(bad),
        invalid("Invalid filter pattern: Invalid character(s) in term 'ERROR:'")
    );
    let both = logs
        .filter_log_events()
        .log_group_name(GROUP)
        .log_stream_names("stream-a")
        .log_stream_name_prefix("stream-")
        .send()
        .await;
    assert_eq!(
        failure(both.unwrap_err()),
        invalid("Cannot specify both logStreamNames and logStreamNamePrefix.")
    );
    let json = filter("{ $.level = \"ERROR\" }").send().await.unwrap_err();
    assert_eq!((failure(json).0, 501), ("NotImplemented".to_string(), 501));
}
