//! No silent loss: each way a state file can be damaged is found at start, the file is set aside
//! (kept, byte for byte) with one sentence saying so, and the emulator starts with that store
//! empty; what is not damage is refused in one sentence; a damaged snapshot is refused whole.
//!
//! The damaged folders are made from real ones: a learner's roles, log groups and items, written
//! by a running emulator. A "crash image" is the folder copied while the emulator still runs
//! (changes in the `-wal` files, as after a crash or a power cut); a "closed image" is the folder
//! after a clean stop (everything checkpointed into the databases).

mod common;

use aws_sdk_dynamodb::types::AttributeValue;
use awslab_emulator::{Emulator, EmulatorConfig, StartError};
use common::sdk_config;
use std::path::{Path, PathBuf};

const REGION: &str = "ap-northeast-2";
const ROLE: &str = "aws-lab-dynamodb-role";
const LOG_GROUP: &str = "/aws/lambda/addCustomer";
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// The three kinds of state file: where each lives in the data folder, and what the learner
/// is told it held.
#[derive(Clone, Copy, Debug)]
enum Store {
    State,
    Logs,
    DynamoDb,
}

impl Store {
    const ALL: [Store; 3] = [Store::State, Store::Logs, Store::DynamoDb];

    fn file(self, folder: &Path) -> PathBuf {
        match self {
            Store::State => folder.join("state.sqlite3"),
            Store::Logs => folder.join("logs.sqlite3"),
            Store::DynamoDb => folder.join("dynamodb").join(format!("{REGION}.sqlite3")),
        }
    }

    fn holding(self) -> String {
        match self {
            Store::State => "IAM roles and policies, Lambda functions, API Gateway APIs, EC2 \
                             instances, CloudWatch alarms and SNS topics"
                .to_string(),
            Store::Logs => "CloudWatch Logs' log groups, streams and events".to_string(),
            Store::DynamoDb => format!("DynamoDB tables of {REGION} and their items"),
        }
    }
}

