//! One worker: a `python3` or `node` process running our bootstrap in a sandbox of its own
//! (`sandbox`: its process tree, memory limit and temp folder), its Runtime API listener
//! (`api`), and the capture of its output (`output`).
//!
//! An invocation races the handler's result against the function's timeout, the sandbox's
//! watchdog (the worker ended, or went over `MemorySize`) and a stop of the runtime (a reset).
//! Every ending but a result kills the whole sandbox; the log and `REPORT` line say which, as
//! AWS writes them.

use super::api::{RuntimeApi, Started};
use super::output::Output;
use super::sandbox::{Sample, Sandbox, SandboxHandle};
use super::{Ending, Invocation, Launch, Outcome};
use crate::clock::Clock;
use crate::config::Interpreters;
use crate::services::lambda::LambdaError;
use crate::services::lambda::model::Config;
use crate::services::lambda::validation::{NODE_RUNTIMES, PYTHON_RUNTIMES};
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The marker's id after the code has loaded (the bootstrap writes it before its first
/// `/invocation/next`, and after an init error).
const INIT_MARK: &str = "init";

/// How AWS words the end of a runtime killed with SIGKILL (out of memory, or stopped).
const KILLED: &str = "signal: killed";

/// How long to wait for a handler's last output lines after its result arrived.
const OUTPUT_GRACE: Duration = Duration::from_millis(500);

/// One log event: when (ms since the epoch) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub timestamp: i64,
    pub message: String,
}

pub struct Worker {
    /// First, so that dropping a worker kills its processes before anything else goes.
    sandbox: Sandbox,
    api: RuntimeApi,
    output: Arc<Output>,
    log_stream: String,
    spawned: Instant,
    /// Set once the first invocation reported the cold start.
    initialized: bool,
    /// Cleared when the process ended or was stopped.
    alive: bool,
    last_used: Instant,
    runtime_label: String,
    runtime_arn: String,
    /// The emulator's clock, which log lines are dated by.
    clock: Arc<dyn Clock>,
}

