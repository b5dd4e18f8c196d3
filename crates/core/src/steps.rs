//! Running, checking and recording a step: the one path the app's **Run** and **Check** and the
//! CLI's `awslab run` and `awslab check` all take, so they record the same thing for the same
//! run.
//!
//! The recording rule: a run's check results are recorded unless the run sent nothing (a field
//! broke a rule, or a placeholder could not be filled), and what its action created goes to
//! the ledger. Results kept from an earlier record (`recheck`) are not recorded again. A
//! question's fresh answer is recorded as its next try, scored by the retry rule (`quiz`); an
//! unanswered question records nothing. A run whose action failed did reach the target, and its checks looked at what is
//! there now, so they are recorded: the standing is what the target shows. Progress is written
//! before the outcome is returned, so what the window shows is what a restart will show.
//!
//! Not here: what a step does on the target (`engine`), how a check is made (`awslab-cloud`).

use awslab_cloud::checks::CheckResult;
use awslab_lab::{Lab, Lang, Localized, Step};
use serde::Serialize;
use ts_rs::TS;

use crate::charts;
use crate::clock::Clock;
use crate::engine::{self, Filled, FormValues, Provenance, StepRun};
use crate::progress::{ProgressError, ProgressStore};
use crate::progress_slot::ProgressSlot;
use crate::quiz;
use crate::recheck;
use crate::status::{self, LabProgress};
use crate::target::Connection;

/// What running or checking a step did, and the standing after it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StepOutcome {
    pub run: StepRun,
    pub progress: LabProgress,
    /// Charts of what the checks saw (a canary's traffic split), in both languages.
    pub charts: Vec<CheckChart>,
}

/// An SVG chart of one check's observation.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CheckChart {
    pub check_id: String,
    pub svg: Localized,
}

/// Runs a step on the target (validate, act, check) and records it, its form filled by the
/// learner.
pub async fn run_step(
    connection: &Connection,
    progress: &ProgressSlot,
    clock: &dyn Clock,
    lab: &Lab,
    step: &Step,
    values: &FormValues,
) -> Result<StepOutcome, ProgressError> {
    run_step_filled(connection, progress, clock, lab, step, values, Filled::ByLearner).await
}

/// Runs a step like [`run_step`], saying how its form was filled (the report names the steps
/// the reference solution filled).
pub async fn run_step_filled(
    connection: &Connection,
    progress: &ProgressSlot,
    clock: &dyn Clock,
    lab: &Lab,
    step: &Step,
    values: &FormValues,
    filled: Filled,
) -> Result<StepOutcome, ProgressError> {
    let Connection { clients, identity } = connection;
    let kept = kept_results(connection, progress, lab, step, values)?;
    let run = engine::run_step_keeping(clients, identity, lab, step, values, &kept).await;
    progress.with_store(|store, _| {
        record_run_filled(store, connection, lab, run, clock.now_ms(), filled)
    })?
}

/// Runs a step's checks only (nothing is created) and records them.
pub async fn check_step(
    connection: &Connection,
    progress: &ProgressSlot,
    clock: &dyn Clock,
    lab: &Lab,
    step: &Step,
    values: &FormValues,
) -> Result<StepOutcome, ProgressError> {
    let Connection { clients, identity } = connection;
    // An answer that cannot be judged is said so, and checks nothing.
    let run = match engine::answer_problem(step, values) {
        Some(problem) => checked(step, vec![problem], Vec::new()),
        None => {
            let kept = kept_results(connection, progress, lab, step, values)?;
            let checks =
                engine::check_step_keeping(clients, identity, lab, step, values, &kept).await;
            checked(step, Vec::new(), checks)
        }
    };
    progress.with_store(|store, _| record_run(store, connection, lab, run, clock.now_ms()))?
}

/// A run of `step` that only checked: no action, nothing done by hand.
fn checked(
    step: &Step,
    field_problems: Vec<engine::FieldProblem>,
    checks: Vec<CheckResult>,
) -> StepRun {
    StepRun {
        step_id: step.id.clone(),
        field_problems,
        action: None,
        done_by_hand: false,
        failure: None,
        checks,
    }
}

