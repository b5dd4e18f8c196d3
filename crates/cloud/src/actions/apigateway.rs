//! API Gateway actions: create a REST API, a resource (by its parent's path), a method, an
//! integration (to a Lambda function by name, as the console offers it), a deployment, a stage;
//! change stage variables; deploy and promote a canary; test a method; call an invoke URL.

use super::{ActionContext, Params, Recorder};
use crate::apigateway::{call_stage, normalize, resource_by_path};
use crate::call::CallBuilder;
use crate::failure::Failure;
use aws_sdk_apigateway::types::{
    DeploymentCanarySettings, EndpointConfiguration, EndpointType, IntegrationType, Op,
    PatchOperation,
};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The id of the resource at `path`, or a clear failure.
pub(super) async fn resource_id(
    ctx: &ActionContext<'_>,
    api: &str,
    path: &str,
) -> Result<String, Failure> {
    let resource = resource_by_path(ctx.clients, api, path).await?;
    resource.and_then(|r| r.id().map(str::to_string)).ok_or_else(|| {
        Failure::local(
            "apigateway",
            "GetResources",
            "NotFoundException",
            format!("the API {api} has no resource {}", normalize(path)),
        )
    })
}

pub async fn create_rest_api(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let name = params.text("name")?;
    let endpoint = params.text("endpoint_type")?;
    let description = params.optional_text("description")?;
    // API Gateway takes any number of APIs of one name; a lab makes one, once.
    if let Some(reused) = super::taken::existing_api(ctx, name, endpoint).await? {
        recorder.created("apigateway.rest_api", reused["id"].as_str().unwrap_or_default());
        return Ok(reused);
    }
    let mut call = CallBuilder::new("apigateway", "apigateway", "CreateRestApi")
        .text("name", name)
        .json("endpoint-configuration", &json!({ "types": [endpoint] }));
    call = call.optional_text("description", description);
    recorder.call(call);
    let mut request = ctx
        .clients
        .apigateway
        .create_rest_api()
        .name(name)
        .set_description(description.map(str::to_string))
        .endpoint_configuration(
            EndpointConfiguration::builder().types(EndpointType::from(endpoint)).build(),
        );
    for (key, value) in ctx.tags() {
        request = request.tags(key, value);
    }
    let answer = request
        .send()
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "CreateRestApi", error))?;
    if let Some(id) = answer.id() {
        recorder.created("apigateway.rest_api", id);
    }
    Ok(json!({
        "id": answer.id(),
        "name": answer.name(),
        "rootResourceId": answer.root_resource_id(),
    }))
}

pub async fn create_resource(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let api = params.text("rest_api_id")?;
    let parent_path = params.text("parent_path")?;
    let path_part = params.text("path_part")?.trim_matches('/');
    let parent = resource_id(ctx, api, parent_path).await?;
    recorder.call(
        CallBuilder::new("apigateway", "apigateway", "CreateResource")
            .text("rest-api-id", api)
            .text("parent-id", &parent)
            .text("path-part", path_part),
    );
    let answer = ctx
        .clients
        .apigateway
        .create_resource()
        .rest_api_id(api)
        .parent_id(&parent)
        .path_part(path_part)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "CreateResource", error))?;
    Ok(json!({ "id": answer.id(), "path": answer.path() }))
}

pub async fn put_method(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let api = params.text("rest_api_id")?;
    let path = params.text("resource_path")?;
    let method = params.text("http_method")?.to_ascii_uppercase();
    let authorization = params.optional_text("authorization_type")?.unwrap_or("NONE");
    let resource = resource_id(ctx, api, path).await?;
    recorder.call(
        CallBuilder::new("apigateway", "apigateway", "PutMethod")
            .text("rest-api-id", api)
            .text("resource-id", &resource)
            .text("http-method", &method)
            .text("authorization-type", authorization),
    );
    let answer = ctx
        .clients
        .apigateway
        .put_method()
        .rest_api_id(api)
        .resource_id(&resource)
        .http_method(&method)
        .authorization_type(authorization)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "PutMethod", error))?;
    Ok(
        json!({ "httpMethod": answer.http_method(), "authorizationType": answer.authorization_type() }),
    )
}

/// The integration URI of a Lambda function given by name or ARN (which may hold
/// `${stageVariables.name}`).
pub(super) fn lambda_uri(region: &str, account: &str, function: &str) -> String {
    let arn = if function.starts_with("arn:") {
        function.to_string()
    } else {
        format!("arn:aws:lambda:{region}:{account}:function:{function}")
    };
    format!("arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations")
}

