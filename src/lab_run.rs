//! `awslab run`, `awslab check`, `awslab grade`, `awslab cleanup`: a lab played step by step,
//! its checks, its score, against the offline emulator or AWS. Running, checking and recording
//! a step are `awslab-core`'s `steps` (the same path as the app's), reports its `report`; this
//! module chooses the target from the flags and prints (the words are `lab_print`'s).
//!
//! On AWS, a step whose action exists only offline is not tried: the learner does it by hand
//! and its checks run; checks that read only the offline mailbox are listed as not graded, and
//! the score is the AWS total's.

use anyhow::{Context, Result, bail};
use awslab_cloud::{ControlToken, Target};
use awslab_core::clock::{Clock, SystemClock};
use awslab_core::engine::{self, FormValues};
use awslab_core::progress_slot::ProgressSlot;
use awslab_core::report::{self, ExportError};
use awslab_core::steps;
use awslab_core::target::Connection;
use awslab_emulator::{Emulator, EmulatorConfig};
use awslab_lab::{Lab, Lang, TargetKind};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use crate::lab_print;

/// Where a command's calls go.
#[derive(Debug, Clone, clap::Args)]
pub struct TargetArgs {
    /// `emulator` (the offline AWS) or `aws` (your account, through your AWS configuration).
    #[arg(long, value_parser = ["emulator", "aws"])]
    target: Option<String>,
    /// The emulator's address, for a running `awslab emulator serve` (default for `check` and
    /// `grade`: http://127.0.0.1:4566; `run` starts one of its own when this is not given).
    #[arg(long, value_name = "URL", conflicts_with_all = ["profile"])]
    endpoint: Option<String>,
    /// The AWS profile to use (with `--target aws`); default: the standard credential chain.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// The region (default: ap-northeast-2 on the emulator; your configured one on AWS).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    #[arg(long, default_value = "ko", value_parser = parse_lang)]
    lang: Lang,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    text.parse()
}

/// A target and its clients; holds an embedded emulator alive while it is used.
struct Connected {
    connection: Connection,
    _emulator: Option<Emulator>,
}

impl TargetArgs {
    fn is_aws(&self) -> bool {
        self.target.as_deref() == Some("aws")
    }

    /// Connects; `embedded` (the timing it keeps) starts an in-memory emulator when no endpoint
    /// is given.
    async fn connect(&self, embedded: Option<&crate::emulator::TimingArgs>) -> Result<Connected> {
        let (target, emulator) = if self.is_aws() {
            let region = match &self.region {
                Some(region) => region.clone(),
                None => configured_region(self.profile.as_deref())
                    .await
                    .context("no region: pass --region, or set one in your AWS configuration")?,
            };
            (Target::Aws { profile: self.profile.clone(), region }, None)
        } else {
            let region =
                self.region.clone().unwrap_or_else(|| awslab_cloud::DEFAULT_EMULATOR_REGION.into());
            match (&self.endpoint, embedded) {
                (Some(endpoint), _) => {
                    let token = served_emulator_token();
                    (Target::Emulator { endpoint: endpoint.clone(), region, token }, None)
                }
                (None, Some(timing)) => {
                    let config = EmulatorConfig {
                        clockwork: timing.clockwork(),
                        ..EmulatorConfig::default()
                    };
                    let emulator =
                        Emulator::start(config).await.context("starting the offline emulator")?;
                    let endpoint = emulator.endpoint().to_string();
                    let token = Some(ControlToken::new(emulator.control_token()));
                    (Target::Emulator { endpoint, region, token }, Some(emulator))
                }
                (None, None) => {
                    let endpoint = "http://127.0.0.1:4566".into();
                    (Target::Emulator { endpoint, region, token: served_emulator_token() }, None)
                }
            }
        };
        let mut connection = awslab_core::target::connect(&target).await.map_err(|failure| {
            anyhow::anyhow!(
                "cannot reach {target}: {}: {}\n{}",
                failure.code,
                failure.message,
                failure.explanation.en
            )
        })?;
        connection.clients.progress = progress_lines(self.lang);
        Ok(Connected { connection, _emulator: emulator })
    }
}

/// Word of long work on stderr, one line per note: a wait says what it waits for when it
/// starts and then every few seconds ("… waiting for addCustomer to become Active… 3 s"), the
/// calls of a long check likewise, so a learner sees why a step takes a while.
fn progress_lines(lang: Lang) -> awslab_cloud::progress::Progress {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(5);
    let last: std::sync::Mutex<Option<(String, std::time::Instant)>> = std::sync::Mutex::new(None);
    awslab_cloud::progress::Progress::to(move |note| {
        let text = note.get(lang);
        // The same note with other numbers (seconds, calls) is the same news.
        let gist: String = text.chars().filter(|c| !c.is_ascii_digit()).collect();
        let mut last = last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let repeat = last.as_ref().is_some_and(|(seen, at)| *seen == gist && at.elapsed() < EVERY);
        if !repeat {
            eprintln!("  … {text}");
            *last = Some((gist, std::time::Instant::now()));
        }
    })
}

