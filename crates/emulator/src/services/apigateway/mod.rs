//! API Gateway (REST APIs, v1; restJson1): the control plane (APIs, resources, methods,
//! integrations and their responses, authorizers, deployments, stages, tags) and the data plane
//! that runs a deployed API behind its invoke URL, or the live API through `TestInvokeMethod`
//! (and an authorizer alone through `TestInvokeAuthorizer`).
//!
//! - `model`: the state and its wire shapes. `errors`: [`ApiGatewayError`] with AWS's messages.
//!   `patch`: the `patchOperations` of the `Update*` operations. `operations`: the operation
//!   list and URI templates.
//! - `rest_apis`, `resources`, `methods` (with method responses), `integrations` (with
//!   integration responses), `authorizers` (Lambda `TOKEN` and `REQUEST` authorizers),
//!   `deployments`, `stages` (with canaries and their promotion), `tags`: one resource each.
//! - `execute/`: running a request through a method: route matching, the method's Lambda
//!   authorizer (its identity checks, result cache, policy evaluation), the integrations
//!   (Lambda proxy and non-proxy, MOCK; HTTP ones cannot reach the network offline), the Lambda
//!   permission check, and the execution log. `invoke_url`: requests to a stage's invoke URL;
//!   `test_invoke`: `TestInvokeMethod` and `TestInvokeAuthorizer`.
//! - AWS's time (under `Timing::Aws`): `propagation`, what a stage's invoke URL serves while a
//!   change to the stage propagates; `quotas`, the control plane's per-account quotas.
//! - Who may call an invoke URL, and how fast: `api_keys`, `usage_plans` and `usage_plan_keys`
//!   (the operations), `metering` (their state and the requests counted per key and day), and
//!   `throttling` (API keys, quotas and the token buckets of plans and stages, checked at the
//!   invoke URL before the integration runs).
//!
//! Not here: mapping templates (VTL) beyond what `execute` documents, Cognito user pools
//! (their authorizers are stored, not run), caching (stage settings for it are stored and
//! returned, not enforced), `ImportApiKeys`, custom domains, and the operations declared as
//! missing in [`Operation`]'s declaration.

pub mod authorizers;
pub mod deployments;
pub mod errors;
pub mod execute;
pub mod inputs;
pub mod integrations;
pub mod invoke_url;
pub mod methods;
pub mod model;
pub mod operations;
pub mod patch;
pub mod propagation;
pub mod quotas;
pub mod resources;
pub mod rest_apis;
pub mod stages;
pub mod tags;
pub mod test_invoke;

// API keys, usage plans and the throttling of invoke URLs.
pub mod api_keys;
pub mod metering;
pub mod throttling;
pub mod usage_plan_keys;
pub mod usage_plans;

use super::RequestContext;
use crate::error::AwsError;
use crate::protocol::Service;
use crate::protocol::rest_json::{RestOutput, RestRequest};
use crate::state::Shared;
pub use errors::ApiGatewayError;
pub use model::ApiGatewayState;
use model::RestApi;
pub use operations::{Operation, ROUTES, operation_name};
use serde_json::{Value, json};
use std::sync::Arc;

