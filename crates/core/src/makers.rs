//! What a check says when what it looks for does not exist: which step of the lab makes it.
//! Without this, a check's own message describes the state it wants ("the alarm is not OK yet:
//! let the instance idle"), which reads as "wait" when there is nothing to wait for.
//!
//! The step that makes a resource is the first whose action names it among its parameters
//! (`alarm_name = "…"`, `function_name = "…"`); the names a check looks for are its resource
//! selector's texts, or the arguments of its lookups (`{{volume_id:my-instance}}` looks for
//! `my-instance`).

use awslab_lab::template;
use awslab_lab::{Check, Lab, Localized, Step};
use serde_json::Value;

/// Why `check` of `step` found nothing, in words: what is missing and which step makes it.
pub fn missing(lab: &Lab, step: &Step, check: &Check) -> Localized {
    let names = sought(check);
    let maker = lab.steps.iter().enumerate().find_map(|(index, candidate)| {
        let action = candidate.action.as_ref()?;
        let named = action.params.values().any(|value| names_any(candidate, value, &names));
        named.then_some((index, candidate))
    });
    let what = names.first().cloned().unwrap_or_else(|| check.id.clone());
    match maker {
        Some((_, maker)) if maker.id == step.id => Localized::new(
            format!("{what}이(가) 아직 없습니다: 이 단계의 실행(Run)이 만듭니다."),
            format!("{what} does not exist yet: this step's Run makes it."),
        ),
        Some((index, maker)) => Localized::new(
            format!(
                "{what}이(가) 아직 없습니다: {}단계 ‘{}’에서 만듭니다. 그 전에는 기다려도 소용없습니다.",
                index + 1,
                maker.title.ko
            ),
            format!(
                "{what} does not exist yet: step {} “{}” makes it. Until then there is nothing to wait for.",
                index + 1,
                maker.title.en
            ),
        ),
        None => Localized::new(
            format!("{what}이(가) 없습니다: 만들어졌는지, 지워지지 않았는지 확인하세요."),
            format!("{what} does not exist: check that it was made and not deleted since."),
        ),
    }
}

/// The names a check looks for: each text of its selector, or its lookups' arguments.
fn sought(check: &Check) -> Vec<String> {
    let mut names = Vec::new();
    for value in check.resource.values() {
        let Value::String(text) = value else { continue };
        match template::placeholders(text) {
            Ok(found) if !found.is_empty() => {
                names.extend(found.into_iter().filter_map(|placeholder| placeholder.argument));
            }
            _ => names.push(text.clone()),
        }
    }
    names.retain(|name| !name.is_empty() && !name.starts_with('/'));
    names
}

/// Whether a parameter value of `step`'s action is one of `names`: the text itself, a lookup
/// of one (`{{…:name}}`), or a field of the step (`{{alarm_name}}`) whose default or solution
/// is one.
fn names_any(step: &Step, value: &Value, names: &[String]) -> bool {
    let Value::String(text) = value else { return false };
    let is_named = |candidate: &str| names.iter().any(|name| name == candidate);
    if is_named(text) {
        return true;
    }
    let Some(placeholder) = template::sole_placeholder(text) else { return false };
    match placeholder.argument {
        Some(argument) => is_named(&argument),
        None => step.fields.iter().filter(|field| field.id == placeholder.name).any(|field| {
            [field.default.as_ref(), field.solution_value()]
                .into_iter()
                .flatten()
                .any(|value| value.as_str().is_some_and(is_named))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarm_lab() -> Lab {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs/cloudwatch-alarm");
        awslab_lab::load_lab(&dir).expect("the alarm lab loads")
    }

    #[test]
    fn a_missing_alarm_names_the_step_that_makes_it_not_a_wait() {
        let lab = alarm_lab();
        let step = lab.step("alarm-settles-ok").unwrap();
        let said = missing(&lab, step, &step.checks[0]);
        assert!(
            said.en.starts_with("awslab_cloudwatch_toomuch_volume_alarm does not exist yet: step "),
            "{said:?}"
        );
        assert!(said.en.contains("“Create the alarm” makes it"), "{said:?}");
        assert!(said.en.contains("nothing to wait for"), "{said:?}");
        assert!(said.ko.contains("‘경보 만들기’에서 만듭니다"), "{said:?}");
    }

    #[test]
    fn a_resource_this_step_makes_says_so() {
        let lab = alarm_lab();
        let step = lab.step("create-alarm").unwrap();
        let check = step.checks.iter().find(|check| check.id == "alarm-condition").unwrap();
        assert_eq!(
            missing(&lab, step, check).en,
            "awslab_cloudwatch_toomuch_volume_alarm does not exist yet: this step's Run makes it."
        );
    }
}