/// The control token of an emulator served by `awslab emulator serve`: `AWSLAB_EMULATOR_TOKEN`
/// when set, else the `control-token` file it writes into its data folder (the default one:
/// a server started with `--data-dir` or `--in-memory` needs the variable). Without one, the
/// AWS APIs still work and the emulator says what is missing when a control endpoint is used.
fn served_emulator_token() -> Option<ControlToken> {
    let from_environment = std::env::var("AWSLAB_EMULATOR_TOKEN").ok();
    let token = from_environment.filter(|token| !token.trim().is_empty()).or_else(|| {
        let folder = awslab_core::data_dir::emulator_dir()?;
        std::fs::read_to_string(folder.join(awslab_emulator::CONTROL_TOKEN_FILE)).ok()
    })?;
    Some(ControlToken::new(token))
}

async fn configured_region(profile: Option<&str>) -> Option<String> {
    let mut chain = aws_config::meta::region::RegionProviderChain::default_provider();
    if let Some(profile) = profile {
        chain = aws_config::meta::region::RegionProviderChain::first_try(
            aws_config::profile::ProfileFileRegionProvider::builder().profile_name(profile).build(),
        )
        .or_else(aws_config::Region::new("ap-northeast-2"));
    }
    chain.region().await.map(|region| region.to_string())
}

fn find_lab(dir: &Path, id: &str) -> Result<Lab> {
    let catalog = awslab_core::catalog::load_catalog(dir)?;
    match catalog.lab(id) {
        Some(lab) => Ok(lab.clone()),
        None => {
            let known: Vec<&str> = catalog.labs.iter().map(|lab| lab.id.as_str()).collect();
            bail!("no lab `{id}` in {}; the labs are: {}", dir.display(), known.join(", "))
        }
    }
}

fn tokio_runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("starting the async runtime")
}

