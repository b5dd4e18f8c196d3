//! EC2 through aws-sdk-ec2: the CloudWatch lab's instance from launch to termination, its root
//! volume, Amazon's images, the errors AWS gives, and the simulated shell over HTTP.
//!
//! The emulator runs its clock 600 times faster than real time, so an instance is `running`
//! within a fraction of a second; tests wait for states, never for a length of time.

mod common;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    BlockDeviceMapping, EbsBlockDevice, Filter, InstanceStateName, InstanceType, ResourceType, Tag,
    TagSpecification, VolumeType,
};
use awslab_emulator::{Emulator, EmulatorConfig};
use common::failure;
use serde_json::{Value, json};

const REGION: &str = "ap-northeast-2";
const INSTANCE_NAME: &str = "aws-lab-cloudwatch-instance";
const AL2_NAME: &str = "amzn2-ami-kernel-5.10-hvm-*-x86_64-gp2";
const ANACONDA: &str = "https://repo.anaconda.com/archive/Anaconda3-2023.07-2-Windows-x86_64.exe";
const RATINGS: &str = "https://raw.githubusercontent.com/e9t/nsmc/master/ratings_train.txt";

async fn start() -> (Emulator, Client) {
    let config = EmulatorConfig { clock_speed: 600.0, ..EmulatorConfig::default() };
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let sdk = common::sdk_config(&emulator, REGION).await;
    let client = Client::new(&sdk);
    (emulator, client)
}

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build()
}

/// The Amazon Linux 2 image the handout picks, found by name as the console's list shows it.
async fn amazon_linux_2(ec2: &Client) -> String {
    let images = ec2
        .describe_images()
        .owners("amazon")
        .filters(filter("name", AL2_NAME))
        .send()
        .await
        .expect("DescribeImages");
    let images = images.images();
    assert_eq!(images.len(), 1, "{images:?}");
    assert_eq!(images[0].name(), Some("amzn2-ami-kernel-5.10-hvm-2.0.20241113.1-x86_64-gp2"));
    images[0].image_id().expect("an image id").to_string()
}

/// The handout's instance: Amazon Linux 2, t2.micro, 8 GB gp2 root volume, no key pair.
async fn launch_lab_instance(ec2: &Client) -> aws_sdk_ec2::types::Instance {
    let image_id = amazon_linux_2(ec2).await;
    let answer = ec2
        .run_instances()
        .image_id(&image_id)
        .instance_type(InstanceType::T2Micro)
        .min_count(1)
        .max_count(1)
        .block_device_mappings(
            BlockDeviceMapping::builder()
                .device_name("/dev/xvda")
                .ebs(
                    EbsBlockDevice::builder()
                        .volume_size(8)
                        .volume_type(VolumeType::Gp2)
                        .delete_on_termination(true)
                        .build(),
                )
                .build(),
        )
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .tags(tag("Name", INSTANCE_NAME))
                .tags(tag("awslab:lab", "cloudwatch-alarm"))
                .build(),
        )
        .send()
        .await
        .expect("RunInstances");
    let instance = answer.instances()[0].clone();
    assert_eq!(instance.image_id(), Some(image_id.as_str()));
    instance
}

async fn state_of(ec2: &Client, id: &str) -> InstanceStateName {
    let answer = ec2.describe_instances().instance_ids(id).send().await.expect("DescribeInstances");
    let instance = &answer.reservations()[0].instances()[0];
    instance.state().and_then(|s| s.name()).cloned().expect("a state")
}

