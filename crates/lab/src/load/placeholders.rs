//! `{{placeholders}}` in action parameters and checks: each must name a field of its step, a
//! context variable, or a known lookup, and be well-formed, reported where it is written.
//!
//! Not here: the placeholder grammar and filling them in (`crate::template`).

use super::Builder;
use crate::registry::{CONTEXT_VARIABLES, LOOKUPS};
use crate::template;
use toml::Spanned;

impl Builder<'_> {
    /// Checks every placeholder in a value (strings nested in lists and tables included).
    pub(super) fn placeholders(&mut self, value: &Spanned<toml::Value>, fields: &[String]) {
        let mut strings = Vec::new();
        collect_strings(value.get_ref(), &mut strings);
        for text in strings {
            let found = match template::placeholders(text) {
                Ok(found) => found,
                Err(error) => {
                    let at = self.locate(&value.span(), &text[error.offset..]);
                    self.error(&at, error.message);
                    continue;
                }
            };
            for placeholder in found {
                let raw_text = &text[placeholder.offset..];
                let raw_text = &raw_text[..raw_text.find("}}").map_or(raw_text.len(), |e| e + 2)];
                let message = match &placeholder.argument {
                    None if fields.contains(&placeholder.name)
                        || CONTEXT_VARIABLES.contains(&placeholder.name.as_str()) =>
                    {
                        continue;
                    }
                    None => format!(
                        "unknown placeholder `{raw_text}`: expected a field of this step{} or one \
                         of {}",
                        if fields.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", fields.join(", "))
                        },
                        CONTEXT_VARIABLES.join(", ")
                    ),
                    Some(_) if LOOKUPS.contains(&placeholder.name.as_str()) => continue,
                    Some(_) => format!(
                        "unknown lookup `{}` in `{raw_text}`: expected one of {}",
                        placeholder.name,
                        LOOKUPS.join(", ")
                    ),
                };
                let at = self.locate(&value.span(), raw_text);
                self.error(&at, message);
            }
        }
    }
}

fn collect_strings<'v>(value: &'v toml::Value, out: &mut Vec<&'v str>) {
    match value {
        toml::Value::String(text) => out.push(text),
        toml::Value::Array(items) => items.iter().for_each(|item| collect_strings(item, out)),
        toml::Value::Table(table) => table.values().for_each(|item| collect_strings(item, out)),
        _ => {}
    }
}
