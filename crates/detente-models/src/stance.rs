//! The view of an issue that spatial models need: each participating actor's weight and position.

use detente_core::{ActorIndex, Issue, Scenario};

/// One actor's stance on an issue, with the numbers the spatial models use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stance {
    /// The actor.
    pub actor: ActorIndex,
    /// Capability (> 0).
    pub capability: f64,
    /// Position on the issue's scale.
    pub position: f64,
    /// Salience in `0..=1`.
    pub salience: f64,
}

impl Stance {
    /// Capability × salience: the effective weight an actor brings to bear on the issue.
    pub fn weight(&self) -> f64 {
        self.capability * self.salience
    }
}

/// The stances on `issue`, in the order its positions appear in the file.
pub fn stances(scenario: &Scenario, issue: &Issue) -> Vec<Stance> {
    issue
        .positions
        .iter()
        .filter_map(|p| {
            let actor = scenario.actor(p.actor)?;
            Some(Stance {
                actor: p.actor,
                capability: actor.capability.get(),
                position: p.position,
                salience: p.salience.get(),
            })
        })
        .collect()
}
