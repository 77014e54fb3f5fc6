//! Cross-check against an independent implementation: `tests/data/make_reference.py`, a
//! stdlib-only Python re-implementation of GENIUS semantics, the stacked alternating offers
//! protocol and time-based aspiration written from the specification (no detente code). For
//! Linear (profile 1) vs Boulware (profile 2) and Boulware vs Conceder, 100 rounds, on four ANAC
//! domains, detente must reach the same agreement (outcome number in enumeration order), in
//! the same round, with the same utilities.
#![expect(clippy::unwrap_used, reason = "tests")]

use std::path::Path;
use std::sync::Arc;

use detente_negotiation::AgentSpec;
use detente_negotiation::load::genius_table;
use detente_negotiation::protocol::{self, Deadline, ProtocolConfig, Seat};

fn check(domain: &str, a: &str, b: &str, want: &serde_json::Value) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../detente-models/tests/data/genius")
        .join(domain);
    let files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    let table = genius_table(domain, &files).unwrap();
    let mut seats: Vec<Seat> = [a, b]
        .iter()
        .zip(&table.parties)
        .map(|(spec, prefs)| Seat {
            preferences: Arc::clone(prefs),
            negotiator: spec.parse::<AgentSpec>().unwrap().build(0),
        })
        .collect();
    let config = ProtocolConfig {
        deadline: Deadline::Rounds(100),
        trace: false,
    };
    let s = protocol::run(&table.space, &mut seats, &config).unwrap();
    let label = format!("{domain} {a}-{b}");
    assert_eq!(
        s.agreement.map(|o| o as u64),
        want["agreement"].as_u64(),
        "{label}: agreement"
    );
    assert_eq!(
        s.round as u64,
        want["round"].as_u64().unwrap(),
        "{label}: round"
    );
    for (got, want) in s
        .utilities
        .iter()
        .zip(want["utilities"].as_array().unwrap())
    {
        assert!(
            (got - want.as_f64().unwrap()).abs() < 1e-12,
            "{label}: {got} vs {want}"
        );
    }
}

#[test]
fn same_runs_as_the_independent_python_reference() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reference.json"),
    )
    .unwrap();
    let reference: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for domain in [
        "Laptop",
        "ItexvsCypress",
        "EnglandZimbabwe",
        "AirportSiteSelectionA",
    ] {
        for (a, b) in [("linear", "boulware"), ("boulware", "conceder")] {
            check(domain, a, b, &reference[domain][format!("{a}-{b}")]);
            checked += 1;
        }
    }
    assert_eq!(checked, 8);
}
