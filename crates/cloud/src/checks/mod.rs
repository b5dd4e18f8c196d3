//! Checks: read-only look-ups of a resource, described as the AWS API describes it, compared
//! with the check's `expect` (`awslab_lab::expect`). One function per check kind of the lab
//! format (`awslab_lab::registry::CHECK_KINDS`), on either target.
//!
//! A result is pass or fail with the points earned; a failure carries the per-field
//! differences (`Threshold: expected 100000, found 10000`), or says the resource does not
//! exist, or carries the error the target answered.

mod apigateway;
mod cloudwatch;
mod dynamodb;
mod ec2;
mod emulator;
mod iam;
mod lambda;
mod logs;
mod sns;

use crate::clients::Clients;
use crate::failure::Failure;
use awslab_lab::expect;
use serde::Serialize;
use serde_json::{Map, Value};

/// One property that differs from what the lab expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Difference {
    pub path: String,
    pub expected: String,
    pub found: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: expected {}, found {}", self.path, self.expected, self.found)
    }
}

/// How one check came out.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CheckResult {
    pub id: String,
    pub kind: String,
    pub passed: bool,
    /// Points earned: the check's points when it passed, else 0.
    pub points: u32,
    pub possible: u32,
    /// Why it failed, property by property.
    pub differences: Vec<Difference>,
    /// The resource the check looked for does not exist.
    pub missing: bool,
    /// The target refused or could not answer the look-up.
    pub failure: Option<Failure>,
    /// What the target describes (for the app's explorer and for reports).
    pub observed: Value,
}

/// What a check needs, with placeholders already filled.
pub struct CheckSpec<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub points: u32,
    pub resource: &'a Map<String, Value>,
    /// `Value::Null` when the check only asks that the resource exists.
    pub expect: &'a Value,
}

/// Runs one check.
pub async fn run(clients: &Clients, spec: &CheckSpec<'_>) -> CheckResult {
    let mut result = CheckResult {
        id: spec.id.to_string(),
        kind: spec.kind.to_string(),
        passed: false,
        points: 0,
        possible: spec.points,
        differences: Vec::new(),
        missing: false,
        failure: None,
        observed: Value::Null,
    };
    match observe(clients, spec.kind, &Selector { kind: spec.kind, map: spec.resource }).await {
        Err(failure) => result.failure = Some(failure),
        Ok(None) => result.missing = true,
        Ok(Some(observed)) => {
            if !spec.expect.is_null() {
                result.differences = expect::diff(spec.expect, &observed)
                    .into_iter()
                    .map(|diff| Difference {
                        path: diff.path,
                        expected: diff.expected,
                        found: diff.found,
                    })
                    .collect();
            }
            result.passed = result.differences.is_empty();
            result.observed = observed;
        }
    }
    if result.passed {
        result.points = spec.points;
    }
    result
}

/// Describes the resource a check selects; `None` when it does not exist. A check whose request
/// writes an item (a test customer sent to a function) names it as `scratch_item`, and the item
/// is deleted once the answer is in, whatever it was, so the learner's table holds only what
/// they put there.
pub async fn observe(
    clients: &Clients,
    kind: &str,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let observed = observe_kind(clients, kind, selector).await;
    if let Some(scratch) = selector.value("scratch_item") {
        dynamodb::delete_scratch_item(clients, scratch).await;
    }
    observed
}

async fn observe_kind(
    clients: &Clients,
    kind: &str,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    match kind {
        "iam.policy" => iam::policy(clients, selector).await,
        "iam.role" => iam::role(clients, selector).await,
        "dynamodb.table" => dynamodb::table(clients, selector).await,
        "dynamodb.item" => dynamodb::item(clients, selector).await,
        "lambda.function" => lambda::function(clients, selector).await,
        "lambda.version" => lambda::version(clients, selector).await,
        "lambda.alias" => lambda::alias(clients, selector).await,
        "lambda.permission" => lambda::permission(clients, selector).await,
        "lambda.invocation" => lambda::invocation(clients, selector).await,
        "logs.events" => logs::events(clients, selector).await,
        "apigateway.rest_api" => apigateway::rest_api(clients, selector).await,
        "apigateway.resource" => apigateway::resource(clients, selector).await,
        "apigateway.method" => apigateway::method(clients, selector).await,
        "apigateway.integration" => apigateway::integration(clients, selector).await,
        "apigateway.stage" => apigateway::stage(clients, selector).await,
        "apigateway.test_invoke" => apigateway::test_invoke(clients, selector).await,
        "http.response" => apigateway::response(clients, selector).await,
        "http.traffic_split" => apigateway::traffic_split(clients, selector).await,
        "sns.topic" => sns::topic(clients, selector).await,
        "sns.subscription" => sns::subscription(clients, selector).await,
        "ec2.instance" => ec2::instance(clients, selector).await,
        "ec2.volume" => ec2::volume(clients, selector).await,
        "cloudwatch.alarm" => cloudwatch::alarm(clients, selector).await,
        "cloudwatch.alarm_history" => cloudwatch::alarm_history(clients, selector).await,
        "cloudwatch.metric" => cloudwatch::metric(clients, selector).await,
        "emulator.mail" => emulator::mail(clients, selector).await,
        other => Err(Failure::local(
            "awslab",
            other,
            "NotImplemented",
            format!("the check kind {other} is not available yet"),
        )),
    }
}

/// A check's `resource` table, read with clear errors.
pub struct Selector<'a> {
    pub kind: &'a str,
    pub map: &'a Map<String, Value>,
}

impl Selector<'_> {
    pub fn text(&self, name: &str) -> Result<&str, Failure> {
        self.optional_text(name)?.ok_or_else(|| {
            Failure::local(
                "awslab",
                self.kind,
                "InvalidParameter",
                format!("the check's resource needs `{name}`"),
            )
        })
    }

    pub fn optional_text(&self, name: &str) -> Result<Option<&str>, Failure> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(Failure::local(
                "awslab",
                self.kind,
                "InvalidParameter",
                format!("the check's `{name}` must be text"),
            )),
        }
    }

    pub fn value(&self, name: &str) -> Option<&Value> {
        self.map.get(name).filter(|value| !value.is_null())
    }
}

pub(crate) use sns::topic_arn;

/// Whether an SDK error means "no such resource".
pub(crate) fn is_not_found(failure: &Failure) -> bool {
    matches!(
        failure.code.as_str(),
        "NoSuchEntity"
            | "ResourceNotFoundException"
            | "NotFoundException"
            | "NotFound"
            | "ResourceNotFound"
            | "InvalidInstanceID.NotFound"
            | "InvalidVolume.NotFound"
    )
}

/// `Ok(None)` for "no such resource", the failure otherwise.
pub(crate) fn absent_or<T>(failure: Failure) -> Result<Option<T>, Failure> {
    if is_not_found(&failure) { Ok(None) } else { Err(failure) }
}
