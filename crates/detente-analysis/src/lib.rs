//! One analysis API over every detente model.
//!
//! Every front end (the `detente` CLI, the HTTP API and dashboard, the reports and the Python
//! package) is a thin shell over this crate: it builds an [`AnalysisConfig`] (whose
//! [`Default`] holds every modelling default once), calls [`analyze`] or one of the per-part
//! functions ([`packages()`], [`delay`], [`levers`], [`montecarlo`], [`sensitivity`]) and prints
//! or serves the typed result. No front end sets a modelling default of its own, so one scenario
//! gives one answer wherever it is asked: the Nash package of `detente report`, `detente
//! bargain`, `POST /api/bargain` and the package Monte Carlo is the same package.
//!
//! # Example
//! Load a scenario, analyse it, print each issue's forecasts and the Nash package's positions:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let text = include_str!("../../../scenarios/istanbul-2025.toml");
//! let scenario = detente_core::parse("istanbul-2025.toml", text)?.scenario;
//! let analysis = detente_analysis::analyze(&scenario, &Default::default());
//! for issue in &analysis.forecast.issues {
//!     let models = analysis.forecast.models.iter();
//!     let points = models.filter_map(|&m| issue.point(m).map(|p| format!("{m} {:.1}", p.position)));
//!     println!("{}: {}", issue.name, points.collect::<Vec<_>>().join(", "));
//! }
//! let nash = analysis.packages.expect("asked for")?.solutions.nash.expect("a zone");
//! println!("Nash package: {:?}", nash.package);
//! # assert_eq!(nash.package.len(), scenario.issues.len());
//! # Ok(())
//! # }
//! ```
//!
//! # Errors
//! One error type, [`AnalysisError`]. A part that cannot run (a package space over the frontier
//! limit, an unknown lever) is reported in that part's slot of [`Analysis`] and does not stop
//! the other parts.

pub mod documents;
pub mod packages;
mod targets;

pub use documents::{DelayDocument, ForecastDocument, LeversDocument, Schema, TimedDocument};
pub use packages::{IssueValue, Packages, ProblemKind, anchor_label, describe_package, fmt_num};
pub use targets::{Selection, UnknownModel};

use detente_core::Scenario;
use detente_models::bargain::{
    BargainError, FrontierConfig, NashWeights, PackageConfig, Problem, Solutions, SolveConfig,
    from_scenario, solve,
};
use detente_models::dynamics::{DelayReport, DynamicsConfig, DynamicsError, LeversReport};
use detente_models::forecast::{Forecast, ForecastConfig};
use detente_sim::sensitivity::{Sensitivity, SensitivityConfig};
use detente_sim::settle::{
    SettleConfig, SettleLevers, SettlementReport, settle_levers, settlement_report,
};
use detente_sim::{MonteCarloConfig, MonteCarloResult, Target, TargetError};
use serde::Serialize;
use thiserror::Error;

/// The envelope of every JSON document detente writes (CLI `--format json` and every API 200
/// body): an object whose first key is `schema`, `detente.<kind>/<version>`, followed by the
/// document's own fields. A version changes only when a field changes meaning or goes away;
/// fields are added within a version. Documents whose result type carries its own `schema`
/// field (forecast, bargain, delay, levers, Monte Carlo, sensitivity, shocks, backtest, SMP)
/// have the same shape; this type wraps results that do not.
#[derive(Debug, Clone, Serialize)]
pub struct Document<'a, T: Serialize> {
    /// `detente.<kind>/<version>`.
    pub schema: &'static str,
    /// The result.
    #[serde(flatten)]
    pub body: &'a T,
}

