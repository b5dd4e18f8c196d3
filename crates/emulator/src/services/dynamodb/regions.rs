//! One dynoxide [`Database`] per region, as DynamoDB tables are regional: a table created in
//! `us-east-1` is not listed in `ap-northeast-2`.
//!
//! With a data folder, region `r` lives in `<data_dir>/dynamodb/<r>.sqlite3` (dynoxide keeps it
//! in WAL mode, so `-wal` and `-shm` files sit beside it); without one, each region is an
//! in-memory SQLite database that ends with the emulator. Each file is checked before dynoxide
//! opens it (`crate::state_files`): a damaged one is set aside and its region starts empty,
//! which [`RegionalDatabases::set_aside`] reports.
//!
//! Concurrency: a `Database` is a cheap handle (`Arc`s inside) whose engine serialises every call
//! on its own mutex, so the map here is only locked to find or open a region's handle, which is
//! then cloned out and used without our lock. Requests to one region run one at a time, requests
//! to different regions in parallel. Handlers run on the tokio worker that serves the request:
//! every engine call is a short synchronous SQLite transaction (dynoxide's native futures never
//! suspend), so, as for the other services' `std::sync::Mutex`es, a blocking call is simpler than
//! `spawn_blocking` and no slower at a learner's request rates.

use super::settling::Settling;
use crate::error::AwsError;
use crate::state::{StateError, lock};
use crate::state_files::{self, SetAside};
use dynoxide::Database;
use dynoxide::errors::DynoxideError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The folder under the data folder that holds DynamoDB's files.
pub const FOLDER: &str = "dynamodb";

/// The extension of a region's database file.
const EXTENSION: &str = "sqlite3";

/// The DynamoDB engines of every region used so far.
pub struct RegionalDatabases {
    /// `<data_dir>/dynamodb`, or `None` to keep every region in memory.
    folder: Option<PathBuf>,
    by_region: Mutex<HashMap<String, Database>>,
    /// The damaged region files moved aside so far, in the order they were found.
    set_aside: Mutex<Vec<SetAside>>,
    /// The tables of each region still being created or deleted (`Timing::Aws` only).
    settling: Settling,
}

impl RegionalDatabases {
    /// Every region in memory.
    pub fn in_memory() -> Self {
        Self {
            folder: None,
            by_region: Mutex::default(),
            set_aside: Mutex::default(),
            settling: Settling::default(),
        }
    }

    /// Regions stored under `data_dir/dynamodb`, which is created if missing. The region files
    /// already there are checked and opened now, so a file that cannot be read stops the
    /// emulator at start with its path rather than failing the learner's first request, and a
    /// damaged one is set aside before anything is served. A `-wal` file whose database is
    /// missing counts as its region's file: opening the region later would delete it.
    pub fn open(data_dir: &Path) -> Result<Self, StateError> {
        let folder = data_dir.join(FOLDER);
        // Before the engine opens any file: it keeps SQLite's fsync per commit otherwise.
        crate::durability::install();
        std::fs::create_dir_all(&folder).map_err(|error| StateError::io(&folder, &error))?;
        let regions = state_files::store_names(&folder)
            .map_err(|error| StateError::io(&folder, &error))?
            .into_iter()
            .filter(|region| is_region_name(region));
        let databases = Self {
            folder: Some(folder.clone()),
            by_region: Mutex::default(),
            set_aside: Mutex::default(),
            settling: Settling::default(),
        };
        for region in regions {
            let database = databases.open_file(&folder, &region)?;
            lock(&databases.by_region).insert(region, database);
        }
        Ok(databases)
    }

    /// The tables of each region still being created or deleted.
    pub fn settling(&self) -> &Settling {
        &self.settling
    }

    /// The damaged region files moved aside so far.
    pub fn set_aside(&self) -> Vec<SetAside> {
        lock(&self.set_aside).clone()
    }