/// `awslab run <lab>`: every step (or one), with the form's defaults or the reference solution.
pub fn run(
    dir: &Path,
    id: &str,
    args: TargetArgs,
    timing: &crate::emulator::TimingArgs,
    step: Option<usize>,
    solution: bool,
) -> Result<ExitCode> {
    let lab = find_lab(dir, id)?;
    let steps: Vec<usize> = match step {
        None => (0..lab.steps.len()).collect(),
        Some(number) if (1..=lab.steps.len()).contains(&number) => vec![number - 1],
        Some(number) => bail!("{id} has steps 1 to {}, not {number}", lab.steps.len()),
    };
    let lang = args.lang;
    tokio_runtime()?.block_on(async {
        let connected = args.connect(Some(timing)).await?;
        if args.is_aws() {
            println!(
                "{}: {} (≈ ${:.2})",
                match lang {
                    Lang::Ko => "예상 비용",
                    Lang::En => "estimated cost",
                },
                lab.cost.note.get(lang),
                lab.cost.usd
            );
        }
        let connection = &connected.connection;
        let target = engine::target_kind(&connection.clients);
        println!("{} — {}", lab.id, lab.title.get(lang));
        println!("target: {} as {}\n", connection.clients.target, connection.identity.arn);
        let progress = open_progress()?;
        let mut all_passed = true;
        for index in steps {
            let step = &lab.steps[index];
            println!("[{}/{}] {}  {}", index + 1, lab.steps.len(), step.id, step.title.get(lang));
            let values: FormValues =
                if solution { engine::solution_values(step) } else { engine::default_values(step) };
            let outcome = steps::run_step(connection, &progress, &SystemClock, &lab, step, &values)
                .await
                .context("recording the step")?;
            let run = &outcome.run;
            if run.done_by_hand {
                print!("{}", lab_print::by_hand_text(target, lang));
            }
            for problem in &run.field_problems {
                println!("  ✗ {}: {}", problem.field, problem.message.get(lang));
            }
            if let Some(failure) = &run.failure {
                println!("  ✗ {}: {}", failure.code, failure.message);
            }
            if let Some(action) = &run.action {
                for call in &action.calls {
                    println!("  $ {}", call.cli);
                }
                if let Some(note) = &action.note {
                    println!("  ↺ {}", note.get(lang));
                }
                if let Some(failure) = &action.failure {
                    println!("  ✗ {}: {}", failure.code, failure.message);
                    println!("    {}", failure.explanation.get(lang));
                }
            }
            print!("{}", lab_print::checks_text(&run.checks, step, target, lang));
            all_passed &= run.passed();
            println!();
        }
        print_score(&lab, &progress, target, lang)?;
        Ok(if all_passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
    })
}

/// `awslab check <lab>`: every check of the lab against the target, recorded as progress.
pub fn check(dir: &Path, id: &str, args: TargetArgs) -> Result<ExitCode> {
    let lab = find_lab(dir, id)?;
    let lang = args.lang;
    tokio_runtime()?.block_on(async {
        let connected = args.connect(None).await?;
        let connection = &connected.connection;
        let target = engine::target_kind(&connection.clients);
        println!("{} — {}", lab.id, lab.title.get(lang));
        println!("target: {} as {}\n", connection.clients.target, connection.identity.arn);
        let progress = open_progress()?;
        for step in &lab.steps {
            println!("{}  {}", step.id, step.title.get(lang));
            let values = engine::default_values(step);
            let outcome =
                steps::check_step(connection, &progress, &SystemClock, &lab, step, &values)
                    .await
                    .context("recording the results")?;
            print!("{}", lab_print::checks_text(&outcome.run.checks, step, target, lang));
        }
        println!();
        let score = print_score(&lab, &progress, target, lang)?;
        Ok(if score.passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
    })
}

/// `awslab cleanup <lab>`: delete what the lab created on the target, and prove it is gone.
pub fn cleanup(dir: &Path, id: &str, args: TargetArgs) -> Result<ExitCode> {
    let lab = find_lab(dir, id)?;
    let lang = args.lang;
    tokio_runtime()?.block_on(async {
        let connected = args.connect(None).await?;
        let connection = &connected.connection;
        println!("{} — {}", lab.id, lab.title.get(lang));
        println!("target: {} as {}\n", connection.clients.target, connection.identity.arn);
        // The clean-up awaits the target while it holds the store: a connection of its own.
        let mut store = open_progress()?.open_another()?;
        let report =
            engine::clean_up(&connection.clients, &connection.identity, &mut store, &lab).await?;
        for deleted in &report.deleted {
            println!("  deleted  {} {}", deleted.kind, deleted.id);
        }
        for (kept, why) in &report.kept {
            println!("  kept     {} {}: {why}", kept.kind, kept.id);
        }
        for (failed, failure) in &report.failed {
            println!(
                "  FAILED   {} {}: {}: {}",
                failed.kind, failed.id, failure.code, failure.message
            );
        }
        for left in &report.remaining {
            println!("  LEFT     {} {}", left.kind, left.id);
        }
        if report.clean() {
            println!(
                "\n{}",
                match lang {
                    Lang::Ko => "정리 완료: 이 실습이 만든 리소스가 남아 있지 않습니다.",
                    Lang::En => "clean: nothing this lab created is left",
                }
            );
            Ok(ExitCode::SUCCESS)
        } else {
            println!(
                "\n{}",
                match lang {
                    Lang::Ko => "정리되지 않은 리소스가 있습니다 (위).",
                    Lang::En => "not clean: see the resources above",
                }
            );
            Ok(ExitCode::FAILURE)
        }
    })
}

/// `awslab grade <lab>`: the score on `target` from the recorded progress, and a report file if
/// asked (`.html`: a page for people; `.json`: the same content for programs).
pub fn grade(
    dir: &Path,
    id: &str,
    target: TargetKind,
    lang: Lang,
    report: Option<&Path>,
) -> Result<ExitCode> {
    let lab = find_lab(dir, id)?;
    let progress = open_progress()?;
    let score = print_score(&lab, &progress, target, lang)?;
    if let Some(path) = report {
        let at_ms = SystemClock.now_ms();
        let saved = progress
            .with_store(|store, _| report::save(&lab, store, target, path, lang, at_ms))?
            .map_err(|error| match error {
                ExportError::UnknownFormat { path } => {
                    anyhow::anyhow!(
                        "--report names an .html or a .json file, not {}",
                        path.display()
                    )
                }
                error => anyhow::Error::new(error).context("writing the report"),
            })?;
        println!("report: {} (SHA-256 {})", saved.path, saved.sha256);
    }
    Ok(if score.passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The progress store in the data folder; says so on stderr when a damaged file was set aside.
fn open_progress() -> Result<ProgressSlot> {
    let progress = ProgressSlot::in_data_folder(Arc::new(SystemClock));
    let recovered = progress
        .with_store(|_, recovered| recovered.map(str::to_owned))
        .context("opening the progress file")?;
    if let Some(recovered) = recovered {
        eprintln!("{recovered}");
    }
    Ok(progress)
}

/// Prints the lab's score on `target` from the recorded progress.
fn print_score(
    lab: &Lab,
    progress: &ProgressSlot,
    target: TargetKind,
    lang: Lang,
) -> Result<awslab_lab::grade::Score> {
    let standing =
        progress.with_store(|store, _| awslab_core::status::lab_progress(lab, store, target))??;
    println!("{}", lab_print::score_text(&standing.score, target, lang));
    Ok(standing.score)
}
