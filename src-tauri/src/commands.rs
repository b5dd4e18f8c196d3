//! The commands the UI calls with `invoke`, each a thin adapter over `awslab-core`.
//!
//! `list_labs` is `async` so Tauri runs it off the main thread: reading the labs folder and the
//! progress file must not freeze the window. `emulator_status` only copies a value.

use std::path::Path;
use std::sync::Arc;

use awslab_core::catalog::{self, CatalogListing};
use awslab_core::offline::{EmulatorStatus, OfflineEmulator};
use awslab_core::progress::ProgressStore;
use tauri::State;

use crate::IpcError;
use crate::progress_slot::ProgressSlot;

/// The labs in the labs folder (`AWSLAB_LABS_DIR`, else the repository's `labs/`) with the
/// learner's standing in each, and the labs that failed to load.
#[tauri::command]
pub async fn list_labs(progress: State<'_, ProgressSlot>) -> Result<CatalogListing, IpcError> {
    list_labs_in(&catalog::default_labs_dir(), &progress)
}

/// Where the offline emulator started at launch is: starting, running (at which endpoint), or
/// why it failed.
#[tauri::command]
pub fn emulator_status(offline: State<'_, Arc<OfflineEmulator>>) -> EmulatorStatus {
    offline.status()
}

fn list_labs_in(labs_dir: &Path, progress: &ProgressSlot) -> Result<CatalogListing, IpcError> {
    match progress.with_store(|store, recovered| {
        catalog::list_labs(labs_dir, store).map(|listing| CatalogListing {
            progress_recovered: recovered.map(str::to_owned),
            ..listing
        })
    }) {
        Ok(listing) => Ok(listing?),
        // The labs are worth showing without the learner's standing: list them against an
        // empty store and say why the standing is missing.
        Err(problem) => {
            let empty = ProgressStore::open_in_memory()?;
            let listing = catalog::list_labs(labs_dir, &empty)?;
            Ok(CatalogListing { progress_unavailable: Some(problem.to_string()), ..listing })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IpcErrorCode;
    use awslab_core::progress::{CheckRecord, FILE_NAME, ProgressStore, TargetKind};
    use std::path::PathBuf;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
    }

    /// A progress store in a fresh temporary folder (kept alive by the returned guard).
    fn fresh_progress() -> (tempfile::TempDir, ProgressSlot) {
        let data = tempfile::tempdir().expect("temporary folder");
        let slot = ProgressSlot::at(data.path().join(FILE_NAME));
        (data, slot)
    }

    #[test]
    fn missing_labs_folder_is_labs_unavailable_naming_the_folder() {
        let root = tempfile::tempdir().expect("temporary folder");
        let missing = root.path().join("no-such-labs");
        let (_data, progress) = fresh_progress();

        let error =
            list_labs_in(&missing, &progress).expect_err("a missing folder cannot be listed");

        assert_eq!(error.code, IpcErrorCode::LabsUnavailable);
        assert!(
            error.message.contains("no-such-labs"),
            "the message should name the folder: {}",
            error.message
        );
    }

    #[test]
    fn empty_labs_folder_lists_no_labs_and_no_problems() {
        let labs_dir = tempfile::tempdir().expect("temporary folder");
        let (_data, progress) = fresh_progress();

        let listing =
            list_labs_in(labs_dir.path(), &progress).expect("an empty folder is a valid catalog");

        assert!(listing.labs.is_empty());
        assert!(listing.problems.is_empty());
        assert_eq!(listing.continue_lab_id, None);
    }

    #[test]
    fn listing_carries_the_standing_recorded_in_the_progress_file() {
        let (data, progress) = fresh_progress();
        {
            // What an earlier session recorded, on disk before the app opens the file.
            let path = data.path().join(FILE_NAME);
            let mut store = ProgressStore::open(&path, 0).expect("open").store;
            let record = CheckRecord {
                step_id: "role".into(),
                check_id: "role-trusts-lambda".into(),
                passed: true,
                points: 10,
                max_points: 10,
                target: TargetKind::Emulator,
                at_ms: 1_700_000_000_000,
                detail: None,
            };
            store.record_checks("format-sample", &[record]).expect("record");
        }

        let listing = list_labs_in(&fixtures(), &progress).expect("the fixtures load");

        let lab = listing.labs.iter().find(|lab| lab.id == "format-sample").expect("the sample");
        assert_eq!((lab.standing.score.earned, lab.total_points), (10, 160));
        assert_eq!(lab.standing.steps_passed, 1);
        assert_eq!(lab.standing.last_worked_ms, Some(1_700_000_000_000));
        assert_eq!(listing.continue_lab_id.as_deref(), Some("format-sample"));
        assert_eq!(listing.progress_recovered, None);
    }

    #[test]
    fn a_damaged_progress_file_is_replaced_and_the_listing_says_where_it_went() {
        let (data, progress) = fresh_progress();
        std::fs::write(data.path().join(FILE_NAME), "not an SQLite file at all").expect("write");

        let listing = list_labs_in(&fixtures(), &progress).expect("a fresh store replaces it");

        let notice = listing.progress_recovered.expect("the recovery is reported");
        assert!(notice.contains(".corrupt-"), "{notice}");
        assert!(listing.labs.iter().all(|lab| lab.standing.score.earned == 0));
    }

    #[test]
    fn an_unopenable_progress_file_still_lists_the_labs_and_says_why_naming_it() {
        let data = tempfile::tempdir().expect("temporary folder");
        let blocker = data.path().join("a-file");
        std::fs::write(&blocker, "where a folder should be").expect("write");
        let progress = ProgressSlot::at(blocker.join(FILE_NAME));

        let listing = list_labs_in(&fixtures(), &progress).expect("the labs are listed anyway");

        assert!(!listing.labs.is_empty());
        assert!(listing.labs.iter().all(|lab| lab.standing.last_worked_ms.is_none()));
        let why = listing.progress_unavailable.expect("the problem is reported");
        assert!(why.contains("a-file"), "{why}");
    }

    #[test]
    fn listing_crosses_the_boundary_with_the_generated_field_names() {
        let (_data, progress) = fresh_progress();
        let listing =
            list_labs_in(&fixtures(), &progress).expect("the fixtures folder is readable");
        let json = serde_json::to_value(&listing).expect("serializable");

        let lab = &json["labs"][0];
        assert!(lab["title"]["ko"].is_string() && lab["title"]["en"].is_string(), "{json}");
        assert!(lab["standing"]["score"]["percent"].is_number(), "{json}");
        assert!(lab["standing"]["last_worked_ms"].is_null(), "{json}");
        assert!(json["continue_lab_id"].is_null() && json["problems"].is_array(), "{json}");
    }

    #[test]
    fn error_crosses_the_boundary_as_code_and_message() {
        let error = IpcError {
            code: IpcErrorCode::ProgressUnavailable,
            message: "cannot open the progress file /x".to_owned(),
        };

        let json = serde_json::to_value(&error).expect("serializable");

        assert_eq!(
            json,
            serde_json::json!({
                "code": "progress_unavailable",
                "message": "cannot open the progress file /x"
            })
        );
    }
}
