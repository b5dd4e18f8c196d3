//! The two API Gateway labs end to end, with aws-sdk-rust and plain HTTP to the invoke URLs:
//! `serverless-api` (a non-proxy Lambda integration that writes to DynamoDB, tested through
//! `TestInvokeMethod` and through a deployed stage) and `api-stages-canary` (Lambda proxy
//! integrations, `403 Missing Authentication Token`, stage variables choosing aliases, the
//! per-alias permission, a 50% canary and its promotion, deployments as snapshots).

#[path = "common/apigateway.rs"]
mod apigw;
mod common;

use apigw::{
    REGION, call, invoke, lambda_integration, lambda_uri, method, permit, resource, rest_api,
    source_arn,
};
use aws_sdk_apigateway::types::{DeploymentCanarySettings, IntegrationType, Op, PatchOperation};
use common::lambda::{self, python_function, zip};
use serde_json::json;

const PUT_ITEM_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*"}]}"#;

/// The `serverless-api` lab's handler, as the solution completes it.
const ADD_CUSTOMER: &str = r#"import boto3

table = boto3.resource("dynamodb").Table("customers")


def lambda_handler(event, context):
    table.put_item(Item=event)
    return {"code": 200, "message": "Data Successfully Inserted!"}
"#;

const HANDOUT_BODY: &str = r#"{
    "customer_id": "1230AWS",
    "customer_name": "KilDong",
    "product_name": "labtop",
    "price": 990000
}"#;

/// `lambda-api-gateway-proxy-root-get` as notes 002 write it, with a version marker.
fn root_get(marker: &str) -> String {
    format!(
        r#"import json

def lambda_handler(event, context):
    print(event)
    body = "Hello from Lambda! {marker}"
    statusCode = 200
    return {{
        "statusCode": statusCode,
        "body": json.dumps(body),
        "headers": {{
            "Content-Type": "application/json"
        }}
    }}
"#
    )
}

/// `lambda-api-gateway-proxy-houses-get`, answering with the event it got (to check its shape).
const HOUSES_GET: &str = r#"import json

