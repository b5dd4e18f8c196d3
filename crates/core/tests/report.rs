//! Reports: the JSON and the HTML page show the same numbers, and the integrity hash catches an
//! edit; a report is saved as HTML or JSON by the file's extension.

use awslab_core::progress::{CheckRecord, ProgressStore, TargetKind};
use awslab_core::report::{self, ExportError, Report};
use awslab_lab::Lang;

fn lab() -> awslab_lab::Lab {
    lab_named("serverless-api")
}

fn lab_named(id: &str) -> awslab_lab::Lab {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs").join(id);
    awslab_lab::load_lab(&dir).expect("the lab loads")
}

fn record(step: &str, check: &str, passed: bool, points: u32, at_ms: i64) -> CheckRecord {
    CheckRecord {
        step_id: step.into(),
        check_id: check.into(),
        passed,
        points: if passed { points } else { 0 },
        max_points: points,
        target: TargetKind::Emulator,
        at_ms,
        detail: None,
    }
}

#[test]
fn the_page_and_the_json_agree_and_the_hash_catches_an_edit() {
    let lab = lab();
    let mut store = ProgressStore::open_in_memory().unwrap();
    store
        .record_checks(
            &lab.id,
            &[
                record("create-policy", "policy-allows-only-putitem", true, 10, 1_714_564_800_000),
                record("create-role", "role-trusts-lambda", true, 10, 1_714_564_801_000),
                record("create-role", "role-has-putitem-policy", false, 10, 1_714_564_802_000),
            ],
        )
        .unwrap();
    let report =
        Report::build(&lab, &store, TargetKind::Emulator, Lang::En, 1_714_564_803_000).unwrap();
    assert!(report.verify());
    let content = &report.content;
    let possible = lab.total_points_on(TargetKind::Emulator);
    assert_eq!((content.earned, content.possible), (20, possible));
    let percent = awslab_lab::grade::Score::new(20, possible, lab.pass_percent).percent;
    assert_eq!(content.percent, percent);
    assert!(!content.passed);
    assert_eq!(content.steps[1].status, "failed");
    assert_eq!(content.steps[2].status, "not started");
    assert_eq!(content.steps[1].checks[1].target.as_deref(), Some("emulator"));

    let html = report.to_html();
    let score_line = format!(
        r#"<p class="score" id="score">20/{possible} ({percent}%) — not passed (pass mark 70%)</p>"#
    );
    assert!(html.contains(&score_line), "{html}");
    assert!(html.contains("2024-05-01 12:00:01"), "{html}");
    assert!(html.contains(&format!(r#"<code id="sha256">{}</code>"#, report.sha256)));
    assert!(
        !html.contains("<script>") && !html.contains("src="),
        "self-contained, no scripts to run"
    );
    // The JSON embedded in the page is the report itself.
    let embedded = html
        .split(r#"<script type="application/json" id="report">"#)
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("the embedded JSON");
    let parsed: Report = serde_json::from_str(&embedded.replace("<\\/", "</")).unwrap();
    assert_eq!(parsed, report);

    let mut edited: Report = serde_json::from_str(&report.to_json()).unwrap();
    assert!(edited.verify());
    edited.content.earned = 40;
    assert!(!edited.verify(), "an edited score no longer matches its hash");

    // The file verifies, as JSON and as the page, and its failure is in words.
    for file in [report.to_json(), html.clone()] {
        let verification = awslab_core::report::verify_file(&file).expect("a report");
        assert!(verification.matches());
        assert_eq!(verification.content, report.content);
    }
    assert!(content.self_reported);
    assert!(html.contains("This report is self-reported."), "{html}");
    let why = content.steps[1].checks[1].failure.as_deref().expect("why it failed");
    assert!(why.starts_with(&lab.steps[1].checks[1].message.en), "{why}");
    assert!(html.contains(r#"<tr class="why">"#), "{html}");
    assert_eq!(content.steps[0].checks[0].failure, None, "a pass has no failure");
    // What the page cannot be: a report without its hash, or a page with no report in it.
    assert!(awslab_core::report::verify_file("<html></html>").is_err());
}

#[test]
fn a_korean_report_speaks_korean_and_keeps_the_codes_of_its_json() {
    let lab = lab();
    let mut store = ProgressStore::open_in_memory().unwrap();
    store
        .record_checks(
            &lab.id,
            &[record("create-policy", "policy-allows-only-putitem", true, 10, 1)],
        )
        .unwrap();
    let report = Report::build(&lab, &store, TargetKind::Emulator, Lang::Ko, 2).unwrap();

    let html = report.to_html();
    assert!(html.contains("<title>서버리스 API 만들기 — awslab 보고서</title>"), "{html}");
    assert!(html.contains("— 불합격 (합격 기준 70%)"), "{html}");
    assert!(html.contains("<th>확인 항목</th><th>결과</th>"), "{html}");
    assert!(html.contains("<td>통과</td>"), "the step's status in Korean: {html}");
    assert_eq!(report.content.steps[0].status, "passed", "the JSON keeps its codes");
}

#[test]
fn a_report_on_aws_names_its_target_and_grades_no_offline_only_check() {
    let lab = lab_named("cloudwatch-alarm");
    let mut store = ProgressStore::open_in_memory().unwrap();
    let mut records: Vec<CheckRecord> = lab
        .checks()
        .map(|(step, check)| CheckRecord {
            target: TargetKind::Aws,
            ..record(&step.id, &check.id, true, check.points, 1)
        })
        .filter(|record| record.check_id != "alarm-email-arrived")
        .collect();
    // The mailbox check passed offline; on AWS it is not graded.
    records.push(record("read-alarm-email", "alarm-email-arrived", true, 5, 2));
    store.record_checks(&lab.id, &records).unwrap();

    let report = Report::build(&lab, &store, TargetKind::Aws, Lang::En, 3).unwrap();

    let content = &report.content;
    assert_eq!(content.target, "aws");
    assert_eq!((content.earned, content.possible, content.passed), (121, 121, true));
    let email = content.steps.iter().find(|step| step.id == "read-alarm-email").unwrap();
    assert_eq!((email.status.as_str(), email.earned, email.possible), ("offline only", 0, 0));
    let mail = &email.checks[0];
    assert_eq!((mail.graded, mail.passed, mail.points, mail.possible), (false, false, 0, 0));
    assert!(content.steps[0].checks.iter().all(|check| check.graded && check.passed));

    let html = report.to_html();
    assert!(html.contains("121/121 (100%) — passed (pass mark 70%)"), "{html}");
    assert!(html.contains("target AWS"), "{html}");
    assert!(html.contains(r#"<td class="ungraded">offline only, not graded on AWS</td>"#));

    // Offline only what was recorded offline counts, the mailbox check, and the answers to the
    // lab's two questions (11 points), which count wherever they were given.
    let offline = Report::build(&lab, &store, TargetKind::Emulator, Lang::Ko, 3).unwrap();
    assert_eq!((offline.content.earned, offline.content.possible), (16, 126));
    assert!(offline.to_html().contains("대상 오프라인 에뮬레이터"));
}

#[test]
fn a_check_passed_at_the_start_of_its_current_run_of_passes() {
    let lab = lab_named("cloudwatch-alarm");
    let (step, check) = lab.checks().next().unwrap();
    let at = |passed, at_ms| record(&step.id, &check.id, passed, check.points, at_ms);
    let mut store = ProgressStore::open_in_memory().unwrap();
    store.record_checks(&lab.id, &[at(true, 1_000), at(true, 2_000)]).unwrap();

    let first = Report::build(&lab, &store, TargetKind::Emulator, Lang::En, 9).unwrap();
    let reported = &first.content.steps[0].checks[0];
    assert_eq!((reported.passed_at_ms, reported.at_ms), (Some(1_000), Some(2_000)));
    assert!(first.to_html().contains("1970-01-01 00:00:01"), "a re-check does not move it");

    // Undone, then built again: it passed when it was built again.
    store.record_checks(&lab.id, &[at(false, 3_000), at(true, 4_000)]).unwrap();
    let again = Report::build(&lab, &store, TargetKind::Emulator, Lang::En, 9).unwrap();
    assert_eq!(again.content.steps[0].checks[0].passed_at_ms, Some(4_000));

    store.record_checks(&lab.id, &[at(false, 5_000)]).unwrap();
    let lost = Report::build(&lab, &store, TargetKind::Emulator, Lang::En, 9).unwrap();
    assert_eq!(lost.content.steps[0].checks[0].passed_at_ms, None);
}

#[test]
fn saves_the_report_as_html_or_json_by_extension_with_its_hash() {
    let lab = lab();
    let store = ProgressStore::open_in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();

    let html =
        report::save(&lab, &store, TargetKind::Emulator, &dir.path().join("r.html"), Lang::En, 1)
            .unwrap();
    let page = std::fs::read_to_string(&html.path).unwrap();
    assert!(
        page.starts_with("<!DOCTYPE html>") || page.starts_with("<!doctype html>"),
        "{page:.80}"
    );
    assert!(page.contains(&html.sha256));

    let json =
        report::save(&lab, &store, TargetKind::Emulator, &dir.path().join("r.JSON"), Lang::Ko, 1)
            .unwrap();
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json.path).unwrap()).unwrap();
    assert_eq!(value["sha256"], serde_json::json!(json.sha256));
}

#[test]
fn refuses_other_extensions_and_names_an_unwritable_path() {
    let lab = lab();
    let store = ProgressStore::open_in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();

    let wrong =
        report::save(&lab, &store, TargetKind::Emulator, &dir.path().join("r.pdf"), Lang::En, 1)
            .unwrap_err();
    assert!(matches!(wrong, ExportError::UnknownFormat { .. }), "{wrong:?}");
    assert!(wrong.to_string().contains(".html or .json"), "{wrong}");

    let nowhere = dir.path().join("missing-folder/r.html");
    let error =
        report::save(&lab, &store, TargetKind::Emulator, &nowhere, Lang::En, 1).unwrap_err();
    assert!(matches!(error, ExportError::Write { .. }), "{error:?}");
    assert!(error.to_string().contains("missing-folder"), "{error}");
}
