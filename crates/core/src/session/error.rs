//! Why a use case of the session failed: a closed set of kinds, each carrying what the learner
//! needs to read. The desktop app maps each kind to one IPC error code (in one `match` with no
//! `_` arm), so a new kind cannot reach the window without a code of its own.

use std::path::PathBuf;

use awslab_cloud::Failure;

use crate::catalog::CatalogError;
use crate::engine::ResetError;
use crate::progress::ProgressError;
use crate::report::ExportError;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The labs folder cannot be read (or, through it, the progress file).
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The progress file cannot be opened, read or written; the message names it.
    #[error(transparent)]
    Progress(#[from] ProgressError),
    #[error("there is no lab `{lab_id}` in {}", labs_dir.display())]
    LabNotFound { lab_id: String, labs_dir: PathBuf },
    #[error("the lab `{lab_id}` has no step `{step_id}`")]
    StepNotFound { lab_id: String, step_id: String },
    /// The target cannot be reached, or refused what was asked of it. `failure` is the target's
    /// own answer when there is one (AWS's code and message, and what it means in both
    /// languages); `message` is the sentence for the learner, without the explanation.
    #[error("{message}")]
    TargetUnavailable { message: String, failure: Option<Box<Failure>> },
    /// Some of the lab's resources could not be deleted, so its progress was kept.
    #[error(transparent)]
    ResetFailed(ResetError),
    /// A report could not be written where the learner chose.
    #[error(transparent)]
    ExportFailed(#[from] ExportError),
}

impl SessionError {
    /// The target answered with `failure`: its code and message, the explanation apart.
    pub fn target_refused(failure: Failure) -> Self {
        SessionError::TargetUnavailable {
            message: format!("{}: {}", failure.code, failure.message),
            failure: Some(Box::new(failure)),
        }
    }

    /// The target cannot be used, for a reason of ours (the emulator is still starting, no
    /// region was chosen).
    pub fn target_unavailable(message: impl Into<String>) -> Self {
        SessionError::TargetUnavailable { message: message.into(), failure: None }
    }
}
