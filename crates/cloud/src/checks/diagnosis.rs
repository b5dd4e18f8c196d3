//! Why a check failed, in words, where the answer holds more than its differences show: the
//! exception a function raised (its type, message and the line of the learner's own code, with
//! what a DynamoDB key error means), and the line of API Gateway's execution log behind a 5xx
//! (with what the causes a lab meets mean). Korean and English, for the app and the CLI.

use awslab_lab::{CheckKind, Localized};
use serde_json::Value;

use super::Difference;
use crate::call::CallBuilder;
use crate::target::Target;

/// A table whose key differs from the lab's: what key it has, that a key never changes, and
/// the command that deletes the table so that the step can make it again.
pub(super) fn table_key(
    kind: CheckKind,
    differences: &[Difference],
    observed: &Value,
    target: &Target,
) -> Option<Localized> {
    if kind != CheckKind::DynamodbTable
        || !differences.iter().any(|difference| difference.path.starts_with("KeySchema"))
    {
        return None;
    }
    let table = observed["TableName"].as_str()?;
    let keys: Vec<&str> = observed["KeySchema"]
        .as_array()?
        .iter()
        .filter_map(|key| key["AttributeName"].as_str())
        .collect();
    let keys = keys.join(", ");
    let delete = CallBuilder::new("dynamodb", "dynamodb", "DeleteTable")
        .text("table-name", table)
        .build(target)
        .cli;
    Some(Localized::new(
        format!(
            "{table}의 키는 {keys}입니다. 테이블의 키는 바꿀 수 없으니, 테이블을 지우고 이 단계를 다시 실행하세요: {delete}"
        ),
        format!(
            "{table} has the key {keys}. A table's key cannot change: delete the table and run this step again: {delete}"
        ),
    ))
}

/// What an answer says went wrong beyond its differences: a function's exception, or the line of
/// API Gateway's execution log behind a 5xx.
pub(super) fn diagnose(observed: &Value) -> Option<Localized> {
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
}
