//! What an invoke URL answers once methods require API keys and stages are throttled, over
//! plain HTTP: `403 Forbidden` without a usable key, `200` with one, exactly `burst` requests
//! and then `429 Too Many Requests`, a refill at the rate as the clock advances, `429 Limit
//! Exceeded` past the quota (and `GetUsage` counting it), and a stage's `methodSettings`
//! throttling, for requests with or without a key.
//!
//! The emulator's clock stands still (speed 0) and moves only when a test advances it, so the
//! buckets are exact.

#[path = "common/apigateway.rs"]
mod apigw;
mod common;

use apigw::{Answer, client, resource, rest_api};
use aws_sdk_apigateway::Client;
use aws_sdk_apigateway::types::{
    ApiStage, IntegrationType, Op, PatchOperation, QuotaPeriodType, QuotaSettings, ThrottleSettings,
};
use awslab_emulator::{Emulator, EmulatorConfig};
use common::alarms::advance;

async fn start() -> Emulator {
    let config = EmulatorConfig { clock_speed: 0.0, ..EmulatorConfig::default() };
    Emulator::start(config).await.expect("the emulator starts")
}

fn patch(op: Op, path: &str, value: &str) -> PatchOperation {
    PatchOperation::builder().op(op).path(path).value(value).build()
}

