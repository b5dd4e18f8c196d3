//! Stages: CreateStage, GetStage, GetStages, UpdateStage, DeleteStage. A stage names the
//! deployment its invoke URL runs, its stage variables and, optionally, a canary.
//!
//! `UpdateStage` takes AWS's patch paths: `/deploymentId`, `/description`, `/variables/NAME`,
//! `/canarySettings/…` (a `replace` there creates the canary if the stage has none, on the
//! stage's own deployment), method settings such as `/*/*/throttling/rateLimit` (whose
//! throttling the invoke URL enforces, see `throttling`), and the promotion of a canary the way the console does it:
//! `copy` from `/canarySettings/stageVariableOverrides` to `/variables`, `copy` from
//! `/canarySettings/deploymentId` to `/deploymentId`, then `remove` `/canarySettings` (or a
//! `replace` of its `percentTraffic` with 0).
//!
//! A new stage, and a change of what a stage's URL serves (its deployment, variables or
//! canary), reach the URL after AWS's propagation delay (see `propagation`); the operations
//! here answer with the new values at once, as AWS's do.

use super::deployments::{CanarySettingsInput, check_percent};
use super::errors::ApiGatewayError;
use super::inputs::{ApiRef, StageRef, Update};
use super::model::{Canary, RestApi, Stage};
use super::patch::{self, Op, Patch};
use super::propagation;
use super::{api, api_mut, epoch_seconds};
use crate::error::AwsError;
use crate::protocol::rest_json::BodyMembers;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The paths `UpdateStage` accepts, as AWS lists them when refusing another.
const STAGE_PATHS: &str = "[/deploymentId, /description, /cacheClusterEnabled, \
/cacheClusterSize, /clientCertificateId, /accessLogSettings, /accessLogSettings/destinationArn, \
/accessLogSettings/format, /{resourcePath}/{httpMethod}/metrics/enabled, \
/{resourcePath}/{httpMethod}/logging/dataTrace, /{resourcePath}/{httpMethod}/logging/loglevel, \
/{resourcePath}/{httpMethod}/throttling/burstLimit/{resourcePath}/{httpMethod}/throttling/rateLimit\
/{resourcePath}/{httpMethod}/caching/ttlInSeconds, /{resourcePath}/{httpMethod}/caching/enabled, \
/{resourcePath}/{httpMethod}/caching/dataEncrypted, \
/{resourcePath}/{httpMethod}/caching/requireAuthorizationForCacheControl, \
/{resourcePath}/{httpMethod}/caching/unauthorizedCacheControlHeaderStrategy, \
/*/*/metrics/enabled, /*/*/logging/dataTrace, /*/*/logging/loglevel, \
/*/*/throttling/burstLimit /*/*/throttling/rateLimit /*/*/caching/ttlInSeconds, \
/*/*/caching/enabled, /*/*/caching/dataEncrypted, \
/*/*/caching/requireAuthorizationForCacheControl, \
/*/*/caching/unauthorizedCacheControlHeaderStrategy, /variables/{variable_name}, \
/tracingEnabled]";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateStageInput {
    #[serde(flatten)]
    api: ApiRef,
    stage_name: Option<String>,
    deployment_id: Option<String>,
    description: Option<String>,
    cache_cluster_enabled: Option<bool>,
    cache_cluster_size: Option<String>,
    variables: Option<BTreeMap<String, String>>,
    documentation_version: Option<String>,
    canary_settings: Option<CanarySettingsInput>,
    tracing_enabled: Option<bool>,
    tags: Option<BTreeMap<String, String>>,
    #[serde(flatten)]
    extra: BodyMembers,
}

/// Stage names: letters, digits, `-` and `_`, at most 128.
pub fn check_stage_name(name: &str) -> Result<(), ApiGatewayError> {
    let valid = !name.is_empty()
        && name.len() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        return Ok(());
    }
    Err(ApiGatewayError::BadRequest("Stage name only allows a-zA-Z0-9_-".into()))
}

fn deployment_missing() -> ApiGatewayError {
    ApiGatewayError::BadRequest("Deployment id does not exist".into())
}

