//! The control endpoints under `/_awslab/`: what the app (and tests) ask of the emulator itself,
//! rather than of an AWS service. Unsigned, but `gate` lets through only requests with the
//! launch's control token (`X-Awslab-Token`); JSON in and out, errors as
//! `{"code": "…", "message": "…"}`.
//!
//! - `POST /_awslab/reset`: forget everything (IAM, STS sessions, every DynamoDB region, Lambda,
//!   CloudWatch Logs, API Gateway, CloudWatch, SNS and its mailbox, SSM parameters).
//! - `POST /_awslab/reset?lab=ID`: delete only what is tagged `awslab:lab` = ID (IAM roles and
//!   customer managed policies, DynamoDB tables, Lambda functions, log groups, REST APIs, EC2
//!   instances with their root volumes and security groups, CloudWatch alarms, SNS topics, SSM
//!   parameters), leaving the learner's other work alone.
//! - `GET /_awslab/snapshots`: the saved snapshots' names.
//! - `POST /_awslab/snapshots/{name}`: save the whole state under a name (replacing one of the
//!   same name); `POST /_awslab/snapshots/{name}/restore`: make the state what it was;
//!   `DELETE /_awslab/snapshots/{name}`.
//! - `GET /_awslab/lambda/code/{sha256}.zip?signature=…`: a function's code, where `GetFunction`'s
//!   `Code.Location` points.
//! - `POST /_awslab/ec2/instances/{instance_id}/shell` with `{"command": "wget URL"}`: runs a
//!   command in a running instance's simulated shell and answers
//!   `{"output": "…", "exit_code": 0, "prompt": "[ec2-user@ip-172-31-37-173 ~]$ ",
//!   "busy_seconds": 11.5}` (how long the command runs on the emulator's clock: the output is
//!   final at once, the metrics show it over that span); an unknown instance is 404, one that
//!   is not running 409, and, under AWS's timing, one whose security groups do not let EC2
//!   Instance Connect in on port 22 is 403, each
//!   `{"code": "InstanceNotFound" | "InstanceNotRunning" | "SshPortClosed", "message": "…"}`.
//! - `GET /_awslab/clock`: the emulator's time and speed; `POST /_awslab/clock/advance?seconds=N`
//!   (or a JSON body `{"seconds": N}`): move it forward, evaluate the alarms that came due, and
//!   answer the new time.
//! - `GET /_awslab/mailbox`: the e-mails SNS delivered, oldest first; `GET
//!   /_awslab/mailbox/{id}`: one; `DELETE /_awslab/mailbox`: empty it.

use crate::error::AwsError;
use crate::services::apigateway::ApiGatewayState;
use crate::services::cloudwatch::CloudWatchState;
use crate::services::ec2::{Ec2State, ShellError};
use crate::services::iam::IamState;
use crate::services::lambda::LambdaState;
use crate::services::sns::SnsState;
use crate::services::ssm::SsmState;
use crate::state::{Shared, lock};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

const IAM_FILE: &str = "iam.json";
const LAMBDA_FILE: &str = "lambda.json";
const APIGATEWAY_FILE: &str = "apigateway.json";
const EC2_FILE: &str = "ec2.json";
const CLOUDWATCH_FILE: &str = "cloudwatch.json";
const SNS_FILE: &str = "sns.json";
const SSM_FILE: &str = "ssm.json";
const DYNAMODB_FOLDER: &str = "dynamodb";

fn answer(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

fn failed(error: AwsError) -> Response {
    answer(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "code": error.code, "message": error.message }),
    )
}

#[derive(Deserialize)]
pub struct ResetQuery {
    lab: Option<String>,
}

