//! Log events: PutLogEvents, GetLogEvents, FilterLogEvents.

use super::Call;
use super::checks::{Checks, named_group};
use super::errors::LogsError;
use super::filter::{FilterError, FilterPattern};
use super::store::{self, LogEvent, LogStore};
use super::streams::sequence_token;
use super::tokens::{
    Direction, EventKey, filter_token, parse_filter_token, parse_stream_token, stream_token,
};
use rusqlite::params;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// A batch may hold this many bytes: messages in UTF-8 plus [`EVENT_OVERHEAD`] per event.
const BATCH_BYTES: usize = 1_048_576;
const EVENT_OVERHEAD: usize = 26;
const BATCH_EVENTS: usize = 10_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// A read answers at most this many bytes of messages ("up to 1 MB").
const RESPONSE_BYTES: usize = 1_048_576;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutLogEventsInput {
    log_group_name: Option<String>,
    log_stream_name: Option<String>,
    log_events: Option<Vec<InputLogEvent>>,
}

#[derive(Deserialize)]
struct InputLogEvent {
    timestamp: Option<i64>,
    message: Option<String>,
}

pub fn put_log_events(
    store: &LogStore,
    call: &Call<'_>,
    request: PutLogEventsInput,
) -> Result<Value, LogsError> {
    let mut checks = Checks::new();
    let group = checks.required("logGroupName", &request.log_group_name).cloned();
    checks.group_name("logGroupName", group.as_deref());
    let stream = checks.required("logStreamName", &request.log_stream_name).cloned();
    checks.stream_name("logStreamName", stream.as_deref());
    let given = checks.required("logEvents", &request.log_events).map(Vec::as_slice);
    checks.count("logEvents", given, 1, BATCH_EVENTS);
    for (index, event) in given.unwrap_or_default().iter().enumerate() {
        let member = |name: &str| format!("logEvents.{}.member.{name}", index + 1);
        let timestamp = checks.required(&member("timestamp"), &event.timestamp).copied();
        checks.range(&member("timestamp"), timestamp, 0, None);
        let message = checks.required(&member("message"), &event.message);
        checks.length(&member("message"), message.map(String::as_str), 1, usize::MAX);
    }
    checks.finish()?;
    let events: Vec<LogEvent> = given
        .unwrap_or_default()
        .iter()
        .map(|event| LogEvent {
            timestamp: event.timestamp.unwrap_or_default(),
            message: event.message.clone().unwrap_or_default(),
        })
        .collect();
    if events.windows(2).any(|pair| pair[1].timestamp < pair[0].timestamp) {
        return Err(LogsError::InvalidParameter(
            "Log events in a single PutLogEvents request must be in chronological order.".into(),
        ));
    }
    let size: usize = events.iter().map(|event| event.message.len() + EVENT_OVERHEAD).sum();
    if size > BATCH_BYTES {
        return Err(LogsError::InvalidParameter(format!(
            "Upload too large: {size} bytes exceeds limit of {BATCH_BYTES}"
        )));
    }
    let (group, stream) = (group.unwrap_or_default(), stream.unwrap_or_default());
    store.write(|tx| {
        let group = store::find_group(tx, call.region, &group)?.ok_or(LogsError::GroupNotFound)?;
        let stream_id =
            store::find_stream(tx, group.id, &stream)?.ok_or(LogsError::StreamNotFound)?;
        let window = Window::new(call.now_ms, group.retention_days);
        let rejected = window.rejected(&events);
        let accepted = &events[rejected.accepted.clone()];
        if let (Some(first), Some(last)) = (accepted.first(), accepted.last())
            && last.timestamp - first.timestamp > DAY_MS
        {
            return Err(LogsError::InvalidParameter(
                "The batch of log events in a single PutLogEvents request cannot span more \
                 than 24 hours."
                    .into(),
            ));
        }
        let sequence = store::insert_events(tx, group.id, stream_id, accepted, call.now_ms)?;
        let mut output = Map::new();
        output.insert("nextSequenceToken".into(), json!(sequence_token(sequence)));
        if let Some(info) = rejected.info() {
            output.insert("rejectedLogEventsInfo".into(), info);
        }
        Ok(Value::Object(output))
    })
}