pub async fn put_integration(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let api = params.text("rest_api_id")?;
    let path = params.text("resource_path")?;
    let method = params.text("http_method")?.to_ascii_uppercase();
    let kind = params.text("integration_type")?.to_ascii_uppercase();
    let timeout = params.optional_number("timeout_ms")?.map(|t| t as i32);
    let resource = resource_id(ctx, api, path).await?;
    let uri = match (params.optional_text("lambda_function")?, params.optional_text("uri")?) {
        (Some(function), _) => {
            let account = ctx.clients.whoami().await?.account;
            Some(lambda_uri(ctx.clients.region(), &account, function))
        }
        (None, uri) => uri.map(str::to_string),
    };
    let lambda = kind == "AWS" || kind == "AWS_PROXY";
    if params.flag("create_method")? {
        let exists = ctx
            .clients
            .apigateway
            .get_method()
            .rest_api_id(api)
            .resource_id(&resource)
            .http_method(&method)
            .send()
            .await
            .is_ok();
        if !exists {
            recorder.call(
                CallBuilder::new("apigateway", "apigateway", "PutMethod")
                    .text("rest-api-id", api)
                    .text("resource-id", &resource)
                    .text("http-method", &method)
                    .text("authorization-type", "NONE"),
            );
            ctx.clients
                .apigateway
                .put_method()
                .rest_api_id(api)
                .resource_id(&resource)
                .http_method(&method)
                .authorization_type("NONE")
                .send()
                .await
                .map_err(|error| Failure::from_sdk("apigateway", "PutMethod", error))?;
        }
    }
    let mut call = CallBuilder::new("apigateway", "apigateway", "PutIntegration")
        .text("rest-api-id", api)
        .text("resource-id", &resource)
        .text("http-method", &method)
        .text("type", &kind);
    if lambda {
        call = call.text("integration-http-method", "POST");
    }
    if let Some(uri) = &uri {
        call = call.text("uri", uri);
    }
    if let Some(timeout) = timeout {
        call = call.number("timeout-in-millis", timeout);
    }
    if kind == "MOCK" {
        call =
            call.json("request-templates", &json!({ "application/json": "{\"statusCode\": 200}" }));
    }
    recorder.call(call);
    let mut request = ctx
        .clients
        .apigateway
        .put_integration()
        .rest_api_id(api)
        .resource_id(&resource)
        .http_method(&method)
        .r#type(IntegrationType::from(kind.as_str()))
        .set_uri(uri.clone())
        .set_timeout_in_millis(timeout);
    if lambda {
        request = request.integration_http_method("POST");
    }
    if kind == "MOCK" {
        request = request.request_templates("application/json", "{\"statusCode\": 200}");
    }
    let answer = request
        .send()
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "PutIntegration", error))?;
    if params.flag("add_permission")? {
        let function = params.optional_text("lambda_function")?.ok_or_else(|| {
            Failure::local(
                "apigateway",
                "PutIntegration",
                "InvalidParameter",
                "add_permission needs lambda_function",
            )
        })?;
        let account = ctx.clients.whoami().await?.account;
        let resource_path = normalize(path);
        let source_arn = format!(
            "arn:aws:execute-api:{}:{account}:{api}/*/{method}{resource_path}",
            ctx.clients.region()
        );
        let statement_id = format!(
            "apigateway-{}-{}",
            method.to_ascii_lowercase(),
            resource_path.trim_matches('/').replace(['/', '{', '}', '+'], "-")
        );
        let statement_id = statement_id.trim_end_matches('-').to_string();
        let grant = super::lambda::Grant {
            function,
            qualifier: None,
            statement_id: &statement_id,
            action: "lambda:InvokeFunction",
            principal: "apigateway.amazonaws.com",
            source_arn: Some(&source_arn),
        };
        super::lambda::add_permission_once(ctx, recorder, &grant).await?;
    }
    // As the console does for a non-proxy integration: a 200 method response and the default
    // integration response that maps to it.
    if kind == "AWS" || kind == "MOCK" {
        recorder.call(
            CallBuilder::new("apigateway", "apigateway", "PutMethodResponse")
                .text("rest-api-id", api)
                .text("resource-id", &resource)
                .text("http-method", &method)
                .text("status-code", "200")
                .json("response-models", &json!({ "application/json": "Empty" })),
        );
        ctx.clients
            .apigateway
            .put_method_response()
            .rest_api_id(api)
            .resource_id(&resource)
            .http_method(&method)
            .status_code("200")
            .response_models("application/json", "Empty")
            .send()
            .await
            .map_err(|error| Failure::from_sdk("apigateway", "PutMethodResponse", error))?;
        recorder.call(
            CallBuilder::new("apigateway", "apigateway", "PutIntegrationResponse")
                .text("rest-api-id", api)
                .text("resource-id", &resource)
                .text("http-method", &method)
                .text("status-code", "200")
                .text("selection-pattern", ""),
        );
        ctx.clients
            .apigateway
            .put_integration_response()
            .rest_api_id(api)
            .resource_id(&resource)
            .http_method(&method)
            .status_code("200")
            .selection_pattern("")
            .send()
            .await
            .map_err(|error| Failure::from_sdk("apigateway", "PutIntegrationResponse", error))?;
    }
    Ok(json!({ "type": answer.r#type().map(|t| t.as_str()), "uri": answer.uri() }))
}

pub async fn create_deployment(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let api = params.text("rest_api_id")?;
    let stage = params.text("stage_name")?;
    let description = params.optional_text("description")?;
    let variables = params.pairs("variables")?;
    let mut call = CallBuilder::new("apigateway", "apigateway", "CreateDeployment")
        .text("rest-api-id", api)
        .text("stage-name", stage);
    call = call.optional_text("description", description);
    call = call.pairs("variables", &variables);
    recorder.call(call);
    let mut request = ctx
        .clients
        .apigateway
        .create_deployment()
        .rest_api_id(api)
        .stage_name(stage)
        .set_description(description.map(str::to_string));
    for (key, value) in &variables {
        request = request.variables(key, value);
    }
    let answer = request
        .send()
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "CreateDeployment", error))?;
    Ok(json!({
        "id": answer.id(),
        "stageName": stage,
        "invokeUrl": ctx.clients.invoke_url(api, stage),
    }))
}

