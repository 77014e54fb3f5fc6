//! End-to-end tests of `detente negotiate` and `detente tournament` (the real binary).
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::{Path, PathBuf};

use crate::cmd::prelude::*;
use crate::cmd::{Command, CommandExt as _};

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

/// The issue's spelling `--a X --b Y` runs the same negotiation as `--agents X,Y`, and it cannot
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

/// Issue 15: a GeniusWeb folder (one domain JSON, one `LinearAdditiveUtilitySpace` profile per
/// party; NegMAS's `Party` example) works in `bargain`, `negotiate` and `tournament`, through
/// the one folder reader of the CLI. The Nash package `bargain` finds on the frontier is checked
/// against a brute force over all 3,072 packages computed here from the JSON itself: utility
/// `Σ w_i u_i(v_i)` as written, reservation the utility of the reservation bid, the largest
/// product of gains over packages that give both parties more than their reservation.
#[test]
fn geniusweb_folders_work_in_bargain_negotiate_and_tournament() {
    let folder = genius("geniusweb");
    let read = |f: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(folder.join(f)).unwrap()).unwrap()
    };
    let domain = read("party.json");
    let issues: Vec<(String, Vec<String>)> = domain["issuesValues"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let values = v["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_owned())
                .collect();
            (k.clone(), values)
        })
        .collect();
    let profiles = [read("party1.json"), read("party2.json")];
    let utility = |p: &serde_json::Value, bid: &[&str]| -> f64 {
        let space = &p["LinearAdditiveUtilitySpace"];
        issues
            .iter()
            .zip(bid)
            .map(|((issue, _), value)| {
                space["issueWeights"][issue].as_f64().unwrap()
                    * space["issueUtilities"][issue]["discreteutils"]["valueUtilities"][*value]
                        .as_f64()
                        .unwrap()
            })
            .sum()
    };
    let reservation: Vec<f64> = profiles
        .iter()
        .map(|p| {
            let bid = &p["LinearAdditiveUtilitySpace"]["reservationBid"]["issuevalues"];
            let values: Vec<&str> = issues
                .iter()
                .map(|(i, _)| bid[i].as_str().unwrap())
                .collect();
            utility(p, &values)
        })
        .collect();
    let mut best: Option<(f64, Vec<String>)> = None;
    let mut index = vec![0usize; issues.len()];
    let mut count = 0;
    'all: loop {
        count += 1;
        let bid: Vec<&str> = issues
            .iter()
            .zip(&index)
            .map(|((_, v), &k)| v[k].as_str())
            .collect();
        let gains: Vec<f64> = profiles
            .iter()
            .zip(&reservation)
            .map(|(p, r)| utility(p, &bid) - r)
            .collect();
        if gains.iter().all(|&g| g > 0.0) {
            let product = gains[0] * gains[1];
            if best.as_ref().is_none_or(|(b, _)| product > *b + 1e-12) {
                best = Some((product, bid.iter().map(|s| (*s).to_owned()).collect()));
            }
        }
        for k in (0..issues.len()).rev() {
            index[k] += 1;
            if index[k] < issues[k].1.len() {
                continue 'all;
            }
            index[k] = 0;
        }
        break;
    }
    assert_eq!(count, 3072);
    let (product, brute) = best.unwrap();

    let out = detente()
        .args(["bargain", folder.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["space_size"].as_str(), Some("3072"));
    let nash = &doc["solutions"]["nash"];
    // Compared issue by issue (this test's JSON map sorts the issues by name; the file's
    // order is the output's).
    let chosen: std::collections::BTreeMap<String, String> = doc["issues"]
        .as_array()
        .unwrap()
        .iter()
        .zip(nash["labels"].as_array().unwrap())
        .map(|(i, l)| {
            (
                i["id"].as_str().unwrap().to_owned(),
                l.as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: std::collections::BTreeMap<String, String> =
        issues.iter().map(|(i, _)| i.clone()).zip(brute).collect();
    assert_eq!(chosen, expected);
    assert!((nash["objective"].as_f64().unwrap() - product).abs() < 1e-6);
    let disagreement: Vec<f64> = doc["disagreement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    for (d, r) in disagreement.iter().zip(&reservation) {
        assert!((d - r).abs() < 1e-9, "{d} vs {r}");
    }

    detente()
        .args(["negotiate", folder.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("3,072 outcomes"))
        .stdout(predicate::str::contains("agreement in round"));

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tournament.toml");
    std::fs::write(
        &config,
        format!(
            "domains = [{:?}]\nagents = [\"boulware\", \"conceder\"]\nrounds = 50\n",
            folder.to_str().unwrap()
        ),
    )
    .unwrap();
    detente()
        .args(["tournament", config.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("boulware"));
}

/// A GeniusWeb folder with two domain files, or a JSON file that is not JSON, is refused with
/// the file and the fix.
#[test]
fn a_broken_geniusweb_folder_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let source = genius("geniusweb");
    for f in ["party.json", "party1.json", "party2.json"] {
        std::fs::copy(source.join(f), dir.path().join(f)).unwrap();
    }
    std::fs::copy(source.join("party.json"), dir.path().join("again.json")).unwrap();
    for command in ["bargain", "negotiate"] {
        detente()
            .args([command, dir.path().to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "expected exactly one GeniusWeb domain file",
            ))
            .stderr(predicate::str::contains("found 2"))
            .stderr(predicate::str::contains("LinearAdditiveUtilitySpace"));
    }
    std::fs::remove_file(dir.path().join("again.json")).unwrap();
    std::fs::write(dir.path().join("party2.json"), "{ not json").unwrap();
    detente()
        .args(["bargain", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("party2.json"));
}

/// Issue 15: `detente export` writes a scenario's package space as a GENIUS and as a GeniusWeb
/// folder; `bargain` on either folder finds the Nash package and utilities that `bargain` finds
/// on the scenario with symmetric weights (as GENIUS has), `negotiate` plays it, and a second
/// export into the same folder is refused before any file is touched.
#[test]
fn export_writes_folders_that_read_back_to_the_same_deal() {
    let istanbul = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/istanbul-2025.toml");
    let istanbul = istanbul.to_str().unwrap();
    let json = |args: &[&str]| -> serde_json::Value {
        let out = detente().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let direct = json(&[
        "bargain", istanbul, "--step", "25", "--nash", "equal", "--format", "json",
    ]);
    let want = &direct["solutions"]["nash"];
    let dir = tempfile::tempdir().unwrap();
    for format in ["genius", "geniusweb"] {
        let out = dir.path().join(format);
        detente()
            .args([
                "export", istanbul, "--format", format, "--step", "25", "--out",
            ])
            .arg(&out)
            .assert()
            .success()
            .stderr(predicate::str::contains("wrote 3 files"));
        let read = json(&["bargain", out.to_str().unwrap(), "--format", "json"]);
        let got = &read["solutions"]["nash"];
        // The folder's value labels are the scenario's grid values.
        let values: Vec<f64> = got["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().parse().unwrap())
            .collect();
        let expected: Vec<f64> = want["package"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        assert_eq!(values, expected, "{format}");
        for (a, b) in got["utilities"]
            .as_array()
            .unwrap()
            .iter()
            .zip(want["utilities"].as_array().unwrap())
        {
            assert!(
                (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-6,
                "{format}"
            );
        }
        assert_eq!(read["disagreement"].as_array().unwrap().len(), 2);
        for (a, b) in read["disagreement"]
            .as_array()
            .unwrap()
            .iter()
            .zip(direct["disagreement"].as_array().unwrap())
        {
            assert!(
                (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-6,
                "{format}"
            );
        }
        detente()
            .args(["negotiate"])
            .arg(&out)
            .assert()
            .success()
            .stdout(predicate::str::contains("outcomes"));
        let before = std::fs::read_to_string(out.join(format!(
            "russia.{}",
            if format == "genius" { "xml" } else { "json" }
        )))
        .unwrap();
        detente()
            .args([
                "export", istanbul, "--format", format, "--step", "50", "--out",
            ])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("already exists"));
        let after = std::fs::read_to_string(out.join(format!(
            "russia.{}",
            if format == "genius" { "xml" } else { "json" }
        )))
        .unwrap();
        assert_eq!(before, after);
    }
}

/// Issue 15: `--real-points` sets how finely a GENIUS real issue is discretised, in `bargain`
/// and `negotiate`. On RealIssueFuzzy (one real issue on [10, 40]; the buyer's utility
/// `1.3333333333 − 0.033333333 x`, the seller's `−0.3333333 + 0.03333333 x`, from the profiles)
/// seven points give the grid 10, 15, ..., 40; the Nash package is the grid point that maximises
/// the product of gains over the disagreement point, computed here from the profiles' formulas.
#[test]
fn real_points_set_the_grid_of_a_genius_real_issue() {
    let folder = genius("RealIssueFuzzy");
    let out = detente()
        .args([
            "bargain",
            folder.to_str().unwrap(),
            "--real-points",
            "7",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["space_size"], "7");
    assert_eq!(doc["issues"][0]["grid_points"], 7);
    let d: Vec<f64> = doc["disagreement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let buyer = |x: f64| (1.3333333333 - 0.033333333 * x).clamp(0.0, 1.0);
    let seller = |x: f64| (-0.3333333 + 0.03333333 * x).clamp(0.0, 1.0);
    let grid: Vec<f64> = (0..7).map(|k| 10.0 + 5.0 * f64::from(k)).collect();
    let best = grid
        .iter()
        .copied()
        .filter(|&x| buyer(x) > d[0] && seller(x) > d[1])
        .max_by(|&a, &b| {
            let p = |x: f64| (buyer(x) - d[0]) * (seller(x) - d[1]);
            p(a).total_cmp(&p(b))
        })
        .unwrap();
    let nash = &doc["solutions"]["nash"];
    assert_eq!(nash["package"][0].as_f64().unwrap(), best);
    let u = nash["utilities"][0].as_f64().unwrap();
    assert!((u - buyer(best)).abs() < 1e-6, "{u} vs {}", buyer(best));
    // Every package on the frontier is a grid point.
    for p in doc["frontier"].as_array().unwrap() {
        let x = p["package"][0].as_f64().unwrap();
        assert!(grid.contains(&x), "{x} is not on the 7-point grid");
    }
    // `negotiate` plays on the same grid: its agreement is one of the seven values.
    let out = detente()
        .args([
            "negotiate",
            folder.to_str().unwrap(),
            "--agents",
            "linear,linear",
            "--real-points",
            "7",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["outcomes"], 7);
    let agreed: f64 = doc["agreement"][0].as_str().unwrap().parse().unwrap();
    assert!(
        grid.contains(&agreed),
        "{agreed} is not on the 7-point grid"
    );
    // The default stays 11 points (10, 13, ..., 40).
    let out = detente()
        .args([
            "negotiate",
            folder.to_str().unwrap(),
            "--agents",
            "linear,linear",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["outcomes"], 11);
    // Out of range: exit 2 with the accepted range.
    detente()
        .args(["bargain", folder.to_str().unwrap(), "--real-points", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1 is not in 2..=1001"));
}

/// Issue 15: `--preset negmas` plays the time-based negotiators as NegMAS 0.16 does, on raw
/// GENIUS evaluations (checked case by case against NegMAS in detente-negotiation's
/// `tests/it/negmas.rs`): SupermarketA Boulware vs Conceder agrees in round 39 with utilities on
/// NegMAS's raw scale (9.80 and 4.25), against round 76 under the default GENIUS semantics.
#[test]
fn the_negmas_preset_changes_semantics_and_names_the_negotiators() {
    let folder = genius("SupermarketA");
    detente()
        .args([
            "negotiate",
            folder.to_str().unwrap(),
            "--agents",
            "boulware,conceder",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("agreement in round 76"));
    detente()
        .args([
            "negotiate",
            folder.to_str().unwrap(),
            "--agents",
            "boulware,conceder",
            "--preset",
            "negmas",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("agreement in round 39"))
        .stdout(predicate::str::contains("negmas-boulware"))
        .stdout(predicate::str::contains("9.8000"));
    detente()
        .args(["negotiate", folder.to_str().unwrap(), "--preset", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("genius").and(predicate::str::contains("negmas")));
}

/// A tournament config's `preset` and `real_points` do for every negotiation what
/// `negotiate --preset` and `--real-points` do for one: under `negmas`, SupermarketA's
/// Boulware vs Conceder agrees in round 39 (the NegMAS-checked round above) with NegMAS's
/// negotiator names, against round 76 without; a `real_points` out of range is refused.
#[test]
fn a_tournament_config_sets_the_preset_and_the_real_grid() {
    let dir = tempfile::tempdir().unwrap();
    let run = |extra: &str| -> serde_json::Value {
        let config = dir.path().join("t.toml");
        std::fs::write(
            &config,
            format!(
                "domains = [{:?}]\nagents = [\"boulware\", \"conceder\"]\nrounds = 100\n{extra}",
                genius("SupermarketA")
            ),
        )
        .unwrap();
        let out = detente()
            .args(["tournament", config.to_str().unwrap(), "--format", "json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    // The record with Boulware in seat 0 and Conceder in seat 1.
    let round = |doc: &serde_json::Value, first: &str| -> (u64, String) {
        let r = doc["records"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["agents"][0].as_str().unwrap().contains(first)
                    && r["agents"][1].as_str().unwrap().contains("conceder")
            })
            .unwrap();
        (
            r["round"].as_u64().unwrap(),
            r["agents"][0].as_str().unwrap().to_owned(),
        )
    };
    let genius_run = run("");
    let negmas_run = run("preset = \"negmas\"\nreal_points = 21\n");
    assert_eq!(round(&genius_run, "boulware"), (76, "boulware".to_owned()));
    assert_eq!(
        round(&negmas_run, "boulware"),
        (39, "negmas-boulware".to_owned())
    );

    let config = dir.path().join("bad.toml");
    std::fs::write(
        &config,
        format!(
            "domains = [{:?}]\nagents = [\"boulware\", \"conceder\"]\nreal_points = 1\n",
            genius("SupermarketA")
        ),
    )
    .unwrap();
    detente()
        .args(["tournament", config.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("real_points").and(predicate::str::contains("2 to 1,001")),
        );
}

/// `bargain` reads folders through the analysis API's one reader (`folder_problem`), which
/// Python's `bargain` uses too; a loader warning (GeniusWeb weights that do not sum to 1) is
/// printed once with one `warning:` prefix (the CLI's own GeniusWeb path printed it twice).
#[test]
fn a_folder_warning_is_printed_once_with_one_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let from = genius("geniusweb");
    for entry in std::fs::read_dir(&from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if name == "party1.json" {
            text = text.replace("\"Food\": 0.19,", "\"Food\": 0.49,");
        }
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = detente()
        .args(["bargain", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("issueWeights sum to"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("warning: party1.json: issueWeights sum to 1.3"),
        "{stderr}"
    );
}
