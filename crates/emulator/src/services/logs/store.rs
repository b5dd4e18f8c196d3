//! Where CloudWatch Logs keeps its data: SQLite, in `logs.sqlite3` in the data folder (WAL
//! mode) or in memory, behind one mutex.
//!
//! Log data is not saved as a document per change as IAM's state is (`crate::persist`): Lambda
//! appends events after every invocation, so appending must stay one small transaction of
//! `INSERT`s, whatever the amount already stored.
//!
//! Tables (`STRICT`; the file's `user_version` is [`SCHEMA_VERSION`]):
//! - `log_groups`: region, name (unique per region), creation time, retention, KMS key, class,
//!   tags as a JSON object.
//! - `log_streams`: group, name (unique per group), creation time, first and last event
//!   timestamps, last ingestion time, upload sequence, bytes stored.
//! - `log_events`: group and stream, timestamp, ingestion time, message, and an id that only
//!   grows (`AUTOINCREMENT`), which orders events of equal timestamps and names them
//!   (`eventId`, paging tokens).
//!
//! Deleting a group or stream deletes what it holds (foreign keys with `ON DELETE CASCADE`).

use super::errors::LogsError;
use crate::config::ACCOUNT_ID;
use crate::error::AwsError;
use crate::state::{StateError, lock};
use crate::state_files::{self, SetAside};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

/// The file name of the store in the data folder (and in a snapshot's folder).
pub const FILE_NAME: &str = "logs.sqlite3";

/// The layout of the tables below; a file with another (non-zero) version is refused.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS log_groups (
    id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    retention_days INTEGER,
    kms_key_id TEXT,
    class TEXT NOT NULL,
    tags TEXT NOT NULL,
    UNIQUE (region, name)
) STRICT;
CREATE TABLE IF NOT EXISTS log_streams (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES log_groups (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    first_event_ms INTEGER,
    last_event_ms INTEGER,
    last_ingestion_ms INTEGER,
    upload_sequence INTEGER NOT NULL,
    stored_bytes INTEGER NOT NULL,
    UNIQUE (group_id, name)
) STRICT;
CREATE TABLE IF NOT EXISTS log_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id INTEGER NOT NULL REFERENCES log_groups (id) ON DELETE CASCADE,
    stream_id INTEGER NOT NULL REFERENCES log_streams (id) ON DELETE CASCADE,
    timestamp_ms INTEGER NOT NULL,
    ingestion_ms INTEGER NOT NULL,
    message TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS log_events_by_stream ON log_events (stream_id, timestamp_ms, id);
CREATE INDEX IF NOT EXISTS log_events_by_group ON log_events (group_id, timestamp_ms, id);
CREATE INDEX IF NOT EXISTS log_streams_by_group ON log_streams (group_id);
";

/// The tables in the order they are filled (and emptied in reverse).
const TABLES: [(&str, &str); 3] = [
    ("log_groups", "id, region, name, created_ms, retention_days, kms_key_id, class, tags"),
    (
        "log_streams",
        "id, group_id, name, created_ms, first_event_ms, last_event_ms, last_ingestion_ms, \
         upload_sequence, stored_bytes",
    ),
    ("log_events", "id, group_id, stream_id, timestamp_ms, ingestion_ms, message"),
];

/// One event to store: when it happened (milliseconds since the epoch) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    pub timestamp: i64,
    pub message: String,
}

/// CloudWatch Logs' data, every region. Locks itself: callers share it by reference.
pub struct LogStore {
    conn: Mutex<Connection>,
    /// The damaged file found at open and moved aside, if there was one.
    set_aside: Option<SetAside>,
}

/// A log group as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub id: i64,
    pub region: String,
    pub name: String,
    pub created_ms: i64,
    pub retention_days: Option<i64>,
    pub kms_key_id: Option<String>,
    pub class: String,
    pub tags: BTreeMap<String, String>,
}

impl GroupRow {
    /// `arn:aws:logs:{region}:{account}:log-group:{name}` (`logGroupArn`; `arn` adds `:*`).
    pub fn arn(&self) -> String {
        group_arn(&self.region, &self.name)
    }
}

/// `arn:aws:logs:{region}:{account}:log-group:{name}`.
pub fn group_arn(region: &str, name: &str) -> String {
    format!("arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{name}")
}

/// The columns of `log_groups` that [`group_from_row`] reads, in its order.
pub const GROUP_COLUMNS: &str =
    "id, region, name, created_ms, retention_days, kms_key_id, class, tags";

