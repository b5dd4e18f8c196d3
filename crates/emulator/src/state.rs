//! Everything the emulator holds, shared by the connections it serves.
//!
//! Each service's state sits behind its own `std::sync::Mutex`: handlers are short and never
//! await while holding a lock, so a blocking mutex is simpler and faster than an async one
//! (mini-redis `db.rs` makes the same choice).

use crate::clock::{Clock, ScaledClock};
use crate::config::EmulatorConfig;
use crate::identity::Sessions;
use crate::persist::StateStore;
use crate::protocol::Service;
use crate::services::apigateway::ApiGatewayState;
use crate::services::cloudwatch::CloudWatchState;
use crate::services::dynamodb::RegionalDatabases;
use crate::services::ec2::Ec2State;
use crate::services::iam::IamState;
use crate::services::lambda::LambdaState;
use crate::services::lambda::code::CodeStore;
use crate::services::lambda::runtime::Runtime;
use crate::services::logs::LogStore;
use crate::services::sns::SnsState;
use crate::services::ssm::SsmState;
use crate::snapshots::Snapshots;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

pub struct Shared {
    pub config: EmulatorConfig,
    pub clock: Arc<dyn Clock>,
    pub sessions: Mutex<Sessions>,
    pub iam: Mutex<IamState>,
    /// DynamoDB's engines, one per region; each locks itself (see `services::dynamodb`).
    pub dynamodb: RegionalDatabases,
    /// CloudWatch Logs' groups, streams and events (`logs.sqlite3`); locks itself.
    pub logs: LogStore,
    /// Where the other services' state is saved (`state.sqlite3`), or nowhere in memory.
    pub store: StateStore,
    /// Named snapshots of the whole state.
    pub snapshots: Snapshots,
    pub lambda: Mutex<LambdaState>,
    /// Function code (zips by content hash); locks nothing, files are written once.
    pub lambda_code: CodeStore,
    /// The worker processes that run handlers.
    pub lambda_runtime: Runtime,
    /// API Gateway's REST APIs with their deployments and stages.
    pub apigateway: Mutex<ApiGatewayState>,
    /// EC2's instances and volumes, by region.
    pub ec2: Mutex<Ec2State>,
    /// CloudWatch's metrics, alarms and alarm history.
    pub cloudwatch: Mutex<CloudWatchState>,
    /// SNS's topics, subscriptions and the mailbox.
    pub sns: Mutex<SnsState>,
    /// SSM Parameter Store's parameters, by account and region.
    pub ssm: Mutex<SsmState>,
    /// Held for a whole round of alarm evaluation, so rounds never overlap (see
    /// `services::cloudwatch::ticker`). Taken before `cloudwatch` or `sns`, never after.
    pub alarm_ticks: Mutex<()>,
    /// The token buckets of throttled operations (see `timing`); not saved.
    pub throttles: crate::timing::Buckets,
    /// `http://127.0.0.1:PORT`, once the server listens (handlers' SDKs call it).
    endpoint: OnceLock<String>,
    /// The port the server listens on, once it does (requests must name it: see `gate`).
    port: OnceLock<u16>,
    /// Where request ids, resource ids and weighted draws come from (see `ids`).
    pub ids: Arc<crate::ids::Ids>,
    /// This launch's secret for the control endpoints (see `gate`).
    pub control_token: crate::gate::ControlToken,
    /// Dropped last (fields drop in the order declared), after every SQLite connection and
    /// temp folder above: whoever holds the receiver learns that the state is wholly gone.
    dropped: OnceLock<tokio::sync::oneshot::Sender<()>>,
}

impl Shared {
    /// Opens the state in `config.data_dir` (or keeps it in memory). Damaged state files are set
    /// aside and their stores start empty (see [`notices`](Self::notices)); state that cannot
    /// be used otherwise is a [`StateError`].
    pub fn new(config: EmulatorConfig) -> Result<Self, StateError> {
        let clock: Arc<dyn Clock> = Arc::new(ScaledClock::new(config.clock_speed));
        let (store, logs, dynamodb) = match &config.data_dir {
            Some(data_dir) => (
                StateStore::open(data_dir)?,
                LogStore::open(data_dir)?,
                RegionalDatabases::open(data_dir)?,
            ),
            None => {
                (StateStore::in_memory(), LogStore::in_memory(), RegionalDatabases::in_memory())
            }
        };
        let data_dir = config.data_dir.clone().unwrap_or_default();
        let iam = store.load::<IamState>("iam")?;
        let snapshots = Snapshots::open(config.data_dir.as_deref())
            .map_err(|error| StateError::io(&data_dir.join("snapshots"), &error))?;
        let lambda = store.load::<LambdaState>("lambda")?;
        let apigateway = store.load::<ApiGatewayState>("apigateway")?;
        let ec2 = store.load::<Ec2State>("ec2")?;
        let cloudwatch = store.load::<CloudWatchState>("cloudwatch")?;
        let sns = store.load::<SnsState>("sns")?;
        let ssm = store.load::<SsmState>("ssm")?;
        let lambda_code = CodeStore::open(config.data_dir.as_deref())
            .map_err(|error| StateError::io(&data_dir.join("lambda"), &error))?;
        let lambda_runtime = Runtime::new(config.interpreters.clone())
            .map_err(|error| StateError::io(&std::env::temp_dir(), &error))?;
        Ok(Self {
            snapshots,
            lambda: Mutex::new(lambda),
            lambda_code,
            lambda_runtime,
            apigateway: Mutex::new(apigateway),
            ec2: Mutex::new(ec2),
            cloudwatch: Mutex::new(cloudwatch),
            sns: Mutex::new(sns),
            ssm: Mutex::new(ssm),
            alarm_ticks: Mutex::new(()),
            throttles: crate::timing::Buckets::default(),
            endpoint: OnceLock::new(),
            port: OnceLock::new(),
            ids: Arc::new(crate::ids::Ids::new(config.id_seed)),
            control_token: crate::gate::ControlToken::generate(),
            dropped: OnceLock::new(),
            config,
            clock,
            sessions: Mutex::default(),
            iam: Mutex::new(iam),
            dynamodb,
            logs,
            store,
        })
    }

