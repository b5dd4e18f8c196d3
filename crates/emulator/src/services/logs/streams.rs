//! Log streams: CreateLogStream, DescribeLogStreams, DeleteLogStream.

use super::Call;
use super::checks::{Checks, named_group};
use super::errors::LogsError;
use super::store::{self, LogStore};
use super::tokens::{name_token, parse_name_token};
use serde::Deserialize;
use serde_json::{Map, Value, json};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamInput {
    log_group_name: Option<String>,
    log_stream_name: Option<String>,
}

/// The group and stream names of CreateLogStream and DeleteLogStream, checked.
fn names(request: StreamInput) -> Result<(String, String), LogsError> {
    let mut checks = Checks::new();
    let group = checks.required("logGroupName", &request.log_group_name).cloned();
    checks.group_name("logGroupName", group.as_deref());
    let stream = checks.required("logStreamName", &request.log_stream_name).cloned();
    checks.stream_name("logStreamName", stream.as_deref());
    checks.finish()?;
    Ok((group.unwrap_or_default(), stream.unwrap_or_default()))
}

pub fn create_log_stream(
    store: &LogStore,
    call: &Call<'_>,
    request: StreamInput,
) -> Result<Value, LogsError> {
    let (group, stream) = names(request)?;
    store.write(|tx| {
        let group = store::find_group(tx, call.region, &group)?.ok_or(LogsError::GroupNotFound)?;
        if store::insert_stream(tx, group.id, &stream, call.now_ms)? {
            Ok(json!({}))
        } else {
            Err(LogsError::StreamExists)
        }
    })
}

pub fn delete_log_stream(
    store: &LogStore,
    call: &Call<'_>,
    request: StreamInput,
) -> Result<Value, LogsError> {
    let (group, stream) = names(request)?;
    store.write(|tx| {
        let group = store::find_group(tx, call.region, &group)?.ok_or(LogsError::GroupNotFound)?;
        let deleted = tx.execute(
            "DELETE FROM log_streams WHERE group_id = ?1 AND name = ?2",
            rusqlite::params![group.id, stream],
        )?;
        if deleted == 0 { Err(LogsError::StreamNotFound) } else { Ok(json!({})) }
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeLogStreamsInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_name_prefix: Option<String>,
    order_by: Option<String>,
    descending: Option<bool>,
    next_token: Option<String>,
    limit: Option<i64>,
}

/// A stream's row, and the key it sorts by.
struct StreamRow {
    name: String,
    created_ms: i64,
    first_event_ms: Option<i64>,
    last_event_ms: Option<i64>,
    last_ingestion_ms: Option<i64>,
    upload_sequence: i64,
}

impl StreamRow {
    /// By name, or by last event time (streams without events first) and then name.
    fn sort_key(&self, by_last_event: bool) -> String {
        if by_last_event {
            let last = self.last_event_ms.map_or(0, |ms| i128::from(ms) - i128::from(i64::MIN) + 1);
            format!("{last:021}\u{0}{}", self.name)
        } else {
            self.name.clone()
        }
    }
}

pub fn describe_log_streams(
    store: &LogStore,
    call: &Call<'_>,
    request: DescribeLogStreamsInput,
) -> Result<Value, LogsError> {
    let mut checks = Checks::new();
    checks.group_name("logGroupName", request.log_group_name.as_deref());
    checks.group_identifier("logGroupIdentifier", request.log_group_identifier.as_deref());
    checks.stream_name("logStreamNamePrefix", request.log_stream_name_prefix.as_deref());
    checks.one_of("orderBy", request.order_by.as_deref(), &["LogStreamName", "LastEventTime"]);
    checks.length("nextToken", request.next_token.as_deref(), 1, usize::MAX);
    checks.range("limit", request.limit, 1, Some(50));
    checks.finish()?;
    let by_last_event = request.order_by.as_deref() == Some("LastEventTime");
    if by_last_event && request.log_stream_name_prefix.is_some() {
        return Err(LogsError::InvalidParameter(
            "Cannot order by LastEventTime with a logStreamNamePrefix.".into(),
        ));
    }
    let group = named_group(
        call.region,
        request.log_group_name.as_deref(),
        request.log_group_identifier.as_deref(),
    )?
    .ok_or(LogsError::GroupNotFound)?;
    let after = request.next_token.as_deref().map(parse_name_token).transpose()?;
    let descending = request.descending.unwrap_or(false);
    let limit = request.limit.unwrap_or(50) as usize;
    let prefix = request.log_stream_name_prefix.as_deref().unwrap_or("");
    store.read(|tx| {
        let group = store::find_group(tx, call.region, &group)?.ok_or(LogsError::GroupNotFound)?;
        let mut statement = tx.prepare(
            "SELECT name, created_ms, first_event_ms, last_event_ms, last_ingestion_ms,
                    upload_sequence
             FROM log_streams WHERE group_id = ?1",
        )?;
        let rows = statement.query_map([group.id], |row| {
            Ok(StreamRow {
                name: row.get(0)?,
                created_ms: row.get(1)?,
                first_event_ms: row.get(2)?,
                last_event_ms: row.get(3)?,
                last_ingestion_ms: row.get(4)?,
                upload_sequence: row.get(5)?,
            })
        })?;
        let mut streams: Vec<(String, StreamRow)> = Vec::new();
        for row in rows {
            let row = row?;
            if row.name.starts_with(prefix) {
                streams.push((row.sort_key(by_last_event), row));
            }
        }
        streams.sort_by(|a, b| a.0.cmp(&b.0));
        if descending {
            streams.reverse();
        }
        let remaining: Vec<&(String, StreamRow)> = streams
            .iter()
            .filter(|(key, _)| match &after {
                None => true,
                Some(after) if descending => key < after,
                Some(after) => key > after,
            })
            .collect();
        let page = &remaining[..remaining.len().min(limit)];
        let described: Vec<Value> =
            page.iter().map(|(_, stream)| describe(call, &group.name, stream)).collect();
        let mut output = Map::new();
        output.insert("logStreams".into(), Value::Array(described));
        if remaining.len() > limit
            && let Some((key, _)) = page.last()
        {
            output.insert("nextToken".into(), json!(name_token(key)));
        }
        Ok(Value::Object(output))
    })
}

/// A stream as DescribeLogStreams lists it, members in AWS's order. `storedBytes` is always 0:
/// AWS stopped reporting it for streams in 2019.
fn describe(call: &Call<'_>, group: &str, stream: &StreamRow) -> Value {
    let mut out = Map::new();
    out.insert("logStreamName".into(), json!(stream.name));
    out.insert("creationTime".into(), json!(stream.created_ms));
    if let Some(first) = stream.first_event_ms {
        out.insert("firstEventTimestamp".into(), json!(first));
    }
    if let Some(last) = stream.last_event_ms {
        out.insert("lastEventTimestamp".into(), json!(last));
    }
    if let Some(ingested) = stream.last_ingestion_ms {
        out.insert("lastIngestionTime".into(), json!(ingested));
    }
    if stream.upload_sequence > 0 {
        out.insert("uploadSequenceToken".into(), json!(sequence_token(stream.upload_sequence)));
    }
    out.insert(
        "arn".into(),
        json!(format!("{}:log-stream:{}", store::group_arn(call.region, group), stream.name)),
    );
    out.insert("storedBytes".into(), json!(0));
    Value::Object(out)
}

/// A stream's upload sequence as the 56-digit token AWS writes.
pub fn sequence_token(sequence: i64) -> String {
    format!("{sequence:056}")
}
