//! Monte Carlo, shocks and sensitivity on the Istanbul scenario and on small scenarios whose
//! answers can be worked out by hand.
#![expect(clippy::unwrap_used, reason = "tests")]

use detente_core::Scenario;
use detente_models::bargain::{PackageConfig, SolveConfig};
use detente_models::forecast::{ForecastConfig, Model, forecast};
use detente_sim::sensitivity::{SensitivityConfig, sensitivity, sensitivity_until};
use detente_sim::shocks::{DEFAULT_SHOCKS, shocks};
use detente_sim::{MonteCarloConfig, Noise, QuantileMethod, Target, montecarlo};

const ISTANBUL: &str = include_str!("../../../../scenarios/istanbul-2025.toml");

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

#[test]
fn sensitivity_until_without_a_stop_equals_sensitivity() {
    let s = istanbul();
    let targets = [Target::Spatial(ForecastConfig {
        models: vec![Model::Compromise, Model::Median],
        ..ForecastConfig::default()
    })];
    let config = SensitivityConfig {
        trials: 150,
        seed: 9,
        ..SensitivityConfig::default()
    };
    let plain = sensitivity(&s, &targets, &config, &|_| {}).unwrap();
    let until = sensitivity_until(&s, &targets, &config, &|_| {}, &|| false)
        .unwrap()
        .unwrap();
    assert_eq!(until, plain);
    // Small blocks (several for the tornado's inputs and for the trials) change nothing but
    // the block setting itself, which the JSON leaves out.
    let seen = std::sync::Mutex::new(Vec::new());
    let blocked = sensitivity_until(
        &s,
        &targets,
        &SensitivityConfig {
            block: 16,
            ..config.clone()
        },
        &|n| seen.lock().unwrap().push(n),
        &|| false,
    )
    .unwrap()
    .unwrap();
    assert_eq!(blocked.inputs, plain.inputs);
    assert_eq!(blocked.metrics, plain.metrics);
    assert_eq!(
        serde_json::to_value(&blocked).unwrap(),
        serde_json::to_value(&plain).unwrap()
    );
    // Progress counts model runs (issue 16): two per tornado input, reported while the
    // tornado runs, then the trials; it ends at `runs`.
    let seen = seen.into_inner().unwrap();
    let tornado = 2 * plain.inputs.len() as u64;
    assert_eq!(
        detente_sim::sensitivity::runs(&s, &targets, &config),
        tornado + 150
    );
    assert_eq!(seen.last().copied(), Some(tornado + 150));
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert!(
        seen.iter().any(|&n| n > 0 && n <= tornado),
        "no progress during the tornado: {seen:?}"
    );
}

#[test]
fn a_stop_ends_sensitivity_until_without_a_result() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let s = istanbul();
    let targets = [Target::Spatial(ForecastConfig {
        models: vec![Model::Compromise],
        ..ForecastConfig::default()
    })];
    let config = SensitivityConfig {
        trials: 100,
        block: 16,
        ..SensitivityConfig::default()
    };
    // Stopped after two blocks of regression trials.
    let done = AtomicU64::new(0);
    let out = sensitivity_until(
        &s,
        &targets,
        &config,
        &|n| done.store(n, Ordering::Relaxed),
        &|| done.load(Ordering::Relaxed) >= 32,
    )
    .unwrap();
    assert!(out.is_none());
    assert_eq!(done.load(Ordering::Relaxed), 32);
    // Stopped at once: not even the tornado runs, and no trial is reported.
    let done = AtomicU64::new(0);
    let asked = AtomicU64::new(0);
    let out = sensitivity_until(
        &s,
        &targets,
        &config,
        &|n| done.store(n, Ordering::Relaxed),
        &|| {
            asked.fetch_add(1, Ordering::Relaxed);
            true
        },
    )
    .unwrap();
    assert!(out.is_none());
    assert_eq!(done.load(Ordering::Relaxed), 0);
    assert_eq!(asked.load(Ordering::Relaxed), 1);
    // With no regression a stop during the tornado still ends the run.
    let out = sensitivity_until(
        &s,
        &targets,
        &SensitivityConfig {
            trials: 0,
            ..config
        },
        &|_| {},
        &|| true,
    )
    .unwrap();
    assert!(out.is_none());
}

