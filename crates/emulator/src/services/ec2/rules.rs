//! A security group's rules as AWS keeps them since rules got ids: one protocol, one port range,
//! one peer (an IPv4 or IPv6 CIDR, a prefix list, or a group) each. `IpPermissions` are a view
//! of them: `DescribeSecurityGroups` gathers the rules of one protocol and port range back into
//! one permission ([`permissions_json`]); `DescribeSecurityGroupRules` lists them one by one
//! ([`rule_json`]). And whether a group lets EC2 Instance Connect in on port 22.
//!
//! Not here: reading rules from requests, adding and revoking them (`permissions`).

use super::model::RegionState;
use super::security_groups::SecurityGroup;
use crate::config::ACCOUNT_ID;
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// `sgr-0…`.
    pub id: String,
    pub egress: bool,
    /// `-1` (all), `tcp`, `udp`, `icmp`, `icmpv6`, or another protocol's number.
    pub protocol: String,
    /// The port range (for ICMP the type and the code); none for all protocols.
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub peer: Peer,
    pub description: Option<String>,
}

/// Where a rule lets traffic come from (or, for egress, go to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Peer {
    Cidr(String),
    CidrV6(String),
    PrefixList(String),
    Group { group_id: String, user_id: String },
}

impl Rule {
    /// Whether two rules allow the same thing (descriptions aside), as AWS compares them.
    pub fn same(&self, other: &Rule) -> bool {
        (self.egress, &self.protocol, self.from_port, self.to_port, &self.peer)
            == (other.egress, &other.protocol, other.from_port, other.to_port, &other.peer)
    }

    /// How AWS names a rule in `InvalidPermission.Duplicate`:
    /// `peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW`, `peer: sg-…, ALL, ALLOW`.
    pub fn words(&self) -> String {
        let peer = match &self.peer {
            Peer::Cidr(cidr) | Peer::CidrV6(cidr) => cidr.clone(),
            Peer::PrefixList(id) => id.clone(),
            Peer::Group { group_id, .. } => group_id.clone(),
        };
        let (from, to) = (self.from_port.unwrap_or(-1), self.to_port.unwrap_or(-1));
        let what = match self.protocol.as_str() {
            "-1" => "ALL".to_string(),
            "tcp" | "udp" => {
                format!("{}, from port: {from}, to port: {to}", self.protocol.to_uppercase())
            }
            // inferred
            "icmp" | "icmpv6" => {
                format!("{}, type: {from}, code: {to}", self.protocol.to_uppercase())
            }
            number => format!("protocol: {number}"),
        };
        format!("peer: {peer}, {what}, ALLOW")
    }
}

/// A rule as `DescribeSecurityGroupRules` and the authorize calls answer it.
pub fn rule_json(group_id: &str, rule: &Rule, region: &str) -> Value {
    let mut item = json!({
        "securityGroupRuleId": rule.id,
        "groupId": group_id,
        "groupOwnerId": ACCOUNT_ID,
        "isEgress": rule.egress,
        "ipProtocol": rule.protocol,
        "fromPort": rule.from_port.unwrap_or(-1),
        "toPort": rule.to_port.unwrap_or(-1),
        "description": rule.description,
        "tagSet": [],
        "securityGroupRuleArn":
            format!("arn:aws:ec2:{region}:{ACCOUNT_ID}:security-group-rule/{}", rule.id),
    });
    let (name, value) = match &rule.peer {
        Peer::Cidr(cidr) => ("cidrIpv4", json!(cidr)),
        Peer::CidrV6(cidr) => ("cidrIpv6", json!(cidr)),
        Peer::PrefixList(id) => ("prefixListId", json!(id)),
        Peer::Group { group_id, user_id } => {
            ("referencedGroupInfo", json!({ "groupId": group_id, "userId": user_id }))
        }
    };
    item[name] = value;
    item
}

