//! `POST /api/sensitivity` starts a sensitivity job on the posted scenario (a one-at-a-time
//! tornado per forecast and, unless `trials=0`, standardised regression coefficients over
//! `trials` joint draws) and answers 202 with its id. It lives in the same job table as Monte
//! Carlo: polled with `GET /api/jobs/{id}` (progress counts the regression's trials) and
//! cancelled with `DELETE /api/jobs/{id}`; when done, its result is the `detente.sensitivity/1`
//! document `detente sensitivity --format json` prints for the same options.
//!
//! The options are Monte Carlo's ([`super::montecarlo::SIM_PARAMS`]): `noise` replaces the
//! default input ranges kind by kind with the central 90% of what the Monte Carlo would draw,
//! and `scenario_uncertainty=false` ignores the scenario's own `sd`/`range`, as in the CLI.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use detente_sim::sensitivity::SensitivityConfig;

use detente_sim::SensitivityRun;

use super::AppState;
use super::montecarlo::{SimDefaults, start_job};
use crate::error::ApiError;
use crate::jobs::{JobKind, JobOut};

pub(crate) async fn start(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<JobOut>), ApiError> {
    let defaults = SimDefaults {
        // The spatial models only: the tornado runs every target twice per input (over a
        // hundred inputs on the Istanbul scenario), which is quick for them but long for
        // package bargaining and the delay model, so those are asked for by name.
        models: "compromise,median,nash,eum",
        trials: SensitivityConfig::default().trials,
        min_trials: 0,
    };
    start_job(
        &state,
        &uri,
        &headers,
        body,
        defaults,
        JobKind::Sensitivity,
        |targets, request| SensitivityRun {
            targets,
            config: SensitivityConfig {
                trials: request.trials,
                seed: request.seed,
                noise: request.noise,
                ..SensitivityConfig::default()
            },
        },
    )
    .await
}
