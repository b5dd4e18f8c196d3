//! What the lab commands print: a run of a step (its calls, what it found and what the lesson
//! asks to look at), each check's result, the checks that count for nothing on the target
//! (offline-only ones on AWS), a step the learner does by hand there, the score, clean-up and
//! reset, hints and skips. Text only, so it is tested without a target.

use awslab_cloud::checks::{CheckResult, HistoryKind};
use awslab_cloud::cleanup::CleanupReport;
use awslab_core::engine::{LabReset, StepRun};
use awslab_lab::grade::Score;
use awslab_lab::quiz::{self, Question, QuizFeedback};
use awslab_lab::{Lang, Step, TargetKind};
use serde_json::Value;

/// What a run of a step did: the form's problems, the calls (as `aws` commands), what the
/// action found (a reused resource), its failure explained, what the answer holds that the
/// lesson asks to look at (the table's items, the function's log, a command's output), then the
/// checks.
pub fn run_text(run: &StepRun, step: &Step, target: TargetKind, lang: Lang) -> String {
    let mut out = String::new();
    if run.done_by_hand {
        out.push_str(by_hand_text(target, lang));
    }
    for problem in &run.field_problems {
        out.push_str(&format!("  ✗ {}: {}\n", problem.field, problem.message.get(lang)));
    }
    if let Some(failure) = &run.failure {
        out.push_str(&format!(
            "  ✗ {}: {}\n    {}\n",
            failure.code,
            failure.message,
            failure.explanation.get(lang)
        ));
    }
    if let Some(action) = &run.action {
        for call in &action.calls {
            out.push_str(&format!("  $ {}\n", call.cli));
        }
        if let Some(note) = &action.note {
            out.push_str(&format!("  ↺ {}\n", note.get(lang)));
        }
        match &action.failure {
            Some(failure) => out.push_str(&format!(
                "  ✗ {}: {}\n    {}\n",
                failure.code,
                failure.message,
                failure.explanation.get(lang)
            )),
            None => out.push_str(&answer_text(&action.response)),
        }
    }
    out.push_str(&checks_text(&run.checks, step, target, lang));
    out
}

/// Lines of an answer shown at most; the rest is counted.
const ANSWER_LINES: usize = 40;

