//! Security group rules asked for: `AuthorizeSecurityGroupIngress`/`Egress`,
//! `RevokeSecurityGroupIngress`/`Egress` and `DescribeSecurityGroupRules`.
//!
//! A permission with three CIDRs is three rules (see `rules`). Both the `IpPermissions` form and
//! the older flat form (`IpProtocol`, `FromPort`, `ToPort`, `CidrIp`, `SourceSecurityGroupName`)
//! that the CLI's `--protocol`/`--port`/`--cidr` stand for are read. AWS compares rules without
//! their descriptions, and stores a CIDR with its host bits cleared (`10.0.0.28/29` is
//! `10.0.0.24/29`).

use super::errors::Ec2Error;
use super::model::RegionState;
use super::rules::{Peer, Rule, permissions_json, rule_json};
use super::security_groups::{self, SecurityGroup};
use crate::config::ACCOUNT_ID;
use crate::protocol::lenient::option_i64;
use crate::services::iam::list;
use ipnet::IpNet;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionsInput {
    group_id: Option<String>,
    group_name: Option<String>,
    #[serde(default, rename = "IpPermissions", deserialize_with = "list")]
    ip_permissions: Vec<IpPermissionInput>,
    #[serde(default, rename = "SecurityGroupRuleId", deserialize_with = "list")]
    rule_ids: Vec<String>,
    // The flat form.
    ip_protocol: Option<String>,
    #[serde(default, deserialize_with = "option_i64")]
    from_port: Option<i64>,
    #[serde(default, deserialize_with = "option_i64")]
    to_port: Option<i64>,
    cidr_ip: Option<String>,
    source_security_group_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct IpPermissionInput {
    ip_protocol: Option<String>,
    #[serde(default, deserialize_with = "option_i64")]
    from_port: Option<i64>,
    #[serde(default, deserialize_with = "option_i64")]
    to_port: Option<i64>,
    #[serde(default, deserialize_with = "list")]
    ip_ranges: Vec<PeerInput>,
    #[serde(default, deserialize_with = "list")]
    ipv6_ranges: Vec<PeerInput>,
    #[serde(default, deserialize_with = "list")]
    prefix_list_ids: Vec<PeerInput>,
    /// `UserIdGroupPairs`, which the query protocol names `Groups`.
    #[serde(default, deserialize_with = "list")]
    groups: Vec<PeerInput>,
}

/// One peer of a permission, whichever kind.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PeerInput {
    cidr_ip: Option<String>,
    cidr_ipv6: Option<String>,
    prefix_list_id: Option<String>,
    group_id: Option<String>,
    group_name: Option<String>,
    user_id: Option<String>,
    description: Option<String>,
}

/// `a.b.c.d/n` with the host bits cleared, as AWS stores it (`10.0.0.28/29` is `10.0.0.24/29`).
fn cidr(text: &str, v6: bool) -> Result<String, Ec2Error> {
    let net: IpNet = text.parse().map_err(|_| Ec2Error::CidrMalformed(text.to_string()))?;
    if matches!(net, IpNet::V6(_)) != v6 {
        return Err(Ec2Error::CidrMalformed(text.to_string()));
    }
    Ok(net.trunc().to_string())
}

fn protocol(text: &str) -> Result<String, Ec2Error> {
    let name = match text.to_ascii_lowercase().as_str() {
        "-1" | "all" => "-1".to_string(),
        "tcp" | "6" => "tcp".to_string(),
        "udp" | "17" => "udp".to_string(),
        "icmp" | "1" => "icmp".to_string(),
        "icmpv6" | "58" => "icmpv6".to_string(),
        number if number.parse::<u8>().is_ok() => number.to_string(),
        // inferred
        _ => {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Invalid value '{text}' for IP protocol. Unknown protocol."
            )));
        }
    };
    Ok(name)
}

