//! `POST /api/montecarlo?trials=..&seed=..&model=..` starts a Monte Carlo job on the posted
//! scenario and answers 202 with its id; `GET /api/jobs/{id}` reports progress (trials done of
//! the total) and, once finished, the result (schema `detente.montecarlo/1`, as
//! `detente montecarlo --format json`); `DELETE /api/jobs/{id}` cancels a running job (it stops
//! between two blocks of trials) or drops a finished one.
//!
//! Jobs are bounded: at most `jobs` are held at once (running, or finished and kept), a running
//! job stops after `job_wall_time_ms`, and a finished job is dropped `job_lifetime_ms` after it
//! ended. The scenario is parsed and every target checked on it before the job starts, so a bad
//! scenario gets its 4xx at once rather than a failed job.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use detente_core::Scenario;
use detente_models::bargain::{FrontierConfig, PackageConfig, SolveConfig};
use detente_models::dynamics::DynamicsConfig;
use detente_models::forecast::{ForecastConfig, Model};
use detente_sim::{MonteCarloConfig, Target};
use serde::Serialize;

use super::{AppState, bargain, query};
use crate::config::Limits;
use crate::error::ApiError;
use crate::input::{parse_scenario, read_body};

/// How a job stands.
#[derive(Debug, Clone)]
enum Outcome {
    Running,
    Done(Box<serde_json::Value>),
    Cancelled,
    TimedOut,
    Failed(String),
}

#[derive(Debug)]
struct Job {
    id: String,
    total: u64,
    done: AtomicU64,
    cancel: AtomicBool,
    outcome: Mutex<(Outcome, Option<Instant>)>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A poisoned lock only means a thread panicked while holding it; the data (a job's outcome
    // or the table) is still consistent enough to report.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Job {
    fn finish(&self, outcome: Outcome) {
        *lock(&self.outcome) = (outcome, Some(Instant::now()));
    }

    fn view(&self) -> JobOut {
        let (outcome, _) = lock(&self.outcome).clone();
        let (status, result, error) = match outcome {
            Outcome::Running => ("running", None, None),
            Outcome::Done(v) => ("done", Some(v), None),
            Outcome::Cancelled => ("cancelled", None, None),
            Outcome::TimedOut => (
                "timed_out",
                None,
                Some(
                    "the job ran out of its wall-time budget (limit `job_wall_time_ms`)".to_owned(),
                ),
            ),
            Outcome::Failed(e) => ("failed", None, Some(e)),
        };
        JobOut {
            id: self.id.clone(),
            kind: "montecarlo",
            status,
            done: self.done.load(Ordering::Relaxed),
            total: self.total,
            result,
            error,
        }
    }
}

/// The JSON of a job.
#[derive(Debug, Serialize)]
pub struct JobOut {
    id: String,
    kind: &'static str,
    /// `running`, `done`, `cancelled`, `timed_out` or `failed`.
    status: &'static str,
    done: u64,
    total: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<Box<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The background jobs, bounded in number and lifetime.
#[derive(Debug, Clone)]
pub struct JobTable {
    next: Arc<AtomicU64>,
    jobs: Arc<Mutex<BTreeMap<String, Arc<Job>>>>,
    limits: Arc<Limits>,
}

impl JobTable {
    /// An empty table under `limits`.
    pub fn new(limits: Arc<Limits>) -> Self {
        Self {
            next: Arc::new(AtomicU64::new(1)),
            jobs: Arc::new(Mutex::new(BTreeMap::new())),
            limits,
        }
    }

    /// Drops finished jobs older than the lifetime.
    fn sweep(&self, jobs: &mut BTreeMap<String, Arc<Job>>) {
        let lifetime = self.limits.job_lifetime;
        jobs.retain(|_, job| match lock(&job.outcome).1 {
            Some(ended) => ended.elapsed() < lifetime,
            None => true,
        });
    }

    fn get(&self, id: &str) -> Result<Arc<Job>, ApiError> {
        let mut jobs = lock(&self.jobs);
        self.sweep(&mut jobs);
        jobs.get(id).cloned().ok_or_else(|| ApiError::UnknownJob {
            id: id.chars().take(64).collect(),
        })
    }

    /// Starts a Monte Carlo job on the blocking pool.
    fn start(
        &self,
        scenario: Scenario,
        targets: Vec<Target>,
        config: MonteCarloConfig,
    ) -> Result<Arc<Job>, ApiError> {
        let job = {
            let mut jobs = lock(&self.jobs);
            self.sweep(&mut jobs);
            if jobs.len() >= self.limits.jobs {
                return Err(ApiError::Limit {
                    limit: "jobs",
                    value: self.limits.jobs as u64,
                    what: format!("a new job with {} jobs held", jobs.len()),
                    status: StatusCode::TOO_MANY_REQUESTS,
                });
            }
            let id = format!("mc-{}", self.next.fetch_add(1, Ordering::Relaxed));
            let job = Arc::new(Job {
                id: id.clone(),
                total: config.trials,
                done: AtomicU64::new(0),
                cancel: AtomicBool::new(false),
                outcome: Mutex::new((Outcome::Running, None)),
            });
            jobs.insert(id, Arc::clone(&job));
            job
        };
        let budget = self.limits.job_wall_time;
        let worker = Arc::clone(&job);
        tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let timed_out = AtomicBool::new(false);
            let stop = || {
                if started.elapsed() > budget {
                    timed_out.store(true, Ordering::Relaxed);
                    return true;
                }
                worker.cancel.load(Ordering::Relaxed)
            };
            let outcome =
                match crate::montecarlo::run(&scenario, &targets, &config, &worker.done, &stop) {
                    Ok(Some(result)) => match serde_json::to_value(&result) {
                        Ok(v) => Outcome::Done(Box::new(v)),
                        Err(e) => Outcome::Failed(format!("could not write the result: {e}")),
                    },
                    Ok(None) if timed_out.load(Ordering::Relaxed) => Outcome::TimedOut,
                    Ok(None) => Outcome::Cancelled,
                    Err(e) => Outcome::Failed(e.to_string()),
                };
            worker.finish(outcome);
        });
        Ok(job)
    }
}

