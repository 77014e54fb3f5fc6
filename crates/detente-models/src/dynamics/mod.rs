//! Time dynamics of a package negotiation: how the status quo drifts while no deal is struck, what
//! each month of delay costs whom, when a deal becomes "ripe", what the named levers change, and
//! the alternating-offers game with a deadline.
//!
//! # What it models
//! A scenario's `[time]` section (see `docs/scenario-format.md`) says how the world moves month by
//! month without a deal: issues' status quo drifts (territory moving toward one side), each actor
//! bears a monthly cost of continuing, and levers (a ceasefire, sanctions, paused aid) change
//! drift, costs, capabilities or the status quo from a given month. For months `t = 0..=T`
//! ([`delay`]):
//!
//! - **Status quo** `SQ(t)`: issue by issue, `x(0) = sq + m(0)` and
//!   `x(t+1) = clamp(step(x(t), r(t)) + m(t+1))`, where `r(t)` is the month's drift rate (the
//!   `[[time.drift]]` rate, replaced by an active `drift-rate` effect, 0 under an active
//!   `stop-drift`), `step` adds `r(t)` but never moves past the drift's cap (and does not move a
//!   status quo already beyond it), `m(t)` is the sum of `move-status-quo` effects dated month `t`,
//!   and `clamp` keeps the value on the scale. Drift in month `t` shows in `SQ(t+1)`.
//! - **Monthly cost** `c_i(t)`: the actor's `cost_per_month` plus every active `add-cost` effect.
//! - **Disagreement value** `d_i(t) = u_i(SQ(t)) − c_i(t)`: what party `i` has if talks fail in
//!   month `t`: the month's line, valued with the same additive utility as packages (evaluated at
//!   the exact drifted values, not rounded to the grid), minus the month's cost of fighting on.
//!   We chose this one-month view over the discounted value of fighting forever because it needs
//!   no assumption about the war's end, and because it is what the seed's argument turns on: the
//!   line moves and each month costs something.
//! - **Solutions**: the Nash, Kalai-Smorodinsky, egalitarian and utilitarian packages of
//!   [`crate::bargain::solution`] over the packages every party weakly prefers to `d(t)`. The
//!   package space, its grid and the utilities do not change with time, so the Pareto frontier of
//!   all packages is computed once and each month keeps its points with `u_i ≥ d_i(t)`: a frontier
//!   point of the rational set is a frontier point of the whole space, because a package
//!   dominating a rational package is itself rational. Unlike [`crate::bargain::Problem`], `d(t)`
//!   is not raised to a party's minimum utility: here it is a modelled value, and raising it would
//!   hide the cost of war. The Nash product is weighted by capability (scaled by active
//!   `scale-capability` effects) by default, as in the single-issue Nash model.
//! - **Zone of agreement**: non-empty when some package gives every party strictly more than
//!   `d_i(t)`.
//! - **Cost of delay** `D_i(t) = u_i(N(t)) − (δ_i · W_i(t+1) − c_i(t))`: the month-`t` Nash deal
//!   minus the value of waiting one month, which is next month's Nash deal (or, when next month's
//!   zone is empty, next month's status quo `u_i(SQ(t+1))`) discounted by `δ_i`, minus this month's
//!   cost. Negative means party `i` gains by waiting.
//! - **Ripeness**: the first month in which the zone is non-empty and no party gains by waiting
//!   (`D_i(t) ≥ 0` for every party); `None` when no month within the horizon qualifies.
//!
//! **Alternating offers with a deadline** ([`alternating_offers`]; two parties): in month `t` the
//! proposer (the first proposer in even months, the other party in odd ones) offers a package or
//! walks out; the responder accepts, rejects and continues, or rejects and walks out. Walking out
//! in month `t` gives both `d(t)`; agreement on `x` gives `u(x)`; after a rejection in month
//! `t < T` the game moves to month `t+1` and party `i` values that as `δ_i · V_i(t+1) − c_i(t)`;
//! after a rejection in month `T` (the deadline) both get `d(T)`. The subgame-perfect equilibrium
//! follows by backward induction from `T`. The responder accepts `x` when `u_r(x)` is at least
//! `R_r(t) = max(d_r(t), C_r(t))`, its best rejection; the proposer offers the package that
//! maximises `u_p` subject to that, which lies on the unrestricted Pareto frontier (a frontier
//! point weakly dominating the optimum also satisfies the constraint), so only the frontier is
//! searched; it agrees when that beats both walking out and a rejected offer. Ties go to
//! agreement, and a responder indifferent between walking out and continuing continues.
//!
//! **Red lines** (`hard = true` in `[[time.audience_costs]]`, [`binding_red_lines`]): a package
//! across a bargaining party's red line is never signed, so the table's solutions in month `t`
//! are sought among the frontier points that cross no line binding in `t` (a lever with factor
//! 0 lifts a line), and the game's offers among those that cross no line binding in any month
//! (the game has one set of offers for the whole horizon). These points form a frontier of
//! their own because [`Prepared`] adds the frontier of the packages that cross no red line to
//! the candidates. Finite audience costs, beliefs and enforcement are the settlement forecast's
//! (`fighting`).
//!
//! # Assumptions
//! Utilities are the additive package utilities of [`crate::bargain::from_scenario`] (grid step,
//! loss shape and parties from [`DynamicsConfig::package`]); all parties know all numbers
//! (complete information); the status quo and costs follow the levers exactly, without
//! uncertainty; a lever is a what-if, applied only when named in [`DynamicsConfig::levers`].
//! Capability enters only the weighted Nash product, not the alternating-offers game, whose
//! outcome depends only on discount factors, costs and disagreement values.
//!
//! # Parameters
//! [`DynamicsConfig`]: package config, Nash weights (capability by default), horizon override,
//! levers to apply, first proposer, frontier limit, tie tolerance. The scenario's `[time]`
//! section gives drift, costs, discount factors and levers; without one, nothing moves.
//!
//! # References
//! Rubinstein, A. (1982), "Perfect equilibrium in a bargaining model", *Econometrica* 50(1).
//! Ståhl, I. (1972), *Bargaining Theory* (the finite-horizon game). Binmore, K., Shaked, A.,
//! Sutton, J. (1989), "An outside option experiment", *QJE* 104(4) (outside options bind only when
//! better than continuing). Zartman, I. W. (2000), "Ripeness: the hurting stalemate and beyond",
//! in *International Conflict Resolution after the Cold War* (the ripeness idea). Fearon, J. D.
//! (1995), "Rationalist explanations for war", *International Organization* 49(3) (costs of
//! fighting create a bargaining range).
//!
//! The [`fighting`] submodule drops the complete-information assumption: parties with their own
//! beliefs about the front, learning while fighting, audience costs and enforcement, one Monte
//! Carlo trial at a time.