/// The port range a protocol keeps: both ends for TCP and UDP, type and code for ICMP, none for
/// the rest.
fn ports(protocol: &str, from: Option<i64>, to: Option<i64>) -> Result<Ports, Ec2Error> {
    match protocol {
        "tcp" | "udp" => {
            let (Some(from), Some(to)) = (from, to) else {
                return Err(Ec2Error::InvalidParameterValue(
                    "Invalid value for portRange. Must specify both from and to ports with TCP/UDP."
                        .into(),
                ));
            };
            if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) || from > to {
                // inferred
                return Err(Ec2Error::InvalidParameterValue(format!(
                    "Invalid TCP/UDP port range {from}-{to}."
                )));
            }
            Ok((Some(from), Some(to)))
        }
        "icmp" | "icmpv6" => Ok((Some(from.unwrap_or(-1)), Some(to.unwrap_or(-1)))),
        _ => Ok((None, None)),
    }
}

type Ports = (Option<i64>, Option<i64>);

/// The rules a request names (without ids yet), in order, each checked.
fn requested(
    state: &RegionState,
    region: &str,
    input: &PermissionsInput,
    egress: bool,
) -> Result<Vec<Rule>, Ec2Error> {
    let flat;
    let permissions = if input.ip_permissions.is_empty() {
        let group = input.source_security_group_name.clone();
        flat = IpPermissionInput {
            ip_protocol: input.ip_protocol.clone().or(group.as_ref().map(|_| "-1".into())),
            from_port: input.from_port,
            to_port: input.to_port,
            ip_ranges: (input.cidr_ip.iter())
                .map(|cidr| PeerInput { cidr_ip: Some(cidr.clone()), ..PeerInput::default() })
                .collect(),
            groups: (group.iter())
                .map(|name| PeerInput { group_name: Some(name.clone()), ..PeerInput::default() })
                .collect(),
            ..IpPermissionInput::default()
        };
        std::slice::from_ref(&flat)
    } else {
        input.ip_permissions.as_slice()
    };
    let mut rules = Vec::new();
    for permission in permissions {
        let peers = (permission.ip_ranges.iter())
            .chain(&permission.ipv6_ranges)
            .chain(&permission.prefix_list_ids)
            .chain(&permission.groups);
        let name = (permission.ip_protocol.as_deref())
            .ok_or_else(|| Ec2Error::MissingParameter("IpProtocol".into()))?;
        let protocol = protocol(name)?;
        let (from_port, to_port) = ports(&protocol, permission.from_port, permission.to_port)?;
        let before = rules.len();
        for peer_input in peers {
            rules.push(Rule {
                id: String::new(),
                egress,
                protocol: protocol.clone(),
                from_port,
                to_port,
                peer: peer(state, region, peer_input)?,
                description: peer_input.description.clone(),
            });
        }
        if rules.len() == before {
            return Err(Ec2Error::MissingSource);
        }
    }
    for (index, rule) in rules.iter().enumerate() {
        if rules[..index].iter().any(|earlier| earlier.same(rule)) {
            return Err(Ec2Error::PermissionRepeated);
        }
    }
    Ok(rules)
}

fn peer(state: &RegionState, region: &str, input: &PeerInput) -> Result<Peer, Ec2Error> {
    if let Some(text) = &input.cidr_ip {
        return Ok(Peer::Cidr(cidr(text, false)?));
    }
    if let Some(text) = &input.cidr_ipv6 {
        return Ok(Peer::CidrV6(cidr(text, true)?));
    }
    if let Some(id) = &input.prefix_list_id {
        return Ok(Peer::PrefixList(super::prefix_lists::find(region, id)?.id));
    }
    let group = match (&input.group_id, &input.group_name) {
        (Some(id), _) => security_groups::by_id(state, id)?,
        (None, Some(name)) => security_groups::by_name(state, region, name)?,
        (None, None) => return Err(Ec2Error::MissingSource),
    };
    let user_id = input.user_id.clone().unwrap_or_else(|| ACCOUNT_ID.to_string());
    Ok(Peer::Group { group_id: group.id.clone(), user_id })
}

/// `AuthorizeSecurityGroupIngress` (`egress` false) and `…Egress`.
pub fn authorize(
    state: &mut RegionState,
    region: &str,
    input: PermissionsInput,
    egress: bool,
) -> Result<Value, Ec2Error> {
    let group_id = security_groups::resolve(state, region, &input.group_id, &input.group_name)?;
    let mut rules = requested(state, region, &input, egress)?;
    let group = security_groups::by_id(state, &group_id)?;
    if let Some(rule) = rules.iter().find(|rule| group.rules.iter().any(|old| old.same(rule))) {
        return Err(Ec2Error::PermissionDuplicate(rule.words()));
    }
    for rule in &mut rules {
        rule.id = state.next_id(region, "sgr");
    }
    let group = security_groups::by_id_mut(state, &group_id)?;
    group.rules.extend(rules.iter().cloned());
    let items: Vec<Value> = rules.iter().map(|rule| rule_json(&group_id, rule, region)).collect();
    Ok(json!({ "return": true, "securityGroupRuleSet": items }))
}