impl Worker {
    /// Starts the interpreter for `launch.config.runtime` on the bootstrap, in a new sandbox
    /// whose temp folder is made under `temp_parent`.
    pub fn spawn(
        launch: Launch,
        bootstrap_dir: &Path,
        temp_parent: &Path,
        interpreters: &Interpreters,
    ) -> Result<Self, LambdaError> {
        let config = &launch.config;
        let (interpreter, bootstrap, label) = interpreter_for(&config.runtime, interpreters)?;
        let api = RuntimeApi::start()?;
        let log_stream = log_stream_name(&config.version, launch.clock.now(), &launch.ids);
        let (reader, writer) = std::io::pipe().map_err(spawn_error)?;
        let mut command = std::process::Command::new(&interpreter);
        command
            .arg(bootstrap_dir.join(bootstrap))
            .current_dir(&launch.task_root)
            .env_clear()
            .envs(environment(&launch, &api.address(), &log_stream, interpreters))
            .stdin(std::process::Stdio::null())
            .stdout(writer.try_clone().map_err(spawn_error)?)
            .stderr(writer);
        // The command (and its copies of the pipe's write end) is dropped once the worker has
        // started, so the reader sees the end of the output when the sandbox's processes end.
        let sandbox = match Sandbox::spawn(command, config.memory_size, temp_parent) {
            Ok(sandbox) => sandbox,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(missing_interpreter(&config.runtime, &interpreter));
            }
            Err(error) => return Err(spawn_error(error)),
        };
        let output = Arc::new(Output::new(Arc::clone(&launch.clock)));
        let capture = Arc::clone(&output);
        std::thread::Builder::new()
            .name("awslab-lambda-output".into())
            .spawn(move || capture.read_from(reader))
            .map_err(spawn_error)?;
        Ok(Self {
            sandbox,
            api,
            output,
            log_stream,
            spawned: Instant::now(),
            initialized: false,
            alive: true,
            last_used: Instant::now(),
            runtime_label: label,
            runtime_arn: config.runtime_version_arn(),
            clock: launch.clock,
        })
    }

    /// Kills the worker's sandbox from elsewhere (a reset while it is busy).
    pub fn sandbox_handle(&self) -> SandboxHandle {
        self.sandbox.handle()
    }

    pub fn idle_for(&self) -> Duration {
        self.last_used.elapsed()
    }

    /// Whether the worker can serve another invocation.
    pub fn reusable(&self) -> bool {
        self.alive
    }

    /// Runs one invocation and gathers its log. `stop` ends it early (the runtime is being
    /// stopped): the sandbox is killed and the invocation ends as if the runtime had died.
    pub async fn run(
        &mut self,
        config: &Config,
        invocation: Invocation,
        init_limit: Duration,
        stop: impl Future<Output = ()>,
    ) -> Outcome {
        tokio::pin!(stop);
        let cold = !self.initialized;
        let request_id = invocation.request_id.clone();
        let timeout = Duration::from_secs(u64::from(config.timeout));
        let mut log = Vec::new();
        if cold {
            log.push(self.line_at(
                self.spawned,
                format!(
                    "INIT_START Runtime Version: {}\tRuntime Version ARN: {}",
                    self.runtime_label, self.runtime_arn
                ),
            ));
        }
        let (started, replied) = self.api.dispatch(invocation, timeout);

        // Phase 1: the worker takes the invocation (on a cold start, after loading the code).
        let picked_up = tokio::select! {
            started = started => started.map_err(|_| Interrupted::Exited),
            watched = self.sandbox.watch() => Err(Interrupted::from(watched)),
            () = tokio::time::sleep(init_limit) => Err(Interrupted::TimedOut),
            () = &mut stop => Err(Interrupted::Stopped),
        };
        let init_duration = cold.then(|| {
            picked_up.as_ref().map_or_else(
                |_| self.spawned.elapsed(),
                |started: &Started| started.at - self.spawned,
            )
        });
        let started = match picked_up {
            Ok(started) => started,
            Err(interrupted) => {
                return self.failed_init(config, &request_id, interrupted, init_duration, log);
            }
        };
        if cold {
            // Lines printed while the code loaded come before START: all of them, up to the
            // bootstrap's "init" marker, however late the reader gets to them under load.
            log.extend(self.output.drain(Some(OUTPUT_GRACE), INIT_MARK));
        }
        log.push(self.line_at(
            started.at,
            format!("START RequestId: {request_id} Version: {}", config.version),
        ));

        // Phase 2: the handler runs, within the function's timeout and memory.
        let deadline = tokio::time::Instant::from_std(started.at + timeout);
        let mut ending = tokio::select! {
            reply = replied => match reply {
                Ok(ending) => ending,
                Err(_) => Ending::Exited("Runtime exited without providing a reason".into()),
            },
            watched = self.sandbox.watch() => match watched {
                Sample::OverLimit => Ending::Exited(KILLED.into()),
                _ => Ending::Exited(self.exit_reason()),
            },
            () = tokio::time::sleep_until(deadline) => Ending::TimedOut,
            () = &mut stop => Ending::Exited(KILLED.into()),
        };
        let duration = started.at.elapsed();
        // The memory at the end counts too: a handler that went over its limit just before it
        // answered was over its limit.
        if matches!(ending, Ending::Response(_) | Ending::FunctionError { .. })
            && self.sandbox.sample() == Sample::OverLimit
        {
            ending = Ending::Exited(KILLED.into());
        }
        match &ending {
            Ending::Response(_) | Ending::FunctionError { .. } => {
                log.extend(self.output.drain(Some(OUTPUT_GRACE), &request_id));
            }
            Ending::TimedOut => {
                self.stop();
                log.extend(self.output.drain(None, &request_id));
                log.push(self.line(format!(
                    "{} {request_id} Task timed out after {:.2} seconds",
                    iso_millis(self.clock.now()),
                    timeout.as_secs_f64()
                )));
            }
            Ending::Exited(reason) => {
                self.stop();
                log.extend(self.output.drain(None, &request_id));
                log.push(self.line(format!(
                    "RequestId: {request_id} Error: Runtime exited with error: {reason}\nRuntime.ExitError"
                )));
            }
        }
        log.push(self.line(format!("END RequestId: {request_id}")));
        let reported = if ending == Ending::TimedOut { timeout } else { duration };
        let mut report = format!(
            "REPORT RequestId: {request_id}\tDuration: {:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB\tMax Memory Used: {} MB\t",
            ms(reported),
            billed(reported + init_duration.unwrap_or_default()),
            config.memory_size,
            self.sandbox.peak_mb(),
        );
        if let Some(init) = init_duration {
            report.push_str(&format!("Init Duration: {:.2} ms\t", ms(init)));
        }
        match &ending {
            Ending::TimedOut => report.push_str("Status: timeout"),
            Ending::Exited(_) => report.push_str("Status: error\tError Type: Runtime.ExitError"),
            _ => {}
        }
        log.push(self.line(report.trim_end().to_string()));
        self.initialized = true;
        self.last_used = Instant::now();
        Outcome {
            ending,
            log: in_time_order(log),
            log_stream: self.log_stream.clone(),
            duration: reported,
            init_duration,
        }
    }

    /// The outcome of an invocation whose worker never took it: the code failed to load (the
    /// bootstrap reported it and exited), took too long, went over the memory limit, or the
    /// runtime was stopped.
    fn failed_init(
        &mut self,
        config: &Config,
        request_id: &str,
        interrupted: Interrupted,
        init_duration: Option<Duration>,
        mut log: Vec<LogLine>,
    ) -> Outcome {
        self.stop();
        let init_error = self.api.init_error();
        log.extend(self.output.drain(None, request_id));
        let duration = init_duration.unwrap_or_default();
        let exited =
            |reason: &str| (Ending::Exited(reason.into()), "Runtime.ExitError".to_string());
        let (ending, error_type) = match (init_error, interrupted) {
            (Some((body, error_type)), _) => {
                (Ending::FunctionError { body, error_type: error_type.clone() }, error_type)
            }
            (None, Interrupted::TimedOut) => (Ending::TimedOut, "Sandbox.Timedout".into()),
            (None, Interrupted::OverLimit | Interrupted::Stopped) => {
                log.push(self.line(format!(
                    "RequestId: {request_id} Error: Runtime exited with error: {KILLED}\nRuntime.ExitError"
                )));
                exited(KILLED)
            }
            (None, Interrupted::Exited) => exited("Runtime exited without providing a reason"),
        };
        log.push(self.line(format!(
            "INIT_REPORT Init Duration: {:.2} ms\tPhase: init\tStatus: error\tError Type: {error_type}",
            ms(duration)
        )));
        log.push(self.line(format!("START RequestId: {request_id} Version: {}", config.version)));
        log.push(self.line(format!("END RequestId: {request_id}")));
        log.push(self.line(format!(
            "REPORT RequestId: {request_id}\tDuration: {:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB\tMax Memory Used: {} MB\tStatus: error\tError Type: {error_type}",
            ms(duration),
            billed(duration),
            config.memory_size,
            self.sandbox.peak_mb()
        )));
        self.initialized = true;
        Outcome {
            ending,
            log: in_time_order(log),
            log_stream: self.log_stream.clone(),
            duration,
            init_duration: None,
        }
    }

    /// Kills the sandbox; the worker is not used again.
    fn stop(&mut self) {
        self.alive = false;
        self.sandbox.kill();
    }

    /// How the worker process ended, in the words of AWS's runtime interface (Go's).
    fn exit_reason(&mut self) -> String {
        self.alive = false;
        match self.sandbox.kill() {
            Some(status) => exit_reason(status),
            None => "Runtime exited without providing a reason".into(),
        }
    }

    fn line(&self, message: String) -> LogLine {
        self.line_at(Instant::now(), message)
    }

    fn line_at(&self, at: Instant, message: String) -> LogLine {
        let at = crate::clock::at(&*self.clock, at);
        LogLine { timestamp: crate::clock::millis(at), message }
    }
}

