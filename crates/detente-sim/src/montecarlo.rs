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
//!
//! # Evidence from events
//! When the scenario has `[[time.events]]`, the run is conditioned on them (approximate
//! Bayesian computation by importance weights, then sampling-importance-resampling, as the
//! settlement forecast of [`crate::settle`] does): each trial is weighted by the events'
//! likelihood given its drawn inputs, and the summaries read as many trials again drawn by
//! systematic resampling (one uniform from `trial_rng(seed ^ EVENTS, 0)`), so every number is a
//! posterior one. What a trial says about an event:
//! - an observed status quo (issue, month, value, error) is compared with the trial's mean path
//!   of that issue (its drift rate, toward its cap; [`detente_models::dynamics::status_quo_path`])
//!   under a Gaussian likelihood of variance `error² + sd² · month` (the observation's error
//!   and the front's monthly noise, integrated out). Only drift rates differ between trials in
//!   what this reads, so it informs the drift, which the delay target reads;
//! - `no-deal` and `deal` by month `m` reject the trials whose ripeness month (the delay
//!   target's `delay/ripeness-month`) says otherwise; without the delay target no trial says
//!   when a deal comes, and these events are listed as not read;
//! - `lever` events are read by `detente delay` only (listed as not read here).
//!
//! The result reports the trials consistent with the events, Kish's effective sample size
//! (small below 100 or a tenth of the trials) and the events not read; when no trial is
//! consistent the run fails ([`TargetError::NoTrialFitsEvents`]). A conditioned run keeps every
//! trial's values until it resamples (memory grows with the trials) and cannot be sharded.
//!
//! A run can be cut into parts that run anywhere ([`montecarlo_shard_until`], one
//! [`MonteCarloShard`] per part) and merged ([`merge_montecarlo`]) into exactly the unsharded
//! result: see [`detente_core::shard`].

use std::ops::Range;

use detente_core::{EventKind, Scenario};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::aggregate::{Summary, SummaryOut, SummaryState};
use crate::perturb::{Noise, perturb};
use crate::rng::{trial_rng, uniform};
use crate::target::{Metric, Target, TargetError};
use detente_core::shard::{MergeError, Part as ShardPart, RunId, Shard, fingerprint, in_order};

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
    /// How the trials were conditioned on the scenario's events (absent without events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<EventConditioning>,
}

/// How a Monte Carlo run was conditioned on the scenario's `[[time.events]]` (module docs).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventConditioning {
    /// Events in the scenario.
    pub events: usize,
    /// Events this run's models could read (see `not_read`).
    pub read: usize,
    /// The events no model of this run says anything about, with why.
    pub not_read: Vec<String>,
    /// Trials run before resampling.
    pub trials: u64,
    /// Trials consistent with the events (positive likelihood).
    pub consistent: u64,
    /// Kish's effective sample size of the weights, `(Σ w)² / Σ w²`.
    pub ess: f64,
    /// Whether the effective sample size is small (below 100 or a tenth of the trials).
    pub small: bool,
    /// Each drift's monthly rate (`[[time.drift]]`, file order), mean over the trials before
    /// conditioning.
    pub rate_prior: Vec<f64>,
    /// The same, weighted by the events' likelihood: what the events say about the drift.
    pub rate_posterior: Vec<f64>,
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
    fold: impl FnMut(u64, T),
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> bool {
    run_range_until(0..trials, block, trial, fold, progress, stop)
}

/// [`run_blocks_until`] over the trials `range` (one shard's part of a run); `progress` counts
/// the trials of the range done.
pub fn run_range_until<T: Send>(
    range: Range<u64>,
    block: usize,
    trial: impl Fn(u64) -> T + Sync,
    mut fold: impl FnMut(u64, T),
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> bool {
    let (first, trials) = (range.start, range.end.saturating_sub(range.start));
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
                let out = trial(first + k);
                let n = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n.is_multiple_of(step) {
                    report(start + n);
                }
                out
            })
            .collect();
        for (k, out) in (start..end).zip(outs) {
            fold(first + k, out);
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
    if scenario.time.as_ref().is_some_and(|t| !t.events.is_empty()) {
        return simulate_conditioned(scenario, targets, config, progress, stop);
    }
    let (part, complete) = simulate_part(scenario, targets, config, Shard::WHOLE, progress, stop)?;
    Ok((
        finish(
            config,
            part.title,
            part.metrics,
            part.baseline,
            &part.summaries,
        ),
        complete,
    ))
}

