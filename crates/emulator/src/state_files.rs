//! The emulator's SQLite files (`state.sqlite3`, `logs.sqlite3`, `dynamodb/<region>.sqlite3`),
//! checked before they are opened, and set aside when they are damaged.
//!
//! Why check before SQLite opens a file: SQLite does not report some damage, it discards what it
//! cannot use. A database file that is empty (or missing) next to a `-wal` file gets its WAL
//! deleted, and a `-wal` file whose header is invalid is ignored and then deleted; either way the
//! emulator would start with the learner's roles, functions or items silently gone. So
//! [`check`] looks at the bytes first (sqlite.org/fileformat2.html §1.3 and §4), and only then
//! lets SQLite read the file, on a read-only connection (which never checkpoints or deletes the
//! WAL), for `PRAGMA integrity_check`.
//!
//! `integrity_check` rather than `quick_check`: measured on files of a learner's size (release
//! build, warm cache), integrity_check takes 2 ms on a 4.3 MB `state.sqlite3`, 5 ms on a 3.7 MB
//! DynamoDB region with 10,000 items and 34 ms on a 9 MB `logs.sqlite3` (quick_check: 2, 4 and
//! 12 ms); only a 91 MB log store made the difference matter (0.39 s against 0.13 s). It also
//! checks that indexes agree with their tables, which quick_check does not.
//!
//! A damaged file is not loaded and not deleted: [`prepare`] renames it, with its `-wal` and
//! `-shm` files, to `<name>.damaged-<UTC time>` (`…-wal`, `…-shm`, so SQLite still pairs them),
//! and the store starts empty. The [`SetAside`] it returns reads as the one sentence the learner
//! sees. What is not damage is refused with a [`StateError`] instead (the file cannot be read,
//! another program holds it): moving a healthy file aside would hide the learner's work.
//!
//! Not here: what each store keeps in its file, and how it opens it afterwards.

use crate::state::StateError;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What a file holds, in the learner's terms, for the sentence that says it was set aside.
pub const STATE_HOLDS: &str = "IAM roles and policies, Lambda functions, API Gateway APIs, EC2 \
                               instances, CloudWatch alarms and SNS topics";

/// What `logs.sqlite3` holds, in the learner's terms.
pub const LOGS_HOLDS: &str = "CloudWatch Logs' log groups, streams and events";

/// What a DynamoDB region's file holds, in the learner's terms.
pub fn dynamodb_holds(region: &str) -> String {
    format!("DynamoDB tables of {region} and their items")
}

/// Why a file cannot be loaded, in plain words (the parenthesis of the learner's sentence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// The database file is empty or missing, but its `-wal` file holds changes: SQLite would
    /// delete them.
    LogWithoutDatabase { missing: bool, log_bytes: u64 },
    /// The `-wal` file does not begin with a valid write-ahead log header: SQLite would ignore
    /// the changes in it.
    BadLogHeader,
    /// The file does not begin as a SQLite database does.
    NotADatabase,
    /// The file is shorter than its own header says, and SQLite cannot read it.
    CutShort { bytes: u64, declared: u64 },
    /// SQLite cannot read it, or its integrity check found damage.
    Corrupt,
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Damage::LogWithoutDatabase { missing, log_bytes } => write!(
                f,
                "the file is {}, but its -wal file holds {} of changes",
                if *missing { "missing" } else { "empty" },
                size(*log_bytes)
            ),
            Damage::BadLogHeader => {
                f.write_str("its -wal file, which holds the latest changes, is not a valid log")
            }
            Damage::NotADatabase => f.write_str("it is not a SQLite database"),
            Damage::CutShort { bytes, declared } => {
                write!(
                    f,
                    "it was cut short: {} of the {} it should have",
                    size(*bytes),
                    size(*declared)
                )
            }
            Damage::Corrupt => f.write_str("SQLite's integrity check found it corrupt"),
        }
    }
}

