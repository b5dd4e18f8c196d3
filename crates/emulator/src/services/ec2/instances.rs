//! `DescribeInstances`, `StartInstances`, `StopInstances` and `TerminateInstances`, and how an
//! instance reads in EC2's XML.
//!
//! State changes only add a lifecycle event; the state any later call sees is derived from the
//! events and the clock (see `model`).

use super::errors::{Ec2Error, well_formed};
use super::filters::{self, Filter};
use super::model::{
    Action, Event, Instance, InstanceState, Millis, RegionState, datetime, tags_json, timestamp,
};
use crate::services::iam::list;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInstancesInput {
    #[serde(default, rename = "InstanceId", deserialize_with = "list")]
    instance_ids: Vec<String>,
    #[serde(default, rename = "Filter", deserialize_with = "list")]
    filters: Vec<Filter>,
}

const INSTANCE_FILTERS: &[&str] = &[
    "instance-id",
    "instance-state-name",
    "instance-state-code",
    "instance-type",
    "image-id",
    "tag-key",
    "tag-value",
    "availability-zone",
    "vpc-id",
    "subnet-id",
    "private-ip-address",
    "ip-address",
    "key-name",
    "architecture",
    "reservation-id",
    "instance.group-id",
    "instance.group-name",
];

/// The instances named by id (all malformed ids are refused first, then missing ones), or
/// every visible instance when no id is given. An instance is visible once it is describable
/// (AWS's eventual consistency after `RunInstances`) and until an hour after its termination. A
/// clock behind the launch (a sped-up emulator restarted: it begins at real time again) finds
/// the instance known, as it was before the restart.
pub fn find<'a>(
    state: &'a RegionState,
    ids: &[String],
    now: Millis,
) -> Result<Vec<&'a Instance>, Ec2Error> {
    if let Some(bad) = ids.iter().find(|id| !well_formed(id, "i")) {
        return Err(Ec2Error::InstanceMalformed(bad.clone()));
    }
    let visible = |instance: &&Instance| {
        (instance.describable_at <= now || now < instance.launched_at())
            && instance
                .terminated_at()
                .is_none_or(|at| now < at + super::model::TERMINATED_VISIBLE_MS)
    };
    if ids.is_empty() {
        return Ok(state.instances.values().filter(visible).collect());
    }
    let missing: Vec<String> = (ids.iter())
        .filter(|id| state.instances.get(*id).filter(visible).is_none())
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(Ec2Error::InstanceNotFound(missing));
    }
    let mut found: Vec<&Instance> = Vec::new();
    for id in ids {
        if let Some(instance) = state.instances.get(id)
            && !found.iter().any(|f| f.id == *id)
        {
            found.push(instance);
        }
    }
    Ok(found)
}

pub fn describe_instances(
    state: &RegionState,
    region: &str,
    input: DescribeInstancesInput,
    now: Millis,
) -> Result<Value, Ec2Error> {
    filters::check(&input.filters, INSTANCE_FILTERS)?;
    let mut instances = find(state, &input.instance_ids, now)?;
    instances.retain(|instance| {
        filters::matches_all(&input.filters, |name| filter_values(state, instance, name, now))
    });
    instances.sort_by_key(|instance| (instance.launched_at(), instance.launch_index));
    // One reservation per launch, in launch order.
    let mut reservations: Vec<(String, Vec<&Instance>)> = Vec::new();
    for instance in instances {
        match reservations.iter_mut().find(|(id, _)| *id == instance.reservation_id) {
            Some((_, members)) => members.push(instance),
            None => reservations.push((instance.reservation_id.clone(), vec![instance])),
        }
    }
    let reservations: Vec<Value> = (reservations.iter())
        .map(|(id, members)| reservation_json(state, id, members, region, now))
        .collect();
    Ok(json!({ "reservationSet": reservations }))
}

fn filter_values(
    region_state: &RegionState,
    instance: &Instance,
    name: &str,
    now: Millis,
) -> Vec<String> {
    let state = instance.state_at(now);
    let one = |value: &str| vec![value.to_string()];
    if let Some(key) = name.strip_prefix("tag:") {
        return instance.tag(key).map(|value| vec![value.to_string()]).unwrap_or_default();
    }
    match name {
        "instance-id" => one(&instance.id),
        "instance-state-name" => one(state.name()),
        "instance-state-code" => one(&state.code().to_string()),
        "instance-type" => one(&instance.instance_type),
        "image-id" => one(&instance.image_id),
        "tag-key" => instance.tags.iter().map(|tag| tag.key.clone()).collect(),
        "tag-value" => instance.tags.iter().map(|tag| tag.value.clone()).collect(),
        "availability-zone" => one(&instance.availability_zone),
        "vpc-id" => one(&instance.vpc_id),
        "subnet-id" => one(&instance.subnet_id),
        "private-ip-address" => one(&instance.private_ip),
        "ip-address" if state == InstanceState::Running => one(&instance.public_ip()),
        "key-name" => instance.key_name.iter().cloned().collect(),
        "architecture" => one(&instance.architecture),
        "reservation-id" => one(&instance.reservation_id),
        "instance.group-id" => instance.security_group_ids.clone(),
        "instance.group-name" => {
            groups(region_state, instance).into_iter().map(|(_, name)| name).collect()
        }
        _ => Vec::new(),
    }
}

