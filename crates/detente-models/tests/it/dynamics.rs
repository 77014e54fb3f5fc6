//! The dynamics model against hand-computable cases: the finite-horizon split-the-pie game
//! (Ståhl 1972; Rubinstein 1982 as the horizon grows), fixed bargaining costs, breakdown, a
//! drift with a cap whose ripeness month follows by hand, levers that move it, and properties of
//! the status-quo path and the game on random inputs.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected values")]

use detente_core::parse;
use detente_models::bargain::frontier::FrontierPoint;
use detente_models::bargain::{Loss, Package, PackageConfig};
use detente_models::dynamics::{
    DynamicsConfig, GameInput, GameOutcome, Prepared, alternating_offers, delay, levers,
};
use proptest::prelude::*;

/// A pie of size 1 cut on a grid of `g` steps: party 0 gets `x/g`, party 1 the rest.
fn pie(g: usize) -> Vec<FrontierPoint> {
    (0..=g)
        .rev()
        .map(|x| FrontierPoint {
            package: Package(vec![x]),
            utilities: vec![x as f64 / g as f64, 1.0 - x as f64 / g as f64],
        })
        .collect()
}

fn game(months: usize, d: [f64; 2], c: [f64; 2], discount: [f64; 2], first: usize) -> GameInput {
    GameInput {
        disagreement: vec![d; months],
        cost: vec![c; months],
        discount,
        first_proposer: first,
    }
}

/// Party 0's share when party 0 proposes first, and the month of agreement.
fn share0(points: &[FrontierPoint], input: &GameInput) -> (f64, u32) {
    match alternating_offers(points, input).outcome {
        GameOutcome::Agreement {
            month, utilities, ..
        } => (utilities[0], month),
        other => panic!("expected agreement, got {other:?}"),
    }
}

/// Ståhl's finite game with equal discount δ = 1/2 and N periods: the first proposer gets
/// `(1 − (−δ)^N) / (1 + δ)`: 1, 1/2, 3/4, 5/8, 11/16, 21/32, 43/64. Every value is a multiple of
/// 1/64, so on a 64-step grid the answer is exact.
#[test]
fn stahl_split_the_pie_equal_discounts() {
    let points = pie(64);
    for n in 1..=7 {
        let expected = (1.0 - (-0.5f64).powi(n)) / 1.5;
        let (share, month) = share0(&points, &game(n as usize, [0.0; 2], [0.0; 2], [0.5; 2], 0));
        assert_eq!(share, expected, "{n} periods");
        assert_eq!(month, 0);
        // The second party proposing first gets the same share.
        let (share1, _) = share0(&points, &game(n as usize, [0.0; 2], [0.0; 2], [0.5; 2], 1));
        assert_eq!(1.0 - share1, expected, "{n} periods, party 1 first");
    }
}

/// As the horizon grows the finite game approaches Rubinstein's share
/// `(1 − δ_2) / (1 − δ_1 δ_2)`; with δ = (0.9, 0.8) that is 5/7.
#[test]
fn rubinstein_limit_with_unequal_discounts() {
    let points = pie(1000);
    let (share, _) = share0(&points, &game(80, [0.0; 2], [0.0; 2], [0.9, 0.8], 0));
    assert!((share - 5.0 / 7.0).abs() < 0.01, "{share}");
}

/// Fixed costs, no discounting, two months: in month 1 the proposer (party 1) takes all, so in
/// month 0 party 1 accepts no less than `1 − c_1` and party 0 keeps `c_1` = 1/4.
#[test]
fn fixed_costs_two_months() {
    let (share, month) = share0(&pie(64), &game(2, [0.0; 2], [0.0, 0.25], [1.0; 2], 0));
    assert_eq!((share, month), (0.25, 0));
}

/// When every package leaves someone below its disagreement value, talks break down at once.
#[test]
fn breakdown_when_no_package_beats_disagreement() {
    let g = alternating_offers(&pie(64), &game(3, [0.6, 0.6], [0.0; 2], [1.0; 2], 0));
    assert_eq!(
        g.outcome,
        GameOutcome::Breakdown {
            month: 0,
            utilities: vec![0.6, 0.6]
        }
    );
}

/// An outside option binds only when it beats continuing: party 1's option 0.3 in month 0 does
/// not change Ståhl's two-period answer (it gets 1/2 by continuing), but 0.75 does.
#[test]
fn outside_option_binds_only_above_continuation() {
    let points = pie(64);
    let mut input = game(2, [0.0; 2], [0.0; 2], [0.5; 2], 0);
    input.disagreement[0] = [0.0, 0.3];
    assert_eq!(share0(&points, &input).0, 0.5);
    input.disagreement[0] = [0.0, 0.75];
    assert_eq!(share0(&points, &input).0, 0.25);
}

