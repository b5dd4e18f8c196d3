//! What the engine tests share: a lab of the repository's `labs/`, and an emulator (with the
//! clients that reach it) whose Python can run the labs' handlers.
#![allow(dead_code)] // each test file uses what it needs

use awslab_cloud::{Clients, Target};
use awslab_emulator::{Emulator, EmulatorConfig};
use awslab_lab::Lab;

/// The lab `labs/<id>`, loaded as the app loads it.
pub fn lab(id: &str) -> Lab {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs").join(id);
    awslab_lab::load_lab(&dir).unwrap_or_else(|errors| panic!("{id} loads: {errors:?}"))
}

/// An emulator whose Python has boto3 (the labs' handlers need it): `AWSLAB_PYTHON` as
/// `./dev test` sets it, else the repository's `.venv` when it exists.
pub async fn emulator() -> (Emulator, Clients) {
    emulator_with(EmulatorConfig::default()).await
}

/// An emulator keeping AWS's time at the speed of the wall clock: functions `Pending`, tables
/// `CREATING` and `DELETING`, IAM's changes propagating, API Gateway's quotas.
pub async fn emulator_keeping_aws_time(seed: u64) -> (Emulator, Clients) {
    let clockwork = awslab_emulator::Clockwork { timing: awslab_emulator::Timing::Aws, seed };
    emulator_with(EmulatorConfig { clockwork, ..EmulatorConfig::default() }).await
}

async fn emulator_with(mut config: EmulatorConfig) -> (Emulator, Clients) {
    let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.venv/bin/python");
    if std::env::var_os("AWSLAB_PYTHON").is_none() && std::path::Path::new(venv).exists() {
        config.interpreters.python = venv.to_string();
    }
    let emulator = Emulator::start(config).await.expect("the emulator");
    let clients =
        Clients::connect(&Target::emulator(emulator.endpoint(), Some(emulator.control_token())))
            .await;
    (emulator, clients)
}

/// A table keyed by `id` made outside any lab, in the clients' region.
pub async fn learners_own_table(clients: &Clients, name: &str) {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    clients
        .dynamodb
        .create_table()
        .table_name(name)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
}

/// Runs the reference solution of the steps `ids` of `lab`, in order; each must pass.
pub async fn solve(
    clients: &Clients,
    identity: &awslab_cloud::Identity,
    lab: &Lab,
    ids: &[&str],
) -> Vec<awslab_core::engine::StepRun> {
    let mut runs = Vec::new();
    for id in ids {
        let step = lab.step(id).unwrap_or_else(|| panic!("{} has no step {id}", lab.id));
        let values = awslab_core::engine::solution_values(step);
        let run = awslab_core::engine::run_step(clients, identity, lab, step, &values).await;
        assert!(run.passed(), "step {id} failed: {run:#?}");
        runs.push(run);
    }
    runs
}
