//! # The app's session: one method per use case the window offers
//!
//! A [`Session`] holds what the desktop app works with for its whole life: the labs folder, the
//! learner's progress store, the bundled offline emulator, the connection to the current target
//! and a clock. Each Tauri command is a few lines over one of its methods (arguments in, the
//! method, the answer out), so every use case here is tested without a window.
//!
//! ## Layout
//! - `session.rs`: the session, its labs and the lab view's use cases (open, validate, run,
//!   check, hint, skip, reset, clean up, report, score chart).
//! - `target`: the connection to the current target, switching it, and what the drawers ask of
//!   it (explorer, requests, terminal, mailbox, alarm graphs).
//! - `error`: [`SessionError`], the closed set of reasons a use case fails.
//!
//! Not here: Tauri (the window's commands, the scheme that serves lesson images), what a step
//! does (`engine`, `steps`), the CLI's own way of choosing a target.

mod error;
mod target;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use awslab_cloud::cleanup::CleanupReport;
use awslab_lab::{Lab, Localized, Step, TargetKind};
use url::Url;

use crate::catalog::{self, CatalogListing};
use crate::charts;
use crate::clock::Clock;
use crate::engine::{self, FieldProblem, FormValues};
use crate::lab_view::{self, OpenedLab};
use crate::offline::{EmulatorStatus, OfflineEmulator};
use crate::progress::ProgressStore;
use crate::progress_slot::ProgressSlot;
use crate::report::{self, SavedReport};
use crate::status::{self, LabProgress};
use crate::steps::{self, StepOutcome};
use crate::target::Connection;

pub use error::SessionError;
pub use target::AlarmGraph;

/// The labs, the progress, the offline emulator and the current target, for the app's life.
pub struct Session {
    labs_dir: PathBuf,
    progress: ProgressSlot,
    offline: Arc<OfflineEmulator>,
    clock: Arc<dyn Clock>,
    /// `None` until first used, then the target the learner chose (the emulator by default).
    connection: tokio::sync::Mutex<Option<Connection>>,
    /// The latest word of long work (a wait for what AWS is still making, a long check), while
    /// a step, a check or a clean-up runs; see [`Session::progress_note`].
    note: Arc<std::sync::Mutex<Option<Localized>>>,
}

