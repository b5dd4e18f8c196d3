//! What the lab view works with: the labs (read from the labs folder when a command needs one)
//! and the target's clients, connected on first use and kept until the target changes.
//!
//! The offline emulator is the default target; its clients are built once it runs.

use std::path::PathBuf;

use awslab_cloud::{Clients, Identity, Target};
use awslab_core::catalog;
use awslab_core::offline::{EmulatorStatus, OfflineEmulator};
use awslab_lab::{Lab, Step};

use serde::Serialize;
use ts_rs::TS;

use crate::{IpcError, IpcErrorCode};

/// The scheme under which the app serves lab folders to the web view (`awslab-lab://localhost/
/// <lab>/images/x.svg`), so lesson images load without opening the file system to the page.
pub const LAB_SCHEME: &str = "awslab-lab";

/// A target's clients and who it says we are.
#[derive(Clone)]
pub struct Connection {
    pub clients: Clients,
    pub identity: Identity,
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
    fn of(connection: &Connection) -> Self {
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

/// The labs folder and the connection to the current target.
pub struct Workbench {
    labs_dir: PathBuf,
    /// `None` until first used, then the target the learner chose (the emulator by default).
    connection: tokio::sync::Mutex<Option<Connection>>,
}

impl Workbench {
    pub fn new(labs_dir: PathBuf) -> Self {
        Self { labs_dir, connection: tokio::sync::Mutex::new(None) }
    }

    /// The lab `lab_id`, read afresh (an edited lab shows its new text on reopening).
    pub fn lab(&self, lab_id: &str) -> Result<Lab, IpcError> {
        let catalog = catalog::load_catalog(&self.labs_dir)?;
        catalog.lab(lab_id).cloned().ok_or_else(|| IpcError {
            code: IpcErrorCode::LabNotFound,
            message: format!("there is no lab `{lab_id}` in {}", self.labs_dir.display()),
        })
    }

    /// The folder of lab `lab_id` (for the lab scheme), if there is such a lab.
    pub fn lab_dir(&self, lab_id: &str) -> Option<PathBuf> {
        self.lab(lab_id).ok().map(|lab| lab.dir)
    }

    /// The clients of the current target, connecting to the offline emulator on first use.
    pub async fn connection(&self, offline: &OfflineEmulator) -> Result<Connection, IpcError> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = &*slot {
            return Ok(connection.clone());
        }
        let connection = emulator_connection(offline).await?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// The current target, connecting to the offline emulator if none was chosen yet.
    pub async fn target(&self, offline: &OfflineEmulator) -> Result<TargetView, IpcError> {
        Ok(TargetView::of(&self.connection(offline).await?))
    }

    /// Switches to `target` once it answers `GetCallerIdentity`; the previous target stays when
    /// it does not (expired SSO session, no credentials, no network).
    pub async fn switch(
        &self,
        target: Option<Target>,
        offline: &OfflineEmulator,
    ) -> Result<TargetView, IpcError> {
        let connection = match target {
            None => emulator_connection(offline).await?,
            Some(target) => connect(target).await?,
        };
        let view = TargetView::of(&connection);
        *self.connection.lock().await = Some(connection);
        Ok(view)
    }
}

async fn emulator_connection(offline: &OfflineEmulator) -> Result<Connection, IpcError> {
    let endpoint = match offline.status() {
        EmulatorStatus::Running { endpoint, .. } => endpoint,
        EmulatorStatus::Starting => {
            return Err(target_unavailable(
                "the offline emulator is still starting; try again in a moment".into(),
            ));
        }
        EmulatorStatus::Failed { message } => {
            return Err(target_unavailable(format!(
                "the offline emulator is not running: {message}"
            )));
        }
    };
    connect(Target::emulator(endpoint, offline.control_token().as_deref())).await
}

/// Builds the target's clients and asks who we are there.
async fn connect(target: Target) -> Result<Connection, IpcError> {
    let clients = Clients::connect(&target).await;
    let identity = clients.whoami().await.map_err(|failure| {
        target_unavailable(format!(
            "{target} does not answer: {}: {}\n{}",
            failure.code, failure.message, failure.explanation.en
        ))
    })?;
    Ok(Connection { clients, identity })
}

/// The step `step_id` of `lab`.
pub fn step<'lab>(lab: &'lab Lab, step_id: &str) -> Result<&'lab Step, IpcError> {
    lab.step(step_id).ok_or_else(|| IpcError {
        code: IpcErrorCode::StepNotFound,
        message: format!("the lab `{}` has no step `{step_id}`", lab.id),
    })
}

fn target_unavailable(message: String) -> IpcError {
    IpcError { code: IpcErrorCode::TargetUnavailable, message }
}
