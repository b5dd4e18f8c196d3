//! Loading a lab folder: `lab.toml` and the two lesson files become a [`Lab`], or a list of
//! every problem found, each with file, line and column.
//!
//! Everything `awslab labs check` verifies without a target happens here, so a lab that loads
//! is a lab the app can show: ids are unique and well-formed, both languages have every step in
//! the same order with the same number of hints, every step has a check, action ids and check
//! kinds are known and get the parameters and selectors they need, placeholders resolve, and
//! defaults and solutions pass their own field's rules.

use crate::diagnostic::{Diagnostic, SourceFile, at_file_start};
use crate::expect;
use crate::fields::{self, CodeLanguage, JsonSchema, KeyValueRules, Naming};
use crate::lesson::{Lesson, is_slug, parse_lesson};
use crate::manifest::{
    FIELD_KINDS, RawCheck, RawChoice, RawField, RawLab, RawStep, VersionProbe, keys_of_kind,
};
use crate::model::{
    Action, Check, Choice, Cost, FORMAT_VERSION, Field, FieldKind, Lab, ResourceKind, Section,
    Step, Targets,
};
use crate::registry::{self, CONTEXT_VARIABLES, LOOKUPS};
use crate::template;
use crate::text::{Lang, Localized};
use indexmap::IndexMap;
use serde_json::Value;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Component, Path};
use toml::Spanned;

/// Loads and validates the lab in `dir`.
pub fn load_lab(dir: &Path) -> Result<Lab, Vec<Diagnostic>> {
    let manifest = read_source(&dir.join("lab.toml")).map_err(|error| vec![error])?;
    let raw = parse_manifest(&manifest)?;

    let mut errors = Vec::new();
    let mut lessons = Vec::new();
    for lang in Lang::ALL {
        match read_source(&dir.join(lang.lesson_file())) {
            Ok(file) => match parse_lesson(&file) {
                Ok(lesson) => lessons.push(Some((file, lesson))),
                Err(found) => {
                    errors.extend(found);
                    lessons.push(None);
                }
            },
            Err(error) => {
                errors.push(error);
                lessons.push(None);
            }
        }
    }

    let mut builder = Builder { dir, manifest: &manifest, errors, step_spans: HashMap::new() };
    let lab = builder.build(raw, &lessons);
    if builder.errors.is_empty() {
        Ok(lab)
    } else {
        let mut errors = builder.errors;
        errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        errors.dedup();
        Err(errors)
    }
}

fn read_source(path: &Path) -> Result<SourceFile, Diagnostic> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile::new(path, text)),
            Err(error) => {
                let offset = error.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
                Err(SourceFile::new(path, text).at(offset, "the file is not valid UTF-8 text here"))
            }
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into());
            let hint = match name.as_str() {
                "lab.toml" => "every lab folder needs a lab.toml with its metadata and steps",
                _ => "every lab needs its lesson in Korean (ko.md) and English (en.md)",
            };
            Err(at_file_start(path, format!("{name} is missing: {hint}")))
        }
        Err(error) => Err(at_file_start(path, format!("cannot be read: {error}"))),
    }
}

fn parse_manifest(file: &SourceFile) -> Result<RawLab, Vec<Diagnostic>> {
    let toml_error = |error: toml::de::Error| {
        let offset = error.span().map_or(0, |span| span.start);
        vec![file.at(offset, plain_toml_message(error.message()))]
    };
    let probe: VersionProbe = toml::from_str(&file.text).map_err(toml_error)?;
    match probe.format_version {
        None => {
            return Err(vec![file.at(0, format!(
                "missing `format_version`: this awslab reads `format_version = {FORMAT_VERSION}`"
            ))]);
        }
        Some(version) if version.get_ref().as_integer() != Some(i64::from(FORMAT_VERSION)) => {
            return Err(vec![file.at(
                version.span().start,
                format!(
                    "format_version {} is not supported: this awslab reads format_version {}",
                    version.get_ref(),
                    FORMAT_VERSION
                ),
            )]);
        }
        Some(_) => {}
    }
    toml::from_str(&file.text).map_err(toml_error)
}

