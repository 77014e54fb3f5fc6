//! Which issues the parties trade (`bargain::Scope`, issue 12) and red lines in the settlement
//! forecast: decision rules decide what is held at the status quo, procedural issues are held
//! only in a final settlement, and the candidates of the settlement forecast hold the best
//! package every red line allows.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::Path;

use detente_core::{Scenario, parse};
use detente_models::bargain::{Held, PackageConfig, Scope, from_scenario, held_issues};
use detente_models::dynamics::fighting::{Fight, TrialDraw};
use detente_models::dynamics::{DynamicsConfig, Prepared};

fn istanbul() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/istanbul-2025.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    parse(&path.display().to_string(), &text).unwrap().scenario
}

fn held(s: &Scenario, scope: Scope) -> Vec<(String, Option<Held>)> {
    let principals: Vec<_> = ["russia", "ukraine"]
        .iter()
        .map(|id| s.actor_index(id).unwrap())
        .collect();
    s.issues
        .iter()
        .map(|i| i.id.clone())
        .zip(held_issues(s, &principals, scope))
        .collect()
}

/// On Istanbul, by the file's own rules: EU membership is `unanimity` with EU members taking
/// positions, sanctions a `weighted-majority` where Russia (100) and Ukraine (45) hold exactly
/// half of the 290 capability with a position (the quota 0.5 must be exceeded), the trade
/// quotas a `weighted-majority` where Ukraine (45) is short of the EU, Poland and the agrarian
/// states (53); the other five are `unanimity-of-principals`. The ceasefire is procedural.
#[test]
fn istanbul_holds_what_others_decide() {
    let s = istanbul();
    let elsewhere = Some(Held::DecidedElsewhere);
    let expected = |ceasefire: Option<Held>| {
        vec![
            ("ceasefire".to_owned(), ceasefire),
            ("territory".to_owned(), None),
            ("neutrality".to_owned(), None),
            ("armed-forces".to_owned(), None),
            ("western-troops".to_owned(), None),
            ("eu-membership".to_owned(), elsewhere),
            ("sanctions".to_owned(), elsewhere),
            ("eu-trade-quotas".to_owned(), elsewhere),
        ]
    };
    assert_eq!(held(&s, Scope::Parties), expected(None));
    assert_eq!(
        held(&s, Scope::Settlement),
        expected(Some(Held::Procedural))
    );
    assert!(held(&s, Scope::All).iter().all(|(_, h)| h.is_none()));
    assert_eq!(Scope::Parties.settlement(), Scope::Settlement);
    assert_eq!(Scope::All.settlement(), Scope::All);
}

/// A held issue has one grid point, its status quo; a traded one keeps its grid.
#[test]
fn held_issues_have_one_value_at_the_status_quo() {
    let s = istanbul();
    let no_lines = PackageConfig {
        red_lines: false,
        ..PackageConfig::default()
    };
    let problem = from_scenario(&s, &no_lines).unwrap();
    for (issue, grid) in s.issues.iter().zip(problem.domain().issues()) {
        let numbers: Vec<f64> = grid.values.iter().filter_map(|v| v.number).collect();
        match issue.id.as_str() {
            "eu-membership" | "sanctions" | "eu-trade-quotas" => {
                assert_eq!(numbers, vec![issue.status_quo], "{}", issue.id);
            }
            _ => assert_eq!(numbers.len(), 21, "{}", issue.id),
        }
    }
    let all = PackageConfig {
        scope: Scope::All,
        ..no_lines
    };
    let problem = from_scenario(&s, &all).unwrap();
    assert!(
        problem
            .domain()
            .issues()
            .iter()
            .all(|g| g.values.len() == 21)
    );
}

fn majority(capability_c: u32) -> Scenario {
    let text = format!(
        r#"
[scenario]
title = "Quota"

[[actors]]
id = "a"
name = "A"
capability = 30
role = "principal"

[[actors]]
id = "b"
name = "B"
capability = 30
role = "principal"

[[actors]]
id = "c"
name = "C"
capability = {capability_c}
role = "ally"

[[issues]]
id = "x"
name = "X"
scale = [0, 100]
status_quo = 50
decision_rule = "weighted-majority"
quota = 0.5
  [[issues.positions]]
  actor = "a"
  position = 0
  salience = 1
  why = "w"
  [[issues.positions]]
  actor = "b"
  position = 100
  salience = 1
  why = "w"
  [[issues.positions]]
  actor = "c"
  position = 100
  salience = 1
  why = "w"
"#
    );
    parse("quota.toml", &text).unwrap().scenario
}

