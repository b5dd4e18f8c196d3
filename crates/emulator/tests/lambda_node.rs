//! Node.js handlers as Lambda's Node.js runtimes run them: ES modules and CommonJS, the AWS SDK
//! for JavaScript v3 importable offline as on AWS (where the runtime carries it), a function's
//! own copy of a package ahead of the runtime's, and a clear message when the SDK is missing.

mod common;

use aws_sdk_dynamodb::types::{AttributeDefinition, KeySchemaElement, KeyType};
use aws_sdk_dynamodb::types::{BillingMode, ScalarAttributeType};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, LogType, Runtime};
use awslab_emulator::{ACCOUNT_ID, EmulatorConfig};
use common::lambda::{self, REGION, json, tail};

/// Creates a function on `runtime` from `files`, with handler `handler`.
async fn node_function(
    client: &aws_sdk_lambda::Client,
    name: &str,
    role: &str,
    runtime: Runtime,
    handler: &str,
    files: &[(&str, &str)],
) {
    client
        .create_function()
        .function_name(name)
        .runtime(runtime)
        .role(role)
        .handler(handler)
        .code(FunctionCode::builder().zip_file(lambda::zip(files)).build())
        .send()
        .await
        .expect("the function");
}

async fn invoke(
    client: &aws_sdk_lambda::Client,
    name: &str,
    payload: &str,
) -> (serde_json::Value, String) {
    let answer = client
        .invoke()
        .function_name(name)
        .payload(Blob::new(payload))
        .log_type(LogType::Tail)
        .send()
        .await
        .expect("the invocation");
    let log = tail(answer.log_result());
    assert_eq!(answer.function_error(), None, "{:?}\n{log}", json(answer.payload()));
    (json(answer.payload()), log)
}

const PUT_ITEM: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*"}]}"#;

/// The handler of notes 004's first function, as an ES module writing with the document client.
const ESM_HANDLER: &str = r#"import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event, context) => {
  await documents.send(new PutCommand({ TableName: "visits", Item: { id: event.id, by: context.functionName } }));
  return { saved: event.id };
};
"#;

#[tokio::test(flavor = "multi_thread")]
async fn an_es_module_handler_writes_to_dynamodb_with_the_sdk_v3_and_its_roles_keys() {
    let emulator = lambda::start().await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&common::sdk_config(&emulator, REGION).await);
    dynamodb
        .create_table()
        .table_name("visits")
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("the table");
    let role = lambda::role(&emulator, "writer", Some(PUT_ITEM)).await;
    let client = lambda::client(&emulator).await;
    let files = [("index.mjs", ESM_HANDLER)];
    node_function(&client, "recordVisit", &role, Runtime::Nodejs22x, "index.handler", &files).await;

    let (payload, cold) = invoke(&client, "recordVisit", r#"{"id":"v1"}"#).await;
    assert_eq!(payload, serde_json::json!({"saved": "v1"}));
    let item = dynamodb
        .get_item()
        .table_name("visits")
        .key("id", aws_sdk_dynamodb::types::AttributeValue::S("v1".into()))
        .send()
        .await
        .expect("read back");
    let by = item.item().and_then(|item| item.get("by")).and_then(|by| by.as_s().ok());
    assert_eq!(by.map(String::as_str), Some("recordVisit"), "the handler's item is in the table");

    // A cold start loads the SDK and reports its init time; the warm one reuses both.
    assert!(cold.contains("\tInit Duration: "), "{cold}");
    let (_, warm) = invoke(&client, "recordVisit", r#"{"id":"v2"}"#).await;
    assert!(warm.contains("REPORT RequestId: ") && !warm.contains("Init Duration"), "{warm}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_commonjs_handler_requires_the_sdk_and_calls_as_its_role() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "whoami-role", None).await;
    let client = lambda::client(&emulator).await;
    let source = r#"const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
const sts = new STSClient({});
exports.handler = async () => (await sts.send(new GetCallerIdentityCommand({}))).Arn;
"#;
    node_function(
        &client,
        "whoami",
        &role,
        Runtime::Nodejs20x,
        "index.handler",
        &[("index.js", source)],
    )
    .await;
    let (payload, _) = invoke(&client, "whoami", "{}").await;
    assert_eq!(payload, format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/whoami-role/whoami"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_package_the_function_carries_wins_over_the_runtimes_sdk() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    let files = [
        (
            "index.mjs",
            "import sts from \"@aws-sdk/client-sts\";\nexport const handler = async () => sts.bundled ?? \"runtime\";\n",
        ),
        (
            "node_modules/@aws-sdk/client-sts/package.json",
            r#"{"name":"@aws-sdk/client-sts","main":"main.js"}"#,
        ),
        ("node_modules/@aws-sdk/client-sts/main.js", "exports.bundled = 'the function\\'s own';\n"),
    ];
    node_function(&client, "bundled", &role, Runtime::Nodejs22x, "index.handler", &files).await;
    let (payload, _) = invoke(&client, "bundled", "{}").await;
    assert_eq!(payload, "the function's own");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_handler_whose_sdk_is_missing_is_told_what_to_install() {
    let mut interpreters = lambda::interpreters();
    interpreters.node_modules = None;
    let emulator = lambda::start_with(EmulatorConfig { interpreters, ..Default::default() }).await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    let files = [("index.mjs", ESM_HANDLER)];
    node_function(&client, "noSdk", &role, Runtime::Nodejs22x, "index.handler", &files).await;
    let answer = client.invoke().function_name("noSdk").send().await.expect("answered");
    assert_eq!(answer.function_error(), Some("Unhandled"));
    let error = json(answer.payload());
    assert_eq!(error["errorType"], "Runtime.ImportModuleError");
    let message = error["errorMessage"].as_str().unwrap();
    assert!(
        message.starts_with("Error: Cannot find package '@aws-sdk/client-dynamodb'"),
        "{message}"
    );
    assert!(message.contains("npm install -g @aws-sdk/client-dynamodb"), "{message}");
    assert!(message.contains("AWSLAB_NODE_MODULES"), "{message}");
}
