//! End-to-end tests of `montecarlo`, `shocks`, `sensitivity`, `forecast --save` and `runs`: the
//! real binary in a temporary directory.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn istanbul() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/istanbul-2025.toml")
}

fn detente(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("detente").unwrap();
    cmd.current_dir(dir);
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A fast Monte Carlo: two models (the EUM included), coarse package grid.
fn mc(dir: &Path, threads: &str) -> String {
    stdout(detente(dir).arg("montecarlo").arg(istanbul()).args([
        "--trials",
        "40",
        "--seed",
        "7",
        "--format",
        "json",
        "--model",
        "compromise,eum",
        "--noise",
        "salience=0.1,capability=0.2",
        "--threads",
        threads,
    ]))
}

#[test]
fn montecarlo_output_is_byte_identical_for_1_2_and_8_threads() {
    let dir = tempfile::tempdir().unwrap();
    let one = mc(dir.path(), "1");
    assert_eq!(mc(dir.path(), "2"), one);
    assert_eq!(mc(dir.path(), "8"), one);
    let doc: Value = serde_json::from_str(&one).unwrap();
    assert_eq!(doc["schema"], "detente.montecarlo/1");
    let m = doc["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "ceasefire/eum")
        .unwrap();
    assert_eq!(
        m["count"].as_u64().unwrap() + m["missing"].as_u64().unwrap(),
        40
    );
    let p = |k: &str| m[k].as_f64().unwrap();
    assert!(p("p05") <= p("p25") && p("p25") <= p("median") && p("median") <= p("p75"));
    assert_eq!(
        m["histogram"]["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .sum::<u64>(),
        m["count"].as_u64().unwrap()
    );
}

#[test]
fn bad_noise_and_threads_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    detente(dir.path())
        .arg("montecarlo")
        .arg(istanbul())
        .args(["--noise", "salience=-1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("finite number >= 0"));
    detente(dir.path())
        .arg("montecarlo")
        .arg(istanbul())
        .args(["--noise", "mood=1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown noise `mood`"));
    detente(dir.path())
        .arg("montecarlo")
        .arg(istanbul())
        .args(["--threads", "0"])
        .assert()
        .code(2);
}

#[test]
fn shocks_and_sensitivity_tables() {
    let dir = tempfile::tempdir().unwrap();
    let shocks = stdout(
        detente(dir.path())
            .arg("shocks")
            .arg(istanbul())
            .args(["--model", "compromise"]),
    );
    assert!(shocks.contains("ceasefire/compromise"), "{shocks}");
    assert!(shocks.contains("russia drop"), "{shocks}");
    let sens = stdout(
        detente(dir.path())
            .arg("sensitivity")
            .arg(istanbul())
            .args(["--model", "compromise", "--trials", "300"]),
    );
    assert!(sens.contains("swing"), "{sens}");
    assert!(sens.contains("R²"), "{sens}");
}

#[test]
fn save_then_list_show_compare_export() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::copy(istanbul(), &scenario).unwrap();
    detente(dir.path())
        .args(["forecast", "s.toml", "--model", "compromise,eum", "--save"])
        .assert()
        .success()
        .stderr(predicate::str::contains("saved run 1"));
    // Default store: detente.db beside the scenario.
    assert!(dir.path().join("detente.db").exists());
    detente(dir.path())
        .args([
            "montecarlo",
            "s.toml",
            "--trials",
            "10",
            "--model",
            "compromise",
            "--save",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("saved run 2"));
    let list = stdout(detente(dir.path()).args(["runs", "list"]));
    assert!(
        list.contains("forecast") && list.contains("montecarlo"),
        "{list}"
    );
    let show = stdout(detente(dir.path()).args(["runs", "show", "1"]));
    assert!(show.contains("ceasefire/eum"), "{show}");
    let cmp = stdout(detente(dir.path()).args(["runs", "compare", "1", "2"]));
    assert!(cmp.contains("ceasefire/compromise"), "{cmp}");
    let json: Value =
        serde_json::from_str(&stdout(detente(dir.path()).args(["runs", "export", "1"]))).unwrap();
    assert!(!json["eum_rounds"].as_array().unwrap().is_empty());
    assert_eq!(json["kind"], "forecast");
    let csv = stdout(detente(dir.path()).args(["runs", "export", "2", "--format", "csv"]));
    assert!(
        csv.starts_with("run,key,value,mean,p05,median,p95\n"),
        "{csv}"
    );
    detente(dir.path())
        .args(["runs", "show", "99"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no run with id 99"));
}

#[test]
fn bad_store_paths_exit_2_and_leave_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    detente(dir.path())
        .args(["runs", "list", "--db", "nothing.db"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no run store"));
    let junk = dir.path().join("junk.db");
    let text = "not sqlite\n".repeat(100);
    std::fs::write(&junk, &text).unwrap();
    detente(dir.path())
        .arg("forecast")
        .arg(istanbul())
        .args(["--model", "compromise", "--save", "--db"])
        .arg(&junk)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a detente run store"));
    assert_eq!(std::fs::read_to_string(&junk).unwrap(), text);
    let future = dir.path().join("future.db");
    {
        let conn = rusqlite::Connection::open(&future).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    detente(dir.path())
        .args(["runs", "list", "--db"])
        .arg(&future)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("schema version 99"));
    detente(dir.path())
        .arg("forecast")
        .arg(istanbul())
        .args(["--model", "compromise", "--save", "--db"])
        .arg(dir.path().join("no/such/dir/x.db"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot open run store"));
}
