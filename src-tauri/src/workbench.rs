//! What the lab view works with: the labs (read from the labs folder when a command needs one)
//! and the target's clients, connected on first use and kept until the target changes.
//!
//! The offline emulator is the default target; its clients are built once it runs.

use std::path::PathBuf;

use awslab_cloud::{Clients, Identity, Target};
use awslab_core::catalog;
use awslab_core::offline::{EmulatorStatus, OfflineEmulator};
use awslab_lab::{Lab, Step};

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

/// The labs folder and the connection to the current target.
pub struct Workbench {
    labs_dir: PathBuf,
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
        let target =
            Target::Emulator { endpoint, region: awslab_cloud::DEFAULT_EMULATOR_REGION.into() };
        let clients = Clients::connect(&target).await;
        let identity = clients.whoami().await.map_err(|failure| {
            target_unavailable(format!(
                "{target} does not answer: {}: {}",
                failure.code, failure.message
            ))
        })?;
        let connection = Connection { clients, identity };
        *slot = Some(connection.clone());
        Ok(connection)
    }
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