    /// Checks `folder/<region>.sqlite3` (setting it aside when damaged), then opens it.
    fn open_file(&self, folder: &Path, region: &str) -> Result<Database, StateError> {
        let path = folder.join(format!("{region}.{EXTENSION}"));
        if let Some(set_aside) = state_files::prepare(&path, &state_files::dynamodb_holds(region))?
        {
            lock(&self.set_aside).push(set_aside);
        }
        let text = path.to_str().ok_or_else(|| {
            StateError::new(
                &path,
                format!(
                    "the emulator cannot open {}: its path is not valid UTF-8; choose a data \
                     folder whose path is",
                    path.display()
                ),
            )
        })?;
        Database::new(text).map_err(|error| {
            let cause = match &error {
                DynoxideError::SqliteError(error) => state_files::plain_sqlite(error),
                other => format!(
                    "{}; update awslab, or move the file aside to start afresh",
                    state_files::first_sentence(&other.to_string())
                ),
            };
            StateError::new(
                &path,
                format!(
                    "the emulator cannot open {}, which holds the DynamoDB tables of {region}: \
                     {cause}",
                    path.display()
                ),
            )
        })
    }

    /// Every region opened so far, in name order, with its engine.
    pub fn open_regions(&self) -> Vec<(String, Database)> {
        let map = lock(&self.by_region);
        let mut regions: Vec<(String, Database)> =
            map.iter().map(|(region, database)| (region.clone(), database.clone())).collect();
        regions.sort_by(|a, b| a.0.cmp(&b.0));
        regions
    }

    /// The engine of `region`, opened (and its file checked, or created) on first use.
    pub fn region(&self, region: &str) -> Result<Database, AwsError> {
        if !is_region_name(region) {
            // The region comes from the request's SigV4 scope and names a file: never trust it.
            return Err(AwsError::sender(
                "InvalidSignatureException",
                400,
                "Credential should be scoped to a valid region. ",
            ));
        }
        let mut by_region = lock(&self.by_region);
        if let Some(database) = by_region.get(region) {
            return Ok(database.clone());
        }
        let database = match &self.folder {
            Some(folder) => self.open_file(folder, region).map_err(|error| error.to_string()),
            None => Database::memory().map_err(|error| error.to_string()),
        }
        .map_err(|message| AwsError::receiver("InternalServerError", 500, message))?;
        by_region.insert(region.to_string(), database.clone());
        Ok(database)
    }
}

/// `us-east-1`, `ap-northeast-2`, `us-gov-west-1`, `eu-central-2`: lowercase letters and digits
/// in dash-separated parts, starting with a letter. Anything else is refused before it becomes
/// part of a file name (no dots, no slashes, no `..`).
fn is_region_name(region: &str) -> bool {
    (1..=32).contains(&region.len())
        && region.starts_with(|c: char| c.is_ascii_lowercase())
        && region.split('-').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_checked_before_they_name_a_file() {
        for good in ["us-east-1", "ap-northeast-2", "us-gov-west-1", "eu-central-2", "local"] {
            assert!(is_region_name(good), "{good}");
        }
        for bad in
            ["", "../etc", "us-east-1/../x", "US-EAST-1", "us--east", "-us", "us.east", "1us"]
        {
            assert!(!is_region_name(bad), "{bad}");
        }
        let error = RegionalDatabases::in_memory().region("../../x").err().expect("refused");
        assert_eq!((error.code.as_str(), error.status), ("InvalidSignatureException", 400));
    }

    #[test]
    fn regions_are_separate_engines_and_one_region_is_one_engine() {
        let databases = RegionalDatabases::in_memory();
        let seoul = databases.region("ap-northeast-2").unwrap();
        seoul
            .create_table(
                serde_json::from_value(serde_json::json!({
                    "TableName": "customers",
                    "KeySchema": [{"AttributeName": "customer_id", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "customer_id", "AttributeType": "S"}],
                    "BillingMode": "PAY_PER_REQUEST",
                }))
                .unwrap(),
            )
            .unwrap();
        assert_eq!(databases.region("ap-northeast-2").unwrap().table_count().unwrap(), 1);
        assert_eq!(databases.region("us-east-1").unwrap().table_count().unwrap(), 0);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_set_aside_and_its_region_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(FOLDER)).unwrap();
        let path = dir.path().join(FOLDER).join("us-east-1.sqlite3");
        let note = b"this is not SQLite, it is a note the learner left here".repeat(100);
        std::fs::write(&path, &note).unwrap();
        let databases = RegionalDatabases::open(dir.path()).expect("the emulator still starts");
        let set_aside = databases.set_aside();
        assert_eq!(set_aside.len(), 1);
        assert_eq!(set_aside[0].file, path);
        assert_eq!(std::fs::read(&set_aside[0].moved_to).unwrap(), note);
        assert!(set_aside[0].to_string().contains("DynamoDB tables of us-east-1"));
        assert_eq!(databases.region("us-east-1").unwrap().table_count().unwrap(), 0);
    }
}
