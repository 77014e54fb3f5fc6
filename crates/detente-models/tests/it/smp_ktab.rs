//! detente's SMP against KTAB's own `smpc`, turn by turn, on KTAB's five example CSV files.
//!
//! The reference numbers in `tests/data/ktab/<name>.smpc.json` were produced by building KTAB
//! (commit 3b5b063) and running `smpc --csv <name>.csv` with its default parameters; positions
//! come from the SQLite database smpc writes (full double precision), win probabilities from its
//! log (the four decimals it prints). `tests/data/ktab/README.md` gives the exact commands.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::PathBuf;

use detente_models::smp::{
    BargainModel, BigRAdjust, BigRRange, InterVecBargain, PceModel, SmpConfig, SmpRun,
    StateTransitions, ThirdPartyCommit, VictoryProbModel, VotingRule, from_space, parse_ktab_csv,
    parse_ktab_xml, run, to_scenario_file,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    /// KTAB's enum index of each model parameter, by KTAB's parameter name.
    parameters: std::collections::BTreeMap<String, usize>,
    actors: Vec<String>,
    dimensions: Vec<String>,
    states: usize,
    /// `[turn][actor][dimension]`, 0..100.
    positions: Vec<Vec<Vec<f64>>>,
    /// `[turn][actor]`, as smpc prints them (`%.4f`).
    win_probability: Vec<Vec<String>>,
}

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ktab")
        .join(name)
}

fn load(name: &str) -> (SmpRun, Reference) {
    load_run(name, &format!("{name}.smpc.json"))
}

/// Runs data set `name` with the parameters recorded in reference file `reference`.
fn load_run(name: &str, reference: &str) -> (SmpRun, Reference) {
    let csv = std::fs::read_to_string(data(&format!("{name}.csv"))).unwrap();
    let input = parse_ktab_csv(&format!("{name}.csv"), &csv).unwrap();
    let reference = read_reference(reference);
    (run(&input, &config_of(&reference)).unwrap(), reference)
}

fn read_reference(file: &str) -> Reference {
    serde_json::from_str(&std::fs::read_to_string(data(file)).unwrap()).unwrap()
}

/// The configuration a reference run used: KTAB's enum indices are the positions in each
/// option's `ALL` list.
fn config_of(reference: &Reference) -> SmpConfig {
    let p = |key: &str| reference.parameters[key];
    SmpConfig {
        victory_prob_model: VictoryProbModel::ALL[p("VictoryProbModel")],
        pce_model: PceModel::ALL[p("PCEModel")],
        state_transitions: StateTransitions::ALL[p("StateTransitions")],
        voting_rule: VotingRule::ALL[p("VotingRule")],
        big_r_adjust: BigRAdjust::ALL[p("BigRAdjust")],
        big_r_range: BigRRange::ALL[p("BigRRange")],
        third_party_commit: ThirdPartyCommit::ALL[p("ThirdPartyCommit")],
        inter_vec_bargain: InterVecBargain::ALL[p("InterVecBrgn")],
        bargain_model: BargainModel::ALL[p("BargnModel")],
        ..SmpConfig::ktab()
    }
}

/// Compares a run with smpc's: names, the number of states, every position of every actor in
/// every state to 1e-6 on the 0..100 scale, and every win probability printed to four decimals.
fn check(name: &str) {
    let (ours, theirs) = load(name);
    assert_eq!(
        ours.config,
        SmpConfig::ktab(),
        "{name}: smpc ran KTAB's defaults"
    );
    compare(name, &ours, &theirs);
}

fn compare(name: &str, ours: &SmpRun, theirs: &Reference) {
    let bad = first_mismatch(ours, theirs);
    assert!(bad.is_none(), "{name}: {}", bad.unwrap_or_default());
}

/// The first difference between a run and smpc's, if any: names, the number of states, every
/// position of every actor in every state to 1e-6 on the 0..100 scale, and every win
/// probability printed to four decimals.
fn first_mismatch(ours: &SmpRun, theirs: &Reference) -> Option<String> {
    // smpc keeps the spaces around a header field; detente trims them.
    let dims: Vec<&str> = theirs.dimensions.iter().map(|d| d.trim()).collect();
    if ours.dimensions != dims {
        return Some("dimension names differ".into());
    }
    first_numbers_mismatch(ours, theirs)
}

