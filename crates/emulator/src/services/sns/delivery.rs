//! Publishing and delivery: [`publish`] sends a message to every confirmed subscription of a
//! topic: `email` gets the text (plus AWS's footer with an unsubscribe link), `email-json` the
//! JSON envelope, `lambda` an asynchronous invocation with the SNS event. E-mails go to the
//! mailbox ([`Mail`]), which `GET /_awslab/mailbox` shows.

use super::errors::SnsError;
use super::topics::find;
use super::{SnsState, Subscription};
use crate::services::RequestContext;
use crate::state::{Shared, lock};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::sync::Arc;
use time::OffsetDateTime;

/// The sender of every SNS e-mail (with the topic's display name when it has one).
const SENDER: &str = "no-reply@sns.amazonaws.com";
/// How many e-mails the mailbox keeps.
const MAILBOX_SIZE: usize = 500;

/// An e-mail in the mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mail {
    /// `1`, `2`, … in the order they were sent.
    pub id: String,
    pub to: String,
    pub from: String,
    pub subject: String,
    /// Plain text.
    pub body: String,
    /// ISO 8601 on the emulator's clock.
    pub time: String,
    /// The topic's ARN.
    pub topic: String,
    pub subscription: String,
    /// `SubscriptionConfirmation` or `Notification`.
    pub kind: String,
}

/// What is published.
#[derive(Debug, Clone)]
pub struct Notification {
    pub subject: Option<String>,
    pub message: String,
    /// `Publish`'s message attributes, by name: `{"DataType": …, "StringValue": …}`.
    pub attributes: serde_json::Map<String, Value>,
    /// What `email` subscribers read instead of `message` (CloudWatch's alarm e-mail).
    pub email_text: Option<String>,
}

fn push_mail(state: &mut SnsState, mut mail: Mail) {
    state.next_mail += 1;
    mail.id = state.next_mail.to_string();
    state.mailbox.push(mail);
    if state.mailbox.len() > MAILBOX_SIZE {
        let excess = state.mailbox.len() - MAILBOX_SIZE;
        state.mailbox.drain(..excess);
    }
}

