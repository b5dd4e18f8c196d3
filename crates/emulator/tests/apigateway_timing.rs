//! API Gateway keeping AWS's time (`Timing::Aws`), with aws-sdk-apigateway and plain HTTP to
//! invoke URLs: a new stage, a new deployment, a change of variables, a canary and its
//! promotion reach the stage's invoke URL only after they have propagated (the URL answers as
//! before meanwhile, a stage not there yet with `403 Forbidden`), while `GetStage` shows them at
//! once; and the control plane is throttled by AWS's per-account quotas (`429
//! TooManyRequestsException` with `Retry-After`), which the SDK's own retries get through.
//!
//! Each emulator's clock stands still (speed 0) and moves only when a test advances it, so
//! every answer is decided by the emulator's clock, never by how fast the machine is. A stage
//! change takes 2 to 6 emulated seconds (`Delay::StagePropagation`): one second after it, the
//! old answer is certain, six seconds after, the new one. API Gateway's SDK has no waiters.

#[path = "common/apigateway.rs"]
mod apigw;
mod common;

use apigw::{REGION, invoke, lambda_integration, method, permit, rest_api, source_arn};
use aws_sdk_apigateway::Client;
use aws_sdk_apigateway::config::interceptors::FinalizerInterceptorContextRef;
use aws_sdk_apigateway::config::retry::RetryConfig;
use aws_sdk_apigateway::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_apigateway::types::{
    DeploymentCanarySettings, EndpointConfiguration, EndpointType, IntegrationType, Op,
    PatchOperation,
};
use awslab_emulator::{Clockwork, Emulator, EmulatorConfig, Timing};
use common::alarms::advance;
use common::failure;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

const AWS_TIME: Clockwork = Clockwork { timing: Timing::Aws, seed: 16 };

/// An emulator keeping AWS's time on a clock that moves only when advanced.
async fn start() -> Emulator {
    let config = EmulatorConfig {
        clockwork: AWS_TIME,
        clock_speed: 0.0,
        interpreters: common::lambda::interpreters(),
        ..EmulatorConfig::default()
    };
    Emulator::start(config).await.expect("the emulator starts")
}

/// A client that gives up at the first error, so that a test sees AWS's own answer.
async fn without_retries(emulator: &Emulator) -> Client {
    let config = common::sdk_config(emulator, REGION).await;
    let config =
        aws_sdk_apigateway::config::Builder::from(&config).retry_config(RetryConfig::disabled());
    Client::from_conf(config.build())
}

