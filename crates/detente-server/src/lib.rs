//! `detente serve`: the JSON API and the dashboard (its files come from `detente_report`, which
//! also writes the HTML and Markdown reports of `detente report`).
//!
//! [`router`] builds the whole service (API under `/api/`, dashboard at `/`, assets under
//! `/assets/`) from a [`ServerConfig`]; [`serve`] runs it on a listener. Every request is bounded
//! by the [`Limits`] (connections by the header and idle timeouts too); every failure is an [`ApiError`] with a JSON body.
//!
//! **Invariants:** the server never reads a path from a request (scenarios come as the body;
//! the only scenario it serves is compiled in); it never panics on input (a panic anywhere in a
//! handler becomes a 500 and the server goes on); models run on the blocking pool within a
//! wall-time budget and a fixed number of slots; it adds no modelling of its own: every number
//! comes from `detente_models`.

pub mod api;
mod auth;
mod config;
mod conn;
mod error;
mod input;
mod job;
mod jobs;

use std::any::Any;
use std::sync::Arc;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;

pub use api::{AppState, endpoints};
pub use auth::token_matches;
pub use config::{Limits, ServerConfig};
pub use error::{ApiError, FindingOut};
pub use job::Jobs;

/// The bundled Istanbul 2025 scenario, as compiled into the binary.
pub const ISTANBUL: &str = api::scenarios_istanbul();

async fn index() -> Html<&'static str> {
    Html(detente_report::assets::INDEX)
}

async fn asset(Path(path): Path<String>) -> Response {
    match detente_report::assets::find(&path) {
        Some(a) => ([(header::CONTENT_TYPE, a.content_type)], a.text).into_response(),
        None => ApiError::NotFound {
            path: format!("/assets/{}", path.chars().take(200).collect::<String>()),
        }
        .into_response(),
    }
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::NotFound {
        path: uri.path().chars().take(200).collect(),
    }
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    ApiError::Internal("a handler panicked".to_owned()).into_response()
}

/// Headers on every response: no sniffing, no framing, and a content security policy that
/// lets the dashboard load only its own scripts and styles and talk only to its own origin.
async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The whole service.
pub fn router(config: ServerConfig) -> Router {
    let limits = Arc::new(config.limits);
    let jobs = Jobs::new(Arc::clone(&limits));
    let state = AppState {
        mc: api::JobTable::new(Arc::clone(&limits), jobs.clone()),
        jobs,
        runs_db: config.runs_db.map(Arc::new),
        limits,
    };
    let mut api = Router::new();
    for (_, path, handler) in api::table() {
        api = api.route(path, handler);
    }
    api.route("/", get(index))
        .route("/assets/{*path}", get(asset))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(config.token),
            auth::require_token,
        ))
        .layer(axum::middleware::map_response(security_headers))
        .layer(CatchPanicLayer::custom(panic_response))
}

/// Serves `router(config)` on `listener` until Ctrl-C.
///
/// # Errors
/// The listener's I/O error.
pub async fn serve(listener: tokio::net::TcpListener, config: ServerConfig) -> std::io::Result<()> {
    serve_until(listener, config, async {
        // If the signal handler cannot be installed the server runs until killed.
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serves `router(config)` on `listener` until `shutdown` completes, then stops accepting, closes
/// every connection without a request in progress (idle, or still sending its headers) and waits
/// for the requests in progress.
///
/// Each connection is served by hyper's HTTP/1 under the `header_timeout_ms` and
/// `idle_timeout_ms` limits (see `conn.rs`); the body limits are the handlers'.
///
/// # Errors
/// None so far: an error accepting one connection (a reset, too many open files) is waited out
/// and the server goes on; the `Result` leaves room for listener errors.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    config: ServerConfig,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let header = config.limits.header_timeout;
    let idle = config.limits.idle_timeout;
    let app = router(config);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    conn::spawn(stream, app.clone(), header, idle, &graceful, stopping.clone());
                }
                // Out of file descriptors, or a connection reset before it was accepted: wait a
                // little rather than spin, and go on.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            },
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    // Connections without a request in progress close now (idle ones by hyper, those still
    // sending a head by their watchdog); the others finish their request.
    stop.send_replace(true);
    graceful.shutdown().await;
    Ok(())
}
