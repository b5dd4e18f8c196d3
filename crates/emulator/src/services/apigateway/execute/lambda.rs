//! Calling Lambda from an integration: the function the integration URI names (after its
//! `${stageVariables.NAME}` are substituted; a qualifier after the name picks an alias or a
//! version), the check that the resource policy of exactly that qualifier lets
//! `apigateway.amazonaws.com` invoke it from this method's `AWS:SourceArn`, and the invocation
//! on a real worker, bounded by the integration's timeout.

use super::super::integrations::lambda_function;
use crate::policy::{self, Decision, Principal};
use crate::services::lambda::functions::Target;
use crate::services::lambda::invoke::{invoke_version, resolve_in};
use crate::services::lambda::model::{FunctionRef, function_arn};
use crate::services::lambda::runtime::Invocation;
use crate::state::{Shared, lock};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The function an integration calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaTarget {
    pub region: String,
    pub name: String,
    pub qualifier: Option<String>,
}

impl LambdaTarget {
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`.
    pub fn arn(&self) -> String {
        let arn = function_arn(&self.region, crate::ACCOUNT_ID, &self.name);
        match &self.qualifier {
            Some(qualifier) => format!("{arn}:{qualifier}"),
            None => arn,
        }
    }
}

/// `${stageVariables.NAME}` replaced by the variable's value (an unknown one by nothing, as
/// AWS does).
pub fn substitute(text: &str, variables: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${stageVariables.") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "${stageVariables.".len()..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        out.push_str(variables.get(&after[..end]).map(String::as_str).unwrap_or_default());
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The function a Lambda integration URI names once stage variables are substituted; `None`
/// when the result is not a function name or ARN.
pub fn target_of(
    uri: &str,
    variables: &BTreeMap<String, String>,
    region: &str,
) -> Option<LambdaTarget> {
    let function = substitute(lambda_function(uri)?, variables);
    let reference = FunctionRef::parse(&function).ok()?;
    Some(LambdaTarget {
        region: reference.region.unwrap_or_else(|| region.to_string()),
        name: reference.name,
        qualifier: reference.qualifier,
    })
}

/// How a call to Lambda ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Called {
    /// The handler returned this payload.
    Returned { payload: Vec<u8>, request_id: String, executed_version: String, latency: Duration },
    /// The handler failed; the payload is Lambda's error document.
    FunctionError { payload: Vec<u8>, error_message: String, request_id: String, latency: Duration },
    /// The resource policy does not let API Gateway invoke the function from here.
    Denied,
    /// No such function, alias or version.
    NotFound,
    /// The handler ran past the integration's timeout.
    TimedOut,
    /// The function could not be run (no interpreter, a role Lambda cannot assume, …).
    Failed(String),
}

/// Whether the resource policy of the target's qualifier allows API Gateway to invoke it from
/// `source_arn`. `None`: the function does not exist.
pub fn permitted(shared: &Shared, target: &LambdaTarget, source_arn: &str) -> Option<bool> {
    let state = lock(&shared.lambda);
    let function = state.function(&target.region, &target.name)?;
    let Some(policy) = function.policies.get(target.qualifier.as_deref().unwrap_or_default())
    else {
        return Some(false);
    };
    let mut context = policy::Context::new();
    context.insert("aws:SourceArn".into(), vec![source_arn.to_string()]);
    context.insert("aws:SourceAccount".into(), vec![crate::ACCOUNT_ID.to_string()]);
    let resource = target.arn();
    let request =
        policy::Request { action: "lambda:InvokeFunction", resource: &resource, context: &context };
    let evaluation = policy::evaluate_resource_policy(
        &policy.document(),
        Principal::Service("apigateway.amazonaws.com"),
        &request,
    );
    Some(evaluation.decision == Decision::Allow)
}

/// Checks the permission, then invokes the function with `payload`, waiting at most `timeout`.
/// A handler still running at the timeout finishes on its worker; only the answer is dropped.
pub async fn call(
    shared: &Arc<Shared>,
    target: &LambdaTarget,
    payload: bytes::Bytes,
    source_arn: &str,
    timeout: Duration,
) -> Called {
    match permitted(shared, target, source_arn) {
        None => Called::NotFound,
        Some(false) => Called::Denied,
        Some(true) => invoke(shared, target, payload, timeout).await,
    }
}

/// Invokes the function with `payload`, waiting at most `timeout`, without looking at its
/// resource policy (an authorizer with credentials calls as its role, see `authorizer`).
pub async fn invoke(
    shared: &Arc<Shared>,
    target: &LambdaTarget,
    payload: bytes::Bytes,
    timeout: Duration,
) -> Called {
    let lambda_target = Target { name: target.name.clone(), qualifier: target.qualifier.clone() };
    let now = crate::clock::millis(shared.clock.now());
    let config = match resolve_in(shared, &target.region, &lambda_target, now) {
        Ok(Some(config)) => config,
        Ok(None) => return Called::NotFound,
        Err(cannot_run) => return Called::Failed(cannot_run.to_string()),
    };
    let request_id = shared.ids.uuid();
    let invocation = Invocation {
        request_id: request_id.clone(),
        trace_id: crate::ids::trace_id(shared),
        payload,
        invoked_arn: target.arn(),
        client_context: None,
    };
    let started = Instant::now();
    let worker_shared = Arc::clone(shared);
    let running =
        tokio::spawn(async move { invoke_version(&worker_shared, config, invocation).await });
    let invoked = match tokio::time::timeout(timeout, running).await {
        Err(_) => return Called::TimedOut,
        Ok(Err(error)) => return Called::Failed(error.to_string()),
        Ok(Ok(Err(error))) => return Called::Failed(error.message),
        Ok(Ok(Ok(invoked))) => invoked,
    };
    let latency = started.elapsed();
    match invoked.function_error {
        None => Called::Returned {
            payload: invoked.payload,
            request_id,
            executed_version: invoked.executed_version,
            latency,
        },
        Some(_) => {
            let error_message = serde_json::from_slice::<serde_json::Value>(&invoked.payload)
                .ok()
                .and_then(|document| document["errorMessage"].as_str().map(str::to_string))
                .unwrap_or_default();
            Called::FunctionError { payload: invoked.payload, error_message, request_id, latency }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_variables_are_substituted_in_the_function_part() {
        let variables = BTreeMap::from([("lambdaAlias".to_string(), "DEV".to_string())]);
        let uri = "arn:aws:apigateway:ap-northeast-1:lambda:path/2015-03-31/functions/arn:aws:lambda:ap-northeast-1:000000000000:function:lambda-api-gateway-proxy-root-get:${stageVariables.lambdaAlias}/invocations";
        let target = target_of(uri, &variables, "ap-northeast-2").unwrap();
        assert_eq!(target.region, "ap-northeast-1");
        assert_eq!(target.name, "lambda-api-gateway-proxy-root-get");
        assert_eq!(target.qualifier.as_deref(), Some("DEV"));
        assert_eq!(
            target.arn(),
            "arn:aws:lambda:ap-northeast-1:000000000000:function:lambda-api-gateway-proxy-root-get:DEV"
        );
        assert_eq!(
            substitute("a${stageVariables.x}b${stageVariables.y", &variables),
            "ab${stageVariables.y"
        );
        // Without the variable the ARN ends in `:`, which names no function.
        assert_eq!(target_of(uri, &BTreeMap::new(), "ap-northeast-1"), None);
    }
}
