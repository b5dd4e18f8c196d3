//! API Gateway's deployments and stages with aws-sdk-apigateway: deployments as AWS refuses
//! and makes them, stages with variables and method settings, canaries created by a deployment
//! and promoted by `UpdateStage` patch operations, and tags on APIs and stages.

#[path = "common/apigateway.rs"]
mod apigw;
mod common;

use apigw::{client, method, rest_api};
use aws_sdk_apigateway::types::{
    CanarySettings, DeploymentCanarySettings, IntegrationType, Op, PatchOperation,
};
use common::iam::failure;

fn patch(op: Op, path: &str, value: Option<&str>) -> PatchOperation {
    PatchOperation::builder().op(op).path(path).set_value(value.map(Into::into)).build()
}

fn copy(from: &str, path: &str) -> PatchOperation {
    PatchOperation::builder().op(Op::Copy).from(from).path(path).build()
}

/// An API with `GET /` as a MOCK integration, ready to deploy.
async fn deployable(client: &aws_sdk_apigateway::Client, name: &str) -> (String, String) {
    let (api, root) = rest_api(client, name).await;
    method(client, &api, &root, "GET").await;
    client
        .put_integration()
        .rest_api_id(&api)
        .resource_id(&root)
        .http_method("GET")
        .r#type(IntegrationType::Mock)
        .request_templates("application/json", r#"{"statusCode": 200}"#)
        .send()
        .await
        .expect("the integration");
    (api, root)
}

#[tokio::test]
async fn deployments_and_stages_with_variables_and_method_settings() {
    let emulator = common::start().await;
    let client = client(&emulator).await;
    let (api, root) = rest_api(&client, "stages").await;
    let error =
        client.create_deployment().rest_api_id(&api).stage_name("dev").send().await.unwrap_err();
    assert_eq!(
        failure(error),
        ("BadRequestException".into(), "The REST API doesn't contain any methods".into(), 400)
    );
    method(&client, &api, &root, "GET").await;
    let error =
        client.create_deployment().rest_api_id(&api).stage_name("dev").send().await.unwrap_err();
    assert_eq!(
        failure(error),
        ("BadRequestException".into(), "No integration defined for method".into(), 400)
    );
    client
        .put_integration()
        .rest_api_id(&api)
        .resource_id(&root)
        .http_method("GET")
        .r#type(IntegrationType::Mock)
        .send()
        .await
        .unwrap();

    let deployment = client
        .create_deployment()
        .rest_api_id(&api)
        .stage_name("dev")
        .stage_description("development")
        .description("first")
        .variables("lambdaAlias", "DEV")
        .send()
        .await
        .expect("CreateDeployment");
    let deployment_id = deployment.id().unwrap().to_string();
    assert_eq!(deployment.description(), Some("first"));
    let dev =
        client.get_stage().rest_api_id(&api).stage_name("dev").send().await.expect("the stage");
    assert_eq!(dev.deployment_id(), Some(deployment_id.as_str()));
    assert_eq!(dev.description(), Some("development"));
    assert_eq!(dev.variables().unwrap()["lambdaAlias"], "DEV");
    assert_eq!(dev.cache_cluster_status().map(|s| s.as_str()), Some("NOT_AVAILABLE"));
    let summary = client
        .get_deployment()
        .rest_api_id(&api)
        .deployment_id(&deployment_id)
        .embed("apisummary")
        .send()
        .await
        .unwrap();
    assert_eq!(summary.api_summary().unwrap()["/"]["GET"].authorization_type(), Some("NONE"));
    assert_eq!(client.get_deployments().rest_api_id(&api).send().await.unwrap().items().len(), 1);

    let prod = client
        .create_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .deployment_id(&deployment_id)
        .variables("lambdaAlias", "PROD")
        .send()
        .await
        .expect("CreateStage");
    assert_eq!(prod.variables().unwrap()["lambdaAlias"], "PROD");
    let error = client
        .create_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .deployment_id(&deployment_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error), ("ConflictException".into(), "Stage already exists".into(), 409));
    let error = client
        .create_stage()
        .rest_api_id(&api)
        .stage_name("x")
        .deployment_id("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        ("NotFoundException".into(), "Invalid Deployment identifier specified".into(), 404)
    );
    let stages = client.get_stages().rest_api_id(&api).send().await.unwrap();
    let names: Vec<_> = stages.item().iter().filter_map(|s| s.stage_name()).collect();
    assert_eq!(names, ["dev", "prod"]);

    let updated = client
        .update_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .patch_operations(patch(Op::Replace, "/variables/lambdaAlias", Some("TEST")))
        .patch_operations(patch(Op::Replace, "/description", Some("production")))
        .patch_operations(patch(Op::Replace, "/*/*/throttling/rateLimit", Some("100")))
        .patch_operations(patch(Op::Replace, "/*/*/throttling/burstLimit", Some("50")))
        .patch_operations(patch(Op::Replace, "/~1/GET/logging/loglevel", Some("INFO")))
        .send()
        .await
        .expect("UpdateStage");
    assert_eq!(updated.variables().unwrap()["lambdaAlias"], "TEST");
    assert_eq!(updated.description(), Some("production"));
    let all = &updated.method_settings().unwrap()["*/*"];
    assert_eq!((all.throttling_rate_limit(), all.throttling_burst_limit()), (100.0, 50));
    assert_eq!(updated.method_settings().unwrap()["~1/GET"].logging_level(), Some("INFO"));
    let error = client
        .update_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .patch_operations(patch(Op::Replace, "/bogus", Some("x")))
        .send()
        .await
        .unwrap_err();
    let (code, message, status) = failure(error);
    assert_eq!((code.as_str(), status), ("BadRequestException", 400));
    assert!(
        message.starts_with(
            "Invalid method setting path: /bogus. Must be one of: [/deploymentId, /description,"
        ),
        "{message}"
    );

    let error = client
        .delete_deployment()
        .rest_api_id(&api)
        .deployment_id(&deployment_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        (
            "BadRequestException".into(),
            "Active stages pointing to this deployment must be moved or deleted".into(),
            400
        )
    );
    for stage in ["dev", "prod"] {
        client
            .delete_stage()
            .rest_api_id(&api)
            .stage_name(stage)
            .send()
            .await
            .expect("DeleteStage");
    }
    let error = client.get_stage().rest_api_id(&api).stage_name("dev").send().await.unwrap_err();
    assert_eq!(
        failure(error),
        ("NotFoundException".into(), "Invalid Stage identifier specified".into(), 404)
    );
    client
        .delete_deployment()
        .rest_api_id(&api)
        .deployment_id(&deployment_id)
        .send()
        .await
        .expect("DeleteDeployment");
    let error = client
        .get_deployment()
        .rest_api_id(&api)
        .deployment_id(&deployment_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).1, "Invalid Deployment identifier specified");
}

