//! `TestInvokeMethod`: the console's Test button. It runs the *live* method (not a deployment)
//! with the stage variables the caller gives, as stage `test-invoke-stage`, and returns the
//! status, body, headers, latency and the execution log. It skips the method's authorizer, as
//! AWS's does.
//!
//! `TestInvokeAuthorizer`: the authorizer's Test button. It runs the live authorizer's function
//! for the headers, query string and stage variables given, as stage `ESTestInvoke-stage` (the
//! method ARN the function gets is `…/ESTestInvoke-stage/GET/PATH`), with no cache, and
//! returns the client's status (`0` when the authorizer answered), the principal and policy,
//! and the execution log. The policy is not evaluated: there is no method to evaluate it for.

use super::authorizers::{self, AuthorizerRef};
use super::errors::ApiGatewayError;
use super::execute::authorizer;
use super::execute::authorizer_answer::Refusal;
use super::execute::log::ExecutionLog;
use super::execute::{self, Execution, HttpCall, routing};
use super::inputs::MethodRef;
use super::model::{Method, path_of};
use super::resources::api_of_resource;
use crate::error::AwsError;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The stage name API Gateway uses for test invocations (and in their `AWS:SourceArn`).
pub const TEST_STAGE: &str = "test-invoke-stage";
/// The stage in the method ARN that `TestInvokeAuthorizer` gives the function.
pub const AUTHORIZER_TEST_STAGE: &str = "ESTestInvoke-stage";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestInvokeMethodInput {
    #[serde(flatten)]
    key: MethodRef,
    path_with_query_string: Option<String>,
    body: Option<String>,
    headers: Option<BTreeMap<String, String>>,
    multi_value_headers: Option<BTreeMap<String, Vec<String>>>,
    stage_variables: Option<BTreeMap<String, String>>,
}

