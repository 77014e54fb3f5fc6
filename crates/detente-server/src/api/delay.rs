//! `POST /api/delay` and `POST /api/levers`: the month-by-month cost of delay and the ripeness
//! month of the posted scenario, and the comparison of its levers, as the CLI's
//! `detente delay --format json` (schema `detente.delay/1`) and `detente levers --format json`
//! (schema `detente.levers/1`). Every number comes from `detente_models::dynamics`.
//!
//! For scenarios whose `[time]` gives beliefs, audience costs or enforcement, `delay` adds the
//! settlement forecast (`settlement`: P(deal by month), median deal month, terms) and `levers`
//! each lever's shift of it, with the library's defaults (`detente_analysis`), as the CLI;
//! `trials`, `seed` and `rate_noise` set its trials, seed and drift-rate noise, as the CLI's
//! `--trials`, `--seed` and `--rate-noise`.
//!
//! Both need the scenario's `[time]` section: without it the models would fall back on a
//! default horizon with no drift, costs or levers, which answers a question nobody asked, so
//! the server refuses with a 422 that says what to add.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use detente_analysis::{AnalysisConfig, AnalysisError};
use detente_core::Scenario;
use detente_models::bargain::FrontierConfig;
use detente_models::dynamics::{
    DelayReport, DynamicsConfig, DynamicsError, LeversReport, delay as run_delay,
    levers as run_levers,
};
use detente_models::stop::StopFlag;
use detente_sim::settle::{SettleLevers, SettlementReport};
use serde::Serialize;

use super::{AppState, bargain, montecarlo, on_posted_scenario, query};
use crate::config::Limits;
use crate::error::ApiError;

/// The `detente.delay/1` document.
#[derive(Debug, Serialize)]
pub struct DelayOut {
    schema: &'static str,
    title: String,
    #[serde(flatten)]
    report: DelayReport,
    /// The settlement forecast, for scenarios with terms of bargaining while fighting.
    #[serde(skip_serializing_if = "Option::is_none")]
    settlement: Option<SettlementReport>,
}

/// The `detente.levers/1` document.
#[derive(Debug, Serialize)]
pub struct LeversOut {
    schema: &'static str,
    title: String,
    #[serde(flatten)]
    report: LeversReport,
    /// Each lever's shift of the settlement forecast, for scenarios with terms of bargaining
    /// while fighting.
    #[serde(skip_serializing_if = "Option::is_none")]
    settlement: Option<SettleLevers>,
}

/// The settlement forecast's options a delay or levers request may set, as the CLI's
/// `--trials`, `--seed` and `--rate-noise`; `None` keeps the library's default.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SettleParams {
    trials: Option<u64>,
    seed: Option<u64>,
    rate_noise: Option<f64>,
}

impl SettleParams {
    /// Reads `trials` (1 to the `trials` limit, as a Monte Carlo job's), `seed` and
    /// `rate_noise` (a number >= 0).
    pub(crate) fn from_query(
        params: &BTreeMap<String, String>,
        limits: &Limits,
    ) -> Result<Self, ApiError> {
        let trials = params
            .get("trials")
            .map(|raw| montecarlo::trials(raw, limits, 1))
            .transpose()?;
        let seed = params
            .get("seed")
            .map(|raw| {
                raw.trim().parse::<u64>().map_err(|_| {
                    ApiError::bad_request(
                        "seed: not a whole number",
                        "give the settlement forecast's seed, e.g. seed=1",
                    )
                })
            })
            .transpose()?;
        let rate_noise = params
            .get("rate_noise")
            .map(|raw| {
                raw.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite() && *r >= 0.0)
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "rate_noise: not a number >= 0",
                            "give the relative sd of the true drift rate, e.g. rate_noise=0.3 (0: the analyst's rate)",
                        )
                    })
            })
            .transpose()?;
        Ok(Self {
            trials,
            seed,
            rate_noise,
        })
    }
}