pub mod fighting;

use detente_core::{ActorIndex, EffectKind, Scenario, Time};
use serde::Serialize;
use thiserror::Error;

use crate::bargain::frontier::{FrontierConfig, FrontierPoint, unrestricted_frontier};
use crate::bargain::solution::{egalitarian, kalai_smorodinsky, nash, utilitarian};
use crate::bargain::{
    BargainError, Frontier, KsRule, Loss, NashWeights, Package, PackageConfig, Problem, Solution,
    from_scenario, from_scenario_consenting,
};
use crate::stop::StopFlag;

/// Tolerance for "gains by waiting" and for ties in the game, in utility points.
const TOL: f64 = 1e-12;

/// Everything that can go wrong in a dynamics run.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum DynamicsError {
    /// Building the package problem failed.
    #[error(transparent)]
    Bargain(#[from] BargainError),
    /// A lever id names no lever of the scenario.
    #[error("unknown lever `{id}`; the scenario's levers are: {known}")]
    UnknownLever {
        /// The id given.
        id: String,
        /// The ids the scenario declares.
        known: String,
    },
    /// The first proposer is not one of the bargaining parties.
    #[error("first proposer `{id}` is not one of the bargaining parties ({parties})")]
    UnknownProposer {
        /// The id given.
        id: String,
        /// The parties.
        parties: String,
    },
    /// A `[[time.decisive]]` entry names an actor that is not a bargaining party.
    #[error("decisive hazard of `{id}`: not one of the bargaining parties ({parties})")]
    DecisiveNotParty {
        /// The actor id.
        id: String,
        /// The parties.
        parties: String,
    },
    /// A `[[time.vetoes]]` ally backs an actor that is not among the bargaining parties.
    #[error(
        "the veto of `{ally}` backs `{backs}`, which is not one of the bargaining parties ({parties}); give `--parties` that include `{backs}`, or change the veto's `backs`"
    )]
    VetoBacksNoParty {
        /// The ally's id.
        ally: String,
        /// The id it backs.
        backs: String,
        /// The parties.
        parties: String,
    },
    /// The scenario's `[[time.events]]` are false of every trial of the settlement forecast.
    #[error(
        "no trial of {trials} is consistent with the scenario's events; nothing was stored. Check the events, or run more trials (`--trials`) or with more uncertainty (`--rate-noise`)"
    )]
    NoTrialFitsEvents {
        /// Trials run.
        trials: u64,
    },
    /// The horizon is outside `1..=600` months.
    #[error("horizon of {months} months is outside 1..=600")]
    Horizon {
        /// The months asked for.
        months: u32,
    },
    /// The caller raised the run's [`crate::stop::StopFlag`] before it finished; there is no
    /// result.
    #[error("the run was stopped before it finished")]
    Stopped,
}

/// Options of [`delay`] and [`levers`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DynamicsConfig {
    /// Grid, loss shape and parties of the package problem.
    pub package: PackageConfig,
    /// Exponents of the Nash product (default: capability, scaled by levers).
    pub nash_weights: NashWeights,
    /// Kalai-Smorodinsky rule.
    pub ks_rule: KsRule,
    /// Months to model instead of the scenario's horizon.
    pub months: Option<u32>,
    /// Lever ids to apply (the baseline applies none).
    pub levers: Vec<String>,
    /// Party id that proposes in month 0 of the alternating-offers game (default: the first).
    pub first_proposer: Option<String>,
    /// Limits of the frontier search.
    pub frontier: FrontierConfig,
    /// Raised by the caller to end the run early (a server request past its deadline, or whose
    /// client left): checked before every month of [`delay`] and so of every lever variant of
    /// [`levers`], which then return [`DynamicsError::Stopped`]. Never raised by default; not
    /// part of the options a result records.
    #[serde(skip)]
    pub stop: StopFlag,
}

impl Default for DynamicsConfig {
    fn default() -> Self {
        Self {
            package: PackageConfig::default(),
            nash_weights: NashWeights::PartyWeights,
            ks_rule: KsRule::MaxMinRatio,
            months: None,
            levers: Vec::new(),
            first_proposer: None,
            frontier: FrontierConfig::default(),
            stop: StopFlag::default(),
        }
    }
}

/// A package with its values and what it gives each party.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deal {
    /// The package (value index per issue).
    pub package: Package,
    /// The value on each issue's scale, in issue order.
    pub values: Vec<f64>,
    /// Utilities, in party order.
    pub utilities: Vec<f64>,
    /// Gains over the month's disagreement value, `u_i − d_i(t)`.
    pub gains: Vec<f64>,
}

