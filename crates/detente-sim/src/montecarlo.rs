//! Monte Carlo forecasts: many perturbed scenarios, every target's metrics streamed into
//! summaries.
//!
//! # Method
//! Trial `k` (0-based) draws a scenario with [`perturb`] from [`trial_rng`]`(seed, k)`,
//! evaluates every [`Target`] on it, and adds each metric's value to that metric's [`Summary`].
//! Trials run in blocks of [`MonteCarloConfig::block`]: a block's trials run in parallel on the
//! current rayon pool and come back in trial order, then are folded into the summaries one by
//! one. Memory is one block of metric values plus the summaries, whatever the number of trials,
//! and since every draw depends only on `(seed, k)` and every fold happens in trial order the
//! result is bit-identical for any thread count and any block size (tested).

use detente_core::Scenario;
use rayon::prelude::*;
use serde::Serialize;

use crate::aggregate::{Summary, SummaryOut};
use crate::perturb::{Noise, perturb};
use crate::rng::trial_rng;
use crate::target::{Metric, Target, TargetError};

/// Options of a Monte Carlo run.
#[derive(Debug, Clone, Serialize)]
pub struct MonteCarloConfig {
    /// Number of trials.
    pub trials: u64,
    /// Master seed.
    pub seed: u64,
    /// Noise on top of the scenario's own uncertainty.
    pub noise: Noise,
    /// Trials per parallel block (does not change results; default 1024).
    #[serde(skip)]
    pub block: usize,
    /// Bins of each reported histogram (default 20).
    pub bins: usize,
    /// Keep values for exact percentiles up to this many trials (default 10,000).
    pub exact_limit: usize,
}

impl Default for MonteCarloConfig {
    fn default() -> Self {
        Self {
            trials: 1000,
            seed: 0,
            noise: Noise::default(),
            block: 1024,
            bins: 20,
            exact_limit: 10_000,
        }
    }
}

/// One metric's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricResult {
    /// What was measured.
    #[serde(flatten)]
    pub metric: Metric,
    /// Its value on the unperturbed scenario.
    pub baseline: Option<f64>,
    /// Its distribution over trials.
    #[serde(flatten)]
    pub summary: SummaryOut,
}

/// The result of [`montecarlo`] (JSON schema [`crate::SCHEMA`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonteCarloResult {
    /// Schema tag.
    pub schema: &'static str,
    /// Scenario title.
    pub title: String,
    /// Trials run.
    pub trials: u64,
    /// Master seed.
    pub seed: u64,
    /// The noise overrides used.
    pub noise: Noise,
    /// Every metric, targets in the order given.
    pub metrics: Vec<MetricResult>,
}

/// Runs `trials` calls of `trial(k)` in blocks on the current rayon pool and hands their results
/// to `fold` in trial order; `progress` gets the number of trials done after each block, and
/// within a block every [`PROGRESS_STEPS`]th of it, always increasing (from any worker thread).
pub fn run_blocks<T: Send>(
    trials: u64,
    block: usize,
    trial: impl Fn(u64) -> T + Sync,
    fold: impl FnMut(u64, T),
    progress: &(dyn Fn(u64) + Sync),
) {
    run_blocks_until(trials, block, trial, fold, progress, &|| false);
}

/// [`run_blocks`] that asks `stop` before each block and returns `false` if it stopped early.
/// Blocks already folded stay folded; a caller that stops discards the partial result.
pub fn run_blocks_until<T: Send>(
    trials: u64,
    block: usize,
    trial: impl Fn(u64) -> T + Sync,
    mut fold: impl FnMut(u64, T),
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> bool {
    let block = block.max(1) as u64;
    // Progress inside a block: a bar that only moved once per 1,024 trials sat at 0 for the
    // whole of a 14 s run (issue 16). Finished trials are counted as they end; every `step`th
    // reports, under a lock so reports never go backwards. Results do not depend on it.
    let step = (block / PROGRESS_STEPS).max(1);
    let reported = std::sync::Mutex::new(0u64);
    let report = |done: u64| {
        if let Ok(mut last) = reported.lock()
            && done > *last
        {
            *last = done;
            progress(done);
        }
    };
    let mut start = 0u64;
    while start < trials {
        if stop() {
            return false;
        }
        let end = trials.min(start.saturating_add(block));
        let finished = std::sync::atomic::AtomicU64::new(0);
        let outs: Vec<T> = (start..end)
            .into_par_iter()
            .map(|k| {
                let out = trial(k);
                let n = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n.is_multiple_of(step) {
                    report(start + n);
                }
                out
            })
            .collect();
        for (k, out) in (start..end).zip(outs) {
            fold(k, out);
        }
        report(end);
        start = end;
    }
    true
}

/// How many progress reports a block makes at most (besides the one at its end).
pub const PROGRESS_STEPS: u64 = 32;

/// Runs the Monte Carlo.
pub fn montecarlo(
    scenario: &Scenario,
    targets: &[Target],
    config: &MonteCarloConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<MonteCarloResult, TargetError> {
    simulate(scenario, targets, config, progress, &|| false).map(|(result, _)| result)
}

/// Runs the Monte Carlo, asking `stop` between blocks of trials; `Ok(None)` when it stopped
/// before the last trial. A run that completes gives exactly [`montecarlo`]'s result: the
/// draws depend only on `(seed, k)` and are folded in trial order, whatever the block size.
///
/// # Errors
/// A target that cannot be evaluated on the base scenario.
pub fn montecarlo_until(
    scenario: &Scenario,
    targets: &[Target],
    config: &MonteCarloConfig,
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> Result<Option<MonteCarloResult>, TargetError> {
    simulate(scenario, targets, config, progress, stop)
        .map(|(result, complete)| complete.then_some(result))
}

/// The Monte Carlo loop shared by [`montecarlo`] and [`montecarlo_until`]; the flag says
/// whether every trial ran.
fn simulate(
    scenario: &Scenario,
    targets: &[Target],
    config: &MonteCarloConfig,
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> Result<(MonteCarloResult, bool), TargetError> {
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
    let complete = run_blocks_until(
        config.trials,
        config.block,
        |k| {
            let mut rng = trial_rng(config.seed, k);
            let s = perturb(scenario, &config.noise, &mut rng);
            targets
                .iter()
                .flat_map(|t| t.evaluate(&s))
                .collect::<Vec<_>>()
        },
        |_, values| {
            for (summary, v) in summaries.iter_mut().zip(values) {
                summary.add(v);
            }
        },
        progress,
        stop,
    );
    let result = MonteCarloResult {
        schema: crate::SCHEMA,
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
    };
    Ok((result, complete))
}
