//! `awslab emulator serve`: the offline AWS on its own, for the AWS CLI, boto3 or an SDK.
//!
//! It runs until Ctrl-C (SIGINT), SIGTERM or SIGHUP (its terminal closed), then shuts down
//! gracefully: Lambda workers and everything they started are killed, and the emulator's temp
//! folders are removed, before the process exits.

use anyhow::{Context, Result, bail};
use awslab_emulator::{Clockwork, Emulator, EmulatorConfig, Timing};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1; 0 picks a free one (the line printed when ready names it).
    #[arg(long, default_value_t = 4566)]
    port: u16,
    /// Folder for the emulator's state (default: the `emulator` folder in awslab's data folder).
    #[arg(long, value_name = "DIR", conflicts_with = "in_memory")]
    data_dir: Option<PathBuf>,
    /// Keep all state in memory: nothing is written, everything is gone when it stops.
    #[arg(long)]
    in_memory: bool,
    /// Emulated seconds per real second, for alarms and instance state changes.
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    clock_speed: f64,
    /// Check SigV4 signatures of keys the emulator issued (STS sessions), and the request time
    /// of every request. Your own keys are always accepted: their secret never reaches it.
    #[arg(long)]
    verify_signatures: bool,
    #[command(flatten)]
    timing: TimingArgs,
}

/// `--timing` and `--seed`, wherever awslab starts an emulator.
#[derive(Debug, Clone, clap::Args)]
pub struct TimingArgs {
    /// `aws`: changes take AWS's time to settle (functions are Pending, tables CREATING, new
    /// deployments propagate, API Gateway's control plane is throttled); `instant`: everything
    /// is ready at once.
    #[arg(long, default_value_t = DEFAULT_TIMING, value_parser = parse_timing, value_name = "MODEL")]
    timing: Timing,
    /// Draw the delays with this seed, so that a run repeats exactly (default: a new one each
    /// launch, shown by GET /_awslab/health).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
}

/// What every command that starts an emulator uses unless told otherwise.
const DEFAULT_TIMING: Timing = Timing::Aws;

fn parse_timing(text: &str) -> Result<Timing, String> {
    text.parse()
}

impl TimingArgs {
    pub fn clockwork(&self) -> Clockwork {
        Clockwork { timing: self.timing, seed: self.seed.unwrap_or_else(|| fastrand::u64(..)) }
    }
}

pub fn serve(args: ServeArgs) -> Result<ExitCode> {
    if !(args.clock_speed.is_finite() && args.clock_speed > 0.0) {
        bail!("--clock-speed must be a number above 0 (1 is real time), not {}", args.clock_speed);
    }
    let data_dir = if args.in_memory {
        None
    } else {
        let dir = match args.data_dir {
            Some(dir) => dir,
            None => awslab_core::data_dir::emulator_dir()
                .context("no data folder on this system: pass --data-dir DIR or --in-memory")?,
        };
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("creating the emulator's data folder {}", dir.display()))?;
        Some(dir)
    };
    let config = EmulatorConfig {
        port: args.port,
        data_dir: data_dir.clone(),
        clock_speed: args.clock_speed,
        verify_signatures: args.verify_signatures,
        clockwork: args.timing.clockwork(),
        ..EmulatorConfig::default()
    };

    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let emulator = Emulator::start(config).await.map_err(|error| match error {
            awslab_emulator::StartError::Bind { port, .. } if port != 0 => anyhow::anyhow!(
                "{error}\nis another emulator running? choose another port with --port, or \
                 --port 0 for any free one"
            ),
            error => anyhow::Error::new(error),
        })?;
        // Damaged state files that were set aside, before the ready lines: the learner reads
        // what is missing before using it.
        for notice in emulator.notices() {
            eprintln!("warning: {notice}");
        }
        // Two lines in one write, then flush: scripts and tests wait for the first to know the
        // port. The control endpoints (/_awslab/…) take a token made at each launch: printed
        // when nothing is written, else kept (readable by you alone) in the data folder. A
        // reader that stops reading after the first line must not make this fail.
        let token = match &data_dir {
            None => emulator.control_token().to_string(),
            Some(dir) => format!("in {}", dir.join(awslab_emulator::CONTROL_TOKEN_FILE).display()),
        };
        let mut stdout = std::io::stdout().lock();
        let ready = format!(
            "awslab emulator listening on {}\ncontrol token: {token}\n",
            emulator.endpoint()
        );
        let _ = stdout.write_all(ready.as_bytes()).and_then(|()| stdout.flush());
        drop(stdout);
        let signal =
            awslab_core::offline::stop_signal().await.context("waiting for a signal to stop")?;
        eprintln!("stopping ({signal})");
        emulator.shutdown().await;
        Ok(ExitCode::SUCCESS)
    })
    // The runtime is dropped here, and with it any task that still held the emulator's state:
    // what was left of it (temp folders) goes before the process exits.
}
