//! The services, one module each. A handler takes the request context and a typed input, and
//! returns an output value or an [`AwsError`]; it never sees HTTP.
//!
//! Every service lists the operations of the real API in `OPERATIONS` with whether the emulator
//! implements them; `docs/emulator-coverage.md` is generated from these lists.

pub mod apigateway;
mod authorize;
pub mod cloudwatch;
pub mod dynamodb;
pub mod ec2;
pub mod iam;
pub mod lambda;
pub mod logs;
pub mod sns;
pub mod sts;

use crate::error::AwsError;
use crate::identity::Caller;
use crate::protocol::Service;
use crate::protocol::query::QueryRequest;
use crate::state::Shared;
pub use authorize::authorize;
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

/// What every handler knows about the request it serves.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub caller: Caller,
    /// From the SigV4 credential scope.
    pub region: String,
    pub now: OffsetDateTime,
}

/// One operation of a service's real API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    pub name: &'static str,
    pub implemented: bool,
}

pub const fn op(name: &'static str, implemented: bool) -> Operation {
    Operation { name, implemented }
}

/// The operation list of a service, for the coverage table.
pub fn operations(service: Service) -> &'static [Operation] {
    match service {
        Service::Sts => sts::OPERATIONS,
        Service::Iam => iam::OPERATIONS,
        Service::DynamoDb => dynamodb::OPERATIONS,
        Service::Lambda => lambda::OPERATIONS,
        Service::Logs => logs::OPERATIONS,
        Service::ApiGateway => apigateway::OPERATIONS,
        Service::CloudWatch => cloudwatch::OPERATIONS,
        Service::Sns => sns::OPERATIONS,
        Service::Ec2 => ec2::OPERATIONS,
    }
}

/// Every service, in the order the coverage table lists them.
pub const SERVICES: [Service; 9] = [
    Service::Iam,
    Service::Sts,
    Service::DynamoDb,
    Service::Lambda,
    Service::Logs,
    Service::ApiGateway,
    Service::CloudWatch,
    Service::Sns,
    Service::Ec2,
];

/// `docs/emulator-coverage.md`: which operations of each service the emulator implements,
/// generated from the services' `OPERATIONS` lists (a test keeps the file current).
pub fn coverage_markdown() -> String {
    let mut out = String::from(
        "# Emulator coverage\n\n\
         Generated from the code by `AWSLAB_UPDATE_DOCS=1 cargo test -p awslab-emulator --test \
         coverage`; do not edit by hand. An operation marked \u{2014} answers a well-formed \
         `NotImplemented` error.\n\n\
         | service | implemented |\n|---|---|\n",
    );
    for service in SERVICES {
        let ops = operations(service);
        let done = ops.iter().filter(|op| op.implemented).count();
        let summary =
            if ops.is_empty() { "not yet".to_string() } else { format!("{done} of {}", ops.len()) };
        out.push_str(&format!("| {} | {summary} |\n", service.name()));
    }
    for service in SERVICES {
        let ops = operations(service);
        if ops.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n## {}\n\n| operation | implemented |\n|---|---|\n",
            service.name()
        ));
        let mut sorted: Vec<&Operation> = ops.iter().collect();
        sorted.sort_by_key(|op| op.name);
        for op in sorted {
            let mark = if op.implemented { "yes" } else { "\u{2014}" };
            out.push_str(&format!("| `{}` | {mark} |\n", op.name));
        }
    }
    out
}

