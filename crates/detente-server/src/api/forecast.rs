//! `POST /api/forecast?models=..&preset=..&rounds=..`: every chosen model on every issue, as the
//! CLI's `detente forecast --format json` (schema `detente.forecast/1`).

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use detente_models::eum::{EumConfig, EumPreset};
use detente_models::forecast::{Forecast, ForecastConfig, Model, forecast as run_forecast};

use super::{AppState, on_posted_scenario, query};
use crate::config::Limits;
use crate::error::ApiError;

/// Builds the model configuration from the query, checking it against the limits.
pub(crate) fn config(
    params: &BTreeMap<String, String>,
    limits: &Limits,
) -> Result<ForecastConfig, ApiError> {
    let mut config = ForecastConfig::default();
    if let Some(models) = params.get("models") {
        let mut chosen = Vec::new();
        for name in models.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if name == "all" {
                chosen.extend(Model::ALL);
                continue;
            }
            let model: Model = name.parse().map_err(|e: String| {
                ApiError::bad_request(
                    format!("models: {}", e.chars().take(200).collect::<String>()),
                    "e.g. ?models=compromise,eum or ?models=all",
                )
            })?;
            chosen.push(model);
        }
        if chosen.is_empty() {
            return Err(ApiError::bad_request(
                "models: no model named",
                "e.g. ?models=compromise,eum or ?models=all",
            ));
        }
        chosen.sort();
        chosen.dedup();
        config.models = chosen;
    }
    let (preset, mut eum) = match params.get("preset").map(String::as_str) {
        None | Some("scholz") => (EumPreset::Scholz, EumConfig::scholz()),
        Some("bdm") => (EumPreset::Bdm, EumConfig::bdm()),
        Some(other) => {
            return Err(ApiError::bad_request(
                format!(
                    "preset: unknown preset `{}`",
                    other.chars().take(64).collect::<String>()
                ),
                "use preset=scholz (Scholz et al. 2011) or preset=bdm (Bueno de Mesquita)",
            ));
        }
    };
    if let Some(rounds) = params.get("rounds") {
        let n: usize = rounds.trim().parse().map_err(|_| {
            ApiError::bad_request(
                "rounds: not a whole number",
                format!(
                    "give a number of EUM rounds from 1 to {}",
                    limits.eum_rounds
                ),
            )
        })?;
        if n == 0 {
            return Err(ApiError::bad_request(
                "rounds: must be at least 1",
                format!(
                    "give a number of EUM rounds from 1 to {}",
                    limits.eum_rounds
                ),
            ));
        }
        if n > limits.eum_rounds {
            return Err(ApiError::Limit {
                limit: "eum_rounds",
                value: limits.eum_rounds as u64,
                what: format!("{n} EUM rounds"),
                status: StatusCode::BAD_REQUEST,
            });
        }
        eum.max_rounds = n;
    } else if eum.max_rounds > limits.eum_rounds {
        // A preset's own default never outruns the server's limit.
        eum.max_rounds = limits.eum_rounds;
    }
    config.eum_preset = preset;
    config.eum = eum;
    Ok(config)
}

pub(crate) async fn forecast(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Forecast>, ApiError> {
    let params = query(&uri, &["models", "preset", "rounds"])?;
    let config = config(&params, &state.limits)?;
    let out = on_posted_scenario(&state, &headers, body, move |scenario, _limits, stop| {
        // The EUM runs end before their next round once the request's time is up or its client
        // has gone; the answer (then a 504 or nobody's) no longer matters.
        let config = ForecastConfig {
            stop: stop.clone(),
            ..config.clone()
        };
        Ok(run_forecast(scenario, &config))
    })
    .await?;
    Ok(Json(out))
}
