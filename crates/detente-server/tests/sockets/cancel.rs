//! A model request whose client goes away while it waits for a slot gives up its admission and
//! its place in the queue at once (hyper drops the request's future when the connection
//! closes); a DELETE on the job that held the slot lets the next request run.

use super::*;

/// A Monte Carlo job far longer than the test (EUM on every issue of Istanbul at the `trials`
/// limit), cancelled at the end.
const LONG_JOB: &str = "POST /api/montecarlo?trials=20000&model=eum HTTP/1.1\r\n";
const ISTANBUL: &str = include_str!("../../../../scenarios/istanbul-2025.toml");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_client_disconnects_gives_up_its_admission() {
    let addr = start(Limits {
        concurrent_jobs: 1,
        background_jobs: 1,
        queued_requests: 1,
        wall_time: Duration::from_secs(20),
        ..Limits::default()
    })
    .await;
    let within = Duration::from_secs(20);
    let (status, body) = request(
        addr,
        &format!(
            "{LONG_JOB}Content-Type: application/toml\r\nContent-Length: {}\r\n",
            ISTANBUL.len()
        ),
        ISTANBUL.as_bytes(),
        within,
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let id = body
        .split("\"id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    // A forecast that waits for the job's slot, holding the only admission ...
    let mut waiting = TcpStream::connect(addr).await.unwrap();
    waiting
        .write_all(
            format!(
                "POST /api/forecast HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/toml\r\nContent-Length: {}\r\n\r\n{SMALL}",
                SMALL.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _) = forecast(addr, within).await;
    assert_eq!(
        status, 503,
        "the waiting forecast should hold the only admission"
    );
    // ... until its client goes away.
    drop(waiting);
    let mut status = 0;
    let mut next = None;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        // This one is admitted, then waits for the slot; cancelling the job frees it.
        let handle = tokio::spawn(forecast(addr, within));
        tokio::time::sleep(Duration::from_millis(200)).await;
        if handle.is_finished() {
            status = handle.await.unwrap().0;
            assert_eq!(status, 503);
            continue;
        }
        next = Some(handle);
        break;
    }
    let next = next.expect("the admission of the disconnected client was never returned");
    let (status_delete, body) = request(
        addr,
        &format!("DELETE /api/jobs/{id} HTTP/1.1\r\n"),
        b"",
        within,
    )
    .await;
    assert_eq!(status_delete, 200, "{body}");
    let (status_next, body) = next.await.unwrap();
    assert_eq!(status_next, 200, "{body} (after {status})");
}

/// Issue 16: a settlement run that overstays its budget stops at the 504. A delay request on
/// Istanbul over 120 months runs for seconds (its settlement forecast: 400 trials over 120
/// months, and the belief grid); with a 500 ms budget it gets 504, its stop flag is raised and
/// the forecast ends at its next trial, so the only slot is free again long before the run would
/// have finished: a forecast sent after the 504 succeeds within a few seconds. Without the flag
/// the slot stayed held to the end and every forecast in between got 504.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_settlement_run_past_its_budget_stops_and_frees_its_slot() {
    let addr = start(Limits {
        concurrent_jobs: 1,
        queued_requests: 4,
        wall_time: Duration::from_millis(500),
        ..Limits::default()
    })
    .await;
    let within = Duration::from_secs(30);
    // How long the full run takes on this machine: the same delay request without a budget
    // to speak of.
    let unlimited = start(Limits {
        concurrent_jobs: 1,
        wall_time: Duration::from_secs(120),
        ..Limits::default()
    })
    .await;
    let head = format!(
        "POST /api/delay?months=120&trials=400 HTTP/1.1\r\nContent-Type: application/toml\r\nContent-Length: {}\r\n",
        ISTANBUL.len()
    );
    let started = Instant::now();
    let (status, body) = request(
        unlimited,
        &head,
        ISTANBUL.as_bytes(),
        Duration::from_secs(120),
    )
    .await;
    let full = started.elapsed();
    assert_eq!(status, 200, "{body}");
    let started = Instant::now();
    let (status, body) = request(addr, &head, ISTANBUL.as_bytes(), within).await;
    assert_eq!(status, 504, "{body}");
    let mut freed = None;
    while started.elapsed() < full {
        let (status, _) = forecast(addr, within).await;
        if status == 200 {
            freed = Some(started.elapsed());
            break;
        }
        assert_eq!(status, 504);
    }
    let freed = freed.unwrap_or_else(|| {
        panic!("the slot stayed held for the whole run ({full:?}): the run was not stopped")
    });
    // Stopping takes the non-stoppable part of the run (the month-by-month delay model) at
    // most, a fraction of the full run.
    assert!(
        freed * 2 < full,
        "the slot came free after {freed:?} of a {full:?} run"
    );
}