/// Which timestamps a stream accepts now: 14 days back (or the group's retention, if shorter)
/// to 2 hours ahead.
struct Window {
    too_old_before: i64,
    expired_before: Option<i64>,
    too_new_after: i64,
}

/// Where a batch (in chronological order) splits into rejected and accepted events.
struct Rejected {
    too_old_end: usize,
    expired_end: usize,
    too_new_start: Option<usize>,
    accepted: std::ops::Range<usize>,
}

impl Window {
    fn new(now_ms: i64, retention_days: Option<i64>) -> Self {
        Window {
            too_old_before: now_ms - 14 * DAY_MS,
            expired_before: retention_days.map(|days| now_ms - days * DAY_MS),
            too_new_after: now_ms + 2 * HOUR_MS,
        }
    }

    fn rejected(&self, events: &[LogEvent]) -> Rejected {
        let too_old_end = events.partition_point(|e| e.timestamp < self.too_old_before);
        let expired_end = self
            .expired_before
            .map_or(0, |before| events.partition_point(|e| e.timestamp < before));
        let too_new_start = events.partition_point(|e| e.timestamp <= self.too_new_after);
        let start = too_old_end.max(expired_end).min(too_new_start);
        Rejected {
            too_old_end,
            expired_end,
            too_new_start: (too_new_start < events.len()).then_some(too_new_start),
            accepted: start..too_new_start,
        }
    }
}

impl Rejected {
    /// `rejectedLogEventsInfo`, when anything was rejected. The end indexes are exclusive, the
    /// start index inclusive, as AWS documents them.
    fn info(&self) -> Option<Value> {
        let mut info = Map::new();
        if let Some(start) = self.too_new_start {
            info.insert("tooNewLogEventStartIndex".into(), json!(start));
        }
        if self.too_old_end > 0 {
            info.insert("tooOldLogEventEndIndex".into(), json!(self.too_old_end));
        }
        if self.expired_end > 0 {
            info.insert("expiredLogEventEndIndex".into(), json!(self.expired_end));
        }
        (!info.is_empty()).then_some(Value::Object(info))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetLogEventsInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_name: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    next_token: Option<String>,
    limit: Option<i64>,
    start_from_head: Option<bool>,
}

/// One stored event, read back.
struct StoredEvent {
    key: EventKey,
    stream_id: i64,
    ingestion_ms: i64,
    message: String,
}

fn stored_event(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        key: EventKey { id: row.get(0)?, timestamp: row.get(1)? },
        stream_id: row.get(2)?,
        ingestion_ms: row.get(3)?,
        message: row.get(4)?,
    })
}

