//! Snapshot tests of what people read and parse: every command's output on fixture scenarios,
//! pinned with insta so that a changed number or sentence shows up in review as a diff.
//!
//! One `check(case, args)` helper runs the real binary on a fixture and compares its standard
//! output with `tests/snapshots/snapshots__CASE.snap`. JSON is compared after rounding every
//! float to 6 significant digits, so a last-bit change in a platform's `powf` does not fail the
//! test while any change a reader could see does. Every random draw is seeded (the seed is in
//! the case's arguments). To accept reviewed changes: `INSTA_UPDATE=always cargo test -p
//! detente-cli --test snapshots`, then read the diff of `tests/snapshots/` before committing.
//!
//! `every_snapshot_is_referenced` fails on a `.snap` file that no case writes, so a renamed or
//! removed case cannot leave a stale snapshot behind.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::{Path, PathBuf};

use serde_json::Value;
use std::process::Command;

/// The fixtures, by name: the bundled Istanbul scenario and the small hand-made ones.
fn fixture(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match name {
        "istanbul" => root.join("../../scenarios/istanbul-2025.toml"),
        other => root.join(format!("tests/data/{other}.toml")),
    }
}

/// Every case: snapshot name, fixture, arguments after the command's file argument.
const CASES: &[(&str, &str, &[&str])] = &[
    ("forecast_table_istanbul", "istanbul", &["forecast"]),
    (
        "forecast_csv_istanbul",
        "istanbul",
        &["forecast", "--format", "csv"],
    ),
    (
        "forecast_json_two_party",
        "two-party",
        &["forecast", "--format", "json"],
    ),
    ("forecast_table_two_party", "two-party", &["forecast"]),
    ("bargain_table_istanbul", "istanbul", &["bargain"]),
    (
        "bargain_json_two_party",
        "two-party",
        &["bargain", "--format", "json"],
    ),
    ("delay_table_istanbul", "istanbul", &["delay"]),
    ("delay_table_drift", "drift", &["delay"]),
    (
        "delay_table_events",
        "events",
        &[
            "delay", "--step", "10", "--loss", "linear", "--trials", "300",
        ],
    ),
    (
        "delay_json_events",
        "events",
        &[
            "delay", "--step", "10", "--loss", "linear", "--trials", "300", "--format", "json",
        ],
    ),
    // 300 settlement trials, not the default 1,000: the table's every line is still there, in
    // a third of the time (the delay table above pins the default trials on Istanbul).
    (
        "levers_table_istanbul",
        "istanbul",
        &["levers", "--trials", "300"],
    ),
    (
        "report_md_istanbul",
        "istanbul",
        &[
            "report",
            "--format",
            "md",
            "--trials",
            "200",
            "--seed",
            "7",
            "--no-sensitivity",
            "--settle-trials",
            "200",
        ],
    ),
    (
        "montecarlo_table_istanbul",
        "istanbul",
        &[
            "montecarlo",
            "--model",
            "compromise,median,nash,eum",
            "--trials",
            "200",
            "--seed",
            "7",
        ],
    ),
    (
        "shocks_table_istanbul",
        "istanbul",
        &["shocks", "--model", "compromise"],
    ),
    (
        "sensitivity_table_istanbul",
        "istanbul",
        &["sensitivity", "--model", "compromise", "--trials", "300"],
    ),
    // The charts (`PLOTDIR` stands for a fresh folder; the snapshot holds every file written,
    // by name): the same SVG the HTML report inlines and the dashboard gets from the API.
    (
        "report_plot_two_party",
        "two-party",
        &[
            "report",
            "--plot",
            "PLOTDIR",
            "--trials",
            "0",
            "--no-sensitivity",
        ],
    ),
    (
        "explain_istanbul_territory_russia",
        "istanbul",
        &["explain", "--issue", "territory", "--actor", "russia"],
    ),
];