/// Serves one API Gateway request. `TestInvokeMethod` waits for the integration; everything
/// else is immediate. The caller's identity policies are checked as IAM does for API Gateway:
/// action `apigateway:VERB` on `arn:aws:apigateway:REGION::PATH`.
pub async fn handle(
    shared: &Arc<Shared>,
    ctx: &RequestContext,
    operation: Operation,
    method: &str,
    path: &str,
    request: RestRequest,
) -> Result<RestOutput, AwsError> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let resource = format!("arn:aws:apigateway:{}::{decoded}", ctx.region);
    super::authorize(shared, ctx, Service::ApiGateway, &format!("apigateway:{method}"), &resource)?;
    quotas::admit(shared, ctx, operation, &request)?;
    let members = match operation {
        Operation::TestInvokeMethod => {
            test_invoke::test_invoke_method(shared, ctx, request.input()?).await?
        }
        Operation::TestInvokeAuthorizer => {
            test_invoke::test_invoke_authorizer(shared, ctx, request.input()?).await?
        }
        Operation::CreateRestApi => rest_apis::create_rest_api(shared, ctx, request.input()?)?,
        Operation::GetRestApi => rest_apis::get_rest_api(shared, ctx, request.input()?)?,
        Operation::GetRestApis => rest_apis::get_rest_apis(shared, ctx, request.input()?)?,
        Operation::UpdateRestApi => rest_apis::update_rest_api(shared, ctx, request.input()?)?,
        Operation::DeleteRestApi => rest_apis::delete_rest_api(shared, ctx, request.input()?)?,
        Operation::GetResources => resources::get_resources(shared, ctx, request.input()?)?,
        Operation::GetResource => resources::get_resource(shared, ctx, request.input()?)?,
        Operation::CreateResource => resources::create_resource(shared, ctx, request.input()?)?,
        Operation::UpdateResource => resources::update_resource(shared, ctx, request.input()?)?,
        Operation::DeleteResource => resources::delete_resource(shared, ctx, request.input()?)?,
        Operation::PutMethod => methods::put_method(shared, ctx, request.input()?)?,
        Operation::GetMethod => methods::get_method(shared, ctx, request.input()?)?,
        Operation::UpdateMethod => methods::update_method(shared, ctx, request.input()?)?,
        Operation::DeleteMethod => methods::delete_method(shared, ctx, request.input()?)?,
        Operation::PutMethodResponse => {
            methods::put_method_response(shared, ctx, request.input()?)?
        }
        Operation::GetMethodResponse => {
            methods::get_method_response(shared, ctx, request.input()?)?
        }
        Operation::UpdateMethodResponse => {
            methods::update_method_response(shared, ctx, request.input()?)?
        }
        Operation::DeleteMethodResponse => {
            methods::delete_method_response(shared, ctx, request.input()?)?
        }
        Operation::PutIntegration => integrations::put_integration(shared, ctx, request.input()?)?,
        Operation::GetIntegration => integrations::get_integration(shared, ctx, request.input()?)?,
        Operation::UpdateIntegration => {
            integrations::update_integration(shared, ctx, request.input()?)?
        }
        Operation::DeleteIntegration => {
            integrations::delete_integration(shared, ctx, request.input()?)?
        }
        Operation::PutIntegrationResponse => {
            integrations::put_integration_response(shared, ctx, request.input()?)?
        }
        Operation::GetIntegrationResponse => {
            integrations::get_integration_response(shared, ctx, request.input()?)?
        }
        Operation::UpdateIntegrationResponse => {
            integrations::update_integration_response(shared, ctx, request.input()?)?
        }
        Operation::DeleteIntegrationResponse => {
            integrations::delete_integration_response(shared, ctx, request.input()?)?
        }
        Operation::CreateDeployment => {
            deployments::create_deployment(shared, ctx, request.input()?)?
        }
        Operation::GetDeployments => deployments::get_deployments(shared, ctx, request.input()?)?,
        Operation::GetDeployment => deployments::get_deployment(shared, ctx, request.input()?)?,
        Operation::UpdateDeployment => {
            deployments::update_deployment(shared, ctx, request.input()?)?
        }
        Operation::DeleteDeployment => {
            deployments::delete_deployment(shared, ctx, request.input()?)?
        }
        Operation::CreateStage => stages::create_stage(shared, ctx, request.input()?)?,
        Operation::GetStage => stages::get_stage(shared, ctx, request.input()?)?,
        Operation::GetStages => stages::get_stages(shared, ctx, request.input()?)?,
        Operation::UpdateStage => stages::update_stage(shared, ctx, request.input()?)?,
        Operation::DeleteStage => stages::delete_stage(shared, ctx, request.input()?)?,
        Operation::CreateAuthorizer => {
            authorizers::create_authorizer(shared, ctx, request.input()?)?
        }
        Operation::GetAuthorizer => authorizers::get_authorizer(shared, ctx, request.input()?)?,
        Operation::GetAuthorizers => authorizers::get_authorizers(shared, ctx, request.input()?)?,
        Operation::UpdateAuthorizer => {
            authorizers::update_authorizer(shared, ctx, request.input()?)?
        }
        Operation::DeleteAuthorizer => {
            authorizers::delete_authorizer(shared, ctx, request.input()?)?
        }
        Operation::TagResource => tags::tag_resource(shared, ctx, request.input()?)?,
        Operation::UntagResource => tags::untag_resource(shared, ctx, request.input()?)?,
        Operation::GetTags => tags::get_tags(shared, ctx, request.input()?)?,
        Operation::CreateApiKey => api_keys::create_api_key(shared, ctx, request.input()?)?,
        Operation::GetApiKey => api_keys::get_api_key(shared, ctx, request.input()?)?,
        Operation::GetApiKeys => api_keys::get_api_keys(shared, ctx, request.input()?)?,
        Operation::UpdateApiKey => api_keys::update_api_key(shared, ctx, request.input()?)?,
        Operation::DeleteApiKey => api_keys::delete_api_key(shared, ctx, request.input()?)?,
        Operation::CreateUsagePlan => {
            usage_plans::create_usage_plan(shared, ctx, request.input()?)?
        }
        Operation::GetUsagePlan => usage_plans::get_usage_plan(shared, ctx, request.input()?)?,
        Operation::GetUsagePlans => usage_plans::get_usage_plans(shared, ctx, request.input()?)?,
        Operation::UpdateUsagePlan => {
            usage_plans::update_usage_plan(shared, ctx, request.input()?)?
        }
        Operation::DeleteUsagePlan => {
            usage_plans::delete_usage_plan(shared, ctx, request.input()?)?
        }
        Operation::CreateUsagePlanKey => {
            usage_plan_keys::create_usage_plan_key(shared, ctx, request.input()?)?
        }
        Operation::GetUsagePlanKey => {
            usage_plan_keys::get_usage_plan_key(shared, ctx, request.input()?)?
        }
        Operation::GetUsagePlanKeys => {
            usage_plan_keys::get_usage_plan_keys(shared, ctx, request.input()?)?
        }
        Operation::DeleteUsagePlanKey => {
            usage_plan_keys::delete_usage_plan_key(shared, ctx, request.input()?)?
        }
        Operation::GetUsage => usage_plan_keys::get_usage(shared, ctx, request.input()?)?,
    };
    Ok(RestOutput::Members(members))
}