/// What an action's answer holds, as the app's results panel shows it: a command's output as
/// text, the rest as indented JSON (without the log lines), then the function's log lines.
fn answer_text(response: &Value) -> String {
    let mut out = String::new();
    let mut block = |title: &str, text: &str| {
        let lines: Vec<&str> = text.lines().collect();
        out.push_str(&format!("  {title}\n"));
        for line in lines.iter().take(ANSWER_LINES) {
            out.push_str(&format!("  │ {line}\n"));
        }
        if lines.len() > ANSWER_LINES {
            out.push_str(&format!("  │ … {} more lines\n", lines.len() - ANSWER_LINES));
        }
    };
    let Value::Object(fields) = response else { return String::new() };
    let log = fields.get("LogLines").or_else(|| fields.get("log")).and_then(Value::as_array);
    let output = fields.get("Output").and_then(Value::as_str);
    let shown: serde_json::Map<String, Value> = fields
        .iter()
        .filter(|(name, value)| {
            !matches!(name.as_str(), "LogLines" | "log" | "Output" | "reused") && !value.is_null()
        })
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    // A reused resource is said by the action's note.
    let reused = fields.get("reused") == Some(&Value::Bool(true));
    if !shown.is_empty() && !reused {
        block("→", &serde_json::to_string_pretty(&Value::Object(shown)).unwrap_or_default());
    }
    if let Some(output) = output {
        block("⌨", output);
    }
    if let Some(log) = log {
        let lines: Vec<&str> = log.iter().filter_map(Value::as_str).collect();
        if !lines.is_empty() {
            block("📜", &lines.join("\n"));
        }
    }
    out
}

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
        if let (Some(feedback), Some(question)) = (&result.feedback, &step.question) {
            // The explanation comes with the answer that settled it, not with every re-check.
            out.push_str(&quiz_text(feedback, question, result.history.is_none(), lang));
        }
        if result.kind == awslab_lab::CheckKind::EmulatorMail {
            // The lesson asks to read the mail: the mailbox, as the app's Mailbox lists it.
            let messages = result.observed["Messages"].as_array().cloned().unwrap_or_default();
            for message in messages.iter().rev().take(5) {
                let text = |name: &str| message[name].as_str().unwrap_or_default().to_string();
                out.push_str(&format!(
                    "    ✉ {}  ({}, {})\n",
                    text("Subject"),
                    text("From"),
                    text("Time")
                ));
            }
        }
        if result.passed {
            continue;
        }
        // Nothing to look at: the diagnosis says what is missing and which step makes it, where
        // the check's own message would describe a state to wait for.
        let absent = result.missing
            || result.failure.as_ref().is_some_and(|failure| failure.code == "LookupFailed");
        let said_why = absent && result.diagnosis.is_some();
        // A question's diagnosis says all there is (its message would only repeat "not right").
        if let Some(check) = step.checks.iter().find(|check| check.id == result.id)
            && !said_why
            && step.question.is_none()
        {
            out.push_str(&format!("    {}\n", check.message.get(lang)));
        }
        if result.missing && !said_why {
            out.push_str(match lang {
                Lang::Ko => "    찾는 리소스가 없습니다.\n",
                Lang::En => "    the resource does not exist\n",
            });
        }
        for difference in &result.differences {
            out.push_str(&format!("    {}\n", difference.text(lang)));
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

/// One line for each of a step's checks that probes the target, which a read-only check leaves
/// out: what it would have done.
pub fn probes_text(step: &Step, lang: Lang) -> String {
    let mut out = String::new();
    for check in &step.checks {
        if let awslab_lab::registry::Access::Probes { ko, en } = check.kind.access() {
            out.push_str(&match lang {
                Lang::Ko => format!("  – {}  읽기 전용이라 채점하지 않음 ({ko})\n", check.id),
                Lang::En => format!("  – {}  not graded read-only (it {en})\n", check.id),
            });
        }
    }
    out
}

/// The score of a read-only check: of the reading checks alone, saying how many were left out.
pub fn read_only_score_text(
    score: &Score,
    lab: &awslab_lab::Lab,
    target: TargetKind,
    lang: Lang,
) -> String {
    let left_out = lab.checks_on(target).filter(|(_, check)| check.kind.access().probes()).count();
    let line = score_text(score, target, lang);
    match lang {
        Lang::Ko => format!("읽기 전용 {line} (채점하지 않은 확인 항목 {left_out}개 제외)"),
        Lang::En => format!("read-only {line} ({left_out} probing checks not graded)"),
    }
}

/// Which try an answer was and, once the question is settled, the right answer and why.
fn quiz_text(feedback: &QuizFeedback, question: &Question, explain: bool, lang: Lang) -> String {
    let mut out = match (lang, feedback.right) {
        (Lang::Ko, true) => format!("    {} 번째 답: 맞습니다\n", ordinal_ko(feedback.attempt)),
        (Lang::Ko, false) => {
            format!("    {} 번째 답: 맞지 않습니다\n", ordinal_ko(feedback.attempt))
        }
        (Lang::En, true) => format!("    try {} of {}: right\n", feedback.attempt, quiz::TRIES),
        (Lang::En, false) => {
            format!("    try {} of {}: not right\n", feedback.attempt, quiz::TRIES)
        }
    };
    if let Some(answer) = feedback.answer.as_ref().filter(|_| feedback.settled && explain) {
        let label = if lang == Lang::Ko { "정답" } else { "answer" };
        let lines: Vec<&str> = answer.get(lang).lines().collect();
        if let [one] = lines.as_slice() {
            out.push_str(&format!("    {label}: {one}\n"));
        } else {
            out.push_str(&format!("    {label}:\n"));
            for line in lines {
                out.push_str(&format!("      • {line}\n"));
            }
        }
        for line in question.explanation.get(lang).lines() {
            out.push_str(&format!("    │ {line}\n"));
        }
    }
    out
}

fn ordinal_ko(n: u32) -> String {
    match n {
        1 => "첫".into(),
        2 => "두".into(),
        n => n.to_string(),
    }
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
    // The words of the app and the report.
    let verdict = match (lang, score.passed) {
        (Lang::Ko, true) => "합격",
        (Lang::Ko, false) => "불합격",
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
        Lang::Ko => "합격 기준",
        Lang::En => "pass mark",
    };
    format!(
        "{label}: {}/{} ({}%) — {verdict} ({pass_mark} {}%)",
        score.earned, score.possible, score.percent, score.pass_percent
    )
}

/// What clean-up did, resource by resource, and whether anything of the lab is left.
pub fn cleanup_text(report: &CleanupReport, lang: Lang) -> String {
    let mut out = String::new();
    for deleted in &report.deleted {
        out.push_str(&format!("  deleted  {} {}\n", deleted.kind, deleted.id));
    }
    for (kept, why) in &report.kept {
        out.push_str(&format!("  kept     {} {}: {why}\n", kept.kind, kept.id));
    }
    for (failed, failure) in &report.failed {
        out.push_str(&format!(
            "  FAILED   {} {}: {}: {}\n",
            failed.kind, failed.id, failure.code, failure.message
        ));
    }
    for left in &report.remaining {
        out.push_str(&format!("  LEFT     {} {}\n", left.kind, left.id));
    }
    out.push('\n');
    out.push_str(match (report.clean(), lang) {
        (true, Lang::Ko) => "정리 완료: 이 실습이 만든 리소스가 남아 있지 않습니다.\n",
        (true, Lang::En) => "clean: nothing this lab created is left\n",
        (false, Lang::Ko) => "정리되지 않은 리소스가 있습니다 (위).\n",
        (false, Lang::En) => "not clean: see the resources above\n",
    });
    out
}

/// Asked after a clean-up when the lab has points recorded.
pub fn clear_question(score: &Score, lang: Lang) -> String {
    match lang {
        Lang::Ko => format!(
            "기록된 점수 {}/{}는 그대로 남습니다(만든 것의 기록). 진행 기록도 지울까요?",
            score.earned, score.possible
        ),
        Lang::En => format!(
            "The recorded score, {}/{}, stays (a record of what you built). Clear the progress too?",
            score.earned, score.possible
        ),
    }
}

/// What became of the progress after a clean-up.
pub fn progress_after_cleanup(lab_id: &str, score: &Score, cleared: bool, lang: Lang) -> String {
    match (cleared, lang) {
        (true, Lang::Ko) => "진행 기록도 지웠습니다: 처음부터 다시 할 수 있습니다.".into(),
        (true, Lang::En) => "progress cleared too: the lab starts over".into(),
        (false, Lang::Ko) => format!(
            "진행 기록은 남겨 두었습니다: `awslab grade {lab_id}`는 여전히 {}/{}입니다. 지우려면 `awslab cleanup {lab_id} --clear-progress` 또는 `awslab reset {lab_id}`",
            score.earned, score.possible
        ),
        (false, Lang::En) => format!(
            "progress kept: `awslab grade {lab_id}` still says {}/{}, a record of what was built. To clear it: `awslab cleanup {lab_id} --clear-progress`, or `awslab reset {lab_id}`",
            score.earned, score.possible
        ),
    }
}

/// Asked before a reset.
pub fn reset_question(lab_id: &str, lang: Lang) -> String {
    match lang {
        Lang::Ko => format!("{lab_id}이(가) 만든 리소스와 진행 기록을 모두 지웁니다. 계속할까요?"),
        Lang::En => format!("This deletes what {lab_id} made and its progress. Go on?"),
    }
}

pub fn nothing_done(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "아무것도 하지 않았습니다 (묻지 않고 하려면 --yes).",
        Lang::En => "nothing done (--yes does it without asking)",
    }
}

