//! API Gateway's control-plane quotas: AWS's fixed, per-account limits on how fast the
//! management API may be called ("API Gateway quotas for creating, deploying and managing an
//! API", <https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html>), kept under
//! [`Timing::Aws`](crate::Timing::Aws) with token buckets on the emulator's clock
//! ([`crate::timing::Buckets`]), per account and region.
//!
//! A call takes a token from its operation's own quota when it has one ([`quota`]), then one
//! from the account's total ([`TOTAL`]). A call that finds no token is refused with AWS's
//! `429 TooManyRequestsException` "Too Many Requests" and a `Retry-After` of the seconds until
//! one is there; it changes nothing. The SDKs retry such a call by themselves.
//!
//! Not here: requests to invoke URLs (the data plane, which these quotas do not count), and
//! the throttling of stages and usage plans there (`throttling`).

use super::errors::ApiGatewayError;
use super::operations::Operation;
use crate::protocol::rest_json::RestRequest;
use crate::services::RequestContext;
use crate::state::Shared;
use crate::timing::Rate;

/// How fast one operation may be called, in the quota page's words.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// `calls` every `seconds`, all of which may come at once ("5 requests every 2 seconds").
    Per { calls: f64, seconds: f64 },
    /// One call every `seconds` ("1 request every 5 seconds").
    OneEvery(f64),
    /// One call every `regional` seconds when the call is about a Regional or private API,
    /// every `edge` seconds for an edge-optimized one (`CreateRestApi`, `ImportRestApi`).
    ByEndpoint { regional: f64, edge: f64 },
}

/// "Total operations": every control-plane call of an account in a region together, 10 a
/// second with bursts of 40.
pub const TOTAL: Rate = Rate { per_second: 10.0, burst: 40.0 };

/// AWS's own quota on `operation`, beyond the total; `None` for "Other operations: no quota
/// up to the total account quota". One arm per quota, and no catch-all, so a newly served
/// operation has to be placed here.
///
/// The page also limits operations the emulator does not serve yet, which answer
/// `NotImplemented` before any quota: `ImportRestApi` (as `CreateRestApi`), `PutRestApi`
/// (1 a second), `UpdateAccount` (1 every 20 seconds). Give each its arm when it is served.
pub fn quota(operation: Operation) -> Option<Limit> {
    use Operation::*;
    match operation {
        CreateDeployment => Some(Limit::OneEvery(5.0)),
        CreateResource | DeleteResource => Some(Limit::Per { calls: 5.0, seconds: 1.0 }),
        CreateRestApi => Some(Limit::ByEndpoint { regional: 3.0, edge: 30.0 }),
        DeleteRestApi => Some(Limit::OneEvery(30.0)),
        GetResources => Some(Limit::Per { calls: 5.0, seconds: 2.0 }),
        CreateAuthorizer | DeleteAuthorizer | GetAuthorizer | GetAuthorizers
        | TestInvokeAuthorizer | UpdateAuthorizer => None,
        CreateStage
        | DeleteDeployment
        | DeleteIntegration
        | DeleteIntegrationResponse
        | DeleteMethod
        | DeleteMethodResponse
        | DeleteStage
        | GetDeployment
        | GetDeployments
        | GetIntegration
        | GetIntegrationResponse
        | GetMethod
        | GetMethodResponse
        | GetResource
        | GetRestApi
        | GetRestApis
        | GetStage
        | GetStages
        | GetTags
        | PutIntegration
        | PutIntegrationResponse
        | PutMethod
        | PutMethodResponse
        | TagResource
        | TestInvokeMethod
        | UntagResource
        | UpdateDeployment
        | UpdateIntegration
        | UpdateIntegrationResponse
        | UpdateMethod
        | UpdateMethodResponse
        | UpdateResource
        | UpdateRestApi
        | UpdateStage => None,
        // API keys and usage plans.
        CreateApiKey | DeleteApiKey => Some(Limit::Per { calls: 5.0, seconds: 1.0 }),
        UpdateUsagePlan => Some(Limit::OneEvery(20.0)),
        CreateUsagePlan | CreateUsagePlanKey | DeleteUsagePlan | DeleteUsagePlanKey | GetApiKey
        | GetApiKeys | GetUsage | GetUsagePlan | GetUsagePlanKey | GetUsagePlanKeys
        | GetUsagePlans | UpdateApiKey => None,
    }
}

