//! Lambda authorizers with the official SDK and plain HTTP: the control plane (create, read,
//! update, delete, and what `PutMethod`/`UpdateMethod` and `DeleteAuthorizer` refuse), every
//! answer of an invoke URL behind a `TOKEN` or `REQUEST` authorizer (401, 403 twice, 500, 200
//! with the context in the proxy event), the result cache on the emulator's clock (and its
//! pitfall: a cached policy naming one method denies another), the redeploy an authorizer
//! change needs, and `TestInvokeAuthorizer`.

#[path = "common/apigateway.rs"]
mod apigw;
mod common;

use apigw::{REGION, call, lambda_integration, permit, resource, rest_api, source_arn};
use aws_sdk_apigateway::Client;
use aws_sdk_apigateway::types::{AuthorizerType, IntegrationType, Op, PatchOperation};
use awslab_emulator::Emulator;
use common::alarms::advance;
use common::failure;
use common::lambda::{self, python_function};
use serde_json::{Value, json};

/// Answers by token (TOKEN) or by the `X-User` header and `tenant` query string (REQUEST).
const AUTHORIZER: &str = r#"import json

def policy(effect, resource, principal="user-123", context=None):
    answer = {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
    }
    if context is not None:
        answer["context"] = context
    return answer

def lambda_handler(event, context):
    arn = event["methodArn"]
    if event["type"] == "REQUEST":
        tenant = event["queryStringParameters"]["tenant"]
        extra = {"tenant": tenant, "type": event["type"], "resource": event["resource"]}
        return policy("Allow", arn, event["headers"]["X-User"], extra)
    token = event["authorizationToken"]
    if token == "allow":
        return policy("Allow", arn, context={"user": "alice", "level": 3, "admin": True})
    if token == "deny":
        return policy("Deny", arn)
    if token == "elsewhere":
        return policy("Allow", arn.rsplit("/", 2)[0] + "/POST/elsewhere")
    if token == "unauthorized":
        raise Exception("Unauthorized")
    if token == "broken":
        raise Exception("something broke")
    if token == "malformed":
        return {"principalId": "user-123"}
    if token == "nested":
        return policy("Allow", arn, context={"user": {"name": "alice"}})
    if token == "keyed":
        answer = policy("Allow", arn)
        answer["usageIdentifierKey"] = "partner-key-0123456789abcdef"
        return answer
    return policy("Deny", arn)
"#;

const BACKEND: &str = r#"import json

def lambda_handler(event, context):
    body = {"authorizer": event["requestContext"].get("authorizer"), "path": event["path"]}
    return {"statusCode": 200, "body": json.dumps(body)}
"#;

fn uri(function: &str) -> String {
    apigw::lambda_uri(function)
}

fn authorizers_arn(api: &str) -> String {
    format!("arn:aws:execute-api:{REGION}:000000000000:{api}/authorizers/*")
}

fn replace(path: &str, value: &str) -> PatchOperation {
    PatchOperation::builder().op(Op::Replace).path(path).value(value).build()
}

async fn token_authorizer(client: &Client, api: &str, name: &str, function: &str) -> String {
    let created = client
        .create_authorizer()
        .rest_api_id(api)
        .name(name)
        .r#type(AuthorizerType::Token)
        .authorizer_uri(uri(function))
        .identity_source("method.request.header.Authorization")
        .send()
        .await
        .expect("the authorizer");
    created.id().expect("an id").to_string()
}

/// A GET method behind `authorizer`, integrated with the backend by proxy.
async fn guarded(client: &Client, api: &str, parent: &str, part: &str, authorizer: &str) {
    let id = resource(client, api, parent, part).await;
    client
        .put_method()
        .rest_api_id(api)
        .resource_id(&id)
        .http_method("GET")
        .authorization_type("CUSTOM")
        .authorizer_id(authorizer)
        .send()
        .await
        .expect("the method");
    lambda_integration(client, api, &id, "GET", IntegrationType::AwsProxy, "backend").await;
}

