//! The background jobs of `POST /api/montecarlo` and `POST /api/sensitivity`, polled with
//! `GET /api/jobs/{id}` and cancelled with `DELETE /api/jobs/{id}`: one [`JobTable`] for every
//! kind of job, each job a `detente_sim::Runner` run in small blocks.
//!
//! Jobs are bounded: at most `jobs` are held at once (queued, running, or finished and kept); at
//! most `background_jobs` run at once, each also holding one of the `concurrent_jobs` slots the
//! other endpoints use, and a job waits as `queued` for both; a running job stops after
//! `job_wall_time_ms` (counted from when it started running), and a finished job is dropped
//! `job_lifetime_ms` after it ended. A running job reports progress after each block of
//! [`BLOCK`] trials and stops between two blocks when cancelled or out of time. The block size
//! changes neither the draws (they depend only on `(seed, k)`) nor the fold (trial order), so a
//! job's result equals the CLI's for the same seed (tested below).
//!
//! A cancelled or timed-out job frees its background permit and its model slot when its current
//! block ends (tested in `tests/api/jobs.rs`); the stop check cannot reach inside a block, so a
//! block whose model never returns (issue 16: the Nash bisection whose tolerance underflows)
//! keeps the job `running` and its permits held until the models bound their own loops.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use axum::http::StatusCode;
use detente_core::Scenario;
use detente_sim::Runner;
use serde::Serialize;
use tokio::sync::{Notify, Semaphore};

use crate::config::Limits;
use crate::error::ApiError;
use crate::job::Jobs;

/// Trials per block: small enough that a cancelled job stops within a fraction of a second on
/// the Istanbul scenario, large enough to keep every core busy.
pub const BLOCK: u64 = 64;

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
fn job_result<T: Serialize, E: std::fmt::Display>(
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

    /// The job `id`, as clients see it.
    ///
    /// # Errors
    /// An unknown (or expired) id (404).
    pub(crate) fn view(&self, id: &str) -> Result<JobOut, ApiError> {
        Ok(self.get(id)?.view())
    }

    /// Cancels job `id` (a finished one is dropped) and returns how it stands.
    ///
    /// # Errors
    /// An unknown (or expired) id (404).
    pub(crate) fn cancel(&self, id: &str) -> Result<JobOut, ApiError> {
        let job = self.get(id)?;
        if job.cancel() {
            lock(&self.jobs).remove(&job.id);
        }
        Ok(job.view())
    }

    /// Starts `runner` on `scenario` as a job of `kind` (see [`JobTable::start`]): it runs in
    /// blocks of [`BLOCK`] trials, storing the trials done after each.
    ///
    /// # Errors
    /// The `jobs` limit (429).
    pub(crate) fn start_run<R: Runner + 'static>(
        &self,
        kind: JobKind,
        scenario: Scenario,
        runner: R,
    ) -> Result<Arc<Job>, ApiError> {
        self.start(kind, runner.total(&scenario), move |done, stop| {
            job_result(run_blocks(&scenario, &runner, done, stop))
        })
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
    fn start<F>(&self, kind: JobKind, total: u64, work: F) -> Result<Arc<Job>, ApiError>
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

/// Runs `runner` on `scenario` in blocks of [`BLOCK`] trials, storing the trials done in `done`
/// after each block and stopping (with `Ok(None)`) as soon as `stop()` says so between blocks.
fn run_blocks<R: Runner>(
    scenario: &Scenario,
    runner: &R,
    done: &AtomicU64,
    stop: &dyn Fn() -> bool,
) -> Result<Option<R::Output>, detente_sim::TargetError> {
    runner.run_until(
        scenario,
        BLOCK as usize,
        &|n| done.store(n, Ordering::Relaxed),
        stop,
    )
}
