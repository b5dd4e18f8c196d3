//! # The progress store: what a learner has done, in one small SQLite file
//!
//! Per lab, the store keeps every check result ever recorded, the steps the learner skipped, and
//! how many hints they revealed per step. Step status and score are derived from it elsewhere
//! (`status`): nothing here knows what a lab contains, and nothing here reads the clock (callers
//! pass times in).
//!
//! The file is `progress.sqlite3` in the platform data folder ([`ProgressStore::default_path`]),
//! or in the folder named by the environment variable `AWSLAB_DATA_DIR`.
//!
//! ## File format, version 3
//!
//! An SQLite 3 database in WAL mode. `PRAGMA user_version` is the format version
//! ([`SCHEMA_VERSION`]); version 0 is an empty file. Every table is `STRICT`. Ids (`lab_id`,
//! `step_id`, `check_id`) are the ids of the lab content, compared exactly. Times (`at_ms`) are
//! unix milliseconds, as given by the caller.
//!
//! `check_result`: one row per check run, never updated; the full history (for a chart of the
//! score over time).
//!
//! | column       | type             | meaning                                                 |
//! |--------------|------------------|---------------------------------------------------------|
//! | `id`         | INTEGER PK       | insertion order; breaks ties between equal `at_ms`      |
//! | `lab_id`     | TEXT             | the lab                                                 |
//! | `step_id`    | TEXT             | the step within the lab                                 |
//! | `check_id`   | TEXT             | the check within the step                               |
//! | `passed`     | INTEGER 0 or 1   | whether the check passed                                |
//! | `points`     | INTEGER ≥ 0      | points earned by this run                               |
//! | `max_points` | INTEGER ≥ points | points the check is worth                               |
//! | `target`     | TEXT             | `emulator` or `aws`: where the checked resources live   |
//! | `at_ms`      | INTEGER          | when the check ran                                      |
//! | `detail`     | TEXT or NULL     | valid JSON chosen by the checker (for example the diff) |
//!
//! Index `check_result_by_check (lab_id, step_id, check_id, at_ms)`. The *latest* result of a
//! check is the row with the greatest `at_ms`, then the greatest `id`.
//!
//! `skipped_step`: the steps a learner chose to skip. A skip is not a result: it never makes a
//! check pass. Key `(lab_id, step_id)`; `at_ms` is when the step was first skipped.
//!
//! `hint_reveal`: key `(lab_id, step_id)`; `revealed` (INTEGER > 0) counts the hints the learner
//! revealed for that step. No row means none.
//!
//! `ledger` (since version 2): the resources a lab's actions created, so that clean-up deletes
//! them and nothing else. Key `(lab_id, target, account, region, kind, resource_id)`; `account`
//! (since version 3) is the 12-digit account the resource was made in, `''` for rows recorded
//! by version 2; `step_id` is the step that created it, `kind` a resource kind of the lab format
//! (`iam.role`, `dynamodb.table`, …), `resource_id` its ARN or name, `at_ms` when it was
//! recorded. Rows are removed once clean-up has deleted the resource, in their own account.
//!
//! A lab *has progress* when any of the first three tables has a row for it. Nothing else is
//! stored: no credentials or form contents (the ledger's ARNs name the account they live in).
//!
//! ## Written safely
//!
//! - Every write is one transaction, so it is saved whole or not at all; WAL with
//!   `synchronous=FULL` keeps every committed write through a crash of awslab or of the machine.
//! - Opening refuses a file of a newer version without touching it ([`ProgressError`]).
//! - A damaged file (not SQLite, failing `PRAGMA quick_check`, or with tables other than its
//!   version promises) is renamed to `progress.sqlite3.corrupt-<unix ms>` with its `-wal`,
//!   `-shm` and `-journal` files, never deleted; a fresh file replaces it and
//!   [`Opened::recovered`] says so.
//! - Upgrades run the migration scripts in `schema.rs` in order, one transaction each.
//!
//! Not here: what a step's status or score is (`status`), reports, or the emulator's own state.

mod error;
mod open;
mod record;
mod schema;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, Transaction, TransactionBehavior, params};

