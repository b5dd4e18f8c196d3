//! Running a lab: a step's form becomes an action on the target and its checks are graded;
//! a lab's checks can be run on their own; the reference solution can be played back, and a
//! lab proven on a fresh offline emulator (`awslab labs check`). Recording a run is `steps`'.
//!
//! The order of a step is: validate the form (nothing is sent when a value breaks AWS's rules),
//! fill the placeholders (looking names up on the target), act, then check. Check results are
//! what progress records.
//!
//! A step's action is taken only on the targets it runs on (`targets` in `lab.toml`); elsewhere
//! the learner does the step by hand and only its checks run. Checks that cannot be graded on
//! the target (on AWS, those reading the offline mailbox) do not run there.

use crate::progress::{CheckRecord, LedgerEntry, ProgressError, ProgressStore, TargetKind};
use crate::recheck;
use awslab_cloud::actions::{self, ActionContext, ActionRun, Created};
use awslab_cloud::checks::{self, CheckResult, CheckSpec};
use awslab_cloud::cleanup::{self, CleanupReport};
use awslab_cloud::{Bindings, Clients, Failure, Identity};
use awslab_lab::fields::{self, FieldError};
use awslab_lab::quiz::Question;
use awslab_lab::{CheckKind, Lab, Localized, Step};

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{Map, Value};

/// A form's values, by field id.
pub type FormValues = IndexMap<String, Value>;

/// A field whose value breaks a rule.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct FieldProblem {
    pub field: String,
    pub message: Localized,
}

/// What running one step did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct StepRun {
    pub step_id: String,
    /// Problems in the form; when there are any, nothing was sent.
    pub field_problems: Vec<FieldProblem>,
    /// The action, when the step has one that runs on this target and the form was valid.
    pub action: Option<ActionRun>,
    /// The step has an action, but not on this target (an emulator-only one on AWS): the
    /// learner does the step by hand as the lesson describes, and only its checks ran.
    pub done_by_hand: bool,
    /// A placeholder that could not be filled (a lookup that failed, say).
    pub failure: Option<Failure>,
    pub checks: Vec<CheckResult>,
}

impl StepRun {
    pub fn passed(&self) -> bool {
        self.field_problems.is_empty()
            && self.failure.is_none()
            && self.action.as_ref().is_none_or(ActionRun::succeeded)
            && self.checks.iter().all(|check| check.passed)
    }
}

/// The values a step's form starts with (its defaults).
pub fn default_values(step: &Step) -> FormValues {
    step.fields
        .iter()
        .filter_map(|field| Some((field.id.clone(), field.default.clone()?)))
        .collect()
}

/// The reference solution's values (each field's solution, else its default).
pub fn solution_values(step: &Step) -> FormValues {
    step.fields
        .iter()
        .filter_map(|field| Some((field.id.clone(), field.solution_value()?.clone())))
        .collect()
}

/// Validates a form against its fields' rules.
pub fn validate(step: &Step, values: &FormValues) -> Vec<FieldProblem> {
    let mut problems: Vec<FieldProblem> = step
        .fields
        .iter()
        .filter_map(|field| {
            let value = values.get(&field.id).cloned().unwrap_or(Value::Null);
            fields::validate(&field.kind, field.required, &value).err().map(|error: FieldError| {
                FieldProblem { field: field.id.clone(), message: error.localized() }
            })
        })
        .collect();
    if problems.is_empty() {
        problems.extend(answer_problem(step, values));
    }
    problems
}

/// What is wrong with a question's given answer, if it cannot be judged (a number that does not
/// read as one): such an answer is a form problem and costs no try. `None` for a step that asks
/// nothing, or when no answer is given.
pub fn answer_problem(step: &Step, values: &FormValues) -> Option<FieldProblem> {
    let question = step.question.as_ref()?;
    let answer = values.get(Question::FIELD).filter(|answer| !answer.is_null())?;
    let error = question.is_right(answer).err()?;
    Some(FieldProblem { field: Question::FIELD.to_string(), message: error.0 })
}

