//! `detente serve` and `detente report` as a user runs them: the real binary, exit codes, the
//! refusal to open the API to the network without a token, a real socket on loopback, and
//! reports whose numbers are the forecast's.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use crate::cmd::prelude::*;
use crate::cmd::{Command, CommandExt as _};
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
fn serve_refuses_a_token_of_spaces() {
    // Issue 16: sixteen spaces passed the length check and became the access token.
    detente()
        .args(["serve", "--bind", "0.0.0.0", "--port", "0", "--token"])
        .arg(" ".repeat(16))
        .env_remove("DETENTE_TOKEN")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("spaces or control characters"));
}

#[test]
fn serve_answers_on_loopback() {
    let mut child = StdCommand::new(crate::cmd::detente_path())
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

/// The bundled scenario. The report tests that check its structure (sections, charts, files) pass
/// `--months 2`: the delay model and its levers are most of a report's time, and two months
/// give every section and chart that twenty-four do; the snapshot tests pin the full report.
fn istanbul() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/istanbul-2025.toml")
}

fn json_of(args: &[&str]) -> Value {
    let out = detente().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The Markdown report's delay, Monte Carlo and sensitivity sections carry the numbers of
/// `detente delay`, `detente montecarlo` and `detente sensitivity` run on their own with the
/// same options (the report adds no modelling of its own).
#[test]
fn markdown_report_has_delay_montecarlo_and_sensitivity_sections() {
    let file = istanbul();
    let path = file.to_str().unwrap();
    let out = detente()
        .args([
            "report", path, "--format", "md", "--trials", "300", "--seed", "7", "--months", "3",
        ])
        .args(["--sensitivity-trials", "0", "--settle-trials", "100"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The status line is for terminals: a piped stderr gets none of it.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    // `--settle-trials` reaches the settlement forecast.
    assert!(
        md.contains("100 trials, seed 1. Each party values fighting on"),
        "{md}"
    );
    for heading in [
        "## Cost of delay",
        "### Levers",
        "## Monte Carlo",
        "## Sensitivity",
    ] {
        assert!(md.contains(heading), "missing {heading}");
    }

    // The settlement trials change only the settlement forecast, which this test does not read.
    let delay = json_of(&[
        "delay", path, "--months", "3", "--trials", "100", "--format", "json",
    ]);
    let ripe = delay["ripeness"].as_u64().unwrap();
    assert!(md.contains(&format!("Ripe in month {ripe}:")), "{md}");
    // Month 0's row: each party's no-deal value and Nash-deal utility.
    let m0 = &delay["months"][0];
    let d: Vec<f64> = m0["disagreement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let u: Vec<f64> = m0["nash"]["utilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let row = md.lines().find(|l| l.starts_with("| 0 ")).unwrap();
    for (d, u) in d.iter().zip(&u) {
        assert!(row.contains(&format!("| {d:.3} | {u:.3} |")), "{row}");
    }

    // The report labels a metric by its issue's name.
    let forecast = forecast_json(&file);
    let issue_name = |id: &str| -> String {
        forecast["issues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["issue"] == id)
            .unwrap()["name"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let mc = json_of(&[
        "montecarlo",
        path,
        "--format",
        "json",
        "--trials",
        "300",
        "--seed",
        "7",
        "--model",
        "compromise,median,nash,eum",
    ]);
    for m in mc["metrics"].as_array().unwrap() {
        let key = m["key"].as_str().unwrap();
        let (issue, model) = key.split_once('/').unwrap();
        let name = issue_name(issue);
        let cells: Vec<String> = ["mean", "p05", "median", "p95"]
            .iter()
            .map(|k| format!("{:.1}", m[*k].as_f64().unwrap()))
            .collect();
        let expect = format!(
            "| {name}: {model} | {:.1} | {} |",
            m["baseline"].as_f64().unwrap(),
            cells.join(" | ")
        );
        assert!(md.contains(&expect), "missing `{expect}`");
    }

    // The largest tornado bar of one forecast, as `detente sensitivity` finds it.
    let sens = json_of(&[
        "sensitivity",
        path,
        "--format",
        "json",
        "--trials",
        "0",
        "--model",
        "compromise,median,nash,eum",
    ]);
    let metric = sens["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "armed-forces/median")
        .unwrap();
    let top = &metric["tornado"][0];
    let expect = format!(
        "| Ceiling on Ukraine's armed forces: median | {:.1} | {} | {:.1} | {:.1} | {:.1} |",
        metric["baseline"].as_f64().unwrap(),
        top["input"].as_str().unwrap(),
        top["at_low"].as_f64().unwrap(),
        top["at_high"].as_f64().unwrap(),
        top["swing"].as_f64().unwrap()
    );
    assert!(md.contains(&expect), "missing `{expect}`");
}

#[test]
fn html_report_inlines_the_delay_montecarlo_and_sensitivity_views() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    detente()
        .arg("report")
        .arg(istanbul())
        .args(["--months", "2", "--settle-trials", "100"])
        .args(["--trials", "100", "--sensitivity-trials", "50", "-o"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    for needle in [
        "id=\"delay-view\"",
        "id=\"montecarlo-view\"",
        "id=\"sensitivity-view\"",
        "function renderDelay",
        "function renderMonteCarlo",
        "function renderSensitivity",
        "function chartFor",
        "<caption>100 trials, seed 0",
    ] {
        assert!(html.contains(needle), "report lacks `{needle}`");
    }
    let start = html.find("id=\"report-data\">").unwrap() + "id=\"report-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let inlined: Value = serde_json::from_str(&html[start..end]).unwrap();
    // The charts come drawn, inlined with the data: a band chart per issue, a histogram per
    // metric and a tornado per forecast some input moves, each a complete SVG document.
    let charts = inlined["charts"].as_array().unwrap();
    let count = |kind: &str| charts.iter().filter(|c| c["chart"] == kind).count();
    assert_eq!(count("mc-band"), 8);
    assert_eq!(
        count("mc-histogram"),
        inlined["montecarlo"]["metrics"].as_array().unwrap().len()
    );
    assert!(count("tornado") >= 1);
    assert_eq!(count("delay"), 1);
    for c in charts {
        let svg = c["svg"].as_str().unwrap();
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{}",
            c["chart"]
        );
        assert!(svg.trim_end().ends_with("</svg>"), "{}", c["chart"]);
    }
    assert_eq!(inlined["montecarlo"]["trials"], 100);
    assert!(inlined["delay"]["months"].as_array().unwrap().len() > 1);
    assert!(inlined["levers"]["variants"].as_array().unwrap().len() > 1);
    // Tornados are cut to the bars the page can show.
    for m in inlined["sensitivity"]["metrics"].as_array().unwrap() {
        assert!(m["tornado"].as_array().unwrap().len() <= 12);
    }

    // Without the uncertainty sections, and on a scenario without `[time]`, they are left out.
    let plain = detente()
        .arg("report")
        .arg(data("two-party.toml"))
        .args(["--format", "md", "--trials", "0", "--no-sensitivity"])
        .output()
        .unwrap();
    let md = String::from_utf8(plain.stdout).unwrap();
    for absent in ["## Cost of delay", "## Monte Carlo", "## Sensitivity"] {
        assert!(!md.contains(absent), "unexpected {absent}");
    }
}

#[test]
fn report_plot_writes_one_svg_per_chart_and_no_report_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let plots = dir.path().join("charts/new");
    let out = detente()
        .arg("report")
        .arg(istanbul())
        .args(["--months", "2", "--settle-trials", "100"])
        .args(["--trials", "50", "--sensitivity-trials", "0", "--plot"])
        .arg(&plots)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "no report on stdout with --plot alone"
    );
    let mut names: Vec<String> = std::fs::read_dir(&plots)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("wrote {} charts", names.len())),
        "{stderr}"
    );
    for must in [
        "eum-ceasefire.svg",
        "frontier.svg",
        "delay.svg",
        "montecarlo-territory.svg",
        "tornado-armed-forces-median.svg",
    ] {
        assert!(
            names.iter().any(|n| n == must),
            "{must} missing from {names:?}"
        );
    }
    for n in &names {
        let svg = std::fs::read_to_string(plots.join(n)).unwrap();
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{n}"
        );
        assert!(svg.trim_end().ends_with("</svg>"), "{n}");
    }

    // With --output as well, both are written.
    let report = dir.path().join("r.md");
    detente()
        .arg("report")
        .arg(istanbul())
        .args(["--months", "2", "--settle-trials", "100"])
        .args([
            "--format",
            "md",
            "--trials",
            "0",
            "--no-sensitivity",
            "--plot",
        ])
        .arg(dir.path().join("more"))
        .arg("-o")
        .arg(&report)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .contains("## Forecasts")
    );
    assert!(dir.path().join("more/frontier.svg").exists());

    // A folder that cannot be made is a clear input error.
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    detente()
        .arg("report")
        .arg(istanbul())
        .args(["--months", "2", "--settle-trials", "100"])
        .args(["--trials", "0", "--no-sensitivity", "--plot"])
        .arg(file.join("sub"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot create"))
        .stderr(predicate::str::contains("help: give --plot a folder"));
}

/// The HTML report opens with a summary (one line per part that ran) and a contents list whose
/// links reach every section (issue 16: "one 18,000-pixel page with no contents or summary").
#[test]
fn html_report_opens_with_a_summary_and_contents() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    detente()
        .arg("report")
        .arg(istanbul())
        .args(["--months", "2", "--settle-trials", "100"])
        .args(["--trials", "50", "--sensitivity-trials", "20", "-o"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    let summary = html.find("class=\"report-summary\"").expect("a summary");
    let contents = html.find("<nav class=\"contents\"").expect("contents");
    let first = html
        .find("<h2 id=\"section-1\">")
        .expect("numbered sections");
    assert!(summary < contents && contents < first);
    for part in [
        "Headline forecast</strong>",
        "Package deal</strong>",
        "When a deal comes</strong>",
    ] {
        assert!(
            html[summary..contents].contains(part),
            "summary lacks `{part}`"
        );
    }
    let sections = html.matches("<h2 id=\"section-").count();
    assert!(sections >= 6, "{sections} sections");
    for k in 1..=sections {
        assert!(
            html[contents..first].contains(&format!("href=\"#section-{k}\"")),
            "contents lack section {k}"
        );
    }
}
