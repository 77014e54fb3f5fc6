//! `GET /api/runs` and `GET /api/runs/{id}`: the run store (`detente_store`) the server was
//! started with (`detente serve --db PATH`), read-only.
//!
//! The path comes from the server's command line only; no request can name a file. The store is
//! opened read-only for each request on the blocking pool (SQLite connections are not shared
//! between threads, and a fresh read sees runs other `detente` commands saved meanwhile). A
//! store that does not exist yet lists no runs. A run's scenario is shown by its file name only,
//! never the path the CLI stored (which is often absolute).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::Uri;
use detente_store::{Run, RunSummary, Store, StoreError};
use serde::Serialize;

use super::{AppState, query};
use crate::error::ApiError;

/// `GET /api/runs`: every stored run's header, newest first.
#[derive(Debug, Serialize)]
pub struct RunsOut {
    runs: Vec<RunSummary>,
}

/// The file name of a stored scenario path: the CLI stores the path it was given (often
/// absolute), which would show the layout of the machine to every API client.
fn file_name_only(path: &str) -> String {
    path.rsplit(['/', '\\'])
        .find(|part| !part.is_empty())
        .unwrap_or("")
        .to_owned()
}

fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound(id) => ApiError::UnknownRun { id: id.to_string() },
        // Anything else is about the server's own file, not the request: a 500 whose message
        // says what is wrong with it.
        other => ApiError::Internal(other.to_string()),
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<RunsOut>, ApiError> {
    query(&uri, &[])?;
    let path = state.runs_db.clone().ok_or(ApiError::NoRunStore)?;
    let ticket = state.jobs.admit()?;
    let runs = state
        .jobs
        .run(ticket, move |_| match Store::open_read_only(&path) {
            Ok(store) => store.list().map_err(store_error).map(|mut runs| {
                for run in &mut runs {
                    run.scenario_name = file_name_only(&run.scenario_name);
                }
                runs
            }),
            Err(StoreError::Missing(_)) => Ok(Vec::new()),
            Err(e) => Err(store_error(e)),
        })
        .await?;
    Ok(Json(RunsOut { runs }))
}

pub(crate) async fn show(
    State(state): State<AppState>,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Json<Run>, ApiError> {
    query(&uri, &[])?;
    let path = state.runs_db.clone().ok_or(ApiError::NoRunStore)?;
    let Ok(number) = id.trim().parse::<i64>() else {
        return Err(ApiError::UnknownRun {
            id: id.chars().take(64).collect(),
        });
    };
    let ticket = state.jobs.admit()?;
    let run = state
        .jobs
        .run(ticket, move |_| match Store::open_read_only(&path) {
            Ok(store) => store.get(number).map_err(store_error).map(|mut run| {
                run.summary.scenario_name = file_name_only(&run.summary.scenario_name);
                run
            }),
            Err(StoreError::Missing(_)) => Err(ApiError::UnknownRun {
                id: number.to_string(),
            }),
            Err(e) => Err(store_error(e)),
        })
        .await?;
    Ok(Json(run))
}