/// `412 KB`, `3.1 MB`, `900 bytes`.
fn size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{} KB", bytes.div_ceil(1_000)),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

/// A damaged file, moved aside: reads as the sentence the learner sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// The file as the store would have opened it.
    pub file: PathBuf,
    /// Where it went (its `-wal` file, when it had one, went to this name plus `-wal`).
    pub moved_to: PathBuf,
    pub damage: Damage,
    /// What it held, in the learner's terms ([`STATE_HOLDS`], …).
    pub holding: String,
    /// Whether the database file itself existed (else only its `-wal` file was moved).
    moved_database: bool,
    /// Whether a non-empty `-wal` file was moved with it.
    moved_log: bool,
}

impl fmt::Display for SetAside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let moved_to = self.moved_to.display();
        let moved = match (self.moved_database, self.moved_log) {
            (true, true) => format!("it was moved with its -wal file to {moved_to}"),
            (true, false) => format!("it was moved to {moved_to}"),
            (false, _) => format!("its -wal file was moved to {moved_to}-wal"),
        };
        write!(
            f,
            "{} is damaged ({}), so {moved} and the emulator started without the {} saved in it.",
            self.file.display(),
            self.damage,
            self.holding
        )
    }
}

/// Checks the SQLite file at `path`, with its `-wal` file, without changing either (but for
/// undoing a cut-off transaction's rollback journal, as any open would). `Ok(None)` when SQLite
/// can open it with nothing lost (a missing or empty file with no `-wal` content is a new,
/// empty store). `Err` when it cannot be checked at all (unreadable, held by another program),
/// which is no sign of damage.
pub fn check(path: &Path) -> Result<Option<Damage>, StateError> {
    let log = sibling(path, "-wal");
    let database_bytes = file_size(path)?;
    let log_bytes = file_size(&log)?.unwrap_or(0);
    match database_bytes {
        None | Some(0) if log_bytes > 0 => {
            return Ok(Some(Damage::LogWithoutDatabase {
                missing: database_bytes.is_none(),
                log_bytes,
            }));
        }
        None | Some(0) => return Ok(None),
        Some(_) => {}
    }
    let mut header = [0u8; 100];
    if read_prefix(path, &mut header)? < header.len() || !header.starts_with(b"SQLite format 3\0") {
        return Ok(Some(Damage::NotADatabase));
    }
    if log_bytes > 0 {
        let mut log_header = [0u8; 32];
        if read_prefix(&log, &mut log_header)? < log_header.len() || !valid_log_header(&log_header)
        {
            return Ok(Some(Damage::BadLogHeader));
        }
    }
    match integrity_check(path) {
        Ok(true) => return Ok(None),
        Ok(false) => {}
        Err(error) if is_damage(&error) => {}
        Err(error) => return Err(StateError::sqlite(path, &error)),
    }
    // Damaged: say how, when the header tells (a file cut short reads as corrupt pages).
    let bytes = database_bytes.unwrap_or(0);
    Ok(Some(match declared_size(&header) {
        Some(declared) if bytes < declared => Damage::CutShort { bytes, declared },
        _ => Damage::Corrupt,
    }))
}

/// Checks the file at `path` and, when it is damaged, sets it aside so the store that opens it
/// next starts empty. `holding` says what it holds, in the learner's terms.
pub fn prepare(path: &Path, holding: &str) -> Result<Option<SetAside>, StateError> {
    match check(path)? {
        None => Ok(None),
        Some(damage) => set_aside(path, damage, holding).map(Some),
    }
}