def lambda_handler(event, context):
    return {"statusCode": 200, "body": json.dumps(event), "headers": {"Content-Type": "application/json"}}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn serverless_api_posts_the_handout_body_through_a_non_proxy_lambda_integration() {
    let emulator = lambda::start().await;
    let sdk = common::sdk_config(&emulator, REGION).await;
    let (iam, dynamodb) = (aws_sdk_iam::Client::new(&sdk), aws_sdk_dynamodb::Client::new(&sdk));
    let (functions, client) = (lambda::client(&emulator).await, apigw::client(&emulator).await);

    let policy = iam
        .create_policy()
        .policy_name("aws-lab-dynamodb-putitem-policy")
        .policy_document(PUT_ITEM_POLICY)
        .send()
        .await
        .expect("the policy");
    let role = lambda::role(&emulator, "aws-lab-dynamodb-role", None).await;
    iam.attach_role_policy()
        .role_name("aws-lab-dynamodb-role")
        .policy_arn(policy.policy().unwrap().arn().unwrap())
        .send()
        .await
        .expect("the attachment");
    common::create_table(&dynamodb, "customers", "customer_id").send().await.expect("the table");
    python_function(&functions, "addCustomer", &role, ADD_CUSTOMER).await;

    let (api, root) = rest_api(&client, "customer-api").await;
    let customer = resource(&client, &api, &root, "customer").await;
    method(&client, &api, &customer, "POST").await;
    lambda_integration(&client, &api, &customer, "POST", IntegrationType::Aws, "addCustomer").await;
    client
        .put_method_response()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .status_code("200")
        .response_models("application/json", "Empty")
        .send()
        .await
        .unwrap();
    client
        .put_integration_response()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .status_code("200")
        .send()
        .await
        .unwrap();
    let test = || {
        client
            .test_invoke_method()
            .rest_api_id(&api)
            .resource_id(&customer)
            .http_method("POST")
            .path_with_query_string("/customer")
            .body(HANDOUT_BODY)
    };

    let denied = test().send().await.expect("TestInvokeMethod");
    assert_eq!(denied.status(), 500);
    assert_eq!(denied.body(), Some(r#"{"message":"Internal server error"}"#));
    let log = denied.log().unwrap();
    assert!(log.contains(" : Execution failed due to configuration error: Invalid permissions on Lambda function\n"), "{log}");
    assert!(log.contains(" : Method completed with status: 500\n"), "{log}");

    permit(
        &functions,
        "addCustomer",
        "apigateway-customer",
        &source_arn(&api, "POST", "/customer"),
    )
    .await;
    let tested = test().send().await.expect("TestInvokeMethod");
    assert_eq!(tested.status(), 200, "{:?}", tested.log());
    let body: serde_json::Value = serde_json::from_str(tested.body().unwrap()).unwrap();
    assert_eq!(body, json!({"code": 200, "message": "Data Successfully Inserted!"}));
    assert_eq!(tested.headers().unwrap()["Content-Type"], "application/json");
    let log = tested.log().unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines[0].starts_with("Execution log for request "), "{log}");
    let request_id = lines[0].trim_start_matches("Execution log for request ");
    // Each step starts with its date (`Tue Sep 05 07:46:16 UTC 2023 : `); bodies may span lines.
    let steps: Vec<&str> = (lines[1..].iter())
        .filter(|line| line.get(20..24) == Some("UTC "))
        .map(|line| line.split_once(" : ").unwrap().1)
        .collect();
    assert_eq!(steps[0], format!("Starting execution for request: {request_id}"));
    assert_eq!(
        &steps[1..5],
        [
            "HTTP Method: POST, Resource Path: /customer",
            "Method request path: {}",
            "Method request query string: {}",
            "Method request headers: {}"
        ]
    );
    assert!(steps[5].starts_with("Method request body before transformations: {"), "{log}");
    let uri = format!(
        "Endpoint request URI: https://lambda.{REGION}.amazonaws.com/2015-03-31/functions/arn:aws:lambda:{REGION}:000000000000:function:addCustomer/invocations"
    );
    assert!(steps.contains(&uri.as_str()), "{log}");
    assert!(steps.contains(&r#"Endpoint response body before transformations: {"code": 200, "message": "Data Successfully Inserted!"}"#), "{log}");
    assert_eq!(
        steps[steps.len() - 2..],
        ["Successfully completed execution", "Method completed with status: 200"]
    );
    let stamp = lines[1].split(" : ").next().unwrap();
    let year = time::OffsetDateTime::now_utc().year().to_string();
    assert!(stamp.len() == 28 && stamp.contains(" UTC ") && stamp.ends_with(&year), "{stamp}");

    let item = |id: &'static str| {
        dynamodb
            .get_item()
            .table_name("customers")
            .key("customer_id", aws_sdk_dynamodb::types::AttributeValue::S(id.into()))
            .send()
    };
    let stored = item("1230AWS").await.unwrap().item.expect("the handler put the item");
    assert_eq!(stored["price"].as_n().unwrap(), "990000");

    client
        .create_deployment()
        .rest_api_id(&api)
        .stage_name("prod")
        .send()
        .await
        .expect("the deployment");
    let answer = invoke(
        emulator.port(),
        &api,
        "prod",
        "POST",
        "/customer",
        br#"{"customer_id": "2000AWS", "price": 1}"#,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json(), json!({"code": 200, "message": "Data Successfully Inserted!"}));
    assert!(answer.header("x-amzn-RequestId").is_some());
    assert!(item("2000AWS").await.unwrap().item.is_some(), "the invoke URL ran the function");
    let wrong = invoke(emulator.port(), &api, "prod", "GET", "/customer", b"").await;
    assert_eq!(
        (wrong.status, wrong.body.as_str()),
        (403, r#"{"message":"Missing Authentication Token"}"#)
    );
}

fn patch(op: Op, path: &str, value: &str) -> PatchOperation {
    PatchOperation::builder().op(op).path(path).value(value).build()
}

async fn publish(functions: &aws_sdk_lambda::Client, name: &str, source: &str) {
    functions
        .update_function_code()
        .function_name(name)
        .zip_file(zip(&[("lambda_function.py", source)]))
        .send()
        .await
        .expect("the code");
    functions.publish_version().function_name(name).send().await.expect("the version");
}

#[tokio::test(flavor = "multi_thread")]
async fn api_stages_canary_runs_stages_aliases_a_canary_and_its_promotion() {
    let emulator = lambda::start().await;
    let port = emulator.port();
    let (functions, client) = (lambda::client(&emulator).await, apigw::client(&emulator).await);
    let role = lambda::role(&emulator, "lambda-basic-role", None).await;
    let root_fn = "lambda-api-gateway-proxy-root-get";
    python_function(&functions, root_fn, &role, &root_get("v1")).await;
    functions.publish_version().function_name(root_fn).send().await.expect("version 1");
    publish(&functions, root_fn, &root_get("v2")).await;
    let latest = root_get("latest");
    functions
        .update_function_code()
        .function_name(root_fn)
        .zip_file(zip(&[("lambda_function.py", &latest)]))
        .send()
        .await
        .unwrap();
    for (alias, version) in [("DEV", "$LATEST"), ("TEST", "2"), ("PROD", "1")] {
        functions
            .create_alias()
            .function_name(root_fn)
            .name(alias)
            .function_version(version)
            .send()
            .await
            .expect("the alias");
    }
    python_function(&functions, "lambda-api-gateway-proxy-houses-get", &role, HOUSES_GET).await;

    let (api, root) = rest_api(&client, "api-stages-canary").await;
    method(&client, &api, &root, "GET").await;
    lambda_integration(&client, &api, &root, "GET", IntegrationType::AwsProxy, root_fn).await;
    permit(&functions, root_fn, "root-get", &source_arn(&api, "GET", "/")).await;
    let houses = resource(&client, &api, &root, "houses").await;
    method(&client, &api, &houses, "GET").await;
    lambda_integration(
        &client,
        &api,
        &houses,
        "GET",
        IntegrationType::AwsProxy,
        "lambda-api-gateway-proxy-houses-get",
    )
    .await;
    permit(
        &functions,
        "lambda-api-gateway-proxy-houses-get",
        "houses-get",
        &source_arn(&api, "GET", "/houses"),
    )
    .await;
    client.create_deployment().rest_api_id(&api).stage_name("dev").send().await.expect("dev");

    let hello = invoke(port, &api, "dev", "GET", "/", b"").await;
    assert_eq!((hello.status, hello.body.as_str()), (200, "\"Hello from Lambda! latest\""));
    assert_eq!(hello.header("Content-Type"), Some("application/json"));
    let event = invoke(port, &api, "dev", "GET", "/houses?city=Seoul&city=Busan", b"").await;
    assert_eq!(event.status, 200, "{}", event.body);
    let event = event.json();
    assert_eq!(
        (event["resource"].as_str(), event["path"].as_str(), event["httpMethod"].as_str()),
        (Some("/houses"), Some("/houses"), Some("GET"))
    );
    assert_eq!(event["queryStringParameters"], json!({"city": "Busan"}));
    assert_eq!(event["multiValueQueryStringParameters"], json!({"city": ["Seoul", "Busan"]}));
    assert_eq!(event["headers"]["User-Agent"], "awslab-tests");
    assert_eq!(event["multiValueHeaders"]["User-Agent"], json!(["awslab-tests"]));
    assert_eq!(
        (event["pathParameters"].clone(), event["body"].clone(), event["isBase64Encoded"].clone()),
        (json!(null), json!(null), json!(false))
    );
    let context = &event["requestContext"];
    assert_eq!(
        (context["stage"].as_str(), context["apiId"].as_str(), context["accountId"].as_str()),
        (Some("dev"), Some(api.as_str()), Some("000000000000"))
    );
    assert_eq!(
        (context["resourcePath"].as_str(), context["path"].as_str()),
        (Some("/houses"), Some("/dev/houses"))
    );
    assert_eq!(context["identity"]["sourceIp"], "127.0.0.1");
    assert!(
        context["requestTimeEpoch"].as_i64().is_some() && context["requestId"].as_str().is_some()
    );

    for (stage, path, method) in
        [("dev", "/wrong", "GET"), ("dev", "/", "POST"), ("nope", "/", "GET")]
    {
        let missing = invoke(port, &api, stage, method, path, b"").await;
        assert_eq!(
            (missing.status, missing.body.as_str()),
            (403, r#"{"message":"Missing Authentication Token"}"#),
            "{stage} {method} {path}"
        );
        assert_eq!(missing.header("x-amzn-ErrorType"), Some("MissingAuthenticationTokenException"));
    }
    let host = format!("{api}.execute-api.localhost:{port}");
    let host_style = call(port, &host, "GET", "/dev/houses", &[], b"").await;
    assert_eq!(host_style.status, 200, "{}", host_style.body);
    assert_eq!(host_style.json()["requestContext"]["domainName"], host.as_str());
    assert_eq!(call(port, &host, "GET", "/dev/wrong", &[], b"").await.status, 403);

    // Stage variables pick the alias; each alias needs its own permission.
    let variables = resource(&client, &api, &root, "stagevariables").await;
    method(&client, &api, &variables, "GET").await;
    let aliased = format!(
        "arn:aws:lambda:{REGION}:000000000000:function:{root_fn}:${{stageVariables.lambdaAlias}}"
    );
    lambda_integration(&client, &api, &variables, "GET", IntegrationType::AwsProxy, &aliased).await;
    let deployment = client
        .create_deployment()
        .rest_api_id(&api)
        .stage_name("dev")
        .variables("lambdaAlias", "DEV")
        .send()
        .await
        .unwrap();
    let deployment = deployment.id().unwrap().to_string();
    for (stage, alias) in [("test", "TEST"), ("prod", "PROD")] {
        client
            .create_stage()
            .rest_api_id(&api)
            .stage_name(stage)
            .deployment_id(&deployment)
            .variables("lambdaAlias", alias)
            .send()
            .await
            .unwrap();
    }
    let refused = invoke(port, &api, "dev", "GET", "/stagevariables", b"").await;
    assert_eq!(
        (refused.status, refused.body.as_str()),
        (500, r#"{"message":"Internal server error"}"#)
    );
    let test = client
        .test_invoke_method()
        .rest_api_id(&api)
        .resource_id(&variables)
        .http_method("GET")
        .stage_variables("lambdaAlias", "PROD")
        .send()
        .await
        .unwrap();
    assert_eq!(test.status(), 500);
    assert!(test.log().unwrap().contains("Invalid permissions on Lambda function"));
    for alias in ["DEV", "TEST", "PROD"] {
        let function = format!("arn:aws:lambda:{REGION}:000000000000:function:{root_fn}:{alias}");
        permit(
            &functions,
            &function,
            "d5bbbf2e-4ece-46e6-806a-9cd233f6296d",
            &source_arn(&api, "GET", "/stagevariables"),
        )
        .await;
    }
    for (stage, marker) in [("dev", "latest"), ("test", "v2"), ("prod", "v1")] {
        let answer = invoke(port, &api, stage, "GET", "/stagevariables", b"").await;
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (200, format!("\"Hello from Lambda! {marker}\"").as_str()),
            "{stage}"
        );
    }
    let test = client
        .test_invoke_method()
        .rest_api_id(&api)
        .resource_id(&variables)
        .http_method("GET")
        .stage_variables("lambdaAlias", "PROD")
        .send()
        .await
        .unwrap();
    assert_eq!((test.status(), test.body()), (200, Some("\"Hello from Lambda! v1\"")));

    // Prod's `GET /` on version 1, then a canary at 50% on version 2.
    for version in ["1", "2"] {
        let function = format!("{root_fn}:{version}");
        permit(&functions, &function, "root-get-version", &source_arn(&api, "GET", "/")).await;
    }
    let set_version = |version: &str| {
        client
            .update_integration()
            .rest_api_id(&api)
            .resource_id(&root)
            .http_method("GET")
            .patch_operations(patch(
                Op::Replace,
                "/uri",
                &lambda_uri(&format!(
                    "arn:aws:lambda:{REGION}:000000000000:function:{root_fn}:{version}"
                )),
            ))
            .send()
    };
    set_version("1").await.expect("GET / on version 1");
    client.create_deployment().rest_api_id(&api).stage_name("prod").send().await.unwrap();
    set_version("2").await.expect("GET / on version 2");
    client
        .create_deployment()
        .rest_api_id(&api)
        .stage_name("prod")
        .canary_settings(DeploymentCanarySettings::builder().percent_traffic(50.0).build())
        .send()
        .await
        .expect("the canary");
    let mut on_v2 = 0;
    for _ in 0..400 {
        let answer = invoke(port, &api, "prod", "GET", "/", b"").await;
        match answer.body.as_str() {
            "\"Hello from Lambda! v2\"" => on_v2 += 1,
            "\"Hello from Lambda! v1\"" => {}
            other => panic!("unexpected answer {} {other}", answer.status),
        }
    }
    assert!((160..=240).contains(&on_v2), "{on_v2} of 400 requests went to the canary");

    client
        .update_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .patch_operations(
            PatchOperation::builder()
                .op(Op::Copy)
                .from("/canarySettings/stageVariableOverrides")
                .path("/variables")
                .build(),
        )
        .patch_operations(
            PatchOperation::builder()
                .op(Op::Copy)
                .from("/canarySettings/deploymentId")
                .path("/deploymentId")
                .build(),
        )
        .patch_operations(PatchOperation::builder().op(Op::Remove).path("/canarySettings").build())
        .send()
        .await
        .expect("the promotion");
    for _ in 0..20 {
        let answer = invoke(port, &api, "prod", "GET", "/", b"").await;
        assert_eq!(answer.body, "\"Hello from Lambda! v2\"");
    }

    // An edit is not live until deployed again; the console's test runs the live method.
    set_version("1").await.unwrap();
    client
        .delete_method()
        .rest_api_id(&api)
        .resource_id(&houses)
        .http_method("GET")
        .send()
        .await
        .unwrap();
    assert_eq!(invoke(port, &api, "prod", "GET", "/", b"").await.body, "\"Hello from Lambda! v2\"");
    assert_eq!(invoke(port, &api, "prod", "GET", "/houses", b"").await.status, 200);
    let live = client
        .test_invoke_method()
        .rest_api_id(&api)
        .resource_id(&root)
        .http_method("GET")
        .send()
        .await
        .unwrap();
    assert_eq!(live.body(), Some("\"Hello from Lambda! v1\""));
    client.create_deployment().rest_api_id(&api).stage_name("prod").send().await.unwrap();
    assert_eq!(invoke(port, &api, "prod", "GET", "/", b"").await.body, "\"Hello from Lambda! v1\"");
    assert_eq!(invoke(port, &api, "prod", "GET", "/houses", b"").await.status, 403);
}
