//! Who may assume a role: a role's trust policy, evaluated for one principal and one action.
//!
//! A request is allowed when an `Allow` statement matches it and no `Deny` statement does. A
//! statement matches when its action (or `NotAction`), its principal (or `NotPrincipal`) and all
//! its conditions match. Principals are matched as AWS matches them in trust policies:
//! `"AWS": "*"` is anyone; `"AWS": "ACCOUNT"` or `"AWS": "arn:aws:iam::ACCOUNT:root"` is any
//! principal of that account; otherwise the ARN must name the caller (a role session is named by
//! its role's ARN and by its assumed-role ARN). `"Service": "lambda.amazonaws.com"` is that
//! service.
//!
//! Conditions: the `String…`, `Arn…`, `Bool` and `Null` operators, with `IfExists`, over the
//! context keys the caller supplies (`sts:ExternalId`, `sts:RoleSessionName`,
//! `aws:PrincipalAccount`, …). Any other operator is taken as not satisfied, so an `Allow` that
//! needs one does not apply (fail closed). Not here: identity policies (`crate::policy`).

use super::documents::strings;
use serde_json::{Map, Value};

/// The principal asking to assume a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An IAM principal: its account and every ARN that names it.
    Aws { account: String, arns: Vec<String> },
    /// An AWS service, such as `lambda.amazonaws.com`.
    Service(String),
}

/// Whether `document` allows `principal` to perform `action`, given condition keys and values
/// (`context` keys compare without case, as IAM's do).
pub fn allows(
    document: &str,
    principal: &Principal,
    action: &str,
    context: &[(&str, &str)],
) -> bool {
    let Ok(Value::Object(root)) = serde_json::from_str::<Value>(document) else { return false };
    let statements: Vec<&Map<String, Value>> = match root.get("Statement") {
        Some(Value::Object(one)) => vec![one],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_object).collect(),
        _ => return false,
    };
    let applies = |s: &&Map<String, Value>| {
        action_matches(s, action) && principal_matches(s, principal) && conditions_hold(s, context)
    };
    let effect_is = |s: &&Map<String, Value>, effect: &str| {
        s.get("Effect").and_then(Value::as_str) == Some(effect)
    };
    let denied = statements.iter().filter(|s| effect_is(s, "Deny")).any(applies);
    let allowed = statements.iter().filter(|s| effect_is(s, "Allow")).any(applies);
    allowed && !denied
}

fn action_matches(statement: &Map<String, Value>, action: &str) -> bool {
    if let Some(actions) = statement.get("Action") {
        strings(Some(actions)).iter().any(|pattern| wildcard_match(pattern, action, true))
    } else if let Some(actions) = statement.get("NotAction") {
        !strings(Some(actions)).iter().any(|pattern| wildcard_match(pattern, action, true))
    } else {
        false
    }
}

fn principal_matches(statement: &Map<String, Value>, principal: &Principal) -> bool {
    if let Some(named) = statement.get("Principal") {
        names_principal(named, principal)
    } else if let Some(named) = statement.get("NotPrincipal") {
        !names_principal(named, principal)
    } else {
        false
    }
}

fn names_principal(named: &Value, principal: &Principal) -> bool {
    let map = match named {
        Value::String(star) => return star == "*",
        Value::Object(map) => map,
        _ => return false,
    };
    match principal {
        Principal::Aws { account, arns } => strings(map.get("AWS")).iter().any(|id| {
            *id == "*"
                || *id == account
                || *id == format!("arn:aws:iam::{account}:root")
                || arns.iter().any(|arn| arn == id)
        }),
        Principal::Service(service) => {
            strings(map.get("Service")).iter().any(|id| id.eq_ignore_ascii_case(service))
        }
    }
}

fn conditions_hold(statement: &Map<String, Value>, context: &[(&str, &str)]) -> bool {
    let Some(Value::Object(blocks)) = statement.get("Condition") else { return true };
    blocks.iter().all(|(operator, block)| {
        let Value::Object(entries) = block else { return false };
        entries.iter().all(|(key, expected)| condition_holds(operator, key, expected, context))
    })
}