/// What a reset deleted.
pub fn reset_text(reset: &LabReset, lang: Lang) -> String {
    let mut out = String::new();
    match reset {
        LabReset::Emulator { deleted } => {
            for arn in deleted {
                out.push_str(&format!("  deleted  {arn}\n"));
            }
        }
        LabReset::Aws(report) => out.push_str(&cleanup_text(report, lang)),
    }
    out.push_str(match lang {
        Lang::Ko => "초기화 완료: 리소스와 진행 기록을 지웠습니다.\n",
        Lang::En => "reset: the lab's resources and progress are gone\n",
    });
    out
}

/// The hints of a step revealed so far, numbered; and whether there are more.
pub fn hints_text(step: &Step, shown: usize, no_more: bool, lang: Lang) -> String {
    let mut out = String::new();
    if step.hints.is_empty() {
        return match lang {
            Lang::Ko => format!("{}에는 힌트가 없습니다.\n", step.id),
            Lang::En => format!("{} has no hints\n", step.id),
        };
    }
    for (index, hint) in step.hints.iter().take(shown).enumerate() {
        out.push_str(&format!(
            "{} {}/{}: {}\n",
            hint_word(lang),
            index + 1,
            step.hints.len(),
            hint.get(lang).trim()
        ));
    }
    if no_more {
        out.push_str(match lang {
            Lang::Ko => "(더 이상 힌트가 없습니다)\n",
            Lang::En => "(no more hints)\n",
        });
    }
    out
}

