//! A step's action: a known action id, the parameters it requires and allows, and the targets
//! it may run on (an emulator-only action must say `targets = "emulator"`).
//!
//! Not here: performing the action (`awslab-cloud`).

use super::{Builder, did_you_mean, to_json};
use crate::model::{Action, Targets};
use crate::registry::ActionKind;
use indexmap::IndexMap;
use toml::Spanned;

impl Builder<'_> {
    pub(super) fn action(
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
        let Some(kind) = ActionKind::from_name(id.get_ref()) else {
            let known = ActionKind::ALL.iter().map(|kind| kind.name());
            let suggestion = did_you_mean(id.get_ref(), known);
            self.error(
                &id.span(),
                format!(
                    "unknown action `{}`{suggestion} (the actions are listed in labs/README.md)",
                    id.get_ref()
                ),
            );
            return None;
        };
        let spec = kind.spec();
        let params = params.map(Spanned::into_inner).unwrap_or_default();
        for required in spec.required {
            if !params.keys().any(|key| key.get_ref() == required) {
                self.error(
                    &id.span(),
                    format!("action `{kind}` needs the parameter `{required}` in `[steps.params]`"),
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
                        "action `{kind}` has no parameter `{name}`{suggestion}: it takes {}",
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
        Some(Action { id: kind, params: values })
    }

    /// Where the step runs: `targets` as written, else where its action can run. `action` is
    /// the step's action once known (`None` when it has none or an unknown one).
    pub(super) fn targets(
        &mut self,
        action: Option<ActionKind>,
        raw: Option<&Spanned<String>>,
    ) -> Targets {
        let emulator_only = action.is_some_and(|kind| kind.spec().emulator_only);
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
                    "action `{action}` exists only on the emulator: set `targets = \"emulator\"`"
                ),
            );
        }
        targets
    }
}
