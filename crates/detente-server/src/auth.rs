//! The access token: required on every API call except `GET /api/health` when the server was
//! given one (always when it binds to a non-loopback address).
//!
//! The token is compared in constant time (`subtle`), so response timing does not reveal how
//! many leading bytes of a guess were right. Only the length can leak, which for a random token
//! of fixed length tells an attacker nothing useful.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::error::ApiError;

/// Whether `presented` equals `expected`, in time independent of where they differ.
pub fn token_matches(expected: &[u8], presented: &[u8]) -> bool {
    expected.ct_eq(presented).into()
}

/// Middleware: refuses API requests without the right bearer token.
pub(crate) async fn require_token(
    State(token): State<Arc<Option<String>>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(expected) = token.as_ref() else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    if !path.starts_with("/api/") || path == "/api/health" {
        return next.run(request).await;
    }
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "))
        .unwrap_or(b"");
    if token_matches(expected.as_bytes(), presented) {
        next.run(request).await
    } else {
        ApiError::Unauthorized.into_response()
    }
}
