//! `POST /api/montecarlo` starts a Monte Carlo job on the posted scenario and answers 202 with
//! its id; `GET /api/jobs/{id}` reports progress (trials done of the total) and, once finished,
//! the result (schema `detente.montecarlo/1`, as `detente montecarlo --format json`);
//! `DELETE /api/jobs/{id}` cancels a queued or running job (a running one stops between two
//! blocks of trials) or drops a finished one. The query takes the options of
//! `detente montecarlo` ([`SIM_PARAMS`]), which `POST /api/sensitivity` shares.
//!
//! This module also holds the [`JobTable`] both kinds of job live in. Jobs are bounded: at most
//! `jobs` are held at once (queued, running, or finished and kept); at most `background_jobs`
//! run at once, each also holding one of the `concurrent_jobs` slots the other endpoints use, and
//! a job waits as `queued` for both; a running job stops after `job_wall_time_ms` (counted from
//! when it started running), and a finished job is dropped `job_lifetime_ms` after it ended. The
//! scenario is parsed and every target checked on it before the job is created, so a bad
//! scenario, option or lever gets its 4xx at once rather than a failed job.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use detente_analysis::{AnalysisConfig, Selection};
use detente_core::Scenario;
use detente_models::bargain::FrontierConfig;
use detente_models::dynamics::DynamicsConfig;
use detente_sim::{MonteCarloConfig, Noise, Target, TargetError};
use serde::Serialize;
use tokio::sync::{Notify, Semaphore};

use super::{AppState, bargain, delay, on_posted_scenario, query};
use crate::config::Limits;
use crate::error::ApiError;
use crate::job::Jobs;

/// The kinds of background job, which name a job's `kind` and prefix its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobKind {
    /// `POST /api/montecarlo`, ids `mc-N`.
    MonteCarlo,
    /// `POST /api/sensitivity`, ids `sa-N`.
    Sensitivity,
}

impl JobKind {
    fn name(self) -> &'static str {
        match self {
            JobKind::MonteCarlo => "montecarlo",
            JobKind::Sensitivity => "sensitivity",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            JobKind::MonteCarlo => "mc",
            JobKind::Sensitivity => "sa",
        }
    }
}

/// How a job stands.
#[derive(Debug, Clone)]
enum Outcome {
    Queued,
    Running,
    Done(Box<serde_json::Value>),
    Cancelled,
    TimedOut,
    Failed(String),
}

#[derive(Debug)]
pub(crate) struct Job {
    id: String,
    kind: JobKind,
    total: u64,
    done: AtomicU64,
    cancel: AtomicBool,
    /// Wakes a queued job's waiting task when the job is cancelled, so it leaves the queue.
    wake: Notify,
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

    /// Moves a queued job to running; `false` when it was cancelled meanwhile and must not run.
    fn begin(&self) -> bool {
        let mut outcome = lock(&self.outcome);
        if matches!(outcome.0, Outcome::Queued) && outcome.1.is_none() {
            outcome.0 = Outcome::Running;
            true
        } else {
            false
        }
    }

    /// Asks the job to stop: a queued job ends as cancelled at once, a running one stops
    /// between two blocks. Returns whether the job had already finished.
    fn cancel(&self) -> bool {
        let mut outcome = lock(&self.outcome);
        if outcome.1.is_some() {
            return true;
        }
        self.cancel.store(true, Ordering::Relaxed);
        if matches!(outcome.0, Outcome::Queued) {
            *outcome = (Outcome::Cancelled, Some(Instant::now()));
        }
        drop(outcome);
        // `notify_one` keeps a permit when nobody waits yet, so the wake-up is not lost if the
        // job's task has not reached its wait.
        self.wake.notify_one();
        false
    }

