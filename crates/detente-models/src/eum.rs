//! The Expected Utility Model (EUM) of group decisions on one issue, after Bueno de Mesquita as
//! formalised by Scholz, Calbert & Smith (2011), run round by round.
//!
//! # What it models
//!
//! A single issue is a line segment; each actor holds a position on it, has a capability (power)
//! and a salience (the share of that power it is willing to spend on this issue). In each round
//! every actor weighs, against every other actor, the expected utility of challenging that actor
//! and the expected utility that actor would get from challenging it. From these the actor
//! receives offers (lose a confrontation, compromise, capitulate), accepts at most one, and moves.
//! All moves of a round are simultaneous. The forecast is the capability-and-salience weighted
//! median ("median voter") position after the last round; the weighted mean is reported too.
//!
//! One round, with `range` the distance normaliser (see [`RangeBasis`]) and `d(a, b) = |a - b| /
//! range`:
//!
//! 1. **Risk.** With every risk exponent set to 1, actor `i`'s danger level is
//!    `D_i = sum_{j != i} E^i U_ji`, the expected utility (seen by `i`) of each other actor
//!    challenging `i`. Risk acceptance `R_i = (2 D_i - D_max - D_min) / (D_max - D_min)` with the
//!    extremes taken over all actors, and the risk exponent `r_i = (1 - R_i/3) / (1 + R_i/3)`,
//!    so `r_i` lies in `[1/2, 2]` (Bueno de Mesquita 1985; Scholz et al. 2011). If all
//!    danger levels are equal, `R_i = 0` and `r_i = 1` (the replications divide by zero there).
//! 2. **Votes and probability of success.** Voter `k` values position `x` at `-d(x_k, x)^r_k`;
//!    its vote between `x_i` and `x_j` is `v_k(i, j) = c_k s_k (d(x_k, x_j)^r_k - d(x_k, x_i)^r_k)`
//!    (BDM 1994; Scholz et al. 2011). `P_ij = sum_k max(0, v_k(i, j)) / denominator`, with
//!    the denominator set by [`ProbabilityDenominator`]; `P_ij = 0` when `x_i == x_j`.
//! 3. **Expected utility of a challenge**, seen by evaluator `e` with risk exponent `r` (which one
//!    is set by [`RiskPerspective`]), for challenger `i` and target `j` (BDM 1994; Scholz et al.
//!    2011):
//!    - `U_s = 2 - 4 (1/2 - d(x_i, x_j)/2)^r`, `U_f = 2 - 4 (1/2 + d(x_i, x_j)/2)^r`,
//!      `U_sq = 2 - 4 (1/2)^r`,
//!    - `U_b = 2 - 4 (1/2 - (d(x_i, c) + d(x_i, x_j))/4)^r`,
//!      `U_w = 2 - 4 (1/2 + (d(x_i, c) + d(x_i, x_j))/4)^r`, `c` the centre ([`Centre`]),
//!    - `E U_ij = s_j (P_ij U_s + (1 - P_ij) U_f) + (1 - s_j) U_s - Q U_sq
//!      - (1 - Q) (T U_b + (1 - T) U_w)`.
//! 4. **Offers.** Receiver `i` computes `eu_ij = E^i U_ij` and `eu_ji = E^i U_ji` against every
//!    actor `j` at another position. `eu_ji > eu_ij > 0`: `j` wins a confrontation, `i` moves to
//!    `x_j`. `eu_ji > 0 > eu_ij` and `eu_ji > |eu_ij|`: compromise, `i` moves to
//!    `x_i + (x_j - x_i) |eu_ij / eu_ji|`. Capitulation (move to `x_j`) per [`Capitulation`].
//! 5. **Choice.** Each actor accepts one offer, per [`OfferChoice`], and all move at once.
//!
//! The run stops at a fixed point (no position moved more than `tolerance * range` in a round), a
//! cycle (the position vector equals, within the same tolerance, that after an earlier round), or
//! after `max_rounds`; see [`Termination`].
//!
//! # Assumptions
//!
//! - One dimension; positions are numbers on the scale and utilities are single peaked.
//! - Capabilities are positive and only their ratios matter; saliences lie in `0..=1` and double
//!   as the probability that a challenged actor resists.
//! - Actors look one move ahead; they all see the same positions, capabilities and saliences.
//! - Ties are broken deterministically by actor order (the first best offer in input order wins).
//! - The weighted median is found as in the Scholz replication: the distinct positions are visited
//!   in ascending order, starting from the lowest, and a position replaces the current median when
//!   its weighted vote against it (with all risk exponents 1) is strictly positive. In one
//!   dimension this yields the weighted median; when a set of positions ties (an even weight
//!   split), the lowest of them is kept. The replication visits positions in Python set order,
//!   which coincides with this on the published data sets.
//!
//! # Parameters
//!
//! [`EumConfig`] holds every choice on which published replications disagree; the two presets are
//!
//! | option | [`EumConfig::scholz`] | [`EumConfig::bdm`] |
//! |---|---|---|
//! | [`ProbabilityDenominator`] | `AllPairs` | `PairOnly` |
//! | [`RiskPerspective`] | `Evaluator` | `Own` |
//! | [`OfferChoice`] | `TypePriority` | `SmallestMove` |
//! | [`Capitulation`] | `Never` | `AsWritten` |
//! | [`RangeBasis`] | `InitialPositions` | `Scale` |
//! | [`Centre`] | `Median` (unused, `q = 1`) | `Median` |
//! | `q` / `t` | 1 / 1 | 0.5 / 1 |
//! | `max_rounds` / `tolerance` | 10 / 1e-12 | 100 / 1e-9 |
//!
//! `scholz` reproduces the public replication of Scholz et al. (jmckib/bdm-scholz-expected-
//! utility-model, which matches the paper's published results for 10 rounds of the European
//! Community example) including its quirks; the test suite checks it round by round to 1e-9
//! relative. `bdm` follows Bueno de Mesquita's published formulas as far as they can be
//! established: the probability of success is a contest between the pair only (so
//! `P_ij + P_ji = 1`), each actor's utilities use its own risk exponent, each actor accepts the
//! offer requiring the smallest move, capitulation happens as written, distances are normalised
//! by the scale, and `Q = 0.5` (Eftekhari & Rahimi 2014 report Bueno de Mesquita using
//! both `Q = 1` and `Q = 0.5` in different publications). `T = 1` follows Masad's replication
//! (dmasad/BDM_DecisionModel_Replication, `Model(Q, T=1.0)`); the published texts available to
//! us do not pin `T` down further. The risk step is the Scholz one in both presets (danger
//! compared across actors; Masad notes BDM may have meant across an actor's possible positions).
//!
//! # References
//!
//! - B. Bueno de Mesquita (1985), "The War Trap Revisited: A Revised Expected Utility Model",
//!   *American Political Science Review* 79(1): 156-177 (risk exponents).
//! - B. Bueno de Mesquita (1994), "Political Forecasting: An Expected Utility Method", in
//!   B. Bueno de Mesquita & F. Stokman (eds.), *European Community Decision Making*, Yale UP
//!   (votes, probability of success, expected utility, the EC example).
//! - B. Bueno de Mesquita (1997), "A decision making model: its structure and form",
//!   *International Interactions* 23(3-4): 235-266.
//! - J. B. Scholz, G. J. Calbert & G. A. Smith (2011), "Unravelling Bueno de Mesquita's group
//!   decision model", *Journal of Theoretical Politics* 23(4); conference version in Proc.
//!   ICAART 2011, SciTePress.
//! - Z. Eftekhari & S. Rahimi (2014), "Preana: Game Theory Based Prediction with Reinforcement
//!   Learning", *Natural Science* 6: 1108-1121 (on `Q` and `T`).
//! - GitHub jmckib/bdm-scholz-expected-utility-model, commit 55f63e9 (Python replication of
//!   Scholz et al.'s code); dmasad/bdm-scholz-expected-utility-model, its Python 3 fork at commit
//!   d7c7bba; dmasad/BDM_DecisionModel_Replication (its `U_b`/`U_w` are the ones above).
//!
//! Equation numbers are not cited: the printed papers were not available to check them against.
//! The formulas above were cross-checked against the replications' code, and the "scholz"
//! preset against numbers generated by running that code (see `tests/data/eum/README.md`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One actor on the issue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EumActor {
    /// Capability (power, resources); positive, only ratios matter.
    pub capability: f64,
    /// Initial position on the scale.
    pub position: f64,
    /// Salience of the issue to the actor, in `0..=1`.
    pub salience: f64,
}

