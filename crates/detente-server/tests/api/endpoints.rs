//! What each endpoint returns, checked against the library called directly: the server must add
//! no modelling of its own.

use detente_models::bargain::{FrontierConfig, PackageConfig, SolveConfig, from_scenario, solve};
use detente_models::eum::{EumConfig, EumPreset};
use detente_models::forecast::{ForecastConfig, Model, forecast};
use detente_server::Limits;

use super::*;

#[tokio::test]
async fn health_reports_the_limits_in_force() {
    let reply = send(&app(), get("/api/health")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json["status"], "ok");
    for (name, value) in Limits::default().table() {
        assert_eq!(reply.json["limits"][name], value, "{name}");
    }
    // `app()` has no run store.
    assert_eq!(reply.json["run_store"], false);
}

#[tokio::test]
async fn istanbul_is_the_bundled_file() {
    let reply = send(&app(), get("/api/scenarios/istanbul")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/toml")
    );
    assert_eq!(reply.text, ISTANBUL);
}

#[tokio::test]
async fn validate_returns_counts_warnings_and_a_toml_that_round_trips() {
    let app = app();
    let reply = post_toml(&app, "/api/validate", ISTANBUL).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let parsed = detente_core::parse("x.toml", ISTANBUL).unwrap();
    assert_eq!(reply.json["counts"]["actors"], parsed.scenario.actors.len());
    assert_eq!(reply.json["counts"]["issues"], parsed.scenario.issues.len());
    assert_eq!(
        reply.json["warnings"].as_array().unwrap().len(),
        parsed.warnings.len()
    );
    // The JSON document posted back validates to the same document, and so does the TOML.
    let json = serde_json::to_string(&reply.json["scenario"]).unwrap();
    let again = send(&app, post("/api/validate", Some("application/json"), json)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.json["scenario"], reply.json["scenario"]);
    let toml = reply.json["toml"].as_str().unwrap();
    let third = post_toml(&app, "/api/validate", toml).await;
    assert_eq!(third.json["scenario"], reply.json["scenario"]);
}

#[tokio::test]
async fn validate_reports_warnings_with_their_line() {
    // Istanbul has no warnings, so add an actor that takes no position anywhere: the core warns
    // about exactly that, and the warning must come back with its path, message and line.
    let text = format!(
        "{ISTANBUL}\n[[actors]]\nid = \"idle\"\nname = \"Idle\"\ncapability = 1\nrole = \"observer\"\n"
    );
    let parsed = detente_core::parse("request.toml", &text).unwrap();
    assert_eq!(parsed.warnings.len(), 1, "the fixture must warn once");
    let reply = post_toml(&app(), "/api/validate", &text).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let warnings = reply.json["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{}", reply.text);
    let (w, out) = (&parsed.warnings[0], &warnings[0]);
    assert_eq!(out["path"], w.finding().path.to_string());
    assert_eq!(
        out["message"],
        "actor `idle` takes no position on any issue"
    );
    assert_eq!(out["severity"], "warning");
    // The `id = "idle"` line of the appended actor.
    let line = text.lines().position(|l| l == "id = \"idle\"").unwrap() + 1;
    assert_eq!(out["line"], line, "{}", reply.text);
}

#[tokio::test]
async fn forecast_equals_the_library_forecast() {
    let scenario = detente_core::parse("x.toml", ISTANBUL).unwrap().scenario;
    let cases = [
        ("/api/forecast", ForecastConfig::default()),
        (
            "/api/forecast?models=eum,compromise&preset=bdm&rounds=25",
            ForecastConfig {
                models: vec![Model::Compromise, Model::Eum],
                eum_preset: EumPreset::Bdm,
                eum: EumConfig {
                    max_rounds: 25,
                    ..EumConfig::bdm()
                },
                ..ForecastConfig::default()
            },
        ),
    ];
    for (uri, config) in cases {
        let reply = post_toml(&app(), uri, ISTANBUL).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        // Compared as text: the same serialiser on both sides, no float re-parsing in between.
        let expected = serde_json::to_string(&forecast(&scenario, &config)).unwrap();
        assert!(reply.text == expected, "{uri}");
        assert_eq!(reply.json["schema"], "detente.forecast/1");
    }
}

