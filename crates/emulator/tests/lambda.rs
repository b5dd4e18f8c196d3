//! Lambda's control plane through aws-sdk-lambda: functions, versions, aliases, permissions and
//! tags, with AWS's answers and errors; persistence, reset and snapshots of functions.

mod common;

use aws_sdk_lambda::types::{AliasRoutingConfiguration, Environment, FunctionCode, Runtime, State};
use awslab_emulator::{ACCOUNT_ID, EmulatorConfig};
use common::iam::failure;
use common::lambda::{self, REGION, json, python_function};
use serde_json::{Value, json};

const HANDLER: &str = "def lambda_handler(event, context):\n    return event\n";

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}")
}

#[tokio::test(flavor = "multi_thread")]
async fn create_function_answers_as_aws_and_validates_as_aws_does() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "aws-lab-dynamodb-role", None).await;
    let client = lambda::client(&emulator).await;
    let zip = lambda::zip(&[("lambda_function.py", HANDLER)]);
    let created = client
        .create_function()
        .function_name("addCustomer")
        .runtime(Runtime::Python312)
        .role(&role)
        .handler("lambda_function.lambda_handler")
        .code(FunctionCode::builder().zip_file(zip.clone()).build())
        .environment(Environment::builder().variables("TABLE", "customers").build())
        .send()
        .await
        .expect("the function");
    assert_eq!(created.function_arn(), Some(function_arn("addCustomer").as_str()));
    assert_eq!(created.version(), Some("$LATEST"));
    assert_eq!(created.state(), Some(&State::Pending), "a new function is Pending at first");
    assert_eq!(created.timeout(), Some(3));
    assert_eq!(created.memory_size(), Some(128));
    assert_eq!(created.code_size(), zip.as_ref().len() as i64);
    let sha = {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(zip.as_ref()))
    };
    assert_eq!(created.code_sha256(), Some(sha.as_str()));
    let modified = created.last_modified().unwrap();
    assert!(modified.ends_with("+0000") && modified.len() == 28, "{modified}");

    let got = client.get_function().function_name("addCustomer").send().await.expect("get");
    let config = got.configuration().unwrap();
    assert_eq!(config.state(), Some(&State::Active));
    assert_eq!(config.environment().unwrap().variables().unwrap()["TABLE"], "customers");
    assert_eq!(config.logging_config().unwrap().log_group(), Some("/aws/lambda/addCustomer"));
    let location = got.code().unwrap().location().unwrap();
    let path = location.strip_prefix(emulator.endpoint()).expect("served by the emulator");
    let download = common::raw(emulator.port(), "GET", path, &[common::token(&emulator)], b"");
    assert_eq!(download.status, 200);
    assert_eq!(download.header("content-type"), Some("application/zip"));

    let again = client
        .create_function()
        .function_name("addCustomer")
        .runtime(Runtime::Python312)
        .role(&role)
        .handler("lambda_function.lambda_handler")
        .code(FunctionCode::builder().zip_file(zip.clone()).build())
        .send()
        .await
        .expect_err("a second function of the same name");
    assert_eq!(
        failure(again),
        ("ResourceConflictException".into(), "Function already exist: addCustomer".into(), 409)
    );

    let create = |name: &str, role: &str, timeout: i32, memory: i32| {
        client
            .create_function()
            .function_name(name)
            .runtime(Runtime::Python312)
            .role(role)
            .handler("lambda_function.lambda_handler")
            .timeout(timeout)
            .memory_size(memory)
            .code(FunctionCode::builder().zip_file(zip.clone()).build())
            .send()
    };
    let cases = [
        (
            create("f", &role, 901, 128).await.unwrap_err(),
            "ValidationException",
            "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900",
        ),
        (
            create("f", &role, 3, 64).await.unwrap_err(),
            "ValidationException",
            "1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
        ),
    ];
    for (error, code, message) in cases {
        let (got_code, got_message, status) = failure(error);
        assert_eq!((got_code.as_str(), got_message.as_str(), status), (code, message, 400));
    }
    let no_role =
        create("f", &format!("arn:aws:iam::{ACCOUNT_ID}:role/missing"), 3, 128).await.unwrap_err();
    assert_eq!(
        failure(no_role),
        (
            "InvalidParameterValueException".into(),
            "The role defined for the function cannot be assumed by Lambda.".into(),
            400
        )
    );
    let not_zip = client
        .create_function()
        .function_name("f")
        .runtime(Runtime::Python312)
        .role(&role)
        .handler("lambda_function.lambda_handler")
        .code(
            FunctionCode::builder()
                .zip_file(aws_sdk_lambda::primitives::Blob::new("print(1)"))
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(not_zip).1,
        "Could not unzip uploaded file. Please check your file, then try to upload again."
    );
    let old_runtime = client
        .create_function()
        .function_name("f")
        .runtime(Runtime::Python38)
        .role(&role)
        .handler("lambda_function.lambda_handler")
        .code(FunctionCode::builder().zip_file(zip.clone()).build())
        .send()
        .await
        .unwrap_err();
    let (code, message, _) = failure(old_runtime);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(
        message.starts_with("The runtime parameter of python3.8 is no longer supported"),
        "{message}"
    );
    let big_env = client
        .create_function()
        .function_name("f")
        .runtime(Runtime::Python312)
        .role(&role)
        .handler("lambda_function.lambda_handler")
        .environment(Environment::builder().variables("BIG", "x".repeat(5000)).build())
        .code(FunctionCode::builder().zip_file(zip.clone()).build())
        .send()
        .await
        .unwrap_err();
    let (code, message, _) = failure(big_env);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(message.contains("exceeded the 4KB limit"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_role_that_does_not_trust_lambda_cannot_be_the_execution_role() {
    let emulator = lambda::start().await;
    let iam = common::iam::client(&emulator).await;
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let role = iam
        .create_role()
        .role_name("ec2-role")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    let client = lambda::client(&emulator).await;
    let error = client
        .create_function()
        .function_name("f")
        .runtime(Runtime::Python312)
        .role(role.role().unwrap().arn())
        .handler("lambda_function.lambda_handler")
        .code(
            FunctionCode::builder()
                .zip_file(lambda::zip(&[("lambda_function.py", HANDLER)]))
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).1, "The role defined for the function cannot be assumed by Lambda.");
}

#[tokio::test(flavor = "multi_thread")]
async fn listing_updating_and_deleting_functions() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    for name in ["alpha", "beta", "gamma"] {
        python_function(&client, name, &role, HANDLER).await;
    }
    let names: Vec<String> = client
        .list_functions()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("the listing")
        .iter()
        .map(|f| f.function_name().unwrap().to_string())
        .collect();
    assert_eq!(names, ["alpha", "beta", "gamma"]);
    let first = client.list_functions().max_items(2).send().await.unwrap();
    assert_eq!(first.functions().len(), 2);
    assert!(first.next_marker().is_some());

    let updated = client
        .update_function_configuration()
        .function_name("beta")
        .timeout(30)
        .memory_size(256)
        .description("adds customers")
        .environment(Environment::builder().variables("TABLE", "customers").build())
        .send()
        .await
        .expect("the update");
    assert_eq!(updated.timeout(), Some(30));
    assert_eq!(updated.last_update_status().map(|s| s.as_str()), Some("InProgress"));
    let config = client.get_function_configuration().function_name("beta").send().await.unwrap();
    assert_eq!((config.timeout(), config.memory_size()), (Some(30), Some(256)));
    assert_eq!(config.last_update_status().map(|s| s.as_str()), Some("Successful"));

    let stale = client
        .update_function_configuration()
        .function_name("beta")
        .revision_id("not-the-revision")
        .timeout(5)
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(stale).0, "PreconditionFailedException");

    client.delete_function().function_name("beta").send().await.expect("deleted");
    let gone = client.get_function().function_name("beta").send().await.unwrap_err();
    assert_eq!(
        failure(gone),
        (
            "ResourceNotFoundException".into(),
            format!("Function not found: {}", function_arn("beta")),
            404
        )
    );
    let gone = client.delete_function().function_name("beta").send().await.unwrap_err();
    assert_eq!(failure(gone).2, 404);
    let bad_name = client.get_function().function_name("not a name").send().await.unwrap_err();
    let (code, message, _) = failure(bad_name);
    assert_eq!(code, "ValidationException");
    assert!(
        message.starts_with("1 validation error detected: Value 'not a name' at 'functionName'"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn versions_are_published_once_per_change_and_aliases_follow_the_rules() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    python_function(&client, "staged", &role, HANDLER).await;
    let v1 =
        client.publish_version().function_name("staged").description("first").send().await.unwrap();
    assert_eq!(v1.version(), Some("1"));
    assert_eq!(v1.function_arn(), Some(format!("{}:1", function_arn("staged")).as_str()));
    let same = client.publish_version().function_name("staged").send().await.unwrap();
    assert_eq!(same.version(), Some("1"), "nothing changed, so no new version");
    let versions: Vec<String> = client
        .list_versions_by_function()
        .function_name("staged")
        .send()
        .await
        .unwrap()
        .versions()
        .iter()
        .map(|v| v.function_arn().unwrap().to_string())
        .collect();
    assert_eq!(
        versions,
        [format!("{}:$LATEST", function_arn("staged")), format!("{}:1", function_arn("staged"))]
    );

    let alias = client
        .create_alias()
        .function_name("staged")
        .name("PROD")
        .function_version("1")
        .send()
        .await
        .unwrap();
    assert_eq!(alias.alias_arn(), Some(format!("{}:PROD", function_arn("staged")).as_str()));
    let duplicate = client
        .create_alias()
        .function_name("staged")
        .name("PROD")
        .function_version("1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(duplicate).0, "ResourceConflictException");
    let numeric = client
        .create_alias()
        .function_name("staged")
        .name("123")
        .function_version("1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(numeric).0, "ValidationException");
    let no_version = client
        .create_alias()
        .function_name("staged")
        .name("TEST")
        .function_version("7")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(no_version),
        (
            "ResourceNotFoundException".into(),
            format!("Function not found: {}:7", function_arn("staged")),
            404
        )
    );
    let latest_weighted = client
        .create_alias()
        .function_name("staged")
        .name("DEV")
        .function_version("$LATEST")
        .routing_config(
            AliasRoutingConfiguration::builder().additional_version_weights("1", 0.1).build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(latest_weighted).0, "InvalidParameterValueException");
    let missing = client.get_alias().function_name("staged").name("NOPE").send().await.unwrap_err();
    assert_eq!(
        failure(missing),
        (
            "ResourceNotFoundException".into(),
            format!("Alias not found: {}:NOPE", function_arn("staged")),
            404
        )
    );
    let in_use =
        client.delete_function().function_name("staged").qualifier("1").send().await.unwrap_err();
    assert_eq!(
        failure(in_use),
        (
            "ResourceConflictException".into(),
            "Unable to delete version because the following aliases reference it: [PROD]".into(),
            409
        )
    );
    client.delete_alias().function_name("staged").name("PROD").send().await.expect("deleted");
    client
        .delete_function()
        .function_name("staged")
        .qualifier("1")
        .send()
        .await
        .expect("version deleted");
    let aliases = client.list_aliases().function_name("staged").send().await.unwrap();
    assert!(aliases.aliases().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn permissions_make_the_policy_document_aws_returns() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    python_function(&client, "addCustomer", &role, HANDLER).await;
    let source_arn =
        format!("arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:a1b2c3d4e5/*/POST/customer");
    let added = client
        .add_permission()
        .function_name("addCustomer")
        .statement_id("apigateway-invoke")
        .action("lambda:InvokeFunction")
        .principal("apigateway.amazonaws.com")
        .source_arn(&source_arn)
        .send()
        .await
        .expect("the permission");
    let statement: Value = serde_json::from_str(added.statement().unwrap()).unwrap();
    let expected = json!({
        "Sid": "apigateway-invoke",
        "Effect": "Allow",
        "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": function_arn("addCustomer"),
        "Condition": {"ArnLike": {"AWS:SourceArn": source_arn}}
    });
    assert_eq!(statement, expected);
    let policy = client.get_policy().function_name("addCustomer").send().await.unwrap();
    let document: Value = serde_json::from_str(policy.policy().unwrap()).unwrap();
    assert_eq!(
        document,
        json!({"Version": "2012-10-17", "Id": "default", "Statement": [expected]})
    );

    let duplicate = client
        .add_permission()
        .function_name("addCustomer")
        .statement_id("apigateway-invoke")
        .action("lambda:InvokeFunction")
        .principal("apigateway.amazonaws.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(duplicate),
        (
            "ResourceConflictException".into(),
            "The statement id (apigateway-invoke) provided already exists. Please provide a new statement id, or remove the existing statement.".into(),
            409
        )
    );
    // Each alias has a policy of its own.
    client.publish_version().function_name("addCustomer").send().await.unwrap();
    client
        .create_alias()
        .function_name("addCustomer")
        .name("DEV")
        .function_version("1")
        .send()
        .await
        .unwrap();
    let none =
        client.get_policy().function_name("addCustomer").qualifier("DEV").send().await.unwrap_err();
    assert_eq!(
        failure(none),
        (
            "ResourceNotFoundException".into(),
            "The resource you requested does not exist.".into(),
            404
        )
    );
    client
        .add_permission()
        .function_name("addCustomer:DEV")
        .statement_id("dev")
        .action("lambda:InvokeFunction")
        .principal("apigateway.amazonaws.com")
        .send()
        .await
        .unwrap();
    let dev =
        client.get_policy().function_name("addCustomer").qualifier("DEV").send().await.unwrap();
    let dev: Value = serde_json::from_str(dev.policy().unwrap()).unwrap();
    assert_eq!(dev["Statement"][0]["Resource"], format!("{}:DEV", function_arn("addCustomer")));

    client
        .remove_permission()
        .function_name("addCustomer")
        .statement_id("apigateway-invoke")
        .send()
        .await
        .unwrap();
    let removed = client
        .remove_permission()
        .function_name("addCustomer")
        .statement_id("apigateway-invoke")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(removed),
        (
            "ResourceNotFoundException".into(),
            "Statement apigateway-invoke is not found in resource policy.".into(),
            404
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tags_belong_to_the_function() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    python_function(&client, "tagged", &role, HANDLER).await;
    let arn = function_arn("tagged");
    client
        .tag_resource()
        .resource(&arn)
        .tags("awslab:lab", "serverless-api")
        .tags("step", "7")
        .send()
        .await
        .unwrap();
    client.untag_resource().resource(&arn).tag_keys("step").send().await.unwrap();
    let tags = client.list_tags().resource(&arn).send().await.unwrap();
    assert_eq!(tags.tags().unwrap().len(), 1);
    assert_eq!(tags.tags().unwrap()["awslab:lab"], "serverless-api");
    let missing = client.list_tags().resource(function_arn("nope")).send().await.unwrap_err();
    assert_eq!(failure(missing).2, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn functions_survive_a_restart_and_still_run() {
    let folder = tempfile::tempdir().unwrap();
    let config = || EmulatorConfig {
        data_dir: Some(folder.path().to_path_buf()),
        interpreters: lambda::interpreters(),
        ..EmulatorConfig::default()
    };
    let first = lambda::start_with(config()).await;
    let role = lambda::role(&first, "r", None).await;
    let client = lambda::client(&first).await;
    python_function(&client, "kept", &role, "def lambda_handler(e, c):\n    return 'still here'\n")
        .await;
    client.publish_version().function_name("kept").send().await.unwrap();
    client
        .create_alias()
        .function_name("kept")
        .name("PROD")
        .function_version("1")
        .send()
        .await
        .unwrap();
    first.shutdown().await;

    let second = lambda::start_with(config()).await;
    let client = lambda::client(&second).await;
    let answer =
        client.invoke().function_name("kept").qualifier("PROD").send().await.expect("invoked");
    assert_eq!(json(answer.payload()), json!("still here"));
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_of_a_lab_deletes_its_functions_and_snapshots_bring_them_back() {
    let emulator = lambda::start().await;
    let role = lambda::role(&emulator, "r", None).await;
    let client = lambda::client(&emulator).await;
    python_function(&client, "ofLab", &role, HANDLER).await;
    python_function(&client, "mine", &role, HANDLER).await;
    client
        .tag_resource()
        .resource(function_arn("ofLab"))
        .tags("awslab:lab", "serverless-api")
        .send()
        .await
        .unwrap();

    let saved = common::raw(
        emulator.port(),
        "POST",
        "/_awslab/snapshots/before",
        &[common::token(&emulator)],
        b"",
    );
    assert_eq!(saved.status, 201, "{}", saved.body);
    let reset = common::raw(
        emulator.port(),
        "POST",
        "/_awslab/reset?lab=serverless-api",
        &[common::token(&emulator)],
        b"",
    );
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert!(reset.body.contains(&function_arn("ofLab")), "{}", reset.body);
    let names =
        |list: aws_sdk_lambda::operation::list_functions::ListFunctionsOutput| -> Vec<String> {
            list.functions().iter().map(|f| f.function_name().unwrap().to_string()).collect()
        };
    assert_eq!(names(client.list_functions().send().await.unwrap()), ["mine"]);

    let restored = common::raw(
        emulator.port(),
        "POST",
        "/_awslab/snapshots/before/restore",
        &[common::token(&emulator)],
        b"",
    );
    assert_eq!(restored.status, 200, "{}", restored.body);
    assert_eq!(names(client.list_functions().send().await.unwrap()), ["mine", "ofLab"]);
    let answer = client
        .invoke()
        .function_name("ofLab")
        .payload(aws_sdk_lambda::primitives::Blob::new("[1]"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        json(answer.payload()),
        json!([1]),
        "the restored function runs, with a fresh role session"
    );

    let all =
        common::raw(emulator.port(), "POST", "/_awslab/reset", &[common::token(&emulator)], b"");
    assert_eq!(all.status, 200);
    assert!(client.list_functions().send().await.unwrap().functions().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_paths_and_bad_bodies_get_lambda_errors() {
    let emulator = lambda::start().await;
    let auth = common::signed("lambda", REGION);
    let headers = [("authorization", auth.as_str()), ("content-type", "application/json")];
    let unknown = common::raw(emulator.port(), "GET", "/2015-03-31/nothing-here", &headers, b"");
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.header("x-amzn-errortype"), Some("UnknownOperationException"));
    let broken =
        common::raw(emulator.port(), "POST", "/2015-03-31/functions", &headers, b"{not json");
    assert_eq!(broken.status, 400);
    assert_eq!(broken.header("x-amzn-errortype"), Some("SerializationException"));
    let body: Value = serde_json::from_str(&broken.body).unwrap();
    assert_eq!(body["Type"], "User");
    let missing = common::raw(
        emulator.port(),
        "POST",
        "/2015-03-31/functions/nope/invocations",
        &headers,
        b"{}",
    );
    assert_eq!(missing.status, 404);
    let body: Value = serde_json::from_str(&missing.body).unwrap();
    assert_eq!(body["message"], format!("Function not found: {}", function_arn("nope")));
    let not_implemented =
        common::raw(emulator.port(), "GET", "/2016-08-19/account-settings", &headers, b"");
    assert_eq!(not_implemented.status, 501);
    assert_eq!(not_implemented.header("x-amzn-errortype"), Some("NotImplemented"));
}