/// A TOML error message in the author's terms: serde names our internal structs, which mean
/// nothing to someone writing a lab.
fn plain_toml_message(message: &str) -> String {
    const SHAPES: [(&str, &str); 6] = [
        ("struct RawLocalized", "`{ ko = \"…\", en = \"…\" }`"),
        ("struct RawCost", "a `[cost]` table with `usd` and `note`"),
        ("struct RawStep", "a `[[steps]]` table"),
        ("struct RawField", "a `[[steps.fields]]` table"),
        ("struct RawCheck", "a `[[steps.checks]]` table"),
        ("struct RawLab", "a lab.toml table"),
    ];
    let message = message.trim_end();
    if message.contains("untagged enum RawChoice") {
        return "an option is a string, or `{ value = \"…\", label = { ko = \"…\", en = \"…\" } }`"
            .to_string();
    }
    SHAPES.iter().fold(message.to_string(), |text, (internal, plain)| text.replace(internal, plain))
}

struct Builder<'a> {
    dir: &'a Path,
    manifest: &'a SourceFile,
    errors: Vec<Diagnostic>,
    /// Where each step's id is in lab.toml, for errors found when matching the lessons.
    step_spans: HashMap<String, Range<usize>>,
}

impl Builder<'_> {
    fn error(&mut self, span: &Range<usize>, message: impl Into<String>) {
        self.errors.push(self.manifest.at_span(span, message));
    }

    fn build(&mut self, raw: RawLab, lessons: &[Option<(SourceFile, Lesson)>]) -> Lab {
        let id = self.lab_id(&raw.id);
        let title = self.localized(raw.title, "title");
        let estimated_minutes = self.ranged(&raw.estimated_minutes, 1, 600, "estimated_minutes");
        let pass_percent =
            raw.pass_percent.as_ref().map_or(70, |p| self.ranged(p, 0, 100, "pass_percent"));
        let usd = *raw.cost.usd.get_ref();
        if !(usd.is_finite() && usd >= 0.0) {
            self.error(&raw.cost.usd.span(), "`cost.usd` must be zero or more (US dollars)");
        }
        let note = self.localized(raw.cost.note, "cost.note");

        if raw.steps.is_empty() {
            self.error(&raw.id.span(), "the lab has no steps: add `[[steps]]` tables");
        }
        let mut steps = Vec::new();
        let mut check_ids: HashMap<String, String> = HashMap::new();
        for raw_step in raw.steps {
            if let Some(step) = self.step(raw_step, &steps, &mut check_ids) {
                steps.push(step);
            }
        }

        let mut lab = Lab {
            dir: self.dir.to_path_buf(),
            format_version: FORMAT_VERSION,
            id,
            title,
            estimated_minutes: estimated_minutes as u32,
            pass_percent: pass_percent as u8,
            order: raw.order.unwrap_or(0),
            source: raw.source,
            cost: Cost { usd, note },
            intro: Localized::default(),
            steps,
            summary: None,
        };
        self.merge_lessons(&mut lab, lessons);
        lab
    }

    fn lab_id(&mut self, id: &Spanned<String>) -> String {
        let value = id.get_ref();
        if !is_slug(value) {
            self.error(
                &id.span(),
                format!("lab id `{value}` may use only lowercase letters, digits and `-`"),
            );
        }
        let folder = self.dir.file_name().map(|name| name.to_string_lossy().into_owned());
        if let Some(folder) = folder
            && folder != *value
        {
            self.error(
                &id.span(),
                format!("lab id `{value}` must match its folder name `{folder}`"),
            );
        }
        value.clone()
    }

    fn localized(&mut self, raw: Spanned<crate::manifest::RawLocalized>, key: &str) -> Localized {
        let span = raw.span();
        let text: Localized = raw.into_inner().into();
        for lang in Lang::ALL {
            if text.get(lang).trim().is_empty() {
                self.error(&span, format!("`{key}.{lang}` is empty"));
            }
        }
        text
    }

    fn ranged(&mut self, value: &Spanned<i64>, min: i64, max: i64, key: &str) -> i64 {
        let number = *value.get_ref();
        if number < min || number > max {
            self.error(&value.span(), format!("`{key}` must be between {min} and {max}"));
            return number.clamp(min, max);
        }
        number
    }

    fn step(
        &mut self,
        raw: RawStep,
        earlier: &[Step],
        check_ids: &mut HashMap<String, String>,
    ) -> Option<Step> {
        let id = raw.id.get_ref().clone();
        if !is_slug(&id) {
            self.error(&raw.id.span(), format!(
                "step id `{id}` may use only lowercase letters, digits and `-` (like `create-role`)"
            ));
        }
        if earlier.iter().any(|step| step.id == id) {
            self.error(&raw.id.span(), format!("step id `{id}` is used twice"));
        }
        self.step_spans.entry(id.clone()).or_insert_with(|| raw.id.span());

        // Placeholders may name any field written in the step, even one whose settings are
        // wrong, so that one mistake is reported once.
        let field_ids: Vec<String> = raw.fields.iter().map(|f| f.id.get_ref().clone()).collect();
        let mut fields: Vec<Field> = Vec::new();
        for raw_field in raw.fields {
            if let Some(field) = self.field(raw_field, &fields) {
                fields.push(field);
            }
        }

        let action = self.action(&raw.action, raw.params, &field_ids);
        let targets = self.targets(&raw.action, raw.targets.as_ref());

        if raw.checks.is_empty() {
            self.error(
                &raw.id.span(),
                format!(
                    "step `{id}` has no checks: every step needs at least one `[[steps.checks]]`"
                ),
            );
        }
        let mut checks = Vec::new();
        for raw_check in raw.checks {
            if let Some(check) = self.check(raw_check, &id, &field_ids, check_ids) {
                checks.push(check);
            }
        }

        Some(Step {
            id,
            title: Localized::default(),
            text: Localized::default(),
            hints: Vec::new(),
            fields,
            action,
            targets,
            checks,
        })
    }

    fn field(&mut self, raw: RawField, earlier: &[Field]) -> Option<Field> {
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

    fn action(
        &mut self,
        id: &Option<Spanned<String>>,
        params: Option<Spanned<IndexMap<Spanned<String>, Spanned<toml::Value>>>>,
        fields: &[String],
    ) -> Option<Action> {
        let Some(id) = id else {
            if let Some(params) = params {
                self.error(&params.span(), "`params` given without an `action` to take them");
            }
            return None;
        };
        let Some(spec) = registry::action(id.get_ref()) else {
            let suggestion = did_you_mean(id.get_ref(), registry::ACTIONS.iter().map(|a| a.id));
            self.error(
                &id.span(),
                format!(
                    "unknown action `{}`{suggestion} (the actions are listed in labs/README.md)",
                    id.get_ref()
                ),
            );
            return None;
        };
        let params = params.map(Spanned::into_inner).unwrap_or_default();
        for required in spec.required {
            if !params.keys().any(|key| key.get_ref() == required) {
                self.error(
                    &id.span(),
                    format!(
                        "action `{}` needs the parameter `{required}` in `[steps.params]`",
                        spec.id
                    ),
                );
            }
        }
        let mut values = IndexMap::new();
        for (key, value) in params {
            let name = key.get_ref();
            if !spec.required.contains(&name.as_str()) && !spec.optional.contains(&name.as_str()) {
                let known: Vec<&str> = spec.required.iter().chain(spec.optional).copied().collect();
                let suggestion = did_you_mean(name, known.iter().copied());
                self.error(
                    &key.span(),
                    format!(
                        "action `{}` has no parameter `{name}`{suggestion}: it takes {}",
                        spec.id,
                        known.join(", ")
                    ),
                );
                continue;
            }
            self.placeholders(&value, fields);
            if let Some(json) = to_json(value.get_ref()) {
                values.insert(name.clone(), json);
            }
        }
        Some(Action { id: spec.id.to_string(), params: values })
    }

    fn targets(
        &mut self,
        action: &Option<Spanned<String>>,
        raw: Option<&Spanned<String>>,
    ) -> Targets {
        let emulator_only = action
            .as_ref()
            .and_then(|id| registry::action(id.get_ref()))
            .is_some_and(|spec| spec.emulator_only);
        let Some(raw) = raw else {
            return if emulator_only { Targets::Emulator } else { Targets::Both };
        };
        let targets = match raw.get_ref().as_str() {
            "both" => Targets::Both,
            "emulator" => Targets::Emulator,
            "aws" => Targets::Aws,
            other => {
                self.error(
                    &raw.span(),
                    format!(
                        "unknown targets `{other}`: expected \"both\", \"emulator\" or \"aws\""
                    ),
                );
                return Targets::Both;
            }
        };
        if emulator_only
            && targets != Targets::Emulator
            && let Some(action) = action
        {
            self.error(
                &raw.span(),
                format!(
                    "action `{}` exists only on the emulator: set `targets = \"emulator\"`",
                    action.get_ref()
                ),
            );
        }
        targets
    }

    fn check(
        &mut self,
        raw: RawCheck,
        step_id: &str,
        fields: &[String],
        check_ids: &mut HashMap<String, String>,
    ) -> Option<Check> {
        let id = raw.id.get_ref().clone();
        if !is_slug(&id) {
            self.error(
                &raw.id.span(),
                format!("check id `{id}` may use only lowercase letters, digits and `-`"),
            );
        }
        if let Some(first) = check_ids.insert(id.clone(), step_id.to_string()) {
            self.error(
                &raw.id.span(),
                format!(
                    "check id `{id}` is used twice (first in step `{first}`): check ids are unique \
                 in a lab"
                ),
            );
        }
        let points = self.ranged(&raw.points, 1, 1000, "points") as u32;
        let message = self.localized(raw.message, "message");

        let kind = raw.kind.get_ref();
        let Some(spec) = registry::check_kind(kind) else {
            let suggestion = did_you_mean(kind, registry::CHECK_KINDS.iter().map(|k| k.id));
            self.error(&raw.kind.span(), format!(
                "unknown check kind `{kind}`{suggestion} (the kinds are listed in labs/README.md)"
            ));
            return None;
        };

        for required in spec.selector {
            if !raw.resource.keys().any(|key| key.get_ref() == required) {
                self.error(
                    &raw.kind.span(),
                    format!("a `{kind}` check needs `resource.{required}`"),
                );
            }
        }
        let mut resource = IndexMap::new();
        for (key, value) in &raw.resource {
            let name = key.get_ref().as_str();
            if !spec.selector.contains(&name) && !spec.optional_selector.contains(&name) {
                let known: Vec<&str> =
                    spec.selector.iter().chain(spec.optional_selector).copied().collect();
                self.error(
                    &key.span(),
                    format!(
                        "a `{kind}` check has no `resource.{name}`: it takes {}",
                        known.join(", ")
                    ),
                );
                continue;
            }
            self.placeholders(value, fields);
            if let Some(json) = to_json(value.get_ref()) {
                resource.insert(name.to_string(), json);
            }
        }
        if let Some((_, scratch)) =
            raw.resource.iter().find(|(key, _)| key.get_ref() == "scratch_item")
            && !is_item_address(scratch.get_ref())
        {
            self.error(
                &scratch.span(),
                "`resource.scratch_item` names the item the check's request writes, deleted after \
                 the check: `{ table = \"…\", key = { attribute = \"value\" } }`",
            );
        }
        if kind == "quiz.answer"
            && let Some(field) = raw.resource.iter().find(|(key, _)| key.get_ref() == "field")
            && !field.1.get_ref().as_str().is_some_and(|f| fields.iter().any(|id| id == f))
        {
            self.error(
                &field.1.span(),
                format!("`resource.field` must name a field of step `{step_id}`"),
            );
        }

        let expect = match raw.expect {
            None => Value::Object(serde_json::Map::new()),
            Some(expect) => self.expectation(&expect, spec, fields)?,
        };
        Some(Check { id, kind: spec.id.to_string(), points, resource, expect, message })
    }

    fn expectation(
        &mut self,
        expect: &Spanned<toml::Value>,
        spec: &registry::CheckKindSpec,
        fields: &[String],
    ) -> Option<Value> {
        let span = expect.span();
        let toml::Value::Table(table) = expect.get_ref() else {
            self.error(&span, "`expect` must be a table of properties, e.g. `expect = { Runtime = \"python3.12\" }`");
            return None;
        };
        if !spec.properties.is_empty() {
            for key in table.keys() {
                if !spec.properties.contains(&key.as_str()) {
                    let suggestion = did_you_mean(key, spec.properties.iter().copied());
                    let at = self.locate(&span, key);
                    self.error(
                        &at,
                        format!(
                            "a `{}` check has no property `{key}`{suggestion}: it knows {}",
                            spec.id,
                            spec.properties.join(", ")
                        ),
                    );
                }
            }
        }
        self.placeholders(expect, fields);
        let json = to_json(expect.get_ref())?;
        if let Err(problem) = expect::check_operators(&json) {
            let needle = problem.split('`').nth(1).unwrap_or("$");
            let at = self.locate(&span, needle);
            self.error(&at, format!("in `expect`: {problem}"));
        }
        Some(json)
    }

    /// Checks every placeholder in a value (strings nested in lists and tables included).
    fn placeholders(&mut self, value: &Spanned<toml::Value>, fields: &[String]) {
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

    /// The span of `needle` inside `span` of lab.toml, or `span` itself when it is not found
    /// verbatim (escaped characters).
    fn locate(&self, span: &Range<usize>, needle: &str) -> Range<usize> {
        let text = &self.manifest.text[span.clone()];
        match text.find(needle) {
            Some(at) => span.start + at..span.start + at + needle.len(),
            None => span.clone(),
        }
    }

    fn merge_lessons(&mut self, lab: &mut Lab, lessons: &[Option<(SourceFile, Lesson)>]) {
        let mut summaries = Vec::new();
        for (lang, lesson) in Lang::ALL.into_iter().zip(lessons) {
            let Some((file, lesson)) = lesson else { continue };
            if lesson.title != lab.title.get(lang) {
                self.errors.push(file.at(lesson.title_offset, format!(
                    "the title differs from `title.{lang}` in lab.toml: expected `{}`, found `{}`",
                    lab.title.get(lang),
                    lesson.title
                )));
            }
            *lab.intro.get_mut(lang) = lesson.intro.clone();
            summaries.push((lang, file, lesson.summary.clone()));

            let manifest_ids: Vec<&str> = lab.steps.iter().map(|s| s.id.as_str()).collect();
            for step in &lesson.steps {
                if !manifest_ids.contains(&step.id.as_str()) {
                    self.errors.push(
                        file.at(
                            step.offset,
                            format!("step `{}` is not defined in lab.toml", step.id),
                        ),
                    );
                }
            }
            let in_both: Vec<&str> = lesson
                .steps
                .iter()
                .map(|s| s.id.as_str())
                .filter(|id| manifest_ids.contains(id))
                .collect();
            let expected: Vec<&str> =
                manifest_ids.iter().copied().filter(|id| in_both.contains(id)).collect();
            if let Some(position) = in_both.iter().zip(&expected).position(|(a, b)| a != b)
                && let Some(step) = lesson.steps.iter().find(|s| s.id == in_both[position])
            {
                self.errors.push(file.at(
                    step.offset,
                    format!(
                        "step `{}` is out of order: lab.toml has `{}` here",
                        in_both[position], expected[position]
                    ),
                ));
            }

            for step in &mut lab.steps {
                match lesson.steps.iter().find(|s| s.id == step.id) {
                    Some(text) => {
                        *step.title.get_mut(lang) = text.title.clone();
                        *step.text.get_mut(lang) = text.text.clone();
                        for (index, hint) in text.hints.iter().enumerate() {
                            if step.hints.len() <= index {
                                step.hints.push(Localized::default());
                            }
                            *step.hints[index].get_mut(lang) = hint.clone();
                        }
                    }
                    None => {
                        let span = self.step_spans.get(&step.id).cloned().unwrap_or(0..0);
                        self.error(
                            &span,
                            format!(
                                "step `{}` has no text in {}: add `<!-- awslab:step {} -->` and a \
                             `## ` heading",
                                step.id,
                                lang.lesson_file(),
                                step.id
                            ),
                        );
                    }
                }
            }
        }

        if let (Some(Some((_, ko))), Some(Some((en_file, en)))) = (lessons.first(), lessons.get(1))
        {
            for step in &lab.steps {
                let ko_step = ko.steps.iter().find(|s| s.id == step.id);
                let en_step = en.steps.iter().find(|s| s.id == step.id);
                if let (Some(ko_step), Some(en_step)) = (ko_step, en_step)
                    && ko_step.hints.len() != en_step.hints.len()
                {
                    self.errors.push(en_file.at(
                        en_step.offset,
                        format!(
                            "step `{}` has {} hint(s) in ko.md but {} in en.md: hints are revealed \
                         one at a time in either language, so both need the same number",
                            step.id,
                            ko_step.hints.len(),
                            en_step.hints.len()
                        ),
                    ));
                }
            }
        }

        match summaries.as_slice() {
            [(_, _, Some(ko)), (_, _, Some(en))] => {
                lab.summary = Some(Section {
                    title: Localized::new(&ko.title, &en.title),
                    text: Localized::new(&ko.text, &en.text),
                });
            }
            [(_, _, None), (_, _, None)] => {}
            [(_, ko_file, ko), (_, en_file, _)] => {
                let (file, missing) =
                    if ko.is_some() { (en_file, "en.md") } else { (ko_file, "ko.md") };
                let file = (*file).clone();
                let end = file.text.len();
                self.errors.push(file.at(end, format!(
                    "the summary (`<!-- awslab:summary -->`) is in one language only: add it to \
                     {missing}"
                )));
            }
            _ => {}
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

/// TOML to JSON; `None` for what JSON cannot hold (dates, NaN, infinities).
/// `{ table = "…", key = { name = value, … } }`: a table name and a key of one or two
/// attributes, each a string or a number.
fn is_item_address(value: &toml::Value) -> bool {
    let Some(address) = value.as_table() else { return false };
    let key = address.get("key").and_then(toml::Value::as_table);
    address.len() == 2
        && address.get("table").and_then(toml::Value::as_str).is_some_and(|t| !t.is_empty())
        && key.is_some_and(|key| {
            (1..=2).contains(&key.len())
                && key.values().all(|v| v.is_str() || v.is_integer() || v.is_float())
        })
}

fn to_json(value: &toml::Value) -> Option<Value> {
    Some(match value {
        toml::Value::String(text) => Value::String(text.clone()),
        toml::Value::Integer(number) => Value::from(*number),
        toml::Value::Float(number) => Value::from(serde_json::Number::from_f64(*number)?),
        toml::Value::Boolean(flag) => Value::Bool(*flag),
        toml::Value::Datetime(_) => return None,
        toml::Value::Array(items) => {
            Value::Array(items.iter().map(to_json).collect::<Option<_>>()?)
        }
        toml::Value::Table(table) => Value::Object(
            table
                .iter()
                .map(|(key, value)| Some((key.clone(), to_json(value)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

fn did_you_mean<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    registry::closest(wrong, known)
        .map_or_else(String::new, |name| format!(" (did you mean `{name}`?)"))
}
