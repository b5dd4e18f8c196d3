//! API Gateway access control, as notes 004 teach it: what a method requires (an API key, an
//! authorizer), API keys, usage plans that admit keys to a stage at a rate, and Lambda
//! authorizers.
//!
//! API keys and usage plans may share names, so these actions find what they made by name and
//! the lab's tag: a second run reuses this lab's key or plan rather than making another, and
//! never picks up one the lab did not make.

use super::apigateway::{lambda_uri, resource_id};
use super::{ActionContext, Params, Recorder};
use crate::call::CallBuilder;
use crate::failure::Failure;
use crate::ownership::LAB_TAG;
use aws_sdk_apigateway::types::{
    ApiKey, ApiStage, AuthorizerType, Op, PatchOperation, QuotaPeriodType, QuotaSettings,
    ThrottleSettings, UsagePlan,
};
use serde_json::{Value, json};

/// Sets what a method requires of a caller: an API key (`api_key_required`), an authorization
/// type, an authorizer (by name; the authorization type becomes `CUSTOM`).
pub async fn update_method(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let api = params.text("rest_api_id")?;
    let path = params.text("resource_path")?;
    let method = params.text("http_method")?.to_ascii_uppercase();
    let resource = resource_id(ctx, api, path).await?;
    let mut changes: Vec<(&str, String)> = Vec::new();
    if params.map.contains_key("api_key_required") {
        changes.push(("/apiKeyRequired", params.flag("api_key_required")?.to_string()));
    }
    match (params.optional_text("authorizer")?, params.optional_text("authorization_type")?) {
        (Some(name), _) => {
            let authorizer = authorizer_id(ctx, api, name).await?;
            changes.push(("/authorizationType", "CUSTOM".into()));
            changes.push(("/authorizerId", authorizer));
        }
        (None, Some(kind)) => changes.push(("/authorizationType", kind.to_ascii_uppercase())),
        (None, None) => {}
    }
    if changes.is_empty() {
        return Err(Failure::local(
            "awslab",
            "apigateway.update_method",
            "InvalidParameter",
            "apigateway.update_method: give api_key_required, authorization_type or authorizer",
        ));
    }
    let patch: Vec<Value> = changes
        .iter()
        .map(|(path, value)| json!({"op": "replace", "path": path, "value": value}))
        .collect();
    recorder.call(
        CallBuilder::new("apigateway", "apigateway", "UpdateMethod")
            .text("rest-api-id", api)
            .text("resource-id", &resource)
            .text("http-method", &method)
            .json("patch-operations", &Value::Array(patch)),
    );
    let operations = changes
        .iter()
        .map(|(path, value)| {
            PatchOperation::builder().op(Op::Replace).path(*path).value(value).build()
        })
        .collect();
    let answer = ctx
        .clients
        .apigateway
        .update_method()
        .rest_api_id(api)
        .resource_id(&resource)
        .http_method(&method)
        .set_patch_operations(Some(operations))
        .send()
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "UpdateMethod", error))?;
    Ok(json!({
        "httpMethod": answer.http_method(),
        "authorizationType": answer.authorization_type(),
        "authorizerId": answer.authorizer_id(),
        "apiKeyRequired": answer.api_key_required(),
    }))
}

/// The id of the API's authorizer named `name`.
async fn authorizer_id(ctx: &ActionContext<'_>, api: &str, name: &str) -> Result<String, Failure> {
    let authorizers = (ctx.clients.apigateway.get_authorizers().rest_api_id(api).limit(500).send())
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "GetAuthorizers", error))?;
    (authorizers.items().iter())
        .find(|authorizer| authorizer.name() == Some(name))
        .and_then(|authorizer| authorizer.id().map(str::to_string))
        .ok_or_else(|| {
            Failure::local(
                "apigateway",
                "GetAuthorizers",
                "NotFoundException",
                format!("the API {api} has no authorizer named {name}"),
            )
        })
}

/// The API key named `name`, with its value; one this lab made first.
pub(crate) async fn api_key_by_name(
    clients: &crate::clients::Clients,
    name: &str,
    lab_id: Option<&str>,
) -> Result<Option<ApiKey>, Failure> {
    let mut keys = (clients.apigateway.get_api_keys())
        .name_query(name)
        .include_values(true)
        .limit(500)
        .into_paginator()
        .items()
        .send();
    let mut found = Vec::new();
    while let Some(key) = keys.next().await {
        let key = key.map_err(|error| Failure::from_sdk("apigateway", "GetApiKeys", error))?;
        if key.name() == Some(name) {
            found.push(key);
        }
    }
    let ours = |key: &ApiKey| {
        lab_id.is_some_and(|lab| {
            key.tags().and_then(|tags| tags.get(LAB_TAG)).is_some_and(|t| t == lab)
        })
    };
    Ok(match lab_id {
        Some(_) => found.into_iter().find(ours),
        None => found.into_iter().next(),
    })
}

