//! Policy documents: checked as AWS checks them, and URL-encoded as IAM returns them.
//!
//! AWS checks a document in stages and reports the first stage that fails, with one message per
//! stage ("Syntax errors in policy.", "Policy document must be version 2012-10-17 or greater.",
//! "The policy failed legacy parsing", …). The stages and their order follow AWS's recorded
//! answers to some eighty malformed documents (LocalStack's AWS-validated IAM snapshots; moto's
//! validator encodes the same rules). The finer rules of a stage live in [`super::rules`].
//!
//! Identity policies (`CreatePolicy`, `CreatePolicyVersion`, `PutRolePolicy`) and trust
//! policies (`CreateRole`, `UpdateAssumeRolePolicy`) share the syntax stage; trust policies then
//! need principals and only STS actions, and may not name resources.
//!
//! Not here: what a policy allows (identity policies are evaluated in `crate::policy`; trust
//! policies in [`super::trust`]).

use super::errors::IamError;
use super::names::parse_arn;
use super::rules;
use serde_json::{Map, Value};

pub const SYNTAX_ERRORS: &str = "Syntax errors in policy.";
const VERSION_TOO_OLD: &str = "Policy document must be version 2012-10-17 or greater.";
const LEGACY_PARSING: &str = "The policy failed legacy parsing";
const INVALID_JSON: &str = "This policy contains invalid Json";
const NO_PRINCIPALS: &str = "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: \
                             The passed in policy has a statement with no principals!";

/// The statements of a document that passed the syntax stage.
pub struct Statements {
    pub version: Option<String>,
    pub list: Vec<Map<String, Value>>,
}

/// Checks an identity policy: a managed policy version or a role's inline policy.
pub fn check_identity_policy(document: &str) -> Result<(), IamError> {
    let malformed = |message: &str| IamError::Malformed(message.to_string());
    let value: Value = serde_json::from_str(document).map_err(|_| malformed(SYNTAX_ERRORS))?;
    let statements = syntax(&value).ok_or_else(|| malformed(SYNTAX_ERRORS))?;
    if statements.version.as_deref() != Some("2012-10-17") {
        return Err(malformed(VERSION_TOO_OLD));
    }
    let resource_error =
        rules::legacy_and_resources(&statements.list).map_err(|()| malformed(LEGACY_PARSING))?;
    check_sids(&statements.list)?;
    if !all_have(&statements.list, "Action", "NotAction") {
        return Err(malformed("Policy statement must contain actions."));
    }
    if let Some(message) = resource_error {
        return Err(IamError::Malformed(message));
    }
    if !all_have(&statements.list, "Resource", "NotResource") {
        return Err(malformed("Policy statement must contain resources."));
    }
    rules::check_action_vendors(&statements.list).map_err(IamError::Malformed)?;
    if statements.list.iter().any(|s| s.contains_key("Principal") || s.contains_key("NotPrincipal"))
    {
        return Err(malformed("Policy document should not specify a principal."));
    }
    Ok(())
}

/// Checks a role's trust policy. `exists` tells whether an ARN names an existing role or user of
/// the emulator's account (AWS refuses principals that do not exist).
pub fn check_trust_policy(document: &str, exists: impl Fn(&str) -> bool) -> Result<(), IamError> {
    let malformed = |message: &str| IamError::Malformed(message.to_string());
    let value: Value = serde_json::from_str(document).map_err(|_| malformed(INVALID_JSON))?;
    if packed_size(document) > 2048 {
        return Err(IamError::TrustPolicySize);
    }
    let statements = syntax(&value).ok_or_else(|| malformed(SYNTAX_ERRORS))?;
    rules::legacy_and_resources(&statements.list).map_err(|()| malformed(LEGACY_PARSING))?;
    check_sids(&statements.list)?;
    if statements.list.iter().any(|s| s.contains_key("Resource") || s.contains_key("NotResource")) {
        return Err(malformed("Has prohibited field Resource"));
    }
    if !all_have(&statements.list, "Action", "NotAction") {
        return Err(malformed("Policy statement must contain actions."));
    }
    for statement in &statements.list {
        for action in strings(statement.get("Action")) {
            if !rules::is_trust_action(action) {
                return Err(malformed(
                    "AssumeRole policy may only specify STS AssumeRole actions.",
                ));
            }
        }
        let principal = statement.get("Principal").or_else(|| statement.get("NotPrincipal"));
        let Some(principal) = principal else { return Err(malformed(NO_PRINCIPALS)) };
        check_principal(principal, &exists)?;
    }
    Ok(())
}

/// The syntax stage: the shape of the JSON, before any meaning.
fn syntax(value: &Value) -> Option<Statements> {
    let root = value.as_object()?;
    const TOP: [&str; 4] = ["Version", "Id", "Statement", "Conditions"];
    if !root.keys().all(|key| TOP.contains(&key.as_str())) {
        return None;
    }
    let version = match root.get("Version") {
        None => None,
        Some(Value::String(v)) if v == "2012-10-17" || v == "2008-10-17" => Some(v.clone()),
        Some(_) => return None,
    };
    if root.get("Id").is_some_and(|id| !id.is_string()) {
        return None;
    }
    let list: Vec<Map<String, Value>> = match root.get("Statement")? {
        Value::Object(statement) => vec![statement.clone()],
        Value::Array(items) if !items.is_empty() => {
            items.iter().map(|item| item.as_object().cloned()).collect::<Option<_>>()?
        }
        _ => return None,
    };
    list.iter().all(statement_syntax).then_some(Statements { version, list })
}

