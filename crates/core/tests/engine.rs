//! The lab engine against a real emulator: the `serverless-api` steps played with the reference
//! solution pass every check; a wrong form value fails exactly its check, with the diff; the
//! checks fail on a fresh emulator.

use awslab_cloud::{Clients, Target};
use awslab_core::engine::{self, FormValues};
use awslab_emulator::{Emulator, EmulatorConfig};
use awslab_lab::Lab;
use serde_json::json;

fn lab(id: &str) -> Lab {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs").join(id);
    awslab_lab::load_lab(&dir).unwrap_or_else(|errors| panic!("{id} loads: {errors:?}"))
}

async fn emulator() -> (Emulator, Clients) {
    let emulator = Emulator::start(EmulatorConfig::default()).await.expect("the emulator");
    let clients = Clients::connect(&Target::emulator(emulator.endpoint())).await;
    (emulator, clients)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_reference_solution_passes_every_check() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    assert_eq!(identity.account, awslab_emulator::ACCOUNT_ID);
    let lab = lab("serverless-api");
    let mut earned = 0;
    for step in &lab.steps {
        let run =
            engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
        assert!(run.passed(), "step {} failed: {run:#?}", step.id);
        let action = run.action.as_ref().expect("every step of this lab acts");
        assert!(!action.calls.is_empty());
        assert!(action.calls[0].cli.starts_with("aws "), "{}", action.calls[0].cli);
        earned += run.checks.iter().map(|check| check.points).sum::<u32>();
    }
    assert_eq!(earned, lab.total_points());
}

#[tokio::test(flavor = "multi_thread")]
async fn every_check_fails_on_a_fresh_target() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    for step in &lab.steps {
        let results =
            engine::check_step(&clients, &identity, &lab, step, &engine::default_values(step))
                .await;
        for result in results {
            assert!(!result.passed, "{} passed before anything was made", result.id);
            assert_eq!(result.points, 0);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn one_wrong_value_fails_only_its_check_with_the_difference() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    let mut lost = Vec::new();
    for step in &lab.steps {
        let mut values: FormValues = engine::solution_values(step);
        if step.id == "create-table" {
            values.insert("partition_key".into(), json!("id"));
        }
        let run = engine::run_step(&clients, &identity, &lab, step, &values).await;
        assert!(run.action.as_ref().is_some_and(|action| action.succeeded()), "{run:#?}");
        for check in run.checks.iter().filter(|check| !check.passed) {
            lost.push((check.id.clone(), check.possible, check.differences.clone()));
        }
    }
    assert_eq!(lost.len(), 1, "{lost:#?}");
    let (id, points, differences) = &lost[0];
    assert_eq!(id, "table-keyed-by-customer-id");
    assert_eq!(*points, 10);
    let text: Vec<String> = differences.iter().map(ToString::to_string).collect();
    assert!(
        text.iter().any(|line| line.contains("AttributeName")
            && line.contains("customer_id")
            && line.contains("\"id\"")),
        "{text:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_form_value_that_breaks_a_naming_rule_sends_nothing() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    let step = lab.step("create-table").expect("the table step");
    let mut values = engine::solution_values(step);
    values.insert("table_name".into(), json!("my table!"));
    let run = engine::run_step(&clients, &identity, &lab, step, &values).await;
    assert_eq!(run.field_problems.len(), 1);
    assert_eq!(run.field_problems[0].field, "table_name");
    assert!(run.action.is_none(), "nothing is sent with an invalid form");
    let tables = clients.dynamodb.list_tables().send().await.unwrap();
    assert!(tables.table_names().is_empty());
}
