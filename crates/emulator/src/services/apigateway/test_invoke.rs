//! `TestInvokeMethod`: the console's Test button. It runs the *live* method (not a deployment)
//! with the stage variables the caller gives, as stage `test-invoke-stage`, and returns the
//! status, body, headers, latency and the execution log.

use super::errors::ApiGatewayError;
use super::execute::{self, Execution, HttpCall, routing};
use super::inputs::MethodRef;
use super::model::path_of;
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