/// The model's input: the actors of one issue and the scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EumInput<'a> {
    /// The actors, in a fixed order (ties are broken by it).
    pub actors: &'a [EumActor],
    /// The scale `(min, max)`; every position must lie inside it.
    pub scale: (f64, f64),
}

/// Denominator of the probability of success `P_ij`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProbabilityDenominator {
    /// Sum of the absolute votes of every voter over every ordered pair of actors' positions
    /// (with multiplicity): `sum_k sum_a sum_b |v_k(a, b)|`. Scholz et al.'s code (and the
    /// jmckib/dmasad replications) do this; probabilities become small and `P_ij + P_ji < 1`.
    AllPairs,
    /// Sum of the absolute votes over the pair only, `sum_k |v_k(i, j)|`, so that
    /// `P_ij + P_ji = 1` (Bueno de Mesquita 1994, as written; Masad's replication). When every
    /// voter is indifferent between the two positions, `P_ij = 1/2`.
    PairOnly,
}

/// Whose risk exponent enters the utilities an actor computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RiskPerspective {
    /// The evaluating actor's exponent for both its own and the other's expected utility
    /// (`E^i U_ij` and `E^i U_ji` both use `r_i`): Scholz et al.'s code.
    Evaluator,
    /// Each actor's own exponent: `E^i U_ij` uses `r_i`, `E^i U_ji` uses `r_j`, so `i`'s estimate
    /// of `j`'s expected utility reflects `j`'s risk attitude rather than `i`'s.
    Own,
}

/// Which of its offers an actor accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OfferChoice {
    /// Scholz et al.'s code: any confrontation first (the one with the smallest move), else a
    /// compromise minimising `(|eu_ij| x_i + |eu_ji| x_j) / (|eu_ij| + |eu_ji|)` (a quirk: this
    /// favours low positions rather than small moves), else a capitulation by smallest move.
    TypePriority,
    /// The offer requiring the smallest move, whatever its type, which is what the Scholz et al.
    /// paper and Bueno de Mesquita state (as the replication's own commentary points out). Ties
    /// go to the first proposer in actor order.
    SmallestMove,
}

/// When a receiver capitulates (moves all the way to the proposer's position).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Capitulation {
    /// Never: Scholz et al.'s code tests `eu_ji < |eu_ji|`, which is never true, so no
    /// capitulation happens.
    Never,
    /// As written: `eu_ji > 0 > eu_ij` and `|eu_ij| > eu_ji` (Bueno de Mesquita 1994; Scholz
    /// et al. 2011).
    AsWritten,
}

/// The range that normalises distances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RangeBasis {
    /// The span of the initial positions, fixed for the whole run (Scholz et al.'s code).
    InitialPositions,
    /// The scale `max - min` from [`EumInput::scale`] (Bueno de Mesquita's positions are
    /// on a fixed scale, e.g. 0..100).
    Scale,
}

