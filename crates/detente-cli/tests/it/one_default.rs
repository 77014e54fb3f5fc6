//! One scenario, one answer: every front end that shows a Nash package shows the same one.
//!
//! `detente bargain`, `detente report`, `POST /api/bargain` (a real `detente serve` on loopback)
//! and the package Monte Carlo's baseline (`detente montecarlo --model package`) all go through
//! `detente_analysis` with its one set of defaults. Before the facade, the report and the Monte
//! Carlo weighted the Nash product equally while `bargain` and the API weighted it by
//! capability, so the report's "Nash package" was not the one `bargain` printed (issue 11).
//! The expected package is computed here by the library itself, and each front end's output is
//! parsed and compared with it issue by issue.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use crate::cmd::{Command, CommandExt as _};
use serde_json::Value;

fn istanbul() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/istanbul-2025.toml")
}

fn detente() -> Command {
    let mut cmd = Command::cargo_bin("detente").unwrap();
    cmd.current_dir(std::env::temp_dir());
    cmd
}

fn stdout(args: &[&str]) -> String {
    let out = detente().args(args).arg(istanbul()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The library's Nash package on Istanbul under the default analysis config, issue id → value.
fn expected() -> Vec<(String, f64)> {
    let text = std::fs::read_to_string(istanbul()).unwrap();
    let scenario = detente_core::parse("istanbul-2025.toml", &text)
        .unwrap()
        .scenario;
    let packages = detente_analysis::packages(&scenario, &Default::default()).unwrap();
    let nash = packages.solutions.nash.unwrap();
    scenario
        .issues
        .iter()
        .map(|i| i.id.clone())
        .zip(nash.package)
        .collect()
}

/// The Nash package of `detente bargain --format json`.
fn from_bargain() -> Vec<(String, f64)> {
    nash_of(&cli_bargain())
}

/// The document of `detente bargain --format json`.
fn cli_bargain() -> Value {
    serde_json::from_str(&stdout(&["bargain", "--format", "json"])).unwrap()
}

/// The "Nash" row of the package table in `detente report --format md`.
fn from_report() -> Vec<(String, f64)> {
    // Two months of the delay model: the Nash package is month 0's and does not depend on the
    // horizon, and the full 24 months took most of this test's time.
    let md = stdout(&[
        "report",
        "--format",
        "md",
        "--trials",
        "0",
        "--no-sensitivity",
        "--months",
        "2",
        "--settle-trials",
        "100",
    ]);
    let header = md.lines().find(|l| l.starts_with("| solution |")).unwrap();
    let row = md.lines().find(|l| l.starts_with("| Nash |")).unwrap();
    let cells = |l: &str| -> Vec<String> {
        l.trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_owned())
            .collect()
    };
    // Columns: solution, one utility per party, then one value per issue.
    let names = cells(header);
    let values = cells(row);
    let first_issue = names.iter().position(|n| n == "ceasefire").unwrap();
    names[first_issue..]
        .iter()
        .cloned()
        .zip(values[first_issue..].iter().map(|v| v.parse().unwrap()))
        .collect()
}

/// The unperturbed values of the `ISSUE/package-nash` metrics of the package Monte Carlo.
fn from_montecarlo() -> Vec<(String, f64)> {
    let json: Value = serde_json::from_str(&stdout(&[
        "montecarlo",
        "--model",
        "package",
        "--trials",
        "1",
        "--format",
        "json",
    ]))
    .unwrap();
    json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["model"] == "package-nash")
        .map(|m| {
            (
                m["issue"].as_str().unwrap().to_owned(),
                m["baseline"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// The document `POST /api/bargain` answers, from a real `detente serve` on loopback.
fn api_bargain() -> Value {
    let mut child = StdCommand::new(crate::cmd::detente_path())
        .args(["serve", "--port", "0"])
        .env_remove("DETENTE_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("detente serve: listening on http://")
        .and_then(|s| s.strip_suffix('/'))
        .unwrap()
        .to_owned();
    let body = std::fs::read_to_string(istanbul()).unwrap();
    let mut stream = TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /api/bargain HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/toml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    serde_json::from_str(reply.split("\r\n\r\n").nth(1).unwrap()).unwrap()
}

/// The Nash package of a `detente.bargain/2` document.
fn nash_of(json: &Value) -> Vec<(String, f64)> {
    let issues = json["issues"].as_array().unwrap();
    let package = json["solutions"]["nash"]["package"].as_array().unwrap();
    issues
        .iter()
        .zip(package)
        .map(|(i, v)| (i["id"].as_str().unwrap().to_owned(), v.as_f64().unwrap()))
        .collect()
}

#[test]
fn every_front_end_shows_the_same_nash_package() {
    let expected = expected();
    assert_eq!(expected.len(), 8, "one value per Istanbul issue");
    let api = api_bargain();
    for (front_end, got) in [
        ("detente bargain", from_bargain()),
        ("detente report", from_report()),
        ("detente montecarlo --model package", from_montecarlo()),
        ("POST /api/bargain", nash_of(&api)),
    ] {
        assert_eq!(got, expected, "{front_end}");
    }
    // Not only the Nash package: the CLI and the API give one document, field for field.
    assert_eq!(api["schema"], "detente.bargain/2");
    assert_eq!(cli_bargain(), api);
}

#[test]
fn the_default_nash_package_is_weighted_by_capability() {
    // Guards the default itself: with equal weights the Istanbul Nash package differs, so a
    // front end that fell back to equal weights would fail the test above.
    let text = std::fs::read_to_string(istanbul()).unwrap();
    let scenario = detente_core::parse("istanbul-2025.toml", &text)
        .unwrap()
        .scenario;
    let capability = detente_analysis::packages(&scenario, &Default::default()).unwrap();
    let equal = detente_analysis::packages(
        &scenario,
        &detente_analysis::AnalysisConfig::default()
            .with_nash_weights(detente_models::bargain::NashWeights::Equal),
    )
    .unwrap();
    assert_ne!(
        capability.solutions.nash.unwrap().package,
        equal.solutions.nash.unwrap().package
    );
}
