//! A usage plan's keys and what they used: CreateUsagePlanKey, GetUsagePlanKey,
//! GetUsagePlanKeys, DeleteUsagePlanKey, GetUsage.
//!
//! Adding a key to a plan lets it call the plan's stages; a key may be in several plans, but
//! only one of them may cover a given stage (AWS meters a key on a stage by one plan). Keys are
//! listed newest first, as AWS lists them, and a plan that does not exist has no keys (AWS
//! answers `GetUsagePlanKeys` for one with an empty list, not an error).
//!
//! `GetUsage` answers, for each key, one `[used, remaining]` pair per UTC day from `startDate`
//! to `endDate`: the requests the key made that day through the plan, and what was left of the
//! quota at the end of that day (0 when the plan has no quota).

use super::api_keys::metering_mut;
use super::errors::ApiGatewayError;
use super::inputs::Paging;
use super::metering::{self, key_not_found, plan_not_found};
use super::usage_plans::{UsagePlanRef, plan_of};
use crate::error::AwsError;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::{Map, Value, json};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateUsagePlanKeyInput {
    #[serde(flatten)]
    plan: UsagePlanRef,
    key_id: Option<String>,
    key_type: Option<String>,
}

/// `/usageplans/{usagePlanId}/keys/{keyId}`.
#[derive(Debug, Deserialize)]
pub struct UsagePlanKeyRef {
    #[serde(flatten)]
    plan: UsagePlanRef,
    #[serde(rename = "label:keyId")]
    key_id: String,
}

#[derive(Debug, Deserialize)]
pub struct GetUsagePlanKeysInput {
    #[serde(flatten)]
    plan: UsagePlanRef,
    #[serde(flatten)]
    paging: Paging,
    #[serde(rename = "query:name")]
    name_query: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct GetUsageInput {
    #[serde(flatten)]
    plan: UsagePlanRef,
    #[serde(rename = "query:keyId")]
    key_id: Option<String>,
    #[serde(rename = "query:startDate")]
    start_date: Option<String>,
    #[serde(rename = "query:endDate")]
    end_date: Option<String>,
}

pub fn create_usage_plan_key(
    shared: &Shared,
    ctx: &RequestContext,
    input: CreateUsagePlanKeyInput,
) -> Result<Value, AwsError> {
    let key_type = input.key_type.unwrap_or_default();
    if key_type != "API_KEY" {
        return Err(ApiGatewayError::BadRequest(format!(
            "Invalid key type specified: {key_type}. Must be API_KEY"
        ))
        .into());
    }
    let plan_id = input.plan.usage_plan_id;
    let key_id = input.key_id.unwrap_or_default();
    let mut state = lock(&shared.apigateway);
    let metering = metering_mut(&mut state, ctx);
    let plan = plan_of(metering, &plan_id)?;
    let key = metering.key(&key_id).ok_or_else(key_not_found)?;
    if plan.keys.contains(&key_id) {
        return Err(ApiGatewayError::Conflict("Usage Plan Key already exists".into()).into());
    }
    metering::check_one_plan_per_stage(metering, &plan_id, &key_id, &plan.api_stages)?;
    let wire = key.to_plan_key_wire();
    if let Some(plan) = metering.plan_mut(&plan_id) {
        plan.keys.push(key_id);
    }
    Ok(wire)
}

pub fn get_usage_plan_key(
    shared: &Shared,
    ctx: &RequestContext,
    input: UsagePlanKeyRef,
) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let metering = state.metering.get(&ctx.region).ok_or_else(plan_not_found)?;
    let plan = plan_of(metering, &input.plan.usage_plan_id)?;
    if !plan.keys.contains(&input.key_id) {
        return Err(key_not_found().into());
    }
    let key = metering.key(&input.key_id).ok_or_else(key_not_found)?;
    Ok(key.to_plan_key_wire())
}

pub fn get_usage_plan_keys(
    shared: &Shared,
    ctx: &RequestContext,
    input: GetUsagePlanKeysInput,
) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let metering = state.metering.get(&ctx.region);
    let plan = metering.and_then(|metering| metering.plan(&input.plan.usage_plan_id));
    let prefix = input.name_query.as_deref().unwrap_or_default();
    let items: Vec<Value> = (plan.map(|plan| plan.keys.as_slice()).unwrap_or_default().iter())
        .rev()
        .filter_map(|id| metering.and_then(|metering| metering.key(id)))
        .filter(|key| key.name.as_deref().unwrap_or_default().starts_with(prefix))
        .map(|key| key.to_plan_key_wire())
        .collect();
    Ok(metering::page_leniently(items, input.paging)?)
}

pub fn delete_usage_plan_key(
    shared: &Shared,
    ctx: &RequestContext,
    input: UsagePlanKeyRef,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let metering = metering_mut(&mut state, ctx);
    let plan_id = input.plan.usage_plan_id;
    let plan = metering.plan_mut(&plan_id).ok_or_else(plan_not_found)?;
    if !plan.keys.contains(&input.key_id) {
        return Err(key_not_found().into());
    }
    plan.keys.retain(|key| *key != input.key_id);
    if let Some(keys) = metering.usage.get_mut(&plan_id) {
        keys.remove(&input.key_id);
    }
    Ok(Value::Null)
}

/// A required date of `GetUsage`, as `yyyy-MM-dd`.
fn date(text: Option<String>, member: &str) -> Result<(String, time::Date), ApiGatewayError> {
    let Some(text) = text else {
        let message = crate::validation::missing(&format!("getUsageInput.{member}"));
        return Err(ApiGatewayError::Validation(message));
    };
    let date = metering::parse_day(&text).ok_or_else(|| {
        ApiGatewayError::BadRequest(format!("Invalid {member} {text}: dates are yyyy-MM-dd"))
    })?;
    Ok((text, date))
}

pub fn get_usage(
    shared: &Shared,
    ctx: &RequestContext,
    input: GetUsageInput,
) -> Result<Value, AwsError> {
    let (start_text, start) = date(input.start_date, "startDate")?;
    let (end_text, end) = date(input.end_date, "endDate")?;
    if end < start {
        return Err(ApiGatewayError::BadRequest(
            "The end date must not be before the start date".into(),
        )
        .into());
    }
    let state = lock(&shared.apigateway);
    let metering = state.metering.get(&ctx.region).ok_or_else(plan_not_found)?;
    let plan = plan_of(metering, &input.plan.usage_plan_id)?;
    let wanted = input.key_id.as_deref();
    let mut values = Map::new();
    for key in plan.keys.iter().filter(|key| wanted.is_none_or(|id| id == key.as_str())) {
        let mut days = Vec::new();
        let mut day = start;
        loop {
            let used = metering.used_on(&plan.id, key, day);
            let remaining = plan.quota.map_or(0, |quota| {
                let limit = plan.quota_limit(quota, quota.period.start(day));
                let spent = metering.used_in_period(&plan.id, key, quota.period, day);
                (limit - i64::try_from(spent).unwrap_or(i64::MAX)).max(0)
            });
            days.push(json!([used, remaining]));
            match day.next_day() {
                Some(next) if next <= end => day = next,
                _ => break,
            }
        }
        values.insert(key.clone(), Value::Array(days));
    }
    Ok(json!({
        "usagePlanId": plan.id,
        "startDate": start_text,
        "endDate": end_text,
        "values": values,
    }))
}