/// The centre `c` in the "better"/"worse" utilities `U_b`, `U_w` (only used when `q < 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Centre {
    /// The weighted median of the current positions (Bueno de Mesquita 1994; Scholz et al.).
    Median,
    /// The capability-and-salience weighted mean of the current positions.
    Mean,
}

/// Most rounds [`run`] plays: every round is kept in the trace, so an unbounded count would
/// grow memory without limit; real runs stop within a few dozen rounds.
pub const MAX_ROUNDS: usize = 100_000;

/// Every option of the model. Build it from a preset and adjust fields.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EumConfig {
    /// Maximum number of rounds played (scholz 10, bdm 100).
    pub max_rounds: usize,
    /// Movement threshold, relative to the range, below which a round counts as no move, and
    /// within which two position vectors count as equal for cycle detection. Must be `>= 0`.
    pub tolerance: f64,
    /// `Q`: probability that, without a challenge, the status quo persists; in `0..=1`.
    /// Scholz's code uses 1 (which cancels the `U_b`/`U_w` terms); BDM 1994 uses 0.5.
    pub q: f64,
    /// `T`: probability that, if the status quo changes anyway, it changes for the better; in
    /// `0..=1`. Irrelevant when `q = 1`.
    pub t: f64,
    /// The centre used in `U_b`/`U_w`.
    pub centre: Centre,
    /// Denominator of the probability of success.
    pub denominator: ProbabilityDenominator,
    /// Whose risk exponent enters whose utilities.
    pub risk_perspective: RiskPerspective,
    /// Which offer an actor accepts.
    pub offer_choice: OfferChoice,
    /// When capitulation happens.
    pub capitulation: Capitulation,
    /// The range normalising distances.
    pub range: RangeBasis,
}

impl EumConfig {
    /// The semantics of Scholz et al.'s code, as reproduced by the jmckib/dmasad replications:
    /// all-pairs denominator, evaluator's risk exponent, type-priority offer choice with the
    /// compromise quirk, no capitulation, initial-position range, `Q = 1`, 10 rounds.
    pub fn scholz() -> Self {
        Self {
            max_rounds: 10,
            tolerance: 1e-12,
            q: 1.0,
            t: 1.0,
            centre: Centre::Median,
            denominator: ProbabilityDenominator::AllPairs,
            risk_perspective: RiskPerspective::Evaluator,
            offer_choice: OfferChoice::TypePriority,
            capitulation: Capitulation::Never,
            range: RangeBasis::InitialPositions,
        }
    }

    /// Bueno de Mesquita's published formulas as best established: pair-only denominator, own
    /// risk exponents, smallest move, capitulation as written, scale range, `Q = 0.5`, `T = 1`,
    /// up to 100 rounds.
    pub fn bdm() -> Self {
        Self {
            max_rounds: 100,
            tolerance: 1e-9,
            q: 0.5,
            t: 1.0,
            centre: Centre::Median,
            denominator: ProbabilityDenominator::PairOnly,
            risk_perspective: RiskPerspective::Own,
            offer_choice: OfferChoice::SmallestMove,
            capitulation: Capitulation::AsWritten,
            range: RangeBasis::Scale,
        }
    }
}

impl Default for EumConfig {
    fn default() -> Self {
        Self::scholz()
    }
}

/// A named preset configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EumPreset {
    /// [`EumConfig::scholz`].
    Scholz,
    /// [`EumConfig::bdm`].
    Bdm,
}

impl EumPreset {
    /// The preset's configuration.
    pub fn config(self) -> EumConfig {
        match self {
            Self::Scholz => EumConfig::scholz(),
            Self::Bdm => EumConfig::bdm(),
        }
    }
}

impl fmt::Display for EumPreset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Scholz => "scholz",
            Self::Bdm => "bdm",
        })
    }
}

/// Error parsing an [`EumPreset`] name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown eum preset {0:?} (expected \"scholz\" or \"bdm\")")]
pub struct ParsePresetError(pub String);

impl FromStr for EumPreset {
    type Err = ParsePresetError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "scholz" => Ok(Self::Scholz),
            "bdm" => Ok(Self::Bdm),
            other => Err(ParsePresetError(other.to_owned())),
        }
    }
}

/// Kind of an accepted offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OfferKind {
    /// The receiver expects to lose a confrontation and moves to the proposer's position.
    Confrontation,
    /// The receiver moves part of the way, in proportion `|eu_ij / eu_ji|`.
    Compromise,
    /// The receiver gives in and moves to the proposer's position.
    Capitulation,
}

/// The offer an actor accepted in a round.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AcceptedOffer {
    /// Index of the actor that moves.
    pub receiver: usize,
    /// Index of the actor whose position prompted the move.
    pub proposer: usize,
    /// Kind of offer.
    pub kind: OfferKind,
    /// `E^i U_ij`: the receiver's expected utility of challenging the proposer.
    pub eu_receiver: f64,
    /// `E^i U_ji`: the proposer's expected utility of challenging the receiver, as the receiver
    /// sees it.
    pub eu_proposer: f64,
    /// Receiver's position before the move.
    pub from: f64,
    /// Receiver's position after the move.
    pub to: f64,
}

/// The state after one round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EumRound {
    /// Round number; 0 is the initial state.
    pub round: usize,
    /// Positions after this round's moves, in actor order.
    pub positions: Vec<f64>,
    /// Risk exponents computed at the start of this round and used for its offers (all 1 in
    /// round 0).
    pub risk: Vec<f64>,
    /// Weighted median of `positions`.
    pub median: f64,
    /// Capability-and-salience weighted mean of `positions`.
    pub mean: f64,
    /// Offers accepted in this round, by receiver.
    pub offers: Vec<AcceptedOffer>,
}

