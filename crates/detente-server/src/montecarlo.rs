//! Monte Carlo as a background job: `detente_sim::montecarlo_until` run in small blocks, so a
//! job reports progress after each block and stops between two blocks when cancelled or out of
//! time. The block size changes neither the draws (they depend only on `(seed, k)`) nor the fold
//! (trial order), so a job's result equals `detente montecarlo`'s for the same seed (tested).

use std::sync::atomic::{AtomicU64, Ordering};

use detente_core::Scenario;
use detente_sim::{MonteCarloConfig, MonteCarloResult, Target, TargetError, montecarlo_until};

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
    let config = MonteCarloConfig {
        block: BLOCK as usize,
        ..config.clone()
    };
    montecarlo_until(
        scenario,
        targets,
        &config,
        &|n| done.store(n, Ordering::Relaxed),
        stop,
    )
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
