//! Round-by-round regression of the "scholz" preset against reference numbers generated from the
//! public Python replication of Scholz, Calbert & Smith (2011); see `tests/data/eum/README.md`
//! for how each reference file was produced. Every case is a data file listed in
//! `tests/data/eum/cases.json`.

use std::path::{Path, PathBuf};

use detente_models::eum::{EumActor, EumConfig, EumInput, OfferKind, Termination, run};
use serde_json::Value;

/// Relative tolerance required by the reproduction.
const REL: f64 = 1e-9;
/// Absolute floor for values at or near zero (risk exponents and positions never are, but
/// positions on a 0..1 scale can be exactly 0).
const ABS: f64 = 1e-12;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eum")
}

fn read_json(name: &str) -> Value {
    let path = data_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad json in {}: {e}", path.display()))
}

/// Parses a `name,capability,position,salience` CSV with a header row.
fn read_actors(csv: &str, salience_divisor: f64) -> Vec<EumActor> {
    let path = data_dir().join(csv);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let num = |i: usize| -> f64 {
                f[i].trim()
                    .parse()
                    .unwrap_or_else(|e| panic!("{csv}: bad number {:?}: {e}", f[i]))
            };
            EumActor {
                capability: num(1),
                position: num(2),
                salience: num(3) / salience_divisor,
            }
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL * a.abs().max(b.abs()) + ABS
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn assert_all_close(case: &str, what: &str, round: usize, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{case} round {round}: {what} length");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            close(*g, *w),
            "{case} round {round}: {what}[{k}] = {g:?}, reference {w:?}"
        );
    }
}

fn kind_name(kind: OfferKind) -> &'static str {
    match kind {
        OfferKind::Confrontation => "confrontation",
        OfferKind::Compromise => "compromise",
        OfferKind::Capitulation => "capitulation",
    }
}

/// Runs one case under the scholz preset with the reference's round count and compares every
/// round: positions, risk exponents, median, mean and the accepted offers. Rounds the model did
/// not play because it stopped at a fixed point or cycle must continue that pattern in the
/// reference.
fn check(case: &Value) {
    let name = case["name"].as_str().expect("name");
    let actors = read_actors(
        case["csv"].as_str().expect("csv"),
        case["salience_divisor"].as_f64().expect("salience_divisor"),
    );
    let scale = floats(&case["scale"]);
    let reference = read_json(case["reference"].as_str().expect("reference"));
    let ref_rounds = reference["rounds"].as_array().expect("rounds");
    let requested = reference["rounds_requested"]
        .as_u64()
        .expect("rounds_requested") as usize;
    assert_eq!(
        ref_rounds.len(),
        requested + 1,
        "{name}: reference incomplete"
    );

    // The reference's own record of its inputs must be ours.
    let ref_actors = reference["actors"].as_array().expect("actors");
    assert_eq!(ref_actors.len(), actors.len(), "{name}: actor count");
    for (a, r) in actors.iter().zip(ref_actors) {
        assert_eq!(a.capability, r["capability"].as_f64().expect("c"), "{name}");
        assert_eq!(a.position, r["position"].as_f64().expect("x"), "{name}");
        assert_eq!(a.salience, r["salience"].as_f64().expect("s"), "{name}");
    }

    let config = EumConfig {
        max_rounds: requested,
        ..EumConfig::scholz()
    };
    let input = EumInput {
        actors: &actors,
        scale: (scale[0], scale[1]),
    };
    let result = run(&input, &config).unwrap_or_else(|e| panic!("{name}: {e}"));

    for (got, want) in result.rounds.iter().zip(ref_rounds) {
        let k = got.round;
        assert_eq!(k as u64, want["round"].as_u64().expect("round"), "{name}");
        assert_all_close(
            name,
            "position",
            k,
            &got.positions,
            &floats(&want["positions"]),
        );
        assert_all_close(name, "risk", k, &got.risk, &floats(&want["risk"]));
        assert_all_close(
            name,
            "median",
            k,
            &[got.median],
            &[want["median"].as_f64().expect("m")],
        );
        assert_all_close(
            name,
            "mean",
            k,
            &[got.mean],
            &[want["mean"].as_f64().expect("m")],
        );
        let offers = want["offers"].as_array().expect("offers");
        assert_eq!(
            got.offers.len(),
            offers.len(),
            "{name} round {k}: offer count"
        );
        for (g, w) in got.offers.iter().zip(offers) {
            assert_eq!(
                g.receiver as u64,
                w["receiver"].as_u64().expect("r"),
                "{name} {k}"
            );
            assert_eq!(
                g.proposer as u64,
                w["proposer"].as_u64().expect("p"),
                "{name} {k}"
            );
            assert_eq!(
                kind_name(g.kind),
                w["kind"].as_str().expect("kind"),
                "{name} {k}"
            );
            let pairs = [
                (g.eu_receiver, w["eu_receiver"].as_f64().expect("eu")),
                (g.eu_proposer, w["eu_proposer"].as_f64().expect("eu")),
                (g.to, w["to"].as_f64().expect("to")),
            ];
            for (a, b) in pairs {
                assert_all_close(name, "offer", k, &[a], &[b]);
            }
        }
    }

    // Rounds after an early stop: the reference must repeat what the model reported.
    let played = result.rounds.len() - 1;
    let last = &result.rounds[played];
    for (k, want) in ref_rounds.iter().enumerate().skip(played + 1) {
        let expected: &[f64] = match result.outcome {
            Termination::FixedPoint { .. } => &last.positions,
            Termination::Cycle {
                first_round,
                period,
            } => &result.rounds[first_round + (k - first_round) % period].positions,
            Termination::RoundCap { .. } => unreachable!("round cap plays every round"),
        };
        assert_all_close(
            name,
            "position (after stop)",
            k,
            expected,
            &floats(&want["positions"]),
        );
    }
    if played < requested {
        eprintln!("{name}: stopped after round {played}: {:?}", result.outcome);
    }
}

fn case(name: &str) -> Value {
    let cases = read_json("cases.json");
    cases
        .as_array()
        .expect("cases array")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
        .clone()
}

#[test]
fn scholz_european_community_10_rounds() {
    check(&case("scholz_ec"));
}

#[test]
fn scholz_sultan() {
    check(&case("sultan"));
}

#[test]
fn scholz_china() {
    check(&case("china"));
}

#[test]
fn scholz_honduras() {
    check(&case("honduras"));
}

#[test]
fn every_listed_case_has_a_test() {
    let cases = read_json("cases.json");
    let names: Vec<&str> = cases
        .as_array()
        .expect("cases array")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["scholz_ec", "sultan", "china", "honduras"]);
}
