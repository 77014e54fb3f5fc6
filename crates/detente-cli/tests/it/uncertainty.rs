//! End-to-end tests of `montecarlo`, `shocks`, `sensitivity`, `forecast --save` and `runs`: the
//! real binary in a temporary directory.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::{Path, PathBuf};

use crate::cmd::prelude::*;
use crate::cmd::{Command, CommandExt as _};
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
fn save_then_list_show_compare_export() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::copy(istanbul(), &scenario).unwrap();
    detente(dir.path())
        .args(["forecast", "s.toml", "--model", "compromise,eum", "--save"])
        .assert()
        .success()
        .stderr(predicate::str::contains("saved run 1"));
    // Default store: detente.db in the current directory (here also the scenario's).
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
    // The store keeps the headline and its intervals' ends, as the report shows them (issue 13).
    for key in [
        "ceasefire/headline ",
        "ceasefire/headline/80-low",
        "ceasefire/headline/90-high",
    ] {
        assert!(show.contains(key), "{key} missing from {show}");
    }
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

fn delay_mc(dir: &Path, threads: &str) -> String {
    stdout(detente(dir).arg("montecarlo").arg(istanbul()).args([
        "--trials",
        "12",
        "--seed",
        "3",
        "--format",
        "json",
        "--model",
        "delay",
        "--package-step",
        "25",
        "--noise",
        "drift=0.4,cost=0.4",
        "--threads",
        threads,
    ]))
}

/// Issue 5: the delay target through the CLI, byte-identical for 1, 2 and 8 threads.
#[test]
fn r5_montecarlo_delay_is_byte_identical_for_1_2_and_8_threads() {
    let dir = tempfile::tempdir().unwrap();
    let one = delay_mc(dir.path(), "1");
    assert_eq!(delay_mc(dir.path(), "2"), one);
    assert_eq!(delay_mc(dir.path(), "8"), one);
    let doc: Value = serde_json::from_str(&one).unwrap();
    assert_eq!(doc["noise"]["drift"], 0.4);
    let keys: Vec<&str> = doc["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "delay/zone-at-0",
            "delay/ripe",
            "delay/ripeness-month",
            "delay/nash/russia",
            "delay/nash/ukraine"
        ]
    );
    let month = &doc["metrics"][2];
    assert_eq!(month["kind"], "month");
    // The scenario's horizon is 24 months: 25 one-month bins.
    assert_eq!(month["histogram"]["counts"].as_array().unwrap().len(), 25);
}

#[test]
fn r5_delay_errors_and_noise_without_trials_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    detente(dir.path())
        .arg("montecarlo")
        .arg(istanbul())
        .args(["--model", "delay", "--lever", "nope", "--trials", "2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown lever `nope`"));
    detente(dir.path())
        .arg("forecast")
        .arg(istanbul())
        .args(["--noise", "salience=0.1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("need --trials"));
    detente(dir.path())
        .arg("montecarlo")
        .arg(istanbul())
        .args(["--noise", "drift=-0.1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("finite number >= 0"));
}

/// `forecast --trials`: the band beside each point forecast equals `montecarlo`'s numbers for
/// the same seed and noise, in every format.
#[test]
fn r5_forecast_trials_prints_the_montecarlo_band() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--model",
        "compromise,median",
        "--trials",
        "50",
        "--seed",
        "9",
        "--noise",
        "salience=0.2",
    ];
    let json = stdout(
        detente(dir.path())
            .arg("forecast")
            .arg(istanbul())
            .args(args)
            .args(["--format", "json"]),
    );
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["schema"], "detente.forecast/1");
    let band = &doc["montecarlo"];
    assert_eq!(band["trials"], 50);
    let mc: Value = serde_json::from_str(&stdout(
        detente(dir.path())
            .arg("montecarlo")
            .arg(istanbul())
            .args(args)
            .args(["--format", "json"]),
    ))
    .unwrap();
    assert_eq!(band["metrics"], mc["metrics"]);
    let table = stdout(
        detente(dir.path())
            .arg("forecast")
            .arg(istanbul())
            .args(args),
    );
    assert!(
        table.contains("Monte Carlo band: 50 trials, seed 9"),
        "{table}"
    );
    let csv = stdout(
        detente(dir.path())
            .arg("forecast")
            .arg(istanbul())
            .args(args)
            .args(["--format", "csv"]),
    );
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with("mc_mean,mc_p05,mc_p25,mc_median,mc_p75,mc_p95,mc_missing"));
    // Every model row has a band (16 rows: 8 issues × 2 models); each issue's headline row
    // (issue #13) has empty band columns.
    assert_eq!(csv.lines().count(), 1 + 8 * 3);
    assert!(
        csv.lines()
            .skip(1)
            .filter(|l| !l.contains(",headline,"))
            .all(|l| l.split(',').count() >= 13 && !l.ends_with(','))
    );
    assert_eq!(csv.lines().filter(|l| l.contains(",headline,")).count(), 8);
}

#[test]
fn r5_sensitivity_with_delay_and_noise() {
    let dir = tempfile::tempdir().unwrap();
    let json = stdout(
        detente(dir.path())
            .arg("sensitivity")
            .arg(istanbul())
            .args([
                "--model",
                "delay",
                "--package-step",
                "25",
                "--trials",
                "0",
                "--noise",
                "cost=0.5",
                "--format",
                "json",
            ]),
    );
    let doc: Value = serde_json::from_str(&json).unwrap();
    let inputs = doc["inputs"].as_array().unwrap();
    let cost = inputs
        .iter()
        .find(|i| i["name"] == "monthly cost russia")
        .unwrap();
    let f = (1.644_853_626_951_472_2f64 * 0.5).exp();
    let (base, high) = (
        cost["base"].as_f64().unwrap(),
        cost["high"].as_f64().unwrap(),
    );
    assert!((high / base - f).abs() < 1e-9, "{cost}");
    assert!(inputs.iter().any(|i| i["kind"] == "drift"));
}