/// Every way an analysis part can fail.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum AnalysisError {
    /// Building or solving the package problem failed.
    #[error(transparent)]
    Bargain(#[from] BargainError),
    /// The time model could not run.
    #[error(transparent)]
    Dynamics(#[from] DynamicsError),
    /// A Monte Carlo or sensitivity target could not be evaluated on the scenario.
    #[error(transparent)]
    Simulation(#[from] TargetError),
    /// The delay model was asked for on a scenario without a `[time]` section.
    #[error("the delay model needs the scenario's `[time]` section, and it has none")]
    NoTime,
    /// An option is out of its range.
    #[error("{option}: {message}")]
    Option {
        /// The option's name.
        option: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

/// Every option of every model, with the one set of defaults all front ends share.
///
/// Each option's default is the [`Default`] of its model's config (for instance
/// [`SolveConfig::default`] weights the Nash product by capability); front ends start from
/// `AnalysisConfig::default()` and change only what their user set, so no front end has a
/// default of its own.
#[derive(Debug, Clone, Default)]
pub struct AnalysisConfig {
    /// The per-issue models (compromise, median, Nash, EUM) and their options.
    pub forecast: ForecastConfig,
    /// Grid, loss shape and parties of package bargaining and of the delay model.
    pub package: PackageConfig,
    /// Solutions of package bargaining: Nash weights (capability by default), the
    /// Kalai-Smorodinsky rule, the frontier limits and the ZOPA count limit.
    pub solve: SolveConfig,
    /// Delay model: months to model instead of the scenario's `[time] horizon`.
    pub months: Option<u32>,
    /// Delay model: lever ids applied in every run (the baseline applies none).
    pub levers: Vec<String>,
    /// Delay model: the party that proposes first in the alternating-offers game.
    pub first_proposer: Option<String>,
    /// Which parts [`analyze`] runs.
    pub parts: Parts,
    /// Monte Carlo options, used when [`Parts::montecarlo`] is set.
    pub montecarlo: MonteCarloConfig,
    /// Sensitivity options, used when [`Parts::sensitivity`] is set.
    pub sensitivity: SensitivityConfig,
    /// Settlement forecast options (trials, seed, rate noise, position draws, bootstrap); its
    /// model options come from [`AnalysisConfig::dynamics`].
    pub settle: SettleConfig,
}

/// Which parts of an analysis to run. The uncertainty parts take seconds, not milliseconds, so
/// they are off by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Parts {
    /// Package bargaining across issues.
    pub packages: bool,
    /// The cost of delay (scenarios with a `[time]` section).
    pub delay: bool,
    /// The lever comparison (scenarios that declare levers).
    pub levers: bool,
    /// The settlement forecast of bargaining while fighting (scenarios whose `[time]` gives
    /// beliefs, audience costs or enforcement), and with [`Parts::levers`] its lever table.
    pub settlement: bool,
    /// Monte Carlo bands of the per-issue forecasts.
    pub montecarlo: bool,
    /// Sensitivity tornados of the per-issue forecasts.
    pub sensitivity: bool,
}

impl Default for Parts {
    fn default() -> Self {
        Self {
            packages: true,
            delay: true,
            levers: true,
            settlement: true,
            montecarlo: false,
            sensitivity: false,
        }
    }
}

impl AnalysisConfig {
    /// The delay model's options, built from the package options, the Nash weights and the
    /// delay options of this config.
    pub fn dynamics(&self) -> DynamicsConfig {
        DynamicsConfig {
            package: self.package.clone(),
            nash_weights: self.solve.nash_weights,
            ks_rule: self.solve.ks_rule,
            months: self.months,
            levers: self.levers.clone(),
            first_proposer: self.first_proposer.clone(),
            frontier: self.solve.frontier.clone(),
            // One flag stops the whole run: the month-by-month table and the settlement
            // forecast alike.
            stop: self.settle.stop.clone(),
        }
    }

    /// The solve options of a Monte Carlo's package target: the same solutions, without the
    /// ZOPA count (a trial needs only whether the zone exists).
    pub fn package_target_solve(&self) -> SolveConfig {
        SolveConfig {
            zopa_count_limit: 0,
            ..self.solve.clone()
        }
    }

    /// The settlement forecast's options: [`AnalysisConfig::settle`] with this config's model
    /// options.
    pub fn settle_config(&self) -> SettleConfig {
        SettleConfig {
            dynamics: self.dynamics(),
            ..self.settle.clone()
        }
    }

    /// The Monte Carlo and sensitivity targets that `selection` names on `scenario`.
    pub fn targets(
        &self,
        scenario: &Scenario,
        selection: &Selection,
    ) -> Result<Vec<Target>, AnalysisError> {
        targets::targets(self, scenario, selection)
    }

    /// Sets the frontier limit of every package search.
    pub fn with_frontier(mut self, frontier: FrontierConfig) -> Self {
        self.solve.frontier = frontier;
        self
    }

    /// Sets the Nash weights of package bargaining and of the delay model.
    pub fn with_nash_weights(mut self, weights: NashWeights) -> Self {
        self.solve.nash_weights = weights;
        self
    }
}

/// The typed result of every part of an analysis. A part is `None` when it was not asked for or
/// does not apply to the scenario (no `[time]` section, no levers), and `Some(Err(..))` when it
/// was asked for and could not run.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The per-issue forecasts of every configured model.
    pub forecast: Forecast,
    /// Package bargaining, packages as positions.
    pub packages: Option<Result<Packages, AnalysisError>>,
    /// The cost of delay, month by month.
    pub delay: Option<Result<DelayReport, AnalysisError>>,
    /// Each lever and pair of levers against the baseline.
    pub levers: Option<Result<LeversReport, AnalysisError>>,
    /// When a deal comes under bargaining while fighting: P(deal by month), the median deal
    /// month, the terms and who moves, with the sensitivity to the beliefs.
    pub settlement: Option<Result<SettlementReport, AnalysisError>>,
    /// Each lever's and pair's shift of the settlement forecast.
    pub settlement_levers: Option<Result<SettleLevers, AnalysisError>>,
    /// Monte Carlo bands of the per-issue forecasts.
    pub montecarlo: Option<Result<MonteCarloResult, AnalysisError>>,
    /// Sensitivity tornados of the per-issue forecasts.
    pub sensitivity: Option<Result<Sensitivity, AnalysisError>>,
}

/// Runs every part `config.parts` names on `scenario`.
///
/// Package bargaining, delay and levers run on the scenario when asked; the delay and lever
/// parts only for scenarios with a `[time]` section (and levers only when it declares some),
/// because without one they would model defaults nobody chose. Monte Carlo and sensitivity cover
/// the per-issue models (package bargaining in every trial would take minutes; call
/// [`montecarlo`] with a package target for that).
pub fn analyze(scenario: &Scenario, config: &AnalysisConfig) -> Analysis {
    analyze_observed(scenario, config, &|_| {})
}

/// One part of an [`analyze`] run, as [`analyze_observed`] announces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// The per-issue forecasts of every model.
    Forecast,
    /// Package bargaining.
    Packages,
    /// The cost of delay, month by month.
    Delay,
    /// The lever comparison.
    Levers,
    /// The settlement forecast of bargaining while fighting.
    Settlement,
    /// The settlement forecast under each lever and pair of levers.
    SettlementLevers,
    /// Monte Carlo bands of the per-issue forecasts.
    MonteCarlo,
    /// Sensitivity tornados of the per-issue forecasts.
    Sensitivity,
}

impl Step {
    /// What the step computes, for a progress line ("settlement forecast").
    pub fn describe(self) -> &'static str {
        match self {
            Self::Forecast => "per-issue forecasts",
            Self::Packages => "package bargaining",
            Self::Delay => "cost of delay",
            Self::Levers => "levers",
            Self::Settlement => "settlement forecast",
            Self::SettlementLevers => "settlement forecast by lever",
            Self::MonteCarlo => "Monte Carlo",
            Self::Sensitivity => "sensitivity",
        }
    }
}

