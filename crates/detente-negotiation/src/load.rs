//! Building negotiation tables from GENIUS domain folders and detente scenarios, and the
//! scenario-actor negotiator.
//!
//! A [`Table`] is an enumerated outcome space plus one [`Preferences`] per profile (GENIUS) or
//! per bargaining party (scenario). GeniusWeb folders go through
//! `detente_models::bargain::geniusweb` ([`geniusweb_table`]). GENIUS folders go through
//! `detente_models::bargain::genius` (GENIUS semantics: discrete evaluations scaled by the
//! issue's maximum, integer and real issues linear and clamped, discount factors kept). Scenarios
//! go through `detente_models::bargain::from_scenario`: each issue on a grid, salience-weighted
//! utilities, the status quo as each party's reservation value. This module reads no files.

use std::sync::Arc;

use detente_core::Scenario;
use detente_models::bargain::{PackageConfig, from_scenario, genius_full, geniusweb};

use crate::space::{OutcomeSpace, Preferences, from_problem};
use crate::strategies::{Aspiration, Concession};
use crate::{Action, NegotiationError, Negotiator, Setup, State};

/// An outcome space and the preferences that can sit at it.
#[derive(Debug, Clone)]
pub struct Table {
    /// Domain or scenario name.
    pub name: String,
    /// The enumerated outcomes.
    pub space: OutcomeSpace,
    /// One entry per profile or party, in file-name or party order.
    pub parties: Vec<Arc<Preferences>>,
    /// Loader warnings (e.g. weights that do not sum to 1).
    pub warnings: Vec<String>,
}

/// Loads a GENIUS domain folder given as `(file name, text)` pairs, real issues on the
/// default grid ([`genius_full::GeniusConfig`]).
pub fn genius_table(name: &str, files: &[(String, String)]) -> Result<Table, NegotiationError> {
    genius_table_with(name, files, &genius_full::GeniusConfig::default())
}

/// [`genius_table`] with the reader's options (the grid points of real issues).
pub fn genius_table_with(
    name: &str,
    files: &[(String, String)],
    config: &genius_full::GeniusConfig,
) -> Result<Table, NegotiationError> {
    let loaded = genius_full::load_folder_with(name, files, config)
        .map_err(|e| NegotiationError::Load(e.to_string()))?;
    let space = OutcomeSpace::new(loaded.domain.clone())?;
    space.check_parties(loaded.profiles.len())?;
    let mut parties = Vec::with_capacity(loaded.profiles.len());
    for profile in &loaded.profiles {
        let utilities = space.evaluate(|p| profile.eval_package_in(&loaded.domain, p));
        parties.push(Arc::new(Preferences::new(
            profile.name.clone(),
            utilities,
            profile.reservation,
            profile.discount,
        )?));
    }
    Ok(Table {
        name: name.to_string(),
        space,
        parties,
        warnings: loaded.warnings.iter().map(ToString::to_string).collect(),
    })
}

/// Loads a GeniusWeb folder (one domain JSON file and one `LinearAdditiveUtilitySpace` profile
/// per party) given as `(file name, text)` pairs. GeniusWeb utilities are used as written, the
/// reservation value is the utility of the profile's reservation bid, and there is no discount.
pub fn geniusweb_table(name: &str, files: &[(String, String)]) -> Result<Table, NegotiationError> {
    let (problem, warnings) =
        geniusweb::load_folder(name, files).map_err(|e| NegotiationError::Load(e.to_string()))?;
    let (space, parties) = from_problem(&problem)?;
    Ok(Table {
        name: name.to_string(),
        space,
        parties,
        warnings: warnings.iter().map(ToString::to_string).collect(),
    })
}

/// Builds a table from a detente scenario (its principals, or `config.parties`).
pub fn scenario_table(
    scenario: &Scenario,
    config: &PackageConfig,
) -> Result<Table, NegotiationError> {
    let problem =
        from_scenario(scenario, config).map_err(|e| NegotiationError::Load(e.to_string()))?;
    let (space, parties) = from_problem(&problem)?;
    Ok(Table {
        name: scenario.meta.title.clone(),
        space,
        parties,
        warnings: Vec::new(),
    })
}

/// A negotiator that plays a detente scenario actor: it carries the actor's own utility over
/// the scenario's package space (salience-weighted, status quo as reservation, see
/// `scenario_table`) and concedes by time-based aspiration with exponent `e`, whatever
/// preferences the seat it is given holds. Use it to put scenario delegations at a table whose
/// scoring differs from their own view, or, with [`scenario_table`], at their own.
#[derive(Debug, Clone)]
pub struct ScenarioActor {
    actor: String,
    prefs: Arc<Preferences>,
    inner: Aspiration,
}

impl ScenarioActor {
    /// The negotiator for `actor` in `table` (built by [`scenario_table`]), conceding with
    /// exponent `e` (1 linear, 4 Boulware, 0.25 Conceder).
    pub fn new(table: &Table, actor: &str, e: f64) -> Result<Self, NegotiationError> {
        let prefs = table
            .parties
            .iter()
            .find(|p| p.name() == actor)
            .cloned()
            .ok_or_else(|| {
                NegotiationError::Load(format!(
                    "actor `{actor}` is not a bargaining party of `{}`; parties: {}",
                    table.name,
                    table
                        .parties
                        .iter()
                        .map(|p| p.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        if !(e.is_finite() && e > 0.0) {
            return Err(NegotiationError::Load(format!(
                "concession exponent {e} must be a positive number"
            )));
        }
        Ok(Self {
            actor: actor.to_string(),
            prefs,
            inner: Aspiration::new(Concession::Exponent(e)),
        })
    }

    /// The actor id.
    pub fn actor(&self) -> &str {
        &self.actor
    }
}

impl Negotiator for ScenarioActor {
    fn start(&mut self, setup: &Setup<'_>) {
        // The actor's own utility replaces the seat's.
        let own = Setup {
            preferences: &self.prefs,
            ..*setup
        };
        self.inner.start(&own);
    }

    fn act(&mut self, state: &State) -> Action {
        self.inner.act(state)
    }
}