/// Why the run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Termination {
    /// In round `round` no position moved more than the tolerance; that round's positions are
    /// (within tolerance) those of the round before.
    FixedPoint {
        /// The first round without movement.
        round: usize,
    },
    /// The positions after round `first_round + period` equal those after `first_round`.
    Cycle {
        /// The earlier round whose positions recur.
        first_round: usize,
        /// Length of the cycle in rounds (at least 2; period 1 is a fixed point).
        period: usize,
    },
    /// `max_rounds` were played without a fixed point or cycle.
    RoundCap {
        /// Number of rounds played.
        rounds: usize,
    },
}

impl std::fmt::Display for Termination {
    /// The one wording of how a run ended, shared by the terminal report, the HTML and Markdown
    /// reports and (through the forecast JSON's `ended`) the dashboard.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Termination::FixedPoint { round } => {
                write!(f, "converged: no position moved in round {round}")
            }
            Termination::Cycle {
                first_round,
                period,
            } => write!(
                f,
                "cycles: positions repeat every {period} round(s) from round {first_round}"
            ),
            Termination::RoundCap { rounds } => {
                write!(f, "still moving after the cap of {rounds} rounds")
            }
        }
    }
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EumResult {
    /// Round 0 (initial state) and every round played.
    pub rounds: Vec<EumRound>,
    /// Why the run stopped.
    pub outcome: Termination,
    /// The forecast: the weighted median after the last round.
    pub forecast_median: f64,
    /// The weighted mean after the last round.
    pub forecast_mean: f64,
}

/// Invalid input or configuration.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EumError {
    /// Fewer than two actors.
    #[error("need at least 2 actors, got {0}")]
    TooFewActors(usize),
    /// An actor's field is NaN or infinite.
    #[error("actor {actor}: {field} is not finite")]
    NonFinite {
        /// Actor index.
        actor: usize,
        /// Field name.
        field: &'static str,
    },
    /// Salience outside `0..=1`.
    #[error("actor {actor}: salience {salience} is outside 0..=1")]
    SalienceOutOfRange {
        /// Actor index.
        actor: usize,
        /// The offending salience.
        salience: f64,
    },
    /// Capability not positive.
    #[error("actor {actor}: capability {capability} must be positive")]
    NonPositiveCapability {
        /// Actor index.
        actor: usize,
        /// The offending capability.
        capability: f64,
    },
    /// The scale is not finite or not increasing.
    #[error("issue scale ({min}, {max}) must be finite with min < max")]
    InvalidScale {
        /// Scale minimum.
        min: f64,
        /// Scale maximum.
        max: f64,
    },
    /// A position lies outside the scale.
    #[error("actor {actor}: position {position} lies outside the issue scale ({min}, {max})")]
    PositionOutsideScale {
        /// Actor index.
        actor: usize,
        /// The offending position.
        position: f64,
        /// Scale minimum.
        min: f64,
        /// Scale maximum.
        max: f64,
    },
    /// All actors hold the same position: there is nothing to negotiate and distances cannot be
    /// normalised.
    #[error("all actors hold the same position (zero range)")]
    ZeroRange,
    /// A configuration value is out of its domain.
    #[error("invalid config: {0}")]
    InvalidConfig(&'static str),
    /// [`run_until`]'s `stop` asked the run to end before its last round.
    #[error("stopped before the last round (the run's time ran out or it was cancelled)")]
    Stopped,
}

/// Runs the model on one issue.
///
/// # Errors
///
/// [`EumError`] for fewer than two actors, non-finite values, salience outside `0..=1`,
/// non-positive capability, an invalid scale or a position outside it, all positions equal, or
/// a configuration value out of its domain (`q`, `t` outside `0..=1`, negative or non-finite
/// `tolerance`).
pub fn run(input: &EumInput, config: &EumConfig) -> Result<EumResult, EumError> {
    run_until(input, config, &|| false)
}

/// [`run`], asking `stop` before every round: the server's forecasts end when their request's
/// time runs out or its client goes, instead of holding a worker for the remaining rounds.
///
/// # Errors
///
/// As [`run`], and [`EumError::Stopped`] when `stop` returned `true`.
pub fn run_until(
    input: &EumInput,
    config: &EumConfig,
    stop: &dyn Fn() -> bool,
) -> Result<EumResult, EumError> {
    validate(input, config)?;
    let actors = input.actors;
    let n = actors.len();
    // Adding +0.0 turns -0.0 into +0.0, so the two zeros are one position (issue 16).
    let positions: Vec<f64> = actors.iter().map(|a| a.position + 0.0).collect();
    let (lo, hi) = min_max(&positions);
    let range = match config.range {
        RangeBasis::InitialPositions => hi - lo,
        RangeBasis::Scale => input.scale.1 - input.scale.0,
    };
    let mut engine = Engine::new(actors, range, config);
    let mut rounds = Vec::with_capacity(config.max_rounds.min(1024) + 1);
    rounds.push(EumRound {
        round: 0,
        median: engine.median(&positions),
        mean: engine.mean(&positions),
        positions,
        risk: vec![1.0; n],
        offers: Vec::new(),
    });
    let threshold = config.tolerance * range;
    let mut outcome = Termination::RoundCap {
        rounds: config.max_rounds,
    };
    for k in 1..=config.max_rounds {
        if stop() {
            return Err(EumError::Stopped);
        }
        let Some(prev) = rounds.last() else {
            break;
        };
        let centre = match config.centre {
            Centre::Median => prev.median,
            Centre::Mean => prev.mean,
        };
        let current = prev.positions.clone();
        let risk = engine.risk_exponents(&current, centre);
        let offers = engine.offers(&current, &risk, centre);
        let mut next = current.clone();
        for offer in &offers {
            next[offer.receiver] = offer.to + 0.0;
        }
        let moved = max_abs_diff(&next, &current);
        rounds.push(EumRound {
            round: k,
            median: engine.median(&next),
            mean: engine.mean(&next),
            positions: next,
            risk,
            offers,
        });
        if moved <= threshold {
            outcome = Termination::FixedPoint { round: k };
            break;
        }
        // Period 1 is the fixed point above, so look from two rounds back.
        let latest = &rounds[k].positions;
        if let Some(first) = (0..k.saturating_sub(1))
            .find(|&e| max_abs_diff(&rounds[e].positions, latest) <= threshold)
        {
            outcome = Termination::Cycle {
                first_round: first,
                period: k - first,
            };
            break;
        }
    }
    let (forecast_median, forecast_mean) = rounds
        .last()
        .map_or((f64::NAN, f64::NAN), |r| (r.median, r.mean));
    Ok(EumResult {
        rounds,
        outcome,
        forecast_median,
        forecast_mean,
    })
}

