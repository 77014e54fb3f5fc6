//! The native module `detente._native` of the Python package: a thin shell over
//! `detente_analysis` (and `detente_backtest`) that parses scenarios, runs the models with the
//! library's one set of defaults and returns each result as the JSON text of the CLI's
//! `--format json` document, which the pure-Python layer (`python/detente`) wraps in typed
//! result objects. It adds no modelling: every option not given keeps the library's default,
//! and every document is built by the same serialisation as the CLI's.
//!
//! Negotiations and tournaments (`negotiation.rs`) go through `detente_negotiation::session`,
//! which the CLI uses too.
//!
//! Long runs (the settlement forecast, Monte Carlo, sensitivity, the backtest) release the GIL.
//! Monte Carlo and sensitivity report progress to a Python callable after each block of trials
//! and check for Ctrl-C between blocks, so a `KeyboardInterrupt` stops the run.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use detente_analysis::{
    AnalysisConfig, AnalysisError, DelayDocument, ForecastDocument, LeversDocument, Selection,
};
use detente_core::{Scenario, ScenarioFile};
use detente_models::bargain::{FrontierConfig, Loss, NashWeights, PackageConfig};
use detente_models::eum::{EumConfig, EumPreset};
use detente_models::forecast::{ForecastConfig, Model};
use detente_models::stop::StopFlag;
use detente_sim::sensitivity::SensitivityConfig;
use detente_sim::settle::SettleConfig;
use detente_sim::{MonteCarloConfig, Noise, Shard, Target};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

create_exception!(
    detente,
    ScenarioError,
    PyValueError,
    "A scenario that does not validate. `str(e)` is the CLI's rendering; `e.errors` lists each \
     problem as a dict with `file`, `line`, `column` (None when unknown), `field`, `message` \
     and `help`; `e.file` names the file, `e.total` counts every error, and `e.line`, \
     `e.column`, `e.field`, `e.message` and `e.help` are the first error's."
);
create_exception!(
    detente,
    DetenteError,
    PyException,
    "A model could not run on the scenario with the options given (the message names the \
     option or the part and the fix)."
);

/// The most trials the settlement forecast runs (as `detente delay --trials`).
const MAX_SETTLE_TRIALS: u64 = 1_000_000;
/// The most position copies of the settlement forecast (as `detente delay --position-draws`).
const MAX_POSITION_DRAWS: usize = 1000;
/// The most worker threads (as the CLI's `--threads`).
const MAX_THREADS: usize = 1024;

/// A validated scenario with the text and name it was read from.
#[pyclass(frozen, module = "detente._native", name = "Scenario")]
struct PyScenario {
    name: String,
    text: String,
    scenario: Scenario,
    warnings: Vec<String>,
}

#[pymethods]
impl PyScenario {
    /// The name errors call the scenario (its path, `<text>` or `<dict>`).
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// The scenario's title.
    #[getter]
    fn title(&self) -> &str {
        &self.scenario.meta.title
    }

    /// The text the scenario was read from.
    #[getter]
    fn text(&self) -> &str {
        &self.text
    }

    /// Actor ids, in the scenario's order.
    #[getter]
    fn actors(&self) -> Vec<String> {
        self.scenario.actors.iter().map(|a| a.id.clone()).collect()
    }

    /// Issue ids, in the scenario's order.
    #[getter]
    fn issues(&self) -> Vec<String> {
        self.scenario.issues.iter().map(|i| i.id.clone()).collect()
    }

    /// Lever ids of the scenario's `[time]` section.
    #[getter]
    fn levers(&self) -> Vec<String> {
        self.scenario
            .time
            .as_ref()
            .map(|t| t.levers.iter().map(|l| l.id.clone()).collect())
            .unwrap_or_default()
    }

    /// The warnings found while validating, rendered as the CLI prints them.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// The scenario written as TOML in the layout of docs/scenario-format.md.
    fn to_toml(&self) -> PyResult<String> {
        let file: ScenarioFile = match detente_core::Format::detect(&self.name, &self.text) {
            detente_core::Format::Json => serde_json::from_str(&self.text)
                .map_err(|e| DetenteError::new_err(format!("{}: {e}", self.name)))?,
            detente_core::Format::Toml => toml::from_str(&self.text)
                .map_err(|e| DetenteError::new_err(format!("{}: {e}", self.name)))?,
        };
        Ok(file.to_toml())
    }
}

