//! Tags on REST APIs, stages, API keys and usage plans: TagResource, UntagResource, GetTags, by
//! ARN (`arn:aws:apigateway:REGION::/restapis/ID`, `…/restapis/ID/stages/NAME`,
//! `…::/apikeys/ID`, `…::/usageplans/ID`). The reset of a lab finds its APIs, keys and plans by
//! the tag `awslab:lab`.

use super::ApiGatewayState;
use super::errors::ApiGatewayError;
use crate::error::AwsError;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const MAX_TAGS: usize = 50;

#[derive(Debug, Deserialize)]
pub struct TagResourceInput {
    #[serde(rename = "label:resourceArn")]
    resource_arn: String,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
pub struct UntagResourceInput {
    #[serde(rename = "label:resourceArn")]
    resource_arn: String,
    #[serde(default, rename = "queries:tagKeys")]
    tag_keys: Vec<String>,
}

/// GetTags' input: the API's or stage's ARN.
#[derive(Debug, Deserialize)]
pub struct ResourceArn {
    #[serde(rename = "label:resourceArn")]
    resource_arn: String,
}

/// The tags of the API or stage an ARN names.
fn tags_of<'a>(
    state: &'a mut ApiGatewayState,
    ctx: &RequestContext,
    arn: &str,
) -> Result<&'a mut BTreeMap<String, String>, ApiGatewayError> {
    let malformed =
        || ApiGatewayError::BadRequest(format!("Invalid ARN. ARN is not well formed {arn}"));
    let path = arn
        .strip_prefix("arn:aws:apigateway:")
        .and_then(|rest| rest.split_once("::"))
        .filter(|(region, _)| *region == ctx.region)
        .map(|(_, path)| path)
        .ok_or_else(malformed)?;
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["restapis", id] => Ok(&mut super::api_mut(state, ctx, id)?.tags),
        ["apikeys", id] => {
            let metering = state.metering.get_mut(&ctx.region);
            let key = metering.and_then(|metering| metering.key_mut(id));
            Ok(&mut key.ok_or_else(super::metering::key_not_found)?.tags)
        }
        ["usageplans", id] => {
            let metering = state.metering.get_mut(&ctx.region);
            let plan = metering.and_then(|metering| metering.plan_mut(id));
            Ok(&mut plan.ok_or_else(super::metering::plan_not_found)?.tags)
        }
        ["restapis", id, "stages", name] => {
            let api = super::api_mut(state, ctx, id)?;
            Ok(&mut api.stage_mut(name).ok_or_else(ApiGatewayError::stage_not_found)?.tags)
        }
        _ => Err(malformed()),
    }
}

pub fn tag_resource(
    shared: &Shared,
    ctx: &RequestContext,
    input: TagResourceInput,
) -> Result<Value, AwsError> {
    for (key, value) in &input.tags {
        if key.is_empty() || key.len() > 128 {
            let message = crate::validation::one_hidden(
                "tags.1.member.key",
                crate::validation::max_length(128),
            );
            return Err(ApiGatewayError::Validation(message).into());
        }
        if value.len() > 256 {
            let message = crate::validation::one_hidden(
                "tags.1.member.value",
                crate::validation::max_length(256),
            );
            return Err(ApiGatewayError::Validation(message).into());
        }
    }
    let mut state = lock(&shared.apigateway);
    let tags = tags_of(&mut state, ctx, &input.resource_arn)?;
    let mut merged = tags.clone();
    merged.extend(input.tags);
    if merged.len() > MAX_TAGS {
        let message =
            crate::validation::one_hidden("tags", crate::validation::max_length(MAX_TAGS));
        return Err(ApiGatewayError::Validation(message).into());
    }
    *tags = merged;
    Ok(Value::Null)
}

pub fn untag_resource(
    shared: &Shared,
    ctx: &RequestContext,
    input: UntagResourceInput,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let tags = tags_of(&mut state, ctx, &input.resource_arn)?;
    for key in &input.tag_keys {
        tags.remove(key);
    }
    Ok(Value::Null)
}

pub fn get_tags(
    shared: &Shared,
    ctx: &RequestContext,
    key: ResourceArn,
) -> Result<Value, AwsError> {
    let mut state = lock(&shared.apigateway);
    let tags = tags_of(&mut state, ctx, &key.resource_arn)?;
    Ok(json!({ "tags": tags }))
}