const DRIFT: &str = r#"
[scenario]
title = "Drift"

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
  salience = 1
  why = "w"
  [[issues.positions]]
  actor = "b"
  position = 0
  salience = 1
  why = "w"

[time]
horizon = 6

[[time.drift]]
issue = "land"
per_month = 10
cap = 80
why = "w"

[[time.actors]]
actor = "a"
cost_per_month = 0.05
why = "w"

[[time.actors]]
actor = "b"
cost_per_month = 0.05
why = "w"

[[time.levers]]
id = "ceasefire"
name = "Ceasefire"
why = "w"
  [[time.levers.effects]]
  kind = "stop-drift"

[[time.levers]]
id = "offensive"
name = "Offensive"
why = "w"
  [[time.levers.effects]]
  kind = "drift-rate"
  issue = "land"
  per_month = 20
  from = 1
"#;

fn linear() -> DynamicsConfig {
    DynamicsConfig {
        package: PackageConfig {
            loss: Loss::Linear,
            ..PackageConfig::default()
        },
        ..DynamicsConfig::default()
    }
}

/// One issue, linear utilities `x/100` and `1 − x/100`, equal costs 0.05: the Nash deal splits
/// the surplus over `d(t)` equally, so it sits at the status quo `SQ(t)` = 50, 60, 70, 80, 80...
/// A's cost of delay is `0.05 − 0.10 = −0.05` while the line still moves 10 points (A gains by
/// waiting) and `+0.05` once it reaches the cap; B's is `0.10 + 0.05` then `0.05`. So the deal
/// is ripe from month 3.
#[test]
fn drift_with_cap_gives_the_hand_computed_ripeness_month() {
    let scenario = parse("drift.toml", DRIFT).unwrap().scenario;
    let report = delay(&scenario, &linear()).unwrap();
    let sq: Vec<f64> = report.months.iter().map(|m| m.status_quo[0]).collect();
    assert_eq!(sq, [50.0, 60.0, 70.0, 80.0, 80.0, 80.0, 80.0]);
    for m in &report.months {
        assert!(m.zone);
        let deal = m.nash.as_ref().unwrap();
        assert_eq!(deal.values, vec![m.status_quo[0]], "month {}", m.month);
        let d = &m.disagreement;
        assert!((d[0] - (m.status_quo[0] / 100.0 - 0.05)).abs() < 1e-12);
        assert!((d[1] - (1.0 - m.status_quo[0] / 100.0 - 0.05)).abs() < 1e-12);
    }
    let cod = |t: usize| report.months[t].cost_of_delay.clone().unwrap();
    for t in 0..3 {
        assert!((cod(t)[0] + 0.05).abs() < 1e-12, "{:?}", cod(t));
        assert!((cod(t)[1] - 0.15).abs() < 1e-12, "{:?}", cod(t));
    }
    assert!((cod(3)[0] - 0.05).abs() < 1e-12);
    assert_eq!(report.ripeness, Some(3));
    // The game: no discounting, equal costs: with 7 months A proposes last (months 0, 2, 4, 6).
    let spe = report.spe.unwrap();
    assert_eq!(spe.month, 0);
    assert_eq!(spe.first_proposer, "a");
}

/// A raised stop flag ends the month-by-month table and every lever variant with `Stopped`;
/// the same options with the flag down give the full result.
#[test]
fn a_raised_stop_flag_ends_delay_and_levers() {
    let scenario = parse("drift.toml", DRIFT).unwrap().scenario;
    let stop = detente_models::stop::StopFlag::new();
    let config = DynamicsConfig {
        stop: stop.clone(),
        ..linear()
    };
    assert!(delay(&scenario, &config).is_ok());
    assert!(levers(&scenario, &config).is_ok());
    stop.raise();
    assert!(matches!(
        delay(&scenario, &config),
        Err(detente_models::dynamics::DynamicsError::Stopped)
    ));
    assert!(matches!(
        levers(&scenario, &config),
        Err(detente_models::dynamics::DynamicsError::Stopped)
    ));
}

