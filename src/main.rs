//! # awslab: the command-line tool
//!
//! Everything the desktop app does, headless. This commands work on lab content:
//!
//! - `awslab labs list`: the catalog.
//! - `awslab labs show <id>`: one lab as the learner will meet it, step by step.
//! - `awslab labs check`: validate every lab (or one folder) and exit 1 on any problem.
//! - `awslab emulator serve`: run the offline AWS alone, for the AWS CLI or boto3.
//! - `awslab run <lab>`: play a lab's steps (the form's defaults, `--solution`, or values set
//!   with `--set` and `--values`) on the emulator or AWS; `awslab check <lab>`: run its checks;
//!   `awslab grade <lab>`: the score; `awslab cleanup <lab>`: delete what the lab created, and
//!   nothing else; `awslab reset`, `hint` and `skip`: the app's buttons of those names.
//!
//! ## Layout
//! - `main.rs`: the command line (clap) and dispatch.
//! - `labs.rs`: the `labs` commands, printing what `awslab-lab` and `awslab-core` compute.
//! - `emulator.rs`: the `emulator` commands.
//! - `lab_run.rs`: `run`, `check`, `grade`, `cleanup`, `reset`, `hint` and `skip`, over
//!   `awslab-core`'s `steps` (the same run-check-record path as the app's), `report` and
//!   `engine`.
//! - `lab_target.rs`: the one rule for which target a lab command talks to.
//! - `lab_values.rs`: what fills a step's form: defaults, solution, `--set`, `--values`.
//! - `report_verify.rs`: `awslab report verify`, saying what a report's hash proves and what
//!   it cannot.
//! - `lab_print.rs`: what those commands print about checks, steps done by hand and the score,
//!   on the target (offline-only checks are not graded on AWS).
//!
//! Not here: any logic a use case needs (that is `awslab-core`), so the app and the CLI agree.

mod emulator;
mod lab_print;
mod lab_run;
mod lab_target;
mod lab_values;
mod labs;
mod report_verify;