/// Rules as `IpPermissions`: one permission per protocol and port range, in the order the
/// first rule of each came, with its peers by kind.
pub fn permissions_json(rules: &[Rule]) -> Vec<Value> {
    let mut permissions: Vec<(&Rule, Vec<&Rule>)> = Vec::new();
    for rule in rules {
        let key = |r: &Rule| (r.protocol.clone(), r.from_port, r.to_port);
        match permissions.iter_mut().find(|(first, _)| key(first) == key(rule)) {
            Some((_, members)) => members.push(rule),
            None => permissions.push((rule, vec![rule])),
        }
    }
    (permissions.into_iter())
        .map(|(first, members)| {
            let mut kinds: [Vec<Value>; 4] = Default::default();
            for rule in members {
                let description = rule.description.clone();
                let (kind, item) = match &rule.peer {
                    Peer::Cidr(cidr) => (0, json!({ "cidrIp": cidr, "description": description })),
                    Peer::CidrV6(cidr) => {
                        (1, json!({ "cidrIpv6": cidr, "description": description }))
                    }
                    Peer::PrefixList(id) => {
                        (2, json!({ "prefixListId": id, "description": description }))
                    }
                    Peer::Group { group_id, user_id } => (
                        3,
                        json!({ "userId": user_id, "groupId": group_id, "description": description }),
                    ),
                };
                kinds[kind].push(item);
            }
            let [ip_ranges, ipv6_ranges, prefix_lists, groups] = kinds;
            json!({
                "ipProtocol": first.protocol,
                "fromPort": first.from_port,
                "toPort": first.to_port,
                "groups": groups,
                "ipRanges": ip_ranges,
                "ipv6Ranges": ipv6_ranges,
                "prefixListIds": prefix_lists,
            })
        })
        .collect()
}

/// Whether `group` lets EC2 Instance Connect from the console in on TCP 22: a rule for TCP (or
/// all traffic) whose ports hold 22, from the region's Instance Connect prefix list or from a CIDR
/// holding the whole of its range (`0.0.0.0/0` included). A CIDR holding only part of the range
/// is not enough: Instance Connect may come from any address of it.
pub fn lets_instance_connect_in(group: &SecurityGroup, region: &str) -> bool {
    let list = super::prefix_lists::instance_connect(region);
    let ranges: Vec<Ipv4Net> = (list.iter())
        .flat_map(|list| list.cidrs.iter().filter_map(|cidr| cidr.parse().ok()))
        .collect();
    group.rules.iter().filter(|rule| !rule.egress).any(|rule| {
        let port_22 = match rule.protocol.as_str() {
            "-1" => true,
            "tcp" => rule.from_port.unwrap_or(0) <= 22 && 22 <= rule.to_port.unwrap_or(65535),
            _ => false,
        };
        let from_instance_connect = match &rule.peer {
            Peer::PrefixList(id) => list.as_ref().is_some_and(|list| list.id == *id),
            Peer::Cidr(cidr) => cidr.parse::<Ipv4Net>().is_ok_and(|net| {
                if ranges.is_empty() {
                    net.prefix_len() == 0
                } else {
                    ranges.iter().all(|range| net.contains(range))
                }
            }),
            Peer::CidrV6(_) | Peer::Group { .. } => false,
        };
        port_22 && from_instance_connect
    })
}

/// A new rule for the groups the emulator makes itself (the default group's, a new group's
/// egress rule): all traffic with `peer`.
pub fn all_traffic(id: String, egress: bool, peer: Peer) -> Rule {
    Rule {
        id,
        egress,
        protocol: "-1".into(),
        from_port: None,
        to_port: None,
        peer,
        description: None,
    }
}

/// Whether any rule of any group but `group_id` refers to `group_id` (then it cannot be deleted).
pub fn referenced(state: &RegionState, group_id: &str) -> bool {
    (state.security_groups.values()).filter(|group| group.id != group_id).any(|group| {
        (group.rules.iter())
            .any(|rule| matches!(&rule.peer, Peer::Group { group_id: id, .. } if id == group_id))
    })
}
