//! Lambda under AWS's time, through the official SDK: a role just created cannot be assumed yet,
//! a function just created is `Pending`, an update is `InProgress` for a moment, and the SDK's
//! waiters see each settle. Each test meets AWS's error first, then moves the emulator's clock
//! (or waits as a learner's tool would) and succeeds. The delays are drawn under a fixed seed,
//! and each test names its resources so that the window it looks into is long enough to hit
//! even on a loaded machine.

mod common;

use aws_sdk_lambda::client::Waiters;
use aws_sdk_lambda::error::ProvideErrorMetadata;
use aws_sdk_lambda::types::{FunctionCode, LastUpdateStatus, Runtime, State};
use awslab_emulator::{Clockwork, Delay, Emulator, EmulatorConfig, Timing};
use common::alarms::advance;
use common::lambda::{REGION, client, interpreters, json, start_with, zip};
use std::time::Duration;

const SEED: u64 = 16;
const CLOCKWORK: Clockwork = Clockwork { timing: Timing::Aws, seed: SEED };

async fn start() -> Emulator {
    let config = EmulatorConfig {
        interpreters: interpreters(),
        clockwork: CLOCKWORK,
        ..EmulatorConfig::default()
    };
    start_with(config).await
}

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{}:function:{name}", awslab_emulator::ACCOUNT_ID)
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{}:role/{name}", awslab_emulator::ACCOUNT_ID)
}

/// The first of `prefix-0`, `prefix-1`, … whose `delay` is at least `at_least` milliseconds.
fn name_delayed(prefix: &str, delay: Delay, at_least: i64, arn: fn(&str) -> String) -> String {
    (0..200)
        .map(|n| format!("{prefix}-{n}"))
        .find(|name| CLOCKWORK.delay(delay, &arn(name)) >= at_least)
        .expect("a name with a long enough delay")
}

async fn create_role(emulator: &Emulator, name: &str) -> String {
    common::lambda::role(emulator, name, None).await
}

fn code(answer: &str) -> FunctionCode {
    let source =
        format!("def lambda_handler(event, context):\n    return {{'answer': '{answer}'}}\n");
    FunctionCode::builder().zip_file(zip(&[("lambda_function.py", &source)])).build()
}

async fn create_function(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    role: &str,
) -> Result<
    aws_sdk_lambda::operation::create_function::CreateFunctionOutput,
    aws_sdk_lambda::error::SdkError<
        aws_sdk_lambda::operation::create_function::CreateFunctionError,
    >,
> {
    lambda
        .create_function()
        .function_name(name)
        .runtime(Runtime::Python312)
        .role(role)
        .handler("lambda_function.lambda_handler")
        .code(code("one"))
        .send()
        .await
}

/// A role and a function on it, both settled.
async fn settled_function(emulator: &Emulator, lambda: &aws_sdk_lambda::Client, name: &str) {
    let role = create_role(emulator, &format!("{name}-role")).await;
    advance(emulator, 11).await;
    create_function(lambda, name, &role).await.expect("the function");
    advance(emulator, 5).await;
}

async fn invoke(lambda: &aws_sdk_lambda::Client, name: &str) -> serde_json::Value {
    let answer = lambda.invoke().function_name(name).send().await.expect("an invocation");
    json(answer.payload())
}

fn status_of<E: ProvideErrorMetadata>(
    error: &aws_sdk_lambda::error::SdkError<E, aws_sdk_lambda::config::http::HttpResponse>,
) -> u16 {
    error.raw_response().map_or(0, |response| response.status().as_u16())
}

#[tokio::test]
async fn lambda_cannot_assume_a_role_until_iam_has_caught_up() {
    let emulator = start().await;
    let lambda = client(&emulator).await;
    let name = name_delayed("new-role", Delay::RoleAssumable, 8_000, role_arn);
    let role = create_role(&emulator, &name).await;

    let refused = create_function(&lambda, "early", &role).await.expect_err("too early");
    assert_eq!(refused.code(), Some("InvalidParameterValueException"));
    assert_eq!(
        refused.message(),
        Some("The role defined for the function cannot be assumed by Lambda.")
    );
    assert_eq!(status_of(&refused), 400);

    advance(&emulator, 10).await;
    let created = create_function(&lambda, "early", &role).await.expect("the role is assumable");
    assert_eq!(created.state(), Some(&State::Pending));
}

