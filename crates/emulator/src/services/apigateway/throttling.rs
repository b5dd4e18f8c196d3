//! Who may call an invoke URL, and how fast: API keys, usage plans and the throttling of
//! stages, checked after the method is found (and its authorizer has run) and before the
//! integration runs. `TestInvokeMethod` skips all of it, as on AWS.
//!
//! In AWS's order, each refusal in AWS's words:
//! 1. A method with `apiKeyRequired` needs a key: from the `x-api-key` header, or, when the
//!    API's `apiKeySource` is `AUTHORIZER`, the `usageIdentifierKey` its authorizer returned.
//!    No key, a key that is unknown or disabled, or one in no usage plan that covers the API's
//!    stage: `403 {"message":"Forbidden"}` (`ForbiddenException`).
//! 2. That plan's quota: once the key has used the period's limit (the offset taken off in the
//!    plan's first period), `429 {"message":"Limit Exceeded"}` (`LimitExceededException`).
//! 3. That plan's throttle for the key on this stage (a method's own in `apiStages[].throttle`
//!    wins over the plan's): a token bucket at the rate, as deep as the burst; an empty bucket
//!    is `429 {"message":"Too Many Requests"}` (`TooManyRequestsException`).
//! 4. The stage's `methodSettings` throttling (the method's own, else `*/*`), for every request
//!    with or without a key: a bucket per stage and setting, refused the same way.
//!
//! A request that passes is counted against its key's plan, per UTC day, for the quota and
//! `GetUsage`. Buckets run on the emulator's clock (a stopped clock lets exactly `burst`
//! requests through; advancing it refills them at the rate) and live in memory
//! ([`Shared::throttles`]); counts are part of the saved state. These limits hold under every
//! timing: they are the learner's own settings, not AWS's delays.

use super::execute::{Execution, HttpCall};
use super::invoke_url::HttpAnswer;
use super::metering::{self, Metering, Throttle, UsagePlan};
use super::model::{ApiGatewayState, Stage};
use crate::clock::Millis;
use crate::protocol::Service;
use crate::state::{Shared, lock};
use crate::timing::Rate;
use serde_json::{Map, Value, json};

/// Why a request was refused before its integration ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No usable API key: 403 `Forbidden`.
    Forbidden,
    /// Over the plan's quota: 429 `Limit Exceeded`.
    QuotaExceeded,
    /// Over a plan's or a stage's throttle: 429 `Too Many Requests`.
    Throttled,
}

impl Refusal {
    /// The gateway response AWS sends for it.
    pub fn answer(self, request_id: &str) -> HttpAnswer {
        let (status, error_type, message) = match self {
            Refusal::Forbidden => (403, "ForbiddenException", "Forbidden"),
            Refusal::QuotaExceeded => (429, "LimitExceededException", "Limit Exceeded"),
            Refusal::Throttled => (429, "TooManyRequestsException", "Too Many Requests"),
        };
        HttpAnswer {
            status,
            headers: vec![
                ("Content-Type".to_string(), "application/json".to_string()),
                ("x-amzn-ErrorType".to_string(), error_type.to_string()),
                ("x-amzn-RequestId".to_string(), request_id.to_string()),
            ],
            body: json!({ "message": message }).to_string().into_bytes(),
        }
    }
}

/// Lets a request through, or says why not. `authorizer_key` is the `usageIdentifierKey` the
/// method's authorizer returned, if any: the key when the API's `apiKeySource` is
/// `AUTHORIZER`. A request that passes is counted against its key's plan and the state saved.
pub fn admit(
    shared: &Shared,
    exec: &Execution,
    call: &HttpCall,
    authorizer_key: Option<&str>,
    now: Millis,
) -> Result<(), Refusal> {
    let metered = {
        let mut state = lock(&shared.apigateway);
        let metered = check(shared, &state, exec, call, authorizer_key, now)?;
        if let Some((plan_id, key_id)) = &metered {
            let today = metering::date_of(crate::clock::datetime(now));
            let region = state.metering.entry(exec.region.clone()).or_default();
            region.count(plan_id, key_id, today);
        }
        metered
    };
    if metered.is_some() {
        // The request has passed whatever the save does: a count that could not be written
        // now is written with the next change, and a refused request would help nobody.
        let _ = shared.save(Service::ApiGateway);
    }
    Ok(())
}

