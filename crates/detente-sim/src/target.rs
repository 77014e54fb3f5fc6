//! What a simulation forecasts: targets, and the scalar metrics each one yields per scenario.
//!
//! A [`Target`] is a model family run on a whole scenario. It names its outputs as [`Metric`]s
//! (`"ceasefire/eum"`, `"package/zopa"`, ...) and evaluates them on any perturbed or shocked
//! copy of the scenario. Every aggregate, shock table and tornado in this crate works on these
//! metrics, so a new model needs only a new variant here: its metric list and its evaluation.
//!
//! [`Target::Delay`] runs the time model ([`detente_models::dynamics::delay`]) and yields four
//! kinds of metric per scenario: whether a zone of agreement exists at month 0
//! (`delay/zone-at-0`), whether the talks ripen within the horizon (`delay/ripe`), the ripeness
//! month (`delay/ripeness-month`, missing in trials that never ripen, so its percentiles are
//! conditional on ripening; one histogram bin per month), and each party's utility in the
//! ripe month's Nash deal (`delay/nash/<party>`, missing likewise).
//!
//! The spatial models are called directly (not through `detente_models::forecast`, which
//! builds a named trace for reports) because a trial needs only the numbers; a test checks
//! that both give identical forecasts.

use detente_core::{Issue, Scenario};
use detente_models::bargain::{self, PackageConfig, SolveConfig};
use detente_models::compromise::compromise;
use detente_models::dynamics::{self, DynamicsConfig, DynamicsError};
use detente_models::eum::{self, EumActor, EumInput};
use detente_models::forecast::{ForecastConfig, Model};
use detente_models::median::weighted_median;
use detente_models::nash;
use detente_models::stance::stances;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A model family to run on each scenario.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Target {
    /// The spatial models (compromise, median, Nash, EUM) on every issue.
    Spatial(ForecastConfig),
    /// Package bargaining among the configured parties across every issue.
    Package {
        /// How the scenario becomes a package problem.
        package: PackageConfig,
        /// How it is solved.
        solve: SolveConfig,
    },
    /// The time model: zone of agreement at month 0, ripeness month, and each party's utility
    /// in the ripe month's Nash deal.
    Delay(DynamicsConfig),
}

/// What a metric measures, which decides how it is binned and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetricKind {
    /// A point on an issue's scale.
    Position,
    /// An indicator (0 or 1) whose mean is a probability.
    Probability,
    /// A party's utility in `[0, 1]`.
    Utility,
    /// A month number, `0..=horizon`.
    Month,
}

/// One scalar output of a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// Unique key, `"<issue>/<model>"` or `"package/..."`.
    pub key: String,
    /// The issue it belongs to, if any.
    pub issue: Option<String>,
    /// The model (or solution) that produces it.
    pub model: String,
    /// What it measures.
    pub kind: MetricKind,
    /// The range its histogram covers (the issue's scale, `[0, 1]`, or `[0, horizon + 1]` for a
    /// month, so that month `t` fills bin `[t, t + 1)`).
    pub range: [f64; 2],
    /// Bins of its reported histogram when the metric fixes them (one per month for a month),
    /// else the run's setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bins: Option<usize>,
}

