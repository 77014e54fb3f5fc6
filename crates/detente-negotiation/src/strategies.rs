//! Negotiator strategies: time-based aspiration (Boulware, Linear, Conceder, hardheaded),
//! naive and nice tit-for-tat, MiCRO, and a seeded random negotiator.
//!
//! # Time-based aspiration
//! At relative time `t` the negotiator's threshold is `m + (M - m)(1 - t^e)`, `M` its best
//! utility and `m = max(min utility, reservation)`, capped at `M` so rounding never lifts it
//! above every outcome. It accepts a standing offer worth at least the threshold, otherwise
//! proposes the lowest-utility outcome still at or above it (ties by enumeration order), found
//! by binary search in the precomputed sorted outcomes. `e = 4` is Boulware (concedes late),
//! `e = 1` Linear, `e = 0.25` Conceder (concedes early); hardheaded keeps the threshold at `M`.
//! When even `m` exceeds `M` (reservation above every outcome) it ends the negotiation.
//!
//! # NegMAS's time-based negotiators (`negmas-boulware`, `negmas-linear`, `negmas-conceder`)
//! The same family as NegMAS 0.16's `BoulwareTBNegotiator`, `LinearTBNegotiator` and
//! `ConcederTBNegotiator` in its `SAOMechanism`, choosing and accepting as they do (worked out
//! from NegMAS's behaviour and checked against it run by run, `tests/it/negmas.rs`). With
//! `m = max(min utility, reservation)` and `M` the best utility, the threshold at time `t` is
//! `clamp(m + (M - m)(1 - t^e) - 10⁻⁴, m, M)`: NegMAS's aspiration scaled to the utility range
//! and widened by its inverter's tolerance. An offer is accepted at or above it. The proposal
//! is the lowest outcome at or above the threshold, unless an outcome within 10⁻⁶ below it is
//! strictly nearer (NegMAS's nearest-outcome clamp). They differ from detente's own aspiration
//! negotiators in that tolerance and clamp, and in never ending a negotiation; with the
//! `negmas` preset the GENIUS profiles are also read as NegMAS reads them (raw evaluations).
//! Ties between outcomes of equal utility are broken in enumeration order; NegMAS leaves them
//! to numpy's unstable argsort, whose order depends on the CPU's vector instructions, so on
//! domains with ties NegMAS itself can give different runs on different machines.
//!
//! # Tit-for-tat
//! Both variants start at their best outcome and track `target`, the utility they ask for.
//! When the opponents' standing offer changes from `o'` to `o`, the negotiator measures the
//! opponents' concession in its own utility, `δ = u(o) - u(o')`, and moves its target by the
//! same amount: the naive variant mirrors both signs (`target -= δ`, so a step back is answered
//! with a step back), the nice variant only reciprocates concessions (`target -= max(δ, 0)`)
//! and never retaliates. Targets stay in `[m, M]`. Both accept an offer worth at least the
//! target and otherwise propose the lowest outcome at or above it. Measuring the opponent's
//! concession in one's own utility is the classic "naive" proxy (Baarslag et al. 2013 use an
//! opponent model instead; detente's nice variant has none).
//!
//! # MiCRO
//! De Jonge's MiCRO walks down its outcomes from the best, proposing a new one only when the
//! opponents have made at least as many distinct offers as it has (otherwise it repeats its
//! lowest proposal so far), never below its reservation value; it accepts any offer worth at
//! least what it would propose next.
//!
//! # Random
//! Proposes a uniformly drawn outcome worth at least its reservation value and accepts a
//! rational offer with probability `p` (default 0.5); draws come from the ChaCha8 generator
//! seeded by the caller.
//!
//! # References
//! Faratin, P., Sierra, C. and Jennings, N. R. (1998), "Negotiation decision functions for
//! autonomous agents", *Robotics and Autonomous Systems* 24(3-4) (time-dependent tactics,
//! Boulware and Conceder). Baarslag, T., Hindriks, K. and Jonker, C. (2013), "A tit for tat
//! negotiation strategy for real-time bilateral negotiations", in *Complex Automated
//! Negotiations*, Springer. de Jonge, D. (2022), "An analysis of the linear bilateral ANAC
//! domains using the MiCRO benchmark strategy", *IJCAI 2022*.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Action, NegotiationError, Negotiator, Preferences, Setup, State};

/// How a time-based negotiator concedes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Concession {
    /// Threshold `m + (M - m)(1 - t^e)` with this exponent `e > 0`.
    Exponent(f64),
    /// Never concedes: threshold `M`.
    Hardheaded,
}

/// Time-based aspiration negotiator.
#[derive(Debug, Clone)]
pub struct Aspiration {
    concession: Concession,
    prefs: Option<Arc<Preferences>>,
}

