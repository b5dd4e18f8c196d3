//! The engine against an emulator keeping AWS's time (`--timing aws`), where what a call made is
//! not ready the moment it returns. Each test is a race the engine once lost against AWS.

use awslab_cloud::progress::Progress;
use awslab_core::engine;
use awslab_core::progress::ProgressStore;
use std::sync::{Arc, Mutex};

mod common;

use common::{emulator_keeping_aws_time, lab, solve};

/// The steps wait for the table to be `ACTIVE`, saying so while they wait. Clean-up right after
/// the lab's role was detached from its policy and its table deleted: IAM still lists the role
/// among the policy's entities, and DynamoDB still lists the table `DELETING`. Neither may make
/// clean-up keep the policy or report the table as left.
#[tokio::test(flavor = "multi_thread")]
async fn clean_up_holds_while_deletions_and_detachments_propagate() {
    let (_emulator, mut clients) = emulator_keeping_aws_time(7).await;
    let notes = Arc::new(Mutex::new(Vec::<String>::new()));
    let said = Arc::clone(&notes);
    clients.progress = Progress::to(move |note| said.lock().unwrap().push(note.en));
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    let mut store = ProgressStore::open_in_memory().unwrap();
    let ids = ["create-policy", "create-role", "create-table"];
    for run in solve(&clients, &identity, &lab, &ids).await {
        engine::record_created(&mut store, &clients, &identity, &lab, &run, 1).unwrap();
    }
    let waited_for = |what: &str| notes.lock().unwrap().iter().any(|note| note.contains(what));
    assert!(waited_for("waiting for the table customers to become ACTIVE… "), "{notes:?}");

    let report = engine::clean_up(&clients, &identity, &mut store, &lab).await.unwrap();
    assert!(report.clean(), "{report:#?}");
    assert!(report.kept.is_empty(), "the lab's own role does not keep its policy: {report:#?}");
    let deleted: Vec<&str> = report.deleted.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(deleted, ["dynamodb.table", "iam.role", "iam.policy"], "{report:#?}");
    let local = aws_sdk_iam::types::PolicyScopeType::Local;
    let policies = clients.iam.list_policies().scope(local).send().await.unwrap();
    assert!(policies.policies().is_empty(), "{policies:?}");
    assert!(store.ledger(&lab.id, awslab_core::progress::TargetKind::Emulator).unwrap().is_empty());
    assert!(waited_for("waiting for the table customers to be deleted… "), "{notes:?}");
}

/// A new function is `Pending` for a moment, and an updated one `InProgress`: the action that
/// made or changed it returns only once Lambda says it is `Active` with its update done, so the
/// step's checks (which invoke it) never meet it half made. Straight after Run, Lambda says so.
#[tokio::test(flavor = "multi_thread")]
async fn a_function_is_active_and_updated_when_its_action_returns() {
    use awslab_cloud::actions::{self, ActionContext};
    use awslab_lab::ActionKind;
    let (_emulator, clients) = emulator_keeping_aws_time(11).await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    solve(&clients, &identity, &lab, &["create-policy", "create-role"]).await;
    let ctx = ActionContext { clients: &clients, lab_id: &lab.id, step_id: "create-function" };
    let role = format!("arn:aws:iam::{}:role/aws-lab-dynamodb-role", identity.account);
    let code = "def lambda_handler(event, context):\n    return 1\n";
    let params = serde_json::json!({
        "function_name": "ready", "runtime": "python3.12", "role": role,
        "handler": "lambda_function.lambda_handler", "code": code,
    });
    let serde_json::Value::Object(params) = params else { unreachable!() };
    let state = || async {
        let config = clients.lambda.get_function_configuration().function_name("ready").send();
        let config = config.await.expect("GetFunctionConfiguration");
        let state = config.state().map(|s| s.as_str().to_string());
        (state, config.last_update_status().map(|s| s.as_str().to_string()))
    };
    let active = (Some("Active".to_string()), Some("Successful".to_string()));

    let created = actions::run(&ctx, ActionKind::LambdaCreateFunction, &params).await;
    assert!(created.succeeded(), "{created:#?}");
    assert_eq!(state().await, active, "straight after CreateFunction's Run");

    let mut changed = params.clone();
    changed.insert("code".into(), "def lambda_handler(event, context):\n    return 2\n".into());
    let updated = actions::run(&ctx, ActionKind::LambdaUpdateFunctionCode, &changed).await;
    assert!(updated.succeeded(), "{updated:#?}");
    assert_eq!(state().await, active, "straight after UpdateFunctionCode's Run");
}
