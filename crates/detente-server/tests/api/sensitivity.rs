//! `POST /api/sensitivity`: the finished job's result equals `detente_sim::sensitivity` for the
//! same seed and options, it shares the job table (polling, cancel, the `jobs` limit) with Monte
//! Carlo, and one test per limit and malformed request.

use std::time::Duration;

use detente_models::forecast::{ForecastConfig, Model};
use detente_server::Limits;
use detente_sim::sensitivity::{SensitivityConfig, sensitivity};
use detente_sim::{Noise, Target};

#[path = "../../../detente-core/tests/support/wide.rs"]
mod wide;

use super::jobs::{assert_refused, delete, id_of, through_text, wait, wait_running};
use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_sensitivity_job_equals_the_library_for_the_same_seed() {
    let app = app();
    let started = post_toml(
        &app,
        "/api/sensitivity?trials=150&seed=4&model=compromise,median\
         &noise=salience=0.2,position=3&scenario_uncertainty=false",
        ISTANBUL,
    )
    .await;
    let id = id_of(&started);
    assert!(id.starts_with("sa-"), "{id}");
    assert_eq!(started.json["kind"], "sensitivity");
    // Nothing else runs on this server, so the job starts at once.
    assert_eq!(started.json["status"], "running");
    // Progress counts model runs: two per tornado input, then the 150 trials.
    let reply = wait(&app, &id).await;
    assert_eq!(reply.json["status"], "done", "{}", reply.text);
    let inputs = reply.json["result"]["inputs"].as_array().unwrap().len() as u64;
    assert!(inputs > 0);
    assert_eq!(started.json["total"], 2 * inputs + 150);
    assert_eq!(reply.json["done"], 2 * inputs + 150);
    let scenario = detente_core::parse("x.toml", ISTANBUL).unwrap().scenario;
    let targets = [Target::Spatial(ForecastConfig {
        models: vec![Model::Compromise, Model::Median],
        ..ForecastConfig::default()
    })];
    let config = SensitivityConfig {
        trials: 150,
        seed: 4,
        noise: Noise {
            position: Some(3.0),
            salience: 0.2,
            ignore_scenario: true,
            ..Noise::default()
        },
        ..SensitivityConfig::default()
    };
    let expected =
        serde_json::to_value(sensitivity(&scenario, &targets, &config, &|_| {}).unwrap()).unwrap();
    assert_eq!(reply.json["result"], through_text(&expected));
    assert_eq!(reply.json["result"]["schema"], "detente.sensitivity/1");
    // Another seed draws another regression sample.
    let other = post_toml(
        &app,
        "/api/sensitivity?trials=150&seed=5&model=compromise,median\
         &noise=salience=0.2,position=3&scenario_uncertainty=false",
        ISTANBUL,
    )
    .await;
    let other = wait(&app, &id_of(&other)).await;
    assert_ne!(
        other.json["result"]["metrics"],
        reply.json["result"]["metrics"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_defaults_are_the_spatial_models_and_trials_0_is_the_tornado_alone() {
    let app = app();
    let reply = wait(
        &app,
        &id_of(&post_toml(&app, "/api/sensitivity?trials=0", SMALL).await),
    )
    .await;
    assert_eq!(reply.json["status"], "done", "{}", reply.text);
    // The tornado alone: two runs per input.
    let inputs = reply.json["result"]["inputs"].as_array().unwrap().len() as u64;
    assert_eq!(reply.json["total"], 2 * inputs);
    let scenario = detente_core::parse("x.toml", SMALL).unwrap().scenario;
    let targets = [Target::Spatial(ForecastConfig {
        models: vec![Model::Compromise, Model::Median, Model::Nash, Model::Eum],
        ..ForecastConfig::default()
    })];
    let config = SensitivityConfig {
        trials: 0,
        ..SensitivityConfig::default()
    };
    let expected =
        serde_json::to_value(sensitivity(&scenario, &targets, &config, &|_| {}).unwrap()).unwrap();
    assert_eq!(reply.json["result"], through_text(&expected));
    let metrics = reply.json["result"]["metrics"].as_array().unwrap();
    assert!(metrics.iter().all(|m| m["src"] == serde_json::json!([])));
    // The default regression has 2000 trials, after the tornado's runs.
    let started = post_toml(&app, "/api/sensitivity?model=compromise", SMALL).await;
    assert_eq!(started.json["total"], 2 * inputs + 2000, "{}", started.text);
    wait(&app, &id_of(&started)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_sensitivity_job_stops_before_its_total() {
    let app = app();
    let started = post_toml(&app, "/api/sensitivity?trials=20000&model=eum", ISTANBUL).await;
    let id = id_of(&started);
    // Cancelled while running (the tornado first, in blocks), not only while queued.
    wait_running(&app, &id).await;
    let reply = send(&app, delete(&format!("/api/jobs/{id}"))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let reply = wait(&app, &id).await;
    assert_eq!(reply.json["status"], "cancelled", "{}", reply.text);
    assert!(reply.json["done"].as_u64().unwrap() < 20_000);
    assert!(reply.json.get("result").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sensitivity_jobs_count_against_the_jobs_limit_and_time_out() {
    let app = app_with(Limits {
        jobs: 1,
        job_wall_time: Duration::from_millis(1),
        ..Limits::default()
    });
    let first = id_of(&post_toml(&app, "/api/sensitivity?trials=20000&model=eum", ISTANBUL).await);
    let second = post_toml(&app, "/api/montecarlo?trials=10&model=compromise", SMALL).await;
    assert_error(&second, 429, "limit_exceeded", Some(("jobs", 1)));
    let reply = wait(&app, &first).await;
    assert_eq!(reply.json["status"], "timed_out", "{}", reply.text);
}

#[tokio::test]
async fn sensitivity_trials_over_the_limit_is_400() {
    let reply = post_toml(&app(), "/api/sensitivity?trials=20001", SMALL).await;
    assert_error(&reply, 400, "limit_exceeded", Some(("trials", 20_000)));
}

/// A scenario whose regression would keep more sums than the limit (here 50 issues of 40
/// positions: about 4,000 inputs, 50 forecasts) is a 422 before a job starts; a 160 kB
/// scenario like it was accepted and ended the server's process when the job allocated
/// gigabytes (found by an audit of sizes read from requests). The tornado alone is accepted.
#[tokio::test]
async fn a_sensitivity_regression_too_large_for_memory_is_422() {
    let text = wide::wide_scenario(40, 50);
    let app = app();
    let reply = post_toml(&app, "/api/sensitivity?model=compromise&trials=10", &text).await;
    assert_error(&reply, 422, "unprocessable", None);
    assert!(reply.text.contains("trials=0"), "{}", reply.text);
    // The server is still there, and the tornado alone runs.
    let reply = post_toml(&app, "/api/sensitivity?model=compromise&trials=0", &text).await;
    assert_eq!(reply.status, 202, "{}", reply.text);
}

#[tokio::test]
async fn malformed_sensitivity_requests() {
    let app = app();
    for (uri, status, param) in [
        ("/api/sensitivity?trials=-1", 400, "trials"),
        ("/api/sensitivity?trials=many", 400, "trials"),
        ("/api/sensitivity?seed=x", 400, "seed"),
        ("/api/sensitivity?model=oracle", 400, "model"),
        ("/api/sensitivity?model=", 400, "model"),
        ("/api/sensitivity?noise=salience", 400, "noise"),
        (
            "/api/sensitivity?scenario_uncertainty=no",
            400,
            "scenario_uncertainty",
        ),
        ("/api/sensitivity?model=package&step=0", 400, "step"),
        ("/api/sensitivity?model=delay&months=0", 400, "months"),
        ("/api/sensitivity?levers=ceasefire", 400, "levers"),
        ("/api/sensitivity?threads=2", 400, "threads"),
        // The small scenario has no `[time]` section.
        ("/api/sensitivity?model=delay", 422, "delay"),
    ] {
        assert_refused(&app, uri, SMALL, status, param).await;
    }
    let reply = post_toml(&app, "/api/sensitivity?model=package&step=0.1", SMALL).await;
    assert_error(&reply, 422, "limit_exceeded", Some(("grid_points", 201)));
    let reply = post_toml(
        &app,
        "/api/sensitivity?model=delay&step=25&levers=blockade",
        ISTANBUL,
    )
    .await;
    assert_error(&reply, 422, "unprocessable", None);
    assert!(reply.text.contains("blockade"), "{}", reply.text);
}
