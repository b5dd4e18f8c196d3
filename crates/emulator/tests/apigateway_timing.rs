//! API Gateway keeping AWS's time (`Timing::Aws`), with aws-sdk-apigateway and plain HTTP to
//! invoke URLs: the control plane is throttled by AWS's per-account quotas (`429
//! TooManyRequestsException` with `Retry-After`), which the SDK's own retries get through, and
//! invoke URLs are not.
//!
//! Each emulator's clock stands still (speed 0) and moves only when a test advances it, so
//! every answer is decided by the emulator's clock, never by how fast the machine is.

#[path = "common/apigateway.rs"]
mod apigw;
mod common;

use apigw::{REGION, invoke, method, rest_api};
use aws_sdk_apigateway::Client;
use aws_sdk_apigateway::config::interceptors::FinalizerInterceptorContextRef;
use aws_sdk_apigateway::config::retry::RetryConfig;
use aws_sdk_apigateway::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_apigateway::types::{EndpointConfiguration, EndpointType, IntegrationType};
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

fn ok(body: &str) -> (u16, String) {
    (200, body.to_string())
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
