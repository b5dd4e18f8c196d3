//! `awslab run`, `check`, `grade`, `cleanup`, `reset`, `hint` and `skip`: a lab played step by
//! step, its checks, its score, against the offline emulator or AWS, as the app's buttons do.
//! Running, checking and recording a step are `awslab-core`'s `steps` (the same path as the
//! app's), reports its `report`; the target comes from `lab_target`'s rule, the forms' values
//! from `lab_values`, and the words from `lab_print`.
//!
//! On AWS, a step whose action exists only offline is not tried: the learner does it by hand
//! and its checks run; checks that read only the offline mailbox are listed as not graded, and
//! the score is the AWS total's.

use anyhow::{Context, Result, bail};
use awslab_core::clock::{Clock, SystemClock};
use awslab_core::engine::{self, FormValues};
use awslab_core::progress_slot::ProgressSlot;
use awslab_core::report::{self, ExportError};
use awslab_core::steps;
use awslab_lab::{Lab, Lang, TargetKind};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use crate::lab_print;
use crate::lab_target::TargetArgs;
use crate::lab_values::ValueArgs;

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

/// `awslab run <lab>`: every step (or one), with the form's defaults, the reference solution,
/// or values set by hand.
pub fn run(
    dir: &Path,
    id: &str,
    args: TargetArgs,
    step: Option<usize>,
    values: &ValueArgs,
) -> Result<ExitCode> {
    let lab = find_lab(dir, id)?;
    let steps: Vec<usize> = match step {
        None => (0..lab.steps.len()).collect(),
        Some(number) if (1..=lab.steps.len()).contains(&number) => vec![number - 1],
        Some(number) => bail!("{id} has steps 1 to {}, not {number}", lab.steps.len()),
    };
    let fill = values.fill(&lab, step.map(|number| &lab.steps[number - 1]))?;
    let lang = args.lang;
    tokio_runtime()?.block_on(async {
        println!("{} — {}", lab.id, lab.title.get(lang));
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
        let connected = args.connect().await?;
        let connection = &connected.connection;
        let target = engine::target_kind(&connection.clients);
        let progress = open_progress()?;
        let mut all_passed = true;
        for index in steps {
            let step = &lab.steps[index];
            println!("[{}/{}] {}  {}", index + 1, lab.steps.len(), step.id, step.title.get(lang));
            let values: FormValues = fill.values(step);
            let outcome = steps::run_step_filled(
                connection,
                &progress,
                &SystemClock,
                &lab,
                step,
                &values,
                fill.filled(),
            )
            .await
            .context("recording the step")?;
            print!("{}", lab_print::run_text(&outcome.run, step, target, lang));
            all_passed &= outcome.run.passed();
            println!();
        }
        print_score(&lab, &progress, target, lang)?;
        Ok(if all_passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
    })
}

/// `awslab check <lab>`: every check of the lab against the target, recorded as progress by
/// the rule of `awslab-core`'s `recheck` (a check a later step changes on purpose keeps its
/// pass; a quiz keeps its answer).
///
/// With `read_only`, only the checks that read the target run; those that probe it are listed
/// as not graded, and the score is taken of the reading checks alone.
pub fn check(dir: &Path, id: &str, args: TargetArgs, read_only: bool) -> Result<ExitCode> {
    let lab = find_lab(dir, id)?;
    let lang = args.lang;
    tokio_runtime()?.block_on(async {
        println!("{} — {}", lab.id, lab.title.get(lang));
        let connected = args.connect().await?;
        let connection = &connected.connection;
        let target = engine::target_kind(&connection.clients);
        let progress = open_progress()?;
        let (mut earned, mut possible) = (0, 0);
        for step in &lab.steps {
            println!("{}  {}", step.id, step.title.get(lang));
            let values = engine::default_values(step);
            let outcome = if read_only {
                steps::check_step_read_only(
                    connection,
                    &progress,
                    &SystemClock,
                    &lab,
                    step,
                    &values,
                )
                .await
            } else {
                steps::check_step(connection, &progress, &SystemClock, &lab, step, &values).await
            }
            .context("recording the results")?;
            print!("{}", lab_print::checks_text(&outcome.run.checks, step, target, lang));
            if read_only {
                print!("{}", lab_print::probes_text(step, lang));
                earned += outcome.run.checks.iter().map(|check| check.points).sum::<u32>();
                possible += step
                    .checks_on(target)
                    .filter(|check| !check.kind.access().probes())
                    .map(|check| check.points)
                    .sum::<u32>();
            }
        }
        println!();
        let score = if read_only {
            let score = awslab_lab::grade::Score::new(earned, possible, lab.pass_percent);
            println!("{}", lab_print::read_only_score_text(&score, &lab, target, lang));
            score
        } else {
            print_score(&lab, &progress, target, lang)?
        };
        Ok(if score.passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
    })
}

/// `awslab cleanup <lab>`: delete what the lab created on the target, prove it is gone, and say
/// what becomes of the progress: kept (the score still stands, as a record), or cleared with
/// `--clear-progress` or when the learner says so at the prompt.
pub fn cleanup(dir: &Path, id: &str, args: TargetArgs, clear_progress: bool) -> Result<ExitCode> {
    let lab = find_lab(dir, id)?;
    let lang = args.lang;
    tokio_runtime()?.block_on(async {
        println!("{} — {}", lab.id, lab.title.get(lang));
        let connected = args.connect().await?;
        let connection = &connected.connection;
        let target = engine::target_kind(&connection.clients);
        // The clean-up awaits the target while it holds the store: a connection of its own.
        let mut store = open_progress()?.open_another()?;
        let report =
            engine::clean_up(&connection.clients, &connection.identity, &mut store, &lab).await?;
        print!("{}", lab_print::cleanup_text(&report, lang));
        if !report.clean() {
            return Ok(ExitCode::FAILURE);
        }
        let standing = awslab_core::status::lab_progress(&lab, &store, target)?;
        let clear = clear_progress
            || (standing.score.earned > 0
                && lab_print::ask(&lab_print::clear_question(&standing.score, lang)));
        if clear {
            store.reset_lab(&lab.id)?;
        }
        println!("{}", lab_print::progress_after_cleanup(&lab.id, &standing.score, clear, lang));
        Ok(ExitCode::SUCCESS)
    })
}

/// `awslab reset <lab>`: the app's **Reset lab**: the lab's resources on the target go, then
/// its progress. Asks first, unless `--yes`.
pub fn reset(dir: &Path, id: &str, args: TargetArgs, yes: bool) -> Result<ExitCode> {
    let lab = find_lab(dir, id)?;
    let lang = args.lang;
    tokio_runtime()?.block_on(async {
        println!("{} — {}", lab.id, lab.title.get(lang));
        let connected = args.connect().await?;
        let connection = &connected.connection;
        if !yes && !lab_print::ask(&lab_print::reset_question(&lab.id, lang)) {
            println!("{}", lab_print::nothing_done(lang));
            return Ok(ExitCode::FAILURE);
        }
        let mut store = open_progress()?.open_another()?;
        match engine::reset_lab(&connection.clients, &connection.identity, &mut store, &lab).await {
            Ok(reset) => {
                print!("{}", lab_print::reset_text(&reset, lang));
                Ok(ExitCode::SUCCESS)
            }
            Err(engine::ResetError::NotClean(report)) => {
                print!("{}", lab_print::cleanup_text(&report, lang));
                bail!("some of the lab's resources could not be deleted; its progress is kept")
            }
            Err(error) => Err(error.into()),
        }
    })
}

/// `awslab hint <lab> --step N`: reveals the step's next hint (counted, as in the app) and
/// prints every hint revealed so far.
pub fn hint(dir: &Path, id: &str, number: usize, lang: Lang) -> Result<ExitCode> {
    let lab = find_lab(dir, id)?;
    let step = step_numbered(&lab, number)?;
    let progress = open_progress()?;
    let revealed = progress.with_store(|store, _| engine::next_hint(store, &lab, step))??;
    let shown = progress
        .with_store(|store, _| store.hints_revealed(&lab.id))??
        .get(&step.id)
        .copied()
        .unwrap_or(0) as usize;
    print!("{}", lab_print::hints_text(step, shown, revealed.is_none(), lang));
    Ok(ExitCode::SUCCESS)
}

/// `awslab skip <lab> --step N`: records the step as skipped (never as passed).
pub fn skip(dir: &Path, id: &str, number: usize, lang: Lang) -> Result<ExitCode> {
    let lab = find_lab(dir, id)?;
    let step = step_numbered(&lab, number)?;
    let progress = open_progress()?;
    let at_ms = SystemClock.now_ms();
    progress.with_store(|store, _| engine::skip_step(store, &lab, step, at_ms))??;
    println!("{}", lab_print::skipped_text(step, lang));
    Ok(ExitCode::SUCCESS)
}

fn step_numbered(lab: &Lab, number: usize) -> Result<&awslab_lab::Step> {
    match number.checked_sub(1).and_then(|index| lab.steps.get(index)) {
        Some(step) => Ok(step),
        None => bail!("{} has steps 1 to {}, not {number}", lab.id, lab.steps.len()),
    }
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
