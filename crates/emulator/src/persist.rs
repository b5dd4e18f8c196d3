//! Where the state of the services that are not DynamoDB lives between runs: one SQLite file,
//! `state.sqlite3` in the data folder, holding each service's state as a JSON document.
//!
//! Services keep their state in memory as plain data and save it whole after every change that
//! succeeded. The states are small (a learner's roles and policies), so writing a document per
//! change is cheaper than it sounds and keeps the model free of SQL. Each save is one
//! transaction in WAL mode, written before the change is answered: killing the emulator loses
//! at most a change not yet acknowledged (`crate::durability`). DynamoDB keeps its own SQLite
//! files (dynoxide), next to this one.
//!
//! On open the file is checked first (`crate::state_files`): a damaged one is set aside and the
//! store starts empty, saying so in [`StateStore::set_aside`]. A sound file whose document
//! cannot be read (saved by a newer awslab, say) is refused rather than set aside: the file is
//! fine, and this version of the emulator is what cannot read it.

use crate::state::StateError;
use crate::state_files::{self, SetAside};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The file name of the store in the data folder.
pub const FILE_NAME: &str = "state.sqlite3";

/// A document that cannot be loaded or saved. Each reads as one sentence naming the file; the
/// SQLite error is part of it and not its `source()`, so printers of error chains (`{:#}`) do
/// not say it twice.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error("the emulator cannot read the saved {service} state in {}: {}", path.display(), state_files::plain_sqlite(cause))]
    Read { service: String, path: PathBuf, cause: rusqlite::Error },
    #[error("cannot save the {service} state in {}: {cause}", path.display())]
    Save { service: String, path: PathBuf, cause: rusqlite::Error },
    #[error("the saved {service} state in {} cannot be read ({reason}); it may have been saved by a newer awslab: update awslab, or move the file aside to start afresh", path.display())]
    Unreadable { service: String, path: PathBuf, reason: String },
}

impl From<PersistError> for StateError {
    fn from(error: PersistError) -> Self {
        let path = match &error {
            PersistError::Read { path, .. }
            | PersistError::Save { path, .. }
            | PersistError::Unreadable { path, .. } => path.clone(),
        };
        StateError::new(&path, error.to_string())
    }
}

/// The state file, or nothing for an emulator that keeps everything in memory.
pub struct StateStore {
    db: Option<(PathBuf, Mutex<Connection>)>,
    /// The damaged file found at open and moved aside, if there was one.
    set_aside: Option<SetAside>,
}

impl StateStore {
    pub fn in_memory() -> Self {
        Self { db: None, set_aside: None }
    }

    /// Opens (creating) `state.sqlite3` in `folder`, after checking it: a damaged file is set
    /// aside (see [`set_aside`](Self::set_aside)) and the store starts empty.
    pub fn open(folder: &Path) -> Result<Self, StateError> {
        let path = folder.join(FILE_NAME);
        std::fs::create_dir_all(folder).map_err(|error| StateError::io(folder, &error))?;
        let set_aside = state_files::prepare(&path, state_files::STATE_HOLDS)?;
        let open_error = |error| StateError::sqlite(&path, &error);
        let conn = Connection::open(&path).map_err(open_error)?;
        if conn.is_readonly(rusqlite::MAIN_DB).map_err(open_error)? {
            return Err(StateError::read_only(&path));
        }
        conn.pragma_update(None, "journal_mode", "WAL").map_err(open_error)?;
        // Durable against a killed emulator without an fsync per save (`crate::durability`).
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(open_error)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS service_state (
                 service TEXT PRIMARY KEY NOT NULL,
                 document TEXT NOT NULL
             ) STRICT;",
        )
        .map_err(open_error)?;
        Ok(Self { db: Some((path, Mutex::new(conn))), set_aside })
    }

    /// The damaged file that [`open`](Self::open) moved aside, if it found one.
    pub fn set_aside(&self) -> Option<&SetAside> {
        self.set_aside.as_ref()
    }

    /// The saved state of `service`, or its default when none was saved (or in memory).
    pub fn load<T: DeserializeOwned + Default>(&self, service: &str) -> Result<T, PersistError> {
        let Some((path, conn)) = &self.db else { return Ok(T::default()) };
        let conn = conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let document: Option<String> = conn
            .query_row(
                "SELECT document FROM service_state WHERE service = ?1",
                params![service],
                |row| row.get(0),
            )
            .optional()
            .map_err(|cause| PersistError::Read {
                service: service.to_string(),
                path: path.clone(),
                cause,
            })?;
        match document {
            None => Ok(T::default()),
            Some(document) => {
                serde_json::from_str(&document).map_err(|error| PersistError::Unreadable {
                    service: service.to_string(),
                    path: path.clone(),
                    reason: error.to_string(),
                })
            }
        }
    }

    /// Saves the whole state of `service`.
    pub fn save<T: Serialize>(&self, service: &str, state: &T) -> Result<(), PersistError> {
        let Some((path, conn)) = &self.db else { return Ok(()) };
        let save_error =
            |cause| PersistError::Save { service: service.to_string(), path: path.clone(), cause };
        let document = serde_json::to_string(state).map_err(|error| {
            save_error(rusqlite::Error::ToSqlConversionFailure(Box::new(error)))
        })?;
        let conn = conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        conn.execute(
            "INSERT INTO service_state (service, document) VALUES (?1, ?2)
             ON CONFLICT (service) DO UPDATE SET document = excluded.document",
            params![service, document],
        )
        .map_err(save_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Roles {
        names: Vec<String>,
    }

    #[test]
    fn saved_state_survives_reopening() {
        let folder = tempfile::tempdir().unwrap();
        let store = StateStore::open(folder.path()).unwrap();
        assert_eq!(store.load::<Roles>("iam").unwrap(), Roles::default());
        store.save("iam", &Roles { names: vec!["aws-lab-dynamodb-role".into()] }).unwrap();
        store.save("iam", &Roles { names: vec!["a".into(), "b".into()] }).unwrap();
        drop(store);
        let store = StateStore::open(folder.path()).unwrap();
        assert_eq!(store.load::<Roles>("iam").unwrap().names, ["a", "b"]);
    }

    #[test]
    fn in_memory_keeps_nothing() {
        let store = StateStore::in_memory();
        store.save("iam", &Roles { names: vec!["x".into()] }).unwrap();
        assert_eq!(store.load::<Roles>("iam").unwrap(), Roles::default());
    }

    #[test]
    fn an_unreadable_document_is_reported_not_discarded() {
        let folder = tempfile::tempdir().unwrap();
        let store = StateStore::open(folder.path()).unwrap();
        store.save("iam", &serde_json::json!({"names": 3})).unwrap();
        let error = store.load::<Roles>("iam").unwrap_err();
        assert!(error.to_string().starts_with("the saved iam state in "), "{error}");
        assert!(error.to_string().contains("move the file aside"), "{error}");
    }
}