/// As [`first_mismatch`], without the dimension names (a scenario names its dimensions after
/// its issues: `Policy` for KTAB's `Policy Position` column).
fn first_numbers_mismatch(ours: &SmpRun, theirs: &Reference) -> Option<String> {
    if ours.actors != theirs.actors {
        return Some("actor names differ".into());
    }
    let n = ours.states.len().min(theirs.states);
    for t in 0..n {
        for (i, actor) in ours.actors.iter().enumerate() {
            for (k, (a, b)) in ours.states[t].positions[i]
                .iter()
                .zip(&theirs.positions[t][i])
                .enumerate()
            {
                if (a - b).abs() > 1e-6 {
                    return Some(format!("turn {t}, {actor}, dimension {k}: {a} vs smpc {b}"));
                }
            }
            let p = format!("{:.4}", ours.states[t].win_probability[i]);
            if p != theirs.win_probability[t][i] {
                return Some(format!(
                    "turn {t}, {actor}: win probability {p} vs smpc {}",
                    theirs.win_probability[t][i]
                ));
            }
        }
    }
    if ours.states.len() != theirs.states {
        return Some(format!(
            "{} states vs smpc {}",
            ours.states.len(),
            theirs.states
        ));
    }
    None
}

/// Every non-default value of every KTAB parameter but three, one at a time, on SOE-Policy (one
/// dimension), SOE-Pol-Comp (two) and dummyData_3Dim (three): 63 smpc runs made through KTAB's
/// own `SMPModel::runModel(..., modelParams)` (see `tests/data/ktab/README.md`). Not covered,
/// because KTAB gives no fixed answer to match:
/// - stochastic transitions: KTAB draws from its generator in parallel threads, so a seed does
///   not fix its run;
/// - `BigRAdjust = Full`: KTAB refuses to run it ("Estimate of change in utility by h out of
///   valid range"), since its sanity check requires every actor's estimates to differ from the
///   truth;
/// - `VotingRule = ASymProsp`: the only voting rule whose vote is not antisymmetric, so its
///   results depend on the order of each actor's bargains, which KTAB builds from parallel
///   threads; six identical smpc runs on dummyData_3Dim gave three different histories.
#[test]
fn every_parameter_value_matches_smpc() {
    let dir = data("variants");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".smpc.json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 63, "reference runs in {}", dir.display());
    let mut failures = Vec::new();
    for f in &files {
        let name = f.split('.').next().unwrap();
        let (ours, theirs) = load_run(name, &format!("variants/{f}"));
        assert_ne!(ours.config, SmpConfig::ktab(), "{f}: a non-default run");
        if let Some(bad) = first_mismatch(&ours, &theirs) {
            failures.push(format!("{f}: {bad}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn soe_policy() {
    check("SOE-Policy");
}

#[test]
fn soe_competitive() {
    check("SOE-Competitive");
}

#[test]
fn soe_pol_comp() {
    check("SOE-Pol-Comp");
}

#[test]
fn dummy_data_3dim() {
    check("dummyData_3Dim");
}

#[test]
fn dummy_data_a040() {
    check("dummyData-a040");
}

/// Beyond the five: KTAB's six-dimensional example (27 actors).
#[test]
fn dummy_data_6dim() {
    check("dummyData_6Dim");
}

/// Beyond the five: KTAB's 80-actor example (smpc took 390 s on it here).
#[test]
fn dummy_data_a080() {
    check("dummyData-a080");
}

/// KTAB's own committed reference logs (`examples/smp/doc/20170530_ref-<name>.txt`, from KTAB's
/// developers in May 2017), reduced to their printed numbers by `extract_reflog.py`.
#[derive(Deserialize)]
struct RefLog {
    /// `[actor, dimension, [position per state, "%5.1f"]]`.
    positions: Vec<(String, String, Vec<String>)>,
    /// `[actor, [win probability per state, "%.4f"]]`.
    win_probability: Vec<(String, Vec<String>)>,
}

/// The second check: the run printed as KTAB prints it (one decimal for positions, four for
/// win probabilities) equals KTAB's 2017 reference log, state for state. The mirror this was
/// built from holds these logs for two of the five data sets.
fn check_reflog(name: &str) {
    let (ours, _) = load(name);
    let log: RefLog = serde_json::from_str(
        &std::fs::read_to_string(data(&format!("{name}.ref2017.json"))).unwrap(),
    )
    .unwrap();
    let d = ours.dimensions.len();
    assert_eq!(log.positions.len(), ours.actors.len() * d);
    for (row, (actor, _dim, values)) in log.positions.iter().enumerate() {
        let (i, k) = (row / d, row % d);
        assert_eq!(actor, &ours.actors[i]);
        assert_eq!(values.len(), ours.states.len(), "{name}: number of states");
        for (t, v) in values.iter().enumerate() {
            let x = format!("{:.1}", ours.states[t].positions[i][k]);
            assert_eq!(&x, v, "{name}: turn {t}, {actor}, dimension {k}");
        }
    }
    for (i, (actor, values)) in log.win_probability.iter().enumerate() {
        assert_eq!(actor, &ours.actors[i]);
        for (t, v) in values.iter().enumerate() {
            let p = format!("{:.4}", ours.states[t].win_probability[i]);
            assert_eq!(&p, v, "{name}: turn {t}, {actor}, win probability");
        }
    }
}

#[test]
fn soe_pol_comp_matches_ktab_2017_log() {
    check_reflog("SOE-Pol-Comp");
}

#[test]
fn dummy_data_3dim_matches_ktab_2017_log() {
    check_reflog("dummyData_3Dim");
}

/// KTAB's XML twin of dummyData_3Dim (`dummyData_3Dim.xml`, KTAB's own file) reads to the same
/// actors as the CSV and so runs to the same, smpc-matching, history. (smpc itself refuses this
/// file: its reader demands an `IdealAdjustment` element that KTAB's schema makes optional.)
#[test]
fn xml_twin_matches_csv() {
    let csv = std::fs::read_to_string(data("dummyData_3Dim.csv")).unwrap();
    let xml = std::fs::read_to_string(data("dummyData_3Dim.xml")).unwrap();
    let from_csv = parse_ktab_csv("dummyData_3Dim.csv", &csv).unwrap();
    let from_xml = parse_ktab_xml("dummyData_3Dim.xml", &xml).unwrap();
    assert!(!from_xml.has_parameters);
    assert_eq!(from_xml.seed, Some(3_707_583_219_545_544_125));
    assert_eq!(from_xml.input.actors, from_csv.actors);
    assert!(from_xml.input.ideal_adjustment.is_empty());
    let a = run(&from_csv, &SmpConfig::ktab()).unwrap();
    let b = run(&from_xml.input, &from_xml.config).unwrap();
    assert_eq!(a.states, b.states);
    let (_, theirs) = load("dummyData_3Dim");
    assert_eq!(first_mismatch(&b, &theirs), None);
}

/// KTAB's `smpExample.xml` with two edits (see `tests/data/ktab/README.md`): Alice's empty first
/// coordinate set to 52.8 (what KTAB's 2017 reference log shows for it) and deterministic
/// transitions. It exercises what the CSV runs cannot: parameters read from the file
/// (MarkovIncentive, PropCbc) and an ideal-adjustment matrix, so ideals lag behind positions.
#[test]
fn xml_with_ideal_adjustment_matches_smpc() {
    let xml = std::fs::read_to_string(data("smpExampleDet.xml")).unwrap();
    let parsed = parse_ktab_xml("smpExampleDet.xml", &xml).unwrap();
    assert!(parsed.has_parameters);
    assert_eq!(parsed.input.ideal_adjustment.len(), 6);
    let ours = run(&parsed.input, &parsed.config).unwrap();
    let theirs = read_reference("smpExampleDet.smpc.json");
    assert_eq!(
        parsed.config,
        config_of(&theirs),
        "parameters read from the XML"
    );
    assert_eq!(first_mismatch(&ours, &theirs), None);
}

/// Issue 15: a KTAB file is a detente scenario without loss. Each of the seven CSVs, imported
/// by `detente import` (one issue per dimension, grouped as a `[[spaces]]` entry), written as
/// TOML, read back and run on its space, matches smpc turn by turn as the CSV itself does.
#[test]
fn imported_csv_scenarios_match_smpc_on_their_space() {
    for name in [
        "SOE-Policy",
        "SOE-Competitive",
        "SOE-Pol-Comp",
        "dummyData_3Dim",
        "dummyData-a040",
        "dummyData_6Dim",
        "dummyData-a080",
    ] {
        let file = format!("{name}.csv");
        let csv = std::fs::read_to_string(data(&file)).unwrap();
        let imported = detente_core::import::import(&file, &csv, &Default::default()).unwrap();
        let toml = imported.file.to_toml();
        let scenario = detente_core::parse("imported.toml", &toml)
            .unwrap()
            .scenario;
        assert_eq!(scenario.spaces.len(), 1, "{name}");
        let space = from_space(&scenario, &scenario.spaces[0], "imported.toml").unwrap();
        assert_eq!(space.config, SmpConfig::ktab(), "{name}");
        assert_eq!(space.seed, None);
        let direct = parse_ktab_csv(&file, &csv).unwrap();
        assert_eq!(space.input.actors.len(), direct.actors.len());
        for (a, b) in space.input.actors.iter().zip(&direct.actors) {
            assert_eq!((&a.name, a.capability), (&b.name, b.capability), "{name}");
            assert_eq!(a.position, b.position, "{name}: {}", a.name);
            for (x, y) in a.salience.iter().zip(&b.salience) {
                assert!(
                    (x - y).abs() <= 1e-12,
                    "{name}: {}: salience {x} vs {y}",
                    a.name
                );
            }
        }
        let ours = run(&space.input, &space.config).unwrap();
        let (_, theirs) = load(name);
        assert_eq!(first_numbers_mismatch(&ours, &theirs), None, "{name}");
    }
}

/// Issue 15: a KTAB XML file with model parameters, a seed and an ideal adjustment, written as
/// a scenario (`detente import x.xml`), keeps all three in its space and runs to smpc's history.
#[test]
fn imported_xml_scenario_keeps_parameters_and_ideal_adjustment() {
    let xml = std::fs::read_to_string(data("smpExampleDet.xml")).unwrap();
    let parsed = parse_ktab_xml("smpExampleDet.xml", &xml).unwrap();
    let file = to_scenario_file(
        &parsed.input,
        &parsed.config,
        parsed.has_parameters,
        parsed.seed,
        &|_| (50.0, "set at import".to_owned()),
        "smpExampleDet.xml",
    );
    let toml = file.to_toml();
    assert!(toml.contains("PCEModel = \"MarkovIncentive\""), "{toml}");
    // TOML and JSON hold the same scenario.
    let from_toml = detente_core::parse("x.toml", &toml).unwrap().scenario;
    let json = serde_json::to_string(&file).unwrap();
    let from_json = detente_core::parse("x.json", &json).unwrap().scenario;
    assert_eq!(from_toml, from_json);
    let space = from_space(&from_toml, &from_toml.spaces[0], "x.toml").unwrap();
    assert_eq!(space.config, parsed.config);
    assert_eq!(space.seed, parsed.seed);
    assert_eq!(space.input.ideal_adjustment, parsed.input.ideal_adjustment);
    let ours = run(&space.input, &space.config).unwrap();
    let theirs = read_reference("smpExampleDet.smpc.json");
    assert_eq!(first_mismatch(&ours, &theirs), None);
}

/// A space's parameters are checked when the model runs: an unknown name or value names the
/// field and lists KTAB's names.
#[test]
fn a_space_with_an_unknown_parameter_is_refused_naming_the_field() {
    let csv = std::fs::read_to_string(data("SOE-Policy.csv")).unwrap();
    let mut imported =
        detente_core::import::import("SOE-Policy.csv", &csv, &Default::default()).unwrap();
    imported.file.spaces[0]
        .smp
        .insert("VotingRule".to_owned(), "Plurality".to_owned());
    let scenario = detente_core::parse("x.toml", &imported.file.to_toml())
        .unwrap()
        .scenario;
    let e = from_space(&scenario, &scenario.spaces[0], "x.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("x.toml: spaces[0].smp.VotingRule: unknown voting rule `Plurality`"),
        "{e}"
    );
    assert!(e.contains("VictoryProbModel, PCEModel"), "{e}");
}

/// Issue 15: `detente forecast --model smp`. On an imported KTAB scenario each dimension's SMP
/// forecast is its coordinate of the run's most likely outcome, which on SOE-Pol-Comp is smpc's
/// final position of MOF (win probability 0.2330); an issue in no space runs alone and says so.
#[test]
fn forecast_smp_is_the_most_likely_outcome_of_the_space() {
    use detente_models::forecast::{ForecastConfig, Model, forecast};
    let csv = std::fs::read_to_string(data("SOE-Pol-Comp.csv")).unwrap();
    let imported =
        detente_core::import::import("SOE-Pol-Comp.csv", &csv, &Default::default()).unwrap();
    let scenario = detente_core::parse("x.toml", &imported.file.to_toml())
        .unwrap()
        .scenario;
    let config = ForecastConfig {
        models: vec![Model::Smp],
        ..ForecastConfig::default()
    };
    let result = forecast(&scenario, &config);
    let (_, theirs) = load("SOE-Pol-Comp");
    let last = theirs.positions.last().unwrap();
    let mof = theirs.actors.iter().position(|a| a == "MOF").unwrap();
    for (k, issue) in result.issues.iter().enumerate() {
        let smp = issue.smp.as_ref().unwrap();
        assert!(
            (smp.point.position - last[mof][k]).abs() < 1e-6,
            "{}",
            issue.issue
        );
        assert_eq!(smp.space.as_deref(), Some(scenario.spaces[0].id.as_str()));
        assert_eq!(smp.turns, theirs.states - 1);
        assert_eq!(format!("{:.4}", smp.win_probability), "0.2330");
        assert!(
            issue.notes[0].starts_with("a dimension of the space `"),
            "{:?}",
            issue.notes
        );
    }
    // The default selection (`all`) runs the SMP too on a scenario with spaces, and only there.
    let default = forecast(&scenario, &ForecastConfig::default());
    assert_eq!(default.models, Model::EVERY);
    assert_eq!(default.issues[0].smp, result.issues[0].smp);
    // Without the space, each dimension runs alone: another model, and the note says so.
    let mut alone = scenario.clone();
    alone.spaces.clear();
    assert_eq!(
        forecast(&alone, &ForecastConfig::default()).models,
        Model::ALL
    );
    let result = forecast(&alone, &config);
    for issue in &result.issues {
        assert!(issue.smp.as_ref().unwrap().space.is_none());
        assert!(
            issue
                .notes
                .iter()
                .any(|n| n.contains("on this issue alone")),
            "{:?}",
            issue.notes
        );
    }
}

/// Issue 15's "KTAB XML imports and matches its CSV twin": `dummyData_3Dim.xml` and
/// `dummyData_3Dim.csv`, each imported as a scenario, run to the same smpc-matching history on
/// their spaces (the XML's seed is kept in its space's `smp` table).
#[test]
fn imported_xml_twin_matches_imported_csv() {
    let xml = std::fs::read_to_string(data("dummyData_3Dim.xml")).unwrap();
    let parsed = parse_ktab_xml("dummyData_3Dim.xml", &xml).unwrap();
    let from_xml = to_scenario_file(
        &parsed.input,
        &parsed.config,
        parsed.has_parameters,
        parsed.seed,
        &|_| (50.0, "set at import".to_owned()),
        "dummyData_3Dim.xml",
    );
    let csv = std::fs::read_to_string(data("dummyData_3Dim.csv")).unwrap();
    let from_csv = detente_core::import::import("dummyData_3Dim.csv", &csv, &Default::default())
        .unwrap()
        .file;
    let run_of = |file: &detente_core::ScenarioFile| {
        let scenario = detente_core::parse("x.toml", &file.to_toml())
            .unwrap()
            .scenario;
        let space = from_space(&scenario, &scenario.spaces[0], "x.toml").unwrap();
        (run(&space.input, &space.config).unwrap(), space.seed)
    };
    let (a, seed) = run_of(&from_xml);
    let (b, _) = run_of(&from_csv);
    assert_eq!(seed, Some(3_707_583_219_545_544_125));
    assert_eq!(a.states, b.states);
    let (_, theirs) = load("dummyData_3Dim");
    assert_eq!(first_numbers_mismatch(&a, &theirs), None);
}

/// `to_scenario_file` is public: an input that breaks its own rules (an actor short of a
/// dimension, an ideal adjustment naming actor 99) gives a file the parser refuses, not a panic.
#[test]
fn a_broken_input_is_written_without_panicking() {
    let csv = std::fs::read_to_string(data("SOE-Pol-Comp.csv")).unwrap();
    let mut input = parse_ktab_csv("SOE-Pol-Comp.csv", &csv).unwrap();
    input.actors[0].position.pop();
    input
        .ideal_adjustment
        .push(detente_models::smp::IdealAdjustment {
            adjusting: 99,
            reference: 0,
            rate: 0.5,
        });
    let file = to_scenario_file(
        &input,
        &SmpConfig::ktab(),
        false,
        None,
        &|_| (50.0, "set".to_owned()),
        "x.csv",
    );
    assert!(file.spaces[0].ideal_adjustment.is_empty());
    let e = detente_core::parse("x.toml", &file.to_toml()).unwrap_err();
    let shown: Vec<String> = e.errors().iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].contains("has a position on `"), "{shown:?}");
    assert!(shown[0].contains("` but none on `"), "{shown:?}");
}
