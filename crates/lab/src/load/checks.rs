//! A step's checks: unique ids, a known kind, the `resource` selector that kind requires and
//! allows, and an `expect` table naming only properties the kind describes, with valid
//! operators.
//!
//! Not here: looking the resource up (`awslab-cloud`), or matching `expect` (`crate::expect`).

use super::{Builder, did_you_mean, to_json};
use crate::expect;
use crate::lesson::is_slug;
use crate::manifest::RawCheck;
use crate::model::Check;
use crate::registry::CheckKind;
use indexmap::IndexMap;
use serde_json::Value;
use std::collections::HashMap;
use toml::Spanned;

impl Builder<'_> {
    pub(super) fn check(
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

        let Some(kind) = CheckKind::from_name(raw.kind.get_ref()) else {
            let written = raw.kind.get_ref();
            let suggestion = did_you_mean(written, CheckKind::ALL.iter().map(|kind| kind.name()));
            self.error(&raw.kind.span(), format!(
                "unknown check kind `{written}`{suggestion} (the kinds are listed in labs/README.md)"
            ));
            return None;
        };
        let spec = kind.spec();

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
        if kind == CheckKind::QuizAnswer {
            self.error(
                &raw.kind.span(),
                "a quiz is written as a question step, not as a `quiz.answer` check: give the \
                 step a `[steps.question]` (see Questions in labs/README.md)",
            );
            return None;
        }

        let expect = match raw.expect {
            None => Value::Object(serde_json::Map::new()),
            Some(expect) => self.expectation(&expect, kind, fields)?,
        };
        if let Some(later) = raw.changed_by {
            self.changed_by.push((id.clone(), step_id.to_string(), later));
        }
        Some(Check { id, kind, points, resource, expect, message, changed_by: None })
    }

    fn expectation(
        &mut self,
        expect: &Spanned<toml::Value>,
        kind: CheckKind,
        fields: &[String],
    ) -> Option<Value> {
        let spec = kind.spec();
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
                            "a `{kind}` check has no property `{key}`{suggestion}: it knows {}",
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
}

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
