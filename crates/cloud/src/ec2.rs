//! EC2 instances by their `Name` tag, as a learner names them in the console, and their root
//! volume; the emulator's control endpoints (clock, simulated shell, mailbox) that the
//! emulator-only actions and checks use.
//!
//! An instance that is terminated (or shutting down) no longer counts: AWS lists it for an
//! hour after, and a learner who terminated one and launched another means the new one.

use crate::clients::Clients;
use crate::failure::Failure;
use aws_sdk_ec2::types::{Filter, Instance, InstanceStateName};
use serde_json::Value;

/// The live instance (not terminated or shutting down) whose `Name` tag is `name`; the newest
/// when there are several.
pub async fn instance_by_name(clients: &Clients, name: &str) -> Result<Option<Instance>, Failure> {
    let answer = clients
        .ec2
        .describe_instances()
        .filters(Filter::builder().name("tag:Name").values(name).build())
        .send()
        .await
        .map_err(|error| Failure::from_sdk("ec2", "DescribeInstances", error))?;
    let mut live: Vec<Instance> = answer
        .reservations()
        .iter()
        .flat_map(|reservation| reservation.instances().iter().cloned())
        .filter(|instance| {
            !matches!(
                instance.state().and_then(|state| state.name()),
                Some(InstanceStateName::Terminated | InstanceStateName::ShuttingDown)
            )
        })
        .collect();
    live.sort_by_key(|instance| instance.launch_time().map(|time| time.secs()));
    Ok(live.pop())
}

/// The EBS volume at the instance's root device.
pub fn root_volume_id(instance: &Instance) -> Option<String> {
    let root = instance.root_device_name();
    let mappings = instance.block_device_mappings();
    mappings
        .iter()
        .find(|mapping| root.is_some() && mapping.device_name() == root)
        .or_else(|| mappings.first())
        .and_then(|mapping| mapping.ebs())
        .and_then(|ebs| ebs.volume_id())
        .map(str::to_string)
}

/// "No instance is named …", as a failure a lookup gives.
pub fn no_instance(name: &str) -> Failure {
    Failure::local(
        "ec2",
        "DescribeInstances",
        "InvalidInstanceID.NotFound",
        format!("no running or pending instance has the Name tag {name}"),
    )
}

/// Calls an emulator control endpoint (`/_awslab/…`) and answers its status and JSON; on AWS,
/// a failure saying what to do instead.
pub async fn control(
    clients: &Clients,
    operation: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Result<(u16, Value), Failure> {
    let Some(mut request) = clients.emulator_control(method, path) else {
        return Err(emulator_only(operation));
    };
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let answer = request.send().await.map_err(|error| {
        Failure::local("awslab", operation, "ConnectionFailed", error.to_string())
    })?;
    let status = answer.status().as_u16();
    let text = answer.text().await.unwrap_or_default();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Ok((status, value))
}

/// The failure of an emulator-only action or check on AWS.
pub fn emulator_only(operation: &str) -> Failure {
    Failure::local(
        "awslab",
        operation,
        "EmulatorOnly",
        format!("{operation} exists only on the offline emulator"),
    )
}

/// Moves the emulator's clock forward a minute at a time (as time passes on AWS), so every
/// five-minute metric period closes and every alarm evaluation happens at its own minute.
/// Answers the emulator's time afterwards.
pub async fn advance_clock(clients: &Clients, minutes: u32) -> Result<Value, Failure> {
    let mut clock = Value::Null;
    for _ in 0..minutes {
        let (status, answer) = control(
            clients,
            "AdvanceClock",
            reqwest::Method::POST,
            "/_awslab/clock/advance?seconds=60",
            None,
        )
        .await?;
        if status != 200 {
            return Err(Failure::local(
                "awslab",
                "AdvanceClock",
                "ClockRefused",
                answer["message"].as_str().unwrap_or("the emulator refused to advance its clock"),
            ));
        }
        clock = answer;
    }
    Ok(clock)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{EbsInstanceBlockDevice, InstanceBlockDeviceMapping};

    fn mapping(device: &str, volume: &str) -> InstanceBlockDeviceMapping {
        InstanceBlockDeviceMapping::builder()
            .device_name(device)
            .ebs(EbsInstanceBlockDevice::builder().volume_id(volume).build())
            .build()
    }

    #[test]
    fn the_root_volume_is_the_one_at_the_root_device() {
        let instance = Instance::builder()
            .root_device_name("/dev/xvda")
            .block_device_mappings(mapping("/dev/sdf", "vol-data"))
            .block_device_mappings(mapping("/dev/xvda", "vol-root"))
            .build();
        assert_eq!(root_volume_id(&instance).as_deref(), Some("vol-root"));
        let unnamed = Instance::builder().block_device_mappings(mapping("/dev/sda1", "v")).build();
        assert_eq!(root_volume_id(&unnamed).as_deref(), Some("v"));
        assert_eq!(root_volume_id(&Instance::builder().build()), None);
    }
}
