//! The catalog: where the labs are, and a summary of each for the catalog view, with the
//! learner's standing in it from the progress store, on the target the learner is on (on AWS,
//! offline-only checks and steps count for nothing).
//!
//! The summaries cross the desktop app's IPC boundary, so they derive `ts_rs::TS`: their
//! TypeScript twins are generated into `ui/src/lib/bindings/` (see `src-tauri/src/bindings.rs`).

use crate::progress::{ProgressError, ProgressStore};
use crate::status::{self, StepStatus};
use awslab_lab::grade::Score;
use awslab_lab::{Catalog, Localized, TargetKind};
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// One lab as the catalog shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LabSummary {
    pub id: String,
    pub title: Localized,
    pub estimated_minutes: u32,
    pub step_count: usize,
    /// A theme quiz (every step a question): the catalog shows it among the quizzes.
    pub quiz: bool,
    /// How many of its steps are questions.
    pub question_count: usize,
    /// Every point the lab's checks are worth on the target of the standing.
    pub total_points: u32,
    /// The learner's standing in it, from the progress store.
    pub standing: LabStanding,
}

/// How far the learner got in one lab.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LabStanding {
    /// Points earned and possible, percent, and whether that passes the lab.
    pub score: Score,
    /// Steps whose every check passed (`status::StepStatus::Passed`), of `steps_graded`.
    pub steps_passed: usize,
    /// Steps that carry points on the target: all of them offline; on AWS, all but the
    /// offline-only ones.
    pub steps_graded: usize,
    /// When the learner last ran a check or skipped a step (unix milliseconds); `null` when
    /// they never did.
    #[ts(type = "number | null")]
    pub last_worked_ms: Option<i64>,
}

