//! The integration tests of detente-analysis, one module per subject, built as one test binary
//! (see ARCHITECTURE.md, "Tests and benchmarks").

mod architecture;
mod fuzz;
mod steps;