/// One month of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Month {
    /// Month number, 0 = the scenario's date.
    pub month: u32,
    /// Status quo `SQ(t)` on each issue's scale, in issue order.
    pub status_quo: Vec<f64>,
    /// Each party's utility of `SQ(t)`.
    pub status_quo_utility: Vec<f64>,
    /// Each party's cost of continuing this month, `c_i(t)`.
    pub cost: Vec<f64>,
    /// Disagreement values `d_i(t) = u_i(SQ(t)) − c_i(t)`.
    pub disagreement: Vec<f64>,
    /// Whether some package gives every party strictly more than `d_i(t)`.
    pub zone: bool,
    /// Packages on the Pareto frontier that every party weakly prefers to `d(t)`.
    pub rational_frontier: usize,
    /// Nash solution (`None` when no package is individually rational).
    pub nash: Option<Deal>,
    /// Kalai-Smorodinsky solution.
    pub kalai_smorodinsky: Option<Deal>,
    /// Egalitarian solution.
    pub egalitarian: Option<Deal>,
    /// Utilitarian solution.
    pub utilitarian: Option<Deal>,
    /// Cost of delay per party, `None` without a Nash deal this month.
    pub cost_of_delay: Option<Vec<f64>>,
    /// Zone non-empty and no party gains by waiting.
    pub ripe: bool,
}

/// How the alternating-offers game ends.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum GameOutcome {
    /// A package is agreed in `month`.
    Agreement {
        /// The month of agreement.
        month: u32,
        /// Index into the frontier points the game was given.
        point: usize,
        /// Utilities of the package, in party order.
        utilities: Vec<f64>,
    },
    /// Talks end without a deal in `month`; both get `d(month)`.
    Breakdown {
        /// The month talks end.
        month: u32,
        /// `d(month)`, in party order.
        utilities: Vec<f64>,
    },
}

/// One month of the game's equilibrium strategies (also off the equilibrium path).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GameMonth {
    /// Month number.
    pub month: u32,
    /// Index of the proposing party.
    pub proposer: usize,
    /// The least the responder accepts, `max(d_r(t), C_r(t))`.
    pub responder_threshold: f64,
    /// The proposer's best acceptable offer (frontier index), if any package is acceptable.
    pub offer: Option<usize>,
    /// Whether the offer is made and accepted in equilibrium when talks reach this month.
    pub agreed: bool,
    /// Equilibrium value of the subgame starting this month, in this month's utility points.
    pub value: Vec<f64>,
}

/// Inputs of the game, month by month, for two parties.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GameInput {
    /// Disagreement values per month, `d[t][i]`, months `0..=T`.
    pub disagreement: Vec<[f64; 2]>,
    /// Monthly costs per month, `c[t][i]`, months `0..=T`.
    pub cost: Vec<[f64; 2]>,
    /// Monthly discount factors per party, in `(0, 1]`.
    pub discount: [f64; 2],
    /// Index (0 or 1) of the month-0 proposer.
    pub first_proposer: usize,
}

/// The subgame-perfect equilibrium of the alternating-offers game.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Game {
    /// How the game ends on the equilibrium path.
    pub outcome: GameOutcome,
    /// Strategies month by month.
    pub months: Vec<GameMonth>,
}

/// The game's result for a scenario, with the package spelled out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spe {
    /// Party id of the month-0 proposer.
    pub first_proposer: String,
    /// Month of agreement or breakdown.
    pub month: u32,
    /// The agreed package, `None` on breakdown.
    pub deal: Option<Deal>,
    /// Each party's utility of the outcome, in utility points of that month.
    pub utilities: Vec<f64>,
    /// Month-by-month strategies.
    pub game: Game,
}

/// Result of [`delay`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DelayReport {
    /// Party ids, in the order of every per-party vector.
    pub parties: Vec<String>,
    /// Issue ids, in the order of every per-issue vector.
    pub issues: Vec<String>,
    /// Months modelled: `0..=horizon`.
    pub horizon: u32,
    /// Lever ids applied.
    pub levers: Vec<String>,
    /// Discount factor per party.
    pub discount: Vec<f64>,
    /// Months `0..=horizon`.
    pub months: Vec<Month>,
    /// First ripe month, if any within the horizon.
    pub ripeness: Option<u32>,
    /// Alternating-offers equilibrium (two parties only).
    pub spe: Option<Spe>,
    /// Remarks for readers (e.g. why there is no game).
    pub notes: Vec<String>,
}

/// The frontier and party data shared by every lever variant of a scenario.
#[derive(Debug, Clone)]
pub struct Prepared {
    problem: Problem,
    frontier: Vec<FrontierPoint>,
    actors: Vec<ActorIndex>,
    /// Per party, per issue: `(weight, position)` when it takes one.
    stances: Vec<Vec<Option<(f64, f64)>>>,
    /// Per issue: the status quo of month 0 when the package scope holds the issue there.
    held: Vec<Option<f64>>,
    loss: Loss,
    /// How many of `actors` bargain; the rest are veto allies (the settlement forecast only).
    parties: usize,
    /// For each veto ally (`actors[parties..]`), the index of the party it backs.
    backs: Vec<usize>,
}

impl Prepared {
    /// Builds the package problem and its unrestricted Pareto frontier once.
    pub fn new(scenario: &Scenario, config: &DynamicsConfig) -> Result<Self, DynamicsError> {
        Self::build(scenario, config, &[])
    }

