//! API keys: CreateApiKey, GetApiKey, GetApiKeys, UpdateApiKey, DeleteApiKey. A key is a
//! secret value a client sends in `x-api-key`; it opens a method that requires one only
//! through a usage plan that covers the method's stage (see `usage_plans`, `throttling`).
//!
//! As on AWS: a key is disabled unless created `enabled`; its value is 20 to 128 characters,
//! or 40 letters and digits drawn for it; two keys cannot share a value; the value is shown on
//! creation, and afterwards only when asked for (`includeValue`, `includeValues`). `GetApiKeys`
//! lists the newest key first and `nameQuery` matches the start of a name, case included.
//!
//! Not here: `ImportApiKeys`, which shares `POST /apikeys` and stays unserved.

use super::errors::ApiGatewayError;
use super::inputs::{Paging, Update};
use super::metering::{self, ApiKey, Metering, Tags, key_not_found};
use super::model::{ApiGatewayState, new_id};
use super::patch::{self, Op, Patch};
use super::{api, epoch_seconds};
use crate::error::AwsError;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

const MAX_NAME: usize = 1024;
const MAX_DESCRIPTION: usize = 125_000;
const VALUE_LENGTHS: std::ops::RangeInclusive<usize> = 20..=128;
const VALUE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StageKeyInput {
    rest_api_id: Option<String>,
    stage_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateApiKeyInput {
    name: Option<String>,
    description: Option<String>,
    enabled: Option<bool>,
    value: Option<String>,
    stage_keys: Option<Vec<StageKeyInput>>,
    customer_id: Option<String>,
    tags: Option<BTreeMap<String, String>>,
}

/// `/apikeys/{apiKey}`, with `?includeValue=true` for `GetApiKey`.
#[derive(Debug, Deserialize)]
pub struct ApiKeyRef {
    #[serde(rename = "label:apiKey")]
    api_key: String,
    #[serde(rename = "query:includeValue")]
    include_value: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct GetApiKeysInput {
    #[serde(flatten)]
    paging: Paging,
    #[serde(rename = "query:name")]
    name_query: Option<String>,
    #[serde(rename = "query:customerId")]
    customer_id: Option<String>,
    #[serde(rename = "query:includeValues")]
    include_values: Option<String>,
}

/// The region's keys and plans, created empty on first use.
pub fn metering_mut<'a>(state: &'a mut ApiGatewayState, ctx: &RequestContext) -> &'a mut Metering {
    state.metering.entry(ctx.region.clone()).or_default()
}

fn check_name(name: &str) -> Result<(), ApiGatewayError> {
    if name.chars().count() > MAX_NAME {
        return Err(ApiGatewayError::BadRequest(format!(
            "Invalid API Key name, can be at most {MAX_NAME} characters."
        )));
    }
    Ok(())
}

fn check_description(description: &str) -> Result<(), ApiGatewayError> {
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(ApiGatewayError::BadRequest("Invalid API Key description specified.".into()));
    }
    Ok(())
}

/// `restApiId/stageName`, once the API and its stage are found.
fn stage_key(
    state: &ApiGatewayState,
    ctx: &RequestContext,
    api_id: &str,
    stage: &str,
) -> Result<String, ApiGatewayError> {
    api(state, ctx, api_id)?.stage(stage).ok_or_else(ApiGatewayError::stage_not_found)?;
    Ok(format!("{api_id}/{stage}"))
}

pub fn create_api_key(
    shared: &Shared,
    ctx: &RequestContext,
    input: CreateApiKeyInput,
) -> Result<Value, AwsError> {
    let name = input.name.filter(|name| !name.is_empty());
    if let Some(name) = &name {
        check_name(name)?;
    }
    if let Some(description) = &input.description {
        check_description(description)?;
    }
    let value = match input.value.filter(|value| !value.is_empty()) {
        None => shared.ids.text(VALUE_ALPHABET, 40),
        Some(value) if value.chars().count() < *VALUE_LENGTHS.start() => {
            return Err(ApiGatewayError::BadRequest(
                "API Key value should be at least 20 characters".into(),
            )
            .into());
        }
        Some(value) if value.chars().count() > *VALUE_LENGTHS.end() => {
            return Err(ApiGatewayError::BadRequest(
                "API Key value exceeds maximum size of 128 characters".into(),
            )
            .into());
        }
        Some(value) => value,
    };
    let mut state = lock(&shared.apigateway);
    let mut stage_keys = Vec::new();
    for stage in input.stage_keys.unwrap_or_default() {
        let api_id = stage.rest_api_id.unwrap_or_default();
        let stage_name = stage.stage_name.unwrap_or_default();
        stage_keys.push(stage_key(&state, ctx, &api_id, &stage_name)?);
    }
    let metering = metering_mut(&mut state, ctx);
    if metering.keys.iter().any(|key| key.value == value) {
        return Err(ApiGatewayError::Conflict("API Key already exists".into()).into());
    }
    let id = loop {
        let id = new_id(&shared.ids, 10);
        if metering.key(&id).is_none() {
            break id;
        }
    };
    let now = epoch_seconds(ctx);
    let key = ApiKey {
        id,
        value,
        name,
        description: input.description,
        customer_id: input.customer_id,
        enabled: input.enabled.unwrap_or(false),
        stage_keys,
        tags: input.tags.unwrap_or_default(),
        created_date: now,
        last_updated_date: now,
    };
    let wire = key.to_wire(true, Tags::WhenAny);
    metering.keys.push(key);
    Ok(wire)
}