pub async fn reset(State(shared): State<Arc<Shared>>, Query(query): Query<ResetQuery>) -> Response {
    match query.lab {
        Some(lab) => {
            let mut deleted = lock(&shared.iam).delete_lab_resources(&lab);
            match shared.dynamodb.delete_lab_tables(&lab) {
                Ok(tables) => deleted.extend(tables),
                Err(error) => return failed(error),
            }
            match shared.logs.delete_lab_groups(&lab) {
                Ok(groups) => deleted.extend(groups),
                Err(error) => return failed(error),
            }
            let functions = lock(&shared.lambda).delete_lab_functions(&lab);
            for (region, name) in functions {
                let arn =
                    crate::services::lambda::model::function_arn(&region, crate::ACCOUNT_ID, &name);
                shared.lambda_runtime.retire(&arn);
                deleted.push(arn);
            }
            deleted.extend(lock(&shared.apigateway).delete_lab_apis(&lab));
            deleted.extend(lock(&shared.ec2).delete_lab_instances(&lab));
            deleted.extend(lock(&shared.cloudwatch).delete_lab_alarms(&lab));
            deleted.extend(lock(&shared.sns).delete_lab_topics(&lab));
            deleted.extend(lock(&shared.ssm).delete_lab_parameters(&lab));
            if let Err(error) = shared.save_all() {
                return failed(error);
            }
            answer(StatusCode::OK, json!({ "reset": "lab", "lab": lab, "deleted": deleted }))
        }
        None => {
            *lock(&shared.iam) = IamState::default();
            *lock(&shared.lambda) = LambdaState::default();
            *lock(&shared.apigateway) = ApiGatewayState::default();
            *lock(&shared.ec2) = Ec2State::default();
            *lock(&shared.cloudwatch) = CloudWatchState::default();
            *lock(&shared.sns) = SnsState::default();
            *lock(&shared.ssm) = SsmState::default();
            // Workers hold keys of sessions that no longer exist.
            shared.lambda_runtime.stop_all();
            lock(&shared.sessions).clear();
            // A fresh account: no control-plane quota used yet.
            shared.throttles.clear();
            let result = shared
                .snapshots
                .empty_dynamodb()
                .and_then(|empty| shared.dynamodb.reset(&empty))
                .and_then(|()| shared.logs.reset())
                .and_then(|()| shared.save_all());
            match result {
                Ok(()) => answer(StatusCode::OK, json!({ "reset": "all" })),
                Err(error) => failed(error),
            }
        }
    }
}

pub async fn list_snapshots(State(shared): State<Arc<Shared>>) -> Response {
    answer(StatusCode::OK, json!({ "snapshots": shared.snapshots.names() }))
}

pub async fn save_snapshot(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
) -> Response {
    let Some(folder) = shared.snapshots.folder(&name) else { return bad_name(&name) };
    let _ = std::fs::remove_dir_all(&folder);
    let documents = serde_json::to_vec(&*lock(&shared.iam)).and_then(|iam| {
        let lambda = serde_json::to_vec(&*lock(&shared.lambda))?;
        let apigateway = serde_json::to_vec(&*lock(&shared.apigateway))?;
        let ec2 = serde_json::to_vec(&*lock(&shared.ec2))?;
        let cloudwatch = serde_json::to_vec(&*lock(&shared.cloudwatch))?;
        let sns = serde_json::to_vec(&*lock(&shared.sns))?;
        let ssm = serde_json::to_vec(&*lock(&shared.ssm))?;
        Ok((iam, lambda, apigateway, ec2, cloudwatch, sns, ssm))
    });
    let (iam, lambda, apigateway, ec2, cloudwatch, sns, ssm) = match documents {
        Ok(documents) => documents,
        Err(error) => return failed(AwsError::receiver("ServiceFailure", 500, error.to_string())),
    };
    let result = std::fs::create_dir_all(&folder)
        .and_then(|()| std::fs::write(folder.join(IAM_FILE), iam))
        .and_then(|()| std::fs::write(folder.join(LAMBDA_FILE), lambda))
        .and_then(|()| std::fs::write(folder.join(APIGATEWAY_FILE), apigateway))
        .and_then(|()| std::fs::write(folder.join(EC2_FILE), ec2))
        .and_then(|()| std::fs::write(folder.join(CLOUDWATCH_FILE), cloudwatch))
        .and_then(|()| std::fs::write(folder.join(SNS_FILE), sns))
        .and_then(|()| std::fs::write(folder.join(SSM_FILE), ssm))
        .map_err(|error| {
            AwsError::receiver("ServiceFailure", 500, format!("saving snapshot {name}: {error}"))
        })
        .and_then(|()| shared.dynamodb.save_into(&folder.join(DYNAMODB_FOLDER)))
        .and_then(|()| shared.logs.save_into(&folder));
    match result {
        Ok(()) => answer(StatusCode::CREATED, json!({ "snapshot": name })),
        Err(error) => failed(error),
    }
}

