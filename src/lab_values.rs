//! What fills a step's form in `awslab run`, as a learner fills it in the app: the form's
//! defaults (the starter code, the course's names), or the reference solution with
//! `--solution`, then any field set with `--set` or from a `--values` file.
//!
//! - `--set FIELD=VALUE` sets a field of the step given with `--step`, or of the one step that
//!   has a field of that id; `--set STEP.FIELD=VALUE` names the step. `FIELD=@FILE` reads the
//!   value from a file (code, a policy). A number field takes a number, a multi-select a
//!   comma-separated list, a key/value field `NAME=VALUE,NAME=VALUE` or a JSON object.
//! - `--values FILE` is a JSON object of steps and their fields,
//!   `{"create-table": {"partition_key": "id"}}`, each value as the form holds it (text,
//!   number, list, object); with `--step`, the step's own fields may stand alone.
//!
//! The values are then checked against the fields' rules by the engine, as the app's are; here
//! only what cannot be a value of the lab is refused: an unknown step or field.

use anyhow::{Context, Result, bail};
use awslab_core::engine::{self, FormValues};
use awslab_lab::model::FieldKind;
use awslab_lab::{Lab, Step};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct ValueArgs {
    /// Fill each form with the lab's reference solution instead of its defaults.
    #[arg(long)]
    solution: bool,
    /// Set a field: `FIELD=VALUE` (of the step of --step), or `STEP.FIELD=VALUE`; `FIELD=@FILE`
    /// reads the value from a file. Repeat for more fields.
    #[arg(long = "set", value_name = "[STEP.]FIELD=VALUE")]
    set: Vec<String>,
    /// A JSON file of values by step: `{"create-table": {"partition_key": "id"}}`.
    #[arg(long, value_name = "FILE")]
    values: Option<PathBuf>,
}

/// The values set by hand, by step id.
pub struct FormFill {
    solution: bool,
    by_step: HashMap<String, Map<String, Value>>,
}

impl FormFill {
    /// How the forms were filled, for the record: by the reference solution with `--solution`.
    pub fn filled(&self) -> awslab_core::engine::Filled {
        if self.solution {
            awslab_core::engine::Filled::BySolution
        } else {
            awslab_core::engine::Filled::ByLearner
        }
    }

    /// The values for `step`'s form: defaults or solution, then what was set.
    pub fn values(&self, step: &Step) -> FormValues {
        let mut values = if self.solution {
            engine::solution_values(step)
        } else {
            engine::default_values(step)
        };
        if let Some(set) = self.by_step.get(&step.id) {
            values.extend(set.iter().map(|(field, value)| (field.clone(), value.clone())));
        }
        values
    }
}

impl ValueArgs {
    /// Reads `--values` and `--set` against `lab`; `only` is the step of `--step`.
    pub fn fill(&self, lab: &Lab, only: Option<&Step>) -> Result<FormFill> {
        let mut by_step: HashMap<String, Map<String, Value>> = HashMap::new();
        if let Some(path) = &self.values {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading --values {}", path.display()))?;
            let document: Value = serde_json::from_str(&text).with_context(|| {
                format!(
                    "--values {}: not JSON (write {{\"STEP\": {{\"FIELD\": value}}}})",
                    path.display()
                )
            })?;
            let Value::Object(entries) = document else {
                bail!(
                    "--values {}: write a JSON object of steps, {{\"STEP\": {{\"FIELD\": value}}}}",
                    path.display()
                );
            };
            for (key, value) in entries {
                match (lab.step(&key), value) {
                    (Some(step), Value::Object(fields)) => {
                        for (field, value) in fields {
                            let value = file_value(step, &field, value)?;
                            by_step.entry(step.id.clone()).or_default().insert(field, value);
                        }
                    }
                    (Some(step), _) => {
                        bail!(
                            "--values: the values of step `{}` must be an object of fields",
                            step.id
                        )
                    }
                    (None, value) => match only {
                        Some(step) => {
                            let value = file_value(step, &key, value)?;
                            by_step.entry(step.id.clone()).or_default().insert(key, value);
                        }
                        None => bail!(
                            "--values: `{key}` is not a step of {} (its steps: {})",
                            lab.id,
                            step_ids(lab)
                        ),
                    },
                }
            }
        }
        for setting in &self.set {
            let (step, field, value) = parse_setting(lab, only, setting)?;
            by_step.entry(step.id.clone()).or_default().insert(field, value);
        }
        Ok(FormFill { solution: self.solution, by_step })
    }
}