impl Aspiration {
    /// A negotiator conceding as `concession` says.
    pub fn new(concession: Concession) -> Self {
        Self {
            concession,
            prefs: None,
        }
    }

    /// The threshold at relative time `t`.
    pub fn threshold(&self, prefs: &Preferences, t: f64) -> f64 {
        let (m, max) = (prefs.floor(), prefs.max());
        match self.concession {
            Concession::Hardheaded => max,
            Concession::Exponent(e) => (m + (max - m) * (1.0 - t.powf(e))).min(max),
        }
    }
}

impl Negotiator for Aspiration {
    fn start(&mut self, setup: &Setup<'_>) {
        self.prefs = Some(Arc::clone(setup.preferences));
    }

    fn act(&mut self, state: &State) -> Action {
        let Some(prefs) = &self.prefs else {
            return Action::End;
        };
        if prefs.floor() > prefs.max() {
            return Action::End;
        }
        let threshold = self.threshold(prefs, state.time);
        if let Some(o) = state.standing
            && prefs.utility(o) >= threshold
        {
            return Action::Accept;
        }
        prefs
            .lowest_at_least(threshold)
            .map_or(Action::End, Action::Offer)
    }
}

/// A NegMAS 0.16 time-based negotiator (see the module docs).
#[derive(Debug, Clone)]
pub struct NegmasTimeBased {
    exponent: f64,
    prefs: Option<Arc<Preferences>>,
}

/// NegMAS's inverter tolerance: the threshold sits this far below the aspiration level.
const NEGMAS_TOLERANCE: f64 = 1e-4;
/// How far below the threshold NegMAS's nearest-outcome clamp looks.
const NEGMAS_CLAMP: f64 = 1e-6;

impl NegmasTimeBased {
    /// A negotiator with aspiration `1 - t^e`.
    pub fn new(exponent: f64) -> Self {
        Self {
            exponent,
            prefs: None,
        }
    }

    /// The threshold at relative time `t`.
    pub fn threshold(&self, prefs: &Preferences, t: f64) -> f64 {
        let (m, max) = (prefs.floor(), prefs.max());
        let level = m + (max - m) * (1.0 - t.powf(self.exponent)) - NEGMAS_TOLERANCE;
        level.min(max).max(m)
    }

    /// The outcome proposed at `threshold`: the first (lowest, then earliest) outcome at or
    /// above it, or the first of the outcomes just below it when they are strictly nearer.
    fn proposal(prefs: &Preferences, threshold: f64) -> Option<usize> {
        let n = prefs.len();
        let at = prefs.rank_at_least(threshold).min(n.checked_sub(1)?);
        let above = prefs.utility(prefs.at_rank(at)?);
        let first_rational = prefs.rank_at_least(prefs.reservation());
        if at > first_rational {
            let below = prefs.utility(prefs.at_rank(at - 1)?);
            if below >= threshold - NEGMAS_CLAMP && threshold - below < (above - threshold).abs() {
                // The first outcome of that utility in the sorted order.
                let first = prefs.rank_at_least(below).max(first_rational);
                return prefs.at_rank(first);
            }
        }
        prefs.at_rank(at)
    }
}

impl Negotiator for NegmasTimeBased {
    fn start(&mut self, setup: &Setup<'_>) {
        self.prefs = Some(Arc::clone(setup.preferences));
    }

    fn act(&mut self, state: &State) -> Action {
        let Some(prefs) = &self.prefs else {
            return Action::End;
        };
        let threshold = self.threshold(prefs, state.time);
        if let Some(o) = state.standing
            && prefs.utility(o) >= threshold
        {
            return Action::Accept;
        }
        Self::proposal(prefs, threshold).map_or(Action::End, Action::Offer)
    }
}

/// Which tit-for-tat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitForTatKind {
    /// Mirrors concessions and retreats.
    Naive,
    /// Mirrors concessions only.
    Nice,
}

/// Tit-for-tat negotiator (see the module docs).
#[derive(Debug, Clone)]
pub struct TitForTat {
    kind: TitForTatKind,
    prefs: Option<Arc<Preferences>>,
    target: f64,
    last: Option<usize>,
}

impl TitForTat {
    /// A tit-for-tat negotiator of the given kind.
    pub fn new(kind: TitForTatKind) -> Self {
        Self {
            kind,
            prefs: None,
            target: f64::INFINITY,
            last: None,
        }
    }
}

impl Negotiator for TitForTat {
    fn start(&mut self, setup: &Setup<'_>) {
        self.target = setup.preferences.max();
        self.last = None;
        self.prefs = Some(Arc::clone(setup.preferences));
    }

