//! DynamoDB, served by the dynoxide-rs engine (DESIGN.md §4): an embeddable, SQLite-backed
//! DynamoDB with the full expression grammar, checked against real DynamoDB by a conformance
//! suite. Nothing of DynamoDB's behaviour is written here; this module adds what the engine
//! lacks for the emulator:
//!
//! - `regions`: one engine per region, in memory or in `<data_dir>/dynamodb/<region>.sqlite3`;
//! - `engine`: each operation routed through dynoxide's library API (no second server), and
//!   the learner's item operations from bytes to bytes ([`handle_encoded`]);
//! - `errors`: the engine's and the decoder's errors as [`AwsError`]s with DynamoDB's codes;
//! - `arns`: ARNs that name the request's region, in responses and for IAM;
//! - `permissions`: the `(action, resource)` pairs IAM must allow for a request;
//! - `settling`: AWS's time for tables, `CREATING` after CreateTable and `DELETING` after
//!   DeleteTable, under `Timing::Aws` (the engine makes every change at once).
//!
//! - DynamoDB Streams, a service of its own (`DynamoDBStreams_20120810.*`, signed as
//!   `dynamodb`): [`handle_streams`] serves it from the same engines, adding the key schema
//!   `DescribeStream` names on AWS and the engine leaves out.
//!
//! Not here: IAM evaluation (the caller's policies, in `policy/`).

mod arns;
mod engine;
mod errors;
mod lifecycle;
mod operations;
mod permissions;
mod regions;
mod settling;

pub use errors::wire_type;
pub use operations::{Operation, StreamsOperation};
#[allow(unused_imports)] // used by the authorization seam, wired with policy evaluation
pub(crate) use permissions::required_permissions;
pub(crate) use regions::{FOLDER, RegionalDatabases};

use super::RequestContext;
use super::operation::Operations;
use crate::error::AwsError;
use crate::protocol::Service;
use crate::state::Shared;
use serde_json::Value;

/// The operations of DynamoDB's API (2012-08-10), and which the emulator serves.
/// Serves `DynamoDB_20120810.<operation>` in the request's region.
pub fn handle(
    shared: &Shared,
    ctx: &RequestContext,
    operation: &str,
    input: Value,
) -> Result<Value, AwsError> {
    match Operation::find(operation) {
        Some(served) => serve(shared, ctx, served.name(), input),
        None if Operation::is_real(operation) => {
            Err(super::not_implemented(Service::DynamoDb, operation))
        }
        None => Err(unknown_operation("DynamoDB_20120810", operation)),
    }
}

/// Serves `DynamoDB_20120810.<operation>` from the request's bytes to the answer's, for the
/// learner's item operations (`engine::ENCODED_OPERATIONS`): the same engine call as [`handle`],
/// without the JSON tree in between. `None` when this path does not apply (a role session or a
/// user, whose permissions are worked out from the decoded request; another operation; a body
/// that does not decode): [`handle`] then serves the request.
pub fn handle_encoded(
    shared: &Shared,
    ctx: &RequestContext,
    operation: &str,
    body: &[u8],
) -> Option<Result<Vec<u8>, AwsError>> {
    if !ctx.caller.is_root() || !engine::ENCODED_OPERATIONS.contains(&operation) {
        return None;
    }
    // A table named by its ARN is renamed on the decoded path.
    const ARN: &[u8] = b"arn:aws:dynamodb:";
    if body.windows(ARN.len()).any(|window| window == ARN) {
        return None;
    }
    // While a table of the region is being created or deleted, item operations must be checked
    // against it, which needs the table names the decoded request gives.
    if shared.config.clockwork.timing.is_aws()
        && shared.dynamodb.settling().any_in(&ctx.region, crate::clock::millis(ctx.now))
    {
        return None;
    }
    match shared.dynamodb.region(&ctx.region) {
        Ok(database) => engine::call_encoded(&database, operation, body),
        Err(error) => Some(Err(error)),
    }
}