/// The labs that loaded, and what is wrong with those that did not.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CatalogListing {
    /// In catalog order: the labs' `order`, then id.
    pub labs: Vec<LabSummary>,
    /// `file:line:column: message`, one per problem.
    pub problems: Vec<String>,
    /// The lab worked on most recently, which the catalog offers to continue; `null` when no
    /// lab has any progress.
    pub continue_lab_id: Option<String>,
    /// Set when the progress file was damaged and replaced by a fresh one: a sentence for the
    /// learner naming where the damaged file was kept.
    pub progress_recovered: Option<String>,
    /// Set when the progress file cannot be opened at all: why, for the learner. The labs are
    /// still listed (with no standing), so they can be read and tried; nothing is recorded
    /// until the file can be opened.
    pub progress_unavailable: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("cannot read the labs folder {}: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
    /// The labs loaded, but the learner's progress could not be read.
    #[error(transparent)]
    Progress(#[from] ProgressError),
}

/// Loads the labs under `labs_dir` and summarises them in catalog order, with the learner's
/// standing in each on `target` as recorded in `store`.
pub fn list_labs(
    labs_dir: &Path,
    store: &ProgressStore,
    target: TargetKind,
) -> Result<CatalogListing, CatalogError> {
    let catalog = load_catalog(labs_dir)?;
    let mut labs = Vec::with_capacity(catalog.labs.len());
    for lab in &catalog.labs {
        let progress = status::lab_progress(lab, store, target)?;
        let count = |status| progress.steps.iter().filter(|step| step.status == status).count();
        labs.push(LabSummary {
            id: lab.id.clone(),
            title: lab.title.clone(),
            estimated_minutes: lab.estimated_minutes,
            step_count: lab.steps.len(),
            quiz: lab.is_quiz(),
            question_count: lab.question_count(),
            total_points: lab.total_points_on(target),
            standing: LabStanding {
                score: progress.score,
                steps_passed: count(StepStatus::Passed),
                steps_graded: lab.steps.len() - count(StepStatus::OfflineOnly),
                last_worked_ms: store.last_worked_ms(&lab.id)?,
            },
        });
    }
    Ok(CatalogListing {
        continue_lab_id: most_recently_worked(&labs).map(|lab| lab.id.clone()),
        labs,
        problems: catalog.problems.iter().map(ToString::to_string).collect(),
        progress_recovered: None,
        progress_unavailable: None,
    })
}

/// The lab with the latest `last_worked_ms`; on a tie, the first in catalog order.
fn most_recently_worked(labs: &[LabSummary]) -> Option<&LabSummary> {
    labs.iter()
        .filter_map(|lab| lab.standing.last_worked_ms.map(|at_ms| (at_ms, lab)))
        .fold(None, |best: Option<(i64, &LabSummary)>, (at_ms, lab)| match best {
            Some((best_ms, _)) if best_ms >= at_ms => best,
            _ => Some((at_ms, lab)),
        })
        .map(|(_, lab)| lab)
}

/// Loads the whole catalog of `labs_dir`.
pub fn load_catalog(labs_dir: &Path) -> Result<Catalog, CatalogError> {
    Catalog::load(labs_dir)
        .map_err(|source| CatalogError::Unreadable { path: labs_dir.to_path_buf(), source })
}

/// Where the labs are: `$AWSLAB_LABS_DIR` if set; else `labs/` in the current folder; else the
/// `labs/` folder of the source tree this program was built from.
pub fn default_labs_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("AWSLAB_LABS_DIR") {
        return PathBuf::from(dir);
    }
    let here = PathBuf::from("labs");
    if here.join("README.md").is_file() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::CheckRecord;

    fn format_sample() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/format-sample")
    }

    fn copy_folder(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("create the copy's folder");
        for entry in std::fs::read_dir(from).expect("list the fixture") {
            let entry = entry.expect("a fixture entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("file type").is_dir() {
                copy_folder(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy a fixture file");
            }
        }
    }

    /// A labs folder holding the format sample under each `(id, order)`.
    fn labs_folder(labs: &[(&str, i64)]) -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("temporary folder");
        for (id, order) in labs {
            let dir = root.path().join(id);
            copy_folder(&format_sample(), &dir);
            let manifest = dir.join("lab.toml");
            let text = std::fs::read_to_string(&manifest).expect("read lab.toml");
            let text = text
                .replacen("id = \"format-sample\"", &format!("id = \"{id}\""), 1)
                .replacen("order = 99", &format!("order = {order}"), 1);
            std::fs::write(&manifest, text).expect("write lab.toml");
        }
        root
    }

    fn passed(step: &str, check: &str, points: u32, at_ms: i64) -> CheckRecord {
        CheckRecord {
            step_id: step.into(),
            check_id: check.into(),
            passed: true,
            points,
            max_points: points,
            target: TargetKind::Emulator,
            at_ms,
            detail: None,
        }
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let store = ProgressStore::open_in_memory().expect("store");
        let error =
            list_labs(Path::new("/nonexistent/labs"), &store, TargetKind::Emulator).unwrap_err();
        assert!(error.to_string().starts_with("cannot read the labs folder /nonexistent/labs"));
    }

    #[test]
    fn labs_come_in_their_order_with_totals_and_no_progress_yet() {
        let labs = labs_folder(&[("zeta", 1), ("alpha", 2)]);
        let store = ProgressStore::open_in_memory().expect("store");

        let listing = list_labs(labs.path(), &store, TargetKind::Emulator).expect("listing");

        let ids: Vec<&str> = listing.labs.iter().map(|lab| lab.id.as_str()).collect();
        assert_eq!(ids, ["zeta", "alpha"], "order comes before id");
        let zeta = &listing.labs[0];
        assert_eq!(zeta.title, Localized::new("형식 견본", "Format sample"));
        assert_eq!((zeta.estimated_minutes, zeta.step_count, zeta.total_points), (5, 11, 180));
        assert_eq!((zeta.standing.score.earned, zeta.standing.score.possible), (0, 180));
        assert_eq!(zeta.standing.steps_passed, 0);
        assert_eq!(zeta.standing.last_worked_ms, None);
        assert_eq!(listing.continue_lab_id, None);
        assert!(listing.problems.is_empty(), "{:?}", listing.problems);
    }

    #[test]
    fn standing_and_continue_follow_the_progress_store() {
        let labs = labs_folder(&[("first", 1), ("second", 2), ("third", 3)]);
        let mut store = ProgressStore::open_in_memory().expect("store");
        store
            .record_checks(
                "first",
                &[
                    passed("policy", "policy-allows-only-putitem", 10, 1_000),
                    passed("role", "role-trusts-lambda", 10, 1_100),
                ],
            )
            .expect("record");
        store.skip_step("third", "quiz", 5_000).expect("skip");
        store.record_checks("second", &[passed("table", "table-key", 10, 3_000)]).expect("record");

        let listing = list_labs(labs.path(), &store, TargetKind::Emulator).expect("listing");

        let first = &listing.labs[0].standing;
        assert_eq!((first.score.earned, first.steps_passed), (20, 2));
        assert_eq!(first.last_worked_ms, Some(1_100));
        let second = &listing.labs[1].standing;
        assert_eq!((second.score.earned, second.steps_passed), (10, 1));
        let third = &listing.labs[2].standing;
        assert_eq!(
            (third.score.earned, third.steps_passed, third.last_worked_ms),
            (0, 0, Some(5_000))
        );
        assert_eq!(listing.continue_lab_id.as_deref(), Some("third"), "a skip is work too");
    }

    #[test]
    fn on_aws_the_totals_and_steps_leave_out_what_is_graded_only_offline() {
        let labs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs");
        let store = ProgressStore::open_in_memory().expect("store");
        let alarm_lab = |target| {
            let listing = list_labs(&labs, &store, target).expect("listing");
            listing.labs.into_iter().find(|lab| lab.id == "cloudwatch-alarm").expect("the lab")
        };

        let offline = alarm_lab(TargetKind::Emulator);
        let on_aws = alarm_lab(TargetKind::Aws);

        assert_eq!((offline.total_points, offline.standing.score.possible), (126, 126));
        assert_eq!((on_aws.total_points, on_aws.standing.score.possible), (121, 121));
        assert_eq!((offline.step_count, offline.standing.steps_graded), (13, 13));
        assert_eq!((on_aws.step_count, on_aws.standing.steps_graded), (13, 12));
    }

    #[test]
    fn equally_recent_labs_continue_with_the_first_in_catalog_order() {
        let labs = labs_folder(&[("later", 2), ("earlier", 1)]);
        let mut store = ProgressStore::open_in_memory().expect("store");
        store.skip_step("later", "quiz", 7_000).expect("skip");
        store.skip_step("earlier", "quiz", 7_000).expect("skip");

        let listing = list_labs(labs.path(), &store, TargetKind::Emulator).expect("listing");

        assert_eq!(listing.continue_lab_id.as_deref(), Some("earlier"));
    }

    #[test]
    fn the_source_tree_labs_folder_is_found() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../labs");
        assert!(dir.join("README.md").is_file(), "{} has no README.md", dir.display());
    }
}
