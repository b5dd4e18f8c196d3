//! The session's connection to the current target, switching it, and what the lab view's
//! drawers ask of the target: the explorer and its requests, the simulated instance's terminal,
//! the mailbox, the alarm graphs.
//!
//! The offline emulator is the default target; its clients are built once it runs.

use awslab_cloud::Target;
use awslab_cloud::apigateway::HttpAnswer;
use awslab_cloud::emulator_control::{self, LinkAnswer, Mail, ShellAnswer};
use awslab_cloud::explorer::{self, Explorer};
use awslab_cloud::profiles::{self, AwsProfile};
use awslab_lab::{Lang, Localized, TargetKind};
use serde::Serialize;
use ts_rs::TS;

use super::{Session, SessionError};
use crate::charts;
use crate::offline::EmulatorStatus;
use crate::target::{self, Connection, TargetView};

/// One alarm's graph, as the console draws it, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AlarmGraph {
    pub alarm_name: String,
    /// The alarm's state now (its last one in the history).
    pub state: String,
    pub svg: Localized,
}

impl Session {
    /// The clients of the current target, connecting to the offline emulator on first use.
    pub async fn connection(&self) -> Result<Connection, SessionError> {
        let mut slot = self.connection.lock().await;
        let mut connection = match &*slot {
            Some(connection) => connection.clone(),
            None => {
                let connection = self.emulator_connection().await?;
                *slot = Some(connection.clone());
                connection
            }
        };
        connection.clients.progress = self.progress_sink();
        Ok(connection)
    }

    /// The kind of the current target, without connecting: the offline emulator until the
    /// learner switches to AWS. Standings and scores are taken on it.
    pub async fn target_kind(&self) -> TargetKind {
        match &*self.connection.lock().await {
            Some(connection) => crate::engine::target_kind(&connection.clients),
            None => TargetKind::Emulator,
        }
    }

    /// The current target and who it says we are (the offline emulator unless the learner chose
    /// AWS).
    pub async fn current_target(&self) -> Result<TargetView, SessionError> {
        Ok(TargetView::of(&self.connection().await?))
    }

    /// Switches to the offline emulator (`aws: false`) or to AWS with a profile (`None` or empty:
    /// the default credential chain) and a region.
    pub async fn switch_target(
        &self,
        aws: bool,
        profile: Option<String>,
        region: Option<String>,
    ) -> Result<TargetView, SessionError> {
        let target = match (aws, region) {
            (false, _) => None,
            (true, Some(region)) if !region.trim().is_empty() => {
                Some(Target::Aws { profile: profile.filter(|p| !p.is_empty()), region })
            }
            (true, _) => {
                return Err(SessionError::target_unavailable(
                    "choose a region for AWS (the labs are written for ap-northeast-2)",
                ));
            }
        };
        self.switch_to(target).await
    }

    /// Switches to `target` (`None`: the offline emulator) once it answers `GetCallerIdentity`;
    /// the previous target stays when it does not (expired SSO session, no credentials, no
    /// network).
    pub async fn switch_to(&self, target: Option<Target>) -> Result<TargetView, SessionError> {
        let connection = match target {
            None => self.emulator_connection().await?,
            Some(target) => connect(target).await?,
        };
        let view = TargetView::of(&connection);
        *self.connection.lock().await = Some(connection);
        Ok(view)
    }

    /// The profiles of the learner's AWS configuration (names and regions only).
    pub async fn aws_profiles(&self) -> Result<Vec<AwsProfile>, SessionError> {
        profiles::aws_profiles().await.map_err(SessionError::target_unavailable)
    }

    /// What exists on the current target for the lab (its tagged resources, described).
    pub async fn explore_lab(&self, lab_id: &str) -> Result<Explorer, SessionError> {
        let lab = self.lab(lab_id)?;
        let connection = self.connection().await?;
        explorer::explore(&connection.clients, &lab.id).await.map_err(SessionError::target_refused)
    }

