//! `POST /api/montecarlo` starts a Monte Carlo job on the posted scenario and answers 202 with
//! its id; `GET /api/jobs/{id}` reports progress (trials done of the total) and, once finished,
//! the result (schema `detente.montecarlo/1`, as `detente montecarlo --format json`);
//! `DELETE /api/jobs/{id}` cancels a queued or running job (a running one stops between two
//! blocks of trials) or drops a finished one. The query takes the options of
//! `detente montecarlo` ([`SIM_PARAMS`]), which `POST /api/sensitivity` shares.
//!
//! Jobs live in the [`crate::jobs::JobTable`]. The scenario is parsed and every target checked
//! on it before the job is created, so a bad scenario, option or lever gets its 4xx at once
//! rather than a failed job.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use detente_analysis::{AnalysisConfig, Selection};
use detente_core::Scenario;
use detente_models::bargain::FrontierConfig;
use detente_models::dynamics::DynamicsConfig;
use detente_sim::{MonteCarloConfig, MonteCarloRun, Noise, Runner, Target, TargetError};

use super::{AppState, bargain, delay, on_posted_scenario, query};
use crate::config::Limits;
use crate::error::ApiError;
use crate::jobs::{JobKind, JobOut};

/// The query parameters of `POST /api/montecarlo` and `POST /api/sensitivity`.
pub(crate) const SIM_PARAMS: &[&str] = &[
    "model",
    "trials",
    "seed",
    "noise",
    "scenario_uncertainty",
    "step",
    "months",
    "levers",
];

/// The defaults that differ between the two simulation endpoints.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SimDefaults {
    /// `model` when not given.
    pub(crate) models: &'static str,
    /// `trials` when not given.
    pub(crate) trials: u64,
    /// Fewest `trials` accepted (sensitivity takes 0: the tornado only).
    pub(crate) min_trials: u64,
}

/// A simulation request's options, read from the query before the body is.
#[derive(Debug, Clone)]
pub(crate) struct SimRequest {
    /// The `model` list, parsed once the scenario is known (`all` depends on its `[time]`).
    models: String,
    /// Trials (Monte Carlo) or regression trials (sensitivity).
    pub(crate) trials: u64,
    /// Master seed.
    pub(crate) seed: u64,
    /// `noise` and `scenario_uncertainty`, as the CLI's `--noise` and
    /// `--no-scenario-uncertainty`.
    pub(crate) noise: Noise,
    /// `step`, `months` and `levers`, read as `POST /api/delay` reads them.
    dynamics: DynamicsConfig,
    /// Whether `months` or `levers` was given: only the delay model reads them.
    delay_options: bool,
}

impl SimRequest {
    /// Reads and checks every option of [`SIM_PARAMS`] that does not depend on the scenario.
    ///
    /// # Errors
    /// A 400 naming the malformed parameter, or the `trials` or `months` limit.
    pub(crate) fn from_query(
        params: &BTreeMap<String, String>,
        limits: &Limits,
        defaults: SimDefaults,
    ) -> Result<Self, ApiError> {
        let trials = match params.get("trials") {
            None => defaults.trials,
            Some(raw) => trials(raw, limits, defaults.min_trials)?,
        };
        let seed = match params.get("seed") {
            None => 0,
            Some(raw) => raw.trim().parse().map_err(|_| {
                ApiError::bad_request("seed: not a whole number from 0 to 2^64-1", "e.g. seed=42")
            })?,
        };
        let models = params
            .get("model")
            .cloned()
            .unwrap_or_else(|| defaults.models.to_owned());
        let delay_options = params.contains_key("months") || params.contains_key("levers");
        if delay_options
            && !models
                .split(',')
                .map(str::trim)
                .any(|m| m == "delay" || m == "all")
        {
            return Err(ApiError::bad_request(
                "months, levers: only the delay model reads them, and `model` does not name it",
                "add `delay` to `model` (e.g. model=delay), or leave out months and levers",
            ));
        }
        Ok(Self {
            models,
            trials,
            seed,
            noise: noise(params)?,
            dynamics: delay::config(params, limits, true)?,
            delay_options,
        })
    }
}