fn sender(state: &SnsState, topic_arn: &str) -> String {
    let display = (state.topics.get(topic_arn))
        .and_then(|topic| topic.attributes.get("DisplayName"))
        .filter(|name| !name.is_empty());
    format!("{} <{SENDER}>", display.map_or("AWS Notifications", String::as_str))
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The link that confirms a subscription: the emulator's own endpoint, as AWS's points at sns.
pub fn confirm_url(endpoint: &str, subscription: &Subscription) -> String {
    format!(
        "{endpoint}/?Action=ConfirmSubscription&TopicArn={}&Token={}",
        encode(&subscription.topic_arn),
        subscription.token
    )
}

pub fn unsubscribe_url(endpoint: &str, subscription: &Subscription) -> String {
    format!(
        "{endpoint}/unsubscribe.html?SubscriptionArn={}&Endpoint={}",
        encode(&subscription.arn),
        encode(&subscription.endpoint)
    )
}

fn signing_cert_url(topic_arn: &str) -> String {
    let region = super::arn_region(topic_arn).unwrap_or("us-east-1");
    format!("https://sns.{region}.amazonaws.com/SimpleNotificationService-awslab-offline.pem")
}

/// Sends the confirmation e-mail of a pending `email` or `email-json` subscription.
pub fn send_confirmation(
    state: &mut SnsState,
    subscription: &Subscription,
    endpoint: &str,
    at: OffsetDateTime,
    ids: &crate::ids::Ids,
) {
    let url = confirm_url(endpoint, subscription);
    let topic = &subscription.topic_arn;
    let body = if subscription.protocol == "email-json" {
        json!({
            "Type": "SubscriptionConfirmation",
            "MessageId": ids.uuid(),
            "Token": subscription.token,
            "TopicArn": topic,
            "Message": format!("You have chosen to subscribe to the topic {topic}.\nTo confirm the subscription, visit the SubscribeURL included in this message."),
            "SubscribeURL": url,
            "Timestamp": iso(at),
            "SignatureVersion": "1",
            "Signature": "EXAMPLE-offline-emulator-signature",
            "SigningCertURL": signing_cert_url(topic),
        })
        .to_string()
    } else {
        format!(
            "You have chosen to subscribe to the topic: \n{topic}\n\n\
             To confirm this subscription, click or visit the link below (If this was in error \
             no action is necessary): \n{url}\n\n\
             Please do not reply directly to this email. If you wish to remove yourself from \
             receiving all future SNS subscription confirmation requests please send an email to \
             sns-opt-out\n"
        )
    };
    let mail = Mail {
        id: String::new(),
        to: subscription.endpoint.clone(),
        from: sender(state, topic),
        subject: "AWS Notification - Subscription Confirmation".into(),
        body,
        time: iso(at),
        topic: topic.clone(),
        subscription: subscription.arn.clone(),
        kind: "SubscriptionConfirmation".into(),
    };
    push_mail(state, mail);
}

/// `2026-11-22T10:55:38.123Z`.
fn iso(at: OffsetDateTime) -> String {
    crate::protocol::shape::iso8601_millis(at.unix_timestamp_nanos() as f64 / 1e9)
}

/// Publishes to a topic: answers the message id. Locks SNS only (CloudWatch calls this after
/// releasing its own lock).
pub fn publish(
    shared: &Arc<Shared>,
    topic_arn: &str,
    notification: Notification,
    at: OffsetDateTime,
) -> Result<String, SnsError> {
    let endpoint = shared.endpoint();
    let message_id = shared.ids.uuid();
    let subject = notification.subject.clone();
    let invocations = {
        let mut state = lock(&shared.sns);
        if !state.topics.contains_key(topic_arn) {
            return Err(SnsError::TopicNotFound);
        }
        let subscribers: Vec<Subscription> = (state.subscriptions.values())
            .filter(|s| s.topic_arn == topic_arn && s.confirmed)
            .cloned()
            .collect();
        let from = sender(&state, topic_arn);
        let mut invocations = Vec::new();
        for subscription in subscribers {
            // The e-mail envelope and the Lambda event spell two keys differently.
            let envelope = |cert_key: &str, unsubscribe_key: &str| {
                json!({
                    "Type": "Notification",
                    "MessageId": message_id,
                    "TopicArn": topic_arn,
                    "Subject": subject,
                    "Message": notification.message,
                    "Timestamp": iso(at),
                    "SignatureVersion": "1",
                    "Signature": "EXAMPLE-offline-emulator-signature",
                    cert_key: signing_cert_url(topic_arn),
                    unsubscribe_key: format!("{endpoint}/?Action=Unsubscribe&SubscriptionArn={}", encode(&subscription.arn)),
                })
            };
            match subscription.protocol.as_str() {
                "email" | "email-json" => {
                    let body = if subscription.protocol == "email" {
                        let text =
                            notification.email_text.as_deref().unwrap_or(&notification.message);
                        format!(
                            "{text}\n\n--\nIf you wish to stop receiving notifications from this \
                             topic, please click or visit the link below to unsubscribe:\n{}\n\n\
                             Please do not reply directly to this email. If you have any questions \
                             or comments regarding this email, please contact us at \
                             https://aws.amazon.com/support\n",
                            unsubscribe_url(&endpoint, &subscription)
                        )
                    } else {
                        envelope("SigningCertURL", "UnsubscribeURL").to_string()
                    };
                    let mail = Mail {
                        id: String::new(),
                        to: subscription.endpoint.clone(),
                        from: from.clone(),
                        subject: subject
                            .clone()
                            .unwrap_or_else(|| "AWS Notification Message".into()),
                        body,
                        time: iso(at),
                        topic: topic_arn.to_string(),
                        subscription: subscription.arn.clone(),
                        kind: "Notification".into(),
                    };
                    push_mail(&mut state, mail);
                }
                "lambda" => {
                    let mut sns = envelope("SigningCertUrl", "UnsubscribeUrl");
                    // The event names each attribute's type and value `Type` and `Value`.
                    let attributes: serde_json::Map<String, Value> = (notification
                        .attributes
                        .iter())
                    .map(|(name, attribute)| {
                        let value = (attribute.get("StringValue"))
                            .or_else(|| attribute.get("BinaryValue"))
                            .cloned()
                            .unwrap_or(Value::Null);
                        (name.clone(), json!({ "Type": attribute["DataType"], "Value": value }))
                    })
                    .collect();
                    sns["MessageAttributes"] = Value::Object(attributes);
                    let event = json!({
                        "Records": [{
                            "EventSource": "aws:sns",
                            "EventVersion": "1.0",
                            "EventSubscriptionArn": subscription.arn,
                            "Sns": sns,
                        }]
                    });
                    invocations.push((subscription.endpoint.clone(), event.to_string()));
                }
                _ => {}
            }
        }
        invocations
    };
    if let Err(error) = shared.save(crate::protocol::Service::Sns) {
        return Err(SnsError::Storage(error.message));
    }
    for (function_arn, event) in invocations {
        crate::services::lambda::invoke::invoke_event(shared, &function_arn, event.into_bytes());
    }
    Ok(message_id)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublishInput {
    topic_arn: Option<String>,
    target_arn: Option<String>,
    phone_number: Option<String>,
    message: Option<String>,
    subject: Option<String>,
    message_structure: Option<String>,
    #[serde(default)]
    message_attributes: serde_json::Map<String, Value>,
}

/// The `Publish` action.
pub fn publish_action(
    shared: &Arc<Shared>,
    ctx: &RequestContext,
    input: PublishInput,
) -> Result<Option<Value>, SnsError> {
    if input.phone_number.is_some() {
        return Err(SnsError::Unsupported(
            "The offline emulator does not send SMS; publish to a topic".into(),
        ));
    }
    let Some(topic_arn) = input.topic_arn.or(input.target_arn) else {
        return Err(SnsError::InvalidParameter(
            "TopicArn or TargetArn Reason: no value for required parameter".into(),
        ));
    };
    let message = input.message.unwrap_or_default();
    if message.is_empty() {
        return Err(SnsError::InvalidParameter("Empty message".into()));
    }
    if message.len() > 262_144 {
        return Err(SnsError::InvalidParameter("Message too long".into()));
    }
    if let Some(subject) = &input.subject {
        let printable = subject.chars().all(|c| c.is_ascii() && !c.is_ascii_control());
        if subject.is_empty() || subject.len() > 100 || !printable {
            return Err(SnsError::InvalidParameter("Subject".into()));
        }
    }
    let message = match input.message_structure.as_deref() {
        Some("json") => {
            let parsed: Value = serde_json::from_str(&message).map_err(|_| {
                SnsError::InvalidParameter(
                    "Message Structure - JSON message body failed to parse".into(),
                )
            })?;
            match parsed.get("default").and_then(Value::as_str) {
                Some(default) => default.to_string(),
                None => {
                    return Err(SnsError::InvalidParameter(
                        "Message Structure - No default entry in JSON message body".into(),
                    ));
                }
            }
        }
        _ => message,
    };
    {
        let state = lock(&shared.sns);
        find(&state, ctx, &topic_arn)?;
    }
    for (name, attribute) in &input.message_attributes {
        if attribute.get("DataType").and_then(Value::as_str).is_none() {
            return Err(SnsError::InvalidParameter(format!(
                "The message attribute '{name}' must contain non-empty message attribute type."
            )));
        }
    }
    let notification = Notification {
        subject: input.subject,
        message,
        attributes: input.message_attributes,
        email_text: None,
    };
    let message_id = publish(shared, &topic_arn, notification, ctx.now)?;
    Ok(Some(json!({ "MessageId": message_id })))
}
