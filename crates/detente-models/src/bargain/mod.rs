//! Multi-issue package bargaining: outcome spaces, additive utilities, the Pareto frontier,
//! the Nash, Kalai-Smorodinsky, egalitarian and utilitarian solutions, and the zone of agreement.
//!
//! # What it models
//! Parties settle several issues at once as a package (one value per issue), so each can concede
//! on what matters little to it in exchange for gains on what matters much (logrolling). A
//! [`Problem`] is a finite [`Domain`] of issues plus two or more [`Party`]s with additive
//! utilities ([`AdditiveUtility`]); it comes from a detente scenario ([`from_scenario`], issues
//! discretised on a grid), a GENIUS domain folder ([`genius_full::GeniusFolder::to_problem`],
//! what `detente bargain` reads: discrete, integer and real issues; the older discrete-only
//! [`genius::load_folder`] gives the same utilities) or a GeniusWeb one
//! ([`geniusweb::load_folder`]). [`solve`] returns
//! the Pareto frontier of individually rational packages ([`pareto_frontier`]), the four
//! classic bargaining solutions and the zone of possible agreement ([`Zopa`]).
//!
//! # Assumptions
//! Utilities are additive across issues (no interactions) with non-negative weights; each party
//! walks away to its disagreement value, its reservation value if that is at least its minimum
//! utility and the minimum otherwise (the GENIUS/NegMAS convention). Solutions are searched on the
//! finite frontier, not on its convex hull (no lotteries over packages).
//!
//! # Parameters
//! [`PackageConfig`] (grid step, loss shape, parties, reservations) for scenarios;
//! [`SolveConfig`] (frontier size limit, Nash weights, Kalai-Smorodinsky rule, tie tolerance,
//! ZOPA enumeration limit) for the solutions. The frontier search never enumerates the package
//! space: see [`frontier`] for the method and its bound.
//!
//! # References
//! Nash (1950); Kalai and Smorodinsky (1975); Kalai (1977); Raiffa (1982), *The Art and Science
//! of Negotiation*; Baarslag et al. (2013), "Evaluating practical negotiating agents: results and
//! analysis of the 2011 international competition", *Artificial Intelligence* 198 (the GENIUS
//! domains); Mohammad et al., NegMAS (the reference implementation cross-checked in
//! `tests/it/bargain_genius.rs`). Full citations in the submodules.

mod cells;
mod domain;
pub mod frontier;
pub mod genius;
pub mod genius_full;
pub mod geniusweb;
mod scenario;
pub mod solution;
mod utility;

use thiserror::Error;

pub use domain::{Domain, DomainIssue, Package, Value};
pub use frontier::{Frontier, FrontierConfig, FrontierPoint, pareto_frontier};
pub use scenario::{
    Held, Loss, MAX_GRID_POINTS, PackageConfig, Scope, from_scenario, from_scenario_consenting,
    held_issues,
};
pub use solution::{GainRange, KsRule, NashWeights, Solution, Solutions, SolveConfig, Zopa, solve};
pub use utility::{AdditiveUtility, Party, Problem, Rectangle, RectangleUtility, Utility};

/// Everything that can go wrong building or solving a bargaining problem.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum BargainError {
    /// A domain needs at least one issue.
    #[error("the domain has no issues")]
    NoIssues,
    /// An issue needs at least one value.
    #[error("issue `{issue}` has no values")]
    EmptyIssue {
        /// The issue's name.
        issue: String,
    },
    /// Bargaining needs two or more parties.
    #[error("bargaining needs at least two parties, found {found}")]
    TooFewParties {
        /// How many were given.
        found: usize,
    },
    /// A party's utility does not fit the domain or holds a bad number.
    #[error("party `{party}`: {reason}")]
    InvalidUtility {
        /// The party's name.
        party: String,
        /// What is wrong.
        reason: String,
    },
    /// The status-quo package does not fit the domain.
    #[error("the status-quo package does not fit the domain")]
    PackageOutsideDomain,
    /// A party id names no actor (or a reservation names no party).
    #[error(
        "`{id}` is not an actor among the bargaining parties; check the ids in the package config"
    )]
    UnknownParty {
        /// The id given.
        id: String,
    },
    /// A party without any position has no preferences over packages.
    #[error(
        "actor `{party}` takes no position on any issue, so it has no preferences over packages"
    )]
    NoPositions {
        /// The actor id.
        party: String,
    },
    /// The grid step is not a positive number.
    #[error("grid step must be a positive finite number, got {step}")]
    InvalidStep {
        /// The step given.
        step: f64,
    },
    /// The grid step is too small for an issue's scale.
    #[error(
        "issue `{issue}`: a step of {step} gives more than {limit} grid points; use a larger step"
    )]
    GridTooFine {
        /// The issue id.
        issue: String,
        /// The step given.
        step: f64,
        /// Most points allowed.
        limit: usize,
    },
    /// The frontier search hit its size limit.
    #[error(
        "merging issue `{issue}` needs {candidates} partial packages, over the limit of {limit}; \
         raise FrontierConfig::max_candidates or use a coarser grid"
    )]
    TooManyCandidates {
        /// The issue being merged.
        issue: String,
        /// Candidates the step would examine.
        candidates: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A problem with a non-additive party has more cells than the frontier may walk.
    #[error(
        "the non-additive utilities cut the outcome space into {cells} cells, over the limit of \
         {limit}; raise FrontierConfig::max_cells or use a coarser grid for real issues"
    )]
    TooManyCells {
        /// Cells the walk would visit.
        cells: u128,
        /// The configured limit.
        limit: u64,
    },
    /// The caller raised [`FrontierConfig::stop`] before the search finished; there is no
    /// result.
    #[error(
        "stopped before the frontier search finished (the run's time ran out or it was cancelled)"
    )]
    Stopped,
}
