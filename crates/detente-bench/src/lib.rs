//! The benchmarks of detente, in `benches/`; this library is empty.
//!
//! - `eum`: the expected utility model on the European Community example and on synthetic issues;
//! - `frontier`: the two- and three-party package frontier on synthetic additive spaces;
//! - `negotiation`: one bilateral negotiation on two GENIUS domains;
//! - `montecarlo`: Monte Carlo trials per second on the bundled Istanbul scenario;
//! - `settle`: the settlement Monte Carlo on Istanbul, on one and two threads.
//!
//! Run one with `cargo bench -p detente-bench --bench montecarlo`.