/// Earlier results that a run or a check keeps instead of looking again, by check id (which
/// ones is `recheck`'s rule).
pub type Kept = std::collections::HashMap<String, CheckResult>;

/// Runs a step: validate, act, check.
pub async fn run_step(
    clients: &Clients,
    identity: &Identity,
    lab: &Lab,
    step: &Step,
    values: &FormValues,
) -> StepRun {
    run_step_keeping(clients, identity, lab, step, values, &Kept::new()).await
}

/// Runs a step like [`run_step`], answering the checks in `kept` with their kept result.
pub async fn run_step_keeping(
    clients: &Clients,
    identity: &Identity,
    lab: &Lab,
    step: &Step,
    values: &FormValues,
    kept: &Kept,
) -> StepRun {
    let mut run = StepRun {
        step_id: step.id.clone(),
        field_problems: validate(step, values),
        action: None,
        done_by_hand: false,
        failure: None,
        checks: Vec::new(),
    };
    if !run.field_problems.is_empty() {
        return run;
    }
    let mut bindings = Bindings::new(values.clone(), &identity.account, clients.region(), &lab.id);
    let action = step.action.as_ref().filter(|_| step.runs_on(target_kind(clients)));
    run.done_by_hand = step.action.is_some() && action.is_none();
    if let Some(action) = action {
        let params = Value::Object(action.params.clone().into_iter().collect());
        let rendered = match fill(clients, &mut bindings, &params).await {
            Ok(Value::Object(map)) => map,
            Ok(_) => Map::new(),
            Err(failure) => {
                run.failure = Some(failure);
                return run;
            }
        };
        let context = ActionContext { clients, lab_id: &lab.id, step_id: &step.id };
        run.action = Some(actions::run(&context, action.id, &rendered).await);
    }
    run.checks = check_step_with(clients, &mut bindings, lab, step, kept).await;
    run
}

/// Runs a step's checks with the form's values (for placeholders the checks use).
pub async fn check_step(
    clients: &Clients,
    identity: &Identity,
    lab: &Lab,
    step: &Step,
    values: &FormValues,
) -> Vec<CheckResult> {
    check_step_keeping(clients, identity, lab, step, values, &Kept::new()).await
}

/// Runs a step's checks like [`check_step`], answering those in `kept` with their kept result.
pub async fn check_step_keeping(
    clients: &Clients,
    identity: &Identity,
    lab: &Lab,
    step: &Step,
    values: &FormValues,
    kept: &Kept,
) -> Vec<CheckResult> {
    let mut bindings = Bindings::new(values.clone(), &identity.account, clients.region(), &lab.id);
    check_step_with(clients, &mut bindings, lab, step, kept).await
}

async fn check_step_with(
    clients: &Clients,
    bindings: &mut Bindings,
    lab: &Lab,
    step: &Step,
    kept: &Kept,
) -> Vec<CheckResult> {
    let mut results = Vec::new();
    for check in step.checks_on(target_kind(clients)) {
        if let Some(result) = kept.get(&check.id) {
            results.push(result.clone());
            continue;
        }
        let resource = Value::Object(check.resource.clone().into_iter().collect());
        let filled = match fill(clients, bindings, &resource).await {
            Ok(resource) => {
                fill(clients, bindings, &check.expect).await.map(|expect| (resource, expect))
            }
            Err(failure) => Err(failure),
        };
        let result = match filled {
            // A quiz is answered in the form, not on the target.
            Ok((Value::Object(resource), _)) if check.kind == CheckKind::QuizAnswer => {
                quiz_result(step, check, &resource, &bindings.fields)
            }
            Ok((Value::Object(resource), expect)) => {
                let spec = CheckSpec {
                    id: &check.id,
                    kind: check.kind,
                    points: check.points,
                    resource: &resource,
                    expect: &expect,
                };
                checks::run(clients, &spec).await
            }
            Ok((_, _)) | Err(_) => CheckResult {
                failure: Some(Failure::local(
                    "awslab",
                    check.kind.name(),
                    "LookupFailed",
                    "a name this check looks up does not exist yet",
                )),
                ..CheckResult::new(&check.id, check.kind, check.points)
            },
        };
        let mut result = result;
        let looked_up_nothing = result.failure.as_ref().is_some_and(|f| f.code == "LookupFailed");
        if (result.missing || looked_up_nothing)
            && result.diagnosis.is_none()
            && check.kind != CheckKind::QuizAnswer
        {
            result.diagnosis = Some(crate::makers::missing(lab, step, check));
        }
        results.push(result);
    }
    results
}

