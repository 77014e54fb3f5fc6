//! Reading a posted scenario: content type, size, UTF-8, then parse, validation and the count
//! limits.
//!
//! The body is the scenario itself (TOML as `application/toml`, JSON as `application/json`); no
//! request can name a file on the server. The body is read with a hard cap and a time limit
//! ([`read_body`], async, before any parsing), and parsing plus validation run with the model inside the job budget
//! ([`parse_scenario`]).

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use detente_core::{Format, Parsed, Source};

use crate::config::Limits;
use crate::error::ApiError;

/// A posted body that passed the transport checks, not yet parsed.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The text.
    pub text: String,
    /// TOML or JSON, from the content type.
    pub format: Format,
}

impl Posted {
    /// The name findings use for the posted text.
    pub fn name(&self) -> &'static str {
        match self.format {
            Format::Toml => "request.toml",
            Format::Json => "request.json",
        }
    }
}

/// What a scenario endpoint takes.
const SCENARIO_TYPES: &str = "scenario as `application/toml` or `application/json`";

pub(crate) fn format_of(headers: &HeaderMap) -> Result<Format, ApiError> {
    let raw = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let Some(raw) = raw else {
        return Err(ApiError::UnsupportedMediaType {
            found: "(none)".to_owned(),
            expected: SCENARIO_TYPES,
        });
    };
    let media = raw
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match media.as_str() {
        "application/toml" => Ok(Format::Toml),
        "application/json" => Ok(Format::Json),
        _ => Err(ApiError::UnsupportedMediaType {
            found: raw.chars().take(100).collect(),
            expected: SCENARIO_TYPES,
        }),
    }
}

fn too_large(limit: (&'static str, usize), what: String) -> ApiError {
    ApiError::Limit {
        limit: limit.0,
        value: limit.1 as u64,
        what,
        status: StatusCode::PAYLOAD_TOO_LARGE,
    }
}

/// Checks the content type and reads at most `limits.body_bytes` of UTF-8 text.
///
/// # Errors
/// 415 for a content type other than TOML or JSON, 413 over the size limit, 400 for a body that
/// is not UTF-8 or breaks off, 408 when the body takes longer than `limits.body_timeout`.
pub async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limits: &Limits,
) -> Result<Posted, ApiError> {
    let format = format_of(headers)?;
    let text = read_text(
        headers,
        body,
        limits,
        ("body_bytes", limits.body_bytes),
        "scenario",
    )
    .await?;
    Ok(Posted { text, format })
}

/// Reads at most `limit.1` bytes of UTF-8 text within `limits.body_timeout`; over the cap is
/// 413 naming the limit `limit.0`. `noun` names what the body should hold, for the help.
///
/// # Errors
/// 413 over the size limit, 400 for a body that is not UTF-8 or breaks off, 408 when the body
/// takes longer than `limits.body_timeout`.
pub async fn read_text(
    headers: &HeaderMap,
    body: Body,
    limits: &Limits,
    limit: (&'static str, usize),
    noun: &str,
) -> Result<String, ApiError> {
    // A declared length over the limit is refused before a byte is read.
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && len > limit.1 as u64
    {
        return Err(too_large(limit, format!("a body of {len} bytes")));
    }
    // The whole body must arrive within `body_timeout`: a client trickling it byte by byte
    // would otherwise hold its admission (and with 64 such clients, every admission) for ever.
    let read = tokio::time::timeout(limits.body_timeout, axum::body::to_bytes(body, limit.1));
    let bytes: Bytes = read
        .await
        .map_err(|_| ApiError::BodyTimeout {
            ms: u64::try_from(limits.body_timeout.as_millis()).unwrap_or(u64::MAX),
        })?
        .map_err(|e| {
            let inner = e.into_inner();
            if inner.is::<http_body_util::LengthLimitError>() {
                too_large(limit, "the body".to_owned())
            } else {
                ApiError::bad_request(
                    format!("could not read the request body: {inner}"),
                    format!("send the whole {noun} as the request body"),
                )
            }
        })?;
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        ApiError::bad_request(
            format!(
                "the body is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
            format!("send the {noun} as UTF-8 text"),
        )
    })
}

/// Parses and validates the posted text, then applies the count limits.
///
/// # Errors
/// 422 with every finding for an invalid scenario; 413 naming the limit for too many actors,
/// issues or positions.
pub fn parse_scenario(posted: &Posted, limits: &Limits) -> Result<Parsed, ApiError> {
    let parsed = detente_core::parse(posted.name(), &posted.text).map_err(|e| {
        ApiError::invalid_scenario(&e, &Source::new(posted.name(), posted.text.as_str()))
    })?;
    let scenario = &parsed.scenario;
    let positions: usize = scenario.issues.iter().map(|i| i.positions.len()).sum();
    for (limit, value, count, what) in [
        ("actors", limits.actors, scenario.actors.len(), "actors"),
        ("issues", limits.issues, scenario.issues.len(), "issues"),
        ("positions", limits.positions, positions, "positions"),
    ] {
        if count > value {
            return Err(ApiError::Limit {
                limit,
                value: value as u64,
                what: format!("the scenario's {count} {what}"),
                status: StatusCode::PAYLOAD_TOO_LARGE,
            });
        }
    }
    Ok(parsed)
}
