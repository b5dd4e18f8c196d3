//! The progress store, through its public API, on real files.
//!
//! The file format is public (documented in `awslab_core::progress`), so these tests also use
//! rusqlite directly to build files an older, newer or foreign program might leave, and to
//! look at what the store wrote.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use awslab_core::progress::{
    CheckRecord, FILE_NAME, ProgressError, ProgressStore, SCHEMA_VERSION, TargetKind,
};
use rusqlite::Connection;
use tempfile::TempDir;

/// A fixed "now" for naming moved-aside files.
const NOW_MS: i64 = 1_700_000_000_000;

fn check(step_id: &str, check_id: &str, passed: bool, at_ms: i64) -> CheckRecord {
    CheckRecord {
        step_id: step_id.into(),
        check_id: check_id.into(),
        passed,
        points: if passed { 10 } else { 0 },
        max_points: 10,
        target: TargetKind::Emulator,
        at_ms,
        detail: None,
    }
}

fn temp_dir() -> TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

/// Opens a store that must be healthy (no recovery).
fn open_healthy(path: &Path) -> ProgressStore {
    let opened = ProgressStore::open(path, NOW_MS).expect("the store opens");
    assert_eq!(opened.recovered, None, "a healthy file must not be reported as recovered");
    opened.store
}

fn user_version(path: &Path) -> i64 {
    let conn = Connection::open(path).expect("rusqlite opens the file");
    conn.pragma_query_value(None, "user_version", |row| row.get(0)).expect("user_version")
}

