//! `POST /api/montecarlo` and `GET`/`DELETE /api/jobs/{id}`: the finished job's result equals
//! `detente_sim::montecarlo` for the same seed, progress and cancellation, and one test per
//! limit and malformed request.

use std::time::Duration;

use detente_models::forecast::{ForecastConfig, Model};
use detente_server::Limits;
use detente_sim::{MonteCarloConfig, Target, montecarlo};

use super::*;

fn delete(uri: &str) -> Request<Body> {
    Request::delete(uri).body(Body::empty()).unwrap()
}

/// Polls the job until it leaves `running` (at most about 60 s).
async fn wait(app: &Router, id: &str) -> Reply {
    for _ in 0..1200 {
        let reply = send(app, get(&format!("/api/jobs/{id}"))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let done = reply.json["done"].as_u64().unwrap();
        assert!(done <= reply.json["total"].as_u64().unwrap());
        if reply.json["status"] != "running" {
            return reply;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {id} did not finish");
}

fn through_text(v: &serde_json::Value) -> serde_json::Value {
    serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_job_equals_the_library_for_the_same_seed() {
    let app = app();
    let started = post_toml(
        &app,
        "/api/montecarlo?trials=300&seed=42&model=compromise,median",
        ISTANBUL,
    )
    .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.text);
    assert_eq!(started.json["total"], 300);
    let id = started.json["id"].as_str().unwrap().to_owned();
    let reply = wait(&app, &id).await;
    assert_eq!(reply.json["status"], "done", "{}", reply.text);
    assert_eq!(reply.json["done"], 300);
    let scenario = detente_core::parse("x.toml", ISTANBUL).unwrap().scenario;
    let targets = [Target::Spatial(ForecastConfig {
        models: vec![Model::Compromise, Model::Median],
        ..ForecastConfig::default()
    })];
    let config = MonteCarloConfig {
        trials: 300,
        seed: 42,
        ..MonteCarloConfig::default()
    };
    let expected =
        serde_json::to_value(montecarlo(&scenario, &targets, &config, &|_| {}).unwrap()).unwrap();
    assert_eq!(reply.json["result"], through_text(&expected));
    // Another seed gives another result: the seed reaches the draws.
    let other = post_toml(
        &app,
        "/api/montecarlo?trials=300&seed=43&model=compromise,median",
        ISTANBUL,
    )
    .await;
    let other = wait(&app, other.json["id"].as_str().unwrap()).await;
    assert_ne!(
        other.json["result"]["metrics"],
        reply.json["result"]["metrics"]
    );
    // Deleting a finished job drops it.
    assert_eq!(
        send(&app, delete(&format!("/api/jobs/{id}"))).await.status,
        StatusCode::OK
    );
    let gone = send(&app, get(&format!("/api/jobs/{id}"))).await;
    assert_error(&gone, 404, "unknown_job", None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_job_stops_before_its_total() {
    let app = app();
    // The largest run the limits allow on the full scenario: far longer than the test.
    let started = post_toml(&app, "/api/montecarlo?trials=20000", ISTANBUL).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.text);
    let id = started.json["id"].as_str().unwrap().to_owned();
    let reply = send(&app, delete(&format!("/api/jobs/{id}"))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let reply = wait(&app, &id).await;
    assert_eq!(reply.json["status"], "cancelled", "{}", reply.text);
    assert!(reply.json["done"].as_u64().unwrap() < 20_000);
    assert!(reply.json.get("result").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_over_its_wall_time_is_timed_out() {
    let app = app_with(Limits {
        job_wall_time: Duration::from_millis(1),
        ..Limits::default()
    });
    let started = post_toml(&app, "/api/montecarlo?trials=20000", ISTANBUL).await;
    let reply = wait(&app, started.json["id"].as_str().unwrap()).await;
    assert_eq!(reply.json["status"], "timed_out", "{}", reply.text);
    assert!(
        reply.json["error"]
            .as_str()
            .unwrap()
            .contains("job_wall_time_ms")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_are_bounded_in_number_and_lifetime() {
    let app = app_with(Limits {
        jobs: 1,
        job_lifetime: Duration::from_millis(200),
        ..Limits::default()
    });
    let first = post_toml(&app, "/api/montecarlo?trials=10&model=compromise", SMALL).await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.text);
    let second = post_toml(&app, "/api/montecarlo?trials=10&model=compromise", SMALL).await;
    assert_error(&second, 429, "limit_exceeded", Some(("jobs", 1)));
    let id = first.json["id"].as_str().unwrap();
    wait(&app, id).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    // Past its lifetime the finished job is dropped and a new one fits.
    assert_error(
        &send(&app, get(&format!("/api/jobs/{id}"))).await,
        404,
        "unknown_job",
        None,
    );
    let third = post_toml(&app, "/api/montecarlo?trials=10&model=compromise", SMALL).await;
    assert_eq!(third.status, StatusCode::ACCEPTED, "{}", third.text);
}

#[tokio::test]
async fn trials_over_the_limit_is_400() {
    let reply = post_toml(&app(), "/api/montecarlo?trials=20001", SMALL).await;
    assert_error(&reply, 400, "limit_exceeded", Some(("trials", 20_000)));
}

#[tokio::test]
async fn malformed_montecarlo_requests() {
    let app = app();
    for (uri, status, code) in [
        ("/api/montecarlo?trials=0", 400, "bad_request"),
        ("/api/montecarlo?trials=many", 400, "bad_request"),
        ("/api/montecarlo?seed=-1", 400, "bad_request"),
        ("/api/montecarlo?model=oracle", 400, "bad_request"),
        ("/api/montecarlo?model=", 400, "bad_request"),
        ("/api/montecarlo?threads=4", 400, "bad_request"),
        // The small scenario has no `[time]` section.
        ("/api/montecarlo?model=delay", 422, "unprocessable"),
    ] {
        let reply = post_toml(&app, uri, SMALL).await;
        assert_error(&reply, status, code, None);
    }
    for id in ["mc-999999", "nonsense", "%00"] {
        assert_error(
            &send(&app, get(&format!("/api/jobs/{id}"))).await,
            404,
            "unknown_job",
            None,
        );
        assert_error(
            &send(&app, delete(&format!("/api/jobs/{id}"))).await,
            404,
            "unknown_job",
            None,
        );
    }
}
