//! No code. This crate only turns on, for every build, the features of shared dependencies that
//! the tests turn on, so that the tests, the run command and the Python wheel share one
//! compilation of each dependency. Its `Cargo.toml` says why and how to keep it current.
