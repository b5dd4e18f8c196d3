//! EC2 actions: launch an instance as the console's "Launch instance" does (an image found by
//! name among Amazon's, a type, a root volume, a `Name` tag), wait until it runs; and, on the
//! emulator only, one command line in the simulated instance's shell.

use super::{ActionContext, Params, Recorder};
use crate::call::{ApiCall, CallBuilder};
use crate::ec2::{advance_clock, control, instance_by_name};
use crate::failure::Failure;
use crate::ownership::LAB_TAG;
use aws_sdk_ec2::types::{
    BlockDeviceMapping, EbsBlockDevice, Filter, Image, InstanceStateName, InstanceType,
    ResourceType, Tag, TagSpecification, VolumeType,
};
use serde_json::{Value, json};
use std::time::Duration;

/// How long Run waits for an instance to be `running` on AWS (it usually takes 10–30 s).
const AWS_WAIT: Duration = Duration::from_secs(180);
/// How often it looks meanwhile.
const AWS_POLL: Duration = Duration::from_secs(5);

pub async fn run_instance(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let name = params.text("name")?;
    let image_pattern = params.text("image")?;
    let instance_type = params.text("instance_type")?;
    let volume_size = params.optional_number("volume_size_gb")?.map(|size| size as i32);
    let volume_type = params.optional_text("volume_type")?;
    let extra_tags = params.pairs("tags")?;
    let clients = ctx.clients;

    // One instance per name: a second one would leave the checks (and the learner) guessing.
    if let Some(existing) = instance_by_name(clients, name).await? {
        let id = existing.instance_id().unwrap_or_default();
        let lab = existing.tags().iter().find(|tag| tag.key() == Some(LAB_TAG));
        if lab.and_then(|tag| tag.value()) == Some(ctx.lab_id) {
            recorder.created("ec2.instance", id);
            let terminate =
                CallBuilder::new("ec2", "ec2", "TerminateInstances").text("instance-ids", id);
            let named = super::Created { kind: "ec2.instance".into(), id: name.to_string() };
            recorder.note(super::taken::reused_note(&named, &terminate.build(&clients.target).cli));
            return Ok(json!({
                "InstanceId": id,
                "State": existing.state().and_then(|state| state.name()).map(|name| name.as_str()),
                "reused": true,
            }));
        }
        return Err(Failure::local(
            "ec2",
            "RunInstances",
            "DuplicateInstanceName",
            format!(
                "the instance {} is already named {name}; terminate it first to launch another",
                existing.instance_id().unwrap_or_default()
            ),
        ));
    }

    let image = newest_image(clients, image_pattern, recorder).await?;
    let image_id = image.image_id().unwrap_or_default().to_string();
    let root_device = image.root_device_name().unwrap_or("/dev/xvda").to_string();

    let mut tags: Vec<(String, String)> = vec![("Name".into(), name.to_string())];
    tags.extend(ctx.tags().into_iter().map(|(key, value)| (key.to_string(), value)));
    tags.extend(extra_tags);
    let tag_list: Vec<Tag> =
        tags.iter().map(|(key, value)| Tag::builder().key(key).value(value).build()).collect();
    let tags_json: Vec<Value> =
        tags.iter().map(|(key, value)| json!({ "Key": key, "Value": value })).collect();

    let group = super::instance_connect::group(ctx, recorder).await?;
    let mut call = CallBuilder::new("ec2", "ec2", "RunInstances")
        .text("image-id", &image_id)
        .text("instance-type", instance_type)
        .number("count", 1)
        .text("security-group-ids", &group);
    let mut request = clients
        .ec2
        .run_instances()
        .image_id(&image_id)
        .instance_type(InstanceType::from(instance_type))
        .security_group_ids(&group)
        .min_count(1)
        .max_count(1);
    if volume_size.is_some() || volume_type.is_some() {
        let mut ebs = json!({ "DeleteOnTermination": true });
        let mut device = EbsBlockDevice::builder().delete_on_termination(true);
        if let Some(size) = volume_size {
            ebs["VolumeSize"] = json!(size);
            device = device.volume_size(size);
        }
        if let Some(kind) = volume_type {
            ebs["VolumeType"] = json!(kind);
            device = device.volume_type(VolumeType::from(kind));
        }
        call =
            call.json("block-device-mappings", &json!([{ "DeviceName": root_device, "Ebs": ebs }]));
        request = request.block_device_mappings(
            BlockDeviceMapping::builder().device_name(&root_device).ebs(device.build()).build(),
        );
    }
    let mut specs = Vec::new();
    for kind in [ResourceType::Instance, ResourceType::Volume] {
        specs.push(json!({ "ResourceType": kind.as_str(), "Tags": tags_json }));
        request = request.tag_specifications(
            TagSpecification::builder()
                .resource_type(kind)
                .set_tags(Some(tag_list.clone()))
                .build(),
        );
    }
    recorder.call(call.json("tag-specifications", &Value::Array(specs)));
    let answer =
        request.send().await.map_err(|error| Failure::from_sdk("ec2", "RunInstances", error))?;
    let instance_id = answer
        .instances()
        .first()
        .and_then(|instance| instance.instance_id())
        .map(str::to_string)
        .ok_or_else(|| {
            Failure::local("ec2", "RunInstances", "NoInstance", "RunInstances named no instance")
        })?;
    recorder.created("ec2.instance", &instance_id);

    recorder.call(
        CallBuilder::new("ec2", "ec2", "DescribeInstances").text("instance-ids", &instance_id),
    );
    let instance = wait_until_running(ctx, &instance_id).await?;
    Ok(json!({
        "InstanceId": instance_id,
        "ImageId": image_id,
        "ImageName": image.name(),
        "InstanceType": instance_type,
        "State": instance.state,
        "RootVolumeId": instance.root_volume,
        "PublicIpAddress": instance.public_ip,
    }))
}

