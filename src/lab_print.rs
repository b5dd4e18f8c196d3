//! What `run`, `check` and `grade` print about a step and a lab: each check's result, the checks
//! that count for nothing on the target (offline-only ones on AWS), a step the learner does by
//! hand there, and the score on the target. Text only, so it is tested without a target.

use awslab_cloud::checks::{CheckResult, HistoryKind};
use awslab_lab::grade::Score;
use awslab_lab::{Lang, Step, TargetKind};

/// A step's check results, each with what differs when it failed, then one line for each of
/// the step's checks that is not graded on `target` (and so did not run).
pub fn checks_text(results: &[CheckResult], step: &Step, target: TargetKind, lang: Lang) -> String {
    let mut out = String::new();
    for result in results {
        let mark = if result.passed { "✓" } else { "✗" };
        out.push_str(&format!("  {mark} {}  {}/{}\n", result.id, result.points, result.possible));
        if let Some(history) = &result.history {
            let when = match (history.kind, lang) {
                (HistoryKind::Answered, Lang::Ko) => "답한 시각",
                (HistoryKind::Answered, Lang::En) => "answered",
                (HistoryKind::Kept | HistoryKind::Undone, Lang::Ko) => "통과한 시각",
                (HistoryKind::Kept | HistoryKind::Undone, Lang::En) => "passed",
            };
            let at = awslab_core::clock::utc_text(history.at_ms);
            out.push_str(&format!("    {} ({when} {at} UTC)\n", history.note.get(lang)));
        }
        if result.passed {
            continue;
        }
        if let Some(check) = step.checks.iter().find(|check| check.id == result.id) {
            out.push_str(&format!("    {}\n", check.message.get(lang)));
        }
        if result.missing {
            out.push_str(match lang {
                Lang::Ko => "    찾는 리소스가 없습니다.\n",
                Lang::En => "    the resource does not exist\n",
            });
        }
        for difference in &result.differences {
            out.push_str(&format!("    {difference}\n"));
        }
        if let Some(diagnosis) = &result.diagnosis {
            out.push_str(&format!("    {}\n", diagnosis.get(lang)));
        }
        if let Some(failure) = &result.failure {
            out.push_str(&format!("    {}: {}\n", failure.code, failure.message));
        }
    }
    for check in step.checks.iter().filter(|check| !check.graded_on(target)) {
        let why = match lang {
            Lang::Ko => "오프라인 전용, AWS에서는 채점하지 않음",
            Lang::En => "offline only, not graded on AWS",
        };
        out.push_str(&format!("  – {}  {why}\n", check.id));
    }
    out
}

/// Said for a step whose action does not exist on `target`: the learner does it by hand, as the
/// lesson describes, and only its checks ran.
pub fn by_hand_text(target: TargetKind, lang: Lang) -> &'static str {
    match (target, lang) {
        (TargetKind::Aws, Lang::Ko) => {
            "  ✋ AWS에서는 이 단계를 직접 합니다(실습 설명 참고). 실행은 오프라인에만 있어 건너뛰었고, 아래 확인은 AWS를 봅니다.\n"
        }
        (TargetKind::Aws, Lang::En) => {
            "  ✋ on AWS you do this step by hand (see the lesson): its action exists only offline, so it was not tried; the checks below look at AWS\n"
        }
        (TargetKind::Emulator, Lang::Ko) => {
            "  ✋ 오프라인에서는 이 단계를 직접 합니다(실습 설명 참고). 실행은 AWS에만 있어 건너뛰었고, 아래 확인은 에뮬레이터를 봅니다.\n"
        }
        (TargetKind::Emulator, Lang::En) => {
            "  ✋ offline you do this step by hand (see the lesson): its action exists only on AWS, so it was not tried; the checks below look at the emulator\n"
        }
    }
}

