//! Lessons show the learner's own account, region and ids: the add-permission commands of
//! `api-stages-canary` carry the API id once the API exists, and a stand-in before.

use awslab_core::lab_view::{lab_view_in, lesson_context};
use awslab_emulator::ACCOUNT_ID;
use awslab_lab::TargetKind::Emulator;
use url::Url;

mod common;

use common::{emulator, lab};

#[tokio::test(flavor = "multi_thread")]
async fn the_permission_commands_carry_the_learners_account_region_and_api_id() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("api-stages-canary");
    let base = Url::parse("awslab-lab://localhost/api-stages-canary/").unwrap();
    let step = |view: &awslab_core::lab_view::LabView, id: &str| {
        view.steps.iter().find(|step| step.id == id).expect("the step").html.clone()
    };

    let before =
        lab_view_in(&lab, &base, &lesson_context(&clients, &identity, &lab).await, Emulator);
    let dev = step(&before, "permission-dev");
    assert!(
        dev.en.contains(&format!("arn:aws:lambda:ap-northeast-2:{ACCOUNT_ID}:function:")),
        "{}",
        dev.en
    );
    assert!(dev.en.contains(":&lt;API id&gt;/*/GET/stagevariables"), "{}", dev.en);
    assert!(dev.ko.contains(":&lt;API ID&gt;/*/GET/stagevariables"), "{}", dev.ko);

    let api = clients.apigateway.create_rest_api().name("my-first-api").send().await.unwrap();
    let id = api.id().unwrap().to_string();
    let after =
        lab_view_in(&lab, &base, &lesson_context(&clients, &identity, &lab).await, Emulator);
    for alias in ["permission-dev", "permission-test", "permission-prod"] {
        let html = step(&after, alias);
        assert!(
            html.en.contains(&format!(":{ACCOUNT_ID}:{id}/*/GET/stagevariables")),
            "{alias}: {}",
            html.en
        );
        assert!(
            html.ko.contains(&format!(":{ACCOUNT_ID}:{id}/*/GET/stagevariables")),
            "{alias}: {}",
            html.ko
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_curl_command_carries_the_learners_invoke_url() {
    let (_emulator, clients) = emulator().await;
    let identity = clients.whoami().await.expect("whoami");
    let lab = lab("serverless-api");
    let base = Url::parse("awslab-lab://localhost/serverless-api/").unwrap();
    let call = |view: &awslab_core::lab_view::LabView| {
        view.steps.iter().find(|step| step.id == "call-api").expect("the step").html.clone()
    };

    let before =
        call(&lab_view_in(&lab, &base, &lesson_context(&clients, &identity, &lab).await, Emulator));
    assert!(before.en.contains("curl -X POST \"&lt;invoke URL&gt;/customer\""), "{}", before.en);
    assert!(before.ko.contains("curl -X POST \"&lt;호출 URL&gt;/customer\""), "{}", before.ko);

    let api = clients.apigateway.create_rest_api().name("customer-api").send().await.unwrap();
    let url = clients.invoke_url(api.id().unwrap(), "dev");
    let after =
        call(&lab_view_in(&lab, &base, &lesson_context(&clients, &identity, &lab).await, Emulator));
    assert!(after.en.contains(&format!("curl -X POST \"{url}/customer\"")), "{}", after.en);
    assert!(after.ko.contains(&format!("curl -X POST \"{url}/customer\"")), "{}", after.ko);
}
