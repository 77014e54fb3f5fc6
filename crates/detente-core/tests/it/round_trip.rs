//! A full scenario, using every key of the format, read from TOML and compared field by field;
//! then the same document built as a `ScenarioFile`, written with `to_toml` and read back, must
//! give the same `Scenario`, and so must its JSON form.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected values")]

use detente_core::{
    ActorFile, ActorIndex, AnchorFile, DecisionRule, DecisionRuleFile, IssueFile, MetaFile,
    PositionFile, Role, RoleFile, ScenarioFile, Uncertainty, parse,
};

const FULL: &str = r#"format = 1

[scenario]
title = "Istanbul talks, May 2025"
date = "2025-05-16"
description = "What is being negotiated."
sources = ["An article", "https://example.invalid/a"]
caveat = "Other analysts' numbers differ."

[[actors]]
id = "russia"
name = "Russia"
capability = 100
role = "principal"
bloc = "russia"
note = "Free text."
why = "Why this capability."

[[actors]]
id = "ukraine"
name = "Ukraine"
capability = 60
role = "principal"

[[actors]]
id = "turkey"
name = "Türkiye"
capability = 20.5
role = "mediator"

[[issues]]
id = "territory"
name = "Territory"
scale = [0, 100]
status_quo = 60
status_quo_why = "Current lines."
decision_rule = "unanimity-of-principals"
note = "Main issue."
anchors = [
  { at = 100, label = "Ukraine cedes all of the four regions" },
  { at = 0, label = "Russia withdraws" },
]

  [[issues.positions]]
  actor = "russia"
  position = 100
  salience = 0.8
  sd = 5
  why = "Statements."

  [[issues.positions]]
  actor = "ukraine"
  position = 0
  salience = 0.9
  range = [0, 10]
  why = "Statements."

[[issues]]
id = "ceasefire"
name = "Ceasefire length"
scale = [-1.5, 1.5]
status_quo = 0
decision_rule = "weighted-majority"
quota = 0.66

  [[issues.positions]]
  actor = "russia"
  position = -1
  salience = 0
  why = "Judgement."

  [[issues.positions]]
  actor = "ukraine"
  position = 1.5
  salience = 1
  why = "Judgement."

  [[issues.positions]]
  actor = "turkey"
  position = 0.25
  salience = 0.3
  why = "Judgement."
"#;

fn position(actor: &str, position: f64, salience: f64) -> PositionFile {
    PositionFile {
        actor: actor.to_owned(),
        position,
        salience,
        sd: None,
        range: None,
        why: Some("Judgement.".to_owned()),
    }
}

fn actor(id: &str, name: &str, capability: f64, role: RoleFile) -> ActorFile {
    ActorFile {
        id: id.to_owned(),
        name: name.to_owned(),
        capability,
        role,
        bloc: None,
        note: None,
        why: None,
    }
}

/// The same document as [`FULL`], built in code.
fn built() -> ScenarioFile {
    ScenarioFile {
        format: Some(1),
        scenario: MetaFile {
            title: "Istanbul talks, May 2025".into(),
            date: Some("2025-05-16".into()),
            description: Some("What is being negotiated.".into()),
            sources: vec!["An article".into(), "https://example.invalid/a".into()],
            caveat: Some("Other analysts' numbers differ.".into()),
            headline: None,
            headline_why: None,
        },
        actors: vec![
            ActorFile {
                bloc: Some("russia".into()),
                note: Some("Free text.".into()),
                why: Some("Why this capability.".into()),
                ..actor("russia", "Russia", 100.0, RoleFile::Principal)
            },
            actor("ukraine", "Ukraine", 60.0, RoleFile::Principal),
            actor("turkey", "Türkiye", 20.5, RoleFile::Mediator),
        ],
        issues: vec![
            IssueFile {
                id: "territory".into(),
                name: "Territory".into(),
                scale: [0.0, 100.0],
                status_quo: 60.0,
                status_quo_why: Some("Current lines.".into()),
                decision_rule: Some(DecisionRuleFile::UnanimityOfPrincipals),
                quota: None,
                procedural: false,
                note: Some("Main issue.".into()),
                anchors: vec![
                    AnchorFile {
                        at: 100.0,
                        label: "Ukraine cedes all of the four regions".into(),
                    },
                    AnchorFile {
                        at: 0.0,
                        label: "Russia withdraws".into(),
                    },
                ],
                positions: vec![
                    PositionFile {
                        sd: Some(5.0),
                        why: Some("Statements.".into()),
                        ..position("russia", 100.0, 0.8)
                    },
                    PositionFile {
                        range: Some([0.0, 10.0]),
                        why: Some("Statements.".into()),
                        ..position("ukraine", 0.0, 0.9)
                    },
                ],
            },
            IssueFile {
                id: "ceasefire".into(),
                name: "Ceasefire length".into(),
                scale: [-1.5, 1.5],
                status_quo: 0.0,
                status_quo_why: None,
                decision_rule: Some(DecisionRuleFile::WeightedMajority),
                quota: Some(0.66),
                procedural: false,
                note: None,
                anchors: Vec::new(),
                positions: vec![
                    position("russia", -1.0, 0.0),
                    position("ukraine", 1.5, 1.0),
                    position("turkey", 0.25, 0.3),
                ],
            },
        ],
        spaces: Vec::new(),
        time: None,
    }
}

