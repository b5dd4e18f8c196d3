//! API keys, usage plans and usage plan keys with aws-sdk-apigateway: their shapes, paging and
//! filters, patch operations, and AWS's refusals word for word (what the invoke URL does with
//! them is in `apigateway_usage.rs`).

#[path = "common/apigateway.rs"]
mod apigw;
mod common;

use apigw::{client, method, rest_api};
use aws_sdk_apigateway::Client;
use aws_sdk_apigateway::types::{
    ApiStage, IntegrationType, Op, PatchOperation, QuotaPeriodType, QuotaSettings, ThrottleSettings,
};
use common::iam::failure;

fn patch(op: Op, path: &str, value: Option<&str>) -> PatchOperation {
    PatchOperation::builder().op(op).path(path).set_value(value.map(Into::into)).build()
}

/// An API with `GET /` as a MOCK, deployed to `dev`; returns its id.
async fn deployed(client: &Client, name: &str) -> String {
    let (api, root) = rest_api(client, name).await;
    method(client, &api, &root, "GET").await;
    client
        .put_integration()
        .rest_api_id(&api)
        .resource_id(&root)
        .http_method("GET")
        .r#type(IntegrationType::Mock)
        .send()
        .await
        .expect("the integration");
    client.create_deployment().rest_api_id(&api).stage_name("dev").send().await.expect("dev");
    api
}

#[tokio::test]
async fn api_keys_are_created_found_listed_updated_and_deleted() {
    let emulator = common::start().await;
    let client = client(&emulator).await;
    let created = client
        .create_api_key()
        .name("lab-key")
        .description("the lab's client")
        .enabled(true)
        .customer_id("student-1")
        .tags("awslab:lab", "lambda-logs-auth")
        .send()
        .await
        .expect("CreateApiKey");
    let id = created.id().unwrap().to_string();
    assert_eq!(id.len(), 10, "{id}");
    let value = created.value().expect("the value, on creation").to_string();
    assert_eq!(value.len(), 40);
    assert!(value.bytes().all(|b| b.is_ascii_alphanumeric()), "{value}");
    assert!(created.enabled());
    assert_eq!(created.stage_keys(), Vec::<String>::new().as_slice());
    assert_eq!(created.customer_id(), Some("student-1"));
    assert!(created.created_date().is_some() && created.last_updated_date().is_some());

    let second = client.create_api_key().name("other").send().await.unwrap();
    assert!(!second.enabled(), "AWS creates keys disabled unless told");
    let chosen = "a-value-of-my-own-choosing-1234";
    let third = client.create_api_key().name("lab-chosen").value(chosen).send().await.unwrap();
    assert_eq!(third.value(), Some(chosen));

    let refusals = [
        (client.create_api_key().value("short"), "API Key value should be at least 20 characters"),
        (
            client.create_api_key().value("a".repeat(129)),
            "API Key value exceeds maximum size of 128 characters",
        ),
        (
            client.create_api_key().name("n".repeat(1025)),
            "Invalid API Key name, can be at most 1024 characters.",
        ),
    ];
    for (request, message) in refusals {
        let error = request.send().await.unwrap_err();
        assert_eq!(failure(error), ("BadRequestException".into(), message.into(), 400));
    }
    let error = client.create_api_key().name("copy").value(chosen).send().await.unwrap_err();
    assert_eq!(failure(error), ("ConflictException".into(), "API Key already exists".into(), 409));

    let found = client.get_api_key().api_key(&id).send().await.expect("GetApiKey");
    assert_eq!((found.name(), found.value()), (Some("lab-key"), None));
    assert_eq!(found.tags().unwrap()["awslab:lab"], "lambda-logs-auth");
    let with_value = client.get_api_key().api_key(&id).include_value(true).send().await.unwrap();
    assert_eq!(with_value.value(), Some(value.as_str()));
    let error = client.get_api_key().api_key("nokey12345").send().await.unwrap_err();
    assert_eq!(
        failure(error),
        ("NotFoundException".into(), "Invalid API Key identifier specified".into(), 404)
    );

    let listed = client.get_api_keys().send().await.expect("GetApiKeys");
    let names: Vec<_> = listed.items().iter().filter_map(|key| key.name()).collect();
    assert_eq!(names, ["lab-chosen", "other", "lab-key"], "newest first");
    assert!(listed.items().iter().all(|key| key.value().is_none()));
    let lab = client.get_api_keys().name_query("lab").include_values(true).send().await.unwrap();
    let named: Vec<_> = lab.items().iter().map(|key| (key.name(), key.value())).collect();
    assert_eq!(named, [(Some("lab-chosen"), Some(chosen)), (Some("lab-key"), Some(&*value))]);
    let cased = client.get_api_keys().name_query("LAB").send().await.unwrap();
    assert!(cased.items().is_empty(), "a name query is case-sensitive");
    let customer = client.get_api_keys().customer_id("student-1").send().await.unwrap();
    assert_eq!(customer.items().len(), 1);
    let first = client.get_api_keys().limit(2).send().await.unwrap();
    assert_eq!(first.items().len(), 2);
    let position = first.position().expect("a next page").to_string();
    let rest = client.get_api_keys().limit(2).position(position).send().await.unwrap();
    assert_eq!(rest.items().iter().filter_map(|key| key.name()).collect::<Vec<_>>(), ["lab-key"]);
    assert_eq!(rest.position(), None);

    let updated = client
        .update_api_key()
        .api_key(&id)
        .patch_operations(patch(Op::Replace, "/name", Some("renamed")))
        .patch_operations(patch(Op::Replace, "/description", Some("new words")))
        .patch_operations(patch(Op::Replace, "/enabled", Some("false")))
        .patch_operations(patch(Op::Replace, "/customerId", Some("student-2")))
        .send()
        .await
        .expect("UpdateApiKey");
    assert_eq!((updated.name(), updated.description()), (Some("renamed"), Some("new words")));
    assert_eq!((updated.enabled(), updated.customer_id()), (false, Some("student-2")));
    assert_eq!(updated.value(), None);
    let error = client
        .update_api_key()
        .api_key(&id)
        .patch_operations(patch(Op::Replace, "/id", Some("new-id")))
        .send()
        .await
        .unwrap_err();
    let expected = "Invalid patch path  '/id' specified for op 'replace'. Must be one of: \
                    [/description, /enabled, /name, /customerId]";
    assert_eq!(failure(error), ("BadRequestException".into(), expected.into(), 400));

    client.delete_api_key().api_key(&id).send().await.expect("DeleteApiKey");
    let error = client.get_api_key().api_key(&id).send().await.unwrap_err();
    assert_eq!(failure(error).2, 404);
    let error = client.delete_api_key().api_key(&id).send().await.unwrap_err();
    assert_eq!(failure(error).0, "NotFoundException");
}

