//! The retry rule through the path the app and the CLI share (`steps`): all the points for a
//! right first try, half for a right second try, nothing after two wrong ones and then the
//! answer; the explanation once settled and not before; a settled question final; tries shared
//! by the emulator and AWS; an unreadable number or no answer costs no try.
//!
//! Questions never call the target, so the connections here point at nothing.

use awslab_cloud::checks::HistoryKind;
use awslab_cloud::{Clients, Identity, Target};
use awslab_core::clock::{Clock, FixedClock};
use awslab_core::engine::FormValues;
use awslab_core::progress::FILE_NAME;
use awslab_core::progress_slot::ProgressSlot;
use awslab_core::steps::{self, StepOutcome};
use awslab_core::target::Connection;
use awslab_lab::{Lab, TargetKind};
use serde_json::{Value, json};
use std::sync::Arc;

async fn nowhere(target: TargetKind) -> Connection {
    let target = match target {
        TargetKind::Emulator => Target::emulator("http://127.0.0.1:9", None),
        TargetKind::Aws => Target::Aws { profile: None, region: "us-east-1".into() },
    };
    let clients = Clients::connect(&target).await;
    let identity = Identity {
        account: "000000000000".into(),
        arn: "arn:aws:iam::000000000000:root".into(),
        user_id: "000000000000".into(),
    };
    Connection { clients, identity }
}

fn sample() -> Lab {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/format-sample");
    awslab_lab::load_lab(&dir).expect("the sample loads")
}

struct Learner {
    lab: Lab,
    progress: ProgressSlot,
    _data: tempfile::TempDir,
}

impl Learner {
    fn new() -> Learner {
        let data = tempfile::tempdir().unwrap();
        let clock: Arc<dyn Clock> = Arc::new(FixedClock(1_000));
        let progress = ProgressSlot::at(data.path().join(FILE_NAME), clock);
        Learner { lab: sample(), progress, _data: data }
    }

    async fn answer(&self, on: TargetKind, answer: Option<Value>, at_ms: i64) -> StepOutcome {
        let step = self.lab.step("quiz").expect("the sample's question");
        let mut values = FormValues::new();
        if let Some(answer) = answer {
            values.insert("answer".into(), answer);
        }
        let connection = nowhere(on).await;
        steps::run_step(&connection, &self.progress, &FixedClock(at_ms), &self.lab, step, &values)
            .await
            .expect("recorded")
    }

    /// The report of what was recorded, taken on `target`.
    fn report(&self, target: TargetKind) -> awslab_core::report::Report {
        self.progress
            .with_store(|store, _| {
                awslab_core::report::Report::build(
                    &self.lab,
                    store,
                    target,
                    awslab_lab::Lang::En,
                    5,
                )
            })
            .unwrap()
            .unwrap()
    }
}

fn earned(outcome: &StepOutcome) -> u32 {
    outcome.progress.steps.iter().find(|s| s.step_id == "quiz").map_or(0, |s| s.earned)
}

#[tokio::test]
async fn right_first_earns_all_and_shows_the_explanation() {
    let learner = Learner::new();
    let outcome = learner.answer(TargetKind::Emulator, Some(json!("REGIONAL")), 1_000).await;
    let result = &outcome.run.checks[0];
    let feedback = result.feedback.as_ref().expect("feedback");
    assert!(result.passed && feedback.right && feedback.settled);
    assert_eq!((result.points, feedback.attempt, earned(&outcome)), (5, 1, 5));
    let explanation = feedback.explanation_html.as_ref().expect("the explanation");
    assert!(explanation.en.contains("Edge-optimized is for clients spread"), "{explanation:?}");
    assert_eq!(feedback.answer.as_ref().map(|a| a.en.as_str()), Some("Regional"));
}

