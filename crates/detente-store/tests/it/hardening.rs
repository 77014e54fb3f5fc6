//! Regression tests of issue 16 on the run store: concurrent creation, runs whose EUM trace
//! holds no number, a reader of a store it may not write, and a store out of run ids.
#![expect(clippy::unwrap_used, reason = "tests")]

use std::sync::{Arc, Barrier};

use detente_store::{EumTrace, NewRun, Store, StoreError};
use serde_json::json;

fn run(mean: f64) -> NewRun {
    NewRun {
        kind: "forecast".to_owned(),
        scenario_name: "s.toml".to_owned(),
        scenario_text: "format = 1\n".to_owned(),
        title: "T".to_owned(),
        config: json!({}),
        seed: None,
        code_version: "0.1.0".to_owned(),
        started_at_ms: 1,
        finished_at_ms: 2,
        result: json!({}),
        values: vec![("i/eum".to_owned(), None)],
        eum_rounds: vec![
            EumTrace {
                issue: "i".to_owned(),
                round: 0,
                median: 1.0,
                mean,
                state: json!({}),
            },
            EumTrace {
                issue: "i".to_owned(),
                round: 1,
                median: 1.0,
                mean: 1.0,
                state: json!({}),
            },
        ],
        aggregates: Vec::new(),
    }
}

/// Two `--save` runs on a store that did not exist lost one run in 16 of 20 tries ("table runs
/// already exists"). Here two threads (separate connections, as two processes would have) open
/// and write a fresh store at the same moment, 20 times; every run must land.
#[test]
fn concurrent_creation_keeps_every_run() {
    for attempt in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = Arc::new(dir.path().join("detente.db"));
        let barrier = Arc::new(Barrier::new(2));
        let writers: Vec<_> = (0..2)
            .map(|_| {
                let (path, barrier) = (Arc::clone(&path), Arc::clone(&barrier));
                std::thread::spawn(move || {
                    barrier.wait();
                    let mut store = Store::open(&path)?;
                    store.save(&run(1.0))
                })
            })
            .collect();
        for w in writers {
            let saved = w.join().unwrap();
            assert!(saved.is_ok(), "attempt {attempt}: {saved:?}");
        }
        let store = Store::open_read_only(&path).unwrap();
        assert_eq!(store.list().unwrap().len(), 2, "attempt {attempt}");
    }
}

/// `forecast --save` with all saliences 0 failed with "NOT NULL constraint failed:
/// eum_rounds.mean" and the run was lost. The round without a number is skipped, the rest kept.
#[test]
fn run_with_a_non_finite_eum_mean_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("detente.db");
    let mut store = Store::open(&path).unwrap();
    let id = store.save(&run(f64::NAN)).unwrap();
    let got = store.get(id).unwrap();
    assert_eq!(got.eum_rounds.len(), 1);
    assert_eq!(got.eum_rounds[0].round, 1);
}

/// A store opened read-only by a second reader while no one writes, after the writer closed it,
/// reads the same runs.
#[test]
fn read_only_reader_sees_saved_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("detente.db");
    Store::open(&path).unwrap().save(&run(1.0)).unwrap();
    let store = Store::open_read_only(&path).unwrap();
    assert_eq!(store.list().unwrap().len(), 1);
}

/// A valid store its reader may not write could not be read ("attempt to write a readonly
/// database" / "unable to open database file", reported as "not a detente run store"): a WAL
/// store needs its `-shm` index, which the reader cannot create. The folder is made unwritable
/// with `chattr +i`, which binds root too; where the attribute cannot be set (another file
/// system, no `chattr`), the folder is made read-only with permissions, and the test only runs
/// when that really prevents writing (not as root).
#[cfg(unix)]
#[test]
fn store_in_an_unwritable_folder_is_readable() {
    use std::os::unix::fs::PermissionsExt;
    use std::process::Command;

    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("ro");
    std::fs::create_dir(&folder).unwrap();
    let path = folder.join("detente.db");
    Store::open(&path).unwrap().save(&run(1.0)).unwrap();
    assert!(!folder.join("detente.db-shm").exists());

    let chattr = Command::new("chattr")
        .arg("+i")
        .arg(&folder)
        .status()
        .is_ok_and(|s| s.success());
    if !chattr {
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let writable = std::fs::write(folder.join("probe"), "x").is_ok();
    let listed = (!writable).then(|| Store::open_read_only(&path).map(|s| s.list()));
    if chattr {
        Command::new("chattr")
            .arg("-i")
            .arg(&folder)
            .status()
            .unwrap();
    } else {
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    match listed {
        Some(listed) => assert_eq!(listed.unwrap().unwrap().len(), 1),
        None => eprintln!("skipped: the folder could not be made unwritable for this user"),
    }
}

/// A reader that may not write the store (another user, in a folder both may write) had SQLite
/// create the `-wal` and `-shm` files beside it as its own, and the owner's every later save
/// failed ("attempt to write a readonly database"). Such a reader leaves no file behind. The
/// store is made unwritable with `chattr +i`, which binds root too; where it cannot be set, the
/// test is skipped.
#[cfg(unix)]
#[test]
fn a_reader_that_may_not_write_leaves_no_file_beside_the_store() {
    use std::process::Command;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("detente.db");
    Store::open(&path).unwrap().save(&run(1.0)).unwrap();
    let chattr = |flag: &str| {
        Command::new("chattr")
            .arg(flag)
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !chattr("+i") {
        eprintln!("skipped: chattr +i is not available here");
        return;
    }
    let listed = Store::open_read_only(&path).map(|s| s.list());
    let beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // A save is refused as a save to a store it may not write, not as "not a store".
    let saved = Store::open(&path).map(|_| ());
    assert!(chattr("-i"));
    assert_eq!(listed.unwrap().unwrap().len(), 1);
    assert_eq!(beside, vec!["detente.db".to_owned()]);
    let e = saved.unwrap_err();
    assert!(matches!(e, StoreError::ReadOnly { .. }), "{e}");
    // The owner still saves.
    Store::open(&path).unwrap().save(&run(2.0)).unwrap();
}

/// A store whose run ids had reached `i64::MAX` (only an id written outside detente gets there)
/// refused every save with SQLite's "database or disk is full". The save now says what is full
/// and what to do, and the runs already there stay readable.
#[test]
fn a_store_out_of_run_ids_says_so_and_keeps_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("detente.db");
    let mut store = Store::open(&path).unwrap();
    store.save(&run(1.0)).unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE sqlite_sequence SET seq = ?1 WHERE name = 'runs'",
            [i64::MAX],
        )
        .unwrap();
    let e = store.save(&run(2.0)).unwrap_err();
    assert!(
        matches!(&e, StoreError::IdsExhausted(p) if *p == path),
        "{e:?}"
    );
    let message = e.to_string();
    assert!(
        message.contains("the last run id (9223372036854775807)"),
        "{message}"
    );
    assert!(message.contains("save to a new --db"), "{message}");
    assert_eq!(
        Store::open_read_only(&path).unwrap().list().unwrap().len(),
        1
    );
}
