//! Issue 15: KTAB files as detente scenarios. `detente import` writes a KTAB CSV or XML file as a
//! scenario whose dimensions are grouped as one `[[spaces]]` entry; `detente smp` runs KTAB's
//! model on that space as on the KTAB file itself; `detente forecast` says that its models take
//! each dimension alone; and the bad inputs of `smp --space` end with exit code 2 and the fix.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::{Path, PathBuf};

use crate::cmd::prelude::*;
use crate::cmd::{Command, CommandExt as _};
use serde_json::Value;

fn ktab(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../detente-models/tests/data/ktab")
        .join(name)
}

fn detente() -> Command {
    let mut cmd = Command::cargo_bin("detente").unwrap();
    cmd.current_dir(std::env::temp_dir());
    cmd
}

fn smp_json(args: &[&str], file: &Path) -> Value {
    let out = detente()
        .arg("smp")
        .arg(file)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Imports `file` into `dir`, returning the scenario's path.
fn import(file: &Path, dir: &Path) -> PathBuf {
    let out = dir.join("imported.toml");
    detente()
        .arg("import")
        .arg(file)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "grouped as one space for `detente smp`",
        ));
    out
}

#[test]
fn an_imported_ktab_xml_runs_as_the_xml_does() {
    let dir = tempfile::tempdir().unwrap();
    let xml = ktab("smpExampleDet.xml");
    let scenario = import(&xml, dir.path());
    let text = std::fs::read_to_string(&scenario).unwrap();
    assert!(text.contains("[[spaces]]"), "{text}");
    assert!(text.contains("PCEModel = \"MarkovIncentive\""), "{text}");
    assert!(
        text.contains("[[spaces.ideal_adjustment]]") || text.contains("ideal_adjustment = ["),
        "{text}"
    );
    let from_xml = smp_json(&[], &xml);
    let from_scenario = smp_json(&[], &scenario);
    for key in ["config", "actors", "dimensions", "states", "stop"] {
        assert_eq!(from_scenario[key], from_xml[key], "{key}");
    }
    // `--set` applies over the space's parameters, as over the XML's.
    let a = smp_json(&["--set", "PCEModel=Conditional"], &xml);
    let b = smp_json(&["--set", "PCEModel=Conditional"], &scenario);
    assert_eq!(a["states"], b["states"]);
    assert_ne!(a["states"], from_xml["states"]);
}

#[test]
fn an_imported_ktab_csv_runs_as_the_csv_does_and_forecast_says_it_takes_dimensions_alone() {
    let dir = tempfile::tempdir().unwrap();
    let csv = ktab("SOE-Pol-Comp.csv");
    let scenario = import(&csv, dir.path());
    let from_csv = smp_json(&[], &csv);
    let from_scenario = smp_json(&[], &scenario);
    for key in ["config", "actors", "states", "stop"] {
        assert_eq!(from_scenario[key], from_csv[key], "{key}");
    }
    detente()
        .arg("forecast")
        .arg(&scenario)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "these one-dimensional models take it on its own, and `detente smp` runs KTAB's model on the space's 2 dimensions jointly",
        ));
}

#[test]
fn smp_space_errors_exit_2_with_the_fix() {
    let istanbul = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/istanbul-2025.toml");
    detente()
        .arg("smp")
        .arg(&istanbul)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no `[[spaces]]`"))
        .stderr(predicate::str::contains(
            "`detente import` writes one for a KTAB file",
        ));
    let dir = tempfile::tempdir().unwrap();
    let scenario = import(&ktab("SOE-Policy.csv"), dir.path());
    detente()
        .arg("smp")
        .arg(&scenario)
        .args(["--space", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no space `nope`"))
        .stderr(predicate::str::contains("the spaces are `"));
    detente()
        .arg("smp")
        .arg(ktab("SOE-Policy.csv"))
        .args(["--space", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("leave --space out"));
}

/// `forecast --model smp` gives each dimension its coordinate of `smp`'s most likely outcome,
/// with or without `--issue` (the SMP runs on the whole space either way).
#[test]
fn forecast_model_smp_agrees_with_smp() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = import(&ktab("SOE-Pol-Comp.csv"), dir.path());
    let run = smp_json(&[], &scenario);
    let last = run["states"].as_array().unwrap().last().unwrap();
    let p: Vec<f64> = last["win_probability"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let best = (0..p.len()).fold(0, |b, i| if p[i] > p[b] { i } else { b });
    let forecast = |extra: &[&str]| -> Value {
        let out = detente()
            .arg("forecast")
            .arg(&scenario)
            .args(["--model", "smp", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let all = forecast(&[]);
    assert_eq!(all["models"], serde_json::json!(["smp"]));
    for (k, issue) in all["issues"].as_array().unwrap().iter().enumerate() {
        assert_eq!(
            issue["smp"]["point"]["position"],
            last["positions"][best][k]
        );
        assert_eq!(
            issue["smp"]["turns"],
            run["states"].as_array().unwrap().len() - 1
        );
    }
    let one = forecast(&["--issue", "competitive"]);
    assert_eq!(one["issues"][0]["smp"], all["issues"][1]["smp"]);
    assert!(
        one["issues"][0]["notes"][0]
            .as_str()
            .unwrap()
            .ends_with("the space's 2 dimensions jointly"),
        "{}",
        one["issues"][0]["notes"]
    );
}
