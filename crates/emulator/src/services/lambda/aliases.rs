//! Aliases: CreateAlias, GetAlias, UpdateAlias (with weighted `RoutingConfig`), ListAliases,
//! DeleteAlias. An alias names a published version (or `$LATEST`) and may send a share of
//! invocations to one more version.

use super::functions::{FunctionKey, Paging, Target, max_items, page};
use super::model::{Alias, Function};
use super::{LambdaError, authorize, revision_id};
use crate::error::AwsError;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoutingInput {
    #[serde(default)]
    additional_version_weights: BTreeMap<String, f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAliasInput {
    #[serde(flatten)]
    function: FunctionKey,
    name: String,
    function_version: String,
    #[serde(default)]
    description: String,
    routing_config: Option<RoutingInput>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAliasInput {
    #[serde(flatten)]
    alias: AliasKey,
    function_version: Option<String>,
    description: Option<String>,
    routing_config: Option<RoutingInput>,
    revision_id: Option<String>,
}

/// An alias: its function's key and the `{Name}` label.
#[derive(Debug, Deserialize)]
pub struct AliasKey {
    #[serde(flatten)]
    function: FunctionKey,
    #[serde(rename = "label:Name")]
    name: String,
}

#[derive(Debug, Deserialize)]
pub struct ListAliasesInput {
    #[serde(flatten)]
    function: FunctionKey,
    #[serde(rename = "query:FunctionVersion")]
    function_version: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

pub fn create_alias(
    shared: &Shared,
    ctx: &RequestContext,
    input: CreateAliasInput,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &input.function)?;
    authorize(shared, ctx, "lambda:CreateAlias", &target.arn(ctx))?;
    validate_alias_name(&input.name)?;
    let mut state = lock(&shared.lambda);
    let function =
        state.function_mut(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    let arn = function.latest.function_arn();
    check_version(function, &arn, &input.function_version)?;
    let weights = input.routing_config.map(|r| r.additional_version_weights).unwrap_or_default();
    check_routing(function, &arn, &input.function_version, &weights)?;
    if function.aliases.contains_key(&input.name) {
        return Err(LambdaError::ResourceConflict(format!(
            "Alias already exists: {arn}:{}",
            input.name
        ))
        .into());
    }
    let alias = Alias {
        name: input.name.clone(),
        function_version: input.function_version,
        description: input.description,
        additional_weights: weights,
        revision_id: revision_id(shared),
    };
    let answer = alias.to_wire(&arn);
    function.aliases.insert(input.name, alias);
    Ok(answer)
}

pub fn get_alias(shared: &Shared, ctx: &RequestContext, key: AliasKey) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &key.function)?;
    let name = key.name.as_str();
    authorize(shared, ctx, "lambda:GetAlias", &format!("{}:{name}", target.arn(ctx)))?;
    let state = lock(&shared.lambda);
    let function =
        state.function(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    let arn = function.latest.function_arn();
    let alias = function.aliases.get(name).ok_or_else(|| alias_not_found(&arn, name))?;
    Ok(alias.to_wire(&arn))
}

pub fn update_alias(
    shared: &Shared,
    ctx: &RequestContext,
    input: UpdateAliasInput,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &input.alias.function)?;
    let name = input.alias.name;
    authorize(shared, ctx, "lambda:UpdateAlias", &format!("{}:{name}", target.arn(ctx)))?;
    let mut state = lock(&shared.lambda);
    let function =
        state.function_mut(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    let arn = function.latest.function_arn();
    let current = function.aliases.get(&name).ok_or_else(|| alias_not_found(&arn, &name))?;
    if let Some(given) = &input.revision_id
        && *given != current.revision_id
    {
        return Err(LambdaError::revision_mismatch("GetFunction/GetAlias").into());
    }
    let version = input.function_version.unwrap_or_else(|| current.function_version.clone());
    check_version(function, &arn, &version)?;
    // An update without a RoutingConfig keeps the current one; an empty one removes it.
    let weights = match input.routing_config {
        Some(routing) => routing.additional_version_weights,
        None => current.additional_weights.clone(),
    };
    check_routing(function, &arn, &version, &weights)?;
    let alias = function.aliases.get_mut(&name).ok_or_else(|| alias_not_found(&arn, &name))?;
    alias.function_version = version;
    if let Some(description) = input.description {
        alias.description = description;
    }
    alias.additional_weights = weights;
    alias.revision_id = revision_id(shared);
    Ok(alias.to_wire(&arn))
}

pub fn list_aliases(
    shared: &Shared,
    ctx: &RequestContext,
    input: ListAliasesInput,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &input.function)?;
    authorize(shared, ctx, "lambda:ListAliases", &target.arn(ctx))?;
    let max_items = max_items(&input.paging, 50)?;
    let state = lock(&shared.lambda);
    let function =
        state.function(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    let arn = function.latest.function_arn();
    let only_version = input.function_version.as_deref();
    let entries: Vec<Value> = (function.aliases.values())
        .filter(|alias| only_version.is_none_or(|version| alias.function_version == version))
        .map(|alias| alias.to_wire(&arn))
        .collect();
    let (page, next) = page(entries, input.paging.marker.as_deref(), max_items)?;
    let mut answer = json!({ "Aliases": page });
    if let Some(next) = next {
        answer["NextMarker"] = json!(next);
    }
    Ok(answer)
}

pub fn delete_alias(
    shared: &Shared,
    ctx: &RequestContext,
    key: AliasKey,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &key.function)?;
    let name = key.name.as_str();
    authorize(shared, ctx, "lambda:DeleteAlias", &format!("{}:{name}", target.arn(ctx)))?;
    let mut state = lock(&shared.lambda);
    let function =
        state.function_mut(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    // AWS answers 204 whether or not the alias existed.
    function.aliases.remove(name);
    function.policies.remove(name);
    Ok(Value::Null)
}

fn alias_not_found(function_arn: &str, name: &str) -> LambdaError {
    LambdaError::ResourceNotFound(format!("Alias not found: {function_arn}:{name}"))
}

/// Alias names: letters, digits, `-` and `_`, 1–128, and not only digits (that is a version).
fn validate_alias_name(name: &str) -> Result<(), LambdaError> {
    let valid = !name.is_empty()
        && name.len() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !name.chars().all(|c| c.is_ascii_digit());
    if valid {
        return Ok(());
    }
    Err(LambdaError::validation(
        name,
        "name",
        "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)",
    ))
}

fn check_version(function: &Function, arn: &str, version: &str) -> Result<(), LambdaError> {
    if function.version(version).is_some() {
        return Ok(());
    }
    Err(LambdaError::function_not_found(&format!("{arn}:{version}")))
}

/// Weighted routing: published versions other than the main one, weights 0.0–1.0, at most one.
fn check_routing(
    function: &Function,
    arn: &str,
    main_version: &str,
    weights: &BTreeMap<String, f64>,
) -> Result<(), LambdaError> {
    if weights.is_empty() {
        return Ok(());
    }
    if weights.len() > 1 {
        return Err(LambdaError::validation(
            &format!("{weights:?}"),
            "routingConfig.additionalVersionWeights",
            "Member must have length less than or equal to 1",
        ));
    }
    if main_version == "$LATEST" {
        return Err(LambdaError::InvalidParameterValue(
            "$LATEST is not supported for an alias pointing to more than 1 version".to_string(),
        ));
    }
    for (version, weight) in weights {
        if !(0.0..=1.0).contains(weight) {
            return Err(LambdaError::validation(
                &weight.to_string(),
                "routingConfig.additionalVersionWeights",
                "Map value must satisfy constraint: [Member must have value less than or equal \
                 to 1.0, Member must have value greater than or equal to 0.0]",
            ));
        }
        if version == main_version {
            return Err(LambdaError::InvalidParameterValue(
                "Invalid function version for routing config. Function version must be \
                 different from the version the alias points to."
                    .to_string(),
            ));
        }
        if version == "$LATEST" || version.parse::<u64>().is_err() {
            return Err(LambdaError::InvalidParameterValue(
                "$LATEST is not supported for an alias pointing to more than 1 version".to_string(),
            ));
        }
        check_version(function, arn, version)?;
    }
    Ok(())
}