pub async fn create_stage(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let api = params.text("rest_api_id")?;
    let stage = params.text("stage_name")?;
    let deployment = params.text("deployment_id")?;
    let description = params.optional_text("description")?;
    let variables = params.pairs("variables")?;
    let mut call = CallBuilder::new("apigateway", "apigateway", "CreateStage")
        .text("rest-api-id", api)
        .text("stage-name", stage)
        .text("deployment-id", deployment);
    call = call.optional_text("description", description);
    call = call.pairs("variables", &variables);
    recorder.call(call);
    let mut request = ctx
        .clients
        .apigateway
        .create_stage()
        .rest_api_id(api)
        .stage_name(stage)
        .deployment_id(deployment)
        .set_description(description.map(str::to_string));
    for (key, value) in &variables {
        request = request.variables(key, value);
    }
    for (key, value) in ctx.tags() {
        request = request.tags(key, value);
    }
    let answer = request
        .send()
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "CreateStage", error))?;
    Ok(json!({ "stageName": answer.stage_name(), "deploymentId": answer.deployment_id() }))
}

pub async fn update_stage_variables(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let api = params.text("rest_api_id")?;
    let stage = params.text("stage_name")?;
    let variables = params.pairs("variables")?;
    let operations: Vec<Value> = variables
        .iter()
        .map(|(key, value)| json!({ "op": "replace", "path": format!("/variables/{key}"), "value": value }))
        .collect();
    recorder.call(
        CallBuilder::new("apigateway", "apigateway", "UpdateStage")
            .text("rest-api-id", api)
            .text("stage-name", stage)
            .json("patch-operations", &Value::Array(operations)),
    );
    let patches = variables
        .iter()
        .map(|(key, value)| {
            PatchOperation::builder()
                .op(Op::Replace)
                .path(format!("/variables/{key}"))
                .value(value)
                .build()
        })
        .collect();
    let answer = ctx
        .clients
        .apigateway
        .update_stage()
        .rest_api_id(api)
        .stage_name(stage)
        .set_patch_operations(Some(patches))
        .send()
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "UpdateStage", error))?;
    Ok(json!({ "stageName": answer.stage_name(), "variables": answer.variables() }))
}