impl Session {
    pub fn new(
        labs_dir: PathBuf,
        progress: ProgressSlot,
        offline: Arc<OfflineEmulator>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            labs_dir,
            progress,
            offline,
            clock,
            connection: tokio::sync::Mutex::new(None),
            note: Arc::default(),
        }
    }

    /// What the step, check or clean-up under way is waiting for now ("waiting for addCustomer to
    /// become Active… 3 s"), for the window to show while it runs; `None` when nothing long is
    /// under way.
    pub fn progress_note(&self) -> Option<Localized> {
        self.note.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Where the clients of a connection say their progress: into the latest note.
    pub(crate) fn progress_sink(&self) -> awslab_cloud::progress::Progress {
        let note = Arc::clone(&self.note);
        awslab_cloud::progress::Progress::to(move |said| {
            *note.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(said);
        })
    }

    /// Long work starting: no note until it says one, and none once it is over.
    fn noting(&self) -> Noting {
        Noting::clear(&self.note);
        Noting(Arc::clone(&self.note))
    }

    /// The lab `lab_id`, read afresh (an edited lab shows its new text on reopening).
    pub fn lab(&self, lab_id: &str) -> Result<Lab, SessionError> {
        let catalog = catalog::load_catalog(&self.labs_dir)?;
        catalog.lab(lab_id).cloned().ok_or_else(|| SessionError::LabNotFound {
            lab_id: lab_id.to_string(),
            labs_dir: self.labs_dir.clone(),
        })
    }

    /// The folder of lab `lab_id` (for the images of its lessons), if there is such a lab.
    pub fn lab_dir(&self, lab_id: &str) -> Option<PathBuf> {
        self.lab(lab_id).ok().map(|lab| lab.dir)
    }

    /// Where the offline emulator started at launch is: starting, running, or why it failed.
    pub fn emulator_status(&self) -> EmulatorStatus {
        self.offline.status()
    }

    /// The labs with the learner's standing in each on the current target, and the labs that
    /// failed to load. When the progress file cannot be opened the labs are still listed, and
    /// the listing says why the standing is missing.
    pub async fn list_labs(&self) -> Result<CatalogListing, SessionError> {
        list_labs_in(&self.labs_dir, &self.progress, self.target_kind().await)
    }

    /// The lab with its lesson HTML (relative links resolved against `base`), forms and checks,
    /// and the learner's standing in it.
    pub async fn open_lab(&self, lab_id: &str, base: &Url) -> Result<OpenedLab, SessionError> {
        let lab = self.lab(lab_id)?;
        // Commands in the lessons show the learner's own account, region and ids when the target
        // answers; otherwise readable stand-ins (`<account>`), and the lab opens all the same.
        let context = match self.connection().await {
            Ok(connection) => {
                lab_view::lesson_context(&connection.clients, &connection.identity, &lab).await
            }
            Err(_) => lab_view::LessonContext::default(),
        };
        let target = self.target_kind().await;
        Ok(self
            .progress
            .with_store(|store, _| lab_view::open_lab(&lab, base, &context, store, target))??)
    }

    /// The problems of a form's values (empty when every field is valid); nothing is sent.
    pub fn validate_form(
        &self,
        lab_id: &str,
        step_id: &str,
        values: &FormValues,
    ) -> Result<Vec<FieldProblem>, SessionError> {
        let lab = self.lab(lab_id)?;
        Ok(engine::validate(step(&lab, step_id)?, values))
    }

    /// Runs a step on the current target (validate, act, check) and records it.
    pub async fn run_step(
        &self,
        lab_id: &str,
        step_id: &str,
        values: &FormValues,
    ) -> Result<StepOutcome, SessionError> {
        let _noting = self.noting();
        let lab = self.lab(lab_id)?;
        let step = step(&lab, step_id)?;
        let connection = self.connection().await?;
        let clock = self.clock.as_ref();
        Ok(steps::run_step(&connection, &self.progress, clock, &lab, step, values).await?)
    }

    /// Runs a step's checks only, on the current target, and records them.
    pub async fn check_step(
        &self,
        lab_id: &str,
        step_id: &str,
        values: &FormValues,
    ) -> Result<StepOutcome, SessionError> {
        let _noting = self.noting();
        let lab = self.lab(lab_id)?;
        let step = step(&lab, step_id)?;
        let connection = self.connection().await?;
        let clock = self.clock.as_ref();
        Ok(steps::check_step(&connection, &self.progress, clock, &lab, step, values).await?)
    }

    /// Reveals the step's next hint (counted in the progress); the standing says how many show.
    pub async fn reveal_hint(
        &self,
        lab_id: &str,
        step_id: &str,
    ) -> Result<LabProgress, SessionError> {
        let lab = self.lab(lab_id)?;
        let step = step(&lab, step_id)?;
        let target = self.target_kind().await;
        Ok(self.progress.with_store(|store, _| {
            engine::next_hint(store, &lab, step)?;
            status::lab_progress(&lab, store, target)
        })??)
    }

    /// Skips a step: recorded as skipped, never as passed.
    pub async fn skip_step(
        &self,
        lab_id: &str,
        step_id: &str,
    ) -> Result<LabProgress, SessionError> {
        let lab = self.lab(lab_id)?;
        let step = step(&lab, step_id)?;
        let at_ms = self.clock.now_ms();
        let target = self.target_kind().await;
        Ok(self.progress.with_store(|store, _| {
            engine::skip_step(store, &lab, step, at_ms)?;
            status::lab_progress(&lab, store, target)
        })??)
    }

    /// Starts the lab over: its resources on the target go, then its progress.
    pub async fn reset_lab(&self, lab_id: &str) -> Result<LabProgress, SessionError> {
        let _noting = self.noting();
        let lab = self.lab(lab_id)?;
        let connection = self.connection().await?;
        // The reset awaits the target while it reads the ledger and clears the progress, so it
        // works on a connection of its own to the same progress file rather than holding the
        // shared one's lock across those awaits.
        let mut store = self.progress.open_another()?;
        engine::reset_lab(&connection.clients, &connection.identity, &mut store, &lab)
            .await
            .map_err(SessionError::ResetFailed)?;
        Ok(status::lab_progress(&lab, &store, engine::target_kind(&connection.clients))?)
    }

    /// Deletes what the lab created on the current target (its ledger and tagged resources, in
    /// dependency order) and proves nothing of it is left; touches nothing else.
    pub async fn clean_up_lab(&self, lab_id: &str) -> Result<CleanupReport, SessionError> {
        let _noting = self.noting();
        let lab = self.lab(lab_id)?;
        let connection = self.connection().await?;
        let mut store = self.progress.open_another()?;
        Ok(engine::clean_up(&connection.clients, &connection.identity, &mut store, &lab).await?)
    }

    /// Writes the lab's grading report on the current target to `path` (`.html`: a
    /// self-contained page; `.json`: the same content), in `lang` (`ko` or `en`).
    pub async fn export_report(
        &self,
        lab_id: &str,
        path: &Path,
        lang: &str,
    ) -> Result<SavedReport, SessionError> {
        let lab = self.lab(lab_id)?;
        let lang = report::parse_lang(lang)?;
        let at_ms = self.clock.now_ms();
        let target = self.target_kind().await;
        Ok(self
            .progress
            .with_store(|store, _| report::save(&lab, store, target, path, lang, at_ms))??)
    }

    /// The lab's score on the current target over time as an SVG chart; `None` before the
    /// first check.
    pub async fn score_chart(
        &self,
        lab_id: &str,
        lang: &str,
    ) -> Result<Option<String>, SessionError> {
        let lab = self.lab(lab_id)?;
        let lang = report::parse_lang(lang)?;
        let target = self.target_kind().await;
        let history =
            self.progress.with_store(|store, _| charts::score_history(&lab, store, target))??;
        Ok(charts::score_chart_svg(&history, lang))
    }
}

