//! What can go wrong with the progress store, worded for the learner who has to act on it.

use std::io;
use std::path::PathBuf;

use super::DATA_DIR_ENV;

/// An error of the progress store. Every variant that concerns the file names it and says what
/// the learner can do about it.
///
/// A *damaged* file is not an error: [`ProgressStore::open`](super::ProgressStore::open) moves it
/// aside, starts a fresh one and reports a [`Recovery`](super::Recovery). Only when that is
/// impossible does [`ProgressError::MoveAside`] come back.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    /// The platform has no per-user data folder (no home directory, for example).
    #[error(
        "cannot find a data folder for awslab on this system; set {DATA_DIR_ENV} to a folder \
         where awslab may keep its progress"
    )]
    NoDataDir,

    /// The folder that should hold the file could not be created.
    #[error(
        "cannot create the folder {path} for the progress file: {source}; check that you may \
         write there, or set {DATA_DIR_ENV} to another folder"
    )]
    CreateDir { path: PathBuf, source: io::Error },

    /// The file could not be opened or inspected for a reason other than damage: permissions,
    /// a full disk, or another program holding a lock on it for too long.
    #[error(
        "cannot open the progress file {path}: {source}; check that you may read and write it \
         and its folder, and that no other program is holding it, or set {DATA_DIR_ENV} to \
         another folder"
    )]
    Open { path: PathBuf, source: rusqlite::Error },

    /// The file was written by a newer awslab. It is left exactly as it was.
    #[error(
        "the progress file {path} was written by a newer version of awslab (file format \
         version {found}; this version reads up to {supported}); it was left untouched: \
         update awslab, or set {DATA_DIR_ENV} to another folder to start separate progress"
    )]
    NewerVersion { path: PathBuf, found: i64, supported: u32 },

    /// The file is damaged, and it (or one of its `-wal`/`-shm`/`-journal` companions) could not
    /// be renamed out of the way, so no fresh store was started.
    #[error(
        "the progress file {path} is damaged ({reason}) and could not be moved aside: {source}; \
         move or delete it yourself (with any -wal, -shm or -journal file next to it), then \
         start awslab again"
    )]
    MoveAside { path: PathBuf, reason: String, source: io::Error },

    /// Upgrading the file to this version's format failed. Each upgrade step is one
    /// transaction, so the file is left at the last version that was completed.
    #[error(
        "cannot upgrade the progress file {path} to file format version {to_version}: \
         {source}; nothing of it was lost; check free disk space and permissions, then start \
         awslab again"
    )]
    Upgrade { path: PathBuf, to_version: u32, source: rusqlite::Error },

    /// A query failed on an open store.
    #[error(
        "cannot read the progress file {path}: {source}; restart awslab (a damaged file is \
         then moved aside and a fresh one started)"
    )]
    Read { path: PathBuf, source: rusqlite::Error },

    /// A write failed on an open store. The write was one transaction, so none of it was saved.
    #[error(
        "cannot save progress to {path}: {source}; nothing of this change was saved; check \
         free disk space and that you may write the file, then try again"
    )]
    Write { path: PathBuf, source: rusqlite::Error },

    /// The caller passed a check record the file format does not allow. Nothing was saved.
    #[error("check {check_id:?} of step {step_id:?} in lab {lab_id:?} was not recorded: {reason}")]
    InvalidRecord { lab_id: String, step_id: String, check_id: String, reason: String },
}
