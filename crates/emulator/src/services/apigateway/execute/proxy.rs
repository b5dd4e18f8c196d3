//! The Lambda proxy integration's contract: the REST API event a function receives
//! (`resource`, `path`, `httpMethod`, headers and query string both single- and multi-valued,
//! `pathParameters`, `stageVariables`, `requestContext`, `body`, `isBase64Encoded`), and the
//! response it must return (`statusCode`, `headers`, `multiValueHeaders`, `body`,
//! `isBase64Encoded`, nothing else), which anything else makes a `502`.

use super::{Execution, HttpCall};
use base64::Engine;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// `content-type` → `Content-Type`: HTTP/1.1 servers see names in lower case, but clients
/// send (and handlers look up) the capitalised form.
pub fn title_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// `05/Sep/2023:07:46:16 +0000`, the `requestTime` of the request context.
fn request_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let month = &at.month().to_string()[..3];
    format!(
        "{:02}/{month}/{}:{:02}:{:02}:{:02} +0000",
        at.day(),
        at.year(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

fn single_and_multi(pairs: &[(String, String)]) -> (Value, Value) {
    if pairs.is_empty() {
        return (Value::Null, Value::Null);
    }
    let mut single = Map::new();
    let mut multi: Map<String, Value> = Map::new();
    for (key, value) in pairs {
        single.insert(key.clone(), json!(value));
        match multi.get_mut(key).and_then(Value::as_array_mut) {
            Some(values) => values.push(json!(value)),
            None => {
                multi.insert(key.clone(), json!([value]));
            }
        }
    }
    (Value::Object(single), Value::Object(multi))
}

/// The event a proxy integration sends the function.
pub fn event(exec: &Execution, call: &HttpCall, at: OffsetDateTime) -> Value {
    let headers: Vec<(String, String)> =
        (call.headers.iter()).map(|(name, value)| (title_case(name), value.clone())).collect();
    let (headers_single, headers_multi) = single_and_multi(&headers);
    let (query_single, query_multi) = single_and_multi(&call.query);
    let header = |name: &str| {
        (call.headers.iter())
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.clone())
    };
    let (body, encoded) = match std::str::from_utf8(&call.body) {
        _ if call.body.is_empty() => (Value::Null, false),
        Ok(text) => (json!(text), false),
        Err(_) => (json!(base64::engine::general_purpose::STANDARD.encode(&call.body)), true),
    };
    let optional_map = |map: &BTreeMap<String, String>| {
        if map.is_empty() { Value::Null } else { json!(map) }
    };
    let stage_path =
        if exec.test_invoke { call.path.clone() } else { format!("/{}{}", exec.stage, call.path) };
    json!({
        "resource": exec.resource_path,
        "path": call.path,
        "httpMethod": call.method,
        "headers": headers_single,
        "multiValueHeaders": headers_multi,
        "queryStringParameters": query_single,
        "multiValueQueryStringParameters": query_multi,
        "pathParameters": optional_map(&exec.path_parameters),
        "stageVariables": optional_map(&exec.variables),
        "requestContext": {
            "resourceId": exec.resource_id,
            "resourcePath": exec.resource_path,
            "httpMethod": call.method,
            "extendedRequestId": exec.extended_request_id,
            "requestTime": request_time(at),
            "path": stage_path,
            "accountId": crate::ACCOUNT_ID,
            "protocol": "HTTP/1.1",
            "stage": exec.stage,
            "domainPrefix": exec.api_id,
            "requestTimeEpoch": (at.unix_timestamp_nanos() / 1_000_000) as i64,
            "requestId": exec.request_id,
            "identity": {
                "cognitoIdentityPoolId": null,
                "accountId": null,
                "cognitoIdentityId": null,
                "caller": null,
                "sourceIp": call.source_ip,
                "principalOrgId": null,
                "accessKey": null,
                "cognitoAuthenticationType": null,
                "cognitoAuthenticationProvider": null,
                "userArn": null,
                "userAgent": header("user-agent"),
                "user": null,
            },
            "domainName": exec.domain_name,
            "deploymentId": exec.deployment_id,
            "apiId": exec.api_id,
        },
        "body": body,
        "isBase64Encoded": encoded,
    })
}

/// What the function's answer asks the client to get.
#[derive(Debug, Clone, PartialEq)]
pub struct ProxyResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

const MEMBERS: [&str; 5] =
    ["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"];

/// Reads a proxy response; `None` is AWS's "Malformed Lambda proxy response". A base64 body
/// is decoded only when the API lists a binary media type for its `Content-Type`.
pub fn response(payload: &[u8], binary_media_types: &[String]) -> Option<ProxyResponse> {
    let document: Value = serde_json::from_slice(payload).ok()?;
    let object = document.as_object()?;
    if object.is_empty() || object.keys().any(|key| !MEMBERS.contains(&key.as_str())) {
        return None;
    }
    let status = match object.get("statusCode") {
        None | Some(Value::Null) => 200,
        Some(Value::Number(number)) => number.as_u64()?,
        Some(Value::String(text)) => text.parse().ok()?,
        Some(_) => return None,
    };
    let status = u16::try_from(status).ok().filter(|status| (100..=599).contains(status))?;
    let mut headers: Vec<(String, String)> = Vec::new();
    match object.get("multiValueHeaders") {
        None | Some(Value::Null) => {}
        Some(Value::Object(multi)) => {
            for (name, values) in multi {
                for value in values.as_array()? {
                    headers.push((name.clone(), scalar(value)?));
                }
            }
        }
        Some(_) => return None,
    }
    match object.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(single)) => {
            for (name, value) in single {
                headers.push((name.clone(), scalar(value)?));
            }
        }
        Some(_) => return None,
    }
    let body = match object.get("body") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(_) => return None,
    };
    let encoded = match object.get("isBase64Encoded") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => return None,
    };
    let content_type = (headers.iter())
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.as_str())
        .unwrap_or("application/json");
    let binary = binary_media_types.iter().any(|kind| kind == "*/*" || kind == content_type);
    let body = if encoded && binary {
        base64::engine::general_purpose::STANDARD.decode(body.as_bytes()).ok()?
    } else {
        body.into_bytes()
    };
    Some(ProxyResponse { status, headers, body })
}