/// The steps [`analyze`] runs on `scenario` under `config`, in order.
pub fn steps(scenario: &Scenario, config: &AnalysisConfig) -> Vec<Step> {
    let parts = config.parts;
    let time = scenario.time.as_ref();
    let levers = time.is_some_and(|t| !t.levers.is_empty());
    let fights = fights(scenario);
    [
        (true, Step::Forecast),
        (parts.packages, Step::Packages),
        (parts.delay && time.is_some(), Step::Delay),
        (parts.levers && levers, Step::Levers),
        (parts.settlement && fights, Step::Settlement),
        (
            parts.settlement && parts.levers && fights && levers,
            Step::SettlementLevers,
        ),
        (parts.montecarlo, Step::MonteCarlo),
        (parts.sensitivity, Step::Sensitivity),
    ]
    .into_iter()
    .filter_map(|(run, step)| run.then_some(step))
    .collect()
}

/// [`analyze`], calling `observe` with each step of [`steps`] as it starts: a front end shows
/// where a run of many seconds is (`detente report` on a terminal). The result is the same.
pub fn analyze_observed(
    scenario: &Scenario,
    config: &AnalysisConfig,
    observe: &dyn Fn(Step),
) -> Analysis {
    let steps = steps(scenario, config);
    let run = |step: Step| {
        let runs = steps.contains(&step);
        if runs {
            observe(step);
        }
        runs
    };
    let spatial = [Target::Spatial(config.forecast.clone())];
    run(Step::Forecast);
    let forecast = detente_models::forecast::forecast(scenario, &config.forecast);
    let packages = run(Step::Packages).then(|| packages(scenario, config));
    let delay = run(Step::Delay).then(|| delay(scenario, config));
    let levers = run(Step::Levers).then(|| levers(scenario, config));
    let settlement = run(Step::Settlement).then(|| settlement(scenario, config));
    let settlement_levers =
        run(Step::SettlementLevers).then(|| settlement_levers(scenario, config));
    let montecarlo = run(Step::MonteCarlo)
        .then(|| detente_sim::montecarlo(scenario, &spatial, &config.montecarlo, &|_| {}))
        .map(|r| r.map_err(AnalysisError::from));
    let sensitivity = run(Step::Sensitivity)
        .then(|| {
            detente_sim::sensitivity::sensitivity(scenario, &spatial, &config.sensitivity, &|_| {})
        })
        .map(|r| r.map_err(AnalysisError::from));
    Analysis {
        forecast,
        packages,
        delay,
        levers,
        settlement,
        settlement_levers,
        montecarlo,
        sensitivity,
    }
}

