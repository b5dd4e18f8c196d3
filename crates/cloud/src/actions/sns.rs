//! SNS actions: create a topic, subscribe an endpoint (an e-mail address), and, on the
//! emulator only, confirm an e-mail subscription by following the link in the confirmation
//! e-mail that landed in the emulator's mailbox (on AWS the learner clicks it in their inbox).

use super::{ActionContext, Params, Recorder};
use crate::call::CallBuilder;
use crate::ec2::control;
use crate::failure::Failure;
use aws_sdk_sns::types::Tag;
use serde_json::{Value, json};

pub async fn create_topic(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let name = params.text("name")?;
    let tags: Vec<Value> =
        ctx.tags().iter().map(|(key, value)| json!({ "Key": key, "Value": value })).collect();
    recorder.call(
        CallBuilder::new("sns", "sns", "CreateTopic")
            .text("name", name)
            .json("tags", &Value::Array(tags)),
    );
    let mut request = ctx.clients.sns.create_topic().name(name);
    for (key, value) in ctx.tags() {
        if let Ok(tag) = Tag::builder().key(key).value(value).build() {
            request = request.tags(tag);
        }
    }
    let answer =
        request.send().await.map_err(|error| Failure::from_sdk("sns", "CreateTopic", error))?;
    let arn = answer.topic_arn().unwrap_or_default().to_string();
    recorder.created("sns.topic", &arn);
    Ok(json!({ "TopicArn": arn }))
}

pub async fn subscribe(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let topic = params.text("topic_arn")?;
    let protocol = params.text("protocol")?;
    let endpoint = params.text("endpoint")?;
    recorder.call(
        CallBuilder::new("sns", "sns", "Subscribe")
            .text("topic-arn", topic)
            .text("protocol", protocol)
            .text("notification-endpoint", endpoint),
    );
    let answer = ctx
        .clients
        .sns
        .subscribe()
        .topic_arn(topic)
        .protocol(protocol)
        .endpoint(endpoint)
        .send()
        .await
        .map_err(|error| Failure::from_sdk("sns", "Subscribe", error))?;
    // E-mail subscriptions answer "pending confirmation" until the link is followed.
    Ok(json!({ "SubscriptionArn": answer.subscription_arn() }))
}

/// Finds the newest confirmation e-mail for `endpoint` and `topic_arn` in the emulator's
/// mailbox and follows its link, as a browser would.
pub async fn confirm_from_mailbox(
    ctx: &ActionContext<'_>,
    params: &Params<'_>,
    recorder: &mut Recorder<'_>,
) -> Result<Value, Failure> {
    let topic = params.text("topic_arn")?;
    let endpoint = params.text("endpoint")?;
    let (_, mailbox) =
        control(ctx.clients, "ReadMailbox", reqwest::Method::GET, "/_awslab/mailbox", None).await?;
    let messages = mailbox["messages"].as_array().cloned().unwrap_or_default();
    let mail = messages.iter().rev().find(|mail| {
        mail["kind"] == "SubscriptionConfirmation"
            && mail["to"] == endpoint
            && mail["topic"] == topic
    });
    let Some(mail) = mail else {
        return Err(Failure::local(
            "sns",
            "ConfirmSubscription",
            "NoConfirmationMail",
            format!("the mailbox holds no confirmation e-mail to {endpoint} for {topic}"),
        ));
    };
    let Some(link) = confirmation_link(mail["body"].as_str().unwrap_or_default()) else {
        return Err(Failure::local(
            "sns",
            "ConfirmSubscription",
            "NoConfirmationLink",
            "the confirmation e-mail holds no confirmation link",
        ));
    };
    let token = query_value(&link, "Token").unwrap_or_default();
    recorder.call(
        CallBuilder::new("sns", "sns", "ConfirmSubscription")
            .text("topic-arn", topic)
            .text("token", &token),
    );
    let answer = ctx.clients.http.get(&link).send().await.map_err(|error| {
        Failure::local("sns", "ConfirmSubscription", "ConnectionFailed", error.to_string())
    })?;
    let status = answer.status();
    let page = answer.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(Failure::local(
            "sns",
            "ConfirmSubscription",
            "ConfirmationRefused",
            format!("following the link answered {status}: {}", page.trim()),
        ));
    }
    Ok(json!({
        "MailId": mail["id"],
        "Subject": mail["subject"],
        "Link": link,
        "Confirmed": page.contains("Subscription confirmed"),
    }))
}

/// The `…Action=ConfirmSubscription…` link of a confirmation e-mail's body.
fn confirmation_link(body: &str) -> Option<String> {
    body.split_whitespace()
        .find(|word| word.starts_with("http") && word.contains("Action=ConfirmSubscription"))
        .map(str::to_string)
}

/// One query parameter of a URL, percent-decoded.
fn query_value(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name)
            .then(|| percent_encoding::percent_decode_str(value).decode_utf8_lossy().into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_link_and_its_token_in_a_confirmation_mail() {
        let body = "You have chosen to subscribe to the topic:\narn:aws:sns:ap-northeast-2:000000000000:T\n\nTo confirm this subscription, click or visit the link below:\nhttp://127.0.0.1:4566/?Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aap-northeast-2%3A000000000000%3AT&Token=ab12\n\nPlease do not reply.";
        let link = confirmation_link(body).expect("a link");
        assert!(link.ends_with("Token=ab12"), "{link}");
        assert_eq!(query_value(&link, "Token").as_deref(), Some("ab12"));
        assert_eq!(
            query_value(&link, "TopicArn").as_deref(),
            Some("arn:aws:sns:ap-northeast-2:000000000000:T")
        );
        assert_eq!(confirmation_link("no link here"), None);
    }
}
