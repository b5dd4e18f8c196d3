//! The differential test of DynamoDB: the same requests, in the same order, sent to the engine's
//! own server (dynoxide's complete request path, which its authors check against real DynamoDB)
//! and to the emulator. Status, `__type`, message and body must be the same, once the engine's
//! region (`dynoxide`) and the times and ids that differ between two databases are normalised.
//!
//! Where the emulator answers differently on purpose, or has not caught up yet, the case is in
//! [`KNOWN_DIFFERENCES`] with the reason; a known difference that disappears fails the test too,
//! so the list stays true. `AWSLAB_SHOW_ANSWERS=1` prints the engine's answer to every case.

mod common;

use awslab_emulator::{Emulator, EmulatorConfig};
use common::{RawResponse, send, signed};
use serde_json::{Value, json};

const REGION: &str = "ap-northeast-2";

/// The cases where the emulator's answer differs from the engine's, and why.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[(
    "describe the stream",
    "DynamoDB's DescribeStream names the table's KeySchema; the engine leaves it out",
)];

/// One request of the sequence: a name for messages, the operation and its JSON body.
struct Case {
    name: &'static str,
    target: &'static str,
    body: Value,
}

fn case(name: &'static str, operation: &'static str, body: Value) -> Case {
    Case { name, target: operation, body }
}

/// Every case, in order: tables are made by the first ones and used by the rest.
fn cases() -> Vec<Case> {
    let key = json!([{"AttributeName": "customer_id", "KeyType": "HASH"}]);
    let attributes = json!([{"AttributeName": "customer_id", "AttributeType": "S"}]);
    vec![
        case(
            "create a table",
            "DynamoDB_20120810.CreateTable",
            json!({
                "TableName": "customers", "KeySchema": key, "AttributeDefinitions": attributes,
                "BillingMode": "PAY_PER_REQUEST",
            }),
        ),
        case(
            "create it again",
            "DynamoDB_20120810.CreateTable",
            json!({
                "TableName": "customers", "KeySchema": key, "AttributeDefinitions": attributes,
                "BillingMode": "PAY_PER_REQUEST",
            }),
        ),
        case(
            "a bad key type",
            "DynamoDB_20120810.CreateTable",
            json!({
                "TableName": "other", "AttributeDefinitions": attributes,
                "KeySchema": [{"AttributeName": "customer_id", "KeyType": "SIDEWAYS"}],
                "BillingMode": "PAY_PER_REQUEST",
            }),
        ),
        case(
            "put an item",
            "DynamoDB_20120810.PutItem",
            json!({
                "TableName": "customers",
                "Item": {"customer_id": {"S": "1230AWS"}, "name": {"S": "Kim"}, "age": {"N": "30"}},
            }),
        ),
        case(
            "get it",
            "DynamoDB_20120810.GetItem",
            json!({
                "TableName": "customers", "Key": {"customer_id": {"S": "1230AWS"}},
            }),
        ),
        case(
            "a failed condition with the old item",
            "DynamoDB_20120810.PutItem",
            json!({
                "TableName": "customers", "Item": {"customer_id": {"S": "1230AWS"}},
                "ConditionExpression": "attribute_not_exists(customer_id)",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }),
        ),
        case(
            "a cancelled transaction",
            "DynamoDB_20120810.TransactWriteItems",
            json!({
                "TransactItems": [
                    {"Put": {"TableName": "customers", "Item": {"customer_id": {"S": "new"}}}},
                    {"ConditionCheck": {"TableName": "customers",
                        "Key": {"customer_id": {"S": "1230AWS"}},
                        "ConditionExpression": "attribute_not_exists(customer_id)"}},
                ],
            }),
        ),
        case(
            "a transaction with empty values",
            "DynamoDB_20120810.TransactWriteItems",
            json!({
                "TransactItems": [
                    {"Put": {"TableName": "customers", "Item": {"customer_id": {"S": "tx"}}}},
                ],
                "ExpressionAttributeValues": {},
            }),
        ),
        case(
            "an empty string set",
            "DynamoDB_20120810.PutItem",
            json!({
                "TableName": "customers",
                "Item": {"customer_id": {"S": "set"}, "tags": {"SS": []}},
            }),
        ),
        case(
            "a missing table",
            "DynamoDB_20120810.GetItem",
            json!({
                "TableName": "nothing", "Key": {"customer_id": {"S": "1"}},
            }),
        ),
        case("an empty table name", "DynamoDB_20120810.Scan", json!({"TableName": ""})),
        case(
            "a limit of zero",
            "DynamoDB_20120810.Scan",
            json!({
                "TableName": "customers", "Limit": 0,
            }),
        ),
        case(
            "a segment past the total",
            "DynamoDB_20120810.Scan",
            json!({
                "TableName": "customers", "Segment": 3, "TotalSegments": 2,
            }),
        ),
        case(
            "a bad select",
            "DynamoDB_20120810.Scan",
            json!({
                "TableName": "customers", "Select": "EVERYTHING",
            }),
        ),
        case(
            "a query naming its key by a placeholder",
            "DynamoDB_20120810.Query",
            json!({
                "TableName": "customers", "KeyConditionExpression": "(#0 = :v)",
                "ExpressionAttributeNames": {"#0": "customer_id"},
                "ExpressionAttributeValues": {":v": {"S": "1230AWS"}},
            }),
        ),
        case(
            "a batch get of nothing",
            "DynamoDB_20120810.BatchGetItem",
            json!({
                "RequestItems": {},
            }),
        ),
        case(
            "a batch get with an unused name",
            "DynamoDB_20120810.BatchGetItem",
            json!({
                "RequestItems": {"nothing": {
                    "Keys": [{"customer_id": {"S": "1"}}],
                    "ExpressionAttributeNames": {"#unused": "name"},
                }},
            }),
        ),
        case("a wrong member type", "DynamoDB_20120810.GetItem", json!({"TableName": 5})),
        case("an unknown operation", "DynamoDB_20120810.MakeCoffee", json!({})),
        case(
            "create a table with a stream",
            "DynamoDB_20120810.CreateTable",
            json!({
                "TableName": "orders", "KeySchema": key, "AttributeDefinitions": attributes,
                "BillingMode": "PAY_PER_REQUEST",
                "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"},
            }),
        ),
        case("list the streams", "DynamoDBStreams_20120810.ListStreams", json!({})),
        case(
            "describe the stream",
            "DynamoDBStreams_20120810.DescribeStream",
            json!({
                "StreamArn": "arn:aws:dynamodb:ap-northeast-2:000000000000:table/orders/stream/x",
            }),
        ),
        case("an unknown streams operation", "DynamoDBStreams_20120810.MakeTea", json!({})),
        case("list the tables", "DynamoDB_20120810.ListTables", json!({})),
        case(
            "delete the table",
            "DynamoDB_20120810.DeleteTable",
            json!({"TableName": "customers"}),
        ),
    ]
}

