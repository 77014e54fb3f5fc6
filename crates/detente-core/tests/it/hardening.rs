//! Regression tests of issue 16 ("hardening"): inputs a hostile or careless user wrote that made
//! the parser panic, render for minutes, or pass values the models cannot compute. Each test is
//! named after what it guards; the inputs are the reproducers from the issue, cut to size.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected values")]

use std::time::{Duration, Instant};

use detente_core::{MAX_SHOWN_FINDINGS, ScenarioError, parse};
use miette::{GraphicalReportHandler, GraphicalTheme};

/// A valid two-actor, one-issue scenario with placeholders for the values under test.
fn scenario(
    title: &str,
    capability: &str,
    scale: &str,
    positions: [&str; 2],
    salience: &str,
) -> String {
    format!(
        r#"[scenario]
title = "{title}"

[[actors]]
id = "a"
name = "A"
capability = {capability}
role = "principal"

[[actors]]
id = "b"
name = "B"
capability = 1
role = "principal"

[[issues]]
id = "i"
name = "I"
scale = {scale}
status_quo = 0

[[issues.positions]]
actor = "a"
position = {}
salience = {salience}
why = "w"

[[issues.positions]]
actor = "b"
position = {}
salience = {salience}
why = "w"
"#,
        positions[0], positions[1]
    )
}

fn base() -> String {
    scenario("T", "1", "[-100, 100]", ["10", "90"], "0.5")
}

/// The errors of `text`, which must not parse.
fn errors(name: &str, text: &str) -> ScenarioError {
    match parse(name, text) {
        Ok(_) => panic!("{name} parsed, expected errors:\n{text}"),
        Err(e) => e,
    }
}

/// `e` rendered the way the CLI does (plain theme, wide lines).
fn render(e: &ScenarioError) -> String {
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(400)
        .render_report(&mut out, e)
        .unwrap();
    out
}

/// One error at `path` whose message contains `phrase`.
fn one_error(name: &str, text: &str, path: &str, phrase: &str) {
    let e = errors(name, text);
    let listing: Vec<String> = e.errors().iter().map(ToString::to_string).collect();
    assert_eq!(e.errors().len(), 1, "{listing:?}");
    let f = e.errors()[0].finding();
    assert_eq!(f.path.to_string(), path, "{listing:?}");
    assert!(f.message.contains(phrase), "{listing:?}");
    assert!(!f.help.is_empty());
}

#[test]
fn base_scenario_is_valid() {
    parse("base.toml", &base()).unwrap();
}