/// The step `step_id` of `lab`.
fn step<'lab>(lab: &'lab Lab, step_id: &str) -> Result<&'lab Step, SessionError> {
    lab.step(step_id).ok_or_else(|| SessionError::StepNotFound {
        lab_id: lab.id.clone(),
        step_id: step_id.to_string(),
    })
}

fn list_labs_in(
    labs_dir: &Path,
    progress: &ProgressSlot,
    target: TargetKind,
) -> Result<CatalogListing, SessionError> {
    match progress.with_store(|store, recovered| {
        catalog::list_labs(labs_dir, store, target).map(|listing| CatalogListing {
            progress_recovered: recovered.map(str::to_owned),
            ..listing
        })
    }) {
        Ok(listing) => Ok(listing?),
        // The labs are worth showing without the learner's standing: list them against an
        // empty store and say why the standing is missing.
        Err(problem) => {
            let empty = ProgressStore::open_in_memory()?;
            let listing = catalog::list_labs(labs_dir, &empty, target)?;
            Ok(CatalogListing { progress_unavailable: Some(problem.to_string()), ..listing })
        }
    }
}

/// Clears the progress note when the work it belongs to ends, however it ends.
struct Noting(Arc<std::sync::Mutex<Option<Localized>>>);

impl Noting {
    fn clear(note: &std::sync::Mutex<Option<Localized>>) {
        *note.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }
}

impl Drop for Noting {
    fn drop(&mut self) {
        Noting::clear(&self.0);
    }
}
