//! The integration tests of detente-core, one module per subject, built as one test binary.
//!
//! One binary links the crate and its dependencies once, where one binary per file linked them
//! once per file; on two cores that was most of a minute of every CI run. Run a single subject
//! with `cargo test --release -p detente-core --test it <module>::`.

mod checks;
mod fuzz;
mod hardening;
mod import;
mod never_panic;
mod round_trip;
