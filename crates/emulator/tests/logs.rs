//! CloudWatch Logs through the official `aws-sdk-cloudwatchlogs` client: log groups and
//! streams, tags, paging with the SDK's paginators, and AWS's errors. Events are in
//! `logs_events.rs`; role sessions and the store (Lambda's `append`, restarts, resets,
//! snapshots) in `logs_access.rs`.

mod common;

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::{LogGroupClass, OrderBy};
use common::logs::*;
use common::{sdk_config, start};

#[tokio::test(flavor = "multi_thread")]
async fn groups_are_created_described_and_deleted() {
    let emulator = start().await;
    let logs = client(&emulator).await;
    let before = now_ms();
    logs.create_log_group()
        .log_group_name(GROUP)
        .tags("awslab:lab", "serverless-api")
        .send()
        .await
        .expect("CreateLogGroup");

    let described =
        logs.describe_log_groups().log_group_name_prefix("/aws/lambda/").send().await.unwrap();
    let group = &described.log_groups()[0];
    assert_eq!(described.log_groups().len(), 1);
    assert_eq!(group.log_group_name(), Some(GROUP));
    assert_eq!(group.arn(), Some(format!("{}:*", group_arn(GROUP)).as_str()));
    assert_eq!(group.log_group_arn(), Some(group_arn(GROUP).as_str()));
    assert!(group.creation_time().is_some_and(|t| t >= before - 1000 && t <= now_ms() + 1000));
    assert_eq!((group.metric_filter_count(), group.stored_bytes()), (Some(0), Some(0)));
    assert_eq!(group.retention_in_days(), None, "no retention: never expire");
    assert_eq!(group.log_group_class(), Some(&LogGroupClass::Standard));
    assert!(described.next_token().is_none());

    logs.put_retention_policy().log_group_name(GROUP).retention_in_days(7).send().await.unwrap();
    let described = logs.describe_log_groups().send().await.unwrap();
    assert_eq!(described.log_groups()[0].retention_in_days(), Some(7));
    let error = logs.put_retention_policy().log_group_name(GROUP).retention_in_days(2).send().await;
    assert_eq!(
        failure(error.unwrap_err()),
        invalid(
            "1 validation error detected: Value at 'retentionInDays' failed to satisfy \
             constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, \
             150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]"
        )
    );
    logs.delete_retention_policy().log_group_name(GROUP).send().await.unwrap();
    let described = logs.describe_log_groups().send().await.unwrap();
    assert_eq!(described.log_groups()[0].retention_in_days(), None);

    let again = logs.create_log_group().log_group_name(GROUP).send().await.unwrap_err();
    assert_eq!(
        failure(again),
        (
            "ResourceAlreadyExistsException".into(),
            "The specified log group already exists".into(),
            400
        )
    );
    // Groups are regional: the same name is free in another region.
    let seoul_only = Client::new(&sdk_config(&emulator, "us-east-1").await);
    seoul_only.create_log_group().log_group_name(GROUP).send().await.expect("another region");

    logs.delete_log_group().log_group_name(GROUP).send().await.expect("DeleteLogGroup");
    assert!(logs.describe_log_groups().send().await.unwrap().log_groups().is_empty());
    let gone = logs.delete_log_group().log_group_name(GROUP).send().await.unwrap_err();
    assert_eq!(failure(gone), not_found("log group"));
    let missing_retention =
        logs.put_retention_policy().log_group_name(GROUP).retention_in_days(1).send().await;
    assert_eq!(failure(missing_retention.unwrap_err()), not_found("log group"));
}

#[tokio::test(flavor = "multi_thread")]
async fn group_names_follow_aws_rules() {
    let emulator = start().await;
    let logs = client(&emulator).await;
    let spaced = logs.create_log_group().log_group_name("my group").send().await.unwrap_err();
    assert_eq!(
        failure(spaced),
        invalid(
            r"1 validation error detected: Value at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+"
        )
    );
    let long = logs.create_log_group().log_group_name("a".repeat(513)).send().await.unwrap_err();
    assert_eq!(
        failure(long).1,
        "1 validation error detected: Value at 'logGroupName' failed to satisfy constraint: \
         Member must have length less than or equal to 512"
    );
    let reserved = logs.create_log_group().log_group_name("aws/my-app").send().await.unwrap_err();
    assert_eq!(failure(reserved), invalid("Log groups starting with AWS/ are reserved for AWS."));
    logs.create_log_group().log_group_name("a".repeat(512)).send().await.expect("512 is fine");
    logs.create_log_group()
        .log_group_name("my-app/#1.log_group")
        .log_group_class(LogGroupClass::InfrequentAccess)
        .send()
        .await
        .expect("every allowed character");
    let described =
        logs.describe_log_groups().log_group_name_prefix("my-app").send().await.unwrap();
    assert_eq!(described.log_groups()[0].log_group_class(), Some(&LogGroupClass::InfrequentAccess));
}

