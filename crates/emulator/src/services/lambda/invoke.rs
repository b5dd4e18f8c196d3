//! `Invoke`: `RequestResponse` waits for the handler, `Event` answers 202 and runs it in the
//! background, `DryRun` only checks (204). A qualifier picks a version or an alias (a weighted
//! alias sends each invocation to one of its two versions at random, by weight). The log goes
//! to CloudWatch Logs; `LogType: Tail` also returns its last 4 KB in `X-Amz-Log-Result`.

use super::functions::{FunctionKey, Target};
use super::model::Config;
use super::runtime::{Ending, Invocation, Launch, Outcome};
use super::{LambdaError, authorize};
use crate::error::AwsError;
use crate::services::RequestContext;
use crate::services::logs::LogEvent;
use crate::state::{Shared, lock};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// The largest payload of a synchronous invocation, and of its response.
const SYNC_PAYLOAD_LIMIT: usize = 6_291_456;
const RESPONSE_LIMIT: usize = 6_291_556;
/// The largest payload of an asynchronous invocation.
const ASYNC_PAYLOAD_LIMIT: usize = 1_048_576;
/// How much of the log `LogType: Tail` returns.
const TAIL_BYTES: usize = 4096;

/// How a caller wants a function invoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvocationType {
    RequestResponse,
    Event,
    DryRun,
}

/// The result of a synchronous invocation, as the caller sees it.
#[derive(Debug, Clone)]
pub struct Invoked {
    /// The handler's result, or AWS's error document when it failed.
    pub payload: Vec<u8>,
    /// `Unhandled` when the function failed.
    pub function_error: Option<String>,
    pub executed_version: String,
    pub outcome: Outcome,
}

/// Invoke's members besides its payload (the request's body).
#[derive(Debug, Deserialize)]
pub struct InvokeInput {
    #[serde(flatten)]
    function: FunctionKey,
    #[serde(rename = "header:x-amz-invocation-type")]
    invocation_type: Option<String>,
    #[serde(rename = "header:x-amz-log-type")]
    log_type: Option<String>,
    /// Base64-encoded JSON.
    #[serde(rename = "header:x-amz-client-context")]
    client_context: Option<String>,
}

/// Invoke's output: the status its invocation type answers with, three members bound to headers,
/// and the handler's answer as the payload.
#[derive(Debug, Clone, PartialEq)]
pub struct InvokeOutput {
    /// 200; 202 for an `Event`, 204 for a `DryRun`.
    pub status_code: u16,
    /// `X-Amz-Executed-Version`.
    pub executed_version: Option<String>,
    /// `X-Amz-Function-Error`: `Unhandled` when the handler failed.
    pub function_error: Option<String>,
    /// `X-Amz-Log-Result`: the base64 tail of the log, when asked for.
    pub log_result: Option<String>,
    pub payload: Vec<u8>,
}

impl InvokeOutput {
    fn empty(status_code: u16) -> Self {
        Self {
            status_code,
            executed_version: None,
            function_error: None,
            log_result: None,
            payload: Vec::new(),
        }
    }
}

pub async fn invoke(
    shared: &Arc<Shared>,
    ctx: &RequestContext,
    input: InvokeInput,
    payload: &[u8],
) -> Result<InvokeOutput, AwsError> {
    let target = Target::of(ctx, &input.function)?;
    authorize(shared, ctx, "lambda:InvokeFunction", &target.arn(ctx))?;
    let invocation_type = match input.invocation_type.as_deref() {
        None | Some("RequestResponse") => InvocationType::RequestResponse,
        Some("Event") => InvocationType::Event,
        Some("DryRun") => InvocationType::DryRun,
        Some(other) => {
            return Err(LambdaError::validation(
                other,
                "invocationType",
                "Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
            )
            .into());
        }
    };
    let tail = match input.log_type.as_deref() {
        None | Some("None") => false,
        Some("Tail") => true,
        Some(other) => {
            return Err(LambdaError::validation(
                other,
                "logType",
                "Member must satisfy enum value set: [None, Tail]",
            )
            .into());
        }
    };
    let limit = match invocation_type {
        InvocationType::Event => ASYNC_PAYLOAD_LIMIT,
        _ => SYNC_PAYLOAD_LIMIT,
    };
    if payload.len() > limit {
        return Err(LambdaError::RequestTooLarge(format!(
            "Request must be smaller than {limit} bytes for the InvokeFunction operation"
        ))
        .into());
    }
    let payload = checked_payload(payload)?;
    let client_context = input.client_context.as_deref().map(decode_client_context);
    let config = resolve(shared, ctx, &target)?;
    let invoked_arn = target.arn(ctx);
    match invocation_type {
        InvocationType::DryRun => Ok(InvokeOutput::empty(204)),
        InvocationType::Event => {
            let shared = Arc::clone(shared);
            let invocation = Invocation {
                request_id: ctx.request_id.clone(),
                trace_id: crate::ids::trace_id(&shared),
                payload,
                invoked_arn,
                client_context: client_context.flatten(),
            };
            tokio::spawn(async move {
                if let Err(error) = run(&shared, config, invocation).await {
                    eprintln!("awslab emulator: an Event invocation failed to start: {error}");
                }
            });
            Ok(InvokeOutput::empty(202))
        }
        InvocationType::RequestResponse => {
            let invocation = Invocation {
                request_id: ctx.request_id.clone(),
                trace_id: crate::ids::trace_id(shared),
                payload,
                invoked_arn,
                client_context: client_context.flatten(),
            };
            let invoked = invoke_version(shared, config, invocation).await?;
            Ok(InvokeOutput {
                status_code: 200,
                log_result: tail.then(|| log_tail(&invoked.outcome)),
                executed_version: Some(invoked.executed_version),
                function_error: invoked.function_error,
                payload: invoked.payload,
            })
        }
    }
}

