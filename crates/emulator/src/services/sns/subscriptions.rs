//! Subscriptions: `Subscribe` (`email` and `email-json` wait for the link in the confirmation
//! e-mail; `lambda` is confirmed at once), `ConfirmSubscription`, the two lists (a pending
//! subscription's ARN reads `PendingConfirmation`), attributes and `Unsubscribe`.

use super::errors::SnsError;
use super::topics::{PageInput, find, page};
use super::{SnsState, Subscription, delivery};
use crate::protocol::lenient;
use crate::protocol::shape::map;
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::Deserialize;
use serde_json::{Map, Value, json};

const KNOWN_PROTOCOLS: [&str; 9] =
    ["http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscribeInput {
    topic_arn: String,
    protocol: String,
    endpoint: Option<String>,
    #[serde(default, deserialize_with = "lenient::option_bool")]
    return_subscription_arn: Option<bool>,
}

pub fn subscribe(
    shared: &Shared,
    ctx: &RequestContext,
    input: SubscribeInput,
) -> Result<Option<Value>, SnsError> {
    let protocol = input.protocol.as_str();
    if !KNOWN_PROTOCOLS.contains(&protocol) {
        return Err(SnsError::InvalidParameter(format!(
            "Amazon SNS does not support this protocol string: {protocol}"
        )));
    }
    let endpoint = input.endpoint.clone().unwrap_or_default();
    match protocol {
        "email" | "email-json" => {
            let (local, domain) = endpoint.split_once('@').unwrap_or(("", ""));
            if local.is_empty() || !domain.contains('.') || endpoint.contains(char::is_whitespace) {
                return Err(SnsError::InvalidParameter("Email address".into()));
            }
        }
        "lambda" => {
            if !endpoint.starts_with("arn:aws:lambda:") {
                return Err(SnsError::InvalidParameter("Lambda endpoint ARN".into()));
            }
        }
        other => {
            return Err(SnsError::Unsupported(format!(
                "The offline emulator delivers to email, email-json and lambda subscriptions, \
                 not {other}"
            )));
        }
    }
    let mut state = lock(&shared.sns);
    let topic_arn = find(&state, ctx, &input.topic_arn)?.arn.clone();
    let existing = (state.subscriptions.values())
        .find(|s| s.topic_arn == topic_arn && s.protocol == protocol && s.endpoint == endpoint)
        .cloned();
    let subscription = match existing {
        Some(existing) => existing,
        None => {
            let arn = format!("{topic_arn}:{}", shared.ids.uuid());
            let subscription = Subscription {
                arn: arn.clone(),
                topic_arn: topic_arn.clone(),
                protocol: protocol.to_string(),
                endpoint: endpoint.clone(),
                confirmed: protocol == "lambda",
                token: super::token(),
                created_ms: crate::services::cloudwatch::ms(ctx.now),
            };
            state.subscriptions.insert(arn, subscription.clone());
            subscription
        }
    };
    if !subscription.confirmed {
        // As on AWS, subscribing again while pending sends the confirmation again.
        let endpoint_url = shared.endpoint();
        delivery::send_confirmation(&mut state, &subscription, &endpoint_url, ctx.now, &shared.ids);
    }
    let shown = if subscription.confirmed || input.return_subscription_arn == Some(true) {
        subscription.arn
    } else {
        "pending confirmation".to_string()
    };
    Ok(Some(json!({ "SubscriptionArn": shown })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmInput {
    pub topic_arn: String,
    pub token: String,
}

/// Confirms the subscription `token` belongs to; answers its ARN. Used by the API and by the
/// link in the confirmation e-mail.
pub fn confirm(state: &mut SnsState, topic_arn: &str, token: &str) -> Result<String, SnsError> {
    if !state.topics.contains_key(topic_arn) {
        return Err(SnsError::TopicNotFound);
    }
    let subscription = (state.subscriptions.values_mut())
        .find(|s| s.topic_arn == topic_arn && s.token == token)
        .ok_or_else(|| SnsError::InvalidParameter("Token".into()))?;
    subscription.confirmed = true;
    Ok(subscription.arn.clone())
}

pub fn confirm_subscription(
    shared: &Shared,
    ctx: &RequestContext,
    input: ConfirmInput,
) -> Result<Option<Value>, SnsError> {
    let mut state = lock(&shared.sns);
    find(&state, ctx, &input.topic_arn)?;
    let arn = confirm(&mut state, &input.topic_arn, &input.token)?;
    Ok(Some(json!({ "SubscriptionArn": arn })))
}

fn listed(subscription: &Subscription) -> Value {
    json!({
        "SubscriptionArn": if subscription.confirmed { subscription.arn.as_str() } else { "PendingConfirmation" },
        "Owner": crate::ACCOUNT_ID,
        "Protocol": subscription.protocol,
        "Endpoint": subscription.endpoint,
        "TopicArn": subscription.topic_arn,
    })
}

fn in_region(subscription: &Subscription, region: &str) -> bool {
    super::arn_region(&subscription.topic_arn) == Some(region)
}

pub fn list_subscriptions(
    shared: &Shared,
    ctx: &RequestContext,
    input: PageInput,
) -> Result<Option<Value>, SnsError> {
    let state = lock(&shared.sns);
    let items: Vec<Value> =
        (state.subscriptions.values()).filter(|s| in_region(s, &ctx.region)).map(listed).collect();
    let (items, next) = page(items, input.next_token.as_deref())?;
    Ok(Some(json!({ "Subscriptions": items, "NextToken": next })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListByTopicInput {
    topic_arn: String,
    next_token: Option<String>,
}

pub fn list_subscriptions_by_topic(
    shared: &Shared,
    ctx: &RequestContext,
    input: ListByTopicInput,
) -> Result<Option<Value>, SnsError> {
    let state = lock(&shared.sns);
    let topic = find(&state, ctx, &input.topic_arn)?;
    let items: Vec<Value> =
        (state.subscriptions.values()).filter(|s| s.topic_arn == topic.arn).map(listed).collect();
    let (items, next) = page(items, input.next_token.as_deref())?;
    Ok(Some(json!({ "Subscriptions": items, "NextToken": next })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscriptionInput {
    subscription_arn: String,
}

pub fn get_subscription_attributes(
    shared: &Shared,
    ctx: &RequestContext,
    input: SubscriptionInput,
) -> Result<Option<Value>, SnsError> {
    let state = lock(&shared.sns);
    let subscription = (state.subscriptions.get(&input.subscription_arn))
        .filter(|s| in_region(s, &ctx.region))
        .ok_or(SnsError::SubscriptionNotFound)?;
    let mut attributes = Map::new();
    for (key, value) in [
        ("Owner", crate::ACCOUNT_ID.to_string()),
        ("RawMessageDelivery", "false".into()),
        ("TopicArn", subscription.topic_arn.clone()),
        ("Endpoint", subscription.endpoint.clone()),
        ("Protocol", subscription.protocol.clone()),
        ("PendingConfirmation", (!subscription.confirmed).to_string()),
        ("ConfirmationWasAuthenticated", subscription.confirmed.to_string()),
        ("SubscriptionArn", subscription.arn.clone()),
        ("SubscriptionPrincipal", format!("arn:aws:iam::{}:root", crate::ACCOUNT_ID)),
    ] {
        attributes.insert(key.to_string(), Value::String(value));
    }
    Ok(Some(json!({ "Attributes": map(attributes) })))
}

/// Removes a subscription; answers whether there was one.
pub fn remove(state: &mut SnsState, arn: &str) -> bool {
    let Some(subscription) = state.subscriptions.remove(arn) else { return false };
    if let Some(topic) = state.topics.get_mut(&subscription.topic_arn) {
        topic.subscriptions_deleted += 1;
    }
    true
}

pub fn unsubscribe(
    shared: &Shared,
    ctx: &RequestContext,
    input: SubscriptionInput,
) -> Result<Option<Value>, SnsError> {
    if super::arn_region(&input.subscription_arn).is_none() {
        return Err(SnsError::InvalidParameter("SubscriptionArn".into()));
    }
    let mut state = lock(&shared.sns);
    let known = (state.subscriptions.get(&input.subscription_arn))
        .is_some_and(|s| in_region(s, &ctx.region));
    if !known || !remove(&mut state, &input.subscription_arn) {
        return Err(SnsError::SubscriptionNotFound);
    }
    Ok(None)
}
