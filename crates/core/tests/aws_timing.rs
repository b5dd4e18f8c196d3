//! The engine against an emulator keeping AWS's time (`--timing aws`), where what a call made is
//! not ready the moment it returns. Each test is a race the engine once lost against AWS.

use awslab_cloud::progress::Progress;
use awslab_core::engine;
use awslab_core::progress::ProgressStore;
use std::sync::{Arc, Mutex};

mod common;

use common::{emulator_keeping_aws_time, lab};

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
    for id in ["create-policy", "create-role", "create-table"] {
        let step = lab.step(id).expect("the step");
        let run =
            engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
        assert!(run.passed(), "{run:#?}");
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