/// The analysis config of a delay or levers request: the request's model options, and the
/// library's defaults for the settlement forecast (as `detente delay` and `detente levers`)
/// where the request sets none.
fn analysis(config: &DynamicsConfig, settle: &SettleParams, stop: &StopFlag) -> AnalysisConfig {
    let mut analysis = AnalysisConfig {
        package: config.package.clone(),
        months: config.months,
        levers: config.levers.clone(),
        first_proposer: config.first_proposer.clone(),
        ..AnalysisConfig::default()
    }
    .with_frontier(FrontierConfig {
        stop: stop.clone(),
        ..config.frontier.clone()
    });
    // The settlement forecast stops when the request's budget runs out or its client goes.
    analysis.settle.stop = stop.clone();
    if let Some(trials) = settle.trials {
        analysis.settle.trials = trials;
    }
    if let Some(seed) = settle.seed {
        analysis.settle.seed = seed;
    }
    if let Some(rate_noise) = settle.rate_noise {
        analysis.settle.rate_noise = rate_noise;
    }
    analysis
}

/// `config` ending early when `stop` is raised (checked before every month of every variant,
/// and within each package search).
fn with_stop(config: &DynamicsConfig, stop: &StopFlag) -> DynamicsConfig {
    DynamicsConfig {
        stop: stop.clone(),
        frontier: FrontierConfig {
            stop: stop.clone(),
            ..config.frontier.clone()
        },
        ..config.clone()
    }
}

/// An analysis error of the settlement forecast as a response.
fn settle_error(e: AnalysisError) -> ApiError {
    match e {
        AnalysisError::Dynamics(e) => model_error(e),
        other => ApiError::Unprocessable {
            message: other.to_string(),
            help: "check the scenario's `[time]` section (docs/scenario-format.md, Time)"
                .to_owned(),
        },
    }
}

