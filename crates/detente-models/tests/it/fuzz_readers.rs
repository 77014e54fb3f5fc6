//! Mutation fuzzing of the GENIUS, GeniusWeb and KTAB readers, bounded to a few seconds for
//! `cargo test` (issue 16; `DETENTE_FUZZ_CASES` sets a longer run).
//!
//! Seeds are the test domains in `tests/data/genius` (discrete, integer, real and non-linear
//! GENIUS folders; GeniusWeb profiles) and KTAB's example files in `tests/data/ktab` (CSV and
//! XML). Up to 24 edits per case, drawn by proptest from a fixed
//! seed: inserting tokens that broke readers before (`1e308`, a repeated `<issue>`, escapes),
//! deleting, duplicating (growing inputs), overwriting ranges and writing edge numbers (huge
//! integers among them) over a number. Every case must load or be
//! refused with an error, never panic, and a loaded domain must give finite utilities; a loaded
//! GENIUS folder is also bargained over (`to_problem`, then `solve` under small limits), which
//! puts the additive frontier search and the cell walk of non-linear profiles under the fuzzer.
//! A loaded KTAB file runs the SMP for a few turns and is written as the scenario `detente
//! import` makes of it, which must parse or be refused with located errors.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected values")]

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use detente_models::bargain::genius_full::load_folder_full;
use detente_models::bargain::geniusweb::{parse_geniusweb_domain, parse_geniusweb_profile};
use detente_models::bargain::{FrontierConfig, Package, SolveConfig, solve};
use detente_models::smp::{
    SmpConfig, SmpError, SmpInput, parse_ktab_csv, parse_ktab_xml, run_with_draws, to_scenario_file,
};
use proptest::prelude::*;

#[path = "../../../detente-core/tests/support/fuzz_run.rs"]
mod fuzz_run;

const TOKENS: &[&str] = &[
    "1e308",
    "-1e308",
    "-0.0",
    "1e-320",
    "NaN",
    "\u{1b}[2J",
    "\u{202E}",
    "\"",
    "<",
    ">",
    "/>",
    "<issue index=\"1\" etype=\"discrete\" type=\"discrete\" name=\"Laptop\"><item index=\"1\" value=\"Dell\"/></issue>",
    "<weight index=\"1\" value=\"1e308\"/>",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
];

/// Numbers at the edges of what a model computes with, written over a number of the file.
const NUMBERS: &[&str] = &[
    "0", "-0.0", "1", "100", "-1", "1e308", "-1e308", "1e-320", "1e-9", "99.9999", "250", "NaN",
];

/// The `n`th of [`NUMBERS`] and then of the integer edges.
fn number_at(n: usize) -> &'static str {
    NUMBERS
        .get(n)
        .copied()
        .unwrap_or_else(|| fuzz_run::INTEGER_EDGES[n - NUMBERS.len()])
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, usize),
    Delete(usize, usize),
    Duplicate(usize, usize, usize),
    Byte(usize, u8),
    /// The first number at or after a position replaced by one of [`NUMBERS`]: the file keeps
    /// its layout, so the reader accepts it more often and the model meets the value.
    Number(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(p, t)| Edit::Insert(p, t)),
        (any::<usize>(), 0usize..200).prop_map(|(p, n)| Edit::Delete(p, n)),
        (any::<usize>(), 1usize..2_000, 1usize..20).prop_map(|(p, n, k)| Edit::Duplicate(p, n, k)),
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Edit::Byte(p, b)),
        number(),
    ]
}

fn number() -> impl Strategy<Value = Edit> {
    (
        any::<usize>(),
        0..NUMBERS.len() + fuzz_run::INTEGER_EDGES.len(),
    )
        .prop_map(|(p, n)| Edit::Number(p, n))
}

/// A case's edits: up to 24 of any kind, or (half the cases) only numbers replaced, which keeps
/// the file's layout so that most such cases are read and reach the model.
fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop_oneof![
        prop::collection::vec(edit(), 0..24),
        prop::collection::vec(number(), 1..8),
    ]
}