/// A reservation as `RunInstances` answers it and `DescribeInstances` lists it.
pub fn reservation_json(
    state: &RegionState,
    reservation_id: &str,
    instances: &[&Instance],
    region: &str,
    now: Millis,
) -> Value {
    json!({
        "reservationId": reservation_id,
        "ownerId": crate::ACCOUNT_ID,
        "groupSet": [],
        "instancesSet": instances
            .iter()
            .map(|instance| instance_json(state, instance, region, now))
            .collect::<Vec<_>>(),
    })
}

/// The instance's groups as (id, name); a group deleted since (which AWS would not allow) keeps
/// its id with an empty name.
fn groups(state: &RegionState, instance: &Instance) -> Vec<(String, String)> {
    (instance.security_group_ids.iter())
        .map(|id| {
            let name = state.security_groups.get(id).map(|group| group.name.clone());
            (id.clone(), name.unwrap_or_default())
        })
        .collect()
}

/// `ip-172-31-37-173.ec2.internal` in us-east-1, `….REGION.compute.internal` elsewhere.
pub fn private_dns_name(instance: &Instance, region: &str) -> String {
    match region {
        "us-east-1" => format!("{}.ec2.internal", instance.host_name()),
        other => format!("{}.{other}.compute.internal", instance.host_name()),
    }
}

fn public_dns_name(instance: &Instance, region: &str) -> String {
    let address = instance.public_ip().replace('.', "-");
    match region {
        "us-east-1" => format!("ec2-{address}.compute-1.amazonaws.com"),
        other => format!("ec2-{address}.{other}.compute.amazonaws.com"),
    }
}

/// `2024-05-01 12:00:00 GMT`, as `StateTransitionReason` prints the time of a change.
fn reason_time(at: Millis) -> String {
    let at = datetime(at);
    crate::clock::write(at, crate::clock::formats::SPACED_GMT)
}

pub fn instance_json(state: &RegionState, instance: &Instance, region: &str, now: Millis) -> Value {
    let current = instance.state_at(now);
    // The public address is assigned once the instance runs, as `RunInstances` answers show.
    let has_address = current == InstanceState::Running;
    let gone = current == InstanceState::Terminated;
    let last = instance.last_event().copied();
    let user_initiated =
        last.filter(|event| matches!(event.action, Action::Stop | Action::Terminate));
    let reason = user_initiated
        .map(|event| format!("User initiated ({})", reason_time(event.at)))
        .unwrap_or_default();
    let state_reason = match current {
        InstanceState::Pending => json!({ "code": "pending", "message": "pending" }),
        InstanceState::Stopped
        | InstanceState::Stopping
        | InstanceState::ShuttingDown
        | InstanceState::Terminated => json!({
            "code": "Client.UserInitiatedShutdown",
            "message": "Client.UserInitiatedShutdown: User initiated shutdown",
        }),
        InstanceState::Running => Value::Null,
    };
    let volume = state.volumes.get(&instance.root_volume_id);
    let block_devices: Vec<Value> = match volume.and_then(|v| v.attachment.as_ref()) {
        Some(attachment) if !gone => vec![json!({
            "deviceName": attachment.device,
            "ebs": {
                "volumeId": instance.root_volume_id,
                "status": "attached",
                "attachTime": timestamp(attachment.attached_at),
                "deleteOnTermination": attachment.delete_on_termination,
            },
        })],
        _ => Vec::new(),
    };
    let vcpus = super::catalog::instance_type(&instance.instance_type).map_or(1, |t| t.vcpus);
    let threads = if vcpus > 1 && !instance.instance_type.starts_with("t4g") { 2 } else { 1 };
    json!({
        "instanceId": instance.id,
        "imageId": instance.image_id,
        "instanceState": current.json(),
        "privateDnsName": if gone { String::new() } else { private_dns_name(instance, region) },
        "dnsName": if has_address { public_dns_name(instance, region) } else { String::new() },
        "reason": reason,
        "keyName": instance.key_name,
        "amiLaunchIndex": instance.launch_index,
        "productCodes": [],
        "instanceType": instance.instance_type,
        "launchTime": timestamp(latest_start(instance)),
        "placement": {
            "availabilityZone": instance.availability_zone,
            "groupName": "",
            "tenancy": "default",
        },
        "monitoring": { "state": "disabled" },
        "subnetId": if gone { Value::Null } else { json!(instance.subnet_id) },
        "vpcId": if gone { Value::Null } else { json!(instance.vpc_id) },
        "privateIpAddress": if gone { Value::Null } else { json!(instance.private_ip) },
        "ipAddress": if has_address { json!(instance.public_ip()) } else { Value::Null },
        "sourceDestCheck": true,
        "groupSet": groups(state, instance)
            .into_iter()
            .map(|(id, name)| json!({ "groupId": id, "groupName": name }))
            .collect::<Vec<_>>(),
        "stateReason": state_reason,
        "architecture": instance.architecture,
        "rootDeviceType": "ebs",
        "rootDeviceName": instance.root_device_name,
        "blockDeviceMapping": block_devices,
        "virtualizationType": "hvm",
        "clientToken": instance.client_token.clone().unwrap_or_default(),
        "tagSet": if instance.tags.is_empty() { Value::Null } else { tags_json(&instance.tags) },
        "hypervisor": "xen",
        "ebsOptimized": false,
        "enaSupport": true,
        "cpuOptions": { "coreCount": vcpus / threads, "threadsPerCore": threads },
        "hibernationOptions": { "configured": false },
        "metadataOptions": {
            "state": "applied",
            "httpTokens": "required",
            "httpPutResponseHopLimit": 2,
            "httpEndpoint": "enabled",
            "httpProtocolIpv6": "disabled",
            "instanceMetadataTags": "disabled",
        },
        "enclaveOptions": { "enabled": false },
        "platformDetails": "Linux/UNIX",
        "usageOperation": "RunInstances",
        "usageOperationUpdateTime": timestamp(instance.launched_at()),
        "privateDnsNameOptions": {
            "hostnameType": "ip-name",
            "enableResourceNameDnsARecord": false,
            "enableResourceNameDnsAAAARecord": false,
        },
        "maintenanceOptions": { "autoRecovery": "default" },
    })
}