#[tokio::test]
async fn usage_plans_cover_existing_stages_and_are_patched() {
    let emulator = common::start().await;
    let client = client(&emulator).await;
    let api = deployed(&client, "planned").await;
    let dev = ApiStage::builder()
        .api_id(&api)
        .stage("dev")
        .throttle("/GET", ThrottleSettings::builder().rate_limit(1.0).burst_limit(1).build())
        .build();
    let created = client
        .create_usage_plan()
        .name("basic")
        .description("small and slow")
        .api_stages(dev)
        .throttle(ThrottleSettings::builder().rate_limit(2.0).burst_limit(1).build())
        .quota(QuotaSettings::builder().limit(10).period(QuotaPeriodType::Day).build())
        .tags("awslab:lab", "lambda-logs-auth")
        .send()
        .await
        .expect("CreateUsagePlan");
    let id = created.id().unwrap().to_string();
    assert_eq!(id.len(), 6, "{id}");
    let throttle = created.throttle().unwrap();
    assert_eq!((throttle.rate_limit(), throttle.burst_limit()), (2.0, 1));
    let quota = created.quota().unwrap();
    assert_eq!(
        (quota.limit(), quota.offset(), quota.period()),
        (10, 0, Some(&QuotaPeriodType::Day))
    );
    let stage = &created.api_stages()[0];
    assert_eq!((stage.api_id(), stage.stage()), (Some(api.as_str()), Some("dev")));
    assert_eq!(stage.throttle().unwrap()["/GET"].burst_limit(), 1);

    let error = client
        .create_usage_plan()
        .name("nowhere")
        .api_stages(ApiStage::builder().api_id(&api).stage("prod").build())
        .send()
        .await
        .unwrap_err();
    let expected = format!("API Stage not found: {api}:prod");
    assert_eq!(failure(error), ("NotFoundException".into(), expected, 404));
    let error = client
        .create_usage_plan()
        .name("badly-timed")
        .quota(QuotaSettings::builder().limit(1).period(QuotaPeriodType::from("YEAR")).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).0, "ValidationException");

    let found = client.get_usage_plan().usage_plan_id(&id).send().await.expect("GetUsagePlan");
    assert_eq!(found.name(), Some("basic"));
    assert_eq!(found.tags().unwrap()["awslab:lab"], "lambda-logs-auth");
    let error = client.get_usage_plan().usage_plan_id("nope00").send().await.unwrap_err();
    assert_eq!(
        failure(error),
        ("NotFoundException".into(), "Invalid Usage Plan ID specified".into(), 404)
    );
    let empty = client.create_usage_plan().name("empty").send().await.unwrap();
    assert!(empty.api_stages().is_empty() && empty.throttle().is_none() && empty.quota().is_none());
    let plans = client.get_usage_plans().send().await.expect("GetUsagePlans");
    let names: Vec<_> = plans.items().iter().filter_map(|plan| plan.name()).collect();
    assert_eq!(names, ["basic", "empty"]);

    let updated = client
        .update_usage_plan()
        .usage_plan_id(&id)
        .patch_operations(patch(Op::Replace, "/name", Some("standard")))
        .patch_operations(patch(Op::Replace, "/throttle/rateLimit", Some("200")))
        .patch_operations(patch(Op::Replace, "/throttle/burstLimit", Some("100")))
        .patch_operations(patch(Op::Replace, "/quota/period", Some("MONTH")))
        .patch_operations(patch(Op::Replace, "/quota/limit", Some("5000")))
        .patch_operations(patch(
            Op::Replace,
            &format!("/apiStages/{api}:dev/throttle/~1/GET/rateLimit"),
            Some("5"),
        ))
        .send()
        .await
        .expect("UpdateUsagePlan");
    assert_eq!(updated.name(), Some("standard"));
    let throttle = updated.throttle().unwrap();
    assert_eq!((throttle.rate_limit(), throttle.burst_limit()), (200.0, 100));
    let quota = updated.quota().unwrap();
    assert_eq!((quota.limit(), quota.period()), (5000, Some(&QuotaPeriodType::Month)));
    assert_eq!(updated.api_stages()[0].throttle().unwrap()["/GET"].rate_limit(), 5.0);

    let stage_refusals = [
        (None, "BadRequestException", "Invalid API Stage specified".to_string(), 400),
        (
            Some("fakevalue".to_string()),
            "BadRequestException",
            "Invalid API Stage specified".into(),
            400,
        ),
        (
            Some(format!("{api}:fakestagename")),
            "NotFoundException",
            format!(
                "Invalid API Stage {{api: {api}, stage: fakestagename}} specified for usageplan {id}"
            ),
            404,
        ),
    ];
    for (value, code, message, status) in stage_refusals {
        let error = client
            .update_usage_plan()
            .usage_plan_id(&id)
            .patch_operations(patch(Op::Remove, "/apiStages", value.as_deref()))
            .send()
            .await
            .unwrap_err();
        assert_eq!(failure(error), (code.into(), message, status));
    }
    let removed = client
        .update_usage_plan()
        .usage_plan_id(&id)
        .patch_operations(patch(Op::Remove, "/apiStages", Some(&format!("{api}:dev"))))
        .patch_operations(patch(Op::Remove, "/quota", None))
        .send()
        .await
        .unwrap();
    assert!(removed.api_stages().is_empty() && removed.quota().is_none());
    let added = client
        .update_usage_plan()
        .usage_plan_id(&id)
        .patch_operations(patch(Op::Add, "/apiStages", Some(&format!("{api}:dev"))))
        .send()
        .await
        .unwrap();
    assert_eq!(added.api_stages().len(), 1);
    let error = client
        .update_usage_plan()
        .usage_plan_id("nope00")
        .patch_operations(patch(Op::Replace, "/name", Some("x")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).1, "Invalid Usage Plan ID specified");

    client.delete_usage_plan().usage_plan_id(&id).send().await.expect("DeleteUsagePlan");
    let error = client.get_usage_plan().usage_plan_id(&id).send().await.unwrap_err();
    assert_eq!(failure(error).2, 404);
}