/// Renders a diagnostic as the CLI does when stderr is not a terminal (no colour, wide lines,
/// one line of context).
fn render(diagnostic: &dyn miette::Diagnostic) -> String {
    let mut text = String::new();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(400)
            .with_context_lines(1);
    if handler.render_report(&mut text, diagnostic).is_err() {
        text = format!("{diagnostic}\n");
    }
    text
}

/// Renders a refused file as the CLI's error renderer does: the summary line on its own, then
/// each related diagnostic (every located error, and the count of those not shown) in full.
fn render_error(e: &detente_core::ScenarioError) -> String {
    let summary =
        miette::MietteDiagnostic::new(e.to_string()).with_severity(miette::Severity::Error);
    let mut rendered = render(&summary);
    for related in miette::Diagnostic::related(e).into_iter().flatten() {
        rendered.push('\n');
        rendered.push_str(&render(related));
    }
    rendered
}

/// Parses and validates a scenario; raises `ScenarioError` with every problem located.
#[pyfunction]
fn parse(py: Python<'_>, name: &str, text: &str) -> PyResult<PyScenario> {
    match detente_core::parse(name, text) {
        Ok(parsed) => Ok(PyScenario {
            name: name.to_owned(),
            text: text.to_owned(),
            warnings: parsed.warnings.iter().map(|w| render(w)).collect(),
            scenario: parsed.scenario,
        }),
        Err(e) => Err(scenario_error(py, name, text, &e)?),
    }
}

/// The Python `ScenarioError` of a refused file: the CLI's rendering as its message, and each
/// error's file, line, column, field path, message and fix in `errors`.
pub(crate) fn scenario_error(
    py: Python<'_>,
    name: &str,
    text: &str,
    e: &detente_core::ScenarioError,
) -> PyResult<PyErr> {
    let source = detente_core::Source::new(name, text);
    let rendered = render_error(e);
    let errors = PyList::empty(py);
    for located in e.errors() {
        let f = located.finding();
        let (line, column) = f
            .span
            .as_ref()
            .map(|s| source.line_col(s.start))
            .map_or((None, None), |(l, c)| (Some(l), Some(c)));
        let item = PyDict::new(py);
        item.set_item("file", name)?;
        item.set_item("line", line)?;
        item.set_item("column", column)?;
        item.set_item("field", f.path.to_string())?;
        item.set_item("message", &f.message)?;
        item.set_item("help", &f.help)?;
        errors.append(item)?;
    }
    let err = ScenarioError::new_err(rendered.trim_end().to_owned());
    let value = err.value(py);
    value.setattr("errors", &errors)?;
    value.setattr("file", name)?;
    value.setattr("total", e.total())?;
    // The first error's place, field and fix on the exception itself, for the common case.
    let first = errors.get_item(0).ok();
    for key in ["line", "column", "field", "message", "help"] {
        let item = match &first {
            Some(f) => f.get_item(key)?,
            None => py.None().into_bound(py),
        };
        value.setattr(key, item)?;
    }
    Ok(err)
}

/// The largest scenario text accepted, in bytes.
#[pyfunction]
fn max_scenario_bytes() -> usize {
    detente_core::MAX_SCENARIO_BYTES
}

fn to_json(value: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(value)
        .map_err(|e| DetenteError::new_err(format!("cannot write JSON: {e}")))
}

fn analysis_error(name: &str, e: AnalysisError) -> PyErr {
    DetenteError::new_err(format!("{name}: {e}"))
}

fn option_error(message: String) -> PyErr {
    PyValueError::new_err(message)
}

