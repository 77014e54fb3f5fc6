//! Builds a package-bargaining [`Problem`] from a detente [`Scenario`].
//!
//! # What it models
//! Each scenario issue becomes a discrete issue: a grid on its scale with spacing
//! [`PackageConfig::step`], always holding both ends and the status quo. Each bargaining party's
//! utility is additive across issues: weights are the party's saliences normalised to sum to 1
//! over the issues it takes a position on (0 on issues it sits out), and the evaluation of grid
//! point `x` on issue `k` for a party at position `x_i` is
//! `e_k(x) = 1 - |x - x_i| / width_k` ([`Loss::Linear`]) or
//! `e_k(x) = 1 - (|x - x_i| / width_k)²` ([`Loss::Quadratic`]), `width_k` the scale's width, so
//! every utility lies in `[0, 1]`. The disagreement value is the utility of the status-quo
//! package unless [`PackageConfig::reservations`] gives one.
//!
//! **Which issues are bargained over** ([`Scope`]). Parties can only trade what they can
//! enact. An issue whose decision rule the bargaining parties cannot satisfy on their own (a
//! `unanimity` issue on which an outsider holds a veto, a `weighted-majority` issue where the
//! parties' capability does not exceed the quota, a `unanimity-of-principals` issue when a
//! principal is not a party) is decided outside the room: it is *held* at its status quo,
//! a grid of one point, in every package. Its utility still counts (the weights are the same),
//! but equally in every package and in the status quo, so it moves no gain. By default
//! ([`Scope::Parties`]) only those issues are held; [`Scope::Settlement`], used by the
//! settlement forecast of `dynamics`, also holds the issues the scenario marks `procedural`
//! (about the talks themselves, such as a ceasefire before talks), because a final deal ends
//! the war and settles such a question with it; [`Scope::All`] bargains over every issue,
//! whoever decides it (what the models did before the scope existed).
//!
//! # Assumptions
//! Issues are separable (no interaction terms) and a party's trade-off rate between issues is
//! the ratio of its saliences. Quadratic loss is the default: it is the risk-averse spatial
//! utility of the single-issue Nash model (`nash.rs`, Achen 2006), so the package model reduces
//! to it on one issue, and it makes small concessions near a party's ideal cheap, which is what
//! lets logrolling across issues produce packages both sides prefer. An actor whose saliences
//! are all 0 is treated as weighting its issues equally.
//!
//! # Parameters
//! [`PackageConfig`]: grid step (default 5 scale points), loss shape, the parties (default the
//! actors whose role is principal), the scope (default [`Scope::Parties`]) and optional
//! explicit reservation values.
//!
//! # References
//! Achen, C. H. (2006), "Institutional realism and bargaining models", in *The European Union
//! Decides*, ch. 4. Raiffa, H. (1982), *The Art and Science of Negotiation*, part III (additive
//! scoring of multi-issue packages).

use std::collections::BTreeMap;

use detente_core::{ActorIndex, DecisionRule, Issue, IssueIndex, Role, Scenario};
use serde::Serialize;

use super::{AdditiveUtility, BargainError, Domain, DomainIssue, Package, Party, Problem, Value};

/// Most grid points one issue may have.
pub const MAX_GRID_POINTS: usize = 100_000;

/// Shape of the per-issue loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Loss {
    /// `1 - |x - x_i| / width`.
    Linear,
    /// `1 - (|x - x_i| / width)²` (the default).
    #[default]
    Quadratic,
}

/// Which issues the parties bargain over; the others are held at their status quo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Every issue the parties can enact on their own under its decision rule (the default).
    #[default]
    Parties,
    /// As [`Scope::Parties`], and procedural issues are held too: the terms of a final
    /// settlement, as the settlement forecast uses them.
    Settlement,
    /// Every issue, whoever decides it.
    All,
}

impl Scope {
    /// The scope of a final settlement: [`Scope::Parties`] becomes [`Scope::Settlement`]; the
    /// others stay.
    pub fn settlement(self) -> Self {
        match self {
            Scope::Parties => Scope::Settlement,
            other => other,
        }
    }
}

/// Why an issue is held at its status quo in every package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Held {
    /// Its decision rule needs actors outside the bargaining parties.
    DecidedElsewhere,
    /// It is procedural and the scope is [`Scope::Settlement`].
    Procedural,
}

