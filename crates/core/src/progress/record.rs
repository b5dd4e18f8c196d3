//! One check result as the store keeps it, and where its resources lived.

use rusqlite::Row;
use rusqlite::types::Type;

use super::ProgressError;

/// Where a check's resources lived: the offline emulator or the learner's AWS account. The lab
/// crate defines it, since what counts on a target is decided there.
pub use awslab_lab::TargetKind;

/// One run of one check of one step (the lab is given alongside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRecord {
    pub step_id: String,
    pub check_id: String,
    pub passed: bool,
    /// Points earned by this run; at most `max_points`.
    pub points: u32,
    /// Points the check is worth.
    pub max_points: u32,
    pub target: TargetKind,
    /// When the check ran, in unix milliseconds.
    pub at_ms: i64,
    /// Checker-specific details as a JSON text (for example the diff), if any.
    pub detail: Option<String>,
}

impl CheckRecord {
    /// Rejects what the file format does not allow, before anything is written.
    pub(super) fn validate(&self, lab_id: &str) -> Result<(), ProgressError> {
        let invalid = |reason: String| ProgressError::InvalidRecord {
            lab_id: lab_id.to_owned(),
            step_id: self.step_id.clone(),
            check_id: self.check_id.clone(),
            reason,
        };
        if self.points > self.max_points {
            return Err(invalid(format!(
                "it earns {} points but is worth only {}",
                self.points, self.max_points
            )));
        }
        if let Some(detail) = &self.detail {
            serde_json::from_str::<serde::de::IgnoredAny>(detail)
                .map_err(|err| invalid(format!("its detail is not valid JSON: {err}")))?;
        }
        Ok(())
    }

    /// Reads the columns `step_id, check_id, passed, points, max_points, target, at_ms, detail`.
    pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<CheckRecord> {
        let target: String = row.get(5)?;
        let target = TargetKind::from_name(&target).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                5,
                Type::Text,
                format!("unknown target {target:?} (expected emulator or aws)").into(),
            )
        })?;
        Ok(CheckRecord {
            step_id: row.get(0)?,
            check_id: row.get(1)?,
            passed: row.get(2)?,
            points: row.get(3)?,
            max_points: row.get(4)?,
            target,
            at_ms: row.get(6)?,
            detail: row.get(7)?,
        })
    }
}

/// The columns [`CheckRecord::from_row`] reads, in its order.
pub(super) const CHECK_COLUMNS: &str =
    "step_id, check_id, passed, points, max_points, target, at_ms, detail";

/// A resource a lab created, as the ledger keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub step_id: String,
    pub target: TargetKind,
    /// The account it was made in; empty for entries recorded before accounts were (file
    /// format version 2).
    pub account: String,
    pub region: String,
    /// A resource kind of the lab format (`iam.role`, `lambda.function`, …).
    pub kind: String,
    /// Its ARN or name.
    pub resource_id: String,
    pub at_ms: i64,
}

impl LedgerEntry {
    /// Reads the columns `step_id, target, account, region, kind, resource_id, at_ms`.
    pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let target: String = row.get(1)?;
        let target = TargetKind::from_name(&target).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                Type::Text,
                format!("unknown target {target}").into(),
            )
        })?;
        Ok(LedgerEntry {
            step_id: row.get(0)?,
            target,
            account: row.get(2)?,
            region: row.get(3)?,
            kind: row.get(4)?,
            resource_id: row.get(5)?,
            at_ms: row.get(6)?,
        })
    }
}
