//! The run store: round trips, rollback of an unfinished run, a writer killed mid-write, readers
//! during a write, and refusal of newer-schema and non-SQLite files.
#![expect(clippy::unwrap_used, reason = "tests")]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use detente_store::{Aggregate, EumTrace, NewRun, SCHEMA_VERSION, Store, StoreError, sha256_hex};
use serde_json::json;

fn run(kind: &str) -> NewRun {
    NewRun {
        kind: kind.to_owned(),
        scenario_name: "s.toml".to_owned(),
        scenario_text: "format = 1\n".to_owned(),
        title: "T".to_owned(),
        config: json!({"models": ["eum"]}),
        seed: Some(u64::MAX),
        code_version: "0.1.0".to_owned(),
        started_at_ms: 1000,
        finished_at_ms: 2000,
        result: json!({"x": 1.5}),
        values: vec![("a/eum".to_owned(), Some(42.0)), ("b/eum".to_owned(), None)],
        eum_rounds: vec![EumTrace {
            issue: "a".to_owned(),
            round: 0,
            median: 1.0,
            mean: 2.0,
            state: json!({"positions": [1, 2]}),
        }],
        aggregates: vec![Aggregate {
            metric: "a/eum".to_owned(),
            mean: Some(1.0),
            p05: Some(0.5),
            median: Some(1.0),
            p95: None,
            summary: json!({"count": 3}),
        }],
    }
}

fn count(path: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("detente.db");
    let mut store = Store::open(&path).unwrap();
    let a = store.save(&run("forecast")).unwrap();
    let b = store.save(&run("montecarlo")).unwrap();
    drop(store);
    let store = Store::open_read_only(&path).unwrap();
    let list = store.list().unwrap();
    assert_eq!(list.iter().map(|r| r.id).collect::<Vec<_>>(), vec![b, a]);
    let got = store.get(a).unwrap();
    let want = run("forecast");
    assert_eq!(got.summary.scenario_sha256, sha256_hex(&want.scenario_text));
    assert_eq!(got.summary.seed.as_deref(), Some("18446744073709551615"));
    assert_eq!(got.values, want.values);
    assert_eq!(got.eum_rounds, want.eum_rounds);
    assert_eq!(got.aggregates, want.aggregates);
    assert_eq!(got.result, want.result);
    assert!(matches!(store.get(999), Err(StoreError::NotFound(999))));
    // SHA-256 of "abc" (FIPS 180-2 test vector).
    assert_eq!(
        sha256_hex("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn a_run_not_committed_leaves_no_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("detente.db");
    let mut store = Store::open(&path).unwrap();
    store.save(&run("forecast")).unwrap();
    {
        let mut w = store.begin(&run("montecarlo")).unwrap();
        w.add_value("x", Some(1.0)).unwrap();
        w.add_eum_round(&run("x").eum_rounds[0]).unwrap();
        // Dropped without commit: an error or panic part-way through a run.
    }
    assert_eq!(store.list().unwrap().len(), 1);
    assert_eq!(count(&path, "run_values"), 2);
    assert_eq!(count(&path, "eum_rounds"), 1);
}

/// Rows the child writes before it stops to be killed.
const CHILD_ROWS: i64 = 2000;

/// The child side of [`killed_writer_leaves_no_partial_rows`]: with `DETENTE_STORE_CHILD` set it
/// writes a run's rows into that database, says so on stdout and waits to be killed inside the
/// open transaction. Run on its own it writes and commits the same run in a temporary database
/// and checks every row arrived.
#[test]
fn child_writes_then_hangs() {
    let target = std::env::var_os("DETENTE_STORE_CHILD");
    let dir = tempfile::tempdir().unwrap();
    let path = target
        .clone()
        .map_or_else(|| dir.path().join("d.db"), std::path::PathBuf::from);
    let mut store = Store::open(&path).unwrap();
    let mut w = store.begin(&run("montecarlo")).unwrap();
    for i in 0..CHILD_ROWS {
        w.add_value(&format!("k{i}"), Some(i as f64)).unwrap();
    }
    if target.is_some() {
        println!("WRITTEN");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
    w.commit().unwrap();
    drop(store);
    assert_eq!(count(&path, "run_values"), CHILD_ROWS);
}

#[test]
fn killed_writer_leaves_no_partial_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("detente.db");
    Store::open(&path).unwrap().save(&run("forecast")).unwrap();
    // The harness names a test by its module path without the crate: `store::child_...`.
    let module = module_path!().split_once("::").map_or("", |(_, rest)| rest);
    let child_test = format!("{module}::child_writes_then_hangs");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            child_test.trim_start_matches("::"),
            "--nocapture",
            "--test-threads=1",
        ])
        .env("DETENTE_STORE_CHILD", &path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    assert!(
        lines.any(|l| l.unwrap().contains("WRITTEN")),
        "child never reached the write"
    );
    // While the child holds its write transaction open, a reader sees the committed state.
    let reader = Store::open_read_only(&path).unwrap();
    assert_eq!(reader.list().unwrap().len(), 1);
    drop(reader);
    child.kill().unwrap();
    child.wait().unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.list().unwrap().len(), 1, "the killed run left a row");
    assert_eq!(count(&path, "run_values"), 2);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn newer_schema_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); INSERT INTO future VALUES (1);")
            .unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 2, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade detente"), "{err}");
    assert!(Store::open_read_only(&path).is_err());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file was altered"
    );
    assert!(!dir.path().join("future.db-wal").exists());
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    let text = "these are my notes, not a database\n".repeat(200);
    std::fs::write(&path, &text).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let missing = dir.path().join("none.db");
    assert!(matches!(
        Store::open_read_only(&missing),
        Err(StoreError::Missing(_))
    ));
    assert!(!missing.exists());
}

/// `--save` on an SQLite database of something else (SQLite's default schema version is 0,
/// detente's sign of a new store) switched it to WAL mode and added detente's tables beside its
/// own. It is refused, read-write or read-only, and its bytes are left as they were.
#[test]
fn a_database_of_something_else_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let other = rusqlite::Connection::open(&path).unwrap();
    other
        .execute_batch("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers(name) VALUES ('Ada');")
        .unwrap();
    drop(other);
    let before = std::fs::read(&path).unwrap();
    for err in [
        Store::open(&path).unwrap_err(),
        Store::open_read_only(&path).unwrap_err(),
    ] {
        assert!(matches!(err, StoreError::Foreign { .. }), "{err}");
        assert!(err.to_string().contains("tables: customers"), "{err}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!dir.path().join("shop.db-wal").exists());

    // A negative version is no version of detente's either.
    let odd = dir.path().join("odd.db");
    let conn = rusqlite::Connection::open(&odd).unwrap();
    conn.pragma_update(None, "user_version", -1).unwrap();
    drop(conn);
    assert!(matches!(
        Store::open(&odd),
        Err(StoreError::Foreign { version: -1, .. })
    ));
    // A new file is still a new store.
    assert!(Store::open(&dir.path().join("new.db")).is_ok());
}
