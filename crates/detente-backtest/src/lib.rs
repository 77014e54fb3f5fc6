//! Backtesting detente's models on negotiations with known outcomes: the DEU data on EU
//! legislative decisions (Thomson et al. 2006; DEU III, Arregui & Perarnaud 2021).
//!
//! Each DEU issue becomes a scenario (through `detente_core::import::parse_deu`); every spatial
//! model of `detente_models` and a set of baselines, procedural variants and tuned blends forecast
//! it; the errors against the recorded outcomes are summarised with proposal-clustered bootstrap
//! intervals and paired comparisons with the compromise model. Tuned blends are evaluated out of
//! fold, in cross-validation grouped by proposal.
//!
//! - [`engine`]: the run ([`run`]), the models ([`ModelId`]) and the configuration.
//! - [`capability`]: GDP, Council votes, Shapley-Shubik, Banzhaf or equal capabilities.
//! - [`council`]: the Council's weighted votes per period, from the treaties.
//! - [`power`]: exact Shapley-Shubik and Banzhaf indices of weighted voting games.
//! - [`procedure`]: the range of outcomes the decision rule lets beat the reference point.
//! - [`stack`]: the headline's stacks (learnt weights) and their cross-validation with CV+
//!   intervals.
//! - [`stats`]: metrics and the clustered bootstrap.
//! - [`report`]: terminal table, CSV and the Markdown document `docs/backtest.md`.
//!
//! **Invariant:** no I/O, no clock; every random draw comes from a ChaCha generator seeded from
//! the configuration, per replicate or per fold assignment, so results are identical for any
//! number of threads.

pub mod capability;
pub mod council;
pub mod engine;
pub mod power;
pub mod procedure;
pub mod report;
pub mod stack;
pub mod stats;

pub use engine::{BacktestConfig, BacktestError, BacktestReport, ModelId, run};