/// Runs `config`'s version with `invocation` and returns what the caller of a synchronous
/// `Invoke` gets (API Gateway calls this too).
pub async fn invoke_version(
    shared: &Arc<Shared>,
    config: Config,
    invocation: Invocation,
) -> Result<Invoked, AwsError> {
    let request_id = invocation.request_id.clone();
    let executed_version = config.version.clone();
    let outcome = run(shared, config, invocation).await?;
    let error_document = |kind: &str, message: String| {
        json!({ "errorType": kind, "errorMessage": message }).to_string().into_bytes()
    };
    let (payload, function_error) = match &outcome.ending {
        Ending::Response(body) if body.len() > RESPONSE_LIMIT => (
            error_document(
                "Function.ResponseSizeTooLarge",
                format!(
                    "Response payload size exceeded maximum allowed payload size \
                     ({RESPONSE_LIMIT} bytes)."
                ),
            ),
            Some("Unhandled".to_string()),
        ),
        Ending::Response(body) => (body.clone(), None),
        Ending::FunctionError { body, .. } => (body.clone(), Some("Unhandled".to_string())),
        Ending::TimedOut => (
            error_document(
                "Sandbox.Timedout",
                format!(
                    "RequestId: {request_id} Error: Task timed out after {:.2} seconds",
                    outcome.duration.as_secs_f64()
                ),
            ),
            Some("Unhandled".to_string()),
        ),
        Ending::Exited(reason) => (
            error_document(
                "Runtime.ExitError",
                format!("RequestId: {request_id} Error: Runtime exited with error: {reason}"),
            ),
            Some("Unhandled".to_string()),
        ),
    };
    Ok(Invoked { payload, function_error, executed_version, outcome })
}

/// Invokes a function asynchronously on behalf of another service (an SNS `lambda`
/// subscription): `function_arn` may carry a qualifier. As with an `Event` invocation, a
/// failure is logged, not returned.
pub fn invoke_event(shared: &Arc<Shared>, function_arn: &str, payload: Vec<u8>) {
    // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
    let parts: Vec<&str> = function_arn.split(':').collect();
    if parts.len() < 7 || parts[5] != "function" {
        eprintln!("awslab emulator: cannot invoke {function_arn}: not a function ARN");
        return;
    }
    let target =
        Target { name: parts[6].to_string(), qualifier: parts.get(7).map(|q| q.to_string()) };
    let now = crate::clock::millis(shared.clock.now());
    let config = match resolve_in(shared, parts[3], &target, now) {
        Ok(Some(config)) => config,
        Ok(None) => {
            eprintln!("awslab emulator: cannot invoke {function_arn}: no such function");
            return;
        }
        Err(error) => {
            eprintln!("awslab emulator: cannot invoke {function_arn}: {error}");
            return;
        }
    };
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    let invocation = Invocation {
        request_id: shared.ids.uuid(),
        trace_id: crate::ids::trace_id(shared),
        payload: bytes::Bytes::from(payload),
        invoked_arn: function_arn.to_string(),
        client_context: None,
    };
    let shared = Arc::clone(shared);
    runtime.spawn(async move {
        if let Err(error) = run(&shared, config, invocation).await {
            eprintln!("awslab emulator: an SNS invocation failed to start: {error}");
        }
    });
}

