//! Every check listed in `docs/scenario-format.md` ("Checks"), one small input each: the number
//! of findings, their field paths, a key phrase of each message and the line the finding points
//! at, both in the plain `Display` and in miette's graphical rendering (which must also show the
//! file name and the fix). Most inputs are a valid base document with one line changed, so the
//! line numbers below can be read off [`BASE`].
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected values")]

use detente_core::{Located, MAX_SCENARIO_BYTES, Parsed, Severity, parse};
use miette::{GraphicalReportHandler, GraphicalTheme};

/// A valid scenario; the comment after each line is its number, for the cases below.
const BASE: &str = r#"format = 1

[scenario]
title = "Test"

[[actors]]
id = "a"
name = "A"
capability = 100
role = "principal"

[[actors]]
id = "b"
name = "B"
capability = 50
role = "principal"

[[issues]]
id = "i"
name = "I"
scale = [0, 100]
status_quo = 50

[[issues.positions]]
actor = "a"
position = 10
salience = 0.5
why = "w"

[[issues.positions]]
actor = "b"
position = 90
salience = 0.5
why = "w"
"#;

/// One expected finding: its field path, a phrase of its message and its line (`None` when the
/// finding cannot have one).
struct Expect {
    path: &'static str,
    phrase: &'static str,
    line: Option<usize>,
}

const fn at(path: &'static str, phrase: &'static str, line: usize) -> Expect {
    Expect {
        path,
        phrase,
        line: Some(line),
    }
}

/// `BASE` with line `line` (one-based) replaced by `with` (which may hold several lines).
fn edit(line: usize, with: &str) -> String {
    let mut lines: Vec<&str> = BASE.lines().collect();
    assert!(
        line >= 1 && line <= lines.len(),
        "line {line} is not in BASE"
    );
    lines[line - 1] = with;
    lines.join("\n") + "\n"
}

fn render(located: &Located) -> String {
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(1000)
        .render_report(&mut out, located)
        .unwrap();
    out
}

/// Checks `found` against `expected`, in order.
fn compare(name: &str, input: &str, found: &[Located], expected: &[Expect]) {
    let listing = || {
        found
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        found.len(),
        expected.len(),
        "{name}: expected {} findings, got:\n{}\n--- input:\n{input}",
        expected.len(),
        listing()
    );
    for (located, want) in found.iter().zip(expected) {
        let finding = located.finding();
        let shown = located.to_string();
        assert_eq!(finding.path.to_string(), want.path, "{name}: {shown}");
        assert!(
            finding.message.contains(want.phrase),
            "{name}: `{}` lacks `{}`",
            finding.message,
            want.phrase
        );
        assert!(
            !finding.message.is_empty() && !finding.help.is_empty(),
            "{name}: {shown}"
        );
        assert!(
            !finding.message.starts_with(char::is_uppercase),
            "{name}: messages start lowercase: {shown}"
        );
        let rendered = render(located);
        assert!(
            rendered.contains(&finding.help),
            "{name}: no help in\n{rendered}"
        );
        match want.line {
            Some(line) => {
                let place = format!("{name}:{line}:");
                assert!(
                    shown.contains(&format!(" at {place}")),
                    "{name}: expected line {line}: {shown}"
                );
                assert!(
                    rendered.contains(&format!("[{place}")),
                    "{name}: expected `[{place}` in\n{rendered}"
                );
            }
            None => assert!(shown.starts_with(&format!("error at {name}: ")), "{shown}"),
        }
    }
}

/// Parses `input` as the file `name` and expects exactly the errors `expected`.
fn check(name: &str, input: &str, expected: &[Expect]) {
    match parse(name, input) {
        Ok(_) => panic!("{name}: expected errors, the file parsed\n{input}"),
        Err(e) => {
            assert!(e.to_string().starts_with(&format!("{name}: ")), "{e}");
            assert!(
                e.errors()
                    .iter()
                    .all(|l| l.finding().severity == Severity::Error)
            );
            compare(name, input, e.errors(), expected);
        }
    }
}

