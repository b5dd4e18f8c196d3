//! `RunInstances`: an instance (or several) from one of Amazon's images (named by id, or by an
//! SSM parameter as `resolve:ssm:NAME`), each with its root EBS volume, in the region's default
//! VPC and subnet, in the security groups asked for (the default VPC's `default` group when
//! none is).
//!
//! Under AWS's timing a new instance is not yet known to the calls that name it
//! ([`crate::timing::Delay::InstanceDescribable`]): `RunInstances` answers with it, but
//! `DescribeInstances` says `InvalidInstanceID.NotFound` for a moment.

use super::catalog::{self, Image, InstanceType};
use super::errors::{Ec2Error, well_formed};
use super::instances::reservation_json;
use super::model::{
    Action, Attachment, Event, Instance, Millis, RegionState, Tag, Volume, hex_digest, private_ip,
};
use super::shell::Shell;
use super::tags::{TagSpecification, tags_by_resource};
use crate::protocol::lenient::{option_bool, option_i64};
use crate::services::iam::list;
use crate::timing::{Clockwork, Delay};
use serde::Deserialize;
use serde_json::Value;

/// The most instances one call may launch here (AWS's limit is the account's vCPU quota).
const MAX_INSTANCES: i64 = 20;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RunInstancesInput {
    image_id: Option<String>,
    instance_type: Option<String>,
    #[serde(default, deserialize_with = "option_i64")]
    min_count: Option<i64>,
    #[serde(default, deserialize_with = "option_i64")]
    max_count: Option<i64>,
    key_name: Option<String>,
    client_token: Option<String>,
    #[serde(default, rename = "BlockDeviceMapping", deserialize_with = "list")]
    block_device_mappings: Vec<BlockDeviceMapping>,
    #[serde(default, rename = "TagSpecification", deserialize_with = "list")]
    tag_specifications: Vec<TagSpecification>,
    #[serde(default, rename = "SecurityGroupId", deserialize_with = "list")]
    security_group_ids: Vec<String>,
    #[serde(default, rename = "SecurityGroup", deserialize_with = "list")]
    security_group_names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BlockDeviceMapping {
    device_name: Option<String>,
    ebs: Option<EbsInput>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EbsInput {
    #[serde(default, deserialize_with = "option_i64")]
    volume_size: Option<i64>,
    volume_type: Option<String>,
    #[serde(default, deserialize_with = "option_bool")]
    delete_on_termination: Option<bool>,
    #[serde(default, deserialize_with = "option_i64")]
    iops: Option<i64>,
    #[serde(default, deserialize_with = "option_i64")]
    throughput: Option<i64>,
    #[serde(default, deserialize_with = "option_bool")]
    encrypted: Option<bool>,
}

const VOLUME_TYPES: [&str; 7] = ["standard", "gp2", "gp3", "io1", "io2", "st1", "sc1"];

/// The root volume asked for: size, type, IOPS, throughput, delete on termination.
struct RootVolume {
    size_gib: u32,
    volume_type: String,
    iops: Option<u32>,
    throughput: Option<u32>,
    delete_on_termination: bool,
    encrypted: bool,
}

/// `RunInstances` with `ImageId=resolve:ssm:NAME` (or `NAME:VERSION`): the request with the
/// image id the parameter holds, as EC2 resolves it at launch; `None` for any other image id.
/// A learner's parameter must have the data type `aws:ec2:image` (AWS's words, seen through
/// CloudFormation); the public ones are `text` and resolve. The words for a parameter that does
/// not exist are inferred.
pub fn resolve_ssm_image(
    shared: &crate::state::Shared,
    ctx: &crate::services::RequestContext,
    request: &crate::protocol::query::QueryRequest,
) -> Result<Option<crate::protocol::query::QueryRequest>, Ec2Error> {
    let image_id = request.params.get("ImageId").and_then(Value::as_str);
    let Some(name) = image_id.and_then(|id| id.strip_prefix("resolve:ssm:")) else {
        return Ok(None);
    };
    let (value, data_type) = crate::services::ssm::resolve_image(shared, ctx, name)
        .ok_or_else(|| Ec2Error::SsmParameter(format!("The parameter {name} does not exist.")))?;
    if data_type != "public" && data_type != "aws:ec2:image" {
        return Err(Ec2Error::SsmParameter(
            "Unsupported data type. The following parameter data types are supported: \
             aws:ec2:image"
                .into(),
        ));
    }
    let mut resolved = request.clone();
    resolved.params["ImageId"] = Value::String(value);
    Ok(Some(resolved))
}

pub fn run_instances(
    state: &mut RegionState,
    region: &str,
    input: RunInstancesInput,
    now: Millis,
    clockwork: &Clockwork,
) -> Result<Value, Ec2Error> {
    // A retry with the same client token (the SDKs make one up per call) gets the first
    // answer again instead of more instances.
    if let Some(token) = input.client_token.as_deref().filter(|token| !token.is_empty())
        && let Some(first) =
            state.instances.values().find(|i| i.client_token.as_deref() == Some(token))
    {
        let mut same: Vec<&Instance> = (state.instances.values())
            .filter(|i| i.reservation_id == first.reservation_id)
            .collect();
        same.sort_by_key(|instance| instance.launch_index);
        return Ok(reservation_json(state, &first.reservation_id, &same, region, now));
    }
    let image_id = input.image_id.ok_or(Ec2Error::MissingParameter("ImageId".into()))?;
    if !well_formed(&image_id, "ami") {
        return Err(Ec2Error::ImageMalformed(image_id));
    }
    let image = catalog::image_by_id(region, &image_id)
        .ok_or_else(|| Ec2Error::ImageNotFound(vec![image_id.clone()]))?;
    // AWS's default type is m1.small, which Amazon Linux 2023 cannot run on; the free tier's
    // t2.micro is what a learner means.
    let type_name = input.instance_type.unwrap_or_else(|| "t2.micro".into());
    let instance_type = catalog::instance_type(&type_name)
        .ok_or_else(|| Ec2Error::InvalidInstanceType(type_name.clone()))?;
    if instance_type.architecture != image.architecture {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "The architecture '{}' of the specified instance type does not match the \
             architecture '{}' of the specified AMI. Specify an instance type and an AMI that \
             have matching architectures, and try again. You can use 'describe-instance-types' \
             or 'describe-images' to discover the architecture of the instance type or AMI.",
            instance_type.architecture, image.architecture
        )));
    }
    let count = launch_count(input.min_count, input.max_count)?;
    let root = root_volume(image, region, &input.block_device_mappings)?;
    let (instance_tags, volume_tags) = tags_by_resource(&input.tag_specifications)?;
    let groups =
        security_groups(state, region, &input.security_group_ids, &input.security_group_names)?;

    let reservation_id = state.next_id(region, "r");
    let mut launched = Vec::new();
    for launch_index in 0..count {
        let instance_id = state.next_id(region, "i");
        let volume_id = state.next_id(region, "vol");
        let address = private_ip(state.launched);
        state.launched += 1;
        let instance = new_instance(NewInstance {
            region,
            id: instance_id.clone(),
            reservation_id: reservation_id.clone(),
            image_id: image_id.clone(),
            image,
            instance_type,
            key_name: input.key_name.clone(),
            client_token: input.client_token.clone(),
            launch_index,
            private_ip: address,
            root_volume_id: volume_id.clone(),
            security_group_ids: groups.clone(),
            tags: instance_tags.clone(),
            now,
            describable_at: clockwork.settles(Delay::InstanceDescribable, &instance_id, now),
        });
        let volume = Volume {
            id: volume_id.clone(),
            size_gib: root.size_gib,
            volume_type: root.volume_type.clone(),
            iops: root.iops,
            throughput: root.throughput,
            snapshot_id: catalog::snapshot_id(region, image),
            availability_zone: instance.availability_zone.clone(),
            encrypted: root.encrypted,
            created_at: now,
            tags: volume_tags.clone(),
            attachment: Some(Attachment {
                instance_id: instance_id.clone(),
                device: instance.root_device_name.clone(),
                attached_at: now,
                delete_on_termination: root.delete_on_termination,
            }),
        };
        state.volumes.insert(volume_id, volume);
        state.instances.insert(instance_id.clone(), instance);
        launched.push(instance_id);
    }
    let instances: Vec<&Instance> =
        launched.iter().filter_map(|id| state.instances.get(id)).collect();
    Ok(reservation_json(state, &reservation_id, &instances, region, now))
}