/// Makes an API key (enabled), with the value given or one API Gateway generates. A key of this
/// name that this lab made earlier is reused.
pub async fn create_api_key(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let name = params.text("name")?;
    let value = params.optional_text("value")?;
    let description = params.optional_text("description")?;
    if let Some(key) = api_key_by_name(ctx.clients, name, Some(ctx.lab_id)).await? {
        let id = key.id().unwrap_or_default();
        recorder.created("apigateway.api_key", id);
        let delete =
            CallBuilder::new("apigateway", "apigateway", "DeleteApiKey").text("api-key", id);
        reused(ctx, recorder, "apigateway.api_key", name, delete);
        let mut summary = key_summary(&key);
        summary["reused"] = json!(true);
        return Ok(summary);
    }
    let mut call = CallBuilder::new("apigateway", "apigateway", "CreateApiKey")
        .text("name", name)
        .flag("enabled");
    call = call.optional_text("value", value).optional_text("description", description);
    recorder.call(call);
    let mut request = (ctx.clients.apigateway.create_api_key())
        .name(name)
        .enabled(true)
        .set_value(value.map(str::to_string))
        .set_description(description.map(str::to_string));
    for (key, value) in ctx.tags() {
        request = request.tags(key, value);
    }
    let answer = request
        .send()
        .await
        .map_err(|error| Failure::from_sdk("apigateway", "CreateApiKey", error))?;
    if let Some(id) = answer.id() {
        recorder.created("apigateway.api_key", id);
    }
    Ok(json!({
        "id": answer.id(),
        "name": answer.name(),
        "value": answer.value(),
        "enabled": answer.enabled(),
    }))
}

fn key_summary(key: &ApiKey) -> Value {
    json!({ "id": key.id(), "name": key.name(), "value": key.value(), "enabled": key.enabled() })
}

/// The usage plan named `name` that this lab made.
pub(crate) async fn usage_plan_by_name(
    clients: &crate::clients::Clients,
    name: &str,
    lab_id: Option<&str>,
) -> Result<Option<UsagePlan>, Failure> {
    let mut plans = clients.apigateway.get_usage_plans().limit(500).into_paginator().items().send();
    while let Some(plan) = plans.next().await {
        let plan = plan.map_err(|error| Failure::from_sdk("apigateway", "GetUsagePlans", error))?;
        let tagged =
            |lab: &str| plan.tags().and_then(|tags| tags.get(LAB_TAG)).is_some_and(|t| t == lab);
        if plan.name() == Some(name) && lab_id.is_none_or(tagged) {
            return Ok(Some(plan));
        }
    }
    Ok(None)
}

/// Makes a usage plan for one stage of an API, with a throttle (requests per second, burst) and
/// a quota, and adds an API key (by name) to it. A plan of this name that this lab made earlier
/// is reused, and the key added if it is not in it yet.
pub async fn create_usage_plan(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let name = params.text("name")?;
    let api = params.text("rest_api_id")?;
    let stage = params.text("stage_name")?;
    let rate = params.optional_number("rate_limit")?;
    let burst = params.optional_number("burst_limit")?.map(|burst| burst as i32);
    let quota = params.optional_number("quota_limit")?.map(|limit| limit as i32);
    let period = params.optional_text("quota_period")?.unwrap_or("DAY").to_ascii_uppercase();
    let description = params.optional_text("description")?;
    let existing = usage_plan_by_name(ctx.clients, name, Some(ctx.lab_id)).await?;
    let plan_id = match &existing {
        Some(plan) => {
            let id = plan.id().unwrap_or_default().to_string();
            let delete = CallBuilder::new("apigateway", "apigateway", "DeleteUsagePlan")
                .text("usage-plan-id", &id);
            reused(ctx, recorder, "apigateway.usage_plan", name, delete);
            id
        }
        None => {
            let mut call = CallBuilder::new("apigateway", "apigateway", "CreateUsagePlan")
                .text("name", name)
                .json("api-stages", &json!([{ "apiId": api, "stage": stage }]));
            if rate.is_some() || burst.is_some() {
                call = call.json("throttle", &json!({ "rateLimit": rate, "burstLimit": burst }));
            }
            if let Some(limit) = quota {
                call = call.json("quota", &json!({ "limit": limit, "period": period }));
            }
            recorder.call(call.optional_text("description", description));
            let mut request = (ctx.clients.apigateway.create_usage_plan())
                .name(name)
                .set_description(description.map(str::to_string))
                .api_stages(ApiStage::builder().api_id(api).stage(stage).build());
            if rate.is_some() || burst.is_some() {
                request = request.throttle(
                    ThrottleSettings::builder().set_rate_limit(rate).set_burst_limit(burst).build(),
                );
            }
            if let Some(limit) = quota {
                request = request.quota(
                    QuotaSettings::builder()
                        .limit(limit)
                        .period(QuotaPeriodType::from(period.as_str()))
                        .build(),
                );
            }
            for (key, value) in ctx.tags() {
                request = request.tags(key, value);
            }
            let answer = request
                .send()
                .await
                .map_err(|error| Failure::from_sdk("apigateway", "CreateUsagePlan", error))?;
            answer.id().unwrap_or_default().to_string()
        }
    };
    recorder.created("apigateway.usage_plan", &plan_id);
    let mut key_id = None;
    if let Some(key_name) = params.optional_text("api_key")? {
        let key = api_key_by_name(ctx.clients, key_name, None).await?.ok_or_else(|| {
            Failure::local(
                "apigateway",
                "GetApiKeys",
                "NotFoundException",
                format!("no API key is named {key_name}"),
            )
        })?;
        let id = key.id().unwrap_or_default().to_string();
        recorder.call(
            CallBuilder::new("apigateway", "apigateway", "CreateUsagePlanKey")
                .text("usage-plan-id", &plan_id)
                .text("key-id", &id)
                .text("key-type", "API_KEY"),
        );
        let added = (ctx.clients.apigateway.create_usage_plan_key())
            .usage_plan_id(&plan_id)
            .key_id(&id)
            .key_type("API_KEY")
            .send()
            .await;
        match added {
            Ok(_) => {}
            // Already in this plan, from an earlier run.
            Err(error) => {
                let failure = Failure::from_sdk("apigateway", "CreateUsagePlanKey", error);
                if failure.code != "ConflictException" {
                    return Err(failure);
                }
            }
        }
        key_id = Some(id);
    }
    Ok(json!({
        "id": plan_id,
        "name": name,
        "apiStage": format!("{api}:{stage}"),
        "keyId": key_id,
        "reused": existing.is_some(),
    }))
}

