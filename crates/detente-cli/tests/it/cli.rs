//! End-to-end tests of the `detente` binary: each runs the real executable in a temporary
//! directory and checks its output and exit code (0 ok, 2 bad input).

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::{Path, PathBuf};

use crate::cmd::prelude::*;
use crate::cmd::{Command, CommandExt as _};
use serde_json::Value;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn istanbul() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/istanbul-2025.toml")
}

fn detente() -> Command {
    let mut cmd = Command::cargo_bin("detente").unwrap();
    cmd.current_dir(std::env::temp_dir());
    cmd
}

fn json_forecast(file: &Path, extra: &[&str]) -> Value {
    let out = detente()
        .arg("forecast")
        .arg(file)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn issue<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["issue"] == id)
        .unwrap()
}

#[test]
fn table_report_names_issues_models_and_anchors() {
    detente()
        .arg("forecast")
        .arg(data("two-party.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("1. Border line [border]"))
        .stdout(predicate::str::contains("compromise"))
        .stdout(predicate::str::contains("~ \"current line\""))
        .stdout(predicate::str::contains("gridlock"));
}

/// Hand-computed values for `two-party.toml`. Border: weights c*s are 54, 32, 15, 12 (sum 113)
/// at 90, 10, 55, 20, so the mean is 6245/113 and the median is 55 (cumulative 32, 44, 59 from
/// the left reaches 56.5 at 55). Both principals stand on opposite sides of the status quo, so
/// Nash is the status quo. Trade: weights 24, 20, 6 at 6, 8, 10: mean 364/50 = 7.28.
#[test]
fn json_forecast_matches_hand_computation() {
    let doc = json_forecast(&data("two-party.toml"), &[]);
    assert_eq!(doc["schema"], "detente.forecast/1");
    let border = issue(&doc, "border");
    let mean = border["compromise"]["position"].as_f64().unwrap();
    assert!((mean - 6245.0 / 113.0).abs() < 1e-12, "{mean}");
    assert_eq!(border["median"]["position"].as_f64(), Some(55.0));
    assert_eq!(border["nash"]["position"].as_f64(), Some(50.0));
    assert_eq!(border["nash"]["gridlock"], true);
    assert_eq!(
        border["nash"]["players"],
        serde_json::json!(["north", "south"])
    );
    let trade = issue(&doc, "trade");
    let mean = trade["compromise"]["position"].as_f64().unwrap();
    assert!((mean - 7.28).abs() < 1e-12, "{mean}");
    assert_eq!(trade["nash"]["gridlock"], false);
}

#[test]
fn json_holds_every_eum_round_with_positions_and_risk() {
    let doc = json_forecast(
        &data("two-party.toml"),
        &["--model", "eum", "--rounds", "4"],
    );
    let eum = &issue(&doc, "border")["eum"];
    let rounds = eum["rounds"].as_array().unwrap();
    assert!(!rounds.is_empty() && rounds.len() <= 5, "{}", rounds.len());
    assert_eq!(rounds[0]["round"], 0);
    for round in rounds {
        assert!(round["median"].is_number() && round["mean"].is_number());
        let actors = round["actors"].as_array().unwrap();
        assert_eq!(actors.len(), 4);
        assert!(
            actors
                .iter()
                .all(|a| a["position"].is_number() && a["risk"].is_number())
        );
    }
    assert!(
        issue(&doc, "border").get("compromise").is_none(),
        "only eum was asked for"
    );
}

#[test]
fn csv_has_a_row_per_issue_and_model() {
    let out = detente()
        .arg("forecast")
        .arg(data("two-party.toml"))
        .args(["--format", "csv", "--model", "compromise,median"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "issue,model,position,anchor,status_quo,detail");
    // Per issue the headline row, then one row per model.
    assert_eq!(lines.len(), 1 + 2 * (1 + 2), "{text}");
    assert!(lines[1].starts_with("border,headline,"), "{text}");
    assert!(
        lines[1].contains(";p80=") && lines[1].contains(";p90="),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("border,median,55,current line,50"))
    );
}

#[test]
fn issue_filter_and_unknown_issue() {
    let doc = json_forecast(&data("two-party.toml"), &["--issue", "trade"]);
    assert_eq!(doc["issues"].as_array().unwrap().len(), 1);
    detente()
        .arg("forecast")
        .arg(data("two-party.toml"))
        .args(["--issue", "borders"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown issue `borders`"))
        .stderr(predicate::str::contains("border, trade"));
}

#[test]
fn validate_reports_ok_and_counts() {
    detente()
        .arg("validate")
        .arg(data("two-party.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "valid scenario \"Test talks\": 4 actors, 2 issues, 7 positions",
        ));
}

#[test]
fn invalid_scenario_exits_2_with_file_line_field_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(data("two-party.toml"))
        .unwrap()
        .replace("salience = 0.9", "salience = 9");
    std::fs::write(&path, text).unwrap();
    detente()
        .arg("forecast")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml:46:"))
        .stderr(predicate::str::contains("issues[0].positions[0].salience"))
        .stderr(predicate::str::contains("salience 9 is outside 0..=1"))
        .stderr(predicate::str::contains(
            "on a 0-100 scale this would be 0.09",
        ))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn strict_validation_fails_on_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhy.toml");
    let text = std::fs::read_to_string(data("two-party.toml"))
        .unwrap()
        .replacen("why = \"test\"", "", 1);
    std::fs::write(&path, text).unwrap();
    detente().arg("validate").arg(&path).assert().success();
    detente()
        .arg("validate")
        .arg(&path)
        .arg("--strict")
        .assert()
        .code(2)
        .stdout(predicate::str::contains("has no `why`"));
}

#[test]
fn missing_directory_binary_and_huge_files_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    detente()
        .args(["forecast", "no-such-file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read `no-such-file.toml`"));
    detente()
        .arg("validate")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
    let binary = dir.path().join("binary.toml");
    std::fs::write(&binary, [0xff_u8, 0xfe, 0x00, 0x41]).unwrap();
    detente()
        .arg("validate")
        .arg(&binary)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not UTF-8"));
    let huge = dir.path().join("huge.toml");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(17 * 1024 * 1024).unwrap();
    detente()
        .arg("validate")
        .arg(&huge)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("over the limit"));
}

#[test]
fn explain_tells_an_actors_rounds() {
    detente()
        .arg("explain")
        .arg(data("two-party.toml"))
        .args(["--issue", "border", "--actor", "friend"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Friend of South on \"Border line\"",
        ))
        .stdout(predicate::str::contains("round 0: starts at 20.00"))
        .stdout(predicate::str::contains("round 1: risk exponent"));
    detente()
        .arg("explain")
        .arg(data("two-party.toml"))
        .args(["--issue", "trade", "--actor", "broker"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "takes no position on issue `trade`",
        ));
    detente()
        .arg("explain")
        .arg(data("two-party.toml"))
        .args(["--issue", "border", "--actor", "nobody"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown actor `nobody`"));
}

#[test]
fn import_writes_a_scenario_that_forecasts() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("table.csv");
    std::fs::write(
        &csv,
        "Actor,Capability,Position,Salience\nA,10,0,80\nB,20,100,50\nC,5,40,100\n",
    )
    .unwrap();
    let out = dir.path().join("table.toml");
    detente()
        .arg("import")
        .arg(&csv)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("0..100"));
    let doc = json_forecast(&out, &["--model", "compromise"]);
    // Saliences 0.8, 0.5, 1.0: (10*0.8*0 + 20*0.5*100 + 5*1*40) / (8 + 10 + 5) = 1200/23.
    let mean = doc["issues"][0]["compromise"]["position"].as_f64().unwrap();
    assert!((mean - 1200.0 / 23.0).abs() < 1e-9, "{mean}");
    detente()
        .arg("import")
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("[[issues.positions]]"));
    let broken = dir.path().join("broken.csv");
    std::fs::write(
        &broken,
        "Actor,Capability,Position,Salience\nA,-1,0,0.5\nB,1,1,0.5\n",
    )
    .unwrap();
    detente()
        .arg("import")
        .arg(&broken)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.csv"));
}