pub use error::ProgressError;
pub use record::{CheckRecord, LedgerEntry, TargetKind};
pub use schema::SCHEMA_VERSION;

use record::CHECK_COLUMNS;

/// The file name of the store inside its data folder.
pub const FILE_NAME: &str = "progress.sqlite3";

/// The environment variable naming a folder to keep the store in, instead of the platform's.
pub use crate::data_dir::DATA_DIR_ENV;

/// An open progress store. Not `Sync`: share it behind a `Mutex`.
#[derive(Debug)]
pub struct ProgressStore {
    conn: Connection,
    path: PathBuf,
}

/// The result of [`ProgressStore::open`].
#[derive(Debug)]
pub struct Opened {
    pub store: ProgressStore,
    /// Set when the file was damaged and has been replaced by a fresh one: show it to the learner.
    pub recovered: Option<Recovery>,
}

/// A damaged progress file that was moved aside. Its `Display` is a sentence for the learner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// Where the damaged file is now. Its `-wal`, `-shm` or `-journal` files, if it had any, are
    /// next to it under the same name plus that suffix.
    pub moved_to: PathBuf,
    /// What was wrong with it.
    pub reason: String,
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Your progress file was damaged ({}). It was kept as {} and a new, empty progress \
             file was started.",
            self.reason,
            self.moved_to.display()
        )
    }
}

impl ProgressStore {
    /// The store's path: `progress.sqlite3` in `$AWSLAB_DATA_DIR` if that is set and not empty,
    /// else in the platform data folder (`ProjectDirs::from("dev", "awslab", "awslab")`, such as
    /// `~/.local/share/awslab` on Linux). The folder need not exist yet: [`open`](Self::open)
    /// creates it.
    pub fn default_path() -> Result<PathBuf, ProgressError> {
        crate::data_dir::data_dir().map(|dir| dir.join(FILE_NAME)).ok_or(ProgressError::NoDataDir)
    }

    /// Opens the store at `path`, creating the file and its folders if needed and upgrading an
    /// older format. A damaged file is moved aside and replaced (see [`Opened::recovered`]);
    /// `now_ms` (unix milliseconds) names the moved file. A file of a newer format is refused
    /// and left untouched.
    pub fn open(path: &Path, now_ms: i64) -> Result<Opened, ProgressError> {
        open::open(path, now_ms)
    }

    /// A store that lives in memory only, for tests of code that uses one.
    pub fn open_in_memory() -> Result<ProgressStore, ProgressError> {
        let path = PathBuf::from(":memory:");
        let open_error = |source| ProgressError::Open { path: path.clone(), source };
        let mut conn = Connection::open_in_memory().map_err(open_error)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(open_error)?;
        schema::migrate(&mut conn, 0).map_err(|(to_version, source)| ProgressError::Upgrade {
            path: path.clone(),
            to_version,
            source,
        })?;
        Ok(ProgressStore { conn, path })
    }

    /// The file this store reads and writes (`:memory:` for an in-memory store).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends check results to the lab's history, all or none (one transaction).
    pub fn record_checks(
        &mut self,
        lab_id: &str,
        records: &[CheckRecord],
    ) -> Result<(), ProgressError> {
        for record in records {
            record.validate(lab_id)?;
        }
        self.write(|tx| {
            let mut insert = tx.prepare_cached(
                "INSERT INTO check_result (lab_id, step_id, check_id, passed, points, max_points,
                                           target, at_ms, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for record in records {
                insert.execute(params![
                    lab_id,
                    record.step_id,
                    record.check_id,
                    record.passed,
                    record.points,
                    record.max_points,
                    record.target.as_str(),
                    record.at_ms,
                    record.detail,
                ])?;
            }
            Ok(())
        })
    }

    /// The latest result of every check recorded for the lab on any target (greatest `at_ms`,
    /// then the one recorded last), ordered by step id then check id.
    pub fn latest_checks(&self, lab_id: &str) -> Result<Vec<CheckRecord>, ProgressError> {
        self.latest(lab_id, None)
    }

    /// The latest result on `target` of every check recorded for the lab, ordered by step id
    /// then check id: a standing on one target is never made of results from the other.
    pub fn latest_checks_on(
        &self,
        lab_id: &str,
        target: TargetKind,
    ) -> Result<Vec<CheckRecord>, ProgressError> {
        self.latest(lab_id, Some(target))
    }

    fn latest(
        &self,
        lab_id: &str,
        target: Option<TargetKind>,
    ) -> Result<Vec<CheckRecord>, ProgressError> {
        self.read(|conn| {
            let mut query = conn.prepare_cached(&format!(
                "SELECT {CHECK_COLUMNS} FROM (
                     SELECT *, row_number() OVER (
                         PARTITION BY step_id, check_id ORDER BY at_ms DESC, id DESC
                     ) AS recency
                     FROM check_result WHERE lab_id = ?1 AND (?2 IS NULL OR target = ?2)
                 )
                 WHERE recency = 1
                 ORDER BY step_id, check_id"
            ))?;
            let target = target.map(TargetKind::as_str);
            query.query_map(params![lab_id, target], CheckRecord::from_row)?.collect()
        })
    }