#[test]
fn levers_move_the_ripeness_month() {
    let scenario = parse("drift.toml", DRIFT).unwrap().scenario;
    let ceasefire = delay(
        &scenario,
        &DynamicsConfig {
            levers: vec!["ceasefire".into()],
            ..linear()
        },
    )
    .unwrap();
    assert!(ceasefire.months.iter().all(|m| m.status_quo[0] == 50.0));
    assert_eq!(ceasefire.ripeness, Some(0));
    let offensive = delay(
        &scenario,
        &DynamicsConfig {
            levers: vec!["offensive".into()],
            ..linear()
        },
    )
    .unwrap();
    let sq: Vec<f64> = offensive.months.iter().map(|m| m.status_quo[0]).collect();
    assert_eq!(sq, [50.0, 60.0, 80.0, 80.0, 80.0, 80.0, 80.0]);
    assert_eq!(offensive.ripeness, Some(2));

    let report = levers(&scenario, &linear()).unwrap();
    assert_eq!(report.baseline.ripeness, Some(3));
    let order: Vec<(Vec<String>, i64)> = report
        .variants
        .iter()
        .map(|v| (v.levers.clone(), v.ripeness_shift))
        .collect();
    assert_eq!(
        order,
        vec![
            (vec!["ceasefire".to_owned()], -3),
            (vec!["ceasefire".to_owned(), "offensive".to_owned()], -3),
            (vec!["offensive".to_owned()], -1),
        ]
    );
    // The ceasefire deal (at 50) gives A 0.3 less than the baseline's ripe deal (at 80).
    assert!((report.variants[0].utility_shift[0] + 0.3).abs() < 1e-12);
    assert!(
        delay(
            &scenario,
            &DynamicsConfig {
                levers: vec!["nope".into()],
                ..linear()
            }
        )
        .unwrap_err()
        .to_string()
        .contains("unknown lever `nope`; the scenario's levers are: ceasefire, offensive")
    );
}

/// The off-grid utility used for disagreement values agrees with the package utilities on grid
/// points, on the bundled Istanbul scenario.
#[test]
fn utility_at_matches_package_utilities() {
    let text = include_str!("../../../../scenarios/istanbul-2025.toml");
    let scenario = parse("istanbul-2025.toml", text).unwrap().scenario;
    let prepared = Prepared::new(&scenario, &DynamicsConfig::default()).unwrap();
    let problem = prepared.problem();
    for point in prepared.frontier().iter().step_by(7) {
        let values: Vec<f64> = problem
            .domain()
            .issues()
            .iter()
            .zip(&point.package.0)
            .map(|(i, &v)| i.values[v].number.unwrap())
            .collect();
        for i in 0..2 {
            assert_eq!(
                prepared.utility_at(&scenario, i, &values),
                point.utilities[i]
            );
        }
    }
}

proptest! {
    /// The finite game on a fine grid stays within the grid's rounding of the continuous
    /// backward recursion (party 0 proposes in even months; the proposer keeps 1 minus the
    /// responder's discounted share of the next month).
    #[test]
    fn game_matches_continuous_recursion(
        d0 in 0.05f64..=1.0, d1 in 0.05f64..=1.0, months in 1usize..15,
    ) {
        let g = 1000;
        // share[i] = proposer's share in the subgame from month t; the proposer in month t is
        // party t % 2.
        let mut proposer_share = 1.0;
        for t in (0..months - 1).rev() {
            let responder = 1 - t % 2;
            let delta = if responder == 0 { d0 } else { d1 };
            proposer_share = 1.0 - delta * proposer_share;
        }
        let (share, month) = share0(&pie(g), &game(months, [0.0; 2], [0.0; 2], [d0, d1], 0));
        prop_assert_eq!(month, 0);
        prop_assert!((share - proposer_share).abs() <= months as f64 / g as f64 + 1e-12,
            "{} vs {}", share, proposer_share);
    }

    /// The status quo never leaves the scale, moves monotonically in the drift's direction and
    /// never passes the cap.
    #[test]
    fn drift_path_respects_scale_and_cap(
        rate in -30.0f64..30.0, cap in 0.0f64..=100.0, sq in 0.0f64..=100.0,
    ) {
        let text = DRIFT
            .replace("status_quo = 50", &format!("status_quo = {sq:?}"))
            .replace("per_month = 10", &format!("per_month = {rate:?}"))
            .replace("cap = 80", &format!("cap = {cap:?}"));
        let scenario = parse("p.toml", &text).unwrap().scenario;
        let report = delay(&scenario, &linear()).unwrap();
        let path: Vec<f64> = report.months.iter().map(|m| m.status_quo[0]).collect();
        for w in path.windows(2) {
            prop_assert!((0.0..=100.0).contains(&w[1]));
            if rate >= 0.0 { prop_assert!(w[1] >= w[0]); } else { prop_assert!(w[1] <= w[0]); }
            if w[0] != w[1] {
                if rate > 0.0 { prop_assert!(w[1] <= cap); } else { prop_assert!(w[1] >= cap); }
            }
        }
    }
}
