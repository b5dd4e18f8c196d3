//! A function's versions: `PublishVersion` and `ListVersionsByFunction`, and publishing
//! `$LATEST` (which `CreateFunction` and `UpdateFunctionCode` also do when asked to publish).

use super::functions::{FunctionKey, Paging, Target, check_revision, max_items, page};
use super::model::{Config, Function, WireStatus, last_modified};
use super::{LambdaError, authorize, revision_id};
use crate::error::AwsError;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublishVersionInput {
    #[serde(flatten)]
    function: FunctionKey,
    code_sha256: Option<String>,
    description: Option<String>,
    revision_id: Option<String>,
}

pub fn publish_version(
    shared: &Shared,
    ctx: &RequestContext,
    input: PublishVersionInput,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &input.function)?;
    authorize(shared, ctx, "lambda:PublishVersion", &target.arn(ctx))?;
    let mut state = lock(&shared.lambda);
    let function =
        state.function_mut(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    check_revision(input.revision_id.as_deref(), &function.latest.revision_id)?;
    function.check_changeable(crate::clock::millis(ctx.now))?;
    if let Some(expected) = input.code_sha256.as_deref()
        && expected != function.latest.code_sha256
    {
        return Err(LambdaError::InvalidParameterValue(format!(
            "CodeSHA256 ({expected}) is different from current CodeSHA256 in $LATEST ({}). \
             Please try again with the CodeSHA256 in $LATEST.",
            function.latest.code_sha256
        ))
        .into());
    }
    let version = publish(shared, function, input.description, ctx);
    Ok(version.to_wire(&version.qualified_arn(), WireStatus::Settled))
}

#[derive(Debug, Deserialize)]
pub struct ListVersionsInput {
    #[serde(flatten)]
    function: FunctionKey,
    #[serde(flatten)]
    paging: Paging,
}

pub fn list_versions(
    shared: &Shared,
    ctx: &RequestContext,
    input: ListVersionsInput,
) -> Result<Value, AwsError> {
    let target = Target::of(ctx, &input.function)?;
    authorize(shared, ctx, "lambda:ListVersionsByFunction", &target.arn(ctx))?;
    let max_items = max_items(&input.paging, 50)?;
    let state = lock(&shared.lambda);
    let function =
        state.function(&ctx.region, &target.name).ok_or_else(|| target.not_found(ctx))?;
    let entries: Vec<Value> = std::iter::once(&function.latest)
        .chain(function.versions.values())
        .map(|config| config.to_wire(&config.qualified_arn(), WireStatus::Settled))
        .collect();
    let (page, next) = page(entries, input.paging.marker.as_deref(), max_items)?;
    let mut answer = json!({ "Versions": page });
    if let Some(next) = next {
        answer["NextMarker"] = json!(next);
    }
    Ok(answer)
}

/// Publishes `$LATEST` as a new version, unless nothing changed since the last one (AWS then
/// returns that version); returns the version.
pub(super) fn publish(
    shared: &Shared,
    function: &mut Function,
    description: Option<String>,
    ctx: &RequestContext,
) -> Config {
    if let Some(last) = function.versions.values().next_back()
        && last.same_code_and_settings(&Config {
            description: last.description.clone(),
            ..function.latest.clone()
        })
        && description.as_ref().is_none_or(|d| *d == last.description)
    {
        return last.clone();
    }
    function.last_version += 1;
    let number = function.last_version;
    let mut version = function.latest.clone();
    version.version = number.to_string();
    if let Some(description) = description {
        version.description = description;
    }
    version.last_modified = last_modified(ctx.now);
    version.revision_id = revision_id(shared);
    function.versions.insert(number, version.clone());
    function.latest.revision_id = revision_id(shared);
    version
}
