//! Lambda's `Invoke` with real interpreters: the `serverless-api` handler end to end (its boto3
//! call goes back into the emulator with the role's keys), a Node.js handler, handlers that
//! throw, hang or fail to load, versions and aliases, cold and warm starts.

mod common;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{AliasRoutingConfiguration, InvocationType, LogType};
use awslab_emulator::ACCOUNT_ID;
use common::lambda::{self, REGION, json, python_function, tail};
use serde_json::json;

const PUT_ITEM_ON_CUSTOMERS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"arn:aws:dynamodb:*:*:table/customers"}]}"#;
const ONLY_GET_ITEM: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}]}"#;

/// The `serverless-api` lab's handler, as the solution completes it.
const ADD_CUSTOMER: &str = r#"import boto3

table = boto3.resource("dynamodb").Table("customers")


def lambda_handler(event, context):
    table.put_item(Item=event)
    return {"code": 200, "message": "Data Successfully Inserted!"}
"#;

fn handout_body() -> Blob {
    Blob::new(
        json!({
            "customer_id": "1230AWS",
            "customer_name": "KilDong",
            "product_name": "labtop",
            "price": 990000
        })
        .to_string(),
    )
}

async fn customers_table(emulator: &awslab_emulator::Emulator) -> aws_sdk_dynamodb::Client {
    let dynamodb = aws_sdk_dynamodb::Client::new(&common::sdk_config(emulator, REGION).await);
    common::create_table(&dynamodb, "customers", "customer_id").send().await.expect("the table");
    dynamodb
}