pub fn create_stage(
    shared: &Shared,
    ctx: &RequestContext,
    input: CreateStageInput,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let api = api_mut(&mut state, ctx, &input.api.rest_api_id)?;
    let name = input.stage_name.unwrap_or_default();
    check_stage_name(&name)?;
    let deployment_id = input.deployment_id.unwrap_or_default();
    api.deployment(&deployment_id).ok_or_else(ApiGatewayError::deployment_not_found)?;
    if api.stage(&name).is_some() {
        return Err(ApiGatewayError::Conflict("Stage already exists".into()).into());
    }
    let canary = match input.canary_settings {
        None => None,
        Some(canary) => {
            check_percent(canary.percent_traffic)?;
            let target = canary.deployment_id.unwrap_or_else(|| deployment_id.clone());
            api.deployment(&target).ok_or_else(deployment_missing)?;
            Some(Canary {
                deployment_id: target,
                percent_traffic: canary.percent_traffic.unwrap_or(0.0),
                stage_variable_overrides: canary.stage_variable_overrides.unwrap_or_default(),
                use_stage_cache: canary.use_stage_cache.unwrap_or(false),
            })
        }
    };
    let now = epoch_seconds(ctx);
    let mut stage = Stage {
        stage_name: name,
        deployment_id,
        description: input.description,
        cache_cluster_enabled: input.cache_cluster_enabled.unwrap_or(false),
        cache_cluster_size: input.cache_cluster_size,
        variables: input.variables.unwrap_or_default(),
        canary,
        method_settings: BTreeMap::new(),
        tracing_enabled: input.tracing_enabled.unwrap_or(false),
        access_log_settings: Map::new(),
        client_certificate_id: None,
        documentation_version: input.documentation_version,
        tags: input.tags.unwrap_or_default(),
        created_date: now,
        last_updated_date: now,
        extra: input.extra.0,
        propagation: None,
    };
    let at = crate::clock::millis(ctx.now);
    propagation::changed(&mut stage, None, &api.name, &shared.config.clockwork, at);
    let wire = stage.to_wire();
    api.stages.push(stage);
    Ok(wire)
}

pub fn get_stage(shared: &Shared, ctx: &RequestContext, key: StageRef) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let api = api(&state, ctx, &key.rest_api_id)?;
    let stage = api.stage(&key.stage_name).ok_or_else(ApiGatewayError::stage_not_found)?;
    Ok(stage.to_wire())
}

/// GetStages' input: `?deploymentId=` keeps the stages of one deployment.
#[derive(Debug, Deserialize)]
pub struct GetStagesInput {
    #[serde(flatten)]
    api: ApiRef,
    #[serde(rename = "query:deploymentId")]
    deployment_id: Option<String>,
}

pub fn get_stages(
    shared: &Shared,
    ctx: &RequestContext,
    input: GetStagesInput,
) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let api = api(&state, ctx, &input.api.rest_api_id)?;
    let wanted = input.deployment_id.as_deref();
    let items: Vec<Value> = (api.stages.iter())
        .filter(|stage| wanted.is_none_or(|id| stage.deployment_id == id))
        .map(Stage::to_wire)
        .collect();
    Ok(json!({ "item": items }))
}

pub fn delete_stage(
    shared: &Shared,
    ctx: &RequestContext,
    key: StageRef,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let api = api_mut(&mut state, ctx, &key.rest_api_id)?;
    let name = key.stage_name.as_str();
    api.stage(name).ok_or_else(ApiGatewayError::stage_not_found)?;
    api.stages.retain(|stage| stage.stage_name != name);
    Ok(Value::Null)
}

pub fn update_stage(
    shared: &Shared,
    ctx: &RequestContext,
    input: Update<StageRef>,
) -> Result<Value, AwsError> {
    let patches = patch::read(input.patch, "updateStageInput")?;
    let mut state = lock(&shared.apigateway);
    let api = api_mut(&mut state, ctx, &input.key.rest_api_id)?;
    let name = input.key.stage_name.as_str();
    let mut updated = api.stage(name).cloned().ok_or_else(ApiGatewayError::stage_not_found)?;
    let at = crate::clock::millis(ctx.now);
    let before = propagation::served_at(&updated, at);
    for patch in &patches {
        apply(api, &mut updated, patch)?;
    }
    propagation::changed(&mut updated, before, &api.name, &shared.config.clockwork, at);
    updated.last_updated_date = epoch_seconds(ctx);
    let wire = updated.to_wire();
    if let Some(stage) = api.stage_mut(name) {
        *stage = updated;
    }
    Ok(wire)
}

