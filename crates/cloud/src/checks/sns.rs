//! SNS checks: a topic by name in the lab's region (attributes, tags), and a subscription of
//! a topic by protocol and endpoint, with whether it is still waiting for confirmation.

use super::Selector;
use crate::clients::Clients;
use crate::failure::Failure;
use serde_json::{Map, Value, json};

/// The ARN of the topic named `name` in the clients' region.
pub(crate) async fn topic_arn(clients: &Clients, name: &str) -> Result<Option<String>, Failure> {
    let mut pages = clients.sns.list_topics().into_paginator().items().send();
    while let Some(topic) = pages.next().await {
        let topic = topic.map_err(|error| Failure::from_sdk("sns", "ListTopics", error))?;
        if let Some(arn) = topic.topic_arn()
            && arn.rsplit(':').next() == Some(name)
        {
            return Ok(Some(arn.to_string()));
        }
    }
    Ok(None)
}

pub async fn topic(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let name = selector.text("name")?;
    let Some(arn) = topic_arn(clients, name).await? else { return Ok(None) };
    let attributes = clients
        .sns
        .get_topic_attributes()
        .topic_arn(&arn)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("sns", "GetTopicAttributes", error))?;
    let attributes: Map<String, Value> = attributes
        .attributes()
        .map(|map| map.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
        .unwrap_or_default();
    let tags = clients
        .sns
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("sns", "ListTagsForResource", error))?;
    let tags: Map<String, Value> =
        tags.tags().iter().map(|tag| (tag.key().to_string(), json!(tag.value()))).collect();
    Ok(Some(json!({ "TopicArn": arn, "Attributes": attributes, "Tags": tags })))
}

pub async fn subscription(
    clients: &Clients,
    selector: &Selector<'_>,
) -> Result<Option<Value>, Failure> {
    let name = selector.text("topic")?;
    let protocol = selector.text("protocol")?;
    let endpoint = selector.text("endpoint")?;
    let Some(arn) = topic_arn(clients, name).await? else { return Ok(None) };
    let mut pages =
        clients.sns.list_subscriptions_by_topic().topic_arn(&arn).into_paginator().items().send();
    let mut found = None;
    while let Some(subscription) = pages.next().await {
        let subscription = subscription
            .map_err(|error| Failure::from_sdk("sns", "ListSubscriptionsByTopic", error))?;
        let same_endpoint =
            subscription.endpoint().is_some_and(|e| e.eq_ignore_ascii_case(endpoint));
        if subscription.protocol() == Some(protocol) && same_endpoint {
            // A confirmed one wins over one still pending.
            let pending = subscription.subscription_arn() == Some("PendingConfirmation");
            if found.is_none() || !pending {
                found = Some(subscription);
            }
        }
    }
    let Some(subscription) = found else { return Ok(None) };
    let subscription_arn = subscription.subscription_arn().unwrap_or_default().to_string();
    // A pending e-mail subscription has no ARN to ask about yet.
    let pending = if subscription_arn.starts_with("arn:") {
        let attributes = clients
            .sns
            .get_subscription_attributes()
            .subscription_arn(&subscription_arn)
            .send()
            .await
            .map_err(|error| Failure::from_sdk("sns", "GetSubscriptionAttributes", error))?;
        attributes
            .attributes()
            .and_then(|map| map.get("PendingConfirmation").cloned())
            .unwrap_or_else(|| "false".to_string())
    } else {
        "true".to_string()
    };
    Ok(Some(json!({
        "SubscriptionArn": subscription_arn,
        "Protocol": subscription.protocol(),
        "Endpoint": subscription.endpoint(),
        "PendingConfirmation": pending,
    })))
}