/// `trials`: a whole number from `min` to the `trials` limit (also the settlement trials of
/// `/api/delay` and `/api/levers`).
pub(crate) fn trials(raw: &str, limits: &Limits, min: u64) -> Result<u64, ApiError> {
    let help = if min == 0 {
        "e.g. trials=2000, or trials=0 for the tornado alone"
    } else {
        "e.g. trials=1000"
    };
    let trials: u64 = raw
        .trim()
        .parse()
        .map_err(|_| ApiError::bad_request("trials: not a whole number", help))?;
    if trials < min {
        return Err(ApiError::bad_request(
            format!("trials: must be at least {min}"),
            help,
        ));
    }
    if trials > limits.trials {
        return Err(ApiError::Limit {
            limit: "trials",
            value: limits.trials,
            what: format!("trials={trials}"),
            status: StatusCode::BAD_REQUEST,
        });
    }
    Ok(trials)
}

/// `noise` (comma-separated NAME=VALUE, as the CLI's `--noise`) and `scenario_uncertainty`.
fn noise(params: &BTreeMap<String, String>) -> Result<Noise, ApiError> {
    let ignore_scenario = match params.get("scenario_uncertainty").map(|s| s.trim()) {
        None | Some("true") => false,
        Some("false") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                format!(
                    "scenario_uncertainty: `{}` is neither true nor false",
                    other.chars().take(64).collect::<String>()
                ),
                "use scenario_uncertainty=false to vary only what `noise` sets, or true (the default) to keep the scenario's own sd/range",
            ));
        }
    };
    let mut noise = Noise {
        ignore_scenario,
        ..Noise::default()
    };
    let help = "give comma-separated NAME=VALUE settings: position=SD (on the issue's scale), salience=REL, capability=REL, drift=REL or cost=REL (relative sd), e.g. noise=salience=0.1,capability=0.2";
    for spec in params
        .get("noise")
        .into_iter()
        .flat_map(|raw| raw.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        // Every valid setting is short; a long one is echoed only in part.
        if spec.chars().count() > 64 {
            return Err(ApiError::bad_request(
                format!(
                    "noise: the setting `{}...` is too long to be NAME=VALUE",
                    spec.chars().take(64).collect::<String>()
                ),
                help,
            ));
        }
        noise
            .set(spec)
            .map_err(|e| ApiError::bad_request(format!("noise: {e}"), help))?;
    }
    Ok(noise)
}

/// A target the base scenario cannot be evaluated for, as the 4xx its endpoint would give.
fn target_error(e: TargetError) -> ApiError {
    match e {
        TargetError::Package(b) => bargain::model_error(b),
        TargetError::Delay(d) => delay::model_error(d),
        TargetError::RegressionTooLarge { .. } => ApiError::Unprocessable {
            message: e.to_string(),
            help: "ask for trials=0 (the tornado alone), or fewer models (model=...)".to_owned(),
        },
        other => ApiError::Unprocessable {
            message: other.to_string(),
            help: "pick models the scenario supports (delay needs a `[time]` section)".to_owned(),
        },
    }
}

/// Reads and parses the posted scenario, builds the targets `request` names and evaluates each
/// on the scenario, all in a model slot within the wall-time budget, so that every error a job
/// could meet at its start (bad scenario, grid too fine, unknown lever) is a 4xx here.
pub(crate) async fn prepare(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    request: &SimRequest,
) -> Result<(Scenario, Vec<Target>), ApiError> {
    let request = request.clone();
    on_posted_scenario(state, headers, body, move |scenario, limits, _| {
        let targets = targets(&request, scenario, limits)?;
        for t in &targets {
            t.metrics(scenario).map_err(target_error)?;
        }
        Ok((scenario.clone(), targets))
    })
    .await
}

