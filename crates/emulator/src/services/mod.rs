//! The services, one module each, all on one skeleton:
//!
//! 1. **Declare** the service's operations once, with `operation::operations!`: the served ones
//!    become the variants of its `Operation` enum, each marked as a read or a change, and the
//!    rest of the real API is a list of names (`docs/emulator-coverage.md` is generated from
//!    these declarations).
//! 2. **Route**: the protocol (`crate::protocol`) names the operation; [`operation::serve`] finds
//!    it in the declaration or answers `NotImplemented` (a real operation not served) or the
//!    protocol's "unknown operation".
//! 3. **Decode and handle**: the service's `handle` matches its `Operation`, with no catch-all
//!    arm, decodes the request into the operation's typed input (the protocol's codec does it:
//!    query parameters, a JSON body, or for restJson the path labels, query string and headers
//!    bound by member name, see [`RestRequest::input`](crate::protocol::rest_json::RestRequest::input)),
//!    and calls the operation's function with the request context and that input. The function
//!    returns an output value or an error that converts to [`AwsError`]. No operation function
//!    sees HTTP.
//! 4. **Save**: once an operation marked as a change succeeds, [`operation::serve`] saves the
//!    service's state ([`Shared::save`]); nothing else saves, and a failure saves nothing.
//!
//! The codec encodes the output: as query XML, as a JSON or CBOR body, or for restJson as a
//! JSON body under the success status the route declares (`@http(code)`: 201 for a creation,
//! 202 or 204 for a deletion, see [`RestOutput`](crate::protocol::rest_json::RestOutput)).
//! Lambda's `Invoke` is the one output whose body is a payload: `lambda::handle` encodes its
//! status and header members.
//!
//! DynamoDB's operations are the embedded engine's: its `handle` passes the JSON input to the
//! engine by operation name, after the same declaration, routing and authorization.
//!
//! Not here: decoding and encoding each protocol (`crate::protocol`), and who may call at all
//! (`crate::gate`, `crate::signature`).

pub mod apigateway;
mod authorize;
pub mod cloudwatch;
pub mod dynamodb;
pub mod ec2;
pub mod iam;
pub mod lambda;
pub mod logs;
pub(crate) mod operation;
pub mod sns;
pub mod ssm;
pub mod sts;

use crate::error::AwsError;
use crate::identity::Caller;
use crate::protocol::Service;
use crate::protocol::query::QueryRequest;
use crate::state::Shared;
pub use authorize::authorize;
use operation::{Operations, serve};
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

#[cfg(test)]
impl RequestContext {
    /// A request of the learner's (the account's root) in `region` at `now`, for unit tests that
    /// call a service without the server.
    pub(crate) fn learner(region: &str, now: OffsetDateTime) -> Self {
        RequestContext {
            request_id: "test".into(),
            caller: Caller::Root { account: crate::config::ACCOUNT_ID.into() },
            region: region.into(),
            now,
        }
    }
}

/// For a JSON service's unit tests: every operation its declaration says it serves is served
/// (an empty input may be refused, but not as `NotImplemented`), every other real operation
/// answers `NotImplemented`, and `unknown` (a name that is no operation) AWS's 400
/// `UnknownOperationException`.
#[cfg(test)]
pub(crate) fn assert_json_operations_declared(service: Service, unknown: &str) {
    let shared =
        std::sync::Arc::new(Shared::new(crate::config::EmulatorConfig::default()).unwrap());
    let ctx = RequestContext::learner("ap-northeast-2", OffsetDateTime::now_utc());
    let serve = |name: &str| json(&shared, &ctx, service, name, serde_json::json!({}));
    for (name, served) in operations(service) {
        let answer = serve(name);
        match answer {
            Err(error) if error.code == "NotImplemented" => {
                assert!(!served, "{name} is listed as served")
            }
            _ => assert!(served, "{name} answered {answer:?}"),
        }
    }
    let error = serve(unknown).unwrap_err();
    assert_eq!((error.code.as_str(), error.status), ("UnknownOperationException", 400));
}

