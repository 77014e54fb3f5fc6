//! `GET /api/health`: liveness, version, the limits in force and whether the server has a run
//! store (no token needed; the store's path is never shown).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use super::AppState;

/// The health response.
#[derive(Debug, Serialize)]
pub struct Health {
    status: &'static str,
    version: &'static str,
    limits: BTreeMap<&'static str, u64>,
    /// Whether `GET /api/runs` has a store to read (`detente serve --db PATH`).
    run_store: bool,
}

pub(crate) async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        limits: state.limits.table().into_iter().collect(),
        run_store: state.runs_db.is_some(),
    })
}