/// What the engine writes that two databases cannot agree on: its region, times and ids.
fn normalised(text: &str) -> Value {
    let text = text.replace(":dynoxide:", &format!(":{REGION}:"));
    let mut value: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    blank_times_and_ids(&mut value);
    value
}

fn blank_times_and_ids(value: &mut Value) {
    match value {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                let varies = name.ends_with("DateTime")
                    || name.ends_with("Timestamp")
                    || name == "TableId"
                    || name == "StreamLabel"
                    || name == "LatestStreamLabel";
                if varies {
                    *member = Value::Null;
                } else if let Some(arn) = member.as_str().filter(|_| name.ends_with("StreamArn")) {
                    // A stream's label is the moment it was made.
                    let table = arn.split("/stream/").next().unwrap_or(arn);
                    *member = Value::String(format!("{table}/stream/LABEL"));
                } else {
                    blank_times_and_ids(member);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(blank_times_and_ids),
        _ => {}
    }
}

async fn ask(port: u16, target: &str, body: &Value) -> RawResponse {
    let authorization = signed("dynamodb", REGION);
    let headers = [
        ("Content-Type", "application/x-amz-json-1.0"),
        ("X-Amz-Target", target),
        ("X-Amz-Date", "20240501T000000Z"),
        ("Authorization", authorization.as_str()),
    ];
    send(port, "POST", "/", &headers, body.to_string().as_bytes()).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_emulator_answers_as_the_engine_does() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.expect("the emulator starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let engine_port = listener.local_addr().expect("its address").port();
    let database = dynoxide::Database::memory().expect("an in-memory engine");
    tokio::spawn(dynoxide::server::serve_on(listener, database));

    let mut differences = Vec::new();
    for case in cases() {
        let ours = ask(emulator.port(), case.target, &case.body).await;
        let engine = ask(engine_port, case.target, &case.body).await;
        let (our_body, engine_body) = (normalised(&ours.body), normalised(&engine.body));
        if std::env::var_os("AWSLAB_SHOW_ANSWERS").is_some() {
            eprintln!("{}: engine {} {engine_body}", case.name, engine.status);
        }
        if ours.status != engine.status || our_body != engine_body {
            differences.push(format!(
                "{}:\n  engine   {} {engine_body}\n  emulator {} {our_body}",
                case.name, engine.status, ours.status
            ));
        }
    }
    let known: Vec<&str> = KNOWN_DIFFERENCES.iter().map(|(name, _)| *name).collect();
    let unexpected: Vec<&String> = differences
        .iter()
        .filter(|text| !known.iter().any(|name| text.starts_with(&format!("{name}:"))))
        .collect();
    let gone: Vec<&&str> = known
        .iter()
        .filter(|name| !differences.iter().any(|text| text.starts_with(&format!("{name}:"))))
        .collect();
    assert!(unexpected.is_empty(), "answers that differ from the engine's:\n{unexpected:#?}");
    assert!(gone.is_empty(), "known differences that are gone (take them off the list): {gone:?}");
}