/// An API whose `GET /` is a MOCK answering 200 with `body`; returns its id and root.
async fn mock_api(client: &Client, name: &str, body: &str) -> (String, String) {
    let (api, root) = rest_api(client, name).await;
    method(client, &api, &root, "GET").await;
    client
        .put_integration()
        .rest_api_id(&api)
        .resource_id(&root)
        .http_method("GET")
        .r#type(IntegrationType::Mock)
        .request_templates("application/json", r#"{"statusCode": 200}"#)
        .send()
        .await
        .expect("the integration");
    answer_with(client, &api, &root, body).await;
    (api, root)
}

/// What the MOCK of `GET /` answers, in the live API (deployed only by a new deployment).
async fn answer_with(client: &Client, api: &str, root: &str, body: &str) {
    client
        .put_integration_response()
        .rest_api_id(api)
        .resource_id(root)
        .http_method("GET")
        .status_code("200")
        .response_templates("application/json", body)
        .send()
        .await
        .expect("the integration response");
}

/// The status and body `GET /` on `stage` answers.
async fn get(emulator: &Emulator, api: &str, stage: &str) -> (u16, String) {
    let answer = invoke(emulator.port(), api, stage, "GET", "/", b"").await;
    (answer.status, answer.body)
}

fn forbidden() -> (u16, String) {
    (403, r#"{"message":"Forbidden"}"#.to_string())
}

fn ok(body: &str) -> (u16, String) {
    (200, body.to_string())
}

fn patch(op: Op, path: &str, value: &str) -> PatchOperation {
    PatchOperation::builder().op(op).path(path).value(value).build()
}

fn copy(from: &str, path: &str) -> PatchOperation {
    PatchOperation::builder().op(Op::Copy).from(from).path(path).build()
}

#[tokio::test]
async fn a_new_stage_is_forbidden_at_its_url_until_it_has_propagated() {
    let emulator = start().await;
    let client = apigw::client(&emulator).await;
    let (api, _) = mock_api(&client, "new-stage", "hello").await;
    let deployment = client.create_deployment().rest_api_id(&api).stage_name("dev").send().await;
    let deployment = deployment.expect("the deployment").id().expect("an id").to_string();
    let dev = client.get_stage().rest_api_id(&api).stage_name("dev").send().await;
    assert_eq!(dev.expect("dev at once").deployment_id(), Some(deployment.as_str()));

    let early = invoke(emulator.port(), &api, "dev", "GET", "/", b"").await;
    assert_eq!((early.status, early.body.clone()), forbidden());
    assert_eq!(early.header("x-amzn-ErrorType"), Some("ForbiddenException"));
    advance(&emulator, 1).await;
    assert_eq!(get(&emulator, &api, "dev").await, forbidden());
    advance(&emulator, 5).await;
    assert_eq!(get(&emulator, &api, "dev").await, ok("hello"));
    let wrong = invoke(emulator.port(), &api, "dev", "GET", "/wrong", b"").await;
    assert_eq!(
        (wrong.status, wrong.body.as_str()),
        (403, r#"{"message":"Missing Authentication Token"}"#),
        "a path the settled stage lacks"
    );
    assert_eq!(get(&emulator, &api, "never").await, forbidden(), "a stage that does not exist");

    // A stage created on its own, from the same deployment, waits as well.
    let prod = client.create_stage().rest_api_id(&api).stage_name("prod");
    prod.deployment_id(&deployment).send().await.expect("prod");
    assert_eq!(get(&emulator, &api, "prod").await, forbidden());
    advance(&emulator, 6).await;
    assert_eq!(get(&emulator, &api, "prod").await, ok("hello"));
}

#[tokio::test]
async fn a_new_deployment_answers_with_the_old_one_until_it_has_propagated() {
    let emulator = start().await;
    let client = apigw::client(&emulator).await;
    let (api, root) = mock_api(&client, "redeployed", "v1").await;
    client.create_deployment().rest_api_id(&api).stage_name("dev").send().await.expect("v1");
    advance(&emulator, 6).await;
    assert_eq!(get(&emulator, &api, "dev").await, ok("v1"));

    answer_with(&client, &api, &root, "v2").await;
    let second = client.create_deployment().rest_api_id(&api).stage_name("dev").send().await;
    let second = second.expect("v2").id().expect("an id").to_string();
    let dev = client.get_stage().rest_api_id(&api).stage_name("dev").send().await.expect("dev");
    assert_eq!(dev.deployment_id(), Some(second.as_str()), "GetStage shows it at once");
    let shown = client.get_deployment().rest_api_id(&api).deployment_id(&second).send().await;
    assert_eq!(shown.expect("GetDeployment at once").id(), Some(second.as_str()));
    assert_eq!(get(&emulator, &api, "dev").await, ok("v1"));
    advance(&emulator, 1).await;
    assert_eq!(get(&emulator, &api, "dev").await, ok("v1"));
    advance(&emulator, 5).await;
    assert_eq!(get(&emulator, &api, "dev").await, ok("v2"));
}

#[tokio::test]
async fn a_stage_moved_to_another_deployment_answers_as_before_until_it_has_propagated() {
    let emulator = start().await;
    let client = apigw::client(&emulator).await;
    let (api, root) = mock_api(&client, "moved", "v1").await;
    let first = client.create_deployment().rest_api_id(&api).stage_name("dev").send().await;
    let first = first.expect("v1").id().expect("an id").to_string();
    advance(&emulator, 6).await;
    answer_with(&client, &api, &root, "v2").await;
    let second = client.create_deployment().rest_api_id(&api).send().await;
    let second = second.expect("v2, on no stage").id().expect("an id").to_string();
    assert_eq!(get(&emulator, &api, "dev").await, ok("v1"), "a deployment on no stage");

    let moved = client.update_stage().rest_api_id(&api).stage_name("dev");
    let moved = moved.patch_operations(patch(Op::Replace, "/deploymentId", &second)).send().await;
    assert_eq!(moved.expect("moved").deployment_id(), Some(second.as_str()));
    assert_eq!(get(&emulator, &api, "dev").await, ok("v1"));
    advance(&emulator, 6).await;
    assert_eq!(get(&emulator, &api, "dev").await, ok("v2"));

    let back = client.update_stage().rest_api_id(&api).stage_name("dev");
    back.patch_operations(patch(Op::Replace, "/deploymentId", &first)).send().await.expect("back");
    assert_eq!(get(&emulator, &api, "dev").await, ok("v2"));
    advance(&emulator, 6).await;
    assert_eq!(get(&emulator, &api, "dev").await, ok("v1"));
}

/// A function that answers with the stage variables it is called with, behind `GET /` of an
/// API deployed to `dev` with `color` = `blue`, settled; returns the API's id.
async fn echoing_api(emulator: &Emulator, client: &Client, name: &str) -> String {
    const ECHO: &str = "import json\n\n\ndef lambda_handler(event, context):\n    \
        return {\"statusCode\": 200, \"body\": json.dumps(event[\"stageVariables\"])}\n";
    let functions = common::lambda::client(emulator).await;
    let role = common::lambda::role(emulator, "echo-role", None).await;
    // Time for the role and the function to be ready, wherever IAM and Lambda keep AWS's time.
    advance(emulator, 15).await;
    common::lambda::python_function(&functions, "echo", &role, ECHO).await;
    advance(emulator, 15).await;
    let (api, root) = rest_api(client, name).await;
    method(client, &api, &root, "GET").await;
    lambda_integration(client, &api, &root, "GET", IntegrationType::AwsProxy, "echo").await;
    permit(&functions, "echo", "echo", &source_arn(&api, "GET", "/")).await;
    let deployed = client.create_deployment().rest_api_id(&api).stage_name("dev");
    deployed.variables("color", "blue").send().await.expect("dev");
    advance(emulator, 6).await;
    assert_eq!(get(emulator, &api, "dev").await, ok(r#"{"color": "blue"}"#));
    api
}

#[tokio::test]
async fn changed_stage_variables_reach_the_url_once_they_have_propagated() {
    let emulator = start().await;
    let client = apigw::client(&emulator).await;
    let api = echoing_api(&emulator, &client, "variables").await;
    let green = client.update_stage().rest_api_id(&api).stage_name("dev");
    let green = green.patch_operations(patch(Op::Replace, "/variables/color", "green"));
    let green = green.send().await.expect("green");
    assert_eq!(green.variables().and_then(|v| v.get("color")).map(String::as_str), Some("green"));
    assert_eq!(get(&emulator, &api, "dev").await, ok(r#"{"color": "blue"}"#));
    advance(&emulator, 1).await;
    assert_eq!(get(&emulator, &api, "dev").await, ok(r#"{"color": "blue"}"#));
    advance(&emulator, 5).await;
    assert_eq!(get(&emulator, &api, "dev").await, ok(r#"{"color": "green"}"#));

    // A change of nothing the URL serves propagates nothing.
    let described = client.update_stage().rest_api_id(&api).stage_name("dev");
    let described = described.patch_operations(patch(Op::Replace, "/description", "green"));
    described.send().await.expect("described");
    assert_eq!(get(&emulator, &api, "dev").await, ok(r#"{"color": "green"}"#));
}

#[tokio::test]
async fn a_canary_added_or_changed_splits_traffic_once_it_has_propagated() {
    let emulator = start().await;
    let client = apigw::client(&emulator).await;
    let api = echoing_api(&emulator, &client, "canary").await;
    let canary =
        client.update_stage().rest_api_id(&api).stage_name("dev").set_patch_operations(Some(vec![
            patch(Op::Replace, "/canarySettings/percentTraffic", "100"),
            patch(Op::Replace, "/canarySettings/stageVariableOverrides/color", "red"),
        ]));
    let canary = canary.send().await.expect("the canary");
    assert_eq!(canary.canary_settings().map(|c| c.percent_traffic()), Some(100.0));
    assert_eq!(get(&emulator, &api, "dev").await, ok(r#"{"color": "blue"}"#));
    advance(&emulator, 6).await;
    assert_eq!(get(&emulator, &api, "dev").await, ok(r#"{"color": "red"}"#));

    let changed = client.update_stage().rest_api_id(&api).stage_name("dev");
    let changed =
        changed.patch_operations(patch(Op::Replace, "/canarySettings/percentTraffic", "0"));
    changed.send().await.expect("no traffic to the canary");
    assert_eq!(get(&emulator, &api, "dev").await, ok(r#"{"color": "red"}"#));
    advance(&emulator, 6).await;
    assert_eq!(get(&emulator, &api, "dev").await, ok(r#"{"color": "blue"}"#));
}

#[tokio::test]
async fn a_promoted_canary_answers_as_before_until_the_promotion_has_propagated() {
    let emulator = start().await;
    let client = apigw::client(&emulator).await;
    let api = echoing_api(&emulator, &client, "promotion").await;
    // A canary release that sends no traffic yet, deployed 5 seconds after dev (the quota).
    let canary = DeploymentCanarySettings::builder()
        .percent_traffic(0.0)
        .stage_variable_overrides("color", "red")
        .build();
    let release = client.create_deployment().rest_api_id(&api).stage_name("dev");
    release.canary_settings(canary).send().await.expect("the canary release");
    advance(&emulator, 6).await;
    assert_eq!(get(&emulator, &api, "dev").await, ok(r#"{"color": "blue"}"#));

    let promoted =
        client.update_stage().rest_api_id(&api).stage_name("dev").set_patch_operations(Some(vec![
            copy("/canarySettings/stageVariableOverrides", "/variables"),
            copy("/canarySettings/deploymentId", "/deploymentId"),
            PatchOperation::builder().op(Op::Remove).path("/canarySettings").build(),
        ]));
    let promoted = promoted.send().await.expect("the promotion");
    assert!(promoted.canary_settings().is_none(), "GetStage shows the promotion at once");
    assert_eq!(get(&emulator, &api, "dev").await, ok(r#"{"color": "blue"}"#));
    advance(&emulator, 1).await;
    assert_eq!(get(&emulator, &api, "dev").await, ok(r#"{"color": "blue"}"#));
    advance(&emulator, 5).await;
    assert_eq!(get(&emulator, &api, "dev").await, ok(r#"{"color": "red"}"#));
}

#[tokio::test]
async fn a_second_deployment_within_five_seconds_is_too_many_requests() {
    let emulator = start().await;
    let (client, impatient) = (apigw::client(&emulator).await, without_retries(&emulator).await);
    let (api, _) = mock_api(&client, "deployments", "hello").await;
    impatient.create_deployment().rest_api_id(&api).send().await.expect("the first");
    let error = impatient.create_deployment().rest_api_id(&api).send().await.unwrap_err();
    let raw = error.raw_response().expect("an answer");
    assert_eq!(raw.headers().get("Retry-After"), Some("5"));
    assert_eq!(raw.headers().get("x-amzn-ErrorType"), Some("TooManyRequestsException"));
    let modeled = error.into_service_error();
    assert!(modeled.is_too_many_requests_exception(), "{modeled:?}");
    assert_eq!(
        (modeled.meta().code(), modeled.meta().message()),
        (Some("TooManyRequestsException"), Some("Too Many Requests"))
    );
    let aws_sdk_apigateway::operation::create_deployment::CreateDeploymentError::TooManyRequestsException(throttled) =
        modeled
    else {
        unreachable!("checked above")
    };
    assert_eq!(throttled.retry_after_seconds(), Some("5"));

    advance(&emulator, 4).await;
    let error = impatient.create_deployment().rest_api_id(&api).send().await.unwrap_err();
    assert_eq!(
        failure(error),
        ("TooManyRequestsException".into(), "Too Many Requests".into(), 429)
    );
    advance(&emulator, 1).await;
    impatient.create_deployment().rest_api_id(&api).send().await.expect("five seconds later");
    let deployments = client.get_deployments().rest_api_id(&api).send().await.expect("the list");
    assert_eq!(deployments.items().len(), 2, "a refused call deploys nothing");
}

#[tokio::test]
async fn get_resources_takes_five_calls_every_two_seconds() {
    let emulator = start().await;
    let impatient = without_retries(&emulator).await;
    let (api, _) = rest_api(&impatient, "resources").await;
    for call in 1..=5 {
        let listed = impatient.get_resources().rest_api_id(&api).send().await;
        assert!(listed.is_ok(), "call {call}: {listed:?}");
    }
    let error = impatient.get_resources().rest_api_id(&api).send().await.unwrap_err();
    assert_eq!(error.raw_response().and_then(|r| r.headers().get("Retry-After")), Some("1"));
    assert_eq!(failure(error).2, 429);
    advance(&emulator, 1).await;
    for call in 1..=2 {
        let listed = impatient.get_resources().rest_api_id(&api).send().await;
        assert!(listed.is_ok(), "call {call} after a second: {listed:?}");
    }
    let error = impatient.get_resources().rest_api_id(&api).send().await.unwrap_err();
    assert_eq!(failure(error).2, 429, "a second refills two and a half calls");
}

#[tokio::test]
async fn creating_and_deleting_apis_are_limited_by_the_kind_of_api() {
    let emulator = start().await;
    let impatient = without_retries(&emulator).await;
    let regional = || {
        impatient.create_rest_api().name("regional").endpoint_configuration(
            EndpointConfiguration::builder().types(EndpointType::Regional).build(),
        )
    };
    let edge = || impatient.create_rest_api().name("edge-optimized");
    let first = regional().send().await.expect("a Regional API").id().map(str::to_string);
    let error = regional().send().await.unwrap_err();
    assert_eq!(error.raw_response().and_then(|r| r.headers().get("Retry-After")), Some("3"));
    let second = edge().send().await.expect("an edge-optimized one counts apart");
    let error = edge().send().await.unwrap_err();
    assert_eq!(error.raw_response().and_then(|r| r.headers().get("Retry-After")), Some("30"));
    advance(&emulator, 3).await;
    regional().send().await.expect("three seconds later");

    let delete = |id: Option<String>| impatient.delete_rest_api().set_rest_api_id(id).send();
    delete(first).await.expect("one deletion");
    let error = delete(second.id().map(str::to_string)).await.unwrap_err();
    assert_eq!(error.raw_response().and_then(|r| r.headers().get("Retry-After")), Some("30"));
    advance(&emulator, 30).await;
    delete(second.id().map(str::to_string)).await.expect("thirty seconds later");
}

#[tokio::test]
async fn every_operation_together_takes_ten_calls_a_second_in_bursts_of_forty() {
    let emulator = start().await;
    let impatient = without_retries(&emulator).await;
    for call in 1..=40 {
        let listed = impatient.get_rest_apis().send().await;
        assert!(listed.is_ok(), "call {call}: {listed:?}");
    }
    let error = impatient.get_rest_apis().send().await.unwrap_err();
    assert_eq!(error.raw_response().and_then(|r| r.headers().get("Retry-After")), Some("1"));
    assert_eq!(
        failure(error),
        ("TooManyRequestsException".into(), "Too Many Requests".into(), 429)
    );
    advance(&emulator, 1).await;
    for call in 1..=10 {
        let listed = impatient.get_rest_apis().send().await;
        assert!(listed.is_ok(), "call {call} after a second: {listed:?}");
    }
    assert_eq!(failure(impatient.get_rest_apis().send().await.unwrap_err()).2, 429);
}

#[tokio::test]
async fn invoke_urls_are_not_the_control_plane_and_are_not_throttled() {
    let emulator = start().await;
    let impatient = without_retries(&emulator).await;
    let (api, _) = mock_api(&impatient, "busy", "hello").await;
    impatient.create_deployment().rest_api_id(&api).stage_name("dev").send().await.expect("dev");
    advance(&emulator, 6).await;
    for call in 1..=40 {
        let listed = impatient.get_rest_apis().send().await;
        assert!(listed.is_ok(), "call {call}: {listed:?}");
    }
    assert_eq!(failure(impatient.get_rest_apis().send().await.unwrap_err()).2, 429);
    for call in 1..=60 {
        assert_eq!(get(&emulator, &api, "dev").await, ok("hello"), "call {call}");
    }
    assert_eq!(failure(impatient.get_rest_apis().send().await.unwrap_err()).2, 429);
}

/// Stands for the time a caller spends between its retries: after each throttled attempt,
/// moves the emulator's clock on by the `Retry-After` it was answered, and counts attempts.
#[derive(Debug)]
struct WaitsOnTheEmulatorsClock {
    port: u16,
    token: String,
    attempts: Arc<AtomicU32>,
}

impl Intercept for WaitsOnTheEmulatorsClock {
    fn name(&self) -> &'static str {
        "WaitsOnTheEmulatorsClock"
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        let retry_after = (context.response())
            .filter(|response| response.status().as_u16() == 429)
            .and_then(|response| response.headers().get("Retry-After"))
            .and_then(|seconds| seconds.parse::<u64>().ok());
        if let Some(seconds) = retry_after {
            // Blocking, on this test's multi-threaded runtime: the emulator answers on another
            // thread.
            let path = format!("/_awslab/clock/advance?seconds={seconds}");
            let header = (awslab_emulator::CONTROL_TOKEN_HEADER, self.token.as_str());
            let advanced = common::raw(self.port, "POST", &path, &[header], b"");
            assert_eq!(advanced.status, 200, "{}", advanced.body);
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdks_own_retries_get_through_a_throttled_call() {
    let emulator = start().await;
    let impatient = without_retries(&emulator).await;
    let (api, _) = rest_api(&impatient, "patient").await;
    for call in 1..=5 {
        let listed = impatient.get_resources().rest_api_id(&api).send().await;
        assert!(listed.is_ok(), "call {call}: {listed:?}");
    }
    let throttled = impatient.get_resources().rest_api_id(&api).send().await;
    assert_eq!(failure(throttled.unwrap_err()).2, 429);

    let attempts = Arc::new(AtomicU32::new(0));
    let waits = WaitsOnTheEmulatorsClock {
        port: emulator.port(),
        token: emulator.control_token().to_string(),
        attempts: attempts.clone(),
    };
    let config = common::sdk_config(&emulator, REGION).await;
    // The SDK's default retries; only the clock is moved for them.
    let config = aws_sdk_apigateway::config::Builder::from(&config).interceptor(waits).build();
    let patient = Client::from_conf(config);
    let listed = patient.get_resources().rest_api_id(&api).send().await;
    assert_eq!(listed.expect("after a retry").items().len(), 1, "the root");
    assert_eq!(attempts.load(Ordering::SeqCst), 2, "one throttled attempt, one that passed");
}

#[tokio::test]
async fn under_instant_timing_nothing_waits_and_nothing_is_throttled() {
    let emulator = common::start().await;
    let impatient = without_retries(&emulator).await;
    let (api, root) = mock_api(&impatient, "instant", "v1").await;
    impatient.create_deployment().rest_api_id(&api).stage_name("dev").send().await.expect("v1");
    assert_eq!(get(&emulator, &api, "dev").await, ok("v1"));
    answer_with(&impatient, &api, &root, "v2").await;
    impatient.create_deployment().rest_api_id(&api).stage_name("dev").send().await.expect("v2");
    assert_eq!(get(&emulator, &api, "dev").await, ok("v2"));
    for call in 1..=50 {
        let listed = impatient.get_resources().rest_api_id(&api).send().await;
        assert!(listed.is_ok(), "call {call}: {listed:?}");
    }
    let missing = invoke(emulator.port(), &api, "never", "GET", "/", b"").await;
    assert_eq!(
        (missing.status, missing.body.as_str()),
        (403, r#"{"message":"Missing Authentication Token"}"#),
        "a missing stage, as the emulator answered it before it kept AWS's time"
    );
}