/// The score line: points, percent, the verdict and the lab's pass mark; on AWS it says so,
/// since offline-only checks are left out of its total there.
pub fn score_text(score: &Score, target: TargetKind, lang: Lang) -> String {
    let verdict = match (lang, score.passed) {
        (Lang::Ko, true) => "통과",
        (Lang::Ko, false) => "미통과",
        (Lang::En, true) => "passed",
        (Lang::En, false) => "not passed",
    };
    let label = match (target, lang) {
        (TargetKind::Emulator, Lang::Ko) => "점수",
        (TargetKind::Emulator, Lang::En) => "score",
        (TargetKind::Aws, Lang::Ko) => "AWS 점수",
        (TargetKind::Aws, Lang::En) => "score on AWS",
    };
    let pass_mark = match lang {
        Lang::Ko => "통과 기준",
        Lang::En => "pass mark",
    };
    format!(
        "{label}: {}/{} ({}%) — {verdict} ({pass_mark} {}%)",
        score.earned, score.possible, score.percent, score.pass_percent
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn alarm_lab() -> awslab_lab::Lab {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("labs/cloudwatch-alarm");
        awslab_lab::load_lab(&dir).expect("the alarm lab loads")
    }

    fn result(id: &str, passed: bool, possible: u32) -> CheckResult {
        CheckResult {
            id: id.into(),
            kind: awslab_lab::CheckKind::EmulatorMail,
            passed,
            points: if passed { possible } else { 0 },
            possible,
            differences: Vec::new(),
            missing: !passed,
            failure: None,
            observed: Value::Null,
            diagnosis: None,
            history: None,
        }
    }

    #[test]
    fn on_aws_the_mailbox_check_is_listed_as_offline_only_not_as_failed() {
        let lab = alarm_lab();
        let step = lab.step("read-alarm-email").expect("the e-mail step");

        let on_aws = checks_text(&[], step, TargetKind::Aws, Lang::En);
        assert_eq!(on_aws, "  – alarm-email-arrived  offline only, not graded on AWS\n");
        let korean = checks_text(&[], step, TargetKind::Aws, Lang::Ko);
        assert!(korean.contains("오프라인 전용, AWS에서는 채점하지 않음"), "{korean}");

        let offline = [result("alarm-email-arrived", true, 5)];
        let offline = checks_text(&offline, step, TargetKind::Emulator, Lang::En);
        assert_eq!(offline, "  ✓ alarm-email-arrived  5/5\n");
    }

    #[test]
    fn a_failed_check_says_what_it_wants_and_that_its_resource_is_missing() {
        let lab = alarm_lab();
        let step = lab.step("read-alarm-email").expect("the e-mail step");
        let text = checks_text(
            &[result("alarm-email-arrived", false, 5)],
            step,
            TargetKind::Emulator,
            Lang::En,
        );
        assert!(
            text.starts_with("  ✗ alarm-email-arrived  0/5\n    The mailbox holds no"),
            "{text}"
        );
        assert!(text.ends_with("    the resource does not exist\n"), "{text}");
    }

    #[test]
    fn the_score_says_when_it_is_taken_on_aws() {
        let score = Score::new(110, 110, 70);
        assert_eq!(
            score_text(&score, TargetKind::Aws, Lang::En),
            "score on AWS: 110/110 (100%) — passed (pass mark 70%)"
        );
        assert_eq!(
            score_text(&Score::new(60, 115, 70), TargetKind::Emulator, Lang::En),
            "score: 60/115 (52.1%) — not passed (pass mark 70%)"
        );
        assert!(score_text(&score, TargetKind::Aws, Lang::Ko).starts_with("AWS 점수: 110/110"));
    }

    #[test]
    fn a_step_done_by_hand_points_to_the_lesson() {
        assert!(by_hand_text(TargetKind::Aws, Lang::En).contains("by hand (see the lesson)"));
        assert!(by_hand_text(TargetKind::Aws, Lang::Ko).contains("직접 합니다(실습 설명 참고)"));
        assert!(by_hand_text(TargetKind::Emulator, Lang::En).contains("only on AWS"));
    }
}
