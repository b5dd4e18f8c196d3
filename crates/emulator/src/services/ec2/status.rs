//! `DescribeInstanceStatus`: the status checks, `initializing` for the first minutes of a run
//! and `ok` after, read off the instance's lifecycle like its state.

use super::errors::Ec2Error;
use super::filters::{self, Filter};
use super::instances::find;
use super::model::{InstanceState, Millis, RegionState, STATUS_INITIALIZING_MS};
use crate::protocol::lenient::option_bool;
use crate::services::iam::list;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInstanceStatusInput {
    #[serde(default, rename = "InstanceId", deserialize_with = "list")]
    instance_ids: Vec<String>,
    #[serde(default, deserialize_with = "option_bool")]
    include_all_instances: Option<bool>,
    #[serde(default, rename = "Filter", deserialize_with = "list")]
    filters: Vec<Filter>,
}

const STATUS_FILTERS: &[&str] = &[
    "availability-zone",
    "instance-state-name",
    "instance-state-code",
    "system-status.status",
    "instance-status.status",
];

pub fn describe_instance_status(
    state: &RegionState,
    input: DescribeInstanceStatusInput,
    now: Millis,
) -> Result<Value, Ec2Error> {
    filters::check(&input.filters, STATUS_FILTERS)?;
    let include_all = input.include_all_instances.unwrap_or(false);
    let mut items = Vec::new();
    let mut instances = find(state, &input.instance_ids, now)?;
    instances.sort_by_key(|instance| (instance.launched_at(), instance.launch_index));
    for instance in instances {
        let current = instance.state_at(now);
        if current != InstanceState::Running && !include_all {
            continue;
        }
        let status = match instance.running_since(now) {
            Some(since) if now - since < STATUS_INITIALIZING_MS => "initializing",
            Some(_) => "ok",
            None => "not-applicable",
        };
        let values = |name: &str| match name {
            "availability-zone" => vec![instance.availability_zone.clone()],
            "instance-state-name" => vec![current.name().to_string()],
            "instance-state-code" => vec![current.code().to_string()],
            _ => vec![status.to_string()],
        };
        if !filters::matches_all(&input.filters, values) {
            continue;
        }
        let check = |name: &str| {
            let details = match status {
                "not-applicable" => Value::Null,
                "ok" => json!([{ "name": name, "status": "passed" }]),
                _ => json!([{ "name": name, "status": "initializing" }]),
            };
            json!({ "status": status, "details": details })
        };
        items.push(json!({
            "instanceId": instance.id,
            "availabilityZone": instance.availability_zone,
            "instanceState": current.json(),
            "systemStatus": check("reachability"),
            "instanceStatus": check("reachability"),
        }));
    }
    Ok(json!({ "instanceStatusSet": items }))
}
