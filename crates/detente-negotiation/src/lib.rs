//! Automated negotiation: software negotiators bargaining over a finite outcome space under the
//! stacked alternating offers protocol, and tournaments that pit strategies against each other.
//!
//! # What it models
//! A negotiation is a finite outcome space ([`OutcomeSpace`], e.g. a GENIUS domain or a detente
//! scenario's package space) and two or more parties, each with [`Preferences`] (a utility per
//! outcome, a reservation value, optionally a discount factor). Each party is played by a
//! [`Negotiator`]; [`protocol::run`] runs the stacked alternating offers protocol between them
//! and returns a [`Session`] (agreement, round, utilities, optional trace).
//! [`tournament::run`] plays every combination of negotiators on several domains, in parallel,
//! and ranks the strategies.
//!
//! # Assumptions
//! Outcomes are enumerated (up to [`space::MAX_OUTCOMES`]), so every utility is precomputed and
//! every negotiator can search its sorted outcome list in O(log n). Negotiators know only their
//! own preferences and the offers they see. Runs with a deadline in rounds are deterministic:
//! the only randomness is a seeded ChaCha generator handed to the random negotiator.
//!
//! # Parameters
//! [`ProtocolConfig`] (deadline, trace); each strategy's own config (see [`strategies`]);
//! [`tournament::TournamentConfig`].
//!
//! # Adding a negotiator
//! Implement [`Negotiator`]: `start` receives the party's preferences before the first round,
//! `act` is called once per round with the standing offer.
//!
//! ```
//! use std::sync::Arc;
//! use detente_negotiation::{Action, Negotiator, Preferences, Setup, State};
//!
//! /// Accepts anything worth at least 0.6 to it, otherwise insists on its best outcome.
//! struct Stubborn {
//!     prefs: Option<Arc<Preferences>>,
//! }
//!
//! impl Negotiator for Stubborn {
//!     fn start(&mut self, setup: &Setup<'_>) {
//!         self.prefs = Some(Arc::clone(setup.preferences));
//!     }
//!     fn act(&mut self, state: &State) -> Action {
//!         let Some(prefs) = &self.prefs else { return Action::End };
//!         match state.standing {
//!             Some(offer) if prefs.utility(offer) >= 0.6 => Action::Accept,
//!             _ => prefs.at_rank(prefs.len() - 1).map_or(Action::End, Action::Offer),
//!         }
//!     }
//! }
//! ```
//!
//! # References
//! Baarslag, T., Hindriks, K., Jonker, C., Kraus, S. and Lin, R. (2012), "The first automated
//! negotiating agents competition (ANAC 2010)", in *New Trends in Agent-Based Complex Automated
//! Negotiations*, Springer. Lin, R. et al. (2014), "Genius: an integrated environment for
//! supporting the design of generic automated negotiators", *Computational Intelligence* 30(1).
//! Mohammad, Y., Nakadai, S. and Greenwald, A., NegMAS (the Python peer compared in `bench/`).

pub mod analysis;
pub mod load;
pub mod protocol;
pub mod session;
pub mod space;
pub mod strategies;
pub mod tournament;

use std::sync::Arc;

use thiserror::Error;

pub use protocol::{Deadline, Ending, ProtocolConfig, Seat, Session, TraceAction, TraceStep};
pub use space::{OutcomeSpace, Preferences};
pub use strategies::AgentSpec;

/// What a negotiator does on its turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Accept the standing offer (an error when none is standing).
    Accept,
    /// Propose this outcome (rejecting the standing offer, if any).
    Offer(usize),
    /// Leave the table: the negotiation ends without agreement.
    End,
}

/// What a negotiator is told before the first round.
#[derive(Debug, Clone, Copy)]
pub struct Setup<'a> {
    /// Its own preferences (clone the `Arc` to keep them).
    pub preferences: &'a Arc<Preferences>,
    /// The outcome space.
    pub space: &'a OutcomeSpace,
    /// Its seat (join order, from 0).
    pub position: usize,
    /// Number of parties.
    pub parties: usize,
    /// The deadline in rounds (`None` for wall-clock deadlines).
    pub rounds: Option<usize>,
}

/// What a negotiator sees on its turn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct State {
    /// Round, from 0.
    pub round: usize,
    /// Relative time in `(0, 1)`.
    pub time: f64,
    /// The standing offer, if any.
    pub standing: Option<usize>,
    /// Who made the standing offer.
    pub proposer: Option<usize>,
}

/// A negotiation strategy. See the crate docs for an example.
pub trait Negotiator: Send {
    /// Called once before the first round.
    fn start(&mut self, setup: &Setup<'_>);
    /// Called once per round.
    fn act(&mut self, state: &State) -> Action;
}

/// Everything that can go wrong setting up or running a negotiation.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum NegotiationError {
    /// The outcome space is too large to enumerate.
    #[error(
        "domain `{domain}` has {size} outcomes, over the limit of {limit}; use a smaller domain or a coarser grid"
    )]
    TooManyOutcomes {
        /// Domain name.
        domain: String,
        /// Its size.
        size: u128,
        /// The limit.
        limit: usize,
    },
    /// The preferences of every party together would hold too many utilities.
    #[error(
        "domain `{domain}` has {outcomes} outcomes and {parties} profiles or parties, {} utilities in all (16 bytes each), over the limit of {limit}; use fewer profiles or a smaller domain",
        outcomes.saturating_mul(*parties)
    )]
    TooManyPreferences {
        /// Domain name.
        domain: String,
        /// Outcomes of its space.
        outcomes: usize,
        /// Profiles or parties.
        parties: usize,
        /// The limit on outcomes × parties.
        limit: usize,
    },
    /// The run was asked to stop before its end.
    #[error("the run was stopped")]
    Stopped,
    /// Preferences that cannot be used.
    #[error("preferences of `{party}`: {reason}")]
    InvalidPreferences {
        /// Party name.
        party: String,
        /// What is wrong.
        reason: String,
    },
    /// A negotiation needs two or more parties.
    #[error("a negotiation needs at least two negotiators, found {found}")]
    TooFewNegotiators {
        /// How many were given.
        found: usize,
    },
    /// A negotiator offered an outcome outside the space.
    #[error("negotiator {negotiator} offered outcome {outcome}, but the space has {size} outcomes")]
    OfferOutOfRange {
        /// Its seat.
        negotiator: usize,
        /// The outcome offered.
        outcome: usize,
        /// Size of the space.
        size: usize,
    },
    /// A negotiator accepted with nothing standing.
    #[error("negotiator {negotiator} accepted in round {round}, but no offer was standing")]
    AcceptWithoutOffer {
        /// Its seat.
        negotiator: usize,
        /// The round.
        round: usize,
    },
    /// An agent specification that cannot be parsed.
    #[error(
        "unknown negotiator `{spec}`; use one of boulware, linear, conceder, hardheaded, aspiration:E, naive-tft, nice-tft, micro, random, random:P, negmas-boulware, negmas-linear, negmas-conceder, negmas:E"
    )]
    UnknownAgent {
        /// The text given.
        spec: String,
    },
    /// Loading a domain or scenario failed.
    #[error("{0}")]
    Load(String),
    /// A tournament configuration problem.
    #[error("tournament config: {0}")]
    Config(String),
    /// A deadline of no rounds or more rounds than [`protocol::MAX_ROUNDS`].
    #[error(
        "a deadline of {rounds} rounds is outside 1..={max}; give a number of rounds in that range, e.g. 100"
    )]
    RoundsOutOfRange {
        /// The rounds asked for.
        rounds: usize,
        /// The most allowed.
        max: usize,
    },
}
