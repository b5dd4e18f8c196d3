//! The CloudWatch lab across EC2, CloudWatch and SNS, with aws-sdk-rust: the instance's volume
//! writes become `AWS/EBS` metrics, the alarm on them is OK while the instance idles, the large
//! download turns it to ALARM within a bounded simulated time, the history shows the
//! transition, and the alarm e-mail reaches the confirmed subscriber only.
//!
//! The clock moves only when the test advances it (speed 1), so each step is deterministic.

mod common;

use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, HistoryItemType, StateValue, Statistic,
};
use aws_sdk_ec2::types::{InstanceStateName, InstanceType};
use awslab_emulator::{Emulator, EmulatorConfig};
use common::alarms::{self, ALARM, REGION, TOPIC, advance, mail_to};
use common::send;
use serde_json::{Value, json};

const ANACONDA: &str = "https://repo.anaconda.com/archive/Anaconda3-2023.07-2-Windows-x86_64.exe";
const CONFIRMED: &str = "student@example.com";
const UNCONFIRMED: &str = "friend@example.com";

async fn shell(emulator: &Emulator, instance: &str, command: &str) -> Value {
    let body = json!({ "command": command }).to_string();
    let path = format!("/_awslab/ec2/instances/{instance}/shell");
    let answer = send(
        emulator.port(),
        "POST",
        &path,
        &[("content-type", "application/json"), common::token(emulator)],
        body.as_bytes(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    serde_json::from_str(&answer.body).expect("the shell answers JSON")
}

async fn alarm_state(cloudwatch: &aws_sdk_cloudwatch::Client) -> StateValue {
    let alarms = cloudwatch.describe_alarms().alarm_names(ALARM).send().await.expect("Describe");
    alarms.metric_alarms()[0].state_value().cloned().expect("a state")
}

#[tokio::test]
async fn a_large_download_sets_off_the_volume_alarm_and_mails_the_confirmed_subscriber() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.expect("the emulator starts");
    let config = common::sdk_config(&emulator, REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let cloudwatch = alarms::cloudwatch(&emulator).await;
    let sns = alarms::sns(&emulator).await;

    // The instance, and its root volume.
    let image = ec2
        .describe_images()
        .owners("amazon")
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("name")
                .values("amzn2-ami-kernel-5.10-hvm-*-x86_64-gp2")
                .build(),
        )
        .send()
        .await
        .expect("DescribeImages");
    let image_id = image.images()[0].image_id().expect("an image").to_string();
    let run = ec2
        .run_instances()
        .image_id(image_id)
        .instance_type(InstanceType::T2Micro)
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .expect("RunInstances");
    let instance = run.instances()[0].instance_id().expect("an id").to_string();
    advance(&emulator, 60).await;
    let described = ec2.describe_instances().instance_ids(&instance).send().await.unwrap();
    let state = described.reservations()[0].instances()[0].state().unwrap().name().cloned();
    assert_eq!(state, Some(InstanceStateName::Running));
    let volumes = ec2
        .describe_volumes()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("attachment.instance-id")
                .values(&instance)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let volume = volumes.volumes()[0].volume_id().expect("a root volume").to_string();

    // The topic: one confirmed subscriber, one who never confirms.
    let topic = alarms::confirmed_topic(&emulator, CONFIRMED).await;
    assert!(topic.ends_with(TOPIC));
    sns.subscribe().topic_arn(&topic).protocol("email").endpoint(UNCONFIRMED).send().await.unwrap();

    // The handout's alarm on the volume's writes.
    cloudwatch
        .put_metric_alarm()
        .alarm_name(ALARM)
        .alarm_description("The volume is being written too much")
        .namespace("AWS/EBS")
        .metric_name("VolumeWriteBytes")
        .dimensions(Dimension::builder().name("VolumeId").value(&volume).build())
        .statistic(Statistic::Average)
        .period(300)
        .evaluation_periods(1)
        .threshold(100_000.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .alarm_actions(&topic)
        .send()
        .await
        .expect("PutMetricAlarm");
    assert_eq!(alarm_state(&cloudwatch).await, StateValue::InsufficientData);

    // Idling: the volume's periods are small, the alarm settles to OK.
    for _ in 0..4 {
        advance(&emulator, 300).await;
    }
    assert_eq!(alarm_state(&cloudwatch).await, StateValue::Ok);

    // The installer: about 900 MB written within a period.
    let download = shell(&emulator, &instance, &format!("wget {ANACONDA}")).await;
    assert_eq!(download["exit_code"], 0, "{download}");
    let mut waited = 0;
    while alarm_state(&cloudwatch).await != StateValue::Alarm {
        assert!(waited < 30 * 60, "no ALARM within half an hour of simulated time");
        advance(&emulator, 60).await;
        waited += 60;
    }

    let history = cloudwatch
        .describe_alarm_history()
        .alarm_name(ALARM)
        .history_item_type(HistoryItemType::StateUpdate)
        .send()
        .await
        .expect("DescribeAlarmHistory");
    let summaries: Vec<&str> =
        history.alarm_history_items().iter().filter_map(|item| item.history_summary()).collect();
    assert!(summaries.contains(&"Alarm updated from OK to ALARM"), "{summaries:?}");

    let alarm_mail: Vec<Value> = mail_to(&emulator, CONFIRMED)
        .await
        .into_iter()
        .filter(|mail| mail["kind"] == "Notification")
        .collect();
    assert_eq!(alarm_mail.len(), 1, "{alarm_mail:?}");
    let subject = alarm_mail[0]["subject"].as_str().unwrap_or_default();
    assert!(subject.starts_with(&format!("ALARM: \"{ALARM}\"")), "{subject}");
    let body = alarm_mail[0]["body"].as_str().unwrap_or_default();
    assert!(body.contains("Threshold Crossed"), "{body}");
    let unconfirmed: Vec<Value> = mail_to(&emulator, UNCONFIRMED)
        .await
        .into_iter()
        .filter(|mail| mail["kind"] == "Notification")
        .collect();
    assert!(unconfirmed.is_empty(), "an unconfirmed subscription gets nothing: {unconfirmed:?}");
}