async fn get(
    emulator: &Emulator,
    api: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> apigw::Answer {
    let port = emulator.port();
    let url = format!("/restapis/{api}/dev/_user_request_{path}");
    call(port, &format!("127.0.0.1:{port}"), "GET", &url, headers, b"").await
}

/// How many times a function has run, from the `START` lines of its log group.
async fn runs(emulator: &Emulator, function: &str) -> usize {
    let logs = common::logs::client(emulator).await;
    let found =
        logs.filter_log_events().log_group_name(format!("/aws/lambda/{function}")).send().await;
    let Ok(found) = found else { return 0 };
    (found.events().iter())
        .filter(|event| event.message().is_some_and(|m| m.starts_with("START RequestId")))
        .count()
}

fn assert_refused(answer: &apigw::Answer, status: u16, error_type: &str, body: &str) {
    assert_eq!((answer.status, answer.body.as_str()), (status, body), "{error_type}");
    assert_eq!(answer.header("x-amzn-ErrorType"), Some(error_type));
}

#[tokio::test(flavor = "multi_thread")]
async fn authorizers_are_created_read_updated_and_deleted_as_aws_does() {
    let emulator = lambda::start().await;
    let client = apigw::client(&emulator).await;
    let (api, root) = rest_api(&client, "authorizers").await;
    let missing = client
        .create_authorizer()
        .rest_api_id("nosuchapi1")
        .name("a")
        .r#type(AuthorizerType::Token)
        .authorizer_uri(uri("auth"))
        .identity_source("method.request.header.Authorization")
        .send()
        .await;
    assert_eq!(
        failure(missing.unwrap_err()),
        (
            "ConflictException".into(),
            "Unable to complete operation due to concurrent modification. Please try again later."
                .into(),
            409
        )
    );
    let bad_source = client
        .create_authorizer()
        .rest_api_id(&api)
        .name("a")
        .r#type(AuthorizerType::Token)
        .authorizer_uri(uri("auth"))
        .identity_source("method.request.querystring.key")
        .send()
        .await;
    let (code, message, status) = failure(bad_source.unwrap_err());
    assert_eq!((code.as_str(), status), ("BadRequestException", 400));
    assert_eq!(
        message,
        "Invalid token source expression: method.request.querystring.key. The source must be a \
         method request header, matching 'method.request.header.[a-zA-Z0-9._-]+'."
    );

    let id = token_authorizer(&client, &api, "token-auth", "auth").await;
    let shown = client.get_authorizer().rest_api_id(&api).authorizer_id(&id).send().await.unwrap();
    assert_eq!(shown.name(), Some("token-auth"));
    assert_eq!(shown.auth_type(), Some("custom"));
    assert_eq!(shown.authorizer_result_ttl_in_seconds(), None, "AWS shows only a given TTL");
    let request = client
        .create_authorizer()
        .rest_api_id(&api)
        .name("request-auth")
        .r#type(AuthorizerType::Request)
        .authorizer_uri(uri("auth"))
        .identity_source("method.request.header.X-User, method.request.querystring.tenant")
        .authorizer_result_ttl_in_seconds(0)
        .send()
        .await
        .expect("a REQUEST authorizer");
    let listed = client.get_authorizers().rest_api_id(&api).send().await.unwrap();
    let names: Vec<_> = listed.items().iter().filter_map(|a| a.name()).collect();
    assert_eq!(names, ["token-auth", "request-auth"]);

    let updated = client
        .update_authorizer()
        .rest_api_id(&api)
        .authorizer_id(&id)
        .patch_operations(replace("/authorizerResultTtlInSeconds", "60"))
        .patch_operations(replace("/name", "renamed"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (updated.name(), updated.authorizer_result_ttl_in_seconds()),
        (Some("renamed"), Some(60))
    );
    let too_long = client
        .update_authorizer()
        .rest_api_id(&api)
        .authorizer_id(&id)
        .patch_operations(replace("/authorizerResultTtlInSeconds", "3601"))
        .send()
        .await;
    assert_eq!(failure(too_long.unwrap_err()).2, 400);

    let refused = client
        .put_method()
        .rest_api_id(&api)
        .resource_id(&root)
        .http_method("GET")
        .authorization_type("CUSTOM")
        .authorizer_id("nosuch")
        .send()
        .await;
    assert_eq!(
        failure(refused.unwrap_err()).1,
        "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or \
         COGNITO_USER_POOLS requires a valid authorizer."
    );
    let pets = resource(&client, &api, &root, "pets").await;
    let method = client
        .put_method()
        .rest_api_id(&api)
        .resource_id(&pets)
        .http_method("GET")
        .authorization_type("CUSTOM")
        .authorizer_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(method.authorizer_id(), Some(id.as_str()));
    let in_use = client.delete_authorizer().rest_api_id(&api).authorizer_id(&id).send().await;
    assert_eq!(
        failure(in_use.unwrap_err()),
        (
            "ConflictException".into(),
            "Cannot delete authorizer 'renamed', is referenced in method: GET//pets".into(),
            409
        )
    );
    let opened = client
        .update_method()
        .rest_api_id(&api)
        .resource_id(&pets)
        .http_method("GET")
        .patch_operations(replace("/authorizationType", "NONE"))
        .send()
        .await
        .unwrap();
    assert_eq!(opened.authorizer_id(), None, "AWS keeps no authorizer for NONE");
    client.delete_authorizer().rest_api_id(&api).authorizer_id(&id).send().await.unwrap();
    let gone = client.get_authorizer().rest_api_id(&api).authorizer_id(&id).send().await;
    assert_eq!(
        failure(gone.unwrap_err()),
        ("NotFoundException".into(), "Invalid Authorizer identifier specified".into(), 404)
    );
    let request_id = request.id().unwrap();
    client.delete_authorizer().rest_api_id(&api).authorizer_id(request_id).send().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invoke_url_answers_every_authorizer_outcome_as_aws_does() {
    let emulator = lambda::start().await;
    let (functions, client) = (lambda::client(&emulator).await, apigw::client(&emulator).await);
    let role = lambda::role(&emulator, "authorizers-role", None).await;
    for name in ["token-authorizer", "cached-authorizer", "unpermitted-authorizer"] {
        python_function(&functions, name, &role, AUTHORIZER).await;
    }
    python_function(&functions, "backend", &role, BACKEND).await;
    let (api, root) = rest_api(&client, "guarded").await;
    permit(&functions, "backend", "any-method", &source_arn(&api, "*", "*")).await;
    permit(&functions, "token-authorizer", "authorizers", &authorizers_arn(&api)).await;
    permit(&functions, "cached-authorizer", "authorizers", &authorizers_arn(&api)).await;

    let token = token_authorizer(&client, &api, "token", "token-authorizer").await;
    client
        .update_authorizer()
        .rest_api_id(&api)
        .authorizer_id(&token)
        .patch_operations(replace("/authorizerResultTtlInSeconds", "0"))
        .patch_operations(replace("/identityValidationExpression", "^[a-z-]+$"))
        .send()
        .await
        .unwrap();
    let cached = token_authorizer(&client, &api, "cached", "cached-authorizer").await;
    let unpermitted =
        token_authorizer(&client, &api, "unpermitted", "unpermitted-authorizer").await;
    let request = client
        .create_authorizer()
        .rest_api_id(&api)
        .name("request")
        .r#type(AuthorizerType::Request)
        .authorizer_uri(uri("token-authorizer"))
        .identity_source("method.request.header.X-User, method.request.querystring.tenant")
        .authorizer_result_ttl_in_seconds(0)
        .send()
        .await
        .unwrap();
    guarded(&client, &api, &root, "pets", &token).await;
    guarded(&client, &api, &root, "cached", &cached).await;
    guarded(&client, &api, &root, "cached-other", &cached).await;
    guarded(&client, &api, &root, "config", &unpermitted).await;
    guarded(&client, &api, &root, "req", request.id().unwrap()).await;
    client.create_deployment().rest_api_id(&api).stage_name("dev").send().await.unwrap();

    let unauthorized = r#"{"message":"Unauthorized"}"#;
    let missing = get(&emulator, &api, "/pets", &[]).await;
    assert_refused(&missing, 401, "UnauthorizedException", unauthorized);
    let invalid = get(&emulator, &api, "/pets", &[("Authorization", "Not Valid!")]).await;
    assert_refused(&invalid, 401, "UnauthorizedException", unauthorized);
    assert_eq!(runs(&emulator, "token-authorizer").await, 0, "no identity, no invocation");
    let raised = get(&emulator, &api, "/pets", &[("Authorization", "unauthorized")]).await;
    assert_refused(&raised, 401, "UnauthorizedException", unauthorized);
    assert_eq!(runs(&emulator, "token-authorizer").await, 1);

    let denied = get(&emulator, &api, "/pets", &[("Authorization", "deny")]).await;
    let explicit =
        r#"{"Message":"User is not authorized to access this resource with an explicit deny"}"#;
    assert_refused(&denied, 403, "AccessDeniedException", explicit);
    let elsewhere = get(&emulator, &api, "/pets", &[("Authorization", "elsewhere")]).await;
    let not_allowed = r#"{"Message":"User is not authorized to access this resource"}"#;
    assert_refused(&elsewhere, 403, "AccessDeniedException", not_allowed);

    let allowed = get(&emulator, &api, "/pets", &[("Authorization", "allow")]).await;
    assert_eq!(allowed.status, 200, "{}", allowed.body);
    let mut seen = allowed.json()["authorizer"].clone();
    assert!(seen["integrationLatency"].is_u64(), "{seen}");
    seen.as_object_mut().map(|seen| seen.remove("integrationLatency"));
    assert_eq!(
        seen,
        json!({"principalId": "user-123", "user": "alice", "level": "3", "admin": "true"})
    );

    let config_error = r#"{"message":null}"#;
    for broken in ["broken", "malformed", "nested"] {
        let answer = get(&emulator, &api, "/pets", &[("Authorization", broken)]).await;
        assert_refused(&answer, 500, "AuthorizerConfigurationException", config_error);
    }
    let unpermitted = get(&emulator, &api, "/config", &[("Authorization", "allow")]).await;
    assert_refused(&unpermitted, 500, "AuthorizerConfigurationException", config_error);

    let no_tenant = get(&emulator, &api, "/req", &[("X-User", "bob")]).await;
    assert_refused(&no_tenant, 401, "UnauthorizedException", unauthorized);
    let by_request = get(&emulator, &api, "/req?tenant=acme", &[("X-User", "bob")]).await;
    assert_eq!(by_request.status, 200, "{}", by_request.body);
    assert_eq!(
        by_request.json()["authorizer"],
        json!({"principalId": "bob", "tenant": "acme", "type": "REQUEST", "resource": "/req"})
    );

    // The cache: one invocation serves the TTL, and its policy (naming /cached only) is
    // evaluated again for /cached-other, which it denies without a new invocation.
    let allow = [("Authorization", "allow")];
    for _ in 0..2 {
        assert_eq!(get(&emulator, &api, "/cached", &allow).await.status, 200);
    }
    assert_eq!(runs(&emulator, "cached-authorizer").await, 1, "the second came from the cache");
    let other = get(&emulator, &api, "/cached-other", &allow).await;
    assert_refused(&other, 403, "AccessDeniedException", not_allowed);
    assert_eq!(runs(&emulator, "cached-authorizer").await, 1);
    advance(&emulator, 301).await;
    assert_eq!(get(&emulator, &api, "/cached", &allow).await.status, 200);
    assert_eq!(runs(&emulator, "cached-authorizer").await, 2, "the TTL of 300 s has passed");

    // TestInvokeMethod skips the authorizer, as AWS's does.
    let pets = client.get_resources().rest_api_id(&api).send().await.unwrap();
    let pets = pets.items().iter().find(|r| r.path() == Some("/pets")).and_then(|r| r.id());
    let tested = client
        .test_invoke_method()
        .rest_api_id(&api)
        .resource_id(pets.unwrap())
        .http_method("GET")
        .send()
        .await
        .unwrap();
    assert_eq!(tested.status(), 200, "{:?}", tested.log());

    // A change to an authorizer reaches the stage with the next deployment.
    client
        .update_authorizer()
        .rest_api_id(&api)
        .authorizer_id(&token)
        .patch_operations(replace("/identityValidationExpression", "^x$"))
        .send()
        .await
        .unwrap();
    let before = get(&emulator, &api, "/pets", &[("Authorization", "allow")]).await;
    assert_eq!(before.status, 200, "the deployed authorizer has not changed");
    client.create_deployment().rest_api_id(&api).stage_name("dev").send().await.unwrap();
    let after = get(&emulator, &api, "/pets", &[("Authorization", "allow")]).await;
    assert_refused(&after, 401, "UnauthorizedException", unauthorized);
}

#[tokio::test(flavor = "multi_thread")]
async fn test_invoke_authorizer_runs_the_function_and_shows_the_log() {
    let emulator = lambda::start().await;
    let (functions, client) = (lambda::client(&emulator).await, apigw::client(&emulator).await);
    let role = lambda::role(&emulator, "test-authorizer-role", None).await;
    python_function(&functions, "token-authorizer", &role, AUTHORIZER).await;
    let (api, _) = rest_api(&client, "tested").await;
    permit(&functions, "token-authorizer", "authorizers", &authorizers_arn(&api)).await;
    let id = token_authorizer(&client, &api, "token", "token-authorizer").await;
    let test = |token: Option<&'static str>| {
        let request = client.test_invoke_authorizer().rest_api_id(&api).authorizer_id(&id);
        match token {
            Some(token) => request.headers("Authorization", token),
            None => request,
        }
        .send()
    };

    let allowed = test(Some("allow")).await.unwrap();
    assert_eq!(allowed.client_status(), 0);
    assert_eq!(allowed.principal_id(), Some("user-123"));
    let policy: Value = serde_json::from_str(allowed.policy().unwrap()).unwrap();
    let arn = format!("arn:aws:execute-api:{REGION}:000000000000:{api}/ESTestInvoke-stage/GET/");
    assert_eq!(policy["Statement"][0]["Resource"], arn.as_str());
    let log = allowed.log().unwrap();
    for line in [
        format!("Starting authorizer: {id} for request: "),
        "Incoming identity: allow".to_string(),
        format!(
            "X-Amz-Source-Arn=arn:aws:execute-api:{REGION}:000000000000:{api}/authorizers/{id}"
        ),
        "Authorizer result body before parsing: ".to_string(),
        "Using valid authorizer policy for principal: **er-123".to_string(),
        "Successfully completed authorizer execution".to_string(),
    ] {
        assert!(log.contains(&line), "{line} not in\n{log}");
    }

    let broken = test(Some("broken")).await.unwrap();
    assert_eq!(broken.client_status(), 500);
    let log = broken.log().unwrap();
    assert!(log.contains("Unrecognized field \"errorMessage\""), "{log}");
    assert!(log.trim_end().ends_with("AuthorizerConfigurationException"), "{log}");
    let missing = test(None).await.unwrap();
    assert_eq!(missing.client_status(), 401);
    assert_eq!(missing.principal_id(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_authorizer_runs_before_the_api_key_check_and_can_supply_the_key() {
    let emulator = lambda::start().await;
    let (functions, client) = (lambda::client(&emulator).await, apigw::client(&emulator).await);
    let role = lambda::role(&emulator, "keyed-role", None).await;
    python_function(&functions, "keyed-authorizer", &role, AUTHORIZER).await;
    python_function(&functions, "backend", &role, BACKEND).await;
    let (api, root) = rest_api(&client, "keyed").await;
    permit(&functions, "backend", "any-method", &source_arn(&api, "*", "*")).await;
    permit(&functions, "keyed-authorizer", "authorizers", &authorizers_arn(&api)).await;
    let authorizer = token_authorizer(&client, &api, "token", "keyed-authorizer").await;
    let pets = resource(&client, &api, &root, "pets").await;
    (client.put_method().rest_api_id(&api).resource_id(&pets).http_method("GET"))
        .authorization_type("CUSTOM")
        .authorizer_id(&authorizer)
        .api_key_required(true)
        .send()
        .await
        .expect("the method");
    lambda_integration(&client, &api, &pets, "GET", IntegrationType::AwsProxy, "backend").await;
    client.create_deployment().rest_api_id(&api).stage_name("dev").send().await.unwrap();
    let key = (client.create_api_key().name("partner").enabled(true))
        .value("partner-key-0123456789abcdef")
        .send()
        .await
        .unwrap();
    let stage = aws_sdk_apigateway::types::ApiStage::builder().api_id(&api).stage("dev").build();
    let plan = client.create_usage_plan().name("basic").api_stages(stage).send().await.unwrap();
    (client.create_usage_plan_key().usage_plan_id(plan.id().unwrap()))
        .key_id(key.id().unwrap())
        .key_type("API_KEY")
        .send()
        .await
        .unwrap();

    // No token and no key: the authorizer refuses first.
    let neither = get(&emulator, &api, "/pets", &[]).await;
    assert_refused(&neither, 401, "UnauthorizedException", r#"{"message":"Unauthorized"}"#);
    // Authorized, but no key: the key check refuses.
    let no_key = get(&emulator, &api, "/pets", &[("Authorization", "allow")]).await;
    assert_refused(&no_key, 403, "ForbiddenException", r#"{"message":"Forbidden"}"#);
    let both = [("Authorization", "allow"), ("x-api-key", "partner-key-0123456789abcdef")];
    assert_eq!(get(&emulator, &api, "/pets", &both).await.status, 200);

    // With the key source AUTHORIZER, the authorizer's usageIdentifierKey is the key.
    (client.update_rest_api().rest_api_id(&api))
        .patch_operations(replace("/apiKeySource", "AUTHORIZER"))
        .send()
        .await
        .unwrap();
    client.create_deployment().rest_api_id(&api).stage_name("dev").send().await.unwrap();
    let keyed = get(&emulator, &api, "/pets", &[("Authorization", "keyed")]).await;
    assert_eq!(keyed.status, 200, "{}", keyed.body);
    let unkeyed = get(&emulator, &api, "/pets", &[("Authorization", "allow")]).await;
    assert_refused(&unkeyed, 403, "ForbiddenException", r#"{"message":"Forbidden"}"#);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mapping_template_reads_the_authorizers_principal_and_context() {
    let emulator = lambda::start().await;
    let (functions, client) = (lambda::client(&emulator).await, apigw::client(&emulator).await);
    let role = lambda::role(&emulator, "mapped-role", None).await;
    python_function(&functions, "mapped-authorizer", &role, AUTHORIZER).await;
    let echo = "def lambda_handler(event, context):\n    return event\n";
    python_function(&functions, "echo", &role, echo).await;
    let (api, root) = rest_api(&client, "mapped").await;
    permit(&functions, "echo", "any-method", &source_arn(&api, "*", "*")).await;
    permit(&functions, "mapped-authorizer", "authorizers", &authorizers_arn(&api)).await;
    let authorizer = token_authorizer(&client, &api, "token", "mapped-authorizer").await;
    let pets = resource(&client, &api, &root, "pets").await;
    (client.put_method().rest_api_id(&api).resource_id(&pets).http_method("GET"))
        .authorization_type("CUSTOM")
        .authorizer_id(&authorizer)
        .send()
        .await
        .expect("the method");
    let template = r#"{"user": "$context.authorizer.user", "principal": "$context.authorizer.principalId", "level": "${context.authorizer.level}"}"#;
    (client.put_integration().rest_api_id(&api).resource_id(&pets).http_method("GET"))
        .r#type(IntegrationType::Aws)
        .integration_http_method("POST")
        .uri(uri("echo"))
        .request_templates("application/json", template)
        .send()
        .await
        .expect("the integration");
    (client.put_method_response().rest_api_id(&api).resource_id(&pets).http_method("GET"))
        .status_code("200")
        .send()
        .await
        .expect("the method response");
    (client.put_integration_response().rest_api_id(&api).resource_id(&pets).http_method("GET"))
        .status_code("200")
        .selection_pattern("")
        .send()
        .await
        .expect("the integration response");
    client.create_deployment().rest_api_id(&api).stage_name("dev").send().await.unwrap();

    let answer = get(&emulator, &api, "/pets", &[("Authorization", "allow")]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let event: Value = serde_json::from_str(&answer.body).expect("the echoed event");
    assert_eq!(event, json!({ "user": "alice", "principal": "user-123", "level": "3" }));
}
