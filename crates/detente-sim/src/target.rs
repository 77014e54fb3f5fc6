//! What a simulation forecasts: targets, and the scalar metrics each one yields per scenario.
//!
//! A [`Target`] is a model family run on a whole scenario. It names its outputs as [`Metric`]s
//! (`"ceasefire/eum"`, `"package/zopa"`, ...) and evaluates them on any perturbed or shocked
//! copy of the scenario. Every aggregate, shock table and tornado in this crate works on these
//! metrics, so a new model (e.g. the delay model's ripeness month) needs only a new variant
//! here: its metric list and its evaluation.
//!
//! The spatial models are called directly (not through `detente_models::forecast`, which
//! builds a named trace for reports) because a trial needs only the numbers; a test checks
//! that both give identical forecasts.

use detente_core::{Issue, Scenario};
use detente_models::bargain::{self, PackageConfig, SolveConfig};
use detente_models::compromise::compromise;
use detente_models::eum::{self, EumActor, EumInput};
use detente_models::forecast::{ForecastConfig, Model};
use detente_models::median::weighted_median;
use detente_models::nash;
use detente_models::stance::stances;
use serde::Serialize;
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
}

/// What a metric measures, which decides how it is binned and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetricKind {
    /// A point on an issue's scale.
    Position,
    /// An indicator (0 or 1) whose mean is a probability.
    Probability,
    /// A party's utility in `[0, 1]`.
    Utility,
}

/// One scalar output of a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    /// Unique key, `"<issue>/<model>"` or `"package/..."`.
    pub key: String,
    /// The issue it belongs to, if any.
    pub issue: Option<String>,
    /// The model (or solution) that produces it.
    pub model: String,
    /// What it measures.
    pub kind: MetricKind,
    /// The range its histogram covers (the issue's scale, or `[0, 1]`).
    pub range: [f64; 2],
}

/// A target that cannot be evaluated on the base scenario.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum TargetError {
    /// The package problem could not be built or solved.
    #[error("package bargaining: {0}")]
    Package(#[from] bargain::BargainError),
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
                }];
                out.extend(problem.parties().iter().map(|p| Metric {
                    key: format!("package/nash/{}", p.name),
                    issue: None,
                    model: "package-nash-utility".to_owned(),
                    kind: MetricKind::Utility,
                    range: [0.0, 1.0],
                }));
                out.extend(scenario.issues.iter().map(|issue| Metric {
                    key: format!("{}/package-nash", issue.id),
                    issue: Some(issue.id.clone()),
                    model: "package-nash".to_owned(),
                    kind: MetricKind::Position,
                    range: [issue.scale.min(), issue.scale.max()],
                }));
                Ok(out)
            }
        }
    }

    /// The values of [`Target::metrics`] on `scenario`, in the same order; `None` where a model
    /// gives no answer (all saliences zero, no individually rational package, a failed solve).
    pub fn evaluate(&self, scenario: &Scenario) -> Vec<Option<f64>> {
        match self {
            Target::Spatial(config) => scenario
                .issues
                .iter()
                .flat_map(|issue| spatial(scenario, issue, config))
                .collect(),
            Target::Package { package, solve } => {
                let parties = match &package.parties {
                    Some(p) => p.len(),
                    None => scenario
                        .actors
                        .iter()
                        .filter(|a| a.role == detente_core::Role::Principal)
                        .count(),
                };
                let n = 1 + parties + scenario.issues.len();
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
        }
    }
}

/// The configured spatial models' forecasts on one issue, in `config.models` order.
fn spatial(scenario: &Scenario, issue: &Issue, config: &ForecastConfig) -> Vec<Option<f64>> {
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
        })
        .collect()
}