    fn act(&mut self, state: &State) -> Action {
        let Some(prefs) = &self.prefs else {
            return Action::End;
        };
        let (m, max) = (prefs.floor(), prefs.max());
        if m > max {
            return Action::End;
        }
        if let Some(o) = state.standing {
            if let Some(prev) = self.last {
                let delta = prefs.utility(o) - prefs.utility(prev);
                let step = match self.kind {
                    TitForTatKind::Naive => delta,
                    TitForTatKind::Nice => delta.max(0.0),
                };
                self.target = (self.target - step).clamp(m, max);
            }
            self.last = Some(o);
            if prefs.utility(o) >= self.target {
                return Action::Accept;
            }
        }
        prefs
            .lowest_at_least(self.target)
            .map_or(Action::End, Action::Offer)
    }
}

/// De Jonge's MiCRO (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct Micro {
    prefs: Option<Arc<Preferences>>,
    /// Distinct proposals made so far (they are the best `proposed` outcomes).
    proposed: usize,
    /// Distinct offers received, as a sorted list of outcome numbers.
    received: Vec<usize>,
}

impl Micro {
    /// A fresh MiCRO negotiator.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Negotiator for Micro {
    fn start(&mut self, setup: &Setup<'_>) {
        self.prefs = Some(Arc::clone(setup.preferences));
        self.proposed = 0;
        self.received.clear();
    }

    fn act(&mut self, state: &State) -> Action {
        let Some(prefs) = &self.prefs else {
            return Action::End;
        };
        let n = prefs.len();
        // The rational outcomes, best first, are ranks n-1 down to `lowest_rank`.
        let lowest_rank = prefs.rank_at_least(prefs.reservation());
        let rational = n - lowest_rank;
        if rational == 0 {
            return Action::End;
        }
        if let Some(o) = state.standing
            && let Err(at) = self.received.binary_search(&o)
        {
            self.received.insert(at, o);
        }
        let concede = self.received.len() >= self.proposed && self.proposed < rational;
        let next = if concede {
            self.proposed + 1
        } else {
            self.proposed.max(1)
        };
        let Some(outcome) = prefs.at_rank(n - next) else {
            return Action::End;
        };
        if let Some(o) = state.standing
            && prefs.utility(o) >= prefs.utility(outcome)
        {
            return Action::Accept;
        }
        self.proposed = next;
        Action::Offer(outcome)
    }
}

/// Random negotiator driven by a seeded ChaCha8 generator.
#[derive(Debug, Clone)]
pub struct RandomNegotiator {
    rng: ChaCha8Rng,
    accept_probability: f64,
    prefs: Option<Arc<Preferences>>,
}

impl RandomNegotiator {
    /// A random negotiator; `seed` fixes every draw.
    pub fn new(seed: u64, accept_probability: f64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            accept_probability: accept_probability.clamp(0.0, 1.0),
            prefs: None,
        }
    }

    fn uniform(&mut self) -> f64 {
        // 53 random bits, the standard conversion to [0, 1).
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn below(&mut self, k: usize) -> usize {
        // Multiply-shift maps 64 random bits to 0..k with negligible bias for k < 2^32.
        ((u128::from(self.rng.next_u64()) * k as u128) >> 64) as usize
    }
}

impl Negotiator for RandomNegotiator {
    fn start(&mut self, setup: &Setup<'_>) {
        self.prefs = Some(Arc::clone(setup.preferences));
    }

    fn act(&mut self, state: &State) -> Action {
        let Some(prefs) = self.prefs.clone() else {
            return Action::End;
        };
        let first = prefs.rank_at_least(prefs.reservation());
        let rational = prefs.len() - first;
        if rational == 0 {
            return Action::End;
        }
        if let Some(o) = state.standing
            && prefs.utility(o) >= prefs.reservation()
            && self.uniform() < self.accept_probability
        {
            return Action::Accept;
        }
        let pick = first + self.below(rational);
        prefs.at_rank(pick).map_or(Action::End, Action::Offer)
    }
}

/// A named strategy, parsed from text such as `boulware`, `aspiration:2`, `random:0.3`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AgentSpec {
    /// Aspiration with `e = 4`.
    Boulware,
    /// Aspiration with `e = 1`.
    Linear,
    /// Aspiration with `e = 0.25`.
    Conceder,
    /// Never concedes.
    Hardheaded,
    /// Aspiration with a given exponent.
    Aspiration(f64),
    /// Naive tit-for-tat.
    NaiveTitForTat,
    /// Nice tit-for-tat.
    NiceTitForTat,
    /// MiCRO.
    Micro,
    /// Random with an acceptance probability.
    Random(f64),
    /// NegMAS 0.16's time-based negotiator with this exponent (4 Boulware, 1 Linear, 0.25
    /// Conceder).
    Negmas(f64),
}