/// Runs `detente ARGS[0] FIXTURE ARGS[1..]` and returns its standard output (JSON rounded), or,
/// when an argument is `PLOTDIR`, every file written there.
fn run(fixture_name: &str, args: &[&str]) -> String {
    let plot_dir = tempfile::tempdir().unwrap();
    let plot = plot_dir.path().join("charts");
    let args_out: Vec<std::ffi::OsString> = args
        .iter()
        .map(|a| {
            if *a == "PLOTDIR" {
                plot.clone().into_os_string()
            } else {
                a.into()
            }
        })
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_detente"))
        .current_dir(std::env::temp_dir())
        .env("NO_COLOR", "1")
        .args(&args_out[..1])
        .arg(fixture(fixture_name))
        .args(&args_out[1..])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if args.contains(&"PLOTDIR") {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&plot)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let mut text = String::new();
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            text.push_str(&format!(
                "==== {name}\n{}",
                std::fs::read_to_string(&f).unwrap()
            ));
        }
        return text;
    }
    let text = String::from_utf8(out.stdout).unwrap();
    let text = text.replace(&fixture(fixture_name).display().to_string(), "FIXTURE");
    if args.contains(&"json") {
        let mut value: Value = serde_json::from_str(&text).unwrap();
        round(&mut value);
        serde_json::to_string_pretty(&value).unwrap()
    } else {
        text
    }
}

/// Rounds every float in `value` to 6 significant digits.
fn round(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap();
            let rounded: f64 = format!("{x:.5e}").parse().unwrap();
            *value = serde_json::Number::from_f64(rounded).map_or(Value::Null, Value::Number);
        }
        Value::Array(items) => items.iter_mut().for_each(round),
        Value::Object(map) => map.values_mut().for_each(round),
        _ => {}
    }
}

fn check(case: &str) {
    let (_, fixture_name, args) = CASES.iter().find(|(name, ..)| *name == case).unwrap();
    let output = run(fixture_name, args);
    insta::with_settings!({
        description => format!("detente {} {} {}", args[0], fixture_name, args[1..].join(" ")),
        omit_expression => true,
    }, {
        insta::assert_snapshot!(case, output);
    });
}

#[test]
fn forecast_table_istanbul() {
    check("forecast_table_istanbul");
}

#[test]
fn forecast_csv_istanbul() {
    check("forecast_csv_istanbul");
}

#[test]
fn forecast_json_two_party() {
    check("forecast_json_two_party");
}

#[test]
fn forecast_table_two_party() {
    check("forecast_table_two_party");
}

#[test]
fn bargain_table_istanbul() {
    check("bargain_table_istanbul");
}

#[test]
fn bargain_json_two_party() {
    check("bargain_json_two_party");
}

#[test]
fn delay_table_istanbul() {
    check("delay_table_istanbul");
}

#[test]
fn delay_table_drift() {
    check("delay_table_drift");
}

#[test]
fn delay_table_events() {
    check("delay_table_events");
}

#[test]
fn delay_json_events() {
    check("delay_json_events");
}

#[test]
fn levers_table_istanbul() {
    check("levers_table_istanbul");
}

#[test]
fn report_md_istanbul() {
    check("report_md_istanbul");
}

#[test]
fn montecarlo_table_istanbul() {
    check("montecarlo_table_istanbul");
}

#[test]
fn shocks_table_istanbul() {
    check("shocks_table_istanbul");
}

#[test]
fn sensitivity_table_istanbul() {
    check("sensitivity_table_istanbul");
}

#[test]
fn report_plot_two_party() {
    check("report_plot_two_party");
}

#[test]
fn explain_istanbul_territory_russia() {
    check("explain_istanbul_territory_russia");
}

#[test]
fn every_case_has_a_test_and_every_snapshot_a_case() {
    // Each case above has its own #[test] (named like the case), checked through this file's
    // own text; and each stored snapshot belongs to a case.
    let source = include_str!("snapshots.rs");
    for (case, ..) in CASES {
        assert!(
            source.contains(&format!("fn {case}()")),
            "case `{case}` has no #[test] fn"
        );
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let case = name
            .strip_prefix("snapshots__")
            .and_then(|n| n.strip_suffix(".snap"));
        if !case.is_some_and(|c| CASES.iter().any(|(name, ..)| *name == c)) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "snapshots no case writes (delete them): {stale:?}"
    );
}
