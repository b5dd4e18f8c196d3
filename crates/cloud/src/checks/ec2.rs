//! EC2 checks: an instance found by its `Name` tag (type, image and its name, state, tags,
//! block devices), and its root volume (size, type, state).

use super::Selector;
use crate::clients::Clients;
use crate::ec2::{instance_by_name, root_volume_id};
use crate::failure::Failure;
use serde_json::{Map, Value, json};

pub async fn instance(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let name = selector.text("name")?;
    let Some(instance) = instance_by_name(clients, name).await? else { return Ok(None) };
    let image_id = instance.image_id().unwrap_or_default();
    let image_name = if image_id.is_empty() {
        None
    } else {
        let images = clients
            .ec2
            .describe_images()
            .image_ids(image_id)
            .send()
            .await
            .map_err(|error| Failure::from_sdk("ec2", "DescribeImages", error))?;
        images.images().first().and_then(|image| image.name()).map(str::to_string)
    };
    let tags: Map<String, Value> = instance
        .tags()
        .iter()
        .map(|tag| (tag.key().unwrap_or_default().to_string(), json!(tag.value())))
        .collect();
    let devices: Vec<Value> = instance
        .block_device_mappings()
        .iter()
        .map(|mapping| {
            json!({
                "DeviceName": mapping.device_name(),
                "Ebs": {
                    "VolumeId": mapping.ebs().and_then(|ebs| ebs.volume_id()),
                    "Status": mapping.ebs().and_then(|ebs| ebs.status()).map(|s| s.as_str()),
                    "DeleteOnTermination": mapping.ebs().and_then(|ebs| ebs.delete_on_termination()),
                },
            })
        })
        .collect();
    Ok(Some(json!({
        "InstanceId": instance.instance_id(),
        "InstanceType": instance.instance_type().map(|t| t.as_str()),
        "ImageId": image_id,
        "ImageName": image_name,
        "State": {
            "Name": instance.state().and_then(|s| s.name()).map(|n| n.as_str()),
            "Code": instance.state().and_then(|s| s.code()),
        },
        "Tags": tags,
        "BlockDeviceMappings": devices,
        "Monitoring": { "State": instance.monitoring().and_then(|m| m.state()).map(|s| s.as_str()) },
    })))
}

pub async fn volume(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let name = selector.text("instance")?;
    let Some(instance) = instance_by_name(clients, name).await? else { return Ok(None) };
    let Some(volume_id) = root_volume_id(&instance) else { return Ok(None) };
    let answer = clients
        .ec2
        .describe_volumes()
        .volume_ids(&volume_id)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("ec2", "DescribeVolumes", error))?;
    let Some(volume) = answer.volumes().first() else { return Ok(None) };
    Ok(Some(json!({
        "VolumeId": volume.volume_id(),
        "Size": volume.size(),
        "VolumeType": volume.volume_type().map(|t| t.as_str()),
        "State": volume.state().map(|s| s.as_str()),
    })))
}
