//! A policy document, given as JSON, read into statements the evaluator can work on.
//!
//! The grammar accepted (AWS's, with its usual shorthands):
//!
//! ```text
//! policy     = { "Version"?: "2012-10-17" | "2008-10-17", "Id"?: _, "Statement": statement | [statement] }
//! statement  = { "Sid"?: _, "Effect": "Allow" | "Deny",
//!                ("Action" | "NotAction"): names,
//!                ("Resource" | "NotResource")?: names,
//!                ("Principal" | "NotPrincipal")?: "*" | { type: names },
//!                "Condition"?: { operator: { key: scalar | [scalar] } } }
//! names      = string | [string]
//! scalar     = string | number | boolean
//! ```
//!
//! Reading never fails: IAM refuses malformed documents when they are stored, and here a
//! statement that does not fit the grammar (a missing `Effect`, both `Action` and `NotAction`,
//! a condition value that is an object, …) is dropped, so it never matches. A statement without
//! `Resource` applies to any resource, as in a role's trust policy.

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Effect {
    Allow,
    Deny,
}

/// The names of `Action`/`NotAction`, `Resource`/`NotResource`: `negated` for the `Not` form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Names {
    pub negated: bool,
    pub patterns: Vec<String>,
}

/// `Principal` / `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Principals {
    pub negated: bool,
    /// `"*"`.
    pub anyone: bool,
    /// `("AWS", ["arn:…", "123456789012"])`, `("Service", ["lambda.amazonaws.com"])`, …
    pub by_type: Vec<(String, Vec<String>)>,
}

/// One key under one operator: `"ArnLike": {"aws:SourceArn": "arn:…"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Condition {
    pub operator: String,
    pub key: String,
    /// The policy's values as text (`true` and `5` as `"true"` and `"5"`).
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Statement {
    /// The statement's position in the document, for messages.
    pub index: usize,
    pub effect: Effect,
    pub actions: Names,
    pub resources: Option<Names>,
    pub principals: Option<Principals>,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Policy {
    /// Policy variables are only replaced in version `2012-10-17`; in older or unversioned
    /// documents `${…}` is literal text.
    pub variables: bool,
    pub statements: Vec<Statement>,
}

impl Policy {
    pub(super) fn read(document: &Value) -> Policy {
        let variables = document.get("Version").and_then(Value::as_str) == Some("2012-10-17");
        let statements = match document.get("Statement") {
            Some(Value::Array(statements)) => statements.iter().collect(),
            Some(statement) => vec![statement],
            None => Vec::new(),
        };
        let statements = statements
            .into_iter()
            .enumerate()
            .filter_map(|(index, statement)| read_statement(index, statement.as_object()?))
            .collect();
        Policy { variables, statements }
    }
}

fn read_statement(index: usize, statement: &Map<String, Value>) -> Option<Statement> {
    let effect = match statement.get("Effect")?.as_str()? {
        "Allow" => Effect::Allow,
        "Deny" => Effect::Deny,
        _ => return None,
    };
    let actions = read_pair(statement, "Action", "NotAction")??;
    let resources = read_pair(statement, "Resource", "NotResource")?;
    let principals = match (statement.get("Principal"), statement.get("NotPrincipal")) {
        (None, None) => None,
        (Some(value), None) => Some(read_principals(value, false)?),
        (None, Some(value)) => Some(read_principals(value, true)?),
        (Some(_), Some(_)) => return None,
    };
    let conditions = match statement.get("Condition") {
        None => Vec::new(),
        Some(block) => read_conditions(block.as_object()?)?,
    };
    Some(Statement { index, effect, actions, resources, principals, conditions })
}

/// `Some(None)`: neither is present; `None`: malformed (both, or a value that is not names).
fn read_pair(
    statement: &Map<String, Value>,
    positive: &str,
    negative: &str,
) -> Option<Option<Names>> {
    match (statement.get(positive), statement.get(negative)) {
        (None, None) => Some(None),
        (Some(value), None) => Some(Some(Names { negated: false, patterns: read_names(value)? })),
        (None, Some(value)) => Some(Some(Names { negated: true, patterns: read_names(value)? })),
        (Some(_), Some(_)) => None,
    }
}

fn read_names(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(name) => Some(vec![name.clone()]),
        Value::Array(names) => names.iter().map(|name| name.as_str().map(str::to_string)).collect(),
        _ => None,
    }
}

