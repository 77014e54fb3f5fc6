//! Checks of `[[spaces]]`: multi-dimensional issues whose dimensions are issues of the file
//! (issue 15). KTAB's Spatial Model of Politics reads a space as one issue with a position
//! vector per actor, so every actor in a space holds a position on each of its dimensions, and
//! its saliences over them sum to at most 1 (KTAB: at most 100) and to more than 0.

use std::collections::{BTreeMap, BTreeSet};

use super::{Checker, known_list};
use crate::diagnostic::FieldPath;
use crate::file::ScenarioFile;
use crate::scenario::{ActorIndex, IdealAdjustment, IssueIndex, Space};

/// Slack on the salience sum, for saliences written as decimals (`0.1 + 0.2 + 0.7`).
const SUM_SLACK: f64 = 1e-9;

impl Checker {
    /// Checks every `[[spaces]]` entry against the issues and actors of `file`.
    pub(super) fn spaces(
        &mut self,
        file: &ScenarioFile,
        actors: &BTreeMap<&str, ActorIndex>,
    ) -> Vec<Space> {
        let root = FieldPath::root().key("spaces");
        let issues: BTreeMap<&str, IssueIndex> = file
            .issues
            .iter()
            .enumerate()
            .map(|(i, issue)| (issue.id.as_str(), IssueIndex(i)))
            .rev() // the first occurrence of a duplicate id wins
            .collect();
        let mut ids = BTreeSet::new();
        let mut owner: BTreeMap<IssueIndex, &str> = BTreeMap::new();
        let mut spaces = Vec::with_capacity(file.spaces.len());
        for (i, space) in file.spaces.iter().enumerate() {
            let path = root.index(i);
            let mut ok = true;
            self.id(&path.key("id"), &space.id, "space");
            if !ids.insert(space.id.as_str()) {
                ok = false;
                self.error(
                    path.key("id"),
                    format!("duplicate space id `{}`", space.id),
                    "every space needs its own id; rename one of them",
                );
            }
            if space.name.trim().is_empty() {
                ok = false;
                self.error(
                    path.key("name"),
                    "the space's name is empty",
                    "give the space a short name, e.g. `name = \"Reform of state-owned enterprises\"`",
                );
            }
            if space.dimensions.is_empty() {
                ok = false;
                self.error(
                    path.key("dimensions"),
                    format!("space `{}` has no dimensions", space.id),
                    "list the ids of the issues that are its dimensions, e.g. `dimensions = [\"policy\", \"competition\"]`",
                );
            }
            let mut dimensions = Vec::with_capacity(space.dimensions.len());
            for (k, id) in space.dimensions.iter().enumerate() {
                let dpath = path.key("dimensions").index(k);
                let Some(&issue) = issues.get(id.as_str()) else {
                    ok = false;
                    self.error(
                        dpath,
                        format!("unknown issue `{id}`"),
                        format!(
                            "a dimension is the id of an issue of this file; known issues: {}",
                            known_list(issues.keys().copied())
                        ),
                    );
                    continue;
                };
                if let Some(other) = owner.get(&issue) {
                    ok = false;
                    let help = if *other == space.id {
                        "list each dimension once".to_owned()
                    } else {
                        format!(
                            "an issue is a dimension of at most one space; it is already in `{other}`"
                        )
                    };
                    self.error(
                        dpath,
                        format!("issue `{id}` is already a dimension of space `{other}`"),
                        help,
                    );
                    continue;
                }
                owner.insert(issue, space.id.as_str());
                dimensions.push(issue);
            }
            if !ok {
                continue;
            }
            ok &= self.space_positions(&path, space.id.as_str(), &space.dimensions, file);
            let members: BTreeSet<&str> = space
                .dimensions
                .first()
                .and_then(|d| file.issues.iter().find(|i| &i.id == d))
                .map(|issue| issue.positions.iter().map(|p| p.actor.as_str()).collect())
                .unwrap_or_default();
            let mut adjustment = Vec::with_capacity(space.ideal_adjustment.len());
            let mut rates: BTreeMap<&str, f64> = BTreeMap::new();
            for (k, e) in space.ideal_adjustment.iter().enumerate() {
                let epath = path.key("ideal_adjustment").index(k);
                let mut entry_ok = true;
                for (key, id) in [("actor", &e.actor), ("toward", &e.toward)] {
                    if !members.contains(id.as_str()) {
                        entry_ok = false;
                        self.error(
                            epath.key(key),
                            format!("`{id}` is not an actor of space `{}`", space.id),
                            format!(
                                "name an actor with positions on the space's dimensions: {}",
                                known_list(members.iter().copied())
                            ),
                        );
                    }
                }
                if !(e.rate.is_finite() && (0.0..=1.0).contains(&e.rate)) {
                    entry_ok = false;
                    self.error(
                        epath.key("rate"),
                        format!("rate {} is outside 0..=1", e.rate),
                        "give the share of the way the ideal moves each turn, from 0 to 1",
                    );
                }
                if !entry_ok {
                    ok = false;
                    continue;
                }
                *rates.entry(e.actor.as_str()).or_default() += e.rate;
                if let (Some(&actor), Some(&toward)) =
                    (actors.get(e.actor.as_str()), actors.get(e.toward.as_str()))
                {
                    adjustment.push(IdealAdjustment {
                        actor,
                        toward,
                        rate: e.rate,
                    });
                }
            }
            for (actor, sum) in rates {
                if sum > 1.0 + SUM_SLACK {
                    ok = false;
                    self.error(
                        path.key("ideal_adjustment"),
                        format!("the rates of actor `{actor}` sum to {sum}, over 1"),
                        "an ideal moves at most the whole way each turn: lower the rates so they sum to at most 1",
                    );
                }
            }
            if ok {
                spaces.push(Space {
                    id: space.id.clone(),
                    name: space.name.clone(),
                    dimensions,
                    note: space.note.clone(),
                    smp: space
                        .smp
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    ideal_adjustment: adjustment,
                });
            }
        }
        spaces
    }