/// For each issue of `scenario`, whether and why it is held at its status quo when `parties`
/// bargain under `scope`.
pub fn held_issues(scenario: &Scenario, parties: &[ActorIndex], scope: Scope) -> Vec<Option<Held>> {
    scenario
        .issues
        .iter()
        .map(|issue| match scope {
            Scope::All => None,
            _ if !enactable(scenario, issue, parties) => Some(Held::DecidedElsewhere),
            Scope::Settlement if issue.procedural => Some(Held::Procedural),
            _ => None,
        })
        .collect()
}

/// Whether `parties` alone satisfy the issue's decision rule.
fn enactable(scenario: &Scenario, issue: &Issue, parties: &[ActorIndex]) -> bool {
    match issue.decision_rule {
        DecisionRule::UnanimityOfPrincipals => issue.positions.iter().all(|p| {
            parties.contains(&p.actor)
                || scenario
                    .actor(p.actor)
                    .is_none_or(|a| a.role != Role::Principal)
        }),
        DecisionRule::Unanimity => issue.positions.iter().all(|p| parties.contains(&p.actor)),
        DecisionRule::WeightedMajority { quota } => {
            let weight = |p: &&detente_core::Position| {
                scenario.actor(p.actor).map_or(0.0, |a| a.capability.get())
            };
            let total: f64 = issue.positions.iter().map(|p| weight(&p)).sum();
            let ours: f64 = issue
                .positions
                .iter()
                .filter(|p| parties.contains(&p.actor))
                .map(|p| weight(&p))
                .sum();
            ours > quota * total
        }
    }
}

/// How a scenario becomes a package-bargaining problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackageConfig {
    /// Grid spacing on each issue's own scale (default 5).
    pub step: f64,
    /// Shape of the loss (default quadratic).
    pub loss: Loss,
    /// Actor ids of the bargaining parties; `None` means the principals, in file order.
    pub parties: Option<Vec<String>>,
    /// Which issues they bargain over (default: those they can enact on their own).
    pub scope: Scope,
    /// Explicit reservation values by actor id, replacing the status-quo utility.
    pub reservations: BTreeMap<String, f64>,
    /// Whether the bargaining parties' red lines (`hard = true` in `[[time.audience_costs]]`,
    /// binding in month 0) take the values across them off the grid (default true): a party
    /// signs no package across its red line, so no solution may sit there. The status quo stays
    /// on the grid as the point of disagreement.
    pub red_lines: bool,
}

impl Default for PackageConfig {
    fn default() -> Self {
        Self {
            step: 5.0,
            loss: Loss::Quadratic,
            parties: None,
            scope: Scope::Parties,
            reservations: BTreeMap::new(),
            red_lines: true,
        }
    }
}

/// Discretises `scenario` and builds every party's additive utility.
pub fn from_scenario(scenario: &Scenario, config: &PackageConfig) -> Result<Problem, BargainError> {
    from_scenario_consenting(scenario, config, &[])
}

