//! The offline emulator's own endpoints that stand in for what a learner does outside the AWS
//! APIs: the simulated instance's terminal (`/_awslab/ec2/instances/{id}/shell`), the mailbox
//! where SNS e-mails land (`/_awslab/mailbox`), and the links in those e-mails. On AWS none of
//! this exists: the learner uses the console's Connect and their own inbox.

use crate::ec2::{control, emulator_only};
use crate::{Clients, Failure, Target};
use serde::{Deserialize, Serialize};

/// One command's result in the simulated shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ShellAnswer {
    /// What the terminal shows (stdout and stderr together).
    pub output: String,
    pub exit_code: i32,
    /// The prompt to show before the next command: `[ec2-user@ip-172-31-37-173 ~]$ `.
    pub prompt: String,
}

/// An e-mail SNS delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Mail {
    pub id: String,
    pub to: String,
    pub from: String,
    pub subject: String,
    pub body: String,
    pub time: String,
    /// `SubscriptionConfirmation` or `Notification`.
    pub kind: String,
}

/// A link in an e-mail, followed: the page's status and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LinkAnswer {
    pub status: u16,
    /// The page without its markup.
    pub text: String,
}

/// The emulator's address, or the failure saying what to do on AWS instead.
fn endpoint<'a>(clients: &'a Clients, what: &str) -> Result<&'a str, Failure> {
    match &clients.target {
        Target::Emulator { endpoint, .. } => Ok(endpoint),
        Target::Aws { .. } => Err(Failure {
            message: match what {
                "Shell" => "the simulated terminal exists only on the offline emulator: on AWS, connect to the instance from the EC2 console (Connect)".into(),
                _ => "the mailbox exists only on the offline emulator: on AWS, SNS e-mails go to your real address".into(),
            },
            ..emulator_only(what)
        }),
    }
}

/// The lab's instances that are not terminated (tagged `awslab:lab` = `lab_id`), newest first.
pub async fn lab_instances(clients: &Clients, lab_id: &str) -> Result<Vec<String>, Failure> {
    let filter = |name: &str, values: &[&str]| {
        aws_sdk_ec2::types::Filter::builder()
            .name(name)
            .set_values(Some(values.iter().map(|v| v.to_string()).collect()))
            .build()
    };
    let answer = clients
        .ec2
        .describe_instances()
        .filters(filter("tag:awslab:lab", &[lab_id]))
        .filters(filter("instance-state-name", &["pending", "running", "stopping", "stopped"]))
        .send()
        .await
        .map_err(|error| Failure::from_sdk("ec2", "DescribeInstances", error))?;
    let mut instances: Vec<(String, String)> = answer
        .reservations()
        .iter()
        .flat_map(|reservation| reservation.instances())
        .filter_map(|instance| {
            let launched = instance.launch_time().map(|t| t.to_string()).unwrap_or_default();
            Some((launched, instance.instance_id()?.to_string()))
        })
        .collect();
    instances.sort_by(|a, b| b.cmp(a));
    Ok(instances.into_iter().map(|(_, id)| id).collect())
}

/// Runs one command line in a running instance's simulated shell.
pub async fn shell(
    clients: &Clients,
    instance_id: &str,
    command: &str,
) -> Result<ShellAnswer, Failure> {
    endpoint(clients, "Shell")?;
    let path = format!("/_awslab/ec2/instances/{instance_id}/shell");
    let body = serde_json::json!({ "command": command });
    let (status, answer) =
        control(clients, "Shell", reqwest::Method::POST, &path, Some(body)).await?;
    if status != 200 {
        return Err(Failure::local(
            "awslab",
            "Shell",
            answer["code"].as_str().unwrap_or("ShellFailed"),
            answer["message"].as_str().unwrap_or("the instance's shell did not answer"),
        ));
    }
    serde_json::from_value(answer).map_err(|error| {
        Failure::local("awslab", "Shell", "ShellFailed", format!("an unexpected answer: {error}"))
    })
}

/// Every e-mail in the emulator's mailbox, oldest first.
pub async fn mailbox(clients: &Clients) -> Result<Vec<Mail>, Failure> {
    endpoint(clients, "Mailbox")?;
    let (_, answer) =
        control(clients, "ReadMailbox", reqwest::Method::GET, "/_awslab/mailbox", None).await?;
    serde_json::from_value(answer["messages"].clone()).map_err(|error| {
        Failure::local(
            "awslab",
            "Mailbox",
            "MailboxFailed",
            format!("an unexpected answer: {error}"),
        )
    })
}

/// Follows a link from an e-mail (a confirmation or unsubscribe link), as a browser would.
/// Only links to the emulator itself are followed.
pub async fn follow_link(clients: &Clients, url: &str) -> Result<LinkAnswer, Failure> {
    let base = endpoint(clients, "Mailbox")?;
    if !url.starts_with(&format!("{base}/")) {
        return Err(Failure::local(
            "awslab",
            "Mailbox",
            "ForeignLink",
            format!("only links to the offline emulator ({base}) are followed, not {url}"),
        ));
    }
    let response = (clients.http.get(url).send()).await.map_err(|error| {
        Failure::local("awslab", "Mailbox", "ConnectionFailed", error.to_string())
    })?;
    let status = response.status().as_u16();
    let page = response.text().await.unwrap_or_default();
    Ok(LinkAnswer { status, text: page_text(&page) })
}

/// The readable text of a small HTML or XML page: tags dropped, blank lines collapsed.
fn page_text(page: &str) -> String {
    let mut text = String::with_capacity(page.len());
    let mut in_tag = false;
    for c in page.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push('\n');
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.lines().map(str::trim).filter(|line| !line.is_empty()).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_reads_as_its_lines_of_text() {
        let page = "<html><body><h1>Subscription confirmed!</h1>\n<p>You have successfully \
                    subscribed.</p><p>Your subscription's id is:</p><p>arn:aws:sns:x</p></body></html>";
        assert_eq!(
            page_text(page),
            "Subscription confirmed!\nYou have successfully subscribed.\nYour subscription's id is:\narn:aws:sns:x"
        );
    }
}
