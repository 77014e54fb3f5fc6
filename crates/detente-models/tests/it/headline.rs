//! The headline's features and its arithmetic on a hand-made scenario: veto players per decision
//! rule, the spread of positions, mediators and allies, the mapping of a 0-10 scale onto the
//! 0-100 scale of the learnt weights, and the intervals.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use detente_core::parse;
use detente_models::forecast::{ForecastConfig, forecast};
use detente_models::headline::{Base, Preset, features, learnt};
use detente_models::stance::stances;

const SCENARIO: &str = r#"
[scenario]
title = "Features"

[[actors]]
id = "a"
name = "A"
capability = 60
role = "principal"

[[actors]]
id = "b"
name = "B"
capability = 40
role = "principal"

[[actors]]
id = "m"
name = "Mediator"
capability = 10
role = "mediator"

[[issues]]
id = "land"
name = "Land"
scale = [0, 100]
status_quo = 42
decision_rule = "unanimity-of-principals"
  [[issues.positions]]
  actor = "a"
  position = 100
  salience = 0.9
  [[issues.positions]]
  actor = "b"
  position = 0
  salience = 0.3
  [[issues.positions]]
  actor = "m"
  position = 50
  salience = 0.5

[[issues]]
id = "money"
name = "Money"
scale = [0, 10]
status_quo = 10
decision_rule = "weighted-majority"
quota = 0.5
  [[issues.positions]]
  actor = "a"
  position = 2
  salience = 0.6
  [[issues.positions]]
  actor = "b"
  position = 6
  salience = 0.5
"#;

/// By hand. Land: unanimity of principals, so the veto players are A and B (2); positions 100,
/// 0, 50 have mean 50 and population standard deviation sqrt(5000/3) = 40.82 on a width of 100;
/// one mediator. Money: a weighted majority gives no one a veto; positions 2 and 6 have standard
/// deviation 2 on a width of 10, i.e. 20 %.
#[test]
fn features_by_hand() {
    let s = parse("f.toml", SCENARIO).unwrap().scenario;
    let land = &s.issues[0];
    let f = features(&s, land, &stances(&s, land));
    assert!(f.unanimity);
    assert_eq!((f.veto_players, f.actors, f.mediators_or_allies), (2, 3, 1));
    assert!(
        (f.spread - (5000.0f64 / 3.0).sqrt()).abs() < 1e-9,
        "{}",
        f.spread
    );
    let money = &s.issues[1];
    let f = features(&s, money, &stances(&s, money));
    assert!(!f.unanimity);
    assert_eq!((f.veto_players, f.actors, f.mediators_or_allies), (0, 2, 0));
    assert!((f.spread - 20.0).abs() < 1e-9);
}

/// On a 0-10 scale the headline is the learnt stack of the bases mapped to 0-100 and back, i.e.
/// the same weighted sum on the issue's own scale (the map is affine and the weights sum to 1);
/// a custom preset of weight 1 on the compromise gives the compromise itself; intervals lie on
/// the issue's scale and widen with the level.
#[test]
fn headline_on_another_scale() {
    let s = parse("f.toml", SCENARIO).unwrap().scenario;
    let l = learnt().unwrap();
    let out = forecast(&s, &ForecastConfig::default());
    let money = &out.issues[1];
    let h = money.headline.as_ref().unwrap();
    let f = features(&s, &s.issues[1], &stances(&s, &s.issues[1]));
    let w = l.stack.weights_for(&f);
    let mut x = [0.0; 6];
    x[Base::StatusQuo.index()] = 10.0;
    x[Base::Mean.index()] = 4.0;
    x[Base::Compromise.index()] = money.compromise.as_ref().unwrap().position;
    x[Base::Median.index()] = money.median.as_ref().unwrap().point.position;
    x[Base::Nash.index()] = money.nash.as_ref().unwrap().point.position;
    x[Base::Eum.index()] = money.eum.as_ref().unwrap().point.position;
    let expected: f64 = w.iter().zip(&x).map(|(a, b)| a * b).sum();
    assert!(
        (h.position - expected).abs() < 1e-9,
        "{} vs {expected}",
        h.position
    );
    let mut prev = 0.0;
    for iv in &h.intervals {
        assert!(0.0 <= iv.low && iv.high <= 10.0, "{iv:?}");
        assert!(iv.high - iv.low >= prev);
        prev = iv.high - iv.low;
    }
    let custom = ForecastConfig {
        headline: Some(Preset::parse("compromise=1").unwrap()),
        ..ForecastConfig::default()
    };
    let out = forecast(&s, &custom);
    let m = &out.issues[1];
    // Equal up to the rounding of the map to 0-100 and back.
    let diff = m.headline.as_ref().unwrap().position - m.compromise.as_ref().unwrap().position;
    assert!(diff.abs() < 1e-12, "{diff}");
    assert_eq!(out.headline.as_ref().unwrap().preset, "custom");
    // The mediator on `land` is unlike every DEU issue.
    let land = forecast(&s, &ForecastConfig::default());
    let hl = land.issues[0].headline.as_ref().unwrap();
    assert!(
        hl.unlike_training
            .iter()
            .any(|u| u.starts_with("mediators and allies 1")),
        "{:?}",
        hl.unlike_training
    );
    let none = ForecastConfig {
        headline: None,
        ..ForecastConfig::default()
    };
    let out = forecast(&s, &none);
    assert!(out.headline.is_none() && out.issues.iter().all(|i| i.headline.is_none()));
}