/// One patch operation on a stage (the whole list is applied to a copy, so a failing
/// operation leaves the stage as it was).
fn apply(api: &RestApi, stage: &mut Stage, patch: &Patch) -> Result<(), ApiGatewayError> {
    let segments = patch.segments();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (patch.op, segments.as_slice()) {
        (Op::Copy, _) => return promote(stage, patch),
        (Op::Replace, ["deploymentId"]) => {
            let id = patch.value()?;
            api.deployment(id).ok_or_else(deployment_missing)?;
            stage.deployment_id = id.to_string();
        }
        (_, ["description"]) => patch::patch_optional(&mut stage.description, patch)?,
        (Op::Replace, ["cacheClusterEnabled"]) => {
            stage.cache_cluster_enabled = patch.bool_value()?
        }
        (_, ["cacheClusterSize"]) => patch::patch_optional(&mut stage.cache_cluster_size, patch)?,
        (Op::Replace, ["tracingEnabled"]) => stage.tracing_enabled = patch.bool_value()?,
        (_, ["clientCertificateId"]) => {
            patch::patch_optional(&mut stage.client_certificate_id, patch)?
        }
        (_, ["documentationVersion"]) => {
            patch::patch_optional(&mut stage.documentation_version, patch)?;
        }
        (_, ["variables", name]) => {
            patch::patch_string_map(&mut stage.variables, name.to_string(), patch)?;
        }
        (Op::Remove, ["canarySettings"]) => stage.canary = None,
        (Op::Replace, ["canarySettings", "deploymentId"]) => {
            let id = patch.value()?;
            api.deployment(id).ok_or_else(deployment_missing)?;
            canary_of(stage).deployment_id = id.to_string();
        }
        (Op::Replace, ["canarySettings", "percentTraffic"]) => {
            let percent = patch.value()?.parse::<f64>().map_err(|_| {
                ApiGatewayError::BadRequest(format!(
                    "Invalid value for percentTraffic: {}",
                    patch.value.as_deref().unwrap_or_default()
                ))
            })?;
            check_percent(Some(percent))?;
            canary_of(stage).percent_traffic = percent;
        }
        (Op::Replace, ["canarySettings", "useStageCache"]) => {
            canary_of(stage).use_stage_cache = patch.bool_value()?;
        }
        (Op::Add | Op::Replace, ["canarySettings", "stageVariableOverrides", name]) => {
            let value = patch.value()?.to_string();
            canary_of(stage).stage_variable_overrides.insert(name.to_string(), value);
        }
        (Op::Remove, ["canarySettings", "stageVariableOverrides", name])
            if stage.canary.is_some() =>
        {
            if let Some(canary) = &mut stage.canary {
                canary.stage_variable_overrides.remove(*name);
            }
        }
        (Op::Remove, ["canarySettings", ..]) => {
            return Err(ApiGatewayError::BadRequest(format!(
                "Cannot remove method setting {} because there is no method setting for this \
                 method ",
                patch.path.trim_start_matches('/')
            )));
        }
        (Op::Add, ["canarySettings", ..]) => {
            return Err(ApiGatewayError::BadRequest(format!(
                "Invalid add operation with path: {}",
                patch.path
            )));
        }
        (_, ["accessLogSettings"]) if patch.op == Op::Remove => stage.access_log_settings.clear(),
        (Op::Add | Op::Replace, ["accessLogSettings", setting @ ("destinationArn" | "format")]) => {
            let value = patch.value()?;
            if value.is_empty() {
                return Err(ApiGatewayError::BadRequest(
                    "Access Log value must not be empty".into(),
                ));
            }
            stage.access_log_settings.insert(setting.to_string(), json!(value));
        }
        (Op::Remove, ["accessLogSettings", setting]) => {
            stage.access_log_settings.remove(*setting);
        }
        (Op::Add | Op::Replace, [_, _, group, setting]) => {
            return method_setting(stage, patch, group, setting);
        }
        (Op::Remove, [_, _]) | (Op::Remove, [_, _, _, _]) => {
            let key = method_setting_key(&patch.path);
            if stage.method_settings.remove(&key).is_none() {
                return Err(ApiGatewayError::BadRequest(format!(
                    "Cannot remove method setting {key} because there is no method setting for \
                     this method "
                )));
            }
        }
        _ => return Err(invalid_stage_path(&patch.path)),
    }
    Ok(())
}

fn invalid_stage_path(path: &str) -> ApiGatewayError {
    ApiGatewayError::BadRequest(format!(
        "Invalid method setting path: {path}. Must be one of: {STAGE_PATHS}"
    ))
}