    /// Every actor with a position on one dimension has one on each, and its saliences over
    /// them sum to more than 0 and at most 1. Returns whether all holds.
    fn space_positions(
        &mut self,
        path: &FieldPath,
        space: &str,
        dimensions: &[String],
        file: &ScenarioFile,
    ) -> bool {
        // Per actor id, its salience on each dimension it takes a position on (the first
        // position when an issue repeats an actor, which the issue's own check refuses).
        let mut by_actor: BTreeMap<&str, Vec<Option<f64>>> = BTreeMap::new();
        for (k, id) in dimensions.iter().enumerate() {
            let Some(issue) = file.issues.iter().find(|i| &i.id == id) else {
                continue;
            };
            for p in &issue.positions {
                let slots = by_actor
                    .entry(p.actor.as_str())
                    .or_insert_with(|| vec![None; dimensions.len()]);
                if slots[k].is_none() {
                    slots[k] = Some(p.salience);
                }
            }
        }
        let mut ok = true;
        for (actor, slots) in &by_actor {
            if let Some(missing) = slots.iter().position(Option::is_none) {
                ok = false;
                let has = slots
                    .iter()
                    .zip(dimensions)
                    .filter(|(s, _)| s.is_some())
                    .map(|(_, d)| format!("`{d}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.error(
                    path.key("dimensions").index(missing),
                    format!(
                        "actor `{actor}` has a position on {has} but none on `{}`, all dimensions of space `{space}`",
                        dimensions[missing]
                    ),
                    format!(
                        "in a space each actor holds a position on every dimension (KTAB's model reads them as one vector): add `{actor}`'s position on `{}`, or remove its others",
                        dimensions[missing]
                    ),
                );
                continue;
            }
            let sum: f64 = slots.iter().flatten().sum();
            if !(sum > 0.0 && sum <= 1.0 + SUM_SLACK) {
                ok = false;
                self.error(
                    path.key("dimensions"),
                    format!(
                        "the saliences of actor `{actor}` over the dimensions of space `{space}` sum to {sum}"
                    ),
                    "in a space an actor's saliences share its attention: they sum to more than 0 and at most 1 (KTAB: 100); lower them, or move a dimension out of the space",
                );
            }
        }
        ok
    }
}
