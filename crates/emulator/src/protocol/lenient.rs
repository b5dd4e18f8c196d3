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

/// An optional floating-point number given as a number or as text.
pub fn option_f64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    match Option::<TextOr<f64>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(TextOr::Value(number)) => Ok(Some(number)),
        Some(TextOr::Text(text)) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("'{text}' is not a number"))),
    }
}

/// A list of numbers, each given as a number or as text (`Values.member.N` in a form).
pub fn vec_f64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f64>, D::Error> {
    let items = Option::<Vec<TextOr<f64>>>::deserialize(deserializer)?.unwrap_or_default();
    items
        .into_iter()
        .map(|item| match item {
            TextOr::Value(number) => Ok(number),
            TextOr::Text(text) => text
                .trim()
                .parse()
                .map_err(|_| serde::de::Error::custom(format!("'{text}' is not a number"))),
        })
        .collect()
}

/// An optional timestamp: epoch seconds (awsJson, CBOR's tag 1 read through) or ISO 8601 text
/// (query forms: `2026-11-22T10:55:00Z`, `2026-11-22T10:55:00.123456Z`), or epoch seconds as
/// text.
pub fn option_timestamp<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<time::OffsetDateTime>, D::Error> {
    match Option::<TextOr<f64>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(TextOr::Value(seconds)) => from_epoch(seconds).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!("'{seconds}' is not a valid timestamp"))
        }),
        Some(TextOr::Text(text)) => parse_timestamp(&text)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("'{text}' is not a valid timestamp"))),
    }
}

fn from_epoch(seconds: f64) -> Option<time::OffsetDateTime> {
    if !seconds.is_finite() {
        return None;
    }
    time::OffsetDateTime::from_unix_timestamp_nanos((seconds * 1e9) as i128).ok()
}

/// ISO 8601 / RFC 3339 text, with or without an offset (UTC assumed), or epoch seconds.
pub fn parse_timestamp(text: &str) -> Option<time::OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        return from_epoch(seconds);
    }
    if let Ok(at) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Some(at);
    }
    let with_zone = format!("{text}Z");
    if let Ok(at) = time::OffsetDateTime::parse(&with_zone, &Rfc3339) {
        return Some(at);
    }
    // `2026-11-22T10:55:00.000+0000`, as CloudWatch writes dates inside JSON documents.
    let colon = text
        .len()
        .checked_sub(2)
        .filter(|&cut| text.is_char_boundary(cut))
        .map(|cut| format!("{}:{}", &text[..cut], &text[cut..]));
    colon.and_then(|text| time::OffsetDateTime::parse(&text, &Rfc3339).ok())
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

    #[test]
    fn timestamps_read_from_every_protocol() {
        let at = time::macros::datetime!(2026-11-22 10:55:00 UTC);
        assert_eq!(parse_timestamp("2026-11-22T10:55:00Z"), Some(at));
        assert_eq!(parse_timestamp("2026-11-22T10:55:00"), Some(at));
        assert_eq!(parse_timestamp("2026-11-22T10:55:00.000+0000"), Some(at));
        assert_eq!(parse_timestamp("1795344900"), Some(at));
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(parse_timestamp("é"), None);
    }
}