#[tokio::test]
async fn wrong_then_right_earns_half_and_the_explanation_waits_until_settled() {
    let learner = Learner::new();
    let first = learner.answer(TargetKind::Emulator, Some(json!("EDGE")), 1_000).await;
    let result = &first.run.checks[0];
    let feedback = result.feedback.as_ref().expect("feedback");
    assert!(!result.passed && !feedback.settled);
    assert_eq!((feedback.attempt, feedback.tries_left, earned(&first)), (1, 1, 0));
    assert!(feedback.explanation_html.is_none() && feedback.answer.is_none(), "{feedback:?}");
    let said = result.diagnosis.as_ref().expect("what to do next");
    assert!(said.en.contains("one more try, worth half the points (3)"), "{said:?}");
    assert!(!said.en.contains("Regional"), "{said:?}");

    let second = learner.answer(TargetKind::Emulator, Some(json!("REGIONAL")), 2_000).await;
    let result = &second.run.checks[0];
    let feedback = result.feedback.as_ref().expect("feedback");
    assert!(result.passed && feedback.settled && feedback.explanation_html.is_some());
    assert_eq!((result.points, feedback.attempt, earned(&second)), (3, 2, 3));
    assert_eq!(second.progress.score.earned, 3);

    // Settled: another answer changes nothing, and a check of the lab keeps it.
    let again = learner.answer(TargetKind::Emulator, Some(json!("EDGE")), 3_000).await;
    let kept = &again.run.checks[0];
    assert_eq!(kept.history.as_ref().map(|h| h.kind), Some(HistoryKind::Answered));
    assert_eq!((kept.passed, kept.points, earned(&again)), (true, 3, 3));
    let checked = learner.answer(TargetKind::Emulator, None, 4_000).await;
    assert_eq!(earned(&checked), 3);

    // The report says the same, on either target: 3 of the question's 5.
    for target in [TargetKind::Emulator, TargetKind::Aws] {
        let report = learner.report(target);
        let step = report.content.steps.iter().find(|step| step.id == "quiz").unwrap();
        let check = &step.checks[0];
        assert_eq!((check.passed, check.points, check.possible), (true, 3, 5), "{target}");
        assert_eq!((step.earned, report.content.earned), (3, 3), "{target}");
    }
}

#[tokio::test]
async fn wrong_twice_earns_nothing_and_reveals_the_answer_on_both_targets() {
    let learner = Learner::new();
    learner.answer(TargetKind::Emulator, Some(json!("EDGE")), 1_000).await;
    // The second try on AWS is still the second try.
    let second = learner.answer(TargetKind::Aws, Some(json!("PRIVATE")), 2_000).await;
    let result = &second.run.checks[0];
    let feedback = result.feedback.as_ref().expect("feedback");
    assert_eq!((feedback.attempt, feedback.settled, result.points), (2, true, 0));
    assert_eq!(feedback.answer.as_ref().map(|a| a.en.as_str()), Some("Regional"));
    assert!(result.diagnosis.as_ref().expect("said").en.contains("The right answer: Regional"));

    // No fresh tries by switching back: the right answer now earns nothing.
    let third = learner.answer(TargetKind::Emulator, Some(json!("REGIONAL")), 3_000).await;
    assert_eq!((third.run.checks[0].passed, earned(&third)), (false, 0));

    // The report names the question whose answer was shown, and why it failed without
    // giving the answer away.
    let report = learner.report(TargetKind::Emulator);
    assert_eq!(report.content.revealed_questions, ["quiz"]);
    let step = report.content.steps.iter().find(|step| step.id == "quiz").unwrap();
    let why = step.checks[0].failure.as_deref().expect("a failure in words");
    assert!(why.starts_with("The answer is not right."), "{why}");
}

#[tokio::test]
async fn a_question_answered_on_aws_counts_on_the_emulator_too() {
    let learner = Learner::new();
    learner.answer(TargetKind::Aws, Some(json!("REGIONAL")), 1_000).await;
    let on_emulator = learner.answer(TargetKind::Emulator, None, 2_000).await;
    assert_eq!(earned(&on_emulator), 5);
}