pub async fn restore_snapshot(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
) -> Response {
    let Some(folder) = shared.snapshots.folder(&name) else { return bad_name(&name) };
    let Ok(text) = std::fs::read(folder.join(IAM_FILE)) else {
        return answer(
            StatusCode::NOT_FOUND,
            json!({ "code": "NoSuchSnapshot", "message": format!("no snapshot named {name}") }),
        );
    };
    let iam: IamState = match serde_json::from_slice(&text) {
        Ok(iam) => iam,
        Err(error) => {
            return failed(AwsError::receiver(
                "ServiceFailure",
                500,
                format!("snapshot {name} cannot be read: {error}"),
            ));
        }
    };
    // Snapshots saved before Lambda existed have no Lambda state: no functions then.
    let lambda: LambdaState = match read_optional(&folder.join(LAMBDA_FILE), &name) {
        Ok(state) => state,
        Err(response) => return *response,
    };
    // Likewise, snapshots saved before API Gateway existed have no REST APIs.
    let apigateway: ApiGatewayState = match read_optional(&folder.join(APIGATEWAY_FILE), &name) {
        Ok(state) => state,
        Err(response) => return *response,
    };
    // And snapshots saved before EC2 existed have no instances.
    let ec2: Ec2State = match read_optional(&folder.join(EC2_FILE), &name) {
        Ok(state) => state,
        Err(response) => return *response,
    };
    // Snapshots saved before CloudWatch and SNS existed have neither: no alarms, no topics.
    let cloudwatch: CloudWatchState = match read_optional(&folder.join(CLOUDWATCH_FILE), &name) {
        Ok(state) => state,
        Err(response) => return *response,
    };
    let sns: SnsState = match read_optional(&folder.join(SNS_FILE), &name) {
        Ok(state) => state,
        Err(response) => return *response,
    };
    // Snapshots saved before SSM existed have no parameters.
    let ssm: SsmState = match read_optional(&folder.join(SSM_FILE), &name) {
        Ok(state) => state,
        Err(response) => return *response,
    };
    // Every file is checked before the first is restored: a damaged one changes nothing.
    if let Err(message) = shared.snapshots.check_databases(&folder, &name) {
        return answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "code": "SnapshotDamaged", "message": message }),
        );
    }
    let restored = shared
        .snapshots
        .empty_dynamodb()
        .and_then(|empty| shared.dynamodb.restore_from(&folder.join(DYNAMODB_FOLDER), &empty))
        .and_then(|()| shared.logs.restore_from(&folder));
    if let Err(error) = restored {
        return failed(error);
    }
    *lock(&shared.iam) = iam;
    *lock(&shared.lambda) = lambda;
    *lock(&shared.apigateway) = apigateway;
    *lock(&shared.ec2) = ec2;
    *lock(&shared.cloudwatch) = cloudwatch;
    *lock(&shared.sns) = sns;
    *lock(&shared.ssm) = ssm;
    shared.lambda_runtime.stop_all();
    lock(&shared.sessions).clear();
    match shared.save_all() {
        Ok(()) => answer(StatusCode::OK, json!({ "restored": name })),
        Err(error) => failed(error),
    }
}

