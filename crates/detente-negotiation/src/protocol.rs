//! The stacked alternating offers protocol (SAOP) for two or more parties.
//!
//! # What it models
//! Negotiators sit in join order `0..n`. In each round every negotiator, in that order, acts
//! once: with an offer standing it accepts it, rejects it by making a counter offer (which
//! becomes the standing offer) or ends the negotiation; with none standing (the very first
//! move) it proposes or ends. The proposer counts as accepting its own offer, so an agreement is
//! reached the moment the last of the other `n - 1` parties accepts. With two parties this is
//! Rubinstein's alternating offers; with more it is the stacked variant of Aydoğan et al.
//!
//! # Time
//! With a deadline of `R` rounds the relative time of round `r` (counted from 0) is
//! `t = (r + 1) / (R + 1)`, the same for every negotiator in the round, so `t` runs from
//! `1/(R+1)` to `R/(R+1)` and never reaches 1. A wall-clock deadline ([`Deadline::Seconds`]) uses
//! elapsed over allowed time instead; such runs depend on machine speed and are **not
//! reproducible** ([`Session::reproducible`] is false). Round deadlines make every run a pure
//! function of the negotiators and their seeds.
//!
//! # Outcome
//! An agreement gives every party the utility of the agreed outcome; no agreement (deadline or
//! an `End` action) gives each its reservation value. Discounted utilities `u·d^t` are reported
//! beside the raw ones, with `t` the time of the agreement.
//!
//! # References
//! Rubinstein, A. (1982), "Perfect equilibrium in a bargaining model", *Econometrica* 50(1).
//! Aydoğan, R., Festen, D., Hindriks, K. V. and Jonker, C. M. (2017), "Alternating offers
//! protocols for multilateral negotiation", in *Modern Approaches to Agent-based Complex
//! Automated Negotiation*, Springer. Mohammad, Y. et al., NegMAS `SAOMechanism` (the relative
//! time convention).

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::space::{OutcomeSpace, Preferences};
use crate::{Action, NegotiationError, Negotiator, Setup, State};

/// Most rounds a negotiation may last. A round costs every negotiator one action, so this bounds
/// a run's time; it also keeps the time `(round + 1) / (rounds + 1)` finite (issue 16: a deadline
/// of `usize::MAX` rounds overflowed it to infinity).
pub const MAX_ROUNDS: usize = 1_000_000;

/// When the negotiation ends without agreement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Deadline {
    /// After this many rounds (reproducible).
    Rounds(usize),
    /// After this many seconds of wall time (not reproducible), with at most `max_rounds` rounds.
    Seconds {
        /// Allowed wall time.
        seconds: f64,
        /// Upper bound on rounds, so a run always ends.
        max_rounds: usize,
    },
}

/// Protocol settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProtocolConfig {
    /// The deadline (default 100 rounds).
    pub deadline: Deadline,
    /// Record every action in [`Session::trace`] (default false).
    pub trace: bool,
}

impl Default for ProtocolConfig {
    fn default() -> Self {
        Self {
            deadline: Deadline::Rounds(100),
            trace: false,
        }
    }
}

/// A seat at the table: a party's preferences and the strategy that plays them.
pub struct Seat {
    /// The party's preferences.
    pub preferences: Arc<Preferences>,
    /// The strategy.
    pub negotiator: Box<dyn Negotiator>,
}

/// What a negotiator did, as recorded in the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TraceAction {
    /// Proposed with no offer standing.
    Propose,
    /// Accepted the standing offer.
    Accept,
    /// Rejected the standing offer and made a counter offer.
    Counter,
    /// Ended the negotiation.
    End,
}

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceStep {
    /// Round, from 0.
    pub round: usize,
    /// Relative time of the round.
    pub time: f64,
    /// Seat of the negotiator that acted.
    pub negotiator: usize,
    /// What it did.
    pub action: TraceAction,
    /// The offer it proposed, countered with or accepted (none for `End`).
    pub offer: Option<usize>,
    /// Every party's utility of that offer.
    pub utilities: Vec<f64>,
}

/// How a negotiation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ending {
    /// Everyone accepted the standing offer.
    Agreement,
    /// The deadline passed.
    Deadline,
    /// A negotiator ended it (its seat).
    EndedBy(usize),
}

/// The result of one negotiation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    /// The agreed outcome, if any.
    pub agreement: Option<usize>,
    /// How it ended.
    pub ending: Ending,
    /// The round in which it ended (from 0), or the number of rounds at a deadline.
    pub round: usize,
    /// Relative time at the end.
    pub time: f64,
    /// Number of actions taken.
    pub steps: usize,
    /// Each party's utility: of the agreement, or its reservation value.
    pub utilities: Vec<f64>,
    /// The same, discounted by `d^t` where a party has a discount factor.
    pub discounted: Vec<f64>,
    /// False for wall-clock deadlines.
    pub reproducible: bool,
    /// Every action, when [`ProtocolConfig::trace`] is set.
    pub trace: Vec<TraceStep>,
}

