//! Loading a lab folder: `lab.toml` and the two lesson files become a [`Lab`], or a list of
//! every problem found, each with file, line and column.
//!
//! Everything `awslab labs check` verifies without a target happens here, so a lab that loads
//! is a lab the app can show: ids are unique and well-formed, both languages have every step in
//! the same order with the same number of hints, every step has a check, action ids and check
//! kinds are known and get the parameters and selectors they need, placeholders resolve, and
//! defaults and solutions pass their own field's rules.
//!
//! One `Builder` collects the problems while it turns the raw `lab.toml` into the model; its
//! methods are split by what they read:
//! - this module: the lab's own metadata and its steps, and helpers the others share;
//! - `source`: reading the files and the `lab.toml` syntax (format version, TOML errors);
//! - `fields`: a step's form fields, their kinds, defaults and solutions;
//! - `actions`: a step's action, its parameters and targets;
//! - `checks`: a step's checks, their selectors and expectations;
//! - `questions`: a question step, its answer field and its check;
//! - `placeholders`: `{{placeholders}}` in parameters and checks;
//! - `lessons`: the lesson files' text matched to the steps of `lab.toml`.
//!
//! Not here: the grammars themselves (`manifest` for `lab.toml`, `lesson` for the Markdown).

mod actions;
mod checks;
mod fields;
mod lessons;
mod placeholders;
mod questions;
mod source;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::lesson::{Lesson, is_slug, parse_lesson};
use crate::manifest::{RawLab, RawStep};
use crate::model::{Cost, FORMAT_VERSION, Field, Lab, Step};
use crate::registry;
use crate::text::{Lang, Localized};
use serde_json::Value;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// Loads and validates the lab in `dir`.
pub fn load_lab(dir: &Path) -> Result<Lab, Vec<Diagnostic>> {
    let manifest = source::read_source(&dir.join("lab.toml")).map_err(|error| vec![error])?;
    let raw = source::parse_manifest(&manifest)?;

    let mut errors = Vec::new();
    let mut lessons = Vec::new();
    for lang in Lang::ALL {
        match source::read_source(&dir.join(lang.lesson_file())) {
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

    let mut builder = Builder {
        dir,
        manifest: &manifest,
        errors,
        step_spans: HashMap::new(),
        changed_by: Vec::new(),
    };
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

/// Turns the raw `lab.toml` and lessons into a [`Lab`], collecting every problem on the way.
struct Builder<'a> {
    dir: &'a Path,
    manifest: &'a SourceFile,
    errors: Vec<Diagnostic>,
    /// Where each step's id is in lab.toml, for errors found when matching the lessons.
    step_spans: HashMap<String, Range<usize>>,
    /// Each check's `changed_by` (check id, its step, the step named), resolved once every
    /// step is known.
    changed_by: Vec<(String, String, Spanned<String>)>,
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
        let all_questions =
            !raw.steps.is_empty() && raw.steps.iter().all(|step| step.question.is_some());
        let (usd, note) = match raw.cost {
            Some(cost) => {
                let usd = *cost.usd.get_ref();
                if !(usd.is_finite() && usd >= 0.0) {
                    self.error(&cost.usd.span(), "`cost.usd` must be zero or more (US dollars)");
                }
                (usd, self.localized(cost.note, "cost.note"))
            }
            None => {
                if !all_questions {
                    self.error(
                        &raw.id.span(),
                        "the lab has no `[cost]`: say what doing it once on AWS may cost (only a \
                         lab of questions alone needs none)",
                    );
                }
                (
                    0.0,
                    Localized::new(
                        "질문만 있는 퀴즈입니다. AWS에 아무것도 만들지 않습니다.",
                        "Questions only: nothing is made on AWS.",
                    ),
                )
            }
        };

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
        self.resolve_changed_by(&mut steps);

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
        self.questions_not_given_away(&lab);
        lab
    }

    /// Sets each check's `changed_by` once it is known to name a step after the check's own.
    fn resolve_changed_by(&mut self, steps: &mut [Step]) {
        let position = |id: &str| steps.iter().position(|step| step.id == id);
        let mut resolved = Vec::new();
        for (check_id, step_id, later) in std::mem::take(&mut self.changed_by) {
            let named = later.get_ref();
            let (Some(own), found) = (position(&step_id), position(named)) else { continue };
            match found {
                Some(index) if index > own => resolved.push((own, check_id, named.clone())),
                Some(_) => self.error(
                    &later.span(),
                    format!(
                        "`changed_by` of check `{check_id}` names step `{named}`, which does not \
                         come after its own step `{step_id}`: it names the later step that changes \
                         what the check verifies"
                    ),
                ),
                None => {
                    let suggestion = did_you_mean(named, steps.iter().map(|step| step.id.as_str()));
                    self.error(
                        &later.span(),
                        format!("`changed_by` names no step of this lab: `{named}`{suggestion}"),
                    );
                }
            }
        }
        for (own, check_id, later) in resolved {
            if let Some(check) = steps[own].checks.iter_mut().find(|check| check.id == check_id) {
                check.changed_by = Some(later);
            }
        }
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
        let is_question = self.is_question(&raw);

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
        let targets = self.targets(action.as_ref().map(|action| action.id), raw.targets.as_ref());

        if raw.checks.is_empty() && !is_question {
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
        let mut question = None;
        if let Some(raw_question) = raw.question
            && let Some((asked, field, check)) = self.question(raw_question, &id, check_ids)
        {
            question = Some(asked);
            fields = vec![field];
            checks = vec![check];
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
            question,
        })
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
}

/// TOML to JSON; `None` for what JSON cannot hold (dates, NaN, infinities).
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
