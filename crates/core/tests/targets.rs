//! Steps on AWS that exist only offline: the engine does not take an emulator-only action there
//! (the learner does the step by hand) and does not run a check that reads only the offline
//! mailbox, and the standing it answers is taken on AWS, where such a check counts for nothing.
//!
//! The clients point at AWS without credentials: a step made only of offline things must not
//! send anything, so a call that slipped through would show up as an action or a check result.

use awslab_cloud::{Clients, Identity, Target};
use awslab_core::clock::{Clock, FixedClock};
use awslab_core::engine;
use awslab_core::progress::FILE_NAME;
use awslab_core::progress_slot::ProgressSlot;
use awslab_core::status::StepStatus;
use awslab_core::steps;
use awslab_core::target::Connection;
use awslab_lab::{Step, TargetKind};
use std::sync::Arc;

mod common;

async fn on_aws() -> Connection {
    let target = Target::Aws { profile: None, region: "ap-northeast-2".into() };
    let clients = Clients::connect(&target).await;
    let identity = Identity {
        account: "111122223333".into(),
        arn: "arn:aws:iam::111122223333:user/learner".into(),
        user_id: "AIDAEXAMPLE".into(),
    };
    Connection { clients, identity }
}

fn progress(dir: &tempfile::TempDir) -> ProgressSlot {
    let clock: Arc<dyn Clock> = Arc::new(FixedClock(1_700_000_000_000));
    ProgressSlot::at(dir.path().join(FILE_NAME), clock)
}

#[tokio::test]
async fn on_aws_the_mailbox_step_runs_nothing_and_shows_as_offline_only() {
    let lab = common::lab("cloudwatch-alarm");
    let connection = on_aws().await;
    let data = tempfile::tempdir().unwrap();
    let progress = progress(&data);
    let step = lab.step("read-alarm-email").expect("the e-mail step");
    let values = engine::default_values(step);

    let outcome = steps::check_step(&connection, &progress, &FixedClock(1), &lab, step, &values)
        .await
        .expect("recorded");

    assert!(outcome.run.checks.is_empty(), "{:#?}", outcome.run.checks);
    assert_eq!(outcome.progress.target, TargetKind::Aws);
    let email = outcome.progress.steps.iter().find(|s| s.step_id == step.id).unwrap();
    assert_eq!((email.status, email.possible), (StepStatus::OfflineOnly, 0));
    assert_eq!(outcome.progress.score.possible, 121);
    let history = progress.with_store(|store, _| store.check_history(&lab.id)).unwrap().unwrap();
    assert!(history.is_empty(), "nothing was checked, so nothing is recorded: {history:#?}");
}

#[tokio::test]
async fn on_aws_an_emulator_only_action_is_left_to_the_learner() {
    let lab = common::lab("cloudwatch-alarm");
    let connection = on_aws().await;
    let data = tempfile::tempdir().unwrap();
    let progress = progress(&data);
    // The clock step's action (`emulator.wait`) with only the mailbox check, so that nothing
    // at all is sent to AWS.
    let wait = lab.step("alarm-settles-ok").expect("the waiting step");
    let mail = lab.step("read-alarm-email").expect("the e-mail step");
    let step = Step { checks: mail.checks.clone(), ..wait.clone() };
    let values = engine::default_values(&step);
    assert!(!step.runs_on(TargetKind::Aws) && step.runs_on(TargetKind::Emulator));

    let outcome = steps::run_step(&connection, &progress, &FixedClock(1), &lab, &step, &values)
        .await
        .expect("recorded");

    let run = &outcome.run;
    assert!(run.done_by_hand, "{run:#?}");
    assert!(run.action.is_none() && run.failure.is_none() && run.checks.is_empty(), "{run:#?}");
    assert!(run.passed(), "a step done by hand is not a failed run");

    // A step of the lab that is done by hand keeps its checks, and its points, on AWS.
    let real = lab.step("alarm-settles-ok").expect("the waiting step");
    assert_eq!(real.checks_on(TargetKind::Aws).count(), real.checks.len());
}