/// The API a request names, or AWS's `Invalid API identifier specified ACCOUNT:ID`.
pub fn api<'a>(
    state: &'a ApiGatewayState,
    ctx: &RequestContext,
    id: &str,
) -> Result<&'a RestApi, ApiGatewayError> {
    state
        .api(&ctx.region, id)
        .ok_or_else(|| ApiGatewayError::api_not_found(ctx.caller.account(), id))
}

pub fn api_mut<'a>(
    state: &'a mut ApiGatewayState,
    ctx: &RequestContext,
    id: &str,
) -> Result<&'a mut RestApi, ApiGatewayError> {
    state
        .api_mut(&ctx.region, id)
        .ok_or_else(|| ApiGatewayError::api_not_found(ctx.caller.account(), id))
}

/// The page of a collection that `?position=…&limit=…` asks for: `{"item": […]}`, and the
/// `position` of the next page when there is one (the id of its first item).
pub fn page(items: Vec<Value>, paging: &inputs::Paging) -> Result<Value, ApiGatewayError> {
    let limit = match paging.limit.as_deref() {
        None => 25,
        Some(text) => match text.parse::<usize>() {
            Ok(limit) if (1..=500).contains(&limit) => limit,
            _ => {
                return Err(ApiGatewayError::BadRequest(format!(
                    "Invalid limit {text}: must be between 1 and 500"
                )));
            }
        },
    };
    let start = match paging.position.as_deref() {
        None => 0,
        Some(position) => items
            .iter()
            .position(|item| item["id"] == position)
            .ok_or_else(|| ApiGatewayError::BadRequest("Invalid position parameter".into()))?,
    };
    let rest: Vec<Value> = items.into_iter().skip(start).collect();
    let next = rest.get(limit).and_then(|item| item["id"].as_str()).map(str::to_string);
    let shown: Vec<Value> = rest.into_iter().take(limit).collect();
    let mut out = json!({ "item": shown });
    if let Some(next) = next {
        out["position"] = json!(next);
    }
    Ok(out)
}

/// Seconds since the epoch, as API Gateway's timestamps are written.
pub fn epoch_seconds(ctx: &RequestContext) -> i64 {
    ctx.now.unix_timestamp()
}
