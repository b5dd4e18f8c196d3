//! The finer rules of policy-document checking: condition syntax, the "legacy parsing" stage
//! (exact `Allow`/`Deny`, parseable dates, resource ARNs with enough parts), resource formats,
//! and action vendors. [`super::documents`] runs them in AWS's order.

use serde_json::{Map, Value};

const CONDITION_OPERATORS: [&str; 27] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

const PARTITIONS: [&str; 8] =
    ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

const IAM_RESOURCE_STARTS: [&str; 13] = [
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
];

/// The operator of a condition block without its `ForAnyValue:`/`ForAllValues:` prefix and
/// `IfExists` suffix.
pub fn base_operator(operator: &str) -> &str {
    let operator = operator
        .strip_prefix("ForAnyValue:")
        .or_else(|| operator.strip_prefix("ForAllValues:"))
        .unwrap_or(operator);
    operator.strip_suffix("IfExists").unwrap_or(operator)
}

/// `{"Operator": {"key": string | bool | [values]}}`; an operator AWS does not know must have
/// an empty block.
pub fn condition_syntax(condition: &Value) -> bool {
    let Some(blocks) = condition.as_object() else { return false };
    blocks.iter().all(|(operator, block)| {
        let Some(entries) = block.as_object() else { return false };
        let values_ok = entries.values().all(|v| v.is_string() || v.is_boolean() || v.is_array());
        values_ok && (CONDITION_OPERATORS.contains(&base_operator(operator)) || entries.is_empty())
    })
}

/// The legacy-parsing stage, and the resource formats it goes with. `Err(())` is "The policy
/// failed legacy parsing"; `Ok(Some(message))` a resource format error, reported later (AWS
/// reports the last one it found).
pub fn legacy_and_resources(statements: &[Map<String, Value>]) -> Result<Option<String>, ()> {
    for statement in statements {
        let effect = statement.get("Effect").and_then(Value::as_str);
        if !matches!(effect, Some("Allow" | "Deny")) {
            return Err(());
        }
        if let Some(Value::Object(blocks)) = statement.get("Condition") {
            for (operator, block) in blocks {
                if base_operator(operator).starts_with("Date") {
                    check_dates(block)?;
                }
            }
        }
    }
    let mut error = None;
    for key in ["Resource", "NotResource"] {
        for statement in statements {
            let Some(value) = statement.get(key) else { continue };
            let mut resources: Vec<&str> = match value {
                Value::String(text) => vec![text.as_str()],
                Value::Array(items) => {
                    items.iter().filter_map(Value::as_str).filter(|r| !r.is_empty()).collect()
                }
                _ => Vec::new(),
            };
            resources.sort_unstable_by(|a, b| b.cmp(a));
            for resource in &resources {
                if let Some(message) = resource_format_error(resource) {
                    error = Some(message);
                }
            }
            if error.is_none() && resources.iter().any(|r| fails_legacy_resource(r)) {
                return Err(());
            }
        }
    }
    Ok(error)
}

fn check_dates(block: &Value) -> Result<(), ()> {
    let Some(entries) = block.as_object() else { return Err(()) };
    for value in entries.values() {
        match value {
            Value::String(text) => check_date(text)?,
            Value::Array(items) => {
                for item in items {
                    check_date(item.as_str().ok_or(())?)?;
                }
            }
            _ => return Err(()),
        }
    }
    Ok(())
}

/// A date condition value: ISO 8601 (loosely) or epoch seconds.
fn check_date(text: &str) -> Result<(), ()> {
    let number = |s: &str, min: i64, max: i64| -> Result<(), ()> {
        let n: i64 = s.trim().parse().map_err(|_| ())?;
        if (min..=max).contains(&n) { Ok(()) } else { Err(()) }
    };
    let lower = text.to_lowercase();
    if !lower.contains('t') && !lower.contains('-') {
        return number(&lower, 0, i64::MAX);
    }
    let (date, time) = lower.split_once('t').unwrap_or((&lower, ""));
    let (negative, date) = match date.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, date),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let year = if negative { format!("-{}", parts[0]) } else { parts[0].to_string() };
    number(&year, -292_275_054, 292_278_993)?;
    if let Some(month) = parts.get(1) {
        number(month, 1, 12)?;
    }
    if let Some(day) = parts.get(2) {
        number(day, 1, 31)?;
    }
    if parts.len() > 3 {
        return Err(());
    }
    let clock: Vec<&str> = time.split(':').collect();
    if !clock[0].is_empty() {
        number(clock[0], 0, 23)?;
    }
    if let Some(minutes) = clock.get(1) {
        number(minutes, 0, 59)?;
    }
    if clock.len() > 2 {
        // Seconds, then `z`, or `+hh[:mm]`, or nothing.
        let rest = clock[2..].join(":");
        let seconds = if let Some((seconds, after)) = rest.split_once('z') {
            if !after.is_empty() {
                return Err(());
            }
            seconds.to_string()
        } else if let Some((seconds, zone)) = rest.split_once('+') {
            let (hours, minutes) = zone.split_once(':').unwrap_or((zone, ""));
            if hours.len() != 2 {
                return Err(());
            }
            number(hours, 0, 23)?;
            if zone.contains(':') {
                if minutes.len() != 2 {
                    return Err(());
                }
                number(minutes, 0, 59)?;
            }
            seconds.to_string()
        } else {
            rest
        };
        let (whole, fraction) = seconds.split_once('.').unwrap_or((&seconds, ""));
        number(whole, 0, 59)?;
        if seconds.contains('.') {
            number(fraction, 0, 999_999_999)?;
        }
    }
    Ok(())
}

