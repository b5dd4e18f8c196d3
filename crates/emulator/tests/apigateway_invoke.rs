//! What the data plane answers beyond the labs' happy paths: the Lambda proxy response contract
//! (errors and malformed answers are `502`), `{proxy+}` and `ANY`, non-proxy integration
//! responses chosen by `selectionPattern`, MOCK integrations, HTTP integrations offline, and
//! API Gateway's state across a restart, a lab reset and a snapshot.

#[path = "common/apigateway.rs"]
mod apigw;
mod common;

use apigw::{REGION, invoke, lambda_integration, method, permit, resource, rest_api};
use aws_sdk_apigateway::types::IntegrationType;
use awslab_emulator::EmulatorConfig;
use common::lambda::{self, python_function};
use serde_json::json;

/// One handler for every case: what it does depends on `kind` (query string or body).
const BEHAVIOURS: &str = r#"import json
import time

def lambda_handler(event, context):
    if "requestContext" in event:
        kind = (event.get("queryStringParameters") or {}).get("kind")
    else:
        kind = event.get("kind")
    if kind == "sleep":
        time.sleep(1)
    if kind == "raise":
        raise Exception("Bad input: raised on purpose")
    if kind == "string":
        return "justAString"
    if kind == "extra":
        return {"statusCode": 200, "wrongValue": 1}
    if "requestContext" not in event:
        return {"received": event}
    return {
        "statusCode": 201,
        "headers": {"X-Custom": "yes"},
        "multiValueHeaders": {"X-Multi": ["a", "b"]},
        "body": json.dumps({"pathParameters": event["pathParameters"], "method": event["httpMethod"]}),
    }
"#;