/// The targets `request` names, as `detente montecarlo --model` builds them, with its package
/// step, months and levers; the package problem and the delay horizon checked against the
/// limits.
fn targets(
    request: &SimRequest,
    scenario: &Scenario,
    limits: &Limits,
) -> Result<Vec<Target>, ApiError> {
    let help =
        "use model=all or a comma-separated list of compromise, median, nash, eum, package, delay";
    let selection = Selection::parse(request.models.split(','))
        .map_err(|e| ApiError::bad_request(format!("model: {e}"), help))?;
    if selection.is_empty() {
        return Err(ApiError::bad_request("model: no model named", help));
    }
    if selection.delay && scenario.time.is_none() {
        // As `POST /api/delay`: without `[time]` the delay model would run on defaults nobody chose.
        return Err(ApiError::Unprocessable {
            message: "model `delay` needs the scenario's `[time]` section, and it has none"
                .to_owned(),
            help: "add a `[time]` section (docs/scenario-format.md, \"Time\") or leave out `delay`"
                .to_owned(),
        });
    }
    if selection.runs_package() {
        bargain::check_problem(scenario, &request.dynamics.package, limits)?;
    }
    if selection.runs_delay(scenario) {
        // The checks of `POST /api/delay`: the horizon (`months` or `[time] horizon`) against
        // the `months` limit, and the package problem with this step.
        delay::check(scenario, &request.dynamics, limits, false)?;
    } else if request.delay_options {
        // `model=all` on a scenario without `[time]`: the months and levers would be ignored.
        return Err(ApiError::Unprocessable {
            message: "months, levers: only the delay model reads them, and this scenario has no `[time]` section for it".to_owned(),
            help: "leave out months and levers, or add a `[time]` section (docs/scenario-format.md, \"Time\")".to_owned(),
        });
    }
    let config = AnalysisConfig {
        package: request.dynamics.package.clone(),
        months: request.dynamics.months,
        levers: request.dynamics.levers.clone(),
        ..AnalysisConfig::default()
    }
    .with_frontier(FrontierConfig {
        max_candidates: limits.frontier_candidates,
        ..FrontierConfig::default()
    });
    config
        .targets(scenario, &selection)
        .map_err(|e| ApiError::Unprocessable {
            message: e.to_string(),
            help: help.to_owned(),
        })
}

pub(crate) async fn start(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<JobOut>), ApiError> {
    let defaults = SimDefaults {
        models: "all",
        trials: MonteCarloConfig::default().trials,
        min_trials: 1,
    };
    start_job(
        &state,
        &uri,
        &headers,
        body,
        defaults,
        JobKind::MonteCarlo,
        |targets, request| MonteCarloRun {
            targets,
            config: MonteCarloConfig {
                trials: request.trials,
                seed: request.seed,
                noise: request.noise,
                ..MonteCarloConfig::default()
            },
        },
    )
    .await
}

/// The steps every simulation endpoint shares: read the options ([`SIM_PARAMS`], with the
/// endpoint's `defaults`), read and check the scenario and its targets ([`prepare`]), then start
/// the job that `runner` builds from the targets and the options.
pub(crate) async fn start_job<R: Runner + 'static>(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
    defaults: SimDefaults,
    kind: JobKind,
    runner: impl FnOnce(Vec<Target>, &SimRequest) -> R,
) -> Result<(StatusCode, Json<JobOut>), ApiError> {
    let params = query(uri, SIM_PARAMS)?;
    let request = SimRequest::from_query(&params, &state.limits, defaults)?;
    let (scenario, targets) = prepare(state, headers, body, &request).await?;
    let run = runner(targets, &request);
    run.check(&scenario).map_err(target_error)?;
    let job = state.mc.start_run(kind, scenario, run)?;
    Ok((StatusCode::ACCEPTED, Json(job.view())))
}

pub(crate) async fn status(
    State(state): State<AppState>,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Json<JobOut>, ApiError> {
    query(&uri, &[])?;
    Ok(Json(state.mc.view(&id)?))
}

pub(crate) async fn cancel(
    State(state): State<AppState>,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Json<JobOut>, ApiError> {
    query(&uri, &[])?;
    Ok(Json(state.mc.cancel(&id)?))
}
