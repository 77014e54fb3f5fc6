//! `POST /api/bargain?step=..&loss=..&parties=..`: package bargaining over all issues of the
//! posted scenario: the rational Pareto frontier, the Nash, Kalai-Smorodinsky, egalitarian and
//! utilitarian packages and the zone of agreement (schema `detente.bargain/2`).

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use detente_analysis::{AnalysisConfig, AnalysisError};
use detente_core::Scenario;
use detente_models::bargain::{BargainError, FrontierConfig, Loss, PackageConfig, SolveConfig};
use detente_models::stop::StopFlag;

use super::{AppState, on_posted_scenario, query};
use crate::config::Limits;
use crate::error::ApiError;
use detente_analysis::Packages as BargainOut;

/// Builds the package configuration from the query, checking it against the limits.
pub(crate) fn config(
    params: &BTreeMap<String, String>,
    limits: &Limits,
) -> Result<PackageConfig, ApiError> {
    let mut config = PackageConfig::default();
    if let Some(step) = params.get("step") {
        let step: f64 = step.trim().parse().map_err(|_| {
            ApiError::bad_request("step: not a number", "give a grid step such as step=5")
        })?;
        if !(step.is_finite() && step > 0.0) {
            return Err(ApiError::bad_request(
                "step: must be a positive number",
                "give a grid step such as step=5",
            ));
        }
        config.step = step;
    }
    config.loss = match params.get("loss").map(String::as_str) {
        None | Some("quadratic") => Loss::Quadratic,
        Some("linear") => Loss::Linear,
        Some(other) => {
            return Err(ApiError::bad_request(
                format!(
                    "loss: unknown loss `{}`",
                    other.chars().take(64).collect::<String>()
                ),
                "use loss=quadratic or loss=linear",
            ));
        }
    };
    if let Some(parties) = params.get("parties") {
        let ids: Vec<String> = parties
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if ids.len() > limits.parties {
            return Err(ApiError::Limit {
                limit: "parties",
                value: limits.parties as u64,
                what: format!("{} parties", ids.len()),
                status: StatusCode::BAD_REQUEST,
            });
        }
        config.parties = Some(ids);
    }
    Ok(config)
}

/// Checks the limits that depend on the scenario, then solves; the frontier search ends early
/// when `stop` is raised (the request's time ran out or its client went away).
pub(crate) fn run(
    scenario: &Scenario,
    config: &PackageConfig,
    limits: &Limits,
    stop: &StopFlag,
) -> Result<BargainOut, ApiError> {
    check_problem(scenario, config, limits)?;
    let analysis = AnalysisConfig {
        package: config.clone(),
        ..AnalysisConfig::default()
    }
    .with_frontier(FrontierConfig {
        max_candidates: limits.frontier_candidates,
        stop: stop.clone(),
        ..FrontierConfig::default()
    });
    let analysis = AnalysisConfig {
        solve: SolveConfig {
            zopa_count_limit: limits.zopa_enumeration,
            ..analysis.solve
        },
        ..analysis
    };
    detente_analysis::packages(scenario, &analysis).map_err(analysis_error)
}

/// Checks the limits a package problem of `scenario` under `config` must respect: grid points
/// per issue and the number of parties (shared with the delay and levers endpoints).
pub(crate) fn check_problem(
    scenario: &Scenario,
    config: &PackageConfig,
    limits: &Limits,
) -> Result<(), ApiError> {
    for issue in &scenario.issues {
        let points = grid_points(issue, config.step);
        if points > limits.grid_points as f64 {
            return Err(ApiError::Limit {
                limit: "grid_points",
                value: limits.grid_points as u64,
                what: format!(
                    "a step of {} on issue `{}` ({points} grid points)",
                    config.step, issue.id
                ),
                status: StatusCode::UNPROCESSABLE_ENTITY,
            });
        }
    }
    let parties = match &config.parties {
        Some(ids) => ids.len(),
        None => scenario
            .actors
            .iter()
            .filter(|a| a.role == detente_core::Role::Principal)
            .count(),
    };
    if parties > limits.parties {
        return Err(ApiError::Limit {
            limit: "parties",
            value: limits.parties as u64,
            what: format!("the scenario's {parties} principals"),
            status: StatusCode::UNPROCESSABLE_ENTITY,
        });
    }
    Ok(())
}

/// Grid points `from_scenario` makes on `issue`: the multiples of the step from the lower end,
/// the upper end and the status quo, each counted once.
fn grid_points(issue: &detente_core::Issue, step: f64) -> f64 {
    let (min, max) = (issue.scale.min(), issue.scale.max());
    let tol = 1e-9 * issue.scale.width();
    let steps = (issue.scale.width() / step).floor();
    let mut n = steps + 1.0;
    if min + steps * step < max - tol {
        n += 1.0;
    }
    let k = ((issue.status_quo - min) / step).round();
    let on_grid =
        (min + k * step - issue.status_quo).abs() <= tol || (issue.status_quo - max).abs() <= tol;
    if !on_grid {
        n += 1.0;
    }
    n
}

pub(crate) fn model_error(e: BargainError) -> ApiError {
    match e {
        BargainError::TooManyCandidates {
            issue,
            candidates,
            limit,
        } => ApiError::Limit {
            limit: "frontier_candidates",
            value: limit as u64,
            what: format!("merging issue `{issue}` ({candidates} partial packages)"),
            status: StatusCode::UNPROCESSABLE_ENTITY,
        },
        BargainError::TooFewParties { found } => ApiError::Unprocessable {
            message: format!("bargaining needs at least two parties, found {found}"),
            help: "name them with ?parties=a,b or give two actors the role `principal`".to_owned(),
        },
        other => ApiError::Unprocessable {
            message: other.to_string(),
            help: "check the parties (?parties=a,b) and the grid step (?step=5)".to_owned(),
        },
    }
}

/// Maps an analysis error of the package models to a response.
pub(crate) fn analysis_error(e: AnalysisError) -> ApiError {
    match e {
        AnalysisError::Bargain(e) => model_error(e),
        other => ApiError::Unprocessable {
            message: other.to_string(),
            help: "check the parties (?parties=a,b) and the grid step (?step=5)".to_owned(),
        },
    }
}

pub(crate) async fn bargain(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<BargainOut>, ApiError> {
    let params = query(&uri, &["step", "loss", "parties"])?;
    let config = config(&params, &state.limits)?;
    let out = on_posted_scenario(&state, &headers, body, move |scenario, limits, stop| {
        run(scenario, &config, limits, stop)
    })
    .await?;
    Ok(Json(out))
}
