//! A bounded soak of the real server on loopback: for a few seconds, hostile clients (trickled
//! bodies, slow headers, idle connections, oversize bodies, malformed JSON and TOML, bad
//! queries, garbage request lines) run alongside clients sending normal `POST /api/forecast`
//! requests. The normal requests must keep succeeding (at least 95% 200s and no 503: hostile
//! connections must not take every admission), every hostile request must get its 4xx or be
//! cut off, every idle connection must be closed by the server, and the process's RSS must stay
//! within a bound after warm-up.
//!
//! The trickled bodies are what makes the body timeout matter: each trickle worker opens a new
//! trickling connection every 150 ms and never finishes one, so without `body_timeout_ms` the
//! held admissions would pass `queued_requests` (64) within about a second and every normal
//! request would get 503; with it, each is released after 300 ms (about 24 held at once).
//! Every loop is bounded in count and in time (the whole test runs in about 8 s), and all
//! traffic goes to 127.0.0.1.

#![expect(clippy::unwrap_used, reason = "tests")]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::*;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// How long the hostile traffic runs.
const SOAK: Duration = Duration::from_secs(6);
/// Largest RSS allowed over the one after warm-up (before the hostile load), in KiB: hundreds
/// of connections and tasks at once take a few tens of MiB.
const RSS_GROWTH_KIB: u64 = 96 * 1024;
/// Largest RSS growth allowed from 2 s into the load to its end, in KiB: flat, up to the
/// allocator's noise.
const RSS_LOADED_GROWTH_KIB: u64 = 16 * 1024;

/// The process's resident set size in KiB (`VmRSS` in `/proc/self/status`; Linux only).
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Tallies of what the server answered.
#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    busy: AtomicU64,
    slow: AtomicU64,
    other: AtomicU64,
}