impl Limit {
    /// The bucket this call draws from (a name within the operation's) and its rate.
    fn bucket(self, request: &RestRequest) -> (&'static str, Rate) {
        match self {
            Limit::Per { calls, seconds } => ("", Rate::per(calls, seconds)),
            Limit::OneEvery(seconds) => ("", Rate::one_every(seconds)),
            Limit::ByEndpoint { regional, edge } => {
                if edge_optimized(request) {
                    ("/edge", Rate::one_every(edge))
                } else {
                    ("/regional", Rate::one_every(regional))
                }
            }
        }
    }
}

/// Whether a request creates an edge-optimized API: `CreateRestApi`'s
/// `endpointConfiguration.types` (or `ImportRestApi`'s `endpointConfigurationTypes`) names no
/// `REGIONAL` or `PRIVATE`, since EDGE is what AWS creates when a request does not say.
fn edge_optimized(request: &RestRequest) -> bool {
    let named = |kind: &str| kind == "REGIONAL" || kind == "PRIVATE";
    if let Some(kind) = request.query_param("endpointConfigurationTypes") {
        return !named(kind);
    }
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
    let types = body["endpointConfiguration"]["types"].as_array().cloned().unwrap_or_default();
    !types.iter().filter_map(serde_json::Value::as_str).any(named)
}

/// Lets a control-plane call through, or refuses it as AWS does when the account has used up
/// the operation's quota or the total. Under `Timing::Instant` every call goes through.
pub fn admit(
    shared: &Shared,
    ctx: &RequestContext,
    operation: Operation,
    request: &RestRequest,
) -> Result<(), ApiGatewayError> {
    if !shared.config.clockwork.timing.is_aws() {
        return Ok(());
    }
    let now = crate::clock::millis(ctx.now);
    let account = format!("apigateway/{}/{}", ctx.caller.account(), ctx.region);
    let too_many = |retry_after| ApiGatewayError::TooManyRequests { retry_after };
    if let Some(limit) = quota(operation) {
        use crate::services::operation::Operations;
        let (within, rate) = limit.bucket(request);
        let key = format!("{account}/{}{within}", operation.name());
        shared.throttles.take(&key, rate, now).map_err(too_many)?;
    }
    shared.throttles.take(&format!("{account}/total"), TOTAL, now).map_err(too_many)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &[(&str, &str)], body: &str) -> RestRequest {
        RestRequest {
            operation: "CreateRestApi",
            labels: Default::default(),
            query: query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            headers: Vec::new(),
            body: bytes::Bytes::from(body.to_string()),
        }
    }

    #[test]
    fn the_quota_page_in_rates() {
        let quotas = [
            (Operation::CreateDeployment, Rate { per_second: 0.2, burst: 1.0 }),
            (Operation::CreateResource, Rate { per_second: 5.0, burst: 5.0 }),
            (Operation::DeleteResource, Rate { per_second: 5.0, burst: 5.0 }),
            (Operation::GetResources, Rate { per_second: 2.5, burst: 5.0 }),
            (Operation::DeleteRestApi, Rate { per_second: 1.0 / 30.0, burst: 1.0 }),
        ];
        for (operation, rate) in quotas {
            let limit = quota(operation).expect("a quota");
            assert_eq!(limit.bucket(&request(&[], "")).1, rate, "{operation:?}");
        }
        assert_eq!(quota(Operation::GetRestApis), None);
        assert_eq!(quota(Operation::UpdateStage), None);
    }

    #[test]
    fn creating_an_api_is_limited_by_the_kind_of_api_edge_unless_told() {
        let create = quota(Operation::CreateRestApi).expect("a quota");
        let regional = r#"{"name":"a","endpointConfiguration":{"types":["REGIONAL"]}}"#;
        let private = r#"{"name":"a","endpointConfiguration":{"types":["PRIVATE"]}}"#;
        let edge = r#"{"name":"a","endpointConfiguration":{"types":["EDGE"]}}"#;
        let every = |body: &str| create.bucket(&request(&[], body));
        assert_eq!(every(regional), ("/regional", Rate::one_every(3.0)));
        assert_eq!(every(private), ("/regional", Rate::one_every(3.0)));
        assert_eq!(every(edge), ("/edge", Rate::one_every(30.0)));
        assert_eq!(every(r#"{"name":"a"}"#), ("/edge", Rate::one_every(30.0)));
        assert_eq!(every("not json"), ("/edge", Rate::one_every(30.0)));
        let imported = request(&[("endpointConfigurationTypes", "REGIONAL")], "openapi: 3.0.1");
        assert_eq!(create.bucket(&imported), ("/regional", Rate::one_every(3.0)));
    }
}