fn statement_syntax(statement: &Map<String, Value>) -> bool {
    const KEYS: [&str; 9] = [
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
    ];
    let both = |a: &str, b: &str| statement.contains_key(a) && statement.contains_key(b);
    let effect_ok = statement
        .get("Effect")
        .and_then(Value::as_str)
        .is_some_and(|e| e.eq_ignore_ascii_case("allow") || e.eq_ignore_ascii_case("deny"));
    statement.keys().all(|key| KEYS.contains(&key.as_str()))
        && !both("Resource", "NotResource")
        && !both("Action", "NotAction")
        && !both("Principal", "NotPrincipal")
        && effect_ok
        && ["Action", "NotAction", "Resource", "NotResource"]
            .iter()
            .all(|key| statement.get(*key).is_none_or(string_or_strings))
        && statement.get("Sid").is_none_or(Value::is_string)
        && statement.get("Condition").is_none_or(rules::condition_syntax)
        && ["Principal", "NotPrincipal"]
            .iter()
            .all(|key| statement.get(*key).is_none_or(principal_syntax))
}

fn string_or_strings(value: &Value) -> bool {
    match value {
        Value::String(_) => true,
        Value::Array(items) => items.iter().all(|item| item.is_string() || item.is_null()),
        _ => false,
    }
}

fn principal_syntax(value: &Value) -> bool {
    match value {
        Value::String(text) => text == "*",
        Value::Object(map) => map.iter().all(|(kind, ids)| {
            ["AWS", "Service", "Federated", "CanonicalUser"].contains(&kind.as_str())
                && string_or_strings(ids)
        }),
        _ => false,
    }
}

/// The strings of a string-or-list element.
pub fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(text)) => vec![text.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Every statement has `a` or `b`, and a list given for them is not empty.
fn all_have(statements: &[Map<String, Value>], a: &str, b: &str) -> bool {
    statements.iter().all(|statement| match statement.get(a).or_else(|| statement.get(b)) {
        None => false,
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    })
}

fn check_sids(statements: &[Map<String, Value>]) -> Result<(), IamError> {
    let mut seen = Vec::new();
    for sid in statements.iter().filter_map(|s| s.get("Sid").and_then(Value::as_str)) {
        if !sid.is_empty() && seen.contains(&sid) {
            return Err(IamError::Malformed(
                "Statement IDs (SID) in a single policy must be unique.".to_string(),
            ));
        }
        seen.push(sid);
    }
    Ok(())
}

/// A trust policy's principals must exist: AWS accounts and ARNs of well-formed shape (roles and
/// users of this account that exist), and service principals that name a service.
fn check_principal(principal: &Value, exists: &impl Fn(&str) -> bool) -> Result<(), IamError> {
    let Value::Object(map) = principal else { return Ok(()) }; // "*"
    for (kind, ids) in map {
        for id in strings(Some(ids)) {
            let valid = match kind.as_str() {
                "AWS" => is_aws_principal(id, exists),
                "Service" => id.ends_with(".amazonaws.com") || id.ends_with(".amazonaws.com.cn"),
                _ => !id.is_empty(),
            };
            if !valid {
                let label = if kind == "Service" { "SERVICE" } else { kind.as_str() };
                return Err(IamError::Malformed(format!(
                    "Invalid principal in policy: \"{label}\":\"{id}\""
                )));
            }
        }
    }
    Ok(())
}

fn is_aws_principal(id: &str, exists: &impl Fn(&str) -> bool) -> bool {
    let is_account = |a: &str| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
    if id == "*" || is_account(id) {
        return true;
    }
    let Some(arn) = parse_arn(id) else { return false };
    if !is_account(arn.account) {
        return false;
    }
    let ours = arn.account == crate::ACCOUNT_ID;
    match arn.service {
        "iam" if arn.resource == "root" => true,
        "iam" if arn.resource.starts_with("role/") || arn.resource.starts_with("user/") => {
            !ours || exists(id)
        }
        "sts" => {
            arn.resource.starts_with("assumed-role/") || arn.resource.starts_with("federated-user/")
        }
        _ => false,
    }
}

/// A document's size as IAM's quotas count it: without whitespace.
pub fn packed_size(document: &str) -> usize {
    document.chars().filter(|c| !c.is_whitespace()).count()
}

/// The URL encoding (RFC 3986) of the documents in IAM's XML responses: every byte but
/// `A–Z a–z 0–9 - _ . ~` becomes `%XX`, spaces included (`%20`, never `+`).
pub fn url_encode(document: &str) -> String {
    let mut encoded = String::with_capacity(document.len() * 2);
    for byte in document.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
#[path = "documents_tests.rs"]
mod tests;