/// Every operation of a service's real API with whether the emulator serves it, sorted by name:
/// the coverage table's rows, and what tells `NotImplemented` from an unknown name.
pub fn operations(service: Service) -> Vec<(&'static str, bool)> {
    match service {
        Service::Sts => sts::Operation::coverage(),
        Service::Iam => iam::Operation::coverage(),
        Service::DynamoDb => dynamodb::Operation::coverage(),
        Service::DynamoDbStreams => dynamodb::StreamsOperation::coverage(),
        Service::Lambda => lambda::Operation::coverage(),
        Service::Logs => logs::Operation::coverage(),
        Service::ApiGateway => apigateway::Operation::coverage(),
        Service::CloudWatch => cloudwatch::Operation::coverage(),
        Service::Sns => sns::Operation::coverage(),
        Service::Ec2 => ec2::Operation::coverage(),
        Service::Ssm => ssm::Operation::coverage(),
    }
}

/// Every service, in the order the coverage table lists them.
pub const SERVICES: [Service; 11] = [
    Service::Iam,
    Service::Sts,
    Service::DynamoDb,
    Service::DynamoDbStreams,
    Service::Lambda,
    Service::Logs,
    Service::ApiGateway,
    Service::CloudWatch,
    Service::Sns,
    Service::Ec2,
    Service::Ssm,
];

/// `docs/emulator-coverage.md`: which operations of each service the emulator implements,
/// generated from the services' `Operation` declarations (a test keeps the file current).
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
        let done = ops.iter().filter(|(_, served)| *served).count();
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
        for (name, served) in ops {
            let mark = if served { "yes" } else { "\u{2014}" };
            out.push_str(&format!("| `{name}` | {mark} |\n"));
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
    let action = request.action.as_str();
    match service {
        Service::Sts => serve(shared, service, action, |op| sts::handle(shared, ctx, op, request)),
        Service::Iam => serve(shared, service, action, |op| iam::handle(shared, ctx, op, request)),
        Service::Sns => serve(shared, service, action, |op| sns::handle(shared, ctx, op, request)),
        Service::CloudWatch => {
            let params = request.params.clone();
            let output =
                serve(shared, service, action, |op| cloudwatch::handle(shared, ctx, op, params))?;
            // Operations that return nothing answer without a Result element, as AWS does.
            Ok(Some(output).filter(|output| output.as_object().is_none_or(|o| !o.is_empty())))
        }
        other => Err(not_implemented(other, action)),
    }
}

/// What an awsJson operation answers: a JSON value, or bytes the service encoded itself.
pub enum JsonAnswer {
    Value(Value),
    Encoded(Vec<u8>),
}

/// Serves an awsJson request from its body. DynamoDB's item operations go from bytes to bytes
/// through its engine (`dynamodb::handle_encoded`); every other request is decoded
/// (`protocol::json`) and served by [`json`]. CloudWatch's answer is written as awsJson writes
/// it (timestamps as epoch seconds, `protocol::shape::lower_for_json`), since its operations
/// answer for the query protocol too.
pub fn aws_json(
    shared: &std::sync::Arc<Shared>,
    ctx: &RequestContext,
    service: Service,
    operation: &str,
    body: &[u8],
) -> Result<JsonAnswer, AwsError> {
    if service == Service::DynamoDb
        && let Some(answered) = dynamodb::handle_encoded(shared, ctx, operation, body)
    {
        return answered.map(JsonAnswer::Encoded);
    }
    let input = crate::protocol::json::decode(body)?;
    let output = json(shared, ctx, service, operation, input)?;
    Ok(JsonAnswer::Value(match service {
        Service::CloudWatch => crate::protocol::shape::lower_for_json(&output),
        _ => output,
    }))
}

