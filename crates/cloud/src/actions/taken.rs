//! When a step would make something whose name is already taken in the account, read from the
//! thing's `awslab:lab` tag (see [`crate::ownership`]):
//!
//! - made by this lab in an earlier run: reused, with a note giving the command that deletes it
//!   should the step's checks find it different ([`reused_or_explained`]);
//! - made by another lab: refused; clean that lab up first;
//! - the learner's own: refused and left alone; delete or rename it, or pick another name.
//!
//! awslab never adopts, overwrites or deletes what it did not make. `PutMetricAlarm` replaces an
//! alarm of the same name without a word, so the alarm step asks first
//! ([`refuse_foreign_alarm`]); the other creating calls refuse by themselves.

use super::{ActionContext, Params};
use crate::actions::Created;
use crate::call::CallBuilder;
use crate::failure::Failure;
use crate::ownership::{LAB_TAG, Owner, owner};
use awslab_lab::{ActionKind, Localized};

/// A name a creating action was refused for: the thing of that name, the resource whose
/// `awslab:lab` tag says whose it is (the thing itself, or for an API's resource, method or
/// stage the API, for a function's alias the function), and the `aws` command that deletes it.
struct Taken {
    named: Created,
    owned_by: Created,
    delete: CallBuilder,
}

/// What a creating action was refused for because its name is taken, if that is why.
async fn taken(
    ctx: &ActionContext<'_>,
    action: ActionKind,
    params: &Params<'_>,
    failure: &Failure,
) -> Option<Taken> {
    let text = |param: &str| params.text(param).ok().map(str::to_string);
    let created = |kind: &str, id: &str| Created { kind: kind.to_string(), id: id.to_string() };
    let itself = |kind: &str, id: &str, delete: CallBuilder| {
        Some(Taken { named: created(kind, id), owned_by: created(kind, id), delete })
    };
    let exists = !crate::failure::is_settling(&failure.code, &failure.message);
    match (action, failure.code.as_str()) {
        (ActionKind::IamCreateRole, "EntityAlreadyExists") => {
            let name = text("role_name")?;
            let delete = CallBuilder::new("iam", "iam", "DeleteRole").text("role-name", &name);
            itself("iam.role", &name, delete)
        }
        (ActionKind::IamCreatePolicy, "EntityAlreadyExists") => {
            let name = text("policy_name")?;
            let account = ctx.clients.whoami().await.ok()?.account;
            let arn = format!("arn:aws:iam::{account}:policy/{name}");
            let delete = CallBuilder::new("iam", "iam", "DeletePolicy").text("policy-arn", &arn);
            itself("iam.policy", &arn, delete)
        }
        (ActionKind::DynamodbCreateTable, "ResourceInUseException") if exists => {
            let name = text("table_name")?;
            let delete =
                CallBuilder::new("dynamodb", "dynamodb", "DeleteTable").text("table-name", &name);
            itself("dynamodb.table", &name, delete)
        }
        (ActionKind::LambdaCreateFunction, "ResourceConflictException") if exists => {
            let name = text("function_name")?;
            let delete =
                CallBuilder::new("lambda", "lambda", "DeleteFunction").text("function-name", &name);
            itself("lambda.function", &name, delete)
        }
        (ActionKind::LambdaCreateAlias, "ResourceConflictException") if exists => {
            let (function, alias) = (text("function_name")?, text("alias_name")?);
            let delete = CallBuilder::new("lambda", "lambda", "DeleteAlias")
                .text("function-name", &function)
                .text("name", &alias);
            Some(Taken {
                named: created("lambda.alias", &alias),
                owned_by: created("lambda.function", &function),
                delete,
            })
        }
        (ActionKind::ApigatewayCreateResource, "ConflictException") => {
            let api = text("rest_api_id")?;
            let path = format!(
                "{}/{}",
                text("parent_path")?.trim_end_matches('/'),
                text("path_part")?.trim_matches('/')
            );
            let delete = CallBuilder::new("apigateway", "apigateway", "DeleteResource")
                .text("rest-api-id", &api)
                .text("resource-id", &super::apigateway::resource_id(ctx, &api, &path).await.ok()?);
            Some(Taken {
                named: created("apigateway.resource", &path),
                owned_by: created("apigateway.rest_api", &api),
                delete,
            })
        }
        (ActionKind::ApigatewayPutMethod, "ConflictException") => {
            let (api, path) = (text("rest_api_id")?, text("resource_path")?);
            let method = text("http_method")?.to_ascii_uppercase();
            let delete = CallBuilder::new("apigateway", "apigateway", "DeleteMethod")
                .text("rest-api-id", &api)
                .text("resource-id", &super::apigateway::resource_id(ctx, &api, &path).await.ok()?)
                .text("http-method", &method);
            Some(Taken {
                named: created("apigateway.method", &format!("{method} {path}")),
                owned_by: created("apigateway.rest_api", &api),
                delete,
            })
        }
        (ActionKind::ApigatewayCreateStage, "ConflictException") => {
            let (api, stage) = (text("rest_api_id")?, text("stage_name")?);
            let delete = CallBuilder::new("apigateway", "apigateway", "DeleteStage")
                .text("rest-api-id", &api)
                .text("stage-name", &stage);
            Some(Taken {
                named: created("apigateway.stage", &stage),
                owned_by: created("apigateway.rest_api", &api),
                delete,
            })
        }
        _ => None,
    }
}

