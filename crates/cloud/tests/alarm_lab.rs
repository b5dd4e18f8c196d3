//! The EC2, SNS, CloudWatch and emulator actions and checks against a real emulator, through
//! the aws-sdk clients: an instance launched and running with its 8 GiB gp2 root volume, a topic
//! whose e-mail subscription is confirmed from the mailbox, an alarm whose wrong threshold fails
//! its check with the difference, the alarm going OK → ALARM on the large download with its
//! e-mail, and a clean-up that leaves nothing of the lab.

use awslab_cloud::actions::{self, ActionContext, ActionRun};
use awslab_cloud::checks::{self, CheckResult, CheckSpec};
use awslab_cloud::{Clients, Target, cleanup};
use awslab_emulator::{Emulator, EmulatorConfig};
use awslab_lab::{ActionKind, CheckKind};
use serde_json::{Map, Value, json};

const LAB: &str = "cloudwatch-alarm";
const INSTANCE: &str = "aws-lab-cloudwatch-instance";
const TOPIC: &str = "AWSLab_CloudWatch_Volume_Alarms_Topic";
const ALARM: &str = "awslab_cloudwatch_toomuch_volume_alarm";
const EMAIL: &str = "student@example.com";
const ANACONDA: &str = "https://repo.anaconda.com/archive/Anaconda3-2023.07-2-Windows-x86_64.exe";

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

async fn act(clients: &Clients, action: &str, params: Value) -> ActionRun {
    let ctx = ActionContext { clients, lab_id: LAB, step_id: "test" };
    let action = ActionKind::from_name(action).unwrap_or_else(|| panic!("no action {action}"));
    actions::run(&ctx, action, &object(params)).await
}

async fn check(clients: &Clients, kind: &str, resource: Value, expect: Value) -> CheckResult {
    let resource = object(resource);
    let kind = CheckKind::from_name(kind).unwrap_or_else(|| panic!("no check kind {kind}"));
    let spec = CheckSpec { id: "c", kind, points: 5, resource: &resource, expect: &expect };
    checks::run(clients, &spec).await
}

