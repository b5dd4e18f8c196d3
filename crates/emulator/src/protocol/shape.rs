//! Output shapes that the protocol families write differently, marked in a handler's JSON value
//! so the handler is still written once.
//!
//! - [`timestamp`]: epoch seconds in awsJson, a CBOR tag 1 in RPC v2 CBOR, ISO 8601 in query XML.
//! - [`map`]: a plain object in JSON and CBOR, `<entry><key/><value/></entry>` in query XML
//!   (SNS attributes, CloudWatch's `ExtendedStatistics`).
//!
//! A marker is a one-member object with a name no AWS member has (`__timestamp`, `__map`), so
//! services that never use them are encoded exactly as before.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

const TIMESTAMP: &str = "__timestamp";
const MAP: &str = "__map";

/// A timestamp member of an output.
pub fn timestamp(at: OffsetDateTime) -> Value {
    let seconds = at.unix_timestamp_nanos() as f64 / 1e9;
    // Milliseconds are all any protocol carries.
    json!({ TIMESTAMP: (seconds * 1000.0).round() / 1000.0 })
}

/// A map member of an output (string keys).
pub fn map(entries: Map<String, Value>) -> Value {
    json!({ MAP: Value::Object(entries) })
}

/// What a marked value is.
pub enum Marked<'a> {
    /// Epoch seconds.
    Timestamp(f64),
    Map(&'a Map<String, Value>),
    Plain,
}

pub fn marked(value: &Value) -> Marked<'_> {
    let Value::Object(object) = value else { return Marked::Plain };
    if object.len() != 1 {
        return Marked::Plain;
    }
    match (object.get(TIMESTAMP), object.get(MAP)) {
        (Some(Value::Number(seconds)), _) => Marked::Timestamp(seconds.as_f64().unwrap_or(0.0)),
        (_, Some(Value::Object(entries))) => Marked::Map(entries),
        _ => Marked::Plain,
    }
}

/// The value as awsJson writes it: timestamps as epoch seconds, maps as objects.
pub fn lower_for_json(value: &Value) -> Value {
    match marked(value) {
        Marked::Timestamp(seconds) => {
            serde_json::Number::from_f64(seconds).map_or(Value::Null, Value::Number)
        }
        Marked::Map(entries) => {
            Value::Object(entries.iter().map(|(k, v)| (k.clone(), lower_for_json(v))).collect())
        }
        Marked::Plain => match value {
            Value::Array(items) => Value::Array(items.iter().map(lower_for_json).collect()),
            Value::Object(object) => {
                Value::Object(object.iter().map(|(k, v)| (k.clone(), lower_for_json(v))).collect())
            }
            other => other.clone(),
        },
    }
}

/// ISO 8601 with milliseconds, as query services print timestamps: `2026-11-22T10:55:00.000Z`.
pub fn iso8601_millis(seconds: f64) -> String {
    let nanos = (seconds * 1000.0).round() as i128 * 1_000_000;
    let Ok(at) = OffsetDateTime::from_unix_timestamp_nanos(nanos) else {
        return String::new();
    };
    crate::clock::write(at, crate::clock::formats::ISO_MILLIS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_lower_to_plain_json() {
        let at = time::macros::datetime!(2026-11-22 10:55:00.250 UTC);
        let mut entries = Map::new();
        entries.insert("p99".into(), json!(1.5));
        let value = json!({"Timestamp": timestamp(at), "Stats": map(entries), "N": [1]});
        assert_eq!(
            lower_for_json(&value),
            json!({"Timestamp": 1_795_344_900.25, "Stats": {"p99": 1.5}, "N": [1]})
        );
        assert_eq!(iso8601_millis(1_795_344_900.25), "2026-11-22T10:55:00.250Z");
    }
}
