//! Paging tokens and event ids.
//!
//! Events are ordered by `(timestamp, id)`: an [`EventKey`]. It is written as 56 digits, the
//! length of AWS's event ids and tokens: the timestamp shifted to be non-negative (20 digits),
//! then the store's id (36 digits).
//! - `eventId` is an event's key.
//! - `GetLogEvents` hands out `f/<key>/s` and `b/<key>/s` as AWS does: reading forward from
//!   `f/K` returns the events after `K`, backward from `b/K` those before it. At the end of the
//!   stream the same token comes back, which is how SDK paginators know to stop.
//! - `FilterLogEvents`' `nextToken` is the key of the last event returned.
//! - `DescribeLogGroups` and `DescribeLogStreams` page by the sort key of the last item
//!   returned, written in hex: opaque, like AWS's, and stable while items come and go.

use super::errors::LogsError;

/// Where an event sorts: by timestamp, then by the order it was stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventKey {
    pub timestamp: i64,
    pub id: i64,
}

impl EventKey {
    /// Before every event.
    pub const START: EventKey = EventKey { timestamp: i64::MIN, id: 0 };

    /// The 56 digits: `eventId`, and the body of tokens.
    pub fn digits(self) -> String {
        let shifted = (i128::from(self.timestamp) - i128::from(i64::MIN)) as u64;
        format!("{shifted:020}{:036}", self.id.max(0))
    }

    pub fn from_digits(text: &str) -> Option<EventKey> {
        if text.len() != 56 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let shifted: u64 = text[..20].parse().ok()?;
        let id: i64 = text[20..].parse().ok()?;
        let timestamp = i64::try_from(i128::from(shifted) + i128::from(i64::MIN)).ok()?;
        Some(EventKey { timestamp, id })
    }
}

/// Which way a `GetLogEvents` token reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

/// `f/<key>/s` or `b/<key>/s`.
pub fn stream_token(direction: Direction, key: EventKey) -> String {
    let letter = match direction {
        Direction::Forward => 'f',
        Direction::Backward => 'b',
    };
    format!("{letter}/{}/s", key.digits())
}

/// Reads a `GetLogEvents` token (the `/s` suffix is optional).
pub fn parse_stream_token(token: &str) -> Result<(Direction, EventKey), LogsError> {
    let (direction, rest) = match token.split_once('/') {
        Some(("f", rest)) => (Direction::Forward, rest),
        Some(("b", rest)) => (Direction::Backward, rest),
        _ => return Err(LogsError::InvalidToken),
    };
    let digits = rest.strip_suffix("/s").unwrap_or(rest);
    let key = EventKey::from_digits(digits).ok_or(LogsError::InvalidToken)?;
    Ok((direction, key))
}

/// A `FilterLogEvents` token: the key of the last event returned.
pub fn filter_token(key: EventKey) -> String {
    key.digits()
}

pub fn parse_filter_token(token: &str) -> Result<EventKey, LogsError> {
    EventKey::from_digits(token).ok_or(LogsError::InvalidToken)
}

/// An opaque token for a sort key.
pub fn name_token(key: &str) -> String {
    key.bytes().map(|b| format!("{b:02x}")).collect()
}

pub fn parse_name_token(token: &str) -> Result<String, LogsError> {
    if !token.len().is_multiple_of(2) {
        return Err(LogsError::InvalidToken);
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| token.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect();
    bytes.and_then(|bytes| String::from_utf8(bytes).ok()).ok_or(LogsError::InvalidToken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_sort_as_their_digits() {
        let keys = [
            EventKey::START,
            EventKey { timestamp: -5, id: 9 },
            EventKey { timestamp: 0, id: 1 },
            EventKey { timestamp: 1_714_564_800_000, id: 2 },
            EventKey { timestamp: 1_714_564_800_000, id: 10 },
            EventKey { timestamp: i64::MAX, id: i64::MAX },
        ];
        for key in keys {
            assert_eq!(key.digits().len(), 56);
            assert_eq!(EventKey::from_digits(&key.digits()), Some(key));
        }
        let digits: Vec<String> = keys.iter().map(|k| k.digits()).collect();
        let mut sorted = digits.clone();
        sorted.sort();
        assert_eq!(digits, sorted, "the text sorts as the keys do");
    }

    #[test]
    fn stream_tokens_read_back_and_bad_ones_are_refused() {
        let key = EventKey { timestamp: 1_714_564_800_000, id: 42 };
        let token = stream_token(Direction::Backward, key);
        assert!(token.starts_with("b/") && token.ends_with("/s"), "{token}");
        assert_eq!(parse_stream_token(&token).unwrap(), (Direction::Backward, key));
        for bad in ["", "f/", "x/123", "f/12/s", "f/ab/s", &token.replace("b/", "q/")] {
            assert_eq!(parse_stream_token(bad), Err(LogsError::InvalidToken), "{bad}");
        }
    }

    #[test]
    fn name_tokens_round_trip() {
        let key = "/aws/lambda/addCustomer\u{0}2024/05/01/[$LATEST]é";
        assert_eq!(parse_name_token(&name_token(key)).unwrap(), key);
        assert_eq!(parse_name_token("zz"), Err(LogsError::InvalidToken));
        assert_eq!(parse_name_token("abc"), Err(LogsError::InvalidToken));
    }
}