fn hint_word(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "힌트",
        Lang::En => "hint",
    }
}

pub fn skipped_text(step: &Step, lang: Lang) -> String {
    match lang {
        Lang::Ko => format!(
            "{}을(를) 건너뛰었습니다: 점수는 없으며, 나중에 통과하면 점수를 받습니다.",
            step.id
        ),
        Lang::En => format!("skipped {}: it earns nothing until it is passed", step.id),
    }
}

/// Asks a yes/no question on the terminal; no (without asking) when stdin is not a terminal.
pub fn ask(question: &str) -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return false;
    }
    print!("{question} [y/N] ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes" | "예" | "네" | "ㅇ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarm_lab() -> awslab_lab::Lab {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("labs/cloudwatch-alarm");
        awslab_lab::load_lab(&dir).expect("the alarm lab loads")
    }

    fn result(id: &str, passed: bool, possible: u32) -> CheckResult {
        CheckResult {
            missing: !passed,
            ..CheckResult::new(id, awslab_lab::CheckKind::EmulatorMail, possible).passing(passed)
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
            "score: 60/115 (52.2%) — not passed (pass mark 70%)"
        );
        let korean = score_text(&score, TargetKind::Aws, Lang::Ko);
        assert_eq!(korean, "AWS 점수: 110/110 (100%) — 합격 (합격 기준 70%)", "the report's words");
    }

    #[test]
    fn a_step_done_by_hand_points_to_the_lesson() {
        assert!(by_hand_text(TargetKind::Aws, Lang::En).contains("by hand (see the lesson)"));
        assert!(by_hand_text(TargetKind::Aws, Lang::Ko).contains("직접 합니다(실습 설명 참고)"));
        assert!(by_hand_text(TargetKind::Emulator, Lang::En).contains("only on AWS"));
    }
}

/// Every kind of message the lab commands print, walked in both languages: in Korean none of
/// the English words of our own texts remains, in English none of the Korean.
#[cfg(test)]
mod every_message {
    use super::*;
    use awslab_cloud::Failure;
    use awslab_cloud::actions::ActionRun;
    use awslab_cloud::checks::{CheckHistory, Difference};
    use awslab_core::engine::FieldProblem;
    use awslab_lab::{ActionKind, CheckKind, Localized};

    fn both(ko: &str, en: &str) -> Localized {
        Localized::new(ko, en)
    }

    fn result(id: &str, passed: bool) -> CheckResult {
        CheckResult::new(id, CheckKind::DynamodbTable, 10).passing(passed)
    }

