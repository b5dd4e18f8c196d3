//! Every step is safe to run twice: running each lab's solution a second time reuses what the
//! first run made (a note says so, with the command that deletes it), leaves one of each
//! resource, and keeps the score at 100 %. A table made with the wrong key is reused too, and
//! then its check says what differs, and the note how to start it over.

use std::collections::HashMap;
use std::sync::Arc;

use awslab_cloud::Clients;
use awslab_core::clock::{Clock, FixedClock};
use awslab_core::engine::{self, FormValues};
use awslab_core::progress::FILE_NAME;
use awslab_core::progress_slot::ProgressSlot;
use awslab_core::steps;
use awslab_core::target::Connection;
use serde_json::Value;

mod common;

async fn connected() -> (awslab_emulator::Emulator, Connection) {
    let (emulator, clients) = common::emulator().await;
    let identity = clients.whoami().await.expect("who we are");
    (emulator, Connection { clients, identity })
}

fn progress(dir: &tempfile::TempDir) -> ProgressSlot {
    let clock: Arc<dyn Clock> = Arc::new(FixedClock(1_000));
    ProgressSlot::at(dir.path().join(FILE_NAME), clock)
}

#[tokio::test]
async fn every_lab_run_twice_leaves_one_of_each_resource_and_full_marks() {
    for id in ["serverless-api", "api-stages-canary", "cloudwatch-alarm", "lambda-logs-auth"] {
        let lab = common::lab(id);
        let (_emulator, connection) = connected().await;
        let data = tempfile::tempdir().unwrap();
        let progress = progress(&data);
        let mut first_made = None;
        for pass in 1..=2 {
            let mut reused = 0;
            for step in &lab.steps {
                let values = engine::solution_values(step);
                let outcome =
                    steps::run_step(&connection, &progress, &FixedClock(pass), &lab, step, &values)
                        .await
                        .expect("recorded");
                let run = &outcome.run;
                assert!(run.passed(), "{id} pass {pass}, {}: {run:#?}", step.id);
                let action = run.action.as_ref();
                reused += action.filter(|action| action.note.is_some()).map_or(0, |_| 1);
                if pass == 2
                    && let Some(note) = action.and_then(|action| action.note.as_ref())
                {
                    assert!(note.en.contains("reused, not made again"), "{note:?}");
                    assert!(note.en.contains("aws "), "the note gives the command: {note:?}");
                    assert!(note.ko.contains("그대로 씁니다"), "{note:?}");
                }
            }
            let made = inventory(&connection.clients).await;
            match pass {
                1 => {
                    assert_eq!(reused, 0, "{id}: nothing to reuse on the first run");
                    first_made = Some(made);
                }
                _ => {
                    assert!(reused > 0, "{id}: the second run reuses");
                    assert_eq!(Some(made), first_made, "{id}: one of each resource");
                }
            }
        }
        let standing = progress
            .with_store(|store, _| {
                awslab_core::status::lab_progress(&lab, store, awslab_lab::TargetKind::Emulator)
            })
            .unwrap()
            .unwrap();
        assert_eq!(standing.score.earned, standing.score.possible, "{id}: full marks");
    }
}

#[tokio::test]
async fn a_table_made_with_the_wrong_key_is_reused_and_its_check_says_what_to_do() {
    let lab = common::lab("serverless-api");
    let (_emulator, connection) = connected().await;
    let data = tempfile::tempdir().unwrap();
    let progress = progress(&data);
    let step = lab.step("create-table").unwrap();
    let mut wrong: FormValues = engine::solution_values(step);
    wrong.insert("partition_key".into(), Value::String("id".into()));
    let run = |values: FormValues| {
        let (connection, progress, lab) = (&connection, &progress, &lab);
        async move {
            steps::run_step(connection, progress, &FixedClock(1), lab, step, &values)
                .await
                .expect("recorded")
                .run
        }
    };

    let first = run(wrong).await;
    assert!(first.action.as_ref().unwrap().succeeded());
    assert!(!first.checks[0].passed);

    // Run again with the right key: the table is this lab's, so it is not refused, but it is
    // not what the step asks: the check says how, and the note how to start over.
    let again = run(engine::solution_values(step)).await;
    let action = again.action.as_ref().unwrap();
    assert!(action.succeeded(), "{action:#?}");
    assert_eq!(action.response["reused"], true);
    let note = action.note.as_ref().expect("a note");
    assert!(
        note.en.contains("aws dynamodb delete-table --table-name customers"),
        "the note names the command that deletes it: {note:?}"
    );
    let check = &again.checks[0];
    assert!(!check.passed);
    let differences: Vec<String> = check.differences.iter().map(ToString::to_string).collect();
    assert!(differences.iter().any(|d| d.contains("customer_id")), "{differences:?}");
    let diagnosis = check.diagnosis.as_ref().expect("what the key mismatch means");
    assert!(
        diagnosis.en.starts_with("customers has the key id. A table's key cannot change: delete the table and run this step again: aws dynamodb delete-table --table-name customers"),
        "{diagnosis:?}"
    );
    assert!(diagnosis.ko.contains("테이블의 키는 바꿀 수 없으니"), "{diagnosis:?}");
    assert!(!note.en.to_lowercase().contains("skip"), "never 'skip ahead' here: {note:?}");
}