fn validate(input: &EumInput, config: &EumConfig) -> Result<(), EumError> {
    let actors = input.actors;
    if actors.len() < 2 {
        return Err(EumError::TooFewActors(actors.len()));
    }
    let (min, max) = input.scale;
    if !(min.is_finite() && max.is_finite() && min < max) {
        return Err(EumError::InvalidScale { min, max });
    }
    for (actor, a) in actors.iter().enumerate() {
        for (field, value) in [
            ("capability", a.capability),
            ("position", a.position),
            ("salience", a.salience),
        ] {
            if !value.is_finite() {
                return Err(EumError::NonFinite { actor, field });
            }
        }
        if !(0.0..=1.0).contains(&a.salience) {
            return Err(EumError::SalienceOutOfRange {
                actor,
                salience: a.salience,
            });
        }
        if a.capability <= 0.0 {
            return Err(EumError::NonPositiveCapability {
                actor,
                capability: a.capability,
            });
        }
        if !(min..=max).contains(&a.position) {
            return Err(EumError::PositionOutsideScale {
                actor,
                position: a.position,
                min,
                max,
            });
        }
    }
    let positions: Vec<f64> = actors.iter().map(|a| a.position).collect();
    let (lo, hi) = min_max(&positions);
    if hi - lo <= 0.0 {
        return Err(EumError::ZeroRange);
    }
    if !(0.0..=1.0).contains(&config.q) {
        return Err(EumError::InvalidConfig("q must lie in 0..=1"));
    }
    if !(0.0..=1.0).contains(&config.t) {
        return Err(EumError::InvalidConfig("t must lie in 0..=1"));
    }
    if !(config.tolerance.is_finite() && config.tolerance >= 0.0) {
        return Err(EumError::InvalidConfig("tolerance must be finite and >= 0"));
    }
    if config.max_rounds > MAX_ROUNDS {
        return Err(EumError::InvalidConfig(
            "max_rounds must be at most MAX_ROUNDS (100,000)",
        ));
    }
    Ok(())
}

fn min_max(xs: &[f64]) -> (f64, f64) {
    xs.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).fold(0.0, |m, (x, y)| m.max((x - y).abs()))
}

/// Per-run constants and per-phase scratch space, reused across rounds to avoid reallocation.
struct Engine<'c> {
    config: &'c EumConfig,
    n: usize,
    range: f64,
    /// `c_k s_k`, the weight of each actor's vote.
    weight: Vec<f64>,
    salience: Vec<f64>,
    /// Distinct current positions, ascending.
    distinct: Vec<f64>,
    /// Index into `distinct` of each actor's position.
    slot: Vec<usize>,
    /// Number of actors at each distinct position.
    count: Vec<f64>,
    /// `util[p * n + k] = d(x_k, distinct[p])^r_k`: voter k's disutility of position p.
    util: Vec<f64>,
    /// `votes[p * m + q] = sum_k max(0, c_k s_k (util_k(q) - util_k(p)))`: support for p over q.
    votes: Vec<f64>,
    /// The all-pairs denominator (only filled for [`ProbabilityDenominator::AllPairs`]).
    all_pairs: f64,
}

impl<'c> Engine<'c> {
    fn new(actors: &[EumActor], range: f64, config: &'c EumConfig) -> Self {
        let n = actors.len();
        Self {
            config,
            n,
            range,
            weight: actors.iter().map(|a| a.capability * a.salience).collect(),
            salience: actors.iter().map(|a| a.salience).collect(),
            distinct: Vec::with_capacity(n),
            slot: vec![0; n],
            count: Vec::with_capacity(n),
            util: Vec::new(),
            votes: Vec::new(),
            all_pairs: 0.0,
        }
    }

    /// Weighted median by the replication's sequential pairwise vote (risk exponents 1), over the
    /// distinct positions in ascending order; a challenger replaces the incumbent only on a
    /// strictly positive vote, so among tied positions the lowest is kept.
    fn median(&self, positions: &[f64]) -> f64 {
        let mut distinct = positions.to_vec();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup_by(|a, b| a.total_cmp(b).is_eq());
        let mut median = distinct[0];
        for &challenger in &distinct[1..] {
            // Same operation order as the replication's `compare` with risk 1, so that the
            // sign of near-zero votes agrees with it.
            let votes: f64 = positions
                .iter()
                .zip(&self.weight)
                .map(|(&x, &w)| {
                    w * ((x - median).abs() / self.range - (x - challenger).abs() / self.range)
                })
                .sum();
            if votes > 0.0 {
                median = challenger;
            }
        }
        median
    }