use awslab_lab::{Lang, TargetKind};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "awslab", version, about = "Guided AWS serverless labs, offline or on AWS")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Work with lab content: list, show, validate.
    Labs {
        /// Folder of labs (default: $AWSLAB_LABS_DIR, else ./labs, else the labs of this build).
        #[arg(long, global = true, value_name = "DIR")]
        dir: Option<PathBuf>,
        #[command(subcommand)]
        command: LabsCommand,
    },
    /// Run the offline AWS emulator.
    Emulator {
        #[command(subcommand)]
        command: EmulatorCommand,
    },
    /// Play a lab's steps on a target: each step's action, then its checks, then the score.
    /// The forms hold their defaults (the starter code), or the solution with --solution, and
    /// what --set and --values give.
    Run {
        /// The lab's id, as `awslab labs list` prints it.
        lab: String,
        #[command(flatten)]
        target: lab_target::TargetArgs,
        /// Only this step (1 is the first).
        #[arg(long, value_name = "N")]
        step: Option<usize>,
        #[command(flatten)]
        values: lab_values::ValueArgs,
        /// Folder of labs (default: $AWSLAB_LABS_DIR, else ./labs, else the labs of this build).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Run a lab's checks on a target and record the results: what a later step changes on
    /// purpose keeps the pass it had, a quiz keeps its answer.
    Check {
        lab: String,
        #[command(flatten)]
        target: lab_target::TargetArgs,
        /// Run only the checks that read the target; those that probe it (invoke a function,
        /// send requests, write test items) are listed as not graded. For grading someone
        /// else's account.
        #[arg(long)]
        read_only: bool,
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Delete what a lab created on a target (its ledger, and what carries its `awslab:lab`
    /// tag), then list every service to prove nothing of it is left. Touches nothing else. The
    /// progress is kept unless --clear-progress (or yes at the prompt).
    Cleanup {
        lab: String,
        #[command(flatten)]
        target: lab_target::TargetArgs,
        /// Clear the lab's progress too, once it is clean.
        #[arg(long)]
        clear_progress: bool,
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Start a lab over, as the app's Reset lab: its resources on the target, then its progress.
    Reset {
        lab: String,
        #[command(flatten)]
        target: lab_target::TargetArgs,
        /// Do it without asking.
        #[arg(long)]
        yes: bool,
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Reveal a step's next hint (counted in the progress, as in the app), with those before.
    Hint(StepArgs),
    /// Skip a step: recorded as skipped, never as passed, so you can go on.
    Skip(StepArgs),
    /// The lab's score from the recorded results, on a target: on AWS, checks that only read
    /// the offline emulator (the mailbox) count for nothing.
    Grade {
        lab: String,
        /// The target the score is taken on.
        #[arg(long, default_value = "emulator", value_parser = parse_target)]
        target: TargetKind,
        #[arg(long, default_value = "ko", value_parser = parse_lang)]
        lang: Lang,
        /// Also write a report: FILE.html (a self-contained page) or FILE.json. It is
        /// self-reported; its hash shows only that it was not changed by accident (see
        /// `awslab report verify`).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Work with a grading report: `verify` it.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
}

/// A step of a lab, for the commands that only touch the progress (`hint`, `skip`).
#[derive(Debug, clap::Args)]
struct StepArgs {
    /// The lab's id, as `awslab labs list` prints it.
    lab: String,
    /// The step (1 is the first).
    #[arg(long, value_name = "N")]
    step: usize,
    #[arg(long, default_value = "ko", value_parser = parse_lang)]
    lang: Lang,
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum EmulatorCommand {
    /// Serve the emulator on 127.0.0.1 until interrupted (Ctrl-C).
    Serve(emulator::ServeArgs),
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// Recompute a report's hash (an .html or .json file of `awslab grade --report` or the
    /// app's Save report) and say what it proves and what it cannot: exit 1 if it does not
    /// match.
    Verify {
        file: PathBuf,
        #[arg(long, default_value = "ko", value_parser = parse_lang)]
        lang: Lang,
    },
}

#[derive(Debug, Subcommand)]
enum LabsCommand {
    /// List the labs with their time, steps and points.
    List {
        #[arg(long, default_value = "ko", value_parser = parse_lang)]
        lang: Lang,
    },
    /// Show one lab: its introduction, then each step's lesson, form, action and checks.
    Show {
        /// The lab's id, as `awslab labs list` prints it.
        id: String,
        #[arg(long, default_value = "ko", value_parser = parse_lang)]
        lang: Lang,
        /// Show every step's hints too (the app reveals them one at a time).
        #[arg(long)]
        hints: bool,
    },
    /// Validate labs: structure, both languages, checks, actions, placeholders and defaults;
    /// then prove each on a fresh offline emulator: every check fails at the start and passes
    /// after the reference solution. `--dir` may name a folder of labs or a single lab folder.
    Check {
        /// Only validate the files; do not prove the checks on an emulator.
        #[arg(long = "static")]
        static_only: bool,
        /// The timing of the emulators the labs are proven on.
        #[command(flatten)]
        timing: emulator::TimingArgs,
    },
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    text.parse()
}

fn parse_target(text: &str) -> Result<TargetKind, String> {
    TargetKind::from_name(text).ok_or_else(|| format!("`{text}` is not a target: emulator or aws"))
}

/// The labs folder: `--dir`, else $AWSLAB_LABS_DIR, else ./labs, else this build's.
fn labs_dir(dir: Option<PathBuf>) -> PathBuf {
    dir.unwrap_or_else(awslab_core::catalog::default_labs_dir)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Labs { dir, command } => {
            let dir = dir.unwrap_or_else(awslab_core::catalog::default_labs_dir);
            match command {
                LabsCommand::List { lang } => labs::list(&dir, lang),
                LabsCommand::Show { id, lang, hints } => labs::show(&dir, &id, lang, hints),
                LabsCommand::Check { static_only, timing } => {
                    labs::check(&dir, static_only, &timing)
                }
            }
        }
        Command::Emulator { command: EmulatorCommand::Serve(args) } => emulator::serve(args),
        Command::Run { lab, target, step, values, dir } => {
            lab_run::run(&labs_dir(dir), &lab, target, step, &values)
        }
        Command::Check { lab, target, read_only, dir } => {
            lab_run::check(&labs_dir(dir), &lab, target, read_only)
        }
        Command::Cleanup { lab, target, clear_progress, dir } => {
            lab_run::cleanup(&labs_dir(dir), &lab, target, clear_progress)
        }
        Command::Reset { lab, target, yes, dir } => {
            lab_run::reset(&labs_dir(dir), &lab, target, yes)
        }
        Command::Hint(StepArgs { lab, step, lang, dir }) => {
            lab_run::hint(&labs_dir(dir), &lab, step, lang)
        }
        Command::Skip(StepArgs { lab, step, lang, dir }) => {
            lab_run::skip(&labs_dir(dir), &lab, step, lang)
        }
        Command::Grade { lab, target, lang, report, dir } => {
            let dir = dir.unwrap_or_else(awslab_core::catalog::default_labs_dir);
            lab_run::grade(&dir, &lab, target, lang, report.as_deref())
        }
        Command::Report { command: ReportCommand::Verify { file, lang } } => {
            report_verify::verify(&file, lang)
        }
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