pub async fn test_invoke_method(
    shared: &Arc<Shared>,
    ctx: &RequestContext,
    input: TestInvokeMethodInput,
) -> Result<Value, AwsError> {
    let verb = input.key.http_method.clone();
    let (exec, template) = {
        let mut state = lock(&shared.apigateway);
        let api = api_of_resource(&mut state, ctx, &input.key.resource.rest_api_id)?;
        let resource = (api.resource(&input.key.resource.resource_id))
            .ok_or_else(ApiGatewayError::resource_not_found)?;
        let method = resource.methods.get(&verb).ok_or_else(ApiGatewayError::method_not_found)?;
        let template = path_of(&api.resources, &resource.id);
        let exec = Execution {
            region: ctx.region.clone(),
            api_id: api.id.clone(),
            stage: TEST_STAGE.to_string(),
            deployment_id: None,
            variables: input.stage_variables.clone().unwrap_or_default(),
            resource_id: resource.id.clone(),
            resource_path: template.clone(),
            path_parameters: BTreeMap::new(),
            method: method.clone(),
            authorizer: None,
            binary_media_types: api.binary_media_types.clone(),
            request_id: shared.ids.uuid(),
            extended_request_id: super::model::new_id(&shared.ids, 16),
            domain_name: "testPrefix.testDomainName".to_string(),
            test_invoke: true,
        };
        (exec, template)
    };
    let given = input.path_with_query_string.clone().unwrap_or_else(|| template.clone());
    let (path, query) = given.split_once('?').unwrap_or((&given, ""));
    let mut headers: Vec<(String, String)> =
        input.headers.clone().unwrap_or_default().into_iter().collect();
    for (name, values) in input.multi_value_headers.clone().unwrap_or_default() {
        headers.extend(values.into_iter().map(|value| (name.clone(), value)));
    }
    let call = HttpCall {
        method: if verb == "ANY" { "GET".to_string() } else { verb },
        path: path.to_string(),
        query: form_urlencoded::parse(query.as_bytes()).into_owned().collect(),
        headers,
        body: bytes::Bytes::from(input.body.unwrap_or_default()),
        source_ip: "test-invoke-source-ip".to_string(),
    };
    let exec = Execution { path_parameters: routing::parameters_for(&template, path), ..exec };
    let outcome = execute::run(shared, &exec, &call).await;
    let mut single = Map::new();
    let mut multi: Map<String, Value> = Map::new();
    for (name, value) in &outcome.headers {
        single.insert(name.clone(), json!(value));
        match multi.get_mut(name).and_then(Value::as_array_mut) {
            Some(values) => values.push(json!(value)),
            None => {
                multi.insert(name.clone(), json!([value]));
            }
        }
    }
    Ok(json!({
        "status": outcome.status,
        "body": String::from_utf8_lossy(&outcome.body),
        "headers": single,
        "multiValueHeaders": multi,
        "log": outcome.log.text(),
        "latency": outcome.latency.as_millis() as i64,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestInvokeAuthorizerInput {
    #[serde(flatten)]
    key: AuthorizerRef,
    headers: Option<BTreeMap<String, String>>,
    multi_value_headers: Option<BTreeMap<String, Vec<String>>>,
    path_with_query_string: Option<String>,
    body: Option<String>,
    stage_variables: Option<BTreeMap<String, String>>,
}

pub async fn test_invoke_authorizer(
    shared: &Arc<Shared>,
    ctx: &RequestContext,
    input: TestInvokeAuthorizerInput,
) -> Result<Value, AwsError> {
    let authorizer = {
        let state = lock(&shared.apigateway);
        let api = super::api(&state, ctx, &input.key.rest_api_id)?;
        authorizers::find(api, &input.key.authorizer_id)?.clone()
    };
    let given = input.path_with_query_string.unwrap_or_else(|| "/".to_string());
    let (path, query) = given.split_once('?').unwrap_or((&given, ""));
    let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
    let mut headers: Vec<(String, String)> =
        input.headers.unwrap_or_default().into_iter().collect();
    for (name, values) in input.multi_value_headers.unwrap_or_default() {
        headers.extend(values.into_iter().map(|value| (name.clone(), value)));
    }
    let call = HttpCall {
        method: "GET".to_string(),
        path: path.clone(),
        query: form_urlencoded::parse(query.as_bytes()).into_owned().collect(),
        headers,
        body: bytes::Bytes::from(input.body.unwrap_or_default()),
        source_ip: "test-invoke-source-ip".to_string(),
    };
    let request_id = shared.ids.uuid();
    let exec = Execution {
        region: ctx.region.clone(),
        api_id: input.key.rest_api_id.clone(),
        stage: AUTHORIZER_TEST_STAGE.to_string(),
        deployment_id: None,
        variables: input.stage_variables.unwrap_or_default(),
        resource_id: String::new(),
        resource_path: path,
        path_parameters: BTreeMap::new(),
        method: Method {
            http_method: "GET".to_string(),
            authorization_type: "CUSTOM".to_string(),
            authorizer_id: Some(authorizer.id.clone()),
            api_key_required: false,
            request_validator_id: None,
            operation_name: None,
            request_parameters: BTreeMap::new(),
            request_models: BTreeMap::new(),
            authorization_scopes: Vec::new(),
            method_responses: BTreeMap::new(),
            integration: None,
            extra: Map::new(),
        },
        authorizer: Some(authorizer.clone()),
        binary_media_types: Vec::new(),
        request_id: request_id.clone(),
        extended_request_id: super::model::new_id(&shared.ids, 16),
        domain_name: "testPrefix.testDomainName".to_string(),
        test_invoke: true,
    };
    let mut log = ExecutionLog::new(&request_id);
    let started = std::time::Instant::now();
    let ran = if authorizer.kind == "COGNITO_USER_POOLS" {
        log.line(
            shared.clock.now(),
            "Execution failed due to configuration error: the offline emulator has no Amazon \
             Cognito to check a COGNITO_USER_POOLS authorizer's token",
        );
        Err(Refusal::Configuration)
    } else {
        authorizer::run_alone(shared, &authorizer, &exec, &call, &mut log).await
    };
    let latency = started.elapsed().as_millis() as i64;
    let mut out = json!({ "latency": latency });
    match ran {
        Ok((answer, _)) => {
            out["clientStatus"] = json!(0);
            out["principalId"] = json!(answer.principal_id);
            out["policy"] = json!(answer.policy.to_string());
        }
        Err(refusal) => {
            if refusal == Refusal::Configuration {
                log.line(shared.clock.now(), "AuthorizerConfigurationException");
            }
            out["clientStatus"] = json!(refusal.status());
        }
    }
    out["log"] = json!(log.text());
    Ok(out)
}