/// The invocation's log with times that never go back. Its lines are in the order things
/// happened, but they are stamped by different clocks (an instant converted to the epoch for
/// START, the reader's clock for printed lines, which it may see late), and CloudWatch Logs
/// orders events by time: a line stamped a millisecond before the one it follows would jump it.
fn in_time_order(mut log: Vec<LogLine>) -> Vec<LogLine> {
    let mut latest = i64::MIN;
    for line in &mut log {
        latest = latest.max(line.timestamp);
        line.timestamp = latest;
    }
    log
}

/// Why a worker never took an invocation.
enum Interrupted {
    Exited,
    OverLimit,
    TimedOut,
    Stopped,
}

impl From<Sample> for Interrupted {
    fn from(sample: Sample) -> Self {
        match sample {
            Sample::OverLimit => Self::OverLimit,
            Sample::Exited | Sample::Running(_) => Self::Exited,
        }
    }
}

/// The interpreter, bootstrap file and runtime label for a runtime.
fn interpreter_for(
    runtime: &str,
    interpreters: &Interpreters,
) -> Result<(String, &'static str, String), LambdaError> {
    if PYTHON_RUNTIMES.contains(&runtime) {
        let label = format!("python:{}.v1", runtime.trim_start_matches("python"));
        return Ok((interpreters.python.clone(), "python.py", label));
    }
    if NODE_RUNTIMES.contains(&runtime) {
        let version = runtime.trim_start_matches("nodejs").trim_end_matches(".x");
        return Ok((interpreters.node.clone(), "node.mjs", format!("nodejs:{version}.v1")));
    }
    Err(LambdaError::InvalidRuntime(format!(
        "The runtime {runtime} cannot run in the offline emulator."
    )))
}