/// Waits (in simulated time, at 600×) until the instance reaches `wanted`.
async fn wait_for(ec2: &Client, id: &str, wanted: InstanceStateName) {
    for _ in 0..400 {
        if state_of(ec2, id).await == wanted {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{id} never became {wanted:?}");
}

async fn shell(emulator: &Emulator, id: &str, command: &str) -> (u16, Value) {
    let body = json!({ "command": command }).to_string();
    let path = format!("/_awslab/ec2/instances/{id}/shell");
    let answer = common::send(
        emulator.port(),
        "POST",
        &path,
        &[("content-type", "application/json"), common::token(emulator)],
        body.as_bytes(),
    )
    .await;
    (answer.status, serde_json::from_str(&answer.body).expect("a JSON answer"))
}

#[tokio::test]
async fn the_lab_instance_launches_pending_then_runs_with_its_root_volume() {
    let (_emulator, ec2) = start().await;
    let launched = launch_lab_instance(&ec2).await;
    let id = launched.instance_id().expect("an instance id").to_string();
    assert!(id.starts_with("i-0") && id.len() == 19, "{id}");
    let state = launched.state().expect("a state");
    assert_eq!((state.name(), state.code()), (Some(&InstanceStateName::Pending), Some(0)));
    assert_eq!(launched.instance_type(), Some(&InstanceType::T2Micro));
    assert_eq!(launched.private_ip_address(), Some("172.31.37.173"));
    assert_eq!(
        launched.private_dns_name(),
        Some("ip-172-31-37-173.ap-northeast-2.compute.internal")
    );
    assert_eq!(launched.placement().and_then(|p| p.availability_zone()), Some("ap-northeast-2a"));
    assert!(launched.vpc_id().is_some_and(|v| v.starts_with("vpc-")));
    assert!(launched.subnet_id().is_some_and(|s| s.starts_with("subnet-")));
    assert!(launched.tags().iter().any(|t| t.value() == Some(INSTANCE_NAME)));

    wait_for(&ec2, &id, InstanceStateName::Running).await;
    let by_name = ec2
        .describe_instances()
        .filters(filter("tag:Name", INSTANCE_NAME))
        .filters(filter("instance-state-name", "running"))
        .send()
        .await
        .expect("DescribeInstances by name");
    let found = &by_name.reservations()[0].instances()[0];
    assert_eq!(found.instance_id(), Some(id.as_str()));
    assert!(found.public_ip_address().is_some());
    let volume_id = found.block_device_mappings()[0]
        .ebs()
        .and_then(|ebs| ebs.volume_id())
        .expect("a root volume")
        .to_string();
    let none = ec2
        .describe_instances()
        .filters(filter("tag-key", "Owner"))
        .send()
        .await
        .expect("DescribeInstances by tag key");
    assert!(none.reservations().is_empty());

    let volumes = ec2
        .describe_volumes()
        .filters(filter("attachment.instance-id", &id))
        .send()
        .await
        .expect("DescribeVolumes");
    let volume = &volumes.volumes()[0];
    assert_eq!(volume.volume_id(), Some(volume_id.as_str()));
    assert_eq!(volume.size(), Some(8));
    assert_eq!(volume.volume_type(), Some(&VolumeType::Gp2));
    assert_eq!(volume.iops(), Some(100));
    assert_eq!(volume.state().map(|s| s.as_str()), Some("in-use"));
    let attachment = &volume.attachments()[0];
    assert_eq!(attachment.instance_id(), Some(id.as_str()));
    assert_eq!(attachment.device(), Some("/dev/xvda"));
    assert_eq!(attachment.delete_on_termination(), Some(true));

    let status = ec2
        .describe_instance_status()
        .instance_ids(&id)
        .send()
        .await
        .expect("DescribeInstanceStatus");
    let status = &status.instance_statuses()[0];
    let checks = status.system_status().and_then(|s| s.status()).expect("a status").as_str();
    assert!(["initializing", "ok"].contains(&checks), "{checks}");
}

#[tokio::test]
async fn stop_start_and_terminate_report_their_state_codes() {
    let (_emulator, ec2) = start().await;
    let id = launch_lab_instance(&ec2).await.instance_id().unwrap().to_string();

    wait_for(&ec2, &id, InstanceStateName::Running).await;
    let stopped = ec2.stop_instances().instance_ids(&id).send().await.expect("StopInstances");
    let change = &stopped.stopping_instances()[0];
    assert_eq!(change.previous_state().and_then(|s| s.code()), Some(16));
    assert_eq!(change.current_state().and_then(|s| s.code()), Some(64));
    wait_for(&ec2, &id, InstanceStateName::Stopped).await;

    let started = ec2.start_instances().instance_ids(&id).send().await.expect("StartInstances");
    let change = &started.starting_instances()[0];
    assert_eq!(change.previous_state().and_then(|s| s.code()), Some(80));
    assert_eq!(change.current_state().and_then(|s| s.code()), Some(0));
    wait_for(&ec2, &id, InstanceStateName::Running).await;

    let ended = ec2.terminate_instances().instance_ids(&id).send().await.expect("Terminate");
    let change = &ended.terminating_instances()[0];
    assert_eq!(change.previous_state().and_then(|s| s.code()), Some(16));
    assert_eq!(change.current_state().and_then(|s| s.code()), Some(32));
    wait_for(&ec2, &id, InstanceStateName::Terminated).await;
    assert_eq!(
        ec2.describe_instances().instance_ids(&id).send().await.unwrap().reservations()[0]
            .instances()[0]
            .state()
            .and_then(|s| s.code()),
        Some(48)
    );
    // The root volume went with it (DeleteOnTermination).
    let volumes = ec2
        .describe_volumes()
        .filters(filter("attachment.instance-id", &id))
        .send()
        .await
        .expect("DescribeVolumes");
    assert!(volumes.volumes().is_empty());
}

#[tokio::test]
async fn unknown_and_malformed_ids_and_bad_types_get_aws_errors() {
    let (_emulator, ec2) = start().await;
    let missing =
        ec2.describe_instances().instance_ids("i-0123456789abcdef0").send().await.unwrap_err();
    assert_eq!(
        failure(missing),
        (
            "InvalidInstanceID.NotFound".into(),
            "The instance ID 'i-0123456789abcdef0' does not exist".into(),
            400
        )
    );
    let malformed = ec2.terminate_instances().instance_ids("my-instance").send().await.unwrap_err();
    assert_eq!(
        failure(malformed),
        ("InvalidInstanceID.Malformed".into(), "Invalid id: \"my-instance\"".into(), 400)
    );
    let image_id = amazon_linux_2(&ec2).await;
    let bad_type = ec2
        .run_instances()
        .image_id(&image_id)
        .instance_type(InstanceType::from("t2.micr"))
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(bad_type),
        ("InvalidParameterValue".into(), "Invalid value 't2.micr' for InstanceType.".into(), 400)
    );
    let no_image = ec2
        .run_instances()
        .image_id("ami-0123456789abcdef0")
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(no_image).1, "The image id '[ami-0123456789abcdef0]' does not exist");
    let bad_image = ec2.run_instances().image_id("ubuntu").min_count(1).max_count(1).send().await;
    assert_eq!(failure(bad_image.unwrap_err()).0, "InvalidAMIID.Malformed");
    let arm_image = ec2
        .describe_images()
        .owners("amazon")
        .filters(filter("name", "al2023-ami-2023.*"))
        .filters(filter("architecture", "arm64"))
        .send()
        .await
        .expect("DescribeImages");
    assert_eq!(arm_image.images().len(), 1);
    let mismatch = ec2
        .run_instances()
        .image_id(arm_image.images()[0].image_id().unwrap())
        .instance_type(InstanceType::T2Micro)
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .unwrap_err();
    assert!(
        failure(mismatch).1.starts_with("The architecture 'x86_64' of the specified instance type")
    );
    let none_of_mine = ec2.describe_images().owners("self").send().await.expect("DescribeImages");
    assert!(none_of_mine.images().is_empty());
}

