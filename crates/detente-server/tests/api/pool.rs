//! The pool of model slots (`Jobs`): admission, slots, the wall-time budget and the stop flag,
//! without the router.

use std::sync::Arc;
use std::time::Duration;

use detente_models::stop::StopFlag;
use detente_server::{ApiError, Jobs, Limits};

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
    assert_eq!(jobs.admissions_free(), 2);
    assert_eq!(jobs.slots_free(), 0);
    // Once the slow run ends, the slot is free: the timed-out waiter did not take it.
    let mut free = false;
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        free = jobs.slots_free() == 1;
        if free {
            break;
        }
    }
    assert!(free, "the slot never came free");
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

/// The token check compares in constant time and matches only the same bytes.
#[test]
fn tokens_match_only_when_equal() {
    assert!(detente_server::token_matches(
        b"s3cret-token",
        b"s3cret-token"
    ));
    assert!(!detente_server::token_matches(
        b"s3cret-token",
        b"s3cret-tokeN"
    ));
    assert!(!detente_server::token_matches(b"s3cret-token", b"s3cret"));
    assert!(!detente_server::token_matches(b"s3cret-token", b""));
}