/// Serves a query-protocol request; `Ok(None)` is an operation that returns nothing.
pub fn query(
    shared: &std::sync::Arc<Shared>,
    ctx: &RequestContext,
    service: Service,
    request: &QueryRequest,
) -> Result<Option<Value>, AwsError> {
    let result = match service {
        Service::Sts => sts::handle(shared, ctx, request)?,
        Service::Iam => iam::handle(shared, ctx, request)?,
        Service::Sns => sns::handle(shared, ctx, request)?,
        Service::CloudWatch => {
            // Operations that return nothing answer without a Result element, as AWS does.
            let output = cloudwatch::handle(shared, ctx, &request.action, request.params.clone())?;
            Some(output).filter(|output| output.as_object().is_none_or(|o| !o.is_empty()))
        }
        other => return Err(not_implemented(other, &request.action)),
    };
    // Save what changed, once it succeeded: IAM's changes, and AssumeRole's record of the
    // role's last use.
    let changed_iam = match service {
        Service::Iam => iam::changes_state(&request.action),
        Service::Sts => request.action == "AssumeRole",
        _ => false,
    };
    if changed_iam {
        shared.save_iam()?;
    }
    Ok(result)
}

/// Serves a JSON-protocol request.
pub fn json(
    shared: &std::sync::Arc<Shared>,
    ctx: &RequestContext,
    service: Service,
    operation: &str,
    input: Value,
) -> Result<Value, AwsError> {
    match service {
        Service::DynamoDb => dynamodb::handle(shared, ctx, operation, input),
        Service::Logs => logs::handle(shared, ctx, operation, input),
        Service::CloudWatch => cloudwatch::handle(shared, ctx, operation, input),
        other => Err(not_implemented(other, operation)),
    }
}

/// Serves a restJson1 request: the service's routes pick the operation.
pub async fn rest(
    shared: &std::sync::Arc<Shared>,
    ctx: &RequestContext,
    service: Service,
    method: &str,
    path: &str,
    mut request: crate::protocol::rest_json::RestRequest,
) -> Result<crate::protocol::rest_json::RestResponse, AwsError> {
    use crate::protocol::rest_json::{match_route, path_exists};
    let routes = match service {
        Service::Lambda => lambda::ROUTES,
        Service::ApiGateway => apigateway::ROUTES,
        other => return Err(not_implemented(other, path)),
    };
    let Some(matched) = match_route(routes, method, path) else {
        let message = if path_exists(routes, path) {
            format!("{} does not accept {method} on {path}", service.name())
        } else {
            format!("{} has no operation at {method} {path}", service.name())
        };
        return Err(AwsError::sender("UnknownOperationException", 404, message));
    };
    request.operation = matched.operation;
    request.labels = matched.labels;
    match service {
        Service::Lambda => lambda::handle(shared, ctx, request).await,
        Service::ApiGateway => apigateway::handle(shared, ctx, method, path, request).await,
        other => Err(not_implemented(other, path)),
    }
}

/// `NotImplemented` for a real operation the emulator lacks; for a name the service does not
/// have, what that service's protocol answers (`InvalidAction` in query services,
/// `UnknownOperationException` in JSON ones).
pub fn not_implemented(service: Service, operation: &str) -> AwsError {
    let known = operations(service).iter().any(|op| op.name == operation);
    if known || operations(service).is_empty() {
        return AwsError::not_implemented(service.name(), operation);
    }
    match service {
        Service::DynamoDb | Service::Logs | Service::CloudWatch => AwsError::sender(
            "UnknownOperationException",
            400,
            format!("{} has no operation {operation}", service.name()),
        ),
        // EC2 words an unknown action its own way.
        Service::Ec2 => AwsError::sender(
            "InvalidAction",
            400,
            format!("The action {operation} is not valid for this web service."),
        ),
        _ => AwsError::invalid_action(operation, service.api_version()),
    }
}

/// Serves an ec2Query request, saving EC2's state after a change that succeeded.
pub fn ec2_query(
    shared: &Shared,
    ctx: &RequestContext,
    request: &QueryRequest,
) -> Result<Value, AwsError> {
    let result = ec2::handle(shared, ctx, request)?;
    if ec2::changes_state(&request.action) {
        shared.save_ec2()?;
    }
    Ok(result)
}

/// A typed output as the value protocols encode.
pub fn output<T: Serialize>(output: T) -> Result<Option<Value>, AwsError> {
    serde_json::to_value(output).map(Some).map_err(|error| {
        AwsError::receiver(
            "InternalFailure",
            500,
            format!("could not encode the response: {error}"),
        )
    })
}
