//! API Gateway access-control checks: an API key (by name), a usage plan (by name, with the
//! names of its keys), an API's authorizer, and how a burst of requests to a stage is answered
//! (`200`s, then `429`s once a usage plan's or a stage's throttle is reached).

use super::Selector;
use super::apigateway::{absent, api_id};
use crate::actions::{api_key_by_name, usage_plan_by_name};
use crate::apigateway::call_stage;
use crate::clients::Clients;
use crate::failure::Failure;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The most requests one burst check sends.
const MOST_REQUESTS: u64 = 200;

pub async fn api_key(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let name = selector.text("name")?;
    let Some(key) = api_key_by_name(clients, name, None).await? else { return Ok(None) };
    // The value is a secret: a check compares the key's settings, never prints its value.
    Ok(Some(json!({
        "id": key.id(),
        "name": key.name(),
        "description": key.description(),
        "enabled": key.enabled(),
        "stageKeys": key.stage_keys(),
        "tags": key.tags(),
    })))
}

pub async fn usage_plan(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let name = selector.text("name")?;
    let Some(plan) = usage_plan_by_name(clients, name, None).await? else { return Ok(None) };
    let id = plan.id().unwrap_or_default();
    let keys =
        match clients.apigateway.get_usage_plan_keys().usage_plan_id(id).limit(500).send().await {
            Ok(keys) => keys,
            Err(error) => {
                return absent(Failure::from_sdk("apigateway", "GetUsagePlanKeys", error));
            }
        };
    let key_names: Vec<&str> = keys.items().iter().filter_map(|key| key.name()).collect();
    let stages: Vec<Value> = (plan.api_stages().iter())
        .map(|stage| json!({ "apiId": stage.api_id(), "stage": stage.stage() }))
        .collect();
    let throttle = plan.throttle().map(|throttle| {
        json!({ "rateLimit": throttle.rate_limit(), "burstLimit": throttle.burst_limit() })
    });
    let quota = plan.quota().map(|quota| {
        json!({
            "limit": quota.limit(),
            "period": quota.period().map(|period| period.as_str()),
        })
    });
    Ok(Some(json!({
        "id": id,
        "name": plan.name(),
        "description": plan.description(),
        "apiStages": stages,
        "throttle": throttle,
        "quota": quota,
        "Keys": key_names,
    })))
}

pub async fn authorizer(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let Some(api) = api_id(clients, selector).await? else { return Ok(None) };
    let name = selector.text("name")?;
    let authorizers =
        match clients.apigateway.get_authorizers().rest_api_id(&api).limit(500).send().await {
            Ok(authorizers) => authorizers,
            Err(error) => return absent(Failure::from_sdk("apigateway", "GetAuthorizers", error)),
        };
    let Some(found) = authorizers.items().iter().find(|a| a.name() == Some(name)) else {
        return Ok(None);
    };
    Ok(Some(json!({
        "id": found.id(),
        "name": found.name(),
        "type": found.r#type().map(|kind| kind.as_str()),
        "authorizerUri": found.authorizer_uri(),
        "identitySource": found.identity_source(),
        "identityValidationExpression": found.identity_validation_expression(),
        "authorizerResultTtlInSeconds": found.authorizer_result_ttl_in_seconds(),
    })))
}

/// Sends `requests` (default 20) requests one after another, as fast as they are answered, and
/// counts the answers by status: `Statuses = { "200" = 3, "429" = 17 }`. The first request
/// waits out a `429`, as `http.response` does.
pub async fn burst(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let Some(api) = api_id(clients, selector).await? else { return Ok(None) };
    let stage = selector.text("stage")?;
    let method = selector.text("method")?;
    let path = selector.text("path")?;
    let headers = selector.headers();
    let requests = match selector.value("requests") {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(20).clamp(1, MOST_REQUESTS) as usize,
        _ => 20,
    };
    // A burst begins once the bucket holds a token again: a check run right after another
    // burst (or a check again, a moment after the step) would otherwise find it empty and
    // measure only the last one.
    let mut first = call_stage(clients, &api, stage, method, path, None, &headers).await?;
    for pause in super::apigateway::THROTTLED_PAUSES {
        if first.status != 429 {
            break;
        }
        tokio::time::sleep(pause).await;
        first = call_stage(clients, &api, stage, method, path, None, &headers).await?;
    }
    let mut statuses: BTreeMap<String, u64> = BTreeMap::new();
    *statuses.entry(first.status.to_string()).or_default() += 1;
    for done in 2..=requests {
        let answer = call_stage(clients, &api, stage, method, path, None, &headers).await?;
        *statuses.entry(answer.status.to_string()).or_default() += 1;
        if done % 10 == 0 || done == requests {
            clients.progress.say(awslab_lab::Localized::new(
                format!("{stage} {method} {path}: 연달아 {requests}번 중 {done}번 호출함"),
                format!("{stage} {method} {path}: {done} of {requests} calls in a burst made"),
            ));
        }
    }
    let statuses: Map<String, Value> =
        statuses.into_iter().map(|(status, count)| (status, json!(count))).collect();
    Ok(Some(json!({ "Requests": requests, "Statuses": statuses })))
}
