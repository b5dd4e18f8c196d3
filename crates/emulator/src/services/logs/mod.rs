//! CloudWatch Logs (awsJson 1.1, `X-Amz-Target: Logs_20140328.<Operation>`): log groups,
//! streams and events, answering as AWS does (member names and order, error codes and words,
//! paging tokens SDK paginators follow to the end).
//!
//! ## Layout
//! - `mod.rs`: the dispatch, and authorization of role sessions (a Lambda function's role).
//! - `store`: [`LogStore`], the SQLite store (`logs.sqlite3`), and what Lambda and the control
//!   endpoints call: `append`, `delete_group`, `reset`, `delete_lab_groups`, snapshots.
//! - `groups`, `streams`, `events`, `tags`: the operations, by resource.
//! - `filter`: `FilterLogEvents`' filter patterns (terms, phrases, `?`, `-`).
//! - `checks`: reading a request (typed inputs, the API model's constraints); `tokens`: paging
//!   tokens and event ids; `errors`: [`errors::LogsError`] with AWS's codes and words;
//!   `permissions`: what IAM must allow; `operations`: every operation of the API.
//!
//! Not here: metric and subscription filters, Logs Insights queries, exports, deliveries,
//! destinations, anomaly detection, data protection, Live Tail (their operations answer
//! `NotImplemented`); JSON, space-delimited and regex filter patterns; expiring events once a
//! group's retention has passed (a retention only rejects older events at `PutLogEvents`).

mod checks;
mod errors;
mod events;
mod filter;
mod groups;
mod operations;
mod permissions;
mod store;
mod streams;
mod tags;
mod tokens;

pub use operations::Operation;
pub use store::{FILE_NAME, LogEvent, LogStore};

use super::RequestContext;
use super::operation::Operations;
use crate::error::AwsError;
use crate::protocol::Service;
use crate::state::Shared;
use checks::input;
use serde_json::Value;

/// What an operation needs of its request besides the store and its typed input: where and
/// when.
pub struct Call<'a> {
    /// From the SigV4 credential scope: log groups are regional.
    pub region: &'a str,
    /// The emulator's clock, in milliseconds since the epoch (creation and ingestion times).
    pub now_ms: crate::clock::Millis,
    /// Whether events take AWS's time to be ingested.
    pub clockwork: crate::timing::Clockwork,
}

impl Call<'_> {
    /// The latest ingestion time of the events `GetLogEvents` and `FilterLogEvents` return for
    /// the group `group_arn` now: under AWS's time, an event is searchable only a moment after
    /// `PutLogEvents` accepted it.
    pub fn ingested_by(&self, group_arn: &str) -> i64 {
        self.now_ms - self.clockwork.delay(crate::timing::Delay::LogIngestion, group_arn)
    }
}

/// Serves `Logs_20140328.<operation>`.
pub fn handle(
    shared: &Shared,
    ctx: &RequestContext,
    operation: Operation,
    body: Value,
) -> Result<Value, AwsError> {
    // A role session must be allowed every action on every resource the request touches.
    let name = operation.name();
    for (action, resource) in permissions::required_permissions(name, &body, &ctx.region) {
        super::authorize(shared, ctx, Service::Logs, &action, &resource)?;
    }
    if operation == Operation::CreateLogGroup {
        authorize_tags_on_create(shared, ctx, &body)?;
    }
    let call = Call {
        region: &ctx.region,
        now_ms: crate::clock::millis(ctx.now),
        clockwork: shared.config.clockwork,
    };
    let store = &shared.logs;
    // The body is decoded into the operation's typed input here, before the operation runs.
    let result = match operation {
        Operation::CreateLogGroup => groups::create_log_group(store, &call, input(&body)?),
        Operation::DescribeLogGroups => groups::describe_log_groups(store, &call, input(&body)?),
        Operation::DeleteLogGroup => groups::delete_log_group(store, &call, input(&body)?),
        Operation::PutRetentionPolicy => groups::put_retention_policy(store, &call, input(&body)?),
        Operation::DeleteRetentionPolicy => {
            groups::delete_retention_policy(store, &call, input(&body)?)
        }
        Operation::CreateLogStream => streams::create_log_stream(store, &call, input(&body)?),
        Operation::DescribeLogStreams => streams::describe_log_streams(store, &call, input(&body)?),
        Operation::DeleteLogStream => streams::delete_log_stream(store, &call, input(&body)?),
        Operation::PutLogEvents => events::put_log_events(store, &call, input(&body)?),
        Operation::GetLogEvents => events::get_log_events(store, &call, input(&body)?),
        Operation::FilterLogEvents => events::filter_log_events(store, &call, input(&body)?),
        Operation::TagResource => tags::tag_resource(store, &call, input(&body)?),
        Operation::UntagResource => tags::untag_resource(store, &call, input(&body)?),
        Operation::ListTagsForResource => tags::list_tags_for_resource(store, &call, input(&body)?),
        Operation::TagLogGroup => tags::tag_log_group(store, &call, input(&body)?),
        Operation::UntagLogGroup => tags::untag_log_group(store, &call, input(&body)?),
        Operation::ListTagsLogGroup => tags::list_tags_log_group(store, &call, input(&body)?),
    };
    result.map_err(AwsError::from)
}

/// Creating a group with tags also needs `logs:TagResource` on the group, and AWS refuses
/// without it in words of its own (recorded response, 2023).
fn authorize_tags_on_create(
    shared: &Shared,
    ctx: &RequestContext,
    body: &Value,
) -> Result<(), AwsError> {
    let tagged = body.get("tags").and_then(Value::as_object).is_some_and(|tags| !tags.is_empty());
    let Some(name) = body.get("logGroupName").and_then(Value::as_str) else { return Ok(()) };
    if !tagged {
        return Ok(());
    }
    let resource = store::group_arn(&ctx.region, name);
    super::authorize(shared, ctx, Service::Logs, "logs:TagResource", &resource).map_err(|denied| {
        AwsError {
            message: format!(
                "User with accountId: {} is not authorized to perform CreateLogGroup with Tags. \
                 An additional permission \"logs:TagResource\" is required.",
                ctx.caller.account()
            ),
            ..denied
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_implemented_operation_is_served_and_the_rest_are_aws_errors() {
        crate::services::assert_json_operations_declared(
            crate::protocol::Service::Logs,
            "PutLogEvent",
        );
    }
}