#[tokio::test(flavor = "multi_thread")]
async fn the_serverless_api_handler_puts_the_handout_item_into_customers() {
    let emulator = lambda::start().await;
    let dynamodb = customers_table(&emulator).await;
    let role = lambda::role(&emulator, "aws-lab-dynamodb-role", Some(PUT_ITEM_ON_CUSTOMERS)).await;
    let client = lambda::client(&emulator).await;
    python_function(&client, "addCustomer", &role, ADD_CUSTOMER).await;

    let answer = client
        .invoke()
        .function_name("addCustomer")
        .payload(handout_body())
        .send()
        .await
        .expect("the invocation");
    assert_eq!(answer.status_code(), 200);
    assert_eq!(answer.function_error(), None, "{:?}", json(answer.payload()));
    assert_eq!(
        json(answer.payload()),
        json!({"code": 200, "message": "Data Successfully Inserted!"})
    );
    assert_eq!(answer.executed_version(), Some("$LATEST"));

    let item = dynamodb
        .get_item()
        .table_name("customers")
        .key("customer_id", aws_sdk_dynamodb::types::AttributeValue::S("1230AWS".into()))
        .send()
        .await
        .expect("the item")
        .item
        .expect("the handler put the item");
    assert_eq!(item["customer_name"].as_s().unwrap(), "KilDong");
    assert_eq!(item["price"].as_n().unwrap(), "990000");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_put_item_the_handler_fails_with_the_access_denied_text() {
    let emulator = lambda::start().await;
    customers_table(&emulator).await;
    let role = lambda::role(&emulator, "aws-lab-dynamodb-role", Some(ONLY_GET_ITEM)).await;
    let client = lambda::client(&emulator).await;
    python_function(&client, "addCustomer", &role, ADD_CUSTOMER).await;

    let answer = client
        .invoke()
        .function_name("addCustomer")
        .payload(handout_body())
        .send()
        .await
        .expect("an invocation whose handler fails is still answered");
    assert_eq!(answer.status_code(), 200);
    assert_eq!(answer.function_error(), Some("Unhandled"));
    let error = json(answer.payload());
    assert_eq!(error["errorType"], "ClientError");
    assert_eq!(
        error["errorMessage"],
        format!(
            "An error occurred (AccessDeniedException) when calling the PutItem operation: User: \
             arn:aws:sts::{ACCOUNT_ID}:assumed-role/aws-lab-dynamodb-role/addCustomer is not \
             authorized to perform: dynamodb:PutItem on resource: \
             arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/customers because no identity-based \
             policy allows the dynamodb:PutItem action"
        )
    );
    let trace = error["stackTrace"].as_array().expect("a stack trace");
    assert!(
        trace.iter().any(|frame| frame.as_str().unwrap().contains("/var/task/lambda_function.py")),
        "{trace:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_handler_answers_hello_from_lambda() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "node-role", None).await;
    let client = lambda::client(&emulator).await;
    let source = "exports.handler = async (event, context) => {\n  const response = {\n    statusCode: 200,\n    body: JSON.stringify('Hello from Lambda!'),\n  };\n  console.log('event', event, context.functionName);\n  return response;\n};\n";
    client
        .create_function()
        .function_name("hello")
        .runtime(aws_sdk_lambda::types::Runtime::Nodejs20x)
        .role(role)
        .handler("index.handler")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(lambda::zip(&[("index.js", source)]))
                .build(),
        )
        .send()
        .await
        .expect("the function");
    let answer = client
        .invoke()
        .function_name("hello")
        .payload(Blob::new(r#"{"key1":"value1"}"#))
        .log_type(LogType::Tail)
        .send()
        .await
        .expect("the invocation");
    assert_eq!(answer.function_error(), None, "{:?}", json(answer.payload()));
    assert_eq!(
        json(answer.payload()),
        json!({"statusCode": 200, "body": "\"Hello from Lambda!\""})
    );
    let log = tail(answer.log_result());
    assert!(log.contains("\tINFO\tevent { key1: 'value1' } hello"), "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_handler_that_throws_is_an_unhandled_function_error_in_the_response_and_the_log() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    let source = "def lambda_handler(event, context):\n    print('about to fail')\n    raise ValueError('customer_id is missing')\n";
    python_function(&client, "fails", &role, source).await;
    let answer = client
        .invoke()
        .function_name("fails")
        .log_type(LogType::Tail)
        .send()
        .await
        .expect("the invocation");
    assert_eq!(answer.function_error(), Some("Unhandled"));
    let error = json(answer.payload());
    assert_eq!(error["errorType"], "ValueError");
    assert_eq!(error["errorMessage"], "customer_id is missing");
    assert!(error["requestId"].as_str().is_some_and(|id| id.len() == 36), "{error}");
    let frames = error["stackTrace"].as_array().unwrap();
    assert_eq!(
        frames.last().unwrap(),
        "  File \"/var/task/lambda_function.py\", line 3, in lambda_handler\n    raise ValueError('customer_id is missing')\n"
    );
    let log = tail(answer.log_result());
    assert!(
        log.contains("about to fail\n[ERROR] ValueError: customer_id is missing\nTraceback"),
        "{log}"
    );
    assert!(log.contains("\nEND RequestId: "), "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_handler_past_its_timeout_is_stopped_and_reported_as_aws_does() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    let source = "import time\n\ndef lambda_handler(event, context):\n    print('sleeping')\n    time.sleep(30)\n";
    python_function(&client, "sleepy", &role, source).await;
    client
        .update_function_configuration()
        .function_name("sleepy")
        .timeout(1)
        .send()
        .await
        .expect("a one-second timeout");
    let started = std::time::Instant::now();
    let answer = client
        .invoke()
        .function_name("sleepy")
        .log_type(LogType::Tail)
        .send()
        .await
        .expect("the invocation");
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!(answer.function_error(), Some("Unhandled"));
    let error = json(answer.payload());
    assert_eq!(error["errorType"], "Sandbox.Timedout");
    let message = error["errorMessage"].as_str().unwrap();
    assert!(message.ends_with(" Error: Task timed out after 1.00 seconds"), "{message}");
    let log = tail(answer.log_result());
    assert!(log.contains("sleeping\n"), "{log}");
    assert!(log.contains(" Task timed out after 1.00 seconds\nEND RequestId: "), "{log}");
    assert!(log.contains("\tStatus: timeout"), "{log}");

    // The next invocation starts a fresh worker and times out again rather than hanging.
    let again = client.invoke().function_name("sleepy").send().await.expect("again");
    assert_eq!(json(again.payload())["errorType"], "Sandbox.Timedout");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cold_start_reports_init_duration_and_a_warm_one_does_not() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    let source = "print('loading')\nCOUNT = 0\n\ndef lambda_handler(event, context):\n    global COUNT\n    COUNT += 1\n    return {'count': COUNT, 'remaining': context.get_remaining_time_in_millis(), 'name': context.function_name, 'memory': context.memory_limit_in_mb, 'group': context.log_group_name}\n";
    python_function(&client, "counter", &role, source).await;
    let invoke = || client.invoke().function_name("counter").log_type(LogType::Tail).send();
    let cold = invoke().await.expect("the first invocation");
    let log = tail(cold.log_result());
    assert!(log.starts_with("INIT_START Runtime Version: python:3.12"), "{log}");
    assert!(log.contains("loading\nSTART RequestId: "), "{log}");
    assert!(log.contains("\tInit Duration: "), "{log}");
    let report = log.lines().find(|line| line.starts_with("REPORT RequestId: ")).expect("REPORT");
    for field in
        ["\tDuration: ", " ms\tBilled Duration: ", "\tMemory Size: 128 MB\tMax Memory Used: "]
    {
        assert!(report.contains(field), "{report}");
    }
    let first = json(cold.payload());
    assert_eq!(first["count"], 1);
    assert_eq!(first["name"], "counter");
    assert_eq!(first["memory"], "128");
    assert_eq!(first["group"], "/aws/lambda/counter");
    let remaining = first["remaining"].as_i64().unwrap();
    assert!((1..=3000).contains(&remaining), "{remaining}");

    let warm = invoke().await.expect("the second invocation");
    assert_eq!(json(warm.payload())["count"], 2, "the same warm worker kept its state");
    let log = tail(warm.log_result());
    assert!(log.starts_with("START RequestId: "), "{log}");
    assert!(!log.contains("Init Duration"), "{log}");

    // A code change starts a new environment: a cold start again.
    client
        .update_function_code()
        .function_name("counter")
        .zip_file(lambda::zip(&[(
            "lambda_function.py",
            &source.replace("COUNT = 0", "COUNT = 10"),
        )]))
        .send()
        .await
        .expect("new code");
    let after = invoke().await.expect("after the update");
    assert_eq!(json(after.payload())["count"], 11);
    assert!(tail(after.log_result()).contains("Init Duration"));
}

#[tokio::test(flavor = "multi_thread")]
async fn versions_and_aliases_each_run_their_own_code() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    let code = |n: u32| format!("def lambda_handler(event, context):\n    return 'code {n}'\n");
    python_function(&client, "staged", &role, &code(1)).await;
    let v1 = client.publish_version().function_name("staged").send().await.expect("v1");
    assert_eq!(v1.version(), Some("1"));
    client
        .update_function_code()
        .function_name("staged")
        .zip_file(lambda::zip(&[("lambda_function.py", &code(2))]))
        .send()
        .await
        .expect("code 2");
    let v2 = client.publish_version().function_name("staged").send().await.expect("v2");
    assert_eq!(v2.version(), Some("2"));
    client
        .update_function_code()
        .function_name("staged")
        .zip_file(lambda::zip(&[("lambda_function.py", &code(3))]))
        .send()
        .await
        .expect("code 3");
    for (alias, version) in [("DEV", "$LATEST"), ("TEST", "2"), ("PROD", "1")] {
        client
            .create_alias()
            .function_name("staged")
            .name(alias)
            .function_version(version)
            .send()
            .await
            .expect("the alias");
    }
    for (qualifier, expected, executed) in [
        ("DEV", "code 3", "$LATEST"),
        ("TEST", "code 2", "2"),
        ("PROD", "code 1", "1"),
        ("1", "code 1", "1"),
    ] {
        let answer = client
            .invoke()
            .function_name("staged")
            .qualifier(qualifier)
            .send()
            .await
            .expect("the invocation");
        assert_eq!(json(answer.payload()), json!(expected), "{qualifier}");
        assert_eq!(answer.executed_version(), Some(executed), "{qualifier}");
    }
    let by_arn = client
        .invoke()
        .function_name(format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:staged:PROD"))
        .send()
        .await
        .expect("by alias ARN");
    assert_eq!(json(by_arn.payload()), json!("code 1"));

    // A weighted alias really splits: PROD sends half its invocations to version 2.
    client
        .update_alias()
        .function_name("staged")
        .name("PROD")
        .routing_config(
            AliasRoutingConfiguration::builder().additional_version_weights("2", 0.5).build(),
        )
        .send()
        .await
        .expect("weights");
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..40 {
        let answer =
            client.invoke().function_name("staged").qualifier("PROD").send().await.expect("PROD");
        *seen.entry(answer.executed_version().unwrap().to_string()).or_insert(0) += 1;
    }
    assert_eq!(seen.keys().collect::<Vec<_>>(), ["1", "2"], "{seen:?}");
    assert!(seen.values().all(|count| *count >= 5), "{seen:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn event_invocations_run_in_the_background_and_dry_runs_only_check() {
    let emulator = lambda::start().await;
    customers_table(&emulator).await;
    let role = lambda::role(&emulator, "aws-lab-dynamodb-role", Some(PUT_ITEM_ON_CUSTOMERS)).await;
    let client = lambda::client(&emulator).await;
    python_function(&client, "addCustomer", &role, ADD_CUSTOMER).await;

    let dry = client
        .invoke()
        .function_name("addCustomer")
        .invocation_type(InvocationType::DryRun)
        .payload(handout_body())
        .send()
        .await
        .expect("a dry run");
    assert_eq!(dry.status_code(), 204);

    let event = client
        .invoke()
        .function_name("addCustomer")
        .invocation_type(InvocationType::Event)
        .payload(handout_body())
        .send()
        .await
        .expect("an event");
    assert_eq!(event.status_code(), 202);
    let dynamodb = aws_sdk_dynamodb::Client::new(&common::sdk_config(&emulator, REGION).await);
    let mut found = false;
    for _ in 0..100 {
        let scan = dynamodb.scan().table_name("customers").send().await.expect("a scan");
        if scan.count() == 1 {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(found, "the Event invocation put the item in the background");
}

#[tokio::test(flavor = "multi_thread")]
async fn code_that_cannot_load_is_reported_with_the_runtime_error_type() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    python_function(
        &client,
        "broken",
        &role,
        "import boto4\n\ndef lambda_handler(e, c):\n    pass\n",
    )
    .await;
    let answer = client
        .invoke()
        .function_name("broken")
        .log_type(LogType::Tail)
        .send()
        .await
        .expect("the invocation");
    assert_eq!(answer.function_error(), Some("Unhandled"));
    let error = json(answer.payload());
    assert_eq!(error["errorType"], "Runtime.ImportModuleError");
    assert_eq!(
        error["errorMessage"],
        "Unable to import module 'lambda_function': No module named 'boto4'"
    );
    let log = tail(answer.log_result());
    assert!(log.contains("[ERROR] Runtime.ImportModuleError: Unable to import module"), "{log}");
    assert!(log.contains("INIT_REPORT Init Duration: "), "{log}");

    python_function(&client, "syntax", &role, "def lambda_handler(e, c)\n    pass\n").await;
    let answer = client.invoke().function_name("syntax").send().await.expect("the invocation");
    let error = json(answer.payload());
    assert_eq!(error["errorType"], "Runtime.UserCodeSyntaxError");
    assert!(
        error["errorMessage"]
            .as_str()
            .unwrap()
            .starts_with("Syntax error in module 'lambda_function': "),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_interpreter_names_what_to_install() {
    let mut interpreters = lambda::interpreters();
    interpreters.python = "/nonexistent/python3".to_string();
    let emulator =
        lambda::start_with(awslab_emulator::EmulatorConfig { interpreters, ..Default::default() })
            .await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    python_function(&client, "f", &role, "def lambda_handler(e, c):\n    return 1\n").await;
    let error = client.invoke().function_name("f").send().await.expect_err("no Python");
    let (code, message, status) = common::iam::failure(error);
    assert_eq!((code.as_str(), status), ("InvalidRuntimeException", 502));
    assert!(message.contains("`/nonexistent/python3` was not found"), "{message}");
    assert!(message.contains("AWSLAB_PYTHON"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_invocations_get_workers_of_their_own() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    let source = "import os, time\n\ndef lambda_handler(event, context):\n    time.sleep(0.5)\n    return os.getpid()\n";
    python_function(&client, "parallel", &role, source).await;
    let calls = (0..3).map(|_| client.invoke().function_name("parallel").send());
    let answers = futures_join_all(calls).await;
    let pids: std::collections::BTreeSet<i64> =
        answers.iter().map(|answer| json(answer.payload()).as_i64().expect("a pid")).collect();
    assert_eq!(pids.len(), 3, "three invocations at once ran in three workers: {pids:?}");

    // Afterwards the warm workers are reused rather than new ones started.
    let again = client.invoke().function_name("parallel").send().await.unwrap();
    assert!(pids.contains(&json(again.payload()).as_i64().unwrap()));
}

/// Runs the invocations at once and waits for all of them.
async fn futures_join_all<F, T, E>(calls: impl Iterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: std::fmt::Debug + Send + 'static,
{
    let tasks: Vec<_> = calls.map(tokio::spawn).collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("the task").expect("the invocation"));
    }
    results
}

#[tokio::test(flavor = "multi_thread")]
async fn a_handler_whose_boto3_import_fails_is_told_what_to_install() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    // Stands in for a Python without boto3, whatever this machine's Python has.
    let source = "import sys\nsys.modules['boto3'] = None\nimport boto3\n\ndef lambda_handler(e, c):\n    pass\n";
    python_function(&client, "needsBoto3", &role, source).await;
    let answer = client.invoke().function_name("needsBoto3").send().await.expect("answered");
    let error = json(answer.payload());
    assert_eq!(error["errorType"], "Runtime.ImportModuleError");
    let message = error["errorMessage"].as_str().unwrap();
    assert!(message.starts_with("Unable to import module 'lambda_function': "), "{message}");
    assert!(message.contains("has no boto3. Install it with `"), "{message}");
    assert!(message.contains(" -m pip install boto3`, or set AWSLAB_PYTHON"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn everything_printed_while_the_code_loads_comes_before_start() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    // Much output at import time: the worker asks for its first event at once, while the
    // emulator may still be reading these lines.
    let source = "for n in range(3000):\n    print('loading', n)\n\ndef lambda_handler(event, context):\n    print('handled')\n    return 'done'\n";
    python_function(&client, "loud", &role, source).await;
    client.invoke().function_name("loud").send().await.expect("invoked");
    let logs = common::logs::client(&emulator).await;
    let events = logs
        .filter_log_events()
        .log_group_name("/aws/lambda/loud")
        .send()
        .await
        .expect("the events");
    let messages: Vec<&str> = events.events().iter().filter_map(|e| e.message()).collect();
    let start = messages.iter().position(|m| m.starts_with("START ")).expect("a START line");
    assert_eq!(start, 3001, "INIT_START, then the 3,000 lines, then START");
    assert_eq!(messages[3000], "loading 2999");
    assert_eq!(messages[start + 1], "handled");
}

#[tokio::test(flavor = "multi_thread")]
async fn what_a_handler_prints_is_in_cloudwatch_logs() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    let source = "import logging\nprint('module loaded')\n\ndef lambda_handler(event, context):\n    print('event:', event)\n    logging.getLogger().warning('careful')\n    return 'done'\n";
    python_function(&client, "printer", &role, source).await;
    for _ in 0..2 {
        client
            .invoke()
            .function_name("printer")
            .payload(Blob::new(r#"{"customer_id":"1230AWS"}"#))
            .send()
            .await
            .expect("invoked");
    }
    let logs = common::logs::client(&emulator).await;
    let streams = logs
        .describe_log_streams()
        .log_group_name("/aws/lambda/printer")
        .send()
        .await
        .expect("Lambda made the log group");
    let streams = streams.log_streams();
    assert_eq!(streams.len(), 1, "both invocations ran on one warm worker");
    let stream = streams[0].log_stream_name().unwrap();
    assert!(stream.contains("/[$LATEST]") && stream.len() == 11 + 9 + 32, "{stream}");
    let events = logs
        .get_log_events()
        .log_group_name("/aws/lambda/printer")
        .log_stream_name(stream)
        .start_from_head(true)
        .send()
        .await
        .expect("the events");
    let messages: Vec<&str> = events.events().iter().filter_map(|e| e.message()).collect();
    assert!(messages[0].starts_with("INIT_START Runtime Version: python:3.12"), "{messages:?}");
    assert_eq!(messages[1], "module loaded");
    assert!(
        messages[2].starts_with("START RequestId: ") && messages[2].ends_with(" Version: $LATEST"),
        "{messages:?}"
    );
    assert_eq!(messages[3], "event: {'customer_id': '1230AWS'}");
    assert!(
        messages[4].starts_with("[WARNING]\t") && messages[4].ends_with("\tcareful"),
        "{}",
        messages[4]
    );
    assert!(messages[5].starts_with("END RequestId: "));
    assert!(
        messages[6].starts_with("REPORT RequestId: ") && messages[6].contains("\tInit Duration: ")
    );
    assert!(messages[7].starts_with("START RequestId: "), "the second invocation follows");
    assert!(!messages.last().unwrap().contains("Init Duration"), "the second one was warm");
    let found = logs
        .filter_log_events()
        .log_group_name("/aws/lambda/printer")
        .filter_pattern("\"event:\"")
        .send()
        .await
        .expect("filtered");
    assert_eq!(found.events().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_handlers_log_is_dated_by_the_emulators_clock_after_it_was_advanced() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "clock-role", None).await;
    let client = lambda::client(&emulator).await;
    let source = "def lambda_handler(event, context):\n    print('tick')\n    return 1\n";
    python_function(&client, "clock", &role, source).await;
    let day: i64 = 24 * 60 * 60;
    let before = common::alarms::emulator_now(&emulator).await;
    common::alarms::advance(&emulator, 2 * day as u64).await;

    (client.invoke().function_name("clock").send().await).expect("the invocation");

    let logs = aws_sdk_cloudwatchlogs::Client::new(&common::sdk_config(&emulator, REGION).await);
    let streams = (logs.describe_log_streams().log_group_name("/aws/lambda/clock").send().await)
        .expect("the function's streams");
    let stream = streams.log_streams()[0].log_stream_name().expect("a name").to_string();
    // Dated when the worker started: between the advanced clock and now (a midnight may fall
    // in between).
    let after = common::alarms::emulator_now(&emulator).await;
    let date = |seconds: i64| {
        let at = time::OffsetDateTime::from_unix_timestamp(seconds).expect("a date");
        format!("{:04}/{:02}/{:02}/", at.year(), u8::from(at.month()), at.day())
    };
    let (first, last) = (date(before + 2 * day), date(after));
    assert!(
        stream.starts_with(&first) || stream.starts_with(&last),
        "{stream} is not dated {first} (the emulator's clock), as Lambda names streams"
    );
    let events = (logs.get_log_events().log_group_name("/aws/lambda/clock"))
        .log_stream_name(&stream)
        .send()
        .await
        .expect("the events");
    let tick = (events.events().iter())
        .find(|event| event.message() == Some("tick"))
        .unwrap_or_else(|| panic!("no print in {:?}", events.events()));
    let at = tick.timestamp().expect("a timestamp") / 1000;
    assert!(at >= before + 2 * day, "{at} is before the advanced clock ({})", before + 2 * day);
}
