//! Checks: read-only look-ups of a resource, described as the AWS API describes it, compared
//! with the check's `expect` (`awslab_lab::expect`). One function per check kind of the lab
//! format ([`CheckKind`]), on either target, chosen by an exhaustive `match` so that a new kind
//! does not compile until it is implemented.
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
use awslab_lab::{CheckKind, Localized, expect};
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
    pub kind: CheckKind,
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
    /// What went wrong, in words, where the answer holds more than its differences show: a
    /// function's error type, message and where in its code it raised.
    pub diagnosis: Option<Localized>,
}

/// What a check needs, with placeholders already filled.
pub struct CheckSpec<'a> {
    pub id: &'a str,
    pub kind: CheckKind,
    pub points: u32,
    pub resource: &'a Map<String, Value>,
    /// `Value::Null` when the check only asks that the resource exists.
    pub expect: &'a Value,
}

/// Runs one check. Right after a change on a target where changes take time to settle, a check
/// that does not pass looks again until it does or the change's window closes (see `settle`):
/// a deployment, a policy or a log event may still be on its way.
pub async fn run(clients: &Clients, spec: &CheckSpec<'_>) -> CheckResult {
    let started = std::time::Instant::now();
    let mut attempt = 0;
    loop {
        let result = run_once(clients, spec).await;
        let settling = clients.settle.deadline().filter(|deadline| {
            std::time::Instant::now() + crate::settle::pause(attempt) < *deadline
        });
        if result.passed || settling.is_none() {
            return result;
        }
        let what = awslab_lab::Localized::new(
            format!("방금 한 변경이 자리 잡아 {}이(가) 통과하기를", spec.id),
            format!("the last change to settle so that {} passes", spec.id),
        );
        clients.progress.waiting(&what, started);
        tokio::time::sleep(crate::settle::pause(attempt)).await;
        attempt += 1;
    }
}

