//! The file format's versions: the migration scripts, and the check that a file's tables are
//! the ones its version promises.
//!
//! `PRAGMA user_version` holds the number of migrations applied. Migration `n` (1-based) is
//! `MIGRATIONS[n - 1]`; it runs in its own transaction together with setting `user_version` to
//! `n`, so a file is always exactly at one version. Never edit a released script: append one.

use std::collections::BTreeSet;

use rusqlite::{Connection, TransactionBehavior};

/// The migration scripts, oldest first. The module comment of `progress` documents the format
/// they produce; keep the two in step.
const MIGRATIONS: &[&str] = &[
    // Version 1.
    r#"
    CREATE TABLE check_result (
        id          INTEGER PRIMARY KEY,
        lab_id      TEXT    NOT NULL,
        step_id     TEXT    NOT NULL,
        check_id    TEXT    NOT NULL,
        passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
        points      INTEGER NOT NULL CHECK (points >= 0),
        max_points  INTEGER NOT NULL CHECK (max_points >= points),
        target      TEXT    NOT NULL CHECK (target IN ('emulator', 'aws')),
        at_ms       INTEGER NOT NULL,
        detail      TEXT             CHECK (detail IS NULL OR json_valid(detail))
    ) STRICT;
    CREATE INDEX check_result_by_check ON check_result (lab_id, step_id, check_id, at_ms);

    CREATE TABLE skipped_step (
        lab_id   TEXT    NOT NULL,
        step_id  TEXT    NOT NULL,
        at_ms    INTEGER NOT NULL,
        PRIMARY KEY (lab_id, step_id)
    ) STRICT;

    CREATE TABLE hint_reveal (
        lab_id    TEXT    NOT NULL,
        step_id   TEXT    NOT NULL,
        revealed  INTEGER NOT NULL CHECK (revealed > 0),
        PRIMARY KEY (lab_id, step_id)
    ) STRICT;
    "#,
    // Version 2: the ledger of resources a lab created, so clean-up touches nothing else.
    r#"
    CREATE TABLE ledger (
        id           INTEGER PRIMARY KEY,
        lab_id       TEXT    NOT NULL,
        step_id      TEXT    NOT NULL,
        target       TEXT    NOT NULL CHECK (target IN ('emulator', 'aws')),
        region       TEXT    NOT NULL,
        kind         TEXT    NOT NULL,
        resource_id  TEXT    NOT NULL,
        at_ms        INTEGER NOT NULL,
        UNIQUE (lab_id, target, region, kind, resource_id)
    ) STRICT;
    "#,
    // Version 3: each ledger entry names the account it was made in, so that clean-up in one
    // account never acts on what the lab made in another. Rows from before have account ''
    // (unknown): clean-up acts on them only where the resource carries the lab's tag.
    r#"
    CREATE TABLE ledger_v3 (
        id           INTEGER PRIMARY KEY,
        lab_id       TEXT    NOT NULL,
        step_id      TEXT    NOT NULL,
        target       TEXT    NOT NULL CHECK (target IN ('emulator', 'aws')),
        account      TEXT    NOT NULL,
        region       TEXT    NOT NULL,
        kind         TEXT    NOT NULL,
        resource_id  TEXT    NOT NULL,
        at_ms        INTEGER NOT NULL,
        UNIQUE (lab_id, target, account, region, kind, resource_id)
    ) STRICT;
    INSERT INTO ledger_v3 (id, lab_id, step_id, target, account, region, kind, resource_id, at_ms)
        SELECT id, lab_id, step_id, target, '', region, kind, resource_id, at_ms FROM ledger;
    DROP TABLE ledger;
    ALTER TABLE ledger_v3 RENAME TO ledger;
    "#,
];