/// What exists, by kind: names (and, for function versions, their code) as sorted lists, so two
/// inventories are equal exactly when the same things exist. Deployments are left out: every
/// Deploy makes one, as the console's does.
async fn inventory(clients: &Clients) -> HashMap<&'static str, Vec<String>> {
    let mut made: HashMap<&'static str, Vec<String>> = HashMap::new();
    let apis = clients.apigateway.get_rest_apis().limit(500).send().await.unwrap();
    for api in apis.items() {
        let name = api.name().unwrap_or_default();
        made.entry("apis").or_default().push(name.to_string());
        let id = api.id().unwrap_or_default();
        let resources =
            clients.apigateway.get_resources().rest_api_id(id).limit(500).send().await.unwrap();
        for resource in resources.items() {
            let methods = resource.resource_methods().map(|m| m.len()).unwrap_or(0);
            let path = resource.path().unwrap_or_default();
            made.entry("resources").or_default().push(format!("{name}{path} {methods}"));
        }
        let stages = clients.apigateway.get_stages().rest_api_id(id).send().await.unwrap();
        for stage in stages.item() {
            let stage = stage.stage_name().unwrap_or_default();
            made.entry("stages").or_default().push(format!("{name}/{stage}"));
        }
    }
    let functions = clients.lambda.list_functions().send().await.unwrap();
    for function in functions.functions() {
        let name = function.function_name().unwrap_or_default();
        made.entry("functions").or_default().push(name.to_string());
        let versions =
            clients.lambda.list_versions_by_function().function_name(name).send().await.unwrap();
        for version in versions.versions() {
            let (number, code) = (version.version().unwrap_or_default(), version.code_sha256());
            made.entry("versions").or_default().push(format!("{name}:{number} {code:?}"));
        }
        let aliases = clients.lambda.list_aliases().function_name(name).send().await.unwrap();
        for alias in aliases.aliases() {
            made.entry("aliases").or_default().push(format!("{name}:{:?}", alias.name()));
        }
        if let Ok(policy) = clients.lambda.get_policy().function_name(name).send().await {
            let policy: Value = serde_json::from_str(policy.policy().unwrap_or("{}")).unwrap();
            let statements = policy["Statement"].as_array().map_or(0, Vec::len);
            made.entry("statements").or_default().push(format!("{name} {statements}"));
        }
    }
    let tables = clients.dynamodb.list_tables().send().await.unwrap();
    made.insert("tables", tables.table_names().to_vec());
    let roles = clients.iam.list_roles().send().await.unwrap();
    made.insert("roles", roles.roles().iter().map(|role| role.role_name().to_string()).collect());
    let policies = clients
        .iam
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Local)
        .send()
        .await
        .unwrap();
    let names = policies.policies().iter().filter_map(|p| p.policy_name()).map(str::to_string);
    made.insert("policies", names.collect());
    let reservations = clients.ec2.describe_instances().send().await.unwrap();
    for instance in reservations.reservations().iter().flat_map(|r| r.instances()) {
        made.entry("instances").or_default().push(instance.instance_id().unwrap().to_string());
    }
    let alarms = clients.cloudwatch.describe_alarms().send().await.unwrap();
    let names = alarms.metric_alarms().iter().filter_map(|alarm| alarm.alarm_name());
    made.insert("alarms", names.map(str::to_string).collect());
    let subscriptions = clients.sns.list_subscriptions().send().await.unwrap();
    for subscription in subscriptions.subscriptions() {
        let topic = subscription.topic_arn().unwrap_or_default();
        let endpoint = subscription.endpoint().unwrap_or_default();
        made.entry("subscriptions").or_default().push(format!("{topic} {endpoint}"));
    }
    for list in made.values_mut() {
        list.sort();
    }
    made
}