fn models(names: &[String]) -> PyResult<Vec<Model>> {
    let mut out = Vec::new();
    for name in names {
        match name.as_str() {
            "all" => out.extend(Model::ALL),
            "compromise" => out.push(Model::Compromise),
            "median" => out.push(Model::Median),
            "nash" => out.push(Model::Nash),
            "eum" => out.push(Model::Eum),
            "smp" => out.push(Model::Smp),
            other => {
                return Err(option_error(format!(
                    "models: unknown model `{other}`; choose from all, compromise, median, nash, eum, smp"
                )));
            }
        }
    }
    if out.is_empty() {
        out = Model::ALL.to_vec();
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The per-issue forecast (`detente forecast --format json`) and, with `trials`, its Monte
/// Carlo band (`forecast --trials N`).
#[pyfunction]
#[pyo3(signature = (scenario, models_, issues, preset, rounds, headline, trials, seed, noise_, no_scenario_uncertainty, threads, progress))]
#[expect(
    clippy::too_many_arguments,
    reason = "one per CLI option; Python passes them by keyword"
)]
fn forecast(
    py: Python<'_>,
    scenario: &PyScenario,
    models_: Vec<String>,
    issues: Vec<String>,
    preset: Option<&str>,
    rounds: Option<u32>,
    headline: Option<&str>,
    trials: Option<u64>,
    seed: u64,
    noise_: Vec<String>,
    no_scenario_uncertainty: bool,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<String> {
    // Options not given keep `ForecastConfig::default()`'s values.
    let defaults = ForecastConfig::default();
    let mut s = scenario.scenario.clone();
    for id in &issues {
        if s.issue(id).is_none() {
            return Err(option_error(format!(
                "issues: unknown issue `{id}`; the scenario's issue ids are: {}",
                scenario.issues().join(", ")
            )));
        }
    }
    if !issues.is_empty() {
        s.retain_issues(|i| issues.contains(&i.id));
    }
    let (eum_preset, mut eum) = match preset {
        None => (defaults.eum_preset, defaults.eum),
        Some("scholz") => (EumPreset::Scholz, EumConfig::scholz()),
        Some("bdm") => (EumPreset::Bdm, EumConfig::bdm()),
        Some(other) => {
            return Err(option_error(format!(
                "preset: unknown EUM preset `{other}`; choose scholz or bdm"
            )));
        }
    };
    if let Some(r) = rounds {
        if r > 100_000 {
            return Err(option_error(format!(
                "rounds: {r} is above 100,000; give the most EUM rounds to run, e.g. 10"
            )));
        }
        eum.max_rounds = r as usize;
    }
    let headline_arg = headline;
    let headline = match headline.map(str::trim) {
        None => defaults.headline.clone(),
        Some("none") => None,
        Some(text) => Some(
            detente_models::headline::Preset::parse(text)
                .map_err(|e| option_error(format!("headline: {e}")))?,
        ),
    };
    let config = ForecastConfig {
        models: models(&models_)?,
        eum_preset,
        eum,
        // Weights given here win over the scenario's own.
        headline_from_scenario: headline_arg.is_none(),
        headline,
        ..defaults
    };
    let full = &scenario.scenario;
    let result = py.detach(|| detente_models::forecast::forecast_issues(full, &issues, &config));
    let Some(trials) = trials else {
        if !noise_.is_empty() || no_scenario_uncertainty {
            return Err(option_error(
                "noise and no_scenario_uncertainty need trials=N on forecast".to_owned(),
            ));
        }
        return to_json(&result);
    };
    let mc = MonteCarloConfig {
        trials,
        seed,
        noise: noise(&noise_, no_scenario_uncertainty)?,
        ..MonteCarloConfig::default()
    };
    let targets = [Target::Spatial(config)];
    let band = run_interruptible(py, threads, progress, |report, stop| {
        detente_analysis::montecarlo(&s, &targets, &mc, report, stop)
    })?
    .map_err(|e| analysis_error(&scenario.name, e))?;
    to_json(&ForecastDocument {
        forecast: &result,
        montecarlo: Some(&band),
    })
}

/// Refuses parties the scenario does not have, or named twice.
fn check_parties(scenario: &PyScenario, parties: &[String]) -> PyResult<()> {
    for (k, id) in parties.iter().enumerate() {
        if scenario.scenario.actor_index(id).is_none() {
            return Err(option_error(format!(
                "parties: unknown actor `{id}`; the scenario's actor ids are: {}",
                scenario.actors().join(", ")
            )));
        }
        if parties[..k].contains(id) {
            return Err(option_error(format!(
                "parties: `{id}` is named twice; name each bargaining party once"
            )));
        }
    }
    Ok(())
}

/// The package options shared by bargain, delay and levers.
/// The `nash` option: the library's default weights when `None`.
pub(crate) fn nash_weights(nash: Option<&str>) -> PyResult<NashWeights> {
    Ok(match nash {
        None => NashWeights::default(),
        Some("capability") => NashWeights::PartyWeights,
        Some("equal") => NashWeights::Equal,
        Some(other) => {
            return Err(option_error(format!(
                "nash: unknown Nash weights `{other}`; choose capability or equal"
            )));
        }
    })
}

fn package_config(
    scenario: &PyScenario,
    step: Option<f64>,
    loss: Option<&str>,
    parties: Vec<String>,
    nash: Option<&str>,
) -> PyResult<AnalysisConfig> {
    check_parties(scenario, &parties)?;
    let defaults = PackageConfig::default();
    let package = PackageConfig {
        step: step.unwrap_or(defaults.step),
        loss: match loss {
            None => defaults.loss,
            Some("quadratic") => Loss::Quadratic,
            Some("linear") => Loss::Linear,
            Some(other) => {
                return Err(option_error(format!(
                    "loss: unknown loss `{other}`; choose quadratic or linear"
                )));
            }
        },
        parties: (!parties.is_empty()).then_some(parties),
        ..defaults
    };
    let weights = nash_weights(nash)?;
    Ok(AnalysisConfig {
        package,
        ..AnalysisConfig::default()
    }
    .with_nash_weights(weights))
}

/// Package bargaining (`detente bargain --format json`).
#[pyfunction]
#[pyo3(signature = (scenario, step, loss, parties, nash))]
fn bargain(
    py: Python<'_>,
    scenario: &PyScenario,
    step: Option<f64>,
    loss: Option<&str>,
    parties: Vec<String>,
    nash: Option<&str>,
) -> PyResult<String> {
    let config = package_config(scenario, step, loss, parties, nash)?;
    let s = &scenario.scenario;
    let packages = py
        .detach(|| detente_analysis::packages(s, &config))
        .map_err(|e| analysis_error(&scenario.name, e))?;
    to_json(&packages)
}

/// The settlement options, or an error naming the bad one.
fn settle_config(
    trials: Option<u64>,
    seed: Option<u64>,
    rate_noise: Option<f64>,
    position_draws: Option<usize>,
) -> PyResult<SettleConfig> {
    let d = SettleConfig::default();
    let config = SettleConfig {
        trials: trials.unwrap_or(d.trials),
        seed: seed.unwrap_or(d.seed),
        rate_noise: rate_noise.unwrap_or(d.rate_noise),
        position_draws: position_draws.unwrap_or(d.position_draws),
        ..d
    };
    if !(1..=MAX_SETTLE_TRIALS).contains(&config.trials) {
        return Err(option_error(format!(
            "trials: {} is outside 1..={MAX_SETTLE_TRIALS}; give the number of settlement trials, e.g. 1000",
            config.trials
        )));
    }
    if !(config.rate_noise.is_finite() && config.rate_noise >= 0.0) {
        return Err(option_error(format!(
            "rate_noise: {} is not a number >= 0; give the relative sd of the true drift rate, e.g. 0.3 (0: the analyst's rate)",
            config.rate_noise
        )));
    }
    if config.position_draws > MAX_POSITION_DRAWS {
        return Err(option_error(format!(
            "position_draws: {} is above {MAX_POSITION_DRAWS}; give the number of scenario copies, e.g. 20",
            config.position_draws
        )));
    }
    Ok(config)
}

/// The delay model and, for scenarios that fight while they bargain, the settlement forecast
/// (`detente delay --format json`).
#[pyfunction]
#[pyo3(signature = (scenario, months, levers, first_proposer, step, loss, parties, nash, trials, seed, rate_noise, position_draws))]
#[expect(
    clippy::too_many_arguments,
    reason = "one per CLI option; Python passes them by keyword"
)]
fn delay(
    py: Python<'_>,
    scenario: &PyScenario,
    months: Option<u32>,
    levers: Vec<String>,
    first_proposer: Option<String>,
    step: Option<f64>,
    loss: Option<&str>,
    parties: Vec<String>,
    nash: Option<&str>,
    trials: Option<u64>,
    seed: Option<u64>,
    rate_noise: Option<f64>,
    position_draws: Option<usize>,
) -> PyResult<String> {
    let config = AnalysisConfig {
        months,
        levers,
        first_proposer,
        settle: settle_config(trials, seed, rate_noise, position_draws)?,
        ..package_config(scenario, step, loss, parties, nash)?
    };
    let (report, settlement) = with_settlement(
        py,
        scenario,
        config,
        detente_analysis::delay,
        detente_analysis::settlement,
    )?;
    to_json(&DelayDocument::new(
        &scenario.scenario,
        &report,
        settlement.as_ref(),
    ))
}

