//! Deserializers for inputs that arrive as text in one protocol and as numbers or booleans in
//! another (query forms carry everything as text; JSON and CBOR do not).

use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum TextOr<T> {
    Value(T),
    Text(String),
}

/// An optional integer given as a number or as text.
pub fn option_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    match Option::<TextOr<i64>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(TextOr::Value(number)) => Ok(Some(number)),
        Some(TextOr::Text(text)) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("'{text}' is not a whole number"))),
    }
}

/// An optional boolean given as a boolean or as `true`/`false` text.
pub fn option_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    match Option::<TextOr<bool>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(TextOr::Value(flag)) => Ok(Some(flag)),
        Some(TextOr::Text(text)) => match text.as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(serde::de::Error::custom(format!("'{text}' is not true or false"))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Input {
        #[serde(default, deserialize_with = "option_i64")]
        max_items: Option<i64>,
        #[serde(default, deserialize_with = "option_bool")]
        only_attached: Option<bool>,
    }

    #[test]
    fn accepts_text_and_native_values() {
        let from_form: Input =
            serde_json::from_value(json!({"max_items": "50", "only_attached": "true"})).unwrap();
        let from_json: Input =
            serde_json::from_value(json!({"max_items": 50, "only_attached": true})).unwrap();
        assert_eq!(from_form, from_json);
        assert_eq!(serde_json::from_value::<Input>(json!({})).unwrap().max_items, None);
        assert!(serde_json::from_value::<Input>(json!({"max_items": "x"})).is_err());
    }
}
