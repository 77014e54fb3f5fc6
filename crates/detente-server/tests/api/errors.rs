//! One test per limit and per kind of malformed request: each gets the documented status, a JSON
//! error naming what went wrong and, for limits, the limit's name and value.

use std::time::Duration;

use axum::body::Body;
use detente_server::{Limits, ServerConfig, router};

use super::*;

#[tokio::test]
async fn content_type_other_than_toml_or_json_is_415() {
    let app = app();
    for ct in [
        None,
        Some("text/plain"),
        Some("application/xml"),
        Some("multipart/form-data"),
    ] {
        let reply = send(&app, post("/api/forecast", ct, ISTANBUL)).await;
        assert_error(&reply, 415, "unsupported_media_type", None);
    }
}

#[tokio::test]
async fn body_over_the_limit_is_413_with_or_without_a_length() {
    let app = app_with(Limits {
        body_bytes: 1000,
        ..Limits::default()
    });
    // Declared length.
    let reply = post_toml(&app, "/api/validate", ISTANBUL).await;
    assert_error(&reply, 413, "limit_exceeded", Some(("body_bytes", 1000)));
    // Streamed without a length: the cap applies while reading.
    let chunks: Vec<Result<String, std::io::Error>> =
        ISTANBUL.lines().map(|l| Ok(format!("{l}\n"))).collect();
    let body = Body::from_stream(futures_stream(chunks));
    let reply = send(&app, post("/api/validate", Some("application/toml"), body)).await;
    assert_error(&reply, 413, "limit_exceeded", Some(("body_bytes", 1000)));
    // Just under the limit is read (and then judged on its content).
    let reply = post_toml(&app, "/api/validate", &"#".repeat(999)).await;
    assert_error(&reply, 422, "invalid_scenario", None);
}

fn futures_stream(
    items: Vec<Result<String, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<String, std::io::Error>> + Send + 'static {
    tokio_stream::iter(items)
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_400() {
    let reply = send(
        &app(),
        post(
            "/api/validate",
            Some("application/toml"),
            vec![0xff_u8, 0xfe, 0x00],
        ),
    )
    .await;
    assert_error(&reply, 400, "bad_request", None);
}

#[tokio::test]
async fn invalid_toml_is_422_with_line_and_column() {
    let reply = post_toml(
        &app(),
        "/api/forecast",
        "[scenario]\ntitle = \"x\"\n[[actors]\n",
    )
    .await;
    assert_error(&reply, 422, "invalid_scenario", None);
    let f = &reply.json["error"]["findings"][0];
    assert_eq!(f["line"], 3, "{}", reply.text);
    assert!(f["message"].as_str().unwrap().contains("invalid TOML"));
}

#[tokio::test]
async fn invalid_scenario_gives_the_findings_the_cli_gives() {
    let bad = SMALL.replacen("salience = 0.9", "salience = 1.5", 1);
    let reply = post_toml(&app(), "/api/validate", &bad).await;
    assert_error(&reply, 422, "invalid_scenario", None);
    let err = detente_core::parse("request.toml", &bad).unwrap_err();
    let findings = reply.json["error"]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), err.errors().len());
    let source = detente_core::Source::new("request.toml", bad.as_str());
    for (out, e) in findings.iter().zip(err.errors()) {
        let f = e.finding();
        assert_eq!(out["path"], f.path.to_string());
        assert_eq!(out["message"], f.message);
        assert_eq!(out["help"], f.help);
        let (line, column) = source.line_col(f.span.clone().unwrap().start);
        assert_eq!(out["line"], line);
        assert_eq!(out["column"], column);
    }
    assert_eq!(findings[0]["path"], "issues[0].positions[0].salience");
    let line = bad
        .lines()
        .position(|l| l.contains("salience = 1.5"))
        .unwrap()
        + 1;
    assert_eq!(findings[0]["line"], line);
}

#[tokio::test]
async fn invalid_json_is_422_with_its_line() {
    let reply = send(
        &app(),
        post(
            "/api/validate",
            Some("application/json"),
            "{\n\"scenario\": {\"title\": 3}\n}",
        ),
    )
    .await;
    assert_error(&reply, 422, "invalid_scenario", None);
    assert_eq!(reply.json["error"]["findings"][0]["path"], "scenario.title");
}

