//! REST APIs: CreateRestApi, GetRestApi, GetRestApis, UpdateRestApi, DeleteRestApi. A new API
//! has one resource, the root `/`, whose id the answer gives as `rootResourceId`.

use super::errors::ApiGatewayError;
use super::inputs::{ApiRef, Paging, Update};
use super::model::{Resource, RestApi};
use super::patch::{self, Op};
use super::{api, api_mut, epoch_seconds, page};
use crate::error::AwsError;
use crate::protocol::rest_json::BodyMembers;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

const ENDPOINT_TYPES: &str = "PRIVATE, EDGE, REGIONAL";
const MAX_COMPRESSION: i64 = 10_485_760;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EndpointConfigurationInput {
    types: Option<Vec<String>>,
    ip_address_type: Option<String>,
    vpc_endpoint_ids: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRestApiInput {
    name: Option<String>,
    description: Option<String>,
    version: Option<String>,
    binary_media_types: Option<Vec<String>>,
    minimum_compression_size: Option<i64>,
    api_key_source: Option<String>,
    endpoint_configuration: Option<EndpointConfigurationInput>,
    policy: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    disable_execute_api_endpoint: Option<bool>,
    /// `cloneFrom` and anything newer than the emulator: kept and returned.
    #[serde(flatten)]
    extra: BodyMembers,
}

pub fn create_rest_api(
    shared: &Shared,
    ctx: &RequestContext,
    input: CreateRestApiInput,
) -> Result<Value, AwsError> {
    let name = match input.name {
        None => {
            let message = crate::validation::missing("createRestApiInput.name");
            return Err(ApiGatewayError::Validation(message).into());
        }
        Some(name) if name.trim().is_empty() => {
            return Err(ApiGatewayError::BadRequest("Invalid API name specified".into()).into());
        }
        Some(name) => name,
    };
    if input.description.as_deref() == Some("") {
        return Err(
            ApiGatewayError::BadRequest("Description cannot be an empty string".into()).into()
        );
    }
    if let Some(size) = input.minimum_compression_size {
        check_compression(size)?;
    }
    let api_key_source = input.api_key_source.unwrap_or_else(|| "HEADER".into());
    check_api_key_source(&api_key_source, "createRestApiInput.apiKeySource")?;
    let endpoint = input.endpoint_configuration.unwrap_or_default();
    let types = endpoint.types.unwrap_or_default();
    let bad: Vec<&String> = types
        .iter()
        .filter(|kind| !["EDGE", "REGIONAL", "PRIVATE"].contains(&kind.as_str()))
        .collect();
    if !bad.is_empty() {
        return Err(ApiGatewayError::Validation(crate::validation::one(
            &format!("[{}]", types.join(", ")),
            "createRestApiInput.endpointConfiguration.types",
            format_args!(
                "Member must satisfy constraint: [Member must satisfy enum value set: \
                 [{ENDPOINT_TYPES}]]"
            ),
        ))
        .into());
    }
    if types.len() > 1 {
        return Err(ApiGatewayError::BadRequest(
            "Cannot create an api with multiple Endpoint Types.".into(),
        )
        .into());
    }
    let kind = types.first().cloned().unwrap_or_else(|| "EDGE".into());
    let ip_address_type = match endpoint.ip_address_type {
        Some(given) => {
            if !["ipv4", "dualstack"].contains(&given.as_str()) {
                return Err(ApiGatewayError::not_in_enum(
                    &given,
                    "createRestApiInput.endpointConfiguration.ipAddressType",
                    "ipv4, dualstack",
                )
                .into());
            }
            if kind == "PRIVATE" && given == "ipv4" {
                return Err(ApiGatewayError::BadRequest(
                    "Only dualstack ipAddressType is supported for Private APIs.".into(),
                )
                .into());
            }
            given
        }
        None if kind == "PRIVATE" => "dualstack".into(),
        None => "ipv4".into(),
    };
    let mut state = lock(&shared.apigateway);
    let id = state.new_api_id(&shared.ids);
    let root = super::model::new_id(&shared.ids, 10);
    let api = RestApi {
        id: id.clone(),
        name,
        description: input.description,
        created_date: epoch_seconds(ctx),
        version: input.version,
        binary_media_types: input.binary_media_types.unwrap_or_default(),
        minimum_compression_size: input.minimum_compression_size,
        api_key_source,
        endpoint_types: vec![kind],
        ip_address_type,
        vpc_endpoint_ids: endpoint.vpc_endpoint_ids.unwrap_or_default(),
        policy: input.policy,
        disable_execute_api_endpoint: input.disable_execute_api_endpoint.unwrap_or(false),
        tags: input.tags.unwrap_or_default(),
        root_resource_id: root.clone(),
        resources: vec![Resource {
            id: root,
            parent_id: None,
            path_part: None,
            methods: BTreeMap::new(),
        }],
        deployments: Vec::new(),
        stages: Vec::new(),
        authorizers: Vec::new(),
        extra: input.extra.0,
    };
    let wire = api.to_wire();
    state.regions.entry(ctx.region.clone()).or_default().push(api);
    Ok(wire)
}

pub fn get_rest_api(shared: &Shared, ctx: &RequestContext, key: ApiRef) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let api = api(&state, ctx, &key.rest_api_id)?;
    Ok(api.to_wire())
}