#[test]
fn full_scenario_fields() {
    let parsed = parse("full.toml", FULL).unwrap();
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    let s = parsed.scenario;
    assert_eq!(s.format, 1);
    assert_eq!(s.meta.title, "Istanbul talks, May 2025");
    assert_eq!(s.meta.date.as_deref(), Some("2025-05-16"));
    assert_eq!(s.meta.sources.len(), 2);
    assert_eq!(
        s.meta.caveat.as_deref(),
        Some("Other analysts' numbers differ.")
    );
    assert_eq!(s.actors.len(), 3);
    let russia = &s.actors[0];
    assert_eq!(
        (russia.id.as_str(), russia.capability.get(), russia.role),
        ("russia", 100.0, Role::Principal)
    );
    assert_eq!(russia.bloc.as_deref(), Some("russia"));
    assert_eq!(russia.why.as_deref(), Some("Why this capability."));
    assert_eq!(s.actors[2].role, Role::Mediator);
    assert_eq!(s.actors[2].name, "Türkiye");

    let territory = s.issue("territory").unwrap();
    assert_eq!((territory.scale.min(), territory.scale.max()), (0.0, 100.0));
    assert_eq!(territory.status_quo, 60.0);
    assert_eq!(territory.decision_rule, DecisionRule::UnanimityOfPrincipals);
    // Anchors come back sorted by position on the scale.
    assert_eq!(territory.anchors[0].at, 0.0);
    assert_eq!(
        territory.anchors[1].label,
        "Ukraine cedes all of the four regions"
    );
    assert_eq!(territory.positions[0].actor, ActorIndex(0));
    assert_eq!(
        territory.positions[0].uncertainty,
        Some(Uncertainty::Sd(5.0))
    );
    assert_eq!(
        territory.positions[1].uncertainty,
        Some(Uncertainty::Range(0.0, 10.0))
    );
    assert_eq!(territory.positions[1].salience.get(), 0.9);
    assert_eq!(territory.nearest_anchor(70.0).unwrap().at, 100.0);

    let ceasefire = s.issue("ceasefire").unwrap();
    assert_eq!(
        ceasefire.decision_rule,
        DecisionRule::WeightedMajority { quota: 0.66 }
    );
    assert_eq!(ceasefire.positions.len(), 3);
    assert_eq!(
        ceasefire.positions[2].actor,
        s.actor_index("turkey").unwrap()
    );
    assert_eq!(ceasefire.positions[2].position, 0.25);
    assert!(ceasefire.position_of(ActorIndex(1)).is_some());
}

#[test]
fn built_file_writes_and_reads_back_the_same_scenario() {
    let by_hand = parse("full.toml", FULL).unwrap().scenario;
    let toml = built().to_toml();
    let written = parse("written.toml", &toml)
        .unwrap_or_else(|e| panic!("{e:?}\n{toml}"))
        .scenario;
    assert_eq!(written, by_hand);
    // Writing is deterministic, so imported files diff cleanly.
    assert_eq!(built().to_toml(), toml);
}

#[test]
fn json_form_reads_the_same() {
    let json = serde_json::to_string_pretty(&built()).unwrap();
    let from_json = parse("full.json", &json).unwrap().scenario;
    assert_eq!(from_json, parse("full.toml", FULL).unwrap().scenario);
}