/// Each lever and pair against the baseline (`detente levers --format json`).
#[pyfunction]
#[pyo3(signature = (scenario, months, first_proposer, step, loss, parties, nash, trials, seed, rate_noise, position_draws))]
#[expect(
    clippy::too_many_arguments,
    reason = "one per CLI option; Python passes them by keyword"
)]
fn levers(
    py: Python<'_>,
    scenario: &PyScenario,
    months: Option<u32>,
    first_proposer: Option<String>,
    step: Option<f64>,
    loss: Option<&str>,
    parties: Vec<String>,
    nash: Option<&str>,
    trials: Option<u64>,
    seed: Option<u64>,
    rate_noise: Option<f64>,
    position_draws: Option<usize>,
) -> PyResult<String> {
    let s = &scenario.scenario;
    if s.time.as_ref().is_none_or(|t| t.levers.is_empty()) {
        return Err(DetenteError::new_err(format!(
            "{}: the scenario declares no levers; add `[[time.levers]]` entries (see docs/scenario-format.md, \"Time\")",
            scenario.name
        )));
    }
    let config = AnalysisConfig {
        months,
        first_proposer,
        settle: settle_config(trials, seed, rate_noise, position_draws)?,
        ..package_config(scenario, step, loss, parties, nash)?
    };
    let (report, settlement) = with_settlement(
        py,
        scenario,
        config,
        detente_analysis::levers,
        detente_analysis::settlement_levers,
    )?;
    to_json(&LeversDocument::new(s, &report, settlement.as_ref()))
}

