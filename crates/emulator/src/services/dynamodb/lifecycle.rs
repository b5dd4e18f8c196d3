//! Resetting and snapshotting DynamoDB's regions, for the emulator's control endpoints.
//!
//! A snapshot of a region is a copy of its SQLite database (`VACUUM INTO`); restoring copies it
//! back into the live engine (dynoxide's `restore_from`, which refuses a file that is not one of
//! its databases). Resetting a region restores it from an empty database.

use super::arns;
use super::engine;
use super::regions::RegionalDatabases;
use crate::error::AwsError;
use serde_json::{Value, json};
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
        Ok(())
    }

    /// Empties every region (`empty` is an empty database file).
    pub fn reset(&self, empty: &Path) -> Result<(), AwsError> {
        for (region, database) in self.open_regions() {
            database
                .restore_from(&empty.to_string_lossy())
                .map_err(|e| failure(&format!("resetting DynamoDB {region}"), e))?;
        }
        Ok(())
    }

    /// Deletes, in every region, the tables tagged `awslab:lab` = `lab`; returns their ARNs.
    pub fn delete_lab_tables(&self, lab: &str) -> Result<Vec<String>, AwsError> {
        let mut deleted = Vec::new();
        for (region, database) in self.open_regions() {
            let call = |operation: &str, input: Value| {
                engine::call(&database, operation, input)
                    .unwrap_or_else(|| Err(failure(operation, "not served")))
            };
            let mut start: Option<String> = None;
            let mut names = Vec::new();
            loop {
                let mut input = json!({});
                if let Some(start) = &start {
                    input["ExclusiveStartTableName"] = json!(start);
                }
                let page = call("ListTables", input)?;
                names.extend(
                    page["TableNames"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string),
                );
                match page["LastEvaluatedTableName"].as_str() {
                    Some(last) => start = Some(last.to_string()),
                    None => break,
                }
            }
            for name in names {
                let arn = arns::table(&region, &name);
                let tags = call("ListTagsOfResource", json!({ "ResourceArn": arn }))?;
                let tagged =
                    tags["Tags"].as_array().into_iter().flatten().any(|tag| {
                        tag["Key"] == "awslab:lab" && tag["Value"].as_str() == Some(lab)
                    });
                if tagged {
                    call("DeleteTable", json!({ "TableName": name }))?;
                    deleted.push(arn);
                }
            }
        }
        Ok(deleted)
    }
}
