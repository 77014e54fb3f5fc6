//! Sensitivity: which input moves which forecast, one at a time (tornado) and jointly
//! (standardised regression coefficients).
//!
//! # Inputs and their ranges
//! Every number the analyst wrote is an input: each position, each salience, each capability,
//! and, when a target reads the `[time]` section ([`Target::uses_time`]), each drift rate and
//! each monthly cost. Its range is its stated uncertainty where the scenario gives one
//! (`range = [lo, hi]` as is; `sd = s` as `x ± 1.645 s`, the central 90% of the normal, clamped
//! to the scale) and a default otherwise ([`SensitivityConfig`]: positions ± 10% of the scale's
//! width, saliences ± 0.1, capabilities, drift rates and monthly costs ×/÷ 1.5). A non-zero
//! [`SensitivityConfig::noise`] setting replaces the default of its kind with the central 90%
//! of the distribution the Monte Carlo draws under the same setting ([`crate::perturb`]):
//! `position=SD` gives `x ± 1.645 SD`, `salience=REL` gives `s (1 ± 1.645 REL)`, and
//! `capability`, `drift`, `cost` `=REL` give `x exp(± 1.645 REL)`; all clamped to their bounds.
//! Inputs whose range is a single point are left out.
//!
//! # Tornado (one at a time)
//! Each input is set to the low and then the high end of its range with every other input at
//! its base value; the swing `|f(high) - f(low)|` ranks the inputs per metric. It is exact for
//! each single move but blind to interactions.
//!
//! # Global measure: standardised regression coefficients (SRC)
//! All inputs are drawn together, independently and uniformly on their ranges (trial `k` from
//! [`crate::trial_rng`]`(seed, k)`), and each metric is regressed linearly on them by least
//! squares: `SRC_j = b_j · sd(x_j) / sd(y)`. With independent inputs `Σ SRC_j² = R²`, so each
//! `SRC_j²` is the share of the forecast's variance input `j` explains linearly, and `R²` says
//! how much the linear picture covers. We chose SRC over a Sobol first-order estimate because
//! it costs one model run per trial for all inputs at once, where Saltelli's Sobol estimator
//! costs `N (p + 2)` runs for `p` inputs (over 100 inputs on the Istanbul scenario, so about
//! a hundred times the runs for the same precision). Its limit is that it only sees linear
//! effects: when `R²` is low (the EUM's median jumps between positions, the Nash model flips
//! into gridlock) the SRCs understate what matters and the tornado is the better guide. The
//! regression's sums are streamed in trial order (memory `p²` per metric at most), so results are
//! independent of threads and block size.
//!
//! # Shards
//! A run can be cut into parts ([`sensitivity_shard_until`]): part `i` of `N` runs its slice of
//! the tornado's inputs and of the regression's trials ([`detente_core::shard`]) and keeps the
//! regression's rows (each trial's inputs and metric values). [`merge_sensitivity`] joins the
//! tornado slices in input order and folds the rows in trial order, the order the unsharded run
//! folds them in, so the merged result is the unsharded one bit for bit. Rows rather than the
//! regression's sums: the sums are `p²` numbers per metric whatever the trials (about a
//! million on the Istanbul scenario), the rows `p + m` per trial, fewer for any sample a
//! sensitivity run uses.
//!
//! # References
//! Saltelli, A. et al. (2008), *Global Sensitivity Analysis: The Primer*, Wiley, ch. 1.2
//! (standardised regression coefficients) and ch. 4 (Sobol indices and their cost).

use std::ops::Range;

use detente_core::{Scenario, Uncertainty};
use serde::{Deserialize, Serialize};

use crate::montecarlo::run_range_until;
use crate::perturb::Noise;
use crate::rng::{trial_rng, uniform};
use crate::target::{Target, TargetError};
use detente_core::shard::{MergeError, Part as ShardPart, RunId, Shard, fingerprint, in_order};

/// One evaluation's metric values.
type Values = Vec<Option<f64>>;

/// `z` of the 95th percentile of the normal: an `sd` becomes a central 90% range.
const Z90: f64 = 1.644_853_626_951_472_2;

