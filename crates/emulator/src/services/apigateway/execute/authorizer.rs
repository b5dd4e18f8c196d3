//! Running a method's Lambda authorizer before its integration, as API Gateway does behind an
//! invoke URL (`TestInvokeMethod` skips it, as AWS's does; `TestInvokeAuthorizer` runs the
//! authorizer alone through [`invoke`]).
//!
//! 1. **Identity**: a `TOKEN` authorizer reads its one header, and the token must match the
//!    `identityValidationExpression` when there is one; a `REQUEST` authorizer reads each of its
//!    identity sources (headers, query string, stage variables, context values). Anything
//!    missing or empty is AWS's `401 {"message":"Unauthorized"}` and the function never runs.
//! 2. **Cache**: a result is kept for the authorizer's TTL on the emulator's clock, under the
//!    identity values (per stage and deployment), and reused for *any* method: its policy is
//!    evaluated again against each new method ARN, so a policy naming one method denies the
//!    others from the cache, the pitfall learners meet on AWS.
//! 3. **Invoke**: the function runs with the `TOKEN` or `REQUEST` event, after the check that
//!    its resource policy lets API Gateway call it from
//!    `arn:aws:execute-api:REGION:ACCOUNT:API/authorizers/ID` (or, with `authorizerCredentials`,
//!    that the role trusts API Gateway and may invoke it). A function raising
//!    `Error("Unauthorized")` is a `401`; any other failure, or an answer that is not
//!    `{principalId, policyDocument[, context][, usageIdentifierKey]}` with primitive context
//!    values, is AWS's `500 {"message":null}` (`AuthorizerConfigurationException`).
//! 4. **Policy**: the returned policy is evaluated (`crate::policy`) for `execute-api:Invoke` on
//!    the method ARN, `arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/VERB/PATH`: an explicit deny
//!    and a missing allow are AWS's two `403`s (with `Message`, capital M, as AWS writes them).
//!
//! What passes reaches the integration as [`Authorized`]: `principalId` and the context in the
//! proxy event's `requestContext.authorizer`, and the `usageIdentifierKey` for an API whose
//! `apiKeySource` is `AUTHORIZER`. Each step writes AWS's execution-log lines.
//!
//! Reading the answer, the refusals' statuses and bodies, and the cache are in
//! `authorizer_answer`.
//!
//! Not here: Cognito user pools (there is no Cognito offline: a method using one is a `500`
//! whose log says so), and mapping templates' `$context.authorizer.*`, which `mapping` fills in.

use super::super::authorizers::{Authorizer, Source};
use super::authorizer_answer::{Answer, Authorized, Refusal, read_answer};
use super::lambda::{self, Called, LambdaTarget};
use super::log::{ExecutionLog, java_map};
use super::{Execution, HttpCall, Outcome, Run};
use crate::policy::{self, Decision, Principal};
use crate::state::{Shared, lock};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// How long API Gateway waits for an authorizer.
const TIMEOUT: Duration = Duration::from_secs(29);