fn mutate(seed: &str, edits: &[Edit]) -> String {
    let mut b = seed.as_bytes().to_vec();
    for e in edits {
        let at = |p: usize| if b.is_empty() { 0 } else { p % (b.len() + 1) };
        match *e {
            Edit::Insert(p, t) => {
                let p = at(p);
                b.splice(p..p, TOKENS[t].bytes());
            }
            Edit::Delete(p, n) => {
                let p = at(p);
                let end = (p + n).min(b.len());
                b.drain(p..end);
            }
            Edit::Duplicate(p, n, k) => {
                let p = at(p);
                let end = (p + n).min(b.len());
                let piece = b[p..end].to_vec();
                if b.len() + piece.len() * k < 500_000 {
                    for _ in 0..k {
                        b.splice(p..p, piece.iter().copied());
                    }
                }
            }
            Edit::Byte(p, v) => {
                if !b.is_empty() {
                    let p = p % b.len();
                    b[p] = v;
                }
            }
            Edit::Number(p, n) => {
                let p = at(p);
                fuzz_run::replace_number(&mut b, p, number_at(n));
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// The `(file name, text)` pairs of a test folder.
fn folder(name: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/genius")
        .join(name);
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml") && !p.ends_with("pareto.xml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn fuzz_genius_folders() {
    let seeds: Vec<Vec<(String, String)>> = [
        "Laptop",
        "IntegerDomain",
        "RealIssueFuzzy",
        "Nonlinear10issuesWithRV",
    ]
    .iter()
    .map(|f| folder(f))
    .collect();
    for files in &seeds {
        load_folder_full("seed", files).unwrap();
    }
    let runs = AtomicUsize::new(0);
    let strategy = (0..seeds.len(), any::<usize>(), edits());
    let slowest = fuzz_run::Slowest::default();
    fuzz_run::runner(300)
        .run(&strategy, |(s, which, edits)| {
            let mut files = seeds[s].clone();
            let k = which % files.len();
            files[k].1 = mutate(&files[k].1, &edits);
            slowest.time(
                || format!("{}:\n{}", files[k].0, files[k].1),
                || check_folder(&files),
            );
            runs.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    println!(
        "fuzz genius: {} executions, 0 panics",
        runs.load(Ordering::Relaxed)
    );
    slowest.report("genius");
}

/// What `bargain` does with a GENIUS folder, checked: readers, utilities, the package problem
/// and its solutions (the non-linear seed through the cell walk) under small limits.
fn check_folder(files: &[(String, String)]) {
    if let Ok(folder) = load_folder_full("fuzz", files) {
        let first = Package(vec![0; folder.domain.issues().len()]);
        for profile in &folder.profiles {
            let r = profile.reservation;
            assert!(r.is_finite(), "reservation {r}");
            let u = profile.eval_package_in(&folder.domain, &first);
            assert!(!u.is_infinite(), "utility {u}");
        }
        if let Ok(problem) = folder.to_problem() {
            let config = SolveConfig {
                frontier: FrontierConfig {
                    max_candidates: 100_000,
                    max_cells: 100_000,
                    ..FrontierConfig::default()
                },
                zopa_count_limit: 10_000,
                ..SolveConfig::default()
            };
            if let Ok(solved) = solve(&problem, &config) {
                for point in &solved.frontier.points {
                    for u in &point.utilities {
                        assert!(!u.is_infinite(), "frontier utility {u}");
                    }
                }
            }
        }
    }
}

#[test]
fn fuzz_geniusweb_profiles() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/genius/geniusweb");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let domain_text = read("party.json");
    let profiles = [read("party1.json"), read("party2.json")];
    // The seeds load, so mutations exercise both readers.
    let domain = parse_geniusweb_domain("party.json", &domain_text).unwrap();
    for p in &profiles {
        parse_geniusweb_profile(&domain, "p.json", p).unwrap();
    }
    let runs = AtomicUsize::new(0);
    // Which file to mutate: 0 the domain, 1 and 2 a profile.
    let strategy = (0usize..3, edits());
    let slowest = fuzz_run::Slowest::default();
    fuzz_run::runner(300)
        .run(&strategy, |(which, edits)| {
            if which == 0 {
                let text = mutate(&domain_text, &edits);
                slowest.time(
                    || text.clone(),
                    || {
                        if let Ok(d) = parse_geniusweb_domain("party.json", &text) {
                            let _ = parse_geniusweb_profile(&d, "p.json", &profiles[0]);
                        }
                    },
                );
            } else {
                let text = mutate(&profiles[which - 1], &edits);
                slowest.time(
                    || text.clone(),
                    || {
                        if let Ok((_, u, _)) = parse_geniusweb_profile(&domain, "p.json", &text) {
                            assert!(u.weights.iter().all(|w| w.is_finite()), "{:?}", u.weights);
                        }
                    },
                );
            }
            runs.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    println!(
        "fuzz geniusweb: {} executions, 0 panics",
        runs.load(Ordering::Relaxed)
    );
    slowest.report("geniusweb");
}

/// Checks what the KTAB readers gave: a refusal names its field and fix; an accepted file runs
/// the SMP (a few turns) to finite states, and its scenario (what `detente import` writes)
/// parses or is refused with located errors. Returns whether the file was read.
fn check_ktab(read: Result<(SmpInput, SmpConfig, bool, Option<u64>), SmpError>) -> bool {
    let (input, mut config, has_parameters, seed) = match read {
        Ok(read) => read,
        Err(e) => {
            if let SmpError::Input {
                field,
                message,
                fix,
                ..
            } = &e
            {
                assert!(
                    !field.is_empty() && !message.is_empty() && !fix.is_empty(),
                    "{e}"
                );
            }
            assert!(!e.to_string().is_empty());
            return false;
        }
    };
    config.stop.max_turns = config.stop.max_turns.min(3);
    let mut draws = 0.0_f64;
    let mut draw = || {
        draws = (draws + 0.618_034) % 1.0;
        draws
    };
    if let Ok(run) = run_with_draws(&input, &config, &mut draw) {
        for state in &run.states {
            let numbers = state.positions.iter().flatten();
            let numbers = numbers.chain(&state.win_probability);
            for x in numbers.chain(&state.risk_attitude) {
                assert!(x.is_finite(), "turn {}: {x}", state.turn);
            }
        }
    }
    let file = to_scenario_file(
        &input,
        &config,
        has_parameters,
        seed,
        &|_| (50.0, "the scale's midpoint".to_owned()),
        "f.csv",
    );
    if let Err(e) = detente_core::parse("imported.toml", &file.to_toml()) {
        assert!(!e.errors().is_empty());
        for l in e.errors() {
            let f = l.finding();
            assert!(!f.message.is_empty() && !f.help.is_empty(), "{l}");
        }
    }
    true
}

#[test]
fn fuzz_ktab_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ktab");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    // (text, is XML): the KTAB example files of both layouts.
    let seeds: Vec<(String, bool)> = vec![
        (read("dummyData_3Dim.csv"), false),
        (read("SOE-Pol-Comp.csv"), false),
        (read("dummyData-a040.csv"), false),
        (read("dummyData_3Dim.xml"), true),
        (read("smpExampleDet.xml"), true),
    ];
    for (text, xml) in &seeds {
        if *xml {
            parse_ktab_xml("seed.xml", text).unwrap();
        } else {
            parse_ktab_csv("seed.csv", text).unwrap();
        }
    }
    let runs = AtomicUsize::new(0);
    let read = AtomicUsize::new(0);
    let strategy = (0..seeds.len(), edits());
    let slowest = fuzz_run::Slowest::default();
    fuzz_run::runner(300)
        .run(&strategy, |(s, edits)| {
            let (seed, xml) = &seeds[s];
            let text = mutate(seed, &edits);
            let accepted = slowest.time(
                || text.clone(),
                || {
                    check_ktab(if *xml {
                        parse_ktab_xml("f.xml", &text)
                            .map(|x| (x.input, x.config, x.has_parameters, x.seed))
                    } else {
                        parse_ktab_csv("f.csv", &text).map(|i| (i, SmpConfig::ktab(), false, None))
                    })
                },
            );
            read.fetch_add(usize::from(accepted), Ordering::Relaxed);
            runs.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    println!(
        "fuzz ktab: {} executions ({} files read and run), 0 panics",
        runs.load(Ordering::Relaxed),
        read.load(Ordering::Relaxed)
    );
    slowest.report("ktab");
}
