//! Resetting and snapshotting DynamoDB's regions, for the emulator's control endpoints.
//!
//! A snapshot of a region is a copy of its SQLite database (`VACUUM INTO`); restoring copies it
//! back into the live engine (dynoxide's `restore_from`, which refuses a file that is not one of
//! its databases). Resetting a region restores it from an empty database. Neither keeps a table
//! `CREATING` or `DELETING` (see `settling`): what is restored is settled.

use super::arns;
use super::engine;
use super::regions::RegionalDatabases;
use crate::error::AwsError;
use dynoxide::Database;
use serde_json::json;
use std::path::Path;

fn failure(what: &str, error: impl std::fmt::Display) -> AwsError {
    AwsError::receiver("ServiceFailure", 500, format!("{what}: {error}"))
}

impl RegionalDatabases {
    /// Copies every region into `folder/<region>.sqlite3`.
    pub fn save_into(&self, folder: &Path) -> Result<(), AwsError> {
        std::fs::create_dir_all(folder).map_err(|e| failure("creating the snapshot folder", e))?;
        for (region, database) in self.open_regions() {
            let file = folder.join(format!("{region}.sqlite3"));
            database
                .vacuum_into(&file.to_string_lossy())
                .map_err(|e| failure(&format!("saving DynamoDB {region}"), e))?;
        }
        Ok(())
    }

    /// Makes every region what `folder` holds; a region the folder lacks becomes empty (`empty`
    /// is an empty database file).
    pub fn restore_from(&self, folder: &Path, empty: &Path) -> Result<(), AwsError> {
        let mut saved = Vec::new();
        if let Ok(entries) = std::fs::read_dir(folder) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(region) = name.strip_suffix(".sqlite3") {
                    saved.push((region.to_string(), entry.path()));
                }
            }
        }
        let mut regions: Vec<String> = self.open_regions().into_iter().map(|(r, _)| r).collect();
        regions.extend(saved.iter().map(|(region, _)| region.clone()));
        regions.sort();
        regions.dedup();
        for region in regions {
            let source = saved.iter().find(|(r, _)| *r == region).map_or(empty, |(_, p)| p);
            self.region(&region)?
                .restore_from(&source.to_string_lossy())
                .map_err(|e| failure(&format!("restoring DynamoDB {region}"), e))?;
        }
        // The restored tables are as they were saved, settled: the overlay is not saved.
        self.settling().clear();
        Ok(())
    }

    /// Empties every region (`empty` is an empty database file).
    pub fn reset(&self, empty: &Path) -> Result<(), AwsError> {
        for (region, database) in self.open_regions() {
            database
                .restore_from(&empty.to_string_lossy())
                .map_err(|e| failure(&format!("resetting DynamoDB {region}"), e))?;
        }
        self.settling().clear();
        Ok(())
    }

    /// Deletes, in every region, the tables tagged `awslab:lab` = `lab`; returns their ARNs.
    /// Tables of the lab still being created are deleted at once, and the names of those still
    /// being deleted are free at once: the reset is the emulator's, not an AWS call.
    pub fn delete_lab_tables(&self, lab: &str) -> Result<Vec<String>, AwsError> {
        let mut deleted = Vec::new();
        for (region, database) in self.open_regions() {
            for name in engine::table_names(&database)? {
                if lab_of(&database, &region, &name).as_deref() != Some(lab) {
                    continue;
                }
                engine::call(&database, "DeleteTable", json!({ "TableName": name }))
                    .unwrap_or_else(|| Err(failure("DeleteTable", "not served")))?;
                self.settling().forget(&region, &name);
                deleted.push(arns::table(&region, &name));
            }
        }
        self.settling().forget_lab(lab);
        Ok(deleted)
    }
}

/// The `awslab:lab` tag of `table` in `region`, if it has one.
pub fn lab_of(database: &Database, region: &str, table: &str) -> Option<String> {
    let input = json!({ "ResourceArn": arns::table(region, table) });
    let tags = engine::call(database, "ListTagsOfResource", input)?.ok()?;
    (tags["Tags"].as_array().into_iter().flatten())
        .find(|tag| tag["Key"] == "awslab:lab")
        .and_then(|tag| tag["Value"].as_str())
        .map(str::to_string)
}