/// A target that cannot be evaluated on the base scenario.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum TargetError {
    /// The package problem could not be built or solved.
    #[error("package bargaining: {0}")]
    Package(#[from] bargain::BargainError),
    /// The time model cannot run (unknown lever, horizon out of range, no package problem).
    #[error("delay model: {0}")]
    Delay(#[from] DynamicsError),
    /// No trial is consistent with the scenario's events (`[[time.events]]`).
    #[error(
        "no trial of {trials} is consistent with the scenario's events: the model with these numbers cannot produce what was observed. A `no-deal` or `deal` event is read against the delay target's ripeness month, which assumes complete information: leave `delay` out of --model and read `detente delay`'s settlement forecast for when a deal comes. Otherwise check the events, widen the uncertainty (--noise) or run more trials"
    )]
    NoTrialFitsEvents {
        /// Trials run.
        trials: u64,
    },
    /// The regression's sums (`p²` per forecast for `p` inputs) would pass
    /// [`crate::sensitivity::MAX_REGRESSION_SUMS`].
    #[error(
        "a regression over {inputs} inputs keeps {inputs}² sums for each of the {metrics} forecasts, {sums} numbers in all, over the limit of {}: run the tornado alone (--trials 0, or trials=0 in the API), or ask for fewer models or issues",
        crate::sensitivity::MAX_REGRESSION_SUMS
    )]
    RegressionTooLarge {
        /// Inputs varied (`p`).
        inputs: u64,
        /// Forecasts regressed on them.
        metrics: u64,
        /// `p² × metrics`, saturated.
        sums: u64,
    },
    /// One part of a sharded sensitivity run would keep too many regression rows.
    #[error(
        "part {shard} would keep {rows} regression rows of {width} numbers, over the limit of {} numbers a part: cut the run into {parts} parts or more (--shard I/{parts})",
        crate::sensitivity::MAX_PART_NUMBERS
    )]
    PartTooLarge {
        /// The part.
        shard: detente_core::shard::Shard,
        /// Its trials.
        rows: u64,
        /// Numbers per row (inputs and forecasts).
        width: u64,
        /// Parts that would each fit.
        parts: u64,
    },
    /// A run conditioned on events cannot be cut into shards.
    #[error(
        "this scenario has `[[time.events]]`, and a run conditioned on events needs every trial's weight at once, so it cannot be sharded; run it whole"
    )]
    EventsNotShardable,
}

impl Target {
    /// The metrics this target yields on `scenario`, in a fixed order.
    pub fn metrics(&self, scenario: &Scenario) -> Result<Vec<Metric>, TargetError> {
        match self {
            Target::Spatial(config) => Ok(scenario
                .issues
                .iter()
                .flat_map(|issue| {
                    config.models.iter().map(move |m| Metric {
                        key: format!("{}/{}", issue.id, m.as_str()),
                        issue: Some(issue.id.clone()),
                        model: m.as_str().to_owned(),
                        kind: MetricKind::Position,
                        range: [issue.scale.min(), issue.scale.max()],
                        bins: None,
                    })
                })
                .collect()),
            Target::Package { package, .. } => {
                let problem = bargain::from_scenario(scenario, package)?;
                let mut out = vec![Metric {
                    key: "package/zopa".to_owned(),
                    issue: None,
                    model: "zopa-exists".to_owned(),
                    kind: MetricKind::Probability,
                    range: [0.0, 1.0],
                    bins: None,
                }];
                out.extend(problem.parties().iter().map(|p| Metric {
                    key: format!("package/nash/{}", p.name),
                    issue: None,
                    model: "package-nash-utility".to_owned(),
                    kind: MetricKind::Utility,
                    range: [0.0, 1.0],
                    bins: None,
                }));
                out.extend(scenario.issues.iter().map(|issue| Metric {
                    key: format!("{}/package-nash", issue.id),
                    issue: Some(issue.id.clone()),
                    model: "package-nash".to_owned(),
                    kind: MetricKind::Position,
                    range: [issue.scale.min(), issue.scale.max()],
                    bins: None,
                }));
                Ok(out)
            }
            Target::Delay(config) => {
                // One run on the base scenario surfaces bad levers or horizons as errors here,
                // and gives the party list and the horizon the metrics are keyed and binned by.
                let report = dynamics::delay(scenario, config)?;
                let h = report.horizon;
                let probability = |key: &str, model: &str| Metric {
                    key: key.to_owned(),
                    issue: None,
                    model: model.to_owned(),
                    kind: MetricKind::Probability,
                    range: [0.0, 1.0],
                    bins: None,
                };
                let mut out = vec![
                    probability("delay/zone-at-0", "zone-at-month-0"),
                    probability("delay/ripe", "ripe-within-horizon"),
                    Metric {
                        key: "delay/ripeness-month".to_owned(),
                        issue: None,
                        model: "ripeness-month".to_owned(),
                        kind: MetricKind::Month,
                        range: [0.0, f64::from(h) + 1.0],
                        bins: Some(h as usize + 1),
                    },
                ];
                out.extend(report.parties.iter().map(|p| Metric {
                    key: format!("delay/nash/{p}"),
                    issue: None,
                    model: "ripe-nash-utility".to_owned(),
                    kind: MetricKind::Utility,
                    range: [0.0, 1.0],
                    bins: None,
                }));
                Ok(out)
            }
        }
    }

    /// Whether the target reads the scenario's `[time]` section (drift, costs).
    pub fn uses_time(&self) -> bool {
        matches!(self, Target::Delay(_))
    }

