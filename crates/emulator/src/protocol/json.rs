//! The awsJson 1.0 and 1.1 protocols (DynamoDB, CloudWatch Logs; CloudWatch for current boto3
//! and the AWS CLI): `POST /` with `X-Amz-Target: Prefix.Operation` and a JSON body.
//!
//! Errors are `{"__type": "…", "message": "…"}`; services that are query-compatible (CloudWatch)
//! also send `x-amzn-query-error: Code;Sender` so query-era clients read the old code.

use crate::error::{AwsError, Fault};
use serde_json::{Value, json};

/// The JSON body of a request: empty means `{}`; anything but a JSON object is AWS's
/// `SerializationException`.
pub fn decode(body: &[u8]) -> Result<Value, AwsError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(serialization("Start of structure or map found where not expected.")),
        Err(error) => Err(serialization(&format!(
            "Could not parse the request body as JSON: {}",
            error.to_string().split(" at line ").next().unwrap_or("invalid JSON")
        ))),
    }
}

fn serialization(message: &str) -> AwsError {
    AwsError::sender("SerializationException", 400, message)
}

/// The body and extra headers of an error. `wire_type` is the full `__type`: the code, with
/// the namespace some services put before it (DynamoDB's `com.amazonaws.dynamodb.v20120810#`).
pub fn encode_error(
    error: &AwsError,
    wire_type: &str,
    query_compatible: bool,
) -> (Vec<u8>, Vec<(&'static str, String)>) {
    let body = match &error.json_body {
        Some(body) => body.clone(),
        None => json!({ "__type": wire_type, "message": error.message }).to_string(),
    };
    let mut headers = vec![("x-amzn-errortype", error.code.clone())];
    if query_compatible {
        let fault = match error.fault {
            Fault::Sender => "Sender",
            Fault::Receiver => "Receiver",
        };
        headers.push(("x-amzn-query-error", format!("{};{fault}", error.code)));
    }
    (body.into_bytes(), headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_bodies_are_empty_objects_and_bad_ones_serialization_errors() {
        assert_eq!(decode(b"").unwrap(), json!({}));
        assert_eq!(decode(b" \n").unwrap(), json!({}));
        let error = decode(b"{\"TableName\": ").unwrap_err();
        assert_eq!((error.code.as_str(), error.status), ("SerializationException", 400));
        assert_eq!(decode(b"[1]").unwrap_err().code, "SerializationException");
    }

    #[test]
    fn errors_carry_type_and_message() {
        let error =
            AwsError::sender("ResourceNotFoundException", 400, "Requested resource not found");
        let (body, headers) = encode_error(
            &error,
            "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
            false,
        );
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}"#
        );
        assert_eq!(headers, [("x-amzn-errortype", "ResourceNotFoundException".to_string())]);
        let (_, headers) = encode_error(&error, "ResourceNotFoundException", true);
        assert!(
            headers.contains(&("x-amzn-query-error", "ResourceNotFoundException;Sender".into()))
        );
    }

    proptest::proptest! {
        #[test]
        fn any_body_decodes_or_errors_without_panicking(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = decode(&body);
        }
    }
}