#[tokio::test(flavor = "multi_thread")]
async fn proxy_and_non_proxy_answers_follow_aws_contracts() {
    let emulator = lambda::start().await;
    let port = emulator.port();
    let (functions, client) = (lambda::client(&emulator).await, apigw::client(&emulator).await);
    let role = lambda::role(&emulator, "behaviours-role", None).await;
    python_function(&functions, "behaviours", &role, BEHAVIOURS).await;
    let (api, root) = rest_api(&client, "behaviours").await;
    permit(&functions, "behaviours", "any-method", &apigw::source_arn(&api, "*", "*")).await;

    let items = resource(&client, &api, &root, "items").await;
    let proxy = resource(&client, &api, &items, "{proxy+}").await;
    method(&client, &api, &proxy, "ANY").await;
    lambda_integration(&client, &api, &proxy, "ANY", IntegrationType::AwsProxy, "behaviours").await;

    let plain = resource(&client, &api, &root, "plain").await;
    method(&client, &api, &plain, "POST").await;
    lambda_integration(&client, &api, &plain, "POST", IntegrationType::Aws, "behaviours").await;
    for (status, pattern) in [("200", None), ("400", Some("Bad input.*"))] {
        client
            .put_integration_response()
            .rest_api_id(&api)
            .resource_id(&plain)
            .http_method("POST")
            .status_code(status)
            .set_selection_pattern(pattern.map(Into::into))
            .send()
            .await
            .unwrap();
    }
    let unmapped = resource(&client, &api, &root, "unmapped").await;
    method(&client, &api, &unmapped, "POST").await;
    lambda_integration(&client, &api, &unmapped, "POST", IntegrationType::Aws, "behaviours").await;

    let mock = resource(&client, &api, &root, "mock").await;
    method(&client, &api, &mock, "GET").await;
    client
        .put_integration()
        .rest_api_id(&api)
        .resource_id(&mock)
        .http_method("GET")
        .r#type(IntegrationType::Mock)
        .request_templates("application/json", r#"{"statusCode": 202}"#)
        .send()
        .await
        .unwrap();
    client
        .put_integration_response()
        .rest_api_id(&api)
        .resource_id(&mock)
        .http_method("GET")
        .status_code("202")
        .selection_pattern("2\\d\\d")
        .response_templates("application/json", r#"{"pets": "all the pets"}"#)
        .send()
        .await
        .unwrap();

    let http = resource(&client, &api, &root, "http").await;
    method(&client, &api, &http, "GET").await;
    client
        .put_integration()
        .rest_api_id(&api)
        .resource_id(&http)
        .http_method("GET")
        .r#type(IntegrationType::HttpProxy)
        .integration_http_method("GET")
        .uri("https://example.com/")
        .send()
        .await
        .unwrap();
    let slow = resource(&client, &api, &root, "slow").await;
    method(&client, &api, &slow, "GET").await;
    lambda_integration(&client, &api, &slow, "GET", IntegrationType::AwsProxy, "behaviours").await;
    client
        .update_integration()
        .rest_api_id(&api)
        .resource_id(&slow)
        .http_method("GET")
        .patch_operations(
            aws_sdk_apigateway::types::PatchOperation::builder()
                .op(aws_sdk_apigateway::types::Op::Replace)
                .path("/timeoutInMillis")
                .value("200")
                .build(),
        )
        .send()
        .await
        .unwrap();
    client
        .create_deployment()
        .rest_api_id(&api)
        .stage_name("dev")
        .send()
        .await
        .expect("the deployment");
    let timed_out = invoke(port, &api, "dev", "GET", "/slow?kind=sleep", b"").await;
    assert_eq!(
        (timed_out.status, timed_out.body.as_str()),
        (504, r#"{"message":"Endpoint request timed out"}"#)
    );

    let ok = invoke(port, &api, "dev", "DELETE", "/items/a/b%20c", b"").await;
    assert_eq!(ok.status, 201, "{}", ok.body);
    assert_eq!(ok.json(), json!({"pathParameters": {"proxy": "a/b c"}, "method": "DELETE"}));
    assert_eq!((ok.header("X-Custom"), ok.header("X-Multi")), (Some("yes"), Some("a, b")));
    for kind in ["raise", "string", "extra"] {
        let failed = invoke(port, &api, "dev", "GET", &format!("/items/x?kind={kind}"), b"").await;
        assert_eq!(
            (failed.status, failed.body.as_str()),
            (502, r#"{"message":"Internal server error"}"#),
            "{kind}"
        );
    }
    let test = client
        .test_invoke_method()
        .rest_api_id(&api)
        .resource_id(&proxy)
        .http_method("ANY")
        .path_with_query_string("/items/x?kind=string")
        .send()
        .await
        .unwrap();
    assert_eq!(test.status(), 502);
    assert!(
        test.log().unwrap().contains(
            "Execution failed due to configuration error: Malformed Lambda proxy response"
        )
    );

    let passed = invoke(port, &api, "dev", "POST", "/plain", br#"{"kind": "ok"}"#).await;
    assert_eq!((passed.status, passed.json()), (200, json!({"received": {"kind": "ok"}})));
    let raised = invoke(port, &api, "dev", "POST", "/plain", br#"{"kind": "raise"}"#).await;
    assert_eq!(raised.status, 400, "{}", raised.body);
    assert_eq!(raised.json()["errorMessage"], "Bad input: raised on purpose");
    let unmapped_answer =
        invoke(port, &api, "dev", "POST", "/unmapped", br#"{"kind": "ok"}"#).await;
    assert_eq!(
        (unmapped_answer.status, unmapped_answer.body.as_str()),
        (500, r#"{"message":"Internal server error"}"#)
    );
    let test = client
        .test_invoke_method()
        .rest_api_id(&api)
        .resource_id(&unmapped)
        .http_method("POST")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(test.log().unwrap().contains(
        "Execution failed due to configuration error: No match for output mapping and no default output mapping configured. Endpoint Response Status Code: 200"
    ));

    let mocked = invoke(port, &api, "dev", "GET", "/mock", b"").await;
    assert_eq!((mocked.status, mocked.body.as_str()), (202, r#"{"pets": "all the pets"}"#));
    let offline = invoke(port, &api, "dev", "GET", "/http", b"").await;
    assert_eq!(offline.status, 500);
    let test = client
        .test_invoke_method()
        .rest_api_id(&api)
        .resource_id(&http)
        .http_method("GET")
        .send()
        .await
        .unwrap();
    assert!(test.log().unwrap().contains("HTTP integrations need the network"), "{:?}", test.log());
}

/// An API with `GET /` as a MOCK answering `{"ok": true}`, deployed to `dev`.
async fn mock_api(client: &aws_sdk_apigateway::Client, name: &str, lab: Option<&str>) -> String {
    let mut create = client.create_rest_api().name(name);
    if let Some(lab) = lab {
        create = create.tags("awslab:lab", lab);
    }
    let created = create.send().await.unwrap();
    let (api, root) =
        (created.id().unwrap().to_string(), created.root_resource_id().unwrap().to_string());
    method(client, &api, &root, "GET").await;
    client
        .put_integration()
        .rest_api_id(&api)
        .resource_id(&root)
        .http_method("GET")
        .r#type(IntegrationType::Mock)
        .send()
        .await
        .unwrap();
    client
        .put_integration_response()
        .rest_api_id(&api)
        .resource_id(&root)
        .http_method("GET")
        .status_code("200")
        .response_templates("application/json", r#"{"ok": true}"#)
        .send()
        .await
        .unwrap();
    client.create_deployment().rest_api_id(&api).stage_name("dev").send().await.unwrap();
    api
}

#[tokio::test]
async fn apis_survive_a_restart_and_follow_resets_and_snapshots() {
    let folder = tempfile::tempdir().unwrap();
    let config =
        EmulatorConfig { data_dir: Some(folder.path().to_path_buf()), ..EmulatorConfig::default() };
    let emulator = lambda::start_with(config.clone()).await;
    let client = apigw::client(&emulator).await;
    let kept = mock_api(&client, "kept", None).await;
    emulator.shutdown().await;

    let emulator = lambda::start_with(config).await;
    let port = emulator.port();
    let client = apigw::client(&emulator).await;
    let answer = invoke(port, &kept, "dev", "GET", "/", b"").await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (200, r#"{"ok": true}"#),
        "the deployed API was saved"
    );

    let token = [common::token(&emulator)];
    let control =
        |method: &'static str, path: &'static str| common::send(port, method, path, &token, b"");
    assert_eq!(control("POST", "/_awslab/snapshots/before-lab").await.status, 201);
    let lab_api = mock_api(&client, "of-the-lab", Some("api-stages-canary")).await;
    let reset = control("POST", "/_awslab/reset?lab=api-stages-canary").await;
    assert_eq!(reset.status, 200);
    assert!(
        reset.body.contains(&format!("arn:aws:apigateway:{REGION}::/restapis/{lab_api}")),
        "{}",
        reset.body
    );
    assert_eq!(invoke(port, &lab_api, "dev", "GET", "/", b"").await.status, 403);
    assert_eq!(invoke(port, &kept, "dev", "GET", "/", b"").await.status, 200, "other APIs stay");

    let later = mock_api(&client, "later", None).await;
    assert_eq!(control("POST", "/_awslab/snapshots/before-lab/restore").await.status, 200);
    assert!(client.get_rest_api().rest_api_id(&later).send().await.is_err(), "restored to before");
    assert!(client.get_rest_api().rest_api_id(&kept).send().await.is_ok());
    assert_eq!(control("POST", "/_awslab/reset").await.status, 200);
    assert!(client.get_rest_apis().send().await.unwrap().items().is_empty());
}