pub async fn deploy_canary(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let api = params.text("rest_api_id")?;
    let stage = params.text("stage_name")?;
    let percent = params.optional_number("percent_traffic")?.unwrap_or(0.0);
    let overrides = params.pairs("variable_overrides")?;
    let mut canary = json!({ "percentTraffic": percent });
    if !overrides.is_empty() {
        canary["stageVariableOverrides"] = pairs_json(&overrides);
    }
    recorder.call(
        CallBuilder::new("apigateway", "apigateway", "CreateDeployment")
            .text("rest-api-id", api)
            .text("stage-name", stage)
            .json("canary-settings", &canary),
    );
    let mut settings = DeploymentCanarySettings::builder().percent_traffic(percent);
    for (key, value) in &overrides {
        settings = settings.stage_variable_overrides(key, value);
    }
    let answer = ctx
        .clients
        .apigateway
        .create_deployment()
        .rest_api_id(api)
        .stage_name(stage)
        .canary_settings(settings.build())
        .send()
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "CreateDeployment", error))?;
    Ok(json!({ "id": answer.id(), "stageName": stage, "percentTraffic": percent }))
}

pub async fn promote_canary(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let api = params.text("rest_api_id")?;
    let stage = params.text("stage_name")?;
    let current = ctx
        .clients
        .apigateway
        .get_stage()
        .rest_api_id(api)
        .stage_name(stage)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "GetStage", error))?;
    let Some(canary) = current.canary_settings() else {
        return Err(Failure::local(
            "apigateway",
            "UpdateStage",
            "BadRequestException",
            format!("the stage {stage} has no canary to promote"),
        ));
    };
    // The console's promotion: the canary's variables and deployment become the stage's.
    let mut operations = Vec::new();
    if canary.stage_variable_overrides().is_some_and(|o| !o.is_empty()) {
        operations.push(("copy", "/canarySettings/stageVariableOverrides", "/variables"));
    }
    operations.push(("copy", "/canarySettings/deploymentId", "/deploymentId"));
    operations.push(("remove", "", "/canarySettings"));
    let as_json: Vec<Value> = operations
        .iter()
        .map(|(op, from, path)| {
            if from.is_empty() {
                json!({ "op": op, "path": path })
            } else {
                json!({ "op": op, "from": from, "path": path })
            }
        })
        .collect();
    recorder.call(
        CallBuilder::new("apigateway", "apigateway", "UpdateStage")
            .text("rest-api-id", api)
            .text("stage-name", stage)
            .json("patch-operations", &Value::Array(as_json)),
    );
    let patches = operations
        .iter()
        .map(|(op, from, path)| {
            let builder = PatchOperation::builder().op(Op::from(*op)).path(*path);
            if from.is_empty() { builder.build() } else { builder.from(*from).build() }
        })
        .collect();
    let answer = ctx
        .clients
        .apigateway
        .update_stage()
        .rest_api_id(api)
        .stage_name(stage)
        .set_patch_operations(Some(patches))
        .send()
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "UpdateStage", error))?;
    Ok(json!({
        "stageName": answer.stage_name(),
        "deploymentId": answer.deployment_id(),
        "variables": answer.variables(),
    }))
}

pub async fn test_invoke_method(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let api = params.text("rest_api_id")?;
    let path = params.text("resource_path")?;
    let method = params.text("http_method")?.to_ascii_uppercase();
    let body = params.optional_json("body")?.map(|body| match body {
        Value::String(text) => text,
        other => serde_json::to_string_pretty(&other).unwrap_or_default(),
    });
    let headers = params.pairs("headers")?;
    let variables = params.pairs("stage_variables")?;
    let query = params.optional_text("query")?;
    let resource = resource_id(ctx, api, path).await?;
    let mut with_query = normalize(path);
    if let Some(query) = query {
        with_query.push('?');
        with_query.push_str(query.trim_start_matches('?'));
    }
    let mut call = CallBuilder::new("apigateway", "apigateway", "TestInvokeMethod")
        .text("rest-api-id", api)
        .text("resource-id", &resource)
        .text("http-method", &method)
        .text("path-with-query-string", &with_query);
    if let Some(body) = &body {
        call = call.text("body", body);
    }
    call = call.pairs("stage-variables", &variables);
    recorder.call(call);
    let mut request = ctx
        .clients
        .apigateway
        .test_invoke_method()
        .rest_api_id(api)
        .resource_id(&resource)
        .http_method(&method)
        .path_with_query_string(&with_query)
        .set_body(body);
    for (key, value) in &headers {
        request = request.headers(key, value);
    }
    for (key, value) in &variables {
        request = request.stage_variables(key, value);
    }
    let answer = request
        .send()
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "TestInvokeMethod", error))?;
    let body = answer.body().unwrap_or_default();
    Ok(json!({
        "status": answer.status(),
        "body": serde_json::from_str::<Value>(body).unwrap_or_else(|_| Value::String(body.to_string())),
        "latency": answer.latency(),
        "log": answer.log().map(|log| log.lines().map(str::to_string).collect::<Vec<_>>()),
    }))
}

