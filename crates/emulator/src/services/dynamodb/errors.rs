//! DynamoDB's errors as [`AwsError`]s: the engine's, and those of reading a request.
//!
//! dynoxide words its errors as DynamoDB does (checked by its conformance suite) and knows each
//! one's wire type and status, so the code here is taken from the engine's own `error_type()`
//! rather than re-listed: [`DynoxideError`] is `#[non_exhaustive]`, and a variant added in a
//! later version then arrives with its AWS code instead of falling into a catch-all.
//!
//! The engine's errors, and the validation and serialization errors of reading a request, are
//! answered with the body the engine's own server writes (`DynoxideError::to_json`, carried in
//! [`AwsError::json_body`]): `__type` in DynamoDB's namespaces, a transaction's
//! `CancellationReasons`, a failed condition's `Item`, and `Message` capitalised where DynamoDB
//! capitalises it. Errors raised before the engine (routing, signatures, IAM) are written by the
//! JSON encoder, with the namespace [`wire_type`] gives their code.

use crate::error::AwsError;
use crate::protocol::Service;
use dynoxide::DynoxideError;

/// The namespace DynamoDB puts before most error codes in `__type`.
const DYNAMODB_NAMESPACE: &str = "com.amazonaws.dynamodb.v20120810#";

/// The full `__type` real DynamoDB sends for an error `code`.
pub fn wire_type(code: &str) -> String {
    let namespace = match code {
        "ValidationException" => "com.amazon.coral.validate#",
        "SerializationException"
        | "UnknownOperationException"
        | "AccessDeniedException"
        | "UnrecognizedClientException"
        | "MissingAuthenticationTokenException"
        | "IncompleteSignatureException"
        | "InvalidSignatureException"
        | "ExpiredTokenException" => "com.amazon.coral.service#",
        _ => DYNAMODB_NAMESPACE,
    };
    format!("{namespace}{code}")
}

/// An error the engine returned while serving `operation`.
pub fn from_engine(operation: &str, error: DynoxideError) -> AwsError {
    let message = match &error {
        // A tag dynoxide's own HTTP seam resolves: PutItem, UpdateItem and DeleteItem wrap the
        // request-validation family in DynamoDB's envelope, every other operation reports it
        // bare. The library API resolves it inside those three actions already; this keeps the
        // tag from reaching the wire if one ever slips through.
        DynoxideError::EnvelopedValidation(message) if enveloped(operation) => {
            crate::validation::detected(&[message])
        }
        // Only dynoxide's wasm build lacks capabilities; ours answers like any gap.
        DynoxideError::UnsupportedCapability(_) => {
            return AwsError::not_implemented(Service::DynamoDb.name(), operation);
        }
        other => other.to_string(),
    };
    let wire_type = error.error_type();
    let code = wire_type.rsplit_once('#').map_or(wire_type, |(_, code)| code);
    let status = error.status_code();
    let answer = if status >= 500 {
        AwsError::receiver(code, status, message)
    } else {
        AwsError::sender(code, status, message)
    };
    // The engine's own body, as its server writes it, when its message is the one answered.
    let json_body = (answer.message == error.to_string()).then(|| error.to_json());
    AwsError { json_body, ..answer }
}

