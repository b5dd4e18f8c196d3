//! `{{placeholders}}` in action parameters and check selectors and expectations.
//!
//! Grammar (whitespace inside the braces is ignored):
//!
//! ```text
//! placeholder := "{{" name [ ":" argument ] "}}"
//! name        := [a-z] [a-z0-9_]*
//! argument    := any characters but "}" (at least one)
//! ```
//!
//! A `name` is a field of the same step (`{{role_name}}`) or a context variable
//! (`{{account_id}}`, `{{region}}`, `{{lab_id}}`); `name:argument` is a lookup on the target
//! (`{{rest_api_id:customer-api}}`). A string that is exactly one placeholder takes the field's
//! value with its type (a number stays a number, a list a list); anywhere else the value is
//! written into the text. Single braces are plain text, so `/houses/{id}` and
//! `${stageVariables.lambdaAlias}` need no escaping.

/// One placeholder found in a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub name: String,
    pub argument: Option<String>,
    /// Byte offset of the opening `{{` in the string.
    pub offset: usize,
}

/// A malformed placeholder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    /// Byte offset of the opening `{{` in the string.
    pub offset: usize,
    pub message: String,
}

/// Every placeholder in `text`, in order.
pub fn placeholders(text: &str) -> Result<Vec<Placeholder>, TemplateError> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(start) = text[rest..].find("{{").map(|at| rest + at) {
        let inner_start = start + 2;
        let Some(length) = text[inner_start..].find("}}") else {
            return Err(TemplateError {
                offset: start,
                message: "`{{` is not closed: expected `}}`".into(),
            });
        };
        let inner = text[inner_start..inner_start + length].trim();
        let (name, argument) = match inner.split_once(':') {
            Some((name, argument)) => (name.trim(), Some(argument.trim())),
            None => (inner, None),
        };
        let name_ok = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !name_ok {
            return Err(TemplateError {
                offset: start,
                message: format!(
                    "`{{{{{inner}}}}}` is not a placeholder: expected a lowercase name such as \
                     `{{{{role_name}}}}` or a lookup such as `{{{{rest_api_id:customer-api}}}}`"
                ),
            });
        }
        if argument.is_some_and(|argument| argument.is_empty() || argument.contains('{')) {
            return Err(TemplateError {
                offset: start,
                message: format!("`{{{{{inner}}}}}`: a lookup needs a plain argument after `:`"),
            });
        }
        found.push(Placeholder {
            name: name.to_string(),
            argument: argument.map(str::to_string),
            offset: start,
        });
        rest = inner_start + length + 2;
    }
    Ok(found)
}

/// The placeholder that makes up the whole of `text`, if it is exactly one.
pub fn sole_placeholder(text: &str) -> Option<Placeholder> {
    let trimmed = text.trim();
    if !(trimmed.starts_with("{{") && trimmed.ends_with("}}")) {
        return None;
    }
    match placeholders(text) {
        Ok(mut found) if found.len() == 1 && trimmed.matches("{{").count() == 1 => found.pop(),
        _ => None,
    }
}

/// Replaces every placeholder with what `resolve` gives for it.
pub fn render<E>(
    text: &str,
    mut resolve: impl FnMut(&Placeholder) -> Result<String, E>,
) -> Result<String, RenderError<E>> {
    let found = placeholders(text).map_err(RenderError::Syntax)?;
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for placeholder in &found {
        out.push_str(&text[copied..placeholder.offset]);
        out.push_str(&resolve(placeholder).map_err(RenderError::Resolve)?);
        let close = text[placeholder.offset..].find("}}").map_or(text.len(), |at| at + 2);
        copied = placeholder.offset + close;
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

/// Why a template could not be rendered.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum RenderError<E> {
    #[error(transparent)]
    Syntax(TemplateError),
    #[error("{0}")]
    Resolve(E),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_and_lookups() {
        let found = placeholders(
            "arn:aws:execute-api:{{region}}:{{ account_id }}:{{rest_api_id:customer-api}}/*",
        )
        .unwrap();
        let names: Vec<_> =
            found.iter().map(|p| (p.name.as_str(), p.argument.as_deref())).collect();
        assert_eq!(
            names,
            [("region", None), ("account_id", None), ("rest_api_id", Some("customer-api"))]
        );
        assert_eq!(found[0].offset, 20);
    }

    #[test]
    fn single_braces_are_text() {
        assert_eq!(placeholders("/houses/{id}").unwrap(), []);
        assert_eq!(placeholders("${stageVariables.lambdaAlias}").unwrap(), []);
        assert_eq!(placeholders(r#"{"Version": "2012-10-17"}"#).unwrap(), []);
    }

    #[test]
    fn malformed_placeholders_are_located() {
        let error = placeholders("role/{{role_name").unwrap_err();
        assert_eq!(error.offset, 5);
        assert_eq!(error.message, "`{{` is not closed: expected `}}`");
        let error = placeholders("x {{Role Name}}").unwrap_err();
        assert_eq!(error.offset, 2);
        assert!(error.message.starts_with("`{{Role Name}}` is not a placeholder"));
        assert!(placeholders("{{rest_api_id:}}").is_err());
    }

    #[test]
    fn renders_and_spots_a_sole_placeholder() {
        let text = render("arn:aws:iam::{{account_id}}:role/{{role_name}}", |p| {
            Ok::<_, ()>(match p.name.as_str() {
                "account_id" => "000000000000".to_string(),
                _ => "aws-lab-dynamodb-role".to_string(),
            })
        })
        .unwrap();
        assert_eq!(text, "arn:aws:iam::000000000000:role/aws-lab-dynamodb-role");
        assert_eq!(sole_placeholder(" {{threshold}} ").map(|p| p.name), Some("threshold".into()));
        assert_eq!(sole_placeholder("{{a}}-{{b}}"), None);
        assert_eq!(sole_placeholder("x{{a}}"), None);
    }
}
