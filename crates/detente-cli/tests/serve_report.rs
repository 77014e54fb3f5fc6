//! `detente serve` and `detente report` as a user runs them: the real binary, exit codes, the
//! refusal to open the API to the network without a token, a real socket on loopback, and
//! reports whose numbers are the forecast's.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn detente() -> Command {
    let mut cmd = Command::cargo_bin("detente").unwrap();
    cmd.current_dir(std::env::temp_dir());
    cmd.env_remove("DETENTE_TOKEN");
    cmd
}

#[test]
fn serve_refuses_a_public_address_without_a_token() {
    detente()
        .args(["serve", "--bind", "0.0.0.0", "--port", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("without an access token"))
        .stderr(predicate::str::contains("--token"));
}

#[test]
fn serve_refuses_a_short_token() {
    detente()
        .args([
            "serve", "--bind", "0.0.0.0", "--port", "0", "--token", "abc",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("shorter than 16"));
}

#[test]
fn serve_answers_on_loopback() {
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("detente"))
        .args(["serve", "--port", "0"])
        .env_remove("DETENTE_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    // The reader is dropped here, closing the pipe: the server must keep serving regardless.
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("detente serve: listening on http://")
        .and_then(|s| s.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_owned();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let mut stream = TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "GET /api/health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("\"status\":\"ok\""), "{reply}");
}

fn forecast_json(file: &Path) -> Value {
    let out = detente()
        .arg("forecast")
        .arg(file)
        .args(["--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn markdown_report_carries_the_forecast() {
    let file = data("two-party.toml");
    let out = detente()
        .arg("report")
        .arg(&file)
        .args(["--format", "md"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# Test talks"), "{md}");
    assert!(md.contains("## Forecasts"));
    assert!(md.contains("## Package deal"));
    let f = forecast_json(&file);
    for issue in f["issues"].as_array().unwrap() {
        let x = issue["compromise"]["position"].as_f64().unwrap();
        assert!(md.contains(&format!("{x:.1}")), "compromise {x:.1} missing");
    }
}

#[test]
fn html_report_is_one_self_contained_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    detente()
        .arg("report")
        .arg(data("two-party.toml"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote"));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    // Nothing is fetched: no external scripts, styles or images, no module imports left over.
    for needle in [
        "src=\"http",
        "href=\"http",
        "src=\"/",
        "href=\"/",
        "@import",
        "\nimport ",
    ] {
        assert!(!html.contains(needle), "report contains `{needle}`");
    }
    assert!(html.contains("id=\"report-data\""));
    assert!(html.contains("function renderIssueForecast"));
    assert!(html.contains("<caption>Each model's forecast per issue"));
}

#[test]
fn report_on_a_bad_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[scenario]\ntitle = 3\n").unwrap();
    detente()
        .arg("report")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml"));
}
