//! A score is a record of what the learner built: how a new run or check of a step meets the
//! results recorded for it before, on the same target.
//!
//! - **Kept.** A check whose `changed_by` step has passed, and whose latest result passed, is
//!   not looked at again: that later step changes what it verifies on purpose (a canary that
//!   is promoted, a function whose code moves on). Its recorded pass stands, marked so.
//! - **Answered.** A question whose form gives no answer keeps the answer recorded before: a
//!   check of the whole lab asks no questions again. A settled question (right, or wrong twice)
//!   keeps its result whatever the form holds (`quiz`).
//! - **Undone.** A check that passed when last recorded and fails now says when it passed, so
//!   the learner sees that something they built has changed since.
//!
//! Kept and answered results are not recorded again; the record they come from stands, with its
//! time. Every other result is recorded as the target shows it now, so a passed step loses
//! points only when what it verified was undone.
//!
//! Not here: running checks (`engine`), the standing they add up to (`status`).

use std::collections::HashMap;

use awslab_cloud::checks::{CheckHistory, CheckResult, HistoryKind};
use awslab_lab::quiz::Question;
use awslab_lab::{CheckKind, Lab, Localized, Step, TargetKind};

use crate::engine::{FormValues, Kept};
use crate::progress::{CheckRecord, ProgressError, ProgressStore};
use crate::quiz;
use crate::status::{self, StepStatus};

/// The earlier results of `step` that a run or check with `values` keeps instead of looking
/// again, by check id.
pub fn kept(
    lab: &Lab,
    store: &ProgressStore,
    target: TargetKind,
    step: &Step,
    values: &FormValues,
) -> Result<Kept, ProgressError> {
    let latest = latest_of_step(store, lab, target, step)?;
    let standing = status::lab_progress(lab, store, target)?;
    let passed = |step_id: &str| {
        standing.steps.iter().any(|s| s.step_id == step_id && s.status == StepStatus::Passed)
    };
    let mut kept = Kept::new();
    if step.question.is_some() {
        // A question's tries are shared by both targets (`quiz`).
        let tries = quiz::tries(store, lab, step)?;
        let answered_now = values.get(Question::FIELD).is_some_and(|value| !value.is_null());
        let result = if quiz::settled(&tries) {
            quiz::settled_result(lab, step, &tries)
        } else if !answered_now && let Some(last) = tries.last() {
            let mut result = CheckResult::new(&step.id, CheckKind::QuizAnswer, last.max_points)
                .passing(last.passed);
            result.feedback = step
                .question
                .as_ref()
                .map(|question| quiz::feedback(lab, question, tries.len() as u32, last.passed));
            result.history = Some(CheckHistory {
                kind: HistoryKind::Answered,
                at_ms: last.at_ms,
                note: answered_note(),
            });
            Some(result)
        } else {
            None
        };
        kept.extend(result.map(|result| (step.id.clone(), result)));
        return Ok(kept);
    }
    for check in step.checks_on(target) {
        let Some(record) = latest.get(&check.id) else { continue };
        let (kind, note) = match check.changed_by.as_deref().and_then(|later| lab.step(later)) {
            Some(later) if record.passed && passed(&later.id) => {
                (HistoryKind::Kept, kept_note(later))
            }
            _ => continue,
        };
        kept.insert(
            check.id.clone(),
            CheckResult {
                history: Some(CheckHistory { kind, at_ms: record.at_ms, note }),
                ..CheckResult::new(&check.id, check.kind, check.points).passing(record.passed)
            },
        );
    }
    Ok(kept)
}

fn kept_note(later: &Step) -> Localized {
    Localized::new(
        format!(
            "다시 확인하지 않았습니다. 뒤의 단계 ‘{}’이(가) 이 상태를 일부러 바꾸므로, 이 단계를 \
             통과했을 때의 결과를 그대로 둡니다.",
            later.title.ko
        ),
        format!(
            "Not checked again: the later step “{}” changes this on purpose, so the result \
             recorded when this step passed stands.",
            later.title.en
        ),
    )
}

fn answered_note() -> Localized {
    Localized::new(
        "새 답을 고르지 않았으므로 전에 기록한 답을 그대로 둡니다.",
        "No new answer was given, so the answer recorded before stands.",
    )
}

fn undone_note() -> Localized {
    Localized::new(
        "전에는 통과했지만 지금은 통과하지 않습니다. 그 뒤로 바뀐 것은 아래와 같습니다.",
        "This passed before and fails now: what it verified has changed since, as below.",
    )
}

/// Marks the results of `step` that fail now but passed when last recorded as undone.
pub fn mark_undone(
    lab: &Lab,
    store: &ProgressStore,
    target: TargetKind,
    step: &Step,
    results: &mut [CheckResult],
) -> Result<(), ProgressError> {
    let latest = latest_of_step(store, lab, target, step)?;
    for result in results.iter_mut().filter(|result| !result.passed && result.history.is_none()) {
        if let Some(record) = latest.get(&result.id).filter(|record| record.passed) {
            result.history = Some(CheckHistory {
                kind: HistoryKind::Undone,
                at_ms: record.at_ms,
                note: undone_note(),
            });
        }
    }
    Ok(())
}

/// Whether a result is new and is to be recorded: not one kept from an earlier record.
pub fn is_new(result: &CheckResult) -> bool {
    !matches!(
        result.history.as_ref().map(|history| history.kind),
        Some(HistoryKind::Kept | HistoryKind::Answered)
    )
}

fn latest_of_step(
    store: &ProgressStore,
    lab: &Lab,
    target: TargetKind,
    step: &Step,
) -> Result<HashMap<String, CheckRecord>, ProgressError> {
    Ok(store
        .latest_checks_on(&lab.id, target)?
        .into_iter()
        .filter(|record| record.step_id == step.id)
        .map(|record| (record.check_id.clone(), record))
        .collect())
}