/// A question's check: whether the form's answer is right, with all the points; the retry rule
/// (`quiz`) scores it as a try when it is recorded.
fn quiz_result(
    step: &Step,
    check: &awslab_lab::Check,
    resource: &Map<String, Value>,
    values: &FormValues,
) -> CheckResult {
    let field = resource.get("field").and_then(Value::as_str).unwrap_or_default();
    let answer = values.get(field).cloned().filter(|value| !value.is_null());
    let observed = serde_json::json!({ "Answer": answer });
    let right = match (&step.question, &answer) {
        (Some(question), Some(answer)) => question.is_right(answer).unwrap_or(false),
        _ => false,
    };
    // Unanswered, the quiz says so (its own message would give the answer away).
    let diagnosis = answer.is_none().then(|| {
        Localized::new(
            "아직 답하지 않았습니다: 폼에서 답을 고르거나 입력하세요.",
            "Not answered yet: choose or type an answer in the form.",
        )
    });
    CheckResult {
        missing: answer.is_none(),
        observed,
        diagnosis,
        ..CheckResult::new(&check.id, check.kind, check.points).passing(right)
    }
}

/// Looks up and fills the placeholders of `value`.
async fn fill(clients: &Clients, bindings: &mut Bindings, value: &Value) -> Result<Value, Failure> {
    bindings.look_up(clients, &[value]).await?;
    bindings.render(value).map_err(|error| {
        Failure::local("awslab", "Placeholder", "InvalidPlaceholder", error.to_string())
    })
}

/// What proving a lab found: checks that pass before anything was made, steps whose reference
/// solution does not pass its checks, and checks a full re-check afterwards no longer passes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Proof {
    /// `step/check` ids that passed on the starting state (a check that cannot fail).
    pub pass_too_early: Vec<String>,
    /// Steps whose solution failed, with what went wrong in words.
    pub solution_failures: Vec<(String, Vec<String>)>,
    /// Checks that passed after their step's solution but fail when the whole lab is checked
    /// again at its end (a score that would change with nothing undone), with what was found.
    pub recheck_lost: Vec<String>,
    /// The score after the solution, and after the full re-check that followed.
    pub scores: Option<(u32, u32)>,
    /// Steps left out on this target (`targets = "aws"` on the emulator).
    pub skipped: Vec<String>,
}

impl Proof {
    pub fn holds(&self) -> bool {
        self.pass_too_early.is_empty()
            && self.solution_failures.is_empty()
            && self.recheck_lost.is_empty()
    }
}

