//! Methods and method responses: PutMethod, GetMethod, UpdateMethod, DeleteMethod and
//! Put/Get/Update/DeleteMethodResponse. A `CUSTOM` or `COGNITO_USER_POOLS` method must name an
//! authorizer of its API (see `authorizers`); any other keeps no authorizer id, as on AWS.
//! Request validators and models beyond `Empty` and `Error` do not exist offline.

use super::errors::ApiGatewayError;
use super::inputs::{MethodRef, ResourceRef, ResponseRef, Update};
use super::model::{Method, MethodResponse, Resource};
use super::patch::{self, Op};
use super::resources::api_of_resource;
use crate::error::AwsError;
use crate::protocol::rest_json::BodyMembers;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

const VERBS: [&str; 8] = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY"];
const AUTHORIZATION_TYPES: [&str; 4] = ["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"];
/// The models every API has.
const BUILT_IN_MODELS: [&str; 2] = ["Empty", "Error"];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutMethodInput {
    #[serde(flatten)]
    key: MethodRef,
    authorization_type: Option<String>,
    authorizer_id: Option<String>,
    api_key_required: Option<bool>,
    operation_name: Option<String>,
    request_parameters: Option<BTreeMap<String, bool>>,
    request_models: Option<BTreeMap<String, String>>,
    request_validator_id: Option<String>,
    authorization_scopes: Option<Vec<String>>,
    #[serde(flatten)]
    extra: BodyMembers,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutMethodResponseInput {
    #[serde(flatten)]
    key: ResponseRef,
    response_parameters: Option<BTreeMap<String, bool>>,
    response_models: Option<BTreeMap<String, String>>,
}

/// The resource a method request names (mutable), after checking the API and resource.
pub fn resource_of<'a>(
    state: &'a mut super::ApiGatewayState,
    ctx: &RequestContext,
    key: &ResourceRef,
) -> Result<&'a mut Resource, ApiGatewayError> {
    let api = api_of_resource(state, ctx, &key.rest_api_id)?;
    api.resource_mut(&key.resource_id).ok_or_else(ApiGatewayError::resource_not_found)
}

/// The method a request names (mutable).
pub fn method_of<'a>(
    state: &'a mut super::ApiGatewayState,
    ctx: &RequestContext,
    key: &MethodRef,
) -> Result<&'a mut Method, ApiGatewayError> {
    let resource = resource_of(state, ctx, &key.resource)?;
    resource.methods.get_mut(&key.http_method).ok_or_else(ApiGatewayError::method_not_found)
}

pub fn put_method(
    shared: &Shared,
    ctx: &RequestContext,
    input: PutMethodInput,
) -> Result<Value, AwsError> {
    let verb = input.key.http_method.clone();
    let mut state = lock(&shared.apigateway);
    let known = authorizer_ids(&state, ctx, &input.key.resource.rest_api_id);
    let resource = resource_of(&mut state, ctx, &input.key.resource)?;
    if !VERBS.contains(&verb.as_str()) {
        return Err(ApiGatewayError::BadRequest(
            "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY"
                .into(),
        )
        .into());
    }
    let authorization_type = input.authorization_type.ok_or_else(|| {
        ApiGatewayError::Validation(crate::validation::missing("putMethodInput.authorizationType"))
    })?;
    let authorizer_id = check_authorization(&authorization_type, input.authorizer_id, &known)?;
    if input.request_validator_id.is_some() {
        return Err(ApiGatewayError::BadRequest(
            "Invalid Request Validator identifier specified".into(),
        )
        .into());
    }
    let models = input.request_models.unwrap_or_default();
    check_models(&models)?;
    if resource.methods.contains_key(&verb) {
        return Err(
            ApiGatewayError::Conflict("Method already exists for this resource".into()).into()
        );
    }
    let method = Method {
        http_method: verb.clone(),
        authorization_type,
        authorizer_id,
        api_key_required: input.api_key_required.unwrap_or(false),
        request_validator_id: None,
        operation_name: input.operation_name,
        request_parameters: input.request_parameters.unwrap_or_default(),
        request_models: models,
        authorization_scopes: input.authorization_scopes.unwrap_or_default(),
        method_responses: BTreeMap::new(),
        integration: None,
        extra: input.extra.0,
    };
    let wire = method.to_wire();
    resource.methods.insert(verb, method);
    Ok(wire)
}

