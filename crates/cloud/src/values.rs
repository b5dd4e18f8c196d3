//! DynamoDB items as plain JSON (what a lab author writes and a student reads) and as the
//! SDK's typed attribute values: text is `S`, numbers `N`, booleans `BOOL`, null `NULL`, lists
//! `L`, objects `M`; sets and binary come back as lists and base64 text.

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// A plain JSON object as an item.
pub fn to_attributes(item: &Value) -> Result<HashMap<String, AttributeValue>, String> {
    let Value::Object(map) = item else {
        return Err("an item is a JSON object of attribute names and values".into());
    };
    Ok(map.iter().map(|(name, value)| (name.clone(), attribute(value))).collect())
}

fn attribute(value: &Value) -> AttributeValue {
    match value {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(flag) => AttributeValue::Bool(*flag),
        Value::Number(number) => AttributeValue::N(number.to_string()),
        Value::String(text) => AttributeValue::S(text.clone()),
        Value::Array(items) => AttributeValue::L(items.iter().map(attribute).collect()),
        Value::Object(map) => {
            AttributeValue::M(map.iter().map(|(k, v)| (k.clone(), attribute(v))).collect())
        }
    }
}

/// An item as plain JSON, attributes sorted by name.
pub fn from_attributes(item: &HashMap<String, AttributeValue>) -> Value {
    let mut names: Vec<&String> = item.keys().collect();
    names.sort();
    Value::Object(names.into_iter().map(|name| (name.clone(), plain(&item[name]))).collect())
}

fn plain(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(text) => Value::String(text.clone()),
        AttributeValue::N(number) => serde_json::from_str::<serde_json::Number>(number)
            .map(Value::Number)
            .unwrap_or_else(|_| Value::String(number.clone())),
        AttributeValue::Bool(flag) => Value::Bool(*flag),
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::L(items) => Value::Array(items.iter().map(plain).collect()),
        AttributeValue::M(map) => {
            let mut out = Map::new();
            let mut names: Vec<&String> = map.keys().collect();
            names.sort();
            for name in names {
                out.insert(name.clone(), plain(&map[name]));
            }
            Value::Object(out)
        }
        AttributeValue::Ss(items) => json!(items),
        AttributeValue::Ns(items) => Value::Array(
            items
                .iter()
                .map(|n| serde_json::from_str(n).unwrap_or_else(|_| Value::String(n.clone())))
                .collect(),
        ),
        AttributeValue::B(blob) => {
            use base64::Engine;
            Value::String(base64::engine::general_purpose::STANDARD.encode(blob.as_ref()))
        }
        AttributeValue::Bs(blobs) => {
            use base64::Engine;
            Value::Array(
                blobs
                    .iter()
                    .map(|b| {
                        Value::String(base64::engine::general_purpose::STANDARD.encode(b.as_ref()))
                    })
                    .collect(),
            )
        }
        _ => Value::Null,
    }
}

/// Plain JSON in DynamoDB's typed JSON (`{"S": "x"}`), as the AWS CLI takes items.
pub fn typed_json(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), typed(v))).collect())
        }
        other => typed(other),
    }
}

fn typed(value: &Value) -> Value {
    match value {
        Value::Null => json!({ "NULL": true }),
        Value::Bool(flag) => json!({ "BOOL": flag }),
        Value::Number(number) => json!({ "N": number.to_string() }),
        Value::String(text) => json!({ "S": text }),
        Value::Array(items) => json!({ "L": items.iter().map(typed).collect::<Vec<_>>() }),
        Value::Object(map) => {
            json!({ "M": map.iter().map(|(k, v)| (k.clone(), typed(v))).collect::<Map<_, _>>() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_handout_item_round_trips() {
        let item = json!({
            "customer_id": "1230AWS",
            "customer_name": "KilDong",
            "price": 990000,
            "tags": ["a", 1],
            "vip": false,
            "address": {"city": "Seoul"},
        });
        let attributes = to_attributes(&item).unwrap();
        assert_eq!(attributes["price"], AttributeValue::N("990000".into()));
        assert_eq!(from_attributes(&attributes), item);
        assert_eq!(typed_json(&json!({"price": 990000}))["price"], json!({"N": "990000"}));
        assert!(to_attributes(&json!([1])).is_err());
    }
}