fn config(folder: &Path) -> EmulatorConfig {
    EmulatorConfig { data_dir: Some(folder.to_path_buf()), ..Default::default() }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// Copies the files of `from` (and of its `dynamodb` folder) into `to`.
fn copy_folder(from: &Path, to: &Path) {
    for sub in ["", "dynamodb"] {
        std::fs::create_dir_all(to.join(sub)).unwrap();
        for entry in std::fs::read_dir(from.join(sub)).unwrap().flatten() {
            if entry.path().is_file() {
                std::fs::copy(entry.path(), to.join(sub).join(entry.file_name())).unwrap();
            }
        }
    }
}

/// A learner's data folder, as a crash image and as a closed image (see the module comment).
struct Images {
    _root: tempfile::TempDir,
    crashed: PathBuf,
    closed: PathBuf,
}

impl Images {
    /// A fresh copy of one image, to damage.
    fn copy(&self, image: &Path, name: &str) -> PathBuf {
        let to = image.parent().unwrap().join(name);
        copy_folder(image, &to);
        to
    }
}

/// Makes a role, a log group and a table with an item, then takes both images.
async fn learner_folder() -> Images {
    let root = tempfile::tempdir().unwrap();
    let (closed, crashed) = (root.path().join("closed"), root.path().join("crashed"));
    let emulator = Emulator::start(config(&closed)).await.expect("first start");
    let sdk = sdk_config(&emulator, REGION).await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    iam.create_role().role_name(ROLE).assume_role_policy_document(TRUST).send().await.unwrap();
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    logs.create_log_group().log_group_name(LOG_GROUP).send().await.unwrap();
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    common::create_table(&dynamodb, "customers", "customer_id").send().await.unwrap();
    dynamodb
        .put_item()
        .table_name("customers")
        .item("customer_id", AttributeValue::S("1230AWS".into()))
        .send()
        .await
        .unwrap();
    copy_folder(&closed, &crashed);
    emulator.shutdown().await;
    let log_bytes = |image: &Path, store: Store| {
        std::fs::metadata(with_suffix(&store.file(image), "-wal")).map(|m| m.len()).unwrap_or(0)
    };
    for store in Store::ALL {
        assert!(log_bytes(&crashed, store) > 0, "the crash image keeps changes in the log");
        assert_eq!(log_bytes(&closed, store), 0, "the closed image keeps none: {store:?}");
    }
    Images { _root: root, crashed, closed }
}

/// What the learner finds: whether the role, the log group and the item are there.
#[derive(Debug, PartialEq, Eq)]
struct Found {
    role: bool,
    log_group: bool,
    item: bool,
}

async fn found(emulator: &Emulator) -> Found {
    let sdk = sdk_config(emulator, REGION).await;
    let role = aws_sdk_iam::Client::new(&sdk).get_role().role_name(ROLE).send().await.is_ok();
    let groups = aws_sdk_cloudwatchlogs::Client::new(&sdk)
        .describe_log_groups()
        .log_group_name_prefix(LOG_GROUP)
        .send()
        .await
        .expect("DescribeLogGroups");
    let log_group = !groups.log_groups().is_empty();
    let item = aws_sdk_dynamodb::Client::new(&sdk)
        .get_item()
        .table_name("customers")
        .key("customer_id", AttributeValue::S("1230AWS".into()))
        .send()
        .await
        .is_ok_and(|answer| answer.item().is_some());
    Found { role, log_group, item }
}

fn everything() -> Found {
    Found { role: true, log_group: true, item: true }
}

/// Everything but what `store` held.
fn all_but(store: Store) -> Found {
    Found {
        role: !matches!(store, Store::State),
        log_group: !matches!(store, Store::Logs),
        item: !matches!(store, Store::DynamoDb),
    }
}

/// The bytes of a database file and of its `-wal` file (`None` when missing or, for the log,
/// empty: SQLite creates an empty `-wal` file when it reads a database in WAL mode).
fn contents(file: &Path) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    let log = std::fs::read(with_suffix(file, "-wal")).ok().filter(|log| !log.is_empty());
    (std::fs::read(file).ok(), log)
}

