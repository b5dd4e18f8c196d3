//! Security groups: each region's default VPC has its `default` group, and the learner makes
//! more with `CreateSecurityGroup`, lists them with `DescribeSecurityGroups` and deletes them
//! with `DeleteSecurityGroup`. Their rules are `rules`' and `permissions`' business.
//!
//! The default group is made the first time a region is used (it cannot be deleted, so it is
//! there ever after), with AWS's default rules: all traffic in from the group itself, all
//! traffic out. Its id is the one instances have always been given (fixed per region), and so
//! are its rules' ids: making it takes nothing from the region's id counter, so instance ids
//! stay what they were.
//!
//! Not here: VPCs other than the default one (there are none), stale group references, group
//! quotas.

use super::errors::{Ec2Error, well_formed};
use super::filters::{self, Filter};
use super::launch::default_network;
use super::model::{InstanceState, Millis, RegionState, Tag, hex_digest, tags_json};
use super::rules::{self, Peer, Rule};
use super::tags::{TagSpecification, tags_for};
use crate::config::ACCOUNT_ID;
use crate::services::iam::list;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub description: String,
    pub vpc_id: String,
    /// Ingress and egress rules, in the order they were added.
    pub rules: Vec<Rule>,
    pub tags: Vec<Tag>,
    /// When it was made (the default group: 0): describes list groups in this order.
    pub created_at: Millis,
}

/// Makes the region's default group if the region does not have it yet.
pub fn ensure_default(state: &mut RegionState, region: &str) {
    let network = default_network(region);
    let id = network.security_group_id;
    if state.security_groups.contains_key(&id) {
        return;
    }
    let rule_id = |direction: &str| {
        format!("sgr-0{}", &hex_digest(&format!("{region}/{id}/{direction}"))[..16])
    };
    let own = Peer::Group { group_id: id.clone(), user_id: ACCOUNT_ID.to_string() };
    let group = SecurityGroup {
        id: id.clone(),
        name: "default".into(),
        description: "default VPC security group".into(),
        vpc_id: network.vpc_id,
        rules: vec![
            rules::all_traffic(rule_id("ingress"), false, own),
            rules::all_traffic(rule_id("egress"), true, Peer::Cidr("0.0.0.0/0".into())),
        ],
        tags: Vec::new(),
        created_at: 0,
    };
    state.security_groups.insert(id, group);
}

/// The group with id `id`, after checking its shape.
pub fn by_id<'a>(state: &'a RegionState, id: &str) -> Result<&'a SecurityGroup, Ec2Error> {
    if !well_formed(id, "sg") {
        return Err(Ec2Error::GroupMalformed(id.to_string()));
    }
    state.security_groups.get(id).ok_or_else(|| Ec2Error::GroupNotFound(id.to_string()))
}

pub fn by_id_mut<'a>(
    state: &'a mut RegionState,
    id: &str,
) -> Result<&'a mut SecurityGroup, Ec2Error> {
    state.security_groups.get_mut(id).ok_or_else(|| Ec2Error::GroupNotFound(id.to_string()))
}

/// The group named `name` in the default VPC (where names are looked up, as on AWS).
pub fn by_name<'a>(
    state: &'a RegionState,
    region: &str,
    name: &str,
) -> Result<&'a SecurityGroup, Ec2Error> {
    let vpc = default_network(region).vpc_id;
    (state.security_groups.values())
        .find(|group| group.name == name && group.vpc_id == vpc)
        .ok_or(Ec2Error::GroupNameNotFound { name: name.to_string(), vpc })
}

/// The id of the group a request names by `GroupId` or, failing that, by `GroupName`.
pub fn resolve(
    state: &RegionState,
    region: &str,
    id: &Option<String>,
    name: &Option<String>,
) -> Result<String, Ec2Error> {
    match (id, name) {
        (Some(id), _) => Ok(by_id(state, id)?.id.clone()),
        (None, Some(name)) => Ok(by_name(state, region, name)?.id.clone()),
        // inferred
        (None, None) => Err(Ec2Error::MissingParameter("GroupName or GroupId".into())),
    }
}