pub fn get_method(
    shared: &Shared,
    ctx: &RequestContext,
    key: MethodRef,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let method = method_of(&mut state, ctx, &key)?;
    Ok(method.to_wire())
}

pub fn update_method(
    shared: &Shared,
    ctx: &RequestContext,
    input: Update<MethodRef>,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let known = authorizer_ids(&state, ctx, &input.key.resource.rest_api_id);
    let method = method_of(&mut state, ctx, &input.key)?;
    let mut updated = method.clone();
    for patch in patch::read(input.patch, "updateMethodInput")? {
        let segments = patch.segments();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match (patch.op, segments.as_slice()) {
            (Op::Replace, ["authorizationType"]) => {
                updated.authorization_type = patch.value()?.to_string();
            }
            (_, ["authorizerId"]) => patch::patch_optional(&mut updated.authorizer_id, &patch)?,
            (Op::Replace, ["apiKeyRequired"]) => updated.api_key_required = patch.bool_value()?,
            (_, ["operationName"]) => patch::patch_optional(&mut updated.operation_name, &patch)?,
            (Op::Replace, ["requestValidatorId"])
                if patch.value.as_deref().is_some_and(|v| !v.is_empty()) =>
            {
                return Err(ApiGatewayError::BadRequest(
                    "Invalid Request Validator identifier specified".into(),
                )
                .into());
            }
            (_, ["requestValidatorId"]) => updated.request_validator_id = None,
            (_, ["requestParameters", name]) => {
                patch::patch_flag_map(&mut updated.request_parameters, name.to_string(), &patch)?;
            }
            (_, ["requestModels", kind]) => {
                patch::patch_string_map(&mut updated.request_models, kind.to_string(), &patch)?;
            }
            (Op::Add, ["authorizationScopes"]) => {
                updated.authorization_scopes.push(patch.value()?.to_string());
            }
            (Op::Remove, ["authorizationScopes"]) => {
                let scope = patch.value.clone().unwrap_or_default();
                updated.authorization_scopes.retain(|known| *known != scope);
            }
            _ => return Err(patch.unsupported().into()),
        }
    }
    updated.authorizer_id =
        check_authorization(&updated.authorization_type, updated.authorizer_id.take(), &known)?;
    check_models(&updated.request_models)?;
    *method = updated;
    Ok(method.to_wire())
}

pub fn delete_method(
    shared: &Shared,
    ctx: &RequestContext,
    key: MethodRef,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let resource = resource_of(&mut state, ctx, &key.resource)?;
    resource.methods.remove(&key.http_method).ok_or_else(ApiGatewayError::method_not_found)?;
    Ok(Value::Null)
}

pub fn put_method_response(
    shared: &Shared,
    ctx: &RequestContext,
    input: PutMethodResponseInput,
) -> Result<Value, AwsError> {
    let status = status_code(&input.key)?;
    let mut state = lock(&shared.apigateway);
    let method = method_of(&mut state, ctx, &input.key.method)?;
    let response = MethodResponse {
        status_code: status.clone(),
        response_parameters: input.response_parameters.unwrap_or_default(),
        response_models: input.response_models.unwrap_or_default(),
    };
    let wire = response.to_wire();
    method.method_responses.insert(status, response);
    Ok(wire)
}

pub fn get_method_response(
    shared: &Shared,
    ctx: &RequestContext,
    key: ResponseRef,
) -> Result<Value, AwsError> {
    let status = status_code(&key)?;
    let mut state = lock(&shared.apigateway);
    let method = method_of(&mut state, ctx, &key.method)?;
    let response =
        method.method_responses.get(&status).ok_or_else(ApiGatewayError::response_not_found)?;
    Ok(response.to_wire())
}

