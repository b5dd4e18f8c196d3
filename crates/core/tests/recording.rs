//! The recording rule of `steps::record_run`, the one the app and the CLI share: a run that sent
//! nothing records no check result (even if it carried some), a run whose action failed records
//! its checks and what it made, and the times come from the clock given.
//!
//! `record_run` never calls the target, so the connection here points at nothing.

use awslab_cloud::actions::{ActionRun, Created};
use awslab_cloud::checks::CheckResult;
use awslab_cloud::{Clients, Failure, Identity, Target};
use awslab_core::engine::{FieldProblem, StepRun};
use awslab_core::progress::{ProgressStore, TargetKind};
use awslab_core::steps::record_run;
use awslab_core::target::Connection;
use awslab_lab::Localized;
use serde_json::Value;

mod common;

async fn nowhere() -> Connection {
    let clients = Clients::connect(&Target::emulator("http://127.0.0.1:9", None)).await;
    let identity = Identity {
        account: "000000000000".into(),
        arn: "arn:aws:iam::000000000000:root".into(),
        user_id: "000000000000".into(),
    };
    Connection { clients, identity }
}

fn check(id: &str, passed: bool) -> CheckResult {
    CheckResult {
        missing: !passed,
        ..CheckResult::new(id, awslab_lab::CheckKind::IamPolicy, 10).passing(passed)
    }
}

fn run(step_id: &str, checks: Vec<CheckResult>) -> StepRun {
    StepRun {
        step_id: step_id.into(),
        field_problems: Vec::new(),
        action: None,
        done_by_hand: false,
        failure: None,
        checks,
    }
}

#[tokio::test]
async fn a_run_that_sent_nothing_records_no_check_result() {
    let lab = common::lab("serverless-api");
    let connection = nowhere().await;
    let mut store = ProgressStore::open_in_memory().unwrap();
    let problem = FieldProblem {
        field: "policy_name".into(),
        message: Localized {
            ko: "값이 필요합니다".into(), en: "a value is required".into()
        },
    };
    let with_a_problem = StepRun {
        field_problems: vec![problem],
        ..run("create-policy", vec![check("policy-allows-only-putitem", false)])
    };
    let unfilled = StepRun {
        failure: Some(Failure::local("awslab", "Placeholder", "LookupFailed", "no such API")),
        ..run("create-policy", vec![check("policy-allows-only-putitem", false)])
    };

    record_run(&mut store, &connection, &lab, with_a_problem, 1_000).unwrap();
    record_run(&mut store, &connection, &lab, unfilled, 2_000).unwrap();

    let history = store.check_history(&lab.id).unwrap();
    assert!(history.is_empty(), "{history:#?}");
}

#[tokio::test]
async fn a_failed_action_records_its_checks_and_what_it_made_at_the_clocks_time() {
    let lab = common::lab("serverless-api");
    let connection = nowhere().await;
    let mut store = ProgressStore::open_in_memory().unwrap();
    let action = ActionRun {
        action: awslab_lab::ActionKind::IamCreateRole,
        calls: Vec::new(),
        created: vec![Created { kind: "iam.role".into(), id: "aws-lab-dynamodb-role".into() }],
        response: Value::Null,
        failure: Some(Failure::local("iam", "AttachRolePolicy", "NoSuchEntity", "no policy")),
        note: None,
    };
    let failed = StepRun {
        action: Some(action),
        ..run("create-role", vec![check("role-trusts-lambda", false)])
    };

    let outcome = record_run(&mut store, &connection, &lab, failed, 1_700_000_000_000).unwrap();

    let history = store.check_history(&lab.id).unwrap();
    let recorded: Vec<(&str, &str, bool, i64)> = (history.iter())
        .map(|r| (r.step_id.as_str(), r.check_id.as_str(), r.passed, r.at_ms))
        .collect();
    assert_eq!(recorded, [("create-role", "role-trusts-lambda", false, 1_700_000_000_000)]);
    let ledger = store.ledger(&lab.id, TargetKind::Emulator).unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (ledger[0].resource_id.as_str(), ledger[0].at_ms),
        ("aws-lab-dynamodb-role", 1_700_000_000_000)
    );
    assert_eq!(outcome.run.step_id, "create-role");
    assert!(outcome.charts.is_empty());
}