#[tokio::test]
async fn keys_join_plans_one_plan_per_stage_and_usage_is_reported() {
    let emulator = common::start().await;
    let client = client(&emulator).await;
    let api = deployed(&client, "metered").await;
    let dev = || ApiStage::builder().api_id(&api).stage("dev").build();
    let plan = client
        .create_usage_plan()
        .name("basic")
        .api_stages(dev())
        .quota(QuotaSettings::builder().limit(100).period(QuotaPeriodType::Day).build())
        .send()
        .await
        .unwrap();
    let plan_id = plan.id().unwrap().to_string();
    let first = client.create_api_key().name("first").enabled(true).send().await.unwrap();
    let second = client.create_api_key().name("second").enabled(true).send().await.unwrap();
    let first_id = first.id().unwrap().to_string();
    let second_id = second.id().unwrap().to_string();

    let added = client
        .create_usage_plan_key()
        .usage_plan_id(&plan_id)
        .key_id(&first_id)
        .key_type("API_KEY")
        .send()
        .await
        .expect("CreateUsagePlanKey");
    assert_eq!(
        (added.id(), added.r#type(), added.name(), added.value()),
        (Some(first_id.as_str()), Some("API_KEY"), Some("first"), first.value())
    );
    client
        .create_usage_plan_key()
        .usage_plan_id(&plan_id)
        .key_id(&second_id)
        .key_type("API_KEY")
        .send()
        .await
        .unwrap();
    let keys = client.get_usage_plan_keys().usage_plan_id(&plan_id).send().await.unwrap();
    let names: Vec<_> = keys.items().iter().filter_map(|key| key.name()).collect();
    assert_eq!(names, ["second", "first"], "newest first");
    let named = client.get_usage_plan_keys().usage_plan_id(&plan_id).name_query("fir").send();
    assert_eq!(named.await.unwrap().items().len(), 1);
    let unknown = client.get_usage_plan_keys().usage_plan_id("nope00").send().await.unwrap();
    assert!(unknown.items().is_empty(), "AWS lists no keys for a plan that is not there");
    let key = client.get_usage_plan_key().usage_plan_id(&plan_id).key_id(&first_id).send();
    assert_eq!(key.await.expect("GetUsagePlanKey").name(), Some("first"));

    let error = client
        .create_usage_plan_key()
        .usage_plan_id(&plan_id)
        .key_id("nokey12345")
        .key_type("API_KEY")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        ("NotFoundException".into(), "Invalid API Key identifier specified".into(), 404)
    );
    let rival = client.create_usage_plan().name("rival").api_stages(dev()).send().await.unwrap();
    let rival_id = rival.id().unwrap().to_string();
    let error = client
        .create_usage_plan_key()
        .usage_plan_id(&rival_id)
        .key_id(&first_id)
        .key_type("API_KEY")
        .send()
        .await
        .unwrap_err();
    let (code, message, status) = failure(error);
    assert_eq!((code.as_str(), status), ("ConflictException", 409));
    assert!(message.contains(&format!("same API Stage: {api}:dev")), "{message}");
    let of_key = client.get_usage_plans().key_id(&first_id).send().await.unwrap();
    let plans: Vec<_> = of_key.items().iter().filter_map(|plan| plan.id()).collect();
    assert_eq!(plans, [plan_id.as_str()]);

    let today = time::OffsetDateTime::now_utc().date();
    let day = format!("{:04}-{:02}-{:02}", today.year(), u8::from(today.month()), today.day());
    let usage = client
        .get_usage()
        .usage_plan_id(&plan_id)
        .start_date(&day)
        .end_date(&day)
        .send()
        .await
        .expect("GetUsage");
    assert_eq!((usage.usage_plan_id(), usage.start_date()), (Some(plan_id.as_str()), Some(&*day)));
    let values = usage.items().expect("values by key");
    assert_eq!(values[&first_id], [vec![0, 100]]);
    let only = client
        .get_usage()
        .usage_plan_id(&plan_id)
        .key_id(&second_id)
        .start_date(&day)
        .end_date(&day)
        .send()
        .await
        .unwrap();
    assert_eq!(only.items().unwrap().keys().collect::<Vec<_>>(), [&second_id]);

    client
        .delete_usage_plan_key()
        .usage_plan_id(&plan_id)
        .key_id(&first_id)
        .send()
        .await
        .expect("DeleteUsagePlanKey");
    let error = client
        .get_usage_plan_key()
        .usage_plan_id(&plan_id)
        .key_id(&first_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).2, 404);
    client.delete_api_key().api_key(&second_id).send().await.unwrap();
    let keys = client.get_usage_plan_keys().usage_plan_id(&plan_id).send().await.unwrap();
    assert!(keys.items().is_empty(), "a deleted key leaves its plans");
}