pub fn get_rest_apis(
    shared: &Shared,
    ctx: &RequestContext,
    paging: Paging,
) -> Result<Value, AwsError> {
    let state = lock(&shared.apigateway);
    let items: Vec<Value> =
        (state.regions.get(&ctx.region).into_iter().flatten()).map(RestApi::to_wire).collect();
    Ok(page(items, &paging)?)
}

pub fn update_rest_api(
    shared: &Shared,
    ctx: &RequestContext,
    input: Update<ApiRef>,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let api = api_mut(&mut state, ctx, &input.key.rest_api_id)?;
    let patches = patch::read(input.patch, "updateRestApiInput")?;
    let mut updated = api.clone();
    for patch in &patches {
        let segments = patch.segments();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match (patch.op, segments.as_slice()) {
            (Op::Replace, ["name"]) => updated.name = patch.value()?.to_string(),
            (_, ["description"]) => patch::patch_optional(&mut updated.description, patch)?,
            (_, ["version"]) => patch::patch_optional(&mut updated.version, patch)?,
            (_, ["policy"]) => patch::patch_optional(&mut updated.policy, patch)?,
            (Op::Replace, ["apiKeySource"]) => {
                let source = patch.value()?;
                check_api_key_source(source, "updateRestApiInput.apiKeySource")?;
                updated.api_key_source = source.to_string();
            }
            (Op::Replace, ["minimumCompressionSize"]) => {
                updated.minimum_compression_size = match patch.value.as_deref() {
                    None | Some("") => None,
                    Some(text) => {
                        let size = text.parse::<i64>().map_err(|_| compression_error())?;
                        check_compression(size)?;
                        Some(size)
                    }
                };
            }
            (Op::Replace, ["disableExecuteApiEndpoint"]) => {
                updated.disable_execute_api_endpoint = patch.bool_value()?;
            }
            (Op::Add, ["binaryMediaTypes", kind]) => {
                if !updated.binary_media_types.iter().any(|known| known == kind) {
                    updated.binary_media_types.push(kind.to_string());
                }
            }
            (Op::Remove, ["binaryMediaTypes", kind]) => {
                updated.binary_media_types.retain(|known| known != kind);
            }
            (Op::Replace, ["endpointConfiguration", "types", _]) => {
                let kind = patch.value()?;
                if !["EDGE", "REGIONAL", "PRIVATE"].contains(&kind) {
                    return Err(ApiGatewayError::BadRequest(
                        "Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE"
                            .into(),
                    )
                    .into());
                }
                updated.endpoint_types = vec![kind.to_string()];
            }
            (Op::Replace, ["endpointConfiguration", "ipAddressType"]) => {
                let kind = patch.value()?;
                if !["ipv4", "dualstack"].contains(&kind) {
                    return Err(ApiGatewayError::BadRequest(
                        "ipAddressType must be either ipv4 or dualstack.".into(),
                    )
                    .into());
                }
                updated.ip_address_type = kind.to_string();
            }
            _ => return Err(patch.unsupported().into()),
        }
    }
    *api = updated;
    Ok(api.to_wire())
}

pub fn delete_rest_api(
    shared: &Shared,
    ctx: &RequestContext,
    key: ApiRef,
) -> Result<Value, AwsError> {
    let id = key.rest_api_id.as_str();
    let mut state = lock(&shared.apigateway);
    api(&state, ctx, id)?;
    if let Some(apis) = state.regions.get_mut(&ctx.region) {
        apis.retain(|api| api.id != id);
    }
    Ok(Value::Null)
}

fn compression_error() -> ApiGatewayError {
    ApiGatewayError::BadRequest(format!(
        "Invalid minimum compression size, must be between 0 and {MAX_COMPRESSION}"
    ))
}

fn check_compression(size: i64) -> Result<(), ApiGatewayError> {
    if (0..=MAX_COMPRESSION).contains(&size) { Ok(()) } else { Err(compression_error()) }
}

fn check_api_key_source(source: &str, member: &str) -> Result<(), ApiGatewayError> {
    if ["HEADER", "AUTHORIZER"].contains(&source) {
        return Ok(());
    }
    Err(ApiGatewayError::not_in_enum(source, member, "HEADER, AUTHORIZER"))
}
