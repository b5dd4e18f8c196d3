//! Running handlers: warm worker processes, one pool per function version, each worker a local
//! `python3` or `node` running a small bootstrap program of ours that speaks the Lambda Runtime
//! API (`/2018-06-01/runtime/invocation/next`, `/response`, `/error`, `/init/error`) with a
//! listener of its own on 127.0.0.1.
//!
//! A worker serves one invocation at a time and is kept warm between invocations; a pool grows
//! to [`WORKERS_PER_VERSION`] workers for concurrent invocations, and the rest wait their turn.
//! Code or configuration changes retire the pools of the function ([`Runtime::retire`]), as
//! AWS starts new execution environments after an update.
//!
//! - `worker`: spawning a worker (its environment, its interpreter).
//! - `output`: the worker's output turned into log events, within AWS's limits.
//! - `api`: the Runtime API listener a worker talks to.
//! - `python.py`, `node.mjs`: the bootstrap programs, embedded here and written to a temporary
//!   folder at start.

mod api;
mod output;
mod worker;

use super::LambdaError;
use super::model::Config;
use crate::config::Interpreters;
use crate::identity::RoleSession;
use crate::temp_folders::TempFolder;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
pub use worker::LogLine;
use worker::Worker;

/// How many workers one function version may run at once; more invocations wait.
pub const WORKERS_PER_VERSION: usize = 4;

/// How long AWS lets a function initialise (import its code) before the first invocation.
const INIT_LIMIT: Duration = Duration::from_secs(10);

/// A worker idle this long is stopped; the next invocation is a cold start again.
const IDLE_LIMIT: Duration = Duration::from_secs(10 * 60);

const PYTHON_BOOTSTRAP: &str = include_str!("python.py");
const NODE_BOOTSTRAP: &str = include_str!("node.mjs");

/// What a new worker is started with.
pub struct Launch {
    pub config: Config,
    /// The unpacked code.
    pub task_root: PathBuf,
    /// The emulator's endpoint, for the handler's SDK calls.
    pub endpoint: String,
    /// Temporary keys of the function's role.
    pub credentials: RoleSession,
}

/// One invocation to run.
pub struct Invocation {
    pub request_id: String,
    pub payload: bytes::Bytes,
    /// The ARN the caller invoked (with the qualifier it used).
    pub invoked_arn: String,
    pub client_context: Option<String>,
}

/// How an invocation ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// The handler returned this payload.
    Response(Vec<u8>),
    /// The handler (or loading it) failed: AWS's error document, and the error type.
    FunctionError { body: Vec<u8>, error_type: String },
    /// It ran past the function's timeout and was stopped.
    TimedOut,
    /// The process ended during the invocation.
    Exited(String),
}

/// An invocation's result with everything its log and `REPORT` line need.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub ending: Ending,
    /// The log events of this invocation, `START` to `REPORT` (and `INIT_START` on a cold
    /// start).
    pub log: Vec<LogLine>,
    pub log_stream: String,
    pub duration: Duration,
    pub init_duration: Option<Duration>,
}

/// The worker pools, by function version and revision.
pub struct Runtime {
    pools: Mutex<HashMap<String, Arc<Pool>>>,
    bootstrap_dir: PathBuf,
    interpreters: Interpreters,
    _temporary: TempFolder,
}

struct Pool {
    idle: Mutex<Vec<Worker>>,
    slots: Arc<tokio::sync::Semaphore>,
}

impl Runtime {
    /// Writes the bootstrap programs to a temporary folder. First removes the temp folders
    /// that emulators which no longer run left behind.
    pub fn new(interpreters: Interpreters) -> std::io::Result<Self> {
        crate::temp_folders::remove_stale();
        let temporary = TempFolder::create("lambda-runtime")?;
        let bootstrap_dir = temporary.path().to_path_buf();
        std::fs::write(bootstrap_dir.join("python.py"), PYTHON_BOOTSTRAP)?;
        std::fs::write(bootstrap_dir.join("node.mjs"), NODE_BOOTSTRAP)?;
        Ok(Self { pools: Mutex::default(), bootstrap_dir, interpreters, _temporary: temporary })
    }

    /// Runs one invocation of `config`'s version, on a warm worker if one is idle, else on a new
    /// one made by `launch` (called only then: it assumes the role and unpacks the code).
    pub async fn invoke(
        &self,
        config: &Config,
        invocation: Invocation,
        launch: impl FnOnce() -> Result<Launch, LambdaError>,
    ) -> Result<Outcome, LambdaError> {
        let key = pool_key(config);
        let pool = {
            let mut pools = crate::state::lock(&self.pools);
            let pool = pools.entry(key).or_insert_with(|| {
                Arc::new(Pool {
                    idle: Mutex::default(),
                    slots: Arc::new(tokio::sync::Semaphore::new(WORKERS_PER_VERSION)),
                })
            });
            Arc::clone(pool)
        };
        let _slot = (pool.slots.clone().acquire_owned().await)
            .map_err(|_| LambdaError::Service("the function's workers were stopped".into()))?;
        let warm = {
            let mut idle = crate::state::lock(&pool.idle);
            idle.retain(|worker| worker.idle_for() < IDLE_LIMIT);
            idle.pop()
        };
        let mut worker = match warm {
            Some(worker) => worker,
            None => Worker::spawn(launch()?, &self.bootstrap_dir, &self.interpreters)?,
        };
        let outcome = worker.run(config, invocation, INIT_LIMIT).await;
        if worker.reusable() {
            crate::state::lock(&pool.idle).push(worker);
        }
        Ok(outcome)
    }

    /// Stops the workers of every version of a function (after an update or a delete): the
    /// next invocation starts afresh with the new code and settings.
    pub fn retire(&self, function_arn: &str) {
        let prefix = format!("{function_arn}:");
        crate::state::lock(&self.pools).retain(|key, _| !key.starts_with(&prefix));
    }

    /// Stops every worker (a reset, a restored snapshot: their keys are no longer valid).
    pub fn stop_all(&self) {
        crate::state::lock(&self.pools).clear();
    }

    /// How many workers are idle (for tests and the app's status).
    pub fn idle_workers(&self) -> usize {
        let pools = crate::state::lock(&self.pools);
        pools.values().map(|pool| crate::state::lock(&pool.idle).len()).sum()
    }
}

/// Workers are shared only by invocations of the same version with the same code and settings.
fn pool_key(config: &Config) -> String {
    format!("{}:{}:{}", config.function_arn(), config.version, config.revision_id)
}

/// When an instant happened, in milliseconds since the epoch (for log events and deadlines).
pub fn epoch_ms(at: Instant) -> i64 {
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    let ago = Instant::now().saturating_duration_since(at).as_millis() as i128;
    (now_ms - ago) as i64
}
