//! `POST /api/delay` and `POST /api/levers` against `detente_models::dynamics` called directly,
//! and one test per limit and malformed request of these two endpoints.

use detente_models::bargain::{FrontierConfig, Loss, PackageConfig};
use detente_models::dynamics::{DynamicsConfig, delay, levers};
use detente_server::Limits;

use super::*;

/// The value as a client reads it: printed and parsed again (serde_json's default float parser
/// may land one ulp away from the printed shortest form, on both sides alike).
fn through_text(v: &serde_json::Value) -> serde_json::Value {
    serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
}

/// The analysis config the server builds for a delay or levers request: the request's model
/// options and the library's defaults for the settlement forecast.
fn analysis(config: &DynamicsConfig) -> detente_analysis::AnalysisConfig {
    detente_analysis::AnalysisConfig {
        package: config.package.clone(),
        months: config.months,
        levers: config.levers.clone(),
        first_proposer: config.first_proposer.clone(),
        ..detente_analysis::AnalysisConfig::default()
    }
    .with_frontier(config.frontier.clone())
}

fn frontier() -> FrontierConfig {
    FrontierConfig {
        max_candidates: Limits::default().frontier_candidates,
        ..FrontierConfig::default()
    }
}

#[tokio::test]
async fn delay_equals_the_library_delay() {
    let text = short_istanbul();
    let scenario = detente_core::parse("x.toml", &text).unwrap().scenario;
    assert_eq!(scenario.time.as_ref().unwrap().horizon, 4);
    let cases = [
        (
            "/api/delay",
            DynamicsConfig {
                frontier: frontier(),
                ..DynamicsConfig::default()
            },
        ),
        (
            "/api/delay?months=3&levers=ceasefire,eu-sanctions&first_proposer=ukraine&step=10&loss=linear",
            DynamicsConfig {
                package: PackageConfig {
                    step: 10.0,
                    loss: Loss::Linear,
                    ..PackageConfig::default()
                },
                months: Some(3),
                levers: vec!["ceasefire".to_owned(), "eu-sanctions".to_owned()],
                first_proposer: Some("ukraine".to_owned()),
                frontier: frontier(),
                ..DynamicsConfig::default()
            },
        ),
    ];
    let app = app();
    for (uri, config) in cases {
        let reply = post_toml(&app, uri, &text).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text);
        let report = delay(&scenario, &config).unwrap();
        let mut expected = serde_json::to_value(&report).unwrap();
        expected["schema"] = "detente.delay/1".into();
        expected["title"] = scenario.meta.title.clone().into();
        // Istanbul has beliefs, audience costs and enforcement, so the settlement forecast
        // comes with it, as the library gives it.
        assert!(detente_analysis::fights(&scenario));
        expected["settlement"] = serde_json::to_value(
            detente_analysis::settlement(&scenario, &analysis(&config)).unwrap(),
        )
        .unwrap();
        assert_eq!(reply.json, through_text(&expected), "{uri}");
    }
    // The options reach the model: the two cases differ.
    let a = post_toml(&app, "/api/delay", &text).await;
    let b = post_toml(&app, "/api/delay?levers=ceasefire", &text).await;
    assert_ne!(a.json["months"], b.json["months"]);
}

#[tokio::test]
async fn levers_equals_the_library_levers() {
    let text = short_istanbul();
    let scenario = detente_core::parse("x.toml", &text).unwrap().scenario;
    let config = DynamicsConfig {
        months: Some(3),
        frontier: frontier(),
        ..DynamicsConfig::default()
    };
    // This compares numbers, not speed: a budget no loaded test machine runs out of (with the
    // other tests running beside it, the levers took over the default 10 s on 2 cores).
    let patient = super::app_with(detente_server::Limits {
        wall_time: std::time::Duration::from_secs(300),
        ..detente_server::Limits::default()
    });
    let reply = post_toml(&patient, "/api/levers?months=3", &text).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let mut expected = serde_json::to_value(levers(&scenario, &config).unwrap()).unwrap();
    expected["schema"] = "detente.levers/1".into();
    expected["title"] = scenario.meta.title.clone().into();
    expected["settlement"] = serde_json::to_value(
        detente_analysis::settlement_levers(&scenario, &analysis(&config)).unwrap(),
    )
    .unwrap();
    assert_eq!(reply.json, through_text(&expected));
    assert_eq!(reply.json["horizon"], 3);
}

#[tokio::test]
async fn a_scenario_without_time_is_422_naming_the_section() {
    let app = app();
    for uri in ["/api/delay", "/api/levers"] {
        let reply = post_toml(&app, uri, SMALL).await;
        assert_error(&reply, 422, "unprocessable", None);
        assert!(
            reply.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("[time]"),
            "{}",
            reply.text
        );
    }
}

#[tokio::test]
async fn a_scenario_without_levers_is_422_on_levers() {
    let cut = ISTANBUL.find("[[time.levers]]").unwrap();
    let reply = post_toml(&app(), "/api/levers", &ISTANBUL[..cut]).await;
    assert_error(&reply, 422, "unprocessable", None);
    assert!(
        reply.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no levers")
    );
}

#[tokio::test]
async fn months_over_the_limit_is_400_and_a_horizon_over_it_422() {
    let app = app_with(Limits {
        months: 6,
        ..Limits::default()
    });
    let reply = post_toml(&app, "/api/delay?months=7", ISTANBUL).await;
    assert_error(&reply, 400, "limit_exceeded", Some(("months", 6)));
    let reply = post_toml(&app, "/api/levers?months=7", ISTANBUL).await;
    assert_error(&reply, 400, "limit_exceeded", Some(("months", 6)));
    // Istanbul's own horizon is 24 months.
    let reply = post_toml(&app, "/api/delay", ISTANBUL).await;
    assert_error(&reply, 422, "limit_exceeded", Some(("months", 6)));
    let reply = post_toml(&app, "/api/delay?months=6", ISTANBUL).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

#[tokio::test]
async fn too_many_levers_is_413() {
    let app = app_with(Limits {
        levers: 5,
        ..Limits::default()
    });
    let reply = post_toml(&app, "/api/levers?months=2", ISTANBUL).await;
    assert_error(&reply, 413, "limit_exceeded", Some(("levers", 5)));
}

#[tokio::test]
async fn a_fine_grid_is_over_grid_points() {
    let reply = post_toml(&app(), "/api/delay?step=0.1", ISTANBUL).await;
    assert_error(&reply, 422, "limit_exceeded", Some(("grid_points", 201)));
}

#[tokio::test]
async fn malformed_dynamics_requests_are_400_or_422() {
    let app = app();
    for (uri, status, code) in [
        ("/api/delay?months=abc", 400, "bad_request"),
        ("/api/delay?months=0", 400, "bad_request"),
        ("/api/delay?months=-3", 400, "bad_request"),
        ("/api/delay?loss=cubic", 400, "bad_request"),
        ("/api/delay?parties=russia,ukraine", 400, "bad_request"),
        ("/api/levers?levers=ceasefire", 400, "bad_request"),
        ("/api/delay?levers=no-such-lever", 422, "unprocessable"),
        ("/api/delay?first_proposer=turkey", 422, "unprocessable"),
    ] {
        let reply = post_toml(&app, uri, ISTANBUL).await;
        assert_error(&reply, status, code, None);
    }
}