/// miette panicked ("Formatting argument out of range") drawing a marker past column 65,535:
/// a one-line JSON file over 64 KB with one error at its end. The error must render, with its
/// line and column, and without a snippet of the 70 KB line.
#[test]
fn errors_past_column_65535_render_without_panic() {
    let padding = " ".repeat(70_000);
    let text = format!(r#"{{"scenario": {{"title": "x"}},{padding} "actors": 5}}"#);
    let e = errors("long.json", &text);
    let shown = render(&e);
    assert!(shown.contains("long.json:1:"), "{shown}");
    assert!(shown.len() < 2_000, "{} bytes rendered", shown.len());
}

/// A TOML line over the snippet limit is reported by line and column only.
#[test]
fn long_toml_line_is_located_without_snippet() {
    let text = base().replace(
        "title = \"T\"",
        &format!("title = \"T\" {}= 1", " ".repeat(70_000)),
    );
    let e = errors("long.toml", &text);
    let shown = render(&e);
    assert!(shown.contains("long.toml:2:"), "{shown}");
    assert!(shown.len() < 2_000, "{} bytes rendered", shown.len());
}

/// 12,000 errors took 34 s to validate and rendered every one. Now the first
/// [`MAX_SHOWN_FINDINGS`] are kept, the rest counted, and the whole takes well under a second
/// in an optimised build (the bound here leaves room for debug builds on a busy machine).
#[test]
fn huge_broken_input_renders_first_findings_then_a_count() {
    let mut text = base();
    for k in 0..12_000 {
        text.push_str(&format!(
            "\n[[issues.positions]]\nactor = \"ghost{k}\"\nposition = 1\nsalience = 0.5\nwhy = \"w\"\n"
        ));
    }
    let started = Instant::now();
    let e = errors("many.toml", &text);
    let shown = render(&e);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(e.total(), 12_000);
    assert_eq!(e.errors().len(), MAX_SHOWN_FINDINGS);
    assert!(
        shown.contains("many.toml: 12000 errors"),
        "{}",
        &shown[..300]
    );
    assert!(shown.contains("11900 more errors not shown"));
    assert!(
        shown.contains("declared under [[actors]]: a, b"),
        "{}",
        &shown[..2_000]
    );
    assert!(shown.len() < 100_000, "{} bytes rendered", shown.len());
}

/// Capability 1e308 printed `inf` as the compromise forecast; tiny capabilities underflow.
#[test]
fn capability_outside_computable_range_is_refused() {
    for value in ["1e308", "1e13", "1e-300"] {
        let text = scenario("T", value, "[-100, 100]", ["10", "90"], "0.5");
        one_error("cap.toml", &text, "actors[0].capability", "outside");
    }
    parse(
        "cap.toml",
        &scenario("T", "1e12", "[-100, 100]", ["10", "90"], "0.5"),
    )
    .unwrap();
}

/// `scale = [-1e308, 1e308]` gave NaN (its width overflows).
#[test]
fn scale_beyond_computable_magnitude_is_refused() {
    let text = scenario("T", "1", "[-1e308, 1e308]", ["10", "90"], "0.5");
    one_error("wide.toml", &text, "issues[0].scale", "beyond");
}

/// `scale = [0, 1e-320]` wedged the server in the Nash bisection.
#[test]
fn subnormal_scale_is_refused() {
    let text = scenario("T", "1", "[0, 1e-320]", ["0", "1e-320"], "0.5");
    one_error("narrow.toml", &text, "issues[0].scale", "narrower");
}

/// All-zero saliences gave "mean NaN": no weighted forecast exists, so it is an error now.
#[test]
fn all_zero_saliences_are_refused() {
    let text = scenario("T", "1", "[-100, 100]", ["10", "90"], "0");
    one_error("zero.toml", &text, "issues[0].positions", "every salience");
}

/// Positions -0.0 and 0.0 on one issue made EUM panic: validation stores one zero.
#[test]
fn negative_zero_position_is_stored_as_zero() {
    let text = scenario("T", "1", "[-100, 100]", ["-0.0", "0.0"], "0.5");
    let parsed = parse("zeros.toml", &text).unwrap();
    for p in &parsed.scenario.issues[0].positions {
        assert!(p.position.to_bits() == 0, "{}", p.position);
    }
}

/// Titles with terminal escapes or bidi overrides were printed raw. They are refused, each with
/// its field and a fix.
#[test]
fn control_characters_and_bidi_overrides_in_text_are_refused() {
    for (title, phrase) in [
        ("\\u001b[2J\\u001b[31mred", "control character U+001B"),
        ("evil \\u202E txt.exe", "bidirectional override U+202E"),
        ("two\\nlines", "control character U+000A"),
        ("isolate \\u2066x", "bidirectional override U+2066"),
    ] {
        let text = scenario(title, "1", "[-100, 100]", ["10", "90"], "0.5");
        one_error("text.toml", &text, "scenario.title", phrase);
    }
    // Prose keeps line breaks.
    let text = base().replace("why = \"w\"", "why = \"\"\"line one\nline two\"\"\"");
    parse("prose.toml", &text).unwrap();
    // Names and anchor labels too.
    let text = base().replace("name = \"A\"", "name = \"A\\u0007\"");
    one_error("name.toml", &text, "actors[0].name", "U+0007");
}

/// User text echoed in a message (an unknown actor id) is neutralised, never raw.
#[test]
fn echoed_user_text_is_neutralised_in_messages() {
    let text = base().replace("actor = \"b\"", "actor = \"\\u001b[31mb\"");
    let e = errors("echo.toml", &text);
    let shown = render(&e);
    assert!(!shown.contains('\u{1b}'), "{shown}");
    assert!(shown.contains("\\u{1b}[31mb"), "{shown}");
}

/// A 70,000-character issue name panicked the table writers (padding past 65,535). Names,
/// titles and labels are one line of at most `MAX_LINE_CHARS` characters.
#[test]
fn names_longer_than_a_line_are_refused() {
    let long = "n".repeat(70_000);
    let text = base().replace("name = \"I\"", &format!("name = \"{long}\""));
    one_error("name.toml", &text, "issues[0].name", "over the limit");
    let ok = "n".repeat(detente_core::MAX_LINE_CHARS);
    parse(
        "ok.toml",
        &base().replace("name = \"I\"", &format!("name = \"{ok}\"")),
    )
    .unwrap();
}

/// `backtest` on a scenario file printed 38 errors, one per DEU column.
#[test]
fn a_file_that_is_not_deu_is_named_so() {
    let e = detente_core::import::parse_deu("s.toml", &base()).unwrap_err();
    assert_eq!(e.total(), 1);
    assert!(
        e.errors()[0]
            .finding()
            .message
            .contains("this is not a DEU file"),
        "{}",
        e.errors()[0]
    );
}