#[test]
fn istanbul_scenario_forecasts_every_issue() {
    let doc = json_forecast(&istanbul(), &[]);
    let issues = doc["issues"].as_array().unwrap();
    assert!(issues.len() >= 7, "{}", issues.len());
    for issue in issues {
        for model in ["compromise", "median", "nash", "eum"] {
            let x = issue[model]["position"].as_f64();
            let [lo, hi] = [
                issue["scale"][0].as_f64().unwrap(),
                issue["scale"][1].as_f64().unwrap(),
            ];
            assert!(
                x.is_some_and(|x| lo <= x && x <= hi),
                "{} {model}: {x:?}",
                issue["issue"]
            );
        }
    }
    detente()
        .arg("validate")
        .arg(istanbul())
        .arg("--strict")
        .assert()
        .success();
}

/// Every EUM move in the JSON carries its reason in words, naming actors by their display names,
/// and the terminal report's "Biggest moves" prints that same sentence (one wording everywhere;
/// the dashboard shows the JSON's).
#[test]
fn move_reasons_in_json_are_the_report_sentences() {
    let doc = json_forecast(&istanbul(), &[]);
    let table = detente().arg("forecast").arg(istanbul()).output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let table = squash(&table);
    let ceasefire = issue(&doc, "ceasefire");
    let moves: Vec<&Value> = ceasefire["eum"]["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["moves"].as_array().unwrap())
        .collect();
    assert!(!moves.is_empty());
    for m in &moves {
        let reason = m["reason"].as_str().unwrap();
        // Names, not ids: "United States", never "united-states".
        assert!(!reason.contains(m["toward"].as_str().unwrap()), "{reason}");
        assert!(
            ["confrontation", "compromises", "capitulates"]
                .iter()
                .any(|w| reason.contains(w)),
            "{reason}"
        );
    }
    // The largest move of the issue is listed first in the report, with the same sentence.
    let biggest = moves
        .iter()
        .max_by(|a, b| {
            let d = |m: &Value| (m["to"].as_f64().unwrap() - m["from"].as_f64().unwrap()).abs();
            d(a).total_cmp(&d(b))
        })
        .unwrap();
    let reason = squash(biggest["reason"].as_str().unwrap());
    assert!(
        reason.starts_with("Turkey compromises with Poland"),
        "{reason}"
    );
    assert!(table.contains(&reason), "report lacks `{reason}`");
}

/// The headline in the JSON is the learnt stack of the bases, recomputed here from the JSON's own
/// model forecasts, the unweighted mean of the positions (by hand: border 90, 10, 55, 20 -> 43.75)
/// and the bundled weights of the issue's group; with `--model compromise,median` the EUM's and
/// Nash's weights are spread over the rest in proportion. `equal` is the plain mean of the four
/// models; `none` leaves the headline out; bad weights exit 2 naming the model.
#[test]
fn headline_is_the_learnt_stack_of_the_models() {
    use detente_models::headline::{Base, learnt};
    let learnt = learnt().unwrap();
    let doc = json_forecast(&data("two-party.toml"), &["--model", "compromise,median"]);
    let border = issue(&doc, "border");
    let h = &border["headline"];
    let group = h["group"].as_str().unwrap();
    let g = (0..learnt.stack.weights.len())
        .find(|&g| {
            learnt
                .stack
                .grouping
                .group_name(g, learnt.stack.spread_split)
                == group
        })
        .unwrap();
    let w = learnt.stack.weights[g];
    let pos = |k: &str| border[k]["position"].as_f64().unwrap();
    let mean = (90.0 + 10.0 + 55.0 + 20.0) / 4.0;
    let parts = [
        (Base::StatusQuo, 50.0),
        (Base::Mean, mean),
        (Base::Compromise, pos("compromise")),
        (Base::Median, pos("median")),
    ];
    let num: f64 = parts.iter().map(|(b, x)| w[b.index()] * x).sum();
    let den: f64 = parts.iter().map(|(b, _)| w[b.index()]).sum();
    let expected = num / den;
    let got = h["position"].as_f64().unwrap();
    assert!((got - expected).abs() < 1e-9, "{got} vs {expected}");
    let ivs = h["intervals"].as_array().unwrap();
    assert_eq!(ivs.len(), 3);
    let mut last = (f64::INFINITY, f64::NEG_INFINITY);
    for iv in ivs {
        let (lo, hi) = (iv["low"].as_f64().unwrap(), iv["high"].as_f64().unwrap());
        assert!(lo <= got && got <= hi, "{iv}");
        assert!(lo <= last.0 && hi >= last.1, "intervals nest: {ivs:?}");
        last = (lo, hi);
    }
    assert_eq!(doc["headline"]["training_issues"], learnt.issues);
    // The mediator and the ally: no DEU issue has one, so the issue is flagged.
    assert!(
        h["unlike_training"][0]
            .as_str()
            .unwrap()
            .contains("mediators and allies")
    );

    let all = json_forecast(&data("two-party.toml"), &["--headline", "equal"]);
    let b = issue(&all, "border");
    let four = ["compromise", "median", "nash", "eum"]
        .iter()
        .map(|k| b[*k]["position"].as_f64().unwrap())
        .sum::<f64>()
        / 4.0;
    assert!((b["headline"]["position"].as_f64().unwrap() - four).abs() < 1e-9);
    let none = json_forecast(&data("two-party.toml"), &["--headline", "none"]);
    assert!(none.get("headline").is_none() && issue(&none, "border").get("headline").is_none());
    detente()
        .arg("forecast")
        .arg(data("two-party.toml"))
        .args(["--headline", "compromise=1,oracle=2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown model `oracle`"));
}

/// The terminal report opens with the headline table, before the models, and says what the
/// weights were learnt on.
#[test]
fn istanbul_report_opens_with_the_headline() {
    let out = detente().arg("forecast").arg(istanbul()).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let head = text.find("Headline forecast per issue").unwrap();
    let glance = text.find("Forecasts at a glance").unwrap();
    assert!(head < glance, "{text}");
    let block = &text[head..glance];
    assert!(block.contains("EU legislative decisions"), "{block}");
    assert!(block.contains("90% interval"), "{block}");
    assert!(
        block.contains("! territory: mediators and allies"),
        "{block}"
    );
    assert!(text.contains("  headline "), "{text}");
}

/// Issue 13: the scenario's own `[scenario] headline` weights make its headline (and the JSON
/// says so, with the reason); `--headline` given on the command line wins over them.
#[test]
fn the_scenarios_own_headline_weights_and_the_option_that_overrides_them() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(istanbul()).unwrap().replacen(
        "[scenario]\n",
        "[scenario]\nheadline = \"compromise=1\"\nheadline_why = \"Judgement: the compromise alone.\"\n",
        1,
    );
    let own = dir.path().join("own.toml");
    std::fs::write(&own, text).unwrap();
    let doc = json_forecast(&own, &[]);
    assert_eq!(doc["headline"]["preset"], "custom");
    assert_eq!(
        doc["headline"]["from_scenario"],
        "Judgement: the compromise alone."
    );
    for issue in doc["issues"].as_array().unwrap() {
        let (h, c) = (
            issue["headline"]["position"].as_f64().unwrap(),
            issue["compromise"]["position"].as_f64().unwrap(),
        );
        assert!(
            (h - c).abs() < 1e-9,
            "{}: the headline {h} is not the compromise {c}",
            issue["issue"]
        );
    }
    let overridden = json_forecast(&own, &["--headline", "learnt"]);
    assert_eq!(overridden["headline"]["preset"], "learnt");
    assert!(overridden["headline"].get("from_scenario").is_none());
    assert_eq!(overridden, json_forecast(&istanbul(), &[]));
}
