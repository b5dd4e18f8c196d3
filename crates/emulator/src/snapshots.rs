//! Where named snapshots are kept: `snapshots/<name>/` in the data folder, or a temporary
//! folder (`awslab-snapshots-<pid>-…`, see `temp_folders`) that disappears with an in-memory
//! emulator.

use crate::error::AwsError;
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
