//! No input takes the server down: random bodies, content types, query strings and mutations of
//! a real scenario get a documented status and a JSON error, never a 500 or a panic.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::*;

const STATUSES: [u16; 7] = [200, 400, 404, 405, 413, 415, 422];

fn check(reply: &Reply) {
    assert!(
        STATUSES.contains(&reply.status.as_u16()),
        "status {}: {}",
        reply.status,
        reply.text
    );
    if reply.status != StatusCode::OK {
        assert!(reply.json["error"]["code"].is_string(), "{}", reply.text);
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn random_requests_never_fail_the_server() {
    let rt = runtime();
    let app = app_with(Limits {
        // A small body limit keeps the random bodies cheap and reaches the 413 path often.
        body_bytes: 4096,
        ..Limits::default()
    });
    let strategy = (
        prop::sample::select(vec![
            "/api/validate",
            "/api/forecast",
            "/api/bargain",
            "/api/x",
            "/",
        ]),
        prop::sample::select(vec![
            "",
            "?rounds=3",
            "?step=7.5",
            "?models=eum",
            "?%zz=&&=",
            "?parties=,,,",
        ]),
        prop::sample::select(vec![
            Some("application/toml"),
            Some("application/json"),
            Some("text/plain"),
            Some("application/json; charset=latin1"),
            None,
        ]),
        prop::collection::vec(any::<u8>(), 0..6000),
    );
    let mut runner = TestRunner::new(Config {
        cases: 96,
        ..Config::default()
    });
    runner
        .run(&strategy, |(path, query, ct, body)| {
            let reply = rt.block_on(send(&app, post(&format!("{path}{query}"), ct, body)));
            check(&reply);
            Ok(())
        })
        .unwrap();
}

#[test]
fn mutated_scenarios_never_fail_the_server() {
    let rt = runtime();
    let app = app();
    let strategy = (
        0..SMALL.len(),
        0..40_usize,
        prop::sample::select(vec![
            "",
            "]",
            "[[",
            "\"",
            "=",
            "1e400",
            "-",
            "\n[[issues]]\n",
            "nan",
            "{",
        ]),
        prop::sample::select(vec![
            "/api/validate",
            "/api/forecast",
            "/api/bargain?step=10",
        ]),
        any::<bool>(),
    );
    let mut runner = TestRunner::new(Config {
        cases: 96,
        ..Config::default()
    });
    runner
        .run(&strategy, |(at, cut, insert, path, as_json)| {
            let mut text = SMALL.to_owned();
            let at = (0..=at)
                .rev()
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(0);
            let end = (at..=(at + cut).min(text.len()))
                .rev()
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(at);
            text.replace_range(at..end, insert);
            let (ct, body) = if as_json {
                // The same damage to the JSON form of the scenario.
                let file: Result<detente_core::ScenarioFile, _> = toml::from_str(SMALL);
                let json = serde_json::to_string(&file.unwrap()).unwrap();
                let at = at.min(json.len());
                let end = end.min(json.len()).max(at);
                let mut json = json;
                json.replace_range(at..end, insert);
                ("application/json", json)
            } else {
                ("application/toml", text)
            };
            let reply = rt.block_on(send(&app, post(path, Some(ct), body)));
            check(&reply);
            Ok(())
        })
        .unwrap();
}