    pub(crate) fn view(&self) -> JobOut {
        let (outcome, _) = lock(&self.outcome).clone();
        let (status, result, error) = match outcome {
            Outcome::Queued => ("queued", None, None),
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
            kind: self.kind.name(),
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
    /// `montecarlo` or `sensitivity`.
    kind: &'static str,
    /// `queued`, `running`, `done`, `cancelled`, `timed_out` or `failed`.
    status: &'static str,
    done: u64,
    total: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<Box<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// What the job table needs from a job's result: JSON when it completed, `None` when it stopped
/// early, or a message when it failed.
pub(crate) fn job_result<T: Serialize, E: std::fmt::Display>(
    result: Result<Option<T>, E>,
) -> Result<Option<serde_json::Value>, String> {
    match result {
        Ok(Some(r)) => serde_json::to_value(&r)
            .map(Some)
            .map_err(|e| format!("could not write the result: {e}")),
        Ok(None) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// The background jobs, bounded in number, in how many run at once, and in lifetime.
#[derive(Debug, Clone)]
pub struct JobTable {
    next: Arc<AtomicU64>,
    jobs: Arc<Mutex<BTreeMap<String, Arc<Job>>>>,
    /// One permit per running background job (`background_jobs`).
    background: Arc<Semaphore>,
    /// The model slots a running job also holds (`concurrent_jobs`).
    pool: Jobs,
    limits: Arc<Limits>,
}

impl JobTable {
    /// An empty table under `limits`, whose running jobs take their slots from `pool`.
    pub fn new(limits: Arc<Limits>, pool: Jobs) -> Self {
        Self {
            next: Arc::new(AtomicU64::new(1)),
            jobs: Arc::new(Mutex::new(BTreeMap::new())),
            background: Arc::new(Semaphore::new(limits.background_jobs)),
            pool,
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

    /// Creates a job of `total` trials and starts its task: unless a background permit and a
    /// model slot are both free at once (then the job starts `running`), it is `queued` and
    /// waits for a background permit, then for a model slot; it then runs `work` on the blocking
    /// pool with the progress counter and the stop check (cancelled, or over the wall-time
    /// budget counted from there). Must be called on the tokio runtime.
    ///
    /// # Errors
    /// The `jobs` limit (429).
    pub(crate) fn start<F>(&self, kind: JobKind, total: u64, work: F) -> Result<Arc<Job>, ApiError>
    where
        F: FnOnce(&AtomicU64, &dyn Fn() -> bool) -> Result<Option<serde_json::Value>, String>
            + Send
            + 'static,
    {
        // Taking free permits here, rather than in the task, lets the 202 say `running` when
        // nothing is in the way, which is what a client that only polls while `running` (the
        // dashboard before it knew `queued`) expects.
        let ready = Arc::clone(&self.background)
            .try_acquire_owned()
            .ok()
            .and_then(|permit| self.pool.try_slot().map(|slot| (permit, slot)));
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
            let id = format!(
                "{}-{}",
                kind.prefix(),
                self.next.fetch_add(1, Ordering::Relaxed)
            );
            let job = Arc::new(Job {
                id: id.clone(),
                kind,
                total,
                done: AtomicU64::new(0),
                cancel: AtomicBool::new(false),
                wake: Notify::new(),
                outcome: Mutex::new((
                    if ready.is_some() {
                        Outcome::Running
                    } else {
                        Outcome::Queued
                    },
                    None,
                )),
            });
            jobs.insert(id, Arc::clone(&job));
            job
        };
        let budget = self.limits.job_wall_time;
        let background = Arc::clone(&self.background);
        let pool = self.pool.clone();
        let worker = Arc::clone(&job);
        tokio::spawn(async move {
            let permits = match ready {
                Some(permits) => permits,
                None => {
                    // The background permit first, so that queued jobs never take model slots
                    // from the interactive endpoints while they wait.
                    let wait = async {
                        let permit = background.acquire_owned().await.ok()?;
                        let slot = pool.slot().await.ok()?;
                        Some((permit, slot))
                    };
                    let permits = tokio::select! {
                        () = worker.wake.notified() => None,
                        permits = wait => permits,
                    };
                    let Some(permits) = permits else {
                        // Cancelled while queued (`Job::cancel` has already recorded it), or
                        // the semaphores were closed, which the server never does.
                        if !worker.cancel.load(Ordering::Relaxed) {
                            worker.finish(Outcome::Failed("the job pool was closed".to_owned()));
                        }
                        return;
                    };
                    if !worker.begin() {
                        return;
                    }
                    permits
                }
            };
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
                // A panic in the library must end the job as failed, not leave it `running`
                // for ever and holding its place in the table.
                let ran = std::panic::catch_unwind(AssertUnwindSafe(|| work(&worker.done, &stop)));
                let outcome = match ran {
                    Ok(Ok(Some(result))) => Outcome::Done(Box::new(result)),
                    Ok(Ok(None)) if timed_out.load(Ordering::Relaxed) => Outcome::TimedOut,
                    Ok(Ok(None)) => Outcome::Cancelled,
                    Ok(Err(e)) => Outcome::Failed(e),
                    Err(_) => Outcome::Failed(
                        "the job panicked; this is a bug in detente, please report it".to_owned(),
                    ),
                };
                // Free the permit and the slot before reporting the end, so a client that sees
                // the job finished also finds its slots free.
                drop(permits);
                worker.finish(outcome);
            });
        });
        Ok(job)
    }
}

/// The query parameters of `POST /api/montecarlo` and `POST /api/sensitivity`.
pub(crate) const SIM_PARAMS: &[&str] = &[
    "model",
    "trials",
    "seed",
    "noise",
    "scenario_uncertainty",
    "step",
    "months",
    "levers",
];

/// The defaults that differ between the two simulation endpoints.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SimDefaults {
    /// `model` when not given.
    pub(crate) models: &'static str,
    /// `trials` when not given.
    pub(crate) trials: u64,
    /// Fewest `trials` accepted (sensitivity takes 0: the tornado only).
    pub(crate) min_trials: u64,
}

/// A simulation request's options, read from the query before the body is.
#[derive(Debug, Clone)]
pub(crate) struct SimRequest {
    /// The `model` list, parsed once the scenario is known (`all` depends on its `[time]`).
    models: String,
    /// Trials (Monte Carlo) or regression trials (sensitivity).
    pub(crate) trials: u64,
    /// Master seed.
    pub(crate) seed: u64,
    /// `noise` and `scenario_uncertainty`, as the CLI's `--noise` and
    /// `--no-scenario-uncertainty`.
    pub(crate) noise: Noise,
    /// `step`, `months` and `levers`, read as `POST /api/delay` reads them.
    dynamics: DynamicsConfig,
    /// Whether `months` or `levers` was given: only the delay model reads them.
    delay_options: bool,
}

impl SimRequest {
    /// Reads and checks every option of [`SIM_PARAMS`] that does not depend on the scenario.
    ///
    /// # Errors
    /// A 400 naming the malformed parameter, or the `trials` or `months` limit.
    pub(crate) fn from_query(
        params: &BTreeMap<String, String>,
        limits: &Limits,
        defaults: SimDefaults,
    ) -> Result<Self, ApiError> {
        let trials = match params.get("trials") {
            None => defaults.trials,
            Some(raw) => trials(raw, limits, defaults.min_trials)?,
        };
        let seed = match params.get("seed") {
            None => 0,
            Some(raw) => raw.trim().parse().map_err(|_| {
                ApiError::bad_request("seed: not a whole number from 0 to 2^64-1", "e.g. seed=42")
            })?,
        };
        let models = params
            .get("model")
            .cloned()
            .unwrap_or_else(|| defaults.models.to_owned());
        let delay_options = params.contains_key("months") || params.contains_key("levers");
        if delay_options
            && !models
                .split(',')
                .map(str::trim)
                .any(|m| m == "delay" || m == "all")
        {
            return Err(ApiError::bad_request(
                "months, levers: only the delay model reads them, and `model` does not name it",
                "add `delay` to `model` (e.g. model=delay), or leave out months and levers",
            ));
        }
        Ok(Self {
            models,
            trials,
            seed,
            noise: noise(params)?,
            dynamics: delay::config(params, limits, true)?,
            delay_options,
        })
    }
}

/// `trials`: a whole number from `min` to the `trials` limit.
fn trials(raw: &str, limits: &Limits, min: u64) -> Result<u64, ApiError> {
    let help = if min == 0 {
        "e.g. trials=2000, or trials=0 for the tornado alone"
    } else {
        "e.g. trials=1000"
    };
    let trials: u64 = raw
        .trim()
        .parse()
        .map_err(|_| ApiError::bad_request("trials: not a whole number", help))?;
    if trials < min {
        return Err(ApiError::bad_request(
            format!("trials: must be at least {min}"),
            help,
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
    Ok(trials)
}

/// `noise` (comma-separated NAME=VALUE, as the CLI's `--noise`) and `scenario_uncertainty`.
fn noise(params: &BTreeMap<String, String>) -> Result<Noise, ApiError> {
    let ignore_scenario = match params.get("scenario_uncertainty").map(|s| s.trim()) {
        None | Some("true") => false,
        Some("false") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                format!(
                    "scenario_uncertainty: `{}` is neither true nor false",
                    other.chars().take(64).collect::<String>()
                ),
                "use scenario_uncertainty=false to vary only what `noise` sets, or true (the default) to keep the scenario's own sd/range",
            ));
        }
    };
    let mut noise = Noise {
        ignore_scenario,
        ..Noise::default()
    };
    let help = "give comma-separated NAME=VALUE settings: position=SD (on the issue's scale), salience=REL, capability=REL, drift=REL or cost=REL (relative sd), e.g. noise=salience=0.1,capability=0.2";
    for spec in params
        .get("noise")
        .into_iter()
        .flat_map(|raw| raw.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        // Every valid setting is short; a long one is echoed only in part.
        if spec.chars().count() > 64 {
            return Err(ApiError::bad_request(
                format!(
                    "noise: the setting `{}...` is too long to be NAME=VALUE",
                    spec.chars().take(64).collect::<String>()
                ),
                help,
            ));
        }
        noise
            .set(spec)
            .map_err(|e| ApiError::bad_request(format!("noise: {e}"), help))?;
    }
    Ok(noise)
}

/// A target the base scenario cannot be evaluated for, as the 4xx its endpoint would give.
fn target_error(e: TargetError) -> ApiError {
    match e {
        TargetError::Package(b) => bargain::model_error(b),
        TargetError::Delay(d) => delay::model_error(d),
        other => ApiError::Unprocessable {
            message: other.to_string(),
            help: "pick models the scenario supports (delay needs a `[time]` section)".to_owned(),
        },
    }
}

/// Reads and parses the posted scenario, builds the targets `request` names and evaluates each
/// on the scenario, all in a model slot within the wall-time budget, so that every error a job
/// could meet at its start (bad scenario, grid too fine, unknown lever) is a 4xx here.
pub(crate) async fn prepare(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    request: &SimRequest,
) -> Result<(Scenario, Vec<Target>), ApiError> {
    let request = request.clone();
    on_posted_scenario(state, headers, body, move |scenario, limits| {
        let targets = targets(&request, scenario, limits)?;
        for t in &targets {
            t.metrics(scenario).map_err(target_error)?;
        }
        Ok((scenario.clone(), targets))
    })
    .await
}

/// The targets `request` names, as `detente montecarlo --model` builds them, with its package
/// step, months and levers; the package problem and the delay horizon checked against the
/// limits.
fn targets(
    request: &SimRequest,
    scenario: &Scenario,
    limits: &Limits,
) -> Result<Vec<Target>, ApiError> {
    let help =
        "use model=all or a comma-separated list of compromise, median, nash, eum, package, delay";
    let selection = Selection::parse(request.models.split(','))
        .map_err(|e| ApiError::bad_request(format!("model: {e}"), help))?;
    if selection.is_empty() {
        return Err(ApiError::bad_request("model: no model named", help));
    }
    if selection.delay && scenario.time.is_none() {
        // As `POST /api/delay`: without `[time]` the delay model would run on defaults nobody chose.
        return Err(ApiError::Unprocessable {
            message: "model `delay` needs the scenario's `[time]` section, and it has none"
                .to_owned(),
            help: "add a `[time]` section (docs/scenario-format.md, \"Time\") or leave out `delay`"
                .to_owned(),
        });
    }
    if selection.runs_package() {
        bargain::check_problem(scenario, &request.dynamics.package, limits)?;
    }
    if selection.runs_delay(scenario) {
        // The checks of `POST /api/delay`: the horizon (`months` or `[time] horizon`) against
        // the `months` limit, and the package problem with this step.
        delay::check(scenario, &request.dynamics, limits, false)?;
    } else if request.delay_options {
        // `model=all` on a scenario without `[time]`: the months and levers would be ignored.
        return Err(ApiError::Unprocessable {
            message: "months, levers: only the delay model reads them, and this scenario has no `[time]` section for it".to_owned(),
            help: "leave out months and levers, or add a `[time]` section (docs/scenario-format.md, \"Time\")".to_owned(),
        });
    }
    let config = AnalysisConfig {
        package: request.dynamics.package.clone(),
        months: request.dynamics.months,
        levers: request.dynamics.levers.clone(),
        ..AnalysisConfig::default()
    }
    .with_frontier(FrontierConfig {
        max_candidates: limits.frontier_candidates,
    });
    config
        .targets(scenario, &selection)
        .map_err(|e| ApiError::Unprocessable {
            message: e.to_string(),
            help: help.to_owned(),
        })
}

pub(crate) async fn start(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<JobOut>), ApiError> {
    let params = query(&uri, SIM_PARAMS)?;
    let request = SimRequest::from_query(
        &params,
        &state.limits,
        SimDefaults {
            models: "all",
            trials: MonteCarloConfig::default().trials,
            min_trials: 1,
        },
    )?;
    let (scenario, targets) = prepare(&state, &headers, body, &request).await?;
    let config = MonteCarloConfig {
        trials: request.trials,
        seed: request.seed,
        noise: request.noise,
        ..MonteCarloConfig::default()
    };
    let job = state
        .mc
        .start(JobKind::MonteCarlo, config.trials, move |done, stop| {
            job_result(crate::montecarlo::run(
                &scenario, &targets, &config, done, stop,
            ))
        })?;
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
    if job.cancel() {
        lock(&state.mc.jobs).remove(&job.id);
    }
    Ok(Json(job.view()))
}
