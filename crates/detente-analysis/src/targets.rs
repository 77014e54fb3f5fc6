//! Which models a Monte Carlo or a sensitivity run covers: a [`Selection`] parsed from model
//! names (`all`, `compromise`, `median`, `nash`, `eum`, `package`, `delay`), turned into
//! `detente_sim` targets with the options of an [`AnalysisConfig`]. The CLI's `--model` and the
//! API's `model=` parameter both go through here, so they select the same targets.

use detente_core::Scenario;
use detente_models::forecast::{ForecastConfig, Model};
use detente_sim::Target;
use serde::Serialize;
use thiserror::Error;

use crate::{AnalysisConfig, AnalysisError};

/// A model name that is none of the known ones.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown model `{name}`")]
pub struct UnknownModel {
    /// The name given (cut to 64 characters).
    pub name: String,
}

/// The models a simulation covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Selection {
    /// Every per-issue model and package bargaining, plus the delay model when the scenario has
    /// a `[time]` section.
    pub all: bool,
    /// Per-issue models named one by one.
    pub spatial: Vec<Model>,
    /// Package bargaining across issues.
    pub package: bool,
    /// The delay model.
    pub delay: bool,
}

impl Selection {
    /// Every model (`all`).
    pub fn all() -> Self {
        Self {
            all: true,
            ..Self::default()
        }
    }

    /// The selection that `names` spell (blank names are skipped).
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, UnknownModel> {
        let mut selection = Self::default();
        for name in names.into_iter().map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "all" => selection.all = true,
                "package" => selection.package = true,
                "delay" => selection.delay = true,
                other => {
                    selection
                        .spatial
                        .push(other.parse::<Model>().map_err(|_| UnknownModel {
                            name: other.chars().take(64).collect(),
                        })?)
                }
            }
        }
        Ok(selection)
    }

    /// Whether no model is named.
    pub fn is_empty(&self) -> bool {
        !self.all && !self.package && !self.delay && self.spatial.is_empty()
    }

    /// Whether the delay model runs on `scenario`.
    pub fn runs_delay(&self, scenario: &Scenario) -> bool {
        self.delay || (self.all && scenario.time.is_some())
    }

    /// Whether package bargaining runs.
    pub fn runs_package(&self) -> bool {
        self.all || self.package
    }
}

/// The targets `selection` names, built with `config`'s options, in a fixed order: per-issue
/// models (in [`Model::ALL`] order), package bargaining, the delay model.
pub(crate) fn targets(
    config: &AnalysisConfig,
    scenario: &Scenario,
    selection: &Selection,
) -> Result<Vec<Target>, AnalysisError> {
    if selection.is_empty() {
        return Err(AnalysisError::Option {
            option: "model",
            message: "no model named".to_owned(),
        });
    }
    if selection.delay && scenario.time.is_none() {
        return Err(AnalysisError::NoTime);
    }
    let mut out = Vec::new();
    let models: Vec<Model> = Model::ALL
        .into_iter()
        .filter(|m| selection.all || selection.spatial.contains(m))
        .collect();
    if !models.is_empty() {
        out.push(Target::Spatial(ForecastConfig {
            models,
            ..config.forecast.clone()
        }));
    }
    if selection.runs_package() || selection.runs_delay(scenario) {
        crate::check_step(config.package.step)?;
    }
    if selection.runs_package() {
        out.push(Target::Package {
            package: config.package.clone(),
            solve: config.package_target_solve(),
        });
    }
    if selection.runs_delay(scenario) {
        out.push(Target::Delay(config.dynamics()));
    }
    Ok(out)
}
