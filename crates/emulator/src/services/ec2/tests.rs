//! The service through [`Shared`], as the server and `crate::metrics` use it: requests decoded
//! from ec2Query forms, the shell, and the metrics its activity makes.

use super::*;
use crate::config::EmulatorConfig;
use crate::protocol::query;
use std::sync::LazyLock;

static SHARED: LazyLock<Shared> =
    LazyLock::new(|| Shared::new(EmulatorConfig::default()).expect("an in-memory emulator"));

fn context(now: time::OffsetDateTime) -> RequestContext {
    RequestContext::learner("us-east-1", now)
}

fn send(shared: &Shared, body: &str, now: time::OffsetDateTime) -> Result<Value, AwsError> {
    let request = query::decode(body.as_bytes(), None)?;
    crate::services::ec2_query(shared, &context(now), &request)
}

fn image_id() -> String {
    catalog::image_id("us-east-1", &catalog::IMAGES[3])
}

#[test]
fn a_download_in_the_shell_becomes_the_volumes_write_bytes() {
    let shared = Shared::new(EmulatorConfig::default()).unwrap();
    // Launched ten minutes ago on the emulator's clock, so it runs now.
    let launched = shared.clock.now() - time::Duration::minutes(10);
    let body = format!(
        "Action=RunInstances&Version=2016-11-15&ImageId={}&InstanceType=t2.micro&MinCount=1\
         &MaxCount=1&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=Name\
         &TagSpecification.1.Tag.1.Value=aws-lab-cloudwatch-instance",
        image_id()
    );
    let answer = send(&shared, &body, launched).unwrap();
    let id = answer["instancesSet"][0]["instanceId"].as_str().unwrap().to_string();
    let volume = {
        let state = lock(&shared.ec2);
        state.regions["us-east-1"].instances[&id].root_volume_id.clone()
    };
    let url = "https://repo.anaconda.com/archive/Anaconda3-2023.07-2-Windows-x86_64.exe";
    let started = millis(shared.clock.now());
    let shell = run_shell(&shared, &id, &format!("wget {url}")).unwrap();
    assert_eq!(shell.exit_code, 0, "{}", shell.output);
    assert_eq!(shell.prompt, "[ec2-user@ip-172-31-37-173 ~]$ ");

    let later = shared.clock.now() + time::Duration::minutes(30);
    let data = crate::metrics::collect(&shared, later);
    assert!(crate::metrics::collect(&shared, later).is_empty(), "each period once");
    let writes: Vec<&ServiceDatum> = (data.iter())
        .filter(|d| d.metric_name == "VolumeWriteBytes" && d.dimensions[0].1 == volume)
        .collect();
    let total: f64 = writes.iter().map(|d| d.sum).sum();
    assert!((942_216_640.0..942_216_640.0 + 1_000_000.0).contains(&total), "{total}");
    // The download lands in the period it started in, and spills into the next one when it
    // started in the last seconds of a period (the clock is real time here).
    let period = started - started.rem_euclid(metrics::PERIOD_MS);
    let in_period = |start: i64| {
        writes.iter().find(|d| d.timestamp == model::datetime(start)).map_or(0.0, |d| d.sum)
    };
    let downloaded = in_period(period) + in_period(period + metrics::PERIOD_MS);
    assert!(downloaded > 942_216_640.0, "{downloaded} in the periods from {period}: {writes:?}");
    assert!(in_period(period).max(in_period(period + metrics::PERIOD_MS)) > 100_000.0);
    let quiet = in_period(period - metrics::PERIOD_MS);
    assert!((1.0..100_000.0).contains(&quiet), "the idle period before: {quiet}");
    assert!(data.iter().any(|d| d.namespace == "AWS/EC2" && d.metric_name == "NetworkIn"));
}