fn condition_holds(operator: &str, key: &str, expected: &Value, context: &[(&str, &str)]) -> bool {
    let actual = context.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| *v);
    let expected: Vec<String> = match expected {
        Value::Array(items) => items.iter().map(scalar_text).collect(),
        other => vec![scalar_text(other)],
    };
    let (base, if_exists) = match operator.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (operator, false),
    };
    if base == "Null" {
        // `"Null": {"key": "true"}` holds when the key is absent.
        return expected.iter().any(|e| (e == "true") == actual.is_none());
    }
    let Some(actual) = actual else { return if_exists };
    let any = |test: &dyn Fn(&str) -> bool| expected.iter().any(|e| test(e));
    match base {
        "StringEquals" | "ArnEquals" => any(&|e| e == actual),
        "StringNotEquals" | "ArnNotEquals" => !any(&|e| e == actual),
        "StringEqualsIgnoreCase" => any(&|e| e.eq_ignore_ascii_case(actual)),
        "StringNotEqualsIgnoreCase" => !any(&|e| e.eq_ignore_ascii_case(actual)),
        "StringLike" | "ArnLike" => any(&|e| wildcard_match(e, actual, false)),
        "StringNotLike" | "ArnNotLike" => !any(&|e| wildcard_match(e, actual, false)),
        "Bool" => any(&|e| e.eq_ignore_ascii_case(actual)),
        _ => false,
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `*` (any run) and `?` (any one character) matching.
pub fn wildcard_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let fold = |s: &str| if ignore_case { s.to_lowercase() } else { s.to_string() };
    let pattern: Vec<char> = fold(pattern).chars().collect();
    let text: Vec<char> = fold(text).chars().collect();
    let (mut p, mut t) = (0, 0);
    let (mut star, mut resume) = (None, 0);
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some(p);
            resume = t;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            resume += 1;
            t = resume;
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learner() -> Principal {
        Principal::Aws {
            account: "000000000000".into(),
            arns: vec!["arn:aws:iam::000000000000:root".into()],
        }
    }

    fn lambda() -> Principal {
        Principal::Service("lambda.amazonaws.com".into())
    }

    fn trust(principal: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}}"#
        )
    }

    #[test]
    fn the_account_and_anyone_trust_the_learner() {
        for principal in [
            r#"{"AWS":"arn:aws:iam::000000000000:root"}"#,
            r#"{"AWS":"000000000000"}"#,
            r#"{"AWS":"*"}"#,
            r#""*""#,
            r#"{"AWS":["111111111111","000000000000"]}"#,
        ] {
            assert!(allows(&trust(principal), &learner(), "sts:AssumeRole", &[]), "{principal}");
        }
        assert!(!allows(&trust(r#"{"AWS":"111111111111"}"#), &learner(), "sts:AssumeRole", &[]));
    }

    #[test]
    fn a_service_role_trusts_only_its_service() {
        let document = trust(r#"{"Service":"lambda.amazonaws.com"}"#);
        assert!(!allows(&document, &learner(), "sts:AssumeRole", &[]));
        assert!(allows(&document, &lambda(), "sts:AssumeRole", &[]));
        let apigateway = Principal::Service("apigateway.amazonaws.com".into());
        assert!(!allows(&document, &apigateway, "sts:AssumeRole", &[]));
        assert!(!allows(&document, &lambda(), "sts:TagSession", &[]));
    }

    #[test]
    fn a_role_session_is_named_by_its_role() {
        let session = Principal::Aws {
            account: "000000000000".into(),
            arns: vec![
                "arn:aws:sts::000000000000:assumed-role/first/s".into(),
                "arn:aws:iam::000000000000:role/first".into(),
            ],
        };
        let document = trust(r#"{"AWS":"arn:aws:iam::000000000000:role/first"}"#);
        assert!(allows(&document, &session, "sts:AssumeRole", &[]));
        assert!(!allows(&document, &learner(), "sts:AssumeRole", &[]));
    }

    #[test]
    fn deny_wins_and_conditions_count() {
        let document = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:*","Condition":{"StringEquals":{"sts:ExternalId":"lab-42"}}},
            {"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"sts:RoleSessionName":"blocked-*"}}}]}"#;
        let run =
            |context: &[(&str, &str)]| allows(document, &learner(), "sts:AssumeRole", context);
        assert!(run(&[("sts:ExternalId", "lab-42"), ("sts:RoleSessionName", "me")]));
        assert!(!run(&[("sts:ExternalId", "wrong"), ("sts:RoleSessionName", "me")]));
        assert!(!run(&[("sts:RoleSessionName", "me")]));
        assert!(!run(&[("sts:externalid", "lab-42"), ("sts:RoleSessionName", "blocked-1")]));
        let unknown = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}"#;
        assert!(!allows(unknown, &learner(), "sts:AssumeRole", &[]));
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("sts:*", "sts:AssumeRole", true));
        assert!(wildcard_match("STS:assume?ole", "sts:AssumeRole", true));
        assert!(!wildcard_match("sts:Assume", "sts:AssumeRole", true));
        assert!(wildcard_match("a*b*c", "aXXbYYc", false) && !wildcard_match("a*b", "aXXc", false));
        assert!(!allows("not json", &learner(), "sts:AssumeRole", &[]));
    }
}
