//! `detente.negotiate` and `detente.tournament`: automated negotiation on a GENIUS domain
//! folder or a scenario's package space, through `detente_negotiation::session` (the report
//! and the tournament config the CLI uses too). Python reads the files; this module builds the
//! tables, runs the negotiations without the GIL and returns the CLI's JSON documents.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use detente_analysis::Document;
use detente_models::bargain::PackageConfig;
use detente_models::bargain::genius_full::GeniusConfig;
use detente_negotiation::load::{Table, genius_table_with, geniusweb_table, scenario_table};
use detente_negotiation::session::{TournamentFile, negotiate as run_session};
use detente_negotiation::{AgentSpec, tournament as cup};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::{DetenteError, PyScenario, check_parties, to_json};

/// A negotiation table: an outcome space and the parties' preferences.
#[pyclass(frozen, module = "detente._native", name = "Domain")]
pub struct PyDomain {
    table: Table,
    scenario: bool,
    /// Where the table came from, for error messages.
    origin: String,
}

#[pymethods]
impl PyDomain {
    /// The domain's or scenario's name.
    #[getter]
    fn name(&self) -> &str {
        &self.table.name
    }

    /// The parties' names, in seat order.
    #[getter]
    fn parties(&self) -> Vec<String> {
        self.table
            .parties
            .iter()
            .map(|p| p.name().to_owned())
            .collect()
    }

    /// Loader warnings (e.g. weights that do not sum to 1).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.table.warnings.clone()
    }
}

/// A GENIUS domain folder, given as its XML files' `(file name, text)` pairs; real issues on
/// `real_points` grid points, discrete evaluations as written when `raw_evaluations` (the
/// `negmas` preset, as NegMAS reads GENIUS files).
#[pyfunction]
#[pyo3(signature = (name, origin, files, real_points=11, raw_evaluations=false))]
pub fn genius_domain(
    name: &str,
    origin: &str,
    files: Vec<(String, String)>,
    real_points: usize,
    raw_evaluations: bool,
) -> PyResult<PyDomain> {
    if !(2..=1001).contains(&real_points) {
        return Err(PyValueError::new_err(format!(
            "real_points: {real_points} is outside 2..=1001; e.g. 11"
        )));
    }
    let config = GeniusConfig {
        real_grid_points: real_points,
        raw_evaluations,
    };
    let table = genius_table_with(name, &files, &config).map_err(|e| {
        DetenteError::new_err(format!(
            "{origin}: {e}\n  help: a GENIUS folder holds one <negotiation_template> domain file and one <utility_space> file per party"
        ))
    })?;
    Ok(PyDomain {
        table,
        scenario: false,
        origin: origin.to_owned(),
    })
}

/// A GeniusWeb domain folder, given as its JSON files' `(file name, text)` pairs.
#[pyfunction]
pub fn geniusweb_domain(
    name: &str,
    origin: &str,
    files: Vec<(String, String)>,
) -> PyResult<PyDomain> {
    let table = geniusweb_table(name, &files).map_err(|e| {
        DetenteError::new_err(format!(
            "{origin}: {e}\n  help: a GeniusWeb folder holds one domain JSON file (`issuesValues`) and one `LinearAdditiveUtilitySpace` JSON file per party"
        ))
    })?;
    Ok(PyDomain {
        table,
        scenario: false,
        origin: origin.to_owned(),
    })
}

/// A scenario's package space on a grid every `step` scale points, between `parties` (default:
/// the principals).
#[pyfunction]
pub fn scenario_domain(
    scenario: &PyScenario,
    step: f64,
    parties: Vec<String>,
) -> PyResult<PyDomain> {
    check_parties(scenario, &parties)?;
    if !(step.is_finite() && step > 0.0) {
        return Err(PyValueError::new_err(format!(
            "step: must be a positive number, got {step}"
        )));
    }
    let config = PackageConfig {
        step,
        parties: (!parties.is_empty()).then_some(parties),
        ..PackageConfig::default()
    };
    let table = scenario_table(&scenario.scenario, &config).map_err(|e| {
        DetenteError::new_err(format!(
            "{}: {e}\n  help: a coarser grid (step) makes the package space smaller",
            scenario.name
        ))
    })?;
    Ok(PyDomain {
        table,
        scenario: true,
        origin: scenario.name.clone(),
    })
}

