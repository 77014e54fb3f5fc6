//! The settlement Monte Carlo (`detente_sim::settle`, issue 12): byte-identical on any thread
//! count, consistent with the model run trial by trial, and on Istanbul a curve that moves.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use detente_core::{Scenario, parse};
use detente_sim::settle::{SettleConfig, belief_sensitivity, settle, settle_levers};

fn istanbul() -> Scenario {
    let text = include_str!("../../../scenarios/istanbul-2025.toml");
    parse("istanbul-2025.toml", text).unwrap().scenario
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

#[test]
fn r12_settlement_is_identical_on_any_thread_count() {
    let s = istanbul();
    let config = SettleConfig {
        trials: 300,
        seed: 7,
        rate_noise: 0.3,
        position_draws: 3,
        ..SettleConfig::default()
    };
    let one = pool(1).install(|| serde_json::to_string(&settle(&s, &config).unwrap()).unwrap());
    let three = pool(3).install(|| serde_json::to_string(&settle(&s, &config).unwrap()).unwrap());
    assert_eq!(one, three);
    let config = SettleConfig {
        trials: 100,
        bootstrap: 50,
        ..config
    };
    let one =
        pool(1).install(|| serde_json::to_string(&settle_levers(&s, &config).unwrap()).unwrap());
    let two =
        pool(2).install(|| serde_json::to_string(&settle_levers(&s, &config).unwrap()).unwrap());
    assert_eq!(one, two);
}

/// The two-period mutual-optimism case of `crates/detente-models/tests/fighting.rs` (beliefs
/// ±25 with prior sd 10, front noise sd 10, costs 0.1, look-ahead 1), here with horizon 6.
fn optimism(noise_sd: f64) -> Scenario {
    let text = format!(
        r#"
[scenario]
title = "Optimism"
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
lookahead = 1
[[time.drift]]
issue = "land"
per_month = 0
sd = {noise_sd}
why = "w"
[[time.actors]]
actor = "a"
cost_per_month = 0.1
why = "w"
[[time.actors]]
actor = "b"
cost_per_month = 0.1
why = "w"
[[time.beliefs]]
actor = "a"
issue = "land"
drift = 25
sd = 10
why = "w"
[[time.beliefs]]
actor = "b"
issue = "land"
drift = -25
sd = 10
why = "w"
"#
    );
    parse("optimism.toml", &text).unwrap().scenario
}

fn linear() -> SettleConfig {
    let mut config = SettleConfig {
        trials: 400,
        position_draws: 0,
        ..SettleConfig::default()
    };
    config.dynamics.package.step = 10.0;
    config.dynamics.package.loss = detente_models::bargain::Loss::Linear;
    config
}

/// With the front exactly on its mean path (noise sd 0: one observation reveals the rate, so
/// both parties know it from month 1) every trial is the same: month 0 has no zone (`W = 0.65`
/// each, by hand in the models test), month 1 has the true rate 0 known, `W = 0.4`, and the
/// deal is on 50. So `P(deal by 0) = 0`, `P(deal by 1) = 1`, the median is month 1.
#[test]
fn r12_deterministic_front_gives_a_step_curve() {
    let out = settle(&optimism(0.0), &linear()).unwrap();
    let p: Vec<f64> = out.by_month.iter().map(|m| m.p).collect();
    assert_eq!(p, vec![0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
    assert_eq!(out.median_month, Some(1));
    assert_eq!(out.terms[0].percentiles, Some([50.0; 5]));
}

/// On common draws, more divergent priors never raise P(deal by month m) (the property test of
/// the model, here through the Monte Carlo and the sensitivity grid), and with no divergence
/// the deal is immediate in every trial.
#[test]
fn r12_divergence_never_raises_the_curve() {
    let cells =
        belief_sensitivity(&optimism(10.0), &linear(), &[0.0, 0.5, 1.0, 2.0], &[1.0]).unwrap();
    assert_eq!(cells[0].median_month, Some(0));
    assert_eq!(cells[0].windows[0].1, 1.0);
    for pair in cells.windows(2) {
        for (a, b) in pair[0].windows.iter().zip(&pair[1].windows) {
            assert!(b.1 <= a.1, "{pair:?}");
        }
        assert!(pair[1].p_deal <= pair[0].p_deal);
    }
    // The noisy front: no deal before month 2 (by hand, month 1 at best has W = 0.525 when the
    // front stood still), then a deal in some trials but not in all.
    let out = settle(&optimism(10.0), &linear()).unwrap();
    let p2 = out.by_month[2].p;
    assert!(p2 > 0.0 && p2 < 1.0, "{:?}", out.by_month);
    assert_eq!(out.by_month[0].p, 0.0);
}
