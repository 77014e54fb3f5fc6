//! Tests of single functions and types, by module of the library.

mod compromise;
mod frontier;
mod headline;
mod median;
mod nash;
mod smp;
mod smp_config;
mod smp_input;
mod stop;
