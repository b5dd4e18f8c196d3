//! Smithy RPC v2 CBOR (what aws-sdk-rust speaks to CloudWatch): `POST
//! /service/{Service}/operation/{Operation}` with `smithy-protocol: rpc-v2-cbor` and a CBOR
//! body, answered in CBOR.
//!
//! Bodies are converted to and from the same JSON values the other protocols use, so a
//! service's handlers are written once: CBOR maps become objects, arrays arrays, integers and
//! floats numbers, text strings strings. Byte strings become base64 text (how the JSON
//! protocols carry blobs); tags (a timestamp is tag 1 around epoch seconds) are read through to
//! their value. ciborium (serde-native) does the CBOR; the conversion of the few shapes JSON
//! lacks is here.

use crate::error::AwsError;
use ciborium::Value as Cbor;
use serde_json::{Map, Number, Value};

/// The JSON value of a CBOR request body; an empty body is `{}`.
pub fn decode(body: &[u8]) -> Result<Value, AwsError> {
    if body.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let cbor: Cbor = ciborium::de::from_reader(body).map_err(|error| {
        AwsError::sender(
            "SerializationException",
            400,
            format!("Could not read the CBOR body: {error}"),
        )
    })?;
    match to_json(cbor)? {
        value @ Value::Object(_) => Ok(value),
        _ => Err(AwsError::sender("SerializationException", 400, "The CBOR body must be a map")),
    }
}

/// The CBOR bytes of a response value.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail, and every JSON value has a CBOR form.
    let _ = ciborium::ser::into_writer(&from_json(value), &mut out);
    out
}

fn to_json(value: Cbor) -> Result<Value, AwsError> {
    Ok(match value {
        Cbor::Null => Value::Null,
        Cbor::Bool(flag) => Value::Bool(flag),
        Cbor::Integer(integer) => {
            let wide = i128::from(integer);
            match (i64::try_from(wide), u64::try_from(wide)) {
                (Ok(small), _) => Value::from(small),
                (_, Ok(large)) => Value::from(large),
                _ => return Err(too_large()),
            }
        }
        Cbor::Float(float) => Number::from_f64(float).map_or(Value::Null, Value::Number),
        Cbor::Text(text) => Value::String(text),
        Cbor::Bytes(bytes) => Value::String(base64(&bytes)),
        Cbor::Array(items) => {
            Value::Array(items.into_iter().map(to_json).collect::<Result<_, _>>()?)
        }
        Cbor::Map(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let Cbor::Text(key) = key else {
                    return Err(AwsError::sender(
                        "SerializationException",
                        400,
                        "CBOR map keys must be text strings",
                    ));
                };
                map.insert(key, to_json(value)?);
            }
            Value::Object(map)
        }
        Cbor::Tag(_, inner) => to_json(*inner)?,
        _ => Value::Null,
    })
}

fn from_json(value: &Value) -> Cbor {
    match super::shape::marked(value) {
        super::shape::Marked::Timestamp(seconds) => {
            return Cbor::Tag(1, Box::new(Cbor::Float(seconds)));
        }
        super::shape::Marked::Map(entries) => {
            return Cbor::Map(
                entries
                    .iter()
                    .map(|(key, value)| (Cbor::Text(key.clone()), from_json(value)))
                    .collect(),
            );
        }
        super::shape::Marked::Plain => {}
    }
    match value {
        Value::Null => Cbor::Null,
        Value::Bool(flag) => Cbor::Bool(*flag),
        Value::Number(number) => match (number.as_i64(), number.as_u64(), number.as_f64()) {
            (Some(small), _, _) => Cbor::Integer(small.into()),
            (None, Some(large), _) => Cbor::Integer(large.into()),
            (_, _, Some(float)) => Cbor::Float(float),
            _ => Cbor::Null,
        },
        Value::String(text) => Cbor::Text(text.clone()),
        Value::Array(items) => Cbor::Array(items.iter().map(from_json).collect()),
        Value::Object(map) => Cbor::Map(
            map.iter().map(|(key, value)| (Cbor::Text(key.clone()), from_json(value))).collect(),
        ),
    }
}

fn too_large() -> AwsError {
    AwsError::sender("SerializationException", 400, "A CBOR integer is too large")
}

/// Standard base64 with padding, as the JSON protocols write blobs.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The CBOR error body of the RPC v2 protocol: `{"__type": code, "message": message}`.
pub fn encode_error(error: &AwsError) -> Vec<u8> {
    encode_error_as(error, &error.code)
}