#[tokio::test(flavor = "multi_thread")]
async fn describe_log_groups_pages_with_the_sdk_paginator() {
    let emulator = start().await;
    let logs = client(&emulator).await;
    for i in [3, 1, 6, 0, 5, 2, 4] {
        logs.create_log_group().log_group_name(format!("/aws/lambda/f{i}")).send().await.unwrap();
    }
    logs.create_log_group().log_group_name("/other/group").send().await.unwrap();
    let pages: Vec<_> = logs
        .describe_log_groups()
        .log_group_name_prefix("/aws/lambda/")
        .limit(3)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .expect("pages");
    let sizes: Vec<usize> = pages.iter().map(|page| page.log_groups().len()).collect();
    assert_eq!(sizes, [3, 3, 1]);
    let names: Vec<&str> = pages
        .iter()
        .flat_map(|page| page.log_groups())
        .filter_map(|g| g.log_group_name())
        .collect();
    let expected: Vec<String> = (0..7).map(|i| format!("/aws/lambda/f{i}")).collect();
    assert_eq!(names, expected);

    let pattern = logs.describe_log_groups().log_group_name_pattern("F5").send().await.unwrap();
    assert_eq!(
        pattern.log_groups()[0].log_group_name(),
        Some("/aws/lambda/f5"),
        "case-insensitive"
    );
    let too_many = logs.describe_log_groups().limit(51).send().await.unwrap_err();
    assert_eq!(
        failure(too_many),
        invalid(
            "1 validation error detected: Value at 'limit' failed to satisfy constraint: \
             Member must have value less than or equal to 50"
        )
    );
    let forged = logs.describe_log_groups().next_token("not-a-token").send().await.unwrap_err();
    assert_eq!(failure(forged), invalid("The specified nextToken is invalid."));
}

