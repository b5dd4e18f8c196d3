//! A score is a record of what the learner built: after a lab's solution, checking the whole lab
//! again keeps the score (checks that later steps change on purpose keep their pass, a quiz keeps
//! its answer), and undoing something the learner built loses exactly its points, with a result
//! that says it passed before.

use awslab_cloud::checks::HistoryKind;
use awslab_core::clock::{Clock, FixedClock};
use awslab_core::engine;
use awslab_core::progress::FILE_NAME;
use awslab_core::progress_slot::ProgressSlot;
use awslab_core::steps;
use awslab_core::target::Connection;
use std::sync::Arc;

mod common;

#[tokio::test]
async fn a_full_check_after_the_canary_lab_keeps_its_score_and_an_undone_step_says_so() {
    let lab = common::lab("api-stages-canary");
    let (_emulator, clients) = common::emulator().await;
    let identity = clients.whoami().await.expect("who we are");
    let connection = Connection { clients, identity };
    let data = tempfile::tempdir().unwrap();
    let clock: Arc<dyn Clock> = Arc::new(FixedClock(1_000));
    let progress = ProgressSlot::at(data.path().join(FILE_NAME), clock);

    for step in &lab.steps {
        let values = engine::solution_values(step);
        let outcome =
            steps::run_step(&connection, &progress, &FixedClock(1_000), &lab, step, &values)
                .await
                .expect("recorded");
        assert!(outcome.run.passed(), "{}: {:#?}", step.id, outcome.run);
    }
    let score = |outcome: &steps::StepOutcome| outcome.progress.score.earned;

    // The whole lab checked again, as `awslab check` does: the form's defaults, no answers.
    let mut last = None;
    let mut histories = Vec::new();
    for step in &lab.steps {
        let values = engine::default_values(step);
        let outcome =
            steps::check_step(&connection, &progress, &FixedClock(2_000), &lab, step, &values)
                .await
                .expect("recorded");
        for check in &outcome.run.checks {
            assert!(check.passed, "{}/{} fails on the re-check: {check:#?}", step.id, check.id);
            if let Some(history) = &check.history {
                histories.push((check.id.clone(), history.kind, history.at_ms));
            }
        }
        last = Some(outcome);
    }
    assert_eq!(score(last.as_ref().unwrap()), 170, "the full check keeps the score");
    let kept: Vec<&str> = histories
        .iter()
        .filter(|(_, kind, at)| *kind == HistoryKind::Kept && *at == 1_000)
        .map(|(id, _, _)| id.as_str())
        .collect();
    assert_eq!(
        kept,
        [
            "root-function-says-hello",
            "root-get-tests-200",
            "dev-root",
            "prod-calls-v1",
            "canary-settings",
            "traffic-split"
        ]
    );
    assert!(histories.contains(&("stage-settings".into(), HistoryKind::Answered, 1_000)));
    let kept_note = &last_history(&progress, &connection, &lab, "canary").await;
    assert!(
        kept_note.en.contains("the later step “Promote the canary” changes this"),
        "{kept_note:?}"
    );
    assert!(kept_note.ko.contains("‘카나리 승격하기’"), "{kept_note:?}");

    // Undo what one step built: the houses function. Its checks lose their points, and say
    // they passed before.
    connection
        .clients
        .lambda
        .delete_function()
        .function_name("lambda-api-gateway-proxy-houses-get")
        .send()
        .await
        .expect("deleted");
    let step = lab.step("create-houses-function").unwrap();
    let outcome = steps::check_step(
        &connection,
        &progress,
        &FixedClock(3_000),
        &lab,
        step,
        &engine::default_values(step),
    )
    .await
    .expect("recorded");
    let check = &outcome.run.checks[0];
    assert!(!check.passed);
    let history = check.history.as_ref().expect("an undone result says so");
    assert_eq!((history.kind, history.at_ms), (HistoryKind::Undone, 2_000));
    assert_eq!(score(&outcome), 165, "only the undone check's points are lost");
}

/// The note of the first history among a step's results when it is checked again.
async fn last_history(
    progress: &ProgressSlot,
    connection: &Connection,
    lab: &awslab_lab::Lab,
    step_id: &str,
) -> awslab_lab::Localized {
    let step = lab.step(step_id).unwrap();
    let outcome = steps::check_step(
        connection,
        progress,
        &FixedClock(2_500),
        lab,
        step,
        &engine::default_values(step),
    )
    .await
    .expect("recorded");
    outcome.run.checks.iter().find_map(|check| check.history.clone()).expect("a kept result").note
}