    /// Every result recorded for the lab, oldest first (by `at_ms`, then by recording order).
    pub fn check_history(&self, lab_id: &str) -> Result<Vec<CheckRecord>, ProgressError> {
        self.read(|conn| {
            let mut query = conn.prepare_cached(&format!(
                "SELECT {CHECK_COLUMNS} FROM check_result WHERE lab_id = ?1 ORDER BY at_ms, id"
            ))?;
            query.query_map([lab_id], CheckRecord::from_row)?.collect()
        })
    }

    /// Records that the learner skipped a step. Skipping a skipped step keeps the first time.
    pub fn skip_step(
        &mut self,
        lab_id: &str,
        step_id: &str,
        at_ms: i64,
    ) -> Result<(), ProgressError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO skipped_step (lab_id, step_id, at_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (lab_id, step_id) DO NOTHING",
                params![lab_id, step_id, at_ms],
            )?;
            Ok(())
        })
    }

    /// Forgets that the learner skipped a step (nothing happens if they had not).
    pub fn clear_skip(&mut self, lab_id: &str, step_id: &str) -> Result<(), ProgressError> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM skipped_step WHERE lab_id = ?1 AND step_id = ?2",
                params![lab_id, step_id],
            )?;
            Ok(())
        })
    }

    /// The steps of the lab the learner skipped, in the order they skipped them.
    pub fn skipped_steps(&self, lab_id: &str) -> Result<Vec<String>, ProgressError> {
        self.read(|conn| {
            let mut query = conn.prepare_cached(
                "SELECT step_id FROM skipped_step WHERE lab_id = ?1 ORDER BY at_ms, step_id",
            )?;
            query.query_map([lab_id], |row| row.get(0))?.collect()
        })
    }

    /// Counts one more hint revealed for the step; returns how many are revealed now.
    pub fn reveal_hint(&mut self, lab_id: &str, step_id: &str) -> Result<u32, ProgressError> {
        self.write(|tx| {
            tx.query_row(
                "INSERT INTO hint_reveal (lab_id, step_id, revealed) VALUES (?1, ?2, 1)
                 ON CONFLICT (lab_id, step_id) DO UPDATE SET revealed = revealed + 1
                 RETURNING revealed",
                params![lab_id, step_id],
                |row| row.get(0),
            )
        })
    }

    /// How many hints the learner revealed, per step of the lab (steps with none are absent).
    pub fn hints_revealed(&self, lab_id: &str) -> Result<BTreeMap<String, u32>, ProgressError> {
        self.read(|conn| {
            let mut query =
                conn.prepare_cached("SELECT step_id, revealed FROM hint_reveal WHERE lab_id = ?1")?;
            query.query_map([lab_id], |row| Ok((row.get(0)?, row.get(1)?)))?.collect()
        })
    }

    /// Deletes everything recorded for the lab (results, skips, hints), and nothing else.
    pub fn reset_lab(&mut self, lab_id: &str) -> Result<(), ProgressError> {
        self.write(|tx| {
            for table in ["check_result", "skipped_step", "hint_reveal"] {
                tx.execute(&format!("DELETE FROM {table} WHERE lab_id = ?1"), [lab_id])?;
            }
            Ok(())
        })
    }

    /// Records resources a lab created (a resource recorded twice is kept once).
    pub fn record_created(
        &mut self,
        lab_id: &str,
        entries: &[LedgerEntry],
    ) -> Result<(), ProgressError> {
        self.write(|tx| {
            let mut insert = tx.prepare_cached(
                "INSERT INTO ledger
                    (lab_id, step_id, target, account, region, kind, resource_id, at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (lab_id, target, account, region, kind, resource_id) DO NOTHING",
            )?;
            for entry in entries {
                insert.execute(params![
                    lab_id,
                    entry.step_id,
                    entry.target.as_str(),
                    entry.account,
                    entry.region,
                    entry.kind,
                    entry.resource_id,
                    entry.at_ms,
                ])?;
            }
            Ok(())
        })
    }

    /// The resources the lab created on a target, oldest first.
    pub fn ledger(
        &self,
        lab_id: &str,
        target: TargetKind,
    ) -> Result<Vec<LedgerEntry>, ProgressError> {
        self.read(|conn| {
            let mut query = conn.prepare_cached(
                "SELECT step_id, target, account, region, kind, resource_id, at_ms FROM ledger
                 WHERE lab_id = ?1 AND target = ?2 ORDER BY at_ms, id",
            )?;
            query.query_map(params![lab_id, target.as_str()], LedgerEntry::from_row)?.collect()
        })
    }

    /// Forgets ledger entries (once clean-up deleted their resources).
    pub fn forget_created(
        &mut self,
        lab_id: &str,
        entries: &[LedgerEntry],
    ) -> Result<(), ProgressError> {
        self.write(|tx| {
            let mut delete = tx.prepare_cached(
                "DELETE FROM ledger WHERE lab_id = ?1 AND target = ?2 AND account = ?3
                 AND region = ?4 AND kind = ?5 AND resource_id = ?6",
            )?;
            for entry in entries {
                delete.execute(params![
                    lab_id,
                    entry.target.as_str(),
                    entry.account,
                    entry.region,
                    entry.kind,
                    entry.resource_id
                ])?;
            }
            Ok(())
        })
    }

    /// The ids of the labs with anything recorded, in id order.
    pub fn labs_with_progress(&self) -> Result<Vec<String>, ProgressError> {
        self.read(|conn| {
            let mut query = conn.prepare_cached(
                "SELECT lab_id FROM check_result
                 UNION SELECT lab_id FROM skipped_step
                 UNION SELECT lab_id FROM hint_reveal
                 ORDER BY lab_id",
            )?;
            query.query_map([], |row| row.get(0))?.collect()
        })
    }

    /// When the learner last worked on the lab: the latest `at_ms` of a check result or a skip,
    /// or `None` when neither was recorded. (Revealing a hint records no time.)
    pub fn last_worked_ms(&self, lab_id: &str) -> Result<Option<i64>, ProgressError> {
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT max(at_ms) FROM (
                     SELECT at_ms FROM check_result WHERE lab_id = ?1
                     UNION ALL SELECT at_ms FROM skipped_step WHERE lab_id = ?1
                 )",
            )?
            .query_row([lab_id], |row| row.get(0))
        })
    }

    fn read<T>(
        &self,
        query: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, ProgressError> {
        query(&self.conn).map_err(|source| ProgressError::Read { path: self.path.clone(), source })
    }

    /// Runs `change` in one transaction and commits it; on any error nothing is saved.
    fn write<T>(
        &mut self,
        change: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T, ProgressError> {
        let write_error = |source| ProgressError::Write { path: self.path.clone(), source };
        // IMMEDIATE: take the write lock now, so that a second awslab window makes this wait
        // (busy timeout) rather than fail halfway. Dropping `tx` uncommitted rolls it back.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(write_error)?;
        let value = change(&tx).map_err(write_error)?;
        tx.commit().map_err(write_error)?;
        Ok(value)
    }
}
