//! Where named snapshots are kept: `snapshots/<name>/` in the data folder, or a temporary
//! folder (`awslab-snapshots-<pid>-…`, see `temp_folders`) that disappears with an in-memory
//! emulator.
//!
//! A snapshot's SQLite copies (`logs.sqlite3`, `dynamodb/<region>.sqlite3`) are checked as the
//! live files are (`crate::state_files`) before a restore changes anything: a damaged snapshot
//! is refused whole, and the live state stays as it was. It is not set aside: it is the
//! learner's to delete or keep.

use crate::error::AwsError;
use crate::state_files;
use crate::temp_folders::TempFolder;
use std::path::{Path, PathBuf};

pub struct Snapshots {
    root: PathBuf,
    /// Keeps an in-memory emulator's temporary folder alive (and removes it at the end).
    _temporary: Option<TempFolder>,
}

impl Snapshots {
    pub fn open(data_dir: Option<&Path>) -> std::io::Result<Self> {
        match data_dir {
            Some(dir) => {
                let root = dir.join("snapshots");
                std::fs::create_dir_all(&root)?;
                Ok(Self { root, _temporary: None })
            }
            None => {
                let temporary = TempFolder::create("snapshots")?;
                Ok(Self { root: temporary.path().to_path_buf(), _temporary: Some(temporary) })
            }
        }
    }

    /// The folder of a snapshot, if the name is acceptable: letters, digits, `-`, `_`, 1–64.
    pub fn folder(&self, name: &str) -> Option<PathBuf> {
        let valid = !name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        valid.then(|| self.root.join(name))
    }

    /// The snapshots saved so far, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.root)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|entry| entry.path().is_dir())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.'))
            .collect();
        names.sort();
        names
    }

    /// Checks every SQLite file of the snapshot in `folder` (named `name`), before anything is
    /// restored from it: the sentence that refuses the restore when one is damaged or cannot
    /// be read.
    pub fn check_databases(&self, folder: &Path, name: &str) -> Result<(), String> {
        let refused = |cause: String| {
            format!("snapshot {name} cannot be restored: {cause}; nothing was changed")
        };
        // CloudWatch Logs' copy sits at the top of the snapshot, DynamoDB's regions in a folder.
        let mut files = vec![(
            folder.join(crate::services::logs::FILE_NAME),
            state_files::LOGS_HOLDS.to_string(),
        )];
        let dynamodb = folder.join(crate::services::dynamodb::FOLDER);
        match state_files::store_names(&dynamodb) {
            Ok(regions) => files.extend(regions.iter().map(|region| {
                (dynamodb.join(format!("{region}.sqlite3")), state_files::dynamodb_holds(region))
            })),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(refused(crate::state::StateError::io(&dynamodb, &error).to_string()));
            }
        }
        for (file, holding) in files {
            match state_files::check(&file) {
                Ok(None) => {}
                Ok(Some(damage)) => {
                    let file = file.display();
                    return Err(refused(format!(
                        "its copy of the {holding} ({file}) is damaged ({damage})"
                    )));
                }
                Err(error) => return Err(refused(error.to_string())),
            }
        }
        Ok(())
    }

    /// An empty DynamoDB database file, made on first use, to reset a region from.
    pub fn empty_dynamodb(&self) -> Result<PathBuf, AwsError> {
        let path = self.root.join(".empty-dynamodb.sqlite3");
        if !path.exists() {
            let failure = |error: dynoxide::errors::DynoxideError| {
                AwsError::receiver("ServiceFailure", 500, format!("preparing a reset: {error}"))
            };
            dynoxide::Database::memory()
                .map_err(failure)?
                .vacuum_into(&path.to_string_lossy())
                .map_err(failure)?;
        }
        Ok(path)
    }
}
