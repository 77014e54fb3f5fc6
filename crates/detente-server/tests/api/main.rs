//! API tests without sockets: every request goes through the router with `oneshot`.
//!
//! `charts.rs` checks `POST /api/charts` against the report's charts; `endpoints.rs` checks what each endpoint returns against the models called directly;
//! `dynamics.rs` does both for delay and levers, `jobs.rs` for the Monte Carlo jobs and the job queue, `sensitivity.rs` for the sensitivity jobs, `runs.rs` for the run store; `pool.rs` checks the pool of model slots (admission, slots, budget, stop flag) and the token check on their own; `errors.rs` has one test per limit and per kind of malformed request; `openapi.rs` keeps
//! `docs/openapi.yaml` and the router in step; `never_panic.rs` posts random bodies.

#![expect(clippy::unwrap_used, reason = "tests")]

mod charts;
mod dynamics;
mod endpoints;
mod errors;
mod jobs;
mod never_panic;
mod openapi;
mod pool;
mod runs;
mod sensitivity;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use detente_server::{Limits, ServerConfig, router};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The bundled scenario, as a client would post it.
pub(crate) const ISTANBUL: &str = include_str!("../../../../scenarios/istanbul-2025.toml");

/// Istanbul over 4 months with a 3-month lookahead (instead of 24 and 12): every section of
/// the delay and levers documents is still there (the settlement forecast included), in a
/// fifth of the time, for the tests that only need the documents, not the full horizon.
pub(crate) fn short_istanbul() -> String {
    let text = ISTANBUL
        .replacen("\nhorizon = 24\n", "\nhorizon = 4\n", 1)
        .replacen("\nlookahead = 12\n", "\nlookahead = 3\n", 1);
    assert_ne!(
        text, ISTANBUL,
        "the bundled scenario's [time] changed: update this test"
    );
    text
}

/// A small valid scenario: two principals, one mediator, two issues.
pub(crate) const SMALL: &str = include_str!("../../../detente-cli/tests/data/two-party.toml");

pub(crate) fn app() -> Router {
    router(ServerConfig::default())
}

pub(crate) fn app_with(limits: Limits) -> Router {
    router(ServerConfig {
        limits,
        ..ServerConfig::default()
    })
}

/// A response: status, headers and the body parsed as JSON (or as a JSON string if not JSON).
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) json: Value,
    pub(crate) text: String,
}

pub(crate) async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text.clone()));
    Reply {
        status,
        headers,
        json,
        text,
    }
}

pub(crate) fn post(uri: &str, content_type: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut builder = Request::post(uri);
    if let Some(ct) = content_type {
        builder = builder.header("content-type", ct);
    }
    builder.body(body.into()).unwrap()
}

pub(crate) fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

pub(crate) async fn post_toml(app: &Router, uri: &str, text: &str) -> Reply {
    send(app, post(uri, Some("application/toml"), text.to_owned())).await
}

/// Asserts an error reply: status, code, and (for limit errors) the limit's name and value.
pub(crate) fn assert_error(reply: &Reply, status: u16, code: &str, limit: Option<(&str, u64)>) {
    assert_eq!(reply.status.as_u16(), status, "{}", reply.text);
    let e = &reply.json["error"];
    assert_eq!(e["status"], status, "{}", reply.text);
    assert_eq!(e["code"], code, "{}", reply.text);
    assert!(
        !e["message"].as_str().unwrap().is_empty(),
        "empty message: {}",
        reply.text
    );
    assert!(
        !e["help"].as_str().unwrap().is_empty(),
        "no help: {}",
        reply.text
    );
    if let Some((name, value)) = limit {
        assert_eq!(e["limit"], name, "{}", reply.text);
        assert_eq!(e["value"], value, "{}", reply.text);
        assert!(
            e["message"].as_str().unwrap().contains(name),
            "message does not name the limit: {}",
            reply.text
        );
    }
}