/// Package bargaining on `scenario`: the frontier and the four solutions, packages as positions.
pub fn packages(scenario: &Scenario, config: &AnalysisConfig) -> Result<Packages, AnalysisError> {
    let (problem, solutions) = package_problem(scenario, config)?;
    Ok(Packages::new(
        &problem,
        &solutions,
        Some((scenario, &config.package)),
        config.solve.nash_weights,
    ))
}

/// The package problem of `scenario` (its grid, parties and utilities) and its solutions, as
/// the models report them (packages as grid indices); [`packages()`] is the same as positions.
pub fn package_problem(
    scenario: &Scenario,
    config: &AnalysisConfig,
) -> Result<(Problem, Solutions), AnalysisError> {
    check_step(config.package.step)?;
    let problem = from_scenario(scenario, &config.package)?;
    let solutions = solve(&problem, &config.solve)?;
    Ok((problem, solutions))
}

/// The package problem of a domain folder, as every front end reads one for `bargain`: a GENIUS
/// folder (its XML files, read by `genius_full`: discrete, integer and real issues, real issues
/// on `real_points` values, linear profiles as additive utilities, non-linear ones as sums of
/// hyper-rectangles) or, when it has no XML file but JSON files, a GeniusWeb folder. Also
/// returns the loader's warnings, each a line that starts with `warning:`.
///
/// # Errors
/// A file that is not a well-formed domain or profile (its name, element and what is wrong).
pub fn folder_problem(
    name: &str,
    xml: &[(String, String)],
    json: &[(String, String)],
    real_points: usize,
) -> Result<(Problem, Vec<String>), detente_models::bargain::genius::GeniusError> {
    use detente_models::bargain::{genius_full, geniusweb};
    if xml.is_empty() && !json.is_empty() {
        let (problem, warnings) = geniusweb::load_folder(name, json)?;
        return Ok((problem, warnings.iter().map(ToString::to_string).collect()));
    }
    let config = genius_full::GeniusConfig {
        real_grid_points: real_points,
        raw_evaluations: false,
    };
    let folder = genius_full::load_folder_with(name, xml, &config)?;
    let warnings = folder.warnings.iter().map(ToString::to_string).collect();
    Ok((folder.to_problem()?, warnings))
}