/// Runs the method's authorizer, if it has one, before the integration: the request goes on
/// with [`Run::authorized`] set, or ends here with the authorizer's refusal.
pub(super) async fn admit<'a>(mut run: Run<'a>, call: &HttpCall) -> Result<Run<'a>, Outcome> {
    let exec = run.exec;
    let kind = exec.method.authorization_type.as_str();
    if exec.test_invoke || !["CUSTOM", "COGNITO_USER_POOLS"].contains(&kind) {
        return Ok(run);
    }
    let Some(authorizer) = exec.authorizer.clone() else {
        run.line("Execution failed due to configuration error: Authorizer error");
        return Err(refuse(run, Refusal::Configuration));
    };
    if authorizer.kind == "COGNITO_USER_POOLS" {
        run.line(
            "Execution failed due to configuration error: the offline emulator has no Amazon \
             Cognito to check a COGNITO_USER_POOLS authorizer's token",
        );
        return Err(refuse(run, Refusal::Configuration));
    }
    let event = proxy_shaped(exec, call, run.shared.clock.now());
    let Some(identity) = identity(&authorizer, call, exec, &event) else {
        run.line(format!("Unauthorized request: {}", exec.request_id));
        return Err(refuse(run, Refusal::Unauthorized));
    };
    let method_arn = method_arn(exec, &call.method, &call.path);
    let now = crate::clock::millis(run.shared.clock.now());
    let key = format!(
        "{}/{}/{}/{}/{}",
        exec.api_id,
        exec.stage,
        exec.deployment_id.as_deref().unwrap_or_default(),
        authorizer.id,
        identity.cache_key
    );
    let cached = lock(&run.shared.apigateway).authorizer_cache.get(&key, now);
    let (answer, latency) = match cached {
        Some(answer) => (answer, None),
        None => {
            let event = event_for(&authorizer, event, &method_arn, &identity);
            let shared = run.shared;
            let invocation = Invocation {
                authorizer: &authorizer,
                region: &exec.region,
                api_id: &exec.api_id,
                request_id: &exec.request_id,
                variables: &exec.variables,
                shown_identity: &identity.shown,
                event,
            };
            match invoke(shared, invocation, &mut run.log).await {
                Ok((answer, latency)) => {
                    if authorizer.ttl() > 0 {
                        let expires_at = now + authorizer.ttl() * 1000;
                        let mut state = lock(&shared.apigateway);
                        state.authorizer_cache.put(key, answer.clone(), expires_at, now);
                    }
                    (answer, Some(latency))
                }
                Err(refusal) => return Err(refuse(run, refusal)),
            }
        }
    };
    let context = policy::Context::new();
    let request =
        policy::Request { action: "execute-api:Invoke", resource: &method_arn, context: &context };
    let refusal = match policy::evaluate(&[&answer.policy], &request).decision {
        Decision::Allow => None,
        Decision::ExplicitDeny => Some(Refusal::ExplicitDeny),
        Decision::ImplicitDeny => Some(Refusal::NotAllowed),
    };
    if let Some(refusal) = refusal {
        run.line("The client is not authorized to perform this operation.");
        return Err(refuse(run, refusal));
    }
    run.authorized = Some(Authorized {
        principal_id: answer.principal_id,
        context: answer.context,
        usage_identifier_key: answer.usage_identifier_key,
        integration_latency: (authorizer.kind == "TOKEN")
            .then(|| latency.map_or(0, |latency| latency.as_millis() as u64)),
    });
    Ok(run)
}

/// Runs `authorizer` for a request without a cache or a method to evaluate its policy against,
/// as `TestInvokeAuthorizer` does.
pub async fn run_alone(
    shared: &Arc<Shared>,
    authorizer: &Authorizer,
    exec: &Execution,
    call: &HttpCall,
    log: &mut ExecutionLog,
) -> Result<(Answer, Duration), Refusal> {
    let proxy = proxy_shaped(exec, call, shared.clock.now());
    let Some(identity) = identity(authorizer, call, exec, &proxy) else {
        log.line(shared.clock.now(), format!("Unauthorized request: {}", exec.request_id));
        return Err(Refusal::Unauthorized);
    };
    let method_arn = method_arn(exec, &call.method, &call.path);
    let invocation = Invocation {
        authorizer,
        region: &exec.region,
        api_id: &exec.api_id,
        request_id: &exec.request_id,
        variables: &exec.variables,
        shown_identity: &identity.shown,
        event: event_for(authorizer, proxy, &method_arn, &identity),
    };
    invoke(shared, invocation, log).await
}

/// The event the function gets: `TOKEN` or `REQUEST`.
fn event_for(
    authorizer: &Authorizer,
    proxy: Value,
    method_arn: &str,
    identity: &Identity,
) -> Value {
    match authorizer.kind.as_str() {
        "TOKEN" => json!({
            "type": "TOKEN",
            "methodArn": method_arn,
            "authorizationToken": identity.cache_key,
        }),
        _ => request_event(proxy, method_arn),
    }
}

/// The client's answer to a refused request, after the log's last line.
fn refuse(mut run: Run<'_>, refusal: Refusal) -> Outcome {
    run.line(format!(
        "Gateway response type: {} with status code: {}",
        refusal.gateway_response(),
        refusal.status()
    ));
    Outcome {
        status: refusal.status(),
        headers: vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("x-amzn-ErrorType".to_string(), refusal.error_type().to_string()),
        ],
        body: refusal.body().to_string().into_bytes(),
        log: run.log,
        latency: run.started.elapsed(),
    }
}

/// `arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/VERB/PATH`, the request's own verb and path
/// (`…/dev/GET/` for the root): what an authorizer's policy is evaluated against.
pub fn method_arn(exec: &Execution, verb: &str, path: &str) -> String {
    format!(
        "arn:aws:execute-api:{}:{}:{}/{}/{verb}{path}",
        exec.region,
        crate::ACCOUNT_ID,
        exec.api_id,
        exec.stage
    )
}

/// What a request offers an authorizer: the values it caches under, and how the log shows them.
struct Identity {
    cache_key: String,
    shown: String,
}