/// Starts on `folder`, where `store`'s file was damaged (its bytes were `before`), and checks
/// all that must hold: one sentence naming the file, where it went and what it held; the
/// set-aside files as they were; the store empty and the others loaded. Returns the sentence.
async fn assert_set_aside(
    folder: &Path,
    store: Store,
    before: (Option<Vec<u8>>, Option<Vec<u8>>),
    reason: &str,
) -> String {
    let file = store.file(folder);
    let emulator = Emulator::start(config(folder)).await.expect("a damaged file does not stop it");
    let notices = emulator.notices();
    let [notice] = notices.as_slice() else { panic!("one sentence for {store:?}: {notices:?}") };
    let prefix = format!("{} is damaged ({reason}), so ", file.display());
    assert!(notice.starts_with(&prefix), "{notice}\nexpected it to start with {prefix}");
    let ending = format!(" and the emulator started without the {} saved in it.", store.holding());
    assert!(notice.ends_with(&ending), "{notice}");

    let moved_to = notice
        .split(" to ")
        .nth(1)
        .and_then(|rest| rest.split(" and the emulator").next())
        .map(|moved| PathBuf::from(moved.trim_end_matches("-wal")))
        .expect("the sentence names where the file went");
    let stamp = moved_to.to_string_lossy().rsplit(".damaged-").next().unwrap().to_string();
    assert_eq!(stamp.len(), "20261206T081500Z".len(), "{stamp}");
    assert!(stamp.ends_with('Z') && stamp.as_bytes()[8] == b'T', "{stamp}");
    // Compared by equality, not printed: a failure would print megabytes.
    assert!(contents(&moved_to) == before, "the set-aside files are kept as they were");
    assert_eq!(found(&emulator).await, all_but(store), "never silently loaded");
    emulator.shutdown().await;
    notice.clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crash_image_and_a_closed_image_load_everything_with_no_notice() {
    let images = learner_folder().await;
    for image in [&images.crashed, &images.closed] {
        let emulator = Emulator::start(config(image)).await.expect("start");
        assert_eq!(emulator.notices(), Vec::<String>::new(), "{}", image.display());
        assert_eq!(found(&emulator).await, everything(), "{}", image.display());
        emulator.shutdown().await;
        let aside = std::fs::read_dir(image)
            .unwrap()
            .flatten()
            .filter(|entry| entry.file_name().to_string_lossy().contains(".damaged-"))
            .count();
        assert_eq!(aside, 0, "nothing sound is set aside");
    }
}

/// A size under 1 MB as the sentence says it.
fn kb(bytes: usize) -> String {
    assert!((1_000..1_000_000).contains(&bytes), "{bytes}");
    format!("{} KB", bytes.div_ceil(1_000))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_database_beside_its_log_is_set_aside_with_the_log() {
    let images = learner_folder().await;
    for store in Store::ALL {
        let folder = images.copy(&images.crashed, &format!("empty-{store:?}"));
        let file = store.file(&folder);
        std::fs::write(&file, b"").unwrap();
        let before = contents(&file);
        let log_bytes = before.1.as_ref().expect("a log").len();
        let reason =
            format!("the file is empty, but its -wal file holds {} of changes", kb(log_bytes));
        let notice = assert_set_aside(&folder, store, before, &reason).await;
        assert!(notice.contains("), so it was moved with its -wal file to "), "{notice}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_log_whose_database_is_missing_is_set_aside() {
    let images = learner_folder().await;
    for store in Store::ALL {
        let folder = images.copy(&images.crashed, &format!("missing-{store:?}"));
        let file = store.file(&folder);
        std::fs::remove_file(&file).unwrap();
        let before = contents(&file);
        let log_bytes = before.1.as_ref().expect("a log").len();
        let reason =
            format!("the file is missing, but its -wal file holds {} of changes", kb(log_bytes));
        let notice = assert_set_aside(&folder, store, before, &reason).await;
        assert!(notice.contains("), so its -wal file was moved to "), "{notice}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_log_with_a_garbage_header_is_set_aside_with_its_database() {
    let images = learner_folder().await;
    for store in Store::ALL {
        let folder = images.copy(&images.crashed, &format!("bad-log-{store:?}"));
        let log = with_suffix(&store.file(&folder), "-wal");
        let length = std::fs::metadata(&log).unwrap().len() as usize;
        let garbage: Vec<u8> = (0..length).map(|i| (i * 7 + 3) as u8).collect();
        std::fs::write(&log, garbage).unwrap();
        let before = contents(&store.file(&folder));
        let reason = "its -wal file, which holds the latest changes, is not a valid log";
        assert_set_aside(&folder, store, before, reason).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_bytes_where_a_database_should_be_are_set_aside() {
    let images = learner_folder().await;
    for store in Store::ALL {
        let folder = images.copy(&images.closed, &format!("garbage-{store:?}"));
        let file = store.file(&folder);
        std::fs::write(&file, b"my notes, saved over the wrong file\n".repeat(300)).unwrap();
        let before = contents(&file);
        assert_set_aside(&folder, store, before, "it is not a SQLite database").await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_cut_short_is_set_aside() {
    let images = learner_folder().await;
    for store in Store::ALL {
        let folder = images.copy(&images.closed, &format!("cut-{store:?}"));
        let file = store.file(&folder);
        let length = std::fs::metadata(&file).unwrap().len();
        assert!(length >= 3 * 4096, "{} has pages to lose: {length}", file.display());
        let kept = 4096 * (length / 4096 / 2);
        std::fs::OpenOptions::new().write(true).open(&file).unwrap().set_len(kept).unwrap();
        let before = contents(&file);
        let reason = format!(
            "it was cut short: {} of the {} it should have",
            kb(kept as usize),
            kb(length as usize)
        );
        assert_set_aside(&folder, store, before, &reason).await;
    }
}

/// The root page of the table the learner's data is in, by the file's own schema.
fn data_page(file: &Path, store: Store) -> u64 {
    let conn =
        rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let sql = match store {
        Store::State => "SELECT rootpage FROM sqlite_master WHERE name = 'service_state'",
        Store::Logs => "SELECT rootpage FROM sqlite_master WHERE name = 'log_groups'",
        // dynoxide keeps each DynamoDB table in a SQLite table of its own: the last one made.
        Store::DynamoDb => {
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' ORDER BY rootpage DESC LIMIT 1"
        }
    };
    conn.query_row(sql, [], |row| row.get(0)).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_with_a_corrupted_page_fails_its_integrity_check_and_is_set_aside() {
    let images = learner_folder().await;
    for store in Store::ALL {
        let folder = images.copy(&images.closed, &format!("corrupt-{store:?}"));
        let file = store.file(&folder);
        let page = data_page(&file, store);
        assert!(page > 1);
        let mut bytes = std::fs::read(&file).unwrap();
        let start = (page as usize - 1) * 4096;
        // The page's b-tree header: its type and cell pointers become nonsense.
        bytes[start..start + 12].fill(0xee);
        std::fs::write(&file, &bytes).unwrap();
        let before = contents(&file);
        assert_set_aside(&folder, store, before, "SQLite's integrity check found it corrupt").await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sentence_reads_in_full() {
    let images = learner_folder().await;
    let folder = images.copy(&images.crashed, "full-sentence");
    let file = Store::DynamoDb.file(&folder);
    std::fs::write(&file, b"").unwrap();
    let log_bytes = std::fs::metadata(with_suffix(&file, "-wal")).unwrap().len();
    let emulator = Emulator::start(config(&folder)).await.unwrap();
    let notices = emulator.notices();
    let moved: Vec<PathBuf> = std::fs::read_dir(folder.join("dynamodb"))
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.to_string_lossy().contains(".damaged-")
                && !path.to_string_lossy().ends_with("-wal")
                && !path.to_string_lossy().ends_with("-shm")
        })
        .collect();
    let [moved] = moved.as_slice() else { panic!("one set-aside database: {moved:?}") };
    assert_eq!(
        notices,
        [format!(
            "{} is damaged (the file is empty, but its -wal file holds {} KB of changes), so it \
             was moved with its -wal file to {} and the emulator started without the DynamoDB \
             tables of ap-northeast-2 and their items saved in it.",
            file.display(),
            log_bytes.div_ceil(1000),
            moved.display()
        )]
    );
    assert!(with_suffix(moved, "-wal").is_file());
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_document_this_awslab_cannot_read_is_refused_in_one_sentence_and_left_alone() {
    let images = learner_folder().await;
    let folder = images.copy(&images.closed, "newer-document");
    let file = Store::State.file(&folder);
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.execute(
        "UPDATE service_state SET document = '\"saved by awslab 9\"' WHERE service = 'iam'",
        [],
    )
    .unwrap();
    drop(conn);

    let error = Emulator::start(config(&folder)).await.err().expect("refused");
    let StartError::State { path, .. } = &error else { panic!("{error}") };
    assert_eq!(path, &file);
    assert_eq!(
        error.to_string(),
        format!(
            "the saved iam state in {} cannot be read (invalid type: string \"saved by awslab \
             9\", expected struct IamState at line 1 column 19); it may have been saved by a \
             newer awslab: update awslab, or move the file aside to start afresh",
            file.display()
        )
    );
    assert!(std::error::Error::source(&error).is_none(), "no chain to print twice");
    let conn = rusqlite::Connection::open(&file).unwrap();
    let document: String = conn
        .query_row("SELECT document FROM service_state WHERE service = 'iam'", [], |row| row.get(0))
        .unwrap();
    assert_eq!(document, "\"saved by awslab 9\"", "the file is left as it was");
    let aside = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().contains(".damaged-"))
        .count();
    assert_eq!(aside, 0);
}

async fn table_names(emulator: &Emulator, region: &'static str) -> Vec<String> {
    let sdk = sdk_config(emulator, region).await;
    let tables = aws_sdk_dynamodb::Client::new(&sdk).list_tables().send().await.unwrap();
    tables.table_names().to_vec()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_snapshot_is_refused_whole_and_the_live_state_is_left_alone() {
    let folder = tempfile::tempdir().unwrap();
    let emulator = Emulator::start(config(folder.path())).await.unwrap();
    for region in ["us-east-1", "us-west-2"] {
        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk_config(&emulator, region).await);
        common::create_table(&dynamodb, "customers", "customer_id").send().await.unwrap();
    }
    let saved = common::send(
        emulator.port(),
        "POST",
        "/_awslab/snapshots/step-1",
        &[common::token(&emulator)],
        b"",
    )
    .await;
    assert_eq!(saved.status, 201, "{}", saved.body);
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk_config(&emulator, "us-east-1").await);
    common::create_table(&dynamodb, "orders", "order_id").send().await.unwrap();

    // us-east-1 comes first: without a check of every file before the first restore, it would
    // be rolled back before us-west-2's copy is found damaged.
    let snapshot = folder.path().join("snapshots").join("step-1");
    let copy = snapshot.join("dynamodb").join("us-west-2.sqlite3");
    std::fs::write(&copy, b"overwritten by mistake".repeat(100)).unwrap();
    let refused = common::send(
        emulator.port(),
        "POST",
        "/_awslab/snapshots/step-1/restore",
        &[common::token(&emulator)],
        b"",
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let body: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(body["code"], "SnapshotDamaged");
    assert_eq!(
        body["message"],
        format!(
            "snapshot step-1 cannot be restored: its copy of the DynamoDB tables of us-west-2 \
             and their items ({}) is damaged (it is not a SQLite database); nothing was changed",
            copy.display()
        )
    );
    assert_eq!(table_names(&emulator, "us-east-1").await, ["customers", "orders"]);
    assert_eq!(std::fs::read(&copy).unwrap(), b"overwritten by mistake".repeat(100), "kept");

    // CloudWatch Logs' copy, cut short, is refused the same way.
    std::fs::remove_file(&copy).unwrap();
    let logs = snapshot.join("logs.sqlite3");
    let length = std::fs::metadata(&logs).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&logs).unwrap().set_len(length / 2).unwrap();
    let refused = common::send(
        emulator.port(),
        "POST",
        "/_awslab/snapshots/step-1/restore",
        &[common::token(&emulator)],
        b"",
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("its copy of the CloudWatch Logs' log groups, streams and events"),
        "{}",
        refused.body
    );
    assert_eq!(table_names(&emulator, "us-east-1").await, ["customers", "orders"]);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_region_written_by_a_newer_engine_is_refused_in_one_sentence_and_left_alone() {
    let images = learner_folder().await;
    let folder = images.copy(&images.closed, "newer-engine");
    let file = Store::DynamoDb.file(&folder);
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.execute("UPDATE _config SET value = '999' WHERE key = 'schema_version'", []).unwrap();
    drop(conn);
    let before = std::fs::read(&file).unwrap();

    let error = Emulator::start(config(&folder)).await.err().expect("refused");
    let message = error.to_string();
    let prefix = format!(
        "the emulator cannot open {}, which holds the DynamoDB tables of {REGION}: this database \
         was written by a newer version of Dynoxide (schema version 999; ",
        file.display()
    );
    assert!(message.starts_with(&prefix), "{message}");
    assert!(
        message.ends_with("); update awslab, or move the file aside to start afresh"),
        "one sentence, without the engine's advice to its developers: {message}"
    );
    assert!(std::error::Error::source(&error).is_none());
    assert!(std::fs::read(&file).unwrap() == before, "the file is left as it was");
}