    fn mean(&self, positions: &[f64]) -> f64 {
        let (num, den) = positions
            .iter()
            .zip(&self.weight)
            .fold((0.0, 0.0), |(num, den), (&x, &w)| (num + w * x, den + w));
        num / den
    }

    /// Fills `distinct`, `slot`, `count`, `util`, `votes` and `all_pairs` for the given positions
    /// and risk exponents. Cost: `O(n m)` powers, `O(n m^2)` for the vote sums, `O(n m)` for the
    /// all-pairs denominator, where `m <= n` is the number of distinct positions.
    fn prepare(&mut self, positions: &[f64], risk: &[f64]) {
        let n = self.n;
        self.distinct.clear();
        self.distinct.extend_from_slice(positions);
        self.distinct.sort_by(f64::total_cmp);
        // De-duplicate with the same order the slot search below uses: `==` would merge -0.0
        // with 0.0 and the search for the one removed would then miss (issue 16).
        self.distinct.dedup_by(|a, b| a.total_cmp(b).is_eq());
        let m = self.distinct.len();
        self.count.clear();
        self.count.resize(m, 0.0);
        for (slot, &x) in self.slot.iter_mut().zip(positions) {
            // Every position is in `distinct`, so the search always succeeds.
            *slot = self
                .distinct
                .binary_search_by(|p| p.total_cmp(&x))
                .unwrap_or_else(|i| i);
            self.count[*slot] += 1.0;
        }
        self.util.clear();
        self.util.resize(m * n, 0.0);
        for (p, &xp) in self.distinct.iter().enumerate() {
            let row = &mut self.util[p * n..(p + 1) * n];
            for ((u, &xk), &rk) in row.iter_mut().zip(positions).zip(risk) {
                *u = pow((xk - xp).abs() / self.range, rk);
            }
        }
        self.votes.clear();
        self.votes.resize(m * m, 0.0);
        for p in 0..m {
            for q in (p + 1)..m {
                let (up, uq) = (
                    &self.util[p * n..(p + 1) * n],
                    &self.util[q * n..(q + 1) * n],
                );
                let (for_p, for_q) = split_votes(up, uq, &self.weight);
                self.votes[p * m + q] = for_p;
                self.votes[q * m + p] = for_q;
            }
        }
        if self.config.denominator == ProbabilityDenominator::AllPairs {
            self.all_pairs = self.all_pairs_denominator(positions);
        }
    }

    /// `sum_k c_k s_k sum_a sum_b |util_k(a) - util_k(b)|` over actors `a`, `b`. For each voter the
    /// distinct positions are visited in order of distance from it (a merge outward from its own
    /// position), which sorts its utilities, so the pair sum is a running prefix sum: `O(m)` per
    /// voter instead of `O(n^2)`.
    fn all_pairs_denominator(&self, positions: &[f64]) -> f64 {
        let n = self.n;
        let m = self.distinct.len();
        let mut total = 0.0;
        for (k, &xk) in positions.iter().enumerate() {
            let home = self.slot[k];
            let (mut left, mut right) = (home, home + 1);
            let (mut seen, mut seen_sum, mut pairs) = (0.0, 0.0, 0.0);
            let mut take = |p: usize| {
                let u = self.util[p * n + k];
                let c = self.count[p];
                pairs += c * (u * seen - seen_sum);
                seen += c;
                seen_sum += c * u;
            };
            // `left` counts down and is one past the next slot to take, hence `left > 0`.
            take(home);
            while left > 0 || right < m {
                let go_left = if left == 0 {
                    false
                } else if right == m {
                    true
                } else {
                    (xk - self.distinct[left - 1]).abs() <= (self.distinct[right] - xk).abs()
                };
                if go_left {
                    left -= 1;
                    take(left);
                } else {
                    take(right);
                    right += 1;
                }
            }
            total += self.weight[k] * 2.0 * pairs;
        }
        total
    }

    /// Probability that the position in slot `p` beats that in slot `q`.
    fn probability(&self, p: usize, q: usize) -> f64 {
        if p == q {
            return 0.0;
        }
        let m = self.distinct.len();
        let support = self.votes[p * m + q];
        match self.config.denominator {
            ProbabilityDenominator::AllPairs => {
                if self.all_pairs > 0.0 {
                    support / self.all_pairs
                } else {
                    0.0
                }
            }
            ProbabilityDenominator::PairOnly => {
                let total = support + self.votes[q * m + p];
                if total > 0.0 { support / total } else { 0.5 }
            }
        }
    }

    /// `E U` of `challenger` challenging `target`, with risk exponent `r`; `base` holds
    /// `(U_s, U_f, U_sq)` for this distance and exponent.
    fn expected_utility(
        &self,
        positions: &[f64],
        challenger: usize,
        target: usize,
        r: f64,
        base: (f64, f64, f64),
        centre: f64,
    ) -> f64 {
        let (us, uf, usq) = base;
        let p = self.probability(self.slot[challenger], self.slot[target]);
        let sj = self.salience[target];
        let q = self.config.q;
        // Operation order as in the replication: resist + not resist - status quo.
        let mut eu = sj * (p * us + (1.0 - p) * uf) + (1.0 - sj) * us - q * usq;
        if q != 1.0 {
            let (xi, xj) = (positions[challenger], positions[target]);
            let a = 0.25 * ((xi - centre).abs() + (xi - xj).abs()) / self.range;
            let ub = 2.0 - 4.0 * pow((0.5 - a).max(0.0), r);
            let uw = 2.0 - 4.0 * pow(0.5 + a, r);
            let t = self.config.t;
            eu -= (1.0 - q) * (t * ub + (1.0 - t) * uw);
        }
        eu
    }