/// Default ranges and the size of the global sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityConfig {
    /// Half-width of a position's range without uncertainty, as a share of the scale's width.
    pub position_share: f64,
    /// Half-width of a salience's range.
    pub salience_delta: f64,
    /// A capability ranges over `[c / f, c · f]`.
    pub capability_factor: f64,
    /// A drift rate or a monthly cost ranges over `[x / f, x · f]`.
    pub time_factor: f64,
    /// Ranges from Monte Carlo noise settings, replacing the defaults above kind by kind where
    /// non-zero (see the module documentation); `ignore_scenario` also replaces the scenario's
    /// own `sd`/`range` on positions.
    pub noise: Noise,
    /// Trials for the regression (0 skips it).
    pub trials: u64,
    /// Master seed of the regression sample.
    pub seed: u64,
    /// Trials per parallel block (does not change results).
    #[serde(skip)]
    pub block: usize,
}

impl Default for SensitivityConfig {
    fn default() -> Self {
        Self {
            position_share: 0.1,
            salience_delta: 0.1,
            capability_factor: 1.5,
            time_factor: 1.5,
            noise: Noise::default(),
            trials: 2000,
            seed: 0,
            block: 1024,
        }
    }
}

/// Which number of the scenario an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum InputKind {
    /// `issues[issue].positions[index].position`.
    Position {
        /// Issue index.
        issue: usize,
        /// Position index within the issue.
        index: usize,
    },
    /// `issues[issue].positions[index].salience`.
    Salience {
        /// Issue index.
        issue: usize,
        /// Position index within the issue.
        index: usize,
    },
    /// `actors[actor].capability`.
    Capability {
        /// Actor index.
        actor: usize,
    },
    /// `time.drift[index].per_month`.
    Drift {
        /// Index into `[[time.drift]]`.
        index: usize,
    },
    /// `time.actors[index].cost_per_month`.
    Cost {
        /// Index into `[[time.actors]]`.
        index: usize,
    },
}

impl InputKind {
    /// Whether this input lives in the `[time]` section.
    pub fn is_time(&self) -> bool {
        matches!(self, InputKind::Drift { .. } | InputKind::Cost { .. })
    }
}

/// One input and its range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Input {
    /// Readable name, e.g. `position russia @ ceasefire`.
    pub name: String,
    /// Where it sits in the scenario.
    #[serde(flatten)]
    pub kind: InputKind,
    /// Value in the scenario.
    pub base: f64,
    /// Low end of its range.
    pub low: f64,
    /// High end of its range.
    pub high: f64,
}

impl Input {
    /// A copy of `scenario` with this input set to `value` (assumed within the range).
    pub fn set(&self, scenario: &mut Scenario, value: f64) {
        match self.kind {
            InputKind::Position { issue, index } => {
                if let Some(p) = scenario
                    .issues
                    .get_mut(issue)
                    .and_then(|i| i.positions.get_mut(index))
                {
                    p.position = value;
                }
            }
            InputKind::Salience { issue, index } => {
                if let Some(p) = scenario
                    .issues
                    .get_mut(issue)
                    .and_then(|i| i.positions.get_mut(index))
                    && let Some(s) = detente_core::Salience::new(value)
                {
                    p.salience = s;
                }
            }
            InputKind::Capability { actor } => {
                if let Some(a) = scenario.actors.get_mut(actor)
                    && let Some(c) = detente_core::Capability::new(value)
                {
                    a.capability = c;
                }
            }
            InputKind::Drift { index } => {
                if let Some(d) = scenario.time.as_mut().and_then(|t| t.drift.get_mut(index)) {
                    d.per_month = value;
                }
            }
            InputKind::Cost { index } => {
                if let Some(a) = scenario.time.as_mut().and_then(|t| t.actors.get_mut(index)) {
                    a.cost_per_month = value.clamp(0.0, 1.0);
                }
            }
        }
    }
}

/// `[x / f, x · f]` for a positive `x`, `[x · f, x / f]` for a negative one (a signed drift).
fn factor_range(x: f64, f: f64) -> (f64, f64) {
    let f = f.max(1.0);
    if x >= 0.0 {
        (x / f, x * f)
    } else {
        (x * f, x / f)
    }
}