/// The solutions of a package problem built elsewhere (a GENIUS or GeniusWeb domain), with
/// `config`'s solve options.
pub fn solve_problem(
    problem: &Problem,
    config: &AnalysisConfig,
) -> Result<Solutions, AnalysisError> {
    Ok(solve(problem, &config.solve)?)
}

/// The cost of delay: the month-by-month table, ripeness and the alternating-offers game.
pub fn delay(scenario: &Scenario, config: &AnalysisConfig) -> Result<DelayReport, AnalysisError> {
    check_step(config.package.step)?;
    Ok(detente_models::dynamics::delay(
        scenario,
        &config.dynamics(),
    )?)
}

/// Every lever of the scenario and every pair of levers against the baseline.
pub fn levers(scenario: &Scenario, config: &AnalysisConfig) -> Result<LeversReport, AnalysisError> {
    check_step(config.package.step)?;
    Ok(detente_models::dynamics::levers(
        scenario,
        &config.dynamics(),
    )?)
}

/// Whether `scenario` has terms of bargaining while fighting (beliefs, audience costs or
/// enforcement in its `[time]` section), the settlement forecast's inputs. Without them the
/// complete-information delay model says all there is (a deal is possible at once or never).
pub fn fights(scenario: &Scenario) -> bool {
    scenario
        .time
        .as_ref()
        .is_some_and(detente_core::Time::has_fighting_terms)
}

/// The settlement forecast: a seeded Monte Carlo of bargaining while fighting
/// (`detente_sim::settle`), with its sensitivity to the parties' beliefs.
pub fn settlement(
    scenario: &Scenario,
    config: &AnalysisConfig,
) -> Result<SettlementReport, AnalysisError> {
    check_step(config.package.step)?;
    Ok(settlement_report(scenario, &config.settle_config())?)
}

/// Each lever's and pair's shift of the settlement forecast, on common random numbers.
pub fn settlement_levers(
    scenario: &Scenario,
    config: &AnalysisConfig,
) -> Result<SettleLevers, AnalysisError> {
    check_step(config.package.step)?;
    Ok(settle_levers(scenario, &config.settle_config())?)
}

/// A seeded Monte Carlo of `targets`; `progress` gets the trials done after each block and
/// `stop` is asked between blocks. `Ok(None)` when `stop` ended the run early.
pub fn montecarlo(
    scenario: &Scenario,
    targets: &[Target],
    config: &MonteCarloConfig,
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> Result<Option<MonteCarloResult>, AnalysisError> {
    Ok(detente_sim::montecarlo_until(
        scenario, targets, config, progress, stop,
    )?)
}

/// One-at-a-time tornados and the global regression of `targets`; `progress` and `stop` as in
/// [`montecarlo`].
pub fn sensitivity(
    scenario: &Scenario,
    targets: &[Target],
    config: &SensitivityConfig,
    progress: &(dyn Fn(u64) + Sync),
    stop: &dyn Fn() -> bool,
) -> Result<Option<Sensitivity>, AnalysisError> {
    Ok(detente_sim::sensitivity::sensitivity_until(
        scenario, targets, config, progress, stop,
    )?)
}

fn check_step(step: f64) -> Result<(), AnalysisError> {
    if step.is_finite() && step > 0.0 {
        Ok(())
    } else {
        Err(AnalysisError::Option {
            option: "step",
            message: format!("the grid step must be a positive number, got {step}"),
        })
    }
}
