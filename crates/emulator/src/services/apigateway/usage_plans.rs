//! Usage plans: CreateUsagePlan, GetUsagePlan, GetUsagePlans, UpdateUsagePlan,
//! DeleteUsagePlan. A plan names the API stages its keys may call, how fast (`throttle`: a
//! rate and a burst, per method where `apiStages[].throttle` says) and how often (`quota`: a
//! number of requests per day, week or month).
//!
//! `UpdateUsagePlan` takes AWS's patch paths: `replace` of `/name`, `/description`,
//! `/productCode`, `/throttle/rateLimit`, `/throttle/burstLimit`, `/quota/limit`,
//! `/quota/offset`, `/quota/period`; `remove` of `/throttle` and `/quota`; `add` and `remove`
//! of `/apiStages` with the value `apiId:stage`; and a method's throttle within a stage,
//! `/apiStages/apiId:stage/throttle/~1pets/GET/rateLimit` (or `burstLimit`), which `remove`
//! drops (`…/throttle/~1pets/GET`, or `…/throttle` for all of them).
//!
//! Not here: a plan's keys and usage (`usage_plan_keys`), and enforcement (`throttling`).

use super::api_keys::metering_mut;
use super::errors::ApiGatewayError;
use super::inputs::{Paging, Update};
use super::metering::{
    self, ApiStage, Metering, Period, Quota, Tags, Throttle, UsagePlan, plan_not_found,
};
use super::model::{ApiGatewayState, new_id};
use super::patch::{self, Op, Patch};
use crate::error::AwsError;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleInput {
    burst_limit: Option<i64>,
    rate_limit: Option<f64>,
}

