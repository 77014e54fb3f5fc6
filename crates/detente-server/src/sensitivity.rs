//! Sensitivity as a background job: `detente_sim::sensitivity::sensitivity_until` run in small
//! blocks (of the tornado's inputs, then of the regression's trials), so a job reports progress
//! after each block of trials and stops between two blocks when cancelled or out of time. As for
//! Monte Carlo, the block size changes neither the draws nor the order they are folded in, so a
//! job's result equals `detente sensitivity --format json`'s for the same seed (tested).

use std::sync::atomic::{AtomicU64, Ordering};

use detente_core::Scenario;
use detente_sim::TargetError;
use detente_sim::sensitivity::{Sensitivity, SensitivityConfig, sensitivity_until};

use crate::montecarlo::BLOCK;

/// Runs the sensitivity analysis of `targets` on `scenario`, storing the regression trials done
/// in `done` after each block and stopping (with `Ok(None)`) as soon as `stop()` says so between
/// two blocks.
///
/// # Errors
/// A target that cannot be evaluated on the base scenario.
pub fn run(
    scenario: &Scenario,
    targets: &[detente_sim::Target],
    config: &SensitivityConfig,
    done: &AtomicU64,
    stop: &dyn Fn() -> bool,
) -> Result<Option<Sensitivity>, TargetError> {
    let config = SensitivityConfig {
        block: BLOCK as usize,
        ..config.clone()
    };
    sensitivity_until(
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

    use detente_models::forecast::{ForecastConfig, Model};
    use detente_sim::Target;

    use super::*;

    const ISTANBUL: &str = include_str!("../../../scenarios/istanbul-2025.toml");

    fn setup() -> (Scenario, Vec<Target>) {
        let scenario = detente_core::parse("x.toml", ISTANBUL).unwrap().scenario;
        let config = ForecastConfig {
            models: vec![Model::Compromise],
            ..ForecastConfig::default()
        };
        (scenario, vec![Target::Spatial(config)])
    }

    #[test]
    fn equals_the_library_for_the_same_seed_across_several_blocks() {
        let (scenario, targets) = setup();
        // 150 trials: two full blocks and a partial one.
        let config = SensitivityConfig {
            trials: 150,
            seed: 3,
            ..SensitivityConfig::default()
        };
        let done = AtomicU64::new(0);
        let ours = run(&scenario, &targets, &config, &done, &|| false)
            .unwrap()
            .unwrap();
        let theirs =
            detente_sim::sensitivity::sensitivity(&scenario, &targets, &config, &|_| {}).unwrap();
        assert_eq!(ours.inputs, theirs.inputs);
        assert_eq!(ours.metrics, theirs.metrics);
        assert_eq!(
            serde_json::to_value(&ours).unwrap(),
            serde_json::to_value(&theirs).unwrap()
        );
        assert_eq!(done.load(Ordering::Relaxed), 150);
    }

    #[test]
    fn a_stop_between_blocks_ends_the_run_without_a_result() {
        let (scenario, targets) = setup();
        let config = SensitivityConfig {
            trials: 400,
            ..SensitivityConfig::default()
        };
        let done = AtomicU64::new(0);
        let out = run(&scenario, &targets, &config, &done, &|| {
            done.load(Ordering::Relaxed) >= 2 * BLOCK
        })
        .unwrap();
        assert!(out.is_none());
        assert_eq!(done.load(Ordering::Relaxed), 2 * BLOCK);
    }
}