/// `table` (the month-by-month delay table or the lever comparison) and, for scenarios that
/// fight while they bargain, `settlement` (its forecast of when a deal comes), both stopped by
/// Ctrl-C ([`run_stoppable`]): what `delay` and `levers` share.
fn with_settlement<T: Send, S: Send>(
    py: Python<'_>,
    scenario: &PyScenario,
    config: AnalysisConfig,
    table: fn(&Scenario, &AnalysisConfig) -> Result<T, AnalysisError>,
    settlement: fn(&Scenario, &AnalysisConfig) -> Result<S, AnalysisError>,
) -> PyResult<(T, Option<S>)> {
    let s = &scenario.scenario;
    let stop = StopFlag::new();
    let config = stoppable(config, &stop);
    run_stoppable(py, &stop, || {
        let report = table(s, &config)?;
        let settled = if detente_analysis::fights(s) {
            Some(settlement(s, &config)?)
        } else {
            None
        };
        Ok((report, settled))
    })?
    .map_err(|e| analysis_error(&scenario.name, e))
}

/// The simulation targets `names` select (as the CLI's `--model` of montecarlo and
/// sensitivity).
fn targets(
    scenario: &PyScenario,
    names: &[String],
    package_step: Option<f64>,
    months: Option<u32>,
    levers: Vec<String>,
) -> PyResult<Vec<Target>> {
    let mut selection = Selection {
        all: names.is_empty(),
        spatial: Vec::new(),
        package: false,
        delay: false,
    };
    for name in names {
        match name.as_str() {
            "all" => selection.all = true,
            "package" => selection.package = true,
            "delay" => selection.delay = true,
            other => selection.spatial.extend(models(&[other.to_owned()]).map_err(|_| {
                option_error(format!(
                    "models: unknown model `{other}`; choose from all, compromise, median, nash, eum, package, delay"
                ))
            })?),
        }
    }
    let defaults = PackageConfig::default();
    let step = package_step.unwrap_or(defaults.step);
    if !(step.is_finite() && step > 0.0) {
        return Err(option_error(format!(
            "package_step: must be a positive number, got {step}"
        )));
    }
    let config = AnalysisConfig {
        package: PackageConfig { step, ..defaults },
        months,
        levers,
        ..AnalysisConfig::default()
    };
    config
        .targets(&scenario.scenario, &selection)
        .map_err(|e| match e {
            AnalysisError::NoTime => option_error(format!(
                "models: {e}; add a `[time]` section (docs/scenario-format.md, \"Time\") or leave `delay` out"
            )),
            other => analysis_error(&scenario.name, other),
        })
}

fn noise(specs: &[String], ignore_scenario: bool) -> PyResult<Noise> {
    let mut noise = Noise {
        ignore_scenario,
        ..Noise::default()
    };
    for spec in specs {
        noise
            .set(spec)
            .map_err(|e| option_error(format!("noise: {e}")))?;
    }
    Ok(noise)
}

