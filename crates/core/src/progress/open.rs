//! Opening the file: inspect it, move a damaged one aside, configure the connection, migrate.
//!
//! The order matters. Nothing is written until the file has proved to be an SQLite database of a
//! version this build knows, whole (`quick_check`) and with the tables its version promises; so
//! a newer or damaged file is never modified before it is refused or moved.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::schema::{self, SCHEMA_VERSION};
use super::{Opened, ProgressError, ProgressStore, Recovery};

/// How long a statement waits for another connection (a second awslab window, say) to release
/// its lock before giving up with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The files SQLite may keep next to the database; they belong to it and move with it.
const COMPANION_SUFFIXES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// What inspecting a file found.
enum Inspection {
    /// Whole, of a known version, configured and migrated: ready to use.
    Healthy(Connection),
    /// Damaged, for the reason given. The connection is closed.
    Damaged(String),
}

pub(super) fn open(path: &Path, now_ms: i64) -> Result<Opened, ProgressError> {
    if let Some(folder) = path.parent().filter(|folder| !folder.as_os_str().is_empty()) {
        fs::create_dir_all(folder)
            .map_err(|source| ProgressError::CreateDir { path: folder.to_path_buf(), source })?;
    }
    let reason = match inspect(path)? {
        Inspection::Healthy(conn) => {
            let store = ProgressStore { conn, path: path.to_path_buf() };
            return Ok(Opened { store, recovered: None });
        }
        Inspection::Damaged(reason) => reason,
    };
    let moved_to = move_aside(path, now_ms, &reason)?;
    match inspect(path)? {
        Inspection::Healthy(conn) => {
            let store = ProgressStore { conn, path: path.to_path_buf() };
            Ok(Opened { store, recovered: Some(Recovery { moved_to, reason }) })
        }
        // A file this build just created is damaged: the disk or the file system is failing,
        // and starting over again would only hide it.
        Inspection::Damaged(reason) => Err(ProgressError::Open {
            path: path.to_path_buf(),
            source: rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(format!("the file awslab just created is damaged: {reason}")),
            ),
        }),
    }
}

/// Opens `path` (creating an empty file if there is none), decides whether it is usable, and
/// if so configures the connection and brings the schema up to date.
fn inspect(path: &Path) -> Result<Inspection, ProgressError> {
    let open_error = |source| ProgressError::Open { path: path.to_path_buf(), source };
    // No SQLITE_OPEN_URI: a folder named `file:…` is a folder, not a URI.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(open_error)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
    // Until the file has passed inspection, closing the connection must not checkpoint a WAL
    // file into it: a damaged or newer file is kept exactly as found.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true).map_err(open_error)?;

    let version = match schema::user_version(&conn) {
        Ok(version) => version,
        Err(err) if is_damage(&err) => {
            return Ok(Inspection::Damaged(format!("it is not a readable SQLite database: {err}")));
        }
        Err(err) => return Err(open_error(err)),
    };
    let version = match u32::try_from(version) {
        Ok(version) if version <= SCHEMA_VERSION => version,
        Ok(_) => {
            return Err(ProgressError::NewerVersion {
                path: path.to_path_buf(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        Err(_) => {
            return Ok(Inspection::Damaged(format!(
                "its file format version {version} is not one awslab writes"
            )));
        }
    };
    match quick_check(&conn) {
        Ok(problems) if problems.is_empty() => {}
        Ok(problems) => {
            return Ok(Inspection::Damaged(format!(
                "the SQLite integrity check found: {}",
                problems.join("; ")
            )));
        }
        Err(err) if is_damage(&err) => {
            return Ok(Inspection::Damaged(format!("the SQLite integrity check failed: {err}")));
        }
        Err(err) => return Err(open_error(err)),
    }
    match schema::verify(&conn, version) {
        Ok(Ok(())) => {}
        Ok(Err(mismatch)) => return Ok(Inspection::Damaged(mismatch)),
        Err(err) if is_damage(&err) => {
            return Ok(Inspection::Damaged(format!("its tables cannot be read: {err}")));
        }
        Err(err) => return Err(open_error(err)),
    }

    configure(&conn).map_err(open_error)?;
    schema::migrate(&mut conn, version).map_err(|(to_version, source)| ProgressError::Upgrade {
        path: path.to_path_buf(),
        to_version,
        source,
    })?;
    Ok(Inspection::Healthy(conn))
}

/// Sets up a connection to a file that passed inspection.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    // Back to SQLite's default: the last connection to close folds the WAL into the file.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)?;
    // WAL: a crash mid-write leaves the file as of the last commit, readers never block the
    // writer, and a second awslab window can share the file. (Where the file system cannot do
    // WAL, SQLite keeps its rollback journal, which is just as safe; so the answer is not
    // checked.)
    conn.pragma_update_and_check(None, "journal_mode", "wal", |_| Ok(()))?;
    // FULL rather than NORMAL: in WAL mode NORMAL may lose the last commits on power loss (never
    // on a crash of awslab). Writes here are a few small rows per click of Check, so the extra
    // fsync per commit costs nothing noticeable, and a learner's result once shown as saved
    // stays saved.
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Version 1 declares no foreign keys; this makes any that a later migration adds enforced.
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

/// Runs `PRAGMA quick_check`; returns the problems it lists (none when it says `ok`).
fn quick_check(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut check = conn.prepare("PRAGMA quick_check(5)")?;
    let lines = check.query_map([], |row| row.get::<_, String>(0))?;
    let lines: Vec<String> = lines.collect::<rusqlite::Result<_>>()?;
    Ok(lines.into_iter().filter(|line| line != "ok").collect())
}

/// Whether an SQLite error means the file's contents are bad, as opposed to the file being
/// out of reach (permissions, locks, a full disk), which moving it aside would not fix.
fn is_damage(err: &rusqlite::Error) -> bool {
    matches!(err.sqlite_error_code(), Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt))
}

/// Renames the damaged file to `<name>.corrupt-<now_ms>`, with its companions, and returns the
/// new path. Never overwrites: if that name is taken, the next free millisecond is used.
fn move_aside(path: &Path, now_ms: i64, reason: &str) -> Result<PathBuf, ProgressError> {
    let move_error = |path: &Path, source| ProgressError::MoveAside {
        path: path.to_path_buf(),
        reason: reason.to_owned(),
        source,
    };
    let mut stamp = now_ms;
    let moved_to = loop {
        let candidate = with_suffix(path, &format!(".corrupt-{stamp}"));
        let taken = std::iter::once(candidate.clone())
            .chain(COMPANION_SUFFIXES.iter().map(|suffix| with_suffix(&candidate, suffix)))
            .any(|file| !matches!(file.try_exists(), Ok(false)));
        if !taken {
            break candidate;
        }
        stamp = stamp.saturating_add(1);
    };
    fs::rename(path, &moved_to).map_err(|source| move_error(path, source))?;
    // The companions must go too: a WAL file left behind would be replayed into the fresh file.
    for suffix in COMPANION_SUFFIXES {
        let companion = with_suffix(path, suffix);
        match fs::rename(&companion, with_suffix(&moved_to, suffix)) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(move_error(&companion, source)),
        }
    }
    Ok(moved_to)
}

/// `path` with `suffix` appended to its last component (`a/progress.sqlite3` + `-wal`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}
