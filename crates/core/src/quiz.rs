//! The retry rule, applied to a learner's answers (`labs/README.md`, "The retry rule"): all the
//! points for a right first try, half for a right second try, nothing after two wrong ones;
//! the explanation and the right answer once a question is settled; a settled question final.
//!
//! A question's tries are the results recorded for its check, on either target: the emulator
//! and AWS share them, so switching targets gives no fresh tries. An unanswered question is
//! not a try and is not recorded.
//!
//! Not here: whether an answer is right (`awslab_lab::quiz`), recording (`steps`).

use awslab_cloud::checks::{CheckHistory, CheckResult, HistoryKind};
use awslab_lab::quiz::{self, Question, QuizFeedback};
use awslab_lab::render::markdown_to_html;
use awslab_lab::{Lab, Localized, Step, TargetKind};
use url::Url;

use crate::progress::{CheckRecord, ProgressError, ProgressStore};

/// The tries recorded for the question of `step`, oldest first, on either target.
pub fn tries(
    store: &ProgressStore,
    lab: &Lab,
    step: &Step,
) -> Result<Vec<CheckRecord>, ProgressError> {
    Ok(tries_in(&store.check_history(&lab.id)?, step))
}

/// The tries of `step`'s question among `history` (a lab's records, oldest first).
pub fn tries_in(history: &[CheckRecord], step: &Step) -> Vec<CheckRecord> {
    history
        .iter()
        .filter(|record| record.step_id == step.id && record.check_id == step.id)
        .cloned()
        .collect()
}

/// The latest result of every check of `lab` that counts on `target`: the ones recorded there,
/// and for a question its latest try on either target. The standing and the report read this.
pub fn latest_counting(
    store: &ProgressStore,
    lab: &Lab,
    target: TargetKind,
) -> Result<Vec<CheckRecord>, ProgressError> {
    let is_question = |step_id: &str| lab.step(step_id).is_some_and(|s| s.question.is_some());
    let mut latest = store.latest_checks_on(&lab.id, target)?;
    if lab.question_count() > 0 {
        latest.retain(|record| !is_question(&record.step_id));
        latest
            .extend(store.latest_checks(&lab.id)?.into_iter().filter(|r| is_question(&r.step_id)));
    }
    Ok(latest)
}

/// Whether tries so far settle the question: one was right, or none is left.
pub fn settled(tries: &[CheckRecord]) -> bool {
    tries.iter().any(|record| record.passed) || tries.len() as u32 >= quiz::TRIES
}

/// Scores a fresh answer to `step`'s question as the next try after `earlier`, in place: its
/// points by the rule, and what the learner is told.
pub fn score_try(lab: &Lab, step: &Step, earlier: &[CheckRecord], result: &mut CheckResult) {
    let Some(question) = &step.question else { return };
    let attempt = earlier.len() as u32 + 1;
    let right = result.passed;
    result.points = quiz::points_for(question.points, attempt, right);
    let feedback = feedback(lab, question, attempt, right);
    result.diagnosis = match (right, feedback.settled) {
        (true, _) => None,
        (false, false) => Some(Localized::new(
            format!(
                "맞지 않습니다. 한 번 더 답할 수 있고, 맞히면 점수의 절반({}점)을 받습니다.",
                quiz::points_for(question.points, 2, true)
            ),
            format!(
                "Not right. You have one more try, worth half the points ({}).",
                quiz::points_for(question.points, 2, true)
            ),
        )),
        (false, true) => Some(Localized::new(
            format!(
                "두 번 모두 맞지 않았습니다. 정답: {}",
                question.reference_text().ko.replace('\n', " / ")
            ),
            format!(
                "Not right twice. The right answer: {}",
                question.reference_text().en.replace('\n', " / ")
            ),
        )),
    };
    result.feedback = Some(feedback);
}

/// The result a settled question keeps, whatever the form holds now: its last try as recorded.
pub fn settled_result(lab: &Lab, step: &Step, tries: &[CheckRecord]) -> Option<CheckResult> {
    let question = step.question.as_ref()?;
    let last = tries.last()?;
    let attempt = tries.len() as u32;
    let mut result = CheckResult::new(&step.id, awslab_lab::CheckKind::QuizAnswer, question.points);
    result.passed = last.passed;
    result.points = last.points.min(question.points);
    result.feedback = Some(feedback(lab, question, attempt, last.passed));
    result.history = Some(CheckHistory {
        kind: HistoryKind::Answered,
        at_ms: last.at_ms,
        note: Localized::new(
            "이미 끝난 문제라서 결과가 그대로 남습니다. 처음부터 다시 풀려면 실습을 초기화하세요.",
            "This question is settled, so its result stands. Reset the lab to answer it afresh.",
        ),
    });
    Some(result)
}

/// What the learner is told after try `attempt`: the explanation and the right answer only
/// once the question is settled.
pub fn feedback(lab: &Lab, question: &Question, attempt: u32, right: bool) -> QuizFeedback {
    let settled = right || attempt >= quiz::TRIES;
    let base = Url::parse(&format!("awslab-lab://localhost/{}/", lab.id))
        .unwrap_or_else(|_| Url::parse("awslab-lab://localhost/").expect("a valid URL"));
    let html = |text: &Localized| Localized {
        ko: markdown_to_html(&text.ko, &base),
        en: markdown_to_html(&text.en, &base),
    };
    QuizFeedback {
        attempt,
        right,
        settled,
        tries_left: if settled { 0 } else { quiz::TRIES - attempt },
        explanation_html: settled.then(|| html(&question.explanation)),
        answer: settled.then(|| question.reference_text()),
    }
}

/// Whether a result is to be recorded as far as questions go: any check's result is, but an
/// unanswered question's is not (it is no try).
pub fn answered(result: &CheckResult) -> bool {
    result.kind != awslab_lab::CheckKind::QuizAnswer || !result.missing
}