/// `RevokeSecurityGroupIngress` (`egress` false) and `…Egress`: by rule id or by permission. Rules
/// that are not there are answered in `unknownIpPermissionSet`; when none is there, the call
/// fails.
pub fn revoke(
    state: &mut RegionState,
    region: &str,
    input: PermissionsInput,
    egress: bool,
) -> Result<Value, Ec2Error> {
    let group_id = security_groups::resolve(state, region, &input.group_id, &input.group_name)?;
    let group = security_groups::by_id(state, &group_id)?;
    let mut gone: Vec<Rule> = Vec::new();
    let mut unknown: Vec<Rule> = Vec::new();
    if input.rule_ids.is_empty() {
        for rule in requested(state, region, &input, egress)? {
            match group.rules.iter().find(|old| old.same(&rule)) {
                Some(old) => gone.push(old.clone()),
                None => unknown.push(rule),
            }
        }
        if gone.is_empty() {
            return Err(Ec2Error::PermissionNotFound);
        }
    } else {
        for id in &input.rule_ids {
            let rule = (group.rules.iter())
                .find(|rule| rule.id == *id && rule.egress == egress)
                .ok_or_else(|| Ec2Error::RuleNotFound(id.clone()))?;
            gone.push(rule.clone());
        }
    }
    let group = security_groups::by_id_mut(state, &group_id)?;
    group.rules.retain(|rule| !gone.iter().any(|revoked| revoked.id == rule.id));
    let revoked: Vec<Value> = (gone.iter())
        .map(|rule| {
            let mut item = rule_json(&group_id, rule, region);
            if let Some(fields) = item.as_object_mut() {
                // A revoked rule names the group it referred to by id only.
                if let Some(info) = fields.remove("referencedGroupInfo") {
                    fields.insert("referencedGroupId".into(), info["groupId"].clone());
                }
                for field in ["groupOwnerId", "tagSet", "securityGroupRuleArn"] {
                    fields.remove(field);
                }
            }
            item
        })
        .collect();
    let unknown = if unknown.is_empty() { Value::Null } else { json!(permissions_json(&unknown)) };
    Ok(json!({
        "return": true,
        "unknownIpPermissionSet": unknown,
        "revokedSecurityGroupRuleSet": revoked,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRulesInput {
    #[serde(default, rename = "SecurityGroupRuleId", deserialize_with = "list")]
    rule_ids: Vec<String>,
    #[serde(default, rename = "Filter", deserialize_with = "list")]
    filters: Vec<super::filters::Filter>,
}

pub fn describe_security_group_rules(
    state: &RegionState,
    region: &str,
    input: DescribeRulesInput,
) -> Result<Value, Ec2Error> {
    use super::filters;
    filters::check(&input.filters, &["group-id", "security-group-rule-id"])?;
    let all: Vec<(&SecurityGroup, &Rule)> = (security_groups::in_order(state).into_iter())
        .flat_map(|group| group.rules.iter().map(move |rule| (group, rule)))
        .collect();
    if let Some(missing) = input.rule_ids.iter().find(|id| !all.iter().any(|(_, r)| r.id == **id)) {
        return Err(Ec2Error::RuleNotFound(missing.clone()));
    }
    let items: Vec<Value> = (all.into_iter())
        .filter(|(_, rule)| input.rule_ids.is_empty() || input.rule_ids.contains(&rule.id))
        .filter(|(group, rule)| {
            filters::matches_all(&input.filters, |name| match name {
                "group-id" => vec![group.id.clone()],
                "security-group-rule-id" => vec![rule.id.clone()],
                _ => Vec::new(),
            })
        })
        .map(|(group, rule)| rule_json(&group.id, rule, region))
        .collect();
    Ok(json!({ "securityGroupRuleSet": items }))
}