pub fn get_log_events(
    store: &LogStore,
    call: &Call<'_>,
    request: GetLogEventsInput,
) -> Result<Value, LogsError> {
    let mut checks = Checks::new();
    checks.group_name("logGroupName", request.log_group_name.as_deref());
    checks.group_identifier("logGroupIdentifier", request.log_group_identifier.as_deref());
    let stream = checks.required("logStreamName", &request.log_stream_name).cloned();
    checks.stream_name("logStreamName", stream.as_deref());
    checks.range("startTime", request.start_time, 0, None);
    checks.range("endTime", request.end_time, 0, None);
    checks.length("nextToken", request.next_token.as_deref(), 1, usize::MAX);
    checks.range("limit", request.limit, 1, Some(BATCH_EVENTS as i64));
    checks.finish()?;
    let group = named_group(
        call.region,
        request.log_group_name.as_deref(),
        request.log_group_identifier.as_deref(),
    )?
    .ok_or(LogsError::GroupNotFound)?;
    let token = request.next_token.as_deref().map(parse_stream_token).transpose()?;
    let (direction, position) = match token {
        Some(token) => token,
        None if request.start_from_head == Some(true) => (Direction::Forward, EventKey::START),
        // From the tail: the last page, read backward from after every event.
        None => (Direction::Backward, EventKey { timestamp: i64::MAX, id: i64::MAX }),
    };
    let limit = request.limit.unwrap_or(BATCH_EVENTS as i64) as usize;
    let stream = stream.unwrap_or_default();
    store.read(|tx| {
        let group = store::find_group(tx, call.region, &group)?.ok_or(LogsError::GroupNotFound)?;
        let stream_id =
            store::find_stream(tx, group.id, &stream)?.ok_or(LogsError::StreamNotFound)?;
        let (comparison, order) = match direction {
            Direction::Forward => (">", "ASC"),
            Direction::Backward => ("<", "DESC"),
        };
        let sql = format!(
            "SELECT id, timestamp_ms, stream_id, ingestion_ms, message FROM log_events
             WHERE stream_id = ?1 AND (timestamp_ms, id) {comparison} (?2, ?3)
               AND timestamp_ms >= ?4 AND timestamp_ms < ?5 AND ingestion_ms <= ?7
             ORDER BY timestamp_ms {order}, id {order} LIMIT ?6"
        );
        let mut statement = tx.prepare(&sql)?;
        let rows = statement.query_map(
            params![
                stream_id,
                position.timestamp,
                position.id,
                request.start_time.unwrap_or(i64::MIN),
                request.end_time.unwrap_or(i64::MAX),
                limit as i64,
                call.ingested_by(&group.arn()),
            ],
            stored_event,
        )?;
        let mut page = Vec::new();
        let mut bytes = 0;
        for event in rows {
            let event = event?;
            bytes += event.message.len();
            if !page.is_empty() && bytes > RESPONSE_BYTES {
                break;
            }
            page.push(event);
        }
        if direction == Direction::Backward {
            page.reverse();
        }
        // An empty page hands back the position it was read from: the same token again.
        let (forward, backward) = match (page.first(), page.last()) {
            (Some(first), Some(last)) => (last.key, first.key),
            _ if token.is_some() => (position, position),
            _ => (EventKey::START, EventKey::START),
        };
        let events: Vec<Value> = page
            .iter()
            .map(|event| {
                json!({
                    "timestamp": event.key.timestamp,
                    "message": event.message,
                    "ingestionTime": event.ingestion_ms,
                })
            })
            .collect();
        Ok(json!({
            "events": events,
            "nextForwardToken": stream_token(Direction::Forward, forward),
            "nextBackwardToken": stream_token(Direction::Backward, backward),
        }))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterLogEventsInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_names: Option<Vec<String>>,
    log_stream_name_prefix: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    filter_pattern: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

pub fn filter_log_events(
    store: &LogStore,
    call: &Call<'_>,
    request: FilterLogEventsInput,
) -> Result<Value, LogsError> {
    let mut checks = Checks::new();
    checks.group_name("logGroupName", request.log_group_name.as_deref());
    checks.group_identifier("logGroupIdentifier", request.log_group_identifier.as_deref());
    checks.count("logStreamNames", request.log_stream_names.as_deref(), 1, 100);
    for name in request.log_stream_names.iter().flatten() {
        checks.stream_name("logStreamNames", Some(name));
    }
    checks.stream_name("logStreamNamePrefix", request.log_stream_name_prefix.as_deref());
    checks.range("startTime", request.start_time, 0, None);
    checks.range("endTime", request.end_time, 0, None);
    checks.length("filterPattern", request.filter_pattern.as_deref(), 0, 1024);
    checks.length("nextToken", request.next_token.as_deref(), 1, usize::MAX);
    checks.range("limit", request.limit, 1, Some(BATCH_EVENTS as i64));
    checks.finish()?;
    if request.log_stream_names.is_some() && request.log_stream_name_prefix.is_some() {
        return Err(LogsError::BothStreamNamesAndPrefix);
    }
    let group = named_group(
        call.region,
        request.log_group_name.as_deref(),
        request.log_group_identifier.as_deref(),
    )?
    .ok_or(LogsError::GroupNotFound)?;
    let pattern =
        FilterPattern::parse(request.filter_pattern.as_deref().unwrap_or("")).map_err(|error| {
            match error {
                FilterError::Invalid(message) => LogsError::InvalidParameter(message),
                FilterError::Unsupported(kind) => LogsError::Unsupported(kind),
            }
        })?;
    let after = request.next_token.as_deref().map(parse_filter_token).transpose()?;
    let limit = request.limit.unwrap_or(BATCH_EVENTS as i64) as usize;
    store.read(|tx| {
        let group = store::find_group(tx, call.region, &group)?.ok_or(LogsError::GroupNotFound)?;
        let streams = searched_streams(tx, group.id, &request)?;
        let mut statement = tx.prepare(
            "SELECT id, timestamp_ms, stream_id, ingestion_ms, message FROM log_events
             WHERE group_id = ?1 AND (timestamp_ms, id) > (?2, ?3)
               AND timestamp_ms >= ?4 AND timestamp_ms <= ?5 AND ingestion_ms <= ?6
             ORDER BY timestamp_ms, id",
        )?;
        let after = after.unwrap_or(EventKey::START);
        let mut rows = statement.query(params![
            group.id,
            after.timestamp,
            after.id,
            request.start_time.unwrap_or(i64::MIN),
            request.end_time.unwrap_or(i64::MAX),
            call.ingested_by(&group.arn()),
        ])?;
        let mut page: Vec<StoredEvent> = Vec::new();
        let mut bytes = 0;
        let mut more = false;
        while let Some(row) = rows.next()? {
            let event = stored_event(row)?;
            if !streams.contains_key(&event.stream_id) || !pattern.matches(&event.message) {
                continue;
            }
            bytes += event.message.len();
            if page.len() == limit || (!page.is_empty() && bytes > RESPONSE_BYTES) {
                more = true;
                break;
            }
            page.push(event);
        }
        let events: Vec<Value> = page
            .iter()
            .map(|event| {
                json!({
                    "logStreamName": streams.get(&event.stream_id),
                    "timestamp": event.key.timestamp,
                    "message": event.message,
                    "ingestionTime": event.ingestion_ms,
                    "eventId": event.key.digits(),
                })
            })
            .collect();
        let mut output = Map::new();
        output.insert("events".into(), Value::Array(events));
        if more && let Some(last) = page.last() {
            output.insert("nextToken".into(), json!(filter_token(last.key)));
        }
        Ok(Value::Object(output))
    })
}

/// The streams a FilterLogEvents request searches, by id, with their names: those named, or
/// those with the prefix, or all of the group's.
fn searched_streams(
    tx: &rusqlite::Connection,
    group_id: i64,
    request: &FilterLogEventsInput,
) -> Result<HashMap<i64, String>, LogsError> {
    let mut statement = tx.prepare("SELECT id, name FROM log_streams WHERE group_id = ?1")?;
    let rows = statement.query_map([group_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let mut streams = HashMap::new();
    for row in rows {
        let (id, name): (i64, String) = row?;
        let wanted = match (&request.log_stream_names, &request.log_stream_name_prefix) {
            (Some(names), _) => names.contains(&name),
            (None, Some(prefix)) => name.starts_with(prefix.as_str()),
            (None, None) => true,
        };
        if wanted {
            streams.insert(id, name);
        }
    }
    Ok(streams)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(timestamps: &[i64]) -> Vec<LogEvent> {
        timestamps.iter().map(|&timestamp| LogEvent { timestamp, message: "m".into() }).collect()
    }

    #[test]
    fn the_window_splits_a_batch_as_aws_reports_it() {
        let now = 100 * DAY_MS;
        let window = Window::new(now, None);
        let batch = events(&[
            now - 20 * DAY_MS,
            now - 15 * DAY_MS,
            now - 2 * DAY_MS,
            now,
            now + 3 * HOUR_MS,
        ]);
        let rejected = window.rejected(&batch);
        assert_eq!(rejected.accepted, 2..4);
        assert_eq!(
            rejected.info(),
            Some(json!({"tooNewLogEventStartIndex": 4, "tooOldLogEventEndIndex": 2}))
        );

        let with_retention = Window::new(now, Some(1));
        let rejected = with_retention.rejected(&batch);
        assert_eq!(rejected.accepted, 3..4);
        assert_eq!(rejected.expired_end, 3);

        assert!(window.rejected(&events(&[now - HOUR_MS, now])).info().is_none());
        let all_new = window.rejected(&events(&[now + 3 * HOUR_MS]));
        assert_eq!(all_new.accepted, 0..0);
    }
}
