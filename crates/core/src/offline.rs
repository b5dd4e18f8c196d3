//! The offline target inside the app: the bundled emulator, started on a free loopback port when
//! the app opens, and its status for the window's badge.
//!
//! The emulator keeps its state in `data_dir::emulator_dir()` so resources a learner made survive
//! a restart. When that folder cannot be used (no data folder on this system, a folder that
//! cannot be created, saved state that cannot be opened), the emulator still starts, with its
//! state in memory, and the status carries a warning saying so: the learner can work, and knows
//! their resources vanish when the app closes. A damaged state file is not that: the emulator
//! sets it aside and starts on the folder, and the status lists its sentence (`notices`). Only a
//! server that cannot listen at all is a failure.
//!
//! Not here: pointing SDK clients at it (`awslab-cloud`), or the emulator itself.

use awslab_emulator::{Clockwork, Emulator, EmulatorConfig, StartError, Timing};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use ts_rs::TS;

/// Where the offline emulator is, as the window's badge shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum EmulatorStatus {
    /// Launched, not listening yet.
    Starting,
    /// Listening on `endpoint` (`http://127.0.0.1:PORT`).
    Running {
        endpoint: String,
        /// Set when the state could not be kept on disk and lives in memory: why, for the
        /// learner.
        warning: Option<String>,
        /// One sentence per damaged state file the emulator set aside at start, for the
        /// learner: which file, where it was moved, why, and what it held. Empty when every
        /// file was sound.
        notices: Vec<String>,
    },
    /// Could not start; `message` says why, for the learner. Offline steps cannot run.
    Failed { message: String },
}

/// What to start: where to keep state (`None`: in memory, with a warning that there is no data
/// folder) and which port (0 picks a free one).
#[derive(Debug, Clone)]
pub struct OfflineOptions {
    pub state_dir: Option<PathBuf>,
    pub port: u16,
    /// Whether the emulator keeps AWS's time.
    pub clockwork: Clockwork,
}

/// The timing the app's emulator keeps unless `AWSLAB_TIMING` says otherwise.
pub const DEFAULT_TIMING: Timing = Timing::Aws;

impl OfflineOptions {
    /// The app's defaults: state in `data_dir::emulator_dir()`, any free port, and the timing
    /// `AWSLAB_TIMING` names (`aws` or `instant`; [`DEFAULT_TIMING`] when unset), its delays
    /// drawn with `AWSLAB_SEED` (a new seed each launch when unset).
    pub fn from_environment() -> Self {
        let variable = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let timing = match variable("AWSLAB_TIMING").map(|text| text.parse::<Timing>()) {
            None => DEFAULT_TIMING,
            Some(Ok(timing)) => timing,
            Some(Err(problem)) => {
                eprintln!("AWSLAB_TIMING: {problem}; the emulator keeps {DEFAULT_TIMING} timing");
                DEFAULT_TIMING
            }
        };
        let seed = variable("AWSLAB_SEED")
            .and_then(|text| text.parse::<u64>().ok())
            .unwrap_or_else(|| fastrand::u64(..));
        Self {
            state_dir: crate::data_dir::emulator_dir(),
            port: 0,
            clockwork: Clockwork { timing, seed },
        }
    }
}

/// The app's one offline emulator: its status, and the running server while there is one.
/// Shared between the task that starts it and the commands that ask about it.
#[derive(Default)]
pub struct OfflineEmulator {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    status: Option<EmulatorStatus>,
    server: Option<Emulator>,
}

impl OfflineEmulator {
    pub fn new() -> Self {
        Self::default()
    }

    /// The current status (`Starting` until [`start`](Self::start) finishes).
    pub fn status(&self) -> EmulatorStatus {
        self.lock().status.clone().unwrap_or(EmulatorStatus::Starting)
    }

    /// Starts the emulator in the current tokio runtime and records the outcome.
    pub async fn start(&self, options: OfflineOptions) -> EmulatorStatus {
        let (server, status) = launch(options).await;
        let mut inner = self.lock();
        inner.status = Some(status.clone());
        inner.server = server;
        status
    }

    /// The running emulator's control token (for its `/_awslab/…` endpoints), if it runs. Kept
    /// out of [`EmulatorStatus`], which the window sees.
    pub fn control_token(&self) -> Option<String> {
        self.lock().server.as_ref().map(|server| server.control_token().to_owned())
    }