/// Runs `work` on a thread of its own, without the GIL, while this (the calling, usually the
/// main) thread hands each progress report `work` makes to `deliver` and checks for signals
/// every 50 ms; a Python error from either goes to `failed`. Returns what `work` returned.
///
/// Progress is delivered here, not on the thread that reports it: a callback run on a worker
/// of the thread pool held that worker (and, in a Monte Carlo, the lock that keeps the reports
/// in order) while it ran, so a callback that itself ran detente waited for a pool that could
/// not run it, for ever (found by an audit of the bindings). Reports travel in the order they
/// were made. Signals are checked here because Python runs signal handlers on the main thread
/// only, so a check from a worker would never see Ctrl-C.
pub(crate) fn drive<T: Send, P: Send>(
    py: Python<'_>,
    deliver: impl Fn(Python<'_>, P) -> PyResult<()> + Send,
    failed: &(dyn Fn(PyErr) + Sync),
    work: impl FnOnce(&(dyn Fn(P) + Sync)) -> T + Send,
) -> Result<T, String> {
    enum Message<T, P> {
        Progress(P),
        Done(T),
    }
    let every = Duration::from_millis(50);
    let (tx, rx) = mpsc::channel::<Message<T, P>>();
    py.detach(move || {
        std::thread::scope(|scope| {
            let reports = tx.clone();
            let worker = scope.spawn(move || {
                // The receiver waits until `Done` arrives, so sending cannot fail.
                let report = |p: P| {
                    let _ = reports.send(Message::Progress(p));
                };
                let out = work(&report);
                let _ = reports.send(Message::Done(out));
            });
            let mut checked = std::time::Instant::now();
            loop {
                let message = rx.recv_timeout(every);
                if checked.elapsed() >= every || message.is_err() {
                    checked = std::time::Instant::now();
                    Python::attach(|py| {
                        if let Err(e) = py.check_signals() {
                            failed(e);
                        }
                    });
                }
                match message {
                    Ok(Message::Done(out)) => return Ok(out),
                    Ok(Message::Progress(p)) => Python::attach(|py| {
                        if let Err(e) = deliver(py, p) {
                            failed(e);
                        }
                    }),
                    // `tx` lives here, so the channel never disconnects: a worker that ended
                    // without its `Done` (a panic) is seen finished with nothing left to read.
                    Err(_) if worker.is_finished() => {
                        return match rx.try_recv() {
                            Ok(Message::Done(out)) => Ok(out),
                            _ => Err("the run's thread ended without a result".to_owned()),
                        };
                    }
                    Err(_) => {}
                }
            }
        })
    })
}

/// `config` with the settlement forecast and the frontier search ending early once `stop` is
/// raised.
fn stoppable(config: AnalysisConfig, stop: &StopFlag) -> AnalysisConfig {
    let frontier = FrontierConfig {
        stop: stop.clone(),
        ..config.solve.frontier.clone()
    };
    let mut config = config.with_frontier(frontier);
    config.settle.stop = stop.clone();
    config
}

/// Runs `work`, whose models read `stop`, without the GIL; Ctrl-C raises `stop`, and its
/// `KeyboardInterrupt` is raised once the work has ended ([`drive`]). `delay` and `levers`
/// could not be interrupted: a settlement forecast of 30,000 trials took 53 s to see Ctrl-C.
fn run_stoppable<T: Send>(
    py: Python<'_>,
    stop: &StopFlag,
    work: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    let pending: Mutex<Option<PyErr>> = Mutex::new(None);
    let keep = |e: PyErr| {
        if let Ok(mut slot) = pending.lock() {
            slot.get_or_insert(e);
        }
        stop.raise();
    };
    let out = drive(py, |_, (): ()| Ok(()), &keep, |_| work())
        .map_err(|e| DetenteError::new_err(format!("cannot run: {e}")))?;
    if let Some(e) = pending.lock().ok().and_then(|mut slot| slot.take()) {
        return Err(e);
    }
    Ok(out)
}

/// Runs `work` without the GIL on `threads` workers (all cores by default), reporting progress
/// to `progress` and stopping between blocks on Ctrl-C or when `progress` raises ([`drive`]).
/// `Ok(None)` from `work` means it was stopped; the Python error that stopped it is raised.
fn run_interruptible<T: Send>(
    py: Python<'_>,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
    work: impl FnOnce(&(dyn Fn(u64) + Sync), &dyn Fn() -> bool) -> Result<Option<T>, AnalysisError>
    + Send,
) -> PyResult<Result<T, AnalysisError>> {
    if threads == Some(0) || threads > Some(MAX_THREADS) {
        return Err(option_error(format!(
            "threads: must be from 1 to {MAX_THREADS}"
        )));
    }
    let pending: Mutex<Option<PyErr>> = Mutex::new(None);
    let stopping = AtomicBool::new(false);
    let keep = |e: PyErr| {
        if let Ok(mut slot) = pending.lock()
            && slot.is_none()
        {
            *slot = Some(e);
        }
        stopping.store(true, Ordering::SeqCst);
    };
    let deliver = |py: Python<'_>, done: u64| match &progress {
        Some(callback) => callback.bind(py).call1((done,)).map(drop),
        None => Ok(()),
    };
    let stop = || stopping.load(Ordering::SeqCst);
    let result = drive(py, deliver, &keep, |report| {
        let run = || work(report, &stop);
        match threads {
            None => Ok(run()),
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map(|pool| pool.install(run))
                .map_err(|e| e.to_string()),
        }
    })
    .and_then(|out| out);
    let result = result.map_err(|e| DetenteError::new_err(format!("cannot run: {e}")))?;
    let stopped = pending.lock().ok().and_then(|mut slot| slot.take());
    match (result, stopped) {
        (_, Some(e)) => Err(e),
        (Ok(Some(value)), None) => Ok(Ok(value)),
        (Ok(None), None) => Err(DetenteError::new_err("the run was stopped")),
        (Err(e), None) => Ok(Err(e)),
    }
}