    /// [`Prepared::new`] for the settlement forecast ([`fighting`]): the scenario's veto allies
    /// (`[[time.vetoes]]`) join the parties as further utility dimensions, so the frontier is
    /// the Pareto frontier of parties and allies together (a package an ally needs may be
    /// dominated for the parties alone). The package grid stays the parties': an ally consents
    /// to terms, it does not put its own issues on the table. An ally already bargaining (given
    /// in `--parties`) is not added twice. Without vetoes this is [`Prepared::new`].
    pub fn settlement(scenario: &Scenario, config: &DynamicsConfig) -> Result<Self, DynamicsError> {
        let vetoes: Vec<&detente_core::Veto> = scenario
            .time
            .as_ref()
            .map(|t| t.vetoes.iter().collect())
            .unwrap_or_default();
        if vetoes.is_empty() {
            return Self::new(scenario, config);
        }
        let id = |a: detente_core::ActorIndex| {
            scenario
                .actors
                .get(a.0)
                .map_or_else(String::new, |a| a.id.clone())
        };
        Self::build(
            scenario,
            config,
            &vetoes
                .iter()
                .map(|v| (id(v.actor), id(v.backs)))
                .collect::<Vec<_>>(),
        )
    }

    fn build(
        scenario: &Scenario,
        config: &DynamicsConfig,
        vetoes: &[(String, String)],
    ) -> Result<Self, DynamicsError> {
        // A deal here is a final settlement: procedural issues are held too. Red lines stay on
        // the grid: a lever can lift one during the months modelled, so the table below and the
        // settlement forecast (`fighting`) apply them month by month.
        let package = PackageConfig {
            scope: config.package.scope.settlement(),
            red_lines: false,
            ..config.package.clone()
        };
        let consenting: Vec<String> = vetoes.iter().map(|(a, _)| a.clone()).collect();
        let problem = from_scenario_consenting(scenario, &package, &consenting)?;
        let parties = if consenting.is_empty() {
            problem.parties().len()
        } else {
            from_scenario(scenario, &package)?.parties().len()
        };
        let names: Vec<&str> = problem.parties().iter().map(|p| p.name.as_str()).collect();
        let backs = vetoes
            .iter()
            .filter(|(a, _)| names[..parties].iter().all(|p| p != a))
            .map(|(a, b)| {
                names[..parties].iter().position(|p| p == b).ok_or_else(|| {
                    DynamicsError::VetoBacksNoParty {
                        ally: a.clone(),
                        backs: b.clone(),
                        parties: names[..parties].join(", "),
                    }
                })
            })
            .collect::<Result<Vec<usize>, _>>()?;
        let mut frontier = unrestricted_frontier(&problem, &config.frontier)?;
        let mut actors = Vec::new();
        let mut stances = Vec::new();
        for party in problem.parties() {
            let actor =
                scenario
                    .actor_index(&party.name)
                    .ok_or_else(|| BargainError::UnknownParty {
                        id: party.name.clone(),
                    })?;
            actors.push(actor);
            // A scenario's parties are additive (`from_scenario`); no weights means no stance.
            let weights = party.utility.additive().map_or(&[][..], |u| &u.weights);
            stances.push(
                scenario
                    .issues
                    .iter()
                    .zip(weights)
                    .map(|(issue, w)| issue.position_of(actor).map(|p| (*w, p.position)))
                    .collect(),
            );
        }
        // Red lines: the frontier of the packages that cross none of them joins the candidates,
        // so that the best package a binding red line allows is among them even when packages
        // across the line dominate it.
        if let Some(time) = &scenario.time {
            let lines: Vec<&detente_core::AudienceCost> = time
                .audience_costs
                .iter()
                .filter(|c| c.hard && actors.contains(&c.actor))
                .collect();
            if !lines.is_empty() {
                let keep: Vec<Vec<bool>> = problem
                    .domain()
                    .issues()
                    .iter()
                    .enumerate()
                    .map(|(k, issue)| {
                        issue
                            .values
                            .iter()
                            .map(|v| {
                                let x = v.number.unwrap_or(f64::NAN);
                                !lines.iter().any(|c| c.issue.0 == k && c.crossed(x))
                            })
                            .collect()
                    })
                    .collect();
                if keep.iter().all(|k| k.iter().any(|&b| b)) {
                    let (inside, kept) = problem.restrict(&keep)?;
                    let known: std::collections::BTreeSet<Vec<usize>> =
                        frontier.iter().map(|p| p.package.0.clone()).collect();
                    for point in unrestricted_frontier(&inside, &config.frontier)? {
                        let package: Vec<usize> = point
                            .package
                            .0
                            .iter()
                            .zip(&kept)
                            .map(|(&v, kept)| kept.get(v).copied().unwrap_or(0))
                            .collect();
                        if !known.contains(&package) {
                            frontier.push(FrontierPoint {
                                package: Package(package),
                                utilities: point.utilities,
                            });
                        }
                    }
                }
            }
        }
        let held = scenario
            .issues
            .iter()
            .zip(problem.domain().issues())
            .map(|(issue, grid)| (grid.values.len() == 1).then_some(issue.status_quo))
            .collect();
        Ok(Self {
            problem,
            frontier,
            actors,
            stances,
            held,
            loss: config.package.loss,
            parties,
            backs,
        })
    }

    /// The package problem.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// How many of the problem's parties bargain; the rest (from [`Prepared::settlement`])
    /// are veto allies whose consent a deal needs.
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// The Pareto frontier of all packages.
    pub fn frontier(&self) -> &[FrontierPoint] {
        &self.frontier
    }

    /// Party `i`'s utility of the (possibly off-grid) point `values`, one value per issue, with
    /// the same weights, loss and summation order as the package utilities. An issue the
    /// package scope holds at its status quo is valued there whatever `values` says: what
    /// others decide on it happens with a deal or without one, so it moves no comparison.
    pub fn utility_at(&self, scenario: &Scenario, i: usize, values: &[f64]) -> f64 {
        let mut sum = 0.0;
        for (((stance, issue), x), held) in self.stances[i]
            .iter()
            .zip(&scenario.issues)
            .zip(values)
            .zip(&self.held)
        {
            let x = held.as_ref().unwrap_or(x);
            let (w, e) = match stance {
                Some((w, x_i)) => {
                    let dist = (x - x_i).abs() / issue.scale.width();
                    let e = match self.loss {
                        Loss::Linear => 1.0 - dist,
                        Loss::Quadratic => 1.0 - dist * dist,
                    };
                    (*w, e)
                }
                None => (0.0, 1.0),
            };
            sum += w * e;
        }
        sum
    }

