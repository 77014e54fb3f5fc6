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
//! returns its admission: no stale waiter ever takes a slot (tested here and in
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

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use std::time::Duration;

    use super::*;

    fn jobs(slots: usize, queue: usize, ms: u64) -> Jobs {
        Jobs::new(Arc::new(Limits {
            concurrent_jobs: slots,
            queued_requests: queue,
            wall_time: Duration::from_millis(ms),
            ..Limits::default()
        }))
    }

    #[tokio::test]
    async fn slow_work_gets_504_and_keeps_its_slot_until_done() {
        let jobs = jobs(1, 4, 20);
        let err = jobs
            .run(jobs.admit().unwrap(), |_| {
                std::thread::sleep(Duration::from_millis(300));
                Ok(())
            })
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Timeout { ms: 20 }), "{err:?}");
        // The slow run still holds the only slot, so the next request waits out its budget.
        let err = jobs
            .run(jobs.admit().unwrap(), |_| Ok(()))
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
        // Once it finishes, the slot is free again.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(jobs.run(jobs.admit().unwrap(), |_| Ok(7)).await.unwrap() == 7);
    }

    /// Issue 16: work that overstays its budget sees its stop flag raised at the 504 and can
    /// end there, freeing its slot for the next request long before it would have finished.
    /// The same holds when the caller drops the request (the client went away). Work that
    /// ignores the flag would run its full 30 s; the test waits at most 10 s for it to notice.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn overstaying_work_is_told_to_stop_and_frees_its_slot() {
        fn until_stopped(stop: &StopFlag) -> Result<bool, ApiError> {
            let start = std::time::Instant::now();
            while start.elapsed() < Duration::from_secs(30) {
                if stop.is_raised() {
                    return Ok(true);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(false)
        }
        let jobs = jobs(1, 4, 100);
        let err = jobs
            .run(jobs.admit().unwrap(), until_stopped)
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Timeout { ms: 100 }), "{err:?}");
        // The slot comes free as soon as the work has seen the flag: a later request runs.
        let mut freed = false;
        for _ in 0..100 {
            if jobs.run(jobs.admit().unwrap(), |_| Ok(())).await.is_ok() {
                freed = true;
                break;
            }
        }
        assert!(freed, "the overstaying work kept its slot");
        // A request dropped by its caller (the client went away) raises the flag too.
        let jobs = self::jobs(1, 4, 60_000);
        let seen = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&seen);
        let dropped = {
            let jobs = jobs.clone();
            tokio::spawn(async move {
                jobs.run(jobs.admit().unwrap(), move |stop| {
                    let stopped = until_stopped(stop)?;
                    flag.store(stopped, std::sync::atomic::Ordering::SeqCst);
                    Ok(stopped)
                })
                .await
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        dropped.abort();
        let mut noticed = false;
        for _ in 0..200 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if seen.load(std::sync::atomic::Ordering::SeqCst) {
                noticed = true;
                break;
            }
        }
        assert!(
            noticed,
            "the work of a dropped request was never told to stop"
        );
    }

    /// A request still waiting for a slot when its budget runs out leaves the queue with its
    /// 504: when the slow run finally frees the slot, nobody stale takes it, and its admission
    /// was returned at the 504, not when the slot came free.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_waiting_past_its_deadline_gives_up_its_place() {
        let jobs = jobs(1, 2, 100);
        let slow = {
            let jobs = jobs.clone();
            tokio::spawn(async move {
                jobs.run(jobs.admit().unwrap(), |_| {
                    std::thread::sleep(Duration::from_millis(600));
                    Ok(())
                })
                .await
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        // Waits for the slot the slow run holds, and runs out of budget while waiting.
        let ran = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        let waited = jobs
            .run(jobs.admit().unwrap(), move |_| {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(3_000));
                Ok(())
            })
            .await;
        assert!(
            matches!(waited, Err(ApiError::Timeout { ms: 100 })),
            "{waited:?}"
        );
        assert!(matches!(slow.await.unwrap(), Err(ApiError::Timeout { .. })));
        // Both admissions are back at the 504s, while the slow run still holds the slot.
        assert_eq!(jobs.admitted.available_permits(), 2);
        assert!(jobs.try_slot().is_none());
        // Once the slow run ends, the slot is free: the timed-out waiter did not take it.
        let mut free = None;
        for _ in 0..60 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            free = jobs.try_slot();
            if free.is_some() {
                break;
            }
        }
        assert!(free.is_some(), "the slot never came free");
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[tokio::test]
    async fn admission_is_bounded_and_released() {
        let jobs = jobs(1, 1, 5_000);
        let first = jobs.admit().unwrap();
        let err = jobs.admit().unwrap_err();
        assert!(matches!(err, ApiError::Busy { requests: 1 }), "{err:?}");
        assert!(jobs.run(first, |_| Ok(1)).await.unwrap() == 1);
        assert!(jobs.admit().is_ok());
    }

    #[tokio::test]
    async fn a_panicking_model_is_a_500_not_a_crash() {
        let jobs = jobs(2, 4, 5_000);
        let err = jobs
            .run(jobs.admit().unwrap(), |_| -> Result<(), ApiError> {
                panic!("boom")
            })
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Internal(_)), "{err:?}");
        assert!(jobs.run(jobs.admit().unwrap(), |_| Ok(1)).await.unwrap() == 1);
    }
}