/// A weighted majority is carried only by *more* than the quota: a and b hold 60 of 120
/// (exactly half) when c has 60, and 60 of 119 when c has 59.
#[test]
fn a_weighted_majority_needs_more_than_the_quota() {
    for (c, expected) in [(60, Some(Held::DecidedElsewhere)), (59, None)] {
        let s = majority(c);
        let parties: Vec<_> = ["a", "b"]
            .iter()
            .map(|id| s.actor_index(id).unwrap())
            .collect();
        assert_eq!(held_issues(&s, &parties, Scope::Parties), vec![expected]);
    }
}

fn red_line_scenario(line: &str) -> Scenario {
    let text = format!(
        r#"
[scenario]
title = "Red line"

[[actors]]
id = "a"
name = "A"
capability = 50
role = "principal"

[[actors]]
id = "b"
name = "B"
capability = 50
role = "principal"

[[issues]]
id = "land"
name = "Land"
scale = [0, 100]
status_quo = 50
  [[issues.positions]]
  actor = "a"
  position = 100
  salience = 0.2
  why = "w"
  [[issues.positions]]
  actor = "b"
  position = 0
  salience = 1
  why = "w"

[[issues]]
id = "army"
name = "Army"
scale = [0, 100]
status_quo = 0
  [[issues.positions]]
  actor = "a"
  position = 100
  salience = 1
  why = "w"
  [[issues.positions]]
  actor = "b"
  position = 0
  salience = 0.2
  why = "w"

[time]
horizon = 3
lookahead = 1

[[time.actors]]
actor = "a"
cost_per_month = 0.05
why = "w"

[[time.actors]]
actor = "b"
cost_per_month = 0.05
why = "w"

{line}
"#
    );
    parse("red-line.toml", &text).unwrap().scenario
}

const RED_LINE: &str = r#"[[time.audience_costs]]
actor = "a"
issue = "land"
line = 50
across = "below"
hard = true
why = "w""#;

/// The candidates of the settlement forecast hold, for every party, the best package that
/// crosses no red line: brute force over the whole grid (21 × 21 packages) against the best
/// allowed candidate. Here `a` cares little for land and much for the army, `b` the reverse, so
/// every package on the unrestricted frontier with a high army gives `b` land below 50, across
/// `a`'s red line; without the restricted frontier the best allowed packages would be missing.
#[test]
fn candidates_hold_the_best_package_a_red_line_allows() {
    let s = red_line_scenario(RED_LINE);
    let config = DynamicsConfig::default();
    let prepared = Prepared::new(&s, &config).unwrap();
    let problem = prepared.problem();
    let grid = problem.domain().issues();
    let land = |package: &[usize]| grid[0].values[package[0]].number.unwrap();
    for party in 0..2 {
        let mut best = f64::NEG_INFINITY;
        for v0 in 0..grid[0].values.len() {
            for v1 in 0..grid[1].values.len() {
                let package = detente_models::bargain::Package(vec![v0, v1]);
                if land(&package.0) >= 50.0 {
                    best = best.max(problem.utilities(&package).unwrap()[party]);
                }
            }
        }
        let found = prepared
            .frontier()
            .iter()
            .filter(|p| land(&p.package.0) >= 50.0)
            .map(|p| p.utilities[party])
            .fold(f64::NEG_INFINITY, f64::max);
        assert!(
            (best - found).abs() < 1e-12,
            "party {party}: {found} vs {best}"
        );
    }
}