#[tokio::test(flavor = "multi_thread")]
async fn streams_are_created_described_ordered_and_deleted() {
    let emulator = start().await;
    let logs = client(&emulator).await;
    let missing = logs.create_log_stream().log_group_name(GROUP).log_stream_name("s").send().await;
    assert_eq!(failure(missing.unwrap_err()), not_found("log group"));
    create_group_and_stream(&logs, GROUP, STREAM).await;
    let again = logs.create_log_stream().log_group_name(GROUP).log_stream_name(STREAM).send().await;
    assert_eq!(
        failure(again.unwrap_err()),
        (
            "ResourceAlreadyExistsException".into(),
            "The specified log stream already exists".into(),
            400
        )
    );
    let colon = logs.create_log_stream().log_group_name(GROUP).log_stream_name("a:b").send().await;
    assert_eq!(
        failure(colon.unwrap_err()),
        invalid(
            "1 validation error detected: Value at 'logStreamName' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: [^:*]*"
        )
    );

    let fresh = logs.describe_log_streams().log_group_name(GROUP).send().await.unwrap();
    let stream = &fresh.log_streams()[0];
    assert_eq!(stream.log_stream_name(), Some(STREAM));
    assert_eq!(stream.arn(), Some(format!("{}:log-stream:{STREAM}", group_arn(GROUP)).as_str()));
    #[allow(deprecated)] // AWS reports 0 for streams since 2019, and so does the emulator.
    let stored = stream.stored_bytes();
    assert_eq!(stored, Some(0));
    assert_eq!((stream.first_event_timestamp(), stream.last_event_timestamp()), (None, None));

    let now = now_ms();
    put(&logs, GROUP, STREAM, vec![event(now - 2000, "first"), event(now - 1000, "second")]).await;
    for (name, at) in [("b-newest", now), ("c-oldest", now - 60_000), ("a-middle", now - 30_000)] {
        logs.create_log_stream().log_group_name(GROUP).log_stream_name(name).send().await.unwrap();
        put(&logs, GROUP, name, vec![event(at, name)]).await;
    }
    let described = logs.describe_log_streams().log_group_name(GROUP).send().await.unwrap();
    let stream =
        described.log_streams().iter().find(|s| s.log_stream_name() == Some(STREAM)).unwrap();
    assert_eq!(stream.first_event_timestamp(), Some(now - 2000));
    assert_eq!(stream.last_event_timestamp(), Some(now - 1000));
    assert!(stream.last_ingestion_time().is_some_and(|t| t >= now - 1000));
    assert!(stream.upload_sequence_token().is_some_and(|t| t.len() == 56));
    let by_name: Vec<&str> =
        described.log_streams().iter().filter_map(|s| s.log_stream_name()).collect();
    assert_eq!(
        by_name,
        ["2024/05/01/[$LATEST]0123456789abcdef", "a-middle", "b-newest", "c-oldest"]
    );

    let latest = logs
        .describe_log_streams()
        .log_group_name(GROUP)
        .order_by(OrderBy::LastEventTime)
        .descending(true)
        .limit(2)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> =
        latest.log_streams().iter().filter_map(|s| s.log_stream_name()).collect();
    assert_eq!(names, ["b-newest", STREAM]);
    let all: Vec<String> = logs
        .describe_log_streams()
        .log_group_identifier(group_arn(GROUP))
        .order_by(OrderBy::LastEventTime)
        .limit(1)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .expect("pages")
        .into_iter()
        .filter_map(|s| s.log_stream_name)
        .collect();
    assert_eq!(all, ["c-oldest", "a-middle", STREAM, "b-newest"]);

    let prefixed =
        logs.describe_log_streams().log_group_name(GROUP).log_stream_name_prefix("a-").send().await;
    assert_eq!(prefixed.unwrap().log_streams().len(), 1);
    let both = logs
        .describe_log_streams()
        .log_group_name(GROUP)
        .log_stream_name_prefix("a-")
        .order_by(OrderBy::LastEventTime)
        .send()
        .await;
    assert_eq!(
        failure(both.unwrap_err()),
        invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
    );

    logs.delete_log_stream()
        .log_group_name(GROUP)
        .log_stream_name("a-middle")
        .send()
        .await
        .unwrap();
    let gone =
        logs.delete_log_stream().log_group_name(GROUP).log_stream_name("a-middle").send().await;
    assert_eq!(failure(gone.unwrap_err()), not_found("log stream"));
    let left = logs.describe_log_streams().log_group_name(GROUP).send().await.unwrap();
    assert_eq!(left.log_streams().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn tags_by_arn_and_by_name_are_the_same_tags() {
    let emulator = start().await;
    let logs = client(&emulator).await;
    logs.create_log_group().log_group_name(GROUP).tags("team", "a").send().await.unwrap();
    let arn = group_arn(GROUP);
    logs.tag_resource()
        .resource_arn(&arn)
        .tags("awslab:lab", "serverless-api")
        .send()
        .await
        .unwrap();
    #[allow(deprecated)] // the older by-name API, still served
    let by_name = logs.list_tags_log_group().log_group_name(GROUP).send().await.unwrap();
    let tags = by_name.tags().unwrap();
    assert_eq!(
        (tags.get("team"), tags.get("awslab:lab")),
        (Some(&"a".into()), Some(&"serverless-api".into()))
    );

    #[allow(deprecated)]
    logs.untag_log_group().log_group_name(GROUP).tags("team").send().await.unwrap();
    #[allow(deprecated)]
    logs.tag_log_group().log_group_name(GROUP).tags("stage", "dev").send().await.unwrap();
    let by_arn = logs.list_tags_for_resource().resource_arn(&arn).send().await.unwrap();
    let keys: Vec<&String> = by_arn.tags().unwrap().keys().collect();
    let mut keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
    keys.sort();
    assert_eq!(keys, ["awslab:lab", "stage"]);
    logs.untag_resource().resource_arn(&arn).tag_keys("stage").send().await.unwrap();
    let by_arn = logs.list_tags_for_resource().resource_arn(&arn).send().await.unwrap();
    assert_eq!(by_arn.tags().unwrap().len(), 1);

    let elsewhere = logs.list_tags_for_resource().resource_arn(group_arn("/nope")).send().await;
    assert_eq!(failure(elsewhere.unwrap_err()), not_found("log group"));
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_have_aws_json_shape_on_the_wire() {
    let emulator = start().await;
    let authorization = common::signed("logs", REGION);
    let answer = common::send(
        emulator.port(),
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", "Logs_20140328.DescribeLogStreams"),
            ("Authorization", &authorization),
        ],
        br#"{"logGroupName":"/aws/lambda/missing"}"#,
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.header("content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(
        answer.body,
        r#"{"__type":"ResourceNotFoundException","message":"The specified log group does not exist."}"#
    );
}
