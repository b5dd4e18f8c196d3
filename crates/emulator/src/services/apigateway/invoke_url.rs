//! Requests to a stage's invoke URL, unsigned as on AWS, in two forms:
//! - path-style: `http://127.0.0.1:PORT/restapis/{id}/{stage}/_user_request_/{path}`;
//! - host-style: `Host: {id}.execute-api.localhost:PORT` with the path `/{stage}/{path}`.
//!
//! The stage runs its deployment (a frozen copy of the API and its authorizers), or, for the
//! share of requests its canary asks for (a random draw per request), the canary's deployment
//! with its variable overrides. A request that reaches no resource or method is AWS's
//! `403 {"message":"Missing Authentication Token"}`. Under `Timing::Aws` the stage's URL serves
//! what it served before a change until the change has propagated (see `propagation`), and a
//! stage that is not there (yet) is AWS's `403 {"message":"Forbidden"}`; under
//! `Timing::Instant` changes are served at once and a missing stage is a missing token too.

use super::execute::{self, Execution, HttpCall, routing};
use super::model::{self, ApiGatewayState};
use super::propagation;
use crate::clock::Millis;
use crate::state::{Shared, lock};
use serde_json::json;
use std::sync::Arc;

/// What an invoke URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvokeTarget {
    pub api_id: String,
    pub stage: String,
    /// The path within the API, `/` at least.
    pub path: String,
}

/// The target of an invoke URL, if `host` and `path` are one.
pub fn parse(host: Option<&str>, path: &str) -> Option<InvokeTarget> {
    let name = host.and_then(|host| host.split(':').next()).unwrap_or_default();
    if let Some(id) = name.strip_suffix(".execute-api.localhost").filter(|id| !id.is_empty()) {
        let rest = path.trim_start_matches('/');
        let (stage, rest) = rest.split_once('/').unwrap_or((rest, ""));
        return Some(InvokeTarget {
            api_id: id.to_string(),
            stage: stage.to_string(),
            path: format!("/{rest}"),
        });
    }
    let rest = path.strip_prefix("/restapis/")?;
    let (id, rest) = rest.split_once('/')?;
    let (stage, rest) = rest.split_once('/')?;
    let rest = rest.strip_prefix("_user_request_")?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    Some(InvokeTarget {
        api_id: id.to_string(),
        stage: stage.to_string(),
        path: if rest.is_empty() { "/".to_string() } else { rest.to_string() },
    })
}

/// An answer to the client.
#[derive(Debug, Clone)]
pub struct HttpAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Serves a request to an invoke URL.
pub async fn serve(
    shared: &Arc<Shared>,
    target: &InvokeTarget,
    mut call: HttpCall,
    host: &str,
) -> HttpAnswer {
    call.path = target.path.clone();
    let request_id = shared.ids.uuid();
    let now = crate::clock::millis(shared.clock.now());
    let draw =
        Draw { canary: shared.ids.fraction() * 100.0, extended_id: model::new_id(&shared.ids, 16) };
    let prepared = prepare(&lock(&shared.apigateway), target, &call, &request_id, host, now, draw);
    let exec = match prepared {
        Ok(exec) => exec,
        Err(Unserved::Stage) if shared.config.clockwork.timing.is_aws() => {
            return forbidden(&request_id);
        }
        Err(Unserved::Stage | Unserved::Route) => return missing_token(&request_id),
    };
    let outcome = execute::run(shared, &exec, &call).await;
    let mut headers = merged(outcome.headers);
    headers.push(("x-amzn-RequestId".to_string(), request_id));
    headers.push(("x-amz-apigw-id".to_string(), exec.extended_request_id));
    HttpAnswer { status: outcome.status, headers, body: outcome.body }
}

/// Why an invoke URL serves nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unserved {
    /// No such API, or no such stage at its URL (yet).
    Stage,
    /// No resource or method in the stage's deployment for the request.
    Route,
}

/// The method that serves the request at `now`, with the deployment and variables the stage's
/// URL serves then (or its canary's).
/// What a request to an invoke URL draws from the emulator's ids: where in `[0, 100)` it falls
/// against a canary's share of traffic, and its extended request id.
struct Draw {
    canary: f64,
    extended_id: String,
}

