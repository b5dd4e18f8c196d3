//! `lab.toml`: a lab's metadata and the structure of its steps (forms, actions, checks).
//!
//! Read in two passes: first `format_version` alone, so a lab written for another format is
//! refused with a clear message rather than a confusing field error; then the whole file into
//! the raw structs below (unknown keys are errors, so typos surface). The raw structs keep
//! source spans; [`crate::load`] turns them into the model, reporting every problem it finds.

use crate::text::Localized;
use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
pub(crate) struct VersionProbe {
    pub format_version: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLab {
    #[allow(dead_code)] // read by `VersionProbe`
    pub format_version: i64,
    pub id: Spanned<String>,
    pub title: Spanned<RawLocalized>,
    pub estimated_minutes: Spanned<i64>,
    pub pass_percent: Option<Spanned<i64>>,
    pub order: Option<i64>,
    pub source: Option<String>,
    /// Required unless every step is a question.
    pub cost: Option<RawCost>,
    #[serde(default)]
    pub steps: Vec<RawStep>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCost {
    pub usd: Spanned<f64>,
    pub note: Spanned<RawLocalized>,
}

/// `{ ko = "…", en = "…" }`: both are required.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLocalized {
    pub ko: String,
    pub en: String,
}

impl From<RawLocalized> for Localized {
    fn from(raw: RawLocalized) -> Self {
        Localized { ko: raw.ko, en: raw.en }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStep {
    pub id: Spanned<String>,
    pub action: Option<Spanned<String>>,
    pub params: Option<Spanned<IndexMap<Spanned<String>, Spanned<toml::Value>>>>,
    pub targets: Option<Spanned<String>>,
    #[serde(default)]
    pub fields: Vec<RawField>,
    #[serde(default)]
    pub checks: Vec<RawCheck>,
    pub question: Option<Spanned<RawQuestion>>,
}

/// `[steps.question]`: a step that asks instead of building.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuestion {
    pub kind: Spanned<String>,
    pub points: Spanned<i64>,
    pub source: Spanned<String>,
    pub prompt: Spanned<RawLocalized>,
    /// Optional here so that its absence gets the format's own message.
    pub explanation: Option<Spanned<RawLocalized>>,
    // single, multiple
    pub choices: Option<Spanned<Vec<RawQuizChoice>>>,
    // number
    pub answer: Option<Spanned<f64>>,
    pub tolerance: Option<Spanned<f64>>,
    pub unit: Option<Spanned<RawLocalized>>,
    // short
    pub accept: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuizChoice {
    pub value: Spanned<String>,
    pub label: Spanned<RawLocalized>,
    #[serde(default)]
    pub correct: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawField {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub label: Spanned<RawLocalized>,
    pub help: Option<RawLocalized>,
    pub required: Option<bool>,
    pub default: Option<Spanned<toml::Value>>,
    pub default_file: Option<Spanned<String>>,
    pub solution: Option<Spanned<toml::Value>>,
    pub solution_file: Option<Spanned<String>>,
    // text
    pub naming: Option<Spanned<String>>,
    pub max_length: Option<Spanned<i64>>,
    // number
    pub min: Option<Spanned<f64>>,
    pub max: Option<Spanned<f64>>,
    pub integer: Option<Spanned<bool>>,
    // select, multi_select
    pub options: Option<Spanned<Vec<RawChoice>>>,
    // json
    pub schema: Option<Spanned<String>>,
    // code
    pub language: Option<Spanned<String>>,
    // key_value
    pub rules: Option<Spanned<String>>,
    // resource
    pub resource: Option<Spanned<String>>,
}

/// An option: a plain string (`"dynamodb:PutItem"`) or `{ value = "…", label = { ko, en } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawChoice {
    Plain(String),
    Labelled { value: String, label: RawLocalized },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCheck {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub points: Spanned<i64>,
    #[serde(default)]
    pub resource: IndexMap<Spanned<String>, Spanned<toml::Value>>,
    pub expect: Option<Spanned<toml::Value>>,
    pub message: Spanned<RawLocalized>,
    pub changed_by: Option<Spanned<String>>,
}

impl RawField {
    /// The kind-specific keys given, with their spans, to report ones that do not apply.
    pub fn kind_specific_keys(&self) -> Vec<(&'static str, std::ops::Range<usize>)> {
        let mut keys = Vec::new();
        let mut add = |name, span: Option<std::ops::Range<usize>>| {
            if let Some(span) = span {
                keys.push((name, span));
            }
        };
        add("naming", self.naming.as_ref().map(Spanned::span));
        add("max_length", self.max_length.as_ref().map(Spanned::span));
        add("min", self.min.as_ref().map(Spanned::span));
        add("max", self.max.as_ref().map(Spanned::span));
        add("integer", self.integer.as_ref().map(Spanned::span));
        add("options", self.options.as_ref().map(Spanned::span));
        add("schema", self.schema.as_ref().map(Spanned::span));
        add("language", self.language.as_ref().map(Spanned::span));
        add("rules", self.rules.as_ref().map(Spanned::span));
        add("resource", self.resource.as_ref().map(Spanned::span));
        add("default_file", self.default_file.as_ref().map(Spanned::span));
        add("solution_file", self.solution_file.as_ref().map(Spanned::span));
        keys
    }
}

/// The keys each field kind takes beyond the common ones.
pub(crate) fn keys_of_kind(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "text" => &["naming", "max_length"],
        "number" => &["min", "max", "integer"],
        "select" | "multi_select" => &["options"],
        "json" => &["schema", "default_file", "solution_file"],
        "code" => &["language", "default_file", "solution_file"],
        "key_value" => &["rules"],
        "resource" => &["resource"],
        _ => return None,
    })
}

pub(crate) const FIELD_KINDS: &[&str] =
    &["text", "number", "select", "multi_select", "json", "code", "key_value", "resource"];