/// The time model on the Istanbul scenario, on a coarse grid (5 points per issue) so that
/// debug-build tests stay fast.
fn delay_target() -> Target {
    Target::Delay(detente_models::dynamics::DynamicsConfig {
        package: PackageConfig {
            step: 25.0,
            ..PackageConfig::default()
        },
        ..detente_models::dynamics::DynamicsConfig::default()
    })
}

fn time_noise() -> Noise {
    let mut noise = Noise::default();
    noise.set("drift=0.5").unwrap();
    noise.set("cost=0.5").unwrap();
    noise
}

/// Issue 5: same seed, same bytes for 1, 2 and 8 threads, with the delay target and drift and
/// cost noise (on top of the scenario's own position uncertainty and salience noise).
#[test]
fn r5_delay_target_is_identical_for_any_threads() {
    let s = istanbul();
    let mut noise = time_noise();
    noise.set("salience=0.1").unwrap();
    let config = MonteCarloConfig {
        trials: 24,
        seed: 11,
        noise,
        block: 5,
        exact_limit: 16,
        ..MonteCarloConfig::default()
    };
    let targets = [delay_target()];
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let r = pool
            .install(|| montecarlo(&s, &targets, &config, &|_| {}))
            .unwrap();
        serde_json::to_string(&r).unwrap()
    };
    let one = run(1);
    assert_eq!(run(2), one);
    assert_eq!(run(8), one);
    assert!(one.contains("\"delay/ripeness-month\""));
    let other = MonteCarloConfig {
        seed: 12,
        ..config.clone()
    };
    let r = montecarlo(&s, &targets, &other, &|_| {}).unwrap();
    assert_ne!(serde_json::to_string(&r).unwrap(), one);
}

/// Every trial of the delay target is `dynamics::delay` on the perturbed scenario: recompute the
/// trials one by one, independently of the aggregation, and compare counts, means and extremes.
#[test]
fn delay_target_matches_the_model_trial_by_trial() {
    use detente_models::dynamics::{DynamicsConfig, delay};
    let s = istanbul();
    let noise = Noise {
        ignore_scenario: true,
        ..time_noise()
    };
    let config = MonteCarloConfig {
        trials: 40,
        seed: 3,
        noise,
        ..MonteCarloConfig::default()
    };
    let r = montecarlo(&s, &[delay_target()], &config, &|_| {}).unwrap();
    let dyn_config = DynamicsConfig {
        package: PackageConfig {
            step: 25.0,
            ..PackageConfig::default()
        },
        ..DynamicsConfig::default()
    };
    let base = delay(&s, &dyn_config).unwrap();
    let (mut zone, mut ripe, mut months) = (0u64, 0u64, Vec::new());
    let mut utilities = vec![Vec::new(); base.parties.len()];
    for k in 0..config.trials {
        let trial = detente_sim::perturb(&s, &config.noise, &mut detente_sim::trial_rng(3, k));
        let report = delay(&trial, &dyn_config).unwrap();
        zone += u64::from(report.months[0].zone);
        if let Some(t) = report.ripeness {
            ripe += 1;
            months.push(f64::from(t));
            let deal = report.months[t as usize].nash.as_ref().unwrap();
            for (u, x) in utilities.iter_mut().zip(&deal.utilities) {
                u.push(*x);
            }
        }
    }
    let get = |key: &str| r.metrics.iter().find(|m| m.metric.key == key).unwrap();
    let n = config.trials as f64;
    assert_eq!(get("delay/zone-at-0").summary.mean, Some(zone as f64 / n));
    assert_eq!(get("delay/ripe").summary.mean, Some(ripe as f64 / n));
    let month = get("delay/ripeness-month");
    assert_eq!(month.summary.count, ripe);
    assert_eq!(month.summary.missing, config.trials - ripe);
    assert_eq!(month.baseline, base.ripeness.map(f64::from));
    assert_eq!(month.metric.bins, Some(base.horizon as usize + 1));
    assert_eq!(month.summary.histogram.counts.iter().sum::<u64>(), ripe);
    if ripe > 0 {
        let mean = months.iter().sum::<f64>() / months.len() as f64;
        assert!((month.summary.mean.unwrap() - mean).abs() < 1e-12);
        let min = months.iter().copied().fold(f64::INFINITY, f64::min);
        assert_eq!(month.summary.min, Some(min));
        for (party, u) in base.parties.iter().zip(&utilities) {
            let m = get(&format!("delay/nash/{party}"));
            let mean = u.iter().sum::<f64>() / u.len() as f64;
            assert!((m.summary.mean.unwrap() - mean).abs() < 1e-12, "{party}");
        }
    }
    // Cost and drift noise must move something on Istanbul: the trials are not all the baseline.
    let spread = |key: &str| {
        let s = &get(key).summary;
        s.max.zip(s.min).map_or(0.0, |(a, b)| a - b)
    };
    assert!(
        spread("delay/ripeness-month") > 0.0
            || base
                .parties
                .iter()
                .any(|p| spread(&format!("delay/nash/{p}")) > 0.0)
            || get("delay/ripe")
                .summary
                .mean
                .is_some_and(|m| m > 0.0 && m < 1.0),
        "drift and cost noise moved nothing"
    );
}