fn step_ids(lab: &Lab) -> String {
    lab.steps.iter().map(|step| step.id.as_str()).collect::<Vec<_>>().join(", ")
}

fn field_ids(step: &Step) -> String {
    match step.fields.len() {
        0 => "it has no fields".into(),
        _ => {
            let ids: Vec<&str> = step.fields.iter().map(|field| field.id.as_str()).collect();
            format!("its fields: {}", ids.join(", "))
        }
    }
}

/// `[STEP.]FIELD=VALUE` as the step, the field and the form's value.
fn parse_setting<'l>(
    lab: &'l Lab,
    only: Option<&'l Step>,
    setting: &str,
) -> Result<(&'l Step, String, Value)> {
    let Some((name, text)) = setting.split_once('=') else {
        bail!("--set {setting}: write FIELD=VALUE or STEP.FIELD=VALUE");
    };
    let (step, field) = match name.split_once('.') {
        Some((step_id, field)) => match lab.step(step_id) {
            Some(step) => (step, field),
            None => bail!(
                "--set {setting}: {} has no step `{step_id}` (its steps: {})",
                lab.id,
                step_ids(lab)
            ),
        },
        None => match only {
            Some(step) => (step, name),
            None => {
                let having: Vec<&Step> = lab
                    .steps
                    .iter()
                    .filter(|step| step.fields.iter().any(|f| f.id == name))
                    .collect();
                match having.as_slice() {
                    [step] => (*step, name),
                    [] => bail!("--set {setting}: no step of {} has a field `{name}`", lab.id),
                    several => {
                        let ids: Vec<&str> = several.iter().map(|s| s.id.as_str()).collect();
                        bail!(
                            "--set {setting}: the steps {} all have a field `{name}`: write STEP.{name}=… or give --step",
                            ids.join(", ")
                        )
                    }
                }
            }
        },
    };
    let Some(kind) = step.fields.iter().find(|f| f.id == field).map(|f| &f.kind) else {
        bail!("--set {setting}: step `{}` has no field `{field}` ({})", step.id, field_ids(step));
    };
    let text = match text.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("--set {setting}: reading {path}"))?,
        None => text.to_string(),
    };
    Ok((step, field.to_string(), typed(kind, &text)))
}

/// A value from `--set`'s text as the form holds it for the field's kind. Text that does not
/// fit (a word in a number field) is kept as text, for the field's rule to refuse in words.
fn typed(kind: &FieldKind, text: &str) -> Value {
    match kind {
        FieldKind::Number { .. } => serde_json::from_str::<serde_json::Number>(text.trim())
            .map_or_else(|_| Value::String(text.into()), Value::Number),
        FieldKind::MultiSelect { .. } => Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| Value::String(item.into()))
                .collect(),
        ),
        FieldKind::KeyValue { .. } => match serde_json::from_str::<Value>(text) {
            Ok(object @ Value::Object(_)) => object,
            _ => Value::Object(
                text.split(',')
                    .filter_map(|pair| pair.split_once('='))
                    .map(|(name, value)| (name.trim().into(), Value::String(value.trim().into())))
                    .collect(),
            ),
        },
        _ => Value::String(text.into()),
    }
}

/// A value from a `--values` file, for a field that must exist. A JSON field also takes the
/// document itself rather than its text.
fn file_value(step: &Step, field: &str, value: Value) -> Result<Value> {
    let Some(kind) = step.fields.iter().find(|f| f.id == field).map(|f| &f.kind) else {
        bail!("--values: step `{}` has no field `{field}` ({})", step.id, field_ids(step));
    };
    Ok(match (kind, value) {
        (FieldKind::Json { .. }, document @ (Value::Object(_) | Value::Array(_))) => {
            Value::String(serde_json::to_string_pretty(&document).unwrap_or_default())
        }
        (_, value) => value,
    })
}
