//! Drawing one perturbed scenario: where the randomness of a Monte Carlo trial comes from.
//!
//! # What it models
//! The analyst's numbers are estimates. A trial replaces them with draws:
//! - **Positions** with an uncertainty in the scenario: `sd = s` draws `N(x, s²)` clamped to the
//!   issue's scale; `range = [lo, hi]` draws uniformly on `[lo, hi]`. Positions without one get
//!   `N(x, σ_p²)` clamped, when [`Noise::position`] gives `σ_p` (on the issue's own scale); the
//!   scenario's own per-position judgement wins where it exists.
//! - **Saliences**: `s · (1 + σ_s Z)` clamped to `[0, 1]`, `σ_s` = [`Noise::salience`] (relative).
//! - **Capabilities**: `c · exp(σ_c Z)`, `σ_c` = [`Noise::capability`] (relative, log-normal so a
//!   capability stays positive and `c` is its median).
//! - **Drift rates** (the `[[time.drift]]` `per_month` of each issue): `r · exp(σ_d Z)`,
//!   `σ_d` = [`Noise::drift`] (relative, log-normal). A log-normal factor never flips the
//!   direction of the drift (the scenario says which side the front moves toward; noise says
//!   only how fast) and keeps `r` as the median; a draw beyond the scale's width (the format's
//!   bound) is held at it.
//! - **Monthly costs** (the `[[time.actors]]` `cost_per_month`): `c · exp(σ_m Z)` capped at 1,
//!   the format's upper bound, `σ_m` = [`Noise::cost`] (relative, log-normal: a cost stays
//!   non-negative and a zero cost stays zero).
//!
//! The scenario's `[time]` section carries no uncertainty fields of its own, so drift and cost
//! vary only under these overrides. Levers' effects (`drift-rate`, `add-cost`, ...) are what-ifs
//! and are never perturbed; discount factors are not perturbed either.
//!
//! # Assumptions
//! Draws are independent across actors, issues and kinds of input. Clamping puts the mass beyond
//! a scale's end on the end itself (an actor cannot want more than the scale's extreme).
//!
//! # Order of draws
//! Capabilities in actor order, then issues in file order with, per position, the position draw
//! then the salience draw, then drift rates in `[[time.drift]]` order, then monthly costs in
//! `[[time.actors]]` order. Inputs without noise consume no draws, so adding drift or cost noise
//! leaves every earlier draw, and a run without them, unchanged.

use detente_core::{Capability, Salience, Scenario, Uncertainty};
use rand_chacha::rand_core::Rng;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::rng::{normal, uniform};

/// Noise added on top of the scenario's own uncertainty (all zero by default).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Noise {
    /// Standard deviation, on the issue's scale, for positions with no uncertainty of their own.
    pub position: Option<f64>,
    /// Relative standard deviation of saliences.
    pub salience: f64,
    /// Relative (log-scale) standard deviation of capabilities.
    pub capability: f64,
    /// Relative (log-scale) standard deviation of status-quo drift rates (`[time]`).
    pub drift: f64,
    /// Relative (log-scale) standard deviation of monthly costs (`[time]`).
    pub cost: f64,
    /// Ignore the scenario's own `sd`/`range` (use only the overrides).
    pub ignore_scenario: bool,
}

/// A malformed `--noise` setting.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum NoiseError {
    /// Not of the form `name=value`.
    #[error(
        "noise `{0}` is not of the form NAME=VALUE; use e.g. salience=0.1, capability=0.2, position=5, drift=0.3 or cost=0.3"
    )]
    Syntax(String),
    /// Unknown name.
    #[error(
        "unknown noise `{0}`; use position (sd on the scale), salience, capability, drift or cost (relative sd)"
    )]
    UnknownName(String),
    /// Value not a finite non-negative number.
    #[error("noise `{name}` must be a finite number >= 0, got `{value}`")]
    BadValue {
        /// The setting.
        name: String,
        /// What was given.
        value: String,
    },
}

impl Noise {
    /// Applies one `name=value` setting, e.g. `salience=0.1`.
    pub fn set(&mut self, spec: &str) -> Result<(), NoiseError> {
        let (name, value) = spec
            .split_once('=')
            .ok_or_else(|| NoiseError::Syntax(spec.to_owned()))?;
        let (name, value) = (name.trim(), value.trim());
        let bad = || NoiseError::BadValue {
            name: name.to_owned(),
            value: value.to_owned(),
        };
        let x: f64 = value.parse().map_err(|_| bad())?;
        if !(x.is_finite() && x >= 0.0) {
            return Err(bad());
        }
        match name {
            "position" => self.position = Some(x),
            "salience" => self.salience = x,
            "capability" => self.capability = x,
            "drift" => self.drift = x,
            "cost" => self.cost = x,
            _ => return Err(NoiseError::UnknownName(name.to_owned())),
        }
        Ok(())
    }

    /// Whether any input of `scenario` would vary under this noise.
    pub fn varies(&self, scenario: &Scenario) -> bool {
        let time = scenario.time.as_ref();
        self.salience > 0.0
            || self.capability > 0.0
            || self.position.is_some_and(|s| s > 0.0)
            || (self.drift > 0.0
                && time.is_some_and(|t| t.drift.iter().any(|d| d.per_month != 0.0)))
            || (self.cost > 0.0
                && time.is_some_and(|t| t.actors.iter().any(|a| a.cost_per_month > 0.0)))
            || (!self.ignore_scenario
                && scenario
                    .issues
                    .iter()
                    .flat_map(|i| &i.positions)
                    .any(|p| p.uncertainty.is_some()))
    }
}

/// Draws one perturbed copy of `base` (see the module documentation for the distributions).
pub fn perturb<R: Rng + ?Sized>(base: &Scenario, noise: &Noise, rng: &mut R) -> Scenario {
    let mut s = base.clone();
    if noise.capability > 0.0 {
        for actor in &mut s.actors {
            let c = actor.capability.get() * (noise.capability * normal(rng)).exp();
            // exp of a finite draw is positive; an underflow to 0 keeps the original.
            if let Some(c) = Capability::new(c) {
                actor.capability = c;
            }
        }
    }
    for issue in &mut s.issues {
        let scale = issue.scale;
        for p in &mut issue.positions {
            let own = if noise.ignore_scenario {
                None
            } else {
                p.uncertainty
            };
            p.position = match (own, noise.position) {
                (Some(Uncertainty::Sd(sd)), _) => scale.clamp(p.position + sd * normal(rng)),
                (Some(Uncertainty::Range(lo, hi)), _) => lo + (hi - lo) * uniform(rng),
                (None, Some(sd)) if sd > 0.0 => scale.clamp(p.position + sd * normal(rng)),
                (None, _) => p.position,
            };
            if noise.salience > 0.0 {
                let x = (p.salience.get() * (1.0 + noise.salience * normal(rng))).clamp(0.0, 1.0);
                if let Some(x) = Salience::new(x) {
                    p.salience = x;
                }
            }
        }
    }
    if let Some(time) = &mut s.time {
        if noise.drift > 0.0 {
            for d in &mut time.drift {
                // The format bounds a drift by its scale's width; a far tail draw is held there.
                let width = s
                    .issues
                    .get(d.issue.0)
                    .map_or(f64::INFINITY, |i| i.scale.width());
                d.per_month =
                    (d.per_month * (noise.drift * normal(rng)).exp()).clamp(-width, width);
            }
        }
        if noise.cost > 0.0 {
            for a in &mut time.actors {
                a.cost_per_month = (a.cost_per_month * (noise.cost * normal(rng)).exp()).min(1.0);
            }
        }
    }
    s
}
