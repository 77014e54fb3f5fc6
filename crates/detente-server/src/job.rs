//! Running a model off the async threads, with a slot limit and a wall-time budget.
//!
//! Models are CPU-bound pure functions, so they run on tokio's blocking pool
//! (`spawn_blocking`) and never stall the threads that accept connections. A request first takes
//! one of `concurrent_jobs` slots (a semaphore; none free → 503), then waits at most the
//! `wall_time` budget (→ 504). The models have no cancellation hook, so a run that overstays its
//! budget finishes in the background; it keeps its slot until then, which is what stops a
//! stream of slow requests from piling up unbounded work.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::config::Limits;
use crate::error::ApiError;

/// The shared pool of model slots.
#[derive(Debug, Clone)]
pub struct Jobs {
    slots: Arc<Semaphore>,
    limits: Arc<Limits>,
}

impl Jobs {
    /// A pool with the slots and budget of `limits`.
    pub fn new(limits: Arc<Limits>) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(limits.concurrent_jobs)),
            limits,
        }
    }

    /// Runs `work` on the blocking pool within the budget.
    ///
    /// # Errors
    /// [`ApiError::Busy`] when no slot is free, [`ApiError::Timeout`] when the budget runs out,
    /// [`ApiError::Internal`] if the work panicked, or the work's own error.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    {
        let permit = Arc::clone(&self.slots)
            .try_acquire_owned()
            .map_err(|_| ApiError::Busy {
                slots: self.limits.concurrent_jobs,
            })?;
        let handle = tokio::task::spawn_blocking(move || {
            let result = work();
            // The slot is freed only when the work is really done, even after a timeout.
            drop(permit);
            result
        });
        match tokio::time::timeout(self.limits.wall_time, handle).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(ApiError::Internal(if join.is_panic() {
                "the model run panicked".to_owned()
            } else {
                "the model run was cancelled".to_owned()
            })),
            Err(_) => Err(ApiError::Timeout {
                ms: u64::try_from(self.limits.wall_time.as_millis()).unwrap_or(u64::MAX),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use std::time::Duration;

    use super::*;

    fn jobs(slots: usize, ms: u64) -> Jobs {
        Jobs::new(Arc::new(Limits {
            concurrent_jobs: slots,
            wall_time: Duration::from_millis(ms),
            ..Limits::default()
        }))
    }

    #[tokio::test]
    async fn slow_work_gets_504_and_keeps_its_slot_until_done() {
        let jobs = jobs(1, 20);
        let err = jobs
            .run(|| {
                std::thread::sleep(Duration::from_millis(300));
                Ok(())
            })
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Timeout { ms: 20 }), "{err:?}");
        // The slow run still holds the only slot, so the next request is turned away.
        let err = jobs.run(|| Ok(())).await.unwrap_err();
        assert!(matches!(err, ApiError::Busy { slots: 1 }), "{err:?}");
        // Once it finishes, the slot is free again.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(jobs.run(|| Ok(7)).await.unwrap() == 7);
    }

    #[tokio::test]
    async fn a_panicking_model_is_a_500_not_a_crash() {
        let jobs = jobs(2, 5_000);
        let err = jobs
            .run(|| -> Result<(), ApiError> { panic!("boom") })
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Internal(_)), "{err:?}");
        assert!(jobs.run(|| Ok(1)).await.unwrap() == 1);
    }
}