fn prepare(
    state: &ApiGatewayState,
    target: &InvokeTarget,
    call: &HttpCall,
    request_id: &str,
    host: &str,
    now: Millis,
    draw: Draw,
) -> Result<Execution, Unserved> {
    let (region, api) = state.locate(&target.api_id).ok_or(Unserved::Stage)?;
    let stage = api.stage(&target.stage).ok_or(Unserved::Stage)?;
    let served = propagation::served_at(stage, now).ok_or(Unserved::Stage)?;
    let mut variables = served.variables;
    let deployment_id = match served.canary {
        Some(canary) if draw.canary < canary.percent_traffic => {
            variables.extend(canary.stage_variable_overrides);
            canary.deployment_id
        }
        _ => served.deployment_id,
    };
    let deployment = api.deployment(&deployment_id).ok_or(Unserved::Route)?;
    let matched = routing::find(&deployment.resources, &call.path).ok_or(Unserved::Route)?;
    let resource = (deployment.resources.iter())
        .find(|resource| resource.id == matched.resource_id)
        .ok_or(Unserved::Route)?;
    let method = routing::method(resource, &call.method).ok_or(Unserved::Route)?.clone();
    let authorizer = (method.authorizer_id.as_deref())
        .and_then(|id| deployment.authorizers.iter().find(|authorizer| authorizer.id == id))
        .cloned();
    Ok(Execution {
        region: region.to_string(),
        api_id: api.id.clone(),
        stage: stage.stage_name.clone(),
        deployment_id: Some(deployment_id),
        variables,
        resource_id: matched.resource_id,
        resource_path: matched.resource_path,
        path_parameters: matched.path_parameters,
        method,
        authorizer,
        binary_media_types: api.binary_media_types.clone(),
        request_id: request_id.to_string(),
        extended_request_id: draw.extended_id,
        domain_name: host.to_string(),
        test_invoke: false,
    })
}

/// Headers of the same name (any case) as one, their values joined by `, `, as API Gateway
/// answers a proxy response's `multiValueHeaders`; the first spelling of the name is kept.
fn merged(headers: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, value) in headers {
        match out.iter_mut().find(|(known, _)| known.eq_ignore_ascii_case(&name)) {
            Some((_, joined)) => {
                joined.push_str(", ");
                joined.push_str(&value);
            }
            None => out.push((name, value)),
        }
    }
    out
}

/// AWS's answer to a request that names no method of a deployed stage.
fn missing_token(request_id: &str) -> HttpAnswer {
    refusal(request_id, "MissingAuthenticationTokenException", "Missing Authentication Token")
}

/// AWS's answer to a request to a stage the API does not have (or not yet at its URL).
fn forbidden(request_id: &str) -> HttpAnswer {
    refusal(request_id, "ForbiddenException", "Forbidden")
}

/// A 403 in API Gateway's shape: the error type in a header, the message in the body.
fn refusal(request_id: &str, error_type: &str, message: &str) -> HttpAnswer {
    HttpAnswer {
        status: 403,
        headers: vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("x-amzn-ErrorType".to_string(), error_type.to_string()),
            ("x-amzn-RequestId".to_string(), request_id.to_string()),
        ],
        body: json!({ "message": message }).to_string().into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_url_forms_are_recognised() {
        let path_style =
            parse(Some("127.0.0.1:4566"), "/restapis/a1b2c3d4e5/dev/_user_request_/houses")
                .unwrap();
        assert_eq!(
            path_style,
            InvokeTarget {
                api_id: "a1b2c3d4e5".into(),
                stage: "dev".into(),
                path: "/houses".into()
            }
        );
        let root = parse(None, "/restapis/a1b2c3d4e5/dev/_user_request_").unwrap();
        assert_eq!(root.path, "/");
        let host_style = parse(Some("a1b2c3d4e5.execute-api.localhost:4566"), "/prod/").unwrap();
        assert_eq!(
            host_style,
            InvokeTarget { api_id: "a1b2c3d4e5".into(), stage: "prod".into(), path: "/".into() }
        );
        assert_eq!(parse(Some("a1.execute-api.localhost"), "/dev/a/b").unwrap().path, "/a/b");
        // Control-plane paths are not invoke URLs.
        assert_eq!(
            parse(Some("127.0.0.1:4566"), "/restapis/a1b2c3d4e5/resources/r1/methods/GET"),
            None
        );
        assert_eq!(parse(None, "/restapis/a1/dev/_user_request_x"), None);
    }
}