#[tokio::test]
async fn scenario_count_limits_are_413() {
    // SMALL has 4 actors, 2 issues and 7 positions.
    let cases = [
        (
            Limits {
                actors: 3,
                ..Limits::default()
            },
            "actors",
            3,
        ),
        (
            Limits {
                issues: 1,
                ..Limits::default()
            },
            "issues",
            1,
        ),
        (
            Limits {
                positions: 5,
                ..Limits::default()
            },
            "positions",
            5,
        ),
    ];
    for (limits, name, value) in cases {
        let app = app_with(limits);
        for uri in ["/api/validate", "/api/forecast", "/api/bargain"] {
            let reply = post_toml(&app, uri, SMALL).await;
            assert_error(&reply, 413, "limit_exceeded", Some((name, value)));
        }
    }
    // And the defaults let the bundled scenario through.
    assert_eq!(
        post_toml(&app(), "/api/validate", SMALL).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn eum_rounds_over_the_limit_is_400() {
    let app = app();
    let reply = post_toml(&app, "/api/forecast?rounds=201", SMALL).await;
    assert_error(&reply, 400, "limit_exceeded", Some(("eum_rounds", 200)));
    assert_eq!(
        post_toml(&app, "/api/forecast?rounds=200", SMALL)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn malformed_query_parameters_are_400() {
    let app = app();
    for uri in [
        "/api/forecast?rounds=0",
        "/api/forecast?rounds=ten",
        "/api/forecast?rounds=-3",
        "/api/forecast?models=astrology",
        "/api/forecast?models=,",
        "/api/forecast?preset=oracle",
        "/api/forecast?round=5",
        "/api/validate?strict=true",
        "/api/bargain?step=0",
        "/api/bargain?step=-1",
        "/api/bargain?step=NaN",
        "/api/bargain?step=inf",
        "/api/bargain?loss=cubic",
    ] {
        let reply = post_toml(&app, uri, SMALL).await;
        assert_error(&reply, 400, "bad_request", None);
    }
}

#[tokio::test]
async fn bargain_limits_are_named() {
    let app = app();
    // 0.4 on a 0-100 scale: 251 grid points, over 201; 0.5 gives exactly 201.
    let reply = post_toml(&app, "/api/bargain?step=0.4", SMALL).await;
    assert_error(&reply, 422, "limit_exceeded", Some(("grid_points", 201)));
    assert_eq!(
        post_toml(&app, "/api/bargain?step=0.5", SMALL).await.status,
        StatusCode::OK
    );
    let reply = post_toml(&app, "/api/bargain?parties=a,b,c,d,e", SMALL).await;
    assert_error(&reply, 400, "limit_exceeded", Some(("parties", 4)));
    let small = app_with(Limits {
        frontier_candidates: 10,
        ..Limits::default()
    });
    let reply = post_toml(&small, "/api/bargain", SMALL).await;
    assert_error(
        &reply,
        422,
        "limit_exceeded",
        Some(("frontier_candidates", 10)),
    );
}

#[tokio::test]
async fn bargain_requests_the_model_refuses_are_422() {
    let app = app();
    for uri in [
        "/api/bargain?parties=north",
        "/api/bargain?parties=north,nobody",
    ] {
        let reply = post_toml(&app, uri, SMALL).await;
        assert_error(&reply, 422, "unprocessable", None);
    }
}

#[tokio::test]
async fn too_many_requests_at_once_is_503_with_retry_after() {
    let app = app_with(Limits {
        queued_requests: 0,
        ..Limits::default()
    });
    let reply = post_toml(&app, "/api/forecast", SMALL).await;
    assert_error(&reply, 503, "busy", Some(("queued_requests", 0)));
    assert_eq!(reply.headers["retry-after"], "2");
}

#[tokio::test]
async fn a_run_over_the_wall_time_budget_is_504() {
    // A zero budget expires before any model run can finish (the slow-work case with a real
    // sleep is tested deterministically in `job.rs`).
    let app = app_with(Limits {
        wall_time: Duration::ZERO,
        ..Limits::default()
    });
    let reply = post_toml(&app, "/api/forecast?rounds=200&preset=bdm", ISTANBUL).await;
    assert_error(&reply, 504, "timeout", Some(("wall_time_ms", 0)));
}

/// The largest scenario the default limits accept: 100 actors holding positions on 20 issues,
/// drawn from a fixed linear congruential sequence.
fn largest_scenario() -> String {
    let mut state = 2026_u64;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut text = String::from("[scenario]\ntitle = \"largest\"\n");
    for a in 0..100 {
        text += &format!(
            "[[actors]]\nid = \"a{a}\"\nname = \"A{a}\"\nrole = \"principal\"\ncapability = {:.3}\n",
            1.0 + 99.0 * next()
        );
    }
    for i in 0..20 {
        text += &format!(
            "[[issues]]\nid = \"i{i}\"\nname = \"I{i}\"\nscale = [0, 100]\nstatus_quo = 50\n"
        );
        for a in 0..100 {
            text += &format!(
                "[[issues.positions]]\nactor = \"a{a}\"\nposition = {:.3}\nsalience = {:.3}\n",
                100.0 * next(),
                0.1 + 0.9 * next()
            );
        }
    }
    text
}

/// Issue 16: a forecast over its wall-time budget stops its EUM runs before their next round,
/// so its slot is free at once. 200 BDM rounds on the largest scenario the limits accept take
/// about 11 s on this project's machines; with one slot and a 1 s budget the next request would
/// wait out its own budget behind the first if that kept running (as it did before).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forecast_over_its_budget_frees_its_slot() {
    let app = app_with(Limits {
        concurrent_jobs: 1,
        wall_time: Duration::from_secs(1),
        ..Limits::default()
    });
    let reply = post_toml(
        &app,
        "/api/forecast?models=eum&preset=bdm&rounds=200",
        &largest_scenario(),
    )
    .await;
    assert_error(&reply, 504, "timeout", Some(("wall_time_ms", 1000)));
    let reply = post_toml(&app, "/api/forecast?models=compromise", SMALL).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_get_json_errors() {
    let app = app();
    for uri in [
        "/api/nothing",
        "/api/scenarios/../../etc/passwd",
        "/api/scenarios/%2e%2e%2fCargo.toml",
        "/assets/../Cargo.toml",
        "/assets/js/nope.js",
        "/etc/passwd",
    ] {
        let reply = send(&app, get(uri)).await;
        assert_error(&reply, 404, "not_found", None);
        assert!(!reply.text.contains("[workspace]"));
    }
    let reply = send(&app, get("/api/forecast")).await;
    assert_error(&reply, 405, "method_not_allowed", None);
    let reply = send(&app, post("/api/health", Some("application/json"), "{}")).await;
    assert_error(&reply, 405, "method_not_allowed", None);
}

#[tokio::test]
async fn with_a_token_only_health_is_open() {
    let app = router(ServerConfig {
        limits: Limits::default(),
        token: Some("0123456789abcdef-secret".to_owned()),
        ..ServerConfig::default()
    });
    assert_eq!(send(&app, get("/api/health")).await.status, StatusCode::OK);
    let reply = send(&app, get("/api/scenarios/istanbul")).await;
    assert_error(&reply, 401, "unauthorized", None);
    assert_eq!(reply.headers["www-authenticate"], "Bearer");
    for header in [
        "Bearer wrong",
        "Bearer 0123456789abcdef-secreT",
        "0123456789abcdef-secret",
        "",
    ] {
        let request = Request::post("/api/forecast")
            .header("content-type", "application/toml")
            .header("authorization", header)
            .body(Body::from(SMALL))
            .unwrap();
        assert_error(&send(&app, request).await, 401, "unauthorized", None);
    }
    let request = Request::post("/api/forecast")
        .header("content-type", "application/toml")
        .header("authorization", "Bearer 0123456789abcdef-secret")
        .body(Body::from(SMALL))
        .unwrap();
    assert_eq!(send(&app, request).await.status, StatusCode::OK);
}