    /// Saves `service`'s state after a change, under the name its part of the state file has,
    /// and answers a failure in the service's own words for an internal error. DynamoDB and
    /// CloudWatch Logs write their SQLite databases as they change, so there is nothing to save
    /// for them; STS's only change (a role's last use) is IAM's state.
    pub fn save(&self, service: Service) -> Result<(), crate::error::AwsError> {
        let saved = match service {
            Service::Iam | Service::Sts => self.save_part("iam", &self.iam),
            Service::Lambda => self.save_part("lambda", &self.lambda),
            Service::ApiGateway => self.save_part("apigateway", &self.apigateway),
            Service::Ec2 => self.save_part("ec2", &self.ec2),
            Service::CloudWatch => self.save_part("cloudwatch", &self.cloudwatch),
            Service::Sns => self.save_part("sns", &self.sns),
            Service::Ssm => self.save_part("ssm", &self.ssm),
            Service::DynamoDb | Service::DynamoDbStreams | Service::Logs => Ok(()),
        };
        saved.map_err(|error| {
            let code = match service {
                Service::Iam | Service::Sts => "ServiceFailure",
                Service::Lambda => "ServiceException",
                Service::ApiGateway => "InternalFailure",
                Service::CloudWatch => "InternalServiceError",
                Service::Ssm => "InternalServerError",
                Service::Ec2
                | Service::Sns
                | Service::DynamoDb
                | Service::DynamoDbStreams
                | Service::Logs => "InternalError",
            };
            crate::error::AwsError::receiver(code, 500, error.to_string())
        })
    }

    /// Saves every service's state (after a reset or a snapshot's restore).
    pub fn save_all(&self) -> Result<(), crate::error::AwsError> {
        // STS's state is IAM's.
        (crate::services::SERVICES.into_iter())
            .filter(|service| *service != Service::Sts)
            .try_for_each(|service| self.save(service))
    }

    fn save_part<T: serde::Serialize>(
        &self,
        name: &str,
        part: &Mutex<T>,
    ) -> Result<(), crate::persist::PersistError> {
        let state = lock(part);
        self.store.save(name, &*state)
    }

    /// One sentence per damaged state file that was set aside (at start, or when a DynamoDB
    /// region was first opened later): which file, where it went, why and what it held.
    pub fn notices(&self) -> Vec<String> {
        let stores = self.store.set_aside().into_iter().chain(self.logs.set_aside());
        stores
            .cloned()
            .chain(self.dynamodb.set_aside())
            .map(|set_aside| set_aside.to_string())
            .collect()
    }

    /// A receiver that completes once this state has been dropped whole (its files closed, its
    /// temp folders removed). Only the first call gets one.
    pub fn on_drop(&self) -> Option<tokio::sync::oneshot::Receiver<()>> {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        self.dropped.set(sender).ok().map(|()| receiver)
    }

    /// Records the port the server listens on (once, at start).
    pub fn set_port(&self, port: u16) {
        let _ = self.port.set(port);
        let _ = self.endpoint.set(format!("http://127.0.0.1:{port}"));
    }

    /// The port on 127.0.0.1 the server listens on.
    pub fn port(&self) -> u16 {
        self.port.get().copied().unwrap_or(self.config.port)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        self.endpoint
            .get()
            .cloned()
            .unwrap_or_else(|| format!("http://127.0.0.1:{}", self.config.port))
    }
}

/// Saved state that cannot be used, and the file or folder it is in. `message` is one sentence
/// for the learner: it names the file, says why in plain words and what to do. It carries no
/// `source()`: printers of error chains (`{:#}`) would repeat the cause it already states.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct StateError {
    pub path: PathBuf,
    pub message: String,
}

impl StateError {
    /// `message` must name `path` (the constructors below do).
    pub fn new(path: &Path, message: impl Into<String>) -> Self {
        Self { path: path.to_path_buf(), message: message.into() }
    }

    /// A file or folder the emulator cannot read, write or create.
    pub fn io(path: &Path, error: &std::io::Error) -> Self {
        let message = format!(
            "the emulator cannot use {} ({}); check that you may read and write it",
            path.display(),
            crate::state_files::plain_io(error)
        );
        Self::new(path, message)
    }

    /// A SQLite file that SQLite cannot open or prepare, for a reason that is not damage.
    pub fn sqlite(path: &Path, error: &rusqlite::Error) -> Self {
        let message = format!(
            "the emulator cannot open {}: {}",
            path.display(),
            crate::state_files::plain_sqlite(error)
        );
        Self::new(path, message)
    }

    /// A state file the emulator could open only for reading: every change would fail.
    pub fn read_only(path: &Path) -> Self {
        let message = format!(
            "the emulator cannot save changes in {}: it is read-only; make it and its folder \
             writable",
            path.display()
        );
        Self::new(path, message)
    }
}

/// Locks a service's state. A handler that panicked while holding the lock left it poisoned;
/// the state itself is still consistent (every handler validates before it mutates), so the
/// emulator keeps serving rather than failing every later request.
pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
