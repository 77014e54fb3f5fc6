//! Property tests: no input makes the parser or the importers panic. Arbitrary text, mutations of
//! a valid scenario and CSV-like noise either succeed or come back as errors that each carry a
//! message and a fix, and that miette can render. Case counts are modest so the suite stays fast.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected values")]

use detente_core::import::{ImportOptions, SalienceScale, import};
use detente_core::{Located, ScenarioError, parse};
use miette::{GraphicalReportHandler, GraphicalTheme};
use proptest::prelude::*;

const VALID: &str = r#"format = 1

[scenario]
title = "Test"
sources = ["x"]

[[actors]]
id = "a"
name = "A"
capability = 100
role = "principal"

[[actors]]
id = "b"
name = "B"
capability = 50.5
role = "mediator"

[[issues]]
id = "i"
name = "I"
scale = [0, 100]
status_quo = 50
decision_rule = "weighted-majority"
quota = 0.5
anchors = [{ at = 0, label = "zero" }]

[[issues.positions]]
actor = "a"
position = 10
salience = 0.5
sd = 3
why = "w"

[[issues.positions]]
actor = "b"
position = 90
salience = 0.25
range = [80, 95]
"#;

/// Every error must say what is wrong and how to fix it, and render without panicking.
fn well_formed(errors: &[Located]) {
    for e in errors {
        assert!(!e.finding().message.trim().is_empty(), "{e}");
        assert!(!e.finding().help.trim().is_empty(), "{e}");
        let mut out = String::new();
        // Rendering may fail on a span miette cannot read, but must not panic.
        let _ = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .render_report(&mut out, e);
        let _ = e.to_string();
    }
}

fn parse_both(text: &str) {
    for name in ["x.toml", "x.json"] {
        match parse(name, text) {
            Ok(parsed) => well_formed(&parsed.warnings),
            Err(e) => well_formed(e.errors()),
        }
    }
}

/// Numbers worth trying in place of a valid one.
fn wild_number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>().prop_map(|x| format!("{x:?}")),
        Just("nan".to_owned()),
        Just("inf".to_owned()),
        Just("-inf".to_owned()),
        Just("1e308".to_owned()),
        Just("-1e308".to_owned()),
        Just("-0.0".to_owned()),
        Just("0".to_owned()),
        Just("99999999999999999999999".to_owned()),
        (-1000i64..1000).prop_map(|n| n.to_string()),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Delete the bytes in this range (fractions of the length).
    Delete(f64, f64),
    /// Duplicate line number `n % lines`.
    DuplicateLine(usize),
    /// Replace the `n`-th number of the document.
    Number(usize, String),
    /// Rename the key on line `n % lines` to this.
    RenameKey(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0f64, 0.0..0.2f64).prop_map(|(a, b)| Mutation::Delete(a, b)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), wild_number()).prop_map(|(n, x)| Mutation::Number(n, x)),
        (any::<usize>(), "[a-z_]{0,8}").prop_map(|(n, k)| Mutation::RenameKey(n, k)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    match m {
        Mutation::Delete(at, len) => {
            let bytes = text.as_bytes();
            let start = (at * bytes.len() as f64) as usize;
            let end = (start + (len * bytes.len() as f64) as usize).min(bytes.len());
            let mut out = bytes[..start].to_vec();
            out.extend_from_slice(&bytes[end..]);
            String::from_utf8_lossy(&out).into_owned()
        }
        Mutation::DuplicateLine(n) => {
            let lines: Vec<&str> = text.lines().collect();
            let k = n % lines.len();
            let mut out = lines.clone();
            out.insert(k, lines[k]);
            out.join("\n")
        }
        Mutation::Number(n, x) => {
            // Numbers are the runs of digits (with sign and point) outside strings: good enough
            // for a document whose strings hold no digits.
            let mut spans = Vec::new();
            let mut start = None;
            for (i, c) in text.char_indices() {
                let part = c.is_ascii_digit() || c == '.' || (c == '-' && start.is_none());
                match (part, start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        spans.push(s..i);
                        start = None;
                    }
                    _ => {}
                }
            }
            let spans: Vec<_> = spans
                .into_iter()
                .filter(|r| text[r.clone()].bytes().any(|b| b.is_ascii_digit()))
                .collect();
            if spans.is_empty() {
                return text.to_owned();
            }
            let r = spans[n % spans.len()].clone();
            format!("{}{x}{}", &text[..r.start], &text[r.end..])
        }
        Mutation::RenameKey(n, key) => {
            let lines: Vec<&str> = text.lines().collect();
            let k = n % lines.len();
            let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
            if let Some((_, value)) = lines[k].split_once(" = ") {
                out[k] = format!("{key} = {value}");
            }
            out.join("\n")
        }
    }
}