fn read_principals(value: &Value, negated: bool) -> Option<Principals> {
    match value {
        Value::String(star) if star == "*" => {
            Some(Principals { negated, anyone: true, by_type: Vec::new() })
        }
        Value::Object(types) => {
            let by_type = types
                .iter()
                .map(|(kind, names)| Some((kind.clone(), read_names(names)?)))
                .collect::<Option<_>>()?;
            Some(Principals { negated, anyone: false, by_type })
        }
        _ => None,
    }
}

fn read_conditions(block: &Map<String, Value>) -> Option<Vec<Condition>> {
    let mut conditions = Vec::new();
    for (operator, keys) in block {
        for (key, values) in keys.as_object()? {
            let values = match values {
                Value::Array(values) => values.iter().map(scalar).collect::<Option<_>>()?,
                value => vec![scalar(value)?],
            };
            conditions.push(Condition { operator: operator.clone(), key: key.clone(), values });
        }
    }
    Some(conditions)
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statement_may_be_an_object_or_an_array_and_names_a_string_or_an_array() {
        let single = Policy::read(&json!({
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
        }));
        let listed = Policy::read(&json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}]
        }));
        assert_eq!(single, listed);
        assert!(single.variables);
        assert_eq!(single.statements[0].actions.patterns, ["s3:GetObject"]);
    }

    #[test]
    fn not_forms_are_read_as_negated() {
        let policy = Policy::read(&json!({
            "Statement": {"Effect": "Deny", "NotAction": "iam:*", "NotResource": ["a", "b"]}
        }));
        let statement = &policy.statements[0];
        assert_eq!(statement.effect, Effect::Deny);
        assert!(statement.actions.negated);
        assert_eq!(statement.resources.as_ref().unwrap().patterns, ["a", "b"]);
        assert!(statement.resources.as_ref().unwrap().negated);
        assert!(!policy.variables, "no Version means 2008-10-17: no policy variables");
    }

    #[test]
    fn condition_values_of_any_scalar_type_become_text() {
        let policy = Policy::read(&json!({
            "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
                "Bool": {"aws:SecureTransport": true},
                "NumericLessThan": {"s3:max-keys": [10, "20"]}
            }}
        }));
        let conditions = &policy.statements[0].conditions;
        assert_eq!(conditions[0].values, ["true"]);
        assert_eq!(conditions[1].operator, "NumericLessThan");
        assert_eq!(conditions[1].values, ["10", "20"]);
    }

    #[test]
    fn malformed_statements_are_dropped_and_the_others_kept_with_their_positions() {
        let policy = Policy::read(&json!({
            "Statement": [
                {"Effect": "allow", "Action": "*", "Resource": "*"},
                {"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"},
                {"Effect": "Allow", "Resource": "*"},
                {"Effect": "Allow", "Action": 5, "Resource": "*"},
                {"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {"k": {"x": 1}}}},
                "not an object",
                {"Effect": "Allow", "Action": "*", "Principal": {"AWS": ["123456789012"]}}
            ]
        }));
        assert_eq!(policy.statements.len(), 1);
        let kept = &policy.statements[0];
        assert_eq!(kept.index, 6);
        assert_eq!(kept.resources, None);
        let principals = kept.principals.as_ref().unwrap();
        assert_eq!(principals.by_type, [("AWS".to_string(), vec!["123456789012".to_string()])]);
    }

    #[test]
    fn documents_without_statements_have_none() {
        assert!(Policy::read(&json!({"Version": "2012-10-17"})).statements.is_empty());
        assert!(Policy::read(&json!("text")).statements.is_empty());
        assert!(Policy::read(&json!(null)).statements.is_empty());
    }
}