/// A creating action refused because its name is taken: when this lab made that thing in an
/// earlier run, it is **reused** (what the step answers, and a note saying so and how to start
/// it over); otherwise `failure`, explained by whose the name is.
pub(super) async fn reused_or_explained(
    ctx: &ActionContext<'_>,
    action: ActionKind,
    params: &Params<'_>,
    mut failure: Failure,
    recorder: &mut super::Recorder<'_>,
) -> Result<(serde_json::Value, Localized), Failure> {
    let Some(taken) = taken(ctx, action, params, &failure).await else { return Err(failure) };
    let found = match owner(ctx.clients, &taken.owned_by).await {
        Ok(found) => found,
        Err(_) => return Err(failure),
    };
    if found.is_lab(ctx.lab_id) {
        if taken.named == taken.owned_by {
            // Back in the ledger, should the progress have been cleared since.
            recorder.created(&taken.named.kind, taken.named.id.clone());
        }
        let delete = taken.delete.build(&ctx.clients.target).cli;
        let answer =
            serde_json::json!({ "reused": true, "kind": taken.named.kind, "id": taken.named.id });
        return Ok((answer, reused_note(&taken.named, &delete)));
    }
    if let Some(explanation) = whose(ctx.lab_id, &taken.named, &found) {
        failure.explanation = explanation;
    }
    Err(failure)
}

/// Said when a step reuses what this lab made in an earlier run.
pub(super) fn reused_note(named: &Created, delete: &str) -> Localized {
    // An API's parts are known by their path ("/customer", "POST /customer").
    let name = if named.kind.starts_with("apigateway.") { &named.id } else { short_name(named) };
    Localized::new(
        format!(
            "{name}은(는) 이 실습이 앞서 실행할 때 만든 것이라 새로 만들지 않고 그대로 씁니다. 아래 확인이 이 단계가 원하는 것과 비교합니다. 다르다고 나오면 지우고 다시 실행(Run)하세요: {delete}"
        ),
        format!(
            "{name} was made by this lab in an earlier run, so it is reused, not made again. The checks below compare it with what this step asks for; if they find it different, delete it and press Run again: {delete}"
        ),
    )
}

/// Refuses to replace an alarm this lab did not make (`PutMetricAlarm` would, silently).
pub(super) async fn refuse_foreign_alarm(
    ctx: &ActionContext<'_>,
    name: &str,
) -> Result<(), Failure> {
    let resource = Created { kind: "cloudwatch.alarm".into(), id: name.to_string() };
    let found = owner(ctx.clients, &resource).await?;
    if matches!(found, Owner::Missing) || found.is_lab(ctx.lab_id) {
        return Ok(());
    }
    let mut failure = Failure::local(
        "cloudwatch",
        "PutMetricAlarm",
        "AlarmAlreadyExists",
        format!(
            "an alarm named {name} already exists in this account and does not carry the tag \
             {LAB_TAG} = {}; PutMetricAlarm would replace it, so it was not called",
            ctx.lab_id
        ),
    );
    if let Some(explanation) = whose(ctx.lab_id, &resource, &found) {
        failure.explanation = explanation;
    }
    Err(failure)
}