/// A [`GroupRow`] from a row of [`GROUP_COLUMNS`]. Tags that are not a JSON object of strings
/// (never written so) read as none.
pub fn group_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<GroupRow> {
    let tags: String = row.get(7)?;
    Ok(GroupRow {
        id: row.get(0)?,
        region: row.get(1)?,
        name: row.get(2)?,
        created_ms: row.get(3)?,
        retention_days: row.get(4)?,
        kms_key_id: row.get(5)?,
        class: row.get(6)?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
    })
}

/// The group `name` in `region`, if it exists.
pub fn find_group(
    conn: &Connection,
    region: &str,
    name: &str,
) -> Result<Option<GroupRow>, LogsError> {
    let sql = format!("SELECT {GROUP_COLUMNS} FROM log_groups WHERE region = ?1 AND name = ?2");
    Ok(conn.query_row(&sql, params![region, name], group_from_row).optional()?)
}

/// The id of stream `name` of the group with id `group_id`, if it exists.
pub fn find_stream(conn: &Connection, group_id: i64, name: &str) -> Result<Option<i64>, LogsError> {
    Ok(conn
        .query_row(
            "SELECT id FROM log_streams WHERE group_id = ?1 AND name = ?2",
            params![group_id, name],
            |row| row.get(0),
        )
        .optional()?)
}

/// Creates a group; `false` when one of that name exists in the region.
pub fn insert_group(
    tx: &Transaction<'_>,
    region: &str,
    name: &str,
    created_ms: i64,
    kms_key_id: Option<&str>,
    class: &str,
    tags: &BTreeMap<String, String>,
) -> Result<bool, LogsError> {
    let tags = serde_json::to_string(tags).map_err(|e| LogsError::Storage(e.to_string()))?;
    let inserted = tx.execute(
        "INSERT INTO log_groups (region, name, created_ms, retention_days, kms_key_id, class, tags)
         VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6) ON CONFLICT (region, name) DO NOTHING",
        params![region, name, created_ms, kms_key_id, class, tags],
    )?;
    Ok(inserted == 1)
}

/// Creates a stream; `false` when the group has one of that name.
pub fn insert_stream(
    tx: &Transaction<'_>,
    group_id: i64,
    name: &str,
    created_ms: i64,
) -> Result<bool, LogsError> {
    let inserted = tx.execute(
        "INSERT INTO log_streams (group_id, name, created_ms, upload_sequence, stored_bytes)
         VALUES (?1, ?2, ?3, 0, 0) ON CONFLICT (group_id, name) DO NOTHING",
        params![group_id, name, created_ms],
    )?;
    Ok(inserted == 1)
}

/// Appends `events` to a stream, all ingested at `ingestion_ms`, and updates the stream's
/// summary; returns the stream's new upload sequence number.
pub fn insert_events(
    tx: &Transaction<'_>,
    group_id: i64,
    stream_id: i64,
    events: &[LogEvent],
    ingestion_ms: i64,
) -> Result<i64, LogsError> {
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO log_events (group_id, stream_id, timestamp_ms, ingestion_ms, message)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for event in events {
            insert.execute(params![
                group_id,
                stream_id,
                event.timestamp,
                ingestion_ms,
                event.message
            ])?;
        }
    }
    let bytes: i64 = events.iter().map(|event| event.message.len() as i64).sum();
    let first = events.iter().map(|event| event.timestamp).min();
    let last = events.iter().map(|event| event.timestamp).max();
    let ingested = (!events.is_empty()).then_some(ingestion_ms);
    Ok(tx.query_row(
        "UPDATE log_streams SET
             first_event_ms = CASE WHEN ?2 IS NULL THEN first_event_ms
                                   ELSE min(coalesce(first_event_ms, ?2), ?2) END,
             last_event_ms = CASE WHEN ?3 IS NULL THEN last_event_ms
                                  ELSE max(coalesce(last_event_ms, ?3), ?3) END,
             last_ingestion_ms = coalesce(?4, last_ingestion_ms),
             stored_bytes = stored_bytes + ?5,
             upload_sequence = upload_sequence + 1
         WHERE id = ?1 RETURNING upload_sequence",
        params![stream_id, first, last, ingested, bytes],
        |row| row.get(0),
    )?)
}

/// Saves a group's tags.
pub fn save_tags(
    tx: &Transaction<'_>,
    group_id: i64,
    tags: &BTreeMap<String, String>,
) -> Result<(), LogsError> {
    let tags = serde_json::to_string(tags).map_err(|e| LogsError::Storage(e.to_string()))?;
    tx.execute("UPDATE log_groups SET tags = ?2 WHERE id = ?1", params![group_id, tags])?;
    Ok(())
}