/// Makes a Lambda authorizer (TOKEN by default, reading the `Authorization` header) and, with
/// `add_permission`, lets API Gateway invoke its function for this authorizer, as the console
/// offers when saving it. An authorizer of this name on the API is reused.
pub async fn create_authorizer(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let api = params.text("rest_api_id")?;
    let name = params.text("name")?;
    let function = params.text("lambda_function")?;
    let kind = params.optional_text("type")?.unwrap_or("TOKEN").to_ascii_uppercase();
    let identity =
        params.optional_text("identity_source")?.unwrap_or("method.request.header.Authorization");
    let validation = params.optional_text("validation_expression")?;
    let ttl = params.optional_number("ttl_seconds")?.map(|ttl| ttl as i32);
    let account = ctx.clients.whoami().await?.account;
    let uri = lambda_uri(ctx.clients.region(), &account, function);
    let found = authorizer_id(ctx, api, name).await.ok();
    let id = match &found {
        Some(id) => {
            let delete = CallBuilder::new("apigateway", "apigateway", "DeleteAuthorizer")
                .text("rest-api-id", api)
                .text("authorizer-id", id);
            reused(ctx, recorder, "apigateway.authorizer", name, delete);
            id.clone()
        }
        None => {
            let mut call = CallBuilder::new("apigateway", "apigateway", "CreateAuthorizer")
                .text("rest-api-id", api)
                .text("name", name)
                .text("type", &kind)
                .text("authorizer-uri", &uri)
                .text("identity-source", identity)
                .optional_text("identity-validation-expression", validation);
            if let Some(ttl) = ttl {
                call = call.number("authorizer-result-ttl-in-seconds", ttl);
            }
            recorder.call(call);
            let answer = (ctx.clients.apigateway.create_authorizer())
                .rest_api_id(api)
                .name(name)
                .r#type(AuthorizerType::from(kind.as_str()))
                .authorizer_uri(&uri)
                .identity_source(identity)
                .set_identity_validation_expression(validation.map(str::to_string))
                .set_authorizer_result_ttl_in_seconds(ttl)
                .send()
                .await
                .map_err(|error| Failure::from_sdk("apigateway", "CreateAuthorizer", error))?;
            answer.id().unwrap_or_default().to_string()
        }
    };
    if params.flag("add_permission")? {
        let source_arn = format!(
            "arn:aws:execute-api:{}:{account}:{api}/authorizers/{id}",
            ctx.clients.region()
        );
        let statement_id = format!("apigateway-authorizer-{id}");
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
    Ok(json!({
        "id": id,
        "name": name,
        "type": kind,
        "authorizerUri": uri,
        "identitySource": identity,
        "reused": found.is_some(),
    }))
}

/// Notes that a step reuses what this lab made in an earlier run, with the command that
/// deletes it.
fn reused(
    ctx: &ActionContext<'_>,
    recorder: &mut Recorder<'_>,
    kind: &str,
    name: &str,
    delete: CallBuilder,
) {
    let named = crate::actions::Created { kind: kind.to_string(), id: name.to_string() };
    let delete = delete.build(&ctx.clients.target).cli;
    recorder.note(super::taken::reused_note(&named, &delete));
}