    /// Stops the server, letting requests in flight finish. The status stays as it was.
    pub async fn stop(&self) {
        let server = self.lock().server.take();
        if let Some(server) = server {
            server.shutdown().await;
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A std Mutex: it is held only to copy or swap a value, never across an await. A panic
        // while holding it cannot leave `Inner` half-written, so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

async fn launch(options: OfflineOptions) -> (Option<Emulator>, EmulatorStatus) {
    let clockwork = options.clockwork;
    let in_memory =
        |port| EmulatorConfig { port, data_dir: None, clockwork, ..EmulatorConfig::default() };
    let (config, warning) = match &options.state_dir {
        None => (
            in_memory(options.port),
            Some(
                "awslab found no data folder on this system, so the offline emulator keeps its \
                 resources in memory: they vanish when the app closes. Set AWSLAB_DATA_DIR to \
                 keep them."
                    .to_owned(),
            ),
        ),
        Some(dir) => match std::fs::create_dir_all(dir) {
            Ok(()) => (
                EmulatorConfig {
                    port: options.port,
                    data_dir: Some(dir.clone()),
                    clockwork,
                    ..EmulatorConfig::default()
                },
                None,
            ),
            Err(error) => (in_memory(options.port), Some(memory_warning(dir, &error))),
        },
    };
    match Emulator::start(config).await {
        Ok(server) => {
            let endpoint = server.endpoint().to_owned();
            let notices = server.notices();
            (Some(server), EmulatorStatus::Running { endpoint, warning, notices })
        }
        // The saved state is unusable for a reason other than damage (unreadable, held by
        // another program, saved by a newer awslab): start without it. The message names the
        // file and says what to do.
        Err(StartError::State { message, .. }) => {
            let warning = format!(
                "{message}; meanwhile the offline emulator keeps its resources in memory: they \
                 vanish when the app closes"
            );
            match Emulator::start(in_memory(options.port)).await {
                Ok(server) => {
                    let endpoint = server.endpoint().to_owned();
                    let status = EmulatorStatus::Running {
                        endpoint,
                        warning: Some(warning),
                        notices: Vec::new(),
                    };
                    (Some(server), status)
                }
                Err(error) => (None, failed(&error)),
            }
        }
        Err(error @ StartError::Bind { .. }) => (None, failed(&error)),
    }
}

/// Waits until the process is asked to stop (SIGINT: Ctrl-C; SIGTERM: the system or a
/// service manager; SIGHUP: its terminal closed) and names the signal, so that the emulator can
/// be shut down cleanly (its workers killed, its files closed, its temp folders removed) rather
/// than die with the process.
pub async fn stop_signal() -> std::io::Result<&'static str> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    tokio::select! {
        interrupted = tokio::signal::ctrl_c() => interrupted.map(|()| "SIGINT"),
        _ = terminate.recv() => Ok("SIGTERM"),
        _ = hangup.recv() => Ok("SIGHUP"),
    }
}

fn memory_warning(path: &Path, error: &dyn std::fmt::Display) -> String {
    format!(
        "the offline emulator cannot keep its state in {} ({error}), so it keeps its resources \
         in memory: they vanish when the app closes",
        path.display()
    )
}

fn failed(error: &StartError) -> EmulatorStatus {
    EmulatorStatus::Failed { message: format!("the offline emulator could not start: {error}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn health(endpoint: &str) -> reqwest::StatusCode {
        reqwest::get(format!("{endpoint}/_awslab/health")).await.expect("GET health").status()
    }

    #[test]
    fn before_it_starts_it_is_starting() {
        assert_eq!(OfflineEmulator::new().status(), EmulatorStatus::Starting);
    }

    #[tokio::test]
    async fn it_listens_on_loopback_keeping_state_in_the_folder() {
        let data = tempfile::tempdir().expect("temporary folder");
        let state_dir = data.path().join("emulator");
        let offline = OfflineEmulator::new();

        let status = offline
            .start(OfflineOptions {
                state_dir: Some(state_dir.clone()),
                port: 0,
                clockwork: Clockwork::INSTANT,
            })
            .await;

        let EmulatorStatus::Running { endpoint, warning: None, notices } = &status else {
            panic!("expected running without a warning: {status:?}");
        };
        assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(offline.status(), status);
        assert!(health(endpoint).await.is_success());
        assert!(state_dir.is_dir(), "the state folder is created");
        offline.stop().await;
        assert!(reqwest::get(format!("{endpoint}/_awslab/health")).await.is_err(), "stopped");
    }

    #[tokio::test]
    async fn an_unusable_state_folder_falls_back_to_memory_with_a_warning_naming_it() {
        let data = tempfile::tempdir().expect("temporary folder");
        let blocker = data.path().join("not-a-folder");
        std::fs::write(&blocker, "a file where the folder should be").expect("write");
        let offline = OfflineEmulator::new();

        let status = offline
            .start(OfflineOptions {
                state_dir: Some(blocker.join("emulator")),
                port: 0,
                clockwork: Clockwork::INSTANT,
            })
            .await;

        let EmulatorStatus::Running { endpoint, warning: Some(warning), .. } = &status else {
            panic!("expected running with a warning: {status:?}");
        };
        assert!(warning.contains("not-a-folder"), "{warning}");
        assert!(warning.contains("in memory"), "{warning}");
        assert!(health(endpoint).await.is_success());
        offline.stop().await;
    }

    #[tokio::test]
    async fn a_damaged_state_file_is_set_aside_and_the_status_says_so_in_one_sentence() {
        let data = tempfile::tempdir().expect("temporary folder");
        let state_dir = data.path().join("emulator");
        std::fs::create_dir_all(&state_dir).expect("state folder");
        let garbage = b"not a database: the learner's notes".repeat(200);
        std::fs::write(state_dir.join("state.sqlite3"), &garbage).expect("write");
        let offline = OfflineEmulator::new();

        let status = offline
            .start(OfflineOptions {
                state_dir: Some(state_dir.clone()),
                port: 0,
                clockwork: Clockwork::INSTANT,
            })
            .await;

        let EmulatorStatus::Running { endpoint, warning: None, notices } = &status else {
            panic!("expected running on the folder, without a warning: {status:?}");
        };
        let [notice] = notices.as_slice() else { panic!("one sentence: {notices:?}") };
        let file = state_dir.join("state.sqlite3").display().to_string();
        assert!(notice.starts_with(&format!("{file} is damaged (it is not a SQLite database), so it was moved to {file}.damaged-")), "{notice}");
        assert!(notice.ends_with("and the emulator started without the IAM roles and policies, Lambda functions, API Gateway APIs, EC2 instances, CloudWatch alarms and SNS topics saved in it."), "{notice}");
        assert!(health(endpoint).await.is_success());
        let moved: Vec<_> = std::fs::read_dir(&state_dir)
            .expect("list")
            .flatten()
            .filter(|entry| {
                entry.file_name().to_string_lossy().starts_with("state.sqlite3.damaged-")
            })
            .map(|entry| std::fs::read(entry.path()).expect("read"))
            .collect();
        assert_eq!(moved, [garbage], "the damaged file is kept, as it was");
        offline.stop().await;
    }

    #[tokio::test]
    async fn state_that_cannot_be_used_falls_back_to_memory_saying_why_once() {
        let data = tempfile::tempdir().expect("temporary folder");
        let state_dir = data.path().join("emulator");
        std::fs::create_dir_all(state_dir.join("state.sqlite3")).expect("a folder in its place");
        let offline = OfflineEmulator::new();

        let status = offline
            .start(OfflineOptions {
                state_dir: Some(state_dir.clone()),
                port: 0,
                clockwork: Clockwork::INSTANT,
            })
            .await;

        let EmulatorStatus::Running { warning: Some(warning), notices, .. } = &status else {
            panic!("expected running in memory with a warning: {status:?}");
        };
        let file = state_dir.join("state.sqlite3").display().to_string();
        assert_eq!(
            warning,
            &format!(
                "the emulator cannot use {file}: it is not a file; move it away, then start the \
                 emulator again; meanwhile the offline emulator keeps its resources in memory: \
                 they vanish when the app closes"
            )
        );
        assert!(notices.is_empty());
        offline.stop().await;
    }

    #[tokio::test]
    async fn no_data_folder_runs_in_memory_and_says_how_to_keep_state() {
        let offline = OfflineEmulator::new();

        let status = offline
            .start(OfflineOptions { state_dir: None, port: 0, clockwork: Clockwork::INSTANT })
            .await;

        let EmulatorStatus::Running { warning: Some(warning), .. } = &status else {
            panic!("expected running with a warning: {status:?}");
        };
        assert!(warning.contains("AWSLAB_DATA_DIR"), "{warning}");
        offline.stop().await;
    }

    #[tokio::test]
    async fn a_port_in_use_is_a_failure_naming_the_port() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
        let port = taken.local_addr().expect("address").port();
        let offline = OfflineEmulator::new();

        let status = offline
            .start(OfflineOptions { state_dir: None, port, clockwork: Clockwork::INSTANT })
            .await;

        let EmulatorStatus::Failed { message } = &status else {
            panic!("expected a failure: {status:?}");
        };
        assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
        assert_eq!(offline.status(), status);
    }

    #[test]
    fn the_status_crosses_the_boundary_tagged_by_state() {
        let running = EmulatorStatus::Running {
            endpoint: "http://127.0.0.1:1".into(),
            warning: None,
            notices: vec!["…/state.sqlite3 is damaged (…), so …".into()],
        };
        assert_eq!(
            serde_json::to_value(&running).expect("serializable"),
            serde_json::json!({
                "state": "running",
                "endpoint": "http://127.0.0.1:1",
                "warning": null,
                "notices": ["…/state.sqlite3 is damaged (…), so …"],
            })
        );
        assert_eq!(
            serde_json::to_value(EmulatorStatus::Starting).expect("serializable"),
            serde_json::json!({ "state": "starting" })
        );
    }
}
