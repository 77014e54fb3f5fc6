//! The integration tests of detente-report, one module per subject, built as one test binary.
//!
//! They live here rather than beside the code so that `cargo test` does not compile the whole
//! crate a second time as a unit-test binary (about 15 s of CPU in every fresh build); the
//! library is built with `test = false` (Cargo.toml).
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected values")]

mod draw;
mod plot;
