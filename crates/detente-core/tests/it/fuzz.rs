//! Mutation fuzzing of every text reader in core, bounded to a few seconds for `cargo test`
//! (issue 16): the scenario parser and validator (TOML and JSON), the CSV importers
//! (Predictioneer-style tables and KTAB) and the DEU reader.
//!
//! Each target starts from real files (the Istanbul scenario, the importer test data, the first
//! lines of the DEU table, and the committed reproducers in `tests/data/fuzz/`) and applies up to
//! 24 edits drawn by proptest (fixed seed, so every run fuzzes the same cases; `DETENTE_FUZZ_SEED`
//! picks other cases for a long run): inserting tokens
//! that broke the readers before (`1e308`, `-0.0`, `1e-320`, escapes, bidi overrides, separators,
//! long runs of one character), deleting, duplicating (which grows inputs to hundreds of
//! kilobytes), overwriting ranges and writing edge numbers (huge integers among them) over a
//! number. Every case must end in a value or in errors that each
//! carry a message and a fix, rendered in bounded size, never in a panic. The number of
//! executions of each target is printed (`cargo test -- --nocapture` shows it); set
//! `DETENTE_FUZZ_CASES` for a longer run.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected values")]

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use detente_core::import::{ImportOptions, import, parse_deu};
use detente_core::{ScenarioError, parse};
use miette::{GraphicalReportHandler, GraphicalTheme};
use proptest::prelude::*;

#[path = "../support/fuzz_run.rs"]
mod fuzz_run;

/// Tokens that once broke a reader, or sit at the edges of what it accepts.
const TOKENS: &[&str] = &[
    "1e308",
    "-1e308",
    "-0.0",
    "0.0",
    "1e-320",
    "nan",
    "inf",
    "18446744073709551615",
    "\u{1b}[2J",
    "\u{202E}",
    "\u{2066}",
    "=HYPERLINK(\"x\")",
    "\t",
    ",",
    "\n",
    "\"",
    "[",
    "]",
    "{",
    "}",
    "=",
    "[[issues]]",
    "[[actors]]",
    "[[issues.positions]]",
    "salience = 0",
    "capability = 0",
];

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, usize),
    Delete(usize, usize),
    Duplicate(usize, usize, usize),
    Byte(usize, u8),
    /// The first number at or after a position replaced by one of [`NUMBERS`] or of the
    /// integer edges, so that a count or a value keeps its place in the file.
    Number(usize, usize),
}

/// Numbers written over a number of the file (with [`fuzz_run::INTEGER_EDGES`]).
const NUMBERS: &[&str] = &["0", "-1", "-0.0", "1e308", "1e-320", "NaN", "250", "36"];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(p, t)| Edit::Insert(p, t)),
        (any::<usize>(), 0usize..200).prop_map(|(p, n)| Edit::Delete(p, n)),
        (any::<usize>(), 1usize..2_000, 1usize..40).prop_map(|(p, n, k)| Edit::Duplicate(p, n, k)),
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Edit::Byte(p, b)),
        (
            any::<usize>(),
            0..NUMBERS.len() + fuzz_run::INTEGER_EDGES.len()
        )
            .prop_map(|(p, n)| Edit::Number(p, n)),
    ]
}

/// `seed` with `edits` applied (on bytes; the result is made UTF-8 lossily, as readers only see
/// text). Growth is capped at 1 MB so a case stays fast.
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
                if b.len() + piece.len() * k < 1_000_000 {
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
                let number = NUMBERS
                    .get(n)
                    .copied()
                    .unwrap_or_else(|| fuzz_run::INTEGER_EDGES[n - NUMBERS.len()]);
                let p = at(p);
                fuzz_run::replace_number(&mut b, p, number);
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

fn render(e: &ScenarioError) -> String {
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(400)
        .render_report(&mut out, e)
        .unwrap();
    out
}

/// Errors are well formed and their rendering stays bounded (at most 100 shown, no snippet of
/// a line over 1,000 bytes: about 100 × 4 kB).
fn well_formed(e: &ScenarioError) {
    assert!(e.total() >= e.errors().len() && !e.errors().is_empty());
    for l in e.errors() {
        let f = l.finding();
        assert!(!f.message.is_empty() && !f.help.is_empty(), "{l}");
        assert!(
            !f.message.contains('\u{1b}') && !f.help.contains('\u{1b}'),
            "{l}"
        );
    }
    let shown = render(e);
    assert!(shown.len() < 1_000_000, "{} bytes rendered", shown.len());
}

fn repo(path: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn corpus(ext: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Runs `check` on `cases` mutated inputs drawn from `seeds`; prints the executions.
fn fuzz(name: &str, seeds: &[String], default_cases: u32, check: impl Fn(&str)) {
    assert!(!seeds.is_empty());
    let runs = AtomicUsize::new(0);
    let mut runner = fuzz_run::runner(default_cases);
    let strategy = (0..seeds.len(), prop::collection::vec(edit(), 0..24));
    // Every seed unmutated first: the corpus of reproducers always runs.
    for seed in seeds {
        check(seed);
        runs.fetch_add(1, Ordering::Relaxed);
    }
    let slowest = fuzz_run::Slowest::default();
    runner
        .run(&strategy, |(s, edits)| {
            let text = mutate(&seeds[s], &edits);
            slowest.time(|| text.clone(), || check(&text));
            runs.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    println!(
        "fuzz {name}: {} executions, 0 panics",
        runs.load(Ordering::Relaxed)
    );
    slowest.report(name);
}

#[test]
fn fuzz_scenario_toml() {
    let mut seeds = vec![repo("../../scenarios/istanbul-2025.toml")];
    seeds.extend(corpus("toml"));
    fuzz("scenario-toml", &seeds, 80, |text| {
        if let Err(e) = parse("f.toml", text) {
            well_formed(&e);
        }
    });
}

#[test]
fn fuzz_scenario_json() {
    let toml_text = repo("../../scenarios/istanbul-2025.toml");
    let file: detente_core::ScenarioFile = toml::from_str(&toml_text).unwrap();
    let mut seeds = vec![serde_json::to_string(&file).unwrap()];
    seeds.extend(corpus("json"));
    fuzz("scenario-json", &seeds, 60, |text| {
        if let Err(e) = parse("f.json", text) {
            well_formed(&e);
        }
    });
}

#[test]
fn fuzz_csv_importers() {
    let mut seeds: Vec<String> = [
        "scholz_ec.csv",
        "china.csv",
        "SOE-Policy.csv",
        "dummyData_3Dim.csv",
    ]
    .iter()
    .map(|f| repo(&format!("tests/data/import/{f}")))
    .collect();
    seeds.extend(corpus("csv"));
    fuzz("csv-import", &seeds, 80, |text| {
        match import("f.csv", text, &ImportOptions::default()) {
            // What an importer writes must parse (or be refused with located errors).
            Ok(imported) => {
                if let Err(e) = parse("imported.toml", &imported.file.to_toml()) {
                    well_formed(&e);
                }
            }
            Err(e) => well_formed(&e),
        }
    });
}

#[test]
fn fuzz_deu_reader() {
    let deu = repo("../../data/deu3/deu3.tsv");
    let head: String = deu.lines().take(12).collect::<Vec<_>>().join("\n");
    let seeds = vec![head, repo("../../scenarios/istanbul-2025.toml")];
    fuzz("deu", &seeds, 60, |text| {
        if let Err(e) = parse_deu("f.tsv", text) {
            well_formed(&e);
        }
    });
}