/// The newest of Amazon's images whose name matches `pattern` (`*` and `?` as EC2's filters).
async fn newest_image(
    clients: &crate::Clients,
    pattern: &str,
    recorder: &mut Recorder<'_>,
) -> Result<Image, Failure> {
    recorder.call(
        CallBuilder::new("ec2", "ec2", "DescribeImages")
            .text("owners", "amazon")
            .text("filters", &format!("Name=name,Values={pattern}")),
    );
    let answer = clients
        .ec2
        .describe_images()
        .owners("amazon")
        .filters(Filter::builder().name("name").values(pattern).build())
        .send()
        .await
        .map_err(|error| Failure::from_sdk("ec2", "DescribeImages", error))?;
    let mut images = answer.images().to_vec();
    // ISO 8601 dates sort as text.
    images.sort_by(|a, b| a.creation_date().cmp(&b.creation_date()));
    images.pop().ok_or_else(|| {
        Failure::local(
            "ec2",
            "DescribeImages",
            "InvalidAMIID.NotFound",
            format!("no image of Amazon's is named like {pattern}"),
        )
    })
}

struct Running {
    state: String,
    root_volume: Option<String>,
    public_ip: Option<String>,
}

/// Waits for `running`: on the emulator by moving its clock a minute (the simulated boot takes
/// 15 s), on AWS by looking every few seconds, for at most [`AWS_WAIT`].
async fn wait_until_running(ctx: &ActionContext<'_>, id: &str) -> Result<Running, Failure> {
    let clients = ctx.clients;
    let started = std::time::Instant::now();
    loop {
        let described = clients.ec2.describe_instances().instance_ids(id).send().await;
        // A new instance may be unknown to DescribeInstances for a moment (EC2 is eventually
        // consistent): as the SDK's `instance_running` waiter does, that is "not yet".
        let instance = match described {
            Ok(answer) => answer.reservations().iter().flat_map(|r| r.instances()).next().cloned(),
            Err(error) => {
                let failure = Failure::from_sdk("ec2", "DescribeInstances", error);
                if failure.code != "InvalidInstanceID.NotFound" {
                    return Err(failure);
                }
                None
            }
        };
        let state = instance.as_ref().and_then(|i| i.state()).and_then(|s| s.name()).cloned();
        match state {
            Some(InstanceStateName::Running) => {
                let instance =
                    instance.unwrap_or_else(|| aws_sdk_ec2::types::Instance::builder().build());
                return Ok(Running {
                    state: "running".into(),
                    root_volume: crate::ec2::root_volume_id(&instance),
                    public_ip: instance.public_ip_address().map(str::to_string),
                });
            }
            Some(InstanceStateName::Pending) | None => {}
            Some(other) => {
                return Err(Failure::local(
                    "ec2",
                    "DescribeInstances",
                    "IncorrectInstanceState",
                    format!("the instance {id} is {} instead of starting", other.as_str()),
                ));
            }
        }
        if clients.emulator_endpoint().is_some() {
            advance_clock(clients, 1).await?;
        } else {
            if started.elapsed() > AWS_WAIT {
                return Err(Failure::local(
                    "ec2",
                    "DescribeInstances",
                    "StillPending",
                    format!(
                        "the instance {id} is still pending after {} s; press Check in a minute",
                        AWS_WAIT.as_secs()
                    ),
                ));
            }
            let what = awslab_lab::Localized::new(
                format!("인스턴스 {id}이(가) running이 되기를"),
                format!("the instance {id} to be running"),
            );
            clients.progress.waiting(&what, started);
            tokio::time::sleep(AWS_POLL).await;
        }
    }
}

/// One command line in the simulated instance's shell (emulator only), optionally followed by
/// some minutes of simulated time so the monitoring graphs show what it did.
pub async fn shell(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let instance_id = params.text("instance_id")?;
    let command = params.text("command")?;
    let then_minutes = params.optional_number("advance_minutes")?.unwrap_or(0.0);
    // The call a terminal makes: the command itself, as typed at the instance's prompt.
    recorder.calls.push(ApiCall {
        service: "ec2-instance".into(),
        operation: "Shell".into(),
        parameters: json!({ "InstanceId": instance_id, "Command": command }),
        cli: command.to_string(),
    });
    let path = format!("/_awslab/ec2/instances/{instance_id}/shell");
    let (status, answer) = control(
        ctx.clients,
        "Shell",
        reqwest::Method::POST,
        &path,
        Some(json!({ "command": command })),
    )
    .await?;
    if status != 200 {
        let code = answer["code"].as_str().unwrap_or("ShellFailed");
        let message = answer["message"].as_str().unwrap_or("the instance's shell refused");
        return Err(Failure::local("ec2-instance", "Shell", code, message));
    }
    let mut response = json!({
        "InstanceId": instance_id,
        "Command": command,
        "Output": answer["output"],
        "ExitCode": answer["exit_code"],
        "Prompt": answer["prompt"],
    });
    if then_minutes > 0.0 {
        // The minutes count from the command's end: a download that starts in the last seconds
        // of a five-minute period ends in the next one, which must be complete (and so in
        // CloudWatch) by the time the step's checks look.
        let busy_minutes = answer["busy_seconds"].as_f64().unwrap_or(0.0) / 60.0;
        let clock = advance_clock(ctx.clients, (then_minutes + busy_minutes).ceil() as u32).await?;
        response["ClockNow"] = clock["now"].clone();
    }
    // A command that exits non-zero is not a failed call: the terminal shows its output and
    // status as a real one would, and the step's checks say whether it did its job.
    Ok(response)
}
