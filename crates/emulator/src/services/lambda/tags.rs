//! Tags on functions: TagResource, UntagResource, ListTags. The resource is the function's
//! unqualified ARN; tags belong to the function, not to its versions or aliases.

use super::model::FunctionRef;
use super::{LambdaError, authorize};
use crate::error::AwsError;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceInput {
    #[serde(rename = "label:Resource")]
    resource: String,
    tags: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
pub struct UntagResourceInput {
    #[serde(rename = "label:Resource")]
    resource: String,
    #[serde(default, rename = "queries:tagKeys")]
    tag_keys: Vec<String>,
}

/// ListTags' input: the function's ARN.
#[derive(Debug, Deserialize)]
pub struct ResourceKey {
    #[serde(rename = "label:Resource")]
    resource: String,
}

/// The function name a tag request's ARN names.
fn function_of(ctx: &RequestContext, arn: &str) -> Result<(String, String), LambdaError> {
    let reference = FunctionRef::parse(arn)
        .ok()
        .filter(|reference| reference.region.is_some() && reference.qualifier.is_none())
        .ok_or_else(|| {
            LambdaError::validation(
                arn,
                "resource",
                "Member must satisfy regular expression pattern: \
                 arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:function:[a-zA-Z0-9-_]+",
            )
        })?;
    if reference.region.as_deref() != Some(ctx.region.as_str()) {
        return Err(LambdaError::function_not_found(arn));
    }
    Ok((reference.name, arn.to_string()))
}

pub fn tag_resource(
    shared: &Shared,
    ctx: &RequestContext,
    input: TagResourceInput,
) -> Result<Value, AwsError> {
    let (name, arn) = function_of(ctx, &input.resource)?;
    authorize(shared, ctx, "lambda:TagResource", &arn)?;
    for (key, value) in &input.tags {
        if key.is_empty() || key.len() > 128 || value.len() > 256 || key.starts_with("aws:") {
            return Err(LambdaError::InvalidParameterValue(format!(
                "Tag keys must be 1 to 128 characters and may not start with aws:, values at \
                 most 256 characters: {key}"
            ))
            .into());
        }
    }
    let mut state = lock(&shared.lambda);
    let function = state
        .function_mut(&ctx.region, &name)
        .ok_or_else(|| LambdaError::function_not_found(&arn))?;
    function.tags.extend(input.tags);
    if function.tags.len() > 50 {
        return Err(LambdaError::InvalidParameterValue(
            "Number of tags exceeds resource tag limit.".to_string(),
        )
        .into());
    }
    Ok(Value::Null)
}

pub fn untag_resource(
    shared: &Shared,
    ctx: &RequestContext,
    input: UntagResourceInput,
) -> Result<Value, AwsError> {
    let (name, arn) = function_of(ctx, &input.resource)?;
    authorize(shared, ctx, "lambda:UntagResource", &arn)?;
    let keys = input.tag_keys;
    let mut state = lock(&shared.lambda);
    let function = state
        .function_mut(&ctx.region, &name)
        .ok_or_else(|| LambdaError::function_not_found(&arn))?;
    for key in keys {
        function.tags.remove(&key);
    }
    Ok(Value::Null)
}

pub fn list_tags(
    shared: &Shared,
    ctx: &RequestContext,
    key: ResourceKey,
) -> Result<Value, AwsError> {
    let (name, arn) = function_of(ctx, &key.resource)?;
    authorize(shared, ctx, "lambda:ListTags", &arn)?;
    let state = lock(&shared.lambda);
    let function =
        state.function(&ctx.region, &name).ok_or_else(|| LambdaError::function_not_found(&arn))?;
    Ok(json!({ "Tags": function.tags }))
}
