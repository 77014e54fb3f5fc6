//! The SMP on a detente scenario: a `[[spaces]]` entry read as KTAB's multi-dimensional issue,
//! and a KTAB file written as a scenario with one space, without loss.
//!
//! A space's dimensions are issues of the scenario. An actor's position on a dimension maps
//! linearly from the issue's scale to KTAB's 0..100 (`[0, 100]` maps to itself, exactly), and its
//! salience of the dimension, on detente's 0..1, is multiplied by 100. The space's `smp` table
//! holds KTAB's parameters by KTAB's names (and `prngSeed`, the seed of stochastic runs), and
//! its `ideal_adjustment` KTAB's `IdealAdjustment` pairs.

use std::collections::BTreeMap;

use detente_core::{
    ActorFile, IdealAdjustmentFile, IssueFile, MetaFile, PositionFile, RoleFile, Scenario,
    ScenarioFile, Space, SpaceFile,
};

use super::{IdealAdjustment, SmpActor, SmpConfig, SmpError, SmpInput};

/// KTAB's name of the seed of stochastic runs, kept in a space's `smp` table.
pub const SEED_KEY: &str = "prngSeed";

/// What the SMP runs on for one space: its input, its parameters and the seed a space gives.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceInput {
    /// Actors (those with positions in the space, in scenario order) and dimensions.
    pub input: SmpInput,
    /// KTAB's defaults with the space's `smp` table applied.
    pub config: SmpConfig,
    /// The space's `prngSeed`, if any.
    pub seed: Option<u64>,
}

/// The SMP's input for `space` of `scenario`; `source` names the file in errors.
///
/// Errors name the space's field: an unknown KTAB parameter or value, a seed that is not a whole
/// number, or a space the SMP cannot take (fewer than three actors, KTAB's minimum).
pub fn from_space(
    scenario: &Scenario,
    space: &Space,
    source: &str,
) -> Result<SpaceInput, SmpError> {
    // A space of the file is named by its index; a one-issue space built by a caller (the SMP on
    // an issue alone) by its issue's.
    let prefix = match (
        scenario.spaces.iter().position(|s| s == space),
        space.dimensions.as_slice(),
    ) {
        (Some(i), _) => format!("spaces[{i}]"),
        (None, [d]) => format!("issues[{}]", d.0),
        (None, _) => format!("space `{}`", space.id),
    };
    let field = |key: &str| format!("{prefix}.{key}");
    let mut config = SmpConfig::ktab();
    let mut seed = None;
    for (key, value) in &space.smp {
        if key == SEED_KEY {
            seed = Some(value.trim().parse::<u64>().map_err(|_| {
                SmpError::Input {
                file: source.to_owned(),
                line: None,
                field: field(&format!("smp.{key}")),
                message: format!("seed `{value}` is not a whole number"),
                fix: "give a whole number from 0 to 18446744073709551615, e.g. `prngSeed = \"7\"`"
                    .to_owned(),
            }
            })?);
            continue;
        }
        config.set(key, value).map_err(|e| SmpError::Input {
            file: source.to_owned(),
            line: None,
            field: field(&format!("smp.{key}")),
            message: e.to_string(),
            fix: format!(
                "use KTAB's parameter names ({}, or {SEED_KEY}) and value names",
                SmpConfig::PARAMETER_NAMES.join(", ")
            ),
        })?;
    }
    let members = space.actors(scenario);
    let issues: Vec<&detente_core::Issue> = space
        .dimensions
        .iter()
        .filter_map(|d| scenario.issues.get(d.0))
        .collect();
    let actors = members
        .iter()
        .filter_map(|&a| {
            let actor = scenario.actor(a)?;
            let mut position = Vec::with_capacity(issues.len());
            let mut salience = Vec::with_capacity(issues.len());
            for issue in &issues {
                let p = issue.positions.iter().find(|p| p.actor == a)?;
                position.push(to_ktab(issue.scale.min(), issue.scale.max(), p.position));
                salience.push(p.salience.get() * 100.0);
            }
            Some(SmpActor {
                name: actor.name.clone(),
                description: actor.note.clone().unwrap_or_default(),
                capability: actor.capability.get(),
                position,
                salience,
            })
        })
        .collect();
    let slot = |a| members.iter().position(|&m| m == a);
    let ideal_adjustment = space
        .ideal_adjustment
        .iter()
        .filter_map(|e| {
            Some(IdealAdjustment {
                adjusting: slot(e.actor)?,
                reference: slot(e.toward)?,
                rate: e.rate,
            })
        })
        .collect();
    let input = SmpInput {
        name: space.name.clone(),
        description: space
            .note
            .clone()
            .unwrap_or_else(|| scenario.meta.title.clone()),
        dimensions: issues.iter().map(|i| i.name.clone()).collect(),
        actors,
        ideal_adjustment,
    };
    input.validate(source).map_err(|e| match e {
        SmpError::Input {
            file,
            line,
            field: f,
            message,
            fix,
        } => SmpError::Input {
            file,
            line,
            field: format!("{} ({f})", field("dimensions")),
            message,
            fix,
        },
        other => other,
    })?;
    Ok(SpaceInput {
        input,
        config,
        seed,
    })
}