/// Proves a lab on a fresh target: every check fails on the starting state; after the
/// reference solution of each step, in order, that step's checks pass (a question's reference
/// answer earns all its points, and none of its wrong answers is judged right); and a full
/// check of the lab after that, by the rule of `recheck`, gives the same score.
pub async fn prove(clients: &Clients, identity: &Identity, lab: &Lab) -> Proof {
    let target = target_kind(clients);
    let runs_here = |step: &Step| step.runs_on(target);
    let mut proof = Proof::default();
    for step in lab.steps.iter().filter(|step| runs_here(step)) {
        for result in check_step(clients, identity, lab, step, &default_values(step)).await {
            if result.passed {
                proof.pass_too_early.push(format!("{}/{}", step.id, result.id));
            }
        }
    }
    // The proof's own record of the run, as a learner's progress would hold it.
    let mut store = match ProgressStore::open_in_memory() {
        Ok(store) => store,
        Err(error) => {
            proof.solution_failures.push(("(all)".into(), vec![error.to_string()]));
            return proof;
        }
    };
    let mut at_ms = 0;
    let mut record = |store: &mut ProgressStore, step: &Step, results: &[CheckResult]| {
        at_ms += 1;
        let new: Vec<CheckResult> =
            results.iter().filter(|result| recheck::is_new(result)).cloned().collect();
        let provenance = Provenance::of(clients, identity, Filled::BySolution);
        record_checks(store, lab, &step.id, &new, target, at_ms, provenance)
            .map_err(|error| error.to_string())
    };
    for step in &lab.steps {
        if !runs_here(step) {
            proof.skipped.push(step.id.clone());
            continue;
        }
        let run = run_step(clients, identity, lab, step, &solution_values(step)).await;
        let mut problems = Vec::new();
        if let Err(error) = record(&mut store, step, &run.checks) {
            problems.push(error);
        }
        if run.passed() && problems.is_empty() {
            continue;
        }
        problems.extend(
            run.field_problems
                .iter()
                .map(|problem| format!("field {}: {}", problem.field, problem.message.en)),
        );
        problems.extend(run.failure.iter().map(ToString::to_string));
        if let Some(failure) = run.action.as_ref().and_then(|action| action.failure.as_ref()) {
            problems.push(failure.to_string());
        }
        problems.extend(run.checks.iter().filter(|check| !check.passed).map(describe_failed));
        proof.solution_failures.push((step.id.clone(), problems));
    }
    // A question's wrong answers must earn nothing.
    for step in lab.steps.iter().filter(|step| runs_here(step)) {
        let Some(question) = &step.question else { continue };
        let scoring: Vec<String> = question
            .wrong_answers()
            .into_iter()
            .filter(|answer| question.is_right(answer).unwrap_or(false))
            .map(|answer| format!("the wrong answer {answer} is judged right"))
            .collect();
        if !scoring.is_empty() {
            proof.solution_failures.push((step.id.clone(), scoring));
        }
    }
    if !proof.solution_failures.is_empty() {
        return proof;
    }
    let score = |store: &ProgressStore| {
        crate::status::lab_progress(lab, store, target).map(|standing| standing.score.earned)
    };
    let before = score(&store);
    for step in lab.steps.iter().filter(|step| runs_here(step)) {
        let values = default_values(step);
        let kept = match recheck::kept(lab, &store, target, step, &values) {
            Ok(kept) => kept,
            Err(error) => {
                proof.recheck_lost.push(format!("{}: {error}", step.id));
                continue;
            }
        };
        let results = check_step_keeping(clients, identity, lab, step, &values, &kept).await;
        for result in results.iter().filter(|result| !result.passed) {
            proof.recheck_lost.push(format!("{}/{}", step.id, describe_failed(result)));
        }
        if let Err(error) = record(&mut store, step, &results) {
            proof.recheck_lost.push(format!("{}: {error}", step.id));
        }
    }
    if let (Ok(before), Ok(after)) = (before, score(&store)) {
        proof.scores = Some((before, after));
    }
    proof
}

/// A failed check in one line: `check id: what differs; …`.
fn describe_failed(check: &CheckResult) -> String {
    let mut line = format!("check {}:", check.id);
    if check.missing {
        line.push_str(" the resource does not exist;");
    }
    for difference in &check.differences {
        line.push_str(&format!(" {difference};"));
    }
    if let Some(failure) = &check.failure {
        line.push_str(&format!(" {failure};"));
    }
    line.trim_end_matches(';').to_string()
}

/// Why a lab could not be proven offline: no emulator to prove it on.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    #[error("starting an offline emulator to prove the labs on: {0}")]
    Start(#[from] awslab_emulator::StartError),
    #[error("the proving emulator does not answer: {0}")]
    Unreachable(Failure),
}

