//! `GET /api/runs` and `GET /api/runs/{id}` against the run store read directly.

use std::path::PathBuf;

use detente_server::{ServerConfig, router};
use detente_store::{NewRun, Store};

use super::*;

/// A fresh store path under the system's temporary directory, removed on drop.
struct TempDb(PathBuf);

impl TempDb {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "detente-server-{name}-{}.sqlite",
            std::process::id()
        ));
        let db = Self(path);
        db.remove();
        db
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
}

fn app_with_db(path: &std::path::Path) -> Router {
    router(ServerConfig {
        runs_db: Some(path.to_owned()),
        ..ServerConfig::default()
    })
}

fn run(kind: &str, seed: Option<u64>) -> NewRun {
    NewRun {
        kind: kind.to_owned(),
        scenario_name: "two-party.toml".to_owned(),
        scenario_text: SMALL.to_owned(),
        title: "Two parties".to_owned(),
        config: serde_json::json!({ "trials": 10 }),
        seed,
        code_version: "test".to_owned(),
        started_at_ms: 1_000,
        finished_at_ms: 2_000,
        result: serde_json::json!({ "answer": 42 }),
        values: vec![("border/compromise".to_owned(), Some(55.5))],
        eum_rounds: Vec::new(),
        aggregates: Vec::new(),
    }
}

#[tokio::test]
async fn runs_list_and_show_what_the_store_holds() {
    let db = TempDb::new("runs");
    let app = app_with_db(&db.0);
    // Health says there is a store (the dashboard asks before listing), without its path.
    let health = send(&app, get("/api/health")).await;
    assert_eq!(health.json["run_store"], true);
    assert!(!health.text.contains(db.0.to_str().unwrap()));
    // No file yet: no runs.
    let reply = send(&app, get("/api/runs")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["runs"], serde_json::json!([]));
    let (first, second) = {
        let mut store = Store::open(&db.0).unwrap();
        (
            store.save(&run("forecast", None)).unwrap(),
            store.save(&run("montecarlo", Some(7))).unwrap(),
        )
    };
    let store = Store::open_read_only(&db.0).unwrap();
    let reply = send(&app, get("/api/runs")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(
        reply.json["runs"],
        serde_json::to_value(store.list().unwrap()).unwrap()
    );
    assert_eq!(reply.json["runs"][0]["id"], second);
    for id in [first, second] {
        let reply = send(&app, get(&format!("/api/runs/{id}"))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(
            reply.json,
            serde_json::to_value(store.get(id).unwrap()).unwrap()
        );
    }
    assert_eq!(
        send(&app, get(&format!("/api/runs/{second}"))).await.json["kind"],
        "montecarlo"
    );
}

/// A row edited outside detente (a seed written as a blob) made the whole listing a 500; the
/// runs that can be read are listed.
#[tokio::test]
async fn a_damaged_row_does_not_hide_the_other_runs() {
    let db = TempDb::new("damaged");
    {
        let mut store = Store::open(&db.0).unwrap();
        store.save(&run("forecast", Some(1))).unwrap();
        store.save(&run("montecarlo", Some(2))).unwrap();
    }
    let conn = rusqlite::Connection::open(&db.0).unwrap();
    conn.execute("UPDATE runs SET seed = x'00ff' WHERE id = 1", [])
        .unwrap();
    drop(conn);
    let reply = send(&app_with_db(&db.0), get("/api/runs")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let ids: Vec<i64> = reply.json["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![2]);
}

#[tokio::test]
async fn unknown_and_malformed_run_ids_are_404() {
    let db = TempDb::new("ids");
    Store::open(&db.0)
        .unwrap()
        .save(&run("forecast", None))
        .unwrap();
    let app = app_with_db(&db.0);
    for id in ["999", "-1", "abc", "1.5", "%2e%2e%2fetc"] {
        let reply = send(&app, get(&format!("/api/runs/{id}"))).await;
        assert_error(&reply, 404, "unknown_run", None);
    }
    let reply = send(&app, get("/api/runs?db=/etc/passwd")).await;
    assert_error(&reply, 400, "bad_request", None);
}

#[tokio::test]
async fn without_a_store_runs_are_404_saying_how_to_give_one() {
    let reply = send(&app(), get("/api/runs")).await;
    assert_error(&reply, 404, "no_run_store", None);
    assert!(
        reply.json["error"]["help"]
            .as_str()
            .unwrap()
            .contains("--db")
    );
    let reply = send(&app(), get("/api/runs/1")).await;
    assert_error(&reply, 404, "no_run_store", None);
}

#[tokio::test]
async fn a_file_that_is_not_a_store_is_a_500_naming_it() {
    let db = TempDb::new("garbage");
    std::fs::write(&db.0, "not a database at all, just text").unwrap();
    let reply = send(&app_with_db(&db.0), get("/api/runs")).await;
    assert_error(&reply, 500, "internal", None);
    assert!(
        reply.text.contains("not a detente run store"),
        "{}",
        reply.text
    );
}

/// The CLI stores the scenario path it was given, often absolute; the API shows only the file
/// name (Unix and Windows separators), while the store keeps what the CLI saved.
#[tokio::test]
async fn runs_never_show_the_absolute_path_of_a_cli_run() {
    let db = TempDb::new("paths");
    let paths = [
        (
            "/home/alice/secret-project/scenarios/istanbul.toml",
            "istanbul.toml",
        ),
        ("C:\\Users\\bob\\talks\\geneva.toml", "geneva.toml"),
        ("relative/dir/two-party.toml", "two-party.toml"),
        ("plain.toml", "plain.toml"),
    ];
    let ids: Vec<i64> = {
        let mut store = Store::open(&db.0).unwrap();
        paths
            .iter()
            .map(|(path, _)| {
                let mut r = run("forecast", None);
                r.scenario_name = (*path).to_owned();
                store.save(&r).unwrap()
            })
            .collect()
    };
    let app = app_with_db(&db.0);
    let list = send(&app, get("/api/runs")).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    for (id, (path, name)) in ids.iter().zip(paths) {
        let shown = list.json["runs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == *id)
            .unwrap();
        assert_eq!(shown["scenario_name"], name, "{}", list.text);
        let one = send(&app, get(&format!("/api/runs/{id}"))).await;
        assert_eq!(one.json["scenario_name"], name, "{}", one.text);
        if path != name {
            assert!(!list.text.contains(path), "{}", list.text);
            assert!(!one.text.contains(path), "{}", one.text);
        }
    }
    // The store itself still holds what the CLI saved.
    let store = Store::open_read_only(&db.0).unwrap();
    assert_eq!(store.get(ids[0]).unwrap().summary.scenario_name, paths[0].0);
}
