//! The one error shape every command returns: `{ "code": "...", "message": "..." }`.
//!
//! The UI branches on `code`, a closed set, and shows `message` to the learner; it never parses
//! the message. Mirrored by hand in `ui/src/lib/types.ts` for now.

use awslab_core::catalog::CatalogError;
use serde::Serialize;

/// Why a command failed, as the UI branches on it. Serialized in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IpcErrorCode {
    /// The labs folder is missing or unreadable, so there is no catalog to show.
    LabsUnavailable,
}

/// A command's error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IpcError {
    pub code: IpcErrorCode,
    /// For the learner: what went wrong and where (a path, a line).
    pub message: String,
}

impl From<CatalogError> for IpcError {
    fn from(error: CatalogError) -> Self {
        // A lab that fails to parse is not an error here: `list_labs` reports it among the
        // listing's `problems`. Only a catalog that cannot be read at all ends up here.
        // No `_` arm: a new `CatalogError` variant must be given its code here.
        let code = match &error {
            CatalogError::Unreadable { .. } => IpcErrorCode::LabsUnavailable,
        };
        IpcError { code, message: error.to_string() }
    }
}