/// Every input of `scenario` with a non-degenerate range.
pub fn inputs(scenario: &Scenario, config: &SensitivityConfig) -> Vec<Input> {
    let noise = &config.noise;
    // A relative log-scale sd `σ` becomes the factor `exp(1.645 σ)`: the central 90%.
    let factor = |sigma: f64, default: f64| {
        if sigma > 0.0 {
            (Z90 * sigma).exp()
        } else {
            default
        }
    };
    let mut out = Vec::new();
    for (a, actor) in scenario.actors.iter().enumerate() {
        let c = actor.capability.get();
        let (low, high) = factor_range(c, factor(noise.capability, config.capability_factor));
        out.push(Input {
            name: format!("capability {}", actor.id),
            kind: InputKind::Capability { actor: a },
            base: c,
            low,
            high,
        });
    }
    for (i, issue) in scenario.issues.iter().enumerate() {
        let scale = issue.scale;
        for (j, p) in issue.positions.iter().enumerate() {
            let who = scenario.actor(p.actor).map_or("?", |a| a.id.as_str());
            let own = if noise.ignore_scenario {
                None
            } else {
                p.uncertainty
            };
            let (low, high) = match own {
                Some(Uncertainty::Range(lo, hi)) => (lo, hi),
                Some(Uncertainty::Sd(sd)) => (
                    scale.clamp(p.position - Z90 * sd),
                    scale.clamp(p.position + Z90 * sd),
                ),
                None => {
                    let h = match noise.position {
                        Some(sd) if sd > 0.0 => Z90 * sd,
                        _ => config.position_share * scale.width(),
                    };
                    (scale.clamp(p.position - h), scale.clamp(p.position + h))
                }
            };
            out.push(Input {
                name: format!("position {who} @ {}", issue.id),
                kind: InputKind::Position { issue: i, index: j },
                base: p.position,
                low,
                high,
            });
            let s = p.salience.get();
            let h = if noise.salience > 0.0 {
                Z90 * noise.salience * s
            } else {
                config.salience_delta
            };
            out.push(Input {
                name: format!("salience {who} @ {}", issue.id),
                kind: InputKind::Salience { issue: i, index: j },
                base: s,
                low: (s - h).max(0.0),
                high: (s + h).min(1.0),
            });
        }
    }
    if let Some(time) = &scenario.time {
        for (index, d) in time.drift.iter().enumerate() {
            let issue = scenario.issues.get(d.issue.0);
            let width = issue.map_or(f64::INFINITY, |i| i.scale.width());
            let (low, high) = factor_range(d.per_month, factor(noise.drift, config.time_factor));
            out.push(Input {
                name: format!("drift @ {}", issue.map_or("?", |i| i.id.as_str())),
                kind: InputKind::Drift { index },
                base: d.per_month,
                low: low.max(-width),
                high: high.min(width),
            });
        }
        for (index, a) in time.actors.iter().enumerate() {
            let c = a.cost_per_month;
            let (low, high) = factor_range(c, factor(noise.cost, config.time_factor));
            out.push(Input {
                name: format!(
                    "monthly cost {}",
                    scenario.actor(a.actor).map_or("?", |x| x.id.as_str())
                ),
                kind: InputKind::Cost { index },
                base: c,
                low,
                high: high.min(1.0),
            });
        }
    }
    out.retain(|x| x.high > x.low);
    out
}

/// One bar of a tornado.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoBar {
    /// Input name.
    pub input: String,
    /// The input's range.
    pub range: [f64; 2],
    /// The metric with the input at the low end.
    pub at_low: Option<f64>,
    /// The metric with the input at the high end.
    pub at_high: Option<f64>,
    /// `|at_high - at_low|` (0 when either is missing).
    pub swing: f64,
}

/// One input's standardised regression coefficient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Src {
    /// Input name.
    pub input: String,
    /// The coefficient.
    pub src: f64,
}

/// Sensitivity of one metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricSensitivity {
    /// Metric key.
    pub metric: String,
    /// Value on the scenario as written.
    pub baseline: Option<f64>,
    /// Every input's bar, largest swing first.
    pub tornado: Vec<TornadoBar>,
    /// Standardised regression coefficients, largest `|SRC|` first (empty when the metric never
    /// moved in the sample or the regression was skipped).
    pub src: Vec<Src>,
    /// `R²` of the regression.
    pub r_squared: Option<f64>,
    /// Trials of the regression in which the metric had a value.
    pub regression_trials: u64,
}

/// Most numbers the regressions' sums may hold: `p²` per forecast for `p` inputs, 16 million
/// (128 MB). The Istanbul scenario's default analysis holds about a million. A posted scenario
/// of 2,000 positions (160 kB, within the server's limits) asked for gigabytes, and a failed
/// allocation ends the process, the server's with every job in it (found by an audit of sizes
/// read from input).
pub const MAX_REGRESSION_SUMS: u64 = 16_000_000;