/// Builds the dynamics configuration from the query (`levers` only when `with_levers`),
/// checking `months` against its limit.
pub(crate) fn config(
    params: &BTreeMap<String, String>,
    limits: &Limits,
    with_levers: bool,
) -> Result<DynamicsConfig, ApiError> {
    let package = bargain::config(params, limits)?;
    let months = match params.get("months") {
        None => None,
        Some(raw) => {
            let months: u32 = raw.trim().parse().map_err(|_| {
                ApiError::bad_request(
                    "months: not a whole number",
                    "give the months to look ahead, e.g. months=24",
                )
            })?;
            if months == 0 {
                return Err(ApiError::bad_request(
                    "months: must be at least 1",
                    "give the months to look ahead, e.g. months=24",
                ));
            }
            if months > limits.months {
                return Err(ApiError::Limit {
                    limit: "months",
                    value: u64::from(limits.months),
                    what: format!("months={months}"),
                    status: StatusCode::BAD_REQUEST,
                });
            }
            Some(months)
        }
    };
    let levers = if with_levers {
        params
            .get("levers")
            .map(|l| {
                l.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let first_proposer = params
        .get("first_proposer")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    Ok(DynamicsConfig {
        package,
        months,
        levers,
        first_proposer,
        frontier: FrontierConfig {
            max_candidates: limits.frontier_candidates,
            ..FrontierConfig::default()
        },
        ..DynamicsConfig::default()
    })
}

/// Checks what depends on the scenario: a `[time]` section, the horizon against `months`, the
/// package problem's limits and, for levers, the number of levers.
pub(crate) fn check(
    scenario: &Scenario,
    config: &DynamicsConfig,
    limits: &Limits,
    for_levers: bool,
) -> Result<(), ApiError> {
    let Some(time) = &scenario.time else {
        return Err(ApiError::Unprocessable {
            message: "the scenario has no `[time]` section, so there is nothing to model over the months".to_owned(),
            help: "add a `[time]` section with `horizon` and its drift, costs and levers (docs/scenario-format.md, \"Time\")".to_owned(),
        });
    };
    let months = config.months.unwrap_or(time.horizon);
    if months > limits.months {
        return Err(ApiError::Limit {
            limit: "months",
            value: u64::from(limits.months),
            what: format!("the scenario's horizon of {months} months"),
            status: StatusCode::UNPROCESSABLE_ENTITY,
        });
    }
    if for_levers {
        if time.levers.is_empty() {
            return Err(ApiError::Unprocessable {
                message: "the scenario declares no levers".to_owned(),
                help: "add `[[time.levers]]` entries (docs/scenario-format.md, \"Time\")"
                    .to_owned(),
            });
        }
        if time.levers.len() > limits.levers {
            return Err(ApiError::Limit {
                limit: "levers",
                value: limits.levers as u64,
                what: format!("the scenario's {} levers", time.levers.len()),
                status: StatusCode::PAYLOAD_TOO_LARGE,
            });
        }
    }
    bargain::check_problem(scenario, &config.package, limits)
}

pub(crate) fn model_error(e: DynamicsError) -> ApiError {
    match e {
        DynamicsError::Bargain(b) => bargain::model_error(b),
        DynamicsError::UnknownLever { .. } => ApiError::Unprocessable {
            message: e.to_string(),
            help: "name levers by the ids of the scenario's `[[time.levers]]`, e.g. ?levers=a,b"
                .to_owned(),
        },
        DynamicsError::DecisiveNotParty { .. } => ApiError::Unprocessable {
            message: e.to_string(),
            help: "name a bargaining party in `[[time.decisive]]`, or bargain with that actor (?parties=a,b)"
                .to_owned(),
        },
        DynamicsError::UnknownProposer { .. } => ApiError::Unprocessable {
            message: e.to_string(),
            help: "give one of the bargaining parties' ids as ?first_proposer=".to_owned(),
        },
        DynamicsError::NoTrialFitsEvents { .. } => ApiError::Unprocessable {
            message: e.to_string(),
            help: "check the scenario's `[[time.events]]` against its `[time]` model, or raise ?trials= or ?rate_noise="
                .to_owned(),
        },
        other => ApiError::Unprocessable {
            message: other.to_string(),
            help: "check ?months= and the scenario's `[time] horizon`".to_owned(),
        },
    }
}

/// Checks the limits, then runs the delay model; the settlement forecast ends early when `stop`
/// is raised.
pub(crate) fn delay_run(
    scenario: &Scenario,
    config: &DynamicsConfig,
    settle: &SettleParams,
    limits: &Limits,
    stop: &StopFlag,
) -> Result<DelayOut, ApiError> {
    check(scenario, config, limits, false)?;
    // The month-by-month table stops on the same flag as the settlement forecast.
    let report = run_delay(scenario, &with_stop(config, stop)).map_err(model_error)?;
    let settlement = detente_analysis::fights(scenario)
        .then(|| detente_analysis::settlement(scenario, &analysis(config, settle, stop)))
        .transpose()
        .map_err(settle_error)?;
    Ok(DelayOut {
        schema: "detente.delay/1",
        title: scenario.meta.title.clone(),
        report,
        settlement,
    })
}

/// Checks the limits, then compares the levers; the settlement forecasts end early when `stop`
/// is raised.
pub(crate) fn levers_run(
    scenario: &Scenario,
    config: &DynamicsConfig,
    settle: &SettleParams,
    limits: &Limits,
    stop: &StopFlag,
) -> Result<LeversOut, ApiError> {
    check(scenario, config, limits, true)?;
    let report = run_levers(scenario, &with_stop(config, stop)).map_err(model_error)?;
    let settlement = detente_analysis::fights(scenario)
        .then(|| detente_analysis::settlement_levers(scenario, &analysis(config, settle, stop)))
        .transpose()
        .map_err(settle_error)?;
    Ok(LeversOut {
        schema: "detente.levers/1",
        title: scenario.meta.title.clone(),
        report,
        settlement,
    })
}

/// The query parameters of `/api/delay` (`levers` too) and `/api/levers`.
fn query_keys(with_levers: bool) -> Vec<&'static str> {
    let mut keys = vec!["months"];
    if with_levers {
        keys.push("levers");
    }
    keys.extend([
        "step",
        "loss",
        "first_proposer",
        "trials",
        "seed",
        "rate_noise",
    ]);
    keys
}

pub(crate) async fn delay(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<DelayOut>, ApiError> {
    let params = query(&uri, &query_keys(true))?;
    let config = config(&params, &state.limits, true)?;
    let settle = SettleParams::from_query(&params, &state.limits)?;
    let out = on_posted_scenario(&state, &headers, body, move |scenario, limits, stop| {
        delay_run(scenario, &config, &settle, limits, stop)
    })
    .await?;
    Ok(Json(out))
}

pub(crate) async fn levers(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<LeversOut>, ApiError> {
    let params = query(&uri, &query_keys(false))?;
    let config = config(&params, &state.limits, false)?;
    let settle = SettleParams::from_query(&params, &state.limits)?;
    let out = on_posted_scenario(&state, &headers, body, move |scenario, limits, stop| {
        levers_run(scenario, &config, &settle, limits, stop)
    })
    .await?;
    Ok(Json(out))
}
