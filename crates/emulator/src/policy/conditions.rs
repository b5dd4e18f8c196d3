//! The `Condition` element: operators, `…IfExists`, the `ForAnyValue:`/`ForAllValues:` set
//! qualifiers, and what happens when the request lacks a key.
//!
//! AWS's rules, as implemented here:
//! - every operator and every key of a block must hold (AND); several policy values for one
//!   key are alternatives (OR), except for negated operators (`StringNotEquals`, `ArnNotLike`,
//!   `NotIpAddress`, …), which hold when the request value matches none of them (NOR);
//! - a key missing from the request fails the condition, except for negated operators (which
//!   hold), `…IfExists` (which holds) and `Null` (which is about presence);
//! - `ForAnyValue:` holds when at least one request value passes (false when there are none),
//!   `ForAllValues:` when every one does (true when there are none);
//! - without a qualifier, a key with several values passes when any of them matches.
//!
//! Supported operator families: `String*` (`Equals`, `NotEquals`, `EqualsIgnoreCase`,
//! `NotEqualsIgnoreCase`, `Like`, `NotLike`), `Numeric*`, `Date*`, `Bool`, `BinaryEquals`,
//! `IpAddress`/`NotIpAddress`, `Arn*` (`Equals`, `Like`, `NotEquals`, `NotLike`) and `Null`.
//! Anything else is reported as unsupported.

use super::Context;
use super::document::Condition;
use super::pattern::{Case, Pattern, context_values};
use std::cmp::Ordering;
use std::net::IpAddr;
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetQualifier {
    None,
    ForAnyValue,
    ForAllValues,
}