/// The stage's canary, created on the stage's own deployment when it has none.
fn canary_of(stage: &mut Stage) -> &mut Canary {
    let deployment_id = stage.deployment_id.clone();
    stage.canary.get_or_insert_with(|| Canary {
        deployment_id,
        percent_traffic: 0.0,
        stage_variable_overrides: BTreeMap::new(),
        use_stage_cache: false,
    })
}

/// The `copy` operations of a promotion: the canary's variables into the stage's (merged, as
/// AWS does), the canary's deployment into the stage's.
fn promote(stage: &mut Stage, patch: &Patch) -> Result<(), ApiGatewayError> {
    let from = patch.from.as_deref().unwrap_or_default();
    let allowed = matches!(
        (from, patch.path.as_str()),
        ("/canarySettings/stageVariableOverrides", "/variables")
            | ("/canarySettings/deploymentId", "/deploymentId")
    );
    if !allowed {
        return Err(ApiGatewayError::BadRequest(format!(
            "Invalid copy operation with path: {} and from {from}. Valid copy:path are \
             [/deploymentId, /variables] and valid copy:from are [/canarySettings/deploymentId, \
             /canarySettings/stageVariableOverrides]",
            patch.path
        )));
    }
    let canary = stage.canary.clone().ok_or_else(|| {
        ApiGatewayError::BadRequest("Promotion not available. Canary does not exist.".into())
    })?;
    if patch.path == "/variables" {
        stage.variables.extend(canary.stage_variable_overrides);
    } else {
        stage.deployment_id = canary.deployment_id;
    }
    Ok(())
}

/// `*/*` or `~1pets/GET`: the first two segments of a method-setting path, as written.
fn method_setting_key(path: &str) -> String {
    path.trim_start_matches('/').split('/').take(2).collect::<Vec<_>>().join("/")
}

/// One method setting (`/*/*/throttling/rateLimit`, `/~1houses/GET/logging/loglevel`, …). The
/// first one set on a method gets AWS's defaults for the others.
fn method_setting(
    stage: &mut Stage,
    patch: &Patch,
    group: &str,
    setting: &str,
) -> Result<(), ApiGatewayError> {
    let value = patch.value()?;
    let number = |text: &str| {
        text.parse::<f64>().map_err(|_| {
            ApiGatewayError::BadRequest(format!("Invalid value {text} for {}", patch.path))
        })
    };
    let (name, stored) = match (group, setting) {
        ("metrics", "enabled") => ("metricsEnabled", json!(patch.bool_value()?)),
        ("logging", "dataTrace") => ("dataTraceEnabled", json!(patch.bool_value()?)),
        ("logging", "loglevel") => {
            if !["OFF", "ERROR", "INFO"].contains(&value) {
                return Err(ApiGatewayError::BadRequest(format!(
                    "Invalid logging level {value}. Must be one of: OFF, ERROR, INFO"
                )));
            }
            ("loggingLevel", json!(value))
        }
        ("throttling", "burstLimit") => ("throttlingBurstLimit", json!(number(value)? as i64)),
        ("throttling", "rateLimit") => ("throttlingRateLimit", json!(number(value)?)),
        ("caching", "enabled") => ("cachingEnabled", json!(patch.bool_value()?)),
        ("caching", "ttlInSeconds") => ("cacheTtlInSeconds", json!(number(value)? as i64)),
        ("caching", "dataEncrypted") => ("cacheDataEncrypted", json!(patch.bool_value()?)),
        ("caching", "requireAuthorizationForCacheControl") => {
            ("requireAuthorizationForCacheControl", json!(patch.bool_value()?))
        }
        ("caching", "unauthorizedCacheControlHeaderStrategy") => {
            ("unauthorizedCacheControlHeaderStrategy", json!(value))
        }
        _ => return Err(invalid_stage_path(&patch.path)),
    };
    let settings =
        stage.method_settings.entry(method_setting_key(&patch.path)).or_insert_with(|| {
            let defaults = json!({
                "metricsEnabled": false,
                "loggingLevel": "OFF",
                "dataTraceEnabled": false,
                "throttlingBurstLimit": 5000,
                "throttlingRateLimit": 10000.0,
                "cachingEnabled": false,
                "cacheTtlInSeconds": 300,
                "cacheDataEncrypted": false,
                "requireAuthorizationForCacheControl": true,
                "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER",
            });
            defaults.as_object().cloned().unwrap_or_default()
        });
    settings.insert(name.to_string(), stored);
    Ok(())
}
