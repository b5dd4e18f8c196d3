//! Matching a check's `expect` against what the target describes, with per-field differences.
//!
//! `expect` is a subset of the resource's description:
//! - a table matches an object that has every listed key, each matching (other keys are ignored);
//! - a list matches a list in which every expected element matches a different actual element,
//!   in any order (extra actual elements are allowed: use `$exactly` to forbid them);
//! - a scalar matches an equal scalar; a number matches an equal number whatever its type
//!   (`100000` and `100000.0`), since AWS returns thresholds as floating point.
//!
//! A table whose single key starts with `$` is an operator:
//!
//! | operator | matches |
//! |---|---|
//! | `{ "$exactly" = [ … ] }` | a list with exactly these elements, in any order |
//! | `{ "$like" = "arn:aws:iam::*:role/x" }` | a string matching the pattern, `*` standing for any text |
//! | `{ "$one_of" = [a, b] }` | a value matching one of those |
//! | `{ "$between" = [40, 60] }` | a number in the closed range |
//! | `{ "$absent" = true }` | a key that is not there (or `null`) |

use crate::text::{Lang, Localized};
use serde_json::Value;
use std::fmt;

/// The operators `expect` may use.
pub const OPERATORS: &[&str] = &["$exactly", "$like", "$one_of", "$between", "$absent"];

/// One property that does not match.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDiff {
    /// Dotted path from the resource (`Threshold`, `KeySchema[0].AttributeName`).
    pub path: String,
    /// What the lab expected, in words, in both languages (the values themselves as they are).
    pub expected: Localized,
    /// What the target has, in words (`nothing`, 없음, when absent).
    pub found: Localized,
}

impl FieldDiff {
    /// The difference in one line in `lang`: `Threshold: expected 100000, found 10000`, or
    /// `Threshold: 기댓값 100000, 실제 10000`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Ko => {
                format!("{}: 기댓값 {}, 실제 {}", self.path, self.expected.ko, self.found.ko)
            }
        }
    }
}

impl fmt::Display for FieldDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: expected {}, found {}", self.path, self.expected.en, self.found.en)
    }
}

/// Compares `actual` with `expected`; an empty result means the check passes.
pub fn diff(expected: &Value, actual: &Value) -> Vec<FieldDiff> {
    let mut diffs = Vec::new();
    compare("", expected, Some(actual), &mut diffs);
    diffs
}

/// Whether `actual` matches `expected` (no differences).
pub fn matches(expected: &Value, actual: &Value) -> bool {
    diff(expected, actual).is_empty()
}

/// Checks that every operator in an `expect` value is known and well-formed; returns the
/// problem in words.
pub fn check_operators(expected: &Value) -> Result<(), String> {
    match expected {
        Value::Object(map) => {
            if let Some((name, argument)) = operator(expected) {
                return match (name, argument) {
                    ("$exactly" | "$one_of", Value::Array(items)) => {
                        items.iter().try_for_each(check_operators)
                    }
                    ("$like", Value::String(_)) => Ok(()),
                    ("$between", Value::Array(range))
                        if range.len() == 2 && range.iter().all(Value::is_number) =>
                    {
                        Ok(())
                    }
                    ("$absent", Value::Bool(true)) => Ok(()),
                    (name, _) if OPERATORS.contains(&name) => Err(format!(
                        "`{name}` takes {}",
                        match name {
                            "$exactly" | "$one_of" => "a list",
                            "$like" => "a text pattern",
                            "$between" => "two numbers, [low, high]",
                            _ => "`true`",
                        }
                    )),
                    (name, _) => Err(format!(
                        "unknown operator `{name}`: expected one of {}",
                        OPERATORS.join(", ")
                    )),
                };
            }
            if let Some(key) = map.keys().find(|key| key.starts_with('$')) {
                return Err(format!("operator `{key}` must be alone in its table"));
            }
            map.values().try_for_each(check_operators)
        }
        Value::Array(items) => items.iter().try_for_each(check_operators),
        _ => Ok(()),
    }
}

fn operator(value: &Value) -> Option<(&str, &Value)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let (name, argument) = map.iter().next()?;
    name.starts_with('$').then_some((name.as_str(), argument))
}

