//! AWS-managed prefix lists: `DescribeManagedPrefixLists` and `GetManagedPrefixListEntries`, and
//! where EC2 Instance Connect's connections come from (the emulator's terminal is reached as the
//! console's Instance Connect reaches an instance).
//!
//! A course meets one list: each region's `com.amazonaws.REGION.ec2-instance-connect`, the IPv4
//! range of EC2 Instance Connect from the console, which a security group allows on port 22. Its
//! one entry is the region's `EC2_INSTANCE_CONNECT` prefix in AWS's ip-ranges.json (as published
//! in October 2023). The list ids of us-east-1 and ap-northeast-2 are AWS's own (each seen in many
//! public templates); other regions' are made up in the same shape (`pl-0` and 16 hex digits) from
//! the region's name. The IPv6 lists, and the S3 and DynamoDB lists of gateway endpoints, are not
//! here: no lab meets them and the emulator's instances have no IPv6 address.
//!
//! Not here: customer-managed lists (`CreateManagedPrefixList` answers `NotImplemented`).

use super::errors::{Ec2Error, well_formed};
use super::filters::{self, Filter};
use super::model::hex_digest;
use crate::services::iam::list;
use serde::Deserialize;
use serde_json::{Value, json};

/// EC2 Instance Connect's range in each region (ip-ranges.json, service `EC2_INSTANCE_CONNECT`).
const INSTANCE_CONNECT_RANGES: &[(&str, &str)] = &[
    ("af-south-1", "13.244.121.196/30"),
    ("ap-east-1", "43.198.192.104/29"),
    ("ap-northeast-1", "3.112.23.0/29"),
    ("ap-northeast-2", "13.209.1.56/29"),
    ("ap-northeast-3", "15.168.105.160/29"),
    ("ap-south-1", "13.233.177.0/29"),
    ("ap-south-2", "18.60.252.248/29"),
    ("ap-southeast-1", "3.0.5.32/29"),
    ("ap-southeast-2", "13.239.158.0/29"),
    ("ap-southeast-3", "43.218.193.64/29"),
    ("ap-southeast-4", "16.50.248.80/29"),
    ("ca-central-1", "35.183.92.176/29"),
    ("eu-central-1", "3.120.181.40/29"),
    ("eu-central-2", "16.63.77.8/29"),
    ("eu-north-1", "13.48.4.200/30"),
    ("eu-south-1", "15.161.135.164/30"),
    ("eu-south-2", "18.101.90.48/29"),
    ("eu-west-1", "18.202.216.48/29"),
    ("eu-west-2", "3.8.37.24/29"),
    ("eu-west-3", "35.180.112.80/29"),
    ("me-central-1", "3.29.147.40/29"),
    ("me-south-1", "16.24.46.56/29"),
    ("sa-east-1", "18.228.70.32/29"),
    ("us-east-1", "18.206.107.24/29"),
    ("us-east-2", "3.16.146.0/29"),
    ("us-west-1", "13.52.6.112/29"),
    ("us-west-2", "18.237.140.160/29"),
];

/// The ids AWS gives the Instance Connect list where we know them.
const KNOWN_IDS: &[(&str, &str)] =
    &[("us-east-1", "pl-0e4bcff02b13bef1e"), ("ap-northeast-2", "pl-00ec8fd779e5b4175")];

/// An AWS-managed prefix list of one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixList {
    pub id: String,
    pub name: String,
    pub cidrs: Vec<&'static str>,
}

/// The region's EC2 Instance Connect list, if EC2 Instance Connect serves the region.
pub fn instance_connect(region: &str) -> Option<PrefixList> {
    let (_, cidr) = INSTANCE_CONNECT_RANGES.iter().find(|(name, _)| *name == region)?;
    let id = match KNOWN_IDS.iter().find(|(name, _)| *name == region) {
        Some((_, id)) => id.to_string(),
        None => format!("pl-0{}", &hex_digest(&format!("{region}/ec2-instance-connect"))[..16]),
    };
    Some(PrefixList {
        id,
        name: format!("com.amazonaws.{region}.ec2-instance-connect"),
        cidrs: vec![cidr],
    })
}

