//! `docs/openapi.yaml` and the router stay in step: every route the router builds is documented,
//! every documented route answers (not 404 or 405), and every limit is in the documented table.

use std::collections::BTreeSet;

use detente_server::{Limits, endpoints};
use yaml_rust2::YamlLoader;

use super::*;

const OPENAPI: &str = include_str!("../../../../docs/openapi.yaml");

fn documented() -> BTreeSet<(String, String)> {
    let docs = YamlLoader::load_from_str(OPENAPI).unwrap();
    let paths = docs[0]["paths"].as_hash().expect("openapi.yaml has paths");
    let mut out = BTreeSet::new();
    for (path, item) in paths {
        for (method, _) in item.as_hash().unwrap() {
            out.insert((
                method.as_str().unwrap().to_ascii_uppercase(),
                path.as_str().unwrap().to_owned(),
            ));
        }
    }
    out
}

#[test]
fn every_route_is_documented_and_every_documented_route_exists() {
    let routed: BTreeSet<(String, String)> = endpoints()
        .into_iter()
        .map(|(m, p)| (m.as_str().to_owned(), p.to_owned()))
        .collect();
    let documented = documented();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let missing: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from docs/openapi.yaml: {undocumented:?}"
    );
    assert!(missing.is_empty(), "documented but not routed: {missing:?}");
}

#[tokio::test]
async fn every_documented_route_answers() {
    let app = app();
    for (method, path) in documented() {
        // Delay and levers need a `[time]` section with levers, which the small file lacks; the
        // charts take a result document.
        // Their settlement forecast runs 100 trials instead of 1,000, to keep the test quick.
        let (content_type, body, query) = match path.as_str() {
            "/api/delay" | "/api/levers" => ("application/toml", short_istanbul(), "?trials=100"),
            "/api/charts" => (
                "application/json",
                r#"{"kind": "forecast", "document": {"issues": []}}"#.to_owned(),
                "",
            ),
            _ => ("application/toml", SMALL.to_owned(), ""),
        };
        let request = Request::builder()
            .method(method.as_str())
            .uri(format!("{path}{query}"))
            .header("content-type", content_type)
            .body(Body::from(body))
            .unwrap();
        let reply = send(&app, request).await;
        if path.starts_with("/api/runs") {
            // The default server has no run store (`tests/api/runs.rs` tests one).
            assert_eq!(
                reply.json["error"]["code"], "no_run_store",
                "{method} {path}"
            );
            continue;
        }
        if path.contains('{') {
            // A templated path taken literally names no job: the route answers, the job is
            // unknown.
            assert_eq!(
                reply.json["error"]["code"], "unknown_job",
                "{method} {path}"
            );
            continue;
        }
        if path == "/api/montecarlo" || path == "/api/sensitivity" {
            assert_eq!(
                reply.status,
                StatusCode::ACCEPTED,
                "{method} {path}: {}",
                reply.text
            );
            continue;
        }
        assert!(
            reply.status != StatusCode::NOT_FOUND && reply.status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {}",
            reply.status
        );
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{method} {path}: {}",
            reply.text
        );
    }
}

#[test]
fn every_limit_is_in_the_documented_table_with_its_default() {
    for (name, value) in Limits::default().table() {
        let row = format!("| {name} | {value} |");
        assert!(
            OPENAPI.contains(&row),
            "docs/openapi.yaml lacks the row `{row}`"
        );
    }
}