#[tokio::test]
async fn a_canary_is_created_by_a_deployment_and_promoted_by_patch_operations() {
    let emulator = common::start().await;
    let client = client(&emulator).await;
    let (api, _) = deployable(&client, "canary").await;
    let canary = || {
        DeploymentCanarySettings::builder()
            .percent_traffic(50.0)
            .stage_variable_overrides("lambdaAlias", "TEST")
            .build()
    };
    let error = client
        .create_deployment()
        .rest_api_id(&api)
        .canary_settings(canary())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error).1,
        "Invalid deployment content specified.Non null and non empty stageName must be provided for canary deployment. Provided value is null"
    );
    let error = client
        .create_deployment()
        .rest_api_id(&api)
        .stage_name("prod")
        .canary_settings(canary())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error).1,
        "Invalid deployment content specified.Stage prod must already be created before making a canary release deployment"
    );
    let first = client
        .create_deployment()
        .rest_api_id(&api)
        .stage_name("prod")
        .variables("lambdaAlias", "PROD")
        .variables("other", "kept")
        .send()
        .await
        .unwrap();
    let first = first.id().unwrap().to_string();
    let second = client
        .create_deployment()
        .rest_api_id(&api)
        .stage_name("prod")
        .canary_settings(canary())
        .send()
        .await
        .unwrap();
    let second = second.id().unwrap().to_string();
    let prod = client.get_stage().rest_api_id(&api).stage_name("prod").send().await.unwrap();
    assert_eq!(
        prod.deployment_id(),
        Some(first.as_str()),
        "the stage's own deployment does not move"
    );
    let settings = prod.canary_settings().expect("a canary");
    assert_eq!(
        (settings.deployment_id(), settings.percent_traffic()),
        (Some(second.as_str()), 50.0)
    );
    assert_eq!(settings.stage_variable_overrides().unwrap()["lambdaAlias"], "TEST");

    let error = client
        .delete_deployment()
        .rest_api_id(&api)
        .deployment_id(&second)
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).0, "BadRequestException", "a canary's deployment is in use");
    let error = client
        .update_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .patch_operations(copy("/variables", "/canarySettings/stageVariableOverrides"))
        .send()
        .await
        .unwrap_err();
    assert!(failure(error).1.starts_with("Invalid copy operation with path: /canarySettings/stageVariableOverrides and from /variables."));
    let error = client
        .update_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .patch_operations(patch(Op::Add, "/canarySettings/deploymentId", Some(&first)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).1, "Invalid add operation with path: /canarySettings/deploymentId");
    let changed = client
        .update_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .patch_operations(patch(Op::Replace, "/canarySettings/percentTraffic", Some("25.5")))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.canary_settings().unwrap().percent_traffic(), 25.5);

    let promoted = client
        .update_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .patch_operations(copy("/canarySettings/stageVariableOverrides", "/variables"))
        .patch_operations(copy("/canarySettings/deploymentId", "/deploymentId"))
        .patch_operations(patch(Op::Remove, "/canarySettings", None))
        .send()
        .await
        .expect("the promotion");
    assert_eq!(promoted.deployment_id(), Some(second.as_str()));
    assert!(promoted.canary_settings().is_none());
    let variables = promoted.variables().unwrap();
    assert_eq!((variables["lambdaAlias"].as_str(), variables["other"].as_str()), ("TEST", "kept"));

    let error = client
        .update_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .patch_operations(copy("/canarySettings/deploymentId", "/deploymentId"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        (
            "BadRequestException".into(),
            "Promotion not available. Canary does not exist.".into(),
            400
        )
    );

    let created = client
        .create_stage()
        .rest_api_id(&api)
        .stage_name("beta")
        .deployment_id(&first)
        .canary_settings(
            CanarySettings::builder().percent_traffic(10.0).deployment_id(&second).build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.canary_settings().unwrap().deployment_id(), Some(second.as_str()));
    let error = client
        .create_stage()
        .rest_api_id(&api)
        .stage_name("gamma")
        .deployment_id(&first)
        .canary_settings(CanarySettings::builder().deployment_id("nope").build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).1, "Deployment id does not exist");
}