/// Parses `input` and expects it to pass with exactly the warnings `expected`.
fn check_warnings(name: &str, input: &str, expected: &[Expect]) -> Parsed {
    let parsed = parse(name, input).unwrap_or_else(|e| {
        panic!(
            "{name}: {}",
            e.errors()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    assert!(
        parsed
            .warnings
            .iter()
            .all(|l| l.finding().severity == Severity::Warning)
    );
    compare(name, input, &parsed.warnings, expected);
    for w in &parsed.warnings {
        assert!(w.to_string().starts_with("warning at "), "{w}");
    }
    parsed
}

#[test]
fn base_is_valid_without_warnings() {
    let parsed = check_warnings("base.toml", BASE, &[]);
    assert_eq!(parsed.scenario.actors.len(), 2);
    assert_eq!(BASE.lines().nth(32), Some("salience = 0.5"));
}

#[test]
fn syntax_errors() {
    check(
        "syntax.toml",
        &edit(4, "title = \"Test"),
        &[at("(document)", "invalid TOML", 4)],
    );
    check(
        "syntax2.toml",
        &edit(27, "salience = = 0.5"),
        &[at("(document)", "invalid TOML", 27)],
    );
}

#[test]
fn shape_errors() {
    check(
        "missing.toml",
        &edit(8, ""),
        &[at("actors[0]", "missing field `name`", 6)],
    );
    check(
        "missing-title.toml",
        &edit(4, ""),
        &[at("scenario", "missing field `title`", 3)],
    );
    check(
        "type.toml",
        &edit(9, "capability = \"big\""),
        &[at("actors[0].capability", "invalid type", 9)],
    );
    check(
        "type-scale.toml",
        &edit(21, "scale = [0, \"x\"]"),
        &[at("issues[0].scale[1]", "invalid type", 21)],
    );
    check(
        "unknown.toml",
        &edit(27, "salince = 0.5"),
        &[at(
            "issues[0].positions[0].salince",
            "unknown field `salince`",
            27,
        )],
    );
    check(
        "role.toml",
        &edit(16, "role = \"king\""),
        &[at("actors[1].role", "unknown variant `king`", 16)],
    );
}

#[test]
fn identity_errors() {
    check(
        "dup-actor.toml",
        &edit(13, "id = \"a\""),
        &[
            at("actors[1].id", "duplicate actor id `a`", 13),
            // The renamed actor's position now names an actor that no longer exists.
            at("issues[0].positions[1].actor", "unknown actor `b`", 31),
        ],
    );
    let second_issue = format!(
        "{BASE}\n[[issues]]\nid = \"i\"\nname = \"J\"\nscale = [0, 1]\nstatus_quo = 0\n\n\
         [[issues.positions]]\nactor = \"a\"\nposition = 0\nsalience = 1\nwhy = \"w\"\n\n\
         [[issues.positions]]\nactor = \"b\"\nposition = 1\nsalience = 1\nwhy = \"w\"\n"
    );
    check(
        "dup-issue.toml",
        &second_issue,
        &[at("issues[1].id", "duplicate issue id `i`", 37)],
    );
    check(
        "bad-id.toml",
        &edit(7, "id = \"a b\""),
        &[
            at("actors[0].id", "invalid actor id `a b`", 7),
            at("issues[0].positions[0].actor", "unknown actor `a`", 25),
        ],
    );
}

#[test]
fn position_errors() {
    check(
        "unknown-actor.toml",
        &edit(31, "actor = \"c\""),
        &[at("issues[0].positions[1].actor", "unknown actor `c`", 31)],
    );
    check(
        "two-positions.toml",
        &edit(31, "actor = \"a\""),
        &[at(
            "issues[0].positions[1].actor",
            "actor `a` has two positions on issue `i` (entries 0 and 1)",
            31,
        )],
    );
    check(
        "position.toml",
        &edit(26, "position = 110"),
        &[at(
            "issues[0].positions[0].position",
            "position 110 is outside the scale [0, 100]",
            26,
        )],
    );
    check(
        "fewer.toml",
        &BASE.lines().take(29).collect::<Vec<_>>().join("\n"),
        &[at(
            "issues[0].positions",
            "has 1 position; a negotiation needs at least two",
            24,
        )],
    );
}

#[test]
fn capability_errors() {
    for (value, shown) in [
        ("0", "0"),
        ("-3", "-3"),
        ("nan", "NaN"),
        ("inf", "inf"),
        ("-inf", "-inf"),
    ] {
        let name = format!("capability-{value}.toml");
        let input = edit(15, &format!("capability = {value}"));
        let errors = parse(&name, &input).unwrap_err();
        assert_eq!(errors.errors().len(), 1, "{value}");
        let e = &errors.errors()[0];
        assert_eq!(e.finding().path.to_string(), "actors[1].capability");
        assert!(
            e.finding().message.ends_with(&format!("found {shown}")),
            "{}",
            e.finding().message
        );
        assert!(e.to_string().contains(&format!("{name}:15:")), "{e}");
    }
}

#[test]
fn scale_errors() {
    check(
        "scale.toml",
        &edit(21, "scale = [100, 0]"),
        &[at("issues[0].scale", "scale [100, 0] is not a range", 21)],
    );
    check(
        "scale-equal.toml",
        &edit(21, "scale = [5, 5]"),
        &[at("issues[0].scale", "not a range", 21)],
    );
    check(
        "status-quo.toml",
        &edit(22, "status_quo = 150"),
        &[at(
            "issues[0].status_quo",
            "status quo 150 is outside the scale [0, 100]",
            22,
        )],
    );
    check(
        "anchor.toml",
        &edit(
            22,
            "status_quo = 50\nanchors = [{ at = 0, label = \"x\" }, { at = 200, label = \"y\" }]",
        ),
        &[at(
            "issues[0].anchors[1].at",
            "anchor at 200 is outside the scale",
            23,
        )],
    );
    check(
        "range.toml",
        &edit(28, "why = \"w\"\nrange = [-5, 20]"),
        &[at(
            "issues[0].positions[0].range",
            "range [-5, 20] is not an interval within [0, 100]",
            29,
        )],
    );
    check(
        "range-reversed.toml",
        &edit(34, "why = \"w\"\nrange = [95, 85]"),
        &[at("issues[0].positions[1].range", "not an interval", 35)],
    );
}

#[test]
fn salience_errors() {
    let e = parse("s.toml", &edit(33, "salience = 50")).unwrap_err();
    check(
        "s.toml",
        &edit(33, "salience = 50"),
        &[at(
            "issues[0].positions[1].salience",
            "salience 50 is outside 0..=1",
            33,
        )],
    );
    assert!(
        e.errors()[0]
            .finding()
            .help
            .contains("on a 0-100 scale this would be 0.5")
    );
    let e = parse("s2.toml", &edit(33, "salience = -0.1")).unwrap_err();
    assert!(!e.errors()[0].finding().help.contains("0-100"));
    check(
        "s2.toml",
        &edit(33, "salience = -0.1"),
        &[at(
            "issues[0].positions[1].salience",
            "salience -0.1 is outside 0..=1",
            33,
        )],
    );
    check(
        "s3.toml",
        &edit(27, "salience = nan"),
        &[at(
            "issues[0].positions[0].salience",
            "salience NaN is outside",
            27,
        )],
    );
}

#[test]
fn uncertainty_errors() {
    check(
        "sd.toml",
        &edit(28, "why = \"w\"\nsd = -1"),
        &[at("issues[0].positions[0].sd", "standard deviation -1", 29)],
    );
    check(
        "both.toml",
        &edit(28, "why = \"w\"\nsd = 1\nrange = [5, 15]"),
        &[at(
            "issues[0].positions[0].range",
            "both `sd` and `range` are given",
            30,
        )],
    );
}

#[test]
fn decision_rule_errors() {
    for quota in ["1.5", "0", "-0.5", "nan"] {
        check(
            &format!("quota-{quota}.toml"),
            &edit(
                22,
                &format!("status_quo = 50\ndecision_rule = \"weighted-majority\"\nquota = {quota}"),
            ),
            &[at("issues[0].quota", "is outside (0, 1]", 24)],
        );
    }
    // The upper end is allowed.
    check_warnings(
        "quota-1.toml",
        &edit(
            22,
            "status_quo = 50\ndecision_rule = \"weighted-majority\"\nquota = 1",
        ),
        &[],
    );
    check(
        "quota-alone.toml",
        &edit(22, "status_quo = 50\nquota = 0.5"),
        &[at(
            "issues[0].quota",
            "only applies to `decision_rule = \"weighted-majority\"`",
            23,
        )],
    );
    check(
        "quota-unanimity.toml",
        &edit(
            22,
            "status_quo = 50\ndecision_rule = \"unanimity\"\nquota = 0.5",
        ),
        &[at("issues[0].quota", "only applies", 24)],
    );
}

#[test]
fn document_errors() {
    check(
        "format.toml",
        &edit(1, "format = 2"),
        &[at("format", "unknown format version 2", 1)],
    );
    check(
        "title.toml",
        &edit(4, "title = \"  \""),
        &[at("scenario.title", "the title is empty", 4)],
    );
    let big = format!("{BASE}#{}\n", "x".repeat(MAX_SCENARIO_BYTES));
    check(
        "big.toml",
        &big,
        &[Expect {
            path: "(document)",
            phrase: "over the limit of 16777216",
            line: None,
        }],
    );
    check(
        "empty.toml",
        "[scenario]\ntitle = \"x\"\n",
        &[
            at("actors", "the scenario has no actors", 1),
            at("issues", "the scenario has no issues", 1),
        ],
    );
    check(
        "no-issues.toml",
        &BASE.lines().take(17).collect::<Vec<_>>().join("\n"),
        &[at("issues", "the scenario has no issues", 1)],
    );
}

#[test]
fn errors_are_all_reported_at_once() {
    let input = edit(9, "capability = 0").replace(
        "salience = 0.5\nwhy = \"w\"\n\n[[issues.positions]]\nactor = \"b\"\nposition = 90",
        "salience = 2\nwhy = \"w\"\n\n[[issues.positions]]\nactor = \"b\"\nposition = 900",
    );
    check(
        "many.toml",
        &input,
        &[
            at(
                "actors[0].capability",
                "capability must be a positive number",
                9,
            ),
            at("issues[0].positions[0].salience", "salience 2", 27),
            at("issues[0].positions[1].position", "position 900", 32),
        ],
    );
}

#[test]
fn json_errors_name_path_and_line() {
    let json = r#"{
  "format": 1,
  "scenario": { "title": "Test" },
  "actors": [
    { "id": "a", "name": "A", "capability": 100, "role": "principal" },
    { "id": "b", "name": "B", "capability": "big", "role": "principal" }
  ],
  "issues": [
    {
      "id": "i", "name": "I", "scale": [0, 100], "status_quo": 50,
      "positions": [
        { "actor": "a", "position": 10, "salience": 0.5, "why": "w" },
        { "actor": "b", "position": 90, "salience": 0.5, "why": "w" }
      ]
    }
  ]
}
"#;
    check(
        "t.json",
        json,
        &[at(
            "actors[1].capability",
            "invalid type: string \"big\"",
            6,
        )],
    );
    let valid = json.replace("\"big\"", "50");
    let from_json = parse("t.json", &valid).unwrap().scenario;
    assert_eq!(from_json, parse("t.toml", BASE).unwrap().scenario);
    check(
        "syntax.json",
        &valid.replace(
            "\"salience\": 0.5, \"why\": \"w\" },\n        { \"actor\": \"b\"",
            "\"salience\": 0.5 \"why\": \"w\" },\n        { \"actor\": \"b\"",
        ),
        &[at(
            "issues[0].positions[0]",
            "invalid JSON: expected `,` or `}`",
            12,
        )],
    );
    check(
        "unknown.json",
        &valid.replace("\"scale\"", "\"scael\""),
        &[at("issues[0].scael", "unknown field `scael`", 10)],
    );
    // Validation errors in JSON name the field path; they have no line (documented).
    let e = parse(
        "v.json",
        &valid.replace("\"position\": 90", "\"position\": 900"),
    )
    .unwrap_err();
    assert_eq!(e.errors().len(), 1);
    assert_eq!(
        e.errors()[0].finding().path.to_string(),
        "issues[0].positions[1].position"
    );
    assert!(e.errors()[0].to_string().starts_with("error at v.json: "));
    // Trailing text after the document.
    let e = parse("trail.json", &format!("{valid} x")).unwrap_err();
    assert!(e.errors()[0].finding().message.starts_with("invalid JSON"));
}

#[test]
fn warnings() {
    check_warnings(
        "same.toml",
        &edit(26, "position = 90"),
        &[at("issues[0].positions", "holds the same position 90", 24)],
    );
    let extra = edit(
        16,
        "role = \"principal\"\n\n[[actors]]\nid = \"c\"\nname = \"C\"\ncapability = 1\nrole = \"observer\"",
    );
    check_warnings(
        "unused.toml",
        &extra,
        &[at(
            "actors[2].id",
            "actor `c` takes no position on any issue",
            19,
        )],
    );
    check_warnings(
        "why.toml",
        &edit(34, ""),
        &[at(
            "issues[0].positions[1].actor",
            "position of `b` has no `why`",
            31,
        )],
    );
    check_warnings(
        "principal.toml",
        &edit(10, "role = \"mediator\"").replace("role = \"principal\"", "role = \"ally\""),
        &[at(
            "issues[0].decision_rule",
            "no principal takes a position",
            18,
        )],
    );
    check_warnings(
        "range.toml",
        &edit(28, "why = \"w\"\nrange = [20, 30]"),
        &[at(
            "issues[0].positions[0].range",
            "range [20, 30] does not contain the position 10",
            29,
        )],
    );
    // Under another rule the missing principal is fine.
    check_warnings(
        "principal-unanimity.toml",
        &edit(22, "status_quo = 50\ndecision_rule = \"unanimity\"")
            .replace("role = \"principal\"", "role = \"ally\""),
        &[],
    );
}

/// [`BASE`] plus a `[time]` section; lines 36 to 64 below, numbered in the comments.
fn timed() -> String {
    format!(
        "{BASE}{}",
        r#"
[time]
horizon = 12

[[time.drift]]
issue = "i"
per_month = 2
cap = 80
why = "w"

[[time.actors]]
actor = "a"
cost_per_month = 0.01
discount = 0.99
why = "w"

[[time.levers]]
id = "truce"
name = "Truce"
why = "w"

  [[time.levers.effects]]
  kind = "stop-drift"
  from = 3
  until = 6

  [[time.levers.effects]]
  kind = "add-cost"
  actor = "b"
  per_month = 0.02
"#
    )
}

/// `timed()` with line `line` (one-based) replaced by `with`.
fn edit_timed(line: usize, with: &str) -> String {
    let text = timed();
    let mut lines: Vec<&str> = text.lines().collect();
    assert!(
        line >= 1 && line <= lines.len(),
        "line {line} is not in timed()"
    );
    lines[line - 1] = with;
    lines.join("\n") + "\n"
}

#[test]
fn time_section_is_valid_and_read() {
    let text = timed();
    assert_eq!(text.lines().nth(36), Some("horizon = 12"));
    assert_eq!(text.lines().nth(63), Some("  per_month = 0.02"));
    let parsed = check_warnings("time.toml", &text, &[]);
    let time = parsed.scenario.time.unwrap();
    assert_eq!(time.horizon, 12);
    assert_eq!(time.drift[0].per_month, 2.0);
    assert_eq!(time.drift[0].cap, Some(80.0));
    assert_eq!(time.actors[0].discount, 0.99);
    let lever = time.lever("truce").unwrap();
    assert_eq!(lever.effects.len(), 2);
    assert!(!lever.effects[0].active(2));
    assert!(lever.effects[0].active(3) && lever.effects[0].active(5));
    assert!(!lever.effects[0].active(6));
    assert!(lever.effects[1].active(0) && lever.effects[1].active(600));
    // A file without `[time]` stays valid and has no time section.
    assert!(parse("base.toml", BASE).unwrap().scenario.time.is_none());
}

#[test]
fn time_errors() {
    check(
        "horizon.toml",
        &edit_timed(37, "horizon = -3"),
        &[at(
            "time.horizon",
            "horizon -3 is a negative number of months",
            37,
        )],
    );
    check(
        "horizon-long.toml",
        &edit_timed(37, "horizon = 6000"),
        &[at("time.horizon", "outside 1..=600 months", 37)],
    );
    check(
        "drift-issue.toml",
        &edit_timed(40, "issue = \"land\""),
        &[at("time.drift[0].issue", "unknown issue `land`", 40)],
    );
    check(
        "drift-rate.toml",
        &edit_timed(41, "per_month = 250"),
        &[at(
            "time.drift[0].per_month",
            "drift of 250 scale points",
            41,
        )],
    );
    check(
        "cap.toml",
        &edit_timed(42, "cap = 120"),
        &[at(
            "time.drift[0].cap",
            "cap 120 is outside the scale [0, 100]",
            42,
        )],
    );
    check(
        "cost-actor.toml",
        &edit_timed(46, "actor = \"z\""),
        &[at("time.actors[0].actor", "unknown actor `z`", 46)],
    );
    check(
        "cost.toml",
        &edit_timed(47, "cost_per_month = 1.5"),
        &[at(
            "time.actors[0].cost_per_month",
            "monthly cost 1.5 is outside 0..=1 utility points",
            47,
        )],
    );
    check(
        "cost-negative.toml",
        &edit_timed(47, "cost_per_month = -0.1"),
        &[at("time.actors[0].cost_per_month", "outside 0..=1", 47)],
    );
    check(
        "discount.toml",
        &edit_timed(48, "discount = 0"),
        &[at(
            "time.actors[0].discount",
            "discount factor 0 is outside (0, 1]",
            48,
        )],
    );
    check(
        "lever-id.toml",
        &edit_timed(52, "id = \"a truce\""),
        &[at("time.levers[0].id", "invalid lever id `a truce`", 52)],
    );
    check(
        "from.toml",
        &edit_timed(58, "  from = -1"),
        &[at(
            "time.levers[0].effects[0].from",
            "month -1 is negative",
            58,
        )],
    );
    check(
        "until.toml",
        &edit_timed(59, "  until = 2"),
        &[at(
            "time.levers[0].effects[0].until",
            "`until` (month 2) is not after `from` (month 3)",
            59,
        )],
    );
    check(
        "effect-actor.toml",
        &edit_timed(63, "  actor = \"c\""),
        &[at(
            "time.levers[0].effects[1].actor",
            "unknown actor `c`",
            63,
        )],
    );
    check(
        "effect-missing.toml",
        &edit_timed(63, ""),
        &[at(
            "time.levers[0].effects[1].kind",
            "an effect of kind `add-cost` needs `actor`",
            62,
        )],
    );
    check(
        "effect-extra.toml",
        &edit_timed(64, "  factor = 2"),
        &[
            at(
                "time.levers[0].effects[1].factor",
                "`factor` does not apply to an effect of kind `add-cost`",
                64,
            ),
            at("time.levers[0].effects[1].kind", "needs `per_month`", 62),
        ],
    );
    check(
        "effect-kind.toml",
        &edit_timed(62, "  kind = \"teleport\""),
        &[at(
            "time.levers[0].effects[1].kind",
            "unknown variant `teleport`",
            62,
        )],
    );
    check(
        "move-until.toml",
        &edit_timed(
            62,
            "  kind = \"move-status-quo\"\n  issue = \"i\"\n  points = 5\n  until = 9",
        ),
        &[
            at(
                "time.levers[0].effects[1].actor",
                "`actor` does not apply to an effect of kind `move-status-quo`",
                66,
            ),
            at(
                "time.levers[0].effects[1].per_month",
                "`per_month` does not apply",
                67,
            ),
            at("time.levers[0].effects[1].until", "one-time move", 65),
        ],
    );
}

#[test]
fn time_warnings() {
    check_warnings(
        "cap-behind.toml",
        &edit_timed(42, "cap = 40"),
        &[at(
            "time.drift[0].cap",
            "cap 40 is not ahead of the status quo 50",
            42,
        )],
    );
    check_warnings(
        "no-why.toml",
        &edit_timed(54, ""),
        &[at("time.levers[0].id", "lever `truce` has no `why`", 52)],
    );
    check_warnings(
        "late.toml",
        &timed().replace("from = 3\n  until = 6", "from = 30\n  until = 40"),
        &[at(
            "time.levers[0].effects[0].from",
            "starts in month 30, after the horizon of 12 months",
            58,
        )],
    );
}

/// `timed()` plus the sections of the bargaining-while-fighting model (issue 12); the new lines
/// are 65 to 91, numbered in the comments.
fn fought() -> String {
    format!(
        "{}{}",
        timed(),
        r#"
[[time.beliefs]]
actor = "a"
issue = "i"
drift = 3
sd = 1
why = "w"

[[time.audience_costs]]
actor = "b"
issue = "i"
line = 50
across = "above"
cost = 0.05
decay = 0.9
why = "w"

[time.enforcement]
holds = 0.8
per_drift_point = 0.05
why = "w"

  [[time.enforcement.terms]]
  issue = "i"
  at = 0
  change = 0.1
  why = "w"
"#
    )
}

/// `fought()` with each `(line, text)` replaced (one-based line numbers of the original).
fn edit_fought(edits: &[(usize, &str)]) -> String {
    let text = fought();
    let mut lines: Vec<&str> = text.lines().collect();
    for &(line, with) in edits {
        assert!(
            line >= 1 && line <= lines.len(),
            "line {line} is not in fought()"
        );
        lines[line - 1] = with;
    }
    lines.join("\n") + "\n"
}

#[test]
fn r12_fighting_sections_are_valid_and_read() {
    let text = fought();
    assert_eq!(text.lines().nth(65), Some("[[time.beliefs]]"));
    assert_eq!(text.lines().nth(90), Some("  why = \"w\""));
    let parsed = check_warnings("fought.toml", &text, &[]);
    let time = parsed.scenario.time.unwrap();
    assert!(time.has_fighting_terms());
    assert_eq!(time.lookahead, detente_core::DEFAULT_LOOKAHEAD);
    assert_eq!(time.drift[0].sd, 0.0);
    let b = &time.beliefs[0];
    assert_eq!((b.actor.0, b.issue.0, b.drift, b.sd), (0, 0, 3.0, 1.0));
    let a = &time.audience_costs[0];
    assert_eq!((a.actor.0, a.line, a.above, a.cost), (1, 50.0, true, 0.05));
    assert!(a.crossed(50.5) && !a.crossed(50.0));
    // 0.05 · 0.9² = 0.0405.
    assert!((a.at(2) - 0.0405).abs() < 1e-15);
    let e = time.enforcement.unwrap();
    assert_eq!((e.holds, e.per_drift_point), (0.8, 0.05));
    assert_eq!(e.breakdown, detente_core::Breakdown::TermsStand);
    let text = edit_fought(&[(84, "per_drift_point = 0.05\nbreakdown = \"back-to-war\"")]);
    let e = parse("back.toml", &text)
        .unwrap()
        .scenario
        .time
        .unwrap()
        .enforcement
        .unwrap();
    assert_eq!(e.breakdown, detente_core::Breakdown::BackToWar);
    assert_eq!((e.terms[0].at, e.terms[0].change), (0.0, 0.1));
    // The older sections alone have no fighting terms.
    let old = parse("time.toml", &timed()).unwrap().scenario.time.unwrap();
    assert!(!old.has_fighting_terms());
    // A drift sd and a look-ahead are read.
    let text = edit_fought(&[
        (37, "horizon = 12\nlookahead = 6"),
        (42, "cap = 80\nsd = 1.5"),
    ]);
    let time = parse("sd.toml", &text).unwrap().scenario.time.unwrap();
    assert_eq!((time.lookahead, time.drift[0].sd), (6, 1.5));
}

#[test]
fn r12_fighting_errors() {
    check(
        "belief-sd.toml",
        &edit_fought(&[(70, "sd = 0")]),
        &[at(
            "time.beliefs[0].sd",
            "belief sd 0 is not a positive number",
            70,
        )],
    );
    check(
        "belief-sd-negative.toml",
        &edit_fought(&[(70, "sd = -2")]),
        &[at("time.beliefs[0].sd", "belief sd -2", 70)],
    );
    check(
        "belief-actor.toml",
        &edit_fought(&[(67, "actor = \"z\"")]),
        &[at("time.beliefs[0].actor", "unknown actor `z`", 67)],
    );
    check(
        "belief-issue.toml",
        &edit_fought(&[(68, "issue = \"q\"")]),
        &[at("time.beliefs[0].issue", "unknown issue `q`", 68)],
    );
    check(
        "belief-no-drift.toml",
        &edit_fought(&[(39, ""), (40, ""), (41, ""), (42, ""), (43, "")]),
        &[at(
            "time.beliefs[0].issue",
            "issue `i` has no `[[time.drift]]`",
            68,
        )],
    );
    check(
        "belief-drift.toml",
        &edit_fought(&[(69, "drift = 500")]),
        &[at("time.beliefs[0].drift", "believed drift of 500", 69)],
    );
    check(
        "belief-twice.toml",
        &edit_fought(&[(
            71,
            "why = \"w\"\n[[time.beliefs]]\nactor = \"a\"\nissue = \"i\"\ndrift = 1\nsd = 1\nwhy = \"w\"",
        )]),
        &[at(
            "time.beliefs[1].actor",
            "actor `a` has two beliefs about `i` (0 and 1)",
            73,
        )],
    );
    check(
        "audience-line.toml",
        &edit_fought(&[(76, "line = 150")]),
        &[at(
            "time.audience_costs[0].line",
            "line 150 is outside the scale [0, 100]",
            76,
        )],
    );
    check(
        "audience-cost.toml",
        &edit_fought(&[(78, "cost = 2")]),
        &[at(
            "time.audience_costs[0].cost",
            "audience cost 2 is outside 0..=1",
            78,
        )],
    );
    check(
        "audience-hard-with-cost.toml",
        &edit_fought(&[(78, "cost = 0.05\nhard = true")]),
        &[
            at(
                "time.audience_costs[0].cost",
                "a red line (`hard = true`) has no cost",
                78,
            ),
            at(
                "time.audience_costs[0].decay",
                "a red line (`hard = true`) cannot fade",
                80,
            ),
        ],
    );
    check(
        "audience-no-cost.toml",
        &edit_fought(&[(78, "")]),
        &[at(
            "time.audience_costs[0].cost",
            "an audience cost needs `cost` (utility points) or `hard = true` (a red line)",
            73,
        )],
    );
    check(
        "audience-decay.toml",
        &edit_fought(&[(79, "decay = 0")]),
        &[at(
            "time.audience_costs[0].decay",
            "decay 0 is outside (0, 1]",
            79,
        )],
    );
    check(
        "audience-until.toml",
        &edit_fought(&[(79, "decay = 0.9\nuntil = 0")]),
        &[at(
            "time.audience_costs[0].until",
            "month 0 is outside 1..=600",
            80,
        )],
    );
    check(
        "audience-actor.toml",
        &edit_fought(&[(74, "actor = \"nobody\"")]),
        &[at(
            "time.audience_costs[0].actor",
            "unknown actor `nobody`",
            74,
        )],
    );
    check(
        "enforcement-holds.toml",
        &edit_fought(&[(83, "holds = 1.5")]),
        &[at(
            "time.enforcement.holds",
            "chance 1.5 is outside 0..=1",
            83,
        )],
    );
    check(
        "enforcement-per-drift.toml",
        &edit_fought(&[(84, "per_drift_point = -0.1")]),
        &[at(
            "time.enforcement.per_drift_point",
            "-0.1 is outside 0..=1",
            84,
        )],
    );
    check(
        "enforcement-breakdown.toml",
        &edit_fought(&[(84, "per_drift_point = 0.05\nbreakdown = \"never\"")]),
        &[at(
            "time.enforcement.breakdown",
            "unknown variant `never`, expected `terms-stand` or `back-to-war`",
            85,
        )],
    );
    check(
        "enforcement-at.toml",
        &edit_fought(&[(89, "  at = 101")]),
        &[at(
            "time.enforcement.terms[0].at",
            "point 101 is outside the scale",
            89,
        )],
    );
    check(
        "enforcement-change.toml",
        &edit_fought(&[(90, "  change = 2")]),
        &[at(
            "time.enforcement.terms[0].change",
            "change in probability 2 is outside -1..=1",
            90,
        )],
    );
    check(
        "lookahead.toml",
        &edit_fought(&[(37, "horizon = 12\nlookahead = 601")]),
        &[at("time.lookahead", "lookahead 601 is outside 1..=600", 38)],
    );
    check(
        "drift-sd.toml",
        &edit_fought(&[(42, "cap = 80\nsd = -1")]),
        &[at("time.drift[0].sd", "drift sd -1 is not a number", 43)],
    );
    check(
        "shift-enforcement.toml",
        &edit_fought(&[(
            64,
            "  per_month = 0.02\n\n  [[time.levers.effects]]\n  kind = \"shift-enforcement\"\n  probability = 3",
        )]),
        &[at(
            "time.levers[0].effects[2].probability",
            "change in probability 3",
            68,
        )],
    );
    check(
        "shift-belief-needs.toml",
        &edit_fought(&[(
            64,
            "  per_month = 0.02\n\n  [[time.levers.effects]]\n  kind = \"shift-belief\"\n  actor = \"a\"\n  per_month = 1",
        )]),
        &[at(
            "time.levers[0].effects[2].kind",
            "an effect of kind `shift-belief` needs `issue`",
            67,
        )],
    );
    check(
        "audience-factor.toml",
        &edit_fought(&[(
            64,
            "  per_month = 0.02\n\n  [[time.levers.effects]]\n  kind = \"scale-audience-cost\"\n  actor = \"b\"\n  factor = -1",
        )]),
        &[at(
            "time.levers[0].effects[2].factor",
            "audience-cost factor -1 is not a number >= 0",
            69,
        )],
    );
}

/// `fought()` plus a victory belief, an analyst's decisive hazard and a `scale-victory` lever;
/// the new lines are 92 to 113.
fn victoried() -> String {
    format!(
        "{}{}",
        fought(),
        r#"
[[time.victory]]
actor = "a"
wins = 0.05
wins_sd = 0.02
loses = 0.01
loses_sd = 0.005
why = "w"

[[time.decisive]]
actor = "b"
per_month = 0.01
why = "w"

[[time.levers]]
id = "hope"
name = "Hope"
why = "w"
  [[time.levers.effects]]
  kind = "scale-victory"
  actor = "a"
  factor = 0.5
"#
    )
}

/// `victoried()` with each `(line, text)` replaced (one-based line numbers of the original).
fn edit_victoried(edits: &[(usize, &str)]) -> String {
    let text = victoried();
    let mut lines: Vec<&str> = text.lines().collect();
    for &(line, with) in edits {
        lines[line - 1] = with;
    }
    lines.join("\n") + "\n"
}

/// The Beta prior from mean 0.05 and sd 0.02: `k = 0.05 · 0.95 / 0.0004 − 1 = 117.75`, so
/// `a = 5.8875` and `b = 111.8625`; from mean 0.01 and sd 0.005: `k = 395`, `a = 3.95`,
/// `b = 391.05`.
#[test]
fn r12_victory_sections_are_valid_and_read() {
    let text = victoried();
    assert_eq!(text.lines().nth(92), Some("[[time.victory]]"));
    assert_eq!(text.lines().nth(112), Some("  factor = 0.5"));
    let parsed = check_warnings("victory.toml", &text, &[]);
    let time = parsed.scenario.time.unwrap();
    let v = &time.victory[0];
    assert_eq!(v.actor.0, 0);
    assert!((v.wins.a - 5.8875).abs() < 1e-9 && (v.wins.b - 111.8625).abs() < 1e-9);
    assert!((v.wins.mean() - 0.05).abs() < 1e-12 && (v.wins.sd() - 0.02).abs() < 1e-12);
    let l = v.loses.unwrap();
    assert!((l.a - 3.95).abs() < 1e-9 && (l.b - 391.05).abs() < 1e-9);
    assert_eq!(
        (time.decisive[0].actor.0, time.decisive[0].per_month),
        (1, 0.01)
    );
    let lever = time.lever("hope").unwrap();
    assert_eq!(
        lever.effects[0].kind,
        detente_core::EffectKind::ScaleVictory {
            actor: detente_core::ActorIndex(0),
            factor: 0.5
        }
    );
    assert!(time.has_fighting_terms());
    // Without `loses`, the party rules losing out.
    let text = edit_victoried(&[(97, ""), (98, "")]);
    let time = parse("no-lose.toml", &text).unwrap().scenario.time.unwrap();
    assert_eq!(time.victory[0].loses, None);
}

#[test]
fn r12_victory_errors() {
    check(
        "victory-actor.toml",
        &edit_victoried(&[(94, "actor = \"z\"")]),
        &[at("time.victory[0].actor", "unknown actor `z`", 94)],
    );
    check(
        "victory-mean.toml",
        &edit_victoried(&[(95, "wins = 1.5")]),
        &[at(
            "time.victory[0].wins",
            "believed monthly chance 1.5 is not in the open interval 0..1",
            95,
        )],
    );
    check(
        "victory-zero.toml",
        &edit_victoried(&[(95, "wins = 0")]),
        &[at("time.victory[0].wins", "believed monthly chance 0", 95)],
    );
    // sqrt(0.05 · 0.95) = 0.2179: a larger sd is no Beta.
    check(
        "victory-sd.toml",
        &edit_victoried(&[(96, "wins_sd = 0.3")]),
        &[at(
            "time.victory[0].wins_sd",
            "sd 0.3 is not a positive number below 0.2179",
            96,
        )],
    );
    check(
        "victory-sd-zero.toml",
        &edit_victoried(&[(96, "wins_sd = 0")]),
        &[at(
            "time.victory[0].wins_sd",
            "sd 0 is not a positive number",
            96,
        )],
    );
    check(
        "victory-no-sd.toml",
        &edit_victoried(&[(98, "")]),
        &[at("time.victory[0].loses", "`loses` needs `loses_sd`", 97)],
    );
    check(
        "victory-sum.toml",
        &edit_victoried(&[
            (95, "wins = 0.7"),
            (96, "wins_sd = 0.1"),
            (97, "loses = 0.4"),
            (98, "loses_sd = 0.1"),
        ]),
        &[at("time.victory[0].loses", "add up to 1 or more", 97)],
    );
    check(
        "victory-twice.toml",
        &edit_victoried(&[(
            99,
            "why = \"w\"\n[[time.victory]]\nactor = \"a\"\nwins = 0.1\nwins_sd = 0.05\nwhy = \"w\"",
        )]),
        &[at(
            "time.victory[1].actor",
            "actor `a` has two victory beliefs (0 and 1)",
            101,
        )],
    );
    check(
        "decisive-chance.toml",
        &edit_victoried(&[(103, "per_month = -0.1")]),
        &[at(
            "time.decisive[0].per_month",
            "monthly chance -0.1 is outside 0..1",
            103,
        )],
    );
    check(
        "decisive-actor.toml",
        &edit_victoried(&[(102, "actor = \"q\"")]),
        &[at("time.decisive[0].actor", "unknown actor `q`", 102)],
    );
    check(
        "scale-victory-factor.toml",
        &edit_victoried(&[(113, "  factor = -1")]),
        &[at(
            "time.levers[1].effects[0].factor",
            "victory factor -1 is not a number >= 0",
            113,
        )],
    );
    check(
        "scale-victory-issue.toml",
        &edit_victoried(&[(113, "  factor = 0.5\n  issue = \"i\"")]),
        &[at(
            "time.levers[1].effects[0].issue",
            "`issue` does not apply to an effect of kind `scale-victory`",
            114,
        )],
    );
}

/// `fought()` with `events` appended; the events start on line 93.
fn with_events(events: &str) -> String {
    format!("{}\n{events}", fought())
}

#[test]
fn r13_events_are_read_and_bad_ones_refused() {
    let ok = with_events(
        "[[time.events]]\nkind = \"status-quo\"\nissue = \"i\"\nmonth = 3\nvalue = 40\nerror = 2\nsource = \"s\"\nwhy = \"w\"\n\n[[time.events]]\nkind = \"no-deal\"\nmonth = 2\nsource = \"s\"\nwhy = \"w\"\n\n[[time.events]]\nkind = \"lever\"\nlever = \"truce\"\nmonth = 1\nsource = \"s\"\nwhy = \"w\"\n",
    );
    assert_eq!(ok.lines().nth(92), Some("[[time.events]]"));
    let time = parse("events.toml", &ok).unwrap().scenario.time.unwrap();
    assert_eq!(time.events.len(), 3);
    assert_eq!(time.events[0].month, 3);
    assert!(matches!(
        time.events[0].kind,
        detente_core::EventKind::StatusQuo { value, error, .. } if value == 40.0 && error == 2.0
    ));
    assert!(time.has_fighting_terms());
    let one = |body: &str| {
        with_events(&format!(
            "[[time.events]]\n{body}source = \"s\"\nwhy = \"w\"\n"
        ))
    };
    check(
        "event-after-horizon.toml",
        &one("kind = \"no-deal\"\nmonth = 13\n"),
        &[at(
            "time.events[0].month",
            "month 13 is outside the months modelled, 0..=12",
            95,
        )],
    );
    check(
        "event-before-date.toml",
        &one("kind = \"no-deal\"\nmonth = -1\n"),
        &[at("time.events[0].month", "month -1 is outside", 95)],
    );
    check(
        "event-issue.toml",
        &one("kind = \"status-quo\"\nissue = \"nope\"\nmonth = 1\nvalue = 3\nerror = 1\n"),
        &[at("time.events[0].issue", "unknown issue `nope`", 95)],
    );
    check(
        "event-error.toml",
        &one("kind = \"status-quo\"\nissue = \"i\"\nmonth = 1\nvalue = 3\nerror = 0\n"),
        &[at(
            "time.events[0].error",
            "error 0 is not a positive number",
            98,
        )],
    );
    check(
        "event-value.toml",
        &one("kind = \"status-quo\"\nissue = \"i\"\nmonth = 1\nvalue = 300\nerror = 1\n"),
        &[at(
            "time.events[0].value",
            "value 300 is off the issue's scale",
            97,
        )],
    );
    check(
        "event-lever.toml",
        &one("kind = \"lever\"\nlever = \"nope\"\nmonth = 1\n"),
        &[at("time.events[0].lever", "unknown lever `nope`", 95)],
    );
    check(
        "event-misplaced.toml",
        &one("kind = \"no-deal\"\nmonth = 1\nvalue = 3\n"),
        &[at("time.events[0].value", "does not read `value`", 96)],
    );
    let contradicting = with_events(
        "[[time.events]]\nkind = \"deal\"\nmonth = 2\nsource = \"s\"\nwhy = \"w\"\n\n[[time.events]]\nkind = \"no-deal\"\nmonth = 4\nsource = \"s\"\nwhy = \"w\"\n",
    );
    let e = parse("contradicting.toml", &contradicting).unwrap_err();
    assert_eq!(e.errors().len(), 1, "{e}");
    let finding = e.errors()[0].finding();
    assert_eq!(finding.path.to_string(), "time.events");
    assert!(
        finding.message.contains("contradict"),
        "{}",
        finding.message
    );
    let bare = with_events("[[time.events]]\nkind = \"no-deal\"\nmonth = 1\n");
    let parsed = parse("bare.toml", &bare).unwrap();
    let shown: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
    assert!(
        shown.iter().any(|w| w.contains("has no `why`")),
        "{shown:?}"
    );
    assert!(
        shown.iter().any(|w| w.contains("has no `source`")),
        "{shown:?}"
    );
}

/// Issue 13: a scenario may choose its headline's weights (`[scenario] headline`); bad weights
/// are an error on that line, good ones reach the scenario.
#[test]
fn r13_the_scenarios_own_headline_weights() {
    let good = edit(
        4,
        "title = \"T\"\nheadline = \"eum=3, compromise=1\"\nheadline_why = \"w\"",
    );
    let parsed = parse("own.toml", &good).unwrap();
    let Some(detente_core::HeadlineWeights::Custom(w)) = &parsed.scenario.meta.headline else {
        panic!("no custom weights: {:?}", parsed.scenario.meta.headline);
    };
    let at_model = |m: &str| {
        w[detente_core::HEADLINE_MODELS
            .iter()
            .position(|x| *x == m)
            .unwrap()]
    };
    assert_eq!((at_model("eum"), at_model("compromise")), (0.75, 0.25));
    assert_eq!(parsed.scenario.meta.headline_why.as_deref(), Some("w"));
    let none = edit(4, "title = \"T\"\nheadline = \"none\"");
    assert_eq!(
        parse("none.toml", &none).unwrap().scenario.meta.headline,
        Some(detente_core::HeadlineWeights::None)
    );
    check(
        "bad-name.toml",
        &edit(4, "title = \"T\"\nheadline = \"compromise=1,nahs=1\""),
        &[at("scenario.headline", "unknown model `nahs`", 5)],
    );
    check(
        "bad-weight.toml",
        &edit(4, "title = \"T\"\nheadline = \"eum=-1\""),
        &[at("scenario.headline", "must be finite and >= 0", 5)],
    );
    check(
        "all-zero.toml",
        &edit(4, "title = \"T\"\nheadline = \"eum=0\""),
        &[at("scenario.headline", "every weight is 0", 5)],
    );
}

/// `fought()` plus an ally `c` with a position and an observer `d` without one, and the veto
/// `[[time.vetoes]]` entry given by `veto` (its keys, one per line).
fn vetoed(veto: &str) -> String {
    format!(
        "{}{}{veto}\nwhy = \"w\"\n",
        fought(),
        r#"
[[actors]]
id = "c"
name = "C"
capability = 10
role = "ally"

[[actors]]
id = "d"
name = "D"
capability = 10
role = "observer"

[[issues.positions]]
actor = "c"
position = 0
salience = 0.5
why = "w"

[[time.vetoes]]
"#
    )
}

/// The one-based line of the first line of `text` that is `line`.
fn line_of(text: &str, line: &str) -> usize {
    text.lines()
        .position(|l| l == line)
        .map(|k| k + 1)
        .unwrap_or_else(|| panic!("no line `{line}` in\n{text}"))
}

#[test]
fn r12_vetoes_name_an_ally_with_positions_that_backs_a_principal() {
    let good = vetoed("actor = \"c\"\nbacks = \"b\"");
    let parsed = parse("veto.toml", &good).unwrap();
    let time = parsed.scenario.time.as_ref().unwrap();
    assert_eq!(time.vetoes.len(), 1);
    let v = &time.vetoes[0];
    assert_eq!(parsed.scenario.actors[v.actor.0].id, "c");
    assert_eq!(parsed.scenario.actors[v.backs.0].id, "b");
    assert!(time.has_fighting_terms());

    let principal = vetoed("actor = \"a\"\nbacks = \"b\"");
    check(
        "veto-principal.toml",
        &principal,
        &[at(
            "time.vetoes[0].actor",
            "`a` is a principal",
            line_of(&principal, "[[time.vetoes]]") + 1,
        )],
    );
    let silent = vetoed("actor = \"d\"\nbacks = \"b\"");
    check(
        "veto-no-positions.toml",
        &silent,
        &[at(
            "time.vetoes[0].actor",
            "`d` takes no position on any issue",
            line_of(&silent, "[[time.vetoes]]") + 1,
        )],
    );
    let backs_ally = vetoed("actor = \"c\"\nbacks = \"d\"");
    check(
        "veto-backs-observer.toml",
        &backs_ally,
        &[at(
            "time.vetoes[0].backs",
            "`d` is not a principal",
            line_of(&backs_ally, "backs = \"d\""),
        )],
    );
    let unknown = vetoed("actor = \"zz\"\nbacks = \"b\"");
    check(
        "veto-unknown.toml",
        &unknown,
        &[at(
            "time.vetoes[0].actor",
            "unknown actor `zz`",
            line_of(&unknown, "actor = \"zz\""),
        )],
    );
    let twice = vetoed(
        "actor = \"c\"\nbacks = \"b\"\nwhy = \"w\"\n[[time.vetoes]]\nactor = \"c\"\nbacks = \"a\"",
    );
    check(
        "veto-twice.toml",
        &twice,
        &[at(
            "time.vetoes[1].actor",
            "actor `c` has two vetoes (0 and 1)",
            line_of(&twice, "backs = \"a\"") - 1,
        )],
    );
    let stray = vetoed("actor = \"c\"\nbacks = \"b\"\nvote = 1");
    let err = parse("veto-stray.toml", &stray).unwrap_err();
    assert!(
        err.errors().iter().any(|l| l.to_string().contains("vote")),
        "{err:?}"
    );
}

/// `BASE` with a third actor `c` on issue `i`, a second issue `j` with positions of A and C
/// (and of B with the salience given) and `space` appended.
fn with_space(b_on_j: Option<f64>, space: &str) -> String {
    let mut text = BASE.to_owned();
    text.push_str(
        "\n[[issues.positions]]\nactor = \"c\"\nposition = 40\nsalience = 0.3\nwhy = \"w\"\n",
    );
    text.push_str(
        "\n[[issues]]\nid = \"j\"\nname = \"J\"\nscale = [0, 10]\nstatus_quo = 5\n\n[[issues.positions]]\nactor = \"a\"\nposition = 2\nsalience = 0.5\nwhy = \"w\"\n\n[[issues.positions]]\nactor = \"c\"\nposition = 4\nsalience = 0.3\nwhy = \"w\"\n",
    );
    if let Some(s) = b_on_j {
        text.push_str(&format!(
            "\n[[issues.positions]]\nactor = \"b\"\nposition = 8\nsalience = {s}\nwhy = \"w\"\n"
        ));
    }
    text.push_str(
        "\n[[actors]]\nid = \"c\"\nname = \"C\"\ncapability = 20\nrole = \"principal\"\n\n",
    );
    text.push_str(space);
    text
}

/// The one-based line of the first line of `text` that starts with `start`.
fn line_starting(text: &str, start: &str) -> usize {
    text.lines().position(|l| l.starts_with(start)).unwrap() + 1
}

/// Issue 15: `[[spaces]]` (multi-dimensional issues). A valid space, then one case per check.
#[test]
fn space_checks() {
    const SPACE: &str = "[[spaces]]\nid = \"s\"\nname = \"S\"\ndimensions = [\"i\", \"j\"]\n";
    let ok = with_space(Some(0.4), SPACE);
    let parsed = check_warnings("space.toml", &ok, &[]);
    let space = &parsed.scenario.spaces[0];
    assert_eq!(
        space.dimensions,
        [detente_core::IssueIndex(0), detente_core::IssueIndex(1)]
    );
    assert_eq!(
        space.actors(&parsed.scenario),
        [
            detente_core::ActorIndex(0),
            detente_core::ActorIndex(1),
            detente_core::ActorIndex(2)
        ]
    );

    let missing = with_space(None, SPACE);
    check(
        "missing.toml",
        &missing,
        &[at(
            "spaces[0].dimensions[1]",
            "actor `b` has a position on `i` but none on `j`",
            line_starting(&missing, "dimensions ="),
        )],
    );
    let over = with_space(Some(0.6), SPACE);
    check(
        "over.toml",
        &over,
        &[at(
            "spaces[0].dimensions",
            "the saliences of actor `b` over the dimensions of space `s` sum to 1.1",
            line_starting(&over, "dimensions ="),
        )],
    );
    let unknown = with_space(
        Some(0.4),
        "[[spaces]]\nid = \"s\"\nname = \"S\"\ndimensions = [\"i\", \"k\"]\n",
    );
    check(
        "unknown.toml",
        &unknown,
        &[at(
            "spaces[0].dimensions[1]",
            "unknown issue `k`",
            line_starting(&unknown, "dimensions ="),
        )],
    );
    let twice = with_space(
        Some(0.4),
        &format!("{SPACE}\n[[spaces]]\nid = \"s\"\nname = \"T\"\ndimensions = [\"j\"]\n"),
    );
    let second = twice.rfind("dimensions = [\"j\"]").unwrap();
    let second_line = twice[..second].lines().count() + 1;
    check(
        "twice.toml",
        &twice,
        &[
            at("spaces[1].id", "duplicate space id `s`", second_line - 2),
            at(
                "spaces[1].dimensions[0]",
                "issue `j` is already a dimension of space `s`",
                second_line,
            ),
        ],
    );
    let adjust = with_space(
        Some(0.4),
        &format!(
            "{SPACE}ideal_adjustment = [{{ actor = \"zz\", toward = \"a\", rate = 0.5 }}, {{ actor = \"a\", toward = \"b\", rate = 2 }}]\n"
        ),
    );
    let line = line_starting(&adjust, "ideal_adjustment");
    check(
        "adjust.toml",
        &adjust,
        &[
            at(
                "spaces[0].ideal_adjustment[0].actor",
                "`zz` is not an actor of space `s`",
                line,
            ),
            at(
                "spaces[0].ideal_adjustment[1].rate",
                "rate 2 is outside 0..=1",
                line,
            ),
        ],
    );
    let empty = with_space(
        Some(0.4),
        "[[spaces]]\nid = \"s\"\nname = \" \"\ndimensions = []\n",
    );
    check(
        "empty.toml",
        &empty,
        &[
            at(
                "spaces[0].name",
                "the space's name is empty",
                line_starting(&empty, "name = \" \""),
            ),
            at(
                "spaces[0].dimensions",
                "space `s` has no dimensions",
                line_starting(&empty, "dimensions ="),
            ),
        ],
    );
}