/// Serves `DynamoDBStreams_20120810.<operation>` (same signing name, `dynamodb`, and the same
/// per-region engines as the tables whose streams it reads).
pub fn handle_streams(
    shared: &Shared,
    ctx: &RequestContext,
    operation: &str,
    input: Value,
) -> Result<Value, AwsError> {
    match StreamsOperation::find(operation) {
        Some(StreamsOperation::DescribeStream) => {
            let mut output = serve(shared, ctx, operation, input)?;
            add_key_schema(shared, ctx, &mut output)?;
            Ok(output)
        }
        Some(served) => serve(shared, ctx, served.name(), input),
        None => Err(unknown_operation("DynamoDBStreams_20120810", operation)),
    }
}

/// DynamoDB's `DescribeStream` names the table's key schema, which the engine leaves out: it
/// is read from the table (the caller needs no `DescribeTable` permission for it, as on AWS).
fn add_key_schema(
    shared: &Shared,
    ctx: &RequestContext,
    output: &mut Value,
) -> Result<(), AwsError> {
    let Some(description) = output.get_mut("StreamDescription").and_then(Value::as_object_mut)
    else {
        return Ok(());
    };
    let Some(table) = description.get("TableName").and_then(Value::as_str) else { return Ok(()) };
    if description.contains_key("KeySchema") {
        return Ok(());
    }
    let database = shared.dynamodb.region(&ctx.region)?;
    let table =
        call(&database, &ctx.region, "DescribeTable", serde_json::json!({ "TableName": table }))?;
    if let Some(schema) = table.pointer("/Table/KeySchema") {
        description.insert("KeySchema".to_string(), schema.clone());
    }
    Ok(())
}

/// Operations whose answers hold items and capacity, never an ARN: their output needs no
/// rewriting (which would walk every attribute of every item).
const ITEM_OPERATIONS: &[&str] = &[
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "BatchWriteItem",
    "TransactGetItems",
    "TransactWriteItems",
    "ExecuteStatement",
    "BatchExecuteStatement",
    "ExecuteTransaction",
];

fn serve(
    shared: &Shared,
    ctx: &RequestContext,
    operation: &str,
    mut input: Value,
) -> Result<Value, AwsError> {
    // A role session or a user must be allowed every action on every resource the request
    // touches, before the engine is reached (and before the region's database is opened). The
    // learner may do anything, so their requests skip working out what they touch.
    if !ctx.caller.is_root() {
        for (action, resource) in permissions::required_permissions(operation, &input, &ctx.region)
        {
            super::authorize(shared, ctx, Service::DynamoDb, &action, &resource)?;
        }
        if operation == "GetRecords" {
            authorize_get_records(shared, ctx, &input)?;
        }
    }
    arns::names_for_table_arns(&mut input, &ctx.region);
    let database = shared.dynamodb.region(&ctx.region)?;
    let clockwork = &shared.config.clockwork;
    if clockwork.timing.is_aws() {
        let now = crate::clock::millis(ctx.now);
        let settling = shared.dynamodb.settling();
        return settling.serve(clockwork, &database, &ctx.region, now, operation, input);
    }
    call(&database, &ctx.region, operation, input)
}

/// `GetRecords` names its stream only inside the shard iterator: IAM checks
/// `dynamodb:GetRecords` on the stream of the table the iterator reads. An iterator that names
/// no table with a stream is left for the engine to refuse.
fn authorize_get_records(
    shared: &Shared,
    ctx: &RequestContext,
    input: &Value,
) -> Result<(), AwsError> {
    use dynoxide::actions::get_shard_iterator::decode_shard_iterator;
    let iterator = input.get("ShardIterator").and_then(Value::as_str);
    let Some((table, _, _)) = iterator.and_then(decode_shard_iterator) else { return Ok(()) };
    let database = shared.dynamodb.region(&ctx.region)?;
    let described =
        call(&database, &ctx.region, "DescribeTable", serde_json::json!({ "TableName": table }));
    let stream = described.ok().and_then(|described| {
        described.pointer("/Table/LatestStreamArn").and_then(Value::as_str).map(str::to_string)
    });
    match stream {
        Some(stream) => {
            super::authorize(shared, ctx, Service::DynamoDb, "dynamodb:GetRecords", &stream)
        }
        None => Ok(()),
    }
}