/// Runs an invocation on a worker and writes its log to CloudWatch Logs.
async fn run(
    shared: &Arc<Shared>,
    config: Config,
    invocation: Invocation,
) -> Result<Outcome, AwsError> {
    let launch = || -> Result<Launch, LambdaError> {
        let credentials = crate::services::sts::assume_role_for_service(
            shared,
            &config.role,
            &config.name,
            "lambda.amazonaws.com",
            shared.clock.now(),
        )
        .map_err(|_| {
            LambdaError::InvalidParameterValue(
                "The role defined for the function cannot be assumed by Lambda.".to_string(),
            )
        })?;
        Ok(Launch {
            config: config.clone(),
            task_root: shared.lambda_code.unpacked(&config.code_sha256)?,
            endpoint: shared.endpoint(),
            credentials,
            clock: shared.clock.clone(),
            ids: Arc::clone(&shared.ids),
        })
    };
    let outcome = shared.lambda_runtime.invoke(&config, invocation, launch).await?;
    let events: Vec<LogEvent> = (outcome.log.iter())
        .map(|line| LogEvent { timestamp: line.timestamp, message: line.message.clone() })
        .collect();
    let now_ms = (shared.clock.now().unix_timestamp_nanos() / 1_000_000) as i64;
    if let Err(error) = shared.logs.append(
        &config.region,
        &config.log_group(),
        &outcome.log_stream,
        &events,
        now_ms,
    ) {
        eprintln!("awslab emulator: could not write the log of {}: {error}", config.name);
    }
    Ok(outcome)
}

/// The version an invocation runs: the qualifier's, or for a weighted alias one of its two;
/// while an update of `$LATEST` settles, the configuration from before it.
fn resolve(shared: &Shared, ctx: &RequestContext, target: &Target) -> Result<Config, LambdaError> {
    resolve_in(shared, &ctx.region, target, crate::clock::millis(ctx.now))?
        .ok_or_else(|| target.not_found(ctx))
}

/// [`resolve`] for a caller without a request context (API Gateway invoking a function of
/// `region`, SNS delivering to one) at `now`: `None` when the function or its qualifier does not
/// exist, an error while the function cannot run yet (it is `Pending`).
pub fn resolve_in(
    shared: &Shared,
    region: &str,
    target: &Target,
    now: crate::clock::Millis,
) -> Result<Option<Config>, LambdaError> {
    let state = lock(&shared.lambda);
    let Some(function) = state.function(region, &target.name) else { return Ok(None) };
    let config = match target.qualifier.as_deref().and_then(|name| function.aliases.get(name)) {
        Some(alias) => {
            let mut version = alias.function_version.as_str();
            let mut draw = shared.ids.fraction();
            for (other, weight) in &alias.additional_weights {
                if draw < *weight {
                    version = other;
                    break;
                }
                draw -= weight;
            }
            function.version(version)
        }
        None => function.resolve(target.qualifier.as_deref()),
    };
    config.map(|config| function.runnable(config, now)).transpose()
}

/// The payload must be JSON; an empty one is `{}`.
fn checked_payload(body: &[u8]) -> Result<bytes::Bytes, LambdaError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(bytes::Bytes::from_static(b"{}"));
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(body).map_err(|error| {
        LambdaError::InvalidRequestContent(format!(
            "Could not parse request body into json: Could not parse payload into json: {error}"
        ))
    })?;
    Ok(bytes::Bytes::copy_from_slice(body))
}

/// `X-Amz-Client-Context` is base64 of a JSON document; the runtime gets the JSON.
fn decode_client_context(encoded: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).ok()?;
    String::from_utf8(bytes).ok()
}

/// The last 4 KB of an invocation's log, base64-encoded, as `X-Amz-Log-Result` carries it.
pub fn log_tail(outcome: &Outcome) -> String {
    // Only the last lines are joined: a log may hold megabytes of output.
    let mut last = Vec::new();
    let mut size = 0;
    for line in outcome.log.iter().rev() {
        last.push(line.message.as_str());
        size += line.message.len() + 1;
        if size > TAIL_BYTES {
            break;
        }
    }
    let mut text = String::with_capacity(size);
    for message in last.into_iter().rev() {
        text.push_str(message);
        text.push('\n');
    }
    let mut start = text.len().saturating_sub(TAIL_BYTES);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    base64::engine::general_purpose::STANDARD.encode(&text.as_bytes()[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_must_be_json_and_empty_means_an_empty_object() {
        assert_eq!(checked_payload(b"").unwrap(), bytes::Bytes::from_static(b"{}"));
        assert_eq!(checked_payload(b"[1]").unwrap(), bytes::Bytes::from_static(b"[1]"));
        let error = checked_payload(b"customer_id=1").unwrap_err();
        assert!(error.to_string().starts_with("Could not parse request body into json"), "{error}");
    }

    #[test]
    fn the_tail_is_the_last_four_kilobytes_on_a_character_boundary() {
        let line = |message: &str| super::super::runtime::LogLine {
            timestamp: 0,
            message: message.into(),
        };
        let outcome = Outcome {
            ending: Ending::Response(Vec::new()),
            log: vec![line(&"가".repeat(3000)), line("END RequestId: x")],
            log_stream: String::new(),
            duration: std::time::Duration::ZERO,
            init_duration: None,
        };
        let tail = base64::engine::general_purpose::STANDARD.decode(log_tail(&outcome)).unwrap();
        assert!(tail.len() <= TAIL_BYTES && tail.len() > TAIL_BYTES - 3);
        let tail = String::from_utf8(tail).expect("whole characters");
        assert!(tail.ends_with("END RequestId: x\n"));
    }
}