/// Serves a decoded JSON-protocol (or CBOR) request.
pub fn json(
    shared: &std::sync::Arc<Shared>,
    ctx: &RequestContext,
    service: Service,
    operation: &str,
    input: Value,
) -> Result<Value, AwsError> {
    match service {
        // DynamoDB words an unknown operation its own way.
        Service::DynamoDb => dynamodb::handle(shared, ctx, operation, input),
        Service::DynamoDbStreams => dynamodb::handle_streams(shared, ctx, operation, input),
        Service::Logs => {
            serve(shared, service, operation, |op| logs::handle(shared, ctx, op, input))
        }
        Service::CloudWatch => {
            serve(shared, service, operation, |op| cloudwatch::handle(shared, ctx, op, input))
        }
        Service::Ssm => serve(shared, service, operation, |op| ssm::handle(shared, ctx, op, input)),
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
    request.operation = match service {
        Service::ApiGateway => apigateway::operation_name(matched.operation, &request),
        _ => matched.operation,
    };
    request.labels = matched.labels;
    let code = matched.code;
    let output = match service {
        Service::Lambda => {
            let operation = operation::find::<lambda::Operation>(service, request.operation)?;
            let output = lambda::handle(shared, ctx, operation, request).await?;
            operation::saved(shared, service, operation)?;
            output
        }
        Service::ApiGateway => {
            let operation = operation::find::<apigateway::Operation>(service, request.operation)?;
            let output = apigateway::handle(shared, ctx, operation, method, path, request).await?;
            operation::saved(shared, service, operation)?;
            output
        }
        other => return Err(not_implemented(other, path)),
    };
    output.encode(code)
}

/// `NotImplemented` for a real operation the emulator lacks; for a name the service does not
/// have, what that service's protocol answers (`InvalidAction` in query services,
/// `UnknownOperationException` in JSON ones).
pub fn not_implemented(service: Service, operation: &str) -> AwsError {
    let known = operations(service).iter().any(|(name, _)| *name == operation);
    if known {
        return AwsError::not_implemented(service.name(), operation);
    }
    match service {
        Service::DynamoDb
        | Service::DynamoDbStreams
        | Service::Logs
        | Service::CloudWatch
        | Service::Ssm => AwsError::sender(
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

/// Serves an ec2Query request.
pub fn ec2_query(
    shared: &Shared,
    ctx: &RequestContext,
    request: &QueryRequest,
) -> Result<Value, AwsError> {
    let action = request.action.as_str();
    serve(shared, Service::Ec2, action, |op| ec2::handle(shared, ctx, op, request))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_service_lists_its_whole_api_once() {
        // The counts of the SDK versions the lists were taken from: a list that lost or doubled
        // a name changes its count.
        let apis = [
            (Service::Iam, 180),
            (Service::Sts, 11),
            (Service::DynamoDb, 58),
            (Service::DynamoDbStreams, 4),
            (Service::Lambda, 68),
            (Service::Logs, 118),
            (Service::ApiGateway, 124),
            (Service::CloudWatch, 55),
            (Service::Sns, 42),
            (Service::Ec2, 811),
            (Service::Ssm, 154),
        ];
        for (service, count) in apis {
            let names: Vec<&str> = operations(service).into_iter().map(|(name, _)| name).collect();
            let mut unique = names.clone();
            unique.dedup();
            assert_eq!(unique, names, "{} lists a name twice", service.name());
            assert_eq!(names.len(), count, "{}", service.name());
        }
    }

    #[test]
    fn every_route_names_a_real_operation_of_its_service() {
        for route in lambda::ROUTES {
            assert!(lambda::Operation::is_real(route.operation), "{}", route.operation);
        }
        for route in apigateway::ROUTES {
            assert!(apigateway::Operation::is_real(route.operation), "{}", route.operation);
        }
    }

    #[test]
    fn reads_change_nothing_and_writes_are_saved() {
        use operation::Effect;
        assert_eq!(iam::Operation::GetRole.effect(), Effect::Reads);
        assert_eq!(iam::Operation::TagPolicy.effect(), Effect::Changes);
        assert_eq!(sts::Operation::AssumeRole.effect(), Effect::Changes, "a role's last use");
        assert_eq!(lambda::Operation::Invoke.effect(), Effect::Reads);
        assert_eq!(apigateway::Operation::TestInvokeMethod.effect(), Effect::Reads);
        assert_eq!(sns::Operation::Publish.effect(), Effect::ChangesAndSaves);
        assert_eq!(ec2::Operation::DescribeInstances.effect(), Effect::Reads);
        assert_eq!(ssm::Operation::PutParameter.effect(), Effect::Changes);
        // Whatever is named as a read is one, in every service.
        fn effects<O: Operations>() -> Vec<(&'static str, Effect)> {
            O::SERVED.iter().map(|op| (op.name(), op.effect())).collect()
        }
        let all = [
            effects::<iam::Operation>(),
            effects::<sts::Operation>(),
            effects::<dynamodb::Operation>(),
            effects::<dynamodb::StreamsOperation>(),
            effects::<lambda::Operation>(),
            effects::<logs::Operation>(),
            effects::<apigateway::Operation>(),
            effects::<cloudwatch::Operation>(),
            effects::<sns::Operation>(),
            effects::<ec2::Operation>(),
            effects::<ssm::Operation>(),
        ];
        for (name, effect) in all.concat() {
            if ["Get", "List", "Describe"].iter().any(|read| name.starts_with(read)) {
                assert_eq!(effect, Effect::Reads, "{name}");
            }
        }
    }
}