pub async fn delete_snapshot(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
) -> Response {
    let Some(folder) = shared.snapshots.folder(&name) else { return bad_name(&name) };
    match std::fs::remove_dir_all(&folder) {
        Ok(()) => answer(StatusCode::OK, json!({ "deleted": name })),
        Err(_) => answer(
            StatusCode::NOT_FOUND,
            json!({ "code": "NoSuchSnapshot", "message": format!("no snapshot named {name}") }),
        ),
    }
}

/// A service's document in a snapshot, or its default when the snapshot predates the service.
fn read_optional<T: serde::de::DeserializeOwned + Default>(
    path: &std::path::Path,
    name: &str,
) -> Result<T, Box<Response>> {
    match std::fs::read(path) {
        Err(_) => Ok(T::default()),
        Ok(text) => serde_json::from_slice(&text).map_err(|error| {
            Box::new(failed(AwsError::receiver(
                "ServiceFailure",
                500,
                format!("snapshot {name} cannot be read: {error}"),
            )))
        }),
    }
}

fn bad_name(name: &str) -> Response {
    answer(
        StatusCode::BAD_REQUEST,
        json!({ "code": "InvalidSnapshotName", "message": format!(
            "snapshot name `{name}` may use only letters, digits, `-` and `_` (at most 64)"
        ) }),
    )
}

#[derive(Deserialize)]
pub struct CodeQuery {
    signature: Option<String>,
}

/// A function's code, by the file name `GetFunction`'s download link uses, with the link's
/// signature (see `gate::ControlToken::sign`).
pub async fn lambda_code(
    State(shared): State<Arc<Shared>>,
    Path(file): Path<String>,
    Query(query): Query<CodeQuery>,
) -> Response {
    let signed = query.signature.as_deref();
    if !signed.is_some_and(|signature| shared.control_token.verifies(&file, signature)) {
        return answer(
            StatusCode::FORBIDDEN,
            json!({
                "code": "InvalidSignature",
                "message": "this code link is not signed by this emulator: ask GetFunction for a fresh one",
            }),
        );
    }
    let found =
        shared.lambda_code.zip_by_file_name(&file).and_then(|path| std::fs::read(path).ok());
    match found {
        Some(zip) => ([(axum::http::header::CONTENT_TYPE, "application/zip")], zip).into_response(),
        None => answer(
            StatusCode::NOT_FOUND,
            json!({ "code": "NoSuchCode", "message": format!("no code {file}") }),
        ),
    }
}

/// A command for an instance's simulated shell.
#[derive(Deserialize)]
struct ShellCommand {
    command: String,
}

