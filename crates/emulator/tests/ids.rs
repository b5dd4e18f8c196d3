//! Ids come from the emulator's id source: under one seed, two emulators give the same role ids,
//! API and resource ids and request ids, so a test can compare what it made; unseeded, each
//! launch draws its own.

mod common;

use aws_sdk_iam::operation::RequestId;
use awslab_emulator::{Emulator, EmulatorConfig};
use common::sdk_config;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// What a fresh emulator hands out for the same three calls: a role's id and its request id,
/// an API's id and its root resource's id.
async fn ids_of_a_fresh_emulator(seed: Option<u64>) -> Vec<String> {
    let emulator =
        Emulator::start(EmulatorConfig { id_seed: seed, ..Default::default() }).await.unwrap();
    let sdk = sdk_config(&emulator, "us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    let role =
        iam.create_role().role_name("r").assume_role_policy_document(TRUST).send().await.unwrap();
    let apigateway = aws_sdk_apigateway::Client::new(&sdk);
    let api = apigateway.create_rest_api().name("api").send().await.unwrap();
    let api_id = api.id().unwrap().to_string();
    let resources = apigateway.get_resources().rest_api_id(&api_id).send().await.unwrap();
    let root = resources.items()[0].id().unwrap().to_string();
    let ids = vec![
        role.role().unwrap().role_id().to_string(),
        role.request_id().unwrap().to_string(),
        api_id,
        root,
    ];
    emulator.shutdown().await;
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn one_seed_gives_the_same_ids_and_no_seed_new_ones() {
    let first = ids_of_a_fresh_emulator(Some(42)).await;
    let again = ids_of_a_fresh_emulator(Some(42)).await;
    assert_eq!(first, again, "the same seed draws the same ids");
    assert!(first[0].starts_with("AROA") && first[0].len() == 21, "{first:?}");
    assert_eq!(first[2].len(), 10, "{first:?}");
    let unseeded = ids_of_a_fresh_emulator(None).await;
    let other = ids_of_a_fresh_emulator(None).await;
    for (one, two) in unseeded.iter().zip(&other) {
        assert_ne!(one, two, "each launch draws its own ids");
    }
    let other_seed = ids_of_a_fresh_emulator(Some(43)).await;
    assert_ne!(first, other_seed);
}