/// A red line keeps every settlement on its side: without it the deal hands `b` land below 50
/// (a trades land it values little for the army); with it the deal keeps land at 50 or more.
#[test]
fn a_red_line_keeps_the_deal_on_its_side() {
    let deal_land = |s: &Scenario| {
        let config = DynamicsConfig::default();
        let prepared = Prepared::new(s, &config).unwrap();
        let fight = Fight::new(s, &prepared, &config).unwrap();
        let outcome = fight.run(&TrialDraw::mean(s.time.as_ref().unwrap()), false);
        assert_eq!(outcome.deal_month, Some(0));
        outcome.terms.unwrap()[0]
    };
    let without = deal_land(&red_line_scenario(
        "[[time.audience_costs]]\nactor = \"a\"\nissue = \"land\"\nline = 50\nacross = \"below\"\ncost = 0\nwhy = \"w\"",
    ));
    let with = deal_land(&red_line_scenario(RED_LINE));
    assert!(
        without < 50.0,
        "without the red line the land goes to b: {without}"
    );
    assert!(with >= 50.0, "the red line holds: {with}");
}

/// Red lines take the values across them off the grid (the default): Moscow's lines on
/// territory (nothing below 75) and on Western troops (nothing below 50) leave 75..=100 and
/// 50..=100; the other traded issues keep their 21 points.
#[test]
fn red_lines_take_the_values_across_them_off_the_grid() {
    let s = istanbul();
    let problem = from_scenario(&s, &PackageConfig::default()).unwrap();
    for (issue, grid) in s.issues.iter().zip(problem.domain().issues()) {
        let numbers: Vec<f64> = grid.values.iter().filter_map(|v| v.number).collect();
        let from = |lo: u32| {
            (lo / 5..=20)
                .map(|k| f64::from(k * 5))
                .collect::<Vec<f64>>()
        };
        match issue.id.as_str() {
            "territory" => assert_eq!(numbers, from(75)),
            "western-troops" => assert_eq!(numbers, from(50)),
            "eu-membership" | "sanctions" | "eu-trade-quotas" => {
                assert_eq!(numbers, vec![issue.status_quo], "{}", issue.id);
            }
            _ => assert_eq!(numbers.len(), 21, "{}", issue.id),
        }
    }
}

/// The complete-information table of `delay` and its alternating-offers game respect the red
/// lines too: on Istanbul no month's Nash deal and no equilibrium offer hands back land (below
/// 75) or lets in a Western force (below 50), as `bargain` and the settlement forecast.
#[test]
fn the_delay_table_respects_red_lines() {
    let s = istanbul();
    let report = detente_models::dynamics::delay(&s, &DynamicsConfig::default()).unwrap();
    let territory = s.issues.iter().position(|i| i.id == "territory").unwrap();
    let troops = s
        .issues
        .iter()
        .position(|i| i.id == "western-troops")
        .unwrap();
    for m in &report.months {
        let nash = m.nash.as_ref().unwrap();
        assert!(
            nash.values[territory] >= 75.0,
            "month {}: {:?}",
            m.month,
            nash.values
        );
        assert!(
            nash.values[troops] >= 50.0,
            "month {}: {:?}",
            m.month,
            nash.values
        );
    }
    let spe = report.spe.unwrap().deal.unwrap();
    assert!(
        spe.values[territory] >= 75.0 && spe.values[troops] >= 50.0,
        "{:?}",
        spe.values
    );
}

/// A forecast across a veto player's red line is named in the issue's notes: on Istanbul the
/// territory forecasts below Moscow's line (unanimity of principals), and no other issue.
#[test]
fn forecasts_across_a_veto_players_red_line_are_noted() {
    use detente_models::forecast::{ForecastConfig, forecast};
    let s = istanbul();
    let f = forecast(&s, &ForecastConfig::default());
    for issue in &f.issues {
        let noted: Vec<&String> = issue
            .notes
            .iter()
            .filter(|n| n.starts_with("red line:"))
            .collect();
        if issue.issue == "territory" {
            assert_eq!(noted.len(), 1, "{:?}", issue.notes);
            assert!(
                noted[0].contains("Russia signs nothing below 75"),
                "{}",
                noted[0]
            );
            assert!(
                noted[0].contains("compromise (41.8)") && noted[0].contains("median (10.0)"),
                "{}",
                noted[0]
            );
            assert!(
                !noted[0].contains("nash"),
                "the Nash forecast (75) is on the line: {}",
                noted[0]
            );
        } else {
            assert!(noted.is_empty(), "{}: {noted:?}", issue.issue);
        }
    }
}