    fn deal(&self, package: &Package, utilities: &[f64], d: &[f64]) -> Deal {
        let values = self
            .problem
            .domain()
            .issues()
            .iter()
            .zip(&package.0)
            .map(|(issue, &v)| {
                issue
                    .values
                    .get(v)
                    .and_then(|x| x.number)
                    .unwrap_or(f64::NAN)
            })
            .collect();
        Deal {
            package: package.clone(),
            values,
            utilities: utilities.to_vec(),
            gains: utilities.iter().zip(d).map(|(u, d)| u - d).collect(),
        }
    }
}

/// Each issue's status quo in months `0..=last` with no deal: the drifts of `time` (each toward
/// its cap, then held) and the `effects` of the levers pulled (moves, new rates, stops), clamped to
/// each scale. The mean path: the front's monthly noise (`sd`) is the settlement forecast's.
pub fn status_quo_path(
    scenario: &Scenario,
    time: &Time,
    effects: &[&detente_core::Effect],
    last: u32,
) -> Vec<Vec<f64>> {
    let n_issues = scenario.issues.len();
    let moved = |k: usize, t: u32| -> f64 {
        effects
            .iter()
            .filter(|e| e.from == t)
            .map(|e| match e.kind {
                EffectKind::MoveStatusQuo { issue, points } if issue.0 == k => points,
                _ => 0.0,
            })
            .sum()
    };
    let mut x: Vec<f64> = (0..n_issues)
        .map(|k| {
            let issue = &scenario.issues[k];
            issue.scale.clamp(issue.status_quo + moved(k, 0))
        })
        .collect();
    let mut status_quo = Vec::with_capacity(last as usize + 1);
    for t in 0..=last {
        status_quo.push(x.clone());
        for (k, xk) in x.iter_mut().enumerate() {
            let issue = &scenario.issues[k];
            let base = time.drift.iter().find(|d| d.issue.0 == k);
            let mut rate = base.map_or(0.0, |d| d.per_month);
            let mut stopped = false;
            for e in effects.iter().filter(|e| e.active(t)) {
                match e.kind {
                    EffectKind::DriftRate { issue, per_month } if issue.0 == k => rate = per_month,
                    EffectKind::StopDrift { issue } if issue.is_none_or(|i| i.0 == k) => {
                        stopped = true;
                    }
                    _ => {}
                }
            }
            if stopped {
                rate = 0.0;
            }
            let cap = base.and_then(|d| d.cap);
            let stepped = match cap {
                Some(cap) if rate > 0.0 => {
                    if *xk < cap {
                        (*xk + rate).min(cap)
                    } else {
                        *xk
                    }
                }
                Some(cap) if rate < 0.0 => {
                    if *xk > cap {
                        (*xk + rate).max(cap)
                    } else {
                        *xk
                    }
                }
                _ => *xk + rate,
            };
            *xk = issue.scale.clamp(stepped + moved(k, t + 1));
        }
    }
    status_quo
}

/// The month-by-month state the levers produce, before any bargaining.
struct Path {
    status_quo: Vec<Vec<f64>>,
    cost: Vec<Vec<f64>>,
    capability: Vec<Vec<f64>>,
}

fn path(
    scenario: &Scenario,
    time: &Time,
    prepared: &Prepared,
    levers: &[&detente_core::Lever],
    last: u32,
) -> Path {
    let effects: Vec<&detente_core::Effect> =
        levers.iter().flat_map(|l| l.effects.iter()).collect();
    let status_quo = status_quo_path(scenario, time, &effects, last);
    let mut cost = Vec::with_capacity(last as usize + 1);
    let mut capability = Vec::with_capacity(last as usize + 1);
    for t in 0..=last {
        let mut c = Vec::new();
        let mut w = Vec::new();
        for (i, &actor) in prepared.actors.iter().enumerate() {
            let mut ci = time.actor(actor).map_or(0.0, |a| a.cost_per_month);
            let mut wi = prepared.problem.parties()[i].weight;
            for e in effects.iter().filter(|e| e.active(t)) {
                match e.kind {
                    EffectKind::AddCost {
                        actor: a,
                        per_month,
                    } if a == actor => ci += per_month,
                    EffectKind::ScaleCapability { actor: a, factor } if a == actor => wi *= factor,
                    _ => {}
                }
            }
            c.push(ci);
            w.push(wi);
        }
        cost.push(c);
        capability.push(w);
    }
    Path {
        status_quo,
        cost,
        capability,
    }
}

/// The month-by-month table, the ripeness month and the alternating-offers equilibrium.
pub fn delay(scenario: &Scenario, config: &DynamicsConfig) -> Result<DelayReport, DynamicsError> {
    let prepared = Prepared::new(scenario, config)?;
    delay_prepared(scenario, &prepared, config)
}