/// The REST API of that name this lab already made here, to reuse when it is what the step asks
/// for (`reused: true` in the answer, and no call made); a refusal when it is not, or when the
/// name is taken by an API the lab did not make. `None` when no API has that name.
pub(super) async fn existing_api(
    ctx: &ActionContext<'_>,
    name: &str,
    endpoint: &str,
) -> Result<Option<serde_json::Value>, Failure> {
    let mut apis =
        ctx.clients.apigateway.get_rest_apis().limit(500).into_paginator().items().send();
    while let Some(api) = apis.next().await {
        let api = api.map_err(|error| Failure::from_sdk("apigateway", "GetRestApis", error))?;
        if api.name() != Some(name) {
            continue;
        }
        let id = api.id().unwrap_or_default();
        let lab = api.tags().and_then(|tags| tags.get(LAB_TAG)).cloned();
        let owner = lab.map_or(Owner::Unmarked, Owner::Lab);
        // Named by its name in the explanation: the learner knows the API by it.
        let resource = Created { kind: "apigateway.rest_api".into(), id: name.to_string() };
        let types: Vec<&str> = api
            .endpoint_configuration()
            .map(|c| c.types().iter().map(|t| t.as_str()).collect())
            .unwrap_or_default();
        if owner.is_lab(ctx.lab_id) && types == [endpoint] {
            return Ok(Some(serde_json::json!({
                "id": id,
                "name": name,
                "rootResourceId": api.root_resource_id(),
                "reused": true,
            })));
        }
        let message = if owner.is_lab(ctx.lab_id) {
            format!(
                "{name} ({id}) was made by this lab with endpoint type {}, and this step asks \
                 for {endpoint}; an API's endpoint type is not changed here: delete it and Run \
                 again",
                types.join(", ")
            )
        } else {
            format!("an API named {name} ({id}) already exists here; awslab makes no second one")
        };
        let mut failure =
            Failure::local("apigateway", "CreateRestApi", "ConflictException", message);
        if !owner.is_lab(ctx.lab_id)
            && let Some(explanation) = whose(ctx.lab_id, &resource, &owner)
        {
            failure.explanation = explanation;
        }
        return Err(failure);
    }
    Ok(None)
}

/// A resource as the learner names it: the last part of an ARN (`aws-lab-dynamodb-role`).
fn short_name(resource: &Created) -> &str {
    resource.id.rsplit(['/', ':']).next().unwrap_or(&resource.id)
}

/// What to do about `resource`, found to be `owner`'s, when a step wanted its name.
fn whose(lab_id: &str, resource: &Created, owner: &Owner) -> Option<Localized> {
    let name = short_name(resource);
    Some(match owner {
        // This lab's own is reused (`reused_or_explained`), never refused.
        Owner::Missing => return None,
        Owner::Lab(lab) if lab == lab_id => return None,
        Owner::Lab(other) => Localized::new(
            format!(
                "{name}은(는) 다른 실습({other})이 만든 것입니다. 그 실습을 먼저 정리(Clean up)하거나 다른 이름을 고르세요."
            ),
            format!(
                "{name} was made by another lab ({other}): clean that lab up first, or choose another name."
            ),
        ),
        Owner::Unmarked => Localized::new(
            format!(
                "{name}은(는) 이 계정에 원래 있던 것으로, 이 실습이 만들지 않았습니다. awslab은 이것을 바꾸거나 지우지 않습니다. 직접 지우거나 이름을 바꾸거나, 이 단계에서 다른 이름을 고르세요."
            ),
            format!(
                "{name} was already in this account, and this lab did not make it: awslab will not change or delete it. Delete or rename it yourself, or choose another name in this step."
            ),
        ),
    })
}
