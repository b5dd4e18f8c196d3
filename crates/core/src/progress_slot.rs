//! The learner's progress store, opened on first use and then kept open for as long as the app
//! (or one CLI command) runs.
//!
//! Opening lazily, from a use case, means a progress file that cannot be opened reaches the
//! learner as an error they can read (and retry), rather than stopping the window from opening.
//!
//! Not here: the store itself (`progress`) or what is recorded in it (`steps`, `engine`).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use crate::clock::Clock;
use crate::progress::{ProgressError, ProgressStore};

/// Where the store is, and the store once it has been opened.
pub struct ProgressSlot {
    /// `None`: `ProgressStore::default_path()`, resolved when first needed.
    path: Option<PathBuf>,
    /// Names a damaged file moved aside (`progress.sqlite3.corrupt-<ms>`).
    clock: Arc<dyn Clock>,
    open: Mutex<Option<OpenStore>>,
}

struct OpenStore {
    store: ProgressStore,
    /// The sentence saying a damaged file was moved aside when this store was opened.
    recovered: Option<String>,
}

impl ProgressSlot {
    /// The store in the data folder (`$AWSLAB_DATA_DIR` or the platform's).
    pub fn in_data_folder(clock: Arc<dyn Clock>) -> Self {
        Self { path: None, clock, open: Mutex::new(None) }
    }

    /// The store at `path`.
    pub fn at(path: PathBuf, clock: Arc<dyn Clock>) -> Self {
        Self { path: Some(path), clock, open: Mutex::new(None) }
    }

    /// Runs `use_store` with the store, opening it first if needed, and with the recovery
    /// notice if opening it moved a damaged file aside.
    pub fn with_store<T>(
        &self,
        use_store: impl FnOnce(&mut ProgressStore, Option<&str>) -> T,
    ) -> Result<T, ProgressError> {
        // A std Mutex: held for a short SQLite call, never across an await. A panic inside
        // `use_store` leaves the connection usable (every write is one transaction).
        let mut slot = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let open = match &mut *slot {
            Some(open) => open,
            empty => empty.insert(self.open_store()?),
        };
        Ok(use_store(&mut open.store, open.recovered.as_deref()))
    }

    /// A second connection to the same progress file, for a use case that must keep a store
    /// across awaits (SQLite serialises the two connections' writes).
    pub fn open_another(&self) -> Result<ProgressStore, ProgressError> {
        // Open the shared one first, so a damaged file is recovered once, by it.
        self.with_store(|_, _| ())?;
        let path = self.path()?;
        Ok(ProgressStore::open(&path, self.clock.now_ms())?.store)
    }

    fn path(&self) -> Result<PathBuf, ProgressError> {
        match &self.path {
            Some(path) => Ok(path.clone()),
            None => ProgressStore::default_path(),
        }
    }

    fn open_store(&self) -> Result<OpenStore, ProgressError> {
        let path = self.path()?;
        let opened = ProgressStore::open(&path, self.clock.now_ms())?;
        let recovered = opened.recovered.map(|recovery| recovery.to_string());
        Ok(OpenStore { store: opened.store, recovered })
    }
}