fn differences(result: &CheckResult) -> Vec<String> {
    result.differences.iter().map(ToString::to_string).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_alarm_lab_runs_and_is_graded_on_the_emulator() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.expect("the emulator");
    let clients =
        Clients::connect(&Target::emulator(emulator.endpoint(), Some(emulator.control_token())))
            .await;

    // Launch: the newest Amazon Linux 2 image, an 8 GiB gp2 root, running when Run returns.
    let launched = act(
        &clients,
        "ec2.run_instance",
        json!({
            "name": INSTANCE,
            "image": "amzn2-ami-kernel-5.10-hvm-*-x86_64-gp2",
            "instance_type": "t2.micro",
            "volume_size_gb": 8,
            "volume_type": "gp2",
        }),
    )
    .await;
    assert!(launched.succeeded(), "{launched:#?}");
    assert_eq!(launched.response["State"], "running");
    let instance_id = launched.response["InstanceId"].as_str().expect("an id").to_string();
    let kinds: Vec<&str> = launched.created.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, ["ec2.security_group", "ec2.instance"], "the group Connect needs, then it");
    let opened = launched.calls.iter().find(|c| c.operation == "AuthorizeSecurityGroupIngress");
    let opened = opened.expect("port 22 opened to EC2 Instance Connect");
    assert!(opened.cli.contains("\"FromPort\":22") && opened.cli.contains("pl-"), "{}", opened.cli);
    let run_call = launched.calls.iter().find(|c| c.operation == "RunInstances").expect("called");
    assert!(run_call.cli.starts_with("aws ec2 run-instances --image-id ami-"), "{}", run_call.cli);
    assert!(run_call.cli.contains("\"VolumeType\":\"gp2\""), "{}", run_call.cli);
    assert!(run_call.cli.contains("awslab:lab"), "{}", run_call.cli);

    let instance = check(
        &clients,
        "ec2.instance",
        json!({ "name": INSTANCE }),
        json!({
            "InstanceType": "t2.micro",
            "State": { "Name": "running" },
            "ImageName": { "$like": "amzn2-ami-kernel-5.10-hvm-*-x86_64-gp2" },
            "Tags": { "awslab:lab": LAB },
        }),
    )
    .await;
    assert!(instance.passed, "{instance:#?}");
    let volume = check(
        &clients,
        "ec2.volume",
        json!({ "instance": INSTANCE }),
        json!({ "Size": 16, "VolumeType": "gp2" }),
    )
    .await;
    assert_eq!(differences(&volume), ["Size: expected 16, found 8"]);
    let volume_id = volume.observed["VolumeId"].as_str().expect("a volume").to_string();
    assert_eq!(launched.response["RootVolumeId"], volume_id.as_str());

    // Launched again by this lab, the instance of that name is reused: no second one.
    let params = json!({ "name": INSTANCE, "image": "amzn2-ami-kernel-5.10-hvm-*-x86_64-gp2", "instance_type": "t2.micro" });
    let again = act(&clients, "ec2.run_instance", params.clone()).await;
    assert!(again.succeeded(), "{again:#?}");
    assert_eq!(again.response["reused"], true);
    assert_eq!(again.response["InstanceId"], launched.response["InstanceId"]);
    assert!(
        again.note.expect("a note").en.contains("aws ec2 terminate-instances --instance-ids i-")
    );
    // By another lab, it is refused, with a plain explanation.
    let ctx = ActionContext { clients: &clients, lab_id: "another-lab", step_id: "test" };
    let other = actions::run(&ctx, ActionKind::Ec2RunInstance, &object(params)).await;
    let failure = other.failure.expect("a duplicate is refused");
    assert_eq!(failure.code, "DuplicateInstanceName");
    assert!(failure.explanation.en.contains("already running"), "{failure:?}");

    // Graphs: ten simulated minutes give new datapoints. Launching already advanced the clock a
    // little, so a period may have closed before (the clock starts at real time).
    let metric = json!({
        "namespace": "AWS/EBS", "metric": "VolumeWriteBytes",
        "dimension_name": "VolumeId", "dimension_value": volume_id,
    });
    let before = check(
        &clients,
        "cloudwatch.metric",
        metric.clone(),
        json!({ "Datapoints": { "$between": [1, 1000] } }),
    )
    .await;
    let before = before.observed["Datapoints"].as_u64().unwrap_or(0);
    assert!(before <= 1, "at most the period the launch closed: {before}");
    let waited = act(&clients, "emulator.wait", json!({ "minutes": 10 })).await;
    assert!(waited.succeeded(), "{waited:#?}");
    assert!(waited.calls[0].cli.contains("/_awslab/clock/advance?seconds=600"));
    let flowing = check(
        &clients,
        "cloudwatch.metric",
        metric.clone(),
        json!({ "Datapoints": { "$between": [1, 1000] } }),
    )
    .await;
    assert!(flowing.passed, "{flowing:#?}");
    assert!(flowing.observed["Datapoints"].as_u64().unwrap_or(0) >= before + 2, "{flowing:#?}");

    // The small download, then ten minutes: one period holds its 14.6 MB.
    let small = act(
        &clients,
        "ec2.shell",
        json!({
            "instance_id": instance_id,
            "command": "wget https://raw.githubusercontent.com/e9t/nsmc/master/ratings_train.txt",
            "advance_minutes": 10,
        }),
    )
    .await;
    assert!(small.succeeded(), "{small:#?}");
    assert_eq!(small.response["ExitCode"], 0);
    assert!(small.response["Output"].as_str().unwrap_or_default().contains("ratings_train.txt"));
    let written = check(
        &clients,
        "cloudwatch.metric",
        metric.clone(),
        json!({ "Maximum": { "$between": [14_000_000, 1e15] } }),
    )
    .await;
    assert!(written.passed, "{written:#?}");

    // The topic, the subscription pending, then confirmed from the mailbox.
    let topic = act(&clients, "sns.create_topic", json!({ "name": TOPIC })).await;
    assert!(topic.succeeded(), "{topic:#?}");
    let topic_arn = topic.response["TopicArn"].as_str().expect("an ARN").to_string();
    let subscribed = act(
        &clients,
        "sns.subscribe",
        json!({ "topic_arn": topic_arn, "protocol": "email", "endpoint": EMAIL }),
    )
    .await;
    assert!(subscribed.succeeded(), "{subscribed:#?}");
    let subscription = json!({ "topic": TOPIC, "protocol": "email", "endpoint": EMAIL });
    let pending = check(
        &clients,
        "sns.subscription",
        subscription.clone(),
        json!({ "PendingConfirmation": "false" }),
    )
    .await;
    assert_eq!(differences(&pending), ["PendingConfirmation: expected false, found true"]);
    let confirmed = act(
        &clients,
        "sns.confirm_from_mailbox",
        json!({ "topic_arn": topic_arn, "endpoint": EMAIL }),
    )
    .await;
    assert!(confirmed.succeeded(), "{confirmed:#?}");
    assert_eq!(confirmed.response["Confirmed"], true);
    assert!(
        confirmed.calls[0].cli.starts_with("aws sns confirm-subscription --topic-arn arn:aws:sns:")
    );
    let now_confirmed = check(
        &clients,
        "sns.subscription",
        subscription,
        json!({ "PendingConfirmation": "false" }),
    )
    .await;
    assert!(now_confirmed.passed, "{now_confirmed:#?}");

    // The alarm, first with a threshold ten times too low: its check names the difference.
    let alarm = |threshold: f64| {
        json!({
            "alarm_name": ALARM,
            "description": "Too many writes on the EBS volume",
            "namespace": "AWS/EBS",
            "metric_name": "VolumeWriteBytes",
            "dimensions": { "VolumeId": volume_id },
            "statistic": "Average",
            "period": "300",
            "evaluation_periods": 1,
            "comparison_operator": "GreaterThanThreshold",
            "threshold": threshold,
            "alarm_actions": [topic_arn],
        })
    };
    let expected = json!({
        "Namespace": "AWS/EBS",
        "MetricName": "VolumeWriteBytes",
        "Dimensions": { "$exactly": [{ "Name": "VolumeId", "Value": volume_id }] },
        "Statistic": "Average",
        "Period": 300,
        "ComparisonOperator": "GreaterThanThreshold",
        "Threshold": 100000,
        "AlarmActions": [{ "$like": format!("arn:aws:sns:*:{TOPIC}") }],
    });
    let low = act(&clients, "cloudwatch.put_metric_alarm", alarm(10000.0)).await;
    assert!(low.succeeded(), "{low:#?}");
    assert!(low.calls[0].cli.contains("--threshold 10000 "), "{}", low.calls[0].cli);
    let wrong =
        check(&clients, "cloudwatch.alarm", json!({ "name": ALARM }), expected.clone()).await;
    assert_eq!(differences(&wrong), ["Threshold: expected 100000, found 10000"]);
    let fixed = act(&clients, "cloudwatch.put_metric_alarm", alarm(100000.0)).await;
    assert!(fixed.succeeded(), "{fixed:#?}");
    let right = check(&clients, "cloudwatch.alarm", json!({ "name": ALARM }), expected).await;
    assert!(right.passed, "{right:#?}");

    // Idle: OK. The installer: ALARM, in the history, with the e-mail.
    act(&clients, "emulator.wait", json!({ "minutes": 10 })).await;
    let ok = check(
        &clients,
        "cloudwatch.alarm",
        json!({ "name": ALARM }),
        json!({ "StateValue": "OK" }),
    )
    .await;
    assert!(ok.passed, "{ok:#?}");
    let history = json!({ "name": ALARM });
    let fired = json!({ "StateTransitions": [{ "From": "OK", "To": "ALARM" }] });
    assert!(
        !check(&clients, "cloudwatch.alarm_history", history.clone(), fired.clone()).await.passed
    );
    let large = act(
        &clients,
        "ec2.shell",
        json!({ "instance_id": instance_id, "command": format!("wget {ANACONDA}"), "advance_minutes": 5 }),
    )
    .await;
    assert_eq!(large.response["ExitCode"], 0, "{large:#?}");
    act(&clients, "emulator.wait", json!({ "minutes": 5 })).await;
    let went_off = check(&clients, "cloudwatch.alarm_history", history.clone(), fired).await;
    assert!(went_off.passed, "{went_off:#?}");
    let notified = check(
        &clients,
        "cloudwatch.alarm_history",
        history,
        json!({ "Actions": [{ "$like": format!("Successfully executed action arn:aws:sns:*:{TOPIC}") }] }),
    )
    .await;
    assert!(notified.passed, "{notified:#?}");
    let mail = check(
        &clients,
        "emulator.mail",
        json!({ "to": EMAIL, "kind": "Notification", "topic": TOPIC }),
        json!({ "Subjects": [{ "$like": format!("ALARM: \"{ALARM}\"*") }] }),
    )
    .await;
    assert!(mail.passed, "{mail:#?}");

    // A command that fails is shown as the terminal would, not as a failed call.
    let typo = act(
        &clients,
        "ec2.shell",
        json!({ "instance_id": instance_id, "command": format!("wget wget {ANACONDA}") }),
    )
    .await;
    assert!(typo.succeeded());
    assert_eq!(typo.response["ExitCode"], 4, "{typo:#?}");

    // Clean-up: the alarm, the topic and the instance go, and nothing of the lab is left.
    let mut ledger = Vec::new();
    for run in [&launched, &topic, &fixed] {
        ledger.extend(run.created.iter().cloned());
    }
    let report = cleanup::cleanup(&clients, LAB, &ledger).await;
    assert!(report.clean(), "{report:#?}");
    let kinds: Vec<&str> = report.deleted.iter().map(|d| d.kind.as_str()).collect();
    for kind in ["cloudwatch.alarm", "sns.topic", "ec2.instance"] {
        assert!(kinds.contains(&kind), "{kind} not deleted: {report:#?}");
    }
    let gone = check(&clients, "ec2.instance", json!({ "name": INSTANCE }), Value::Null).await;
    assert!(gone.missing, "{gone:#?}");
    let no_alarm = check(&clients, "cloudwatch.alarm", json!({ "name": ALARM }), Value::Null).await;
    assert!(no_alarm.missing, "{no_alarm:#?}");
}

