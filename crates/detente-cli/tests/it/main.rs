//! The integration tests of detente-cli (the real `detente` binary), one module per subject, built as one test binary.
//!
//! One binary links the crate and its dependencies once, where one binary per file linked them
//! once per file; on two cores that was most of a minute of every CI run. Run a single subject
//! with `cargo test --release -p detente-cli --test it <module>::`.
//! The snapshot tests stay in `tests/snapshots.rs`, their own binary, so that insta's snapshot
//! files keep their names.

mod backtest;
mod cli;
mod cmd;
mod dynamics;
mod envelope;
mod hardening;
mod negotiate;
mod one_default;
mod serve_report;
mod shard;
mod spaces;
mod uncertainty;