fn failure(what: &str, error: impl std::fmt::Display) -> AwsError {
    AwsError::receiver("ServiceFailure", 500, format!("{what}: {error}"))
}

impl LogStore {
    /// Opens (creating) `data_dir/logs.sqlite3`, after checking it: a damaged file is set aside
    /// (see [`set_aside`](Self::set_aside)) and the store starts empty. A sound file that is not
    /// this store's database (another layout) is refused here, with its path, rather than at
    /// the learner's first request.
    pub fn open(data_dir: &Path) -> Result<Self, StateError> {
        let path = data_dir.join(FILE_NAME);
        std::fs::create_dir_all(data_dir).map_err(|error| StateError::io(data_dir, &error))?;
        let set_aside = state_files::prepare(&path, state_files::LOGS_HOLDS)?;
        let open_error = |error| StateError::sqlite(&path, &error);
        let conn = Connection::open(&path).map_err(open_error)?;
        if conn.is_readonly(rusqlite::MAIN_DB).map_err(open_error)? {
            return Err(StateError::read_only(&path));
        }
        // Before anything writes to it: a refused file is left as it was.
        let version: i64 =
            conn.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(open_error)?;
        if version != 0 && version != SCHEMA_VERSION {
            let message = format!(
                "the emulator cannot open {}: {}; update awslab, or move the file aside to start \
                 afresh",
                path.display(),
                other_layout(version)
            );
            return Err(StateError::new(&path, message));
        }
        conn.pragma_update(None, "journal_mode", "WAL").map_err(open_error)?;
        // WAL makes `NORMAL` durable against application crashes, and appends cheaper.
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(open_error)?;
        prepare(&conn).map_err(open_error)?;
        Ok(Self { conn: Mutex::new(conn), set_aside })
    }

    /// The damaged file that [`open`](Self::open) moved aside, if it found one.
    pub fn set_aside(&self) -> Option<&SetAside> {
        self.set_aside.as_ref()
    }

    /// A store that ends with the emulator.
    pub fn in_memory() -> Self {
        let conn = Connection::open_in_memory()
            .and_then(|conn| prepare(&conn).map(|()| conn))
            .expect("SQLite can always open an empty in-memory database");
        Self { conn: Mutex::new(conn), set_aside: None }
    }