/// `x` on `[lo, hi]` as a position on KTAB's 0..100.
fn to_ktab(lo: f64, hi: f64, x: f64) -> f64 {
    if lo == 0.0 && hi == 100.0 {
        x
    } else {
        (x - lo) / (hi - lo) * 100.0
    }
}

/// A KTAB scenario (as [`super::parse_ktab_xml`] or [`super::parse_ktab_csv`] read it) as a
/// detente scenario file: every actor a principal, one issue per dimension on `[0, 100]` with its
/// status quo and its reason from `status_quo` (KTAB has none: see
/// `detente_core::import::status_quo`), and one space holding the dimensions, the parameters
/// that differ from KTAB's defaults (all nine when `all_parameters`), the seed and the ideal
/// adjustment. `source` is the file name, kept as the scenario's source. An input that breaks
/// [`SmpInput::validate`] gives a file that `detente_core::parse` refuses, never a panic.
pub fn to_scenario_file(
    input: &SmpInput,
    config: &SmpConfig,
    all_parameters: bool,
    seed: Option<u64>,
    status_quo: &dyn Fn(usize) -> (f64, String),
    source: &str,
) -> ScenarioFile {
    let mut ids = UniqueIds::default();
    let actor_ids: Vec<String> = input.actors.iter().map(|a| ids.make(&a.name)).collect();
    let mut issue_ids = UniqueIds::default();
    let issues: Vec<IssueFile> = input
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, name)| IssueFile {
            id: issue_ids.make(name),
            name: name.clone(),
            scale: [0.0, 100.0],
            status_quo: status_quo(d).0,
            status_quo_why: Some(status_quo(d).1),
            decision_rule: None,
            quota: None,
            procedural: false,
            note: None,
            anchors: Vec::new(),
            positions: input
                .actors
                .iter()
                .zip(&actor_ids)
                .filter_map(|(a, id)| {
                    Some(PositionFile {
                        actor: id.clone(),
                        position: *a.position.get(d)?,
                        salience: a.salience.get(d)? / 100.0,
                        sd: None,
                        range: None,
                        why: Some(format!("{source}: actor {}", a.name)),
                    })
                })
                .collect(),
        })
        .collect();
    let defaults = SmpConfig::ktab().ktab_parameters();
    let mut smp = BTreeMap::new();
    for ((key, value), (_, default)) in config.ktab_parameters().into_iter().zip(defaults) {
        if all_parameters || value != default {
            smp.insert(key.to_owned(), value.to_owned());
        }
    }
    if let Some(seed) = seed {
        smp.insert(SEED_KEY.to_owned(), seed.to_string());
    }
    let space = SpaceFile {
        id: UniqueIds::default().make(&input.name),
        name: if input.name.trim().is_empty() {
            "KTAB scenario".to_owned()
        } else {
            input.name.clone()
        },
        dimensions: issues.iter().map(|i| i.id.clone()).collect(),
        note: (!input.description.trim().is_empty()).then(|| input.description.clone()),
        smp,
        ideal_adjustment: input
            .ideal_adjustment
            .iter()
            .filter_map(|e| {
                Some(IdealAdjustmentFile {
                    actor: actor_ids.get(e.adjusting)?.clone(),
                    toward: actor_ids.get(e.reference)?.clone(),
                    rate: e.rate,
                })
            })
            .collect(),
    };
    ScenarioFile {
        format: Some(detente_core::FORMAT_VERSION),
        scenario: MetaFile {
            title: if input.name.trim().is_empty() {
                format!("KTAB scenario from {source}")
            } else {
                input.name.clone()
            },
            date: None,
            description: Some(format!(
                "Imported from the KTAB file {source}: {} actors on {} dimension{}, one issue each, \
                 grouped as the space `{}` for KTAB's Spatial Model of Politics (`detente smp`). \
                 Every actor is a principal: KTAB gives no roles.",
                input.actors.len(),
                input.dimensions.len(),
                if input.dimensions.len() == 1 { "" } else { "s" },
                space.id
            )),
            sources: vec![source.to_owned()],
            caveat: None,
            headline: None,
            headline_why: None,
        },
        actors: input
            .actors
            .iter()
            .zip(&actor_ids)
            .map(|(a, id)| ActorFile {
                id: id.clone(),
                name: a.name.clone(),
                capability: a.capability,
                role: RoleFile::Principal,
                bloc: None,
                note: (!a.description.trim().is_empty()).then(|| a.description.clone()),
                why: Some(format!("{source}: actor {}", a.name)),
            })
            .collect(),
        issues,
        spaces: vec![space],
        time: None,
    }
}

/// Ids made from names: lowercase letters, digits and `-`, unique (`-2`, `-3` on a repeat).
#[derive(Default)]
struct UniqueIds {
    taken: std::collections::BTreeSet<String>,
}

impl UniqueIds {
    fn make(&mut self, name: &str) -> String {
        let mut base: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        while base.contains("--") {
            base = base.replace("--", "-");
        }
        let base = base.trim_matches('-').to_owned();
        let base = if base.is_empty() {
            "x".to_owned()
        } else {
            base
        };
        let mut id = base.clone();
        let mut n = 2;
        while !self.taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}