/// The identity a request carries for `authorizer`; `None` when anything is missing or empty,
/// or a token fails the validation expression.
fn identity(
    authorizer: &Authorizer,
    call: &HttpCall,
    exec: &Execution,
    event: &Value,
) -> Option<Identity> {
    if authorizer.kind == "TOKEN" {
        let name = authorizer.sources().first()?.strip_prefix("method.request.header.")?;
        let token = header(call, name).filter(|token| !token.is_empty())?;
        if let Some(expression) = &authorizer.identity_validation_expression {
            let whole = regex::Regex::new(&format!("^(?:{expression})$")).ok()?;
            if !whole.is_match(&token) {
                return None;
            }
        }
        return Some(Identity { shown: mask(&token), cache_key: token });
    }
    let mut values = Vec::new();
    for source in authorizer.sources() {
        let value = match Source::parse(source)? {
            Source::Header(name) => header(call, name),
            Source::QueryString(name) => {
                call.query.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone())
            }
            Source::StageVariable(name) => exec.variables.get(name).cloned(),
            Source::Context(path) => {
                let found =
                    path.split('.').try_fold(&event["requestContext"], |at, key| at.get(key));
                found.and_then(|value| match value {
                    Value::String(text) => Some(text.clone()),
                    Value::Null => None,
                    other => Some(other.to_string()),
                })
            }
        };
        values.push((source, value.filter(|value| !value.is_empty())?));
    }
    let shown = java_map(values.iter().map(|(source, value)| (*source, value.as_str())));
    let cache_key = values.iter().map(|(_, value)| value.as_str()).collect::<Vec<_>>().join(",");
    Some(Identity { cache_key, shown })
}

fn header(call: &HttpCall, name: &str) -> Option<String> {
    (call.headers.iter())
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.clone())
}

/// The proxy event of the request, whose parts the `REQUEST` event and context sources use.
fn proxy_shaped(exec: &Execution, call: &HttpCall, at: time::OffsetDateTime) -> Value {
    super::proxy::event(exec, call, at)
}

/// The `REQUEST` authorizer event: the proxy event's request parts, without the body.
fn request_event(proxy: Value, method_arn: &str) -> Value {
    let mut event = Map::new();
    event.insert("type".into(), json!("REQUEST"));
    event.insert("methodArn".into(), json!(method_arn));
    if let Value::Object(parts) = proxy {
        for (key, value) in parts {
            if !["body", "isBase64Encoded"].contains(&key.as_str()) {
                event.insert(key, value);
            }
        }
    }
    Value::Object(event)
}

/// `****abc123`: all but the last six characters hidden, as AWS's logs show tokens and
/// principals.
pub fn mask(text: &str) -> String {
    let count = text.chars().count();
    let hidden = count.saturating_sub(6);
    "*".repeat(hidden) + &text.chars().skip(hidden).collect::<String>()
}

/// One call of an authorizer function.
pub struct Invocation<'a> {
    pub authorizer: &'a Authorizer,
    pub region: &'a str,
    pub api_id: &'a str,
    pub request_id: &'a str,
    pub variables: &'a BTreeMap<String, String>,
    /// The identity as the log shows it (masked).
    pub shown_identity: &'a str,
    pub event: Value,
}

