//! Empty: the build-dependencies exist for their features only (see Cargo.toml).
fn main() {}