/// The groups an instance goes in, by id and by name (in the default VPC), each once; the
/// default group when none is named.
fn security_groups(
    state: &RegionState,
    region: &str,
    ids: &[String],
    names: &[String],
) -> Result<Vec<String>, Ec2Error> {
    let mut groups: Vec<String> = Vec::new();
    for id in ids {
        groups.push(super::security_groups::by_id(state, id)?.id.clone());
    }
    for name in names {
        groups.push(super::security_groups::by_name(state, region, name)?.id.clone());
    }
    if groups.is_empty() {
        groups.push(default_network(region).security_group_id);
    }
    let mut seen = Vec::new();
    groups.retain(|id| {
        let first = !seen.contains(id);
        seen.push(id.clone());
        first
    });
    Ok(groups)
}

fn launch_count(min: Option<i64>, max: Option<i64>) -> Result<u32, Ec2Error> {
    let min = min.ok_or(Ec2Error::MissingParameter("MinCount".into()))?;
    let max = max.ok_or(Ec2Error::MissingParameter("MaxCount".into()))?;
    if min < 1 {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Value ({min}) for parameter minCount is invalid. Expected a positive integer."
        )));
    }
    if max < 1 {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Value ({max}) for parameter maxCount is invalid. Expected a positive integer."
        )));
    }
    if min > max {
        return Err(Ec2Error::InvalidParameterValue(
            "MinCount cannot be greater than MaxCount".into(),
        ));
    }
    if min > MAX_INSTANCES {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "The offline emulator launches at most {MAX_INSTANCES} instances at once"
        )));
    }
    Ok(u32::try_from(max.min(MAX_INSTANCES)).unwrap_or(1))
}