#[tokio::test]
async fn keys_and_plans_survive_a_restart_and_follow_resets_and_snapshots() {
    let folder = tempfile::tempdir().unwrap();
    let config = awslab_emulator::EmulatorConfig {
        data_dir: Some(folder.path().to_path_buf()),
        ..awslab_emulator::EmulatorConfig::default()
    };
    let emulator = awslab_emulator::Emulator::start(config.clone()).await.unwrap();
    let client = client(&emulator).await;
    let kept = client.create_api_key().name("kept").enabled(true).send().await.unwrap();
    let kept_id = kept.id().unwrap().to_string();
    let plan = client.create_usage_plan().name("kept-plan").send().await.unwrap();
    let plan_id = plan.id().unwrap().to_string();
    client
        .create_usage_plan_key()
        .usage_plan_id(&plan_id)
        .key_id(&kept_id)
        .key_type("API_KEY")
        .send()
        .await
        .unwrap();
    emulator.shutdown().await;

    let emulator = awslab_emulator::Emulator::start(config).await.unwrap();
    let client = apigw::client(&emulator).await;
    let found = client.get_api_key().api_key(&kept_id).include_value(true).send().await;
    assert_eq!(found.expect("the key was saved").value(), kept.value());
    let keys = client.get_usage_plan_keys().usage_plan_id(&plan_id).send().await.unwrap();
    assert_eq!(keys.items().len(), 1, "the plan and its key were saved");

    let lab = ("awslab:lab", "lambda-logs-auth");
    let lab_key = client.create_api_key().name("lab").tags(lab.0, lab.1).send().await.unwrap();
    let lab_plan = client.create_usage_plan().name("lab").tags(lab.0, lab.1).send().await;
    let lab_plan = lab_plan.unwrap().id().unwrap().to_string();
    let tagged = format!("arn:aws:apigateway:{}::/apikeys/{kept_id}", apigw::REGION);
    client.tag_resource().resource_arn(&tagged).tags("team", "a").send().await.unwrap();
    let tags = client.get_tags().resource_arn(&tagged).send().await.unwrap();
    assert_eq!(tags.tags().unwrap()["team"], "a");

    let port = emulator.port();
    let token = [common::token(&emulator)];
    let control =
        |method: &'static str, path: &'static str| common::send(port, method, path, &token, b"");
    assert_eq!(control("POST", "/_awslab/snapshots/before-lab").await.status, 201);
    let reset = control("POST", "/_awslab/reset?lab=lambda-logs-auth").await;
    assert_eq!(reset.status, 200);
    let lab_key_id = lab_key.id().unwrap();
    assert!(reset.body.contains(&format!("/apikeys/{lab_key_id}")), "{}", reset.body);
    assert!(reset.body.contains(&format!("/usageplans/{lab_plan}")), "{}", reset.body);
    assert!(client.get_api_key().api_key(lab_key_id).send().await.is_err());
    assert!(client.get_api_key().api_key(&kept_id).send().await.is_ok(), "other keys stay");

    assert_eq!(control("POST", "/_awslab/snapshots/before-lab/restore").await.status, 200);
    assert!(client.get_api_key().api_key(lab_key_id).send().await.is_ok(), "restored");
    assert_eq!(control("POST", "/_awslab/reset").await.status, 200);
    assert!(client.get_api_keys().send().await.unwrap().items().is_empty());
    assert!(client.get_usage_plans().send().await.unwrap().items().is_empty());
}
