//! Server settings: the access token and the limits on what one request may make the server do.
//!
//! Every limit has a stable name (used in the JSON error a request over it gets, and in the table
//! in `docs/openapi.yaml` and `ARCHITECTURE.md`) and a default sized so that any request inside
//! all of them finishes well within the wall-time budget on a 2-core machine.

use std::time::Duration;

/// Limits on one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body, in bytes (`body_bytes`).
    pub body_bytes: usize,
    /// Largest body of `POST /api/charts`, in bytes: a result document is larger than a
    /// scenario (Istanbul's sensitivity result is about 1.5 MB) (`chart_body_bytes`).
    pub chart_body_bytes: usize,
    /// Most actors in a posted scenario (`actors`).
    pub actors: usize,
    /// Most issues in a posted scenario (`issues`).
    pub issues: usize,
    /// Most positions, summed over all issues (`positions`).
    pub positions: usize,
    /// Most EUM rounds a forecast may ask for (`eum_rounds`).
    pub eum_rounds: usize,
    /// Most bargaining parties (`parties`).
    pub parties: usize,
    /// Most grid points on one issue of a package-bargaining problem (`grid_points`).
    pub grid_points: usize,
    /// Most partial packages one step of the frontier search may examine
    /// (`frontier_candidates`).
    pub frontier_candidates: usize,
    /// Largest package space whose zone of agreement is counted by enumeration
    /// (`zopa_enumeration`); larger spaces are still solved, without the count.
    pub zopa_enumeration: u64,
    /// Most months a delay or levers run may model, from `?months=` or the scenario's
    /// `[time] horizon` (`months`).
    pub months: u32,
    /// Most levers a scenario posted to `/api/levers` may declare; the comparison runs the
    /// baseline, each lever and each pair, so the work grows with the square (`levers`).
    pub levers: usize,
    /// Most trials one Monte Carlo or sensitivity job, or the settlement forecast of one delay
    /// or levers request, may ask for (`trials`).
    pub trials: u64,
    /// Most background jobs held at once, queued, running, or finished and not yet dropped
    /// (`jobs`).
    pub jobs: usize,
    /// Most background jobs running at once; a further job is `queued` until one ends. A
    /// running job also holds one of the `concurrent_jobs` slots, so keep this below that
    /// limit to leave slots for the other endpoints (`background_jobs`).
    pub background_jobs: usize,
    /// Wall-time budget of one background job, counted from when it starts running (time
    /// spent queued is not counted); a job still running then stops between two blocks of
    /// trials and is reported as timed out (`job_wall_time_ms`).
    pub job_wall_time: Duration,
    /// How long a finished job's result is kept for `GET /api/jobs/{id}` before it is dropped
    /// (`job_lifetime_ms`).
    pub job_lifetime: Duration,
    /// Wall-time budget of one model run (`wall_time_ms`).
    pub wall_time: Duration,
    /// Model runs at once; further admitted requests wait for a slot within their wall-time
    /// budget (`concurrent_jobs`).
    pub concurrent_jobs: usize,
    /// Model requests admitted at once (running or waiting); one more gets 503
    /// (`queued_requests`).
    pub queued_requests: usize,
    /// How long a connection may take to send a request's headers, counted from its first byte
    /// (`header_timeout_ms`); the connection is then closed.
    pub header_timeout: Duration,
    /// How long a model request may take to send its whole body, counted from when the handler
    /// starts reading it; the request then gets 408 and gives up its admission
    /// (`body_timeout_ms`).
    pub body_timeout: Duration,
    /// How long a connection may wait with no request in progress (just opened, or after a
    /// response) before the first byte of its next request; it is then closed
    /// (`idle_timeout_ms`).
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            body_bytes: 1024 * 1024,
            chart_body_bytes: 16 * 1024 * 1024,
            actors: 100,
            issues: 50,
            positions: 2_000,
            eum_rounds: 200,
            parties: 4,
            grid_points: 201,
            frontier_candidates: 2_000_000,
            zopa_enumeration: 1_000_000,
            months: 120,
            levers: 12,
            trials: 20_000,
            jobs: 8,
            background_jobs: 2,
            job_wall_time: Duration::from_secs(300),
            job_lifetime: Duration::from_secs(600),
            wall_time: Duration::from_secs(10),
            concurrent_jobs: 4,
            queued_requests: 64,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

impl Limits {
    /// Every limit as `(name, value)`, in the order of the documentation table.
    pub fn table(&self) -> Vec<(&'static str, u64)> {
        vec![
            ("body_bytes", self.body_bytes as u64),
            ("chart_body_bytes", self.chart_body_bytes as u64),
            ("actors", self.actors as u64),
            ("issues", self.issues as u64),
            ("positions", self.positions as u64),
            ("eum_rounds", self.eum_rounds as u64),
            ("parties", self.parties as u64),
            ("grid_points", self.grid_points as u64),
            ("frontier_candidates", self.frontier_candidates as u64),
            ("zopa_enumeration", self.zopa_enumeration),
            ("months", u64::from(self.months)),
            ("levers", self.levers as u64),
            ("trials", self.trials),
            ("jobs", self.jobs as u64),
            ("background_jobs", self.background_jobs as u64),
            ("job_wall_time_ms", ms(self.job_wall_time)),
            ("job_lifetime_ms", ms(self.job_lifetime)),
            ("wall_time_ms", ms(self.wall_time)),
            ("concurrent_jobs", self.concurrent_jobs as u64),
            ("queued_requests", self.queued_requests as u64),
            ("header_timeout_ms", ms(self.header_timeout)),
            ("body_timeout_ms", ms(self.body_timeout)),
            ("idle_timeout_ms", ms(self.idle_timeout)),
        ]
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Everything the router needs.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Limits on each request.
    pub limits: Limits,
    /// When set, every API request except `GET /api/health` must carry
    /// `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// The run store `GET /api/runs` reads (`detente serve --db PATH`); never from a request.
    pub runs_db: Option<std::path::PathBuf>,
}
