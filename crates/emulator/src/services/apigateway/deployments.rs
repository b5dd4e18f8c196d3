//! Deployments: CreateDeployment, GetDeployments, GetDeployment, UpdateDeployment,
//! DeleteDeployment. A deployment is a frozen copy of the API's resources, methods and
//! integrations; creating one with a `stageName` also creates or moves that stage, or, with
//! `canarySettings`, gives the existing stage a canary on the new deployment. What that does to
//! the stage reaches its invoke URL after AWS's propagation delay (see `propagation`).

use super::errors::ApiGatewayError;
use super::inputs::{ApiPage, ApiRef, DeploymentRef, Update};
use super::model::{Canary, Deployment, RestApi, Stage, new_id};
use super::patch::{self, Op};
use super::propagation;
use super::stages::check_stage_name;
use super::{api, api_mut, epoch_seconds, page};
use crate::error::AwsError;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanarySettingsInput {
    pub percent_traffic: Option<f64>,
    pub deployment_id: Option<String>,
    pub stage_variable_overrides: Option<BTreeMap<String, String>>,
    pub use_stage_cache: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDeploymentInput {
    #[serde(flatten)]
    api: ApiRef,
    stage_name: Option<String>,
    stage_description: Option<String>,
    description: Option<String>,
    cache_cluster_enabled: Option<bool>,
    cache_cluster_size: Option<String>,
    variables: Option<BTreeMap<String, String>>,
    canary_settings: Option<CanarySettingsInput>,
    tracing_enabled: Option<bool>,
}

pub fn create_deployment(
    shared: &Shared,
    ctx: &RequestContext,
    input: CreateDeploymentInput,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let api = api_mut(&mut state, ctx, &input.api.rest_api_id)?;
    if let Some(canary) = &input.canary_settings {
        let stage = match input.stage_name.as_deref() {
            None | Some("") => {
                return Err(ApiGatewayError::BadRequest(format!(
                    "Invalid deployment content specified.Non null and non empty stageName must \
                     be provided for canary deployment. Provided value is {}",
                    input.stage_name.as_deref().unwrap_or("null")
                ))
                .into());
            }
            Some(stage) => stage,
        };
        if api.stage(stage).is_none() {
            return Err(ApiGatewayError::BadRequest(format!(
                "Invalid deployment content specified.Stage {stage} must already be created \
                 before making a canary release deployment"
            ))
            .into());
        }
        check_percent(canary.percent_traffic)?;
    }
    if let Some(stage) = &input.stage_name {
        check_stage_name(stage)?;
    }
    check_deployable(api)?;
    let now = epoch_seconds(ctx);
    let deployment = Deployment {
        id: new_deployment_id(api, &shared.ids),
        description: input.description,
        created_date: now,
        resources: api.resources.clone(),
        authorizers: api.authorizers.clone(),
    };
    let id = deployment.id.clone();
    let wire = deployment.to_wire(false);
    api.deployments.push(deployment);
    if let Some(stage_name) = input.stage_name.filter(|name| !name.is_empty()) {
        let variables = input.variables.unwrap_or_default();
        let at = crate::clock::millis(ctx.now);
        let before = api.stage(&stage_name).and_then(|stage| propagation::served_at(stage, at));
        match (api.stage_mut(&stage_name), input.canary_settings) {
            (Some(stage), Some(canary)) => {
                stage.canary = Some(Canary {
                    deployment_id: id,
                    percent_traffic: canary.percent_traffic.unwrap_or(0.0),
                    stage_variable_overrides: canary.stage_variable_overrides.unwrap_or_default(),
                    use_stage_cache: canary.use_stage_cache.unwrap_or(false),
                });
                stage.last_updated_date = now;
            }
            (Some(stage), None) => {
                stage.deployment_id = id;
                stage.variables.extend(variables);
                if let Some(description) = input.stage_description {
                    stage.description = Some(description);
                }
                stage.last_updated_date = now;
            }
            (None, _) => api.stages.push(Stage {
                stage_name: stage_name.clone(),
                deployment_id: id,
                description: input.stage_description,
                cache_cluster_enabled: input.cache_cluster_enabled.unwrap_or(false),
                cache_cluster_size: input.cache_cluster_size,
                variables,
                canary: None,
                method_settings: BTreeMap::new(),
                tracing_enabled: input.tracing_enabled.unwrap_or(false),
                access_log_settings: Map::new(),
                client_certificate_id: None,
                documentation_version: None,
                tags: BTreeMap::new(),
                created_date: now,
                last_updated_date: now,
                extra: Map::new(),
                propagation: None,
            }),
        }
        let name = api.name.clone();
        if let Some(stage) = api.stage_mut(&stage_name) {
            propagation::changed(stage, before, &name, &shared.config.clockwork, at);
        }
    }
    Ok(wire)
}

pub fn get_deployments(
    shared: &Shared,
    ctx: &RequestContext,
    input: ApiPage,
) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let api = api(&state, ctx, &input.api.rest_api_id)?;
    let items: Vec<Value> =
        api.deployments.iter().map(|deployment| deployment.to_wire(false)).collect();
    Ok(page(items, &input.paging)?)
}

