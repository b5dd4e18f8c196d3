//! The lab engine against a real emulator: the `serverless-api` steps played with the reference
//! solution pass every check; a wrong form value fails exactly its check, with the diff; the
//! checks fail on a fresh emulator.

use awslab_core::engine::{self, FormValues};
use serde_json::json;

mod common;

use common::{emulator, lab, learners_own_table, solve};

#[tokio::test(flavor = "multi_thread")]
async fn the_reference_solution_passes_every_check() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    assert_eq!(identity.account, awslab_emulator::ACCOUNT_ID);
    let lab = lab("serverless-api");
    let mut earned = 0;
    for step in &lab.steps {
        let run =
            engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
        assert!(run.passed(), "step {} failed: {run:#?}", step.id);
        earned += run.checks.iter().map(|check| check.points).sum::<u32>();
        if step.question.is_some() {
            continue;
        }
        let action = run.action.as_ref().expect("every step of this lab but its questions acts");
        assert!(!action.calls.is_empty());
        // A function's source is written and zipped before its command.
        let cli = &action.calls[0].cli;
        let command = cli.split_once("\naws ").map_or(cli.as_str(), |(_, rest)| rest);
        assert!(
            cli.starts_with("aws ") || cli.starts_with("curl ") || command != cli.as_str(),
            "{cli}"
        );
    }
    assert_eq!(earned, lab.total_points_on(awslab_lab::TargetKind::Emulator));

    // The checks' own test customers (their `scratch_item`s) are gone again: the table holds the
    // two customers the learner sent, and nothing else.
    let scan = clients.dynamodb.scan().table_name("customers").send().await.expect("scan");
    let mut ids: Vec<String> = (scan.items().iter())
        .filter_map(|item| item.get("customer_id")?.as_s().ok().cloned())
        .collect();
    ids.sort();
    assert_eq!(ids, ["1230AWS", "2024AWS"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_check_fails_on_a_fresh_target() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    for step in &lab.steps {
        let results =
            engine::check_step(&clients, &identity, &lab, step, &engine::default_values(step))
                .await;
        for result in results {
            assert!(!result.passed, "{} passed before anything was made", result.id);
            assert_eq!(result.points, 0);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn one_wrong_value_fails_only_its_check_with_the_difference() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    let mut lost = Vec::new();
    for step in &lab.steps {
        let mut values: FormValues = engine::solution_values(step);
        if step.id == "create-api" {
            values.insert("endpoint_type".into(), json!("EDGE"));
        }
        let run = engine::run_step(&clients, &identity, &lab, step, &values).await;
        // Every step acts but the questions.
        let acted = run.action.as_ref().is_some_and(|action| action.succeeded());
        assert!(acted || step.question.is_some(), "{run:#?}");
        for check in run.checks.iter().filter(|check| !check.passed) {
            lost.push((check.id.clone(), check.possible, check.differences.clone()));
        }
    }
    assert_eq!(lost.len(), 1, "{lost:#?}");
    let (id, points, differences) = &lost[0];
    assert_eq!(id, "api-is-regional");
    assert_eq!(*points, 10);
    let text: Vec<String> = differences.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [r#"endpointConfiguration.types: expected exactly ["REGIONAL"], found ["EDGE"]"#]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_table_keyed_by_id_shows_the_key_difference() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    let step = lab.step("create-table").expect("the table step");
    let mut values = engine::solution_values(step);
    values.insert("partition_key".into(), json!("id"));
    let run = engine::run_step(&clients, &identity, &lab, step, &values).await;
    let check = &run.checks[0];
    assert!(!check.passed);
    assert_eq!(check.points, 0);
    let text: Vec<String> = check.differences.iter().map(ToString::to_string).collect();
    assert!(
        text.contains(
            &"AttributeDefinitions[0].AttributeName: expected customer_id, found id".to_string()
        ),
        "{text:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_form_value_that_breaks_a_naming_rule_sends_nothing() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    let step = lab.step("create-table").expect("the table step");
    let mut values = engine::solution_values(step);
    values.insert("table_name".into(), json!("my table!"));
    let run = engine::run_step(&clients, &identity, &lab, step, &values).await;
    assert_eq!(run.field_problems.len(), 1);
    assert_eq!(run.field_problems[0].field, "table_name");
    assert!(run.action.is_none(), "nothing is sent with an invalid form");
    let tables = clients.dynamodb.list_tables().send().await.unwrap();
    assert!(tables.table_names().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn clean_up_deletes_the_lab_and_only_the_lab() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    let mut store = awslab_core::progress::ProgressStore::open_in_memory().unwrap();
    for step in &lab.steps {
        let run =
            engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
        assert!(run.passed());
        engine::record_created(&mut store, &clients, &identity, &lab, &run, 1).unwrap();
    }
    let ledger = store.ledger(&lab.id, awslab_core::progress::TargetKind::Emulator).unwrap();
    let kinds: Vec<&str> = ledger.iter().map(|entry| entry.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["iam.policy", "iam.role", "dynamodb.table", "apigateway.rest_api", "lambda.function"]
    );

    // The learner's own things, made outside the lab.
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    clients
        .iam
        .create_role()
        .role_name("my-own-role")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    let policy_arn = ledger[0].resource_id.clone();
    clients
        .iam
        .attach_role_policy()
        .role_name("my-own-role")
        .policy_arn(&policy_arn)
        .send()
        .await
        .unwrap();
    learners_own_table(&clients, "my-own-table").await;

    let report = engine::clean_up(&clients, &identity, &mut store, &lab).await.unwrap();
    assert!(report.clean(), "{report:#?}");
    let deleted: Vec<(&str, &str)> =
        report.deleted.iter().map(|d| (d.kind.as_str(), d.id.as_str())).collect();
    assert!(deleted.contains(&("dynamodb.table", "customers")), "{deleted:?}");
    assert!(deleted.contains(&("iam.role", "aws-lab-dynamodb-role")), "{deleted:?}");
    assert!(deleted.contains(&("lambda.function", "addCustomer")), "{deleted:?}");
    assert!(deleted.contains(&("logs.log_group", "/aws/lambda/addCustomer")), "{deleted:?}");
    assert!(deleted.iter().any(|(kind, _)| *kind == "apigateway.rest_api"), "{deleted:?}");
    assert!(clients.lambda.list_functions().send().await.unwrap().functions().is_empty());
    assert!(clients.apigateway.get_rest_apis().send().await.unwrap().items().is_empty());
    // The lab's policy is attached to the learner's own role: left alone, and said so.
    assert_eq!(report.kept.len(), 1, "{report:#?}");
    assert!(report.kept[0].1.contains("my-own-role"), "{report:#?}");

    // Listing each service: nothing of the lab's but the kept policy; the learner's things stay.
    let tables = clients.dynamodb.list_tables().send().await.unwrap();
    assert_eq!(tables.table_names(), ["my-own-table"]);
    let roles = clients.iam.list_roles().send().await.unwrap();
    let roles: Vec<&str> = roles.roles().iter().map(|r| r.role_name()).collect();
    assert_eq!(roles, ["my-own-role"]);
    let attached =
        clients.iam.list_attached_role_policies().role_name("my-own-role").send().await.unwrap();
    assert_eq!(attached.attached_policies().len(), 1, "the learner's role was not changed");

    // Once the learner detaches it, a second clean-up removes the policy too.
    clients
        .iam
        .detach_role_policy()
        .role_name("my-own-role")
        .policy_arn(&policy_arn)
        .send()
        .await
        .unwrap();
    let again = engine::clean_up(&clients, &identity, &mut store, &lab).await.unwrap();
    assert!(again.clean() && again.kept.is_empty(), "{again:#?}");
    assert!(store.ledger(&lab.id, awslab_core::progress::TargetKind::Emulator).unwrap().is_empty());
    let policies = clients
        .iam
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Local)
        .send()
        .await
        .unwrap();
    assert!(policies.policies().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn hints_come_in_order_skips_never_pass_and_a_reset_starts_over() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    let mut store = awslab_core::progress::ProgressStore::open_in_memory().unwrap();
    let step = &lab.steps[0];
    let (first, text) = engine::next_hint(&mut store, &lab, step).unwrap().expect("a hint");
    assert_eq!((first, &text), (1, &step.hints[0]));
    let (second, _) = engine::next_hint(&mut store, &lab, step).unwrap().expect("another");
    assert_eq!(second, 2);
    assert_eq!(engine::next_hint(&mut store, &lab, step).unwrap(), None, "only two hints");

    engine::skip_step(&mut store, &lab, &lab.steps[1], 5).unwrap();
    let progress =
        awslab_core::status::lab_progress(&lab, &store, awslab_lab::TargetKind::Emulator).unwrap();
    assert_eq!(progress.steps[1].status, awslab_core::status::StepStatus::Skipped);
    assert_eq!(progress.score.earned, 0);

    let run =
        engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
    assert!(run.passed());
    let reset = engine::reset_lab(&clients, &identity, &mut store, &lab).await.expect("reset");
    let engine::LabReset::Emulator { deleted } = reset else { panic!("an emulator reset") };
    assert_eq!(deleted.len(), 1, "the lab's policy: {deleted:?}");
    assert!(
        clients
            .iam
            .list_policies()
            .scope(aws_sdk_iam::types::PolicyScopeType::Local)
            .send()
            .await
            .unwrap()
            .policies()
            .is_empty()
    );
    assert_eq!(store.hints_revealed(&lab.id).unwrap().len(), 0);
    assert!(store.skipped_steps(&lab.id).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_question_is_graded_from_the_form_without_giving_the_answer_away() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/format-sample");
    let lab = awslab_lab::load_lab(&dir).expect("the sample loads");
    let step = lab.step("quiz").expect("the quiz step");
    let graded = |answer: Option<&str>| {
        let mut values = FormValues::new();
        if let Some(answer) = answer {
            values.insert("answer".into(), json!(answer));
        }
        let (clients, identity, lab) = (&clients, &identity, &lab);
        async move { engine::check_step(clients, identity, lab, step, &values).await.remove(0) }
    };
    let right = graded(Some("REGIONAL")).await;
    assert!(right.passed && right.points == 5, "{right:?}");
    let wrong = graded(Some("EDGE")).await;
    assert!(!wrong.passed);
    assert!(wrong.differences.is_empty(), "a wrong answer is not told the right one: {wrong:?}");
    assert!(!format!("{wrong:?}").contains("REGIONAL"), "{wrong:?}");
    let unanswered = graded(None).await;
    assert!(!unanswered.passed && unanswered.missing);
    assert!(unanswered.diagnosis.expect("says so").en.starts_with("Not answered yet"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_alarm_lab_with_a_threshold_ten_times_too_low_loses_only_the_condition_check() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("cloudwatch-alarm");
    let mut lost = Vec::new();
    for step in &lab.steps {
        let mut values = engine::solution_values(step);
        if step.id == "create-alarm" {
            values.insert("threshold".into(), json!(10000));
        }
        let run = engine::run_step(&clients, &identity, &lab, step, &values).await;
        assert!(run.action.as_ref().is_none_or(|action| action.succeeded()), "{run:#?}");
        lost.extend(run.checks.iter().filter(|check| !check.passed).cloned());
        if step.id == "create-alarm" {
            break;
        }
    }
    assert_eq!(lost.len(), 1, "{lost:#?}");
    assert_eq!(lost[0].id, "alarm-condition");
    let text: Vec<String> = lost[0].differences.iter().map(ToString::to_string).collect();
    assert_eq!(text, ["Threshold: expected 100000, found 10000"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_alarm_lab_form_without_a_threshold_sends_nothing() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("cloudwatch-alarm");
    let step = lab.step("create-alarm").expect("the alarm step");
    // The form's defaults: the threshold is the learner's to enter.
    let run =
        engine::run_step(&clients, &identity, &lab, step, &engine::default_values(step)).await;
    assert_eq!(run.field_problems.len(), 1, "{run:#?}");
    assert_eq!(run.field_problems[0].field, "threshold");
    assert!(run.action.is_none());
}

async fn table_names(clients: &awslab_cloud::Clients) -> Vec<String> {
    clients.dynamodb.list_tables().send().await.unwrap().table_names().to_vec()
}

#[tokio::test(flavor = "multi_thread")]
async fn clean_up_touches_nothing_of_another_region_or_account() {
    use awslab_core::progress::{LedgerEntry, ProgressStore, TargetKind};
    let (emulator, seoul) = emulator().await;
    let virginia = awslab_cloud::Clients::connect(&awslab_cloud::Target::Emulator {
        endpoint: emulator.endpoint().to_string(),
        region: "us-east-1".into(),
        token: Some(awslab_cloud::ControlToken::new(emulator.control_token())),
    })
    .await;
    let identity = seoul.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    let mut store = ProgressStore::open_in_memory().unwrap();
    for step in &lab.steps {
        let run =
            engine::run_step(&seoul, &identity, &lab, step, &engine::solution_values(step)).await;
        assert!(run.passed(), "{run:#?}");
        engine::record_created(&mut store, &seoul, &identity, &lab, &run, 1).unwrap();
    }
    // What the same lab recorded in another account, under names this account uses for the
    // learner's own things.
    let elsewhere = |kind: &str, id: &str| LedgerEntry {
        step_id: "create-table".into(),
        target: TargetKind::Emulator,
        account: "111122223333".into(),
        region: "ap-northeast-2".into(),
        kind: kind.into(),
        resource_id: id.into(),
        at_ms: 2,
    };
    let other_account = [elsewhere("dynamodb.table", "orders"), elsewhere("dynamodb.table", "x")];
    store.record_created(&lab.id, &other_account).unwrap();
    // An entry from before entries named their account, naming a table the learner made since.
    let unknown_account =
        LedgerEntry { account: String::new(), ..elsewhere("dynamodb.table", "mine") };
    store.record_created(&lab.id, std::slice::from_ref(&unknown_account)).unwrap();
    learners_own_table(&seoul, "mine").await;
    learners_own_table(&seoul, "orders").await;
    learners_own_table(&virginia, "customers").await;

    // Cleaning up in Virginia deletes nothing regional of Seoul's, nor the learner's table.
    let report = engine::clean_up(&virginia, &identity, &mut store, &lab).await.unwrap();
    assert!(report.clean(), "{report:#?}");
    let deleted: Vec<&str> = report.deleted.iter().map(|d| d.kind.as_str()).collect();
    assert!(deleted.iter().all(|kind| kind.starts_with("iam.")), "only global IAM: {deleted:?}");
    assert_eq!(table_names(&virginia).await, ["customers"]);
    assert_eq!(table_names(&seoul).await, ["customers", "mine", "orders"]);
    assert!(
        seoul.lambda.get_function().function_name("addCustomer").send().await.is_ok(),
        "Seoul's function stays"
    );

    // Cleaning up in Seoul deletes the lab's and mentions nothing of the other account.
    let report = engine::clean_up(&seoul, &identity, &mut store, &lab).await.unwrap();
    assert!(report.clean(), "{report:#?}");
    assert!(report.deleted.iter().any(|d| d.id == "customers"), "{report:#?}");
    let named = |id: &str| {
        report.deleted.iter().chain(report.kept.iter().map(|(kept, _)| kept)).any(|r| r.id == id)
    };
    assert!(!named("orders") && !named("x"), "another account's entries: {report:#?}");
    // The entry of unknown account is asked for its tag, and the learner's table is left alone.
    let kept: Vec<(&str, &str)> =
        report.kept.iter().map(|(kept, why)| (kept.id.as_str(), why.as_str())).collect();
    assert!(
        matches!(kept[..], [("mine", why)] if why.contains("does not carry the tag awslab:lab")),
        "{kept:?}"
    );
    assert_eq!(table_names(&seoul).await, ["mine", "orders"]);
    assert_eq!(table_names(&virginia).await, ["customers"]);
    let left: Vec<LedgerEntry> = store.ledger(&lab.id, TargetKind::Emulator).unwrap();
    let mut expected = other_account.to_vec();
    expected.push(unknown_account);
    assert_eq!(left, expected, "another account's ledger is neither touched nor forgotten");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_taken_name_says_whose_it_is_and_nothing_is_adopted() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    let step = lab.step("create-table").expect("the table step");
    let mut store = awslab_core::progress::ProgressStore::open_in_memory().unwrap();

    // The learner's own `customers`, there before the lab.
    learners_own_table(&clients, "customers").await;
    let run =
        engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
    let failure = run.action.as_ref().and_then(|a| a.failure.clone()).expect("refused");
    assert_eq!(failure.code, "ResourceInUseException");
    assert!(
        failure.explanation.en.contains("customers was already in this account"),
        "{failure:#?}"
    );
    engine::record_created(&mut store, &clients, &identity, &lab, &run, 1).unwrap();
    assert!(store.ledger(&lab.id, awslab_core::progress::TargetKind::Emulator).unwrap().is_empty());

    // Made by the lab in an earlier run: reused, with the command that deletes it should a
    // check find it wrong.
    clients.dynamodb.delete_table().table_name("customers").send().await.unwrap();
    let first =
        engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
    assert!(first.passed(), "{first:#?}");
    let again =
        engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
    assert!(again.passed(), "{again:#?}");
    let note = again.action.as_ref().and_then(|a| a.note.clone()).expect("a note");
    assert!(note.en.contains("made by this lab in an earlier run"), "{note:#?}");
    assert!(note.en.contains("aws dynamodb delete-table --table-name customers"), "{note:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_function_that_raises_is_diagnosed_with_its_error_and_its_line() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    solve(&clients, &identity, &lab, &["create-policy", "create-role", "create-table"]).await;
    let step = lab.step("create-function").expect("the function step");
    let mut values = engine::solution_values(step);
    let broken = "def lambda_handler(event, context):\n    total = event[\"price\"] + \"won\"\n    return {\"code\": 200}\n";
    values.insert("code".into(), json!(broken));
    let run = engine::run_step(&clients, &identity, &lab, step, &values).await;

    let stores = run.checks.iter().find(|c| c.id == "function-stores-a-customer").expect("check");
    assert!(!stores.passed);
    let diagnosis = stores.diagnosis.as_ref().expect("a diagnosis");
    assert!(diagnosis.en.starts_with("The function raised TypeError: "), "{diagnosis:#?}");
    assert!(
        diagnosis.en.contains("lambda_function.py\", line 2, in lambda_handler"),
        "{diagnosis:#?}"
    );
    assert!(diagnosis.ko.contains("TypeError"), "{diagnosis:#?}");
    let config = run.checks.iter().find(|c| c.id == "function-config").expect("check");
    assert!(config.passed && config.diagnosis.is_none(), "{config:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_500_quotes_the_execution_log_line_behind_it() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    // Every step up to the test call but the permission that lets API Gateway call the function.
    let before: Vec<&str> = (lab.steps.iter().map(|step| step.id.as_str()))
        .take_while(|id| *id != "test-method")
        .filter(|id| *id != "allow-api-gateway")
        .collect();
    solve(&clients, &identity, &lab, &before).await;
    let step = lab.step("test-method").expect("the test step");
    let run =
        engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;

    let answered = run.checks.iter().find(|c| c.id == "test-answers-200").expect("check");
    assert!(!answered.passed);
    let diagnosis = answered.diagnosis.as_ref().expect("a diagnosis");
    assert!(
        diagnosis.en.starts_with(
            "API Gateway's execution log says: Execution failed due to configuration error: \
             Invalid permissions on Lambda function. API Gateway may not invoke the function"
        ),
        "{diagnosis:#?}"
    );
    assert!(diagnosis.ko.contains("lambda add-permission"), "{diagnosis:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_table_made_with_another_key_is_diagnosed_at_the_function_that_meets_it() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    for id in ["create-policy", "create-role", "create-table", "create-function"] {
        let step = lab.step(id).expect("the step");
        let mut values = engine::solution_values(step);
        if id == "create-table" {
            values.insert("partition_key".into(), json!("id"));
        }
        engine::run_step(&clients, &identity, &lab, step, &values).await;
    }
    let step = lab.step("create-function").expect("the function step");
    let checks =
        engine::check_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
    let stores = checks.iter().find(|c| c.id == "function-stores-a-customer").expect("check");
    let diagnosis = stores.diagnosis.as_ref().expect("a diagnosis");
    assert!(diagnosis.en.contains("Missing the key id in the item"), "{diagnosis:#?}");
    assert!(diagnosis.en.contains("(at File \"/var/task/lambda_function.py\""), "{diagnosis:#?}");
    assert!(diagnosis.en.contains("The table's partition key is id"), "{diagnosis:#?}");
    assert!(diagnosis.en.contains("delete it and create it again"), "{diagnosis:#?}");
    assert!(diagnosis.ko.contains("테이블을 지우고 다시 만드세요"), "{diagnosis:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_step_run_twice_makes_one_api_and_never_takes_the_learners() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    let step = lab.step("create-api").expect("the API step");
    let names = || async {
        let apis = clients.apigateway.get_rest_apis().send().await.expect("GetRestApis");
        apis.items().iter().filter_map(|api| api.name().map(str::to_string)).collect::<Vec<_>>()
    };

    let first =
        engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
    assert!(first.passed(), "{first:#?}");
    let again =
        engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
    assert!(again.passed(), "{again:#?}");
    let response = &again.action.as_ref().expect("the action").response;
    assert_eq!(response["reused"], true, "{response:#?}");
    assert_eq!(response["id"], first.action.as_ref().unwrap().response["id"]);
    assert_eq!(names().await, ["customer-api"], "one API of the name");

    // An API of the same name that the learner made: refused, and no second one.
    let id = first.action.as_ref().unwrap().response["id"].as_str().unwrap().to_string();
    clients.apigateway.delete_rest_api().rest_api_id(&id).send().await.expect("DeleteRestApi");
    clients.apigateway.create_rest_api().name("customer-api").send().await.expect("their own");
    let refused =
        engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
    let failure = refused.action.as_ref().and_then(|a| a.failure.clone()).expect("refused");
    assert_eq!(failure.code, "ConflictException");
    assert!(
        failure.explanation.en.contains("customer-api was already in this account"),
        "{failure:#?}"
    );
    assert_eq!(names().await, ["customer-api"], "still one API of the name");
}