/// A request body that does not decode into the operation's input.
///
/// dynoxide's own request types raise most of DynamoDB's validation while they are read, and say
/// which class an error belongs to with a marker before the message (dynoxide's `serde_errors`
/// module, private to it: the unit tests below pin the markers this relies on). What carries no
/// marker is classified as dynoxide's HTTP seam does: a missing member, an unknown enum value or
/// a null is a `ValidationException`, a value of the wrong JSON type a `SerializationException`.
pub fn from_decoding(operation: &str, error: &serde_json::Error) -> AwsError {
    let raw = error.to_string();
    let text = without_position(&raw);
    let validation = |message: &str| {
        from_engine(operation, DynoxideError::ValidationException(message.to_string()))
    };
    let serialization = |message: &str| {
        from_engine(operation, DynoxideError::SerializationException(message.to_string()))
    };
    if let Some(message) = raw.strip_prefix("SERIALIZATION_AS_READ:") {
        serialization(message)
    } else if let Some(message) = raw.strip_prefix("VALIDATION_AS_READ:") {
        validation(message)
    } else if let Some(message) = text.strip_prefix("SERIALIZATION:") {
        serialization(message)
    } else if let Some(message) = text.strip_prefix("VALIDATION_REQUEST:") {
        if enveloped(operation) {
            validation(&crate::validation::detected(&[message]))
        } else {
            validation(message)
        }
    } else if let Some(message) = text.strip_prefix("VALIDATION:") {
        validation(message)
    } else if text.contains("empty AttributeValue") {
        validation(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        )
    } else if text.contains("missing field")
        || text.contains("unknown variant")
        || text.contains("invalid type: null")
        || text.contains("Supplied AttributeValue")
    {
        validation(text)
    } else {
        serialization(&type_mismatch(text).unwrap_or_else(|| text.to_string()))
    }
}

/// The operations whose request-validation errors DynamoDB wraps in `1 validation error
/// detected: `.
fn enveloped(operation: &str) -> bool {
    matches!(operation, "PutItem" | "UpdateItem" | "DeleteItem")
}

/// serde_json's ` at line N column M`, which DynamoDB does not say.
fn without_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => &message[..at],
        _ => message,
    }
}

