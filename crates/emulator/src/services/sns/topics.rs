//! Topics: `CreateTopic` (idempotent by name), `ListTopics`, `GetTopicAttributes` (AWS's
//! attribute set, with the default access policy and delivery policy), `SetTopicAttributes`,
//! `DeleteTopic`, and tags.

use super::errors::SnsError;
use super::{SnsState, Topic};
use crate::protocol::shape::map;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

const SETTABLE: [&str; 10] = [
    "DisplayName",
    "Policy",
    "DeliveryPolicy",
    "TracingConfig",
    "KmsMasterKeyId",
    "SignatureVersion",
    "ContentBasedDeduplication",
    "FifoTopic",
    "ArchivePolicy",
    "DataProtectionPolicy",
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTopicInput {
    name: String,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    key: String,
    #[serde(default)]
    value: String,
}

pub fn topic_arn(region: &str, name: &str) -> String {
    format!("arn:aws:sns:{region}:{}:{name}", crate::ACCOUNT_ID)
}

pub fn create_topic(
    shared: &Shared,
    ctx: &RequestContext,
    input: CreateTopicInput,
) -> Result<Option<Value>, SnsError> {
    let fifo = input.attributes.get("FifoTopic").is_some_and(|v| v == "true");
    let base = if fifo { input.name.strip_suffix(".fifo") } else { Some(input.name.as_str()) };
    let valid = base.is_some_and(|base| {
        !base.is_empty()
            && input.name.len() <= 256
            && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    });
    if !valid {
        let what = if fifo || input.name.ends_with(".fifo") {
            "Topic Name: Topic names must be made up of only uppercase and lowercase ASCII \
             letters, numbers, underscores, and hyphens, and must be between 1 and 256 \
             characters long. FIFO topic names must end with .fifo"
        } else {
            "Topic Name"
        };
        return Err(SnsError::InvalidParameter(what.into()));
    }
    if let Some(name) = input.attributes.keys().find(|name| !SETTABLE.contains(&name.as_str())) {
        return Err(SnsError::InvalidParameter(format!(
            "Attributes Reason: Unknown attribute {name}"
        )));
    }
    let arn = topic_arn(&ctx.region, &input.name);
    let mut state = lock(&shared.sns);
    if let Some(existing) = state.topics.get_mut(&arn) {
        let differs = input.attributes.iter().any(|(k, v)| existing.attributes.get(k) != Some(v));
        if differs {
            return Err(SnsError::InvalidParameter(
                "Attributes Reason: Topic already exists with different attributes".into(),
            ));
        }
        for tag in input.tags {
            existing.tags.insert(tag.key, tag.value);
        }
        return Ok(Some(json!({ "TopicArn": arn })));
    }
    state.topics.insert(
        arn.clone(),
        Topic {
            arn: arn.clone(),
            name: input.name,
            region: ctx.region.clone(),
            attributes: input.attributes,
            tags: input.tags.into_iter().map(|tag| (tag.key, tag.value)).collect(),
            subscriptions_deleted: 0,
        },
    );
    Ok(Some(json!({ "TopicArn": arn })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PageInput {
    pub next_token: Option<String>,
}

/// The items of a page of 100, and the next token.
pub fn page<T>(items: Vec<T>, token: Option<&str>) -> Result<(Vec<T>, Option<String>), SnsError> {
    let skip: usize = match token {
        None => 0,
        Some(token) => token.parse().map_err(|_| SnsError::InvalidParameter("NextToken".into()))?,
    };
    let more = items.len() > skip + 100;
    let page = items.into_iter().skip(skip).take(100).collect();
    Ok((page, more.then(|| (skip + 100).to_string())))
}

pub fn list_topics(
    shared: &Shared,
    ctx: &RequestContext,
    input: PageInput,
) -> Result<Option<Value>, SnsError> {
    let state = lock(&shared.sns);
    let topics: Vec<Value> = (state.topics.values())
        .filter(|topic| topic.region == ctx.region)
        .map(|topic| json!({ "TopicArn": topic.arn }))
        .collect();
    let (topics, next) = page(topics, input.next_token.as_deref())?;
    Ok(Some(json!({ "Topics": topics, "NextToken": next })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TopicInput {
    topic_arn: String,
}

/// The topic an ARN names, in the caller's region.
pub fn find<'a>(
    state: &'a SnsState,
    ctx: &RequestContext,
    arn: &str,
) -> Result<&'a Topic, SnsError> {
    if super::arn_region(arn).is_none() {
        return Err(SnsError::InvalidParameter("TopicArn".into()));
    }
    state.topics.get(arn).filter(|topic| topic.region == ctx.region).ok_or(SnsError::TopicNotFound)
}

/// The access policy a new topic has on AWS.
fn default_policy(arn: &str) -> String {
    json!({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": { "AWS": "*" },
            "Action": [
                "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                "SNS:ListSubscriptionsByTopic", "SNS:Publish"
            ],
            "Resource": arn,
            "Condition": { "StringEquals": { "AWS:SourceOwner": crate::ACCOUNT_ID } }
        }]
    })
    .to_string()
}

const EFFECTIVE_DELIVERY_POLICY: &str = r#"{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}"#;

pub fn get_topic_attributes(
    shared: &Shared,
    ctx: &RequestContext,
    input: TopicInput,
) -> Result<Option<Value>, SnsError> {
    let state = lock(&shared.sns);
    let topic = find(&state, ctx, &input.topic_arn)?;
    let subscriptions = state.subscriptions.values().filter(|s| s.topic_arn == topic.arn);
    let (confirmed, pending) =
        subscriptions.fold((0, 0), |(c, p), s| if s.confirmed { (c + 1, p) } else { (c, p + 1) });
    let mut attributes = Map::new();
    let mut put = |key: &str, value: String| {
        attributes.insert(key.to_string(), Value::String(value));
    };
    put(
        "Policy",
        topic.attributes.get("Policy").cloned().unwrap_or_else(|| default_policy(&topic.arn)),
    );
    put("Owner", crate::ACCOUNT_ID.to_string());
    put("SubscriptionsPending", pending.to_string());
    put("TopicArn", topic.arn.clone());
    put("EffectiveDeliveryPolicy", EFFECTIVE_DELIVERY_POLICY.to_string());
    put("SubscriptionsConfirmed", confirmed.to_string());
    put("DisplayName", topic.attributes.get("DisplayName").cloned().unwrap_or_default());
    put("SubscriptionsDeleted", topic.subscriptions_deleted.to_string());
    for (key, value) in &topic.attributes {
        if !matches!(key.as_str(), "Policy" | "DisplayName") {
            put(key, value.clone());
        }
    }
    Ok(Some(json!({ "Attributes": map(attributes) })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetTopicAttributesInput {
    topic_arn: String,
    attribute_name: String,
    attribute_value: Option<String>,
}

pub fn set_topic_attributes(
    shared: &Shared,
    ctx: &RequestContext,
    input: SetTopicAttributesInput,
) -> Result<Option<Value>, SnsError> {
    let feedback = input.attribute_name.ends_with("FeedbackRoleArn")
        || input.attribute_name.ends_with("SuccessFeedbackSampleRate");
    if !SETTABLE.contains(&input.attribute_name.as_str()) && !feedback {
        return Err(SnsError::InvalidParameter("AttributeName".into()));
    }
    if input.attribute_name == "Policy"
        && let Some(policy) = &input.attribute_value
        && serde_json::from_str::<Value>(policy).is_err()
    {
        return Err(SnsError::InvalidParameter("Policy Error: null".into()));
    }
    let mut state = lock(&shared.sns);
    find(&state, ctx, &input.topic_arn)?;
    if let Some(topic) = state.topics.get_mut(&input.topic_arn) {
        match input.attribute_value {
            Some(value) if !value.is_empty() => {
                topic.attributes.insert(input.attribute_name, value);
            }
            _ => {
                topic.attributes.remove(&input.attribute_name);
            }
        }
    }
    Ok(None)
}

/// `DeleteTopic`: the topic and its subscriptions go; deleting a topic that is not there is
/// not an error, as on AWS.
pub fn delete_topic(
    shared: &Shared,
    ctx: &RequestContext,
    input: TopicInput,
) -> Result<Option<Value>, SnsError> {
    if super::arn_region(&input.topic_arn).is_none() {
        return Err(SnsError::InvalidParameter("TopicArn".into()));
    }
    let mut state = lock(&shared.sns);
    if state.topics.get(&input.topic_arn).is_some_and(|topic| topic.region == ctx.region) {
        state.topics.remove(&input.topic_arn);
        state.subscriptions.retain(|_, sub| sub.topic_arn != input.topic_arn);
    }
    Ok(None)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceInput {
    resource_arn: String,
    tags: Vec<Tag>,
}

fn tagged<'a>(
    state: &'a mut SnsState,
    ctx: &RequestContext,
    arn: &str,
) -> Result<&'a mut Topic, SnsError> {
    (state.topics.get_mut(arn))
        .filter(|topic| topic.region == ctx.region)
        .ok_or(SnsError::ResourceNotFound)
}

pub fn tag_resource(
    shared: &Shared,
    ctx: &RequestContext,
    input: TagResourceInput,
) -> Result<Option<Value>, SnsError> {
    let mut state = lock(&shared.sns);
    let topic = tagged(&mut state, ctx, &input.resource_arn)?;
    for tag in input.tags {
        topic.tags.insert(tag.key, tag.value);
    }
    if topic.tags.len() > 50 {
        return Err(SnsError::InvalidParameter("Tags Reason: Too many tags (at most 50)".into()));
    }
    Ok(Some(json!({})))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceInput {
    resource_arn: String,
    tag_keys: Vec<String>,
}

pub fn untag_resource(
    shared: &Shared,
    ctx: &RequestContext,
    input: UntagResourceInput,
) -> Result<Option<Value>, SnsError> {
    let mut state = lock(&shared.sns);
    let topic = tagged(&mut state, ctx, &input.resource_arn)?;
    for key in &input.tag_keys {
        topic.tags.remove(key);
    }
    Ok(Some(json!({})))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsInput {
    resource_arn: String,
}

pub fn list_tags_for_resource(
    shared: &Shared,
    ctx: &RequestContext,
    input: ListTagsInput,
) -> Result<Option<Value>, SnsError> {
    let mut state = lock(&shared.sns);
    let topic = tagged(&mut state, ctx, &input.resource_arn)?;
    let tags: Vec<Value> =
        topic.tags.iter().map(|(key, value)| json!({ "Key": key, "Value": value })).collect();
    Ok(Some(json!({ "Tags": tags })))
}
