//! The commands, each an adapter over one method of `awslab_core::session::Session`.
//!
//! `list_labs` is `async` so Tauri runs it off the main thread: reading the labs folder and the
//! progress file must not freeze the window. `emulator_status` only copies a value.

use awslab_core::catalog::CatalogListing;
use awslab_core::offline::EmulatorStatus;
use awslab_core::session::Session;
use tauri::State;

use crate::IpcError;

/// The labs in the labs folder (`AWSLAB_LABS_DIR`, else the repository's `labs/`) with the
/// learner's standing in each, and the labs that failed to load.
#[tauri::command]
pub async fn list_labs(session: State<'_, Session>) -> Result<CatalogListing, IpcError> {
    Ok(session.list_labs().await?)
}

/// Where the offline emulator started at launch is: starting, running (at which endpoint), or
/// why it failed.
#[tauri::command]
pub fn emulator_status(session: State<'_, Session>) -> EmulatorStatus {
    session.emulator_status()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IpcErrorCode;
    use awslab_core::clock::SystemClock;
    use awslab_core::offline::OfflineEmulator;
    use awslab_core::progress::{CheckRecord, FILE_NAME, ProgressStore, TargetKind};
    use awslab_core::progress_slot::ProgressSlot;
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
    }

    /// A progress store in a fresh temporary folder (kept alive by the returned guard).
    fn fresh_progress() -> (tempfile::TempDir, ProgressSlot) {
        let data = tempfile::tempdir().expect("temporary folder");
        let slot = progress_at(data.path().join(FILE_NAME));
        (data, slot)
    }

    fn progress_at(path: PathBuf) -> ProgressSlot {
        ProgressSlot::at(path, Arc::new(SystemClock))
    }

    /// What `list_labs` answers for a session on `labs_dir` with `progress`.
    fn list_labs_in(labs_dir: &Path, progress: ProgressSlot) -> Result<CatalogListing, IpcError> {
        let offline = Arc::new(OfflineEmulator::new());
        let session =
            Session::new(labs_dir.to_path_buf(), progress, offline, Arc::new(SystemClock));
        let runtime = tokio::runtime::Runtime::new().expect("an async runtime");
        Ok(runtime.block_on(session.list_labs())?)
    }

    #[test]
    fn missing_labs_folder_is_labs_unavailable_naming_the_folder() {
        let root = tempfile::tempdir().expect("temporary folder");
        let missing = root.path().join("no-such-labs");
        let (_data, progress) = fresh_progress();

        let error =
            list_labs_in(&missing, progress).expect_err("a missing folder cannot be listed");

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
            list_labs_in(labs_dir.path(), progress).expect("an empty folder is a valid catalog");

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

        let listing = list_labs_in(&fixtures(), progress).expect("the fixtures load");

        let lab = listing.labs.iter().find(|lab| lab.id == "format-sample").expect("the sample");
        assert_eq!((lab.standing.score.earned, lab.total_points), (10, 180));
        assert_eq!(lab.standing.steps_passed, 1);
        assert_eq!(lab.standing.last_worked_ms, Some(1_700_000_000_000));
        assert_eq!(listing.continue_lab_id.as_deref(), Some("format-sample"));
        assert_eq!(listing.progress_recovered, None);
    }

    #[test]
    fn a_damaged_progress_file_is_replaced_and_the_listing_says_where_it_went() {
        let (data, progress) = fresh_progress();
        std::fs::write(data.path().join(FILE_NAME), "not an SQLite file at all").expect("write");

        let listing = list_labs_in(&fixtures(), progress).expect("a fresh store replaces it");

        let notice = listing.progress_recovered.expect("the recovery is reported");
        assert!(notice.contains(".corrupt-"), "{notice}");
        assert!(listing.labs.iter().all(|lab| lab.standing.score.earned == 0));
    }

    #[test]
    fn an_unopenable_progress_file_still_lists_the_labs_and_says_why_naming_it() {
        let data = tempfile::tempdir().expect("temporary folder");
        let blocker = data.path().join("a-file");
        std::fs::write(&blocker, "where a folder should be").expect("write");
        let progress = progress_at(blocker.join(FILE_NAME));

        let listing = list_labs_in(&fixtures(), progress).expect("the labs are listed anyway");

        assert!(!listing.labs.is_empty());
        assert!(listing.labs.iter().all(|lab| lab.standing.last_worked_ms.is_none()));
        let why = listing.progress_unavailable.expect("the problem is reported");
        assert!(why.contains("a-file"), "{why}");
    }

    #[test]
    fn listing_crosses_the_boundary_with_the_generated_field_names() {
        let (_data, progress) = fresh_progress();
        let listing = list_labs_in(&fixtures(), progress).expect("the fixtures folder is readable");
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
            explanation: None,
            aws: None,
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