/// Checks a step like [`check_step`], running only its checks that read the target (an
/// instructor grading a learner's account): those that probe it (invoke, send requests, write
/// test items; see [`awslab_lab::CheckKind::access`]) are left out, not graded.
pub async fn check_step_read_only(
    connection: &Connection,
    progress: &ProgressSlot,
    clock: &dyn Clock,
    lab: &Lab,
    step: &Step,
    values: &FormValues,
) -> Result<StepOutcome, ProgressError> {
    let mut reading = step.clone();
    reading.checks.retain(|check| !check.kind.access().probes());
    check_step(connection, progress, clock, lab, &reading, values).await
}

/// The earlier results a run or check of `step` keeps (`recheck`'s rule).
fn kept_results(
    connection: &Connection,
    progress: &ProgressSlot,
    lab: &Lab,
    step: &Step,
    values: &FormValues,
) -> Result<engine::Kept, ProgressError> {
    let target = engine::target_kind(&connection.clients);
    progress.with_store(|store, _| recheck::kept(lab, store, target, step, values))?
}

/// Records a run by the rule above and answers it with the standing after it. Results kept
/// from an earlier record are not recorded again; a result that passed before and fails now is
/// marked undone.
pub fn record_run(
    store: &mut ProgressStore,
    connection: &Connection,
    lab: &Lab,
    run: StepRun,
    at_ms: i64,
) -> Result<StepOutcome, ProgressError> {
    record_run_filled(store, connection, lab, run, at_ms, Filled::ByLearner)
}

/// Records a run like [`record_run`], saying how its form was filled.
pub fn record_run_filled(
    store: &mut ProgressStore,
    connection: &Connection,
    lab: &Lab,
    mut run: StepRun,
    at_ms: i64,
    filled: Filled,
) -> Result<StepOutcome, ProgressError> {
    let clients = &connection.clients;
    let kind = engine::target_kind(clients);
    if let Some(step) = lab.step(&run.step_id) {
        recheck::mark_undone(lab, store, kind, step, &mut run.checks)?;
    }
    if let Some(step) = lab.step(&run.step_id).filter(|step| step.question.is_some()) {
        // A fresh answer is the question's next try, scored by the retry rule.
        let tries = quiz::tries(store, lab, step)?;
        for result in run.checks.iter_mut().filter(|result| recheck::is_new(result)) {
            quiz::score_try(lab, step, &tries, result);
        }
    }
    if sent_something(&run) {
        let new: Vec<CheckResult> = run
            .checks
            .iter()
            .filter(|result| recheck::is_new(result) && quiz::answered(result))
            .cloned()
            .collect();
        let provenance = Provenance::of(clients, &connection.identity, filled);
        engine::record_checks(store, lab, &run.step_id, &new, kind, at_ms, provenance)?;
    }
    engine::record_created(store, clients, &connection.identity, lab, &run, at_ms)?;
    Ok(StepOutcome {
        progress: status::lab_progress(lab, store, kind)?,
        charts: check_charts(&run.checks),
        run,
    })
}

/// Whether the run got as far as the target: no field broke a rule, every placeholder filled.
fn sent_something(run: &StepRun) -> bool {
    run.field_problems.is_empty() && run.failure.is_none()
}

/// The charts of a run's checks: a bar per answer for each traffic-split check.
pub fn check_charts(checks: &[CheckResult]) -> Vec<CheckChart> {
    checks
        .iter()
        // The one place a check's kind decides what is drawn (until kinds are an enum).
        .filter(|check| check.kind == awslab_lab::CheckKind::HttpTrafficSplit)
        .filter_map(|check| {
            let requests = check.observed["Requests"].as_u64()?;
            let shares: Vec<(String, f64)> = check.observed["Shares"]
                .as_object()?
                .iter()
                .filter_map(|(answer, share)| Some((answer.clone(), share.as_f64()?)))
                .collect();
            Some(CheckChart {
                check_id: check.id.clone(),
                svg: Localized {
                    ko: charts::traffic_split_svg(&shares, requests, Lang::Ko)?,
                    en: charts::traffic_split_svg(&shares, requests, Lang::En)?,
                },
            })
        })
        .collect()
}
