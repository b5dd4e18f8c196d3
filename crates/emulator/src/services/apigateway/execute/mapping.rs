//! Non-proxy integrations' responses and templates: which integration response answers (by
//! `selectionPattern`, a regular expression matched against the whole Lambda `errorMessage`, or
//! against the status code for MOCK and HTTP; else the default response, the one without a
//! pattern), and what a mapping template does offline.
//!
//! There is no VTL engine here. A template that is empty passes the body through; one without
//! any VTL (`$` or `#`) is returned as written (so a MOCK integration's
//! `{"message": "hello"}` works); one whose only VTL is references to a Lambda authorizer's
//! results (`$context.authorizer.principalId`, `$context.authorizer.KEY`, or `${…}`) gets them
//! filled in ([`fill_authorizer`]); any other template passes the body through unchanged, and
//! the execution log says so.

use super::super::model::IntegrationResponse;
use std::collections::BTreeMap;

/// The integration response for a backend answer. `subject` is the Lambda error message (only
/// for function errors) or the status code (MOCK, HTTP); `None` selects the default response.
pub fn select<'a>(
    responses: &'a BTreeMap<String, IntegrationResponse>,
    subject: Option<&str>,
) -> Option<&'a IntegrationResponse> {
    if let Some(subject) = subject {
        let matched = responses.values().find(|response| {
            let pattern = response.selection_pattern.as_deref().unwrap_or_default();
            !pattern.is_empty() && matches_whole(pattern, subject)
        });
        if matched.is_some() {
            return matched;
        }
    }
    responses
        .values()
        .find(|response| response.selection_pattern.as_deref().is_none_or(str::is_empty))
}

/// Whether `pattern` matches all of `text`, as Java's `String.matches` does. A pattern the
/// regex engine cannot read matches nothing.
fn matches_whole(pattern: &str, text: &str) -> bool {
    regex::Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|regex| regex.is_match(text))
}

/// What a mapping template does offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template<'a> {
    /// No template, or an empty one: the body passes through.
    PassThrough,
    /// A template without VTL: this text is the body.
    Literal(&'a str),
    /// A template with VTL, which the emulator does not evaluate: the body passes through.
    NotEvaluated,
}

/// The template for a content type (`application/json` when none is given), as written.
pub fn chosen<'a>(
    templates: &'a BTreeMap<String, String>,
    content_type: Option<&str>,
) -> Option<&'a str> {
    let kind = content_type
        .and_then(|kind| kind.split(';').next())
        .map(str::trim)
        .filter(|kind| !kind.is_empty())
        .unwrap_or("application/json");
    let found = templates.get(kind).or_else(|| templates.get("application/json"));
    found.map(String::as_str)
}

/// The template for a content type (`application/json` when none is given), classified.
pub fn template<'a>(
    templates: &'a BTreeMap<String, String>,
    content_type: Option<&str>,
) -> Template<'a> {
    match chosen(templates, content_type) {
        None => Template::PassThrough,
        Some(text) if text.trim().is_empty() => Template::PassThrough,
        Some(text) if text.contains('$') || text.contains('#') => Template::NotEvaluated,
        Some(text) => Template::Literal(text),
    }
}