pub fn get_api_key(
    shared: &Shared,
    ctx: &RequestContext,
    input: ApiKeyRef,
) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let key = (state.metering.get(&ctx.region))
        .and_then(|metering| metering.key(&input.api_key))
        .ok_or_else(key_not_found)?;
    Ok(key.to_wire(input.include_value.as_deref() == Some("true"), Tags::Always))
}

pub fn get_api_keys(
    shared: &Shared,
    ctx: &RequestContext,
    input: GetApiKeysInput,
) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let with_values = input.include_values.as_deref() == Some("true");
    let prefix = input.name_query.as_deref().unwrap_or_default();
    let keys = state.metering.get(&ctx.region).map(|metering| metering.keys.as_slice());
    let items: Vec<Value> = (keys.unwrap_or_default().iter().rev())
        .filter(|key| key.name.as_deref().unwrap_or_default().starts_with(prefix))
        .filter(|key| {
            let wanted = input.customer_id.as_deref();
            wanted.is_none_or(|customer| key.customer_id.as_deref() == Some(customer))
        })
        .map(|key| key.to_wire(with_values, Tags::WhenAny))
        .collect();
    Ok(metering::page_leniently(items, input.paging)?)
}

pub fn update_api_key(
    shared: &Shared,
    ctx: &RequestContext,
    input: Update<ApiKeyRef>,
) -> Result<Value, AwsError> {
    let patches = patch::read(input.patch, "updateApiKeyInput")?;
    let mut state = lock(&shared.apigateway);
    let current = (state.metering.get(&ctx.region))
        .and_then(|metering| metering.key(&input.key.api_key))
        .cloned()
        .ok_or_else(key_not_found)?;
    let mut updated = current;
    for patch in &patches {
        apply(&state, ctx, &mut updated, patch)?;
    }
    updated.last_updated_date = epoch_seconds(ctx);
    let wire = updated.to_wire(false, Tags::Always);
    if let Some(key) = metering_mut(&mut state, ctx).key_mut(&input.key.api_key) {
        *key = updated;
    }
    Ok(wire)
}

/// One patch operation on a key (applied to a copy: a failing one changes nothing).
fn apply(
    state: &ApiGatewayState,
    ctx: &RequestContext,
    key: &mut ApiKey,
    patch: &Patch,
) -> Result<(), ApiGatewayError> {
    match (patch.op, patch.path.as_str()) {
        (Op::Replace, "/name") => {
            let name = patch.value.clone().unwrap_or_default();
            check_name(&name)?;
            key.name = Some(name);
        }
        (Op::Replace, "/description") => {
            let description = patch.value.clone().unwrap_or_default();
            check_description(&description)?;
            key.description = Some(description);
        }
        // AWS takes anything but "true" as false rather than refusing it.
        (Op::Replace, "/enabled") => key.enabled = patch.value.as_deref() == Some("true"),
        (Op::Replace, "/customerId") => key.customer_id = patch.value.clone(),
        (Op::Add | Op::Remove, "/stages") => {
            let named = patch.value()?;
            let (api_id, stage) = named.split_once('/').ok_or_else(|| {
                ApiGatewayError::BadRequest(format!("Invalid stage key specified: {named}"))
            })?;
            if patch.op == Op::Add {
                let stage_key = stage_key(state, ctx, api_id, stage)?;
                if !key.stage_keys.contains(&stage_key) {
                    key.stage_keys.push(stage_key);
                }
            } else {
                key.stage_keys.retain(|known| known != named);
            }
        }
        _ => {
            return Err(ApiGatewayError::BadRequest(format!(
                "Invalid patch path  '{}' specified for op '{}'. Must be one of: \
                 [/description, /enabled, /name, /customerId]",
                patch.path,
                patch.op.as_str()
            )));
        }
    }
    Ok(())
}

/// Deletes a key, and with it its place in every usage plan and what it used there.
pub fn delete_api_key(
    shared: &Shared,
    ctx: &RequestContext,
    input: ApiKeyRef,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let metering = metering_mut(&mut state, ctx);
    metering.key(&input.api_key).ok_or_else(key_not_found)?;
    let id = input.api_key.as_str();
    metering.keys.retain(|key| key.id != id);
    for plan in &mut metering.plans {
        plan.keys.retain(|key| key != id);
    }
    for keys in metering.usage.values_mut() {
        keys.remove(id);
    }
    Ok(Value::Null)
}
