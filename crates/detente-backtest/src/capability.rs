//! Capabilities for the DEU actors: GDP, Council votes, voting power, or equal; and the
//! Commission's and Parliament's weight.
//!
//! Member states get, per [`CapabilityMeasure`]:
//! - `gdp`: the GDP-like figure on the data file's second line (the public replication's choice);
//! - `votes`: their Council votes in the period ([`crate::council`]);
//! - `shapley` / `banzhaf`: their Shapley-Shubik or normalised Banzhaf index in the period's
//!   qualified-majority game ([`crate::power`]), computed exactly;
//! - `equal`: 1.
//!
//! The Commission and the Parliament are not Council members, so every measure needs a choice for
//! them ([`InstitutionWeight`]): the largest member's capability (the data file's convention for
//! GDP), the members' mean, or leaving them out of the forecast. A member state whose power index
//! is exactly zero (a dummy player; none in the Council's games of 1995-2014) would be left out,
//! since capabilities must be positive.

use std::collections::BTreeMap;

use detente_core::import::{DeuActorKind, DeuData};
use serde::Serialize;

use crate::council::Period;
use crate::power::{PowerError, WeightedVotingGame};

/// How member states' capabilities are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapabilityMeasure {
    /// GDP-like figures of the file's second line.
    Gdp,
    /// Council votes of the period.
    Votes,
    /// Shapley-Shubik index of the period's QMV game.
    Shapley,
    /// Normalised Banzhaf index of the period's QMV game.
    Banzhaf,
    /// Everyone 1.
    Equal,
}

impl CapabilityMeasure {
    /// Every measure.
    pub const ALL: [CapabilityMeasure; 5] = [
        CapabilityMeasure::Gdp,
        CapabilityMeasure::Votes,
        CapabilityMeasure::Shapley,
        CapabilityMeasure::Banzhaf,
        CapabilityMeasure::Equal,
    ];

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gdp => "gdp",
            Self::Votes => "votes",
            Self::Shapley => "shapley",
            Self::Banzhaf => "banzhaf",
            Self::Equal => "equal",
        }
    }
}

/// The weight of the Commission and of the Parliament.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstitutionWeight {
    /// The largest member state's capability in the period (the file's GDP convention).
    #[default]
    Largest,
    /// The mean of the member states' capabilities in the period.
    Mean,
    /// Left out: their positions are ignored.
    Exclude,
}

impl InstitutionWeight {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Largest => "largest",
            Self::Mean => "mean",
            Self::Exclude => "exclude",
        }
    }
}

/// Capabilities of every DEU actor (in [`DeuData::actors`] order) for each period; `None` means
/// the actor is left out.
#[derive(Debug, Clone, PartialEq)]
pub struct CapabilityTable {
    by_period: BTreeMap<Period, Vec<Option<f64>>>,
}

impl CapabilityTable {
    /// Builds the table.
    ///
    /// # Errors
    /// A [`PowerError`] if a period's voting game cannot be built (not for the treaty weights).
    pub fn new(
        data: &DeuData,
        measure: CapabilityMeasure,
        institutions: InstitutionWeight,
    ) -> Result<Self, PowerError> {
        let mut by_period = BTreeMap::new();
        for period in Period::ALL {
            let members: Vec<usize> = data
                .actors
                .iter()
                .enumerate()
                .filter(|(_, a)| a.kind == DeuActorKind::MemberState && period.votes(a.id) > 0)
                .map(|(i, _)| i)
                .collect();
            let member_values: Vec<f64> = match measure {
                CapabilityMeasure::Gdp => members.iter().map(|&i| data.actors[i].gdp).collect(),
                CapabilityMeasure::Votes => members
                    .iter()
                    .map(|&i| f64::from(period.votes(data.actors[i].id)))
                    .collect(),
                CapabilityMeasure::Equal => vec![1.0; members.len()],
                CapabilityMeasure::Shapley | CapabilityMeasure::Banzhaf => {
                    let game = WeightedVotingGame::new(
                        members
                            .iter()
                            .map(|&i| period.votes(data.actors[i].id))
                            .collect(),
                        period.qmv_threshold(),
                    )?;
                    if measure == CapabilityMeasure::Shapley {
                        game.shapley_shubik()
                    } else {
                        game.banzhaf()
                    }
                }
            };
            let mut row = vec![None; data.actors.len()];
            for (&i, &v) in members.iter().zip(&member_values) {
                row[i] = (v > 0.0).then_some(v);
            }
            let institution = match institutions {
                InstitutionWeight::Largest => member_values.iter().copied().reduce(f64::max),
                InstitutionWeight::Mean => (!member_values.is_empty())
                    .then(|| member_values.iter().sum::<f64>() / member_values.len() as f64),
                InstitutionWeight::Exclude => None,
            };
            for (i, a) in data.actors.iter().enumerate() {
                if a.kind != DeuActorKind::MemberState {
                    row[i] = institution.filter(|v| *v > 0.0);
                }
            }
            by_period.insert(period, row);
        }
        Ok(Self { by_period })
    }

    /// The capabilities in `period`.
    pub fn get(&self, period: Period) -> &[Option<f64>] {
        self.by_period.get(&period).map_or(&[], Vec::as_slice)
    }
}