/// `GET /{part}` as a MOCK answering `{"pets": "all"}`, requiring a key or not.
async fn mock_method(client: &Client, api: &str, root: &str, part: &str, key_required: bool) {
    let id = resource(client, api, root, part).await;
    client
        .put_method()
        .rest_api_id(api)
        .resource_id(&id)
        .http_method("GET")
        .authorization_type("NONE")
        .api_key_required(key_required)
        .send()
        .await
        .expect("the method");
    client
        .put_integration()
        .rest_api_id(api)
        .resource_id(&id)
        .http_method("GET")
        .r#type(IntegrationType::Mock)
        .request_templates("application/json", r#"{"statusCode": 200}"#)
        .send()
        .await
        .expect("the integration");
    client
        .put_integration_response()
        .rest_api_id(api)
        .resource_id(&id)
        .http_method("GET")
        .status_code("200")
        .response_templates("application/json", r#"{"pets": "all"}"#)
        .send()
        .await
        .expect("the integration response");
}

/// An API with `GET /pets` (key required) and `GET /open` (no key), deployed to `dev`.
async fn pets_api(client: &Client) -> String {
    let (api, root) = rest_api(client, "pets").await;
    mock_method(client, &api, &root, "pets", true).await;
    mock_method(client, &api, &root, "open", false).await;
    client.create_deployment().rest_api_id(&api).stage_name("dev").send().await.expect("dev");
    api
}

/// A GET with an `x-api-key` header, or none.
async fn get(emulator: &Emulator, api: &str, path: &str, key: Option<&str>) -> Answer {
    let port = emulator.port();
    let url = format!("/restapis/{api}/dev/_user_request_{path}");
    let headers: Vec<(&str, &str)> = key.map(|key| ("x-api-key", key)).into_iter().collect();
    apigw::call(port, &format!("127.0.0.1:{port}"), "GET", &url, &headers, b"").await
}

/// The statuses and messages of `count` GETs in a row.
async fn burst(
    emulator: &Emulator,
    api: &str,
    path: &str,
    key: Option<&str>,
    count: usize,
) -> Vec<(u16, String)> {
    let mut answers = Vec::new();
    for _ in 0..count {
        let answer = get(emulator, api, path, key).await;
        let message =
            answer.json().get("message").and_then(|m| m.as_str()).unwrap_or("").to_string();
        answers.push((answer.status, message));
    }
    answers
}

fn ok() -> (u16, String) {
    (200, String::new())
}

fn too_many() -> (u16, String) {
    (429, "Too Many Requests".into())
}

/// A key, enabled, in a new plan on `dev` with `throttle` and `quota`; returns its value.
async fn planned_key(
    client: &Client,
    api: &str,
    throttle: Option<ThrottleSettings>,
    quota: Option<QuotaSettings>,
) -> (String, String) {
    let plan = client
        .create_usage_plan()
        .name("plan")
        .api_stages(ApiStage::builder().api_id(api).stage("dev").build())
        .set_throttle(throttle)
        .set_quota(quota)
        .send()
        .await
        .expect("the plan");
    let key = client.create_api_key().name("client").enabled(true).send().await.unwrap();
    client
        .create_usage_plan_key()
        .usage_plan_id(plan.id().unwrap())
        .key_id(key.id().unwrap())
        .key_type("API_KEY")
        .send()
        .await
        .expect("the key in the plan");
    (plan.id().unwrap().to_string(), key.value().unwrap().to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_method_that_requires_a_key_forbids_requests_without_a_usable_one() {
    let emulator = start().await;
    let client = client(&emulator).await;
    let api = pets_api(&client).await;

    let without = get(&emulator, &api, "/pets", None).await;
    assert_eq!((without.status, without.body.as_str()), (403, r#"{"message":"Forbidden"}"#));
    assert_eq!(without.header("x-amzn-ErrorType"), Some("ForbiddenException"));
    assert!(without.header("x-amzn-RequestId").is_some());
    let wrong = get(&emulator, &api, "/pets", Some("not-a-key-of-this-account-0000")).await;
    assert_eq!(wrong.status, 403);

    let loose = client.create_api_key().name("loose").enabled(true).send().await.unwrap();
    let loose_value = loose.value().unwrap();
    let unplanned = get(&emulator, &api, "/pets", Some(loose_value)).await;
    assert_eq!(unplanned.status, 403, "a key in no plan of the stage opens nothing");

    let (_, value) = planned_key(&client, &api, None, None).await;
    let with = get(&emulator, &api, "/pets", Some(&value)).await;
    assert_eq!((with.status, with.json()), (200, serde_json::json!({"pets": "all"})));
    assert_eq!(get(&emulator, &api, "/open", None).await.status, 200, "no key needed");

    let key_id = client.get_api_keys().name_query("client").send().await.unwrap().items()[0]
        .id()
        .unwrap()
        .to_string();
    client
        .update_api_key()
        .api_key(&key_id)
        .patch_operations(patch(Op::Replace, "/enabled", "false"))
        .send()
        .await
        .unwrap();
    assert_eq!(get(&emulator, &api, "/pets", Some(&value)).await.status, 403, "disabled");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_lets_exactly_its_burst_through_and_refills_at_its_rate() {
    let emulator = start().await;
    let client = client(&emulator).await;
    let api = pets_api(&client).await;
    let throttle = ThrottleSettings::builder().rate_limit(1.0).burst_limit(3).build();
    let (_, key) = planned_key(&client, &api, Some(throttle), None).await;

    let answers = burst(&emulator, &api, "/pets", Some(&key), 4).await;
    assert_eq!(answers, [ok(), ok(), ok(), too_many()]);
    let refused = get(&emulator, &api, "/pets", Some(&key)).await;
    assert_eq!(refused.header("x-amzn-ErrorType"), Some("TooManyRequestsException"));
    assert_eq!(refused.body, r#"{"message":"Too Many Requests"}"#);

    advance(&emulator, 2).await;
    let answers = burst(&emulator, &api, "/pets", Some(&key), 3).await;
    assert_eq!(answers, [ok(), ok(), too_many()], "two seconds at one a second");
    assert_eq!(get(&emulator, &api, "/open", None).await.status, 200, "a plan meters keys only");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_method_throttle_in_the_plan_wins_over_the_plans_own() {
    let emulator = start().await;
    let client = client(&emulator).await;
    let api = pets_api(&client).await;
    let throttle = ThrottleSettings::builder().rate_limit(100.0).burst_limit(100).build();
    let (plan, key) = planned_key(&client, &api, Some(throttle), None).await;
    client
        .update_usage_plan()
        .usage_plan_id(&plan)
        .patch_operations(patch(
            Op::Replace,
            &format!("/apiStages/{api}:dev/throttle/~1pets/GET/burstLimit"),
            "1",
        ))
        .patch_operations(patch(
            Op::Replace,
            &format!("/apiStages/{api}:dev/throttle/~1pets/GET/rateLimit"),
            "1",
        ))
        .send()
        .await
        .expect("a method's throttle");
    let answers = burst(&emulator, &api, "/pets", Some(&key), 2).await;
    assert_eq!(answers, [ok(), too_many()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn past_the_quota_requests_are_refused_and_get_usage_counts_them() {
    let emulator = start().await;
    let client = client(&emulator).await;
    let api = pets_api(&client).await;
    let quota = QuotaSettings::builder().limit(3).period(QuotaPeriodType::Day).build();
    let (plan, key) = planned_key(&client, &api, None, Some(quota)).await;

    let answers = burst(&emulator, &api, "/pets", Some(&key), 4).await;
    assert_eq!(answers[..3], [ok(), ok(), ok()]);
    assert_eq!(answers[3], (429, "Limit Exceeded".to_string()));
    let over = get(&emulator, &api, "/pets", Some(&key)).await;
    assert_eq!(over.header("x-amzn-ErrorType"), Some("LimitExceededException"));

    // The stopped clock reads the moment the emulator started: ask around today, so that a
    // test run across midnight still finds its day.
    let today = time::OffsetDateTime::now_utc().date();
    let write = |date: time::Date| {
        format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
    };
    let (from, to) = (today.previous_day().unwrap(), today.next_day().unwrap());
    let usage = client
        .get_usage()
        .usage_plan_id(&plan)
        .start_date(write(from))
        .end_date(write(to))
        .send()
        .await
        .expect("GetUsage");
    let days = usage.items().unwrap().values().next().expect("the key's days").clone();
    assert_eq!(days.len(), 3);
    assert!(days.contains(&vec![3, 0]), "refused requests do not count: {days:?}");
    assert_eq!(days.iter().map(|day| day[0]).sum::<i64>(), 3);

    advance(&emulator, 24 * 60 * 60).await;
    assert_eq!(get(&emulator, &api, "/pets", Some(&key)).await.status, 200, "a new day");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stages_method_settings_throttle_every_request() {
    let emulator = start().await;
    let client = client(&emulator).await;
    let api = pets_api(&client).await;
    client
        .update_stage()
        .rest_api_id(&api)
        .stage_name("dev")
        .patch_operations(patch(Op::Replace, "/*/*/throttling/burstLimit", "2"))
        .patch_operations(patch(Op::Replace, "/*/*/throttling/rateLimit", "1"))
        .send()
        .await
        .expect("stage throttling");
    let answers = burst(&emulator, &api, "/open", None, 3).await;
    assert_eq!(answers, [ok(), ok(), too_many()]);

    client
        .update_stage()
        .rest_api_id(&api)
        .stage_name("dev")
        .patch_operations(patch(Op::Replace, "/~1open/GET/throttling/burstLimit", "4"))
        .patch_operations(patch(Op::Replace, "/~1open/GET/throttling/rateLimit", "1"))
        .send()
        .await
        .expect("method throttling");
    let answers = burst(&emulator, &api, "/open", None, 5).await;
    assert_eq!(answers, [ok(), ok(), ok(), ok(), too_many()], "the method's own bucket");

    let (_, key) = planned_key(&client, &api, None, None).await;
    let answers = burst(&emulator, &api, "/pets", Some(&key), 1).await;
    assert_eq!(answers, [too_many()], "*/* was emptied by /open's first requests");
    advance(&emulator, 1).await;
    assert_eq!(burst(&emulator, &api, "/pets", Some(&key), 1).await, [ok()]);
}