#[tokio::test]
async fn emulator_only_actions_say_so_on_aws_without_calling_it() {
    let aws = Target::Aws { profile: None, region: "ap-northeast-2".into() };
    let clients = Clients::connect(&aws).await;
    for (action, params) in [
        ("ec2.shell", json!({ "instance_id": "i-0123456789abcdef0", "command": "ls" })),
        ("emulator.wait", json!({ "minutes": 5 })),
        (
            "sns.confirm_from_mailbox",
            json!({ "topic_arn": "arn:aws:sns:ap-northeast-2:1:T", "endpoint": EMAIL }),
        ),
    ] {
        let run = act(&clients, action, params).await;
        let failure = run.failure.unwrap_or_else(|| panic!("{action} ran on AWS"));
        assert_eq!(failure.code, "EmulatorOnly", "{action}");
        assert!(failure.explanation.en.contains("Connect"), "{failure:?}");
    }
    let mail = check(&clients, "emulator.mail", json!({ "to": EMAIL }), Value::Null).await;
    assert_eq!(mail.failure.map(|f| f.code).as_deref(), Some("EmulatorOnly"));
}

/// The emulator's clock, moved on to `before` seconds ahead of the end of a five-minute period.
async fn clock_to_the_end_of_a_period(emulator: &Emulator, before: i64) {
    let endpoint = emulator.endpoint();
    let token = (awslab_emulator::CONTROL_TOKEN_HEADER, emulator.control_token());
    let http = reqwest::Client::new();
    let clock = http
        .get(format!("{endpoint}/_awslab/clock"))
        .header(token.0, token.1)
        .send()
        .await
        .unwrap();
    let clock: Value = serde_json::from_slice(&clock.bytes().await.unwrap()).unwrap();
    let now = clock["epoch_seconds"].as_f64().expect("the clock's time") as i64;
    let into_period = now.rem_euclid(300);
    let seconds = (300 - into_period - before).rem_euclid(300);
    let moved = http
        .post(format!("{endpoint}/_awslab/clock/advance?seconds={seconds}"))
        .header(token.0, token.1)
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_across_two_periods_is_all_in_cloudwatch_when_the_step_has_waited() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.expect("the emulator");
    let clients =
        Clients::connect(&Target::emulator(emulator.endpoint(), Some(emulator.control_token())))
            .await;
    let launched = act(
        &clients,
        "ec2.run_instance",
        json!({ "name": INSTANCE, "image": "amzn2-ami-kernel-5.10-hvm-*-x86_64-gp2", "instance_type": "t2.micro" }),
    )
    .await;
    assert!(launched.succeeded(), "{launched:#?}");
    let instance_id = launched.response["InstanceId"].as_str().expect("an id");
    let volume_id = launched.response["RootVolumeId"].as_str().expect("a volume");

    // The 12-second download starts 3 s before a period ends: most of it lands in the next one,
    // which must be complete once the step's five minutes have passed.
    clock_to_the_end_of_a_period(&emulator, 3).await;
    let download = act(
        &clients,
        "ec2.shell",
        json!({ "instance_id": instance_id, "command": format!("wget {ANACONDA}"), "advance_minutes": 5 }),
    )
    .await;
    assert!(download.succeeded(), "{download:#?}");
    let written = check(
        &clients,
        "cloudwatch.metric",
        json!({
            "namespace": "AWS/EBS", "metric": "VolumeWriteBytes",
            "dimension_name": "VolumeId", "dimension_value": volume_id,
        }),
        json!({ "Maximum": { "$between": [400_000_000, 1e15] } }),
    )
    .await;
    assert!(written.passed, "{written:#?}");
    let values = written.observed["Values"].as_array().expect("the values");
    let total: f64 = values.iter().filter_map(Value::as_f64).sum();
    assert!(total >= 942_216_640.0, "the whole installer is in the graph: {values:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_alarm_the_lab_did_not_make_is_never_replaced_nor_deleted() {
    use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
    let emulator = Emulator::start(EmulatorConfig::default()).await.expect("the emulator");
    let clients =
        Clients::connect(&Target::emulator(emulator.endpoint(), Some(emulator.control_token())))
            .await;
    // The learner's own alarm, of the name the lab uses, made before the lab.
    clients
        .cloudwatch
        .put_metric_alarm()
        .alarm_name(ALARM)
        .namespace("AWS/EC2")
        .metric_name("CPUUtilization")
        .statistic(Statistic::Average)
        .period(300)
        .evaluation_periods(1)
        .threshold(5.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("the learner's alarm");
    let threshold = || async {
        let alarms = clients.cloudwatch.describe_alarms().alarm_names(ALARM).send().await;
        alarms.expect("DescribeAlarms").metric_alarms().first().and_then(|a| a.threshold())
    };

    let run = act(
        &clients,
        "cloudwatch.put_metric_alarm",
        json!({
            "alarm_name": ALARM,
            "namespace": "AWS/EBS",
            "metric_name": "VolumeWriteBytes",
            "dimensions": { "VolumeId": "vol-0123456789abcdef0" },
            "statistic": "Average",
            "period": "300",
            "evaluation_periods": 1,
            "comparison_operator": "GreaterThanThreshold",
            "threshold": 100000.0,
        }),
    )
    .await;
    let failure = run.failure.as_ref().expect("refused");
    assert_eq!(failure.code, "AlarmAlreadyExists", "{failure:#?}");
    assert!(failure.explanation.en.contains("was already in this account"), "{failure:#?}");
    assert!(failure.explanation.ko.contains("원래 있던"), "{failure:#?}");
    assert!(run.created.is_empty(), "nothing adopted into the ledger");
    assert!(run.calls.is_empty(), "PutMetricAlarm was not called: {:#?}", run.calls);
    assert_eq!(threshold().await, Some(5.0), "the learner's alarm is unchanged");

    // Even named in the ledger, clean-up leaves it alone and says why.
    let named = actions::Created { kind: "cloudwatch.alarm".into(), id: ALARM.into() };
    let report = cleanup::cleanup(&clients, LAB, &[named]).await;
    assert!(report.deleted.is_empty(), "{report:#?}");
    assert_eq!(report.kept.len(), 1, "{report:#?}");
    assert!(report.kept[0].1.contains("does not carry the tag awslab:lab"), "{report:#?}");
    assert_eq!(threshold().await, Some(5.0));
}