    /// Runs `work` in one write transaction: all of it is stored, or none.
    pub(crate) fn write<T>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, LogsError>,
    ) -> Result<T, LogsError> {
        let mut conn = lock(&self.conn);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let result = work(&tx)?;
        tx.commit()?;
        Ok(result)
    }

    /// Runs `work` on a consistent view (one read transaction).
    pub(crate) fn read<T>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, LogsError>,
    ) -> Result<T, LogsError> {
        let mut conn = lock(&self.conn);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        work(&tx)
    }

    /// What Lambda does after each invocation: creates the group and the stream when missing,
    /// then appends. Events are stored as given (Lambda's own lines need none of
    /// `PutLogEvents`' checks).
    pub fn append(
        &self,
        region: &str,
        group: &str,
        stream: &str,
        events: &[LogEvent],
        now_ms: i64,
    ) -> Result<(), AwsError> {
        self.write(|tx| {
            insert_group(tx, region, group, now_ms, None, "STANDARD", &BTreeMap::new())?;
            let group_id = find_group(tx, region, group)?.ok_or(LogsError::GroupNotFound)?.id;
            insert_stream(tx, group_id, stream, now_ms)?;
            let stream_id = find_stream(tx, group_id, stream)?.ok_or(LogsError::StreamNotFound)?;
            insert_events(tx, group_id, stream_id, events, now_ms)?;
            Ok(())
        })
        .map_err(AwsError::from)
    }

    /// Deletes a group and its streams and events; whether it existed.
    pub fn delete_group(&self, region: &str, group: &str) -> Result<bool, AwsError> {
        self.write(|tx| {
            let deleted = tx.execute(
                "DELETE FROM log_groups WHERE region = ?1 AND name = ?2",
                params![region, group],
            )?;
            Ok(deleted > 0)
        })
        .map_err(AwsError::from)
    }

    /// Forgets everything (`POST /_awslab/reset`).
    pub fn reset(&self) -> Result<(), AwsError> {
        self.write(|tx| Ok(empty_tables(tx, "main")?))
            .map_err(|error| failure("resetting CloudWatch Logs", AwsError::from(error)))
    }

    /// Deletes the groups tagged `awslab:lab` = `lab`, in every region; returns their ARNs
    /// (`logGroupArn`, which names the region as well as the group).
    pub fn delete_lab_groups(&self, lab: &str) -> Result<Vec<String>, AwsError> {
        self.write(|tx| {
            let groups: Vec<GroupRow> = {
                let sql = format!("SELECT {GROUP_COLUMNS} FROM log_groups ORDER BY region, name");
                let mut statement = tx.prepare(&sql)?;
                let rows = statement.query_map([], group_from_row)?;
                rows.collect::<Result<_, _>>()?
            };
            let mut deleted = Vec::new();
            for group in groups {
                if group.tags.get("awslab:lab").map(String::as_str) == Some(lab) {
                    tx.execute("DELETE FROM log_groups WHERE id = ?1", params![group.id])?;
                    deleted.push(group.arn());
                }
            }
            Ok(deleted)
        })
        .map_err(AwsError::from)
    }

    /// Writes the whole store into `folder/logs.sqlite3` (a consistent copy, `VACUUM INTO`).
    pub fn save_into(&self, folder: &Path) -> Result<(), AwsError> {
        std::fs::create_dir_all(folder)
            .map_err(|error| failure("creating the snapshot folder", error))?;
        let file = folder.join(FILE_NAME);
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(failure(&format!("replacing {}", file.display()), error)),
        }
        let conn = lock(&self.conn);
        conn.execute("VACUUM INTO ?1", params![file.to_string_lossy()])
            .map_err(|error| failure("saving CloudWatch Logs", error))?;
        Ok(())
    }

    /// Makes the store's content a snapshot's (`folder/logs.sqlite3`); a snapshot without that
    /// file (saved before the emulator had CloudWatch Logs) leaves the store empty. A file that
    /// is not a store is refused and the content left as it was.
    pub fn restore_from(&self, folder: &Path) -> Result<(), AwsError> {
        let file = folder.join(FILE_NAME);
        if !file.exists() {
            return self.reset();
        }
        let restoring = |error: rusqlite::Error| {
            failure(&format!("restoring CloudWatch Logs from {}", file.display()), error)
        };
        let mut conn = lock(&self.conn);
        conn.execute("ATTACH DATABASE ?1 AS snapshot", params![file.to_string_lossy()])
            .map_err(restoring)?;
        let copied = copy_snapshot(&mut conn);
        let detached = conn.execute("DETACH DATABASE snapshot", []);
        copied.map_err(restoring)?;
        detached.map_err(restoring)?;
        Ok(())
    }
}

/// Sets a fresh connection up: foreign keys on, and the tables created, in a file that is empty
/// or already this store's (`open` checks the layout's version first).
fn prepare(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.execute_batch(SCHEMA)?;
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(())
}

/// Why a file of layout `version` cannot be read, in plain words.
fn other_layout(version: i64) -> String {
    format!(
        "it was saved with another layout (version {version}; this awslab reads version \
         {SCHEMA_VERSION}), perhaps by a newer awslab"
    )
}

fn wrong_schema(version: i64) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(other_layout(version).into())
}

