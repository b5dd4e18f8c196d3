//! Each operation dynoxide serves, through its library API: decode the JSON input into
//! dynoxide's request type (which is DynamoDB's wire JSON), call the `Database` method, encode
//! its response.
//!
//! Why not dynoxide's `http-server` feature: it would be a second HTTP server, and it has no
//! public dispatch function to call instead (its `dispatch` is private to the crate). What its
//! HTTP seam adds around the same calls is done here: the request-validation envelope and the
//! classification of decoding errors (see `errors`). Not reproduced: its pre-checks of JSON
//! types in members it reads as free-form JSON, and its choice of the older "value layer" for
//! BatchWriteItem, the transactions and PartiQL, which only changes the wording of a few
//! refusals of malformed numbers and duplicate set members in those operations.

use super::errors;
use crate::error::AwsError;
use dynoxide::Database;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The DynamoDB operations `call` serves, as `DynamoDB_20120810.<name>`; the tests hold them
/// to `call` and to the `implemented` flags of `super::OPERATIONS`.
#[cfg(test)]
pub const OPERATIONS: &[&str] = &[
    "BatchExecuteStatement",
    "BatchGetItem",
    "BatchWriteItem",
    "CreateTable",
    "DeleteItem",
    "DeleteTable",
    "DescribeTable",
    "DescribeTimeToLive",
    "ExecuteStatement",
    "ExecuteTransaction",
    "GetItem",
    "ListTables",
    "ListTagsOfResource",
    "PutItem",
    "Query",
    "Scan",
    "SearchVectors",
    "TagResource",
    "TransactGetItems",
    "TransactWriteItems",
    "UntagResource",
    "UpdateItem",
    "UpdateTable",
    "UpdateTimeToLive",
];

/// The DynamoDB Streams operations `call` serves, as `DynamoDBStreams_20120810.<name>`.
#[cfg(test)]
pub const STREAMS_OPERATIONS: &[&str] =
    &["DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"];

/// Serves `operation` on `database`. `None` when dynoxide does not serve it.
pub fn call(database: &Database, operation: &str, input: Value) -> Option<Result<Value, AwsError>> {
    let db = database;
    let output = match operation {
        "BatchExecuteStatement" => run(operation, input, |r| db.batch_execute_statement(r)),
        "BatchGetItem" => run(operation, input, |r| db.batch_get_item(r)),
        "BatchWriteItem" => run(operation, input, |r| db.batch_write_item(r)),
        "CreateTable" => run(operation, input, |r| db.create_table(r)),
        "DeleteItem" => run(operation, input, |r| db.delete_item(r)),
        "DeleteTable" => run(operation, input, |r| db.delete_table(r)),
        "DescribeStream" => run(operation, input, |r| db.describe_stream(r)),
        "DescribeTable" => run(operation, input, |r| db.describe_table(r)),
        "DescribeTimeToLive" => run(operation, input, |r| db.describe_time_to_live(r)),
        "ExecuteStatement" => run(operation, input, |r| db.execute_statement(r)),
        "ExecuteTransaction" => run(operation, input, |r| db.execute_transaction(r)),
        "GetItem" => run(operation, input, |r| db.get_item(r)),
        "GetRecords" => run(operation, input, |r| db.get_records(r)),
        "GetShardIterator" => run(operation, input, |r| db.get_shard_iterator(r)),
        "ListStreams" => run(operation, input, |r| db.list_streams(r)),
        "ListTables" => run(operation, input, |r| db.list_tables(r)),
        "ListTagsOfResource" => run(operation, input, |r| db.list_tags_of_resource(r)),
        "PutItem" => run(operation, input, |r| db.put_item(r)),
        "Query" => run(operation, input, |r| db.query(r)),
        "Scan" => run(operation, input, |r| db.scan(r)),
        "SearchVectors" => run(operation, input, |r| db.search_vectors(r)),
        "TagResource" => run(operation, input, |r| db.tag_resource(r)),
        "TransactGetItems" => run(operation, input, |r| db.transact_get_items(r)),
        "TransactWriteItems" => run(operation, input, |r| db.transact_write_items(r)),
        "UntagResource" => run(operation, input, |r| db.untag_resource(r)),
        "UpdateItem" => run(operation, input, |r| db.update_item(r)),
        "UpdateTable" => run(operation, input, |r| db.update_table(r)),
        "UpdateTimeToLive" => run(operation, input, |r| db.update_time_to_live(r)),
        _ => return None,
    };
    Some(output)
}

fn run<Request, Response>(
    operation: &str,
    input: Value,
    call: impl FnOnce(Request) -> dynoxide::Result<Response>,
) -> Result<Value, AwsError>
where
    Request: DeserializeOwned,
    Response: Serialize,
{
    let request =
        serde_json::from_value(input).map_err(|error| errors::from_decoding(operation, &error))?;
    let response = call(request).map_err(|error| errors::from_engine(operation, error))?;
    serde_json::to_value(response).map_err(|error| {
        AwsError::receiver(
            "InternalServerError",
            500,
            format!("could not encode the {operation} response: {error}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_operation_is_served_and_nothing_else() {
        let database = Database::memory().unwrap();
        for operation in OPERATIONS.iter().chain(STREAMS_OPERATIONS) {
            // `[]` is no valid request (or an empty one): whatever the engine answers, it answers.
            let answer = call(&database, operation, Value::Array(vec![]));
            assert!(answer.is_some(), "{operation}");
        }
        assert!(call(&database, "DescribeLimits", serde_json::json!({})).is_none());
        assert!(call(&database, "putItem", serde_json::json!({})).is_none());
    }
}