async fn run_once(clients: &Clients, spec: &CheckSpec<'_>) -> CheckResult {
    let mut result = CheckResult {
        id: spec.id.to_string(),
        kind: spec.kind,
        passed: false,
        points: 0,
        possible: spec.points,
        differences: Vec::new(),
        missing: false,
        failure: None,
        observed: Value::Null,
        diagnosis: None,
    };
    match observe(clients, spec.kind, &Selector { kind: spec.kind, map: spec.resource }).await {
        Err(failure) => result.failure = Some(failure),
        Ok(None) => result.missing = true,
        Ok(Some(mut observed)) => {
            if spec.kind == CheckKind::HttpTrafficSplit {
                no_answer_is_a_zero_share(spec.expect, &mut observed);
            }
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
    } else {
        result.diagnosis = diagnose(&result.observed);
    }
    result
}

/// What an answer says went wrong beyond its differences: a function's exception, or the line of
/// API Gateway's execution log behind a 5xx.
fn diagnose(observed: &Value) -> Option<Localized> {
    function_raised(observed).or_else(|| execution_failed(observed))
}

/// The line of a test invocation's execution log that says why API Gateway answered 5xx, with
/// what it means where it is one a lab meets.
fn execution_failed(observed: &Value) -> Option<Localized> {
    if observed["status"].as_i64().is_none_or(|status| status < 500) {
        return None;
    }
    let log = observed["log"].as_str()?;
    let line = log.lines().find_map(|line| line.find("Execution failed").map(|at| &line[at..]))?;
    let (ko, en) = if line.contains("Invalid permissions on Lambda function") {
        (
            "API Gateway가 함수를 부를 권한이 없습니다. 함수의 리소스 정책에 apigateway.amazonaws.com이 이 API의 소스 ARN으로 lambda:InvokeFunction을 하도록 허용하세요(aws lambda add-permission).",
            "API Gateway may not invoke the function: its resource policy must allow lambda:InvokeFunction to apigateway.amazonaws.com with this API's source ARN (aws lambda add-permission).",
        )
    } else if line.contains("timeout") {
        (
            "함수가 API Gateway의 통합 제한 시간(기본 29초) 안에 답하지 않았습니다.",
            "The function did not answer within API Gateway's integration timeout (29 s by default).",
        )
    } else if line.contains("Malformed Lambda proxy response") {
        (
            "프록시 통합의 함수는 statusCode와 문자열 body를 돌려줘야 합니다.",
            "A proxy integration's function must return a statusCode and a string body.",
        )
    } else {
        ("", "")
    };
    Some(Localized::new(
        format!("API Gateway 실행 로그: {line}. {ko}").trim_end().to_string(),
        format!("API Gateway's execution log says: {line}. {en}").trim_end().to_string(),
    ))
}

/// A function's own account of its failure, from an invocation's answer: Lambda puts the
/// exception in the payload (`errorType`, `errorMessage`, and the trace as Python's `stackTrace`
/// or Node's `trace`) and only says `FunctionError: Unhandled` beside it.
fn function_raised(observed: &Value) -> Option<Localized> {
    observed.get("FunctionError").and_then(Value::as_str)?;
    let payload = &observed["Payload"];
    let kind = payload["errorType"].as_str().unwrap_or("Error");
    let message = payload["errorMessage"].as_str().unwrap_or_default();
    // Python's trace is a list of lines, innermost last; Node's is "at …" lines, innermost
    // first. Either way, the line of the learner's own code is the one to show.
    let trace =
        if payload["stackTrace"].is_null() { &payload["trace"] } else { &payload["stackTrace"] };
    let trace: Vec<&str> = match trace {
        Value::Array(lines) => lines.iter().filter_map(Value::as_str).collect(),
        Value::String(text) => text.lines().collect(),
        _ => Vec::new(),
    };
    // The runtime's and the libraries' frames (boto3 raising for DynamoDB, say) are not the
    // learner's.
    let own = |line: &&str| {
        !["/var/runtime", "/var/lang", "site-packages", "dist-packages", "node:internal"]
            .iter()
            .any(|theirs| line.contains(theirs))
    };
    let python =
        trace.iter().rev().find(|line| line.trim_start().starts_with("File ") && own(line));
    let node = trace.iter().find(|line| line.trim_start().starts_with("at ") && own(line));
    let place = python.or(node).map(|line| {
        let first = line.trim().lines().next().unwrap_or_default().trim();
        first.strip_prefix("at ").unwrap_or(first)
    });
    let (at_ko, at_en) = match place {
        Some(place) => (format!(" (위치: {place})"), format!(" (at {place})")),
        None => (String::new(), String::new()),
    };
    let (meaning_ko, meaning_en) = meaning(message);
    Some(Localized::new(
        format!(
            "함수가 예외를 던졌습니다: {kind}: {message}{at_ko}. {meaning_ko}함수의 로그(CloudWatch Logs)에 전체 추적이 있습니다."
        ),
        format!(
            "The function raised {kind}: {message}{at_en}. {meaning_en}Its log (CloudWatch Logs) holds the whole trace."
        ),
    ))
}

/// What an error a lab's function meets means, where it is not plain from its message.
fn meaning(message: &str) -> (String, String) {
    // DynamoDB's "Missing the key customer_id in the item": the table's key is another than the
    // item's, and a table's key never changes.
    if let Some(rest) = message.split("Missing the key ").nth(1) {
        let key = rest.split_whitespace().next().unwrap_or_default();
        return (
            format!(
                "테이블의 파티션 키가 {key}인데 항목에 {key}가 없습니다. 테이블을 이 실습과 다른 키로 만들었다면, 테이블의 키는 바꿀 수 없으니 테이블을 지우고 다시 만드세요. "
            ),
            format!(
                "The table's partition key is {key}, and the item has none: if the table was made with another key than the lab's, delete it and create it again, since a table's key cannot change. "
            ),
        );
    }
    (String::new(), String::new())
}

/// A traffic split counts only the answers that came; an expected answer that never came is a
/// share of 0 %, so that a failed split says what was measured rather than "found nothing".
fn no_answer_is_a_zero_share(expect: &Value, observed: &mut Value) {
    let (Some(expected), Some(shares)) =
        (expect["Shares"].as_object(), observed.get_mut("Shares").and_then(Value::as_object_mut))
    else {
        return;
    };
    for answer in expected.keys() {
        shares.entry(answer.clone()).or_insert(serde_json::json!(0.0));
    }
}

/// Describes the resource a check selects; `None` when it does not exist. A check whose request
/// writes an item (a test customer sent to a function) names it as `scratch_item`, and the item
/// is deleted once the answer is in, whatever it was, so the learner's table holds only what
/// they put there.
pub async fn observe(
    clients: &Clients,
    kind: CheckKind,
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
    kind: CheckKind,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    match kind {
        CheckKind::IamPolicy => iam::policy(clients, selector).await,
        CheckKind::IamRole => iam::role(clients, selector).await,
        CheckKind::DynamodbTable => dynamodb::table(clients, selector).await,
        CheckKind::DynamodbItem => dynamodb::item(clients, selector).await,
        CheckKind::LambdaFunction => lambda::function(clients, selector).await,
        CheckKind::LambdaVersion => lambda::version(clients, selector).await,
        CheckKind::LambdaAlias => lambda::alias(clients, selector).await,
        CheckKind::LambdaPermission => lambda::permission(clients, selector).await,
        CheckKind::LambdaInvocation => lambda::invocation(clients, selector).await,
        CheckKind::LogsEvents => logs::events(clients, selector).await,
        CheckKind::ApigatewayRestApi => apigateway::rest_api(clients, selector).await,
        CheckKind::ApigatewayResource => apigateway::resource(clients, selector).await,
        CheckKind::ApigatewayMethod => apigateway::method(clients, selector).await,
        CheckKind::ApigatewayIntegration => apigateway::integration(clients, selector).await,
        CheckKind::ApigatewayStage => apigateway::stage(clients, selector).await,
        CheckKind::ApigatewayTestInvoke => apigateway::test_invoke(clients, selector).await,
        CheckKind::HttpResponse => apigateway::response(clients, selector).await,
        CheckKind::HttpTrafficSplit => apigateway::traffic_split(clients, selector).await,
        CheckKind::SnsTopic => sns::topic(clients, selector).await,
        CheckKind::SnsSubscription => sns::subscription(clients, selector).await,
        CheckKind::Ec2Instance => ec2::instance(clients, selector).await,
        CheckKind::Ec2Volume => ec2::volume(clients, selector).await,
        CheckKind::CloudwatchAlarm => cloudwatch::alarm(clients, selector).await,
        CheckKind::CloudwatchAlarmHistory => cloudwatch::alarm_history(clients, selector).await,
        CheckKind::CloudwatchMetric => cloudwatch::metric(clients, selector).await,
        CheckKind::EmulatorMail => emulator::mail(clients, selector).await,
        // Graded from the form's answer (awslab-core), so there is nothing to look up.
        CheckKind::QuizAnswer => Err(Failure::local(
            "awslab",
            kind.name(),
            "NotImplemented",
            format!("a {kind} check is graded from the form's answer, not looked up on a target"),
        )),
    }
}

/// A check's `resource` table, read with clear errors.
pub struct Selector<'a> {
    pub kind: CheckKind,
    pub map: &'a Map<String, Value>,
}

