//! The integration tests of detente-models, one module per subject, built as one test binary.
//!
//! One binary links the crate and its dependencies once, where one binary per file linked them
//! once per file; on two cores that was most of a minute of every CI run. Run a single subject
//! with `cargo test --release -p detente-models --test it <module>::`.

mod bargain_genius;
mod bargain_properties;
mod bargain_scenario;
mod dynamics;
mod eum_api;
mod eum_scholz;
mod fighting;
mod fuzz_readers;
mod genius_full;
mod headline;
mod scope;
mod smp_ktab;
mod units;