/// Every AWS-managed list of the region.
pub fn aws_managed(region: &str) -> Vec<PrefixList> {
    instance_connect(region).into_iter().collect()
}

/// The list `id` names in the region, after checking its shape.
pub fn find(region: &str, id: &str) -> Result<PrefixList, Ec2Error> {
    if !well_formed(id, "pl") {
        return Err(Ec2Error::PrefixListMalformed(id.to_string()));
    }
    (aws_managed(region).into_iter())
        .find(|list| list.id == id)
        .ok_or_else(|| Ec2Error::PrefixListNotFound(id.to_string()))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeManagedPrefixListsInput {
    #[serde(default, rename = "PrefixListId", deserialize_with = "list")]
    prefix_list_ids: Vec<String>,
    #[serde(default, rename = "Filter", deserialize_with = "list")]
    filters: Vec<Filter>,
}

pub fn describe_managed_prefix_lists(
    region: &str,
    input: DescribeManagedPrefixListsInput,
) -> Result<Value, Ec2Error> {
    filters::check(&input.filters, &["owner-id", "prefix-list-id", "prefix-list-name"])?;
    for id in &input.prefix_list_ids {
        find(region, id)?;
    }
    let items: Vec<Value> = (aws_managed(region).iter())
        .filter(|list| input.prefix_list_ids.is_empty() || input.prefix_list_ids.contains(&list.id))
        .filter(|list| {
            filters::matches_all(&input.filters, |name| match name {
                "owner-id" => vec!["AWS".to_string()],
                "prefix-list-id" => vec![list.id.clone()],
                "prefix-list-name" => vec![list.name.clone()],
                _ => Vec::new(),
            })
        })
        // AWS-managed lists have no version and no maximum: those are for the lists an account
        // makes itself.
        .map(|list| {
            json!({
                "prefixListId": list.id,
                "addressFamily": "IPv4",
                "state": "create-complete",
                "prefixListArn": format!("arn:aws:ec2:{region}:aws:prefix-list/{}", list.id),
                "prefixListName": list.name,
                "tagSet": [],
                "ownerId": "AWS",
            })
        })
        .collect();
    Ok(json!({ "prefixListSet": items }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetManagedPrefixListEntriesInput {
    prefix_list_id: Option<String>,
}

pub fn get_managed_prefix_list_entries(
    region: &str,
    input: GetManagedPrefixListEntriesInput,
) -> Result<Value, Ec2Error> {
    let id = input.prefix_list_id.ok_or(Ec2Error::MissingParameter("PrefixListId".into()))?;
    let list = find(region, &id)?;
    let entries: Vec<Value> = list.cidrs.iter().map(|cidr| json!({ "cidr": cidr })).collect();
    Ok(json!({ "entrySet": entries }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instance_connect_list_has_awss_id_where_known_and_the_regions_range() {
        let seoul = instance_connect("ap-northeast-2").unwrap();
        assert_eq!(seoul.id, "pl-00ec8fd779e5b4175");
        assert_eq!(seoul.name, "com.amazonaws.ap-northeast-2.ec2-instance-connect");
        assert_eq!(seoul.cidrs, ["13.209.1.56/29"]);
        assert_eq!(instance_connect("us-east-1").unwrap().cidrs, ["18.206.107.24/29"]);
        let tokyo = instance_connect("ap-northeast-1").unwrap();
        assert!(well_formed(&tokyo.id, "pl") && tokyo.id.len() == 20, "{}", tokyo.id);
        assert_ne!(tokyo.id, instance_connect("eu-west-1").unwrap().id);
        assert!(instance_connect("xx-nowhere-1").is_none());
    }

    #[test]
    fn unknown_and_malformed_ids_are_refused() {
        assert_eq!(
            find("us-east-1", "pl-00ec8fd779e5b4175"),
            Err(Ec2Error::PrefixListNotFound("pl-00ec8fd779e5b4175".into())),
            "Seoul's list is not in us-east-1"
        );
        assert_eq!(find("us-east-1", "s3"), Err(Ec2Error::PrefixListMalformed("s3".into())));
    }
}