impl Selector<'_> {
    pub fn text(&self, name: &str) -> Result<&str, Failure> {
        self.optional_text(name)?.ok_or_else(|| {
            Failure::local(
                "awslab",
                self.kind.name(),
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
                self.kind.name(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_node_function_that_raised_is_placed_at_its_own_line() {
        let observed = json!({
            "FunctionError": "Unhandled",
            "Payload": {
                "errorType": "TypeError",
                "errorMessage": "Cannot read properties of undefined (reading 'name')",
                "trace": [
                    "TypeError: Cannot read properties of undefined (reading 'name')",
                    "    at Runtime.handler (file:///var/task/index.mjs:3:27)",
                    "    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1173:29)"
                ]
            }
        });
        let diagnosis = diagnose(&observed).expect("a diagnosis");
        assert_eq!(
            diagnosis.en,
            "The function raised TypeError: Cannot read properties of undefined (reading 'name') \
             (at Runtime.handler (file:///var/task/index.mjs:3:27)). Its log (CloudWatch Logs) \
             holds the whole trace."
        );
        assert!(diagnose(&json!({ "FunctionError": null, "Payload": {} })).is_none());
    }

    #[test]
    fn an_expected_answer_that_never_came_is_a_zero_share() {
        let expect = json!({ "Shares": { "v1": { "$between": [40, 60] }, "v2": 100 } });
        let mut observed = json!({ "Requests": 50, "Shares": { "v2": 100.0 } });
        no_answer_is_a_zero_share(&expect, &mut observed);
        assert_eq!(observed["Shares"], json!({ "v1": 0.0, "v2": 100.0 }));
        let differences = expect::diff(&expect, &observed);
        assert_eq!(differences.len(), 1, "{differences:?}");
        assert_eq!(
            (differences[0].path.as_str(), differences[0].found.as_str()),
            ("Shares.v1", "0")
        );
    }
}
