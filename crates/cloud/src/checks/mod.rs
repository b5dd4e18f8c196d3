//! Checks: read-only look-ups of a resource, described as the AWS API describes it, compared
//! with the check's `expect` (`awslab_lab::expect`). One function per check kind of the lab
//! format ([`CheckKind`]), on either target, chosen by an exhaustive `match` so that a new kind
//! does not compile until it is implemented.
//!
//! A result is pass or fail with the points earned; a failure carries the per-field
//! differences (`Threshold: expected 100000, found 10000`), or says the resource does not
//! exist, or carries the error the target answered; and, where the answer says why (a function's
//! exception, an execution log), a diagnosis in words (`diagnosis`).

mod apigateway;
mod apigateway_access;
mod cloudwatch;
mod diagnosis;
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
    /// What the lab wants, in words in both languages (`between 40 and 60`, `40 이상 60 이하`).
    pub expected: Localized,
    /// What the target has (`nothing`, `없음`, when absent).
    pub found: Localized,
}

impl Difference {
    /// The difference in one line in `lang` (see [`expect::FieldDiff::text`]).
    pub fn text(&self, lang: awslab_lab::Lang) -> String {
        match lang {
            awslab_lab::Lang::En => self.to_string(),
            awslab_lab::Lang::Ko => {
                format!("{}: 기댓값 {}, 실제 {}", self.path, self.expected.ko, self.found.ko)
            }
        }
    }
}

impl From<expect::FieldDiff> for Difference {
    fn from(diff: expect::FieldDiff) -> Self {
        Difference { path: diff.path, expected: diff.expected, found: diff.found }
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: expected {}, found {}", self.path, self.expected.en, self.found.en)
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
    /// How this result stands against the one recorded before: kept from then, or lost since.
    /// `None` for a result that simply is what the target shows now.
    pub history: Option<CheckHistory>,
    /// For a question: which try it was, whether it is settled, and once it is, the
    /// explanation and the right answer.
    pub feedback: Option<awslab_lab::quiz::QuizFeedback>,
}

impl CheckResult {
    /// A result of check `id` that has not passed: no points of `possible`, nothing found or
    /// said yet. The check's code then fills in what it saw.
    pub fn new(id: impl Into<String>, kind: CheckKind, possible: u32) -> Self {
        CheckResult {
            id: id.into(),
            kind,
            passed: false,
            points: 0,
            possible,
            differences: Vec::new(),
            missing: false,
            failure: None,
            observed: Value::Null,
            diagnosis: None,
            history: None,
            feedback: None,
        }
    }

    /// Sets whether it passed, and the points that follow.
    pub fn passing(mut self, passed: bool) -> Self {
        self.passed = passed;
        self.points = if passed { self.possible } else { 0 };
        self
    }
}

/// How a result stands against what was recorded for its check before (`awslab-core`'s
/// `recheck` decides, and words it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CheckHistory {
    pub kind: HistoryKind,
    /// When the earlier result it refers to was recorded (unix milliseconds).
    #[ts(type = "number")]
    pub at_ms: i64,
    /// What it means for the learner, in both languages.
    pub note: Localized,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    /// Not looked at again: a later step of the lab (its `changed_by`) has since changed what
    /// it verifies, as the lab intends, so the pass recorded when its own step passed stands.
    Kept,
    /// Not graded again: the form gave no new answer, so the answer recorded then stands.
    Answered,
    /// It passed when last recorded and fails now: what it verified has been undone since.
    Undone,
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
    let mut result = CheckResult::new(spec.id, spec.kind, spec.points);
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
                    .map(Difference::from)
                    .collect();
            }
            result.passed = result.differences.is_empty();
            result.observed = observed;
        }
    }
    if result.passed {
        result.points = spec.points;
    } else {
        result.diagnosis = diagnosis::diagnose(&result.observed).or_else(|| {
            diagnosis::table_key(spec.kind, &result.differences, &result.observed, &clients.target)
        });
    }
    result
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
        CheckKind::HttpBurst => apigateway_access::burst(clients, selector).await,
        CheckKind::ApigatewayApiKey => apigateway_access::api_key(clients, selector).await,
        CheckKind::ApigatewayUsagePlan => apigateway_access::usage_plan(clients, selector).await,
        CheckKind::ApigatewayAuthorizer => apigateway_access::authorizer(clients, selector).await,
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

    /// Request headers (`headers = { "x-api-key" = "…" }`): text values as written, others as
    /// JSON.
    pub fn headers(&self) -> Vec<(String, String)> {
        match self.value("headers") {
            Some(Value::Object(map)) => map
                .iter()
                .map(|(name, value)| match value {
                    Value::String(text) => (name.clone(), text.clone()),
                    other => (name.clone(), other.to_string()),
                })
                .collect(),
            _ => Vec::new(),
        }
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
    fn an_expected_answer_that_never_came_is_a_zero_share() {
        let expect = json!({ "Shares": { "v1": { "$between": [40, 60] }, "v2": 100 } });
        let mut observed = json!({ "Requests": 50, "Shares": { "v2": 100.0 } });
        no_answer_is_a_zero_share(&expect, &mut observed);
        assert_eq!(observed["Shares"], json!({ "v1": 0.0, "v2": 100.0 }));
        let differences = expect::diff(&expect, &observed);
        assert_eq!(differences.len(), 1, "{differences:?}");
        assert_eq!(
            (differences[0].path.as_str(), differences[0].found.en.as_str()),
            ("Shares.v1", "0")
        );
    }
}
