//! Running a lab: a step's form becomes an action on the target and its checks are graded;
//! a lab's checks can be run on their own; the reference solution can be played back.
//!
//! The order of a step is: validate the form (nothing is sent when a value breaks AWS's rules),
//! fill the placeholders (looking names up on the target), act, then check. Check results are
//! what progress records.

use awslab_cloud::actions::{self, ActionContext, ActionRun};
use awslab_cloud::checks::{self, CheckResult, CheckSpec};
use awslab_cloud::{Bindings, Clients, Failure, Identity};
use awslab_lab::fields::{self, FieldError};
use awslab_lab::{Lab, Localized, Step};
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{Map, Value};

/// A form's values, by field id.
pub type FormValues = IndexMap<String, Value>;

/// A field whose value breaks a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldProblem {
    pub field: String,
    pub message: Localized,
}

/// What running one step did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRun {
    pub step_id: String,
    /// Problems in the form; when there are any, nothing was sent.
    pub field_problems: Vec<FieldProblem>,
    /// The action, when the step has one and the form was valid.
    pub action: Option<ActionRun>,
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
    step.fields
        .iter()
        .filter_map(|field| {
            let value = values.get(&field.id).cloned().unwrap_or(Value::Null);
            fields::validate(&field.kind, field.required, &value).err().map(|error: FieldError| {
                FieldProblem { field: field.id.clone(), message: error.localized() }
            })
        })
        .collect()
}

/// Runs a step: validate, act, check.
pub async fn run_step(
    clients: &Clients,
    identity: &Identity,
    lab: &Lab,
    step: &Step,
    values: &FormValues,
) -> StepRun {
    let mut run = StepRun {
        step_id: step.id.clone(),
        field_problems: validate(step, values),
        action: None,
        failure: None,
        checks: Vec::new(),
    };
    if !run.field_problems.is_empty() {
        return run;
    }
    let mut bindings = Bindings::new(values.clone(), &identity.account, clients.region(), &lab.id);
    if let Some(action) = &step.action {
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
        run.action = Some(actions::run(&context, &action.id, &rendered).await);
    }
    run.checks = check_step_with(clients, &mut bindings, step).await;
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
    let mut bindings = Bindings::new(values.clone(), &identity.account, clients.region(), &lab.id);
    check_step_with(clients, &mut bindings, step).await
}

async fn check_step_with(
    clients: &Clients,
    bindings: &mut Bindings,
    step: &Step,
) -> Vec<CheckResult> {
    let mut results = Vec::new();
    for check in &step.checks {
        let resource = Value::Object(check.resource.clone().into_iter().collect());
        let filled = match fill(clients, bindings, &resource).await {
            Ok(resource) => {
                fill(clients, bindings, &check.expect).await.map(|expect| (resource, expect))
            }
            Err(failure) => Err(failure),
        };
        let result = match filled {
            Ok((Value::Object(resource), expect)) => {
                let spec = CheckSpec {
                    id: &check.id,
                    kind: &check.kind,
                    points: check.points,
                    resource: &resource,
                    expect: &expect,
                };
                checks::run(clients, &spec).await
            }
            Ok((_, _)) | Err(_) => CheckResult {
                id: check.id.clone(),
                kind: check.kind.clone(),
                passed: false,
                points: 0,
                possible: check.points,
                differences: Vec::new(),
                missing: false,
                failure: Some(Failure::local(
                    "awslab",
                    &check.kind,
                    "LookupFailed",
                    "a name this check looks up does not exist yet",
                )),
                observed: Value::Null,
            },
        };
        results.push(result);
    }
    results
}

/// Looks up and fills the placeholders of `value`.
async fn fill(clients: &Clients, bindings: &mut Bindings, value: &Value) -> Result<Value, Failure> {
    bindings.look_up(clients, &[value]).await?;
    bindings.render(value).map_err(|error| {
        Failure::local("awslab", "Placeholder", "InvalidPlaceholder", error.to_string())
    })
}