    /// What `run` prints for a run holding one of everything, then what clean-up, reset,
    /// hints, skips and the score print.
    fn everything(lang: Lang) -> String {
        let lab = awslab_lab::load_lab(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("labs/serverless-api"),
        )
        .expect("the lab loads");
        let step = lab.step("create-table").expect("the table step");
        let mut failure = Failure::local("dynamodb", "CreateTable", "ResourceInUseException", "x");
        failure.explanation = both("설명", "explained");
        let split = expect_between();
        let mut undone = result("table-keyed-by-customer-id", false);
        undone.differences = vec![split];
        let mut missing = result("table-keyed-by-customer-id", false);
        missing.missing = true;
        undone.diagnosis = Some(both("진단", "diagnosed"));
        undone.failure = Some(failure.clone());
        undone.history = Some(CheckHistory {
            kind: HistoryKind::Undone,
            at_ms: 0,
            note: both("바뀜", "changed"),
        });
        let mut kept = result("canary-settings", true);
        kept.history =
            Some(CheckHistory { kind: HistoryKind::Kept, at_ms: 0, note: both("유지", "kept") });
        let mut answered = result("stage-settings", true);
        answered.history =
            Some(CheckHistory { kind: HistoryKind::Answered, at_ms: 0, note: both("답", "said") });
        let run = StepRun {
            step_id: step.id.clone(),
            field_problems: vec![FieldProblem {
                field: "table_name".into(),
                message: both("필수", "required"),
            }],
            action: Some(ActionRun {
                action: ActionKind::DynamodbCreateTable,
                calls: Vec::new(),
                created: Vec::new(),
                response: Value::Null,
                failure: Some(failure.clone()),
                note: Some(both("재사용", "reused")),
            }),
            done_by_hand: true,
            failure: Some(failure),
            checks: vec![undone, missing, kept, answered],
        };
        let report = CleanupReport::default();
        let score = Score::new(3, 16, 70);
        [
            run_text(&run, step, TargetKind::Aws, lang),
            run_text(&run, step, TargetKind::Emulator, lang),
            cleanup_text(&report, lang),
            clear_question(&score, lang),
            progress_after_cleanup(&lab.id, &score, false, lang),
            progress_after_cleanup(&lab.id, &score, true, lang),
            reset_question(&lab.id, lang),
            nothing_done(lang).to_string(),
            reset_text(&LabReset::Emulator { deleted: Vec::new() }, lang),
            hints_text(step, 1, true, lang),
            skipped_text(step, lang),
            score_text(&score, TargetKind::Emulator, lang),
            score_text(&score, TargetKind::Aws, lang),
        ]
        .join("\n")
    }

    fn expect_between() -> Difference {
        let expect = serde_json::json!({ "Shares": { "$between": [40, 60] } });
        let diff = awslab_lab::expect::diff(&expect, &serde_json::json!({})).remove(0);
        Difference::from(diff)
    }

    #[test]
    fn korean_mode_prints_no_english_of_ours_and_english_mode_no_korean() {
        let korean = everything(Lang::Ko);
        for english in [
            "expected",
            "found",
            "nothing",
            "between",
            "does not exist",
            "passed",
            "answered",
            "by hand",
            "clean:",
            "progress kept",
            "progress cleared",
            "Clear the",
            "score",
            "pass mark",
            "hint ",
            "no more",
            "skipped",
            "reset:",
            "Go on",
            "nothing done",
            "offline only",
            "explained",
            "diagnosed",
            "reused",
            "changed",
            "kept",
        ] {
            assert!(!korean.contains(english), "`{english}` in Korean mode:\n{korean}");
        }
        for said in [
            "기댓값 40 이상 60 이하, 실제 없음",
            "찾는 리소스가 없습니다",
            "통과한 시각",
            "답한 시각",
        ] {
            assert!(korean.contains(said), "`{said}` missing:\n{korean}");
        }
        assert!(korean.contains("점수: 3/16 (18.8%) — 불합격 (합격 기준 70%)"), "{korean}");

        let english = everything(Lang::En);
        assert!(
            !english.chars().any(|c| ('가'..='힣').contains(&c)),
            "Korean in English mode:\n{english}"
        );
        assert!(english.contains("Shares: expected between 40 and 60, found nothing"), "{english}");
    }
}