    /// Sends one request to a URL on the current target (an invoke URL from the explorer).
    pub async fn send_request(
        &self,
        method: &str,
        url: &str,
        body: Option<&str>,
    ) -> Result<HttpAnswer, SessionError> {
        let connection = self.connection().await?;
        explorer::send_request(&connection.clients, method, url, body, &[])
            .await
            .map_err(SessionError::target_refused)
    }

    /// Runs one command line in the simulated instance's shell (offline emulator only).
    pub async fn instance_shell(
        &self,
        instance_id: &str,
        command: &str,
    ) -> Result<ShellAnswer, SessionError> {
        let connection = self.connection().await?;
        emulator_control::shell(&connection.clients, instance_id, command)
            .await
            .map_err(SessionError::target_refused)
    }

    /// The e-mails SNS delivered in the offline emulator, oldest first.
    pub async fn mailbox(&self) -> Result<Vec<Mail>, SessionError> {
        let connection = self.connection().await?;
        emulator_control::mailbox(&connection.clients).await.map_err(SessionError::target_refused)
    }

    /// Follows a link from an e-mail in the mailbox (only links to the emulator).
    pub async fn follow_mail_link(&self, url: &str) -> Result<LinkAnswer, SessionError> {
        let connection = self.connection().await?;
        emulator_control::follow_link(&connection.clients, url)
            .await
            .map_err(SessionError::target_refused)
    }

    /// The lab's EC2 instances on the current target (for the terminal).
    pub async fn lab_instances(&self, lab_id: &str) -> Result<Vec<String>, SessionError> {
        let lab = self.lab(lab_id)?;
        let connection = self.connection().await?;
        emulator_control::lab_instances(&connection.clients, &lab.id)
            .await
            .map_err(SessionError::target_refused)
    }

    /// The graphs of the lab's CloudWatch alarms: datapoints, threshold, state bands.
    pub async fn alarm_graphs(&self, lab_id: &str) -> Result<Vec<AlarmGraph>, SessionError> {
        let lab = self.lab(lab_id)?;
        let connection = self.connection().await?;
        let graphs = awslab_cloud::alarm_graph::lab_alarm_graphs(&connection.clients, &lab.id)
            .await
            .map_err(SessionError::target_refused)?;
        Ok(graphs
            .into_iter()
            .filter_map(|data| {
                let graph = charts::AlarmGraph {
                    title: data.title,
                    points: data.points,
                    threshold: data.threshold,
                    states: data.states,
                    from_ms: data.from_ms,
                    to_ms: data.to_ms,
                };
                Some(AlarmGraph {
                    state: graph.states.last().map(|(_, state)| state.clone()).unwrap_or_default(),
                    svg: Localized {
                        ko: charts::alarm_chart_svg(&graph, Lang::Ko)?,
                        en: charts::alarm_chart_svg(&graph, Lang::En)?,
                    },
                    alarm_name: data.alarm_name,
                })
            })
            .collect())
    }

    async fn emulator_connection(&self) -> Result<Connection, SessionError> {
        let endpoint = match self.offline.status() {
            EmulatorStatus::Running { endpoint, .. } => endpoint,
            EmulatorStatus::Starting => {
                return Err(SessionError::target_unavailable(
                    "the offline emulator is still starting; try again in a moment",
                ));
            }
            EmulatorStatus::Failed { message } => {
                return Err(SessionError::target_unavailable(format!(
                    "the offline emulator is not running: {message}"
                )));
            }
        };
        connect(Target::emulator(endpoint, self.offline.control_token().as_deref())).await
    }
}

/// Connects to `target`, saying which target did not answer.
async fn connect(target: Target) -> Result<Connection, SessionError> {
    target::connect(&target).await.map_err(|failure| SessionError::TargetUnavailable {
        message: format!("{target} does not answer: {}: {}", failure.code, failure.message),
        failure: Some(Box::new(failure)),
    })
}