/// Serves `operation` on `database`, the engine of `region`, with the ARNs of its answer
/// naming the region.
fn call(
    database: &dynoxide::Database,
    region: &str,
    operation: &str,
    input: Value,
) -> Result<Value, AwsError> {
    let mut output = engine::call(database, operation, input)
        .unwrap_or_else(|| Err(super::not_implemented(Service::DynamoDb, operation)))?;
    if !ITEM_OPERATIONS.contains(&operation) {
        arns::localise(&mut output, region);
    }
    Ok(output)
}

/// What DynamoDB answers for a name its API does not have: a body with the `__type` alone, no
/// message (the message here is for the emulator's own records).
fn unknown_operation(prefix: &str, operation: &str) -> AwsError {
    let code = "UnknownOperationException";
    let body = serde_json::json!({ "__type": wire_type(code) }).to_string();
    let message = format!("DynamoDB has no operation {prefix}.{operation}");
    AwsError { json_body: Some(body), ..AwsError::sender(code, 400, message) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ACCOUNT_ID, EmulatorConfig};
    use serde_json::json;

    fn context(region: &str) -> RequestContext {
        RequestContext::learner(region, time::OffsetDateTime::now_utc())
    }

    #[test]
    fn the_served_operations_are_exactly_the_engines() {
        let served: Vec<&str> = Operation::SERVED.iter().map(|op| op.name()).collect();
        assert_eq!(served, engine::OPERATIONS);
        let streams: Vec<&str> = StreamsOperation::SERVED.iter().map(|op| op.name()).collect();
        assert_eq!(streams, engine::STREAMS_OPERATIONS);
    }

    #[test]
    fn unserved_and_unknown_operations_are_aws_errors() {
        let shared = Shared::new(EmulatorConfig::default()).unwrap();
        let ctx = context("us-east-1");
        let error = handle(&shared, &ctx, "CreateBackup", json!({})).unwrap_err();
        assert_eq!((error.code.as_str(), error.status), ("NotImplemented", 501));
        let error = handle(&shared, &ctx, "ListStreams", json!({})).unwrap_err();
        assert_eq!((error.code.as_str(), error.status), ("UnknownOperationException", 400));
        let error = handle_streams(&shared, &ctx, "PutItem", json!({})).unwrap_err();
        assert_eq!(error.code, "UnknownOperationException");
    }

    #[test]
    fn streams_are_read_in_the_region_of_their_table() {
        let shared = Shared::new(EmulatorConfig::default()).unwrap();
        let ctx = context("ap-northeast-2");
        let created = handle(
            &shared,
            &ctx,
            "CreateTable",
            json!({
                "TableName": "customers",
                "KeySchema": [{"AttributeName": "customer_id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "customer_id", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
                "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"},
            }),
        )
        .unwrap();
        let stream = created["TableDescription"]["LatestStreamArn"].as_str().unwrap().to_string();
        let prefix =
            format!("arn:aws:dynamodb:ap-northeast-2:{ACCOUNT_ID}:table/customers/stream/");
        assert!(stream.starts_with(&prefix), "{stream}");
        let listed = handle_streams(&shared, &ctx, "ListStreams", json!({})).unwrap();
        assert_eq!(listed["Streams"][0]["StreamArn"], stream.as_str());
        let elsewhere = handle_streams(&shared, &context("us-east-1"), "ListStreams", json!({}));
        assert_eq!(elsewhere.unwrap()["Streams"], json!([]));
    }
}