/// Issue 15: `?models=smp` runs KTAB's model on a scenario's space, as the library does.
#[tokio::test]
async fn forecast_smp_on_a_space_equals_the_library() {
    let csv = include_str!("../../../detente-models/tests/data/ktab/SOE-Pol-Comp.csv");
    let toml = detente_core::import::import("SOE-Pol-Comp.csv", csv, &Default::default())
        .unwrap()
        .file
        .to_toml();
    let scenario = detente_core::parse("x.toml", &toml).unwrap().scenario;
    let reply = post_toml(&app(), "/api/forecast?models=smp,median", &toml).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let config = ForecastConfig {
        models: vec![Model::Median, Model::Smp],
        ..ForecastConfig::default()
    };
    let expected = serde_json::to_string(&forecast(&scenario, &config)).unwrap();
    assert!(reply.text == expected, "{}", reply.text);
    assert_eq!(
        reply.json["issues"][0]["smp"]["space"],
        scenario.spaces[0].id
    );
}

#[tokio::test]
async fn forecast_accepts_json_scenarios() {
    let file: detente_core::ScenarioFile = toml::from_str(SMALL).unwrap();
    let json = serde_json::to_string(&file).unwrap();
    let a = send(
        &app(),
        post(
            "/api/forecast",
            Some("application/json; charset=utf-8"),
            json,
        ),
    )
    .await;
    let b = post_toml(&app(), "/api/forecast", SMALL).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json, b.json);
}

#[tokio::test]
async fn bargain_equals_the_library_solutions() {
    let scenario = detente_core::parse("x.toml", ISTANBUL).unwrap().scenario;
    let reply = post_toml(&app(), "/api/bargain?step=10&loss=linear", ISTANBUL).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let config = PackageConfig {
        step: 10.0,
        loss: detente_models::bargain::Loss::Linear,
        ..PackageConfig::default()
    };
    let problem = from_scenario(&scenario, &config).unwrap();
    let limits = Limits::default();
    let solutions = solve(
        &problem,
        &SolveConfig {
            frontier: FrontierConfig {
                max_candidates: limits.frontier_candidates,
                ..FrontierConfig::default()
            },
            zopa_count_limit: limits.zopa_enumeration,
            // The API weights the Nash product by capability, like `detente bargain`.
            nash_weights: detente_models::bargain::NashWeights::PartyWeights,
            ..SolveConfig::default()
        },
    )
    .unwrap();
    let j = &reply.json;
    assert_eq!(j["schema"], "detente.bargain/2");
    assert_eq!(j["parties"][0]["id"], "russia");
    assert_eq!(j["parties"][1]["id"], "ukraine");
    assert_eq!(
        j["frontier"].as_array().unwrap().len(),
        solutions.frontier.points.len()
    );
    let nash = solutions.nash.unwrap();
    assert_eq!(
        j["solutions"]["nash"]["utilities"],
        serde_json::to_value(&nash.utilities).unwrap()
    );
    // Packages come back as positions on each issue's scale, not grid indices.
    let package: Vec<f64> =
        serde_json::from_value(j["solutions"]["nash"]["package"].clone()).unwrap();
    for ((x, issue), &index) in package
        .iter()
        .zip(problem.domain().issues())
        .zip(&nash.package.0)
    {
        assert_eq!(Some(*x), issue.values[index].number);
    }
    assert_eq!(j["zopa"]["exists"], solutions.zopa.exists);
}

#[tokio::test]
async fn dashboard_and_assets_are_served_with_a_strict_policy() {
    let app = app();
    let index = send(&app, get("/")).await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.text.contains("<title>detente dashboard</title>"));
    let csp = index.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    for path in [
        "style.css",
        "js/app.js",
        "js/api.js",
        "js/format.js",
        "js/scenario-table.js",
        "js/views/forecast.js",
        "js/views/bargain.js",
    ] {
        let reply = send(&app, get(&format!("/assets/{path}"))).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(!reply.text.is_empty());
    }
}

#[tokio::test]
async fn every_module_the_dashboard_imports_is_served() {
    // An import of a file that is not embedded would only show up in the browser.
    let app = app();
    let mut pending = vec!["js/app.js".to_owned()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(path) = pending.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let reply = send(&app, get(&format!("/assets/{path}"))).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{path} is imported but not served"
        );
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
        for line in reply.text.lines().filter(|l| l.starts_with("import ")) {
            let spec = line.split('"').nth(1).unwrap();
            let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
            for seg in spec.split('/') {
                match seg {
                    "." => {}
                    ".." => {
                        parts.pop();
                    }
                    s => parts.push(s),
                }
            }
            pending.push(parts.join("/"));
        }
    }
    assert!(seen.len() >= 6, "{seen:?}");
}
