//! `DescribeVolumes`: the instances' root volumes, with their attachments.
//!
//! A volume's status follows its instance: `in-use` while attached; when the instance is
//! terminated the volume is deleted with it (`DeleteOnTermination`) or becomes `available`.

use super::errors::{Ec2Error, well_formed};
use super::filters::{self, Filter};
use super::model::{InstanceState, Millis, RegionState, Volume, tags_json, timestamp};
use crate::services::iam::list;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVolumesInput {
    #[serde(default, rename = "VolumeId", deserialize_with = "list")]
    volume_ids: Vec<String>,
    #[serde(default, rename = "Filter", deserialize_with = "list")]
    filters: Vec<Filter>,
}

const VOLUME_FILTERS: &[&str] = &[
    "volume-id",
    "attachment.instance-id",
    "attachment.device",
    "attachment.status",
    "attachment.delete-on-termination",
    "availability-zone",
    "size",
    "status",
    "volume-type",
    "snapshot-id",
    "tag-key",
    "tag-value",
];

/// A volume as it is at `now`: its status and, if still attached, the attachment's status.
pub struct VolumeView<'a> {
    pub volume: &'a Volume,
    pub status: &'static str,
    pub attached: bool,
}

/// How a volume looks at `now`, or `None` once deleted with its instance.
pub fn view<'a>(state: &RegionState, volume: &'a Volume, now: Millis) -> Option<VolumeView<'a>> {
    let Some(attachment) = &volume.attachment else {
        return Some(VolumeView { volume, status: "available", attached: false });
    };
    let instance_state = state.instances.get(&attachment.instance_id).map(|i| i.state_at(now));
    match instance_state {
        Some(InstanceState::Terminated) | None if attachment.delete_on_termination => None,
        Some(InstanceState::Terminated) | None => {
            Some(VolumeView { volume, status: "available", attached: false })
        }
        Some(_) => Some(VolumeView { volume, status: "in-use", attached: true }),
    }
}

pub fn describe_volumes(
    state: &RegionState,
    input: DescribeVolumesInput,
    now: Millis,
) -> Result<Value, Ec2Error> {
    filters::check(&input.filters, VOLUME_FILTERS)?;
    if let Some(bad) = input.volume_ids.iter().find(|id| !well_formed(id, "vol")) {
        return Err(Ec2Error::VolumeMalformed(bad.clone()));
    }
    let views: Vec<VolumeView<'_>> =
        state.volumes.values().filter_map(|volume| view(state, volume, now)).collect();
    let missing: Vec<String> = (input.volume_ids.iter())
        .filter(|id| !views.iter().any(|view| view.volume.id == **id))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(Ec2Error::VolumeNotFound(missing));
    }
    let mut views: Vec<VolumeView<'_>> = (views.into_iter())
        .filter(|view| input.volume_ids.is_empty() || input.volume_ids.contains(&view.volume.id))
        .filter(|view| filters::matches_all(&input.filters, |name| filter_values(view, name)))
        .collect();
    views.sort_by_key(|view| (view.volume.created_at, view.volume.id.clone()));
    let items: Vec<Value> = views.iter().map(volume_json).collect();
    Ok(json!({ "volumeSet": items }))
}

fn filter_values(view: &VolumeView<'_>, name: &str) -> Vec<String> {
    let volume = view.volume;
    let attachment = volume.attachment.as_ref().filter(|_| view.attached);
    if let Some(key) = name.strip_prefix("tag:") {
        return (volume.tags.iter())
            .filter(|tag| tag.key == key)
            .map(|tag| tag.value.clone())
            .collect();
    }
    match name {
        "volume-id" => vec![volume.id.clone()],
        "attachment.instance-id" => attachment.map(|a| a.instance_id.clone()).into_iter().collect(),
        "attachment.device" => attachment.map(|a| a.device.clone()).into_iter().collect(),
        "attachment.status" => attachment.map(|_| "attached".to_string()).into_iter().collect(),
        "attachment.delete-on-termination" => {
            attachment.map(|a| a.delete_on_termination.to_string()).into_iter().collect()
        }
        "availability-zone" => vec![volume.availability_zone.clone()],
        "size" => vec![volume.size_gib.to_string()],
        "status" => vec![view.status.to_string()],
        "volume-type" => vec![volume.volume_type.clone()],
        "snapshot-id" => vec![volume.snapshot_id.clone()],
        "tag-key" => volume.tags.iter().map(|tag| tag.key.clone()).collect(),
        "tag-value" => volume.tags.iter().map(|tag| tag.value.clone()).collect(),
        _ => Vec::new(),
    }
}

fn volume_json(view: &VolumeView<'_>) -> Value {
    let volume = view.volume;
    let attachments: Vec<Value> = (volume.attachment.iter())
        .filter(|_| view.attached)
        .map(|attachment| {
            json!({
                "volumeId": volume.id,
                "instanceId": attachment.instance_id,
                "device": attachment.device,
                "status": "attached",
                "attachTime": timestamp(attachment.attached_at),
                "deleteOnTermination": attachment.delete_on_termination,
            })
        })
        .collect();
    json!({
        "volumeId": volume.id,
        "size": volume.size_gib,
        "snapshotId": volume.snapshot_id,
        "availabilityZone": volume.availability_zone,
        "status": view.status,
        "createTime": timestamp(volume.created_at),
        "attachmentSet": attachments,
        "tagSet": if volume.tags.is_empty() { Value::Null } else { tags_json(&volume.tags) },
        "volumeType": volume.volume_type,
        "iops": volume.iops,
        "throughput": volume.throughput,
        "encrypted": volume.encrypted,
        "multiAttachEnabled": false,
    })
}
