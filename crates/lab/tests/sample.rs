//! The format sample (tests/fixtures/format-sample) loads, and uses every field kind and every
//! check kind, so the format is proven before real labs depend on it.

use awslab_lab::model::{FieldKind, Targets};
use awslab_lab::registry::CheckKind;
use awslab_lab::{Lang, TargetKind, load_lab};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn sample_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/format-sample")
}

fn load_sample() -> awslab_lab::Lab {
    match load_lab(&sample_dir()) {
        Ok(lab) => lab,
        Err(errors) => {
            let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!("the format sample does not load:\n{}", errors.join("\n"))
        }
    }
}

#[test]
fn sample_uses_every_field_kind() {
    let lab = load_sample();
    let used: BTreeSet<&str> =
        lab.steps.iter().flat_map(|s| &s.fields).map(|f| f.kind.name()).collect();
    let all: BTreeSet<&str> =
        ["text", "number", "select", "multi_select", "json", "code", "key_value", "resource"]
            .into();
    assert_eq!(used, all);
}

#[test]
fn sample_uses_every_check_kind() {
    let lab = load_sample();
    let used: BTreeSet<&str> = lab.checks().map(|(_, check)| check.kind.name()).collect();
    let all: BTreeSet<&str> = CheckKind::ALL.iter().map(|kind| kind.name()).collect();
    let missing: Vec<_> = all.difference(&used).collect();
    assert!(missing.is_empty(), "check kinds the sample does not use: {missing:?}");
}

#[test]
fn sample_reads_as_the_author_wrote_it() {
    let lab = load_sample();
    assert_eq!(lab.id, "format-sample");
    assert_eq!(lab.title.get(Lang::Ko), "형식 견본");
    assert_eq!(lab.pass_percent, 80);
    assert_eq!(lab.steps.len(), 11);
    assert_eq!(lab.total_points_on(TargetKind::Emulator), 180);

    let policy = &lab.steps[0];
    assert_eq!(policy.title.get(Lang::En), "Create the policy");
    assert_eq!(policy.hints.len(), 2);
    assert_eq!(policy.hints[1].get(Lang::Ko), "문서의 `Action`은 `\"dynamodb:PutItem\"` 입니다.");
    let action = policy.action.as_ref().expect("the policy step has an action");
    assert_eq!(action.id.name(), "iam.create_policy");
    assert_eq!(action.params["policy_name"], "{{policy_name}}");

    // A TOML table given as a JSON field's default becomes JSON text for the editor.
    let trust = lab.steps[1].field("trust_policy").expect("trust_policy field");
    let text = trust.default.as_ref().and_then(|v| v.as_str()).expect("JSON text");
    assert!(text.contains("\"Service\": \"lambda.amazonaws.com\""), "{text}");

    // Code fields load their starter and solution from files in the lab folder.
    let code = lab.steps[3].field("code").expect("code field");
    assert!(matches!(code.kind, FieldKind::Code { .. }));
    assert!(code.default.as_ref().and_then(|v| v.as_str()).unwrap_or("").contains("TODO"));
    assert!(code.solution_value().and_then(|v| v.as_str()).unwrap_or("").contains("put_item"));

    assert_eq!(lab.step("shell").map(|s| s.targets), Some(Targets::Emulator));
    assert!(lab.step("quiz").is_some_and(|s| s.action.is_none()));
    let summary = lab.summary.as_ref().expect("summary");
    assert_eq!(summary.title.get(Lang::En), "Clean up");
    assert!(lab.intro.get(Lang::En).contains("images/diagram.svg"));
}
