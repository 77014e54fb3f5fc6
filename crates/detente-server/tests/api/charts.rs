//! `POST /api/charts`: the dashboard's charts are the report's charts, and a document that is
//! not what its kind says gets an error naming the field.

use detente_core::parse;
use detente_models::forecast::{ForecastConfig, forecast};
use detente_report::charts::Names;
use detente_report::{ReportInput, plots};
use serde_json::json;

use super::{ISTANBUL, app, app_with, assert_error, post, post_toml, send};

fn chart_request(kind: &str, document: &serde_json::Value, names: &Names) -> String {
    json!({ "kind": kind, "document": document, "names": names }).to_string()
}

#[tokio::test]
async fn the_dashboards_forecast_charts_are_the_reports_charts() {
    let app = app();
    let doc = post_toml(&app, "/api/forecast", ISTANBUL).await;
    assert_eq!(doc.status, 200, "{}", doc.text);
    let scenario = parse("istanbul.toml", ISTANBUL).unwrap().scenario;
    let names = Names::of(&scenario);
    let reply = send(
        &app,
        post(
            "/api/charts",
            Some("application/json"),
            chart_request("forecast", &doc.json, &names),
        ),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["schema"], "detente.charts/1");
    let charts = reply.json["charts"].as_array().unwrap();
    // A headline and an EUM chart per issue.
    assert_eq!(charts.len(), 2 * scenario.issues.len());

    // The same forecast through `detente report --plot` gives the same SVG, byte for byte.
    let direct = forecast(&scenario, &ForecastConfig::default());
    let files = plots(&ReportInput {
        file: "istanbul.toml",
        scenario: &scenario,
        forecast: &direct,
        bargain: Err("not run".to_owned()),
        delay: None,
        levers: None,
        settlement: None,
        settlement_levers: None,
        montecarlo: None,
        sensitivity: None,
    });
    for issue in &scenario.issues {
        for (chart, file) in [
            ("eum-rounds", format!("eum-{}.svg", issue.id)),
            ("headline", format!("headline-{}.svg", issue.id)),
        ] {
            let served = charts
                .iter()
                .find(|c| c["chart"] == chart && c["key"] == issue.id.as_str())
                .unwrap_or_else(|| panic!("no {chart} chart for {}", issue.id));
            let written = files.iter().find(|p| p.file == file).unwrap();
            assert_eq!(served["svg"].as_str().unwrap(), written.svg, "{file}");
        }
    }
    // Six of the actors hold the same ceasefire positions in every round: one line, named in
    // the note.
    let ceasefire = charts
        .iter()
        .find(|c| c["chart"] == "eum-rounds" && c["key"] == "ceasefire")
        .unwrap();
    assert!(
        ceasefire["note"]
            .as_str()
            .unwrap()
            .ends_with("hold the same positions in every round and share one line."),
        "{}",
        ceasefire["note"]
    );
}

#[tokio::test]
async fn a_document_of_another_kind_is_refused_naming_the_field() {
    let app = app();
    let names = Names::default();
    let doc = json!({ "issues": [{ "issue": "a", "name": "A" }] });
    let reply = send(
        &app,
        post(
            "/api/charts",
            Some("application/json"),
            chart_request("forecast", &doc, &names),
        ),
    )
    .await;
    assert_error(&reply, 422, "unprocessable", None);
    let message = reply.json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("forecast") && message.contains("issues[0]") && message.contains("scale"),
        "{message}"
    );

    let reply = send(
        &app,
        post(
            "/api/charts",
            Some("application/json"),
            chart_request("pie", &doc, &names),
        ),
    )
    .await;
    assert_error(&reply, 400, "bad_request", None);
    assert!(reply.text.contains("pie"), "{}", reply.text);

    let reply = send(
        &app,
        post("/api/charts", Some("application/toml"), "kind = 1"),
    )
    .await;
    assert_eq!(reply.status, 415, "{}", reply.text);
}

/// A histogram whose counts add up past `u64::MAX` is drawn, not a 500: the chart summed them
/// in `u64` and panicked (found by an audit of numbers read from requests).
#[tokio::test]
async fn a_histogram_whose_counts_overflow_is_drawn() {
    let doc = json!({ "metrics": [{
        "key": "k", "issue": null, "model": "compromise", "kind": "probability", "range": null,
        "baseline": null, "p05": null, "median": null, "p95": null,
        "histogram": { "lo": 0, "hi": 1, "counts": [u64::MAX, 1] }
    }] });
    let reply = send(
        &app(),
        post(
            "/api/charts",
            Some("application/json"),
            chart_request("montecarlo", &doc, &Names::default()),
        ),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(reply.text.contains("<svg"), "{}", reply.text);
}

#[tokio::test]
async fn a_chart_request_over_its_size_limit_gets_413() {
    let app = app_with(detente_server::Limits {
        chart_body_bytes: 1000,
        ..detente_server::Limits::default()
    });
    let doc = json!({ "issues": [], "padding": "x".repeat(2000) });
    let reply = send(
        &app,
        post(
            "/api/charts",
            Some("application/json"),
            chart_request("forecast", &doc, &Names::default()),
        ),
    )
    .await;
    assert_error(
        &reply,
        413,
        "limit_exceeded",
        Some(("chart_body_bytes", 1000)),
    );
}