/// Runs an authorizer function and reads its answer, writing the log; shared by invoke URLs
/// and `TestInvokeAuthorizer`. The answer's policy is not evaluated here.
pub async fn invoke(
    shared: &Arc<Shared>,
    invocation: Invocation<'_>,
    log: &mut ExecutionLog,
) -> Result<(Answer, Duration), Refusal> {
    let authorizer = invocation.authorizer;
    let mut line = |text: String| log.line(shared.clock.now(), text);
    line(format!("Starting authorizer: {} for request: {}", authorizer.id, invocation.request_id));
    line(format!("Incoming identity: {}", invocation.shown_identity));
    let uri = authorizer.authorizer_uri.as_deref().unwrap_or_default();
    let Some(target) = lambda::target_of(uri, invocation.variables, invocation.region) else {
        return configuration_error(&mut line, "Invalid function ARN or invalid uri");
    };
    let endpoint = format!(
        "https://lambda.{}.amazonaws.com/2015-03-31/functions/{}/invocations",
        target.region,
        target.arn()
    );
    let source_arn = format!(
        "arn:aws:execute-api:{}:{}:{}/authorizers/{}",
        invocation.region,
        crate::ACCOUNT_ID,
        invocation.api_id,
        authorizer.id
    );
    line(format!("Endpoint request URI: {endpoint}"));
    let now = shared.clock.now();
    line(format!(
        "Endpoint request headers: {}",
        java_map([
            ("x-amzn-lambda-integration-tag", invocation.request_id),
            ("X-Amz-Date", &crate::clock::write(now, crate::clock::formats::COMPACT)),
            ("x-amzn-apigateway-api-id", invocation.api_id),
            ("X-Amz-Source-Arn", &source_arn),
            ("Accept", "application/json"),
            ("User-Agent", &format!("AmazonAPIGateway_{}", invocation.api_id)),
        ])
    ));
    let payload = invocation.event.to_string();
    line(format!("Endpoint request body after transformations: {payload}"));
    let permitted = match &authorizer.authorizer_credentials {
        Some(role) => role_may_invoke(shared, role, &target),
        None => match lambda::permitted(shared, &target, &source_arn) {
            None => Err(format!("Function not found: {}", target.arn())),
            Some(false) => Err("Invalid permissions on Lambda function".to_string()),
            Some(true) => Ok(()),
        },
    };
    if let Err(reason) = permitted {
        return configuration_error(&mut line, &reason);
    }
    line(format!("Sending request to {endpoint}"));
    let started = std::time::Instant::now();
    let called = lambda::invoke(shared, &target, bytes::Bytes::from(payload), TIMEOUT).await;
    let latency = started.elapsed();
    let body = match called {
        Called::Returned { payload, .. } => payload,
        Called::FunctionError { error_message, .. } if error_message == "Unauthorized" => {
            line(format!("Unauthorized request: {}", invocation.request_id));
            return Err(Refusal::Unauthorized);
        }
        Called::FunctionError { payload, .. } => payload,
        Called::NotFound => {
            return configuration_error(
                &mut line,
                &format!("Function not found: {}", target.arn()),
            );
        }
        Called::Denied => {
            return configuration_error(&mut line, "Invalid permissions on Lambda function");
        }
        Called::TimedOut => {
            return configuration_error(&mut line, "Authorizer function timed out");
        }
        Called::Failed(reason) => {
            return configuration_error(
                &mut line,
                &format!("Lambda could not run the function: {reason}"),
            );
        }
    };
    line(format!("Authorizer result body before parsing: {}", String::from_utf8_lossy(&body)));
    let answer = match read_answer(&body) {
        Ok(answer) => answer,
        Err(reason) => return configuration_error(&mut line, &reason),
    };
    line(format!("Using valid authorizer policy for principal: {}", mask(&answer.principal_id)));
    line("Successfully completed authorizer execution".to_string());
    Ok((answer, latency))
}

/// Logs why the authorizer could not be used, as AWS does, and refuses the request.
fn configuration_error<T>(line: &mut impl FnMut(String), reason: &str) -> Result<T, Refusal> {
    line(format!("Execution failed due to configuration error: {reason}"));
    if !reason.starts_with("Invalid JSON in response") {
        line("Execution failed due to configuration error: Authorizer error".to_string());
    }
    Err(Refusal::Configuration)
}

/// With `authorizerCredentials`, API Gateway calls the function as that role: the role must
/// trust `apigateway.amazonaws.com` and allow `lambda:InvokeFunction` on it.
fn role_may_invoke(shared: &Shared, role_arn: &str, target: &LambdaTarget) -> Result<(), String> {
    let cannot_assume =
        || format!("API Gateway does not have permission to assume the provided role {role_arn}");
    let name =
        role_arn.rsplit_once(":role/").map(|(_, path)| path.rsplit('/').next().unwrap_or(path));
    let name = name.ok_or_else(cannot_assume)?;
    let now = crate::clock::millis(shared.clock.now());
    let iam = lock(&shared.iam);
    let role = iam.role(name).map_err(|_| cannot_assume())?;
    let trust: Value = serde_json::from_str(&role.trust_policy).map_err(|_| cannot_assume())?;
    let context = policy::Context::new();
    let assume =
        policy::Request { action: "sts:AssumeRole", resource: role_arn, context: &context };
    let trusted = policy::evaluate_resource_policy(
        &trust,
        Principal::Service("apigateway.amazonaws.com"),
        &assume,
    );
    if trusted.decision != Decision::Allow {
        return Err(cannot_assume());
    }
    let documents = iam.identity_policies(name, now);
    let documents: Vec<&Value> = documents.iter().map(|(_, document)| document).collect();
    let function = target.arn();
    let invoke =
        policy::Request { action: "lambda:InvokeFunction", resource: &function, context: &context };
    match policy::evaluate(&documents, &invoke).decision {
        Decision::Allow => Ok(()),
        _ => Err("Invalid permissions on Lambda function".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_masked_but_their_last_six_characters() {
        assert_eq!(mask("allow-token-123"), "*********en-123");
        assert_eq!(mask("user"), "user");
    }
}