/// Proves `lab` (see [`prove`]) on a fresh in-memory emulator of its own, stopped afterwards,
/// so that no lab's proof depends on what another lab left behind. `clockwork` says whether
/// the emulator keeps AWS's time.
pub async fn prove_offline(
    lab: &Lab,
    clockwork: awslab_emulator::Clockwork,
) -> Result<Proof, ProveError> {
    let config = awslab_emulator::EmulatorConfig { clockwork, ..Default::default() };
    let emulator = awslab_emulator::Emulator::start(config).await?;
    let target =
        awslab_cloud::Target::emulator(emulator.endpoint(), Some(emulator.control_token()));
    let proof = match crate::target::connect(&target).await {
        Ok(connection) => Ok(prove(&connection.clients, &connection.identity, lab).await),
        Err(failure) => Err(ProveError::Unreachable(failure)),
    };
    emulator.shutdown().await;
    proof
}

/// The target kind progress records use.
pub fn target_kind(clients: &Clients) -> TargetKind {
    match clients.target {
        awslab_cloud::Target::Emulator { .. } => TargetKind::Emulator,
        awslab_cloud::Target::Aws { .. } => TargetKind::Aws,
    }
}

/// How a recorded run's form was filled: by the learner, or with the lab's reference solution
/// (`awslab run --solution`). The report says which steps the solution filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filled {
    ByLearner,
    BySolution,
}

/// Where a recorded result came from: the account and region it was checked in, and how the
/// form was filled. Kept with each result, for the report.
#[derive(Debug, Clone, Copy)]
pub struct Provenance<'a> {
    pub account: &'a str,
    pub region: &'a str,
    pub filled: Filled,
}

impl<'a> Provenance<'a> {
    /// The provenance of a run on `clients` as `identity`.
    pub fn of(clients: &'a Clients, identity: &'a Identity, filled: Filled) -> Self {
        Provenance { account: &identity.account, region: clients.region(), filled }
    }
}

/// Records a step's check results as progress, with what failed and why, and where they came
/// from (the report shows both).
pub fn record_checks(
    store: &mut ProgressStore,
    lab: &Lab,
    step_id: &str,
    results: &[CheckResult],
    target: TargetKind,
    at_ms: i64,
    provenance: Provenance<'_>,
) -> Result<(), ProgressError> {
    let records: Vec<CheckRecord> = results
        .iter()
        .map(|result| CheckRecord {
            step_id: step_id.to_string(),
            check_id: result.id.clone(),
            passed: result.passed,
            points: result.points,
            max_points: result.possible,
            target,
            at_ms,
            detail: serde_json::to_string(&serde_json::json!({
                "differences": result.differences,
                "missing": result.missing,
                "failure": result.failure,
                "diagnosis": result.diagnosis,
                "account": provenance.account,
                "region": provenance.region,
                "solution": provenance.filled == Filled::BySolution,
            }))
            .ok(),
        })
        .collect();
    store.record_checks(&lab.id, &records)
}

/// Records in the ledger what a step's action created, with the account and region it was
/// made in.
pub fn record_created(
    store: &mut ProgressStore,
    clients: &Clients,
    identity: &Identity,
    lab: &Lab,
    run: &StepRun,
    at_ms: i64,
) -> Result<(), ProgressError> {
    let Some(action) = &run.action else { return Ok(()) };
    let entries: Vec<LedgerEntry> = action
        .created
        .iter()
        .map(|created| LedgerEntry {
            step_id: run.step_id.clone(),
            target: target_kind(clients),
            account: identity.account.clone(),
            region: clients.region().to_string(),
            kind: created.kind.clone(),
            resource_id: created.id.clone(),
            at_ms,
        })
        .collect();
    store.record_created(&lab.id, &entries)
}

/// Whether a ledger entry is one clean-up may act on here: made in this account (or recorded
/// before accounts were, when clean-up still asks the resource for the lab's tag) and in this
/// region, or global (IAM).
fn in_reach(entry: &LedgerEntry, clients: &Clients, identity: &Identity) -> bool {
    let account = entry.account.is_empty() || entry.account == identity.account;
    let region = entry.region == clients.region() || entry.kind.starts_with("iam.");
    account && region
}

