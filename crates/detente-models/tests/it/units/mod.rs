//! Tests of single functions and types, by module of the library.

use detente_core::ActorIndex;
use detente_models::stance::Stance;

mod compromise;
mod frontier;
mod headline;
mod median;
mod nash;
mod smp;
mod smp_config;
mod smp_input;
mod stop;

/// An actor's stance with salience 1, for the one-issue models' tests.
fn stance(capability: f64, position: f64) -> Stance {
    Stance {
        actor: ActorIndex(0),
        capability,
        position,
        salience: 1.0,
    }
}
