//! Serving connections: hyper's HTTP/1 connection under a watchdog that closes a connection
//! which is slow to send a request's headers (`header_timeout_ms`) or sits idle without a
//! request (`idle_timeout_ms`).
//!
//! Each connection has a [`Phase`]: *idle* from when it opens or a response is ready until the
//! first byte of the next request arrives, *head* from that byte until the handler is called
//! (the headers are in), *busy* while a handler runs. The watchdog closes the connection when an
//! idle phase lasts `idle_timeout` or a head phase lasts `header_timeout`; a busy connection is
//! bounded by its handler instead (the body by `body_timeout_ms` in `input.rs`, the model by
//! `wall_time_ms`). The phase is kept by a wrapper around the socket (a read of one byte or more
//! ends an idle phase) and a wrapper around the service (a call starts a busy phase, its end
//! starts an idle one). hyper's own header-read timeout is not used: it starts when hyper begins
//! waiting for a head, so it would also close every keep-alive connection that is idle for
//! longer than the header timeout, and the two limits could not differ.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio::time::Instant;

/// What a connection is doing, for its watchdog.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// No request in progress since the instant: waiting for the first byte of the next.
    Idle(Instant),
    /// The first byte of a request head came at the instant; the handler is not called yet.
    Head(Instant),
    /// This many handlers are running.
    Busy(usize),
}

/// The phase of one connection, shared by its socket, its service and its watchdog, with a
/// wake-up for the watchdog when the phase changes.
#[derive(Debug, Clone)]
struct Watch(Arc<(Mutex<Phase>, Notify)>);

impl Watch {
    fn new() -> Self {
        Self(Arc::new((
            Mutex::new(Phase::Idle(Instant::now())),
            Notify::new(),
        )))
    }

    fn update(&self, f: impl FnOnce(Phase) -> Phase) {
        // A poisoned lock only means a thread panicked while holding it; the phase is a plain
        // value and still usable.
        let mut phase = self.0.0.lock().unwrap_or_else(PoisonError::into_inner);
        *phase = f(*phase);
        drop(phase);
        // `notify_one` keeps a permit when the watchdog is not waiting, so no change is missed.
        self.0.1.notify_one();
    }

    fn get(&self) -> Phase {
        *self.0.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Bytes arrived: an idle connection starts a request head.
    fn read(&self) {
        if matches!(self.get(), Phase::Idle(_)) {
            self.update(|p| match p {
                Phase::Idle(_) => Phase::Head(Instant::now()),
                other => other,
            });
        }
    }

    /// A handler starts; the returned guard ends its busy phase when dropped.
    fn begin(&self) -> BusyGuard {
        self.update(|p| match p {
            Phase::Busy(n) => Phase::Busy(n + 1),
            Phase::Idle(_) | Phase::Head(_) => Phase::Busy(1),
        });
        BusyGuard(self.clone())
    }
}

/// Ends one busy phase when dropped (the handler finished or was dropped).
struct BusyGuard(Watch);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.update(|p| match p {
            Phase::Busy(n) if n > 1 => Phase::Busy(n - 1),
            _ => Phase::Idle(Instant::now()),
        });
    }
}

/// The socket, noting each read of one byte or more in the connection's [`Watch`].
struct Watched {
    inner: TcpStream,
    watch: Watch,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.watch.read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Returns when the connection has overstayed its idle or header time, or when the server is
/// shutting down (`stop` is true) while the connection is sending a request head.
async fn watchdog(
    watch: Watch,
    header: Duration,
    idle: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let phase = watch.get();
        // hyper's graceful shutdown closes an idle connection itself, and one whose handler
        // has returned once its response is written (closing it here could cut the response);
        // a head still arriving it would wait for, up to the header timeout.
        if *stop.borrow_and_update() && matches!(phase, Phase::Head(_)) {
            return;
        }
        let deadline = match phase {
            Phase::Idle(since) => Some(since + idle),
            Phase::Head(since) => Some(since + header),
            // A busy connection is bounded by its handler.
            Phase::Busy(_) => None,
        };
        let sleep = async {
            match deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        if deadline.is_some_and(|d| d <= Instant::now()) {
            return;
        }
        tokio::select! {
            () = sleep => {}
            () = watch.0.1.notified() => {}
            changed = stop.changed() => {
                // The sender is gone only when the server has stopped; close then too.
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}

/// Serves one accepted connection until it ends, overstays a timeout, or the server shuts down
/// (`stop` turns true): a connection with a request in progress then finishes it (`graceful`),
/// any other is closed at once.
pub(crate) fn spawn(
    stream: TcpStream,
    app: Router,
    header: Duration,
    idle: Duration,
    graceful: &GracefulShutdown,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    let watch = Watch::new();
    let io = TokioIo::new(Watched {
        inner: stream,
        watch: watch.clone(),
    });
    let tower = TowerToHyperService::new(app);
    let on_call = watch.clone();
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let guard = on_call.begin();
        let call = hyper::service::Service::call(&tower, request);
        async move {
            let response = call.await;
            drop(guard);
            response
        }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        // The watchdog times heads; see the module documentation.
        .header_read_timeout(None)
        .serve_connection(io, service);
    let connection = graceful.watch(connection);
    tokio::spawn(async move {
        tokio::select! {
            // An I/O error on one connection (a reset, a malformed request) concerns only it.
            _ = connection => {}
            // Dropping the connection closes the socket.
            () = watchdog(watch, header, idle, stop) => {}
        }
    });
}