/// The root volume: the image's, changed by a block device mapping for the root device (or
/// for a device named like it, `/dev/xvda`/`xvda`).
fn root_volume(
    image: &Image,
    region: &str,
    mappings: &[BlockDeviceMapping],
) -> Result<RootVolume, Ec2Error> {
    let root = mappings.iter().find_map(|mapping| {
        let device = mapping.device_name.as_deref()?;
        let named_root = device == "/dev/xvda" || device == "xvda";
        named_root.then_some(mapping.ebs.as_ref()).flatten()
    });
    let size = match root.and_then(|ebs| ebs.volume_size) {
        None => image.root_size_gib,
        Some(size) => {
            u32::try_from(size).ok().filter(|s| (1..=16384).contains(s)).ok_or_else(|| {
                Ec2Error::InvalidParameterValue(format!("Invalid value '{size}' for volumeSize."))
            })?
        }
    };
    if size < image.root_size_gib {
        return Err(Ec2Error::VolumeTooSmall {
            size,
            snapshot: catalog::snapshot_id(region, image),
            minimum: image.root_size_gib,
        });
    }
    let volume_type =
        root.and_then(|ebs| ebs.volume_type.clone()).unwrap_or(image.root_volume_type.into());
    if !VOLUME_TYPES.contains(&volume_type.as_str()) {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "The volume type '{volume_type}' is not valid."
        )));
    }
    let iops = match volume_type.as_str() {
        // gp2: 3 IOPS per GiB, at least 100, at most 16,000.
        "gp2" => Some((size * 3).clamp(100, 16_000)),
        "gp3" => Some(root.and_then(|e| e.iops).map_or(3000, |i| i.clamp(3000, 16_000) as u32)),
        "io1" | "io2" => {
            Some(root.and_then(|e| e.iops).map_or(100, |i| i.clamp(100, 64_000) as u32))
        }
        _ => None,
    };
    let throughput = (volume_type == "gp3")
        .then(|| root.and_then(|e| e.throughput).map_or(125, |t| t.clamp(125, 1000) as u32));
    Ok(RootVolume {
        size_gib: size,
        volume_type,
        iops,
        throughput,
        delete_on_termination: root.and_then(|e| e.delete_on_termination).unwrap_or(true),
        encrypted: root.and_then(|e| e.encrypted).unwrap_or(false),
    })
}

struct NewInstance<'a> {
    region: &'a str,
    id: String,
    reservation_id: String,
    image_id: String,
    image: &'a Image,
    instance_type: &'a InstanceType,
    key_name: Option<String>,
    client_token: Option<String>,
    launch_index: u32,
    private_ip: String,
    root_volume_id: String,
    security_group_ids: Vec<String>,
    tags: Vec<Tag>,
    now: Millis,
    /// When the calls naming it first know it.
    describable_at: Millis,
}

fn new_instance(new: NewInstance<'_>) -> Instance {
    let network = default_network(new.region);
    Instance {
        id: new.id,
        reservation_id: new.reservation_id,
        image_id: new.image_id,
        instance_type: new.instance_type.name.to_string(),
        architecture: new.image.architecture.to_string(),
        key_name: new.key_name,
        launch_index: new.launch_index,
        client_token: new.client_token,
        availability_zone: network.availability_zone,
        vpc_id: network.vpc_id,
        subnet_id: network.subnet_id,
        security_group_ids: new.security_group_ids,
        private_ip: new.private_ip,
        root_device_name: "/dev/xvda".to_string(),
        root_volume_id: new.root_volume_id,
        os: new.image.os,
        tags: new.tags,
        events: vec![Event { at: new.now, action: Action::Launch }],
        shell: Shell::default(),
        metrics_until: new.now - new.now.rem_euclid(super::metrics::PERIOD_MS),
        describable_at: new.describable_at,
    }
}

/// The default VPC of a region, its subnet in the first zone, and its default security group.
pub struct DefaultNetwork {
    pub availability_zone: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub security_group_id: String,
}

pub fn default_network(region: &str) -> DefaultNetwork {
    let id =
        |prefix: &str| format!("{prefix}-0{}", &hex_digest(&format!("{region}/{prefix}"))[..16]);
    DefaultNetwork {
        availability_zone: format!("{region}a"),
        vpc_id: id("vpc"),
        subnet_id: id("subnet"),
        security_group_id: id("sg"),
    }
}