/// One negotiation (`detente negotiate --format json`).
#[pyfunction]
#[pyo3(signature = (domain, agents, rounds, trace, seed, negmas=false))]
pub fn negotiate(
    py: Python<'_>,
    domain: &PyDomain,
    agents: Vec<String>,
    rounds: usize,
    trace: bool,
    seed: u64,
    negmas: bool,
) -> PyResult<String> {
    let specs = agents
        .iter()
        .map(|s| {
            s.parse::<AgentSpec>()
                .map(|a| if negmas { a.under_negmas() } else { a })
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PyValueError::new_err(format!("agents: {e}")))?;
    let table = &domain.table;
    if specs.len() != table.parties.len() {
        return Err(PyValueError::new_err(format!(
            "agents: {} negotiators given for {} parties ({}); give one per party, in this order",
            specs.len(),
            table.parties.len(),
            table
                .parties
                .iter()
                .map(|p| p.name())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if !(1..=1_000_000).contains(&rounds) {
        return Err(PyValueError::new_err(format!(
            "rounds: {rounds} is outside 1..=1000000; e.g. 100"
        )));
    }
    let report = py
        .detach(|| run_session(table, domain.scenario, &specs, rounds, trace, seed))
        .map_err(|e| DetenteError::new_err(format!("{}: {e}", domain.origin)))?;
    to_json(&Document {
        schema: "detente.negotiation/1",
        body: &report,
    })
}

/// The domains (as written, relative to the config) of a tournament config and how to read
/// them: the grid step for scenarios, grid points per real GENIUS issue, and whether GENIUS
/// evaluations stay as written (the `negmas` preset).
#[pyfunction]
pub fn tournament_domains(name: &str, text: &str) -> PyResult<(Vec<String>, f64, usize, bool)> {
    let file = parse_config(name, text)?;
    let genius = file
        .genius_config()
        .map_err(|e| PyValueError::new_err(format!("{name}: {e}")))?;
    Ok((
        file.domains
            .iter()
            .map(|d| d.to_string_lossy().into_owned())
            .collect(),
        file.step,
        genius.real_grid_points,
        genius.raw_evaluations,
    ))
}

fn parse_config(name: &str, text: &str) -> PyResult<TournamentFile> {
    toml::from_str(text).map_err(|e| {
        PyValueError::new_err(format!(
            "{name}: {e}\n  help: a tournament config has `domains = [...]`, `agents = [...]` and optionally rounds, repetitions, self_play, seed, step, real_points, preset"
        ))
    })
}

/// A tournament (`detente tournament --format json`) over `domains`, the tables of the
/// config's domains in its order; `progress` gets (negotiations done, planned) after each.
#[pyfunction]
#[pyo3(signature = (name, text, domains, progress, shard=None))]
pub fn tournament(
    py: Python<'_>,
    name: &str,
    text: &str,
    domains: Vec<PyRef<'_, PyDomain>>,
    progress: Option<Py<PyAny>>,
    shard: Option<(u64, u64)>,
) -> PyResult<String> {
    let shard = shard
        .map(|(i, n)| {
            detente_core::shard::Shard::new(i, n)
                .map_err(|e| PyValueError::new_err(format!("shard: {e}")))
        })
        .transpose()?;
    let file = parse_config(name, text)?;
    // The negotiators as the config's preset has them (the domains were read with its
    // options by `tournament_domains`).
    let config = file.run_config();
    let tables: Vec<Table> = domains.iter().map(|d| d.table.clone()).collect();
    /// What the run made: one part, or the whole tournament.
    enum Ran {
        Part(cup::TournamentShard),
        Whole(cup::Results),
    }
    let counts = Mutex::new((0_u64, 0_u64));
    let failed: Mutex<Option<PyErr>> = Mutex::new(None);
    let stopping = AtomicBool::new(false);
    // Ctrl-C, or a callback that raises, stops the tournament before its next negotiation.
    let keep = |e: PyErr| {
        if let Ok(mut slot) = failed.lock() {
            slot.get_or_insert(e);
        }
        stopping.store(true, Ordering::SeqCst);
    };
    let stop = || stopping.load(Ordering::SeqCst);
    // The counts are delivered to Python by the calling thread ([`crate::drive`]), in the order
    // they were counted: the lock is held until the report is queued (dropping it first let two
    // workers report 72 before 71).
    let deliver = |py: Python<'_>, (done, total): (u64, u64)| match &progress {
        Some(callback) => callback.bind(py).call1((done, total)).map(drop),
        None => Ok(()),
    };
    let run = |report: &(dyn Fn((u64, u64)) + Sync)| {
        let on_event = |event: cup::Progress| {
            let Ok(mut c) = counts.lock() else { return };
            match event {
                cup::Progress::Planned(total) => c.1 = total as u64,
                cup::Progress::Finished => c.0 += 1,
            }
            report(*c);
        };
        match shard {
            Some(shard) => {
                cup::run_shard_until(&tables, &config, shard, &on_event, &stop).map(Ran::Part)
            }
            None => cup::run_until(&tables, &config, &on_event, &stop).map(Ran::Whole),
        }
    };
    let ran = crate::drive(py, deliver, &keep, run)
        .map_err(|e| DetenteError::new_err(format!("{name}: cannot run: {e}")))?;
    // The error that stopped the run (Ctrl-C, a raising callback) before the stop it caused.
    if let Some(e) = failed.lock().ok().and_then(|mut slot| slot.take()) {
        return Err(e);
    }
    let ran = ran.map_err(|e| PyValueError::new_err(format!("{name}: {e}")))?;
    let results = match ran {
        Ran::Part(part) => return to_json(&part),
        Ran::Whole(results) => results,
    };
    to_json(&Document {
        schema: "detente.tournament/1",
        body: &results,
    })
}

/// Package bargaining on a GENIUS folder (its XML files) or a GeniusWeb one (its JSON files,
/// when there is no XML), as `detente bargain FOLDER --format json`: the problem read as the
/// CLI reads it (real issues on `real_points` values), solved with the library's defaults and
/// `nash` weights (`capability` or `equal`).
#[pyfunction]
#[pyo3(signature = (name, origin, xml, json, real_points=11, nash=None))]
pub fn bargain_folder(
    py: Python<'_>,
    name: &str,
    origin: &str,
    xml: Vec<(String, String)>,
    json: Vec<(String, String)>,
    real_points: usize,
    nash: Option<&str>,
) -> PyResult<String> {
    if !(2..=1001).contains(&real_points) {
        return Err(PyValueError::new_err(format!(
            "real_points: {real_points} is outside 2..=1001; e.g. 11"
        )));
    }
    let weights = crate::nash_weights(nash)?;
    let failed = |e: String| {
        DetenteError::new_err(format!(
            "{origin}: {e}\n  help: a GENIUS folder holds one <negotiation_template> domain file and one <utility_space> file per party; a GeniusWeb folder one domain JSON file and one profile JSON file per party"
        ))
    };
    let (problem, _warnings) = detente_analysis::folder_problem(name, &xml, &json, real_points)
        .map_err(|e| failed(e.to_string()))?;
    let config = detente_analysis::AnalysisConfig::default().with_nash_weights(weights);
    let solutions = py
        .detach(|| detente_analysis::solve_problem(&problem, &config))
        .map_err(|e| failed(e.to_string()))?;
    to_json(&detente_analysis::Packages::new(
        &problem, &solutions, None, weights,
    ))
}
