//! Integrations and integration responses: PutIntegration, GetIntegration, UpdateIntegration,
//! DeleteIntegration and Put/Get/Update/DeleteIntegrationResponse, with AWS's checks of the
//! type, the backend verb, the URI (`arn:aws:apigateway:REGION:lambda:path/2015-03-31/
//! functions/ARN/invocations` for Lambda, where the function part may use
//! `${stageVariables.NAME}`) and the timeout (50–29000 ms).

use super::errors::ApiGatewayError;
use super::inputs::{MethodRef, ResponseRef, Update};
use super::methods::{method_of, status_code};
use super::model::{Integration, IntegrationResponse, IntegrationType};
use super::patch::{self, Op};
use crate::error::AwsError;
use crate::protocol::rest_json::BodyMembers;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// API Gateway's default and largest integration timeout.
pub const MAX_TIMEOUT_MS: i64 = 29_000;
const MIN_TIMEOUT_MS: i64 = 50;
const PASSTHROUGH: [&str; 3] = ["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutIntegrationInput {
    #[serde(flatten)]
    key: MethodRef,
    #[serde(rename = "type")]
    kind: Option<String>,
    http_method: Option<String>,
    uri: Option<String>,
    connection_type: Option<String>,
    connection_id: Option<String>,
    credentials: Option<String>,
    request_parameters: Option<BTreeMap<String, String>>,
    request_templates: Option<BTreeMap<String, Option<String>>>,
    passthrough_behavior: Option<String>,
    cache_namespace: Option<String>,
    cache_key_parameters: Option<Vec<String>>,
    content_handling: Option<String>,
    timeout_in_millis: Option<i64>,
    #[serde(flatten)]
    extra: BodyMembers,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutIntegrationResponseInput {
    #[serde(flatten)]
    key: ResponseRef,
    selection_pattern: Option<String>,
    response_parameters: Option<BTreeMap<String, Option<String>>>,
    response_templates: Option<BTreeMap<String, Option<String>>>,
    content_handling: Option<String>,
}

pub fn put_integration(
    shared: &Shared,
    ctx: &RequestContext,
    input: PutIntegrationInput,
) -> Result<Value, AwsError> {
    let kind_text = input.kind.clone().unwrap_or_default();
    let kind = IntegrationType::parse(&kind_text).ok_or_else(|| {
        ApiGatewayError::not_in_enum(
            &kind_text,
            "putIntegrationInput.type",
            IntegrationType::ALLOWED,
        )
    })?;
    let resource_id = input.key.resource.resource_id.clone();
    let mut state = lock(&shared.apigateway);
    let method = method_of(&mut state, ctx, &input.key)?;
    let integration = Integration {
        kind,
        http_method: input.http_method.filter(|verb| !verb.is_empty()),
        uri: input.uri,
        connection_type: input.connection_type,
        connection_id: input.connection_id,
        credentials: input.credentials,
        request_parameters: input.request_parameters.unwrap_or_default(),
        request_templates: (input.request_templates.unwrap_or_default().into_iter())
            .map(|(kind, template)| (kind, template.unwrap_or_default()))
            .collect(),
        passthrough_behavior: input.passthrough_behavior.unwrap_or_else(|| "WHEN_NO_MATCH".into()),
        content_handling: input.content_handling,
        timeout_in_millis: input.timeout_in_millis.unwrap_or(MAX_TIMEOUT_MS),
        cache_namespace: input.cache_namespace.unwrap_or(resource_id),
        cache_key_parameters: input.cache_key_parameters.unwrap_or_default(),
        // As on AWS, a new integration starts without the old one's responses.
        integration_responses: BTreeMap::new(),
        extra: input.extra.0,
    };
    check_integration(&integration)?;
    let wire = integration.to_wire();
    method.integration = Some(integration);
    Ok(wire)
}

pub fn get_integration(
    shared: &Shared,
    ctx: &RequestContext,
    key: MethodRef,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let method = method_of(&mut state, ctx, &key)?;
    let integration =
        method.integration.as_ref().ok_or_else(ApiGatewayError::integration_not_found)?;
    Ok(integration.to_wire())
}

pub fn update_integration(
    shared: &Shared,
    ctx: &RequestContext,
    input: Update<MethodRef>,
) -> Result<Value, AwsError> {
    let patches = patch::read(input.patch, "updateIntegrationInput")?;
    let mut state = lock(&shared.apigateway);
    let method = method_of(&mut state, ctx, &input.key)?;
    let integration =
        method.integration.as_mut().ok_or_else(ApiGatewayError::integration_not_found)?;
    let mut updated = integration.clone();
    for patch in patches {
        let segments = patch.segments();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match (patch.op, segments.as_slice()) {
            (_, ["uri"]) => patch::patch_optional(&mut updated.uri, &patch)?,
            (_, ["httpMethod"]) => patch::patch_optional(&mut updated.http_method, &patch)?,
            (_, ["credentials"]) => patch::patch_optional(&mut updated.credentials, &patch)?,
            (_, ["connectionType"]) => patch::patch_optional(&mut updated.connection_type, &patch)?,
            (_, ["connectionId"]) => patch::patch_optional(&mut updated.connection_id, &patch)?,
            (_, ["contentHandling"]) => {
                patch::patch_optional(&mut updated.content_handling, &patch)?
            }
            (Op::Replace, ["passthroughBehavior"]) => {
                updated.passthrough_behavior = patch.value()?.to_string();
            }
            (Op::Replace, ["cacheNamespace"]) => {
                updated.cache_namespace = patch.value()?.to_string()
            }
            (Op::Replace, ["timeoutInMillis"]) => {
                updated.timeout_in_millis = patch.value()?.parse().map_err(|_| timeout_error())?;
            }
            (_, ["requestTemplates", kind]) => {
                patch::patch_string_map(&mut updated.request_templates, kind.to_string(), &patch)?;
            }
            (_, ["requestParameters", name]) => {
                patch::patch_string_map(&mut updated.request_parameters, name.to_string(), &patch)?;
            }
            (Op::Add, ["cacheKeyParameters", name]) => {
                updated.cache_key_parameters.push(name.to_string());
            }
            (Op::Remove, ["cacheKeyParameters", name]) => {
                updated.cache_key_parameters.retain(|known| known != name);
            }
            _ => return Err(patch.unsupported().into()),
        }
    }
    check_integration(&updated)?;
    *integration = updated;
    Ok(integration.to_wire())
}

pub fn delete_integration(
    shared: &Shared,
    ctx: &RequestContext,
    key: MethodRef,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let method = method_of(&mut state, ctx, &key)?;
    method.integration.take().ok_or_else(ApiGatewayError::integration_not_found)?;
    Ok(Value::Null)
}

pub fn put_integration_response(
    shared: &Shared,
    ctx: &RequestContext,
    input: PutIntegrationResponseInput,
) -> Result<Value, AwsError> {
    let status = status_code(&input.key)?;
    let mut state = lock(&shared.apigateway);
    let method = method_of(&mut state, ctx, &input.key.method)?;
    let integration =
        method.integration.as_mut().ok_or_else(ApiGatewayError::integration_not_found)?;
    let response = IntegrationResponse {
        status_code: status.clone(),
        selection_pattern: input.selection_pattern,
        response_parameters: without_nulls(input.response_parameters, "responseParameters")?,
        response_templates: without_nulls(input.response_templates, "responseTemplates")?,
        content_handling: input.content_handling,
    };
    let wire = response.to_wire();
    integration.integration_responses.insert(status, response);
    Ok(wire)
}

pub fn get_integration_response(
    shared: &Shared,
    ctx: &RequestContext,
    key: ResponseRef,
) -> Result<Value, AwsError> {
    let status = status_code(&key)?;
    let mut state = lock(&shared.apigateway);
    let method = method_of(&mut state, ctx, &key.method)?;
    let integration =
        method.integration.as_ref().ok_or_else(ApiGatewayError::integration_not_found)?;
    let response = (integration.integration_responses.get(&status))
        .ok_or_else(ApiGatewayError::response_not_found)?;
    Ok(response.to_wire())
}

pub fn update_integration_response(
    shared: &Shared,
    ctx: &RequestContext,
    input: Update<ResponseRef>,
) -> Result<Value, AwsError> {
    let patches = patch::read(input.patch, "updateIntegrationResponseInput")?;
    let status = status_code(&input.key)?;
    let mut state = lock(&shared.apigateway);
    let method = method_of(&mut state, ctx, &input.key.method)?;
    let integration =
        method.integration.as_mut().ok_or_else(ApiGatewayError::integration_not_found)?;
    let response = (integration.integration_responses.get_mut(&status))
        .ok_or_else(ApiGatewayError::response_not_found)?;
    let mut updated = response.clone();
    for patch in patches {
        let segments = patch.segments();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match segments.as_slice() {
            ["selectionPattern"] => patch::patch_optional(&mut updated.selection_pattern, &patch)?,
            ["contentHandling"] => patch::patch_optional(&mut updated.content_handling, &patch)?,
            ["responseTemplates", kind] => {
                patch::patch_string_map(&mut updated.response_templates, kind.to_string(), &patch)?;
            }
            ["responseParameters", name] => {
                patch::patch_string_map(
                    &mut updated.response_parameters,
                    name.to_string(),
                    &patch,
                )?;
            }
            _ => return Err(patch.unsupported().into()),
        }
    }
    *response = updated;
    Ok(response.to_wire())
}

pub fn delete_integration_response(
    shared: &Shared,
    ctx: &RequestContext,
    key: ResponseRef,
) -> Result<Value, AwsError> {
    let status = status_code(&key)?;
    let mut state = lock(&shared.apigateway);
    let method = method_of(&mut state, ctx, &key.method)?;
    let integration =
        method.integration.as_mut().ok_or_else(ApiGatewayError::integration_not_found)?;
    (integration.integration_responses.remove(&status))
        .ok_or_else(ApiGatewayError::response_not_found)?;
    Ok(Value::Null)
}

fn without_nulls(
    map: Option<BTreeMap<String, Option<String>>>,
    member: &str,
) -> Result<BTreeMap<String, String>, ApiGatewayError> {
    (map.unwrap_or_default().into_iter())
        .map(|(key, value)| match value {
            Some(value) => Ok((key, value)),
            None => {
                Err(ApiGatewayError::BadRequest(format!("Invalid null or empty value in {member}")))
            }
        })
        .collect()
}

fn timeout_error() -> ApiGatewayError {
    ApiGatewayError::BadRequest(format!(
        "Timeout should be between {MIN_TIMEOUT_MS} ms and {MAX_TIMEOUT_MS} ms"
    ))
}

/// AWS's checks of an integration, in AWS's order.
fn check_integration(integration: &Integration) -> Result<(), ApiGatewayError> {
    let kind = integration.kind;
    if kind != IntegrationType::Mock && integration.http_method.is_none() {
        return Err(ApiGatewayError::BadRequest(
            "Enumeration value for HttpMethod must be non-empty".into(),
        ));
    }
    match kind {
        IntegrationType::Http | IntegrationType::HttpProxy => {
            let uri = integration.uri.as_deref().unwrap_or_default();
            if !(uri.starts_with("http://") || uri.starts_with("https://")) {
                return Err(ApiGatewayError::BadRequest(
                    "Invalid HTTP endpoint specified for URI".into(),
                ));
            }
        }
        IntegrationType::Aws | IntegrationType::AwsProxy => {
            let uri = integration.uri.as_deref().unwrap_or_default();
            let parts: Vec<&str> = uri.splitn(6, ':').collect();
            if parts.len() < 6 || parts[0] != "arn" {
                return Err(ApiGatewayError::BadRequest(
                    "Invalid ARN specified in the request".into(),
                ));
            }
            if parts[2] != "apigateway"
                || !(parts[5].starts_with("path/") || parts[5].starts_with("action/"))
            {
                return Err(ApiGatewayError::BadRequest(
                    "AWS ARN for integration must contain path or action".into(),
                ));
            }
            if kind == IntegrationType::AwsProxy
                && lambda_function(uri).is_none()
                && parts[4] != "firehose"
            {
                return Err(ApiGatewayError::BadRequest(
                    "Integrations of type 'AWS_PROXY' currently only supports Lambda function \
                     and Firehose stream invocations."
                        .into(),
                ));
            }
        }
        IntegrationType::Mock => {}
    }
    if !(MIN_TIMEOUT_MS..=MAX_TIMEOUT_MS).contains(&integration.timeout_in_millis) {
        return Err(timeout_error());
    }
    if !PASSTHROUGH.contains(&integration.passthrough_behavior.as_str()) {
        return Err(ApiGatewayError::BadRequest(format!(
            "Invalid passthrough behavior specified: {}. Valid options are WHEN_NO_MATCH, \
             WHEN_NO_TEMPLATES, NEVER",
            integration.passthrough_behavior
        )));
    }
    Ok(())
}

/// The function part of a Lambda integration URI
/// (`arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION/invocations`), as
/// written: it may still hold `${stageVariables.NAME}`.
pub fn lambda_function(uri: &str) -> Option<&str> {
    let parts: Vec<&str> = uri.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" || parts[2] != "apigateway" || parts[4] != "lambda" {
        return None;
    }
    let function =
        parts[5].strip_prefix("path/2015-03-31/functions/")?.strip_suffix("/invocations")?;
    (!function.is_empty()).then_some(function)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_function_is_read_from_a_lambda_uri() {
        let uri = "arn:aws:apigateway:ap-northeast-2:lambda:path/2015-03-31/functions/arn:aws:lambda:ap-northeast-2:000000000000:function:addCustomer/invocations";
        assert_eq!(
            lambda_function(uri),
            Some("arn:aws:lambda:ap-northeast-2:000000000000:function:addCustomer")
        );
        let staged = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:f:${stageVariables.lambdaAlias}/invocations";
        assert!(lambda_function(staged).unwrap().ends_with(":f:${stageVariables.lambdaAlias}"));
        assert_eq!(
            lambda_function("arn:aws:apigateway:us-east-1:lambda:path/random/x/invocations"),
            None
        );
        assert_eq!(lambda_function("arn:aws:lambda:us-east-1:000000000000:function:f"), None);
    }
}
