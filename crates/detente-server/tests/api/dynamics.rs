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
/// options, and its settlement trials, seed and rate noise over the library's defaults.
fn analysis(
    config: &DynamicsConfig,
    trials: u64,
    seed: Option<u64>,
    rate_noise: Option<f64>,
) -> detente_analysis::AnalysisConfig {
    let mut analysis = detente_analysis::AnalysisConfig {
        package: config.package.clone(),
        months: config.months,
        levers: config.levers.clone(),
        first_proposer: config.first_proposer.clone(),
        ..detente_analysis::AnalysisConfig::default()
    }
    .with_frontier(config.frontier.clone());
    analysis.settle.trials = trials;
    analysis.settle.seed = seed.unwrap_or(analysis.settle.seed);
    analysis.settle.rate_noise = rate_noise.unwrap_or(analysis.settle.rate_noise);
    analysis
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
    // Fewer settlement trials than the default 1,000 keep the test quick; `trials`, `seed` and
    // `rate_noise` reach the settlement forecast as the CLI's options do.
    let cases = [
        (
            "/api/delay?trials=100",
            (100, None, None),
            DynamicsConfig {
                frontier: frontier(),
                ..DynamicsConfig::default()
            },
        ),
        (
            "/api/delay?months=3&levers=ceasefire,eu-sanctions&first_proposer=ukraine&step=10&loss=linear&trials=60&seed=7&rate_noise=0.2",
            (60, Some(7), Some(0.2)),
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
    for (uri, (trials, seed, rate_noise), config) in cases {
        let reply = post_toml(&app, uri, &text).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text);
        let report = delay(&scenario, &config).unwrap();
        let mut expected = serde_json::to_value(&report).unwrap();
        expected["schema"] = "detente.delay/1".into();
        expected["title"] = scenario.meta.title.clone().into();
        // Istanbul has beliefs, audience costs and enforcement, so the settlement forecast
        // comes with it, as the library gives it.
        assert!(detente_analysis::fights(&scenario));
        let settlement =
            detente_analysis::settlement(&scenario, &analysis(&config, trials, seed, rate_noise))
                .unwrap();
        if seed.is_some() {
            // The seed and the rate noise change the forecast, so the equality below shows
            // they were read.
            let defaults =
                detente_analysis::settlement(&scenario, &analysis(&config, trials, None, None))
                    .unwrap();
            assert_ne!(
                serde_json::to_value(&settlement).unwrap(),
                serde_json::to_value(&defaults).unwrap()
            );
        }
        expected["settlement"] = serde_json::to_value(settlement).unwrap();
        assert_eq!(reply.json, through_text(&expected), "{uri}");
    }
    // The options reach the model: the two cases differ.
    let a = post_toml(&app, "/api/delay?trials=50", &text).await;
    let b = post_toml(&app, "/api/delay?levers=ceasefire&trials=50", &text).await;
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
    let reply = post_toml(&patient, "/api/levers?months=3&trials=100", &text).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let mut expected = serde_json::to_value(levers(&scenario, &config).unwrap()).unwrap();
    expected["schema"] = "detente.levers/1".into();
    expected["title"] = scenario.meta.title.clone().into();
    expected["settlement"] = serde_json::to_value(
        detente_analysis::settlement_levers(&scenario, &analysis(&config, 100, None, None))
            .unwrap(),
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
    let reply = post_toml(&app, "/api/delay?months=6&trials=100", ISTANBUL).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

/// The settlement options are checked as the CLI checks `--trials`, `--seed` and
/// `--rate-noise`: a bad value is a 400 naming the parameter, and trials over the `trials`
/// limit a 400 naming the limit.
#[tokio::test]
async fn bad_settlement_options_are_400() {
    let app = app_with(Limits {
        trials: 500,
        ..Limits::default()
    });
    for uri in ["/api/delay", "/api/levers"] {
        for (query, name) in [
            ("trials=0", "trials"),
            ("trials=many", "trials"),
            ("trials=-5", "trials"),
            ("seed=x", "seed"),
            ("rate_noise=-0.1", "rate_noise"),
            ("rate_noise=nan", "rate_noise"),
        ] {
            let reply = post_toml(&app, &format!("{uri}?{query}"), ISTANBUL).await;
            assert_error(&reply, 400, "bad_request", None);
            assert!(
                reply.json["error"]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with(name),
                "{uri}?{query}: {}",
                reply.text
            );
        }
        let reply = post_toml(&app, &format!("{uri}?trials=501"), ISTANBUL).await;
        assert_error(&reply, 400, "limit_exceeded", Some(("trials", 500)));
    }
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