/// Renames `path`, and its `-wal` and `-shm` files when they exist, to
/// `<name>.damaged-<UTC time>` (plus `-wal`, `-shm`); a name already taken gets `-2`, `-3`, ….
/// All or nothing: if one rename fails, those done are undone, so a database never loses its
/// `-wal` file (SQLite would delete a `-wal` file left without its database).
fn set_aside(path: &Path, damage: Damage, holding: &str) -> Result<SetAside, StateError> {
    // The real time, not the emulator's clock (which may run fast): the learner compares the
    // name with the times their file manager shows.
    let now = time::OffsetDateTime::now_utc();
    let stamp = crate::clock::write(now, crate::clock::formats::COMPACT);
    let suffixes = ["", "-wal", "-shm"];
    let moved_to = (1..)
        .map(|n| match n {
            1 => sibling(path, &format!(".damaged-{stamp}")),
            n => sibling(path, &format!(".damaged-{stamp}-{n}")),
        })
        .find(|base| suffixes.iter().all(|suffix| !sibling(base, suffix).exists()))
        .expect("some numbered name is free");
    let mut done: Vec<(PathBuf, PathBuf)> = Vec::new();
    for suffix in suffixes {
        let from = sibling(path, suffix);
        if !from.exists() {
            continue;
        }
        let to = sibling(&moved_to, suffix);
        if let Err(error) = std::fs::rename(&from, &to) {
            for (from, to) in done.iter().rev() {
                let _ = std::fs::rename(to, from);
            }
            return Err(StateError::new(
                path,
                format!(
                    "{} is damaged ({damage}) and could not be moved aside ({}); move it and its \
                     -wal file elsewhere yourself, then start the emulator again",
                    path.display(),
                    plain_io(&error)
                ),
            ));
        }
        done.push((from, to));
    }
    let moved_database = done.iter().any(|(from, _)| from == path);
    let moved_log = done.iter().any(|(from, _)| *from == sibling(path, "-wal"))
        && file_size(&sibling(&moved_to, "-wal")).ok().flatten().unwrap_or(0) > 0;
    Ok(SetAside {
        file: path.to_path_buf(),
        moved_to,
        damage,
        holding: holding.to_string(),
        moved_database,
        moved_log,
    })
}

/// The stores in `folder`: the `<stem>` of every `<stem>.sqlite3`, and of every
/// `<stem>.sqlite3-wal` whose database is missing (opening that store would delete its log, so
/// it must be checked too). Sorted; set-aside files (`….damaged-…`) are not stores.
pub fn store_names(folder: &Path) -> std::io::Result<Vec<String>> {
    let mut stems = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let name = entry?.file_name();
        let Some(name) = name.to_str() else { continue };
        let stem = name.strip_suffix("-wal").unwrap_or(name).strip_suffix(".sqlite3");
        if let Some(stem) = stem.filter(|stem| !stem.is_empty()) {
            stems.push(stem.to_string());
        }
    }
    stems.sort();
    stems.dedup();
    Ok(stems)
}

/// `path` with `suffix` appended to its file name (`state.sqlite3` → `state.sqlite3-wal`).
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The size of the file at `path`, `None` when there is none.
fn file_size(path: &Path) -> Result<Option<u64>, StateError> {
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => Ok(Some(metadata.len())),
        Ok(_) => Err(StateError::new(
            path,
            format!(
                "the emulator cannot use {}: it is not a file; move it away, then start the \
                 emulator again",
                path.display()
            ),
        )),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(StateError::io(path, &error)),
    }
}

/// Reads as much of the start of `path` as fits in `buffer`; how much that was.
fn read_prefix(path: &Path, buffer: &mut [u8]) -> Result<usize, StateError> {
    let mut file = std::fs::File::open(path).map_err(|error| StateError::io(path, &error))?;
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(StateError::io(path, &error)),
        }
    }
    Ok(filled)
}