/// The Monte Carlo conditioned on the scenario's events (module docs): every trial's values and
/// log-likelihood, then systematic resampling into the summaries.
fn simulate_conditioned(
    scenario: &Scenario,
    targets: &[Target],
    config: &MonteCarloConfig,
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> Result<(MonteCarloResult, bool), TargetError> {
    let (metrics, baseline, mut summaries) = begin(scenario, targets, config)?;
    let events = scenario.time.as_ref().map_or(&[][..], |t| &t.events[..]);
    let ripeness = metrics.iter().position(|m| m.key == "delay/ripeness-month");
    let mut not_read = Vec::new();
    for e in events {
        let why = match &e.kind {
            EventKind::Deal | EventKind::NoDeal if ripeness.is_none() => {
                "no model of this run says when a deal comes (add the delay target: --model delay)"
            }
            EventKind::Lever { .. } => "a lever event is read by `detente delay` only",
            _ => continue,
        };
        not_read.push(format!("{} in month {}: {why}", e.kind.name(), e.month));
    }
    let mut kept: Vec<(Vec<Option<f64>>, f64)> = Vec::new();
    let mut rates: Vec<Vec<f64>> = Vec::new();
    let complete = run_range_until(
        0..config.trials,
        config.block,
        |k| {
            let mut rng = trial_rng(config.seed, k);
            let s = perturb(scenario, &config.noise, &mut rng);
            let values: Vec<Option<f64>> = targets.iter().flat_map(|t| t.evaluate(&s)).collect();
            let month = ripeness.and_then(|i| values.get(i).copied().flatten());
            let log_weight = log_likelihood(&s, events, ripeness.is_some(), month);
            let rate: Vec<f64> = s
                .time
                .as_ref()
                .map_or_else(Vec::new, |t| t.drift.iter().map(|d| d.per_month).collect());
            (values, log_weight, rate)
        },
        |_, (values, log_weight, rate)| {
            kept.push((values, log_weight));
            rates.push(rate);
        },
        progress,
        stop,
    );
    let top = kept.iter().map(|k| k.1).fold(f64::NEG_INFINITY, f64::max);
    if complete && !top.is_finite() {
        return Err(TargetError::NoTrialFitsEvents {
            trials: config.trials,
        });
    }
    let w: Vec<f64> = kept.iter().map(|k| (k.1 - top).exp()).collect();
    let sum: f64 = w.iter().sum();
    let ess = sum * sum / w.iter().map(|x| x * x).sum::<f64>();
    let n = kept.len();
    // Systematic resampling: the m-th draw takes the trial whose cumulative weight passes
    // (u + m) / n of the total, u one uniform; the draws come out in trial order.
    let start = uniform(&mut trial_rng(config.seed ^ crate::settle::EVENTS, 0));
    let mut acc = 0.0;
    let mut i = 0;
    for m in 0..n {
        let target = (start + m as f64) / n as f64 * sum;
        while i + 1 < n && acc + w[i] <= target {
            acc += w[i];
            i += 1;
        }
        // Rounding can leave the pointer on a rejected trial at the end; take the last kept one.
        let mut j = i;
        while w[j] == 0.0 && j > 0 {
            j -= 1;
        }
        for (summary, v) in summaries.iter_mut().zip(&kept[j].0) {
            summary.add(*v);
        }
    }
    let mut result = finish(
        config,
        scenario.meta.title.clone(),
        metrics,
        baseline,
        &summaries,
    );
    let nf = n as f64;
    let drifts = rates.first().map_or(0, Vec::len);
    let rate_prior = (0..drifts)
        .map(|d| rates.iter().map(|r| r[d]).sum::<f64>() / nf)
        .collect();
    let rate_posterior = (0..drifts)
        .map(|d| rates.iter().zip(&w).map(|(r, w)| w * r[d]).sum::<f64>() / sum)
        .collect();
    result.events = Some(EventConditioning {
        events: events.len(),
        read: events.len() - not_read.len(),
        not_read,
        trials: n as u64,
        consistent: w.iter().filter(|&&x| x > 0.0).count() as u64,
        ess,
        small: ess < 100.0 || ess < 0.1 * nf,
        rate_prior,
        rate_posterior,
    });
    Ok((result, complete))
}

/// The events' log-likelihood given one trial's scenario `s` and its ripeness month `ripe`
/// (module docs); `-inf` when a deal event is false of it.
fn log_likelihood(
    s: &Scenario,
    events: &[detente_core::Event],
    reads_deals: bool,
    ripe: Option<f64>,
) -> f64 {
    let mut total = 0.0;
    let last = events.iter().map(|e| e.month).max().unwrap_or(0);
    let path = s
        .time
        .as_ref()
        .map(|t| detente_models::dynamics::status_quo_path(s, t, &[], last));
    for e in events {
        match &e.kind {
            EventKind::StatusQuo {
                issue,
                value,
                error,
            } => {
                let Some(mean) = path
                    .as_ref()
                    .and_then(|p| p.get(e.month as usize))
                    .and_then(|m| m.get(issue.0).copied())
                else {
                    continue;
                };
                let sd = s
                    .time
                    .as_ref()
                    .and_then(|t| t.drift.iter().find(|d| d.issue.0 == issue.0))
                    .map_or(0.0, |d| d.sd);
                let var = error * error + sd * sd * f64::from(e.month);
                total -= 0.5 * ((value - mean) * (value - mean) / var + var.ln());
            }
            EventKind::NoDeal if reads_deals && ripe.is_some_and(|r| r <= f64::from(e.month)) => {
                return f64::NEG_INFINITY;
            }
            EventKind::Deal if reads_deals && ripe.is_none_or(|r| r > f64::from(e.month)) => {
                return f64::NEG_INFINITY;
            }
            _ => {}
        }
    }
    total
}

/// What a part of a run saw, before it is written out or finished.
struct Part {
    title: String,
    metrics: Vec<Metric>,
    baseline: Vec<Option<f64>>,
    summaries: Vec<Summary>,
}

/// Every target's metrics, their values on the unperturbed scenario, and an empty summary for
/// each: what a run starts from.
type Start = (Vec<Metric>, Vec<Option<f64>>, Vec<Summary>);

/// The [`Start`] of a run of `targets` on `scenario`.
fn begin(
    scenario: &Scenario,
    targets: &[Target],
    config: &MonteCarloConfig,
) -> Result<Start, TargetError> {
    let mut metrics: Vec<Metric> = Vec::new();
    let mut baseline: Vec<Option<f64>> = Vec::new();
    for target in targets {
        metrics.extend(target.metrics(scenario)?);
        baseline.extend(target.evaluate(scenario));
    }
    let summaries: Vec<Summary> = metrics
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
    Ok((metrics, baseline, summaries))
}

/// Runs `shard`'s trials of the run; the flag says whether every one of them ran.
fn simulate_part(
    scenario: &Scenario,
    targets: &[Target],
    config: &MonteCarloConfig,
    shard: Shard,
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> Result<(Part, bool), TargetError> {
    let (metrics, baseline, mut summaries) = begin(scenario, targets, config)?;
    let complete = run_range_until(
        shard.range(config.trials),
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
    let part = Part {
        title: scenario.meta.title.clone(),
        metrics,
        baseline,
        summaries,
    };
    Ok((part, complete))
}

fn finish(
    config: &MonteCarloConfig,
    title: String,
    metrics: Vec<Metric>,
    baseline: Vec<Option<f64>>,
    summaries: &[Summary],
) -> MonteCarloResult {
    MonteCarloResult {
        schema: crate::SCHEMA,
        title,
        trials: config.trials,
        seed: config.seed,
        noise: config.noise,
        events: None,
        metrics: metrics
            .into_iter()
            .zip(baseline)
            .zip(summaries)
            .map(|((metric, baseline), s)| MetricResult {
                metric,
                baseline,
                summary: s.finish(),
            })
            .collect(),
    }
}

/// Version tag of a Monte Carlo shard document ([`MonteCarloShard`]).
pub const SHARD_SCHEMA: &str = "detente.montecarlo-shard/1";

/// One part of a Monte Carlo run ([`montecarlo_shard_until`]): what its trials saw, as state
/// that [`merge_montecarlo`] adds up exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonteCarloShard {
    /// Schema tag, [`SHARD_SCHEMA`].
    pub schema: String,
    /// Which part.
    pub shard: Shard,
    /// The run it belongs to (`total` is the run's trial count).
    pub run: RunId,
    /// The trials this part ran, `[first, end)`.
    pub trials: [u64; 2],
    /// Scenario title.
    pub title: String,
    /// Noise of the run.
    pub noise: Noise,
    /// Bins of each reported histogram.
    pub bins: usize,
    /// Values kept for exact percentiles at most.
    pub exact_limit: usize,
    /// Every metric, targets in the order given.
    pub metrics: Vec<Metric>,
    /// Each metric on the unperturbed scenario.
    pub baseline: Vec<Option<f64>>,
    /// Each metric's summary of this part's trials.
    pub summaries: Vec<SummaryState>,
}

impl ShardPart for MonteCarloShard {
    fn schema(&self) -> &str {
        &self.schema
    }
    fn shard(&self) -> Shard {
        self.shard
    }
    fn run(&self) -> &RunId {
        &self.run
    }
}

/// The identity of a run: its seed, trials and a fingerprint of everything else it reads.
fn run_id(scenario: &Scenario, targets: &[Target], config: &MonteCarloConfig) -> RunId {
    RunId {
        seed: config.seed,
        total: config.trials,
        fingerprint: fingerprint(&[
            &"montecarlo",
            scenario,
            &targets,
            &config.noise,
            &config.bins,
            &config.exact_limit,
        ]),
    }
}

/// Runs part `shard` of the Monte Carlo `config` describes, asking `stop` between blocks;
/// `Ok(None)` when it stopped early. Merging every part ([`merge_montecarlo`]) gives exactly
/// [`montecarlo`]'s result.
///
/// # Errors
/// A target that cannot be evaluated on the base scenario.
pub fn montecarlo_shard_until(
    scenario: &Scenario,
    targets: &[Target],
    config: &MonteCarloConfig,
    shard: Shard,
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> Result<Option<MonteCarloShard>, TargetError> {
    if scenario.time.as_ref().is_some_and(|t| !t.events.is_empty()) {
        return Err(TargetError::EventsNotShardable);
    }
    let (part, complete) = simulate_part(scenario, targets, config, shard, progress, stop)?;
    let range = shard.range(config.trials);
    Ok(complete.then(|| MonteCarloShard {
        schema: SHARD_SCHEMA.to_string(),
        shard,
        run: run_id(scenario, targets, config),
        trials: [range.start, range.end],
        title: part.title,
        noise: config.noise,
        bins: config.bins,
        exact_limit: config.exact_limit,
        metrics: part.metrics,
        baseline: part.baseline,
        summaries: part
            .summaries
            .iter()
            .map(|s| {
                let mut state = s.state();
                // Over the limit the merged run reads percentiles from the fine bins, so the
                // values would only make the part bigger.
                if config.trials > config.exact_limit as u64 {
                    state.exact = None;
                }
                state
            })
            .collect(),
    }))
}

/// Merges every part of one Monte Carlo run, in any order, into the unsharded run's result.
///
/// # Errors
/// Parts that are not every part of one run, once each, or a damaged part ([`MergeError`]).
pub fn merge_montecarlo(shards: &[MonteCarloShard]) -> Result<MonteCarloResult, MergeError> {
    let mut merged: Option<(&MonteCarloShard, Vec<Summary>)> = None;
    for part in in_order(shards, SHARD_SCHEMA)? {
        let damaged = |why: String| MergeError::damaged(part.shard, why);
        let range = part.shard.range(part.run.total);
        if part.trials != [range.start, range.end] {
            return Err(damaged(format!(
                "it holds trials {:?} where part {} of {} trials is {range:?}",
                part.trials, part.shard, part.run.total
            )));
        }
        if part.summaries.len() != part.metrics.len() || part.baseline.len() != part.metrics.len() {
            return Err(damaged(format!(
                "{} metrics, {} baselines and {} summaries",
                part.metrics.len(),
                part.baseline.len(),
                part.summaries.len()
            )));
        }
        let mut seen = 0u64;
        let summaries = part
            .summaries
            .iter()
            .map(|state| {
                let summary = Summary::from_state(state).map_err(&damaged)?;
                // `from_state` checked that the sum fits.
                seen = seen.max(state.count.saturating_add(state.missing));
                Ok(summary)
            })
            .collect::<Result<Vec<_>, _>>()?;
        if part.run.total <= part.exact_limit as u64
            && part.summaries.iter().any(|s| s.exact.is_none())
        {
            return Err(damaged(format!(
                "a summary lacks its values, which a run of {} trials keeps",
                part.run.total
            )));
        }
        if part
            .summaries
            .iter()
            .any(|s| s.count.saturating_add(s.missing) != range.end - range.start)
        {
            return Err(damaged(format!(
                "a summary counts {seen} trials where the part ran {}",
                range.end - range.start
            )));
        }
        match &mut merged {
            None => merged = Some((part, summaries)),
            Some((first, acc)) => {
                if first.metrics != part.metrics || first.baseline != part.baseline {
                    return Err(damaged(
                        "its metrics differ from the other parts'".to_string(),
                    ));
                }
                for (a, b) in acc.iter_mut().zip(&summaries) {
                    a.merge(b).map_err(&damaged)?;
                }
            }
        }
    }
    let (first, summaries) = merged.ok_or(MergeError::Empty)?;
    let config = MonteCarloConfig {
        trials: first.run.total,
        seed: first.run.seed,
        noise: first.noise,
        bins: first.bins,
        exact_limit: first.exact_limit,
        ..MonteCarloConfig::default()
    };
    Ok(finish(
        &config,
        first.title.clone(),
        first.metrics.clone(),
        first.baseline.clone(),
        &summaries,
    ))
}
