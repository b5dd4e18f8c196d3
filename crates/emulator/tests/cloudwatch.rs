//! CloudWatch through the official `aws-sdk-cloudwatch` client (RPC v2 CBOR): metrics in and
//! out, alarms and their validation, the lab's alarm going INSUFFICIENT_DATA → OK → ALARM on
//! the emulator's clock (advanced through the control endpoint, never waited for), its
//! history, and the alarm e-mail reaching only the confirmed subscriber. The awsJson (query
//! mode) and awsQuery protocols are checked on the wire at the end.

mod common;

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, DimensionFilter, HistoryItemType, Metric, MetricDataQuery,
    MetricDatum, MetricStat, StandardUnit, StateValue, Statistic, StatisticSet,
};
use awslab_emulator::{ACCOUNT_ID, Emulator, EmulatorConfig};
use common::alarms::*;
use common::{send, signed, start};

fn datum(value: f64, at: i64) -> MetricDatum {
    MetricDatum::builder()
        .metric_name(METRIC)
        .dimensions(volume())
        .value(value)
        .unit(StandardUnit::Bytes)
        .timestamp(DateTime::from_secs(at))
        .build()
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_round_trip_with_statistics_per_period() {
    let emulator = start().await;
    let cw = cloudwatch(&emulator).await;
    // Three minutes of data, 20 minutes ago, aligned to the minute.
    let start = (emulator_now(&emulator).await / 60) * 60 - 20 * 60;
    cw.put_metric_data()
        .namespace(NAMESPACE)
        .metric_data(datum(100.0, start))
        .metric_data(datum(300.0, start + 30))
        .metric_data(datum(1000.0, start + 60))
        .metric_data(
            MetricDatum::builder()
                .metric_name(METRIC)
                .dimensions(volume())
                .statistic_values(
                    StatisticSet::builder()
                        .sample_count(4.0)
                        .sum(4000.0)
                        .minimum(500.0)
                        .maximum(1500.0)
                        .build(),
                )
                .unit(StandardUnit::Bytes)
                .timestamp(DateTime::from_secs(start + 120))
                .build(),
        )
        .metric_data(
            MetricDatum::builder()
                .metric_name("Latency")
                .values(10.0)
                .values(20.0)
                .counts(3.0)
                .counts(1.0)
                .timestamp(DateTime::from_secs(start))
                .build(),
        )
        .send()
        .await
        .expect("PutMetricData");

    let stats = cw
        .get_metric_statistics()
        .namespace(NAMESPACE)
        .metric_name(METRIC)
        .dimensions(volume())
        .start_time(DateTime::from_secs(start - 60))
        .end_time(DateTime::from_secs(start + 180))
        .period(60)
        .statistics(Statistic::Sum)
        .statistics(Statistic::Average)
        .statistics(Statistic::Maximum)
        .statistics(Statistic::SampleCount)
        .send()
        .await
        .expect("GetMetricStatistics");
    let points: Vec<(i64, f64, f64, f64, f64)> = (stats.datapoints().iter())
        .map(|p| {
            (
                p.timestamp().unwrap().secs(),
                p.sum().unwrap(),
                p.average().unwrap(),
                p.maximum().unwrap(),
                p.sample_count().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        points,
        [
            (start, 400.0, 200.0, 300.0, 2.0),
            (start + 60, 1000.0, 1000.0, 1000.0, 1.0),
            (start + 120, 4000.0, 1000.0, 1500.0, 4.0)
        ]
    );
    assert_eq!(stats.label(), Some(METRIC));
    assert_eq!(stats.datapoints()[0].unit(), Some(&StandardUnit::Bytes));

    // One five-minute period holds all of it.
    let five = cw
        .get_metric_statistics()
        .namespace(NAMESPACE)
        .metric_name(METRIC)
        .dimensions(volume())
        .start_time(DateTime::from_secs(start - 600))
        .end_time(DateTime::from_secs(start + 600))
        .period(300)
        .statistics(Statistic::Sum)
        .send()
        .await
        .unwrap();
    let sums: f64 = five.datapoints().iter().map(|p| p.sum().unwrap()).sum();
    assert_eq!(sums, 5400.0);

    // Values with counts: three tens and one twenty; percentiles come from the values.
    let latency = cw
        .get_metric_statistics()
        .namespace(NAMESPACE)
        .metric_name("Latency")
        .start_time(DateTime::from_secs(start))
        .end_time(DateTime::from_secs(start + 60))
        .period(60)
        .extended_statistics("p50")
        .extended_statistics("p99")
        .send()
        .await
        .unwrap();
    let extended = latency.datapoints()[0].extended_statistics().unwrap();
    assert_eq!((extended["p50"], extended["p99"]), (10.0, 20.0));
    assert_eq!(latency.datapoints()[0].unit(), Some(&StandardUnit::None));

    let listed = cw
        .list_metrics()
        .namespace(NAMESPACE)
        .dimensions(DimensionFilter::builder().name("VolumeId").build())
        .send()
        .await
        .unwrap();
    assert_eq!(listed.metrics().len(), 1);
    assert_eq!(listed.metrics()[0].metric_name(), Some(METRIC));
    assert_eq!(listed.metrics()[0].dimensions(), [volume()]);
    let recent = cw.list_metrics().recently_active("PT3H".into()).send().await.unwrap();
    assert_eq!(recent.metrics().len(), 2);

    let data = cw
        .get_metric_data()
        .metric_data_queries(
            MetricDataQuery::builder()
                .id("m1")
                .metric_stat(
                    MetricStat::builder()
                        .metric(
                            Metric::builder()
                                .namespace(NAMESPACE)
                                .metric_name(METRIC)
                                .dimensions(volume())
                                .build(),
                        )
                        .period(60)
                        .stat("Sum")
                        .build(),
                )
                .build(),
        )
        .start_time(DateTime::from_secs(start))
        .end_time(DateTime::from_secs(start + 180))
        .send()
        .await
        .expect("GetMetricData");
    let result = &data.metric_data_results()[0];
    assert_eq!(result.values(), [4000.0, 1000.0, 400.0], "newest first");
    assert_eq!(result.timestamps()[0].secs(), start + 120);

    let math = cw
        .get_metric_data()
        .metric_data_queries(MetricDataQuery::builder().id("e1").expression("m1 * 2").build())
        .start_time(DateTime::from_secs(start))
        .end_time(DateTime::from_secs(start + 180))
        .send()
        .await
        .unwrap_err();
    let (code, message, status) = cw_failure(math);
    assert_eq!((code.as_str(), status), ("NotImplemented", 501));
    assert!(message.contains("does not evaluate metric math: query e1"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_requests_get_aws_codes_and_words() {
    let emulator = start().await;
    let cw = cloudwatch(&emulator).await;
    let alarm = || {
        cw.put_metric_alarm()
            .alarm_name(ALARM)
            .namespace(NAMESPACE)
            .metric_name(METRIC)
            .statistic(Statistic::Sum)
            .threshold(100_000.0)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
    };
    let period = alarm().period(45).evaluation_periods(1).send().await.unwrap_err();
    assert_eq!(
        cw_failure(period),
        ("ValidationError".into(), "Period must be 10, 30 or a multiple of 60".into(), 400)
    );
    let day = alarm().period(300).evaluation_periods(289).send().await.unwrap_err();
    assert_eq!(
        cw_failure(day),
        (
            "ValidationError".into(),
            "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must \
             be <= 86400)"
                .into(),
            400
        )
    );
    let m_of_n =
        alarm().period(60).evaluation_periods(2).datapoints_to_alarm(3).send().await.unwrap_err();
    assert_eq!(
        cw_failure(m_of_n).1,
        "DatapointsToAlarm must be less than or equal to EvaluationPeriods"
    );
    let region = alarm()
        .period(60)
        .evaluation_periods(1)
        .alarm_actions(format!("arn:aws:sns:us-east-1:{ACCOUNT_ID}:{TOPIC}"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        cw_failure(region).1,
        "Invalid region us-east-1 specified. Only ap-northeast-2 is supported."
    );

    let reserved = cw
        .put_metric_data()
        .namespace("AWS/EBS")
        .metric_data(datum(1.0, emulator_now(&emulator).await))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        cw_failure(reserved),
        (
            "InvalidParameterValue".into(),
            "The value AWS/EBS for parameter Namespace is invalid.".into(),
            400
        )
    );
    let missing = cw
        .set_alarm_state()
        .alarm_name("nope")
        .state_value(StateValue::Alarm)
        .state_reason("testing")
        .send()
        .await
        .unwrap_err();
    assert!(missing.as_service_error().is_some_and(|e| e.is_resource_not_found()));
    assert_eq!(
        cw_failure(missing),
        ("ResourceNotFound".into(), "Alarm nope not found".into(), 404)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_labs_alarm_goes_to_alarm_and_mails_the_confirmed_subscriber_only() {
    let emulator = start().await;
    let cw = cloudwatch(&emulator).await;
    let topic = confirmed_topic(&emulator, "student@example.com").await;
    let sns = sns(&emulator).await;
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("email")
        .endpoint("unconfirmed@example.com")
        .send()
        .await
        .unwrap();

    put_lab_alarm(&cw, &topic).await;
    let described = cw.describe_alarms().alarm_names(ALARM).send().await.unwrap();
    let alarm = &described.metric_alarms()[0];
    assert_eq!(alarm.state_value(), Some(&StateValue::InsufficientData));
    assert_eq!(alarm.state_reason(), Some("Unchecked: Initial alarm creation"));
    assert_eq!(
        alarm.alarm_arn(),
        Some(format!("arn:aws:cloudwatch:{REGION}:{ACCOUNT_ID}:alarm:{ALARM}").as_str())
    );
    assert_eq!((alarm.period(), alarm.threshold()), (Some(300), Some(100_000.0)));
    assert_eq!(alarm.alarm_actions(), std::slice::from_ref(&topic));
    assert_eq!(alarm.dimensions(), [volume()]);

    // A small write: OK at the next evaluation.
    let now = emulator_now(&emulator).await;
    cw.put_metric_data().namespace(NAMESPACE).metric_data(datum(5000.0, now)).send().await.unwrap();
    advance(&emulator, 60).await;
    let alarm = cw.describe_alarms().alarm_names(ALARM).send().await.unwrap();
    let alarm = &alarm.metric_alarms()[0];
    assert_eq!(alarm.state_value(), Some(&StateValue::Ok), "{:?}", alarm.state_reason());
    assert!(
        alarm.state_reason().unwrap().ends_with("was not greater than the threshold (100000.0).")
    );

    // The large download: ALARM.
    let now = emulator_now(&emulator).await;
    cw.put_metric_data()
        .namespace(NAMESPACE)
        .metric_data(datum(250_000.0, now))
        .send()
        .await
        .unwrap();
    advance(&emulator, 60).await;
    let alarm = cw.describe_alarms().state_value(StateValue::Alarm).send().await.unwrap();
    let alarm = &alarm.metric_alarms()[0];
    let reason = alarm.state_reason().unwrap();
    assert!(reason.starts_with("Threshold Crossed: 1 datapoint ["), "{reason}");
    assert!(reason.ends_with("was greater than the threshold (100000.0)."), "{reason}");
    let data: serde_json::Value = serde_json::from_str(alarm.state_reason_data().unwrap()).unwrap();
    assert_eq!((data["statistic"].as_str(), data["period"].as_i64()), (Some("Sum"), Some(300)));
    assert_eq!(data["threshold"], 100_000.0);

    let history = cw.describe_alarm_history().alarm_name(ALARM).send().await.unwrap();
    let summaries: Vec<&str> =
        history.alarm_history_items().iter().filter_map(|item| item.history_summary()).collect();
    assert_eq!(
        summaries,
        [
            format!("Successfully executed action {topic}").as_str(),
            "Alarm updated from OK to ALARM",
            "Alarm updated from INSUFFICIENT_DATA to OK",
            &format!("Alarm \"{ALARM}\" created"),
        ],
        "newest first"
    );
    let updates = cw
        .describe_alarm_history()
        .alarm_name(ALARM)
        .history_item_type(HistoryItemType::StateUpdate)
        .scan_by("TimestampAscending".into())
        .send()
        .await
        .unwrap();
    let first = &updates.alarm_history_items()[0];
    let data: serde_json::Value = serde_json::from_str(first.history_data().unwrap()).unwrap();
    assert_eq!(data["oldState"]["stateValue"], "INSUFFICIENT_DATA");
    assert_eq!(data["newState"]["stateValue"], "OK");

    let mails = mail_to(&emulator, "student@example.com").await;
    let alarm_mail = mails.last().unwrap();
    assert_eq!(alarm_mail["subject"], format!("ALARM: \"{ALARM}\" in Asia Pacific (Seoul)"));
    assert_eq!(alarm_mail["from"], "AWS Notifications <no-reply@sns.amazonaws.com>");
    let body = alarm_mail["body"].as_str().unwrap();
    assert!(body.starts_with(&format!(
        "You are receiving this email because your Amazon CloudWatch Alarm \"{ALARM}\" in the \
         Asia Pacific (Seoul) region has entered the ALARM state, because \"Threshold Crossed"
    )));
    assert!(body.contains("- State Change:               OK -> ALARM"), "{body}");
    assert!(body.contains("If you wish to stop receiving notifications from this topic"));
    let unconfirmed = mail_to(&emulator, "unconfirmed@example.com").await;
    let subjects: Vec<&str> = unconfirmed.iter().filter_map(|m| m["subject"].as_str()).collect();
    assert_eq!(subjects, ["AWS Notification - Subscription Confirmation"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn set_alarm_state_fires_actions_and_disabled_actions_do_not() {
    let emulator = start().await;
    let cw = cloudwatch(&emulator).await;
    let topic = confirmed_topic(&emulator, "student@example.com").await;
    put_lab_alarm(&cw, &topic).await;
    let set = |state: StateValue| {
        cw.set_alarm_state().alarm_name(ALARM).state_value(state).state_reason("lab check")
    };
    set(StateValue::Alarm).send().await.expect("SetAlarmState");
    let mails = mail_to(&emulator, "student@example.com").await;
    assert_eq!(mails.len(), 2, "the confirmation, then the alarm");
    assert!(mails[1]["body"].as_str().unwrap().contains("because \"lab check\""));

    set(StateValue::Ok).send().await.unwrap();
    cw.disable_alarm_actions().alarm_names(ALARM).send().await.unwrap();
    set(StateValue::Alarm).send().await.unwrap();
    assert_eq!(mail_to(&emulator, "student@example.com").await.len(), 2);
    let alarm = cw.describe_alarms().alarm_name_prefix("awslab_").send().await.unwrap();
    assert_eq!(alarm.metric_alarms()[0].actions_enabled(), Some(false));

    // An action whose topic is gone fails, and the history says so.
    sns(&emulator).await.delete_topic().topic_arn(&topic).send().await.unwrap();
    cw.enable_alarm_actions().alarm_names(ALARM).send().await.unwrap();
    set(StateValue::Ok).send().await.unwrap();
    set(StateValue::Alarm).send().await.unwrap();
    let actions = cw
        .describe_alarm_history()
        .alarm_name(ALARM)
        .history_item_type(HistoryItemType::Action)
        .send()
        .await
        .unwrap();
    assert_eq!(
        actions.alarm_history_items()[0].history_summary(),
        Some(format!("Failed to execute action {topic}").as_str())
    );

    let arn = format!("arn:aws:cloudwatch:{REGION}:{ACCOUNT_ID}:alarm:{ALARM}");
    cw.tag_resource()
        .resource_arn(&arn)
        .tags(
            aws_sdk_cloudwatch::types::Tag::builder()
                .key("awslab:lab")
                .value("cloudwatch-alarm")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let tags = cw.list_tags_for_resource().resource_arn(&arn).send().await.unwrap();
    assert_eq!(tags.tags()[0].value(), Some("cloudwatch-alarm"));
    // Fifty more would make 51: refused whole, and the alarm keeps its one tag.
    let many: Vec<_> = (0..50)
        .map(|n| aws_sdk_cloudwatch::types::Tag::builder().key(format!("k{n}")).value("v").build())
        .collect();
    let refused = cw.tag_resource().resource_arn(&arn).set_tags(Some(many)).send().await;
    assert!(refused.is_err(), "51 tags are too many");
    let tags = cw.list_tags_for_resource().resource_arn(&arn).send().await.unwrap();
    assert_eq!(tags.tags().len(), 1, "nothing of a refused request is kept");
    let for_metric = cw
        .describe_alarms_for_metric()
        .namespace(NAMESPACE)
        .metric_name(METRIC)
        .dimensions(Dimension::builder().name("VolumeId").value(VOLUME).build())
        .send()
        .await
        .unwrap();
    assert_eq!(for_metric.metric_alarms().len(), 1);
    cw.delete_alarms().alarm_names(ALARM).send().await.unwrap();
    assert!(cw.describe_alarms().send().await.unwrap().metric_alarms().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn json_query_mode_and_aws_query_speak_the_same_alarms() {
    let emulator = start().await;
    let cw = cloudwatch(&emulator).await;
    put_lab_alarm(&cw, &topic_arn(TOPIC)).await;
    let port = emulator.port();
    let auth = signed("monitoring", REGION);

    // awsJson 1.0 in query mode (current boto3 and the AWS CLI).
    let json = send(
        port,
        "POST",
        "/",
        &[
            ("x-amz-target", "GraniteServiceVersion20100801.DescribeAlarms"),
            ("content-type", "application/x-amz-json-1.0"),
            ("x-amzn-query-mode", "true"),
            ("authorization", &auth),
        ],
        br#"{"AlarmNames": ["awslab_cloudwatch_toomuch_volume_alarm"]}"#,
    )
    .await;
    assert_eq!(json.status, 200, "{}", json.body);
    let body: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let alarm = &body["MetricAlarms"][0];
    assert_eq!(alarm["StateValue"], "INSUFFICIENT_DATA");
    assert!(alarm["StateUpdatedTimestamp"].is_f64(), "epoch seconds: {alarm}");
    let missing = send(
        port,
        "POST",
        "/",
        &[
            ("x-amz-target", "GraniteServiceVersion20100801.SetAlarmState"),
            ("content-type", "application/x-amz-json-1.0"),
            ("authorization", &auth),
        ],
        br#"{"AlarmName": "nope", "StateValue": "OK", "StateReason": "x"}"#,
    )
    .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("x-amzn-query-error"), Some("ResourceNotFound;Sender"));
    assert!(missing.body.contains("\"message\":\"Alarm nope not found\""), "{}", missing.body);

    // awsQuery (older boto3).
    let form = "Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=awslab_cloudwatch_toomuch_volume_alarm";
    let query = send(
        port,
        "POST",
        "/",
        &[("content-type", "application/x-www-form-urlencoded"), ("authorization", &auth)],
        form.as_bytes(),
    )
    .await;
    assert_eq!(query.status, 200);
    assert!(query.body.starts_with(
        "<DescribeAlarmsResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">\
         <DescribeAlarmsResult><MetricAlarms><member><AlarmName>awslab_cloudwatch_toomuch_volume_alarm</AlarmName>"
    ));
    assert!(query.body.contains("<Dimensions><member><Name>VolumeId</Name>"));
    let error = send(
        port,
        "POST",
        "/",
        &[("content-type", "application/x-www-form-urlencoded"), ("authorization", &auth)],
        b"Action=PutMetricAlarm&Version=2010-08-01&AlarmName=a&Namespace=N&MetricName=M&Statistic=Sum&Period=45&EvaluationPeriods=1&Threshold=1&ComparisonOperator=GreaterThanThreshold",
    )
    .await;
    assert_eq!(error.status, 400);
    assert!(error.body.contains(
        "<Error><Type>Sender</Type><Code>ValidationError</Code><Message>Period must be 10, 30 or a multiple of 60</Message></Error>"
    ), "{}", error.body);

    // A gzip-encoded PutMetricData, as boto3 sends large ones.
    use std::io::Write;
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(b"Action=PutMetricData&Version=2010-08-01&Namespace=AWSLab%2FEBS&MetricData.member.1.MetricName=Zipped&MetricData.member.1.Value=7").unwrap();
    let zipped = send(
        port,
        "POST",
        "/",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("content-encoding", "gzip"),
            ("authorization", &auth),
        ],
        &gzip.finish().unwrap(),
    )
    .await;
    assert_eq!(zipped.status, 200, "{}", zipped.body);
    let listed = cw.list_metrics().metric_name("Zipped").send().await.unwrap();
    assert_eq!(listed.metrics().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn alarms_topics_and_mail_survive_a_restart_go_with_reset_and_come_back_with_a_snapshot() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let config =
        EmulatorConfig { data_dir: Some(folder.path().to_path_buf()), ..Default::default() };
    let emulator = Emulator::start(config.clone()).await.expect("first start");
    let topic = confirmed_topic(&emulator, "student@example.com").await;
    put_lab_alarm(&cloudwatch(&emulator).await, &topic).await;
    emulator.shutdown().await;

    let emulator = Emulator::start(config).await.expect("second start");
    let cw = cloudwatch(&emulator).await;
    assert_eq!(cw.describe_alarms().send().await.unwrap().metric_alarms().len(), 1);
    let subscriptions =
        sns(&emulator).await.list_subscriptions_by_topic().topic_arn(&topic).send().await.unwrap();
    assert!(subscriptions.subscriptions()[0].subscription_arn().unwrap().starts_with(&topic));
    assert_eq!(mailbox(&emulator).await.len(), 1);

    let (status, _) = control(&emulator, "POST", "/_awslab/snapshots/step-5").await;
    assert_eq!(status, 201);
    let (status, _) = control(&emulator, "POST", "/_awslab/reset").await;
    assert_eq!(status, 200);
    assert!(cw.describe_alarms().send().await.unwrap().metric_alarms().is_empty());
    assert!(mailbox(&emulator).await.is_empty());
    assert!(sns(&emulator).await.list_topics().send().await.unwrap().topics().is_empty());

    let (status, _) = control(&emulator, "POST", "/_awslab/snapshots/step-5/restore").await;
    assert_eq!(status, 200);
    let alarms = cw.describe_alarms().send().await.unwrap();
    assert_eq!(alarms.metric_alarms()[0].alarm_name(), Some(ALARM));
    assert_eq!(sns(&emulator).await.list_topics().send().await.unwrap().topics().len(), 1);
    assert_eq!(mailbox(&emulator).await.len(), 1);
}