#[test]
fn stopping_an_instance_that_never_ran_is_refused() {
    let shared = Shared::new(EmulatorConfig::default()).unwrap();
    let now = time::macros::datetime!(2024-05-01 12:00:00 UTC);
    let body = format!("Action=RunInstances&ImageId={}&MinCount=2&MaxCount=2", image_id());
    let answer = send(&shared, &body, now).unwrap();
    let first = answer["instancesSet"][0]["instanceId"].as_str().unwrap().to_string();
    let second = answer["instancesSet"][1]["instanceId"].as_str().unwrap().to_string();
    assert_eq!(answer["instancesSet"][1]["privateIpAddress"], "172.31.38.180");
    let stop = format!("Action=StopInstances&InstanceId.1={first}");
    let error = send(&shared, &stop, now + time::Duration::seconds(5)).unwrap_err();
    assert_eq!(error.code, "IncorrectInstanceState");
    let stopped = send(&shared, &stop, now + time::Duration::seconds(20)).unwrap();
    assert_eq!(stopped["instancesSet"][0]["currentState"]["name"], "stopping");
    let start = format!("Action=StartInstances&InstanceId.1={first}");
    let error = send(&shared, &start, now + time::Duration::seconds(30)).unwrap_err();
    assert_eq!(
        error.message,
        format!("The instance '{first}' is not in a state from which it can be started.")
    );
    let started = send(&shared, &start, now + time::Duration::seconds(60)).unwrap();
    assert_eq!(started["instancesSet"][0]["previousState"]["code"], 80);
    // Both missing ids are named, in the order given.
    let describe = "Action=DescribeInstances&InstanceId.1=i-0aaaaaaaaaaaaaaaa&InstanceId.2=i-0bbbbbbbbbbbbbbbb";
    let error = send(&shared, describe, now).unwrap_err();
    assert_eq!(
        error.message,
        "The instance IDs 'i-0aaaaaaaaaaaaaaaa, i-0bbbbbbbbbbbbbbbb' do not exist"
    );
    let filter = "Action=DescribeInstances&Filter.1.Name=instance-state-name&Filter.1.Value.1=pending\
                  &Filter.1.Value.2=running";
    let found = send(&shared, filter, now + time::Duration::seconds(20)).unwrap();
    let ids: Vec<&str> = found["reservationSet"][0]["instancesSet"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["instanceId"].as_str())
        .collect();
    assert_eq!(ids, [second.as_str()]);
    let unknown =
        send(&shared, "Action=DescribeInstances&Filter.1.Name=colour&Filter.1.Value.1=x", now);
    assert_eq!(unknown.unwrap_err().message, "The filter 'colour' is invalid");
    let missing = send(&shared, "Action=RunInstances&MinCount=1&MaxCount=1", now).unwrap_err();
    assert_eq!(
        (missing.code.as_str(), missing.message.as_str()),
        ("MissingParameter", "The request must contain the parameter ImageId")
    );
    let retry =
        format!("Action=RunInstances&ImageId={}&MinCount=1&MaxCount=1&ClientToken=t-1", image_id());
    let once = send(&shared, &retry, now).unwrap();
    let again = send(&shared, &retry, now + time::Duration::seconds(1)).unwrap();
    assert_eq!(once["reservationId"], again["reservationId"]);
    assert_eq!(once["instancesSet"][0]["instanceId"], again["instancesSet"][0]["instanceId"]);
    let dry = send(&shared, "Action=DescribeInstances&DryRun=true", now).unwrap_err();
    assert_eq!((dry.code.as_str(), dry.status), ("DryRunOperation", 412));
    let nonsense = send(&shared, "Action=LaunchRocket", now).unwrap_err();
    assert_eq!(nonsense.message, "The action LaunchRocket is not valid for this web service.");
}

const ACTIONS: [&str; 12] = [
    "RunInstances",
    "DescribeInstances",
    "DescribeInstanceStatus",
    "StartInstances",
    "StopInstances",
    "TerminateInstances",
    "DescribeVolumes",
    "DescribeImages",
    "CreateTags",
    "DeleteTags",
    "DescribeTags",
    "CreateVpc",
];

proptest::proptest! {
    /// Garbage in any parameter of any operation is an AWS error, never a panic.
    #[test]
    fn ec2_forms_never_panic(
        action in 0..ACTIONS.len(),
        params in proptest::collection::vec(
            (
                "(ImageId|InstanceType|MinCount|MaxCount|InstanceId(\\.[0-9])?|VolumeId\\.1|Owner\\.1|ResourceId\\.1|Tag\\.1\\.(Key|Value)|Filter\\.[12]\\.(Name|Value\\.[12])|BlockDeviceMapping\\.1\\.(DeviceName|Ebs\\.(VolumeSize|VolumeType|DeleteOnTermination|Iops))|TagSpecification\\.1\\.(ResourceType|Tag\\.1\\.Key)|IncludeAllInstances|DryRun)",
                "[-a-zA-Z0-9.*?:/_%]{0,24}",
            ),
            0..8,
        ),
    ) {
        let mut body = format!("Action={}&Version=2016-11-15", ACTIONS[action]);
        for (key, value) in params {
            body.push_str(&format!("&{key}={value}"));
        }
        if let Ok(request) = query::decode(body.as_bytes(), None) {
            let now = time::OffsetDateTime::now_utc();
            let _ = crate::services::ec2_query(&SHARED, &context(now), &request);
        }
    }
}
