//! `DescribeImages`: Amazon's Amazon Linux images (see `catalog`). The learner owns no images,
//! so `Owners=self` finds none.

use super::catalog::{self, AMAZON_OWNER_ID, IMAGES, Image, OsFamily};
use super::errors::{Ec2Error, well_formed};
use super::filters::{self, Filter};
use crate::services::iam::list;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeImagesInput {
    #[serde(default, rename = "ImageId", deserialize_with = "list")]
    image_ids: Vec<String>,
    #[serde(default, rename = "Owner", deserialize_with = "list")]
    owners: Vec<String>,
    #[serde(default, rename = "Filter", deserialize_with = "list")]
    filters: Vec<Filter>,
}

const IMAGE_FILTERS: &[&str] = &[
    "name",
    "image-id",
    "architecture",
    "owner-alias",
    "owner-id",
    "state",
    "root-device-type",
    "root-device-name",
    "virtualization-type",
    "image-type",
    "is-public",
    "platform-details",
    "description",
    "block-device-mapping.volume-type",
    "block-device-mapping.volume-size",
];

pub fn describe_images(region: &str, input: DescribeImagesInput) -> Result<Value, Ec2Error> {
    filters::check(&input.filters, IMAGE_FILTERS)?;
    if let Some(bad) = input.image_ids.iter().find(|id| !well_formed(id, "ami")) {
        return Err(Ec2Error::ImageMalformed(bad.clone()));
    }
    let missing: Vec<String> = (input.image_ids.iter())
        .filter(|id| catalog::image_by_id(region, id).is_none())
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(Ec2Error::ImageNotFound(missing));
    }
    let owned_by = |owner: &str| match owner {
        "amazon" | AMAZON_OWNER_ID => true,
        // `self` and any other account: the learner's account owns no images.
        _ => false,
    };
    let items: Vec<Value> = (IMAGES.iter())
        .filter(|image| {
            input.image_ids.is_empty()
                || input.image_ids.contains(&catalog::image_id(region, image))
        })
        .filter(|_| input.owners.is_empty() || input.owners.iter().any(|o| owned_by(o)))
        .filter(|image| {
            filters::matches_all(&input.filters, |name| filter_values(region, image, name))
        })
        .map(|image| image_json(region, image))
        .collect();
    Ok(json!({ "imagesSet": items }))
}

fn filter_values(region: &str, image: &Image, name: &str) -> Vec<String> {
    let value = match name {
        "name" => image.name.to_string(),
        "image-id" => catalog::image_id(region, image),
        "architecture" => image.architecture.to_string(),
        "owner-alias" => "amazon".to_string(),
        "owner-id" => AMAZON_OWNER_ID.to_string(),
        "state" => "available".to_string(),
        "root-device-type" => "ebs".to_string(),
        "root-device-name" => "/dev/xvda".to_string(),
        "virtualization-type" => "hvm".to_string(),
        "image-type" => "machine".to_string(),
        "is-public" => "true".to_string(),
        "platform-details" => "Linux/UNIX".to_string(),
        "description" => image.description.to_string(),
        "block-device-mapping.volume-type" => image.root_volume_type.to_string(),
        "block-device-mapping.volume-size" => image.root_size_gib.to_string(),
        _ => return Vec::new(),
    };
    vec![value]
}

fn image_json(region: &str, image: &Image) -> Value {
    let al2023 = image.os == OsFamily::AmazonLinux2023;
    json!({
        "imageId": catalog::image_id(region, image),
        "imageLocation": format!("amazon/{}", image.name),
        "imageState": "available",
        "imageOwnerId": AMAZON_OWNER_ID,
        "creationDate": image.creation_date,
        "isPublic": true,
        "architecture": image.architecture,
        "imageType": "machine",
        "sriovNetSupport": "simple",
        "enaSupport": true,
        "name": image.name,
        "description": image.description,
        "imageOwnerAlias": "amazon",
        "rootDeviceType": "ebs",
        "rootDeviceName": "/dev/xvda",
        "blockDeviceMapping": [{
            "deviceName": "/dev/xvda",
            "ebs": {
                "snapshotId": catalog::snapshot_id(region, image),
                "volumeSize": image.root_size_gib,
                "deleteOnTermination": true,
                "volumeType": image.root_volume_type,
                "iops": if al2023 { json!(3000) } else { Value::Null },
                "throughput": if al2023 { json!(125) } else { Value::Null },
                "encrypted": false,
            },
        }],
        "virtualizationType": "hvm",
        "hypervisor": "xen",
        "platformDetails": "Linux/UNIX",
        "usageOperation": "RunInstances",
        "bootMode": if al2023 { json!("uefi-preferred") } else { Value::Null },
        "imdsSupport": if al2023 { json!("v2.0") } else { Value::Null },
    })
}