/// Every check, in AWS's order; the plan and key to count the request against, when the
/// method needs a key.
fn check(
    shared: &Shared,
    state: &ApiGatewayState,
    exec: &Execution,
    call: &HttpCall,
    authorizer_key: Option<&str>,
    now: Millis,
) -> Result<Option<(String, String)>, Refusal> {
    let api = state.api(&exec.region, &exec.api_id).ok_or(Refusal::Forbidden)?;
    let mut metered = None;
    if exec.method.api_key_required {
        let value = match api.api_key_source.as_str() {
            "AUTHORIZER" => authorizer_key.map(str::to_string),
            _ => header(call, "x-api-key"),
        };
        let value = value.filter(|value| !value.is_empty()).ok_or(Refusal::Forbidden)?;
        let region = state.metering.get(&exec.region).ok_or(Refusal::Forbidden)?;
        let (plan, key_id) = plan_of_key(region, exec, &value).ok_or(Refusal::Forbidden)?;
        let today = metering::date_of(crate::clock::datetime(now));
        if let Some(quota) = plan.quota {
            let used = region.used_in_period(&plan.id, key_id, quota.period, today);
            let limit = plan.quota_limit(quota, quota.period.start(today));
            if i64::try_from(used).unwrap_or(i64::MAX) >= limit {
                return Err(Refusal::QuotaExceeded);
            }
        }
        let method = metering::method_key(&exec.resource_path, &exec.method.http_method);
        let own = plan.stage(&exec.api_id, &exec.stage).and_then(|s| s.throttle.get(&method));
        let (limits, scope) = match own {
            Some(limits) => (Some(*limits), method.as_str()),
            None => (plan.throttle, "*"),
        };
        if let Some(limits) = limits {
            let bucket =
                format!("invoke/plan/{}/{key_id}/{}/{}/{scope}", plan.id, exec.api_id, exec.stage);
            take(shared, &bucket, limits.rate(), now)?;
        }
        metered = Some((plan.id.clone(), key_id.to_string()));
    }
    if let Some(stage) = api.stage(&exec.stage)
        && let Some((setting, rate)) = stage_throttle(stage, exec)
    {
        let bucket =
            format!("invoke/stage/{}/{}/{}/{setting}", exec.region, exec.api_id, exec.stage);
        take(shared, &bucket, rate, now)?;
    }
    Ok(metered)
}

/// The enabled key whose value is `value`, and the plan through which it may call the
/// request's stage.
fn plan_of_key<'a>(
    region: &'a Metering,
    exec: &'a Execution,
    value: &str,
) -> Option<(&'a UsagePlan, &'a str)> {
    let key = region.keys.iter().find(|key| key.value == value && key.enabled)?;
    let plan = (region.plans_of_stage(&exec.api_id, &exec.stage))
        .find(|plan| plan.keys.contains(&key.id))?;
    Some((plan, key.id.as_str()))
}

fn take(shared: &Shared, bucket: &str, rate: Rate, now: Millis) -> Result<(), Refusal> {
    shared.throttles.take(bucket, rate, now).map_err(|_| Refusal::Throttled)
}

/// The stage's throttling for the request's method: the method's own settings (keyed
/// `~1pets/GET`, as `UpdateStage` patches them) when there are, else `*/*`'s.
fn stage_throttle(stage: &Stage, exec: &Execution) -> Option<(String, Rate)> {
    let own = stage.method_settings.iter().find(|(key, _)| {
        let Some((resource, verb)) = key.rsplit_once('/') else { return false };
        let resource = resource.replace("~1", "/").replace("~0", "~");
        let resource = if resource.starts_with('/') { resource } else { format!("/{resource}") };
        key.as_str() != "*/*" && resource == exec.resource_path && verb == exec.method.http_method
    });
    let (key, settings) = own.or_else(|| stage.method_settings.get_key_value("*/*"))?;
    Some((key.clone(), settings_rate(settings)?))
}

/// The rate of a method setting's `throttlingRateLimit` and `throttlingBurstLimit`.
fn settings_rate(settings: &Map<String, Value>) -> Option<Rate> {
    let rate_limit = settings.get("throttlingRateLimit").and_then(Value::as_f64)?;
    let burst_limit = settings.get("throttlingBurstLimit").and_then(Value::as_i64)?;
    Some(Throttle { rate_limit, burst_limit }.rate())
}

fn header(call: &HttpCall, name: &str) -> Option<String> {
    (call.headers.iter())
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_answered_in_aws_words() {
        let forbidden = Refusal::Forbidden.answer("r1");
        assert_eq!(forbidden.status, 403);
        assert_eq!(forbidden.body, br#"{"message":"Forbidden"}"#);
        let quota = Refusal::QuotaExceeded.answer("r1");
        assert_eq!(
            (quota.status, quota.body.as_slice()),
            (429, &br#"{"message":"Limit Exceeded"}"#[..])
        );
        let throttled = Refusal::Throttled.answer("r1");
        assert!(
            throttled.headers.contains(&(
                "x-amzn-ErrorType".to_string(),
                "TooManyRequestsException".to_string()
            ))
        );
        assert_eq!(throttled.body, br#"{"message":"Too Many Requests"}"#);
    }
}