fn compare(path: &str, expected: &Value, actual: Option<&Value>, diffs: &mut Vec<FieldDiff>) {
    let actual = actual.filter(|value| !value.is_null());
    if let Some((name, argument)) = operator(expected) {
        if !operator_matches(name, argument, actual) {
            diffs.push(FieldDiff {
                path: display_path(path),
                expected: describe_operator(name, argument),
                found: describe(actual),
            });
        }
        return;
    }
    match (expected, actual) {
        (Value::Object(wanted), Some(Value::Object(have))) => {
            for (key, value) in wanted {
                compare(&join(path, key), value, have.get(key), diffs);
            }
        }
        (Value::Array(wanted), Some(Value::Array(have))) => {
            let unmatched = unmatched_elements(wanted, have);
            if unmatched.is_empty() {
                return;
            }
            // With one element on each side, say exactly which of its fields differ.
            if wanted.len() == 1 && have.len() == 1 {
                compare(&format!("{path}[0]"), &wanted[0], Some(&have[0]), diffs);
                return;
            }
            for element in unmatched {
                diffs.push(FieldDiff {
                    path: display_path(path),
                    expected: Localized::new(
                        format!("{}에 맞는 요소", compact(element)),
                        format!("an element matching {}", compact(element)),
                    ),
                    found: describe(actual),
                });
            }
        }
        (expected, actual) if scalar_equal(expected, actual) => {}
        (expected, actual) => diffs.push(FieldDiff {
            path: display_path(path),
            expected: as_is(compact(expected)),
            found: describe(actual),
        }),
    }
}

/// Expected elements left over after pairing each with a distinct matching actual element.
fn unmatched_elements<'a>(wanted: &'a [Value], have: &[Value]) -> Vec<&'a Value> {
    let mut used = vec![false; have.len()];
    let mut left = Vec::new();
    for element in wanted {
        let found = have
            .iter()
            .enumerate()
            .find(|(index, candidate)| !used[*index] && matches(element, candidate));
        match found {
            Some((index, _)) => used[index] = true,
            None => left.push(element),
        }
    }
    left
}

