//! Helpers for the tests over real loopback sockets (`sockets/` and `soak.rs`): a server on
//! 127.0.0.1:0 and a minimal HTTP/1.1 client whose every operation has a timeout.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use detente_server::{Limits, ServerConfig, serve_until};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A small valid scenario: two principals, one mediator, two issues.
pub const SMALL: &str = include_str!("../../../detente-cli/tests/data/two-party.toml");

/// Starts the real server on a free loopback port; it stops when the test's runtime ends.
pub async fn start(limits: Limits) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = ServerConfig {
        limits,
        ..ServerConfig::default()
    };
    tokio::spawn(serve_until(listener, config, std::future::pending()));
    addr
}

/// Limits with the three connection timeouts set.
pub fn timeouts(header_ms: u64, body_ms: u64, idle_ms: u64) -> Limits {
    Limits {
        header_timeout: Duration::from_millis(header_ms),
        body_timeout: Duration::from_millis(body_ms),
        idle_timeout: Duration::from_millis(idle_ms),
        ..Limits::default()
    }
}

/// Reads until the server closes the connection (or `within` passes, or `cap` bytes came):
/// what was read, and the time from `since` to the close (`None` if it stayed open).
pub async fn read_until_closed(
    stream: &mut TcpStream,
    since: Instant,
    within: Duration,
) -> (Vec<u8>, Option<Duration>) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = since + within;
    while out.len() < 1 << 20 {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return (out, None),
            Ok(Ok(0) | Err(_)) => return (out, Some(since.elapsed())),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
        }
    }
    (out, None)
}

/// One request with `Connection: close`: the status (0 when the exchange failed or took over
/// `within`) and the body.
pub async fn request(addr: SocketAddr, head: &str, body: &[u8], within: Duration) -> (u16, String) {
    let start = Instant::now();
    let Ok(Ok(mut stream)) = tokio::time::timeout(within, TcpStream::connect(addr)).await else {
        return (0, String::new());
    };
    let mut raw = format!("{head}Host: 127.0.0.1\r\nConnection: close\r\n\r\n").into_bytes();
    raw.extend_from_slice(body);
    if !matches!(
        tokio::time::timeout(within, stream.write_all(&raw)).await,
        Ok(Ok(()))
    ) {
        return (0, String::new());
    }
    let (bytes, closed) = read_until_closed(&mut stream, start, within).await;
    if closed.is_none() {
        return (0, String::new());
    }
    parse(&bytes)
}

/// The status and body of a raw response.
pub fn parse(bytes: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(bytes);
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// A `POST /api/forecast` of the small scenario.
pub async fn forecast(addr: SocketAddr, within: Duration) -> (u16, String) {
    request(
        addr,
        &format!(
            "POST /api/forecast HTTP/1.1\r\nContent-Type: application/toml\r\nContent-Length: {}\r\n",
            SMALL.len()
        ),
        SMALL.as_bytes(),
        within,
    )
    .await
}