/// [`encode_error`] with the `__type` a query-compatible service gives (the error's shape
/// name, not its query code; the code travels in `x-amzn-query-error`).
pub fn encode_error_as(error: &AwsError, wire_type: &str) -> Vec<u8> {
    encode(&serde_json::json!({ "__type": wire_type, "message": error.message }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_the_shapes_cloudwatch_uses() {
        let value = json!({
            "Namespace": "AWS/EBS",
            "MetricData": [{
                "MetricName": "VolumeWriteBytes",
                "Dimensions": [{"Name": "VolumeId", "Value": "vol-0123"}],
                "Value": 100001.5,
                "Values": [1, 2, 3],
                "StorageResolution": 60
            }],
            "Enabled": true,
            "Missing": null
        });
        assert_eq!(decode(&encode(&value)).unwrap(), value);
    }

    #[test]
    fn timestamps_and_blobs_read_as_json_values() {
        // {"Timestamp": 1(1700000000.5), "Data": h'010203ff'}
        let map = vec![
            (Cbor::Text("Timestamp".into()), Cbor::Tag(1, Box::new(Cbor::Float(1_700_000_000.5)))),
            (Cbor::Text("Data".into()), Cbor::Bytes(vec![1, 2, 3, 255])),
        ];
        let mut body = Vec::new();
        ciborium::ser::into_writer(&Cbor::Map(map), &mut body).unwrap();
        assert_eq!(
            decode(&body).unwrap(),
            json!({"Timestamp": 1_700_000_000.5, "Data": "AQID/w=="})
        );
    }

    #[test]
    fn malformed_bodies_are_serialization_errors() {
        assert_eq!(decode(b"").unwrap(), json!({}));
        let error = decode(&[0xbf, 0x61]).unwrap_err();
        assert_eq!((error.code.as_str(), error.status), ("SerializationException", 400));
        let mut list = Vec::new();
        ciborium::ser::into_writer(&Cbor::Array(vec![]), &mut list).unwrap();
        assert_eq!(decode(&list).unwrap_err().message, "The CBOR body must be a map");
        let mut numeric_key = Vec::new();
        ciborium::ser::into_writer(
            &Cbor::Map(vec![(Cbor::Integer(1.into()), Cbor::Null)]),
            &mut numeric_key,
        )
        .unwrap();
        assert_eq!(decode(&numeric_key).unwrap_err().message, "CBOR map keys must be text strings");
    }

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn errors_are_cbor_maps() {
        let error = AwsError::sender("ResourceNotFound", 404, "Alarm x does not exist");
        assert_eq!(
            decode(&encode_error(&error)).unwrap(),
            json!({"__type": "ResourceNotFound", "message": "Alarm x does not exist"})
        );
    }

    #[test]
    fn marked_timestamps_are_tag_1_and_maps_are_maps() {
        let at = time::macros::datetime!(2026-11-22 10:55:00 UTC);
        let value = json!({"T": crate::protocol::shape::timestamp(at)});
        let bytes = encode(&value);
        let cbor: Cbor = ciborium::de::from_reader(bytes.as_slice()).unwrap();
        let Cbor::Map(entries) = cbor else { panic!("a map") };
        assert!(
            matches!(&entries[0].1, Cbor::Tag(1, inner) if **inner == Cbor::Float(1_795_344_900.0))
        );
    }

    proptest::proptest! {
        /// CloudWatch-shaped inputs (PutMetricData, PutMetricAlarm) with arbitrary values.
        #[test]
        fn cloudwatch_shaped_bodies_never_panic(name in ".{0,20}", value in proptest::prelude::any::<f64>(), period in proptest::prelude::any::<i64>()) {
            let map = vec![
                (Cbor::Text("AlarmName".into()), Cbor::Text(name)),
                (Cbor::Text("Threshold".into()), Cbor::Float(value)),
                (Cbor::Text("Period".into()), Cbor::Integer(period.into())),
                (Cbor::Text("Timestamp".into()), Cbor::Tag(1, Box::new(Cbor::Float(value)))),
            ];
            let mut body = Vec::new();
            ciborium::ser::into_writer(&Cbor::Map(map), &mut body).unwrap();
            let _ = decode(&body);
        }

        #[test]
        fn any_body_decodes_or_errors_without_panicking(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = decode(&body);
        }
    }
}
