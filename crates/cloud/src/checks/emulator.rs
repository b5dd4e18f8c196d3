//! Emulator-only checks: the e-mails in the emulator's mailbox. On AWS the learner's real
//! inbox is out of reach, so such a check answers `EmulatorOnly` there; a lab pairs it with a
//! check that works on both (the alarm history's "Successfully executed action").

use super::Selector;
use crate::clients::Clients;
use crate::ec2::control;
use crate::failure::Failure;
use serde_json::{Value, json};

/// The e-mails to `to` (of `kind`, `Notification` or `SubscriptionConfirmation`, and from the
/// topic named `topic`, when given): `Count`, `Subjects`, `Messages`
/// (`{Subject, From, Kind, Topic, Time}`), oldest first. With a `topic` that does not exist
/// (not made yet, or cleaned up) there is nothing to grade.
pub async fn mail(clients: &Clients, selector: &Selector<'_>) -> Result<Option<Value>, Failure> {
    let to = selector.text("to")?;
    let kind = selector.optional_text("kind")?;
    if clients.emulator_endpoint().is_none() {
        return Err(crate::ec2::emulator_only("ReadMailbox"));
    }
    let topic = match selector.optional_text("topic")? {
        None => None,
        Some(name) => match super::topic_arn(clients, name).await? {
            Some(arn) => Some(arn),
            None => return Ok(None),
        },
    };
    let (status, mailbox) =
        control(clients, "ReadMailbox", reqwest::Method::GET, "/_awslab/mailbox", None).await?;
    if status != 200 {
        return Err(Failure::local(
            "awslab",
            "ReadMailbox",
            "MailboxUnavailable",
            format!("the emulator's mailbox answered {status}"),
        ));
    }
    let messages: Vec<&Value> = mailbox["messages"]
        .as_array()
        .map(|all| all.iter().collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|mail| mail["to"].as_str().is_some_and(|address| address.eq_ignore_ascii_case(to)))
        .filter(|mail| kind.is_none_or(|kind| mail["kind"] == kind))
        .filter(|mail| topic.as_ref().is_none_or(|arn| mail["topic"] == arn.as_str()))
        .collect();
    let subjects: Vec<&Value> = messages.iter().map(|mail| &mail["subject"]).collect();
    let summaries: Vec<Value> = messages
        .iter()
        .map(|mail| {
            json!({
                "Subject": mail["subject"],
                "From": mail["from"],
                "Kind": mail["kind"],
                "Topic": mail["topic"],
                "Time": mail["time"],
            })
        })
        .collect();
    Ok(Some(json!({ "Count": messages.len(), "Subjects": subjects, "Messages": summaries })))
}