    /// The values of [`Target::metrics`] on `scenario`, in the same order; `None` where a model
    /// gives no answer (all saliences zero, no individually rational package, a failed solve).
    pub fn evaluate(&self, scenario: &Scenario) -> Vec<Option<f64>> {
        match self {
            Target::Spatial(config) => {
                // KTAB's SMP runs over a space at once: every issue's value from one call.
                let smp: Vec<Option<f64>> = if config.models.contains(&Model::Smp) {
                    detente_models::forecast::smp_forecasts(scenario)
                        .into_iter()
                        .map(|(f, _)| f.map(|f| f.point.position))
                        .collect()
                } else {
                    Vec::new()
                };
                scenario
                    .issues
                    .iter()
                    .enumerate()
                    .flat_map(|(k, issue)| {
                        spatial(scenario, issue, config, smp.get(k).copied().flatten())
                    })
                    .collect()
            }
            Target::Package { package, solve } => {
                let n = 1 + parties(scenario, package) + scenario.issues.len();
                let Ok(problem) = bargain::from_scenario(scenario, package) else {
                    return vec![None; n];
                };
                let Ok(solved) = bargain::solve(&problem, solve) else {
                    return vec![None; n];
                };
                let mut out = Vec::with_capacity(n);
                out.push(Some(if solved.zopa.exists { 1.0 } else { 0.0 }));
                match &solved.nash {
                    Some(nash) => {
                        out.extend(nash.utilities.iter().map(|u| Some(*u)));
                        out.extend(
                            nash.package
                                .0
                                .iter()
                                .zip(problem.domain().issues())
                                .map(|(&v, issue)| issue.values.get(v).and_then(|v| v.number)),
                        );
                    }
                    None => out.extend(std::iter::repeat_n(None, n - 1)),
                }
                out
            }
            Target::Delay(config) => {
                let n = 3 + parties(scenario, &config.package);
                let Ok(report) = dynamics::delay(scenario, config) else {
                    return vec![None; n];
                };
                let indicator = |b: bool| Some(if b { 1.0 } else { 0.0 });
                let mut out = Vec::with_capacity(n);
                out.push(indicator(report.months.first().is_some_and(|m| m.zone)));
                out.push(indicator(report.ripeness.is_some()));
                out.push(report.ripeness.map(f64::from));
                let deal = report
                    .ripeness
                    .and_then(|t| report.months.get(t as usize))
                    .and_then(|m| m.nash.as_ref());
                match deal {
                    Some(d) => out.extend(d.utilities.iter().map(|u| Some(*u))),
                    None => out.extend(std::iter::repeat_n(None, report.parties.len())),
                }
                out
            }
        }
    }
}

/// How many parties a package problem on `scenario` has: the configured ones, else the
/// principals.
fn parties(scenario: &Scenario, package: &PackageConfig) -> usize {
    match &package.parties {
        Some(p) => p.len(),
        None => scenario
            .actors
            .iter()
            .filter(|a| a.role == detente_core::Role::Principal)
            .count(),
    }
}

/// The configured spatial models' forecasts on one issue, in `config.models` order; `smp` is
/// the SMP's value for the issue, computed over its space by the caller.
fn spatial(
    scenario: &Scenario,
    issue: &Issue,
    config: &ForecastConfig,
    smp: Option<f64>,
) -> Vec<Option<f64>> {
    let st = stances(scenario, issue);
    let scale = (issue.scale.min(), issue.scale.max());
    config
        .models
        .iter()
        .map(|model| match model {
            Model::Compromise => compromise(&st),
            Model::Median => weighted_median(&st).map(|m| m.position),
            Model::Nash => {
                let players = nash::players(scenario, issue, &st, &config.nash);
                Some(nash::nash(&st, &players, issue.status_quo, scale).position)
            }
            Model::Eum => {
                let actors: Vec<EumActor> = st
                    .iter()
                    .map(|s| EumActor {
                        capability: s.capability,
                        position: s.position,
                        salience: s.salience,
                    })
                    .collect();
                let input = EumInput {
                    actors: &actors,
                    scale,
                };
                eum::run(&input, &config.eum)
                    .ok()
                    .map(|r| r.forecast_median)
            }
            Model::Smp => smp,
        })
        .collect()
}