pub async fn invoke_url(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let api = params.text("rest_api_id")?;
    let stage = params.text("stage_name")?;
    let path = params.text("path")?;
    let method = params.text("http_method")?.to_ascii_uppercase();
    let body = params.optional_json("body")?.map(|body| match body {
        Value::String(text) => text,
        other => other.to_string(),
    });
    let count = params.optional_number("count")?.map_or(1, |n| n.clamp(1.0, 1000.0) as usize);
    let headers = params.pairs("headers")?;
    let url = format!(
        "{}{}",
        ctx.clients.invoke_url(api, stage),
        if path.starts_with('/') { path.to_string() } else { format!("/{path}") }
    );
    recorder.calls.push(crate::call::ApiCall {
        service: "http".into(),
        operation: method.clone(),
        parameters: json!({ "url": url, "body": body, "headers": pairs_json(&headers), "count": count }),
        cli: curl(&method, &url, &headers, body.as_deref()),
    });
    let mut answers = Vec::new();
    let mut bodies: BTreeMap<String, usize> = BTreeMap::new();
    for n in 0..count {
        let mut answer =
            call_stage(ctx.clients, api, stage, &method, path, body.as_deref(), &headers).await?;
        // A stage deployed a moment ago answers 403 Forbidden until the deployment has
        // propagated: the first call looks again while the last change settles.
        let mut attempt = 0;
        let started = std::time::Instant::now();
        while n == 0 && stage_not_there_yet(&answer) {
            let Some(deadline) = ctx.clients.settle.deadline() else { break };
            if std::time::Instant::now() + crate::settle::pause(attempt) >= deadline {
                break;
            }
            let what = awslab_lab::Localized::new(
                format!("스테이지 {stage}의 배포가 퍼지기를(403 Forbidden)"),
                format!("the deployment of stage {stage} to propagate (403 Forbidden)"),
            );
            ctx.clients.progress.waiting(&what, started);
            tokio::time::sleep(crate::settle::pause(attempt)).await;
            attempt += 1;
            answer = call_stage(ctx.clients, api, stage, &method, path, body.as_deref(), &headers)
                .await?;
        }
        *bodies.entry(answer.body.clone()).or_default() += 1;
        answers.push(answer);
    }
    let first = answers.first().cloned();
    Ok(json!({
        "url": url,
        "status": first.as_ref().map(|a| a.status),
        "body": first.as_ref().map(|a| serde_json::from_str::<Value>(&a.body).unwrap_or_else(|_| Value::String(a.body.clone()))),
        "count": count,
        "bodies": bodies,
    }))
}

/// API Gateway's answer for a stage that does not exist (yet): 403 `{"message":"Forbidden"}`.
fn stage_not_there_yet(answer: &crate::apigateway::HttpAnswer) -> bool {
    answer.status == 403
        && serde_json::from_str::<Value>(&answer.body)
            .is_ok_and(|body| body["message"] == "Forbidden")
}

/// The `curl` command that sends the same request.
fn curl(method: &str, url: &str, headers: &[(String, String)], body: Option<&str>) -> String {
    let quote = |text: &str| format!("'{}'", text.replace('\'', r"'\''"));
    let mut command = format!("curl -X {method} {}", quote(url));
    for (name, value) in headers {
        command.push_str(&format!(" -H {}", quote(&format!("{name}: {value}"))));
    }
    if let Some(body) = body {
        command.push_str(&format!(" -H 'content-type: application/json' -d {}", quote(body)));
    }
    command
}

fn pairs_json(pairs: &[(String, String)]) -> Value {
    Value::Object(pairs.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_integration_uris_take_names_arns_and_stage_variables() {
        assert_eq!(
            lambda_uri("ap-northeast-2", "000000000000", "addCustomer"),
            "arn:aws:apigateway:ap-northeast-2:lambda:path/2015-03-31/functions/arn:aws:lambda:ap-northeast-2:000000000000:function:addCustomer/invocations"
        );
        let staged =
            "arn:aws:lambda:ap-northeast-2:000000000000:function:f:${stageVariables.lambdaAlias}";
        assert!(
            lambda_uri("ap-northeast-2", "0", staged)
                .contains(&format!("functions/{staged}/invocations"))
        );
    }
}