impl AgentSpec {
    /// The spec under the `negmas` preset: Boulware, Linear, Conceder and aspiration
    /// negotiators choose and accept as NegMAS 0.16's time-based negotiators do; the others
    /// are unchanged.
    pub fn under_negmas(self) -> Self {
        match self {
            AgentSpec::Boulware => AgentSpec::Negmas(4.0),
            AgentSpec::Linear => AgentSpec::Negmas(1.0),
            AgentSpec::Conceder => AgentSpec::Negmas(0.25),
            AgentSpec::Aspiration(e) => AgentSpec::Negmas(e),
            other => other,
        }
    }

    /// Builds the negotiator; `seed` is used only by the random negotiator.
    pub fn build(&self, seed: u64) -> Box<dyn Negotiator> {
        match *self {
            AgentSpec::Boulware => Box::new(Aspiration::new(Concession::Exponent(4.0))),
            AgentSpec::Linear => Box::new(Aspiration::new(Concession::Exponent(1.0))),
            AgentSpec::Conceder => Box::new(Aspiration::new(Concession::Exponent(0.25))),
            AgentSpec::Hardheaded => Box::new(Aspiration::new(Concession::Hardheaded)),
            AgentSpec::Aspiration(e) => Box::new(Aspiration::new(Concession::Exponent(e))),
            AgentSpec::NaiveTitForTat => Box::new(TitForTat::new(TitForTatKind::Naive)),
            AgentSpec::NiceTitForTat => Box::new(TitForTat::new(TitForTatKind::Nice)),
            AgentSpec::Micro => Box::new(Micro::new()),
            AgentSpec::Random(p) => Box::new(RandomNegotiator::new(seed, p)),
            AgentSpec::Negmas(e) => Box::new(NegmasTimeBased::new(e)),
        }
    }
}

impl fmt::Display for AgentSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AgentSpec::Boulware => f.write_str("boulware"),
            AgentSpec::Linear => f.write_str("linear"),
            AgentSpec::Conceder => f.write_str("conceder"),
            AgentSpec::Hardheaded => f.write_str("hardheaded"),
            AgentSpec::Aspiration(e) => write!(f, "aspiration:{e}"),
            AgentSpec::NaiveTitForTat => f.write_str("naive-tft"),
            AgentSpec::NiceTitForTat => f.write_str("nice-tft"),
            AgentSpec::Micro => f.write_str("micro"),
            AgentSpec::Random(p) => write!(f, "random:{p}"),
            AgentSpec::Negmas(e) if *e == 4.0 => f.write_str("negmas-boulware"),
            AgentSpec::Negmas(e) if *e == 1.0 => f.write_str("negmas-linear"),
            AgentSpec::Negmas(e) if *e == 0.25 => f.write_str("negmas-conceder"),
            AgentSpec::Negmas(e) => write!(f, "negmas:{e}"),
        }
    }
}

impl FromStr for AgentSpec {
    type Err = NegotiationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || NegotiationError::UnknownAgent {
            spec: s.to_string(),
        };
        let lower = s.trim().to_ascii_lowercase();
        let (name, arg) = match lower.split_once(':') {
            Some((n, a)) => (n, Some(a.trim().parse::<f64>().map_err(|_| unknown())?)),
            None => (lower.as_str(), None),
        };
        Ok(match (name, arg) {
            ("boulware", None) => AgentSpec::Boulware,
            ("linear", None) => AgentSpec::Linear,
            ("conceder", None) => AgentSpec::Conceder,
            ("hardheaded", None) => AgentSpec::Hardheaded,
            ("aspiration", Some(e)) if e.is_finite() && e > 0.0 => AgentSpec::Aspiration(e),
            ("naive-tft" | "tft", None) => AgentSpec::NaiveTitForTat,
            ("nice-tft", None) => AgentSpec::NiceTitForTat,
            ("micro", None) => AgentSpec::Micro,
            ("random", None) => AgentSpec::Random(0.5),
            ("random", Some(p)) if (0.0..=1.0).contains(&p) => AgentSpec::Random(p),
            ("negmas-boulware", None) => AgentSpec::Negmas(4.0),
            ("negmas-linear", None) => AgentSpec::Negmas(1.0),
            ("negmas-conceder", None) => AgentSpec::Negmas(0.25),
            ("negmas", Some(e)) if e.is_finite() && e > 0.0 => AgentSpec::Negmas(e),
            _ => return Err(unknown()),
        })
    }
}

impl Serialize for AgentSpec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AgentSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