fn operator_matches(name: &str, argument: &Value, actual: Option<&Value>) -> bool {
    match (name, argument, actual) {
        ("$absent", _, actual) => actual.is_none(),
        ("$exactly", Value::Array(wanted), Some(Value::Array(have))) => {
            wanted.len() == have.len() && unmatched_elements(wanted, have).is_empty()
        }
        // AWS often shortens a one-element list to a string (`"Action": "dynamodb:PutItem"`).
        ("$exactly", Value::Array(wanted), Some(single)) => {
            wanted.len() == 1 && matches(&wanted[0], single)
        }
        ("$like", Value::String(pattern), Some(Value::String(text))) => like(pattern, text),
        ("$one_of", Value::Array(options), Some(actual)) => {
            options.iter().any(|option| matches(option, actual))
        }
        ("$between", Value::Array(range), Some(Value::Number(number))) => {
            match (range[0].as_f64(), range[1].as_f64(), number.as_f64()) {
                (Some(low), Some(high), Some(number)) => low <= number && number <= high,
                _ => false,
            }
        }
        _ => false,
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn like(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

fn scalar_equal(expected: &Value, actual: Option<&Value>) -> bool {
    match (expected, actual) {
        (Value::Number(a), Some(Value::Number(b))) => a.as_f64() == b.as_f64(),
        (expected, Some(actual)) => expected == actual,
        (_, None) => false,
    }
}

fn describe_operator(name: &str, argument: &Value) -> Localized {
    match (name, argument) {
        ("$exactly", argument) => {
            let list = compact(argument);
            Localized::new(format!("정확히 {list}"), format!("exactly {list}"))
        }
        ("$like", Value::String(pattern)) => {
            Localized::new(format!("{pattern} 꼴의 텍스트"), format!("text like {pattern}"))
        }
        ("$one_of", Value::Array(options)) => {
            let options: Vec<String> = options.iter().map(compact).collect();
            let options = options.join(", ");
            Localized::new(format!("{options} 중 하나"), format!("one of {options}"))
        }
        ("$between", Value::Array(range)) if range.len() == 2 => {
            let (low, high) = (compact(&range[0]), compact(&range[1]));
            Localized::new(format!("{low} 이상 {high} 이하"), format!("between {low} and {high}"))
        }
        ("$absent", _) => nothing(),
        (name, argument) => as_is(format!("{name} {}", compact(argument))),
    }
}

fn describe(actual: Option<&Value>) -> Localized {
    actual.map_or_else(nothing, |value| as_is(compact(value)))
}

fn nothing() -> Localized {
    Localized::new("없음", "nothing")
}

/// A value, the same in both languages.
fn as_is(text: String) -> Localized {
    Localized::new(text.clone(), text)
}

/// A value in one line, without quotes around plain strings: `100000`, `customer_id`,
/// `{"AttributeName":"id"}`.
fn compact(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => match number.as_f64() {
            Some(float) if float.fract() == 0.0 && float.abs() < 1e15 => format!("{float:.0}"),
            _ => number.to_string(),
        },
        other => other.to_string(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn display_path(path: &str) -> String {
    if path.is_empty() { "(value)".to_string() } else { path.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn threshold_difference_reads_like_the_console() {
        let diffs = diff(
            &json!({"Threshold": 100000, "Namespace": "AWS/EBS"}),
            &json!({"Threshold": 10000.0, "Namespace": "AWS/EBS", "Period": 300}),
        );
        assert_eq!(diffs.len(), 1);
        assert_eq!(diffs[0].to_string(), "Threshold: expected 100000, found 10000");
    }

    #[test]
    fn integer_and_float_numbers_are_equal() {
        assert!(matches(&json!({"Threshold": 100000}), &json!({"Threshold": 100000.0})));
    }

    #[test]
    fn single_element_lists_are_compared_field_by_field() {
        let diffs = diff(
            &json!({"KeySchema": [{"AttributeName": "customer_id", "KeyType": "HASH"}]}),
            &json!({"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
        );
        assert_eq!(
            diffs.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["KeySchema[0].AttributeName: expected customer_id, found id"]
        );
    }

    #[test]
    fn lists_match_as_unordered_subsets() {
        let expected = json!({"AttachedPolicies": ["aws-lab-dynamodb-putitem-policy"]});
        assert!(matches(
            &expected,
            &json!({"AttachedPolicies": ["AWSLambdaBasicExecutionRole", "aws-lab-dynamodb-putitem-policy"]})
        ));
        let diffs = diff(&expected, &json!({"AttachedPolicies": ["a", "b"]}));
        assert_eq!(
            diffs[0].to_string(),
            "AttachedPolicies: expected an element matching aws-lab-dynamodb-putitem-policy, \
             found [\"a\",\"b\"]"
        );
    }

    #[test]
    fn missing_properties_are_found_as_nothing() {
        let diffs = diff(&json!({"AlarmDescription": "too much"}), &json!({}));
        assert_eq!(diffs[0].to_string(), "AlarmDescription: expected too much, found nothing");
    }

    #[test]
    fn exactly_forbids_extra_actions_and_accepts_aws_shorthand() {
        let expected = json!({"Action": {"$exactly": ["dynamodb:PutItem"]}});
        assert!(matches(&expected, &json!({"Action": "dynamodb:PutItem"})));
        assert!(matches(&expected, &json!({"Action": ["dynamodb:PutItem"]})));
        let diffs = diff(&expected, &json!({"Action": ["dynamodb:PutItem", "dynamodb:*"]}));
        assert_eq!(
            diffs[0].to_string(),
            "Action: expected exactly [\"dynamodb:PutItem\"], found [\"dynamodb:PutItem\",\"dynamodb:*\"]"
        );
    }

    #[test]
    fn like_one_of_between_absent() {
        assert!(matches(
            &json!({"$like": "arn:aws:execute-api:*:*:*/*/GET/stagevariables"}),
            &json!("arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/stagevariables")
        ));
        assert!(!matches(&json!({"$like": "a*c"}), &json!("abd")));
        assert!(matches(&json!({"$like": "*"}), &json!("")));
        assert!(matches(&json!({"$one_of": ["python3.12", "python3.13"]}), &json!("python3.13")));
        assert!(matches(&json!({"v2": {"$between": [40, 60]}}), &json!({"v2": 52.5})));
        assert_eq!(
            diff(&json!({"v2": {"$between": [40, 60]}}), &json!({"v2": 71}))[0].to_string(),
            "v2: expected between 40 and 60, found 71"
        );
        assert!(matches(&json!({"canarySettings": {"$absent": true}}), &json!({})));
        assert!(!matches(
            &json!({"canarySettings": {"$absent": true}}),
            &json!({"canarySettings": {}})
        ));
    }

    #[test]
    fn operators_are_validated() {
        assert_eq!(check_operators(&json!({"a": {"$exactly": [1]}})), Ok(()));
        assert_eq!(
            check_operators(&json!({"a": {"$between": [1]}})),
            Err("`$between` takes two numbers, [low, high]".into())
        );
        assert!(
            check_operators(&json!({"a": {"$regex": "x"}}))
                .unwrap_err()
                .starts_with("unknown operator `$regex`")
        );
        assert_eq!(
            check_operators(&json!({"a": {"$like": "x", "b": 1}})),
            Err("operator `$like` must be alone in its table".into())
        );
    }
}
