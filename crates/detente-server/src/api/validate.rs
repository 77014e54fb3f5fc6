//! `POST /api/validate`: checks a posted scenario and returns its warnings, counts, and the
//! document as JSON and as canonical TOML (what the dashboard edits and saves).

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use detente_core::{Format, ScenarioFile, Source};
use serde::Serialize;

use super::{AppState, query};
use crate::error::{ApiError, FindingOut};
use crate::input::{parse_scenario, read_body};

/// Counts of what the scenario holds.
#[derive(Debug, Serialize)]
pub struct Counts {
    actors: usize,
    issues: usize,
    positions: usize,
}

/// The response of a valid scenario.
#[derive(Debug, Serialize)]
pub struct Validated {
    valid: bool,
    title: String,
    counts: Counts,
    warnings: Vec<FindingOut>,
    scenario: ScenarioFile,
    toml: String,
}

pub(crate) async fn validate(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Validated>, ApiError> {
    query(&uri, &[])?;
    let ticket = state.jobs.admit()?;
    let posted = read_body(&headers, body, &state.limits).await?;
    let limits = state.limits.clone();
    let out = state
        .jobs
        .run(ticket, move |_| {
            let parsed = parse_scenario(&posted, &limits)?;
            // The text parsed and validated, so its shape parses again; the error arm only
            // guards against the two parsers disagreeing.
            let file: ScenarioFile = match posted.format {
                Format::Toml => toml::from_str(&posted.text).map_err(|e| e.to_string()),
                Format::Json => serde_json::from_str(&posted.text).map_err(|e| e.to_string()),
            }
            .map_err(ApiError::Internal)?;
            let s = &parsed.scenario;
            let source = Source::new(posted.name(), posted.text.as_str());
            Ok(Validated {
                valid: true,
                title: s.meta.title.clone(),
                counts: Counts {
                    actors: s.actors.len(),
                    issues: s.issues.len(),
                    positions: s.issues.iter().map(|i| i.positions.len()).sum(),
                },
                warnings: parsed
                    .warnings
                    .iter()
                    .map(|w| FindingOut::new(w, &source))
                    .collect(),
                toml: file.to_toml(),
                scenario: file,
            })
        })
        .await?;
    Ok(Json(out))
}
