//! Mutation fuzzing of the whole analysis (issue 16: "validation must refuse what the models
//! cannot compute, and no output may carry NaN or infinity"): scenarios with their numbers
//! replaced by values at the edges of what validation accepts (and some deletions), parsed, and
//! when accepted analysed by every model that `detente report` runs: the per-issue forecasts
//! (the SMP too, on a space), package bargaining, the cost of delay, the levers and the
//! settlement forecast (on a coarse grid and few trials, so that a case takes milliseconds).
//! Every number of every result must be finite. The seeds are the Istanbul scenario (every
//! part, `[time]` and levers) and two imported files of `detente-core`'s test data: a KTAB
//! table (a three-dimensional space) and Scholz et al.'s one-issue EU table.
//! `DETENTE_FUZZ_SEED` and `DETENTE_FUZZ_CASES` as for the other fuzz targets.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected values")]

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use detente_analysis::{AnalysisConfig, analyze};
use proptest::prelude::*;

#[path = "../../../detente-core/tests/support/fuzz_run.rs"]
mod fuzz_run;

/// Numbers at the edges of what a model computes with, written over a number of the file.
const NUMBERS: &[&str] = &[
    "0", "-0.0", "1", "0.5", "100", "-1", "1e308", "-1e308", "1e-320", "1e-9", "0.999999",
    "99.9999", "1e6", "36", "2",
];

/// What an edit does: replace the first number at or after a position by one of [`NUMBERS`],
/// or delete a range (a field, a line, a table gone).
#[derive(Debug, Clone)]
enum Edit {
    Number(usize, usize),
    Delete(usize, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        8 => (any::<usize>(), 0..NUMBERS.len() + fuzz_run::INTEGER_EDGES.len())
            .prop_map(|(p, n)| Edit::Number(p, n)),
        1 => (any::<usize>(), 0usize..80).prop_map(|(p, n)| Edit::Delete(p, n)),
    ];
    prop::collection::vec(edit, 1..6)
}

fn mutate(seed: &str, edits: &[Edit]) -> String {
    let mut b = seed.as_bytes().to_vec();
    for e in edits {
        let at = |p: usize| if b.is_empty() { 0 } else { p % (b.len() + 1) };
        match *e {
            Edit::Number(p, n) => {
                let p = at(p);
                let number = NUMBERS
                    .get(n)
                    .copied()
                    .unwrap_or_else(|| fuzz_run::INTEGER_EDGES[n - NUMBERS.len()]);
                fuzz_run::replace_number(&mut b, p, number);
            }
            Edit::Delete(p, n) => {
                let p = at(p);
                let end = (p + n).min(b.len());
                b.drain(p..end);
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// Where `debug` (a `{:?}` rendering) holds a non-finite number outside string literals
/// (`NaN`, `inf` and `-inf` as Rust prints them): the text up to and including each, from
/// about 160 bytes before its end.
fn non_finite(debug: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut word = String::new();
    for (i, c) in debug
        .char_indices()
        .chain(std::iter::once((debug.len(), ' ')))
    {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '.' {
            word.push(c);
            continue;
        }
        if word == "NaN" || word == "inf" {
            let from = (0..=i.saturating_sub(160))
                .rev()
                .find(|&k| debug.is_char_boundary(k))
                .unwrap_or(0);
            found.push(debug[from..i].to_owned());
        }
        word.clear();
        in_string = c == '"';
    }
    found
}

/// The lines of `text` that differ from `seed`'s (number edits keep the line count).
fn changed_lines(seed: &str, text: &str) -> Vec<String> {
    seed.lines()
        .zip(text.lines())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| format!("line {}: {a:?} -> {b:?}", i + 1))
        .take(8)
        .collect()
}

/// What `detente report` runs, on a coarse package grid and few trials (settlement, Monte Carlo
/// and the sensitivity's regression).
fn config() -> AnalysisConfig {
    let mut config = AnalysisConfig::default();
    config.package.step = 25.0;
    config.settle.trials = 8;
    config.settle.bootstrap = 0;
    config.parts.montecarlo = true;
    config.montecarlo.trials = 16;
    config.parts.sensitivity = true;
    config.sensitivity.trials = 16;
    config
}

/// The seed scenarios, as text: Istanbul, and two importer test files written as scenarios.
fn seeds() -> Vec<String> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = |p: &str| std::fs::read_to_string(repo.join(p)).unwrap();
    let mut seeds = vec![read("scenarios/istanbul-2025.toml")];
    for csv in ["dummyData_3Dim.csv", "scholz_ec.csv"] {
        let text = read(&format!("crates/detente-core/tests/data/import/{csv}"));
        let imported = detente_core::import::import(csv, &text, &Default::default()).unwrap();
        seeds.push(imported.file.to_toml());
    }
    seeds
}

#[test]
fn fuzz_analysis() {
    let seeds = seeds();
    let config = config();
    for seed in &seeds {
        let scenario = detente_core::parse("seed.toml", seed).unwrap().scenario;
        let debug = format!("{:?}", analyze(&scenario, &config));
        assert_eq!(non_finite(&debug), Vec::<String>::new());
    }

    let runs = AtomicUsize::new(0);
    let analysed = AtomicUsize::new(0);
    let slowest = fuzz_run::Slowest::default();
    let mut runner = fuzz_run::runner(40);
    runner
        .run(&(0..seeds.len(), edits()), |(s, edits)| {
            let text = mutate(&seeds[s], &edits);
            runs.fetch_add(1, Ordering::Relaxed);
            let Ok(parsed) = detente_core::parse("f.toml", &text) else {
                return Ok(());
            };
            analysed.fetch_add(1, Ordering::Relaxed);
            let analysis = slowest.time(|| text.clone(), || analyze(&parsed.scenario, &config));
            let debug = format!("{analysis:?}");
            let found = non_finite(&debug);
            prop_assert!(
                found.is_empty(),
                "{} non-finite numbers, the first after {:?}; the scenario's changes: {:#?}",
                found.len(),
                found[0],
                changed_lines(&seeds[s], &text)
            );
            Ok(())
        })
        .unwrap();
    println!(
        "fuzz analysis: {} executions ({} scenarios analysed), 0 panics",
        runs.load(Ordering::Relaxed),
        analysed.load(Ordering::Relaxed)
    );
    slowest.report("analysis");
}

/// The fuzzer's check finds what it must: non-finite numbers, not the words inside strings.
#[test]
fn non_finite_finds_numbers_not_words_in_strings() {
    let debug = r#"Mover { actor: "NaN \"inf\"", to_deal: NaN, a: -inf, b: inf, c: 1.0, d: Some(2e-9), info: 3 }"#;
    let found = non_finite(debug);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].ends_with("to_deal: NaN"), "{found:?}");
    assert!(found[1].ends_with("a: -inf"), "{found:?}");
    assert!(non_finite(r#"X { a: 0.0, b: "inf", c: [1.5, -2.0] }"#).is_empty());
}
