//! The block-wise runners (`Runner`): run in blocks with a progress count and a stop flag, as
//! the server's background jobs drive them, they give the plain functions' results, and a stop
//! between blocks ends the run without one.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::sync::atomic::{AtomicU64, Ordering};

use detente_core::Scenario;
use detente_models::forecast::{ForecastConfig, Model};
use detente_sim::sensitivity::SensitivityConfig;
use detente_sim::{MonteCarloConfig, MonteCarloRun, Runner, SensitivityRun, Target, TargetError};

/// The server's block (`detente_server`'s `BLOCK`): two full blocks and a partial one in the
/// 150-trial runs below.
const BLOCK: u64 = 64;

/// Runs `runner` as a background job does, storing the progress count in `done`.
fn run_blocks<R: Runner>(
    scenario: &Scenario,
    runner: &R,
    done: &AtomicU64,
    stop: &dyn Fn() -> bool,
) -> Result<Option<R::Output>, TargetError> {
    runner.run_until(
        scenario,
        BLOCK as usize,
        &|n| done.store(n, Ordering::Relaxed),
        stop,
    )
}

// Istanbul, because its positions carry their own uncertainty, so each trial's draw shows
// in the result (a scenario without any would give the same result for every seed).
const ISTANBUL: &str = include_str!("../../../../scenarios/istanbul-2025.toml");

fn setup() -> (Scenario, Vec<Target>) {
    let scenario = detente_core::parse("x.toml", ISTANBUL).unwrap().scenario;
    let config = ForecastConfig {
        models: vec![Model::Compromise],
        ..ForecastConfig::default()
    };
    (scenario, vec![Target::Spatial(config)])
}

fn runs(trials: u64, seed: u64) -> (MonteCarloRun, SensitivityRun) {
    let (_, targets) = setup();
    (
        MonteCarloRun {
            targets: targets.clone(),
            config: MonteCarloConfig {
                trials,
                seed,
                ..MonteCarloConfig::default()
            },
        },
        SensitivityRun {
            targets,
            config: SensitivityConfig {
                trials,
                seed,
                ..SensitivityConfig::default()
            },
        },
    )
}

#[test]
fn equals_the_library_for_the_same_seed_across_several_blocks() {
    let (scenario, targets) = setup();
    // 150 trials: two full blocks and a partial one.
    for seed in [0, 7] {
        let (mc, sa) = runs(150, seed);
        let done = AtomicU64::new(0);
        let ours = run_blocks(&scenario, &mc, &done, &|| false)
            .unwrap()
            .unwrap();
        let theirs = detente_sim::montecarlo(&scenario, &targets, &mc.config, &|_| {}).unwrap();
        assert_eq!(ours, theirs, "seed {seed}");
        assert_eq!(done.load(Ordering::Relaxed), 150);

        let done = AtomicU64::new(0);
        let ours = run_blocks(&scenario, &sa, &done, &|| false)
            .unwrap()
            .unwrap();
        let theirs =
            detente_sim::sensitivity::sensitivity(&scenario, &targets, &sa.config, &|_| {})
                .unwrap();
        assert_eq!(
            serde_json::to_value(&ours).unwrap(),
            serde_json::to_value(&theirs).unwrap(),
            "seed {seed}"
        );
        // A sensitivity job counts model runs: the tornado's two per input, then the trials.
        let runs = sa.total(&scenario);
        assert_eq!(runs, 2 * ours.inputs.len() as u64 + 150);
        assert_eq!(done.load(Ordering::Relaxed), runs);
    }
}

#[test]
fn a_stop_between_blocks_ends_the_run_without_a_result() {
    let (scenario, _) = setup();
    let (mc, sa) = runs(400, 0);
    // Stop after the second block.
    let done = AtomicU64::new(0);
    let out = run_blocks(&scenario, &mc, &done, &|| {
        done.load(Ordering::Relaxed) >= 2 * BLOCK
    })
    .unwrap();
    assert!(out.is_none());
    assert_eq!(done.load(Ordering::Relaxed), 2 * BLOCK);
    let done = AtomicU64::new(0);
    let out = run_blocks(&scenario, &sa, &done, &|| {
        done.load(Ordering::Relaxed) >= 2 * BLOCK
    })
    .unwrap();
    assert!(out.is_none());
    assert_eq!(done.load(Ordering::Relaxed), 2 * BLOCK);
}
