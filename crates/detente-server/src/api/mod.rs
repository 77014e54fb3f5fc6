//! The JSON API: one module per area, and the table of routes the router and the OpenAPI test
//! share.
//!
//! A new model family (delay and levers, Monte Carlo, sensitivity, the run store) adds its own module here
//! and its rows to `table`; `tests/api/openapi.rs` then fails until `docs/openapi.yaml` documents
//! them.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::Query;
use axum::http::{Method, Uri};
use axum::routing::{MethodRouter, delete, get, post};

use crate::config::Limits;
use crate::error::ApiError;
use crate::job::Jobs;

mod bargain;
mod charts;
mod delay;
mod forecast;
mod health;
mod montecarlo;
mod runs;
mod scenarios;
mod sensitivity;
mod validate;

/// State shared by every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The limits in force.
    pub limits: Arc<Limits>,
    /// The model slots.
    pub jobs: Jobs,
    /// The background jobs (Monte Carlo and sensitivity).
    pub mc: JobTable,
    /// The run store given on the command line, if any.
    pub runs_db: Option<Arc<std::path::PathBuf>>,
}

pub use crate::jobs::{JobOut, JobTable};

/// Every API route: method, path and handler.
pub(crate) fn table() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    vec![
        (Method::GET, "/api/health", get(health::health)),
        (
            Method::GET,
            "/api/scenarios/istanbul",
            get(scenarios::istanbul),
        ),
        (Method::POST, "/api/validate", post(validate::validate)),
        (Method::POST, "/api/forecast", post(forecast::forecast)),
        (Method::POST, "/api/bargain", post(bargain::bargain)),
        (Method::POST, "/api/delay", post(delay::delay)),
        (Method::POST, "/api/levers", post(delay::levers)),
        (Method::POST, "/api/montecarlo", post(montecarlo::start)),
        (Method::POST, "/api/sensitivity", post(sensitivity::start)),
        (Method::GET, "/api/jobs/{id}", get(montecarlo::status)),
        (Method::DELETE, "/api/jobs/{id}", delete(montecarlo::cancel)),
        (Method::GET, "/api/runs", get(runs::list)),
        (Method::GET, "/api/runs/{id}", get(runs::show)),
        (Method::POST, "/api/charts", post(charts::charts)),
    ]
}

/// The bundled Istanbul scenario's text.
pub(crate) const fn scenarios_istanbul() -> &'static str {
    scenarios::ISTANBUL
}

/// Every API route as `(method, path)`, for documentation and tests.
pub fn endpoints() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|(m, p, _)| (m, p)).collect()
}

/// The query parameters of a request, refusing any not in `allowed` (a misspelt parameter
/// would otherwise be silently ignored).
/// The steps every scenario endpoint shares: take an admission ticket, read the posted scenario
/// (size cap while reading), then parse and check it and run `work` on it in a job slot within the
/// wall-time budget.
pub(crate) async fn on_posted_scenario<T, F>(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    body: axum::body::Body,
    work: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(
            &detente_core::Scenario,
            &Limits,
            &detente_models::stop::StopFlag,
        ) -> Result<T, ApiError>
        + Send
        + 'static,
{
    let ticket = state.jobs.admit()?;
    let posted = crate::input::read_body(headers, body, &state.limits).await?;
    let limits = state.limits.clone();
    state
        .jobs
        .run(ticket, move |stop| {
            let parsed = crate::input::parse_scenario(&posted, &limits)?;
            work(&parsed.scenario, &limits, stop)
        })
        .await
}

pub(crate) fn query(uri: &Uri, allowed: &[&str]) -> Result<BTreeMap<String, String>, ApiError> {
    let Query(params) = Query::<BTreeMap<String, String>>::try_from_uri(uri).map_err(|e| {
        ApiError::bad_request(
            format!("malformed query string: {e}"),
            "write parameters as ?name=value&name=value",
        )
    })?;
    if let Some(unknown) = params.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(ApiError::bad_request(
            format!(
                "unknown query parameter `{}`",
                unknown.chars().take(64).collect::<String>()
            ),
            if allowed.is_empty() {
                "this endpoint takes no query parameters".to_owned()
            } else {
                format!("this endpoint takes: {}", allowed.join(", "))
            },
        ));
    }
    Ok(params)
}