#[tokio::test]
async fn tags_on_apis_and_stages() {
    let emulator = common::start().await;
    let client = client(&emulator).await;
    let (api, _) = deployable(&client, "tagged").await;
    client.create_deployment().rest_api_id(&api).stage_name("dev").send().await.unwrap();
    let api_arn = format!("arn:aws:apigateway:{}::/restapis/{api}", apigw::REGION);
    let stage_arn = format!("{api_arn}/stages/dev");
    client
        .tag_resource()
        .resource_arn(&api_arn)
        .tags("awslab:lab", "api-stages-canary")
        .tags("team", "a")
        .send()
        .await
        .expect("TagResource");
    client
        .tag_resource()
        .resource_arn(&stage_arn)
        .tags("stage", "dev")
        .send()
        .await
        .expect("TagResource on a stage");
    let tags = client.get_tags().resource_arn(&api_arn).send().await.unwrap();
    assert_eq!(tags.tags().unwrap().len(), 2);
    client
        .untag_resource()
        .resource_arn(&api_arn)
        .tag_keys("team")
        .send()
        .await
        .expect("UntagResource");
    let tags = client.get_tags().resource_arn(&api_arn).send().await.unwrap();
    assert_eq!(tags.tags().unwrap().keys().collect::<Vec<_>>(), ["awslab:lab"]);
    let stage = client.get_stage().rest_api_id(&api).stage_name("dev").send().await.unwrap();
    assert_eq!(stage.tags().unwrap()["stage"], "dev");
    let error = client
        .get_tags()
        .resource_arn(format!("arn:aws:apigateway:{}::/restapis/nope", apigw::REGION))
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).1, "Invalid API identifier specified 000000000000:nope");
}