    /// `(U_s, U_f, U_sq)` for a challenge across distance `dist` with exponent `r`; `usq` is
    /// `U_sq` for `r`, which depends on `r` only and so is computed once per actor and phase.
    fn base_utilities(&self, dist: f64, r: f64, usq: f64) -> (f64, f64, f64) {
        let us = 2.0 - 4.0 * pow((0.5 - 0.5 * dist / self.range).max(0.0), r);
        let uf = 2.0 - 4.0 * pow(0.5 + 0.5 * dist / self.range, r);
        (us, uf, usq)
    }

    /// Risk exponents from danger levels computed with all exponents 1.
    fn risk_exponents(&mut self, positions: &[f64], centre: f64) -> Vec<f64> {
        let n = self.n;
        let ones = vec![1.0; n];
        self.prepare(positions, &ones);
        let danger: Vec<f64> = (0..n)
            .map(|i| {
                (0..n)
                    .filter(|&j| j != i)
                    .map(|j| {
                        let base = self.base_utilities(
                            (positions[j] - positions[i]).abs(),
                            1.0,
                            status_quo_utility(1.0),
                        );
                        self.expected_utility(positions, j, i, 1.0, base, centre)
                    })
                    .sum()
            })
            .collect();
        let (lo, hi) = min_max(&danger);
        let spread = hi - lo;
        danger
            .iter()
            .map(|&d| {
                // Equal danger everywhere leaves no basis for differing attitudes: neutral.
                let acceptance = if spread > 0.0 {
                    (2.0 * d - hi - lo) / spread
                } else {
                    0.0
                };
                (1.0 - acceptance / 3.0) / (1.0 + acceptance / 3.0)
            })
            .collect()
    }

    /// Each actor's accepted offer, if any, given this round's risk exponents.
    fn offers(&mut self, positions: &[f64], risk: &[f64], centre: f64) -> Vec<AcceptedOffer> {
        self.prepare(positions, risk);
        let n = self.n;
        let status_quo: Vec<f64> = risk.iter().map(|&r| status_quo_utility(r)).collect();
        let mut accepted = Vec::new();
        for i in 0..n {
            let xi = positions[i];
            let ri = risk[i];
            // Best offer per kind: (key, offer); the first strictly smaller key wins ties.
            let mut best: [Option<(f64, AcceptedOffer)>; 3] = [None; 3];
            for j in 0..n {
                let xj = positions[j];
                if xj == xi {
                    continue;
                }
                let dist = (xi - xj).abs();
                let base_i = self.base_utilities(dist, ri, status_quo[i]);
                let eu_ij = self.expected_utility(positions, i, j, ri, base_i, centre);
                let (rj, base_j) = match self.config.risk_perspective {
                    RiskPerspective::Own if risk[j] != ri => {
                        (risk[j], self.base_utilities(dist, risk[j], status_quo[j]))
                    }
                    _ => (ri, base_i),
                };
                let eu_ji = self.expected_utility(positions, j, i, rj, base_j, centre);
                let Some((kind, to)) = classify(eu_ij, eu_ji, xi, xj, self.config.capitulation)
                else {
                    continue;
                };
                let offer = AcceptedOffer {
                    receiver: i,
                    proposer: j,
                    kind,
                    eu_receiver: eu_ij,
                    eu_proposer: eu_ji,
                    from: xi,
                    to,
                };
                let (slot, key) = match (self.config.offer_choice, kind) {
                    (OfferChoice::SmallestMove, _) => (0, (to - xi).abs()),
                    (OfferChoice::TypePriority, OfferKind::Confrontation) => (0, (to - xi).abs()),
                    (OfferChoice::TypePriority, OfferKind::Compromise) => {
                        let (a, b) = (eu_ij.abs(), eu_ji.abs());
                        (1, (a * xi + b * xj) / (a + b))
                    }
                    (OfferChoice::TypePriority, OfferKind::Capitulation) => (2, (to - xi).abs()),
                };
                if best[slot].is_none_or(|(k, _)| key < k) {
                    best[slot] = Some((key, offer));
                }
            }
            // Slots are in priority order; with `SmallestMove` only slot 0 is used.
            if let Some((_, offer)) = best.iter().flatten().next() {
                accepted.push(*offer);
            }
        }
        accepted
    }
}

/// `U_sq = 2 - 4 (1/2)^r`; exactly 0 for `r = 1`.
fn status_quo_utility(r: f64) -> f64 {
    2.0 - 4.0 * pow(0.5, r)
}

/// Lanes of independent partial sums in [`split_votes`]: breaking the serial dependency of one
/// running sum lets the compiler vectorise; it reorders the additions, which moves results by a
/// few ulps only.
const LANES: usize = 8;

/// `(sum_k max(0, v_k), sum_k max(0, -v_k))` with `v_k = w_k (uq_k - up_k)`: the support for
/// `p` over `q` and for `q` over `p`. The vote for `q` over `p` is exactly the negated vote for
/// `p` over `q` (IEEE subtraction is antisymmetric), so one pass fills both directions.
fn split_votes(up: &[f64], uq: &[f64], weight: &[f64]) -> (f64, f64) {
    let mut for_p = [0.0; LANES];
    let mut for_q = [0.0; LANES];
    let chunks = up
        .chunks_exact(LANES)
        .zip(uq.chunks_exact(LANES))
        .zip(weight.chunks_exact(LANES));
    for ((a, b), w) in chunks {
        for l in 0..LANES {
            let v = w[l] * (b[l] - a[l]);
            for_p[l] += v.max(0.0);
            for_q[l] += (-v).max(0.0);
        }
    }
    let tail = up.len() - up.len() % LANES;
    let (mut sp, mut sq) = (for_p.iter().sum::<f64>(), for_q.iter().sum::<f64>());
    for ((&a, &b), &w) in up[tail..].iter().zip(&uq[tail..]).zip(&weight[tail..]) {
        let v = w * (b - a);
        sp += v.max(0.0);
        sq += (-v).max(0.0);
    }
    (sp, sq)
}

