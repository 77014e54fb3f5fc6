//! Monte Carlo as a background job: `detente_sim::montecarlo`'s method, run block by block so
//! that a job can report progress and stop when cancelled or out of time.
//!
//! `detente_sim::montecarlo` takes a progress callback but no way to stop, so this module runs
//! the same method itself: trial `k` draws its scenario with `perturb` from
//! `trial_rng(seed, k)`, evaluates every target on it, and the values are folded into the
//! summaries in trial order, one block at a time. Because every draw depends only on
//! `(seed, k)` and the fold is in trial order, the result equals the library's for the same
//! seed, trials and targets, whatever the block size (tested against the library). Between two
//! blocks it checks the stop flag; a stopped run returns no result.

use std::sync::atomic::{AtomicU64, Ordering};

use detente_core::Scenario;
use detente_sim::{
    Metric, MetricResult, MonteCarloConfig, MonteCarloResult, Summary, Target, TargetError,
    perturb, trial_rng,
};
use rayon::prelude::*;

/// Trials per block: small enough that a cancelled job stops within a fraction of a second on
/// the Istanbul scenario, large enough to keep every core busy.
pub const BLOCK: u64 = 64;

/// Runs the Monte Carlo of `targets` on `scenario`, storing the trials done in `done` after
/// each block and stopping (with `Ok(None)`) as soon as `stop()` says so between two blocks.
///
/// # Errors
/// A target that cannot be evaluated on the base scenario.
pub fn run(
    scenario: &Scenario,
    targets: &[Target],
    config: &MonteCarloConfig,
    done: &AtomicU64,
    stop: &dyn Fn() -> bool,
) -> Result<Option<MonteCarloResult>, TargetError> {
    let mut metrics: Vec<Metric> = Vec::new();
    let mut baseline: Vec<Option<f64>> = Vec::new();
    for target in targets {
        metrics.extend(target.metrics(scenario)?);
        baseline.extend(target.evaluate(scenario));
    }
    let mut summaries: Vec<Summary> = metrics
        .iter()
        .map(|m| {
            Summary::new(
                m.range[0],
                m.range[1],
                m.bins.unwrap_or(config.bins),
                config.exact_limit,
            )
        })
        .collect();
    let mut start = 0u64;
    while start < config.trials {
        if stop() {
            return Ok(None);
        }
        let end = config.trials.min(start.saturating_add(BLOCK));
        let outs: Vec<Vec<Option<f64>>> = (start..end)
            .into_par_iter()
            .map(|k| {
                let mut rng = trial_rng(config.seed, k);
                let s = perturb(scenario, &config.noise, &mut rng);
                targets.iter().flat_map(|t| t.evaluate(&s)).collect()
            })
            .collect();
        for values in outs {
            for (summary, v) in summaries.iter_mut().zip(values) {
                summary.add(v);
            }
        }
        done.store(end, Ordering::Relaxed);
        start = end;
    }
    Ok(Some(MonteCarloResult {
        schema: detente_sim::SCHEMA,
        title: scenario.meta.title.clone(),
        trials: config.trials,
        seed: config.seed,
        noise: config.noise,
        metrics: metrics
            .into_iter()
            .zip(baseline)
            .zip(&summaries)
            .map(|((metric, baseline), s)| MetricResult {
                metric,
                baseline,
                summary: s.finish(),
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use std::sync::atomic::AtomicU64;

    use detente_models::forecast::ForecastConfig;

    use super::*;

    // Istanbul, because its positions carry their own uncertainty, so each trial's draw shows
    // in the result (a scenario without any would give the same result for every seed).
    const ISTANBUL: &str = include_str!("../../../scenarios/istanbul-2025.toml");

    fn setup() -> (Scenario, Vec<Target>) {
        let scenario = detente_core::parse("x.toml", ISTANBUL).unwrap().scenario;
        let config = ForecastConfig {
            models: vec![detente_models::forecast::Model::Compromise],
            ..ForecastConfig::default()
        };
        (scenario, vec![Target::Spatial(config)])
    }

    #[test]
    fn equals_the_library_for_the_same_seed_across_several_blocks() {
        let (scenario, targets) = setup();
        // 150 trials: two full blocks and a partial one.
        for seed in [0, 7] {
            let config = MonteCarloConfig {
                trials: 150,
                seed,
                ..MonteCarloConfig::default()
            };
            let done = AtomicU64::new(0);
            let ours = run(&scenario, &targets, &config, &done, &|| false)
                .unwrap()
                .unwrap();
            let theirs = detente_sim::montecarlo(&scenario, &targets, &config, &|_| {}).unwrap();
            assert_eq!(ours, theirs, "seed {seed}");
            assert_eq!(done.load(Ordering::Relaxed), 150);
        }
    }

    #[test]
    fn a_stop_between_blocks_ends_the_run_without_a_result() {
        let (scenario, targets) = setup();
        let config = MonteCarloConfig {
            trials: 400,
            ..MonteCarloConfig::default()
        };
        let done = AtomicU64::new(0);
        // Stop after the second block.
        let out = run(&scenario, &targets, &config, &done, &|| {
            done.load(Ordering::Relaxed) >= 2 * BLOCK
        })
        .unwrap();
        assert!(out.is_none());
        assert_eq!(done.load(Ordering::Relaxed), 2 * BLOCK);
    }
}