fn import_all(text: &str) {
    for salience_scale in [
        SalienceScale::Auto,
        SalienceScale::Unit,
        SalienceScale::Percent,
    ] {
        for scale in [None, Some((0.0, 100.0))] {
            let options = ImportOptions {
                salience_scale,
                title: None,
                scale,
                ..ImportOptions::default()
            };
            match import("x.csv", text, &options) {
                Ok(imported) => {
                    // Whatever an importer accepts must be a valid scenario.
                    let toml = imported.file.to_toml();
                    if let Err(e) = parse("x.toml", &toml) {
                        panic!(
                            "import of {text:?} does not parse back: {}\n{toml}",
                            list(&e)
                        );
                    }
                }
                Err(e) => well_formed(e.errors()),
            }
        }
    }
}

fn list(e: &ScenarioError) -> String {
    e.errors()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A cell of CSV-like noise: numbers, words, quotes, blanks.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        wild_number(),
        (0.0..2.0f64).prop_map(|x| x.to_string()),
        (0u32..150).prop_map(|x| x.to_string()),
        Just("Actor".to_owned()),
        Just("Description".to_owned()),
        Just("Capability".to_owned()),
        Just("Power".to_owned()),
        Just("Position".to_owned()),
        Just("Salience".to_owned()),
        Just("X Position".to_owned()),
        Just("X Salience".to_owned()),
        Just(String::new()),
        Just("  ".to_owned()),
        Just("\"q,\"\"x\"".to_owned()),
        "\\PC{0,6}",
    ]
}

fn csv_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(cell(), 0..8), 0..8).prop_map(|rows| {
        rows.into_iter()
            .map(|r| r.join(","))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        parse_both(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        parse_both(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_scenarios_never_panic(ms in prop::collection::vec(mutation(), 1..4)) {
        let mut text = VALID.to_owned();
        for m in &ms {
            text = apply(&text, m);
        }
        parse_both(&text);
    }

    #[test]
    fn importers_never_panic(text in csv_like()) {
        import_all(&text);
    }

    #[test]
    fn importers_never_panic_on_noisy_tables(
        rows in prop::collection::vec(
            ("\\PC{0,6}", wild_number(), wild_number(), wild_number()),
            0..6,
        ),
        ktab in any::<bool>(),
    ) {
        let mut text = if ktab {
            format!("T, D, {}, 1,\nActor, Description, Power, X Position, X Salience,\n", rows.len())
        } else {
            "Actor,Capability,Position,Salience\n".to_owned()
        };
        for (name, a, b, c) in &rows {
            let name = name.replace([',', '"', '\n', '\r'], " ");
            if ktab {
                text.push_str(&format!("{name}, d, {a}, {b}, {c},\n"));
            } else {
                text.push_str(&format!("{name},{a},{b},{c}\n"));
            }
        }
        import_all(&text);
    }
}

#[test]
fn the_valid_scenario_is_valid() {
    let parsed = parse("x.toml", VALID).unwrap();
    assert_eq!(parsed.warnings.len(), 1, "the second position has no why");
}
