//! A stop flag for long runs: another thread raises it (the server when a request's wall-time
//! budget runs out or its client goes away) and the run ends at its next check instead of
//! finishing work nobody will read. Checking it never changes a result: a run either completes
//! exactly as it would have without the flag, or ends early with a "stopped" error and no result.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A shared flag; clones share it. The default flag can never be raised, so a config built
/// with `..Default::default()` runs to the end as before.
#[derive(Debug, Clone, Default)]
pub struct StopFlag(Option<Arc<AtomicBool>>);

impl StopFlag {
    /// A flag that [`StopFlag::raise`] can raise.
    pub fn new() -> Self {
        Self(Some(Arc::new(AtomicBool::new(false))))
    }

    /// Asks every run holding a clone of this flag to stop at its next check.
    pub fn raise(&self) {
        if let Some(flag) = &self.0 {
            flag.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the flag was raised.
    pub fn is_raised(&self) -> bool {
        self.0.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
    }
}

/// Configs compare by their options; a stop flag is not an option, so any two are equal.
impl PartialEq for StopFlag {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for StopFlag {}
