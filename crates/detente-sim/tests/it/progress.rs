//! Progress granularity (issue 16): bars updated once per 1,024-trial block sat at 0 for a whole
//! run. `run_blocks` now reports within a block, always increasing, and ends on the total.
#![expect(clippy::unwrap_used, reason = "tests")]

use std::sync::Mutex;

use detente_sim::montecarlo::{PROGRESS_STEPS, run_blocks};

#[test]
fn progress_moves_within_a_block_and_never_goes_back() {
    let seen = Mutex::new(Vec::new());
    let mut folded = Vec::new();
    run_blocks(1000, 1024, |k| k * 2, |k, v| folded.push((k, v)), &|done| {
        seen.lock().unwrap().push(done)
    });
    let seen = seen.into_inner().unwrap();
    // One block of 1,000 trials: a report every 1024 / 32 = 32 trials, then the end.
    assert!(seen.len() >= 10, "{seen:?}");
    assert!(seen.len() as u64 <= PROGRESS_STEPS + 1, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert_eq!(seen.last(), Some(&1000));
    // Results still fold in trial order.
    assert!(
        folded
            .iter()
            .enumerate()
            .all(|(i, &(k, v))| k == i as u64 && v == 2 * k)
    );
}