/// The resource format messages, or `None` for a resource AWS takes.
fn resource_format_error(resource: &str) -> Option<String> {
    if resource == "*" {
        return None;
    }
    let Some((_, rest)) = resource.split_once(':') else {
        return Some(format!("Resource {resource} must be in ARN format or \"*\"."));
    };
    let (partition, rest) = match rest.split_once(':') {
        Some((partition, rest)) => (partition, Some(rest)),
        None => (rest, None),
    };
    if partition != "*" && !PARTITIONS.contains(&partition) {
        let parts: Vec<&str> = rest.unwrap_or("").split(':').collect();
        let part = |i: usize| parts.get(i).copied().unwrap_or("*");
        let first = if parts[0].is_empty() && parts.len() == 1 { "*" } else { parts[0] };
        let last = if parts.len() > 3 { parts[3..].join(":") } else { "*".to_string() };
        return Some(format!(
            "Partition \"{partition}\" is not valid for resource \"arn:{partition}:{first}:{}:{}:{last}\".",
            part(1),
            part(2)
        ));
    }
    let Some(rest) = rest else {
        return Some("Resource vendor must be fully qualified and cannot contain regexes.".into());
    };
    let (service, region_on) = rest.split_once(':').unwrap_or((rest, ""));
    let resource_id = region_on.splitn(3, ':').nth(2).unwrap_or("");
    let has_region = !region_on.starts_with(':');
    match service {
        "iam" if has_region => {
            Some(format!("IAM resource {resource} cannot contain region information."))
        }
        "s3" if has_region && !resource_id.starts_with("accesspoint/") => {
            Some(format!("Resource {resource} can not contain region information."))
        }
        "iam"
            if resource_id != "*"
                && resource_id != "root"
                && !IAM_RESOURCE_STARTS.iter().any(|start| resource_id.starts_with(start)) =>
        {
            Some(format!(
                "IAM resource path must either be \"*\", root, or start with {}.",
                IAM_RESOURCE_STARTS.join(", ")
            ))
        }
        _ => None,
    }
}

/// Old parsers wanted every part of an ARN: five colons, and a service.
fn fails_legacy_resource(resource: &str) -> bool {
    resource != "*"
        && ((resource.matches(':').count() < 5 && resource.contains("::"))
            || resource.split(':').nth(2) == Some(""))
}

/// Every action names a vendor: `vendor:Action` with one colon and a vendor of letters, digits,
/// `-` and `.`, or `*`.
pub fn check_action_vendors(statements: &[Map<String, Value>]) -> Result<(), String> {
    for key in ["Action", "NotAction"] {
        for statement in statements {
            for action in super::documents::strings(statement.get(key)) {
                let parts: Vec<&str> = action.split(':').collect();
                if parts.len() == 1 && parts[0] != "*" {
                    return Err(
                        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, \
                                ec2, etc."
                            .to_string(),
                    );
                }
                if parts.len() > 2 {
                    return Err("Actions/Condition can contain only one colon.".to_string());
                }
                let vendor = parts[0];
                if vendor != "*"
                    && !vendor.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
                {
                    return Err(format!("Vendor {vendor} is not valid"));
                }
            }
        }
    }
    Ok(())
}

/// The actions a trust policy may grant.
pub fn is_trust_action(action: &str) -> bool {
    const ACTIONS: [&str; 8] = [
        "*",
        "sts:*",
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
        "sts:TagSession",
        "sts:SetSourceIdentity",
        "sts:SetContext",
    ];
    ACTIONS.iter().any(|allowed| allowed.eq_ignore_ascii_case(action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_like_aws_legacy_parser() {
        for good in
            ["2020-01-01", "2020-01-01T12:00:00Z", "2016-12-13t2:00:00.593194+10:59", "1600000000"]
        {
            assert_eq!(check_date(good), Ok(()), "{good}");
        }
        for bad in [
            "sdfdsf",
            "234-13",
            "2016-12-13t2:00:00.593194+1",
            "9223372036854775808",
            "2020-01-01T25:00",
        ] {
            assert_eq!(check_date(bad), Err(()), "{bad}");
        }
    }

    #[test]
    fn resource_formats() {
        assert_eq!(
            resource_format_error("arn:aws:dynamodb:us-east-1:000000000000:table/customers"),
            None
        );
        assert_eq!(
            resource_format_error("a:bsdfdsafsad").as_deref(),
            Some(
                "Partition \"bsdfdsafsad\" is not valid for resource \"arn:bsdfdsafsad:*:*:*:*\"."
            )
        );
        assert_eq!(
            resource_format_error("aws:s3:::example_bucket").as_deref(),
            Some("Partition \"s3\" is not valid for resource \"arn:s3:::example_bucket:*\".")
        );
        assert_eq!(
            resource_format_error("arn:aws").as_deref(),
            Some("Resource vendor must be fully qualified and cannot contain regexes.")
        );
        assert!(
            resource_format_error("arn:aws:iam:us-east-1::role/x")
                .unwrap()
                .contains("cannot contain region")
        );
        assert!(
            resource_format_error("arn:aws:iam:::bucket").unwrap().starts_with("IAM resource path")
        );
        assert!(fails_legacy_resource("arn:aws:s3::example_bucket"));
        assert!(fails_legacy_resource("arn:aws::::example_bucket"));
        assert!(!fails_legacy_resource("arn:aws:s3:::example_bucket"));
    }

    #[test]
    fn trust_actions_are_sts_ones() {
        assert!(is_trust_action("sts:AssumeRole") && is_trust_action("STS:assumerole"));
        assert!(!is_trust_action("sts:InvalidAction") && !is_trust_action("s3:GetObject"));
    }
}