/// Whether a WAL file's 32-byte header is one SQLite accepts (fileformat2 §4.1): the magic
/// number, format version 3007000, a page size that is a power of two from 512 to 65536, and
/// the checksum of the first 24 bytes.
fn valid_log_header(header: &[u8; 32]) -> bool {
    let word = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let magic = word(0);
    if magic != 0x377f_0682 && magic != 0x377f_0683 {
        return false;
    }
    let page_size = word(8);
    if word(4) != 3_007_000 || !(512..=65_536).contains(&page_size) || !page_size.is_power_of_two()
    {
        return false;
    }
    // The checksum reads the bytes as 32-bit words, big-endian when the magic number's low bit
    // is set, little-endian otherwise.
    let big_endian = magic & 1 == 1;
    let (mut s0, mut s1) = (0u32, 0u32);
    for pair in header[..24].chunks_exact(8) {
        let read = |bytes: &[u8]| {
            let bytes = [bytes[0], bytes[1], bytes[2], bytes[3]];
            if big_endian { u32::from_be_bytes(bytes) } else { u32::from_le_bytes(bytes) }
        };
        s0 = s0.wrapping_add(read(&pair[..4])).wrapping_add(s1);
        s1 = s1.wrapping_add(read(&pair[4..])).wrapping_add(s0);
    }
    (s0, s1) == (word(24), word(28))
}

/// The size the database header declares (page size × page count), when its page count is
/// valid (fileformat2 §1.3.7: the change counter matches the version-valid-for number).
fn declared_size(header: &[u8; 100]) -> Option<u64> {
    let word = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        size => u64::from(size),
    };
    let pages = u64::from(word(28));
    (pages > 0 && word(24) == word(92)).then_some(page_size * pages)
}

/// Runs `PRAGMA integrity_check` on a read-only connection: whether it answered `ok`.
fn integrity_check(path: &Path) -> rusqlite::Result<bool> {
    match integrity_check_read_only(path) {
        Err(rusqlite::Error::SqliteFailure(error, _))
            if error.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK =>
        {
            // A rollback journal left by a transaction that was cut off (our stores use WAL,
            // but a file can be created, or a snapshot copied, in rollback mode). Only a
            // read-write connection may undo it, as the store's own open would: let SQLite do
            // that (nothing committed is lost), then check.
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
            drop(conn);
            integrity_check_read_only(path)
        }
        checked => checked,
    }
}

fn integrity_check_read_only(path: &Path) -> rusqlite::Result<bool> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Another program may be writing it (another emulator on the same folder): wait for it
    // rather than take its lock for damage.
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mut statement = conn.prepare("PRAGMA integrity_check")?;
    let rows: Vec<String> = statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
    Ok(rows == ["ok"])
}

/// Whether SQLite's error says the file is damaged, rather than unreachable.
fn is_damage(error: &rusqlite::Error) -> bool {
    matches!(error.sqlite_error_code(), Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase))
}

/// An I/O error in plain words: `permission denied`, not `Permission denied (os error 13)`.
pub fn plain_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::Other => error.to_string(),
        kind => kind.to_string(),
    }
}

/// A SQLite error in plain words, with what the learner can do about it.
pub fn plain_sqlite(error: &rusqlite::Error) -> String {
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "another program is using it; close that program (another awslab emulator?) and \
             start again"
                .to_string()
        }
        Some(ErrorCode::ReadOnly) => "it is read-only; make it writable".to_string(),
        Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            "it cannot be opened; check that you may read and write it and its folder".to_string()
        }
        Some(ErrorCode::DiskFull) => "the disk is full; free some space".to_string(),
        _ => format!("{}; move the file aside to start afresh", first_sentence(&error.to_string())),
    }
}