fn missing_interpreter(runtime: &str, interpreter: &str) -> LambdaError {
    let (language, install, variable) = if runtime.starts_with("python") {
        ("Python 3", "sudo apt install python3 python3-boto3", "AWSLAB_PYTHON")
    } else {
        ("Node.js", "sudo apt install nodejs", "AWSLAB_NODE")
    };
    LambdaError::InvalidRuntime(format!(
        "awslab runs {runtime} functions with a local {language}, and `{interpreter}` was not \
         found. Install {language} (on Debian or Ubuntu: `{install}`), or set {variable} to \
         the interpreter's path, then invoke again."
    ))
}

fn spawn_error(error: std::io::Error) -> LambdaError {
    LambdaError::Service(format!("cannot start the function's worker: {error}"))
}

/// The worker's environment: AWS's variables, the role's keys, the emulator as the endpoint,
/// and the function's own variables. Nothing of the emulator's own environment is passed on
/// but `PATH`, so the learner's real AWS keys never reach a handler. `NODE_PATH` ends with the
/// folder that has the AWS SDK for JavaScript, where the bootstrap also resolves ES modules.
fn environment(
    launch: &Launch,
    runtime_api: &str,
    log_stream: &str,
    interpreters: &Interpreters,
) -> Vec<(String, String)> {
    let config = &launch.config;
    let keys = &launch.credentials;
    let execution_env = format!("AWS_Lambda_{}", config.runtime);
    let mut env: Vec<(String, String)> = config.environment.clone().into_iter().collect();
    let mut set = |key: &str, value: &str| env.push((key.to_string(), value.to_string()));
    set("PATH", &std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into()));
    set("LANG", "en_US.UTF-8");
    set("TZ", ":UTC");
    set("_HANDLER", &config.handler);
    set("AWS_EXECUTION_ENV", &execution_env);
    set("AWS_REGION", &config.region);
    set("AWS_DEFAULT_REGION", &config.region);
    set("AWS_LAMBDA_FUNCTION_NAME", &config.name);
    set("AWS_LAMBDA_FUNCTION_VERSION", &config.version);
    set("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", &config.memory_size.to_string());
    set("AWS_LAMBDA_LOG_GROUP_NAME", &config.log_group());
    set("AWS_LAMBDA_LOG_STREAM_NAME", log_stream);
    set("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    set("AWS_LAMBDA_RUNTIME_API", runtime_api);
    set("LAMBDA_TASK_ROOT", &launch.task_root.to_string_lossy());
    set("LAMBDA_RUNTIME_DIR", &launch.task_root.to_string_lossy());
    set("AWS_ACCESS_KEY_ID", &keys.access_key);
    set("AWS_SECRET_ACCESS_KEY", &keys.secret_key);
    set("AWS_SESSION_TOKEN", &keys.session_token);
    set("AWS_ENDPOINT_URL", &launch.endpoint);
    // The handler's SDK must not read the learner's AWS configuration or ask EC2 for keys.
    set("AWS_CONFIG_FILE", "/dev/null");
    set("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    set("AWS_EC2_METADATA_DISABLED", "true");
    set("PYTHONUNBUFFERED", "1");
    set("PYTHONDONTWRITEBYTECODE", "1");
    let mut node_path = "/opt/nodejs/node_modules".to_string();
    if let Some(sdk) = &interpreters.node_modules {
        node_path.push(':');
        node_path.push_str(&sdk.to_string_lossy());
    }
    set("NODE_PATH", &node_path);
    env
}

/// `YYYY/MM/DD/[VERSION]<32 hex digits>`, as Lambda names a new environment's stream, dated
/// `now`.
fn log_stream_name(version: &str, now: time::OffsetDateTime, ids: &crate::ids::Ids) -> String {
    let date = time::macros::format_description!("[year]/[month]/[day]");
    let today = now.to_offset(time::UtcOffset::UTC).format(&date).unwrap_or_default();
    format!("{today}/[{version}]{}", ids.hex(32))
}

/// `exit status 1`, `signal: killed`: how Go (AWS's runtime interface) words a process's end.
fn exit_reason(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(signal)) => format!("signal: {}", signal_name(signal)),
        _ => status.to_string(),
    }
}