/// Checks, before any model runs, that the regression of `config` on `scenario` fits in
/// [`MAX_REGRESSION_SUMS`]; a run with no trials has no regression and always fits. The
/// server calls it before it accepts a job; [`sensitivity`] and the shards call it too.
///
/// # Errors
/// [`TargetError::RegressionTooLarge`], or a target that has no metrics on `scenario`.
pub fn check(
    scenario: &Scenario,
    targets: &[Target],
    config: &SensitivityConfig,
) -> Result<(), TargetError> {
    if config.trials == 0 {
        return Ok(());
    }
    let mut metrics = 0;
    for t in targets {
        metrics += t.metrics(scenario)?.len();
    }
    check_size(
        config.trials,
        kept_inputs(scenario, targets, config).len(),
        metrics,
    )
}

/// [`check`] on the counts.
fn check_size(trials: u64, inputs: usize, metrics: usize) -> Result<(), TargetError> {
    let (inputs, metrics) = (inputs as u64, metrics as u64);
    let sums = inputs.saturating_mul(inputs).saturating_mul(metrics);
    if trials > 0 && sums > MAX_REGRESSION_SUMS {
        return Err(TargetError::RegressionTooLarge {
            inputs,
            metrics,
            sums,
        });
    }
    Ok(())
}

/// The regressions' sums for `trials` trials over `inputs` inputs and `metrics` forecasts: none
/// when there are no trials, so that the tornado alone (the advice of
/// [`TargetError::RegressionTooLarge`]) allocates nothing of size `p²`.
fn regressions(trials: u64, inputs: usize, metrics: usize) -> Vec<Regression> {
    if trials == 0 {
        return Vec::new();
    }
    (0..metrics).map(|_| Regression::new(inputs)).collect()
}

/// Most numbers one part of a sharded run may keep as regression rows (`p + m` per trial):
/// 10 million, about 160 MB before it is written. A part keeps every row of its trials, so a
/// part of 700,000 trials on the Istanbul scenario asked for gigabytes; more parts hold fewer.
pub const MAX_PART_NUMBERS: u64 = 10_000_000;

/// The result of [`sensitivity`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    /// Schema tag.
    pub schema: &'static str,
    /// Ranges and sample size.
    pub config: SensitivityConfig,
    /// The inputs.
    pub inputs: Vec<Input>,
    /// One entry per metric.
    pub metrics: Vec<MetricSensitivity>,
}

/// Streaming least-squares sums for one metric, over inputs shifted by their base values.
struct Regression {
    n: u64,
    sx: Vec<f64>,
    sxx: Vec<f64>,
    sy: f64,
    syy: f64,
    sxy: Vec<f64>,
}

impl Regression {
    fn new(p: usize) -> Self {
        Self {
            n: 0,
            sx: vec![0.0; p],
            sxx: vec![0.0; p * p],
            sy: 0.0,
            syy: 0.0,
            sxy: vec![0.0; p],
        }
    }

    fn add(&mut self, x: &[f64], y: f64) {
        let p = x.len();
        self.n += 1;
        self.sy += y;
        self.syy += y * y;
        for i in 0..p {
            self.sx[i] += x[i];
            self.sxy[i] += x[i] * y;
            let row = &mut self.sxx[i * p..(i + 1) * p];
            for (r, xj) in row.iter_mut().zip(x) {
                *r += x[i] * xj;
            }
        }
    }

    /// `(SRCs, R²)`, or `None` when `y` or the design is degenerate.
    fn solve(&self) -> Option<(Vec<f64>, f64)> {
        let p = self.sx.len();
        let n = self.n as f64;
        if self.n <= p as u64 + 1 {
            return None;
        }
        let my = self.sy / n;
        let vy = self.syy / n - my * my;
        if vy <= 1e-24 * (1.0 + my * my) {
            return None;
        }
        let mx: Vec<f64> = self.sx.iter().map(|s| s / n).collect();
        let mut a = vec![0.0; p * p];
        for i in 0..p {
            for j in 0..p {
                a[i * p + j] = self.sxx[i * p + j] / n - mx[i] * mx[j];
            }
        }
        let c: Vec<f64> = (0..p).map(|i| self.sxy[i] / n - mx[i] * my).collect();
        let sd: Vec<f64> = (0..p).map(|i| a[i * p + i].max(0.0).sqrt()).collect();
        let b = solve_linear(a, c.clone(), p)?;
        let r2 = b.iter().zip(&c).map(|(b, c)| b * c).sum::<f64>() / vy;
        let sdy = vy.sqrt();
        Some((b.iter().zip(&sd).map(|(b, s)| b * s / sdy).collect(), r2))
    }
}