/// Replaces the main tables' rows with the attached `snapshot`'s, in one transaction.
fn copy_snapshot(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.query_row("PRAGMA snapshot.user_version", [], |row| row.get(0))?;
    if version != SCHEMA_VERSION {
        return Err(wrong_schema(version));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    empty_tables(&tx, "main")?;
    for (table, columns) in TABLES {
        tx.execute(
            &format!("INSERT INTO main.{table} ({columns}) SELECT {columns} FROM snapshot.{table}"),
            [],
        )?;
    }
    tx.commit()
}

fn empty_tables(tx: &Transaction<'_>, schema: &str) -> rusqlite::Result<()> {
    for (table, _) in TABLES.iter().rev() {
        tx.execute(&format!("DELETE FROM {schema}.{table}"), [])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(timestamp: i64, message: &str) -> LogEvent {
        LogEvent { timestamp, message: message.to_string() }
    }

    fn count(store: &LogStore, table: &str) -> i64 {
        store
            .read(
                |tx| Ok(tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?),
            )
            .unwrap()
    }

    #[test]
    fn append_creates_the_group_and_stream_once_and_keeps_adding() {
        let store = LogStore::in_memory();
        let group = "/aws/lambda/addCustomer";
        store
            .append("ap-northeast-2", group, "2024/05/01/[$LATEST]abc", &[event(1, "START")], 10)
            .unwrap();
        store
            .append(
                "ap-northeast-2",
                group,
                "2024/05/01/[$LATEST]abc",
                &[event(2, "END"), event(3, "REPORT")],
                20,
            )
            .unwrap();
        store.append("ap-northeast-2", group, "2024/05/01/[$LATEST]def", &[], 30).unwrap();
        assert_eq!((count(&store, "log_groups"), count(&store, "log_streams")), (1, 2));
        assert_eq!(count(&store, "log_events"), 3);
        let created = store
            .read(|tx| Ok(find_group(tx, "ap-northeast-2", group)?.map(|g| g.created_ms)))
            .unwrap();
        assert_eq!(created, Some(10), "the first append created the group");
        assert!(store.read(|tx| find_group(tx, "us-east-1", group)).unwrap().is_none());
    }

    #[test]
    fn deleting_a_group_deletes_its_streams_and_events() {
        let store = LogStore::in_memory();
        store.append("us-east-1", "a", "s", &[event(1, "x")], 1).unwrap();
        store.append("us-east-1", "b", "s", &[event(1, "y")], 1).unwrap();
        assert!(store.delete_group("us-east-1", "a").unwrap());
        assert!(!store.delete_group("us-east-1", "a").unwrap());
        assert_eq!((count(&store, "log_streams"), count(&store, "log_events")), (1, 1));
    }

    #[test]
    fn a_snapshot_round_trips_and_a_missing_one_empties_the_store() {
        let folder = tempfile::tempdir().unwrap();
        let store = LogStore::in_memory();
        store.append("us-east-1", "kept", "s", &[event(1, "saved")], 1).unwrap();
        store.save_into(folder.path()).unwrap();
        store.append("us-east-1", "later", "s", &[event(2, "after")], 2).unwrap();
        store.restore_from(folder.path()).unwrap();
        assert_eq!((count(&store, "log_groups"), count(&store, "log_events")), (1, 1));
        // Saving again over an existing snapshot replaces it.
        store.save_into(folder.path()).unwrap();
        let empty = tempfile::tempdir().unwrap();
        store.restore_from(empty.path()).unwrap();
        assert_eq!(count(&store, "log_groups"), 0);
        // Ids keep growing after a restore: new events sort after the restored ones.
        store.append("us-east-1", "kept", "s", &[event(1, "new")], 3).unwrap();
    }

    #[test]
    fn a_snapshot_that_is_not_a_store_is_refused_and_changes_nothing() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join(FILE_NAME), b"not a database at all, just some words")
            .unwrap();
        let store = LogStore::in_memory();
        store.append("us-east-1", "kept", "s", &[event(1, "x")], 1).unwrap();
        let error = store.restore_from(folder.path()).unwrap_err();
        assert!(error.message.contains(FILE_NAME), "{}", error.message);
        assert_eq!(count(&store, "log_groups"), 1);
        // The store still works: the snapshot was detached.
        store.append("us-east-1", "kept", "s", &[event(2, "y")], 2).unwrap();
    }

    #[test]
    fn the_data_survives_reopening_and_a_file_that_is_not_a_database_is_set_aside() {
        let folder = tempfile::tempdir().unwrap();
        let store = LogStore::open(folder.path()).unwrap();
        store.append("us-east-1", "/aws/lambda/f", "s", &[event(1, "kept")], 1).unwrap();
        drop(store);
        let store = LogStore::open(folder.path()).unwrap();
        assert_eq!(count(&store, "log_events"), 1);
        assert_eq!(store.set_aside(), None);
        drop(store);

        let broken = tempfile::tempdir().unwrap();
        let path = broken.path().join(FILE_NAME);
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        let store = LogStore::open(broken.path()).expect("a damaged file is set aside");
        let set_aside = store.set_aside().expect("it says so");
        assert_eq!(set_aside.file, path);
        assert_eq!(std::fs::read(&set_aside.moved_to).unwrap(), vec![b'x'; 4096]);
        assert!(set_aside.to_string().contains("CloudWatch Logs' log groups"), "{set_aside}");
        assert_eq!(count(&store, "log_groups"), 0, "the store starts empty");
    }

    #[test]
    fn a_file_of_another_layout_is_refused_in_one_sentence_and_left_alone() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(FILE_NAME);
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 7).unwrap();
        conn.execute_batch("CREATE TABLE future (x INTEGER)").unwrap();
        drop(conn);
        let before = std::fs::read(&path).unwrap();
        let error = LogStore::open(folder.path()).err().expect("refused");
        assert_eq!(
            error.to_string(),
            format!(
                "the emulator cannot open {}: it was saved with another layout (version 7; this \
                 awslab reads version 1), perhaps by a newer awslab; update awslab, or move the \
                 file aside to start afresh",
                path.display()
            )
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }
}