/// How one request value is compared with one policy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Test {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    /// The comparison's outcome that passes: `Less` for `NumericLessThan`, and so on.
    Numeric(&'static [Ordering]),
    Date(&'static [Ordering]),
    Bool,
    BinaryEquals,
    IpAddress,
    Arn,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Operator {
    set: SetQualifier,
    test: Test,
    negated: bool,
    if_exists: bool,
}

const EQUAL: &[Ordering] = &[Ordering::Equal];
const LESS: &[Ordering] = &[Ordering::Less];
const LESS_EQUAL: &[Ordering] = &[Ordering::Less, Ordering::Equal];
const GREATER: &[Ordering] = &[Ordering::Greater];
const GREATER_EQUAL: &[Ordering] = &[Ordering::Greater, Ordering::Equal];

impl Operator {
    /// Operator names are matched exactly as AWS spells them.
    fn parse(name: &str) -> Option<Operator> {
        let (set, rest) = if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (SetQualifier::ForAnyValue, rest)
        } else if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (SetQualifier::ForAllValues, rest)
        } else {
            (SetQualifier::None, name)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let (test, negated) = match base {
            "StringEquals" => (Test::StringEquals, false),
            "StringNotEquals" => (Test::StringEquals, true),
            "StringEqualsIgnoreCase" => (Test::StringEqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (Test::StringEqualsIgnoreCase, true),
            "StringLike" => (Test::StringLike, false),
            "StringNotLike" => (Test::StringLike, true),
            "NumericEquals" => (Test::Numeric(EQUAL), false),
            "NumericNotEquals" => (Test::Numeric(EQUAL), true),
            "NumericLessThan" => (Test::Numeric(LESS), false),
            "NumericLessThanEquals" => (Test::Numeric(LESS_EQUAL), false),
            "NumericGreaterThan" => (Test::Numeric(GREATER), false),
            "NumericGreaterThanEquals" => (Test::Numeric(GREATER_EQUAL), false),
            "DateEquals" => (Test::Date(EQUAL), false),
            "DateNotEquals" => (Test::Date(EQUAL), true),
            "DateLessThan" => (Test::Date(LESS), false),
            "DateLessThanEquals" => (Test::Date(LESS_EQUAL), false),
            "DateGreaterThan" => (Test::Date(GREATER), false),
            "DateGreaterThanEquals" => (Test::Date(GREATER_EQUAL), false),
            "Bool" => (Test::Bool, false),
            "BinaryEquals" => (Test::BinaryEquals, false),
            "IpAddress" => (Test::IpAddress, false),
            "NotIpAddress" => (Test::IpAddress, true),
            // AWS documents ArnEquals and ArnLike as the same comparison, wildcards included.
            "ArnEquals" | "ArnLike" => (Test::Arn, false),
            "ArnNotEquals" | "ArnNotLike" => (Test::Arn, true),
            "Null" if set == SetQualifier::None && !if_exists => (Test::Null, false),
            _ => return None,
        };
        Some(Operator { set, test, negated, if_exists })
    }
}

/// The operator of a condition the module does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct UnsupportedOperator(pub String);

/// Whether `condition` holds for the request `context`. `variables`: the policy's version
/// allows policy variables in the condition's values.
pub(super) fn holds(
    condition: &Condition,
    context: &Context,
    variables: bool,
) -> Result<bool, UnsupportedOperator> {
    let operator = Operator::parse(&condition.operator)
        .ok_or_else(|| UnsupportedOperator(condition.operator.clone()))?;
    let request_values = context_values(context, &condition.key);
    if operator.test == Test::Null {
        // `"Null": {"key": "true"}` holds when the key is absent.
        return Ok(condition.values.iter().any(|value| {
            parse_bool(value).is_some_and(|wants_absent| wants_absent == request_values.is_empty())
        }));
    }
    if request_values.is_empty() {
        return Ok(operator.if_exists
            || match operator.set {
                SetQualifier::None => operator.negated,
                SetQualifier::ForAnyValue => false,
                SetQualifier::ForAllValues => true,
            });
    }
    let variables = variables.then_some(context);
    let matches_a_policy_value = |request_value: &String| {
        condition
            .values
            .iter()
            .any(|policy_value| compare(operator.test, request_value, policy_value, variables))
    };
    let passes = |request_value: &String| matches_a_policy_value(request_value) != operator.negated;
    Ok(match operator.set {
        SetQualifier::None if operator.negated => request_values.iter().all(passes),
        SetQualifier::None | SetQualifier::ForAnyValue => request_values.iter().any(passes),
        SetQualifier::ForAllValues => request_values.iter().all(passes),
    })
}

/// One request value against one policy value, before negation. A value that cannot be read
/// (a number that is not one, a bad date, a variable without a value) does not match.
fn compare(test: Test, request: &str, policy: &str, variables: Option<&Context>) -> bool {
    match test {
        Test::StringEquals => {
            Pattern::new(policy, variables).is_some_and(|p| p.literal() == request)
        }
        Test::StringEqualsIgnoreCase => Pattern::new(policy, variables)
            .is_some_and(|p| p.literal().to_lowercase() == request.to_lowercase()),
        Test::StringLike => {
            Pattern::new(policy, variables).is_some_and(|p| p.matches(request, Case::Sensitive))
        }
        Test::Arn => Pattern::new(policy, variables).is_some_and(|p| p.matches_arn(request)),
        Test::Numeric(passing) => match (parse_number(request), parse_number(policy)) {
            (Some(request), Some(policy)) => {
                request.partial_cmp(&policy).is_some_and(|order| passing.contains(&order))
            }
            _ => false,
        },
        Test::Date(passing) => match (parse_date(request), parse_date(policy)) {
            (Some(request), Some(policy)) => passing.contains(&request.cmp(&policy)),
            _ => false,
        },
        Test::Bool => {
            parse_bool(request).is_some_and(|request| Some(request) == parse_bool(policy))
        }
        Test::BinaryEquals => request == policy,
        Test::IpAddress => match (parse_cidr(policy), parse_cidr(request)) {
            (Some(network), Some((address, _))) => network_contains(network, address),
            _ => false,
        },
        Test::Null => false,
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|number| number.is_finite())
}

/// Nanoseconds since the epoch, from ISO 8601 (`2024-05-01T12:00:00Z`, `2024-05-01`, with or
/// without an offset, which defaults to UTC) or from epoch seconds (`1714564800`).
fn parse_date(text: &str) -> Option<i128> {
    let text = text.trim();
    if let Ok(moment) = OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(text, &Iso8601::DEFAULT))
        .or_else(|_| PrimitiveDateTime::parse(text, &Iso8601::DEFAULT).map(|m| m.assume_utc()))
    {
        return Some(moment.unix_timestamp_nanos());
    }
    if let Ok(day) = Date::parse(text, format_description!("[year]-[month]-[day]")) {
        return Some(day.midnight().assume_utc().unix_timestamp_nanos());
    }
    let seconds = parse_number(text)?;
    // Epoch seconds beyond ±10^12 are no real time (and would overflow below).
    (seconds.abs() < 1e12).then_some((seconds * 1e9) as i128)
}

/// `203.0.113.0/24`, `2001:db8::/32`, or a bare address (a /32 or /128).
fn parse_cidr(text: &str) -> Option<(IpAddr, u8)> {
    let text = text.trim();
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    };
    let address: IpAddr = address.parse().ok()?;
    let width = if address.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        Some(prefix) => prefix.parse::<u8>().ok().filter(|prefix| *prefix <= width)?,
        None => width,
    };
    Some((address, prefix))
}

fn network_contains((network, prefix): (IpAddr, u8), address: IpAddr) -> bool {
    let (network, address, width) = match (network, address) {
        (IpAddr::V4(network), IpAddr::V4(address)) => {
            (u128::from(network.to_bits()), u128::from(address.to_bits()), 32)
        }
        (IpAddr::V6(network), IpAddr::V6(address)) => (network.to_bits(), address.to_bits(), 128),
        _ => return false,
    };
    let shift = width - u32::from(prefix);
    // A /0 network shifts every bit out (`checked_shr` refuses a shift by the full width).
    network.checked_shr(shift).unwrap_or(0) == address.checked_shr(shift).unwrap_or(0)
}

#[cfg(test)]
#[path = "conditions_tests.rs"]
mod tests;
