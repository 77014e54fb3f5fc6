//! `header_timeout_ms`, `body_timeout_ms` and `idle_timeout_ms`, measured over loopback with
//! limits of a few hundred milliseconds. Each bound is checked from both sides: the connection
//! is not closed well before its limit (so it is that limit, not another, that closes it) and is
//! closed well before a generous ceiling.

use super::*;

/// Generous ceiling over a limit, for a loaded 2-core CI machine.
const SLACK: Duration = Duration::from_millis(1_500);

/// A client that sends a request head one byte every 50 ms is cut off at the header timeout
/// (300 ms), long before the idle timeout (5 s) or the end of its trickle (4 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_are_closed_at_the_header_timeout() {
    let addr = start(timeouts(300, 5_000, 5_000)).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let start = Instant::now();
    let head = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut closed_at = None;
    for byte in head.iter().take(80) {
        if stream.write_all(&[*byte]).await.is_err() {
            closed_at = Some(start.elapsed());
            break;
        }
        // A close shows as EOF on a short read.
        let mut buf = [0u8; 256];
        if let Ok(Ok(0) | Err(_)) =
            tokio::time::timeout(Duration::from_millis(50), stream.read(&mut buf)).await
        {
            closed_at = Some(start.elapsed());
            break;
        }
    }
    let closed_at = closed_at.expect("a slow head must be cut off within its 4 s trickle");
    println!("slow head closed after {closed_at:?} (header_timeout_ms 300)");
    assert!(closed_at >= Duration::from_millis(250), "{closed_at:?}");
    assert!(
        closed_at < Duration::from_millis(300) + SLACK,
        "{closed_at:?}"
    );
    // The server still answers a prompt client.
    let (status, _) = request(
        addr,
        "GET /api/health HTTP/1.1\r\n",
        b"",
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(status, 200);
}

/// A connection that sends nothing is closed at the idle timeout (800 ms), not at the shorter
/// header timeout (200 ms); so is a keep-alive connection after its response.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed_at_the_idle_timeout() {
    let addr = start(timeouts(200, 5_000, 800)).await;
    // Never a byte.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let start = Instant::now();
    let (_, closed) = read_until_closed(&mut stream, start, Duration::from_secs(10)).await;
    let closed = closed.expect("an idle connection must be closed");
    println!("idle connection closed after {closed:?} (idle_timeout_ms 800)");
    assert!(closed >= Duration::from_millis(700), "{closed:?}");
    assert!(closed < Duration::from_millis(800) + SLACK, "{closed:?}");

    // Keep-alive: one request, its response, then silence.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 8192];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(parse(&buf[..n]).0, 200);
    let start = Instant::now();
    let (rest, closed) = read_until_closed(&mut stream, start, Duration::from_secs(10)).await;
    assert!(rest.is_empty());
    let closed = closed.expect("an idle keep-alive connection must be closed");
    println!("idle keep-alive connection closed after {closed:?} (idle_timeout_ms 800)");
    assert!(closed >= Duration::from_millis(700), "{closed:?}");
    assert!(closed < Duration::from_millis(800) + SLACK, "{closed:?}");
}

/// Opens a `POST /api/forecast` with a chunked body and sends one one-byte chunk every 50 ms
/// (at most 60 of them, 3 s): the status the server answers with, and when.
async fn trickle_body(addr: SocketAddr) -> (u16, String, Duration) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let start = Instant::now();
    stream
        .write_all(
            b"POST /api/forecast HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/toml\r\nTransfer-Encoding: chunked\r\n\r\n",
        )
        .await
        .unwrap();
    let mut got = Vec::new();
    for _ in 0..60 {
        if stream.write_all(b"1\r\n#\r\n").await.is_err() {
            break;
        }
        let mut buf = [0u8; 4096];
        match tokio::time::timeout(Duration::from_millis(50), stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => {
                got.extend_from_slice(&buf[..n]);
                if got.windows(4).any(|w| w == b"\r\n\r\n") {
                    // Give the rest of the body a moment to arrive.
                    let (rest, _) =
                        read_until_closed(&mut stream, Instant::now(), Duration::from_millis(500))
                            .await;
                    got.extend_from_slice(&rest);
                    break;
                }
            }
            Ok(_) => break,
            Err(_) => {}
        }
    }
    let (status, body) = parse(&got);
    (status, body, start.elapsed())
}

/// Two clients trickling a body hold both admissions (`queued_requests` 2), so a third request
/// gets 503; at the body timeout (300 ms) each gets 408 naming `body_timeout_ms`, and their
/// admissions are free again: the next forecast succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_body_gets_408_and_frees_its_admission() {
    let addr = start(Limits {
        queued_requests: 2,
        ..timeouts(5_000, 300, 5_000)
    })
    .await;
    let slow = [
        tokio::spawn(trickle_body(addr)),
        tokio::spawn(trickle_body(addr)),
    ];
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, body) = forecast(addr, Duration::from_secs(5)).await;
    assert_eq!(status, 503, "both admissions should be held: {body}");
    for handle in slow {
        let (status, body, after) = handle.await.unwrap();
        println!("trickled body answered {status} after {after:?} (body_timeout_ms 300)");
        assert_eq!(status, 408, "{body}");
        assert!(body.contains("\"code\":\"body_timeout\""), "{body}");
        assert!(body.contains("\"limit\":\"body_timeout_ms\""), "{body}");
        assert!(after >= Duration::from_millis(250), "{after:?}");
        assert!(after < Duration::from_millis(300) + SLACK, "{after:?}");
    }
    let (status, body) = forecast(addr, Duration::from_secs(10)).await;
    assert_eq!(status, 200, "{body}");
}

/// At shutdown the server stops at once, not after the header or idle timeouts (10 s and 60 s
/// here), even with an idle connection, a kept-alive one and one still sending its head open;
/// a forecast whose handler was running gets its 200 first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_idle_and_half_sent_connections_at_once() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(detente_server::serve_until(
        listener,
        detente_server::ServerConfig::default(),
        async {
            let _ = rx.await;
        },
    ));
    let _idle = TcpStream::connect(addr).await.unwrap();
    let mut head = TcpStream::connect(addr).await.unwrap();
    head.write_all(b"GET /api/health HTTP/1.1\r\n")
        .await
        .unwrap();
    let mut kept = TcpStream::connect(addr).await.unwrap();
    kept.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 8192];
    let n = tokio::time::timeout(Duration::from_secs(5), kept.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(parse(&buf[..n]).0, 200);
    // A forecast whose handler is running (reading its body) when the signal comes.
    let mut in_flight = TcpStream::connect(addr).await.unwrap();
    let (first, rest) = SMALL.split_at(SMALL.len() / 2);
    in_flight
        .write_all(
            format!(
                "POST /api/forecast HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/toml\r\nContent-Length: {}\r\n\r\n{first}",
                SMALL.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let start = Instant::now();
    tx.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !server.is_finished(),
        "the server must wait for the request in progress"
    );
    in_flight.write_all(rest.as_bytes()).await.unwrap();
    let (bytes, _) =
        read_until_closed(&mut in_flight, Instant::now(), Duration::from_secs(10)).await;
    let (status, body) = parse(&bytes);
    assert_eq!(status, 200, "{body}");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server did not stop within 5 s")
        .unwrap()
        .unwrap();
    println!(
        "server stopped {:?} after the shutdown signal",
        start.elapsed()
    );
}