/// A header value as text: strings as they are, numbers and booleans printed.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(document: Value) -> Option<ProxyResponse> {
        response(document.to_string().as_bytes(), &[])
    }

    #[test]
    fn the_response_contract_is_checked_as_aws_does() {
        let ok = read(json!({"statusCode": 200, "body": "\"Hello from Lambda!\"", "headers": {"Content-Type": "application/json"}})).unwrap();
        assert_eq!((ok.status, ok.body.as_slice()), (200, b"\"Hello from Lambda!\"".as_slice()));
        assert_eq!(read(json!({"statusCode": "201"})).unwrap().status, 201);
        assert_eq!(read(json!({"headers": {"a": "b"}})).unwrap().status, 200);
        let merged = read(json!({"statusCode": 200, "multiValueHeaders": {"x": ["1"]}, "headers": {"x": "2", "flag": true}})).unwrap();
        assert_eq!(
            merged.headers,
            [("x".into(), "1".into()), ("x".into(), "2".into()), ("flag".into(), "true".into())]
        );
        for bad in [
            json!({}),
            json!({"statusCode": 200, "wrongValue": "value"}),
            json!({"statusCode": "test"}),
            json!({"statusCode": 200, "multiValueHeaders": {"x": "1"}}),
            json!({"statusCode": 200, "body": {"not": "a string"}}),
            json!("justAString"),
            Value::Null,
        ] {
            assert_eq!(read(bad.clone()), None, "{bad}");
        }
    }

    #[test]
    fn base64_bodies_are_decoded_only_for_binary_media_types() {
        let document = json!({"statusCode": 200, "body": "dGVzdC1kYXRh", "isBase64Encoded": true});
        assert_eq!(read(document.clone()).unwrap().body, b"dGVzdC1kYXRh");
        let binary = response(document.to_string().as_bytes(), &["*/*".to_string()]).unwrap();
        assert_eq!(binary.body, b"test-data");
    }

    #[test]
    fn header_names_are_capitalised() {
        assert_eq!(title_case("content-type"), "Content-Type");
        assert_eq!(title_case("x-amzn-trace-id"), "X-Amzn-Trace-Id");
        assert_eq!(title_case("host"), "Host");
    }
}
