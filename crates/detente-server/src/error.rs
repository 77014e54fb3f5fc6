//! The one error type of the API and its mapping to HTTP statuses and JSON bodies.
//!
//! Every failure a handler can meet becomes an [`ApiError`]; its [`IntoResponse`] impl is the
//! only place that picks a status code, so clients can rely on the table in `docs/openapi.yaml`:
//! 400 malformed request, 401 missing or wrong token, 404 no such route, job or run (or no run store), 405 wrong method, 413
//! content over a size limit, 415 wrong content type, 422 invalid scenario or a request the
//! models refuse, 429 too many background jobs, 503 too many model requests at once, 504 wall-time budget spent, 500 a bug.
//!
//! The body is always `{"error": {"status", "code", "message", "help", ...}}`, with `limit` and
//! `value` for limit errors and `findings` (the CLI's findings: field path, message, help, line,
//! column) for invalid scenarios.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use detente_core::{ScenarioError, Severity};
use serde::Serialize;

/// One finding about a posted scenario, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingOut {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// Field path, e.g. `issues[2].positions[0].salience`; `(document)` for the whole file.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// One-based line in the posted text, where known.
    pub line: Option<usize>,
    /// One-based column in the posted text, where known.
    pub column: Option<usize>,
}

impl FindingOut {
    /// Converts a located finding; `source` is the posted text, for line and column.
    pub fn new(located: &detente_core::Located, source: &detente_core::Source) -> Self {
        let f = located.finding();
        let (line, column) = match &f.span {
            Some(span) => {
                let (l, c) = source.line_col(span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        Self {
            severity: match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            path: f.path.to_string(),
            message: f.message.clone(),
            help: f.help.clone(),
            line,
            column,
        }
    }
}

/// Everything that can go wrong serving a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The request is malformed: bad query parameter, bad UTF-8, unknown id.
    #[error("{message}")]
    BadRequest {
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// No token, or the wrong one.
    #[error("missing or wrong access token")]
    Unauthorized,
    /// No such route.
    #[error("no such endpoint: {path}")]
    NotFound {
        /// The path asked for.
        path: String,
    },
    /// No job has this id (never started, or dropped after its lifetime).
    #[error("no such job: `{id}`")]
    UnknownJob {
        /// The id asked for.
        id: String,
    },
    /// No stored run has this id.
    #[error("no such run: `{id}`")]
    UnknownRun {
        /// The id asked for.
        id: String,
    },
    /// The server was started without a run store.
    #[error("this server has no run store")]
    NoRunStore,
    /// The route exists but not for this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The body's content type is neither TOML nor JSON.
    #[error("unsupported content type `{found}`")]
    UnsupportedMediaType {
        /// The content type sent.
        found: String,
        /// What the endpoint takes, for the help ("scenario as `application/toml` or ...").
        expected: &'static str,
    },
    /// Something the request asks for is over one of the server's limits.
    #[error("{what} is over the limit `{limit}` of {value}")]
    Limit {
        /// The limit's name (see `Limits::table`).
        limit: &'static str,
        /// The limit's value.
        value: u64,
        /// What was asked for, in words.
        what: String,
        /// 413 for the posted content, 400 for a query parameter, 422 for computed work.
        status: StatusCode,
    },
    /// The posted scenario failed validation.
    #[error("the scenario is invalid: {count} error(s)", count = findings.len())]
    InvalidScenario {
        /// Every error, located.
        findings: Vec<FindingOut>,
    },
    /// The scenario is valid but the model cannot run on it (e.g. one bargaining party).
    #[error("{message}")]
    Unprocessable {
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// Too many model requests are already admitted.
    #[error(
        "the server is busy: {requests} model requests (limit `queued_requests`) are already in"
    )]
    Busy {
        /// The `queued_requests` limit.
        requests: usize,
    },
    /// The run did not finish within the wall-time budget.
    #[error("the run did not finish within the wall-time budget (limit `wall_time_ms`) of {ms} ms")]
    Timeout {
        /// The `wall_time_ms` limit.
        ms: u64,
    },
    /// The request body did not arrive within its time limit.
    #[error("the request body did not arrive within the limit `body_timeout_ms` of {ms} ms")]
    BodyTimeout {
        /// The `body_timeout_ms` limit.
        ms: u64,
    },
    /// A bug in detente.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A 400 with a fix.
    pub fn bad_request(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self::BadRequest {
            message: message.into(),
            help: help.into(),
        }
    }

    /// The 422 for a scenario that fails validation.
    pub fn invalid_scenario(error: &ScenarioError, source: &detente_core::Source) -> Self {
        Self::InvalidScenario {
            findings: error
                .errors()
                .iter()
                .map(|e| FindingOut::new(e, source))
                .collect(),
        }
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::NotFound { .. }
            | Self::UnknownJob { .. }
            | Self::UnknownRun { .. }
            | Self::NoRunStore => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Limit { status, .. } => *status,
            Self::InvalidScenario { .. } | Self::Unprocessable { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            Self::BodyTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { .. } => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::NotFound { .. } => "not_found",
            Self::UnknownJob { .. } => "unknown_job",
            Self::UnknownRun { .. } => "unknown_run",
            Self::NoRunStore => "no_run_store",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::UnsupportedMediaType { .. } => "unsupported_media_type",
            Self::Limit { .. } => "limit_exceeded",
            Self::InvalidScenario { .. } => "invalid_scenario",
            Self::Unprocessable { .. } => "unprocessable",
            Self::Busy { .. } => "busy",
            Self::Timeout { .. } => "timeout",
            Self::BodyTimeout { .. } => "body_timeout",
            Self::Internal(_) => "internal",
        }
    }

    fn help(&self) -> String {
        match self {
            Self::BadRequest { help, .. } | Self::Unprocessable { help, .. } => help.clone(),
            Self::Unauthorized => {
                "send the header `Authorization: Bearer <token>` with the token the server was started with".to_owned()
            }
            Self::NotFound { .. } => "docs/openapi.yaml lists every endpoint".to_owned(),
            Self::UnknownRun { .. } => "`GET /api/runs` lists the stored runs and their ids".to_owned(),
            Self::NoRunStore => {
                "start the server with `detente serve --db PATH` to read the runs saved there".to_owned()
            }
            Self::UnknownJob { .. } => {
                "use the id `POST /api/montecarlo` or `POST /api/sensitivity` returned; finished jobs are kept for `job_lifetime_ms` only".to_owned()
            }
            Self::MethodNotAllowed => {
                "docs/openapi.yaml gives each endpoint's method".to_owned()
            }
            Self::UnsupportedMediaType { expected, .. } => format!("post the {expected}"),
            Self::Limit { .. } => {
                "make the request smaller, or run the model from the command line, which has no such limit".to_owned()
            }
            Self::InvalidScenario { .. } => {
                "fix each finding; every one names its field and, for TOML, its line".to_owned()
            }
            Self::Busy { .. } => "retry in a few seconds".to_owned(),
            Self::Timeout { .. } => {
                "ask for less work (fewer EUM rounds, a coarser grid) or use the command line".to_owned()
            }
            Self::BodyTimeout { .. } => {
                "send the whole body at once, as soon as the headers are sent".to_owned()
            }
            Self::Internal(_) => "this is a bug in detente; please report it".to_owned(),
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: ErrorOut<'a>,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    status: u16,
    code: &'static str,
    message: String,
    help: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    findings: Option<&'a [FindingOut]>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (limit, value) = match &self {
            Self::Limit { limit, value, .. } => (Some(*limit), Some(*value)),
            Self::Busy { requests } => (Some("queued_requests"), Some(*requests as u64)),
            Self::Timeout { ms } => (Some("wall_time_ms"), Some(*ms)),
            Self::BodyTimeout { ms } => (Some("body_timeout_ms"), Some(*ms)),
            _ => (None, None),
        };
        let findings = match &self {
            Self::InvalidScenario { findings } => Some(findings.as_slice()),
            _ => None,
        };
        let body = Body {
            error: ErrorOut {
                status: status.as_u16(),
                code: self.code(),
                message: self.to_string(),
                help: self.help(),
                limit,
                value,
                findings,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if matches!(self, Self::Busy { .. }) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
        if matches!(self, Self::Unauthorized) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
