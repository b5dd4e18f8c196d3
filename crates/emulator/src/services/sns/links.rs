//! The pages behind the links in SNS e-mails, answered for unsigned GETs as on AWS (where they
//! point at `sns.REGION.amazonaws.com`; here at the emulator itself):
//! - `/?Action=ConfirmSubscription&TopicArn=…&Token=…`: confirms, "Subscription confirmed!".
//! - `/unsubscribe.html?SubscriptionArn=…&Endpoint=…` (the footer of notifications) and
//!   `/?Action=Unsubscribe&SubscriptionArn=…` (`email-json` envelopes): "Subscription removed!".

use super::subscriptions::{confirm, remove};
use crate::state::{Shared, lock};

/// A page: HTTP status and HTML.
pub struct Page {
    pub status: u16,
    pub html: String,
}

fn page(status: u16, title: &str, paragraphs: &[String]) -> Page {
    let escape = |text: &str| quick_xml::escape::escape(text).into_owned();
    let body: String = paragraphs.iter().map(|p| format!("<p>{}</p>", escape(p))).collect();
    Page {
        status,
        html: format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Amazon Simple \
             Notification Service</title></head><body><h1>{}</h1>{body}</body></html>",
            escape(title)
        ),
    }
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

/// `GET /?Action=ConfirmSubscription…`.
pub fn confirm_page(shared: &Shared, params: &[(String, String)]) -> Page {
    let (Some(topic), Some(token)) = (param(params, "TopicArn"), param(params, "Token")) else {
        return page(400, "Error", &["The request is missing TopicArn or Token.".into()]);
    };
    let confirmed = {
        let mut state = lock(&shared.sns);
        confirm(&mut state, topic, token)
    };
    match confirmed {
        Ok(arn) => {
            if let Err(error) = shared.save(crate::protocol::Service::Sns) {
                return page(500, "Error", &[error.message]);
            }
            page(
                200,
                "Subscription confirmed!",
                &[
                    "You have successfully subscribed.".into(),
                    format!("Your subscription's id is: {arn}"),
                    "If it was not your intention to subscribe, you can unsubscribe.".into(),
                ],
            )
        }
        Err(_) => page(
            404,
            "Error",
            &["The subscription could not be confirmed: the topic or the token is unknown.".into()],
        ),
    }
}

/// `GET /unsubscribe.html?SubscriptionArn=…` or `GET /?Action=Unsubscribe&SubscriptionArn=…`.
pub fn unsubscribe_page(shared: &Shared, params: &[(String, String)]) -> Page {
    let Some(arn) = param(params, "SubscriptionArn") else {
        return page(400, "Error", &["The request is missing SubscriptionArn.".into()]);
    };
    let removed = {
        let mut state = lock(&shared.sns);
        let topic = state.subscriptions.get(arn).map(|s| s.topic_arn.clone());
        remove(&mut state, arn).then_some(topic).flatten()
    };
    match removed {
        Some(topic) => {
            if let Err(error) = shared.save(crate::protocol::Service::Sns) {
                return page(500, "Error", &[error.message]);
            }
            page(
                200,
                "Subscription removed!",
                &["Your subscription to the topic below has been deactivated:".into(), topic],
            )
        }
        None => page(404, "Error", &["Subscription does not exist".into()]),
    }
}
