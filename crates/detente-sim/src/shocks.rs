//! Shocks: deterministic what-ifs on one actor, and how each moves every forecast.
//!
//! # What it models
//! The questions practitioners of the expected utility model ask of a forecast: what if this
//! actor left the table ([`Shock::Drop`]: its positions are removed and it loses any principal
//! role, so it neither bargains nor vetoes), what if it gave up and backed the status quo
//! ([`Shock::StatusQuo`]: every position it takes moves to the issue's status quo), and what if
//! its power were misjudged ([`Shock::Capability`]: capability scaled by a factor, by default
//! ×0.5 and ×2). No randomness: each shocked scenario is evaluated once, with the same
//! [`Target`]s as the baseline, and each metric's change is reported against the baseline.

use std::collections::BTreeMap;

use detente_core::{ActorIndex, Capability, Role, Scenario};
use rayon::prelude::*;
use serde::Serialize;

use crate::target::{Target, TargetError};

/// One what-if applied to one actor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Shock {
    /// The actor leaves: no positions, no principal role.
    Drop,
    /// Every position of the actor moves to the status quo.
    StatusQuo,
    /// The actor's capability is multiplied by `factor`.
    Capability {
        /// The multiplier.
        factor: f64,
    },
}

impl Shock {
    /// A short label, e.g. `drop`, `to-status-quo`, `capability x0.5`.
    pub fn label(&self) -> String {
        match self {
            Shock::Drop => "drop".to_owned(),
            Shock::StatusQuo => "to-status-quo".to_owned(),
            Shock::Capability { factor } => format!("capability x{factor}"),
        }
    }

    /// Applies the shock to `actor` in a copy of `scenario`.
    pub fn apply(&self, scenario: &Scenario, actor: ActorIndex) -> Scenario {
        let mut s = scenario.clone();
        match *self {
            Shock::Drop => {
                if let Some(a) = s.actors.get_mut(actor.0)
                    && a.role == Role::Principal
                {
                    a.role = Role::Observer;
                }
                for issue in &mut s.issues {
                    issue.positions.retain(|p| p.actor != actor);
                }
            }
            Shock::StatusQuo => {
                for issue in &mut s.issues {
                    let sq = issue.status_quo;
                    for p in issue.positions.iter_mut().filter(|p| p.actor == actor) {
                        p.position = sq;
                    }
                }
            }
            Shock::Capability { factor } => {
                if let Some(a) = s.actors.get_mut(actor.0)
                    && let Some(c) = Capability::new(a.capability.get() * factor)
                {
                    a.capability = c;
                }
            }
        }
        s
    }
}

/// The shocks run on every actor: drop, to the status quo, capability ×0.5 and ×2.
pub const DEFAULT_SHOCKS: [Shock; 4] = [
    Shock::Drop,
    Shock::StatusQuo,
    Shock::Capability { factor: 0.5 },
    Shock::Capability { factor: 2.0 },
];

/// One shocked forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShockEffect {
    /// The metric key.
    pub metric: String,
    /// Value after the shock (`None`: the model gives no answer, e.g. too few actors left).
    pub value: Option<f64>,
    /// Change from the baseline, when both exist.
    pub delta: Option<f64>,
}

/// One shock on one actor and its effect on every metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShockRow {
    /// Actor id.
    pub actor: String,
    /// The shock.
    pub shock: Shock,
    /// Effects, in baseline metric order.
    pub effects: Vec<ShockEffect>,
}

/// The full shock table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShockTable {
    /// Schema tag.
    pub schema: &'static str,
    /// Baseline metric values, in order.
    pub baseline: Vec<(String, Option<f64>)>,
    /// One row per actor and shock, actors in file order.
    pub rows: Vec<ShockRow>,
}

/// Evaluates `targets` on `scenario` and keys the values by metric.
fn keyed(
    scenario: &Scenario,
    targets: &[Target],
) -> Result<Vec<(String, Option<f64>)>, TargetError> {
    let mut out = Vec::new();
    for t in targets {
        let metrics = t.metrics(scenario)?;
        out.extend(metrics.into_iter().map(|m| m.key).zip(t.evaluate(scenario)));
    }
    Ok(out)
}

/// Runs every shock in `shocks` on every actor (in parallel; no randomness involved).
pub fn shocks(
    scenario: &Scenario,
    targets: &[Target],
    shocks: &[Shock],
) -> Result<ShockTable, TargetError> {
    let baseline = keyed(scenario, targets)?;
    let jobs: Vec<(ActorIndex, Shock)> = (0..scenario.actors.len())
        .flat_map(|a| shocks.iter().map(move |s| (ActorIndex(a), *s)))
        .collect();
    let rows = jobs
        .par_iter()
        .map(|&(actor, shock)| {
            let shocked = shock.apply(scenario, actor);
            // A shock can make a target unbuildable (e.g. a party with no positions left):
            // its metrics then read as missing rather than failing the whole table.
            let after: BTreeMap<String, Option<f64>> = targets
                .iter()
                .flat_map(|t| match t.metrics(&shocked) {
                    Ok(m) => m
                        .into_iter()
                        .map(|m| m.key)
                        .zip(t.evaluate(&shocked))
                        .collect::<Vec<_>>(),
                    Err(_) => Vec::new(),
                })
                .collect();
            ShockRow {
                actor: scenario
                    .actor(actor)
                    .map_or_else(|| "?".to_owned(), |a| a.id.clone()),
                shock,
                effects: baseline
                    .iter()
                    .map(|(key, base)| {
                        let value = after.get(key).copied().flatten();
                        ShockEffect {
                            metric: key.clone(),
                            value,
                            delta: value.zip(*base).map(|(v, b)| v - b),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(ShockTable {
        schema: "detente.shocks/1",
        baseline,
        rows,
    })
}