#[tokio::test]
async fn no_answer_is_no_try() {
    let learner = Learner::new();
    // Run with nothing chosen: the form says so and nothing is sent.
    let nothing = learner.answer(TargetKind::Emulator, None, 1_000).await;
    assert_eq!(nothing.run.field_problems[0].field, "answer");
    // Check with nothing chosen: unanswered, and not recorded.
    let step = learner.lab.step("quiz").unwrap();
    let connection = nowhere(TargetKind::Emulator).await;
    let checked = steps::check_step(
        &connection,
        &learner.progress,
        &FixedClock(1_500),
        &learner.lab,
        step,
        &FormValues::new(),
    )
    .await
    .expect("checked");
    assert!(checked.run.checks[0].missing);
    let history =
        learner.progress.with_store(|store, _| store.check_history("format-sample")).unwrap();
    assert!(history.unwrap().is_empty());
    let first = learner.answer(TargetKind::Emulator, Some(json!("REGIONAL")), 2_000).await;
    assert_eq!((first.run.checks[0].points, earned(&first)), (5, 5), "still the first try");
}

#[tokio::test]
async fn an_unreadable_number_is_a_form_problem_and_costs_no_try() {
    let lab = common_lab("quiz-dynamodb");
    let step = lab
        .steps
        .iter()
        .find(|step| {
            matches!(
                step.question.as_ref().map(|q| &q.kind),
                Some(awslab_lab::quiz::QuestionKind::Number { .. })
            )
        })
        .expect("the DynamoDB quiz has a number question");
    let data = tempfile::tempdir().unwrap();
    let clock: Arc<dyn Clock> = Arc::new(FixedClock(1_000));
    let progress = ProgressSlot::at(data.path().join(FILE_NAME), clock);
    let connection = nowhere(TargetKind::Emulator).await;
    let values = FormValues::from([("answer".to_string(), json!("1,5"))]);
    let outcome = steps::run_step(&connection, &progress, &FixedClock(1_000), &lab, step, &values)
        .await
        .expect("answered");
    let problem = &outcome.run.field_problems[0];
    assert!(problem.message.en.contains("groups of three digits"), "{problem:?}");
    // Check, as the app's Answer button does, says the same and records nothing either.
    let checked =
        steps::check_step(&connection, &progress, &FixedClock(1_500), &lab, step, &values)
            .await
            .expect("checked");
    assert_eq!(checked.run.field_problems.len(), 1, "{:?}", checked.run);
    assert!(checked.run.checks.is_empty());
    assert!(problem.message.ko.contains("쉼표는 세 자리마다"), "{problem:?}");
    let history = progress.with_store(|store, _| store.check_history(&lab.id)).unwrap().unwrap();
    assert!(history.is_empty(), "no try recorded: {history:?}");

    // The reference answer written the Korean way is right on the first try.
    let reference = step.question.as_ref().unwrap().reference_answer();
    let typed: f64 = reference.as_str().unwrap().parse().unwrap();
    let values = FormValues::from([("answer".to_string(), json!(korean(typed)))]);
    let outcome = steps::run_step(&connection, &progress, &FixedClock(2_000), &lab, step, &values)
        .await
        .expect("answered");
    assert!(outcome.run.checks[0].passed, "{} as {}: {:?}", typed, korean(typed), outcome.run);
}

/// A whole number the Korean way (`3만 5천`), or with thousands commas when it has a fraction.
fn korean(number: f64) -> String {
    if number.fract() != 0.0 || number < 10_000.0 {
        return format!("{number}");
    }
    let whole = number as u64;
    let (man, rest) = (whole / 10_000, whole % 10_000);
    if rest == 0 { format!("{man}만") } else { format!("{man}만 {rest}") }
}

fn common_lab(id: &str) -> Lab {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs").join(id);
    awslab_lab::load_lab(&dir).expect("the lab loads")
}