/// [`from_scenario`] with `consenting` actors added after the parties as further utility
/// dimensions: actors whose consent a package needs (the settlement forecast's veto allies,
/// `[[time.vetoes]]`) but who bring no issues of their own, so the scope and the red lines on
/// the grid are still the parties'. An id already among the parties is skipped.
pub fn from_scenario_consenting(
    scenario: &Scenario,
    config: &PackageConfig,
    consenting: &[String],
) -> Result<Problem, BargainError> {
    if !(config.step.is_finite() && config.step > 0.0) {
        return Err(BargainError::InvalidStep { step: config.step });
    }
    let ids: Vec<String> = match &config.parties {
        Some(ids) => ids.clone(),
        None => scenario
            .actors
            .iter()
            .filter(|a| a.role == Role::Principal)
            .map(|a| a.id.clone())
            .collect(),
    };
    let indices: Vec<ActorIndex> = ids
        .iter()
        .filter_map(|id| scenario.actor_index(id))
        .collect();
    let held = held_issues(scenario, &indices, config.scope);
    // Red lines of the bargaining parties that bind in month 0.
    let red_lines: Vec<&detente_core::AudienceCost> = scenario
        .time
        .as_ref()
        .map(|t| {
            t.audience_costs
                .iter()
                .filter(|c| c.hard && indices.contains(&c.actor) && c.until != Some(0))
                .collect()
        })
        .unwrap_or_default();
    let mut issues = Vec::with_capacity(scenario.issues.len());
    let mut status_quo = Vec::with_capacity(scenario.issues.len());
    for (k, (issue, held)) in scenario.issues.iter().zip(&held).enumerate() {
        let issue_index = IssueIndex(k);
        let scale = issue.scale;
        let steps = (scale.width() / config.step).floor();
        if steps + 2.0 > MAX_GRID_POINTS as f64 {
            return Err(BargainError::GridTooFine {
                issue: issue.id.clone(),
                step: config.step,
                limit: MAX_GRID_POINTS,
            });
        }
        // Integer steps from the lower end, so points are exact multiples and not accumulated.
        let mut points: Vec<f64> = (0..=steps as usize)
            .map(|j| scale.min() + j as f64 * config.step)
            .filter(|x| *x <= scale.max())
            .collect();
        points.push(scale.max());
        if config.red_lines {
            points.retain(|&x| {
                !red_lines
                    .iter()
                    .any(|c| c.issue == issue_index && c.crossed(x))
            });
        }
        points.push(issue.status_quo);
        if held.is_some() {
            points = vec![issue.status_quo];
        }
        points.sort_by(f64::total_cmp);
        let tol = 1e-9 * scale.width();
        points.dedup_by(|a, b| (*a - *b).abs() <= tol);
        let sq = points
            .iter()
            .position(|x| (x - issue.status_quo).abs() <= tol)
            .unwrap_or(0);
        status_quo.push(sq);
        issues.push(DomainIssue {
            name: issue.id.clone(),
            values: points
                .into_iter()
                .map(|x| Value {
                    label: format!("{x}"),
                    number: Some(x),
                })
                .collect(),
        });
    }
    let domain = Domain::new(scenario.meta.title.clone(), issues)?;

    if let Some(id) = config.reservations.keys().find(|id| !ids.contains(id)) {
        return Err(BargainError::UnknownParty { id: id.clone() });
    }
    let status_quo = Package(status_quo);
    let mut ids = ids;
    for id in consenting {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    let mut parties = Vec::with_capacity(ids.len());
    for id in &ids {
        let actor = scenario
            .actor_index(id)
            .ok_or_else(|| BargainError::UnknownParty { id: id.clone() })?;
        let stances: Vec<Option<(f64, f64)>> = scenario
            .issues
            .iter()
            .map(|issue| {
                issue
                    .position_of(actor)
                    .map(|p| (p.position, p.salience.get()))
            })
            .collect();
        let taken = stances.iter().flatten().count();
        if taken == 0 {
            return Err(BargainError::NoPositions { party: id.clone() });
        }
        let total: f64 = stances.iter().flatten().map(|(_, s)| s).sum();
        let mut weights = Vec::with_capacity(stances.len());
        let mut evaluations = Vec::with_capacity(stances.len());
        for ((issue, stance), grid) in scenario.issues.iter().zip(&stances).zip(domain.issues()) {
            match stance {
                Some((x_i, salience)) => {
                    weights.push(if total > 0.0 {
                        salience / total
                    } else {
                        1.0 / taken as f64
                    });
                    let width = issue.scale.width();
                    evaluations.push(
                        grid.values
                            .iter()
                            .map(|v| {
                                let dist = (v.number.unwrap_or(0.0) - x_i).abs() / width;
                                match config.loss {
                                    Loss::Linear => 1.0 - dist,
                                    Loss::Quadratic => 1.0 - dist * dist,
                                }
                            })
                            .collect(),
                    );
                }
                None => {
                    weights.push(0.0);
                    evaluations.push(vec![1.0; grid.values.len()]);
                }
            }
        }
        let mut utility = AdditiveUtility {
            weights,
            evaluations,
            reservation: None,
        };
        utility.reservation = Some(match config.reservations.get(id) {
            Some(r) => *r,
            None => utility.eval(&status_quo).unwrap_or(0.0),
        });
        let weight = scenario.actor(actor).map_or(1.0, |a| a.capability.get());
        parties.push(Party {
            name: id.clone(),
            utility: utility.into(),
            weight,
        });
    }
    Problem::new(domain, parties, Some(status_quo))
}
