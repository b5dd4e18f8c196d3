//! How durable the emulator's SQLite files are: every one is in WAL mode with
//! `synchronous=NORMAL`.
//!
//! That is the promise a learning emulator needs and no more. A change is written to the WAL
//! file (handed to the operating system with `write`) before the request that made it is
//! answered, so killing the emulator, even with SIGKILL, loses nothing it acknowledged
//! (`tests/emulator_durability.rs` kills it mid-stream to prove it). What `NORMAL` gives up is
//! the `fsync` after every commit: a power cut or a kernel crash can roll back the last changes
//! (never corrupt the file; SQLite syncs at checkpoints). The `fsync` was most of a durable
//! PutItem's time: one per commit, about 0.2 ms on this project's benchmark machine against the
//! 0.16 ms of the whole in-memory call (`docs/performance.md`).
//!
//! `state.sqlite3` and `logs.sqlite3` are our own connections and set it when they open.
//! DynamoDB's files are opened by its engine (dynoxide), which keeps SQLite's default `FULL`
//! and offers no way to change it, so [`install`] registers an SQLite auto-extension: a hook
//! SQLite runs on every connection it opens in this process, which sets `NORMAL`. Connections
//! that want more (the lab engine's progress file asks for `FULL`) set it after opening, which
//! wins.
//!
//! Not here: checking files before they are opened (`crate::state_files`).

use rusqlite::Connection;
use rusqlite::auto_extension::{RawAutoExtension, init_auto_extension, register_auto_extension};
use rusqlite::ffi;
use std::ffi::{c_char, c_int};
use std::sync::Once;

/// Makes every SQLite connection opened from now on in this process use `synchronous=NORMAL`
/// unless it asks otherwise. Idempotent; call it before opening files whose connections others
/// make (DynamoDB's engine).
pub(crate) fn install() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        // SAFETY: the hook opens no database, closes none, and leaves the list of
        // auto-extensions alone: the three things rusqlite says a hook must not do.
        let hook: RawAutoExtension = normal_synchronous;
        if let Err(error) = unsafe { register_auto_extension(hook) } {
            // The files stay correct, only slower (an fsync per commit): say so, carry on.
            eprintln!(
                "awslab emulator: cannot relax SQLite's syncing ({error}); writes are slower"
            );
        }
    });
}

/// The auto-extension: SQLite calls it with each connection it opens.
unsafe extern "C" fn normal_synchronous(
    db: *mut ffi::sqlite3,
    error: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
    // SAFETY: `db` is the connection being opened, valid for the call; `init_auto_extension`
    // wraps it without taking ownership, so it is not closed here.
    unsafe { init_auto_extension(db, error, set_normal) }
}

fn set_normal(connection: Connection) -> rusqlite::Result<()> {
    connection.pragma_update(None, "synchronous", "NORMAL")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `PRAGMA synchronous`: 1 is NORMAL, 2 is FULL.
    fn synchronous(connection: &Connection) -> i64 {
        connection.pragma_query_value(None, "synchronous", |row| row.get(0)).unwrap()
    }

    #[test]
    fn connections_opened_after_install_sync_at_checkpoints_only() {
        install();
        let dir = tempfile::tempdir().unwrap();
        let connection = Connection::open(dir.path().join("table.sqlite3")).unwrap();
        connection.pragma_update(None, "journal_mode", "WAL").unwrap();
        assert_eq!(synchronous(&connection), 1);
    }

    #[test]
    fn a_connection_that_asks_for_full_keeps_it() {
        install();
        let connection = Connection::open_in_memory().unwrap();
        connection.pragma_update(None, "synchronous", "FULL").unwrap();
        assert_eq!(synchronous(&connection), 2);
    }
}