/// The first sentence of another library's message (the rest is often advice for its
/// developers, not for a learner).
pub fn first_sentence(message: &str) -> &str {
    message.split(". ").next().unwrap_or(message).trim_end_matches('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database with a table and rows, left with its changes in its `-wal` file (the
    /// connection is leaked, so SQLite never checkpoints); returns its path.
    fn database_with_log(folder: &Path) -> PathBuf {
        let path = folder.join("state.sqlite3");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('kept');").unwrap();
        std::mem::forget(conn);
        path
    }

    #[test]
    fn a_log_sqlite_wrote_has_a_valid_header_and_one_changed_byte_does_not() {
        let folder = tempfile::tempdir().unwrap();
        let path = database_with_log(folder.path());
        let bytes = std::fs::read(sibling(&path, "-wal")).unwrap();
        let mut header: [u8; 32] = bytes[..32].try_into().unwrap();
        assert!(valid_log_header(&header));
        header[20] ^= 1;
        assert!(!valid_log_header(&header), "a changed salt breaks the checksum");
    }

    #[test]
    fn a_sound_file_with_its_log_passes_and_nothing_is_a_new_store() {
        let folder = tempfile::tempdir().unwrap();
        assert_eq!(check(&folder.path().join("none.sqlite3")).unwrap(), None);
        std::fs::write(folder.path().join("empty.sqlite3"), b"").unwrap();
        assert_eq!(check(&folder.path().join("empty.sqlite3")).unwrap(), None);
        let path = database_with_log(folder.path());
        assert_eq!(check(&path).unwrap(), None);
        assert!(std::fs::metadata(sibling(&path, "-wal")).unwrap().len() > 0, "log kept");
    }

    #[test]
    fn a_table_that_disagrees_with_its_index_is_corrupt_though_quick_check_passes() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("logs.sqlite3");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE t (name TEXT UNIQUE); INSERT INTO t VALUES ('group-0001');",
        )
        .unwrap();
        let root: usize = conn
            .query_row("SELECT rootpage FROM sqlite_master WHERE name = 't'", [], |row| row.get(0))
            .unwrap();
        drop(conn);
        // Change the name in the table's row only: its index still says `group-0001`.
        let mut bytes = std::fs::read(&path).unwrap();
        let page = (root - 1) * 4096..root * 4096;
        let at = bytes[page.clone()].windows(10).position(|w| w == b"group-0001").unwrap();
        bytes[page.start + at + 9] = b'2';
        std::fs::write(&path, &bytes).unwrap();

        let quick: String = Connection::open(&path)
            .unwrap()
            .query_row("PRAGMA quick_check", [], |row| row.get(0))
            .unwrap();
        assert_eq!(quick, "ok", "quick_check does not compare indexes with their tables");
        assert_eq!(check(&path).unwrap(), Some(Damage::Corrupt));
    }

    #[test]
    fn a_transaction_cut_off_in_rollback_mode_is_undone_not_taken_for_damage() {
        let folder = tempfile::tempdir().unwrap();
        let (live, copy) = (folder.path().join("live.sqlite3"), folder.path().join("copy.sqlite3"));
        let conn = Connection::open(&live).unwrap();
        conn.execute_batch("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('committed');").unwrap();
        // A big transaction with a tiny cache spills into the file before it commits: a copy
        // taken now is a crash in the middle, with a hot journal beside it.
        conn.execute_batch("PRAGMA cache_size = 1; BEGIN;").unwrap();
        for _ in 0..2_000 {
            conn.execute("INSERT INTO t VALUES (?1)", ["x".repeat(200)]).unwrap();
        }
        std::fs::copy(&live, &copy).unwrap();
        std::fs::copy(sibling(&live, "-journal"), sibling(&copy, "-journal")).unwrap();

        assert_eq!(check(&copy).unwrap(), None);
        let rows: Vec<String> = Connection::open(&copy)
            .unwrap()
            .prepare("SELECT v FROM t")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows, ["committed"]);
    }

    #[test]
    fn sizes_read_as_a_person_says_them() {
        assert_eq!(size(900), "900 bytes");
        assert_eq!(size(411_200), "412 KB");
        assert_eq!(size(3_140_000), "3.1 MB");
    }

    #[test]
    fn foreign_messages_keep_their_first_sentence() {
        assert_eq!(
            first_sentence("Database file is encrypted or not valid. If encrypted, enable x."),
            "Database file is encrypted or not valid"
        );
        assert_eq!(first_sentence("database is locked"), "database is locked");
    }
}
