//! The commands the UI calls with `invoke`, each a thin adapter over `awslab-core`.
//!
//! Commands are `async` so Tauri runs them off the main thread: reading the labs folder must not
//! freeze the window.

use std::path::Path;

use awslab_core::catalog::{self, CatalogListing};

use crate::IpcError;

/// The labs in the labs folder (`AWSLAB_LABS_DIR`, else the repository's `labs/`), and the
/// labs that failed to load.
#[tauri::command]
pub async fn list_labs() -> Result<CatalogListing, IpcError> {
    list_labs_in(&catalog::default_labs_dir())
}

fn list_labs_in(labs_dir: &Path) -> Result<CatalogListing, IpcError> {
    catalog::list_labs(labs_dir).map_err(IpcError::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IpcErrorCode;

    #[test]
    fn missing_labs_folder_is_labs_unavailable_naming_the_folder() {
        let root = tempfile::tempdir().expect("temporary folder");
        let missing = root.path().join("no-such-labs");

        let error = list_labs_in(&missing).expect_err("a missing folder cannot be listed");

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

        let listing = list_labs_in(labs_dir.path()).expect("an empty folder is a valid catalog");

        assert!(listing.labs.is_empty());
        assert!(listing.problems.is_empty());
    }

    #[test]
    fn listing_crosses_the_boundary_with_the_field_names_the_ui_reads() {
        // ui/src/lib/types.ts mirrors these names by hand until it is generated from Rust.
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");

        let listing = list_labs_in(&fixtures).expect("the fixtures folder is readable");
        let json = serde_json::to_value(&listing).expect("serializable");

        let lab = &json["labs"][0];
        assert!(lab["id"].is_string(), "{json}");
        assert!(lab["title"]["ko"].is_string() && lab["title"]["en"].is_string(), "{json}");
        assert!(lab["estimated_minutes"].is_u64() && lab["step_count"].is_u64(), "{json}");
        assert!(json["problems"].is_array(), "{json}");
    }

    #[test]
    fn error_crosses_the_boundary_as_code_and_message() {
        let error = IpcError {
            code: IpcErrorCode::LabsUnavailable,
            message: "labs folder /x: not found".to_owned(),
        };

        let json = serde_json::to_value(&error).expect("serializable");

        assert_eq!(
            json,
            serde_json::json!({ "code": "labs_unavailable", "message": "labs folder /x: not found" })
        );
    }
}
