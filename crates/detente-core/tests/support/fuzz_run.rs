//! What the fuzz targets of detente share: the seeded case runner and the edit that writes an
//! edge value over a number, and
//! the record of a run's slowest case. Each fuzz test includes this file as a module
//! (`#[path = ...] mod fuzz_run;`): `crates/detente-core/tests/it/fuzz.rs`,
//! `crates/detente-models/tests/it/fuzz_readers.rs` and `crates/detente-analysis/tests/it/fuzz.rs`.
#![allow(dead_code, reason = "each fuzz test uses the part it needs")]

use std::cell::RefCell;
use std::path::Path;
use std::time::{Duration, Instant};

use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// A runner of `default_cases` cases, or `DETENTE_FUZZ_CASES` for a long run, drawn from a
/// fixed seed, so that `cargo test` fuzzes the same cases every run, unless `DETENTE_FUZZ_SEED`
/// (a number) asks a long run for other cases than the runs before it.
pub fn runner(default_cases: u32) -> TestRunner {
    let cases = std::env::var("DETENTE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    let mut seed = [16; 32];
    if let Some(s) = std::env::var("DETENTE_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        seed[..8].copy_from_slice(&s.to_le_bytes());
    }
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed))
}

/// Whole numbers at the edges of the integer types, for the targets' number edits: a count read
/// from a file (KTAB's nDims) once overflowed `3 + 2 × nDims`, and no target wrote a number
/// that large.
pub const INTEGER_EDGES: &[&str] = &[
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775808",
    "-9223372036854775809",
    "4294967296",
    "65536",
];

/// Writes `number` over the first number at or after byte `at` of `b` (its minus sign
/// included), if there is one: the file keeps its layout, so a reader accepts it more often
/// and the model meets the value.
pub fn replace_number(b: &mut Vec<u8>, at: usize, number: &str) {
    let Some(start) = b
        .get(at..)
        .and_then(|rest| rest.iter().position(u8::is_ascii_digit))
    else {
        return;
    };
    let start = at + start;
    let numeric = |c: &u8| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E');
    let len = b[start..].iter().take_while(|c| numeric(c)).count();
    let (start, len) = if start > 0 && b[start - 1] == b'-' {
        (start - 1, len + 1)
    } else {
        (start, len)
    };
    b.splice(start..start + len, number.bytes());
}

/// The slowest case of a run, to find inputs on which a reader's time grows faster than the
/// input: a line of CSV cells with escaped quotes once took time quadratic in its length (30 s
/// for 840 kB), and the targets, which only check for panics and bad values, did not see it. A
/// run prints its slowest case, and saves that input under the target directory when it took a
/// second or more, so it can be rerun. It asserts nothing: a case's time depends on the machine.
/// The time is the thread's CPU time where Linux tells it, so a fuzzer that shares its core with
/// other work does not see slow cases that are not; elsewhere it is wall-clock time.
#[derive(Default)]
pub struct Slowest(RefCell<Option<(Duration, String)>>);

impl Slowest {
    /// Runs `case`, and keeps `input()` if no case before took as long.
    pub fn time<T>(&self, input: impl FnOnce() -> String, case: impl FnOnce() -> T) -> T {
        let (cpu, wall) = (thread_cpu(), Instant::now());
        let out = case();
        let took = match (cpu, thread_cpu()) {
            (Some(before), Some(after)) => after.saturating_sub(before),
            _ => wall.elapsed(),
        };
        let mut slowest = self.0.borrow_mut();
        if slowest.as_ref().is_none_or(|(before, _)| took > *before) {
            *slowest = Some((took, input()));
        }
        out
    }

    /// Prints the slowest case of the target `name` (after its executions line), and saves its
    /// input when it took a second or more.
    pub fn report(&self, name: &str) {
        let Some((took, input)) = self.0.borrow().clone() else {
            return;
        };
        let mut line = format!(
            "fuzz {name}: slowest case {} ms {} on {} bytes",
            took.as_millis(),
            if thread_cpu().is_some() {
                "of CPU"
            } else {
                "of wall-clock time"
            },
            input.len()
        );
        if took >= Duration::from_secs(1) {
            let seed = std::env::var("DETENTE_FUZZ_SEED").unwrap_or_else(|_| "default".to_owned());
            let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("fuzz-slowest-{name}-{seed}.txt"));
            match std::fs::write(&path, &input) {
                Ok(()) => line += &format!(", saved to {}", path.display()),
                Err(e) => line += &format!(", not saved to {}: {e}", path.display()),
            }
        }
        println!("{line}");
    }
}

/// The CPU time this thread has run, where Linux tells it (the first field of
/// `/proc/thread-self/schedstat`, in nanoseconds).
fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = text.split_whitespace().next()?.parse::<u64>().ok()?;
    Some(Duration::from_nanos(nanos))
}