impl Tally {
    fn add(&self, status: u16) {
        match status {
            200 => &self.ok,
            503 => &self.busy,
            408 => &self.slow,
            _ => &self.other,
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    /// 200s, 503s, 408s and the rest.
    fn get(&self) -> (u64, u64, u64, u64) {
        (
            self.ok.load(Ordering::Relaxed),
            self.busy.load(Ordering::Relaxed),
            self.slow.load(Ordering::Relaxed),
            self.other.load(Ordering::Relaxed),
        )
    }
}

/// Opens a connection, sends `head`, then one byte of `drip` every 100 ms until the server
/// answers or closes (or `end`, or the drip runs out): the status answered (0 for none).
async fn trickle(addr: SocketAddr, head: &[u8], drip: &[u8], end: Instant) -> u16 {
    let Ok(Ok(mut stream)) =
        tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(addr)).await
    else {
        return 0;
    };
    if stream.write_all(head).await.is_err() {
        return 0;
    }
    for byte in drip.iter().take(100) {
        if Instant::now() >= end || stream.write_all(&[*byte]).await.is_err() {
            break;
        }
        let (got, closed) =
            read_until_closed(&mut stream, Instant::now(), Duration::from_millis(100)).await;
        if !got.is_empty() || closed.is_some() {
            return parse(&got).0;
        }
    }
    0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_traffic_does_not_starve_normal_requests_and_rss_stays_flat() {
    let addr = start(timeouts(300, 300, 1_000)).await;
    let within = Duration::from_secs(10);

    // Warm-up: the first requests allocate the runtime's and the allocator's pools.
    for _ in 0..20 {
        assert_eq!(forecast(addr, within).await.0, 200);
    }
    let rss_start = rss_kib();
    let started = Instant::now();
    let end = started + SOAK;
    let mut tasks = Vec::new();

    // Idle connections, opened at once and never written to.
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }

    // Trickled bodies: a new one every 150 ms per worker, at most 50 per worker.
    let trickled = Arc::new(Tally::default());
    for _ in 0..8 {
        let trickled = Arc::clone(&trickled);
        tasks.push(tokio::spawn(async move {
            let mut spawned = Vec::new();
            for _ in 0..50 {
                if Instant::now() >= end {
                    break;
                }
                let trickled = Arc::clone(&trickled);
                spawned.push(tokio::spawn(async move {
                    let status = trickle(
                        addr,
                        b"POST /api/forecast HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/toml\r\nTransfer-Encoding: chunked\r\n\r\n",
                        &[b'1', b'\r', b'\n', b'#', b'\r', b'\n'].repeat(16),
                        end,
                    )
                    .await;
                    trickled.add(status);
                }));
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
            for s in spawned {
                s.await.unwrap();
            }
        }));
    }

    // Slow headers: a new one every 200 ms per worker, at most 40 per worker.
    let slow_heads = Arc::new(AtomicU64::new(0));
    for _ in 0..4 {
        let slow_heads = Arc::clone(&slow_heads);
        tasks.push(tokio::spawn(async move {
            let mut spawned = Vec::new();
            for _ in 0..40 {
                if Instant::now() >= end {
                    break;
                }
                let slow_heads = Arc::clone(&slow_heads);
                spawned.push(tokio::spawn(async move {
                    trickle(
                        addr,
                        b"GET /api/health HTTP/1.1\r\n",
                        &b"X-Slow: a".repeat(10),
                        end,
                    )
                    .await;
                    slow_heads.fetch_add(1, Ordering::Relaxed);
                }));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            for s in spawned {
                s.await.unwrap();
            }
        }));
    }

    // Requests that must be refused with a 4xx, in turn.
    let big = "x".repeat(2 * 1024 * 1024);
    let bad: Vec<(String, Vec<u8>, u16)> = vec![
        (
            // Declared oversize: refused before the body is read.
            "POST /api/forecast HTTP/1.1\r\nContent-Type: application/toml\r\nContent-Length: 5000000\r\n".to_owned(),
            Vec::new(),
            413,
        ),
        (
            format!(
                "POST /api/forecast HTTP/1.1\r\nContent-Type: application/toml\r\nContent-Length: {}\r\n",
                big.len()
            ),
            big.into_bytes(),
            413,
        ),
        (
            "POST /api/forecast HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 15\r\n".to_owned(),
            b"{\"actors\": [1,,".to_vec(),
            422,
        ),
        (
            "POST /api/forecast HTTP/1.1\r\nContent-Type: application/toml\r\nContent-Length: 12\r\n".to_owned(),
            b"[[actors]\nx=".to_vec(),
            422,
        ),
        (
            format!(
                "POST /api/forecast?models=nope HTTP/1.1\r\nContent-Type: application/toml\r\nContent-Length: {}\r\n",
                SMALL.len()
            ),
            SMALL.as_bytes().to_vec(),
            400,
        ),
        (
            format!(
                "POST /api/forecast?rounds=99999999999999999999 HTTP/1.1\r\nContent-Type: application/toml\r\nContent-Length: {}\r\n",
                SMALL.len()
            ),
            SMALL.as_bytes().to_vec(),
            400,
        ),
        (
            "GET /api/runs?db=/etc/passwd HTTP/1.1\r\n".to_owned(),
            Vec::new(),
            400,
        ),
        ("GARBAGE \x01\x02 HTTP/1.1\r\n".to_owned(), Vec::new(), 400),
    ];
    let refused = Arc::new(AtomicU64::new(0));
    let wrong = Arc::new(std::sync::Mutex::new(Vec::new()));
    {
        let refused = Arc::clone(&refused);
        let wrong = Arc::clone(&wrong);
        tasks.push(tokio::spawn(async move {
            for i in 0..2_000 {
                if Instant::now() >= end {
                    break;
                }
                let (head, body, want) = &bad[i % bad.len()];
                let (status, text) = request(addr, head, body, within).await;
                // A body over the limit may also be cut off mid-send (status 0).
                if status == *want || (*want == 413 && status == 0) {
                    refused.fetch_add(1, Ordering::Relaxed);
                } else {
                    wrong
                        .lock()
                        .unwrap()
                        .push(format!("{head:?}: {status} {text}"));
                }
            }
        }));
    }

    // Normal traffic.
    let normal = Arc::new(Tally::default());
    let failures = Arc::new(std::sync::Mutex::new(Vec::new()));
    for _ in 0..2 {
        let normal = Arc::clone(&normal);
        let failures = Arc::clone(&failures);
        tasks.push(tokio::spawn(async move {
            for _ in 0..5_000 {
                if Instant::now() >= end {
                    break;
                }
                let (status, body) = forecast(addr, within).await;
                normal.add(status);
                if status != 200 {
                    failures.lock().unwrap().push(format!("{status}: {body}"));
                }
            }
        }));
    }

    // RSS every 250 ms while the soak runs; `rss_loaded` once the hostile load has run for
    // 2 s, by when every kind of hostile connection has come and gone many times.
    let mut rss_max = rss_start;
    let mut rss_loaded = None;
    while Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(250)).await;
        rss_max = rss_max.max(rss_kib());
        if rss_loaded.is_none() && started.elapsed() >= Duration::from_secs(2) {
            rss_loaded = rss_kib();
        }
    }
    for t in tasks {
        tokio::time::timeout(Duration::from_secs(15), t)
            .await
            .expect("a soak worker overran its bound")
            .unwrap();
    }
    let rss_end = rss_kib();

    // Every idle connection was closed by the server (idle timeout 1 s, soak 6 s).
    let mut idle_closed = 0;
    for mut stream in idle {
        let (got, closed) =
            read_until_closed(&mut stream, Instant::now(), Duration::from_millis(50)).await;
        if got.is_empty() && closed.is_some() {
            idle_closed += 1;
        }
    }

    let (ok, busy, slow, other) = normal.get();
    let (t_ok, t_busy, t_slow, t_other) = trickled.get();
    println!(
        "soak {:?}: normal forecasts {ok} ok, {busy} busy, {slow} 408, {other} other; trickled \
         bodies {} ({t_ok} ok, {t_busy} busy, {t_slow} 408, {t_other} cut at the end); slow \
         heads {}; refused as expected {}; idle connections closed {idle_closed}/200; RSS KiB \
         after warm-up {rss_start:?}, after 2 s of load {rss_loaded:?}, max {rss_max:?}, end \
         {rss_end:?}",
        started.elapsed(),
        t_ok + t_busy + t_slow + t_other,
        slow_heads.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
    );
    let total = ok + busy + slow + other;
    assert!(total >= 20, "too few normal requests: {total}");
    assert!(
        ok * 100 >= total * 95,
        "{ok} of {total} normal forecasts succeeded: {:?}",
        failures.lock().unwrap().iter().take(5).collect::<Vec<_>>()
    );
    assert_eq!(busy, 0, "normal forecasts got 503");
    assert_eq!(t_ok, 0, "a trickled body was answered 200");
    assert_eq!(t_busy, 0, "a trickled body was answered 503");
    assert!(t_slow >= 100, "too few trickled bodies got 408: {t_slow}");
    let wrong = wrong.lock().unwrap();
    assert!(
        wrong.is_empty(),
        "{:?}",
        wrong.iter().take(5).collect::<Vec<_>>()
    );
    assert!(refused.load(Ordering::Relaxed) >= 16);
    assert_eq!(idle_closed, 200);
    if let (Some(start), Some(loaded), Some(max), Some(end)) =
        (rss_start, rss_loaded, rss_max, rss_end)
    {
        assert!(
            max <= start + RSS_GROWTH_KIB,
            "RSS grew from {start} KiB to a max of {max} KiB"
        );
        assert!(
            end <= loaded + RSS_LOADED_GROWTH_KIB,
            "RSS grew from {loaded} KiB under load to {end} KiB at the end"
        );
    }
}
