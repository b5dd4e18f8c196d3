//! The explorer against a real emulator: after the `serverless-api` solution it shows the lab's
//! role with its trust and policy, the table with the stored customer, the function with its log
//! lines, and the API with the `dev` stage's invoke URL, which answers a request; the learner's
//! other resources are not listed.

use awslab_cloud::explorer::{explore, send_request};
use awslab_core::engine;

mod common;

use common::{emulator, lab, learners_own_table};

#[tokio::test(flavor = "multi_thread")]
async fn the_explorer_shows_what_the_lab_made_and_only_that() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    for step in &lab.steps {
        let run =
            engine::run_step(&clients, &identity, &lab, step, &engine::solution_values(step)).await;
        assert!(run.passed(), "step {} failed", step.id);
    }
    // The learner's own table, made outside the lab.
    learners_own_table(&clients, "my-own-table").await;

    let explorer = explore(&clients, &lab.id).await.expect("the explorer reads the target");

    let role = explorer.roles.iter().find(|r| r.name == "aws-lab-dynamodb-role").expect("the role");
    assert_eq!(role.trusted, vec!["lambda.amazonaws.com".to_string()]);
    assert!(role.policies.contains(&"aws-lab-dynamodb-putitem-policy".to_string()), "{role:?}");
    let policy = &explorer.policies[0];
    assert_eq!(policy.document["Statement"][0]["Action"], serde_json::json!("dynamodb:PutItem"));
    let tables: Vec<&str> = explorer.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tables, vec!["customers"], "only the lab's table");
    assert_eq!(explorer.tables[0].keys, vec!["customer_id (HASH, S)".to_string()]);
    assert!(explorer.tables[0].items.iter().any(|item| item["customer_id"] == "2024AWS"));
    let function = &explorer.functions[0];
    assert_eq!((function.name.as_str(), function.runtime.as_str()), ("addCustomer", "python3.12"));
    assert!(
        function.log_lines.iter().any(|line| line.starts_with("REPORT RequestId")),
        "{function:?}"
    );
    let api = &explorer.apis[0];
    assert_eq!(api.name, "customer-api");
    assert!(api.routes.contains(&"POST /customer".to_string()), "{:?}", api.routes);
    let dev = api.stages.iter().find(|stage| stage.name == "dev").expect("the dev stage");

    let answer = send_request(
        &clients,
        "POST",
        &format!("{}/customer", dev.invoke_url),
        Some(r#"{"customer_id": "explorer-1", "customer_name": "Minsu"}"#),
        &[],
    )
    .await
    .expect("the invoke URL answers");
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body.contains("Data Successfully Inserted!"), "{}", answer.body);
    let wrong =
        send_request(&clients, "GET", &format!("{}/wrong", dev.invoke_url), None, &[]).await;
    assert_eq!(wrong.expect("an answer").status, 403);
}