/// The targets `model` names, as `detente montecarlo --model` builds them (grid step 5).
fn targets(models: &str, scenario: &Scenario, limits: &Limits) -> Result<Vec<Target>, ApiError> {
    let help =
        "use model=all or a comma-separated list of compromise, median, nash, eum, package, delay";
    let mut spatial = Vec::new();
    let (mut all, mut package, mut delay) = (false, false, false);
    for name in models.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match name {
            "all" => all = true,
            "package" => package = true,
            "delay" => delay = true,
            other => spatial.push(other.parse::<Model>().map_err(|_| {
                ApiError::bad_request(
                    format!(
                        "model: unknown model `{}`",
                        other.chars().take(64).collect::<String>()
                    ),
                    help,
                )
            })?),
        }
    }
    if !all && !package && !delay && spatial.is_empty() {
        return Err(ApiError::bad_request("model: no model named", help));
    }
    let mut models: Vec<Model> = Model::ALL
        .into_iter()
        .filter(|m| all || spatial.contains(m))
        .collect();
    models.dedup();
    let frontier = FrontierConfig {
        max_candidates: limits.frontier_candidates,
    };
    let mut out = Vec::new();
    if !models.is_empty() {
        out.push(Target::Spatial(ForecastConfig {
            models,
            ..ForecastConfig::default()
        }));
    }
    if all || package {
        bargain::check_problem(scenario, &PackageConfig::default(), limits)?;
        out.push(Target::Package {
            package: PackageConfig::default(),
            // Counting every rational package is not needed for "does a ZOPA exist".
            solve: SolveConfig {
                zopa_count_limit: 0,
                frontier,
                ..SolveConfig::default()
            },
        });
    }
    if delay && scenario.time.is_none() {
        // As `POST /api/delay`: without `[time]` the delay model would run on defaults nobody chose.
        return Err(ApiError::Unprocessable {
            message: "model `delay` needs the scenario's `[time]` section, and it has none"
                .to_owned(),
            help: "add a `[time]` section (docs/scenario-format.md, \"Time\") or leave out `delay`"
                .to_owned(),
        });
    }
    if delay || (all && scenario.time.is_some()) {
        bargain::check_problem(scenario, &PackageConfig::default(), limits)?;
        out.push(Target::Delay(DynamicsConfig {
            frontier,
            ..DynamicsConfig::default()
        }));
    }
    Ok(out)
}

/// Reads `trials` and `seed` from the query.
fn config(
    params: &BTreeMap<String, String>,
    limits: &Limits,
) -> Result<MonteCarloConfig, ApiError> {
    let mut config = MonteCarloConfig::default();
    if let Some(raw) = params.get("trials") {
        let trials: u64 = raw
            .trim()
            .parse()
            .map_err(|_| ApiError::bad_request("trials: not a whole number", "e.g. trials=1000"))?;
        if trials == 0 {
            return Err(ApiError::bad_request(
                "trials: must be at least 1",
                "e.g. trials=1000",
            ));
        }
        if trials > limits.trials {
            return Err(ApiError::Limit {
                limit: "trials",
                value: limits.trials,
                what: format!("trials={trials}"),
                status: StatusCode::BAD_REQUEST,
            });
        }
        config.trials = trials;
    }
    if let Some(raw) = params.get("seed") {
        config.seed = raw.trim().parse().map_err(|_| {
            ApiError::bad_request("seed: not a whole number from 0 to 2^64-1", "e.g. seed=42")
        })?;
    }
    Ok(config)
}

pub(crate) async fn start(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<JobOut>), ApiError> {
    let params = query(&uri, &["trials", "seed", "model"])?;
    let config = config(&params, &state.limits)?;
    let models = params
        .get("model")
        .cloned()
        .unwrap_or_else(|| "all".to_owned());
    let ticket = state.jobs.admit()?;
    let posted = read_body(&headers, body, &state.limits).await?;
    let limits = state.limits.clone();
    let (scenario, targets) = state
        .jobs
        .run(ticket, move || {
            let parsed = parse_scenario(&posted, &limits)?;
            let targets = targets(&models, &parsed.scenario, &limits)?;
            // Every target must be computable on the base scenario before the job starts.
            for t in &targets {
                t.metrics(&parsed.scenario)
                    .map_err(|e| ApiError::Unprocessable {
                        message: e.to_string(),
                        help: "pick models the scenario supports (delay needs a `[time]` section)"
                            .to_owned(),
                    })?;
            }
            Ok((parsed.scenario, targets))
        })
        .await?;
    let job = state.mc.start(scenario, targets, config)?;
    Ok((StatusCode::ACCEPTED, Json(job.view())))
}

pub(crate) async fn status(
    State(state): State<AppState>,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Json<JobOut>, ApiError> {
    query(&uri, &[])?;
    Ok(Json(state.mc.get(&id)?.view()))
}

pub(crate) async fn cancel(
    State(state): State<AppState>,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Json<JobOut>, ApiError> {
    query(&uri, &[])?;
    let job = state.mc.get(&id)?;
    let finished = lock(&job.outcome).1.is_some();
    if finished {
        lock(&state.mc.jobs).remove(&job.id);
    } else {
        job.cancel.store(true, Ordering::Relaxed);
    }
    Ok(Json(job.view()))
}