/// Cleans up a lab on the target: deletes its tagged resources and those of its ledger made in
/// this account and region that still carry its tag, proves none is left, and forgets the
/// ledger entries of what was deleted (or was already gone). Entries of other accounts and
/// regions are neither touched nor forgotten.
pub async fn clean_up(
    clients: &Clients,
    identity: &Identity,
    store: &mut ProgressStore,
    lab: &Lab,
) -> Result<CleanupReport, ProgressError> {
    let ledger: Vec<LedgerEntry> = store
        .ledger(&lab.id, target_kind(clients))?
        .into_iter()
        .filter(|entry| in_reach(entry, clients, identity))
        .collect();
    let created: Vec<Created> = ledger
        .iter()
        .map(|entry| Created { kind: entry.kind.clone(), id: entry.resource_id.clone() })
        .collect();
    let report = cleanup::cleanup(clients, &lab.id, &created).await;
    let gone: Vec<LedgerEntry> = ledger
        .into_iter()
        .filter(|entry| {
            let resource = Created { kind: entry.kind.clone(), id: entry.resource_id.clone() };
            !report.remaining.contains(&resource)
                && !report.failed.iter().any(|(failed, _)| *failed == resource)
                && !report.kept.iter().any(|(kept, _)| *kept == resource)
        })
        .collect();
    store.forget_created(&lab.id, &gone)?;
    Ok(report)
}

/// The next hint of a step, revealed and counted: its number (1 is the first) and its text;
/// `None` when every hint is already shown (the count stays).
pub fn next_hint(
    store: &mut ProgressStore,
    lab: &Lab,
    step: &Step,
) -> Result<Option<(u32, Localized)>, ProgressError> {
    let shown = store.hints_revealed(&lab.id)?.get(&step.id).copied().unwrap_or(0);
    if shown as usize >= step.hints.len() {
        return Ok(None);
    }
    let number = store.reveal_hint(&lab.id, &step.id)?;
    Ok(step.hints.get(number as usize - 1).cloned().map(|hint| (number, hint)))
}

/// Skips a step: recorded as skipped (never as passed) so the learner can go on.
pub fn skip_step(
    store: &mut ProgressStore,
    lab: &Lab,
    step: &Step,
    at_ms: i64,
) -> Result<(), ProgressError> {
    store.skip_step(&lab.id, &step.id, at_ms)
}

/// How resetting a lab went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum LabReset {
    /// The emulator deleted the lab's resources (their ARNs).
    Emulator { deleted: Vec<String> },
    /// On AWS, the lab was cleaned up.
    Aws(CleanupReport),
}

/// Starts a lab over: its resources on the target go (the emulator's own lab reset; a
/// clean-up on AWS), then its progress.
pub async fn reset_lab(
    clients: &Clients,
    identity: &Identity,
    store: &mut ProgressStore,
    lab: &Lab,
) -> Result<LabReset, ResetError> {
    let reset =
        clients.emulator_control(reqwest::Method::POST, &format!("/_awslab/reset?lab={}", lab.id));
    let outcome = match reset {
        Some(request) => {
            let answer = request.send().await.map_err(|error| {
                let endpoint = clients.emulator_endpoint().unwrap_or_default();
                ResetError::Target(format!("the emulator at {endpoint} did not answer: {error}"))
            })?;
            let status = answer.status();
            let text = answer.text().await.unwrap_or_default();
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if !status.is_success() {
                return Err(ResetError::Target(format!(
                    "the emulator refused the reset ({status}): {}",
                    body["message"].as_str().unwrap_or_default()
                )));
            }
            let deleted = body["deleted"]
                .as_array()
                .map(|items| items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            LabReset::Emulator { deleted }
        }
        None => {
            let report = clean_up(clients, identity, store, lab).await?;
            if !report.clean() {
                return Err(ResetError::NotClean(report));
            }
            LabReset::Aws(report)
        }
    };
    store.reset_lab(&lab.id)?;
    Ok(outcome)
}

/// Why a lab could not be reset; its progress is kept then.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("{0}")]
    Target(String),
    #[error("some of the lab's resources could not be deleted; its progress is kept")]
    NotClean(CleanupReport),
    #[error(transparent)]
    Progress(#[from] ProgressError),
}
