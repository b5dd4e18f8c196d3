//! Each operation dynoxide serves, through its library API: decode the JSON input into
//! dynoxide's request type (which is DynamoDB's wire JSON), call the `Database` method, encode
//! its response. `call` goes through a [`Value`] (what the IAM check and the ARN rewriting read);
//! `call_encoded` serves the learner's item operations from the body's bytes to the answer's.
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
/// to `call` and to the served operations of `super::Operation`.
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

/// Every table of `database`, in name order (ListTables, page after page).
pub fn table_names(database: &Database) -> Result<Vec<String>, AwsError> {
    let mut names = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let mut input = serde_json::json!({});
        if let Some(start) = &start {
            input["ExclusiveStartTableName"] = serde_json::json!(start);
        }
        let page = run("ListTables", input, |r| database.list_tables(r))?;
        names.extend(
            (page["TableNames"].as_array().into_iter().flatten())
                .filter_map(Value::as_str)
                .map(str::to_string),
        );
        match page["LastEvaluatedTableName"].as_str() {
            Some(last) => start = Some(last.to_string()),
            None => return Ok(names),
        }
    }
}

/// The operations `call_encoded` serves straight from and to bytes: the item operations a
/// learner's code and the labs' checks make most, whose answers need no ARN rewriting.
pub const ENCODED_OPERATIONS: &[&str] =
    &["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan"];

/// Serves one of [`ENCODED_OPERATIONS`] from the request's bytes to the answer's bytes, without
/// the [`Value`] tree `call` goes through (building it, converting it, and encoding the answer
/// through another is most of the emulator's own time on a PutItem). `None` when `operation` is
/// not one of them, or when `body` does not decode as its request: the caller then takes the
/// [`Value`] path, whose refusals are the ones DynamoDB's clients expect (a request that decodes
/// here decodes there the same way, as both are serde over the same JSON).
pub fn call_encoded(
    database: &Database,
    operation: &str,
    body: &[u8],
) -> Option<Result<Vec<u8>, AwsError>> {
    let db = database;
    match operation {
        "GetItem" => run_encoded(operation, body, |r| db.get_item(r)),
        "PutItem" => run_encoded(operation, body, |r| db.put_item(r)),
        "UpdateItem" => run_encoded(operation, body, |r| db.update_item(r)),
        "DeleteItem" => run_encoded(operation, body, |r| db.delete_item(r)),
        "Query" => run_encoded(operation, body, |r| db.query(r)),
        "Scan" => run_encoded(operation, body, |r| db.scan(r)),
        _ => None,
    }
}

fn run_encoded<Request, Response>(
    operation: &str,
    body: &[u8],
    call: impl FnOnce(Request) -> dynoxide::Result<Response>,
) -> Option<Result<Vec<u8>, AwsError>>
where
    Request: DeserializeOwned,
    Response: Serialize,
{
    let request = serde_json::from_slice(body).ok()?;
    Some(
        call(request).map_err(|error| errors::from_engine(operation, error)).and_then(|response| {
            serde_json::to_vec(&response).map_err(|e| unencodable(operation, e))
        }),
    )
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
    serde_json::to_value(response).map_err(|error| unencodable(operation, error))
}