#[tokio::test]
async fn a_new_function_is_pending_and_refuses_invocations_until_it_is_active() {
    let emulator = start().await;
    let lambda = client(&emulator).await;
    let role = create_role(&emulator, "pending-role").await;
    advance(&emulator, 11).await;
    let name = name_delayed("pending", Delay::FunctionCreating, 3_000, function_arn);
    let created = create_function(&lambda, &name, &role).await.expect("the function");
    assert_eq!(created.state(), Some(&State::Pending));

    let refused = lambda.invoke().function_name(&name).send().await.expect_err("Pending");
    assert_eq!(refused.code(), Some("ResourceConflictException"));
    assert_eq!(
        refused.message(),
        Some(
            "The operation cannot be performed at this time. The function is currently in the \
             following state: Pending"
        )
    );
    assert_eq!(status_of(&refused), 409);
    let updating =
        lambda.update_function_code().function_name(&name).zip_file(zip(&[("a.py", "")]));
    let refused = updating.send().await.expect_err("no update while Pending");
    assert_eq!(refused.code(), Some("ResourceConflictException"));
    let seen = lambda.get_function().function_name(&name).send().await.expect("GetFunction");
    let configuration = seen.configuration().expect("a configuration");
    assert_eq!(configuration.state(), Some(&State::Pending));
    assert_eq!(configuration.state_reason_code().map(|code| code.as_str()), Some("Creating"));

    advance(&emulator, 4).await;
    let seen = lambda.get_function().function_name(&name).send().await.expect("GetFunction");
    let configuration = seen.configuration().expect("a configuration");
    assert_eq!(configuration.state(), Some(&State::Active));
    assert_eq!(configuration.last_update_status(), Some(&LastUpdateStatus::Successful));
    assert_eq!(invoke(&lambda, &name).await["answer"], "one");
}

#[tokio::test]
async fn the_sdks_waiter_sees_a_new_function_become_active() {
    let emulator = start().await;
    let lambda = client(&emulator).await;
    let role = create_role(&emulator, "waiter-role").await;
    advance(&emulator, 11).await;
    create_function(&lambda, "waited", &role).await.expect("the function");

    lambda
        .wait_until_function_active_v2()
        .function_name("waited")
        .wait(Duration::from_secs(60))
        .await
        .expect("the function becomes Active while the waiter polls");
    assert_eq!(invoke(&lambda, "waited").await["answer"], "one");
}

#[tokio::test]
async fn an_update_is_in_progress_for_a_moment_and_the_old_code_answers_meanwhile() {
    let emulator = start().await;
    let lambda = client(&emulator).await;
    settled_function(&emulator, &lambda, "updated").await;
    assert_eq!(invoke(&lambda, "updated").await["answer"], "one");

    let code_two = zip(&[(
        "lambda_function.py",
        "def lambda_handler(event, context):\n    return {'answer': 'two'}\n",
    )]);
    let answer = lambda
        .update_function_code()
        .function_name("updated")
        .zip_file(code_two)
        .send()
        .await
        .expect("the update");
    assert_eq!(answer.last_update_status(), Some(&LastUpdateStatus::InProgress));
    let seen = lambda.get_function().function_name("updated").send().await.expect("GetFunction");
    let configuration = seen.configuration().expect("a configuration");
    assert_eq!(configuration.state(), Some(&State::Active));
    assert_eq!(configuration.last_update_status(), Some(&LastUpdateStatus::InProgress));

    let refused = lambda.publish_version().function_name("updated").send().await;
    let refused = refused.expect_err("no version while the update is in progress");
    assert_eq!(refused.code(), Some("ResourceConflictException"));
    assert_eq!(
        refused.message().map(str::to_string),
        Some(format!(
            "The operation cannot be performed at this time. An update is in progress for \
             resource: {}",
            function_arn("updated")
        ))
    );
    assert_eq!(status_of(&refused), 409);
    let configuring = lambda.update_function_configuration().function_name("updated").timeout(9);
    let refused = configuring.send().await.expect_err("no second update meanwhile");
    assert_eq!(refused.code(), Some("ResourceConflictException"));
    assert_eq!(invoke(&lambda, "updated").await["answer"], "one", "the old code still answers");

    lambda
        .wait_until_function_updated_v2()
        .function_name("updated")
        .wait(Duration::from_secs(60))
        .await
        .expect("the update finishes while the waiter polls");
    assert_eq!(invoke(&lambda, "updated").await["answer"], "two");
    let published = lambda.publish_version().function_name("updated").send().await;
    assert_eq!(published.expect("a version after the update").version(), Some("1"));
}

#[tokio::test]
async fn instant_timing_makes_everything_ready_at_once() {
    let config = EmulatorConfig { interpreters: interpreters(), ..EmulatorConfig::default() };
    assert_eq!(config.clockwork.timing, Timing::Instant);
    let emulator = start_with(config).await;
    let lambda = client(&emulator).await;
    let role = create_role(&emulator, "instant-role").await;
    create_function(&lambda, "instant", &role).await.expect("the role is assumable at once");
    assert_eq!(invoke(&lambda, "instant").await["answer"], "one");
    let update = lambda.update_function_configuration().function_name("instant").timeout(9);
    update.send().await.expect("an update");
    let again = lambda.update_function_configuration().function_name("instant").timeout(10);
    again.send().await.expect("a second update at once");
    let seen = lambda.get_function().function_name("instant").send().await.expect("GetFunction");
    let configuration = seen.configuration().expect("a configuration");
    assert_eq!(configuration.last_update_status(), Some(&LastUpdateStatus::Successful));
}
