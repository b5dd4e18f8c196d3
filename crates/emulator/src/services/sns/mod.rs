//! SNS (awsQuery): topics, subscriptions (`email`, `email-json`, `lambda`), publishing, and the
//! in-emulator mailbox where e-mail deliveries land.
//!
//! ## Layout
//! - `mod.rs`: [`SnsState`] (topics, subscriptions and the mailbox) and the dispatch.
//! - `topics`: create, list, attributes, delete, tags. `subscriptions`: subscribe, confirm,
//!   list, unsubscribe.
//! - `delivery`: [`publish`] (used by `Publish` and by CloudWatch's alarm actions) and the
//!   e-mails: the confirmation, notifications with AWS's footer, `email-json` envelopes; the
//!   SNS event a `lambda` subscriber's function is invoked with.
//! - `links`: the pages behind the links in e-mails (confirm, unsubscribe), unsigned GETs as on
//!   AWS.
//! - `errors`, `operations`: [`errors::SnsError`] and the API's operation list.
//!
//! Not here: SMS, mobile push, HTTP(S), SQS and Firehose subscriptions (refused with a clear
//! `NotImplemented`), FIFO ordering, filter policies, delivery retries, message signatures
//! (the `Signature` of an envelope is a placeholder).

mod delivery;
mod errors;
pub mod links;
mod operations;
mod subscriptions;
mod topics;

pub use delivery::{Mail, Notification, publish};
pub use errors::SnsError;
pub use operations::Operation;

use super::RequestContext;
use super::operation::Operations;
use crate::error::AwsError;
use crate::protocol::Service;
use crate::protocol::query::QueryRequest;
use crate::state::Shared;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// SNS's state. Topics and subscriptions are keyed by ARN, which names the region; the
/// mailbox is the learner's one inbox, whatever the region.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnsState {
    pub topics: BTreeMap<String, Topic>,
    pub subscriptions: BTreeMap<String, Subscription>,
    /// Oldest first.
    pub mailbox: Vec<Mail>,
    /// The number of the next e-mail.
    pub next_mail: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    pub arn: String,
    pub name: String,
    pub region: String,
    /// Settable attributes (`DisplayName`, `Policy`, `DeliveryPolicy`, …).
    pub attributes: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub subscriptions_deleted: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub arn: String,
    pub topic_arn: String,
    pub protocol: String,
    pub endpoint: String,
    pub confirmed: bool,
    /// The token of the confirmation link.
    pub token: String,
    pub created_ms: i64,
}

impl SnsState {
    /// Deletes the topics tagged `awslab:lab` = `lab`, their subscriptions and their e-mails;
    /// answers the topics' ARNs.
    pub fn delete_lab_topics(&mut self, lab: &str) -> Vec<String> {
        let arns: Vec<String> = (self.topics.values())
            .filter(|topic| topic.tags.get("awslab:lab").is_some_and(|tag| tag == lab))
            .map(|topic| topic.arn.clone())
            .collect();
        for arn in &arns {
            self.topics.remove(arn);
            self.subscriptions.retain(|_, sub| &sub.topic_arn != arn);
            self.mailbox.retain(|mail| &mail.topic != arn);
        }
        arns
    }
}

/// Serves an SNS query request.
pub fn handle(
    shared: &Arc<Shared>,
    ctx: &RequestContext,
    operation: Operation,
    request: &QueryRequest,
) -> Result<Option<Value>, AwsError> {
    let action = format!("sns:{}", operation.name());
    super::authorize(shared, ctx, Service::Sns, &action, "*")?;
    let result = match operation {
        Operation::CreateTopic => topics::create_topic(shared, ctx, request.input()?),
        Operation::ListTopics => topics::list_topics(shared, ctx, request.input()?),
        Operation::GetTopicAttributes => {
            topics::get_topic_attributes(shared, ctx, request.input()?)
        }
        Operation::SetTopicAttributes => {
            topics::set_topic_attributes(shared, ctx, request.input()?)
        }
        Operation::DeleteTopic => topics::delete_topic(shared, ctx, request.input()?),
        Operation::TagResource => topics::tag_resource(shared, ctx, request.input()?),
        Operation::UntagResource => topics::untag_resource(shared, ctx, request.input()?),
        Operation::ListTagsForResource => {
            topics::list_tags_for_resource(shared, ctx, request.input()?)
        }
        Operation::Subscribe => subscriptions::subscribe(shared, ctx, request.input()?),
        Operation::ConfirmSubscription => {
            subscriptions::confirm_subscription(shared, ctx, request.input()?)
        }
        Operation::ListSubscriptions => {
            subscriptions::list_subscriptions(shared, ctx, request.input()?)
        }
        Operation::ListSubscriptionsByTopic => {
            subscriptions::list_subscriptions_by_topic(shared, ctx, request.input()?)
        }
        Operation::GetSubscriptionAttributes => {
            subscriptions::get_subscription_attributes(shared, ctx, request.input()?)
        }
        Operation::Unsubscribe => subscriptions::unsubscribe(shared, ctx, request.input()?),
        Operation::Publish => delivery::publish_action(shared, ctx, request.input()?),
    };
    Ok(result?)
}

/// The region an SNS ARN names (`arn:aws:sns:REGION:ACCOUNT:…`).
pub fn arn_region(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    let valid = parts.next() == Some("arn") && parts.next() == Some("aws");
    (valid && parts.next() == Some("sns")).then(|| parts.next()).flatten()
}

/// A confirmation token: 64 hexadecimal digits, like AWS's (which are longer still).
fn token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_name_their_region() {
        assert_eq!(arn_region("arn:aws:sns:ap-northeast-2:123456789012:T"), Some("ap-northeast-2"));
        assert_eq!(arn_region("arn:aws:sqs:ap-northeast-2:123456789012:T"), None);
        assert_eq!(arn_region("T"), None);
    }
}