fn unencodable(operation: &str, error: serde_json::Error) -> AwsError {
    AwsError::receiver(
        "InternalServerError",
        500,
        format!("could not encode the {operation} response: {error}"),
    )
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

#[cfg(test)]
mod encoded_tests {
    use super::*;
    use serde_json::json;

    /// Two engines holding the same `customers` table with the same two customers.
    fn twin_databases() -> (Database, Database) {
        let twins = (Database::memory().unwrap(), Database::memory().unwrap());
        for database in [&twins.0, &twins.1] {
            let table = json!({
                "TableName": "customers",
                "KeySchema": [{"AttributeName": "customer_id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "customer_id", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
            });
            call(database, "CreateTable", table).unwrap().unwrap();
            for (id, name) in [("1230AWS", "KilDong"), ("2024AWS", "Younghee")] {
                let item = json!({"TableName": "customers", "Item": {
                    "customer_id": {"S": id}, "customer_name": {"S": name},
                    "price": {"N": "990000"}, "tags": {"SS": ["b", "a"]},
                }});
                call(database, "PutItem", item).unwrap().unwrap();
            }
        }
        twins
    }

    /// An answer as JSON, or the refusal's code and message.
    type Answer = Result<Value, (String, String)>;

    /// What each path answers to one request, as JSON, with the engine's refusals as
    /// `(code, message)`. The encoded path's `None` (not decoded) is kept as is.
    fn both(operation: &str, request: &Value) -> (Option<Answer>, Answer) {
        let (encoded_db, value_db) = twin_databases();
        let refusal = |e: AwsError| (e.code, e.message);
        let bytes = serde_json::to_vec(request).unwrap();
        let encoded = call_encoded(&encoded_db, operation, &bytes).map(|answer| {
            answer.map(|bytes| serde_json::from_slice(&bytes).unwrap()).map_err(refusal)
        });
        let by_value = call(&value_db, operation, request.clone()).unwrap().map_err(refusal);
        (encoded, by_value)
    }

    #[test]
    fn the_encoded_path_answers_as_the_value_path_does() {
        let requests = [
            (
                "GetItem",
                json!({"TableName": "customers", "Key": {"customer_id": {"S": "1230AWS"}}}),
            ),
            ("GetItem", json!({"TableName": "customers", "Key": {"customer_id": {"S": "none"}}})),
            (
                "GetItem",
                json!({"TableName": "customers", "Key": {"customer_id": {"S": "1230AWS"}},
                "ProjectionExpression": "#n", "ExpressionAttributeNames": {"#n": "customer_name"},
                "ReturnConsumedCapacity": "TOTAL"}),
            ),
            ("GetItem", json!({"TableName": "missing", "Key": {"customer_id": {"S": "x"}}})),
            (
                "PutItem",
                json!({"TableName": "customers", "ReturnValues": "ALL_OLD",
                "Item": {"customer_id": {"S": "1230AWS"}, "customer_name": {"S": "홍길동"}}}),
            ),
            (
                "PutItem",
                json!({"TableName": "customers", "Item": {"customer_id": {"S": "9"}},
                "ConditionExpression": "attribute_exists(customer_id)"}),
            ),
            (
                "UpdateItem",
                json!({"TableName": "customers", "Key": {"customer_id": {"S": "2024AWS"}},
                "UpdateExpression": "SET price = price + :d", "ExpressionAttributeValues": {":d": {"N": "10"}},
                "ReturnValues": "UPDATED_NEW"}),
            ),
            (
                "DeleteItem",
                json!({"TableName": "customers", "Key": {"customer_id": {"S": "2024AWS"}},
                "ReturnValues": "ALL_OLD"}),
            ),
            (
                "Query",
                json!({"TableName": "customers", "KeyConditionExpression": "customer_id = :id",
                "ExpressionAttributeValues": {":id": {"S": "1230AWS"}}}),
            ),
            ("Scan", json!({"TableName": "customers", "Limit": 1})),
            (
                "Scan",
                json!({"TableName": "customers", "FilterExpression": "price > :p",
                "ExpressionAttributeValues": {":p": {"N": "1"}}, "Select": "COUNT"}),
            ),
        ];
        for (operation, request) in &requests {
            let (encoded, by_value) = both(operation, request);
            let encoded =
                encoded.unwrap_or_else(|| panic!("{operation} {request} was not decoded"));
            assert_eq!(encoded, by_value, "{operation} {request}");
        }
    }

    #[test]
    fn a_request_that_does_not_decode_is_left_to_the_value_path() {
        let malformed = [
            ("GetItem", json!({"TableName": "customers", "Key": {"customer_id": {}}})),
            ("PutItem", json!({"TableName": "customers"})),
            ("PutItem", json!({"TableName": 7, "Item": {"customer_id": {"S": "1"}}})),
            ("Query", json!({"TableName": "customers", "Limit": "ten"})),
        ];
        for (operation, request) in &malformed {
            let (encoded, by_value) = both(operation, request);
            assert!(encoded.is_none(), "{operation} {request}: {encoded:?}");
            let (code, _) = by_value.expect_err("the value path refuses it");
            assert!(code == "ValidationException" || code == "SerializationException", "{code}");
        }
        let database = Database::memory().unwrap();
        assert!(call_encoded(&database, "GetItem", b"{not json").is_none());
        assert!(call_encoded(&database, "GetItem", b"").is_none());
        assert!(call_encoded(&database, "CreateTable", b"{}").is_none(), "not an item operation");
    }
}