/// The file format version this build writes, and the newest it can read.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Reads the file's format version from its header.
pub(super) fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Applies every migration after `from`, one transaction each. On failure, returns the version
/// that could not be reached; the file stays at the one before it.
pub(super) fn migrate(conn: &mut Connection, from: u32) -> Result<(), (u32, rusqlite::Error)> {
    for (index, script) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        let version = index as u32 + 1;
        apply(conn, version, script).map_err(|source| (version, source))?;
    }
    Ok(())
}

fn apply(conn: &mut Connection, version: u32, script: &str) -> rusqlite::Result<()> {
    // IMMEDIATE takes the write lock up front; another awslab opening the same file at the same
    // moment waits (busy timeout), then finds the work done and skips it.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if user_version(&tx)? >= i64::from(version) {
        return Ok(()); // Dropping `tx` rolls back the empty transaction.
    }
    tx.execute_batch(script)?;
    tx.pragma_update(None, "user_version", version)?;
    tx.commit()
}

/// Checks that the file's tables, columns and indexes are exactly those that the migrations up
/// to `version` create. On mismatch, returns a short description of the difference.
pub(super) fn verify(conn: &Connection, version: u32) -> rusqlite::Result<Result<(), String>> {
    // The reference is what this build's own scripts make of an empty file at that version, so
    // the check can never disagree with the migrations.
    let expected = {
        let mut reference = Connection::open_in_memory()?;
        for (index, script) in MIGRATIONS.iter().enumerate().take(version as usize) {
            apply(&mut reference, index as u32 + 1, script)?;
        }
        shape(&reference)?
    };
    let found = shape(conn)?;
    if found == expected {
        return Ok(Ok(()));
    }
    let describe = |items: Vec<&String>| {
        let shown: Vec<&str> = items.iter().take(3).map(|item| item.as_str()).collect();
        let more = items.len().saturating_sub(shown.len());
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        format!("{}{more}", shown.join(", "))
    };
    let missing: Vec<&String> = expected.difference(&found).collect();
    let unexpected: Vec<&String> = found.difference(&expected).collect();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("missing {}", describe(missing)));
    }
    if !unexpected.is_empty() {
        parts.push(format!("unexpected {}", describe(unexpected)));
    }
    Ok(Err(format!("its tables do not match file format version {version}: {}", parts.join("; "))))
}

/// The schema as a set of comparable lines: one per table, index, view or trigger, one per
/// table column (name, declared type, NOT NULL, default, primary-key position) and one per
/// indexed column. SQLite's own objects (`sqlite_*`, such as `sqlite_stat1`) are left out.
fn shape(conn: &Connection) -> rusqlite::Result<BTreeSet<String>> {
    let mut lines = BTreeSet::new();
    let mut objects = conn.prepare(
        r"SELECT type, name, tbl_name FROM sqlite_schema
          WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY type, name",
    )?;
    let objects: Vec<(String, String, String)> = objects
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut columns = conn.prepare(
        r#"SELECT name, type, "notnull", ifnull(dflt_value, ''), pk
           FROM pragma_table_info(?1) ORDER BY cid"#,
    )?;
    let mut indexed = conn.prepare("SELECT seqno, name FROM pragma_index_info(?1)")?;
    for (kind, name, table) in objects {
        lines.insert(format!("{kind} {name} on {table}"));
        match kind.as_str() {
            "table" => {
                let rows = columns.query_map([&name], |row| {
                    Ok(format!(
                        "column {name}.{} {} notnull={} default={:?} pk={}",
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, i64>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, i64>(4)?,
                    ))
                })?;
                for line in rows {
                    lines.insert(line?);
                }
            }
            "index" => {
                let rows = indexed.query_map([&name], |row| {
                    Ok(format!(
                        "index column {name}[{}] {}",
                        row.get::<_, i64>(0)?,
                        row.get::<_, Option<String>>(1)?.unwrap_or_else(|| "(expression)".into())
                    ))
                })?;
                for line in rows {
                    lines.insert(line?);
                }
            }
            _ => {}
        }
    }
    Ok(lines)
}