/// `LaunchTime` moves to the latest start, as on AWS.
fn latest_start(instance: &Instance) -> Millis {
    (instance.events.iter().rev())
        .find(|event| matches!(event.action, Action::Launch | Action::Start))
        .map_or(0, |event| event.at)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceIdsInput {
    #[serde(default, rename = "InstanceId", deserialize_with = "list")]
    instance_ids: Vec<String>,
}

/// What a start, stop or terminate did to one instance.
struct Change {
    id: String,
    previous: InstanceState,
    current: InstanceState,
}

fn changes_json(changes: &[Change]) -> Value {
    let items: Vec<Value> = (changes.iter())
        .map(|change| {
            json!({
                "instanceId": change.id,
                "currentState": change.current.json(),
                "previousState": change.previous.json(),
            })
        })
        .collect();
    json!({ "instancesSet": items })
}

/// Applies `decide` to each named instance after checking all of them: either every instance
/// changes or none does.
fn change_states(
    state: &mut RegionState,
    input: InstanceIdsInput,
    now: Millis,
    decide: impl Fn(&Instance, InstanceState) -> Result<Option<Action>, Ec2Error>,
) -> Result<Value, Ec2Error> {
    if input.instance_ids.is_empty() {
        return Err(Ec2Error::MissingParameter("InstanceId".into()));
    }
    let found = find(state, &input.instance_ids, now)?;
    let mut plans = Vec::new();
    for instance in found {
        let previous = instance.state_at(now);
        plans.push((instance.id.clone(), previous, decide(instance, previous)?));
    }
    let mut changes = Vec::new();
    for (id, previous, action) in plans {
        let Some(instance) = state.instances.get_mut(&id) else { continue };
        if let Some(action) = action {
            instance.events.push(Event { at: now, action });
        }
        changes.push(Change { id, previous, current: instance.state_at(now) });
    }
    Ok(changes_json(&changes))
}

pub fn start_instances(
    state: &mut RegionState,
    input: InstanceIdsInput,
    now: Millis,
) -> Result<Value, Ec2Error> {
    change_states(state, input, now, |instance, current| match current {
        InstanceState::Stopped => Ok(Some(Action::Start)),
        InstanceState::Pending | InstanceState::Running => Ok(None),
        InstanceState::Stopping | InstanceState::ShuttingDown | InstanceState::Terminated => {
            Err(Ec2Error::IncorrectInstanceState(format!(
                "The instance '{}' is not in a state from which it can be started.",
                instance.id
            )))
        }
    })
}

pub fn stop_instances(
    state: &mut RegionState,
    input: InstanceIdsInput,
    now: Millis,
) -> Result<Value, Ec2Error> {
    change_states(state, input, now, |instance, current| match current {
        InstanceState::Running => Ok(Some(Action::Stop)),
        InstanceState::Stopping | InstanceState::Stopped => Ok(None),
        InstanceState::Pending if !instance.has_run(now) => {
            Err(Ec2Error::IncorrectInstanceState(format!(
                "Instance '{}' cannot be stopped as it has never reached the 'running' state.",
                instance.id
            )))
        }
        InstanceState::Pending | InstanceState::ShuttingDown | InstanceState::Terminated => {
            Err(Ec2Error::IncorrectInstanceState(format!(
                "The instance '{}' is not in a state from which it can be stopped.",
                instance.id
            )))
        }
    })
}

pub fn terminate_instances(
    state: &mut RegionState,
    input: InstanceIdsInput,
    now: Millis,
) -> Result<Value, Ec2Error> {
    change_states(state, input, now, |_, current| match current {
        InstanceState::ShuttingDown | InstanceState::Terminated => Ok(None),
        _ => Ok(Some(Action::Terminate)),
    })
}