/// `x^r`, exact and cheap for the common `r = 1` (every exponent is 1 in the risk step).
fn pow(x: f64, r: f64) -> f64 {
    if r == 1.0 { x } else { x.powf(r) }
}

/// Classifies the pair `(eu_ij, eu_ji)` seen by receiver `i`: the offer kind and `i`'s new
/// position, or `None` when `i` receives no offer from `j`.
fn classify(
    eu_ij: f64,
    eu_ji: f64,
    xi: f64,
    xj: f64,
    capitulation: Capitulation,
) -> Option<(OfferKind, f64)> {
    if eu_ji > eu_ij && eu_ij > 0.0 {
        Some((OfferKind::Confrontation, xj))
    } else if eu_ji > 0.0 && 0.0 > eu_ij && eu_ji > eu_ij.abs() {
        Some((
            OfferKind::Compromise,
            xi + (xj - xi) * (eu_ij / eu_ji).abs(),
        ))
    } else if capitulation == Capitulation::AsWritten
        && eu_ji > 0.0
        && 0.0 > eu_ij
        && eu_ij.abs() > eu_ji
    {
        Some((OfferKind::Capitulation, xj))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    //! Checks of the fast paths against their direct definitions.

    use super::*;

    fn engine_for(positions: &[f64], risk: &[f64], config: &EumConfig) -> (Engine<'static>, f64) {
        let actors: Vec<EumActor> = positions
            .iter()
            .enumerate()
            .map(|(k, &x)| EumActor {
                capability: 1.0 + k as f64 * 0.37 % 1.0,
                position: x,
                salience: 0.1 + (k as f64 * 0.61) % 0.9,
            })
            .collect();
        let config: &'static EumConfig = Box::leak(Box::new(*config));
        let (lo, hi) = min_max(positions);
        let mut engine = Engine::new(&actors, hi - lo, config);
        engine.prepare(positions, risk);
        (engine, hi - lo)
    }

    /// Issue 16: positions -0.0 and 0.0 on one issue panicked (de-duplication by `==` merged
    /// them, the slot search by `total_cmp` then missed one). Both zeros are one position, so
    /// the run equals the run with two +0.0 positions.
    #[test]
    fn negative_and_positive_zero_are_one_position() {
        let actors = |first: f64| {
            [first, 0.0, 1.0, 0.4].map(|x| EumActor {
                capability: 1.0 + x,
                position: x,
                salience: 0.5,
            })
        };
        let config = EumConfig::scholz();
        let (neg, pos) = (actors(-0.0), actors(0.0));
        let a = run(
            &EumInput {
                actors: &neg,
                scale: (-1.0, 1.0),
            },
            &config,
        );
        let b = run(
            &EumInput {
                actors: &pos,
                scale: (-1.0, 1.0),
            },
            &config,
        );
        assert!(a.is_ok(), "{a:?}");
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        // The engine's own de-duplication agrees with its slot search even when handed -0.0.
        let (engine, _) = engine_for(&[-0.0, 0.0, 1.0], &[1.0; 3], &config);
        assert_eq!(engine.distinct.len(), 3);
        assert!(engine.slot.iter().all(|&s| s < engine.distinct.len()));
    }

    /// Positions with repeats, and exponents in [1/2, 2].
    fn sample() -> (Vec<f64>, Vec<f64>) {
        let positions = vec![3.0, 7.5, 3.0, 10.0, 0.0, 7.5, 4.25, 9.0, 0.0, 3.0, 6.0];
        let risk = positions
            .iter()
            .enumerate()
            .map(|(k, _)| 0.5 + (k as f64 * 0.43) % 1.5)
            .collect();
        (positions, risk)
    }

    #[test]
    fn all_pairs_denominator_matches_the_triple_sum() {
        let (positions, risk) = sample();
        let (engine, range) = engine_for(&positions, &risk, &EumConfig::scholz());
        let mut direct = 0.0;
        for (k, &xk) in positions.iter().enumerate() {
            let u = |x: f64| ((xk - x).abs() / range).powf(risk[k]);
            for &a in &positions {
                for &b in &positions {
                    direct += (engine.weight[k] * (u(b) - u(a))).abs();
                }
            }
        }
        assert!(
            (engine.all_pairs - direct).abs() <= 1e-12 * direct,
            "{direct}"
        );
    }

    #[test]
    fn votes_match_the_direct_sum_and_pair_only_probabilities_sum_to_one() {
        let (positions, risk) = sample();
        let (engine, range) = engine_for(&positions, &risk, &EumConfig::bdm());
        let m = engine.distinct.len();
        for p in 0..m {
            for q in 0..m {
                let (xp, xq) = (engine.distinct[p], engine.distinct[q]);
                let direct: f64 = positions
                    .iter()
                    .enumerate()
                    .map(|(k, &xk)| {
                        let u = |x: f64| ((xk - x).abs() / range).powf(risk[k]);
                        (engine.weight[k] * (u(xq) - u(xp))).max(0.0)
                    })
                    .sum();
                let fast = engine.votes[p * m + q];
                assert!((fast - direct).abs() <= 1e-12 * direct.max(1.0));
                if p != q {
                    let total = engine.probability(p, q) + engine.probability(q, p);
                    assert!((total - 1.0).abs() < 1e-12, "{total}");
                }
            }
        }
    }
}
