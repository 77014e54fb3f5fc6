//! The integration tests of detente-sim, one module per subject, built as one test binary.
//!
//! One binary links the crate and its dependencies once, where one binary per file linked them
//! once per file; on two cores that was most of a minute of every CI run. Run a single subject
//! with `cargo test --release -p detente-sim --test it <module>::`.

mod events;
mod progress;
mod runner;
mod settle;
mod shard;
mod sim;
