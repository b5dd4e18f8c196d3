//! Running handlers: warm worker processes, one pool per function version, each worker a local
//! `python3` or `node` running a small bootstrap program of ours that speaks the Lambda Runtime
//! API (`/2018-06-01/runtime/invocation/next`, `/response`, `/error`, `/init/error`) with a
//! listener of its own on 127.0.0.1.
//!
//! A worker serves one invocation at a time and is kept warm between invocations; a pool grows
//! to [`WORKERS_PER_VERSION`] workers for concurrent invocations, and the rest wait their turn.
//! Code or configuration changes retire the pools of the function ([`Runtime::retire`]): idle
//! workers are killed at once, busy ones when their invocation ends, as AWS starts new
//! execution environments after an update. [`Runtime::stop_all`] (a reset) and
//! [`Runtime::close`] (the emulator stopping) kill busy workers too.
//!
//! Each worker runs in a sandbox (its process tree, `MemorySize`, a temp folder of its own)
//! that is killed whole whenever the worker ends, however it ends; dropping the [`Runtime`]
//! kills every sandbox and removes the runtime's temp folder.
//!
//! - `worker`: one worker (its environment, its interpreter) and an invocation on it.
//! - `sandbox`: the worker's processes, measured and killed as one.
//! - `output`: the worker's output turned into log events, within AWS's limits.
//! - `api`: the Runtime API listener a worker talks to.
//! - `python.py`, `node.mjs`: the bootstrap programs, embedded here and written to a temporary
//!   folder at start.

mod api;
mod output;
pub mod sandbox;
mod worker;

use super::LambdaError;
use super::model::Config;
use crate::clock::Clock;
use crate::config::Interpreters;
use crate::identity::RoleSession;
use crate::temp_folders::TempFolder;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
    /// The emulator's clock, which the worker's log lines and stream name are dated by.
    pub clock: Arc<dyn Clock>,
    /// The emulator's id source, which the log stream's name is drawn from.
    pub ids: Arc<crate::ids::Ids>,
}

/// One invocation to run.
pub struct Invocation {
    pub request_id: String,
    /// `Root=1-<epoch seconds in hex>-<24 hex digits>`: the X-Ray trace the handler is told of
    /// ([`crate::ids::trace_id`]).
    pub trace_id: String,
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
    /// First, so that dropping the runtime kills the workers before their folder goes.
    pools: Mutex<HashMap<String, Arc<Pool>>>,
    bootstrap_dir: PathBuf,
    /// Where the workers' temp folders are made (inside the runtime's own).
    workers_dir: PathBuf,
    interpreters: Interpreters,
    /// Set by [`Runtime::close`]: no worker starts any more.
    closed: AtomicBool,
    _temporary: TempFolder,
}

struct Pool {
    idle: Mutex<Vec<Worker>>,
    /// The workers running an invocation, to kill them on a stop.
    busy: Mutex<HashMap<u64, sandbox::SandboxHandle>>,
    next_busy: AtomicU64,
    slots: Arc<tokio::sync::Semaphore>,
    /// Becomes true when the pool's workers must stop, busy ones included.
    stopped: tokio::sync::watch::Sender<bool>,
}

impl Pool {
    /// Resolves once the pool is stopped.
    fn stopped(&self) -> impl std::future::Future<Output = ()> + use<> {
        let mut stopped = self.stopped.subscribe();
        async move {
            let _ = stopped.wait_for(|stopped| *stopped).await;
        }
    }
}

impl Runtime {
    /// Writes the bootstrap programs to a temporary folder. First removes what emulators that
    /// no longer run left behind: their temp folders and their handlers' processes.
    pub fn new(interpreters: Interpreters) -> std::io::Result<Self> {
        crate::temp_folders::remove_stale();
        sandbox::kill_leftovers();
        let temporary = TempFolder::create("lambda-runtime")?;
        let bootstrap_dir = temporary.path().to_path_buf();
        std::fs::write(bootstrap_dir.join("python.py"), PYTHON_BOOTSTRAP)?;
        std::fs::write(bootstrap_dir.join("node.mjs"), NODE_BOOTSTRAP)?;
        Ok(Self {
            pools: Mutex::default(),
            workers_dir: bootstrap_dir.join("workers"),
            bootstrap_dir,
            interpreters,
            closed: AtomicBool::new(false),
            _temporary: temporary,
        })
    }