/// Every group, the default one first, then in the order they were made.
pub fn in_order(state: &RegionState) -> Vec<&SecurityGroup> {
    let mut groups: Vec<&SecurityGroup> = state.security_groups.values().collect();
    groups.sort_by_key(|group| (group.created_at, group.id.clone()));
    groups
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateSecurityGroupInput {
    group_name: Option<String>,
    /// `Description` in the API, `GroupDescription` on the wire.
    group_description: Option<String>,
    vpc_id: Option<String>,
    #[serde(default, rename = "TagSpecification", deserialize_with = "list")]
    tag_specifications: Vec<TagSpecification>,
}

pub fn create_security_group(
    state: &mut RegionState,
    region: &str,
    input: CreateSecurityGroupInput,
    now: Millis,
) -> Result<Value, Ec2Error> {
    let name = input.group_name.ok_or(Ec2Error::MissingParameter("GroupName".into()))?;
    let description =
        input.group_description.ok_or(Ec2Error::MissingParameter("GroupDescription".into()))?;
    let default_vpc = default_network(region).vpc_id;
    let vpc_id = input.vpc_id.unwrap_or_else(|| default_vpc.clone());
    if vpc_id != default_vpc {
        return Err(Ec2Error::VpcNotFound(vpc_id));
    }
    if name == "default" {
        return Err(Ec2Error::InvalidParameterValue(
            "Cannot use reserved security group name: default".into(),
        ));
    }
    if name.starts_with("sg-") {
        // inferred
        return Err(Ec2Error::InvalidParameterValue(
            "Group names may not be in the format sg-*".into(),
        ));
    }
    if state.security_groups.values().any(|group| group.name == name && group.vpc_id == vpc_id) {
        return Err(Ec2Error::GroupDuplicate { name, vpc: vpc_id });
    }
    let tags = tags_for(&input.tag_specifications, "security-group")?;
    let id = state.next_id(region, "sg");
    // A new group lets everything out and nothing in, as on AWS.
    let egress = state.next_id(region, "sgr");
    let group = SecurityGroup {
        id: id.clone(),
        name,
        description,
        vpc_id,
        rules: vec![rules::all_traffic(egress, true, Peer::Cidr("0.0.0.0/0".into()))],
        tags,
        created_at: now,
    };
    let answer = json!({
        "return": true,
        "groupId": id,
        "securityGroupArn": arn(region, &id),
        "tagSet": if group.tags.is_empty() { Value::Null } else { tags_json(&group.tags) },
    });
    state.security_groups.insert(id, group);
    Ok(answer)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteSecurityGroupInput {
    group_id: Option<String>,
    group_name: Option<String>,
}

pub fn delete_security_group(
    state: &mut RegionState,
    region: &str,
    input: DeleteSecurityGroupInput,
    now: Millis,
) -> Result<Value, Ec2Error> {
    let id = resolve(state, region, &input.group_id, &input.group_name)?;
    if id == default_network(region).security_group_id {
        return Err(Ec2Error::CannotDeleteDefault(id));
    }
    if in_use(state, &id, now) {
        return Err(Ec2Error::GroupInUse(id));
    }
    state.security_groups.remove(&id);
    Ok(json!({ "return": true, "groupId": id }))
}

/// Whether an instance that is not yet terminated, or another group's rule, uses the group.
pub fn in_use(state: &RegionState, id: &str, now: Millis) -> bool {
    let used_by_instance = (state.instances.values()).any(|instance| {
        instance.security_group_ids.iter().any(|group| group == id)
            && instance.state_at(now) != InstanceState::Terminated
    });
    used_by_instance || rules::referenced(state, id)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSecurityGroupsInput {
    #[serde(default, rename = "GroupId", deserialize_with = "list")]
    group_ids: Vec<String>,
    #[serde(default, rename = "GroupName", deserialize_with = "list")]
    group_names: Vec<String>,
    #[serde(default, rename = "Filter", deserialize_with = "list")]
    filters: Vec<Filter>,
}

const GROUP_FILTERS: &[&str] = &[
    "description",
    "group-id",
    "group-name",
    "owner-id",
    "vpc-id",
    "tag-key",
    "tag-value",
    "ip-permission.protocol",
    "ip-permission.from-port",
    "ip-permission.to-port",
    "ip-permission.cidr",
    "ip-permission.prefix-list-id",
    "ip-permission.group-id",
];

pub fn describe_security_groups(
    state: &RegionState,
    region: &str,
    input: DescribeSecurityGroupsInput,
) -> Result<Value, Ec2Error> {
    filters::check(&input.filters, GROUP_FILTERS)?;
    let mut named = Vec::new();
    for id in &input.group_ids {
        named.push(by_id(state, id)?.id.clone());
    }
    for name in &input.group_names {
        named.push(by_name(state, region, name)?.id.clone());
    }
    let items: Vec<Value> = (in_order(state).into_iter())
        .filter(|group| named.is_empty() || named.contains(&group.id))
        .filter(|group| filters::matches_all(&input.filters, |name| filter_values(group, name)))
        .map(|group| group_json(group, region))
        .collect();
    Ok(json!({ "securityGroupInfo": items }))
}

fn filter_values(group: &SecurityGroup, name: &str) -> Vec<String> {
    if let Some(key) = name.strip_prefix("tag:") {
        return (group.tags.iter()).filter(|t| t.key == key).map(|t| t.value.clone()).collect();
    }
    let ingress = group.rules.iter().filter(|rule| !rule.egress);
    let port = |port: Option<i64>| port.map(|p| p.to_string());
    match name {
        "description" => vec![group.description.clone()],
        "group-id" => vec![group.id.clone()],
        "group-name" => vec![group.name.clone()],
        "owner-id" => vec![ACCOUNT_ID.to_string()],
        "vpc-id" => vec![group.vpc_id.clone()],
        "tag-key" => group.tags.iter().map(|tag| tag.key.clone()).collect(),
        "tag-value" => group.tags.iter().map(|tag| tag.value.clone()).collect(),
        "ip-permission.protocol" => ingress.map(|rule| rule.protocol.clone()).collect(),
        "ip-permission.from-port" => ingress.filter_map(|rule| port(rule.from_port)).collect(),
        "ip-permission.to-port" => ingress.filter_map(|rule| port(rule.to_port)).collect(),
        _ => (ingress)
            .filter_map(|rule| match (&rule.peer, name) {
                (Peer::Cidr(cidr), "ip-permission.cidr") => Some(cidr.clone()),
                (Peer::PrefixList(id), "ip-permission.prefix-list-id") => Some(id.clone()),
                (Peer::Group { group_id, .. }, "ip-permission.group-id") => Some(group_id.clone()),
                _ => None,
            })
            .collect(),
    }
}

fn arn(region: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{ACCOUNT_ID}:security-group/{id}")
}

fn group_json(group: &SecurityGroup, region: &str) -> Value {
    let (egress, ingress): (Vec<Rule>, Vec<Rule>) =
        group.rules.iter().cloned().partition(|rule| rule.egress);
    json!({
        "ownerId": ACCOUNT_ID,
        "groupId": group.id,
        "groupName": group.name,
        "groupDescription": group.description,
        "vpcId": group.vpc_id,
        "ipPermissions": rules::permissions_json(&ingress),
        "ipPermissionsEgress": rules::permissions_json(&egress),
        "tagSet": if group.tags.is_empty() { Value::Null } else { tags_json(&group.tags) },
        "securityGroupArn": arn(region, &group.id),
    })
}
