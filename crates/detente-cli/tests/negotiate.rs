//! End-to-end tests of `detente negotiate` and `detente tournament` (the real binary).
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn genius(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../detente-models/tests/data/genius")
        .join(name)
}

fn detente() -> Command {
    Command::cargo_bin("detente").unwrap()
}

/// Linear vs Boulware on Laptop agrees in round 42 (same as the Python reference run).
#[test]
fn negotiate_on_a_genius_folder() {
    detente()
        .args([
            "negotiate",
            genius("Laptop").to_str().unwrap(),
            "--agents",
            "linear,boulware",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("agreement in round 42"))
        .stdout(predicate::str::contains("Macintosh"));
}

#[test]
fn negotiate_json_on_the_istanbul_scenario() {
    let out = detente()
        .args([
            "negotiate",
            "../../scenarios/istanbul-2025.toml",
            "--agents",
            "boulware,conceder",
            "--step",
            "50",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["parties"][0]["name"], "russia");
    assert_eq!(json["parties"][1]["name"], "ukraine");
    assert_eq!(json["rounds"], 100);
}

#[test]
fn bad_agent_and_count_exit_2() {
    detente()
        .args([
            "negotiate",
            genius("Laptop").to_str().unwrap(),
            "--agents",
            "sneaky,boulware",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown negotiator `sneaky`"));
    detente()
        .args([
            "negotiate",
            genius("Laptop").to_str().unwrap(),
            "--agents",
            "boulware",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "1 negotiators given for 2 parties",
        ));
}

#[test]
fn tournament_ranks_and_writes_csv() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("t.toml");
    std::fs::write(
        &config,
        format!(
            "domains = [{:?}, {:?}]\nagents = [\"boulware\", \"conceder\", \"micro\"]\nrounds = 50\n",
            genius("Laptop"),
            genius("ItexvsCypress")
        ),
    )
    .unwrap();
    detente()
        .args(["tournament", config.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("24 negotiations on 2 domain(s)"));
    let out = detente()
        .args(["tournament", config.to_str().unwrap(), "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    // Header plus 24 negotiations x 2 seats.
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), 49);
}

/// The spelling `--a X --b Y` runs the same negotiation as `--agents X,Y`, and it cannot
/// be mixed with `--agents`.
#[test]
fn two_party_shorthand_matches_agents_list() {
    let run = |args: &[&str]| {
        let mut cmd = detente();
        cmd.args([
            "negotiate",
            genius("Laptop").to_str().unwrap(),
            "--format",
            "json",
        ]);
        cmd.args(args);
        let out = cmd.assert().success().get_output().stdout.clone();
        serde_json::from_slice::<serde_json::Value>(&out).unwrap()
    };
    let list = run(&["--agents", "linear,boulware"]);
    let short = run(&["--a", "linear", "--b", "boulware"]);
    assert_eq!(list, short);
    detente()
        .args([
            "negotiate",
            genius("Laptop").to_str().unwrap(),
            "--a",
            "linear",
        ])
        .assert()
        .code(2);
    detente()
        .args([
            "negotiate",
            genius("Laptop").to_str().unwrap(),
            "--agents",
            "linear,boulware",
            "--a",
            "linear",
            "--b",
            "boulware",
        ])
        .assert()
        .code(2);
}
