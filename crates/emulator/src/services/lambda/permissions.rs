//! Resource-based policies: AddPermission, RemovePermission, GetPolicy. A statement lets a
//! principal (API Gateway, another account) invoke the function, an alias or a version; API
//! Gateway's invocations are checked against it (`crate::policy::evaluate_resource_policy`).

use super::functions::{FunctionKey, Target};
use super::model::Function;
use super::{LambdaError, authorize, revision_id};
use crate::error::AwsError;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::{Map, Value, json};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddPermissionInput {
    #[serde(flatten)]
    function: FunctionKey,
    statement_id: String,
    action: String,
    principal: String,
    source_arn: Option<String>,
    source_account: Option<String>,
    #[serde(rename = "PrincipalOrgID")]
    principal_org_id: Option<String>,
    revision_id: Option<String>,
}

/// RemovePermission's input: the statement by its id, with the policy's expected revision.
#[derive(Debug, Deserialize)]
pub struct RemovePermissionInput {
    #[serde(flatten)]
    function: FunctionKey,
    #[serde(rename = "label:StatementId")]
    statement_id: String,
    #[serde(rename = "query:RevisionId")]
    revision_id: Option<String>,
}

pub fn add_permission(
    shared: &Shared,
    ctx: &RequestContext,
    input: AddPermissionInput,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &input.function)?;
    authorize(shared, ctx, "lambda:AddPermission", &target.arn(ctx))?;
    validate_statement_id(&input.statement_id)?;
    validate_action(&input.action)?;
    let mut state = lock(&shared.lambda);
    let function =
        state.function_mut(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    let (key, resource) = policy_target(function, &target, ctx)?;
    let policy = function.policies.entry(key).or_default();
    if let Some(given) = &input.revision_id
        && !policy.revision_id.is_empty()
        && *given != policy.revision_id
    {
        return Err(LambdaError::revision_mismatch("GetPolicy").into());
    }
    if policy.statements.iter().any(|statement| statement["Sid"] == input.statement_id.as_str()) {
        return Err(LambdaError::ResourceConflict(format!(
            "The statement id ({}) provided already exists. Please provide a new statement id, \
             or remove the existing statement.",
            input.statement_id
        ))
        .into());
    }
    let mut statement = Map::new();
    statement.insert("Sid".into(), json!(input.statement_id));
    statement.insert("Effect".into(), json!("Allow"));
    statement.insert("Principal".into(), principal(&input.principal)?);
    statement.insert("Action".into(), json!(input.action));
    statement.insert("Resource".into(), json!(resource));
    let mut condition = Map::new();
    if let Some(account) = input.source_account {
        condition.insert("StringEquals".into(), json!({ "AWS:SourceAccount": account }));
    }
    if let Some(org) = input.principal_org_id {
        let equals = condition.entry("StringEquals").or_insert_with(|| json!({}));
        equals["aws:PrincipalOrgID"] = json!(org);
    }
    if let Some(source_arn) = input.source_arn {
        condition.insert("ArnLike".into(), json!({ "AWS:SourceArn": source_arn }));
    }
    if !condition.is_empty() {
        statement.insert("Condition".into(), Value::Object(condition));
    }
    let statement = Value::Object(statement);
    policy.statements.push(statement.clone());
    policy.revision_id = revision_id(shared);
    Ok(json!({ "Statement": statement.to_string() }))
}

pub fn remove_permission(
    shared: &Shared,
    ctx: &RequestContext,
    input: RemovePermissionInput,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &input.function)?;
    authorize(shared, ctx, "lambda:RemovePermission", &target.arn(ctx))?;
    let statement_id = input.statement_id.as_str();
    let mut state = lock(&shared.lambda);
    let function =
        state.function_mut(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    let (key, _) = policy_target(function, &target, ctx)?;
    let not_found = || {
        LambdaError::ResourceNotFound(format!(
            "Statement {statement_id} is not found in resource policy."
        ))
    };
    let policy = function.policies.get_mut(&key).ok_or_else(not_found)?;
    if let Some(given) = &input.revision_id
        && *given != policy.revision_id
    {
        return Err(LambdaError::revision_mismatch("GetPolicy").into());
    }
    let before = policy.statements.len();
    policy.statements.retain(|statement| statement["Sid"] != statement_id);
    if policy.statements.len() == before {
        return Err(not_found().into());
    }
    policy.revision_id = revision_id(shared);
    if policy.statements.is_empty() {
        function.policies.remove(&key);
    }
    Ok(Value::Null)
}

pub fn get_policy(
    shared: &Shared,
    ctx: &RequestContext,
    key: FunctionKey,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &key)?;
    authorize(shared, ctx, "lambda:GetPolicy", &target.arn(ctx))?;
    let state = lock(&shared.lambda);
    let function =
        state.function(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    let (key, _) = policy_target(function, &target, ctx)?;
    let policy = function.policies.get(&key).ok_or_else(|| {
        LambdaError::ResourceNotFound("The resource you requested does not exist.".to_string())
    })?;
    Ok(json!({ "Policy": policy.document().to_string(), "RevisionId": policy.revision_id }))
}

/// The policy a qualifier names (`""` for the function itself) and the resource ARN its
/// statements name; the qualifier must be an existing version or alias.
fn policy_target(
    function: &Function,
    target: &Target,
    ctx: &RequestContext,
) -> Result<(String, String), LambdaError> {
    let arn = function.latest.function_arn();
    match target.qualifier.as_deref() {
        None => Ok((String::new(), arn)),
        Some("$LATEST") => Ok(("$LATEST".to_string(), format!("{arn}:$LATEST"))),
        Some(qualifier) => {
            let exists = function.aliases.contains_key(qualifier)
                || qualifier.parse::<u64>().is_ok_and(|n| function.versions.contains_key(&n));
            if !exists {
                return Err(target.not_found(ctx));
            }
            Ok((qualifier.to_string(), format!("{arn}:{qualifier}")))
        }
    }
}

/// `Principal` as a policy names it: a service, an account (as its root), or anyone.
fn principal(given: &str) -> Result<Value, LambdaError> {
    if given == "*" {
        return Ok(json!("*"));
    }
    if given.len() == 12 && given.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(json!({ "AWS": format!("arn:aws:iam::{given}:root") }));
    }
    if given.starts_with("arn:aws:iam::") {
        return Ok(json!({ "AWS": given }));
    }
    if given.ends_with(".amazonaws.com") || given.ends_with(".amazonaws.com.cn") {
        return Ok(json!({ "Service": given }));
    }
    Err(LambdaError::InvalidParameterValue(format!(
        "The provided principal was invalid. Please check the principal and try again. \
         Principal: {given}"
    )))
}

fn validate_statement_id(id: &str) -> Result<(), LambdaError> {
    let valid = !id.is_empty()
        && id.len() <= 100
        && id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if valid {
        return Ok(());
    }
    Err(LambdaError::validation(
        id,
        "statementId",
        "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)",
    ))
}

fn validate_action(action: &str) -> Result<(), LambdaError> {
    let valid = action == "*"
        || action == "lambda:*"
        || action
            .strip_prefix("lambda:")
            .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphabetic()));
    if valid {
        return Ok(());
    }
    Err(LambdaError::validation(
        action,
        "action",
        "Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])",
    ))
}