/// GetDeployment's input: `?embed=apisummary` adds the API's summary.
#[derive(Debug, Deserialize)]
pub struct GetDeploymentInput {
    #[serde(flatten)]
    key: DeploymentRef,
    #[serde(default, rename = "queries:embed")]
    embed: Vec<String>,
}

pub fn get_deployment(
    shared: &Shared,
    ctx: &RequestContext,
    input: GetDeploymentInput,
) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let api = api(&state, ctx, &input.key.rest_api_id)?;
    let deployment = (api.deployment(&input.key.deployment_id))
        .ok_or_else(ApiGatewayError::deployment_not_found)?;
    let summary = (input.embed.iter())
        .any(|embed| embed.split(',').any(|part| part.trim().eq_ignore_ascii_case("apisummary")));
    Ok(deployment.to_wire(summary))
}

pub fn update_deployment(
    shared: &Shared,
    ctx: &RequestContext,
    input: Update<DeploymentRef>,
) -> Result<Value, AwsError> {
    let patches = patch::read(input.patch, "updateDeploymentInput")?;
    let mut state = lock(&shared.apigateway);
    let api = api_mut(&mut state, ctx, &input.key.rest_api_id)?;
    let id = input.key.deployment_id.as_str();
    let deployment = (api.deployments.iter_mut().find(|deployment| deployment.id == id))
        .ok_or_else(ApiGatewayError::deployment_not_found)?;
    let mut description = deployment.description.clone();
    for patch in patches {
        match (patch.op, patch.path.as_str()) {
            (Op::Replace | Op::Add | Op::Remove, "/description") => {
                patch::patch_optional(&mut description, &patch)?;
            }
            _ => return Err(patch.unsupported().into()),
        }
    }
    deployment.description = description;
    Ok(deployment.to_wire(false))
}

pub fn delete_deployment(
    shared: &Shared,
    ctx: &RequestContext,
    key: DeploymentRef,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let api = api_mut(&mut state, ctx, &key.rest_api_id)?;
    let id = key.deployment_id.as_str();
    api.deployment(id).ok_or_else(ApiGatewayError::deployment_not_found)?;
    let in_use = api.stages.iter().any(|stage| {
        stage.deployment_id == id
            || stage.canary.as_ref().is_some_and(|canary| canary.deployment_id == id)
    });
    if in_use {
        return Err(ApiGatewayError::BadRequest(
            "Active stages pointing to this deployment must be moved or deleted".into(),
        )
        .into());
    }
    api.deployments.retain(|deployment| deployment.id != id);
    Ok(Value::Null)
}

/// What AWS refuses to deploy: an API without methods, or a method without an integration.
fn check_deployable(api: &RestApi) -> Result<(), ApiGatewayError> {
    let methods: Vec<_> =
        api.resources.iter().flat_map(|resource| resource.methods.values()).collect();
    if methods.is_empty() {
        return Err(ApiGatewayError::BadRequest("The REST API doesn't contain any methods".into()));
    }
    if methods.iter().any(|method| method.integration.is_none()) {
        return Err(ApiGatewayError::BadRequest("No integration defined for method".into()));
    }
    Ok(())
}

/// A canary's share of traffic: 0.0 to 100.0.
pub fn check_percent(percent: Option<f64>) -> Result<(), ApiGatewayError> {
    match percent {
        Some(percent) if !(0.0..=100.0).contains(&percent) => Err(ApiGatewayError::BadRequest(
            "Canary traffic percentage must be between 0.0 and 100.0".into(),
        )),
        _ => Ok(()),
    }
}

/// A fresh deployment id (six characters, as AWS's), unique in this API.
fn new_deployment_id(api: &RestApi, ids: &crate::ids::Ids) -> String {
    loop {
        let id = new_id(ids, 6);
        if api.deployment(&id).is_none() {
            return id;
        }
    }
}