/// Go's names of the signals a runtime may die of (its `syscall` table on Linux).
fn signal_name(signal: i32) -> String {
    let name = match signal {
        1 => "hangup",
        2 => "interrupt",
        3 => "quit",
        4 => "illegal instruction",
        5 => "trace/breakpoint trap",
        6 => "aborted",
        7 => "bus error",
        8 => "floating point exception",
        9 => "killed",
        10 => "user defined signal 1",
        11 => "segmentation fault",
        12 => "user defined signal 2",
        13 => "broken pipe",
        14 => "alarm clock",
        15 => "terminated",
        other => return format!("signal {other}"),
    };
    name.to_string()
}

/// `2024-05-01T12:00:00.123Z`, as Lambda's runtime dates its own messages.
fn iso_millis(at: time::OffsetDateTime) -> String {
    crate::clock::write(at, crate::clock::formats::ISO_MILLIS)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Lambda bills by the millisecond, rounding up.
fn billed(duration: Duration) -> u64 {
    (ms(duration).ceil() as u64).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_names_look_like_lambdas() {
        let at = time::macros::datetime!(2024-05-01 12:00:00.5 UTC);
        assert_eq!(iso_millis(at), "2024-05-01T12:00:00.500Z");
        let name = log_stream_name("$LATEST", at, &crate::ids::Ids::new(Some(1)));
        assert!(name.starts_with("2024/05/01/[$LATEST]"), "{name}");
        let (date, rest) = name.split_at(11);
        assert_eq!(date.matches('/').count(), 3, "{name}");
        let hex = rest.strip_prefix("[$LATEST]").unwrap();
        assert_eq!(hex.len(), 32);
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn a_line_stamped_before_the_one_it_follows_keeps_its_place() {
        let line = |timestamp, message: &str| LogLine { timestamp, message: message.into() };
        let log = vec![
            line(100, "INIT_START"),
            line(104, "module loaded"),
            line(103, "START"),
            line(103, "event"),
            line(105, "END"),
        ];
        let stamps: Vec<i64> = in_time_order(log).iter().map(|line| line.timestamp).collect();
        assert_eq!(stamps, [100, 104, 104, 104, 105]);
    }

    #[test]
    fn signals_are_named_as_go_names_them() {
        use std::os::unix::process::ExitStatusExt;
        let killed = std::process::ExitStatus::from_raw(9);
        assert_eq!(exit_reason(killed), "signal: killed");
        assert_eq!(
            exit_reason(std::process::ExitStatus::from_raw(11)),
            "signal: segmentation fault"
        );
        assert_eq!(exit_reason(std::process::ExitStatus::from_raw(3 << 8)), "exit status 3");
    }

    #[test]
    fn billing_rounds_up_to_the_millisecond() {
        assert_eq!(billed(Duration::from_micros(1_200)), 2);
        assert_eq!(billed(Duration::from_micros(10)), 1);
        assert_eq!(billed(Duration::from_secs(3)), 3000);
    }

    #[test]
    fn a_missing_interpreter_names_what_to_install() {
        let error = missing_interpreter("python3.12", "python3");
        let message = error.to_string();
        assert!(message.contains("`python3` was not found"), "{message}");
        assert!(message.contains("sudo apt install python3"), "{message}");
        assert!(message.contains("AWSLAB_PYTHON"), "{message}");
    }
}
