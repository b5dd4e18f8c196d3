//! A connection to a target (the offline emulator or AWS): its clients and who it says we are.
//! The app and the CLI connect the same way; each says in its own words why a target does not
//! answer.
//!
//! Not here: choosing the target (the app's switcher, the CLI's flags) or the clients themselves
//! (`awslab-cloud`).

use awslab_cloud::{Clients, Failure, Identity, Target};
use serde::Serialize;
use ts_rs::TS;

/// A target's clients and who it says we are.
#[derive(Clone)]
pub struct Connection {
    pub clients: Clients,
    pub identity: Identity,
}

/// Builds the target's clients and asks who we are there (`GetCallerIdentity`); the target's
/// refusal when it does not answer (expired SSO session, no credentials, no network).
pub async fn connect(target: &Target) -> Result<Connection, Failure> {
    let clients = Clients::connect(target).await;
    let identity = clients.whoami().await?;
    Ok(Connection { clients, identity })
}

/// The current target as the switcher shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TargetView {
    /// `emulator` or `aws`.
    pub kind: String,
    /// The emulator's address (`emulator` only).
    pub endpoint: Option<String>,
    /// The AWS profile (`aws` only; `null` is the default credential chain).
    pub profile: Option<String>,
    pub region: String,
    /// Who the target says we are (`GetCallerIdentity`).
    pub account: String,
    pub arn: String,
}

impl TargetView {
    pub fn of(connection: &Connection) -> Self {
        let identity = &connection.identity;
        let (kind, endpoint, profile) = match &connection.clients.target {
            Target::Emulator { endpoint, .. } => ("emulator", Some(endpoint.clone()), None),
            Target::Aws { profile, .. } => ("aws", None, profile.clone()),
        };
        TargetView {
            kind: kind.to_string(),
            endpoint,
            profile,
            region: connection.clients.region().to_string(),
            account: identity.account.clone(),
            arn: identity.arn.clone(),
        }
    }
}
