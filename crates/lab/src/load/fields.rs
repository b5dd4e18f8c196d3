//! A step's form fields: ids, kinds and their kind-specific settings, and the `default` and
//! `solution` values (inline or from a file in the lab folder), checked against the field's own
//! rules.
//!
//! Not here: the rules themselves (`crate::fields`), or how the UI shows a field.

use super::{Builder, did_you_mean, to_json};
use crate::fields::{self, CodeLanguage, JsonSchema, KeyValueRules, Naming};
use crate::manifest::{FIELD_KINDS, RawChoice, RawField, keys_of_kind};
use crate::model::{Choice, Field, FieldKind, ResourceKind};
use crate::registry::{CONTEXT_VARIABLES, LOOKUPS};
use serde_json::Value;
use std::path::{Component, Path};
use toml::Spanned;

impl Builder<'_> {
    pub(super) fn field(&mut self, raw: RawField, earlier: &[Field]) -> Option<Field> {
        let id = raw.id.get_ref().clone();
        let id_ok = id.starts_with(|c: char| c.is_ascii_lowercase())
            && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !id_ok {
            self.error(&raw.id.span(), format!(
                "field id `{id}` may use only lowercase letters, digits and `_`, starting with a \
                 letter (actions refer to it as `{{{{{id}}}}}`)"
            ));
        } else if CONTEXT_VARIABLES.contains(&id.as_str()) || LOOKUPS.contains(&id.as_str()) {
            self.error(
                &raw.id.span(),
                format!(
                    "field id `{id}` is reserved for a context variable or lookup: choose another"
                ),
            );
        }
        if earlier.iter().any(|field| field.id == id) {
            self.error(&raw.id.span(), format!("field id `{id}` is used twice in this step"));
        }

        let kind_name = raw.kind.get_ref().as_str();
        let Some(allowed_keys) = keys_of_kind(kind_name) else {
            let suggestion = did_you_mean(kind_name, FIELD_KINDS.iter().copied());
            self.error(
                &raw.kind.span(),
                format!(
                    "unknown field kind `{kind_name}`: expected one of {}{suggestion}",
                    FIELD_KINDS.join(", ")
                ),
            );
            return None;
        };
        for (key, span) in raw.kind_specific_keys() {
            if !allowed_keys.contains(&key) {
                self.error(&span, format!("`{key}` does not apply to a `{kind_name}` field"));
            }
        }
        let kind = self.field_kind(&raw, kind_name)?;

        let label = self.localized(raw.label, "label");
        let required = raw.required.unwrap_or(true);
        let default = self.field_value(&kind, &raw.default, &raw.default_file, "default");
        let solution = self.field_value(&kind, &raw.solution, &raw.solution_file, "solution");
        let value_given = [&raw.default, &raw.solution].iter().any(|v| v.is_some())
            || raw.default_file.is_some()
            || raw.solution_file.is_some();
        if required && !value_given && !matches!(kind, FieldKind::Resource { .. }) {
            self.error(
                &raw.id.span(),
                format!(
                    "required field `{id}` has neither a `default` nor a `solution`: the reference \
                 solution needs a value for it"
                ),
            );
        }
        Some(Field { id, label, help: raw.help.map(Into::into), required, kind, default, solution })
    }

    fn field_kind(&mut self, raw: &RawField, kind: &str) -> Option<FieldKind> {
        Some(match kind {
            "text" => {
                let naming = match &raw.naming {
                    Some(naming) => Some(self.named(
                        naming,
                        Naming::from_name,
                        Naming::ALL.iter().map(|n| n.name()),
                        "naming rule",
                    )?),
                    None => None,
                };
                let max_length = raw
                    .max_length
                    .as_ref()
                    .map(|max| self.ranged(max, 1, 100_000, "max_length") as usize);
                FieldKind::Text { naming, max_length }
            }
            "number" => {
                let min = raw.min.as_ref().map(|min| *min.get_ref());
                let max = raw.max.as_ref().map(|max| *max.get_ref());
                if let (Some(low), Some(high), Some(span)) =
                    (min, max, raw.max.as_ref().map(Spanned::span))
                    && low > high
                {
                    self.error(&span, format!("`max` ({high}) is below `min` ({low})"));
                }
                FieldKind::Number {
                    min,
                    max,
                    integer: raw.integer.as_ref().is_some_and(|i| *i.get_ref()),
                }
            }
            "select" | "multi_select" => {
                let Some(options) = &raw.options else {
                    self.error(
                        &raw.kind.span(),
                        format!("a `{kind}` field needs `options = [\"…\", …]`"),
                    );
                    return None;
                };
                let mut choices: Vec<Choice> = Vec::new();
                for option in options.get_ref() {
                    let choice = match option.clone() {
                        RawChoice::Plain(value) => Choice { value, label: None },
                        RawChoice::Labelled { value, label } => {
                            Choice { value, label: Some(label.into()) }
                        }
                    };
                    if choices.iter().any(|c| c.value == choice.value) {
                        self.error(
                            &options.span(),
                            format!("option `{}` is listed twice", choice.value),
                        );
                    }
                    choices.push(choice);
                }
                if choices.is_empty() {
                    self.error(&options.span(), "`options` is empty");
                }
                if kind == "select" {
                    FieldKind::Select { options: choices }
                } else {
                    FieldKind::MultiSelect { options: choices }
                }
            }
            "json" => FieldKind::Json {
                schema: match &raw.schema {
                    Some(schema) => Some(self.named(
                        schema,
                        JsonSchema::from_name,
                        ["iam-policy", "object"],
                        "JSON schema",
                    )?),
                    None => None,
                },
            },
            "code" => {
                let Some(language) = &raw.language else {
                    self.error(
                        &raw.kind.span(),
                        "a `code` field needs `language = \"python\"` \
                        (or \"javascript\", \"json\")",
                    );
                    return None;
                };
                FieldKind::Code {
                    language: self.named(
                        language,
                        CodeLanguage::from_name,
                        ["python", "javascript", "json"],
                        "language",
                    )?,
                }
            }
            "key_value" => FieldKind::KeyValue {
                rules: match &raw.rules {
                    Some(rules) => Some(self.named(
                        rules,
                        KeyValueRules::from_name,
                        ["stage-variables", "environment"],
                        "key/value rule",
                    )?),
                    None => None,
                },
            },
            "resource" => {
                let Some(resource) = &raw.resource else {
                    self.error(
                        &raw.kind.span(),
                        "a `resource` field needs `resource = \
                        \"iam.role\"` (what the picker lists)",
                    );
                    return None;
                };
                FieldKind::Resource {
                    resource: self.named(
                        resource,
                        ResourceKind::from_name,
                        ResourceKind::ALL.iter().map(|kind| kind.name()),
                        "resource kind",
                    )?,
                }
            }
            _ => return None,
        })
    }

    /// Looks up a named setting, reporting an unknown name with the known ones.
    fn named<'k, T>(
        &mut self,
        name: &Spanned<String>,
        lookup: impl Fn(&str) -> Option<T>,
        known: impl IntoIterator<Item = &'k str> + Clone,
        what: &str,
    ) -> Option<T> {
        let found = lookup(name.get_ref());
        if found.is_none() {
            let list: Vec<&str> = known.clone().into_iter().collect();
            let suggestion = did_you_mean(name.get_ref(), known);
            self.error(
                &name.span(),
                format!(
                    "unknown {what} `{}`: expected one of {}{suggestion}",
                    name.get_ref(),
                    list.join(", ")
                ),
            );
        }
        found
    }

    /// A field's `default` or `solution` (inline or from a file), checked against its rules.
    fn field_value(
        &mut self,
        kind: &FieldKind,
        inline: &Option<Spanned<toml::Value>>,
        file: &Option<Spanned<String>>,
        key: &str,
    ) -> Option<Value> {
        let (value, span) = match (inline, file) {
            (Some(_), Some(file)) => {
                self.error(&file.span(), format!("give `{key}` or `{key}_file`, not both"));
                return None;
            }
            (Some(inline), None) => {
                let value = match (kind, inline.get_ref()) {
                    // A JSON field's value is its text; a TOML table is accepted and written out.
                    (FieldKind::Json { .. }, toml::Value::Table(_) | toml::Value::Array(_)) => {
                        to_json(inline.get_ref())
                            .and_then(|json| serde_json::to_string_pretty(&json).ok())
                            .map(Value::String)
                    }
                    (_, value) => to_json(value),
                };
                let Some(value) = value else {
                    self.error(
                        &inline.span(),
                        format!("`{key}` cannot be a date or a non-finite number"),
                    );
                    return None;
                };
                (value, inline.span())
            }
            (None, Some(file)) => (Value::String(self.lab_file(file)?), file.span()),
            (None, None) => return None,
        };
        if let Err(error) = fields::validate(kind, true, &value) {
            self.error(&span, format!("the {key} does not pass the field's own rules: {error}"));
        }
        Some(value)
    }

    /// Reads a file of the lab (starter or solution code); the path must stay in the lab folder.
    fn lab_file(&mut self, path: &Spanned<String>) -> Option<String> {
        let relative = Path::new(path.get_ref());
        let inside = relative.components().all(|part| matches!(part, Component::Normal(_)));
        if !inside {
            self.error(
                &path.span(),
                format!(
                    "`{}` must be a path inside the lab folder (no `..`, no leading `/`)",
                    path.get_ref()
                ),
            );
            return None;
        }
        match std::fs::read_to_string(self.dir.join(relative)) {
            Ok(text) => Some(text),
            Err(error) => {
                self.error(
                    &path.span(),
                    format!("cannot read `{}` in the lab folder: {error}", path.get_ref()),
                );
                None
            }
        }
    }
}