/// The model runs a sensitivity analysis with these options makes (the tornado's two per
/// input, then the regression's trials): the total its progress counts to.
#[pyfunction]
#[pyo3(signature = (scenario, models_, trials, noise_, no_scenario_uncertainty, package_step, months, levers))]
#[expect(
    clippy::too_many_arguments,
    reason = "the options of `uncertainty` that decide the runs"
)]
fn sensitivity_runs(
    scenario: &PyScenario,
    models_: Vec<String>,
    trials: Option<u64>,
    noise_: Vec<String>,
    no_scenario_uncertainty: bool,
    package_step: Option<f64>,
    months: Option<u32>,
    levers: Vec<String>,
) -> PyResult<u64> {
    let noise = noise(&noise_, no_scenario_uncertainty)?;
    let targets = targets(scenario, &models_, package_step, months, levers)?;
    let config = SensitivityConfig {
        trials: trials.unwrap_or(SensitivityConfig::default().trials),
        noise,
        ..SensitivityConfig::default()
    };
    Ok(detente_sim::sensitivity::runs(
        &scenario.scenario,
        &targets,
        &config,
    ))
}

/// Monte Carlo bands (`kind = "montecarlo"`, as `detente montecarlo --format json`) or tornados
/// and regression coefficients (`kind = "sensitivity"`, as `detente sensitivity --format
/// json`): the two uncertainty runs share every option.
#[pyfunction]
#[pyo3(signature = (kind, scenario, models_, trials, seed, noise_, no_scenario_uncertainty, package_step, months, levers, threads, progress, shard=None))]
#[expect(
    clippy::too_many_arguments,
    reason = "one per CLI option; Python passes them by keyword"
)]
fn uncertainty(
    py: Python<'_>,
    kind: &str,
    scenario: &PyScenario,
    models_: Vec<String>,
    trials: Option<u64>,
    seed: u64,
    noise_: Vec<String>,
    no_scenario_uncertainty: bool,
    package_step: Option<f64>,
    months: Option<u32>,
    levers: Vec<String>,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
    shard: Option<(u64, u64)>,
) -> PyResult<String> {
    let shard = shard
        .map(|(i, n)| Shard::new(i, n).map_err(|e| option_error(format!("shard: {e}"))))
        .transpose()?;
    let noise = noise(&noise_, no_scenario_uncertainty)?;
    let targets = targets(scenario, &models_, package_step, months, levers)?;
    let s = &scenario.scenario;
    let failed = |e| analysis_error(&scenario.name, e);
    match kind {
        "montecarlo" => {
            let config = MonteCarloConfig {
                trials: trials.unwrap_or(MonteCarloConfig::default().trials),
                seed,
                noise,
                ..MonteCarloConfig::default()
            };
            if let Some(shard) = shard {
                let part = run_interruptible(py, threads, progress, |report, stop| {
                    detente_sim::montecarlo_shard_until(s, &targets, &config, shard, report, stop)
                        .map_err(AnalysisError::from)
                })?
                .map_err(failed)?;
                return to_json(&part);
            }
            let result = run_interruptible(py, threads, progress, |report, stop| {
                detente_analysis::montecarlo(s, &targets, &config, report, stop)
            })?
            .map_err(failed)?;
            to_json(&result)
        }
        "sensitivity" => {
            let config = SensitivityConfig {
                trials: trials.unwrap_or(SensitivityConfig::default().trials),
                seed,
                noise,
                ..SensitivityConfig::default()
            };
            if let Some(shard) = shard {
                let part = run_interruptible(py, threads, progress, |report, stop| {
                    detente_sim::sensitivity::sensitivity_shard_until(
                        s, &targets, &config, shard, report, stop,
                    )
                    .map_err(AnalysisError::from)
                })?
                .map_err(failed)?;
                return to_json(&part);
            }
            let result = run_interruptible(py, threads, progress, |report, stop| {
                detente_analysis::sensitivity(s, &targets, &config, report, stop)
            })?
            .map_err(failed)?;
            to_json(&result)
        }
        other => Err(DetenteError::new_err(format!(
            "unknown uncertainty run `{other}`: use `montecarlo` or `sensitivity`"
        ))),
    }
}

