//! `GET /api/scenarios/istanbul`: the bundled Istanbul 2025 scenario, embedded in the binary.

use axum::http::header;
use axum::response::IntoResponse;

/// The text of `scenarios/istanbul-2025.toml` at build time.
pub const ISTANBUL: &str = include_str!("../../../../scenarios/istanbul-2025.toml");

pub(crate) async fn istanbul() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/toml; charset=utf-8")],
        ISTANBUL,
    )
}