/// The status code a MOCK integration's request template asks for (`{"statusCode": 200}`);
/// 200 when it names none.
pub fn mock_status(templates: &BTreeMap<String, String>) -> u16 {
    let Some(template) = templates.get("application/json").or_else(|| templates.values().next())
    else {
        return 200;
    };
    let Some(start) = template.find("\"statusCode\"") else { return 200 };
    let rest = template[start + "\"statusCode\"".len()..].trim_start();
    let Some(rest) = rest.strip_prefix(':') else { return 200 };
    let digits: String = rest
        .trim_start()
        .trim_start_matches('"')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().filter(|status| (100..=599).contains(status)).unwrap_or(200)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn response(code: &str, pattern: Option<&str>) -> (String, IntegrationResponse) {
        let response = IntegrationResponse {
            status_code: code.into(),
            selection_pattern: pattern.map(Into::into),
            response_parameters: BTreeMap::new(),
            response_templates: BTreeMap::new(),
            content_handling: None,
        };
        (code.to_string(), response)
    }

    #[test]
    fn errors_pick_the_response_whose_pattern_matches_the_whole_message() {
        let responses = BTreeMap::from([
            response("200", None),
            response("400", Some(".*four hundred.*")),
            response("500", Some("Error: Raising five.*")),
        ]);
        assert_eq!(select(&responses, None).unwrap().status_code, "200");
        let four = "Error: Raising four hundred from within the Lambda function";
        assert_eq!(select(&responses, Some(four)).unwrap().status_code, "400");
        let five = "Error: Raising five hundred from within the Lambda function";
        assert_eq!(select(&responses, Some(five)).unwrap().status_code, "500");
        assert_eq!(select(&responses, Some("other")).unwrap().status_code, "200");
        assert!(select(&BTreeMap::from([response("400", Some("x"))]), None).is_none());
    }

    #[test]
    fn the_authorizers_results_are_filled_into_a_template_and_other_vtl_is_not() {
        let authorizer = serde_json::json!({ "principalId": "partner-1", "plan": "basic" });
        let template = r#"{"who": "$context.authorizer.principalId", "plan": "${context.authorizer.plan}", "tier": "$context.authorizer.tier"}"#;
        assert_eq!(
            fill_authorizer(template, &authorizer).as_deref(),
            Some(r#"{"who": "partner-1", "plan": "basic", "tier": ""}"#)
        );
        let other = r#"{"who": "$context.authorizer.principalId", "body": $input.json('$')}"#;
        assert_eq!(fill_authorizer(other, &authorizer), None);
        assert_eq!(fill_authorizer("#set($x = 1)", &authorizer), None);
        // Without an authorizer the references render as nothing.
        let empty = fill_authorizer(r#"{"who": "$context.authorizer.principalId"}"#, &Value::Null);
        assert_eq!(empty.as_deref(), Some(r#"{"who": ""}"#));
    }

    #[test]
    fn templates_without_vtl_are_returned_as_written() {
        let templates =
            BTreeMap::from([("application/json".to_string(), "{\"pets\": \"all\"}".to_string())]);
        assert_eq!(template(&templates, None), Template::Literal("{\"pets\": \"all\"}"));
        let vtl =
            BTreeMap::from([("application/json".to_string(), "$input.json('$')".to_string())]);
        assert_eq!(template(&vtl, Some("application/json; charset=utf-8")), Template::NotEvaluated);
        assert_eq!(template(&BTreeMap::new(), None), Template::PassThrough);
    }

    #[test]
    fn mock_status_comes_from_the_request_template() {
        let templates =
            |text: &str| BTreeMap::from([("application/json".to_string(), text.to_string())]);
        assert_eq!(mock_status(&templates("{\"statusCode\": 404}")), 404);
        assert_eq!(mock_status(&templates("{ \"statusCode\" : \"201\" }")), 201);
        assert_eq!(mock_status(&templates("{}")), 200);
        assert_eq!(mock_status(&BTreeMap::new()), 200);
    }
}

/// `template` with its references to the authorizer's results (`$context.authorizer.NAME` or
/// `${context.authorizer.NAME}`) replaced by the values in `authorizer` (the proxy event's
/// `requestContext.authorizer`: `principalId` and the context's values as text); a name with no
/// value renders as nothing, as in API Gateway. `None` when the template holds any other VTL,
/// which the emulator does not evaluate.
pub fn fill_authorizer(template: &str, authorizer: &serde_json::Value) -> Option<String> {
    let references = authorizer_references();
    let rest = references.replace_all(template, "");
    if rest.contains('$') || rest.contains('#') {
        return None;
    }
    let filled = references.replace_all(template, |found: &regex::Captures<'_>| {
        let name = found.get(1).or_else(|| found.get(2)).map_or("", |name| name.as_str());
        match &authorizer[name] {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    });
    Some(filled.into_owned())
}

fn authorizer_references() -> &'static regex::Regex {
    static REFERENCES: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    REFERENCES.get_or_init(|| {
        regex::Regex::new(
            r"\$context\.authorizer\.([A-Za-z0-9_]+)|\$\{context\.authorizer\.([A-Za-z0-9_]+)\}",
        )
        .expect("a valid pattern")
    })
}