/// Runs one negotiation between `seats` (join order) over `space`.
///
/// Errors: fewer than two seats, preferences of the wrong size, or a negotiator that offers an
/// outcome outside the space or accepts when nothing is standing.
pub fn run(
    space: &OutcomeSpace,
    seats: &mut [Seat],
    config: &ProtocolConfig,
) -> Result<Session, NegotiationError> {
    let n = seats.len();
    if n < 2 {
        return Err(NegotiationError::TooFewNegotiators { found: n });
    }
    if let Some(seat) = seats.iter().find(|s| s.preferences.len() != space.len()) {
        return Err(NegotiationError::InvalidPreferences {
            party: seat.preferences.name().to_string(),
            reason: format!(
                "{} utilities for a space of {} outcomes",
                seat.preferences.len(),
                space.len()
            ),
        });
    }
    let rounds = match config.deadline {
        Deadline::Rounds(r) | Deadline::Seconds { max_rounds: r, .. } => r,
    };
    if !(1..=MAX_ROUNDS).contains(&rounds) {
        return Err(NegotiationError::RoundsOutOfRange {
            rounds,
            max: MAX_ROUNDS,
        });
    }
    let (max_rounds, wall) = match config.deadline {
        Deadline::Rounds(r) => (r, None),
        Deadline::Seconds {
            seconds,
            max_rounds,
        } => (
            max_rounds,
            Some((Instant::now(), seconds.max(f64::MIN_POSITIVE))),
        ),
    };
    let rounds_for_setup = wall.is_none().then_some(max_rounds);
    for (position, seat) in seats.iter_mut().enumerate() {
        let setup = Setup {
            preferences: &seat.preferences,
            space,
            position,
            parties: n,
            rounds: rounds_for_setup,
        };
        seat.negotiator.start(&setup);
    }

    let mut standing: Option<(usize, usize)> = None;
    let mut accepted = 0usize;
    let mut trace = Vec::new();
    let mut steps = 0usize;
    let mut time = 0.0;
    let mut result = None;
    'rounds: for round in 0..max_rounds {
        time = match wall {
            None => (round + 1) as f64 / (max_rounds + 1) as f64,
            Some((start, seconds)) => {
                let t = start.elapsed().as_secs_f64() / seconds;
                if t >= 1.0 {
                    break 'rounds;
                }
                t
            }
        };
        for i in 0..n {
            let state = State {
                round,
                time,
                standing: standing.map(|(o, _)| o),
                proposer: standing.map(|(_, p)| p),
            };
            let action = seats[i].negotiator.act(&state);
            steps += 1;
            let (kind, offer) = match action {
                Action::Accept => {
                    let Some((o, _)) = standing else {
                        return Err(NegotiationError::AcceptWithoutOffer {
                            negotiator: i,
                            round,
                        });
                    };
                    accepted += 1;
                    (TraceAction::Accept, Some(o))
                }
                Action::Offer(o) => {
                    if o >= space.len() {
                        return Err(NegotiationError::OfferOutOfRange {
                            negotiator: i,
                            outcome: o,
                            size: space.len(),
                        });
                    }
                    let kind = if standing.is_some() {
                        TraceAction::Counter
                    } else {
                        TraceAction::Propose
                    };
                    standing = Some((o, i));
                    accepted = 1;
                    (kind, Some(o))
                }
                Action::End => (TraceAction::End, None),
            };
            if config.trace {
                trace.push(TraceStep {
                    round,
                    time,
                    negotiator: i,
                    action: kind,
                    offer,
                    utilities: offer.map_or_else(Vec::new, |o| {
                        seats.iter().map(|s| s.preferences.utility(o)).collect()
                    }),
                });
            }
            if kind == TraceAction::End {
                result = Some((None, Ending::EndedBy(i), round));
                break 'rounds;
            }
            if accepted == n {
                result = Some((offer, Ending::Agreement, round));
                break 'rounds;
            }
        }
    }
    let (agreement, ending, round) = result.unwrap_or((None, Ending::Deadline, max_rounds));
    let utilities: Vec<f64> = seats
        .iter()
        .map(|s| match agreement {
            Some(o) => s.preferences.utility(o),
            None => s.preferences.reservation(),
        })
        .collect();
    let discounted = seats
        .iter()
        .zip(&utilities)
        .map(|(s, &u)| s.preferences.discounted(u, time))
        .collect();
    Ok(Session {
        agreement,
        ending,
        round,
        time,
        steps,
        utilities,
        discounted,
        reproducible: wall.is_none(),
        trace,
    })
}