/// Drift noise is log-normal: the sign of the drift never flips, its median is the scenario's
/// rate and the log of the factor has the requested sd; costs stay in 0..=1.
#[test]
fn drift_and_cost_noise_are_log_normal() {
    let s = istanbul();
    let time = s.time.as_ref().unwrap();
    let rate = time.drift[0].per_month;
    assert!(rate != 0.0);
    let noise = Noise {
        ignore_scenario: true,
        ..time_noise()
    };
    let n = 4000;
    let mut logs = Vec::new();
    for k in 0..n {
        let p = detente_sim::perturb(&s, &noise, &mut detente_sim::trial_rng(8, k));
        let t = p.time.as_ref().unwrap();
        let r = t.drift[0].per_month;
        assert_eq!(r.signum(), rate.signum());
        logs.push((r / rate).ln());
        assert!(
            t.actors
                .iter()
                .all(|a| (0.0..=1.0).contains(&a.cost_per_month))
        );
        // Positions and saliences are untouched by time noise.
        assert_eq!(p.issues, s.issues);
    }
    let mean = logs.iter().sum::<f64>() / n as f64;
    let sd = (logs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
    // Standard errors: 0.5 / sqrt(4000) = 0.008 for the mean, about 0.006 for the sd.
    assert!(mean.abs() < 0.03, "log mean {mean}");
    assert!((sd - 0.5).abs() < 0.025, "log sd {sd}");
}

#[test]
fn delay_target_in_shocks_and_sensitivity() {
    let s = istanbul();
    let targets = [delay_target()];
    let table = shocks(&s, &targets, &DEFAULT_SHOCKS).unwrap();
    assert!(
        table
            .baseline
            .iter()
            .any(|(k, _)| k == "delay/ripeness-month")
    );
    // Dropping a principal leaves a different party set: its ripe-month utility is missing.
    let drop_russia = table
        .rows
        .iter()
        .find(|r| r.actor == "russia" && r.shock.label() == "drop")
        .unwrap();
    let u = drop_russia
        .effects
        .iter()
        .find(|e| e.metric == "delay/nash/russia")
        .unwrap();
    assert_eq!(u.value, None);

    let config = SensitivityConfig {
        trials: 0,
        ..SensitivityConfig::default()
    };
    let r = sensitivity(&s, &targets, &config, &|_| {}).unwrap();
    let time = s.time.as_ref().unwrap();
    let time_inputs = r.inputs.iter().filter(|i| i.kind.is_time()).count();
    assert_eq!(time_inputs, time.drift.len() + time.actors.len());
    // A spatial-only run leaves the time inputs out.
    let spatial = sensitivity(
        &s,
        &[Target::Spatial(ForecastConfig::default())],
        &config,
        &|_| {},
    )
    .unwrap();
    assert!(spatial.inputs.iter().all(|i| !i.kind.is_time()));
    assert_eq!(spatial.inputs.len() + time_inputs, r.inputs.len());
    // --noise ranges: cost=0.5 gives c·exp(±1.645·0.5) instead of ×/÷1.5.
    let mut noise = Noise::default();
    noise.set("cost=0.5").unwrap();
    let with_noise = detente_sim::sensitivity::inputs(
        &s,
        &SensitivityConfig {
            noise,
            ..SensitivityConfig::default()
        },
    );
    let cost = with_noise
        .iter()
        .find(|i| {
            matches!(
                i.kind,
                detente_sim::sensitivity::InputKind::Cost { index: 0 }
            )
        })
        .unwrap();
    let f = (1.644_853_626_951_472_2f64 * 0.5).exp();
    assert!((cost.high / cost.base - f).abs() < 1e-12, "{cost:?}");
    assert!((cost.base / cost.low - f).abs() < 1e-12, "{cost:?}");
}

/// Issue 5, analytic check of the ripeness distribution. On `drift.toml` (one issue, linear
/// utilities `x/100` and `1 − x/100`, equal costs 0.05 a month, the line drifting `r` points a
/// month from 50 toward a cap at 80; see crates/detente-models/tests/it/dynamics.rs for the hand
/// computation) the Nash deal sits at the grid point (step 5) nearest the month's status quo,
/// and A gains by waiting exactly when next month's deal is more than 5 points (its monthly
/// cost) further its way. So month 0 is ripe iff the first month's drift rounds to a move of at
/// most 5 points, i.e. iff `r < 7.5`. With `r = 10 · exp(0.5 Z)`:
/// `P(ripe at month 0) = Φ(ln(0.75) / 0.5) = 0.2826`.
#[test]
fn r5_ripeness_month_distribution_matches_the_analytic_probability() {
    let s = detente_core::parse(
        "drift.toml",
        include_str!("../../../detente-cli/tests/data/drift.toml"),
    )
    .unwrap()
    .scenario;
    let target = Target::Delay(detente_models::dynamics::DynamicsConfig {
        package: PackageConfig {
            loss: detente_models::bargain::Loss::Linear,
            ..PackageConfig::default()
        },
        ..detente_models::dynamics::DynamicsConfig::default()
    });
    let mut noise = Noise::default();
    noise.set("drift=0.5").unwrap();
    let config = MonteCarloConfig {
        trials: 10_000,
        seed: 5,
        noise,
        ..MonteCarloConfig::default()
    };
    let r = montecarlo(&s, &[target], &config, &|_| {}).unwrap();
    let month = r
        .metrics
        .iter()
        .find(|m| m.metric.key == "delay/ripeness-month")
        .unwrap();
    assert_eq!(month.baseline, Some(3.0));
    // Horizon 6: seven one-month bins.
    assert_eq!(month.summary.histogram.counts.len(), 7);
    assert_eq!(
        month.summary.missing, 0,
        "every draw reaches the cap within the horizon"
    );
    let p0 = month.summary.histogram.counts[0] as f64 / 10_000.0;
    // Standard error sqrt(0.28 · 0.72 / 10000) = 0.0045; a normal instead of a log-normal
    // factor would give Φ(-0.5) = 0.309, six standard errors away.
    assert!((p0 - 0.2826).abs() < 0.015, "P(month 0) = {p0}");
    // The baseline r = 10 ripens in month 3; draws spread both ways around it.
    assert!(month.summary.histogram.counts[3] > 0);
    assert!(month.summary.histogram.counts[1..3].iter().sum::<u64>() > 0);
}

/// `montecarlo_until` with a stop that never fires gives exactly `montecarlo`'s result; one that
/// fires after the first block gives no result, and the trials done stop at that block.
#[test]
fn montecarlo_until_stops_between_blocks_and_otherwise_equals_montecarlo() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let s = istanbul();
    let mut noise = Noise::default();
    noise.set("salience=0.1").unwrap();
    let config = MonteCarloConfig {
        trials: 40,
        seed: 7,
        noise,
        block: 8,
        ..MonteCarloConfig::default()
    };
    let targets = all_targets();
    let full = montecarlo(&s, &targets, &config, &|_| {}).unwrap();
    let until = detente_sim::montecarlo_until(&s, &targets, &config, &|_| {}, &|| false)
        .unwrap()
        .unwrap();
    assert_eq!(
        serde_json::to_string(&full).unwrap(),
        serde_json::to_string(&until).unwrap()
    );
    let done = AtomicU64::new(0);
    let stopped = detente_sim::montecarlo_until(
        &s,
        &targets,
        &config,
        &|n| done.store(n, Ordering::Relaxed),
        &|| done.load(Ordering::Relaxed) >= 8,
    )
    .unwrap();
    assert!(stopped.is_none());
    assert_eq!(done.load(Ordering::Relaxed), 8);
}
