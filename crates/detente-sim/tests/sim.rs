//! Monte Carlo, shocks and sensitivity on the Istanbul scenario and on small scenarios whose
//! answers can be worked out by hand.
#![expect(clippy::unwrap_used, reason = "tests")]

use detente_core::Scenario;
use detente_models::bargain::{PackageConfig, SolveConfig};
use detente_models::forecast::{ForecastConfig, Model, forecast};
use detente_sim::sensitivity::{SensitivityConfig, sensitivity};
use detente_sim::shocks::{DEFAULT_SHOCKS, shocks};
use detente_sim::{MonteCarloConfig, Noise, QuantileMethod, Target, montecarlo};

const ISTANBUL: &str = include_str!("../../../scenarios/istanbul-2025.toml");

fn istanbul() -> Scenario {
    detente_core::parse("istanbul-2025.toml", ISTANBUL)
        .unwrap()
        .scenario
}

fn all_targets() -> Vec<Target> {
    let solve = SolveConfig {
        zopa_count_limit: 0,
        ..SolveConfig::default()
    };
    vec![
        Target::Spatial(ForecastConfig::default()),
        // A coarse grid (5 points per issue) keeps debug-build tests fast.
        Target::Package {
            package: PackageConfig {
                step: 25.0,
                ..PackageConfig::default()
            },
            solve,
        },
    ]
}

fn scenario(text: &str) -> Scenario {
    detente_core::parse("test.toml", text).unwrap().scenario
}

/// Two actors of equal weight on one issue; `a` has the given uncertainty line.
fn two_actor(uncertainty: &str) -> Scenario {
    scenario(&format!(
        r#"
[scenario]
title = "two"
[[actors]]
id = "a"
name = "A"
capability = 1
role = "principal"
[[actors]]
id = "b"
name = "B"
capability = 1
role = "principal"
[[issues]]
id = "x"
name = "X"
scale = [0, 100]
status_quo = 0
[[issues.positions]]
actor = "a"
position = 50
salience = 1
{uncertainty}
[[issues.positions]]
actor = "b"
position = 20
salience = 1
"#
    ))
}

fn run_json(s: &Scenario, config: &MonteCarloConfig, threads: usize) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let r = pool
        .install(|| montecarlo(s, &all_targets(), config, &|_| {}))
        .unwrap();
    serde_json::to_string(&r).unwrap()
}

#[test]
fn same_seed_same_result_for_any_threads_and_block_size() {
    let s = istanbul();
    let mut noise = Noise::default();
    noise.set("salience=0.1").unwrap();
    noise.set("capability=0.2").unwrap();
    let base = MonteCarloConfig {
        trials: 60,
        seed: 42,
        noise,
        block: 16,
        // Below the trial count, so the histogram sketch is exercised too.
        exact_limit: 40,
        ..MonteCarloConfig::default()
    };
    let reference = run_json(&s, &base, 1);
    for (threads, block) in [(2, 16), (8, 16), (2, 1), (3, 7), (1, 100)] {
        let c = MonteCarloConfig {
            block,
            ..base.clone()
        };
        assert_eq!(
            run_json(&s, &c, threads),
            reference,
            "threads {threads}, block {block}"
        );
    }
    let other_seed = MonteCarloConfig {
        seed: 43,
        ..base.clone()
    };
    assert_ne!(run_json(&s, &other_seed, 2), reference);
}

#[test]
fn without_noise_every_trial_is_the_point_forecast() {
    let s = istanbul();
    let noise = Noise {
        ignore_scenario: true,
        ..Noise::default()
    };
    let c = MonteCarloConfig {
        trials: 5,
        noise,
        ..MonteCarloConfig::default()
    };
    let r = montecarlo(&s, &all_targets(), &c, &|_| {}).unwrap();
    let point = forecast(&s, &ForecastConfig::default());
    let mut checked = 0;
    for issue in &point.issues {
        for model in Model::ALL {
            let key = format!("{}/{}", issue.issue, model.as_str());
            let m = r.metrics.iter().find(|m| m.metric.key == key).unwrap();
            let want = issue.point(model).map(|p| p.position);
            assert_eq!(m.baseline, want, "{key}");
            assert_eq!(m.summary.p05, want, "{key}");
            assert_eq!(m.summary.p95, want, "{key}");
            checked += 1;
        }
    }
    assert_eq!(checked, 8 * 4);
    let zopa = r
        .metrics
        .iter()
        .find(|m| m.metric.key == "package/zopa")
        .unwrap();
    assert!(zopa.summary.mean.is_some());
}

#[test]
fn sd_on_one_position_gives_the_analytic_spread() {
    // Compromise = (x_a + 20) / 2 with x_a ~ N(50, 10²) (clamping at 0 and 100 is 5 sd away):
    // mean 35, sd 5, so p05/p95 = 35 ∓ 1.645·5 = 26.78 / 43.22.
    let s = two_actor("sd = 10");
    let t = vec![Target::Spatial(ForecastConfig {
        models: vec![Model::Compromise],
        ..ForecastConfig::default()
    })];
    let c = MonteCarloConfig {
        trials: 20_000,
        seed: 1,
        ..MonteCarloConfig::default()
    };
    let r = montecarlo(&s, &t, &c, &|_| {}).unwrap();
    let m = &r.metrics[0].summary;
    assert_eq!(m.quantile_method, QuantileMethod::Histogram);
    assert!((m.mean.unwrap() - 35.0).abs() < 0.1, "{m:?}");
    assert!((m.p05.unwrap() - 26.78).abs() < 0.2, "{m:?}");
    assert!((m.p95.unwrap() - 43.22).abs() < 0.2, "{m:?}");
    assert!((m.median.unwrap() - 35.0).abs() < 0.15, "{m:?}");
}