    /// Runs one invocation of `config`'s version, on a warm worker if one is idle, else on a new
    /// one made by `launch` (called only then: it assumes the role and unpacks the code).
    pub async fn invoke(
        &self,
        config: &Config,
        invocation: Invocation,
        launch: impl FnOnce() -> Result<Launch, LambdaError>,
    ) -> Result<Outcome, LambdaError> {
        let stopping = || LambdaError::Service("the emulator is stopping".into());
        if self.closed.load(Ordering::SeqCst) {
            return Err(stopping());
        }
        let key = pool_key(config);
        let pool = {
            let mut pools = crate::state::lock(&self.pools);
            let pool = pools.entry(key).or_insert_with(|| {
                Arc::new(Pool {
                    idle: Mutex::default(),
                    busy: Mutex::default(),
                    next_busy: AtomicU64::new(0),
                    slots: Arc::new(tokio::sync::Semaphore::new(WORKERS_PER_VERSION)),
                    stopped: tokio::sync::watch::Sender::new(false),
                })
            });
            Arc::clone(pool)
        };
        let _slot = (pool.slots.clone().acquire_owned().await)
            .map_err(|_| LambdaError::Service("the function's workers were stopped".into()))?;
        let (warm, expired) = {
            let mut idle = crate::state::lock(&pool.idle);
            let (fresh, expired): (Vec<Worker>, Vec<Worker>) =
                idle.drain(..).partition(|worker| worker.idle_for() < IDLE_LIMIT);
            *idle = fresh;
            (idle.pop(), expired)
        };
        // Killed outside the lock.
        drop(expired);
        let mut worker = match warm {
            Some(worker) => worker,
            None if self.closed.load(Ordering::SeqCst) => return Err(stopping()),
            None => Worker::spawn(
                launch()?,
                &self.bootstrap_dir,
                &self.workers_dir,
                &self.interpreters,
            )?,
        };
        let busy = pool.next_busy.fetch_add(1, Ordering::Relaxed);
        crate::state::lock(&pool.busy).insert(busy, worker.sandbox_handle());
        let outcome = worker.run(config, invocation, INIT_LIMIT, pool.stopped()).await;
        crate::state::lock(&pool.busy).remove(&busy);
        if worker.reusable() && !*pool.stopped.borrow() {
            crate::state::lock(&pool.idle).push(worker);
        }
        Ok(outcome)
    }

    /// Retires the workers of every version of a function (after an update or a delete): idle
    /// ones are killed now, busy ones when their invocation ends; the next invocation starts
    /// afresh with the new code and settings.
    pub fn retire(&self, function_arn: &str) {
        let prefix = format!("{function_arn}:");
        let retired: Vec<Arc<Pool>> = {
            let mut pools = crate::state::lock(&self.pools);
            let keys: Vec<String> =
                pools.keys().filter(|key| key.starts_with(&prefix)).cloned().collect();
            keys.iter().filter_map(|key| pools.remove(key)).collect()
        };
        // Dropped outside the lock: each idle worker's sandbox is killed as it goes.
        drop(retired);
    }

    /// Kills every worker, busy ones included (a reset, a restored snapshot: their keys are no
    /// longer valid). Invocations in progress end as if their runtime had died.
    pub fn stop_all(&self) {
        let pools: Vec<Arc<Pool>> =
            crate::state::lock(&self.pools).drain().map(|(_, pool)| pool).collect();
        for pool in &pools {
            pool.stopped.send_replace(true);
            let idle = std::mem::take(&mut *crate::state::lock(&pool.idle));
            drop(idle);
            // Busy workers are killed here and now; their invocations see them end.
            let busy: Vec<sandbox::SandboxHandle> =
                crate::state::lock(&pool.busy).values().cloned().collect();
            for sandbox in busy {
                sandbox.kill();
            }
        }
    }

    /// Stops for good: no worker starts any more, and every worker is killed. For an emulator
    /// that is shutting down.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.stop_all();
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

/// When an instant happened on the machine's wall clock, in milliseconds since the epoch: the
/// handler's deadline, which its runtime compares with the wall clock it sees.
pub fn wall_epoch_ms(at: Instant) -> i64 {
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    let ago = Instant::now().saturating_duration_since(at).as_millis() as i128;
    (now_ms - ago) as i64
}