/// Solves `a x = c` (`a` is `p × p`, row-major) by Gaussian elimination with partial pivoting.
fn solve_linear(mut a: Vec<f64>, mut c: Vec<f64>, p: usize) -> Option<Vec<f64>> {
    let scale = (0..p).map(|i| a[i * p + i].abs()).fold(0.0, f64::max);
    for col in 0..p {
        let pivot =
            (col..p).max_by(|&i, &j| a[i * p + col].abs().total_cmp(&a[j * p + col].abs()))?;
        if a[pivot * p + col].abs() <= 1e-12 * scale {
            return None;
        }
        if pivot != col {
            for k in 0..p {
                a.swap(pivot * p + k, col * p + k);
            }
            c.swap(pivot, col);
        }
        for r in col + 1..p {
            let f = a[r * p + col] / a[col * p + col];
            if f != 0.0 {
                for k in col..p {
                    a[r * p + k] -= f * a[col * p + k];
                }
                c[r] -= f * c[col];
            }
        }
    }
    let mut x = vec![0.0; p];
    for r in (0..p).rev() {
        let s: f64 = (r + 1..p).map(|k| a[r * p + k] * x[k]).sum();
        x[r] = (c[r] - s) / a[r * p + r];
    }
    Some(x)
}

/// Runs the tornado and, unless `config.trials` is 0, the regression; `progress` gets the model
/// runs done, out of [`runs`].
///
/// # Errors
/// A target that cannot be evaluated on the base scenario.
pub fn sensitivity(
    scenario: &Scenario,
    targets: &[Target],
    config: &SensitivityConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Sensitivity, TargetError> {
    analyse(scenario, targets, config, progress, &|| false).map(|(result, _)| result)
}

/// [`sensitivity`], asking `stop` before each block of the tornado's inputs and of the
/// regression's trials; `Ok(None)` when it stopped before the end. A run that completes gives
/// exactly [`sensitivity`]'s result: the tornado's ends are collected in input order and the
/// regression's draws depend only on `(seed, k)` and are folded in trial order, whatever the
/// block size.
///
/// # Errors
/// A target that cannot be evaluated on the base scenario.
pub fn sensitivity_until(
    scenario: &Scenario,
    targets: &[Target],
    config: &SensitivityConfig,
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> Result<Option<Sensitivity>, TargetError> {
    analyse(scenario, targets, config, progress, stop)
        .map(|(result, complete)| complete.then_some(result))
}

/// What every part of a run shares: the metrics, their baseline values and the inputs.
struct Setup {
    keys: Vec<String>,
    baseline: Values,
    inputs: Vec<Input>,
}

fn setup(
    scenario: &Scenario,
    targets: &[Target],
    config: &SensitivityConfig,
) -> Result<Setup, TargetError> {
    let mut keys = Vec::new();
    let mut baseline = Vec::new();
    for t in targets {
        keys.extend(t.metrics(scenario)?.into_iter().map(|m| m.key));
        baseline.extend(finite(t.evaluate(scenario)));
    }
    let inputs = kept_inputs(scenario, targets, config);
    Ok(Setup {
        keys,
        baseline,
        inputs,
    })
}

/// The inputs the analysis varies: drift and costs move only targets that read `[time]`; for
/// the others they would be dead columns in the tornado and the regression.
fn kept_inputs(scenario: &Scenario, targets: &[Target], config: &SensitivityConfig) -> Vec<Input> {
    let mut inputs = inputs(scenario, config);
    if !targets.iter().any(Target::uses_time) {
        inputs.retain(|x| !x.kind.is_time());
    }
    inputs
}

/// The model runs of [`sensitivity`]: two per input for the tornado (its low and high end),
/// then the regression's trials. Its `progress` counts these, so a bar moves through the
/// tornado too (issue 16: it sat at 0 while the tornado ran).
pub fn runs(scenario: &Scenario, targets: &[Target], config: &SensitivityConfig) -> u64 {
    // Saturating: `--trials` takes any count, and a bar of `u64::MAX` runs is harmless.
    (2 * kept_inputs(scenario, targets, config).len() as u64).saturating_add(config.trials)
}

/// A metric value that is not a finite number is no value.
fn finite(values: Values) -> Values {
    values
        .into_iter()
        .map(|v| v.filter(|v| v.is_finite()))
        .collect()
}

fn evaluate(targets: &[Target], s: &Scenario) -> Values {
    finite(targets.iter().flat_map(|t| t.evaluate(s)).collect())
}

/// The tornado's runs for the inputs `range`: each at its low end, then its high end.
fn tornado_ends(
    scenario: &Scenario,
    targets: &[Target],
    inputs: &[Input],
    range: Range<u64>,
    block: usize,
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> (Vec<(Values, Values)>, bool) {
    let mut ends: Vec<(Values, Values)> = Vec::new();
    // The tornado runs in blocks too, so that a stop is heard during it: with the delay model
    // each of its `2 p` runs costs as much as a regression trial. `progress` gets the inputs
    // done.
    let complete = run_range_until(
        range,
        block,
        |k| {
            let Some(input) = usize::try_from(k).ok().and_then(|k| inputs.get(k)) else {
                return (Vec::new(), Vec::new());
            };
            let mut lo = scenario.clone();
            input.set(&mut lo, input.low);
            let mut hi = scenario.clone();
            input.set(&mut hi, input.high);
            (evaluate(targets, &lo), evaluate(targets, &hi))
        },
        |_, pair| ends.push(pair),
        progress,
        stop,
    );
    (ends, complete)
}

/// The regression's trials `range`, handed to `fold` in trial order as (inputs shifted by their
/// base values, metric values).
#[expect(
    clippy::too_many_arguments,
    reason = "one private helper of two callers"
)]
fn regression_rows(
    scenario: &Scenario,
    targets: &[Target],
    inputs: &[Input],
    config: &SensitivityConfig,
    range: Range<u64>,
    fold: impl FnMut(u64, (Vec<f64>, Values)),
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> bool {
    run_range_until(
        range,
        config.block,
        |k| {
            let mut rng = trial_rng(config.seed, k);
            let mut s = scenario.clone();
            let x: Vec<f64> = inputs
                .iter()
                .map(|input| {
                    let v = input.low + (input.high - input.low) * uniform(&mut rng);
                    input.set(&mut s, v);
                    // Shift by the base value: smaller sums, better conditioned.
                    v - input.base
                })
                .collect();
            (x, evaluate(targets, &s))
        },
        fold,
        progress,
        stop,
    )
}

fn add_row(regressions: &mut [Regression], x: &[f64], ys: &Values) {
    for (reg, y) in regressions.iter_mut().zip(ys) {
        if let Some(y) = *y {
            reg.add(x, y);
        }
    }
}

/// The analysis shared by [`sensitivity`] and [`sensitivity_until`]; the flag says whether it
/// ran to the end (a stopped run's partial result is for the caller to discard).
fn analyse(
    scenario: &Scenario,
    targets: &[Target],
    config: &SensitivityConfig,
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> Result<(Sensitivity, bool), TargetError> {
    let Setup {
        keys,
        baseline,
        inputs,
    } = setup(scenario, targets, config)?;
    check_size(config.trials, inputs.len(), keys.len())?;
    // Progress counts model runs ([`runs`]): two per tornado input, then the trials.
    let (ends, mut complete) = tornado_ends(
        scenario,
        targets,
        &inputs,
        0..inputs.len() as u64,
        config.block,
        &|done| progress(2 * done),
        stop,
    );
    let p = inputs.len();
    let tornado_runs = 2 * p as u64;
    let mut regressions = regressions(config.trials, p, keys.len());
    if complete && config.trials > 0 {
        complete = regression_rows(
            scenario,
            targets,
            &inputs,
            config,
            0..config.trials,
            |_, (x, ys)| add_row(&mut regressions, &x, &ys),
            &|done| progress(tornado_runs + done),
            stop,
        );
    }
    let result = assemble(config.clone(), inputs, keys, &baseline, &ends, &regressions);
    Ok((result, complete))
}

/// The result from the tornado's ends and the regressions' sums.
fn assemble(
    config: SensitivityConfig,
    inputs: Vec<Input>,
    keys: Vec<String>,
    baseline: &Values,
    ends: &[(Values, Values)],
    regressions: &[Regression],
) -> Sensitivity {
    let metrics = keys
        .into_iter()
        .enumerate()
        .map(|(m, key)| {
            let mut tornado: Vec<TornadoBar> = inputs
                .iter()
                .zip(ends)
                .map(|(input, (lo, hi))| {
                    let at_low = lo.get(m).copied().flatten();
                    let at_high = hi.get(m).copied().flatten();
                    TornadoBar {
                        input: input.name.clone(),
                        range: [input.low, input.high],
                        at_low,
                        at_high,
                        swing: at_low.zip(at_high).map_or(0.0, |(l, h)| (h - l).abs()),
                    }
                })
                .collect();
            // Stable sort: equal swings keep input order, so output is reproducible.
            tornado.sort_by(|a, b| b.swing.total_cmp(&a.swing));
            let reg = regressions.get(m);
            let solved = reg.and_then(Regression::solve);
            let (mut src, r_squared) = match solved {
                Some((coef, r2)) => (
                    inputs
                        .iter()
                        .zip(coef)
                        .map(|(i, src)| Src {
                            input: i.name.clone(),
                            src,
                        })
                        .collect::<Vec<_>>(),
                    Some(r2),
                ),
                None => (Vec::new(), None),
            };
            src.sort_by(|a, b| b.src.abs().total_cmp(&a.src.abs()));
            MetricSensitivity {
                metric: key,
                baseline: baseline.get(m).copied().flatten(),
                tornado,
                src,
                r_squared,
                regression_trials: reg.map_or(0, |r| r.n),
            }
        })
        .collect();
    Sensitivity {
        schema: crate::SENSITIVITY_SCHEMA,
        config,
        inputs,
        metrics,
    }
}

/// Version tag of a sensitivity shard document ([`SensitivityShard`]).
pub const SHARD_SCHEMA: &str = "detente.sensitivity-shard/1";

/// One part of a sensitivity run ([`sensitivity_shard_until`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitivityShard {
    /// Schema tag, [`SHARD_SCHEMA`].
    pub schema: String,
    /// Which part.
    pub shard: Shard,
    /// The run it belongs to (`total` is the regression's trial count).
    pub run: RunId,
    /// Scenario title.
    pub title: String,
    /// The run's settings.
    pub config: SensitivityConfig,
    /// Every input of the run.
    pub inputs: Vec<Input>,
    /// Every metric's key.
    pub metrics: Vec<String>,
    /// Each metric on the scenario as written.
    pub baseline: Values,
    /// The inputs whose tornado runs this part made, `[first, end)`.
    pub tornado_inputs: [u64; 2],
    /// Those runs: each input's metric values at the low end, then the high end.
    pub tornado: Vec<(Values, Values)>,
    /// The regression trials this part ran, `[first, end)`.
    pub trials: [u64; 2],
    /// Each trial's inputs (shifted by their base values) and metric values, in trial order.
    pub rows: Vec<(Vec<f64>, Values)>,
}

impl ShardPart for SensitivityShard {
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

/// Runs part `shard` of the sensitivity analysis `config` describes, asking `stop` between
/// blocks; `Ok(None)` when it stopped early. Merging every part ([`merge_sensitivity`]) gives
/// exactly [`sensitivity`]'s result.
///
/// # Errors
/// A target that cannot be evaluated on the base scenario.
pub fn sensitivity_shard_until(
    scenario: &Scenario,
    targets: &[Target],
    config: &SensitivityConfig,
    shard: Shard,
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> Result<Option<SensitivityShard>, TargetError> {
    let Setup {
        keys,
        baseline,
        inputs,
    } = setup(scenario, targets, config)?;
    // A part keeps rows, not sums, but the merge would build the sums.
    check_size(config.trials, inputs.len(), keys.len())?;
    let width = (inputs.len() + keys.len()) as u64;
    let rows = {
        let trials = shard.range(config.trials);
        trials.end - trials.start
    };
    if rows.saturating_mul(width) > MAX_PART_NUMBERS {
        return Err(TargetError::PartTooLarge {
            shard,
            rows,
            width,
            // Parts differ by a row at most, hence the row's width off the limit.
            parts: config
                .trials
                .saturating_mul(width)
                .div_ceil(MAX_PART_NUMBERS.saturating_sub(width).max(1))
                .max(shard.count + 1),
        });
    }
    let inputs_range = shard.range(inputs.len() as u64);
    let (tornado, mut complete) = tornado_ends(
        scenario,
        targets,
        &inputs,
        inputs_range.clone(),
        config.block,
        // A part's progress counts its regression trials only (`print_shard`'s total).
        &|_| {},
        stop,
    );
    let trials = shard.range(config.trials);
    let mut rows = Vec::new();
    if complete {
        complete = regression_rows(
            scenario,
            targets,
            &inputs,
            config,
            trials.clone(),
            |_, row| rows.push(row),
            progress,
            stop,
        );
    }
    // The block size changes nothing in the result, so it is no part of the run's identity.
    let written = SensitivityConfig {
        block: 0,
        ..config.clone()
    };
    let run = RunId {
        seed: config.seed,
        total: config.trials,
        fingerprint: fingerprint(&[&"sensitivity", scenario, &targets, &written]),
    };
    Ok(complete.then(|| SensitivityShard {
        schema: SHARD_SCHEMA.to_string(),
        shard,
        run,
        title: scenario.meta.title.clone(),
        config: written,
        inputs,
        metrics: keys,
        baseline,
        tornado_inputs: [inputs_range.start, inputs_range.end],
        tornado,
        trials: [trials.start, trials.end],
        rows,
    }))
}

/// Merges every part of one sensitivity run, in any order, into the unsharded run's result.
///
/// # Errors
/// Parts that are not every part of one run, once each, or a damaged part ([`MergeError`]).
pub fn merge_sensitivity(shards: &[SensitivityShard]) -> Result<Sensitivity, MergeError> {
    let parts = in_order(shards, SHARD_SCHEMA)?;
    let first = *parts.first().ok_or(MergeError::Empty)?;
    let p = first.inputs.len();
    let m = first.metrics.len();
    // Before the sums are allocated: no run writes parts past the limit. The trials are the
    // run's (each part's rows are checked against them below), not what its config says.
    check_size(first.run.total, p, m)
        .map_err(|e| MergeError::damaged(first.shard, e.to_string()))?;
    let mut ends = Vec::with_capacity(p);
    let mut regressions = regressions(first.run.total, p, m);
    for part in parts {
        let damaged = |why: String| MergeError::damaged(part.shard, why);
        if part.inputs != first.inputs
            || part.metrics != first.metrics
            || part.baseline != first.baseline
            || part.config != first.config
        {
            return Err(damaged(
                "its inputs or metrics differ from the other parts'".into(),
            ));
        }
        let inputs = part.shard.range(p as u64);
        let trials = part.shard.range(part.run.total);
        let fits = |(x, ys): &(Vec<f64>, Values)| x.len() == p && ys.len() == m;
        let ends_fit = |(lo, hi): &(Values, Values)| lo.len() == m && hi.len() == m;
        if part.tornado_inputs != [inputs.start, inputs.end]
            || part.tornado.len() as u64 != inputs.end - inputs.start
            || !part.tornado.iter().all(ends_fit)
            || part.trials != [trials.start, trials.end]
            || part.rows.len() as u64 != trials.end - trials.start
            || !part.rows.iter().all(fits)
        {
            return Err(damaged(format!(
                "it should hold the tornado of inputs {inputs:?} and the rows of trials {trials:?},                  {p} inputs and {m} metrics wide"
            )));
        }
        ends.extend(part.tornado.iter().cloned());
        for (x, ys) in &part.rows {
            add_row(&mut regressions, x, ys);
        }
    }
    Ok(assemble(
        first.config.clone(),
        first.inputs.clone(),
        first.metrics.clone(),
        &first.baseline,
        &ends,
        &regressions,
    ))
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;

    /// The tornado alone keeps no sums: a million inputs and a thousand forecasts would be
    /// 8 × 10^15 bytes of them, the advice of the error that refuses such a regression.
    #[test]
    fn no_trials_keep_no_sums() {
        assert!(regressions(0, 1 << 20, 1000).is_empty());
        assert_eq!(regressions(3, 2, 5).len(), 5);
    }

    #[test]
    fn regression_recovers_a_linear_model() {
        // y = 2 x0 - x1 + 0 x2 with independent uniform inputs on [0, 1]: var(x) = 1/12, so
        // SRC = b sd(x) / sd(y) = (2, -1, 0) / sqrt(5), and R² = 1.
        let mut reg = Regression::new(3);
        let mut rng = trial_rng(3, 0);
        for _ in 0..5000 {
            let x: Vec<f64> = (0..3).map(|_| uniform(&mut rng)).collect();
            reg.add(&x, 2.0 * x[0] - x[1]);
        }
        let (src, r2) = reg.solve().unwrap();
        let s5 = 5f64.sqrt();
        assert!((src[0] - 2.0 / s5).abs() < 0.03, "{src:?}");
        assert!((src[1] + 1.0 / s5).abs() < 0.03, "{src:?}");
        assert!(src[2].abs() < 1e-9, "{src:?}");
        assert!((r2 - 1.0).abs() < 1e-9, "{r2}");
    }
}