/// Merges the shard documents (JSON texts) of one `montecarlo`, `sensitivity` or `tournament`
/// run into the unsharded run's document, as `detente merge --format json` does.
#[pyfunction]
fn merge_shards(parts: Vec<String>) -> PyResult<String> {
    #[derive(serde::Deserialize)]
    struct Tag {
        schema: Option<String>,
    }
    let failed = |e: detente_sim::MergeError| DetenteError::new_err(e.to_string());
    let mut schema: Option<String> = None;
    for (i, text) in parts.iter().enumerate() {
        let tag: Tag = serde_json::from_str(text)
            .map_err(|e| DetenteError::new_err(format!("part {i} is not a shard document: {e}")))?;
        let Some(this) = tag.schema else {
            return Err(DetenteError::new_err(format!(
                "part {i} has no `schema`: it is not a shard document"
            )));
        };
        match &schema {
            Some(first) if *first != this => {
                return Err(DetenteError::new_err(format!(
                    "parts of different kinds of run: `{first}` and `{this}`"
                )));
            }
            _ => schema = Some(this),
        }
    }
    fn parse_all<T: serde::de::DeserializeOwned>(parts: &[String]) -> PyResult<Vec<T>> {
        parts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                serde_json::from_str(t)
                    .map_err(|e| DetenteError::new_err(format!("part {i} is damaged: {e}")))
            })
            .collect()
    }
    match schema.as_deref() {
        Some(detente_sim::montecarlo::SHARD_SCHEMA) => {
            to_json(&detente_sim::merge_montecarlo(&parse_all(&parts)?).map_err(failed)?)
        }
        Some(detente_sim::sensitivity::SHARD_SCHEMA) => to_json(
            &detente_sim::sensitivity::merge_sensitivity(&parse_all(&parts)?).map_err(failed)?,
        ),
        Some(detente_negotiation::tournament::SHARD_SCHEMA) => {
            let results =
                detente_negotiation::tournament::merge(&parse_all(&parts)?).map_err(failed)?;
            to_json(&detente_analysis::Document {
                schema: "detente.tournament/1",
                body: &results,
            })
        }
        Some(other) => Err(DetenteError::new_err(format!(
            "`{other}` documents are not shards: merge the texts that a `shard=` run returned"
        ))),
        None => Err(DetenteError::new_err("no shard to merge")),
    }
}

/// Python's module `detente._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ScenarioError", py.get_type::<ScenarioError>())?;
    m.add("DetenteError", py.get_type::<DetenteError>())?;
    m.add_class::<PyScenario>()?;
    m.add_function(wrap_pyfunction!(parse, m)?)?;
    m.add_function(wrap_pyfunction!(max_scenario_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(forecast, m)?)?;
    m.add_function(wrap_pyfunction!(bargain, m)?)?;
    m.add_function(wrap_pyfunction!(delay, m)?)?;
    m.add_function(wrap_pyfunction!(levers, m)?)?;
    m.add_function(wrap_pyfunction!(uncertainty, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity_runs, m)?)?;
    m.add_function(wrap_pyfunction!(merge_shards, m)?)?;
    m.add_function(wrap_pyfunction!(backtest::backtest, m)?)?;
    m.add_class::<negotiation::PyDomain>()?;
    m.add_function(wrap_pyfunction!(negotiation::genius_domain, m)?)?;
    m.add_function(wrap_pyfunction!(negotiation::geniusweb_domain, m)?)?;
    m.add_function(wrap_pyfunction!(negotiation::scenario_domain, m)?)?;
    m.add_function(wrap_pyfunction!(negotiation::negotiate, m)?)?;
    m.add_function(wrap_pyfunction!(negotiation::bargain_folder, m)?)?;
    m.add_function(wrap_pyfunction!(negotiation::tournament_domains, m)?)?;
    m.add_function(wrap_pyfunction!(negotiation::tournament, m)?)?;
    Ok(())
}

mod backtest;
mod negotiation;
