//! Uncertainty analysis over detente's models: Monte Carlo forecasts, shocks and sensitivity.
//!
//! A scenario's numbers are one analyst's estimates. This crate asks how much each forecast moves
//! when those estimates are off:
//! - [`montecarlo()`]: draws perturbed scenarios ([`perturb`]: the scenario's own `sd`/`range`
//!   on positions plus [`Noise`] overrides, including drift rates and monthly costs) and streams every forecast into [`Summary`]
//!   aggregates (mean, percentiles, histogram), memory flat in the number of trials.
//! - [`shocks`]: deterministic what-ifs (drop an actor, flip it to the status quo, scale its
//!   capability) and how each moves each forecast.
//! - [`sensitivity`]: a one-at-a-time tornado per forecast and a global measure (standardised
//!   regression coefficients).
//!
//! [`montecarlo_until`] and [`sensitivity::sensitivity_until`] ask a `stop` callback between
//! blocks of work, for callers (the server's background jobs) that must be able to cancel a
//! run; a run they complete equals the plain call's.
//!
//! What is forecast is a [`Target`]: the spatial models on every issue, package bargaining
//! across issues, or the time model (zone of agreement at month 0, ripeness month, utilities of
//! the ripe month's Nash deal). Each target turns a scenario into named scalar [`Metric`]s; a
//! new model joins by adding a `Target` variant.
//!
//! [`settle`] answers "when": a Monte Carlo over the bargaining-while-fighting model (beliefs
//! that differ and learn from the front, audience costs, enforcement), giving `P(deal by month)`,
//! the median deal month, the terms and each lever's shift of them.
//!
//! **Determinism.** Every random draw comes from ChaCha8 seeded by the master seed with the trial
//! number `k` as its stream ([`trial_rng`]), and aggregates are folded in trial order, so results
//! are bit-identical for any thread count and any block size. Nothing here reads the clock, the
//! environment or a file; progress is reported through a callback the caller may time.

mod aggregate;
pub mod montecarlo;
mod perturb;
mod rng;
mod runner;
pub mod sensitivity;
pub mod settle;
pub mod shocks;
mod target;

pub use aggregate::{ExactSum, Histogram, QuantileMethod, Summary, SummaryOut, SummaryState};
pub use detente_core::shard::{self, MergeError, Shard, ShardError};
pub use montecarlo::{
    MetricResult, MonteCarloConfig, MonteCarloResult, MonteCarloShard, merge_montecarlo,
    montecarlo, montecarlo_shard_until, montecarlo_until,
};
pub use perturb::{Noise, NoiseError, perturb};
pub use rng::{normal, trial_rng, uniform};
pub use runner::{MonteCarloRun, Runner, SensitivityRun};
pub use target::{Metric, MetricKind, Target, TargetError};

/// Version tag of the Monte Carlo JSON schema.
pub const SCHEMA: &str = "detente.montecarlo/1";

/// Version tag of the sensitivity JSON schema ([`sensitivity::Sensitivity`]).
pub const SENSITIVITY_SCHEMA: &str = "detente.sensitivity/1";