#[test]
fn range_draws_uniformly() {
    // x_a ~ U(40, 60): compromise ~ U(30, 40), quartiles 32.5 / 35 / 37.5, all in range.
    let s = two_actor("range = [40, 60]");
    let t = vec![Target::Spatial(ForecastConfig {
        models: vec![Model::Compromise],
        ..ForecastConfig::default()
    })];
    let c = MonteCarloConfig {
        trials: 5000,
        seed: 9,
        ..MonteCarloConfig::default()
    };
    let m = &montecarlo(&s, &t, &c, &|_| {}).unwrap().metrics[0].summary;
    assert_eq!(m.quantile_method, QuantileMethod::Exact);
    assert!(m.min.unwrap() >= 30.0 && m.max.unwrap() <= 40.0, "{m:?}");
    assert!((m.p25.unwrap() - 32.5).abs() < 0.2, "{m:?}");
    assert!((m.p75.unwrap() - 37.5).abs() < 0.2, "{m:?}");
}

#[test]
fn shocks_match_hand_computation() {
    let s = two_actor("");
    let t = vec![Target::Spatial(ForecastConfig {
        models: vec![Model::Compromise],
        ..ForecastConfig::default()
    })];
    let table = shocks(&s, &t, &DEFAULT_SHOCKS).unwrap();
    assert_eq!(table.baseline[0].1, Some(35.0));
    let get = |actor: &str, label: &str| {
        table
            .rows
            .iter()
            .find(|r| r.actor == actor && r.shock.label() == label)
            .unwrap()
            .effects[0]
            .value
    };
    // Dropping a leaves b alone at 20; a at the status quo (0): (0 + 20) / 2.
    assert_eq!(get("a", "drop"), Some(20.0));
    assert_eq!(get("a", "to-status-quo"), Some(10.0));
    // a's weight doubled: (2·50 + 20) / 3 = 40; halved: (0.5·50 + 20) / 1.5 = 30.
    assert!((get("a", "capability x2").unwrap() - 40.0).abs() < 1e-12);
    assert!((get("a", "capability x0.5").unwrap() - 30.0).abs() < 1e-12);
    assert_eq!(table.rows.len(), 2 * DEFAULT_SHOCKS.len());
}

#[test]
fn tornado_ranks_and_regression_recovers_compromise_weights() {
    // Compromise (x_a + x_b) / 2 with both positions on ±10: each moves it by 10 end to end.
    // Saliences move it too (weights). The regression's R² is near 1 for this smooth model.
    let s = two_actor("range = [30, 70]");
    let t = vec![Target::Spatial(ForecastConfig {
        models: vec![Model::Compromise],
        ..ForecastConfig::default()
    })];
    let config = SensitivityConfig {
        trials: 3000,
        seed: 5,
        ..SensitivityConfig::default()
    };
    let r = sensitivity(&s, &t, &config, &|_| {}).unwrap();
    let m = &r.metrics[0];
    // Position of a over [30, 70] moves the compromise by 20: the biggest bar.
    assert_eq!(m.tornado[0].input, "position a @ x");
    assert!((m.tornado[0].swing - 20.0).abs() < 1e-9);
    // Position of b over 20 ± 10: swing 10.
    let b = m
        .tornado
        .iter()
        .find(|b| b.input == "position b @ x")
        .unwrap();
    assert!((b.swing - 10.0).abs() < 1e-9);
    assert_eq!(m.src[0].input, "position a @ x");
    assert!(m.r_squared.unwrap() > 0.95, "{:?}", m.r_squared);
    // Independent uniform inputs: SRC(a) / SRC(b) ≈ range ratio 40 / 20 = 2.
    let src = |name: &str| m.src.iter().find(|x| x.input == name).unwrap().src;
    let ratio = src("position a @ x") / src("position b @ x");
    assert!((ratio - 2.0).abs() < 0.15, "ratio {ratio}");
}

#[test]
fn istanbul_shocks_and_sensitivity_run() {
    let s = istanbul();
    let table = shocks(&s, &all_targets(), &DEFAULT_SHOCKS).unwrap();
    assert_eq!(table.rows.len(), s.actors.len() * 4);
    // Dropping Russia removes it as a bargaining party: its Nash utility is then missing.
    let drop_russia = table
        .rows
        .iter()
        .find(|r| r.actor == "russia" && r.shock.label() == "drop")
        .unwrap();
    let u = drop_russia
        .effects
        .iter()
        .find(|e| e.metric == "package/nash/russia")
        .unwrap();
    assert_eq!(u.value, None);
    let config = SensitivityConfig {
        trials: 0,
        ..SensitivityConfig::default()
    };
    let r = sensitivity(&s, &all_targets(), &config, &|_| {}).unwrap();
    assert!(r.metrics.iter().all(|m| m.tornado.len() == r.inputs.len()));
}
