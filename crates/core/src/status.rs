//! A learner's standing in a lab: each step's status and the lab's score, derived from the
//! progress store and the lab as it is now (nothing derived is stored).
//!
//! A standing is taken on one target, the one the learner is on, from the results recorded on
//! that target only: what was built offline never counts on AWS, nor the other way round. Only
//! the checks graded there count (on AWS, offline-only checks such as the mailbox's are left out
//! of both what was earned and what was possible).
//!
//! A step is **offline only** when it has checks and none is graded on the target; otherwise it
//! is **passed** when the latest result of every one of its graded checks passed; **skipped**
//! when the learner skipped it and has not passed it since; **failed** when some check ran and
//! the step is not passed; otherwise **not started**. Results of checks a lab no longer has are
//! ignored, so editing a lab never breaks anyone's progress.

use crate::progress::{CheckRecord, ProgressError, ProgressStore};
use awslab_lab::grade::Score;
use awslab_lab::{Lab, TargetKind};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    NotStarted,
    Passed,
    Failed,
    Skipped,
    /// None of the step's checks can be graded on this target (on AWS, a step that only reads the
    /// offline mailbox): it carries no points there.
    OfflineOnly,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct StepProgress {
    pub step_id: String,
    pub status: StepStatus,
    pub earned: u32,
    pub possible: u32,
    pub hints_revealed: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct LabProgress {
    pub lab_id: String,
    /// The target the standing is taken on.
    pub target: TargetKind,
    pub steps: Vec<StepProgress>,
    pub score: Score,
}

/// Derives the standing in `lab` on `target` from what `store` recorded.
pub fn lab_progress(
    lab: &Lab,
    store: &ProgressStore,
    target: TargetKind,
) -> Result<LabProgress, ProgressError> {
    // A question's answer counts on both targets (`quiz`).
    let latest: HashMap<(String, String), CheckRecord> =
        crate::quiz::latest_counting(store, lab, target)?
            .into_iter()
            .map(|record| ((record.step_id.clone(), record.check_id.clone()), record))
            .collect();
    let skipped = store.skipped_steps(&lab.id)?;
    let hints = store.hints_revealed(&lab.id)?;

    let passes = |step_id: &str, check_id: &str| {
        latest.get(&(step_id.to_string(), check_id.to_string())).is_some_and(|record| record.passed)
    };
    let steps = lab
        .steps
        .iter()
        .map(|step| {
            let ran = step
                .checks_on(target)
                .any(|check| latest.contains_key(&(step.id.clone(), check.id.clone())));
            let all_pass = step.checks_on(target).all(|check| passes(&step.id, &check.id));
            let status = if step.offline_only_on(target) {
                StepStatus::OfflineOnly
            } else if all_pass && ran {
                StepStatus::Passed
            } else if skipped.contains(&step.id) {
                StepStatus::Skipped
            } else if ran {
                StepStatus::Failed
            } else {
                StepStatus::NotStarted
            };
            // What the latest pass earned: a check's points, or fewer for a question right on
            // its second try.
            let earned = step
                .checks_on(target)
                .filter_map(|check| {
                    let record = latest.get(&(step.id.clone(), check.id.clone()))?;
                    record.passed.then(|| record.points.min(check.points))
                })
                .sum();
            StepProgress {
                step_id: step.id.clone(),
                status,
                earned,
                possible: step.points_on(target),
                hints_revealed: hints.get(&step.id).copied().unwrap_or(0),
            }
        })
        .collect::<Vec<_>>();

    let earned = steps.iter().map(|step| step.earned).sum();
    Ok(LabProgress {
        lab_id: lab.id.clone(),
        target,
        score: Score::new(earned, lab.total_points_on(target), lab.pass_percent),
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn sample() -> Lab {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/format-sample");
        awslab_lab::load_lab(&dir).expect("the format sample loads")
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

    fn status_of(progress: &LabProgress, step: &str) -> StepStatus {
        progress.steps.iter().find(|s| s.step_id == step).map(|s| s.status).expect("step")
    }

    #[test]
    fn nothing_done_is_not_started_and_scores_zero() {
        let lab = sample();
        let store = ProgressStore::open_in_memory().unwrap();
        let progress = lab_progress(&lab, &store, TargetKind::Emulator).unwrap();
        assert!(progress.steps.iter().all(|s| s.status == StepStatus::NotStarted));
        assert_eq!((progress.score.earned, progress.score.possible), (0, 180));
        assert!(!progress.score.passed);
    }

    #[test]
    fn statuses_follow_the_latest_results() {
        let lab = sample();
        let mut store = ProgressStore::open_in_memory().unwrap();
        store
            .record_checks(
                &lab.id,
                &[
                    record("policy", "policy-allows-only-putitem", false, 10, 1),
                    record("role", "role-trusts-lambda", true, 10, 2),
                    record("table", "table-key", true, 10, 3),
                    record("table", "table-key", false, 10, 4),
                ],
            )
            .unwrap();
        let progress = lab_progress(&lab, &store, TargetKind::Emulator).unwrap();
        assert_eq!(status_of(&progress, "policy"), StepStatus::Failed);
        assert_eq!(status_of(&progress, "role"), StepStatus::Passed);
        assert_eq!(status_of(&progress, "table"), StepStatus::Failed);
        assert_eq!(status_of(&progress, "api"), StepStatus::NotStarted);
        assert_eq!(progress.score.earned, 10);
    }

    #[test]
    fn a_step_passes_only_when_every_check_passes() {
        let lab = sample();
        let mut store = ProgressStore::open_in_memory().unwrap();
        store.record_checks(&lab.id, &[record("versions", "version-one", true, 5, 1)]).unwrap();
        let progress = lab_progress(&lab, &store, TargetKind::Emulator).unwrap();
        assert_eq!(status_of(&progress, "versions"), StepStatus::Failed);
        store.record_checks(&lab.id, &[record("versions", "alias-prod", true, 5, 2)]).unwrap();
        let progress = lab_progress(&lab, &store, TargetKind::Emulator).unwrap();
        assert_eq!(status_of(&progress, "versions"), StepStatus::Passed);
        assert_eq!(progress.score.earned, 10);
    }

    #[test]
    fn a_skip_never_counts_as_passed() {
        let lab = sample();
        let mut store = ProgressStore::open_in_memory().unwrap();
        store.skip_step(&lab.id, "quiz", 1).unwrap();
        store.record_checks(&lab.id, &[record("api", "api-regional", false, 5, 2)]).unwrap();
        store.skip_step(&lab.id, "api", 3).unwrap();
        let progress = lab_progress(&lab, &store, TargetKind::Emulator).unwrap();
        assert_eq!(status_of(&progress, "quiz"), StepStatus::Skipped);
        assert_eq!(status_of(&progress, "api"), StepStatus::Skipped);
        assert_eq!(progress.score.earned, 0);

        // Passing a skipped step later makes it passed.
        store.record_checks(&lab.id, &[record("quiz", "quiz", true, 5, 4)]).unwrap();
        let progress = lab_progress(&lab, &store, TargetKind::Emulator).unwrap();
        assert_eq!(status_of(&progress, "quiz"), StepStatus::Passed);
        assert_eq!(progress.score.earned, 5);
    }

    #[test]
    fn results_of_checks_the_lab_no_longer_has_are_ignored() {
        let lab = sample();
        let mut store = ProgressStore::open_in_memory().unwrap();
        store
            .record_checks(
                &lab.id,
                &[
                    record("policy", "an-old-check", true, 50, 1),
                    record("gone-step", "gone-check", true, 50, 1),
                ],
            )
            .unwrap();
        let progress = lab_progress(&lab, &store, TargetKind::Emulator).unwrap();
        assert_eq!(status_of(&progress, "policy"), StepStatus::NotStarted);
        assert_eq!(progress.score.earned, 0);
    }

    #[test]
    fn hints_revealed_are_reported_per_step() {
        let lab = sample();
        let mut store = ProgressStore::open_in_memory().unwrap();
        store.reveal_hint(&lab.id, "policy").unwrap();
        store.reveal_hint(&lab.id, "policy").unwrap();
        let progress = lab_progress(&lab, &store, TargetKind::Emulator).unwrap();
        assert_eq!(progress.steps[0].hints_revealed, 2);
        assert_eq!(progress.steps[1].hints_revealed, 0);
    }

    fn cloudwatch_alarm() -> Lab {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs/cloudwatch-alarm");
        awslab_lab::load_lab(&dir).expect("the alarm lab loads")
    }

    /// A passing result of every check of `lab` but those named in `except`, on `target`.
    fn all_passed_but(lab: &Lab, except: &[&str], target: TargetKind) -> Vec<CheckRecord> {
        lab.checks()
            .filter(|(_, check)| !except.contains(&check.id.as_str()))
            .map(|(step, check)| CheckRecord {
                target,
                ..record(&step.id, &check.id, true, check.points, 10)
            })
            .collect()
    }

    #[test]
    fn on_aws_the_alarm_lab_passes_without_the_mailbox_check() {
        let lab = cloudwatch_alarm();
        let mut store = ProgressStore::open_in_memory().unwrap();
        let on_aws = all_passed_but(&lab, &["alarm-email-arrived"], TargetKind::Aws);
        store.record_checks(&lab.id, &on_aws).unwrap();

        let progress = lab_progress(&lab, &store, TargetKind::Aws).unwrap();

        assert_eq!(progress.target, TargetKind::Aws);
        let score = progress.score;
        assert_eq!((score.earned, score.possible, score.pass_percent), (121, 121, 70));
        assert!(score.passed);
        let email = progress.steps.iter().find(|s| s.step_id == "read-alarm-email").unwrap();
        assert_eq!((email.status, email.earned, email.possible), (StepStatus::OfflineOnly, 0, 0));
        let others = progress.steps.iter().filter(|s| s.step_id != "read-alarm-email");
        assert!(others.clone().all(|s| s.status == StepStatus::Passed));
        assert_eq!(others.map(|s| s.possible).sum::<u32>(), 121);

        // Offline, results recorded on AWS count for nothing but the answers to its two
        // questions (5 and 6 points), which count wherever they were given.
        let offline = lab_progress(&lab, &store, TargetKind::Emulator).unwrap();
        assert_eq!((offline.score.earned, offline.score.possible), (11, 126));
        assert_eq!(status_of(&offline, "read-alarm-email"), StepStatus::NotStarted);
    }

    #[test]
    fn a_mailbox_pass_recorded_offline_does_not_lift_the_aws_score() {
        let lab = cloudwatch_alarm();
        let mut store = ProgressStore::open_in_memory().unwrap();
        // 80 of the 121 points that count on AWS, under the pass mark (84.7), and the mailbox
        // check passed offline.
        let missing = [
            "quiz-alarm-states",
            "alarm-email-arrived",
            "alarm-went-off",
            "alarm-notified-topic",
            "alarm-condition",
            "alarm-ok",
            "large-file-written",
        ];
        let mut records = all_passed_but(&lab, &missing, TargetKind::Aws);
        records.push(record("read-alarm-email", "alarm-email-arrived", true, 5, 20));
        store.record_checks(&lab.id, &records).unwrap();

        let on_aws = lab_progress(&lab, &store, TargetKind::Aws).unwrap();
        assert_eq!((on_aws.score.earned, on_aws.score.possible), (80, 121));
        assert!(!on_aws.score.passed);
        assert_eq!(status_of(&on_aws, "read-alarm-email"), StepStatus::OfflineOnly);

        // Offline only what was built offline counts, the mailbox check, and the question
        // answered (on AWS) about basic monitoring.
        let offline = lab_progress(&lab, &store, TargetKind::Emulator).unwrap();
        assert_eq!((offline.score.earned, offline.score.possible), (10, 126));
        assert_eq!(status_of(&offline, "read-alarm-email"), StepStatus::Passed);
        assert_eq!(status_of(&offline, "launch-instance"), StepStatus::NotStarted);
    }
}
