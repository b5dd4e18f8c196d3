//! API Gateway checks: a REST API (by name), a resource (by path), a method, an integration, a
//! stage; a method's test invocation; a stage's invoke URL's answer; and how a burst of
//! requests splits between answers (a canary).

use super::Selector;
use crate::apigateway::{call_stage, normalize, resource_by_path, rest_api_by_name};
use crate::clients::Clients;
use crate::failure::Failure;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The id of the API the selector names by `api` (its name); `None` when there is none.
pub(super) async fn api_id(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<String>, Failure> {
    let name = selector.text("api")?;
    Ok(rest_api_by_name(clients, name).await?.and_then(|api| api.id().map(str::to_string)))
}

async fn resource_id(
    clients: &Clients,
    api: &str,
    selector: &Selector<'_>,
) -> Result<Option<String>, Failure> {
    let path = selector.text("path")?;
    Ok(resource_by_path(clients, api, path).await?.and_then(|r| r.id().map(str::to_string)))
}

/// The API id, resource id and HTTP method a selector names (`api`, `path`, `method`);
/// `None` when the API or the resource does not exist.
async fn method_of(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<(String, String, String)>, Failure> {
    let Some(api) = api_id(clients, selector).await? else { return Ok(None) };
    let Some(resource) = resource_id(clients, &api, selector).await? else { return Ok(None) };
    Ok(Some((api, resource, selector.text("method")?.to_ascii_uppercase())))
}

pub(super) fn absent(failure: Failure) -> Result<Option<Value>, Failure> {
    super::absent_or(failure)
}

pub async fn rest_api(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let name = selector.text("name")?;
    let Some(api) = rest_api_by_name(clients, name).await? else { return Ok(None) };
    let types: Vec<&str> = api
        .endpoint_configuration()
        .map(|config| config.types().iter().map(|t| t.as_str()).collect())
        .unwrap_or_default();
    Ok(Some(json!({
        "id": api.id(),
        "name": api.name(),
        "description": api.description(),
        "endpointConfiguration": { "types": types },
        "apiKeySource": api.api_key_source().map(|s| s.as_str()),
        "tags": api.tags(),
    })))
}

pub async fn resource(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let Some(api) = api_id(clients, selector).await? else { return Ok(None) };
    let path = selector.text("path")?;
    let Some(resource) = resource_by_path(clients, &api, path).await? else { return Ok(None) };
    let methods: Map<String, Value> = resource
        .resource_methods()
        .map(|methods| methods.keys().map(|m| (m.clone(), json!({ "httpMethod": m }))).collect())
        .unwrap_or_default();
    Ok(Some(json!({
        "id": resource.id(),
        "path": resource.path(),
        "pathPart": resource.path_part(),
        "resourceMethods": methods,
    })))
}

pub async fn method(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let Some((api, resource, http_method)) = method_of(clients, selector).await? else {
        return Ok(None);
    };
    let answer = clients
        .apigateway
        .get_method()
        .rest_api_id(&api)
        .resource_id(&resource)
        .http_method(&http_method)
        .send()
        .await;
    let method = match answer {
        Ok(method) => method,
        Err(error) => return absent(Failure::from_sdk("apigateway", "GetMethod", error)),
    };
    let responses: Map<String, Value> = method
        .method_responses()
        .map(|responses| {
            responses
                .iter()
                .map(|(status, response)| {
                    (status.clone(), json!({ "statusCode": response.status_code(), "responseModels": response.response_models() }))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(json!({
        "httpMethod": method.http_method(),
        "authorizationType": method.authorization_type(),
        "apiKeyRequired": method.api_key_required(),
        "methodResponses": responses,
    })))
}

pub async fn integration(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let Some((api, resource, http_method)) = method_of(clients, selector).await? else {
        return Ok(None);
    };
    let answer = clients
        .apigateway
        .get_integration()
        .rest_api_id(&api)
        .resource_id(&resource)
        .http_method(&http_method)
        .send()
        .await;
    let integration = match answer {
        Ok(integration) => integration,
        Err(error) => return absent(Failure::from_sdk("apigateway", "GetIntegration", error)),
    };
    let responses: Map<String, Value> = integration
        .integration_responses()
        .map(|responses| {
            responses
                .iter()
                .map(|(status, response)| {
                    (status.clone(), json!({ "statusCode": response.status_code(), "selectionPattern": response.selection_pattern() }))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(json!({
        "type": integration.r#type().map(|t| t.as_str()),
        "httpMethod": integration.http_method(),
        "uri": integration.uri(),
        "timeoutInMillis": integration.timeout_in_millis(),
        "passthroughBehavior": integration.passthrough_behavior(),
        "integrationResponses": responses,
    })))
}

pub async fn stage(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let Some(api) = api_id(clients, selector).await? else { return Ok(None) };
    let name = selector.text("stage")?;
    let stage = match clients.apigateway.get_stage().rest_api_id(&api).stage_name(name).send().await
    {
        Ok(stage) => stage,
        Err(error) => return absent(Failure::from_sdk("apigateway", "GetStage", error)),
    };
    let mut out = json!({
        "stageName": stage.stage_name(),
        "deploymentId": stage.deployment_id(),
        "description": stage.description(),
        "variables": stage.variables().cloned().unwrap_or_default(),
        "tracingEnabled": stage.tracing_enabled(),
        "cacheClusterEnabled": stage.cache_cluster_enabled(),
    });
    if let Some(canary) = stage.canary_settings() {
        out["canarySettings"] = json!({
            "percentTraffic": canary.percent_traffic(),
            "deploymentId": canary.deployment_id(),
            "stageVariableOverrides": canary.stage_variable_overrides(),
            "useStageCache": canary.use_stage_cache(),
        });
    }
    if let Some(settings) = stage.method_settings() {
        out["methodSettings"] = Value::Object(
            settings
                .iter()
                .map(|(key, setting)| {
                    (
                        key.clone(),
                        json!({
                            "throttlingRateLimit": setting.throttling_rate_limit(),
                            "throttlingBurstLimit": setting.throttling_burst_limit(),
                            "metricsEnabled": setting.metrics_enabled(),
                            "loggingLevel": setting.logging_level(),
                        }),
                    )
                })
                .collect(),
        );
    }
    Ok(Some(out))
}

fn body_text(selector: &Selector<'_>) -> Option<String> {
    match selector.value("body")? {
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

pub(super) fn parsed(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_string()))
}

pub async fn test_invoke(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let Some((api, resource, http_method)) = method_of(clients, selector).await? else {
        return Ok(None);
    };
    let mut request = clients
        .apigateway
        .test_invoke_method()
        .rest_api_id(&api)
        .resource_id(&resource)
        .http_method(&http_method)
        .path_with_query_string(normalize(selector.text("path")?))
        .set_body(body_text(selector));
    if let Some(Value::Object(variables)) = selector.value("stage_variables") {
        for (key, value) in variables {
            request = request.stage_variables(key, value.as_str().unwrap_or_default());
        }
    }
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(error) => return absent(Failure::from_sdk("apigateway", "TestInvokeMethod", error)),
    };
    Ok(Some(json!({
        "status": answer.status(),
        "body": parsed(answer.body().unwrap_or_default()),
        "headers": answer.headers(),
        "log": answer.log(),
    })))
}

/// How long a request check waits before asking again after a `429`: about 7 s in all, enough
/// for a bucket refilling at one request a second.
pub(super) const THROTTLED_PAUSES: [std::time::Duration; 3] = [
    std::time::Duration::from_secs(1),
    std::time::Duration::from_secs(2),
    std::time::Duration::from_secs(4),
];

pub async fn response(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let Some(api) = api_id(clients, selector).await? else { return Ok(None) };
    let stage = selector.text("stage")?;
    let method = selector.text("method")?;
    let path = selector.text("path")?;
    let (body, headers) = (body_text(selector), selector.headers());
    let mut answer =
        call_stage(clients, &api, stage, method, path, body.as_deref(), &headers).await?;
    // A 429 asks the client to slow down (a usage plan's or a stage's bucket is empty, after a
    // burst a moment ago, say): the check waits for the bucket to refill, as a client would,
    // before it takes the answer.
    for pause in THROTTLED_PAUSES {
        if answer.status != 429 {
            break;
        }
        tokio::time::sleep(pause).await;
        answer = call_stage(clients, &api, stage, method, path, body.as_deref(), &headers).await?;
    }
    Ok(Some(json!({
        "status": answer.status,
        "body": parsed(&answer.body),
        "headers": answer.headers,
    })))
}

pub async fn traffic_split(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let Some(api) = api_id(clients, selector).await? else { return Ok(None) };
    let stage = selector.text("stage")?;
    let method = selector.text("method")?;
    let path = selector.text("path")?;
    let requests = match selector.value("requests") {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(100).clamp(1, 2000) as usize,
        _ => 100,
    };
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for done in 1..=requests {
        let answer = call_stage(clients, &api, stage, method, path, None, &[]).await?;
        *counts.entry(answer.body).or_default() += 1;
        if done % 20 == 0 || done == requests {
            clients.progress.say(awslab_lab::Localized::new(
                format!("{stage} {method} {path}: {requests}번 중 {done}번 호출함"),
                format!("{stage} {method} {path}: {done} of {requests} calls made"),
            ));
        }
    }
    // Shares by body, in percent; a JSON body is keyed by its canonical text.
    let shares: Map<String, Value> = counts
        .into_iter()
        .map(|(body, count)| {
            let key = match parsed(&body) {
                Value::String(text) => text,
                other => other.to_string(),
            };
            (key, json!(count as f64 * 100.0 / requests as f64))
        })
        .collect();
    Ok(Some(json!({ "Requests": requests, "Shares": shares })))
}