fn quick_check(path: &Path) -> String {
    let conn = Connection::open(path).expect("rusqlite opens the file");
    conn.pragma_query_value(None, "quick_check", |row| row.get(0)).expect("quick_check")
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list the folder")
        .map(|entry| entry.expect("a folder entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[test]
fn a_new_store_is_created_in_missing_folders_at_the_current_version() {
    let dir = temp_dir();
    let path = dir.path().join("not").join("yet").join(FILE_NAME);

    let store = open_healthy(&path);
    assert_eq!(store.path(), path);
    assert!(store.labs_with_progress().expect("query").is_empty());
    drop(store);

    assert_eq!(user_version(&path), i64::from(SCHEMA_VERSION));
    let conn = Connection::open(&path).expect("rusqlite opens the file");
    let mode: String =
        conn.pragma_query_value(None, "journal_mode", |row| row.get(0)).expect("journal_mode");
    assert_eq!(mode, "wal");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .expect("prepare")
        .query_map([], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(tables, ["check_result", "hint_reveal", "ledger", "skipped_step"]);
}

#[test]
fn an_empty_file_is_migrated_not_treated_as_damaged() {
    let dir = temp_dir();
    let path = dir.path().join(FILE_NAME);
    fs::write(&path, b"").expect("write an empty file");

    let mut store = open_healthy(&path);
    store.skip_step("lab", "s1", 1).expect("write");
    drop(store);
    assert_eq!(user_version(&path), i64::from(SCHEMA_VERSION));
    assert_eq!(file_names(dir.path()), [FILE_NAME]);
}

#[test]
fn reopening_keeps_everything_recorded() {
    let dir = temp_dir();
    let path = dir.path().join(FILE_NAME);
    let mut detailed = check("s1", "policy", false, 1_000);
    detailed.target = TargetKind::Aws;
    detailed.detail = Some(r#"{"field":"Threshold","expected":100000,"found":10000}"#.into());
    let records =
        vec![detailed, check("s1", "policy", true, 2_000), check("s2", "table", true, 3_000)];

    let mut store = open_healthy(&path);
    store.record_checks("serverless-api", &records).expect("record");
    store.skip_step("serverless-api", "s3", 4_000).expect("skip");
    store.reveal_hint("serverless-api", "s2").expect("hint");
    drop(store);

    let store = open_healthy(&path);
    assert_eq!(store.check_history("serverless-api").expect("history"), records);
    assert_eq!(store.skipped_steps("serverless-api").expect("skips"), ["s3"]);
    assert_eq!(
        store.hints_revealed("serverless-api").expect("hints"),
        BTreeMap::from([("s2".to_owned(), 1)])
    );
    assert_eq!(store.labs_with_progress().expect("labs"), ["serverless-api"]);
}

#[test]
fn last_worked_is_the_latest_check_or_skip_of_that_lab_only() {
    let mut store = ProgressStore::open_in_memory().expect("in-memory store");
    assert_eq!(store.last_worked_ms("serverless-api").expect("query"), None);

    store.record_checks("serverless-api", &[check("s1", "policy", true, 2_000)]).expect("record");
    store.reveal_hint("serverless-api", "s2").expect("hint");
    assert_eq!(store.last_worked_ms("serverless-api").expect("query"), Some(2_000));

    // A later skip counts; an earlier result recorded afterwards does not move it back.
    store.skip_step("serverless-api", "s3", 5_000).expect("skip");
    store.record_checks("serverless-api", &[check("s1", "policy", false, 3_000)]).expect("record");
    assert_eq!(store.last_worked_ms("serverless-api").expect("query"), Some(5_000));

    store.record_checks("cloudwatch-alarm", &[check("a", "b", true, 9_000)]).expect("record");
    assert_eq!(store.last_worked_ms("serverless-api").expect("query"), Some(5_000));
    assert_eq!(store.last_worked_ms("cloudwatch-alarm").expect("query"), Some(9_000));
}

#[test]
fn a_file_from_a_newer_version_is_refused_and_left_untouched() {
    let dir = temp_dir();
    let path = dir.path().join(FILE_NAME);
    let newer = i64::from(SCHEMA_VERSION) + 1;
    {
        // A newer awslab that stopped with its last change still in the WAL file: closing a
        // connection to it must not fold that change into the main file.
        let conn = Connection::open(&path).expect("create");
        conn.pragma_update(None, "journal_mode", "wal").expect("wal");
        conn.execute_batch("CREATE TABLE from_the_future (x TEXT)").expect("create a table");
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .expect("no checkpoint on close");
        conn.pragma_update(None, "user_version", newer).expect("set the version");
    }
    let wal = with_suffix(&path, "-wal");
    assert!(wal.exists(), "the setup must leave a WAL file");
    let main_before = fs::read(&path).expect("read");
    let wal_before = fs::read(&wal).expect("read");

    let err = ProgressStore::open(&path, NOW_MS).expect_err("a newer file must be refused");
    match &err {
        ProgressError::NewerVersion { path: named, found, supported } => {
            assert_eq!(named, &path);
            assert_eq!(*found, newer);
            assert_eq!(*supported, SCHEMA_VERSION);
        }
        other => panic!("expected NewerVersion, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("update awslab"), "{message}");

    assert_eq!(fs::read(&path).expect("read"), main_before, "the main file was modified");
    assert_eq!(fs::read(&wal).expect("read"), wal_before, "the WAL file was modified");
    assert!(
        file_names(dir.path()).iter().all(|name| !name.contains("corrupt")),
        "a newer file must not be moved aside: {:?}",
        file_names(dir.path())
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_moved_aside_with_its_bytes_and_companions() {
    let dir = temp_dir();
    let path = dir.path().join(FILE_NAME);
    let garbage = b"this is a shopping list, not a database\n".repeat(100);
    let wal_garbage = b"not a write-ahead log either".to_vec();
    fs::write(&path, &garbage).expect("write garbage");
    fs::write(with_suffix(&path, "-wal"), &wal_garbage).expect("write a garbage WAL");

    let opened = ProgressStore::open(&path, NOW_MS).expect("a damaged file is recovered from");
    let recovery = opened.recovered.expect("the recovery is reported");
    let expected_moved_to = dir.path().join(format!("{FILE_NAME}.corrupt-{NOW_MS}"));
    assert_eq!(recovery.moved_to, expected_moved_to);
    assert!(recovery.reason.contains("not a readable SQLite database"), "{}", recovery.reason);
    let shown = recovery.to_string();
    assert!(shown.contains(&expected_moved_to.display().to_string()), "{shown}");

    assert_eq!(fs::read(&recovery.moved_to).expect("read the moved file"), garbage);
    assert_eq!(
        fs::read(with_suffix(&recovery.moved_to, "-wal")).expect("read the moved WAL"),
        wal_garbage
    );

    // The fresh store works and starts empty.
    let mut store = opened.store;
    assert!(store.labs_with_progress().expect("query").is_empty());
    store.record_checks("lab", &[check("s1", "c1", true, 1)]).expect("record");
    drop(store);
    assert_eq!(user_version(&path), i64::from(SCHEMA_VERSION));
    assert_eq!(open_healthy(&path).check_history("lab").expect("history").len(), 1);
}

#[test]
fn moving_aside_never_overwrites_an_earlier_copy() {
    let dir = temp_dir();
    let path = dir.path().join(FILE_NAME);
    let earlier = dir.path().join(format!("{FILE_NAME}.corrupt-{NOW_MS}"));
    fs::write(&earlier, b"an earlier damaged file").expect("write");
    fs::write(&path, b"garbage, the second time".repeat(50)).expect("write");

    let recovery = ProgressStore::open(&path, NOW_MS)
        .expect("recovered")
        .recovered
        .expect("the recovery is reported");
    assert_eq!(recovery.moved_to, dir.path().join(format!("{FILE_NAME}.corrupt-{}", NOW_MS + 1)));
    assert_eq!(fs::read(&earlier).expect("read"), b"an earlier damaged file");
}

#[test]
fn a_truncated_file_is_moved_aside() {
    let dir = temp_dir();
    let path = dir.path().join(FILE_NAME);
    let mut store = open_healthy(&path);
    let records: Vec<CheckRecord> = (0..300)
        .map(|i| {
            let mut record = check(&format!("step-{i}"), "c", true, i);
            record.detail = Some(format!(r#"{{"note":"{}"}}"#, "x".repeat(200)));
            record
        })
        .collect();
    store.record_checks("lab", &records).expect("record");
    drop(store);
    let whole = fs::read(&path).expect("read");
    assert!(whole.len() > 16 * 4096, "the setup must span many pages");
    let truncated = &whole[..whole.len() / 2];
    fs::write(&path, truncated).expect("truncate");

    let opened = ProgressStore::open(&path, NOW_MS).expect("a damaged file is recovered from");
    let recovery = opened.recovered.expect("the recovery is reported");
    assert_eq!(fs::read(&recovery.moved_to).expect("read"), truncated);
    assert!(opened.store.check_history("lab").expect("history").is_empty());
}

#[test]
fn a_file_with_a_damaged_page_is_moved_aside() {
    let dir = temp_dir();
    let path = dir.path().join(FILE_NAME);
    let mut store = open_healthy(&path);
    let records: Vec<CheckRecord> =
        (0..300).map(|i| check(&format!("step-{i:03}"), "c", true, i)).collect();
    store.record_checks("lab", &records).expect("record");
    drop(store);
    // The header page stays whole, so the file opens and reports its version; only the
    // integrity check can tell that a page in the middle is now noise.
    let mut bytes = fs::read(&path).expect("read");
    let page_size = 4096;
    assert!(bytes.len() >= 4 * page_size, "the setup must span several pages");
    let middle = (bytes.len() / page_size / 2) * page_size;
    for (offset, byte) in bytes[middle..middle + page_size].iter_mut().enumerate() {
        *byte = (offset % 251) as u8;
    }
    fs::write(&path, &bytes).expect("damage a page");

    let opened = ProgressStore::open(&path, NOW_MS).expect("a damaged file is recovered from");
    let recovery = opened.recovered.expect("the recovery is reported");
    assert!(recovery.reason.contains("integrity check"), "{}", recovery.reason);
    assert_eq!(fs::read(&recovery.moved_to).expect("read"), bytes);
    assert!(opened.store.check_history("lab").expect("history").is_empty());
}

#[test]
fn a_file_whose_tables_do_not_match_its_version_is_moved_aside() {
    let cases = [
        // Claims the current version, but a table lacks columns.
        (
            i64::from(SCHEMA_VERSION),
            "CREATE TABLE check_result (id INTEGER PRIMARY KEY, lab_id TEXT);
             CREATE TABLE skipped_step (lab_id TEXT, step_id TEXT, at_ms INTEGER);
             CREATE TABLE hint_reveal (lab_id TEXT, step_id TEXT, revealed INTEGER);",
        ),
        // Another program's database at our path: version 0 promises no tables at all.
        (0, "CREATE TABLE bookmarks (url TEXT NOT NULL)"),
    ];
    for (version, tables) in cases {
        let dir = temp_dir();
        let path = dir.path().join(FILE_NAME);
        {
            let conn = Connection::open(&path).expect("create");
            conn.execute_batch(tables).expect("create tables");
            conn.pragma_update(None, "user_version", version).expect("set the version");
        }
        let before = fs::read(&path).expect("read");

        let opened = ProgressStore::open(&path, NOW_MS).expect("a damaged file is recovered from");
        let recovery = opened.recovered.expect("the recovery is reported");
        assert!(recovery.reason.contains("do not match"), "{}", recovery.reason);
        assert_eq!(fs::read(&recovery.moved_to).expect("read"), before);
        drop(opened.store);
        assert_eq!(user_version(&path), i64::from(SCHEMA_VERSION));
    }
}

#[test]
fn the_latest_result_of_each_check_wins() {
    let mut store = ProgressStore::open_in_memory().expect("open");
    let mut late_but_older = check("s2", "c1", false, 2_500);
    late_but_older.detail = Some(r#"{"recorded":"last","ran":"earlier"}"#.into());
    let history = [
        check("s1", "c1", false, 1_000),
        check("s1", "c2", true, 1_000),
        check("s1", "c1", true, 2_000),  // failed, then passed
        check("s1", "c2", false, 2_000), // passed, then failed
        check("s2", "c1", true, 3_000),
        check("s3", "c1", false, 4_000),
        check("s3", "c1", true, 4_000), // same time: the one recorded last wins
    ];
    store.record_checks("lab", &history).expect("record");
    store.record_checks("lab", &[late_but_older.clone()]).expect("record");
    store.record_checks("other-lab", &[check("s1", "c1", false, 9_000)]).expect("record");

    let latest = store.latest_checks("lab").expect("latest");
    assert_eq!(
        latest,
        [history[2].clone(), history[3].clone(), history[4].clone(), history[6].clone()]
    );
    assert_eq!(latest[0].points, 10);
    assert_eq!(latest[1].points, 0);

    // The full history keeps every run, ordered by time, then by recording order.
    let mut expected: Vec<CheckRecord> = history.to_vec();
    expected.push(late_but_older);
    expected.sort_by_key(|record| record.at_ms); // stable: equal times keep recording order
    assert_eq!(store.check_history("lab").expect("history"), expected);
}

#[test]
fn records_the_format_does_not_allow_are_refused_and_nothing_is_saved() {
    let mut store = ProgressStore::open_in_memory().expect("open");
    let mut too_many_points = check("s1", "c2", true, 2);
    too_many_points.points = 11;
    let mut bad_detail = check("s1", "c3", true, 3);
    bad_detail.detail = Some("{not json".into());

    for invalid in [too_many_points, bad_detail] {
        let err = store
            .record_checks("lab", &[check("s1", "c1", true, 1), invalid.clone()])
            .expect_err("an invalid record is refused");
        assert!(
            matches!(&err, ProgressError::InvalidRecord { check_id, .. } if *check_id == invalid.check_id),
            "{err:?}"
        );
    }
    assert!(store.check_history("lab").expect("history").is_empty(), "the batch is all or nothing");
}

#[test]
fn reset_clears_one_lab_and_nothing_else() {
    let mut store = ProgressStore::open_in_memory().expect("open");
    for lab in ["serverless-api", "cloudwatch-alarm"] {
        store.record_checks(lab, &[check("s1", "c1", true, 1)]).expect("record");
        store.skip_step(lab, "s2", 2).expect("skip");
        store.reveal_hint(lab, "s1").expect("hint");
    }

    store.reset_lab("serverless-api").expect("reset");

    assert!(store.latest_checks("serverless-api").expect("latest").is_empty());
    assert!(store.check_history("serverless-api").expect("history").is_empty());
    assert!(store.skipped_steps("serverless-api").expect("skips").is_empty());
    assert!(store.hints_revealed("serverless-api").expect("hints").is_empty());
    assert_eq!(store.check_history("cloudwatch-alarm").expect("history").len(), 1);
    assert_eq!(store.skipped_steps("cloudwatch-alarm").expect("skips"), ["s2"]);
    assert_eq!(store.hints_revealed("cloudwatch-alarm").expect("hints").len(), 1);
    assert_eq!(store.labs_with_progress().expect("labs"), ["cloudwatch-alarm"]);
}

#[test]
fn a_skip_is_recorded_apart_and_never_counts_as_a_pass() {
    let mut store = ProgressStore::open_in_memory().expect("open");
    store.record_checks("lab", &[check("s1", "c1", false, 1)]).expect("record");
    store.skip_step("lab", "s1", 2).expect("skip");
    store.skip_step("lab", "s2", 3).expect("skip");
    store.skip_step("lab", "s1", 4).expect("skipping twice is harmless");

    assert_eq!(store.skipped_steps("lab").expect("skips"), ["s1", "s2"]);
    assert_eq!(store.latest_checks("lab").expect("latest"), [check("s1", "c1", false, 1)]);
    assert_eq!(store.check_history("lab").expect("history").len(), 1);

    store.clear_skip("lab", "s1").expect("clear");
    assert_eq!(store.skipped_steps("lab").expect("skips"), ["s2"]);

    // A skip alone is progress (the lab shows as started).
    store.skip_step("skipped-only", "s1", 5).expect("skip");
    assert_eq!(store.labs_with_progress().expect("labs"), ["lab", "skipped-only"]);
}

#[test]
fn hints_are_counted_per_step() {
    let mut store = ProgressStore::open_in_memory().expect("open");
    assert_eq!(store.reveal_hint("lab", "s1").expect("hint"), 1);
    assert_eq!(store.reveal_hint("lab", "s1").expect("hint"), 2);
    assert_eq!(store.reveal_hint("lab", "s2").expect("hint"), 1);
    assert_eq!(store.reveal_hint("other-lab", "s1").expect("hint"), 1);
    assert_eq!(store.reveal_hint("lab", "s1").expect("hint"), 3);

    assert_eq!(
        store.hints_revealed("lab").expect("hints"),
        BTreeMap::from([("s1".to_owned(), 3), ("s2".to_owned(), 1)])
    );
    assert!(store.hints_revealed("no-such-lab").expect("hints").is_empty());
    assert_eq!(store.labs_with_progress().expect("labs"), ["lab", "other-lab"]);
}

// The crash test. The writer must be another process, killed mid-transaction: a thread cannot
// be killed, and dropping a connection rolls back politely. Re-running this test binary keeps
// the writer next to the test that needs it, with no extra binary in the crate.

/// Set (to a file path) only in the child process that plays the writer.
const CRASH_WRITER_ENV: &str = "AWSLAB_PROGRESS_CRASH_WRITER";
const CRASH_LAB: &str = "crash-lab";
const COMMITTED: i64 = 20;
const READY_MARKER: &str = "crash writer: aborting mid-transaction";

#[test]
#[ignore = "the writer half of interrupted_write_keeps_every_committed_record; run by it"]
fn crash_writer_child() {
    let Some(path) = std::env::var_os(CRASH_WRITER_ENV).map(PathBuf::from) else {
        return;
    };
    let mut store = ProgressStore::open(&path, NOW_MS).expect("child: open").store;
    for i in 0..COMMITTED {
        store
            .record_checks(CRASH_LAB, &[check(&format!("committed-{i}"), "c", true, i)])
            .expect("child: commit");
    }
    let wal = with_suffix(&path, "-wal");
    let wal_committed = fs::metadata(&wal).expect("child: the WAL file").len();

    // The store has no way to leave a transaction open, so the interrupted write goes through
    // a second connection, as a second awslab window would. Enough rows that SQLite spills
    // uncommitted pages into the WAL file before the end: the crash leaves them on disk.
    let mut conn = Connection::open(&path).expect("child: second connection");
    conn.pragma_update(None, "cache_size", 10).expect("child: small cache");
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .expect("child: begin");
    let detail = format!(r#"{{"padding":"{}"}}"#, "x".repeat(1_000));
    for i in 0..2_000 {
        tx.execute(
            "INSERT INTO check_result (lab_id, step_id, check_id, passed, points, max_points,
                                       target, at_ms, detail)
             VALUES (?1, ?2, 'c', 1, 10, 10, 'emulator', ?3, ?4)",
            rusqlite::params![CRASH_LAB, format!("uncommitted-{i}"), 1_000 + i, detail],
        )
        .expect("child: uncommitted insert");
    }
    let wal_spilled = fs::metadata(&wal).expect("child: the WAL file").len();
    eprintln!("{READY_MARKER} {wal_committed} {wal_spilled}");
    std::process::abort();
}

#[test]
fn interrupted_write_keeps_every_committed_record() {
    let dir = temp_dir();
    let path = dir.path().join(FILE_NAME);
    let output = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args(["crash_writer_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CRASH_WRITER_ENV, &path)
        .output()
        .expect("run the writer");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the writer must die, not finish: {stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(output.status.signal(), Some(6), "killed by SIGABRT: {stderr}");
    }
    let marker = stderr
        .lines()
        .find_map(|line| line.strip_prefix(READY_MARKER))
        .unwrap_or_else(|| panic!("the writer did not reach the crash point: {stderr}"));
    let sizes: Vec<u64> =
        marker.split_whitespace().map(|size| size.parse().expect("a WAL size")).collect();
    let [wal_committed, wal_spilled] = sizes[..] else { panic!("two WAL sizes: {marker}") };
    assert!(wal_spilled > wal_committed, "uncommitted pages must have reached the WAL file");
    assert!(with_suffix(&path, "-wal").exists(), "the crash leaves the WAL file behind");

    let store = open_healthy(&path);
    let history = store.check_history(CRASH_LAB).expect("history");
    let steps: Vec<&str> = history.iter().map(|record| record.step_id.as_str()).collect();
    let expected: Vec<String> = (0..COMMITTED).map(|i| format!("committed-{i}")).collect();
    assert_eq!(steps, expected, "every committed record and nothing else");
    drop(store);
    assert_eq!(quick_check(&path), "ok");
}

#[test]
fn a_version_1_file_is_upgraded_keeping_its_results_and_gains_a_ledger() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join(FILE_NAME);
    {
        let conn = Connection::open(&path).expect("create");
        conn.execute_batch(
            "CREATE TABLE check_result (
                id INTEGER PRIMARY KEY, lab_id TEXT NOT NULL, step_id TEXT NOT NULL,
                check_id TEXT NOT NULL, passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
                points INTEGER NOT NULL CHECK (points >= 0),
                max_points INTEGER NOT NULL CHECK (max_points >= points),
                target TEXT NOT NULL CHECK (target IN ('emulator', 'aws')),
                at_ms INTEGER NOT NULL,
                detail TEXT CHECK (detail IS NULL OR json_valid(detail))
             ) STRICT;
             CREATE INDEX check_result_by_check ON check_result (lab_id, step_id, check_id, at_ms);
             CREATE TABLE skipped_step (lab_id TEXT NOT NULL, step_id TEXT NOT NULL,
                at_ms INTEGER NOT NULL, PRIMARY KEY (lab_id, step_id)) STRICT;
             CREATE TABLE hint_reveal (lab_id TEXT NOT NULL, step_id TEXT NOT NULL,
                revealed INTEGER NOT NULL CHECK (revealed > 0), PRIMARY KEY (lab_id, step_id)) STRICT;
             INSERT INTO check_result (lab_id, step_id, check_id, passed, points, max_points, target, at_ms)
                VALUES ('serverless-api', 'create-table', 'table-keyed', 1, 10, 10, 'emulator', 5);
             PRAGMA user_version = 1;",
        )
        .expect("a version 1 file");
    }
    let mut store = ProgressStore::open(&path, 0).expect("opens").store;
    assert_eq!(user_version(&path), i64::from(SCHEMA_VERSION));
    assert_eq!(store.latest_checks("serverless-api").expect("read").len(), 1);

    let entry = |kind: &str, id: &str| awslab_core::progress::LedgerEntry {
        step_id: "create-table".into(),
        target: TargetKind::Aws,
        account: "123456789012".into(),
        region: "ap-northeast-2".into(),
        kind: kind.into(),
        resource_id: id.into(),
        at_ms: 7,
    };
    let table = entry("dynamodb.table", "customers");
    let role = entry("iam.role", "arn:aws:iam::123456789012:role/aws-lab-dynamodb-role");
    store.record_created("serverless-api", &[table.clone(), role.clone(), table.clone()]).unwrap();
    assert_eq!(
        store.ledger("serverless-api", TargetKind::Aws).unwrap(),
        [table.clone(), role.clone()]
    );
    assert!(store.ledger("serverless-api", TargetKind::Emulator).unwrap().is_empty());
    store.forget_created("serverless-api", &[table]).unwrap();
    assert_eq!(store.ledger("serverless-api", TargetKind::Aws).unwrap(), [role]);
}

#[test]
fn a_version_2_ledger_is_upgraded_with_an_unknown_account_and_accounts_stay_apart() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join(FILE_NAME);
    {
        let mut store = ProgressStore::open(&path, 0).expect("opens").store;
        store.record_checks("serverless-api", &[]).expect("nothing to record");
    }
    {
        // Take the file back to version 2 as an older awslab left it: a ledger without accounts.
        let conn = Connection::open(&path).expect("open");
        conn.execute_batch(
            "DROP TABLE ledger;
             CREATE TABLE ledger (
                id INTEGER PRIMARY KEY, lab_id TEXT NOT NULL, step_id TEXT NOT NULL,
                target TEXT NOT NULL CHECK (target IN ('emulator', 'aws')),
                region TEXT NOT NULL, kind TEXT NOT NULL, resource_id TEXT NOT NULL,
                at_ms INTEGER NOT NULL,
                UNIQUE (lab_id, target, region, kind, resource_id)
             ) STRICT;
             INSERT INTO ledger (lab_id, step_id, target, region, kind, resource_id, at_ms)
                VALUES ('serverless-api', 'create-table', 'aws', 'ap-northeast-2',
                        'dynamodb.table', 'customers', 3);
             PRAGMA user_version = 2;",
        )
        .expect("a version 2 file");
    }
    let mut store = ProgressStore::open(&path, 0).expect("opens").store;
    assert_eq!(user_version(&path), i64::from(SCHEMA_VERSION));
    let old = store.ledger("serverless-api", TargetKind::Aws).unwrap();
    assert_eq!(old.len(), 1);
    assert_eq!((old[0].account.as_str(), old[0].resource_id.as_str()), ("", "customers"));

    // The same table made by the lab in two accounts: two entries, forgotten one at a time.
    let made_in = |account: &str| awslab_core::progress::LedgerEntry {
        account: account.into(),
        at_ms: 9,
        ..old[0].clone()
    };
    let first = made_in("111111111111");
    let second = made_in("222222222222");
    store.record_created("serverless-api", &[first.clone(), second.clone()]).unwrap();
    assert_eq!(store.ledger("serverless-api", TargetKind::Aws).unwrap().len(), 3);
    store.forget_created("serverless-api", &[first]).unwrap();
    assert_eq!(store.ledger("serverless-api", TargetKind::Aws).unwrap(), [old[0].clone(), second]);
}
