//! `POST /api/charts`: the SVG charts of a result document, drawn by `detente_report::charts`,
//! the one chart implementation the HTML report and `detente report --plot` use too. The
//! dashboard posts each result it gets (forecast, bargain, delay, levers, a finished Monte Carlo
//! or sensitivity job, a stored run) with the names of the scenario's actors and issues, and
//! shows the SVG it gets back (schema `detente.charts/1`).

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use detente_report::charts::{Chart, Kind, Names, charts as draw};
use serde::{Deserialize, Serialize};

use super::{AppState, query};
use crate::error::ApiError;

/// What a chart request holds.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChartRequest {
    /// Which document `document` is.
    kind: Kind,
    /// The document, as the API or `detente ... --format json` gave it.
    document: serde_json::Value,
    /// Display names of the actors and issues it names by id.
    #[serde(default)]
    names: Names,
}

/// The answer: every chart of the document, in reading order.
#[derive(Serialize)]
pub(crate) struct ChartsOut {
    schema: &'static str,
    charts: Vec<Chart>,
}

const HELP: &str = "post {\"kind\": \"forecast\", \"document\": {...}, \"names\": {\"actors\": {...}, \"issues\": {...}}} with a document as the API returned it; kind is one of forecast, bargain, delay, settlement, levers, montecarlo, sensitivity";

pub(crate) async fn charts(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ChartsOut>, ApiError> {
    query(&uri, &[])?;
    let json = "chart request as `application/json`";
    let format = crate::input::format_of(&headers).map_err(|e| match e {
        ApiError::UnsupportedMediaType { found, .. } => ApiError::UnsupportedMediaType {
            found,
            expected: json,
        },
        other => other,
    })?;
    if format != detente_core::Format::Json {
        return Err(ApiError::UnsupportedMediaType {
            found: "application/toml".to_owned(),
            expected: json,
        });
    }
    let ticket = state.jobs.admit()?;
    let limits = &state.limits;
    let text = crate::input::read_text(
        &headers,
        body,
        limits,
        ("chart_body_bytes", limits.chart_body_bytes),
        "chart request",
    )
    .await?;
    let out = state
        .jobs
        .run(ticket, move |_stop| {
            let request: ChartRequest = serde_json::from_str(&text)
                .map_err(|e| ApiError::bad_request(format!("not a chart request: {e}"), HELP))?;
            let charts = draw(request.kind, &request.document, &request.names).map_err(|e| {
                ApiError::Unprocessable {
                    message: e.to_string(),
                    help: HELP.to_owned(),
                }
            })?;
            Ok(ChartsOut {
                schema: "detente.charts/1",
                charts,
            })
        })
        .await?;
    Ok(Json(out))
}