/// Runs one command in an instance's simulated shell (see the module's list for the shapes).
pub async fn ec2_shell(
    State(shared): State<Arc<Shared>>,
    Path(instance_id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let command: ShellCommand = match serde_json::from_slice(&body) {
        Ok(command) => command,
        Err(error) => {
            return answer(
                StatusCode::BAD_REQUEST,
                json!({
                    "code": "BadRequest",
                    "message": format!("the body must be JSON {{\"command\": \"…\"}}: {error}"),
                }),
            );
        }
    };
    match crate::services::ec2::run_shell(&shared, &instance_id, &command.command) {
        Ok(shell) => answer(
            StatusCode::OK,
            json!({
                "output": shell.output,
                "exit_code": shell.exit_code,
                "prompt": shell.prompt,
                "busy_seconds": shell.busy_ms as f64 / 1000.0,
            }),
        ),
        Err(error @ ShellError::NoInstance(_)) => answer(
            StatusCode::NOT_FOUND,
            json!({ "code": "InstanceNotFound", "message": error.to_string() }),
        ),
        Err(error @ ShellError::NotRunning { .. }) => answer(
            StatusCode::CONFLICT,
            json!({ "code": "InstanceNotRunning", "message": error.to_string() }),
        ),
        // As the console's Connect is refused: the learner must open port 22 first.
        Err(error @ ShellError::PortClosed { .. }) => answer(
            StatusCode::FORBIDDEN,
            json!({ "code": "SshPortClosed", "message": error.to_string() }),
        ),
    }
}

fn clock_answer(shared: &Shared, now: time::OffsetDateTime) -> serde_json::Value {
    json!({
        "now": crate::protocol::shape::iso8601_millis(now.unix_timestamp_nanos() as f64 / 1e9),
        "epoch_seconds": now.unix_timestamp(),
        "speed": shared.clock.speed(),
    })
}

/// `GET /_awslab/clock`: `{"now": "2026-11-22T10:55:00.000Z", "epoch_seconds": …, "speed": 1.0}`.
pub async fn clock(State(shared): State<Arc<Shared>>) -> Response {
    let now = shared.clock.now();
    answer(StatusCode::OK, clock_answer(&shared, now))
}

#[derive(Deserialize, Default)]
pub struct AdvanceQuery {
    seconds: Option<f64>,
}

/// `POST /_awslab/clock/advance?seconds=N` (or `{"seconds": N}`): moves the clock forward by N
/// seconds, runs a round of alarm evaluation (so alarms, their history and the e-mails their
/// actions send are up to date when this answers), and answers the new time.
pub async fn advance_clock(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<AdvanceQuery>,
    body: axum::body::Bytes,
) -> Response {
    let from_body = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|value| value.get("seconds").and_then(serde_json::Value::as_f64));
    let Some(seconds) = query.seconds.or(from_body) else {
        return answer(
            StatusCode::BAD_REQUEST,
            json!({
                "code": "BadRequest",
                "message": "say how far to advance: ?seconds=N or {\"seconds\": N}",
            }),
        );
    };
    if !seconds.is_finite() || !(0.0..=31_536_000.0).contains(&seconds) {
        return answer(
            StatusCode::BAD_REQUEST,
            json!({
                "code": "BadRequest",
                "message": "seconds must be between 0 and 31536000 (a year); the clock never goes back",
            }),
        );
    }
    let now = shared.clock.advance(time::Duration::seconds_f64(seconds));
    let ticked = Arc::clone(&shared);
    // The round takes locks and may write the state file: off the async threads.
    let _ = tokio::task::spawn_blocking(move || {
        crate::services::cloudwatch::ticker::tick(&ticked);
    })
    .await;
    answer(StatusCode::OK, clock_answer(&shared, now))
}

fn mail_json(mail: &crate::services::sns::Mail) -> serde_json::Value {
    json!({
        "id": mail.id,
        "to": mail.to,
        "from": mail.from,
        "subject": mail.subject,
        "body": mail.body,
        "time": mail.time,
        "topic": mail.topic,
        "subscription": mail.subscription,
        "kind": mail.kind,
    })
}

/// `GET /_awslab/mailbox`: `{"messages": [{id, to, from, subject, body, time, topic,
/// subscription, kind}, …]}`, oldest first.
pub async fn mailbox(State(shared): State<Arc<Shared>>) -> Response {
    let messages: Vec<serde_json::Value> =
        lock(&shared.sns).mailbox.iter().map(mail_json).collect();
    answer(StatusCode::OK, json!({ "messages": messages }))
}

/// `GET /_awslab/mailbox/{id}`.
pub async fn mail(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let state = lock(&shared.sns);
    match state.mailbox.iter().find(|mail| mail.id == id) {
        Some(mail) => answer(StatusCode::OK, mail_json(mail)),
        None => answer(
            StatusCode::NOT_FOUND,
            json!({ "code": "NoSuchMail", "message": format!("no e-mail {id}") }),
        ),
    }
}

/// `DELETE /_awslab/mailbox`.
pub async fn empty_mailbox(State(shared): State<Arc<Shared>>) -> Response {
    lock(&shared.sns).mailbox.clear();
    match shared.save(crate::protocol::Service::Sns) {
        Ok(()) => answer(StatusCode::OK, json!({ "messages": [] })),
        Err(error) => failed(error),
    }
}
