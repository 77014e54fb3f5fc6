//! Running a model off the async threads, with admission control, a slot limit and a
//! wall-time budget.
//!
//! Models are CPU-bound pure functions, so they run on tokio's blocking pool (`spawn_blocking`)
//! and never stall the threads that accept connections. A model request is first *admitted*
//! ([`Jobs::admit`], before its body is read): at most `queued_requests` may be admitted at once,
//! and one more gets 503 at once, so a flood of requests cannot make the server buffer an
//! unbounded number of bodies. An admitted request then waits for one of `concurrent_jobs`
//! slots and runs; waiting and running together must fit in the `wall_time` budget, or the
//! client gets 504. A request that is still waiting for a slot when its budget runs out, or whose
//! client goes away (hyper then drops the request's future), leaves the queue at once and
//! returns its admission: no stale waiter ever takes a slot (tested in `tests/api/pool.rs` and
//! `tests/sockets/cancel.rs`). A run that has *started* gets a [`StopFlag`], raised when its
//! budget runs out or its client goes away (the request's future is dropped either way); the
//! settlement forecast, the costly part of `/api/delay` and `/api/levers`, checks it before every
//! trial and ends early (issue 16, tested in `tests/sockets/cancel.rs`). A run keeps its slot
//! until its work has really returned, which is what stops a stream of slow requests from
//! piling up unbounded work; the models without a check (EUM, package bargaining, the
//! month-by-month delay) are bounded by the request limits and iteration caps instead.
//!
//! Background jobs (`api::JobTable`) take the same slots through `Jobs::slot` while they run,
//! so a long Monte Carlo run and the interactive endpoints share one bound on the work in
//! progress.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use detente_models::stop::StopFlag;

use crate::config::Limits;
use crate::error::ApiError;

/// The shared pool of model slots.
#[derive(Debug, Clone)]
pub struct Jobs {
    admitted: Arc<Semaphore>,
    slots: Arc<Semaphore>,
    limits: Arc<Limits>,
}

/// Proof that a request was admitted; dropping it lets the next one in.
#[derive(Debug)]
pub struct Ticket {
    // Held only for its drop, which returns the admission.
    _permit: OwnedSemaphorePermit,
}

impl Jobs {
    /// A pool with the admission, slots and budget of `limits`.
    pub fn new(limits: Arc<Limits>) -> Self {
        Self {
            admitted: Arc::new(Semaphore::new(limits.queued_requests)),
            slots: Arc::new(Semaphore::new(limits.concurrent_jobs)),
            limits,
        }
    }

    /// Admits a model request, or refuses it when `queued_requests` are already in.
    ///
    /// # Errors
    /// [`ApiError::Busy`].
    pub fn admit(&self) -> Result<Ticket, ApiError> {
        Arc::clone(&self.admitted)
            .try_acquire_owned()
            .map(|permit| Ticket { _permit: permit })
            .map_err(|_| ApiError::Busy {
                requests: self.limits.queued_requests,
            })
    }

    /// Waits for one of the `concurrent_jobs` slots; the slot is free again when the permit is
    /// dropped. Background jobs hold one while they run, so they share the slots with the
    /// model requests.
    ///
    /// # Errors
    /// [`ApiError::Internal`] if the pool was closed (it never is while the server runs).
    pub(crate) async fn slot(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .map_err(|_| ApiError::Internal("the job pool was closed".to_owned()))
    }

    /// How many more requests may be admitted now (of `queued_requests`).
    pub fn admissions_free(&self) -> usize {
        self.admitted.available_permits()
    }

    /// How many of the `concurrent_jobs` slots are free now.
    pub fn slots_free(&self) -> usize {
        self.slots.available_permits()
    }

    /// One of the `concurrent_jobs` slots if one is free now, without waiting.
    pub(crate) fn try_slot(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.slots).try_acquire_owned().ok()
    }

    /// Waits for a slot and runs `work` on the blocking pool, all within the budget. `work` gets
    /// a stop flag, raised when the budget runs out or the caller drops the returned future.
    ///
    /// # Errors
    /// [`ApiError::Timeout`] when the budget runs out (waiting or running),
    /// [`ApiError::Internal`] if the work panicked, or the work's own error.
    pub async fn run<T, F>(&self, ticket: Ticket, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&StopFlag) -> Result<T, ApiError> + Send + 'static,
    {
        let jobs = self.clone();
        let stop = StopFlag::new();
        // Raises the flag when this future is dropped: on a timeout (below) or when the client
        // goes away (hyper drops the request's future). A finished run ignores it.
        let _raise = RaiseOnDrop(stop.clone());
        let job = async move {
            let slot = jobs.slot().await?;
            let handle = tokio::task::spawn_blocking(move || {
                let result = work(&stop);
                // The slot is freed only when the work is really done, even after a timeout.
                drop(slot);
                result
            });
            match handle.await {
                Ok(result) => result,
                Err(join) => Err(ApiError::Internal(if join.is_panic() {
                    "the model run panicked".to_owned()
                } else {
                    "the model run was cancelled".to_owned()
                })),
            }
        };
        let timeout = || ApiError::Timeout {
            ms: u64::try_from(self.limits.wall_time.as_millis()).unwrap_or(u64::MAX),
        };
        let started = std::time::Instant::now();
        let result = tokio::time::timeout(self.limits.wall_time, job)
            .await
            .unwrap_or_else(|_| Err(timeout()));
        drop(ticket);
        // `timeout` polls the work before its timer, so work that finishes while the runtime
        // is slow to wake the timer would slip through; a result that came in over the budget
        // is over the budget all the same.
        if result.is_ok() && started.elapsed() > self.limits.wall_time {
            return Err(timeout());
        }
        result
    }
}

/// Raises its flag when dropped.
struct RaiseOnDrop(StopFlag);

impl Drop for RaiseOnDrop {
    fn drop(&mut self) {
        self.0.raise();
    }
}
