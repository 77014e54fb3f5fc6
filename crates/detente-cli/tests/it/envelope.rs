//! One envelope for every JSON document: each command's `--format json` output is an object
//! whose first key is `schema`, a `detente.<kind>/<version>` tag, as `docs/output-format.md`
//! promises (issue 11). The check reads the raw text, since a parsed map would not keep the key
//! order.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::{Path, PathBuf};

use crate::cmd::{Command, CommandExt as _};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// Runs `detente ARGS --format json` (or `-f json` where that is the option) and returns the
/// schema tag of its output.
fn schema_of(args: &[&str], file: &str) -> String {
    let out = Command::cargo_bin("detente")
        .unwrap()
        .current_dir(std::env::temp_dir())
        .args(&args[..1])
        .arg(repo(file))
        .args(&args[1..])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text
        .trim_start()
        .strip_prefix('{')
        .unwrap_or_else(|| panic!("{args:?}: not an object"))
        .trim_start();
    let rest = first
        .strip_prefix("\"schema\": \"")
        .unwrap_or_else(|| panic!("{args:?}: the first key is not `schema`: {}", &first[..60]));
    rest.split('"').next().unwrap().to_owned()
}

#[test]
fn every_json_document_opens_with_its_schema() {
    let istanbul = "scenarios/istanbul-2025.toml";
    let cases: &[(&[&str], &str, &str)] = &[
        (&["forecast"], istanbul, "detente.forecast/1"),
        (&["bargain"], istanbul, "detente.bargain/2"),
        (&["delay", "--trials", "50"], istanbul, "detente.delay/1"),
        (
            &["levers", "--trials", "20", "--months", "6"],
            istanbul,
            "detente.levers/1",
        ),
        (
            &["montecarlo", "--trials", "5", "--model", "compromise"],
            istanbul,
            "detente.montecarlo/1",
        ),
        (
            &["shocks", "--model", "compromise"],
            istanbul,
            "detente.shocks/1",
        ),
        (
            &["sensitivity", "--model", "compromise", "--trials", "0"],
            istanbul,
            "detente.sensitivity/1",
        ),
        (
            &["negotiate", "--rounds", "50"],
            "crates/detente-models/tests/data/genius/Laptop",
            "detente.negotiation/1",
        ),
        (
            &["tournament"],
            "examples/tournament.toml",
            "detente.tournament/1",
        ),
        (
            &["smp"],
            "crates/detente-models/tests/data/ktab/SOE-Policy.csv",
            "detente.smp/1",
        ),
        (
            &["backtest", "--bootstrap", "10"],
            "data/deu3/deu3.tsv",
            "detente.backtest/1",
        ),
    ];
    for (args, file, want) in cases {
        assert_eq!(schema_of(args, file), *want, "{args:?}");
    }
}
