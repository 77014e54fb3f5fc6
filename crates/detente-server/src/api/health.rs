//! `GET /api/health`: liveness, version and the limits in force (no token needed).

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
}

pub(crate) async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        limits: state.limits.table().into_iter().collect(),
    })
}
