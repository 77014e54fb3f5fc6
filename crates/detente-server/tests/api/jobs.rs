//! `POST /api/montecarlo` and `GET`/`DELETE /api/jobs/{id}`: the finished job's result equals
//! `detente_sim::montecarlo` for the same seed and options, progress and cancellation, the
//! queue of background jobs (`background_jobs`, shared `concurrent_jobs` slots), and one test
//! per limit and malformed request.

use std::time::Duration;

use detente_models::bargain::{FrontierConfig, PackageConfig, SolveConfig};
use detente_models::dynamics::DynamicsConfig;
use detente_models::forecast::{ForecastConfig, Model};
use detente_server::Limits;
use detente_sim::{MonteCarloConfig, Noise, Target, montecarlo};

use super::*;

pub(crate) fn delete(uri: &str) -> Request<Body> {
    Request::delete(uri).body(Body::empty()).unwrap()
}

/// The job's current state.
pub(crate) async fn poll(app: &Router, id: &str) -> Reply {
    let reply = send(app, get(&format!("/api/jobs/{id}"))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let done = reply.json["done"].as_u64().unwrap();
    assert!(done <= reply.json["total"].as_u64().unwrap());
    reply
}

/// Polls the job until it leaves `queued` and `running` (at most about 120 s).
pub(crate) async fn wait(app: &Router, id: &str) -> Reply {
    for _ in 0..2400 {
        let reply = poll(app, id).await;
        if reply.json["status"] != "running" && reply.json["status"] != "queued" {
            return reply;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {id} did not finish");
}

/// Polls the job until it is `running` (at most about 60 s).
pub(crate) async fn wait_running(app: &Router, id: &str) {
    for _ in 0..1200 {
        let reply = poll(app, id).await;
        if reply.json["status"] == "running" {
            return;
        }
        assert_eq!(reply.json["status"], "queued", "{}", reply.text);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("job {id} did not start");
}

pub(crate) fn through_text(v: &serde_json::Value) -> serde_json::Value {
    serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
}

/// The id of a job a request started, after checking the 202.
pub(crate) fn id_of(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    reply.json["id"].as_str().unwrap().to_owned()
}

/// A job that runs far longer than any test unless cancelled, in short blocks (EUM on every
/// issue of the Istanbul scenario, at the `trials` limit).
pub(crate) const LONG_JOB: &str = "/api/montecarlo?trials=20000&model=eum";

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
    let reply = wait(&app, &id_of(&started)).await;
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

/// The package problem and its solver settings the server uses for a grid `step`.
fn package_target(step: f64) -> Target {
    Target::Package {
        package: PackageConfig {
            step,
            ..PackageConfig::default()
        },
        solve: SolveConfig {
            zopa_count_limit: 0,
            frontier: FrontierConfig {
                max_candidates: Limits::default().frontier_candidates,
                ..FrontierConfig::default()
            },
            ..SolveConfig::default()
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_with_noise_and_a_step_equals_the_library() {
    let app = app();
    // A coarse grid (5 points per issue) keeps the package target quick in a debug build.
    let started = post_toml(
        &app,
        "/api/montecarlo?trials=40&seed=5&model=compromise,package\
         &noise=salience=0.2,capability=0.3,%20position=4&scenario_uncertainty=false&step=25",
        ISTANBUL,
    )
    .await;
    let reply = wait(&app, &id_of(&started)).await;
    assert_eq!(reply.json["status"], "done", "{}", reply.text);
    let scenario = detente_core::parse("x.toml", ISTANBUL).unwrap().scenario;
    let targets = [
        Target::Spatial(ForecastConfig {
            models: vec![Model::Compromise],
            ..ForecastConfig::default()
        }),
        package_target(25.0),
    ];
    let noise = Noise {
        position: Some(4.0),
        salience: 0.2,
        capability: 0.3,
        ignore_scenario: true,
        ..Noise::default()
    };
    let config = MonteCarloConfig {
        trials: 40,
        seed: 5,
        noise,
        ..MonteCarloConfig::default()
    };
    let expected =
        serde_json::to_value(montecarlo(&scenario, &targets, &config, &|_| {}).unwrap()).unwrap();
    assert_eq!(reply.json["result"], through_text(&expected));
    assert_eq!(reply.json["result"]["noise"]["ignore_scenario"], true);
    // The step reaches the package target: another step gives other packages.
    let default_step = wait(
        &app,
        &id_of(
            &post_toml(
                &app,
                "/api/montecarlo?trials=40&seed=5&model=package\
                 &noise=salience=0.2,capability=0.3,position=4&scenario_uncertainty=false&step=50",
                ISTANBUL,
            )
            .await,
        ),
    )
    .await;
    assert_eq!(default_step.json["status"], "done", "{}", default_step.text);
    assert_ne!(
        default_step.json["result"]["metrics"],
        reply.json["result"]["metrics"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delay_job_with_months_and_levers_equals_the_library() {
    let app = app();
    let started = post_toml(
        &app,
        "/api/montecarlo?trials=6&seed=2&model=delay&months=6&levers=ceasefire&step=25&noise=drift=0.3",
        ISTANBUL,
    )
    .await;
    let reply = wait(&app, &id_of(&started)).await;
    assert_eq!(reply.json["status"], "done", "{}", reply.text);
    let scenario = detente_core::parse("x.toml", ISTANBUL).unwrap().scenario;
    let targets = [Target::Delay(DynamicsConfig {
        package: PackageConfig {
            step: 25.0,
            ..PackageConfig::default()
        },
        months: Some(6),
        levers: vec!["ceasefire".to_owned()],
        frontier: FrontierConfig {
            max_candidates: Limits::default().frontier_candidates,
            ..FrontierConfig::default()
        },
        ..DynamicsConfig::default()
    })];
    let mut noise = Noise::default();
    noise.set("drift=0.3").unwrap();
    let config = MonteCarloConfig {
        trials: 6,
        seed: 2,
        noise,
        ..MonteCarloConfig::default()
    };
    let expected =
        serde_json::to_value(montecarlo(&scenario, &targets, &config, &|_| {}).unwrap()).unwrap();
    assert_eq!(reply.json["result"], through_text(&expected));
    // Six months: the ripeness month's histogram has one bin per month 0..=6.
    let month = reply.json["result"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "delay/ripeness-month")
        .unwrap();
    assert_eq!(month["range"][1], 7.0);
}

/// Posts `uri` and asserts a 4xx whose message names `param`.
pub(crate) async fn assert_refused(app: &Router, uri: &str, body: &str, status: u16, param: &str) {
    let reply = post_toml(app, uri, body).await;
    let code = match status {
        400 => "bad_request",
        _ => "unprocessable",
    };
    assert_error(&reply, status, code, None);
    let message = reply.json["error"]["message"].as_str().unwrap();
    assert!(message.contains(param), "{uri}: {message}");
}

#[tokio::test]
async fn a_malformed_noise_is_400_naming_the_setting() {
    let app = app();
    for (noise, part) in [
        ("salience", "salience"),
        ("volume=1", "volume"),
        ("salience=-1", "salience"),
        ("capability=lots", "lots"),
        ("position=inf", "inf"),
        ("salience=0.1,,cost", "cost"),
    ] {
        let uri = format!("/api/montecarlo?noise={noise}");
        assert_refused(&app, &uri, SMALL, 400, "noise").await;
        assert_refused(&app, &uri, SMALL, 400, part).await;
    }
    let long = format!("/api/montecarlo?noise=salience={}", "1".repeat(200));
    assert_refused(&app, &long, SMALL, 400, "noise").await;
}

#[tokio::test]
async fn a_malformed_scenario_uncertainty_is_400() {
    for value in ["yes", "0", ""] {
        let uri = format!("/api/montecarlo?scenario_uncertainty={value}");
        assert_refused(&app(), &uri, SMALL, 400, "scenario_uncertainty").await;
    }
}

#[tokio::test]
async fn a_malformed_step_is_400_and_a_fine_one_over_grid_points_is_422() {
    let app = app();
    for step in ["0", "-5", "wide", "inf", "NaN"] {
        let uri = format!("/api/montecarlo?model=package&step={step}");
        assert_refused(&app, &uri, SMALL, 400, "step").await;
    }
    // 1000 grid points per issue: the package target is refused before the job starts.
    let reply = post_toml(&app, "/api/montecarlo?model=package&step=0.1", SMALL).await;
    assert_error(&reply, 422, "limit_exceeded", Some(("grid_points", 201)));
    let reply = post_toml(&app, "/api/montecarlo?model=delay&step=0.1", ISTANBUL).await;
    assert_error(&reply, 422, "limit_exceeded", Some(("grid_points", 201)));
}

#[tokio::test]
async fn malformed_months_are_4xx() {
    let app = app();
    for months in ["0", "-1", "soon"] {
        let uri = format!("/api/montecarlo?model=delay&months={months}");
        assert_refused(&app, &uri, ISTANBUL, 400, "months").await;
    }
    let reply = post_toml(&app, "/api/montecarlo?model=delay&months=121", ISTANBUL).await;
    assert_error(&reply, 400, "limit_exceeded", Some(("months", 120)));
    // A horizon over the limit in the scenario itself is refused too, as `POST /api/delay` does.
    let long = ISTANBUL.replace("horizon = 24", "horizon = 500");
    let reply = post_toml(&app, "/api/montecarlo?model=delay", &long).await;
    assert_error(&reply, 422, "limit_exceeded", Some(("months", 120)));
    // Months without the delay model would be ignored, so they are refused.
    assert_refused(
        &app,
        "/api/montecarlo?model=compromise&months=6",
        ISTANBUL,
        400,
        "months",
    )
    .await;
    // `all` on a scenario without `[time]` runs no delay model either.
    assert_refused(&app, "/api/montecarlo?months=6", SMALL, 422, "months").await;
}

#[tokio::test]
async fn unknown_levers_are_422_before_a_job_starts() {
    let app = app_with(Limits {
        jobs: 1,
        ..Limits::default()
    });
    let reply = post_toml(
        &app,
        "/api/montecarlo?model=delay&step=25&levers=ceasefire,blockade",
        ISTANBUL,
    )
    .await;
    assert_error(&reply, 422, "unprocessable", None);
    assert!(reply.text.contains("blockade"), "{}", reply.text);
    assert_refused(
        &app,
        "/api/montecarlo?model=eum&levers=ceasefire",
        ISTANBUL,
        400,
        "levers",
    )
    .await;
    // No job was created: the only job place is still free.
    let started = post_toml(&app, "/api/montecarlo?trials=5&model=compromise", SMALL).await;
    wait(&app, &id_of(&started)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_job_stays_queued_until_the_first_is_cancelled() {
    let app = app_with(Limits {
        background_jobs: 1,
        concurrent_jobs: 2,
        ..Limits::default()
    });
    let first = id_of(&post_toml(&app, LONG_JOB, ISTANBUL).await);
    wait_running(&app, &first).await;
    let second =
        id_of(&post_toml(&app, "/api/sensitivity?trials=10&model=compromise", SMALL).await);
    let third = id_of(&post_toml(&app, "/api/montecarlo?trials=10&model=compromise", SMALL).await);
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        for id in [&second, &third] {
            let reply = poll(&app, id).await;
            assert_eq!(reply.json["status"], "queued", "{}", reply.text);
            assert_eq!(reply.json["done"], 0);
        }
    }
    // Cancelling a queued job ends it at once, without running.
    let reply = send(&app, delete(&format!("/api/jobs/{third}"))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["status"], "cancelled", "{}", reply.text);
    let reply = wait(&app, &third).await;
    assert_eq!(reply.json["status"], "cancelled", "{}", reply.text);
    assert_eq!(reply.json["done"], 0);
    // Cancelling the running job lets the queued one run.
    send(&app, delete(&format!("/api/jobs/{first}"))).await;
    assert_eq!(wait(&app, &first).await.json["status"], "cancelled");
    let reply = wait(&app, &second).await;
    assert_eq!(reply.json["status"], "done", "{}", reply.text);
    // The permit and the slot were released: another job runs to the end.
    let fourth = id_of(&post_toml(&app, "/api/montecarlo?trials=10&model=compromise", SMALL).await);
    assert_eq!(wait(&app, &fourth).await.json["status"], "done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_job_runs_when_the_first_finishes_and_its_budget_starts_then() {
    // The first job runs out of its budget (it cannot finish 20000 EUM trials in 1.5 s); the
    // second, queued meanwhile for longer than a budget, still gets a whole budget to run in.
    let app = app_with(Limits {
        background_jobs: 1,
        concurrent_jobs: 2,
        job_wall_time: Duration::from_millis(1500),
        ..Limits::default()
    });
    let first = id_of(&post_toml(&app, LONG_JOB, ISTANBUL).await);
    wait_running(&app, &first).await;
    let second = id_of(&post_toml(&app, "/api/montecarlo?trials=10&model=compromise", SMALL).await);
    assert_eq!(poll(&app, &second).await.json["status"], "queued");
    let reply = wait(&app, &first).await;
    assert_eq!(reply.json["status"], "timed_out", "{}", reply.text);
    let reply = wait(&app, &second).await;
    assert_eq!(reply.json["status"], "done", "{}", reply.text);
    assert_eq!(reply.json["done"], 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_job_holds_one_of_the_concurrent_jobs_slots() {
    let app = app_with(Limits {
        background_jobs: 2,
        concurrent_jobs: 1,
        wall_time: Duration::from_millis(300),
        ..Limits::default()
    });
    let first = id_of(&post_toml(&app, LONG_JOB, ISTANBUL).await);
    wait_running(&app, &first).await;
    // The only slot is the job's, so a model request waits out its budget.
    let reply = post_toml(&app, "/api/forecast?models=compromise", SMALL).await;
    assert_error(&reply, 504, "timeout", Some(("wall_time_ms", 300)));
    send(&app, delete(&format!("/api/jobs/{first}"))).await;
    assert_eq!(wait(&app, &first).await.json["status"], "cancelled");
    // Once the job stopped its slot is free again.
    let reply = post_toml(&app, "/api/forecast?models=compromise", SMALL).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}