/// The horizon `config` asks for (or the scenario's) and the levers it names, checked: the
/// horizon within `1..=MAX_HORIZON`, every lever id one of the scenario's.
pub(crate) fn horizon_and_levers<'t>(
    time: &'t Time,
    config: &DynamicsConfig,
) -> Result<(u32, Vec<&'t detente_core::Lever>), DynamicsError> {
    let horizon = config.months.unwrap_or(time.horizon);
    if !(1..=detente_core::MAX_HORIZON).contains(&horizon) {
        return Err(DynamicsError::Horizon { months: horizon });
    }
    let levers = config
        .levers
        .iter()
        .map(|id| {
            time.lever(id).ok_or_else(|| DynamicsError::UnknownLever {
                id: id.clone(),
                known: if time.levers.is_empty() {
                    "none".to_owned()
                } else {
                    time.levers
                        .iter()
                        .map(|l| l.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((horizon, levers))
}

/// The red lines (`hard` audience costs) of the bargaining parties that bind in month `t`:
/// before their `until`, and not lifted by an active `scale-audience-cost` lever with factor 0
/// on the party (and issue).
pub fn binding_red_lines<'t>(
    time: &'t Time,
    prepared: &Prepared,
    levers: &[&detente_core::Lever],
    t: u32,
) -> Vec<&'t detente_core::AudienceCost> {
    time.audience_costs
        .iter()
        .filter(|c| c.hard && prepared.actors.contains(&c.actor) && c.at(t).is_infinite())
        .filter(|c| {
            !levers.iter().flat_map(|l| l.effects.iter()).any(|e| {
                e.active(t)
                    && matches!(e.kind, EffectKind::ScaleAudienceCost { actor, issue, factor }
                        if actor == c.actor && issue.is_none_or(|i| i == c.issue) && factor == 0.0)
            })
        })
        .collect()
}

/// [`delay`] on a problem already prepared (so lever variants share one frontier search).
pub fn delay_prepared(
    scenario: &Scenario,
    prepared: &Prepared,
    config: &DynamicsConfig,
) -> Result<DelayReport, DynamicsError> {
    let default_time = Time::default();
    let time = scenario.time.as_ref().unwrap_or(&default_time);
    let (horizon, levers) = horizon_and_levers(time, config)?;
    let parties: Vec<String> = prepared
        .problem
        .parties()
        .iter()
        .map(|p| p.name.clone())
        .collect();
    let first_proposer =
        match &config.first_proposer {
            None => 0,
            Some(id) => parties.iter().position(|p| p == id).ok_or_else(|| {
                DynamicsError::UnknownProposer {
                    id: id.clone(),
                    parties: parties.join(", "),
                }
            })?,
        };
    // One month past the horizon, so the last month's cost of delay has a next month.
    let last = horizon + 1;
    let path = path(scenario, time, prepared, &levers, last);
    let n = parties.len();
    let discount: Vec<f64> = prepared
        .actors
        .iter()
        .map(|&a| time.actor(a).map_or(1.0, |a| a.discount))
        .collect();

    // Red lines bind here too: a package across a line that binds in the month is not signed.
    // The issue values of every frontier point, read only when the scenario has red lines.
    let has_lines = time.audience_costs.iter().any(|c| c.hard);
    let values: Vec<Vec<f64>> = if has_lines {
        prepared
            .frontier
            .iter()
            .map(|p| prepared.deal(&p.package, &p.utilities, &[]).values)
            .collect()
    } else {
        Vec::new()
    };
    let crosses = |q: usize, lines: &[&detente_core::AudienceCost]| {
        lines.iter().any(|c| {
            values
                .get(q)
                .and_then(|v| v.get(c.issue.0))
                .is_some_and(|&x| c.crossed(x))
        })
    };
    let mut months: Vec<Month> = Vec::with_capacity(last as usize + 1);
    for t in 0..=last {
        if config.stop.is_raised() {
            return Err(DynamicsError::Stopped);
        }
        let sq = &path.status_quo[t as usize];
        let cost = &path.cost[t as usize];
        let sq_u: Vec<f64> = (0..n)
            .map(|i| prepared.utility_at(scenario, i, sq))
            .collect();
        let d: Vec<f64> = sq_u.iter().zip(cost).map(|(u, c)| u - c).collect();
        let lines = if has_lines {
            binding_red_lines(time, prepared, &levers, t)
        } else {
            Vec::new()
        };
        let points: Vec<FrontierPoint> = prepared
            .frontier
            .iter()
            .enumerate()
            .filter(|(q, p)| {
                p.utilities.iter().zip(&d).all(|(u, d)| u >= d) && !crosses(*q, &lines)
            })
            .map(|(_, p)| p.clone())
            .collect();
        let zone = points
            .iter()
            .any(|p| p.utilities.iter().zip(&d).all(|(u, d)| u > d));
        let ideal = (0..n)
            .map(|i| points.iter().map(|p| p.utilities[i]).fold(d[i], f64::max))
            .collect();
        let frontier = Frontier {
            points,
            disagreement: d.clone(),
            ideal,
            candidates: 0,
        };
        let weights: Vec<f64> = match config.nash_weights {
            NashWeights::Equal => vec![1.0; n],
            NashWeights::PartyWeights => {
                let w = &path.capability[t as usize];
                let mean = w.iter().sum::<f64>() / n as f64;
                w.iter().map(|x| x / mean).collect()
            }
        };
        let as_deal = |s: Option<Solution>| s.map(|s| prepared.deal(&s.package, &s.utilities, &d));
        months.push(Month {
            month: t,
            status_quo: sq.clone(),
            status_quo_utility: sq_u.clone(),
            cost: cost.clone(),
            disagreement: d.clone(),
            zone,
            rational_frontier: frontier.points.len(),
            nash: as_deal(nash(&frontier, &weights, TOL)),
            kalai_smorodinsky: as_deal(kalai_smorodinsky(&frontier, config.ks_rule, TOL)),
            egalitarian: as_deal(egalitarian(&frontier, TOL)),
            utilitarian: as_deal(utilitarian(&frontier, TOL)),
            cost_of_delay: None,
            ripe: false,
        });
    }
    for t in 0..last as usize {
        let Some(now) = months[t].nash.as_ref().map(|n| n.utilities.clone()) else {
            continue;
        };
        let next = &months[t + 1];
        let wait: Vec<f64> = match (&next.nash, next.zone) {
            (Some(deal), true) => deal.utilities.clone(),
            _ => next.status_quo_utility.clone(),
        };
        let cod: Vec<f64> = (0..n)
            .map(|i| now[i] - (discount[i] * wait[i] - months[t].cost[i]))
            .collect();
        months[t].ripe = months[t].zone && cod.iter().all(|c| *c >= -TOL);
        months[t].cost_of_delay = Some(cod);
    }
    months.truncate(horizon as usize + 1);
    let ripeness = months.iter().find(|m| m.ripe).map(|m| m.month);

    let mut notes = Vec::new();
    let spe = if n == 2 {
        let input = GameInput {
            disagreement: months
                .iter()
                .map(|m| [m.disagreement[0], m.disagreement[1]])
                .collect(),
            cost: months.iter().map(|m| [m.cost[0], m.cost[1]]).collect(),
            discount: [discount[0], discount[1]],
            first_proposer,
        };
        // The game's offers avoid every red line that binds in some month of the horizon (the
        // game has one set of offers for all months; a line a lever lifts later still binds).
        let game_points: Vec<FrontierPoint> = if has_lines {
            let lines: Vec<&detente_core::AudienceCost> = (0..=horizon)
                .flat_map(|t| binding_red_lines(time, prepared, &levers, t))
                .collect();
            prepared
                .frontier
                .iter()
                .enumerate()
                .filter(|(q, _)| !crosses(*q, &lines))
                .map(|(_, p)| p.clone())
                .collect()
        } else {
            prepared.frontier.clone()
        };
        let game = alternating_offers(&game_points, &input);
        let (month, deal, utilities) = match &game.outcome {
            GameOutcome::Agreement {
                month,
                point,
                utilities,
            } => {
                let p = &game_points[*point];
                let d = &months[*month as usize].disagreement;
                (
                    *month,
                    Some(prepared.deal(&p.package, &p.utilities, d)),
                    utilities.clone(),
                )
            }
            GameOutcome::Breakdown { month, utilities } => (*month, None, utilities.clone()),
        };
        Some(Spe {
            first_proposer: parties[first_proposer].clone(),
            month,
            deal,
            utilities,
            game,
        })
    } else {
        notes.push(format!(
            "the alternating-offers game is defined for two parties; this run has {n}"
        ));
        None
    };

    Ok(DelayReport {
        parties,
        issues: scenario.issues.iter().map(|i| i.id.clone()).collect(),
        horizon,
        levers: config.levers.clone(),
        discount,
        months,
        ripeness,
        spe,
        notes,
    })
}

/// Subgame-perfect equilibrium of the two-party alternating-offers game with a deadline, by
/// backward induction over `points` (the Pareto frontier of the package space, two utilities
/// each). Months run `0..=T` with `T = input.disagreement.len() - 1`; see the module docs for the
/// rules.
pub fn alternating_offers(points: &[FrontierPoint], input: &GameInput) -> Game {
    let t_max = input.disagreement.len().saturating_sub(1);
    let mut months: Vec<GameMonth> = Vec::with_capacity(t_max + 1);
    // Outcome of the subgame from each month, filled backward.
    let mut outcomes: Vec<Option<GameOutcome>> = vec![None; t_max + 1];
    let mut next_value: Option<[f64; 2]> = None;
    for t in (0..=t_max).rev() {
        let p = if t % 2 == 0 {
            input.first_proposer.min(1)
        } else {
            1 - input.first_proposer.min(1)
        };
        let r = 1 - p;
        let d = input.disagreement[t];
        let c = input.cost[t];
        // What each party gets if this month's offer is rejected and talks go on.
        let cont: [f64; 2] = match next_value {
            None => d,
            Some(v) => [
                input.discount[0] * v[0] - c[0],
                input.discount[1] * v[1] - c[1],
            ],
        };
        // The responder walks out only when that is strictly better than going on.
        let responder_walks = d[r] > cont[r];
        let rejected = if responder_walks { d } else { cont };
        let threshold = rejected[r];
        let offer = points
            .iter()
            .enumerate()
            .filter(|(_, q)| q.utilities[r] >= threshold - TOL)
            .max_by(|(_, a), (_, b)| {
                a.utilities[p]
                    .total_cmp(&b.utilities[p])
                    .then(b.utilities[r].total_cmp(&a.utilities[r]).reverse())
            })
            .map(|(k, _)| k);
        let best_alternative = d[p].max(rejected[p]);
        let (value, outcome, agreed) = match offer {
            Some(k) if points[k].utilities[p] >= best_alternative - TOL => {
                let u = [points[k].utilities[0], points[k].utilities[1]];
                (
                    u,
                    GameOutcome::Agreement {
                        month: t as u32,
                        point: k,
                        utilities: u.to_vec(),
                    },
                    true,
                )
            }
            _ if d[p] >= rejected[p] || responder_walks || next_value.is_none() => (
                d,
                GameOutcome::Breakdown {
                    month: t as u32,
                    utilities: d.to_vec(),
                },
                false,
            ),
            _ => {
                let later =
                    outcomes
                        .get(t + 1)
                        .cloned()
                        .flatten()
                        .unwrap_or(GameOutcome::Breakdown {
                            month: t as u32,
                            utilities: d.to_vec(),
                        });
                (cont, later, false)
            }
        };
        outcomes[t] = Some(outcome);
        months.push(GameMonth {
            month: t as u32,
            proposer: p,
            responder_threshold: threshold,
            offer,
            agreed,
            value: value.to_vec(),
        });
        next_value = Some(value);
    }
    months.reverse();
    let outcome = outcomes
        .first()
        .cloned()
        .flatten()
        .unwrap_or(GameOutcome::Breakdown {
            month: 0,
            utilities: input
                .disagreement
                .first()
                .map_or(vec![0.0, 0.0], |d| d.to_vec()),
        });
    Game { outcome, months }
}

/// One run of [`levers`]: a set of levers and what it produces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    /// Lever ids applied (empty for the baseline).
    pub levers: Vec<String>,
    /// First ripe month.
    pub ripeness: Option<u32>,
    /// Month whose Nash deal is compared: the ripeness month, or the horizon when never ripe.
    pub deal_month: u32,
    /// The Nash deal of `deal_month`.
    pub deal: Option<Deal>,
    /// Nash deal of month 0.
    pub deal_now: Option<Deal>,
    /// Nash deal of the last month (the horizon), if talks drag on to the end.
    pub deal_end: Option<Deal>,
    /// Alternating-offers equilibrium.
    pub spe: Option<Spe>,
    /// Ripeness month minus the baseline's (months; a never-ripe run counts as horizon + 1).
    pub ripeness_shift: i64,
    /// Change in each party's utility of `deal` against the baseline's deal.
    pub utility_shift: Vec<f64>,
    /// Change in each party's utility of `deal_end` against the baseline's.
    pub utility_shift_end: Vec<f64>,
    /// Change in each party's equilibrium utility in the alternating-offers game.
    pub spe_shift: Vec<f64>,
}

/// Result of [`levers`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeversReport {
    /// Party ids.
    pub parties: Vec<String>,
    /// Issue ids.
    pub issues: Vec<String>,
    /// Months modelled.
    pub horizon: u32,
    /// Names of the levers, by id, in file order.
    pub lever_names: Vec<(String, String)>,
    /// No levers applied.
    pub baseline: Variant,
    /// Each lever alone and each pair, largest effect first: by the size of the ripeness shift,
    /// then by the summed absolute utility shift of the deal when ripe, then of the deal in the
    /// last month, then of the game's outcome.
    pub variants: Vec<Variant>,
}

/// The baseline against each lever of the scenario and each pair of levers.
pub fn levers(scenario: &Scenario, config: &DynamicsConfig) -> Result<LeversReport, DynamicsError> {
    let prepared = Prepared::new(scenario, config)?;
    let ids: Vec<String> = scenario
        .time
        .as_ref()
        .map(|t| t.levers.iter().map(|l| l.id.clone()).collect())
        .unwrap_or_default();
    let run = |set: Vec<String>| -> Result<DelayReport, DynamicsError> {
        let config = DynamicsConfig {
            levers: set,
            ..config.clone()
        };
        delay_prepared(scenario, &prepared, &config)
    };
    let base = run(Vec::new())?;
    let horizon = base.horizon;
    let summarise = |report: DelayReport| -> Variant {
        let deal_month = report.ripeness.unwrap_or(horizon);
        Variant {
            deal: report.months[deal_month as usize].nash.clone(),
            deal_now: report.months[0].nash.clone(),
            deal_end: report.months.last().and_then(|m| m.nash.clone()),
            levers: report.levers,
            ripeness: report.ripeness,
            deal_month,
            spe: report.spe,
            ripeness_shift: 0,
            utility_shift: Vec::new(),
            utility_shift_end: Vec::new(),
            spe_shift: Vec::new(),
        }
    };
    let baseline = summarise(base);
    let mut sets: Vec<Vec<String>> = ids.iter().map(|id| vec![id.clone()]).collect();
    for a in 0..ids.len() {
        for b in a + 1..ids.len() {
            sets.push(vec![ids[a].clone(), ids[b].clone()]);
        }
    }
    let ripe_or = |r: Option<u32>| i64::from(r.unwrap_or(horizon + 1));
    let mut variants = Vec::with_capacity(sets.len());
    for set in sets {
        let mut v = summarise(run(set)?);
        v.ripeness_shift = ripe_or(v.ripeness) - ripe_or(baseline.ripeness);
        let n = prepared.problem.parties().len();
        // A deal against none (or none against a deal) has no utility difference to show.
        let shift = |a: Option<&Vec<f64>>, b: Option<&Vec<f64>>| match (a, b) {
            (Some(a), Some(b)) => a.iter().zip(b).map(|(x, y)| x - y).collect(),
            _ => vec![0.0; n],
        };
        v.utility_shift = shift(
            v.deal.as_ref().map(|d| &d.utilities),
            baseline.deal.as_ref().map(|d| &d.utilities),
        );
        v.utility_shift_end = shift(
            v.deal_end.as_ref().map(|d| &d.utilities),
            baseline.deal_end.as_ref().map(|d| &d.utilities),
        );
        v.spe_shift = shift(
            v.spe.as_ref().map(|s| &s.utilities),
            baseline.spe.as_ref().map(|s| &s.utilities),
        );
        variants.push(v);
    }
    let size = |x: &[f64]| x.iter().map(|x| x.abs()).sum::<f64>();
    // Stable sort: equal effects keep file order (singles before pairs).
    variants.sort_by(|a, b| {
        b.ripeness_shift
            .abs()
            .cmp(&a.ripeness_shift.abs())
            .then(size(&b.utility_shift).total_cmp(&size(&a.utility_shift)))
            .then(size(&b.utility_shift_end).total_cmp(&size(&a.utility_shift_end)))
            .then(size(&b.spe_shift).total_cmp(&size(&a.spe_shift)))
    });
    Ok(LeversReport {
        parties: baseline_parties(&prepared),
        issues: scenario.issues.iter().map(|i| i.id.clone()).collect(),
        horizon,
        lever_names: scenario
            .time
            .as_ref()
            .map(|t| {
                t.levers
                    .iter()
                    .map(|l| (l.id.clone(), l.name.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        baseline,
        variants,
    })
}

fn baseline_parties(prepared: &Prepared) -> Vec<String> {
    prepared
        .problem
        .parties()
        .iter()
        .map(|p| p.name.clone())
        .collect()
}
