//! `detente.backtest`: every model scored on the DEU data's known outcomes, as
//! `detente backtest --format json` (the options and their defaults are the CLI's).

use detente_backtest::capability::{CapabilityMeasure, InstitutionWeight};
use detente_backtest::engine::{BacktestConfig, MissingReferencePolicy, ModelId};
use detente_backtest::procedure::VetoConfig;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::{DetenteError, to_json};

/// Scores the models on the DEU table `text` (named `name` in the result and in errors).
#[pyfunction]
#[pyo3(signature = (name, text, models, capability, institutions, missing_reference, commission_veto, bootstrap, seed, folds, cv_seeds, limit))]
#[expect(
    clippy::too_many_arguments,
    reason = "one per CLI option; Python passes them by keyword"
)]
pub fn backtest(
    py: Python<'_>,
    name: &str,
    text: &str,
    models: Vec<String>,
    capability: Option<&str>,
    institutions: Option<&str>,
    missing_reference: Option<&str>,
    commission_veto: bool,
    bootstrap: Option<usize>,
    seed: Option<u64>,
    folds: Option<usize>,
    cv_seeds: Option<Vec<u64>>,
    limit: Option<usize>,
) -> PyResult<String> {
    // Every option not given keeps the library's default (the CLI's defaults are the same).
    let d = BacktestConfig::default();
    let bootstrap = bootstrap.unwrap_or(d.bootstrap_replicates);
    let folds = folds.unwrap_or(d.folds);
    let cv_seeds = cv_seeds.unwrap_or_else(|| d.cv_seeds.clone());
    let bad = |option: &str, value: &str, choices: &str| {
        PyValueError::new_err(format!(
            "{option}: unknown value `{value}`; choose from {choices}"
        ))
    };
    let mut ids = Vec::new();
    for m in &models {
        if m == "all" {
            ids.extend(ModelId::ALL);
            continue;
        }
        let Some(id) = ModelId::parse(m) else {
            return Err(bad(
                "models",
                m,
                &ModelId::ALL.map(ModelId::as_str).join(", "),
            ));
        };
        ids.push(id);
    }
    if ids.is_empty() {
        ids = ModelId::ALL.to_vec();
    }
    ids.sort();
    ids.dedup();
    if !(1..=100_000).contains(&bootstrap) {
        return Err(PyValueError::new_err(format!(
            "bootstrap: {bootstrap} is outside 1..=100000; e.g. 2000"
        )));
    }
    if !(2..=100).contains(&folds) {
        return Err(PyValueError::new_err(format!(
            "folds: {folds} is outside 2..=100; e.g. 10"
        )));
    }
    if cv_seeds.is_empty() {
        return Err(PyValueError::new_err(
            "cv_seeds: name at least one fold-assignment seed, e.g. [1, 2, 3, 4, 5]",
        ));
    }
    let config = BacktestConfig {
        capability: match capability {
            None => d.capability,
            Some("gdp") => CapabilityMeasure::Gdp,
            Some("votes") => CapabilityMeasure::Votes,
            Some("shapley") => CapabilityMeasure::Shapley,
            Some("banzhaf") => CapabilityMeasure::Banzhaf,
            Some("equal") => CapabilityMeasure::Equal,
            Some(other) => {
                return Err(bad(
                    "capability",
                    other,
                    "gdp, votes, shapley, banzhaf, equal",
                ));
            }
        },
        institutions: match institutions {
            None => d.institutions,
            Some("largest") => InstitutionWeight::Largest,
            Some("mean") => InstitutionWeight::Mean,
            Some("exclude") => InstitutionWeight::Exclude,
            Some(other) => return Err(bad("institutions", other, "largest, mean, exclude")),
        },
        missing_reference: match missing_reference {
            None => d.missing_reference,
            Some("mean") => MissingReferencePolicy::Mean,
            Some("midpoint") => MissingReferencePolicy::Midpoint,
            Some("skip") => MissingReferencePolicy::Skip,
            Some(other) => return Err(bad("missing_reference", other, "mean, midpoint, skip")),
        },
        vetoes: VetoConfig {
            commission: commission_veto,
            ..VetoConfig::default()
        },
        models: ids,
        bootstrap_replicates: bootstrap,
        bootstrap_seed: seed.unwrap_or(d.bootstrap_seed),
        folds,
        cv_seeds,
        limit,
        ..d
    };
    let data = detente_core::import::parse_deu(name, text)
        .map_err(|e| crate::scenario_error(py, name, text, &e).unwrap_or_else(|err| err))?;
    let result = py
        .detach(|| detente_backtest::run(name, &data, &config))
        .map_err(|e| {
            DetenteError::new_err(format!(
                "{name}: {e}; check the file is the DEU table with outcomes, and the options"
            ))
        })?;
    to_json(&result)
}