#[tokio::test]
async fn tags_can_be_added_listed_and_removed() {
    let (_emulator, ec2) = start().await;
    let id = launch_lab_instance(&ec2).await.instance_id().unwrap().to_string();
    ec2.create_tags()
        .resources(&id)
        .tags(tag("Owner", "student"))
        .send()
        .await
        .expect("CreateTags");
    let tags =
        ec2.describe_tags().filters(filter("resource-id", &id)).send().await.expect("DescribeTags");
    let keys: Vec<_> = tags.tags().iter().filter_map(|t| t.key()).collect();
    assert_eq!(keys, ["Name", "awslab:lab", "Owner"]);
    ec2.delete_tags()
        .resources(&id)
        .tags(Tag::builder().key("Owner").build())
        .send()
        .await
        .expect("DeleteTags");
    let tagged = ec2
        .describe_instances()
        .filters(filter("tag-key", "Owner"))
        .send()
        .await
        .expect("DescribeInstances");
    assert!(tagged.reservations().is_empty());
}

#[tokio::test]
async fn the_shell_downloads_the_handouts_files() {
    let (emulator, ec2) = start().await;
    let id = launch_lab_instance(&ec2).await.instance_id().unwrap().to_string();
    let (status, early) = shell(&emulator, &id, "ls").await;
    if status == 409 {
        assert_eq!(early["code"], "InstanceNotRunning");
    }
    wait_for(&ec2, &id, InstanceStateName::Running).await;

    let (status, small) = shell(&emulator, &id, &format!("wget {RATINGS}")).await;
    assert_eq!(status, 200);
    assert_eq!(small["exit_code"], 0);
    assert_eq!(small["prompt"], "[ec2-user@ip-172-31-37-173 ~]$ ");
    let output = small["output"].as_str().unwrap();
    assert!(output.contains("Length: 14628807 (14M) [text/plain]"), "{output}");
    assert!(output.contains("‘ratings_train.txt’ saved [14628807/14628807]"), "{output}");

    let (_, typo) = shell(&emulator, &id, &format!("wget wget {ANACONDA}")).await;
    let output = typo["output"].as_str().unwrap();
    assert!(output.contains("Resolving wget (wget)... failed: Name or service not known.\n"));
    assert!(output.contains("Length: 942216640 (899M) [application/octet-stream]"), "{output}");
    assert!(output.contains("saved [942216640/942216640]"), "{output}");
    assert!(output.contains("Downloaded: 1 files, 899M in 12s (74.3 MB/s)"), "{output}");
    assert_eq!(typo["exit_code"], 4);
    // The output is final at once; on the emulator's clock the download runs 12 s from now.
    let busy = typo["busy_seconds"].as_f64().unwrap();
    assert!((11.0..13.5).contains(&busy), "{busy}");

    let (_, listing) = shell(&emulator, &id, "ls").await;
    assert_eq!(listing["output"], "Anaconda3-2023.07-2-Windows-x86_64.exe  ratings_train.txt\n");
    let (_, long) = shell(&emulator, &id, "ls -l").await;
    let long = long["output"].as_str().unwrap();
    assert!(long.contains(" 942216640 ") && long.contains(" 14628807 "), "{long}");
    let (_, df) = shell(&emulator, &id, "df -h").await;
    let df = df["output"].as_str().unwrap();
    assert!(df.contains("/dev/xvda1      8.0G  2.5G  5.6G  31% /\n"), "{df}");

    let (_, missing) =
        shell(&emulator, &id, "wget https://repo.anaconda.com/archive/nope.exe").await;
    assert_eq!(missing["exit_code"], 8);
    assert!(missing["output"].as_str().unwrap().contains("404 Not Found"));
    let (_, unknown) = shell(&emulator, &id, "top").await;
    assert_eq!(unknown["output"], "-bash: top: command not found\n");
    assert_eq!(unknown["exit_code"], 127);
    assert_eq!(unknown["prompt"], "[ec2-user@ip-172-31-37-173 ~]$ ");

    let (status, nobody) = shell(&emulator, "i-0123456789abcdef0", "ls").await;
    assert_eq!((status, nobody["code"].as_str()), (404, Some("InstanceNotFound")));
    ec2.stop_instances().instance_ids(&id).send().await.expect("StopInstances");
    let (status, stopped) = shell(&emulator, &id, "ls").await;
    assert_eq!((status, stopped["code"].as_str()), (409, Some("InstanceNotRunning")));
    let bad = common::send(
        emulator.port(),
        "POST",
        &format!("/_awslab/ec2/instances/{id}/shell"),
        &[common::token(&emulator)],
        b"ls",
    )
    .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn reset_of_the_lab_removes_its_instances() {
    let (emulator, ec2) = start().await;
    let id = launch_lab_instance(&ec2).await.instance_id().unwrap().to_string();
    let answer = common::send(
        emulator.port(),
        "POST",
        "/_awslab/reset?lab=cloudwatch-alarm",
        &[common::token(&emulator)],
        b"",
    )
    .await;
    assert_eq!(answer.status, 200);
    assert!(answer.body.contains(&id), "{}", answer.body);
    let gone = ec2.describe_instances().instance_ids(&id).send().await.unwrap_err();
    assert_eq!(failure(gone).0, "InvalidInstanceID.NotFound");
    assert!(ec2.describe_volumes().send().await.unwrap().volumes().is_empty());
}

#[tokio::test]
async fn instances_and_their_files_survive_a_restart_and_come_back_from_a_snapshot() {
    let folder = tempfile::tempdir().expect("a data folder");
    let config = EmulatorConfig {
        clock_speed: 600.0,
        data_dir: Some(folder.path().to_path_buf()),
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config.clone()).await.expect("the emulator starts");
    let ec2 = Client::new(&common::sdk_config(&emulator, REGION).await);
    let id = launch_lab_instance(&ec2).await.instance_id().unwrap().to_string();
    wait_for(&ec2, &id, InstanceStateName::Running).await;
    let (_, saved) = shell(&emulator, &id, &format!("wget {RATINGS}")).await;
    assert_eq!(saved["exit_code"], 0);
    let snapshot = common::send(
        emulator.port(),
        "POST",
        "/_awslab/snapshots/downloaded",
        &[common::token(&emulator)],
        b"",
    )
    .await;
    assert_eq!(snapshot.status, 201);
    ec2.terminate_instances().instance_ids(&id).send().await.expect("TerminateInstances");
    emulator.shutdown().await;

    let emulator = Emulator::start(config).await.expect("the emulator starts again");
    let ec2 = Client::new(&common::sdk_config(&emulator, REGION).await);
    wait_for(&ec2, &id, InstanceStateName::Terminated).await;
    let restore = common::send(
        emulator.port(),
        "POST",
        "/_awslab/snapshots/downloaded/restore",
        &[common::token(&emulator)],
        b"",
    )
    .await;
    assert_eq!(restore.status, 200, "{}", restore.body);
    wait_for(&ec2, &id, InstanceStateName::Running).await;
    let (_, listing) = shell(&emulator, &id, "ls").await;
    assert_eq!(listing["output"], "ratings_train.txt\n");
}

#[tokio::test]
async fn a_role_session_may_only_do_what_its_policy_allows() {
    let (emulator, ec2) = start().await;
    let id = launch_lab_instance(&ec2).await.instance_id().unwrap().to_string();
    let config = common::sdk_config(&emulator, REGION).await;
    let iam = aws_sdk_iam::Client::new(&config);
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{}:root"}},"Action":"sts:AssumeRole"}}]}}"#,
        awslab_emulator::ACCOUNT_ID
    );
    let role = iam
        .create_role()
        .role_name("ec2-watcher")
        .assume_role_policy_document(trust)
        .send()
        .await
        .expect("CreateRole");
    iam.put_role_policy()
        .role_name("ec2-watcher")
        .policy_name("describe-only")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#)
        .send()
        .await
        .expect("PutRolePolicy");
    let assumed = aws_sdk_sts::Client::new(&config)
        .assume_role()
        .role_arn(role.role().unwrap().arn())
        .role_session_name("watcher")
        .send()
        .await
        .expect("AssumeRole");
    let keys = assumed.credentials().expect("credentials");
    let session = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(emulator.endpoint())
        .region(aws_config::Region::new(REGION))
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            keys.access_key_id(),
            keys.secret_access_key(),
            Some(keys.session_token().to_string()),
            None,
            "assumed",
        ))
        .load()
        .await;
    let watcher = Client::new(&session);
    watcher.describe_instances().instance_ids(&id).send().await.expect("DescribeInstances");
    let refused = watcher.terminate_instances().instance_ids(&id).send().await.unwrap_err();
    let (code, message, status) = failure(refused);
    assert_eq!((code.as_str(), status), ("UnauthorizedOperation", 403));
    assert!(
        message.starts_with("You are not authorized to perform this operation. User: "),
        "{message}"
    );
    assert!(message.contains("ec2:TerminateInstances"), "{message}");
    assert!(message.contains(&format!("instance/{id}")), "{message}");
}