pub fn update_method_response(
    shared: &Shared,
    ctx: &RequestContext,
    input: Update<ResponseRef>,
) -> Result<Value, AwsError> {
    let patches = patch::read(input.patch, "updateMethodResponseInput")?;
    let status = status_code(&input.key)?;
    let mut state = lock(&shared.apigateway);
    let method = method_of(&mut state, ctx, &input.key.method)?;
    let response =
        method.method_responses.get_mut(&status).ok_or_else(ApiGatewayError::response_not_found)?;
    let mut updated = response.clone();
    for patch in patches {
        let segments = patch.segments();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match segments.as_slice() {
            ["responseParameters", name] => {
                patch::patch_flag_map(&mut updated.response_parameters, name.to_string(), &patch)?;
            }
            ["responseModels", kind] => {
                patch::patch_string_map(&mut updated.response_models, kind.to_string(), &patch)?;
            }
            _ => return Err(patch.unsupported().into()),
        }
    }
    *response = updated;
    Ok(response.to_wire())
}

pub fn delete_method_response(
    shared: &Shared,
    ctx: &RequestContext,
    key: ResponseRef,
) -> Result<Value, AwsError> {
    let status = status_code(&key)?;
    let mut state = lock(&shared.apigateway);
    let method = method_of(&mut state, ctx, &key.method)?;
    method.method_responses.remove(&status).ok_or_else(ApiGatewayError::response_not_found)?;
    Ok(Value::Null)
}

/// The `{statusCode}` label: three digits, 100 to 599.
pub fn status_code(key: &ResponseRef) -> Result<String, ApiGatewayError> {
    let code = key.status_code.as_str();
    let valid = code.len() == 3
        && code.as_bytes()[0].is_ascii_digit()
        && (b'1'..=b'5').contains(&code.as_bytes()[0])
        && code.bytes().all(|b| b.is_ascii_digit());
    if valid {
        return Ok(code.to_string());
    }
    let constraint = crate::validation::pattern(r"[1-5]\d\d");
    Err(ApiGatewayError::Validation(crate::validation::one(code, "statusCode", constraint)))
}

/// The ids of an API's authorizers (none when there is no such API: the caller's lookup of the
/// resource says so).
fn authorizer_ids(
    state: &super::ApiGatewayState,
    ctx: &RequestContext,
    api_id: &str,
) -> Vec<String> {
    let api = state.api(&ctx.region, api_id);
    api.map(|api| api.authorizers.iter().map(|authorizer| authorizer.id.clone()).collect())
        .unwrap_or_default()
}

/// Checks a method's authorization type and answers the authorizer id it keeps: a `CUSTOM` or
/// `COGNITO_USER_POOLS` method needs one of `known`; any other type drops the id, as AWS does.
fn check_authorization(
    kind: &str,
    authorizer: Option<String>,
    known: &[String],
) -> Result<Option<String>, ApiGatewayError> {
    if !AUTHORIZATION_TYPES.contains(&kind) {
        return Err(ApiGatewayError::BadRequest(format!(
            "Invalid authorization type specified: {kind}. Valid options are NONE, AWS_IAM, \
             CUSTOM, COGNITO_USER_POOLS"
        )));
    }
    if !["CUSTOM", "COGNITO_USER_POOLS"].contains(&kind) {
        return Ok(None);
    }
    match authorizer {
        Some(id) if known.contains(&id) => Ok(Some(id)),
        _ => Err(ApiGatewayError::BadRequest(
            "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or \
             COGNITO_USER_POOLS requires a valid authorizer."
                .into(),
        )),
    }
}

fn check_models(models: &BTreeMap<String, String>) -> Result<(), ApiGatewayError> {
    match models.values().find(|model| !BUILT_IN_MODELS.contains(&model.as_str())) {
        Some(model) => {
            Err(ApiGatewayError::BadRequest(format!("Invalid model identifier specified: {model}")))
        }
        None => Ok(()),
    }
}