impl ThrottleInput {
    fn settings(&self) -> Throttle {
        Throttle {
            burst_limit: self.burst_limit.unwrap_or(0),
            rate_limit: self.rate_limit.unwrap_or(0.0),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QuotaInput {
    limit: Option<i64>,
    offset: Option<i64>,
    period: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiStageInput {
    api_id: Option<String>,
    stage: Option<String>,
    throttle: Option<BTreeMap<String, ThrottleInput>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateUsagePlanInput {
    name: Option<String>,
    description: Option<String>,
    api_stages: Option<Vec<ApiStageInput>>,
    throttle: Option<ThrottleInput>,
    quota: Option<QuotaInput>,
    tags: Option<BTreeMap<String, String>>,
}

/// `/usageplans/{usagePlanId}`.
#[derive(Debug, Deserialize)]
pub struct UsagePlanRef {
    #[serde(rename = "label:usagePlanId")]
    pub usage_plan_id: String,
}

#[derive(Debug, Deserialize)]
pub struct GetUsagePlansInput {
    #[serde(flatten)]
    paging: Paging,
    #[serde(rename = "query:keyId")]
    key_id: Option<String>,
}

/// Whether `api_id` has a stage `stage` in the request's region.
fn stage_exists(state: &ApiGatewayState, ctx: &RequestContext, api_id: &str, stage: &str) -> bool {
    state.api(&ctx.region, api_id).is_some_and(|api| api.stage(stage).is_some())
}

fn quota_of(input: QuotaInput, member: &str) -> Result<Quota, ApiGatewayError> {
    let text = input.period.unwrap_or_default();
    let period = Period::parse(&text)
        .ok_or_else(|| ApiGatewayError::not_in_enum(&text, member, Period::ALLOWED))?;
    Ok(Quota { limit: input.limit.unwrap_or(0), offset: input.offset.unwrap_or(0), period })
}

pub fn create_usage_plan(
    shared: &Shared,
    ctx: &RequestContext,
    input: CreateUsagePlanInput,
) -> Result<Value, AwsError> {
    let Some(name) = input.name else {
        let message = crate::validation::missing("createUsagePlanInput.name");
        return Err(ApiGatewayError::Validation(message).into());
    };
    let quota = match input.quota {
        Some(quota) => Some(quota_of(quota, "createUsagePlanInput.quota.period")?),
        None => None,
    };
    let mut state = lock(&shared.apigateway);
    let mut api_stages = Vec::new();
    for stage in input.api_stages.unwrap_or_default() {
        let (api_id, name) = (stage.api_id.unwrap_or_default(), stage.stage.unwrap_or_default());
        if !stage_exists(&state, ctx, &api_id, &name) {
            let message = format!("API Stage not found: {api_id}:{name}");
            return Err(ApiGatewayError::NotFound(message).into());
        }
        let throttle = (stage.throttle.unwrap_or_default().into_iter())
            .map(|(method, limits)| {
                let (path, verb) = method.rsplit_once('/').unwrap_or(("", &method));
                (metering::method_key(path, verb), limits.settings())
            })
            .collect();
        api_stages.push(ApiStage { api_id, stage: name, throttle });
    }
    let metering = metering_mut(&mut state, ctx);
    let id = loop {
        let id = new_id(&shared.ids, 6);
        if metering.plan(&id).is_none() {
            break id;
        }
    };
    let plan = UsagePlan {
        id,
        name,
        description: input.description,
        api_stages,
        throttle: input.throttle.as_ref().map(ThrottleInput::settings),
        quota,
        product_code: None,
        tags: input.tags.unwrap_or_default(),
        keys: Vec::new(),
        created_on: metering::day_of(ctx.now),
    };
    let wire = plan.to_wire(Tags::WhenAny);
    metering.plans.push(plan);
    Ok(wire)
}

pub fn get_usage_plan(
    shared: &Shared,
    ctx: &RequestContext,
    input: UsagePlanRef,
) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let plan = (state.metering.get(&ctx.region))
        .and_then(|metering| metering.plan(&input.usage_plan_id))
        .ok_or_else(plan_not_found)?;
    Ok(plan.to_wire(Tags::Always))
}

pub fn get_usage_plans(
    shared: &Shared,
    ctx: &RequestContext,
    input: GetUsagePlansInput,
) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let plans = state.metering.get(&ctx.region).map(|metering| metering.plans.as_slice());
    let wanted = input.key_id.as_deref();
    let items: Vec<Value> = (plans.unwrap_or_default().iter())
        .filter(|plan| wanted.is_none_or(|key| plan.keys.iter().any(|known| known == key)))
        .map(|plan| plan.to_wire(Tags::WhenAny))
        .collect();
    Ok(metering::page_leniently(items, input.paging)?)
}

pub fn delete_usage_plan(
    shared: &Shared,
    ctx: &RequestContext,
    input: UsagePlanRef,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let metering = metering_mut(&mut state, ctx);
    metering.plan(&input.usage_plan_id).ok_or_else(plan_not_found)?;
    metering.plans.retain(|plan| plan.id != input.usage_plan_id);
    metering.usage.remove(&input.usage_plan_id);
    Ok(Value::Null)
}

pub fn update_usage_plan(
    shared: &Shared,
    ctx: &RequestContext,
    input: Update<UsagePlanRef>,
) -> Result<Value, AwsError> {
    let patches = patch::read(input.patch, "updateUsagePlanInput")?;
    let mut state = lock(&shared.apigateway);
    let id = input.key.usage_plan_id;
    let mut updated = (state.metering.get(&ctx.region))
        .and_then(|metering| metering.plan(&id))
        .cloned()
        .ok_or_else(plan_not_found)?;
    for patch in &patches {
        apply(&state, ctx, &mut updated, patch)?;
    }
    let metering = metering_mut(&mut state, ctx);
    for key in &updated.keys {
        metering::check_one_plan_per_stage(metering, &id, key, &updated.api_stages)?;
    }
    let wire = updated.to_wire(Tags::Always);
    if let Some(plan) = metering.plan_mut(&id) {
        *plan = updated;
    }
    Ok(wire)
}

fn number<T: std::str::FromStr>(patch: &Patch) -> Result<T, ApiGatewayError> {
    let text = patch.value()?;
    text.parse().map_err(|_| {
        ApiGatewayError::BadRequest(format!("Invalid value '{text}' for {}", patch.path))
    })
}

/// One patch operation on a plan (applied to a copy: a failing one changes nothing).
fn apply(
    state: &ApiGatewayState,
    ctx: &RequestContext,
    plan: &mut UsagePlan,
    patch: &Patch,
) -> Result<(), ApiGatewayError> {
    let segments = patch.segments();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (patch.op, segments.as_slice()) {
        (Op::Replace, ["name"]) => plan.name = patch.value()?.to_string(),
        (Op::Replace | Op::Remove, ["description"]) => {
            patch::patch_optional(&mut plan.description, patch)?
        }
        (Op::Replace | Op::Remove, ["productCode"]) => {
            patch::patch_optional(&mut plan.product_code, patch)?
        }
        (Op::Remove, ["throttle"]) => plan.throttle = None,
        (Op::Replace, ["throttle", "rateLimit"]) => {
            plan.throttle.get_or_insert_with(Throttle::default).rate_limit = number(patch)?
        }
        (Op::Replace, ["throttle", "burstLimit"]) => {
            plan.throttle.get_or_insert_with(Throttle::default).burst_limit = number(patch)?
        }
        (Op::Remove, ["quota"]) => plan.quota = None,
        (Op::Replace, ["quota", setting @ ("limit" | "offset" | "period")]) => {
            let quota =
                plan.quota.get_or_insert(Quota { limit: 0, offset: 0, period: Period::Day });
            match *setting {
                "limit" => quota.limit = number(patch)?,
                "offset" => quota.offset = number(patch)?,
                _ => {
                    let text = patch.value()?;
                    quota.period = Period::parse(text).ok_or_else(|| {
                        ApiGatewayError::BadRequest(format!(
                            "Invalid quota period {text}. Must be one of: {}",
                            Period::ALLOWED
                        ))
                    })?;
                }
            }
        }
        (Op::Add | Op::Remove, ["apiStages"]) => {
            let (api_id, stage) = named_stage(patch)?;
            let known = stage_exists(state, ctx, api_id, stage);
            let unknown = || invalid_stage(api_id, stage, &plan.id);
            if patch.op == Op::Add {
                if !known {
                    return Err(ApiGatewayError::BadRequest(unknown()));
                }
                if plan.stage(api_id, stage).is_none() {
                    let (api_id, stage) = (api_id.to_string(), stage.to_string());
                    plan.api_stages.push(ApiStage { api_id, stage, throttle: BTreeMap::new() });
                }
            } else {
                if !known || plan.stage(api_id, stage).is_none() {
                    return Err(ApiGatewayError::NotFound(unknown()));
                }
                plan.api_stages.retain(|s| !(s.api_id == api_id && s.stage == stage));
            }
        }
        (_, ["apiStages", named, "throttle", rest @ ..]) => {
            let (api_id, stage) = named.split_once(':').unwrap_or((named, ""));
            let plan_id = plan.id.clone();
            let covered = (plan.api_stages.iter_mut())
                .find(|s| s.api_id == api_id && s.stage == stage)
                .ok_or_else(|| ApiGatewayError::NotFound(invalid_stage(api_id, stage, &plan_id)))?;
            method_throttle(&mut covered.throttle, patch, rest)?;
        }
        _ => return Err(patch.unsupported()),
    }
    Ok(())
}

/// The `apiId:stage` an `/apiStages` operation names, or AWS's refusal of its value.
fn named_stage(patch: &Patch) -> Result<(&str, &str), ApiGatewayError> {
    let invalid = || ApiGatewayError::BadRequest("Invalid API Stage specified".into());
    let value = patch.value.as_deref().filter(|value| !value.is_empty()).ok_or_else(invalid)?;
    match value.split(':').collect::<Vec<_>>().as_slice() {
        [api_id, stage] if !api_id.is_empty() && !stage.is_empty() => Ok((api_id, stage)),
        _ => Err(invalid()),
    }
}

fn invalid_stage(api_id: &str, stage: &str, plan_id: &str) -> String {
    format!("Invalid API Stage {{api: {api_id}, stage: {stage}}} specified for usageplan {plan_id}")
}

/// A method's throttle within a plan's stage: `rest` is what follows `…/throttle` in the
/// path, the resource path (unescaped) and the verb, then the setting.
fn method_throttle(
    throttles: &mut BTreeMap<String, Throttle>,
    patch: &Patch,
    rest: &[&str],
) -> Result<(), ApiGatewayError> {
    match (patch.op, rest) {
        (Op::Remove, []) => throttles.clear(),
        (Op::Remove, [path, verb]) => {
            throttles.remove(&metering::method_key(path, verb));
        }
        (Op::Add | Op::Replace, [path, verb, setting @ ("rateLimit" | "burstLimit")]) => {
            let limits = throttles.entry(metering::method_key(path, verb)).or_default();
            if *setting == "rateLimit" {
                limits.rate_limit = number(patch)?;
            } else {
                limits.burst_limit = number(patch)?;
            }
        }
        _ => return Err(patch.unsupported()),
    }
    Ok(())
}

/// The plans of a region, for the operations on plan keys.
pub fn plan_of<'a>(metering: &'a Metering, id: &str) -> Result<&'a UsagePlan, ApiGatewayError> {
    metering.plan(id).ok_or_else(plan_not_found)
}