/// DynamoDB's (Jackson's) words for a JSON value of the wrong type: `invalid type: integer
/// `23`, expected a string` is `NUMBER_VALUE cannot be converted to String`.
fn type_mismatch(message: &str) -> Option<String> {
    let (found, expected) = message.strip_prefix("invalid type: ")?.split_once(", expected ")?;
    let target = match expected {
        "a string" => "String",
        "a boolean" => "Boolean",
        "i64" | "u64" | "i32" | "u32" | "usize" => "Long",
        "a sequence" | "a map" => return Some("Unexpected field type".to_string()),
        _ if found == "map" => {
            return Some("Start of structure or map found where not expected".to_string());
        }
        _ => return None,
    };
    let token = match found {
        "boolean `true`" => "TRUE_VALUE",
        "boolean `false`" => "FALSE_VALUE",
        "sequence" => {
            return Some(format!("Unrecognized collection type class java.lang.{target}"));
        }
        "map" => return Some("Start of structure or map found where not expected".to_string()),
        found if found.starts_with("integer ") => "NUMBER_VALUE",
        found if found.starts_with("floating point ") => "DECIMAL_VALUE",
        found if found.starts_with("string ") && target != "String" => "VALUE_STRING",
        _ => return None,
    };
    Some(format!("{token} cannot be converted to {target}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynoxide::actions::put_item::PutItemRequest;
    use dynoxide::actions::scan::ScanRequest;
    use serde_json::json;

    fn decode<T: serde::de::DeserializeOwned>(
        operation: &str,
        input: serde_json::Value,
    ) -> AwsError {
        match serde_json::from_value::<T>(input) {
            Ok(_) => panic!("{operation}: the request decoded"),
            Err(error) => from_decoding(operation, &error),
        }
    }

    #[test]
    fn engine_errors_are_answered_with_the_body_the_engine_writes() {
        let reasons = vec![
            dynoxide::errors::CancellationReason { code: "None".into(), ..Default::default() },
            dynoxide::errors::CancellationReason {
                code: "ConditionalCheckFailed".into(),
                message: Some("The conditional request failed".into()),
                item: None,
            },
        ];
        let error = from_engine(
            "TransactWriteItems",
            DynoxideError::TransactionCanceledException("Transaction cancelled".into(), reasons),
        );
        let body: serde_json::Value =
            serde_json::from_str(error.json_body.as_deref().unwrap()).unwrap();
        assert_eq!(body["CancellationReasons"][1]["Code"], "ConditionalCheckFailed");
        assert_eq!(body["Message"], error.message);
        let unreadable = decode::<ScanRequest>("Scan", json!({ "TableName": 5 }));
        let body: serde_json::Value =
            serde_json::from_str(unreadable.json_body.as_deref().unwrap()).unwrap();
        assert_eq!(body["__type"], "com.amazon.coral.service#SerializationException");
        assert!(body.get("message").is_none(), "{body}");
    }

    #[test]
    fn engine_errors_keep_dynamodb_codes_messages_and_statuses() {
        let error = from_engine(
            "GetItem",
            DynoxideError::ResourceNotFoundException("Requested resource not found".into()),
        );
        assert_eq!(
            (error.code.as_str(), error.message.as_str(), error.status),
            ("ResourceNotFoundException", "Requested resource not found", 400)
        );
        let error = from_engine(
            "CreateTable",
            DynoxideError::ResourceInUseException("Table already exists: customers".into()),
        );
        assert_eq!(error.code, "ResourceInUseException");
        let error = from_engine("PutItem", DynoxideError::ValidationException("bad".into()));
        assert_eq!((error.code.as_str(), error.message.as_str()), ("ValidationException", "bad"));
        let error = from_engine(
            "PutItem",
            DynoxideError::ConditionalCheckFailedException(
                "The conditional request failed".into(),
                None,
            ),
        );
        assert_eq!(error.code, "ConditionalCheckFailedException");
        let error = from_engine("Scan", DynoxideError::InternalServerError("disk full".into()));
        assert_eq!((error.code.as_str(), error.status), ("InternalServerError", 500));
        assert_eq!(error.fault, crate::error::Fault::Receiver);
    }

    #[test]
    fn the_request_validation_envelope_is_for_single_item_writes_only() {
        let tagged = || DynoxideError::EnvelopedValidation("Type mismatch".into());
        assert_eq!(
            from_engine("UpdateItem", tagged()).message,
            "1 validation error detected: Type mismatch"
        );
        assert_eq!(from_engine("Query", tagged()).message, "Type mismatch");
        assert_eq!(from_engine("Query", tagged()).code, "ValidationException");
    }

    #[test]
    fn dynoxide_markers_are_read_and_never_reach_the_wire() {
        // `{"NULL": false}` is refused by AttributeValue's reader with the request-validation
        // marker; if dynoxide renames its markers, this fails rather than leaking them.
        let input = json!({"TableName": "customers", "Item": {"customer_id": {"NULL": false}}});
        let error = decode::<PutItemRequest>("PutItem", input);
        assert_eq!(error.code, "ValidationException");
        assert_eq!(
            error.message,
            "1 validation error detected: One or more parameter values were invalid: \
             Null attribute value types must have the value of true"
        );
        let input = json!({"TableName": "customers", "Item": {"customer_id": {}}});
        let error = decode::<PutItemRequest>("PutItem", input);
        assert_eq!(
            (error.code.as_str(), error.message.as_str()),
            (
                "ValidationException",
                "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
            )
        );
    }

    #[test]
    fn values_of_the_wrong_json_type_are_serialization_errors_in_dynamodb_words() {
        let error = decode::<ScanRequest>("Scan", json!({"TableName": 23}));
        assert_eq!(
            (error.code.as_str(), error.message.as_str()),
            ("SerializationException", "NUMBER_VALUE cannot be converted to String")
        );
        let error = decode::<ScanRequest>("Scan", json!({"TableName": "t", "Limit": "ten"}));
        assert_eq!(error.code, "SerializationException");
        assert!(!error.message.contains(" at line "), "{}", error.message);
    }

    #[test]
    fn wire_types_use_the_namespace_dynamodb_sends() {
        assert_eq!(
            wire_type("ValidationException"),
            "com.amazon.coral.validate#ValidationException"
        );
        assert_eq!(
            wire_type("SerializationException"),
            "com.amazon.coral.service#SerializationException"
        );
        assert_eq!(
            wire_type("ResourceNotFoundException"),
            "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
        );
        assert_eq!(
            DynoxideError::ValidationException(String::new()).error_type(),
            wire_type("ValidationException")
        );
        assert_eq!(
            DynoxideError::SerializationException(String::new()).error_type(),
            wire_type("SerializationException")
        );
    }
}
