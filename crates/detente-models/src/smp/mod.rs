//! KTAB's Spatial Model of Politics (SMP): actors with positions on several dimensions at once
//! challenge one another, strike bargains, and move, turn by turn, until movement dies down.
//!
//! # What it models
//!
//! Each actor `i` has a capability `c_i`, a position `x_i` in `[0, 100]^D` and a salience
//! `s_ik` for each dimension `k` (attention; `sum_k s_ik <= 100`). Internally positions and
//! saliences are divided by 100. Each actor also has an ideal, from which it judges positions;
//! it starts at the actor's position. One turn, from a state of positions and ideals:
//!
//! 1. **Distance and utility.** Actor `i` sees position `y` at the salience-weighted distance
//!    `d_i(y) = sqrt(sum_k (s_ik (z_ik - y_k))^2 / sum_k s_ik^2)` from its ideal `z_i`, in
//!    `[0, 1]`, and values it at
//!    `u = (1 - d)(1 + d r)` for risk attitude `r`.
//! 2. **Risk attitudes.** A risk-neutral (`r = 0`) probabilistic Condorcet election among all
//!    actors' positions, each actor voting with weight `c_i` (see below), gives each position a
//!    win probability `p_i`; [`BigRRange`] maps them linearly to `r_i`, the most likely position
//!    to `+1` (risk averse). Actor `h` estimates `i`'s attitude as a mix of its own and `i`'s
//!    ([`BigRAdjust`]), so each actor has its own utility matrix `U^h`.
//! 3. **Challenges.** For every target `j`, actor `i` estimates (with `U^i`) the chance `P_ij`
//!    that it would win a contest against `j`: `i` and `j` vote with weight `c s` (capability
//!    times total salience) by the [`VotingRule`], and every third party `m` joins the side it
//!    prefers after weighing the little three-actor contest under [`ThirdPartyCommit`]. The
//!    expected change in `i`'s utility is
//!    `(1 - s_j) 2u_i(x_i) + s_j (P_ij 2u_i(x_i) + (1 - P_ij) 2u_i(x_j)) - (u_i(x_i) + u_i(x_j))`
//!    (a target with low salience gives in without a contest). Each actor challenges the target
//!    with the largest expected gain, if that gain exceeds `1e-5`.
//! 4. **Bargains.** The challenge becomes a bargain: new positions for both parties,
//!    interpolated dimension by dimension between their positions with weights that grow with
//!    salience and the chance of winning ([`InterVecBargain`]; KTAB's default weighs by
//!    `s^2 P^2` and rounds to 1e-4 on the 0..1 scale), from the view the [`BargainModel`] names.
//! 5. **Choice.** Every actor `k` then holds a set of options: keeping its position, and each
//!    bargain it is party to. Each option is valued by every actor as the mean of its utilities
//!    for the resulting positions of all actors, and a probabilistic Condorcet election among
//!    the options, all actors voting with weight `c`, gives each option a probability. `k`
//!    adopts the most probable option ([`StateTransitions::Deterministic`]) or draws one.
//!    All actors move at once.
//! 6. **Ideals.** Each ideal moves toward the new positions by the accommodation matrix `A`:
//!    `z_i <- sum_j A_ij x_j + (1 - sum_j A_ij) z_i`. `A` is the identity (ideals are the
//!    current positions) unless a KTAB XML file gives an `IdealAdjustment`.
//!
//! **Probabilistic Condorcet election.** For options `a`, `b`, the coalition strength `C(a, b)`
//! sums the positive votes for `a` over `b` (plus `1e-8`); `P[a beats b]` follows from the two
//! strengths by the [`VictoryProbModel`]; the [`PceModel`] turns that matrix into one
//! probability per option (conditional: the normalised product over `b` of `P[a beats b]`).
//!
//! **Win probabilities reported.** Each state's win probability of an actor is that of its
//! position in the Condorcet election among distinct positions (within
//! [`SmpConfig::position_tolerance`]), each actor voting with its own estimated utilities and
//! weight `c`. Actors at the same position share one probability, so the column can sum to more
//! than one (as in KTAB's printout).
//!
//! **Stopping.** See [`StopRule`]: after at least two turns, when a turn moves actors less than
//! 2% of what the first turn did, or after 100 turns.
//!
//! # Assumptions
//!
//! - Unless told otherwise, actors' ideals are their current positions every turn (KTAB's
//!   identity accommodation, the only one its CSV format expresses): they judge bargains from
//!   where they stand, not from where they started.
//! - Every actor sees all positions, capabilities and saliences; only risk attitudes are
//!   estimated.
//! - Ties between targets go to the lowest-numbered target; ties between options go to the
//!   first option, in the order: keep position, then bargains by initiator number. KTAB builds
//!   that list from parallel threads, so its order on an exact tie can vary from run to run.
//! - Two KTAB details are kept as KTAB runs them, because they change results under non-default
//!   options: with [`BargainModel::InitRcvrInterp`] and [`BargainModel::PwCompInterp`] the
//!   receiver's interpolation uses the receiver's estimate of the initiator's expected gain
//!   where KTAB's comment promises its estimate of the initiator's win probability; and the
//!   power-weighted compromise weighs the receiver's view by the initiator's capability times
//!   the receiver's salience.
//! - When every position is equally likely (everyone holds the same position) the risk scale has
//!   no width; KTAB divides by zero there, detente makes everyone risk neutral, so a run that
//!   reaches consensus stops normally.
//! - Stochastic transitions draw one uniform number per actor, in actor order, from a source
//!   the caller supplies ([`run_with_draws`]); detente's callers use a seeded ChaCha generator.
//!   KTAB draws from its own generator in parallel threads, so its stochastic runs are not
//!   reproducible draw for draw and are not matched.
//!
//! # Parameters
//!
//! The scenario ([`SmpInput`]) comes from KTAB's CSV ([`parse_ktab_csv`]) or XML
//! ([`parse_ktab_xml`], which also carries model parameters, a seed and the ideal-adjustment
//! matrix); on the command line, `detente smp FILE`. [`run`] returns every state with its
//! positions, win probabilities, risk attitudes, the challenges made and the moves in words.
//!
//! [`SmpConfig`] holds all nine KTAB model parameters plus the position tolerance and the
//! stopping rule; [`SmpConfig::ktab`] (the `Default`) is KTAB's preset for CSV input:
//!
//! | parameter | KTAB name | default |
//! |---|---|---|
//! | [`VictoryProbModel`] | VictoryProbModel | Linear |
//! | [`PceModel`] | PCEModel | Conditional |
//! | [`StateTransitions`] | StateTransitions | Deterministic |
//! | [`VotingRule`] | VotingRule | Prop |
//! | [`BigRAdjust`] | BigRAdjust | OneThird |
//! | [`BigRRange`] | BigRRange | Mid |
//! | [`ThirdPartyCommit`] | ThirdPartyCommit | SemiCommit |
//! | [`InterVecBargain`] | InterVecBrgn | S2P2 |
//! | [`BargainModel`] | BargnModel | InitOnlyInterp |
//! | position tolerance | posTol | 1e-3 (0..1 scale) |
//! | accommodation ([`SmpInput::ideal_adjustment`]) | IdealAdjustment (XML) | identity |
//! | [`StopRule`] | smpStopFn | 2..100 turns, ratio 0.02, floor 1e-4 |
//!
//! With these defaults the model reproduces KTAB's `smpc` turn by turn on KTAB's five example
//! CSV files (positions to 1e-6 on the 0..100 scale, the number of turns, and win probabilities
//! to the four decimals KTAB prints), and so it does on three of them with each non-default
//! value of each parameter, one at a time; see `tests/it/smp_ktab.rs` and
//! `tests/data/ktab/README.md`. Three settings have no fixed KTAB answer to match: stochastic
//! transitions (see above), `BigRAdjust::Full` (KTAB refuses to run it: a sanity check demands
//! that estimated risk attitudes differ from the true ones; detente runs it), and
//! `VotingRule::AsymmetricProspect`, the one rule whose vote for `a` over `b` is not minus its
//! vote for `b` over `a`, so that coalition strengths depend on the order of the options: KTAB
//! orders each actor's bargains as its threads finish, and identical KTAB runs differ.
//!
//! # References
//!
//! KAPSARC's discussion and methodology papers on KTAB, by B. Wise, L. Lester, B. Efird and
//! colleagues (titles and addresses as KTAB's own "Papers & Data" page lists them; author lists
//! and years were not checked against the PDFs, which were not available here):
//!
//! - "An Introduction to the KAPSARC Toolkit for Behavioral Analysis (KTAB)",
//!   kapsarc.org/research/publications/an-introduction-to-the-kapsarc-toolkit-for-behavioral-analysis-ktab/
//!   (the one-dimensional SMP, utilities, risk attitudes, the Condorcet election).
//! - "Multidimensional Bargaining Using KTAB",
//!   kapsarc.org/research/publications/multidimensional-bargaining-using-ktab/ (the
//!   multi-dimensional SMP: weighted distance, challenges, interpolated bargains).
//! - "Group Choice with Interdependent Sublinear Voting",
//!   kapsarc.org/research/publications/group-choice-with-interdependent-sublinear-voting/
//!   (voting rules and coalition strength).
//! - The SOE data sets come from KAPSARC's application of the SMP to the reform of China's
//!   upstream state-owned oil and gas enterprises (`SOE-data-from-paper.xlsx` in KTAB).
//! - KTAB source code, github.com/KAPSARC/KTAB (MIT licence), `examples/smp/libsrc` and
//!   `KTAB/kmodel`, studied at commit 3b5b063 of the lsyaseen/KTAB mirror; no code was copied.

mod config;
mod engine;
mod input;
mod pce;
mod scenario;
use std::fmt;

use serde::Serialize;

pub use config::{
    BargainModel, BigRAdjust, BigRRange, InterVecBargain, MAX_TURNS, ParseOptionError, PceModel,
    SmpConfig, StateTransitions, StopRule, ThirdPartyCommit, VictoryProbModel, VotingRule,
};
pub use input::{
    IdealAdjustment, KtabXml, MAX_ACTORS, MIN_ACTORS, SmpActor, SmpInput, parse_ktab_csv,
    parse_ktab_xml,
};
pub use scenario::{SEED_KEY, SpaceInput, from_space, to_scenario_file};

use engine::{Actors, BargainView, State};

/// What can go wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SmpError {
    /// The input breaks a rule; names where and how to fix it.
    #[error("{file}{}: {field}: {message} (fix: {fix})", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Input {
        /// File or input name.
        file: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// Field or element.
        field: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        fix: String,
    },
    /// The model reached a state where a quantity is undefined (KTAB aborts there too).
    #[error("the SMP cannot continue: {0}")]
    Numerical(String),
    /// Stochastic transitions were asked for without a source of random draws.
    #[error(
        "stochastic state transitions need random draws: call run_with_draws with a seeded \
         generator, or use the deterministic transitions"
    )]
    NeedsDraws,
}

/// Why the run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StopReason {
    /// The last turn moved actors less than `min_delta_ratio` of the first turn's movement.
    Quiet {
        /// Movement of the last turn over that of the first (plus the floor).
        ratio: f64,
    },
    /// The turn limit was reached.
    MaxTurns,
}

/// Whose view of the contest produced a bargain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BargainSource {
    /// The initiator's estimate of its chance to win.
    Initiator,
    /// The receiver's view (KTAB's `InitRcvrInterp`).
    Receiver,
    /// The power-weighted compromise of both views (KTAB's `PWCompInterp`).
    Compromise,
}

/// An actor's best challenge in a turn: what it expected, and the bargain it led to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpChallenge {
    /// Challenger.
    pub initiator: usize,
    /// Target.
    pub target: usize,
    /// The challenger's estimate of its chance to win a contest.
    pub win_probability: f64,
    /// The challenger's expected gain in utility (0..2 scale of two positions' utilities).
    pub expected_gain: f64,
}

/// An actor's move in a turn and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpMove {
    /// The actor who moved.
    pub actor: usize,
    /// Its position before, 0..100 per dimension.
    pub from: Vec<f64>,
    /// Its position after.
    pub to: Vec<f64>,
    /// Initiator of the bargain it adopted.
    pub initiator: usize,
    /// Receiver of that bargain.
    pub receiver: usize,
    /// Whose view produced the bargain.
    pub source: BargainSource,
    /// The initiator's estimate of its chance to win the contest behind the bargain.
    pub initiator_win_probability: f64,
    /// The initiator's expected gain from the challenge.
    pub initiator_gain: f64,
    /// Probability of this bargain in the Condorcet election among the actor's options.
    pub probability: f64,
    /// Number of options the actor had (keeping its position included).
    pub options: usize,
    /// The move in words.
    pub reason: String,
}

/// One state of the run: turn 0 is the input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpState {
    /// Turn number.
    pub turn: usize,
    /// Position of each actor on each dimension, 0..100.
    pub positions: Vec<Vec<f64>>,
    /// Each actor's win probability (that of its position).
    pub win_probability: Vec<f64>,
    /// Each actor's risk attitude in this state (from the risk-neutral election).
    pub risk_attitude: Vec<f64>,
    /// The challenges made in the previous state that led here (empty for turn 0).
    pub challenges: Vec<SmpChallenge>,
    /// The moves that led here (empty for turn 0).
    pub moves: Vec<SmpMove>,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpRun {
    /// Scenario name.
    pub scenario: String,
    /// Dimension names.
    pub dimensions: Vec<String>,
    /// Actor names, in input order.
    pub actors: Vec<String>,
    /// The parameters used.
    pub config: SmpConfig,
    /// Turn 0 (the input) and every turn after it.
    pub states: Vec<SmpState>,
    /// Why the run stopped.
    pub stop: StopReason,
}

impl SmpRun {
    /// Number of turns (states after the first).
    pub fn turns(&self) -> usize {
        self.states.len().saturating_sub(1)
    }

    /// The final state (`None` only for a hand-built run without states).
    pub fn last(&self) -> Option<&SmpState> {
        self.states.last()
    }

    /// The most likely outcome: the actor whose final position has the highest win probability
    /// (the first such actor on a tie), with that probability. `None` without states.
    pub fn most_likely(&self) -> Option<(usize, f64)> {
        let last = self.last()?;
        let mut best = 0;
        for (i, &p) in last.win_probability.iter().enumerate() {
            if p > last.win_probability[best] {
                best = i;
            }
        }
        last.win_probability.get(best).map(|&p| (best, p))
    }
}

/// Runs the SMP with deterministic transitions (stochastic ones need [`run_with_draws`]).
pub fn run(input: &SmpInput, config: &SmpConfig) -> Result<SmpRun, SmpError> {
    if config.state_transitions == StateTransitions::Stochastic {
        return Err(SmpError::NeedsDraws);
    }
    run_with_draws(input, config, &mut || 0.0)
}

/// Runs the SMP; `draw` returns uniform numbers in `[0, 1)` and is called once per actor per
/// turn, in actor order, when transitions are stochastic (never otherwise).
pub fn run_with_draws(
    input: &SmpInput,
    config: &SmpConfig,
    draw: &mut dyn FnMut() -> f64,
) -> Result<SmpRun, SmpError> {
    input.validate(&input.name)?;
    let n = input.actors.len();
    let d = input.dimensions.len();
    let actors = Actors {
        n,
        d,
        cap: input.actors.iter().map(|a| a.capability).collect(),
        sal: input
            .actors
            .iter()
            .flat_map(|a| a.salience.iter().map(|s| s / 100.0))
            .collect(),
        sal_sum: input
            .actors
            .iter()
            .map(|a| a.salience.iter().fold(0.0, |t, s| t + s / 100.0))
            .collect(),
    };
    let names: Vec<String> = input.actors.iter().map(|a| a.name.clone()).collect();
    let pos0: Vec<f64> = input
        .actors
        .iter()
        .flat_map(|a| a.position.iter().map(|p| p / 100.0))
        .collect();
    let stop = config.stop;
    let max_turns = stop.max_turns.max(1);
    let min_turns = stop.min_turns.max(1);

    let acc = input.accommodation();
    let mut state = State::new(&actors, pos0.clone(), pos0, config)?;
    let mut states = vec![snapshot(
        &actors,
        &state,
        config,
        0,
        Vec::new(),
        Vec::new(),
    )?];
    let mut history: Vec<Vec<f64>> = vec![state.pos.clone()];
    let stop_reason = loop {
        let t = history.len();
        let out = engine::turn(&actors, &state, config, draw)?;
        let challenges: Vec<SmpChallenge> = out
            .challenges
            .iter()
            .map(|c| SmpChallenge {
                initiator: c.init,
                target: c.target,
                win_probability: c.p_win,
                expected_gain: c.gain,
            })
            .collect();
        let mut moves = Vec::new();
        for (k, ch) in out.choices.iter().enumerate() {
            let Some(b) = ch.bargain else { continue };
            let old = state.pos(k, d);
            let new = &out.new_pos[k * d..(k + 1) * d];
            if old == new {
                continue;
            }
            let bg = &out.bargains[b];
            let Some(c) = out.challenges.iter().find(|c| c.init == bg.init) else {
                continue;
            };
            let mut mv = SmpMove {
                actor: k,
                from: old.iter().map(|x| x * 100.0).collect(),
                to: new.iter().map(|x| x * 100.0).collect(),
                initiator: bg.init,
                receiver: bg.rcvr,
                source: match bg.view {
                    BargainView::Initiator => BargainSource::Initiator,
                    BargainView::Receiver => BargainSource::Receiver,
                    BargainView::Compromise => BargainSource::Compromise,
                },
                initiator_win_probability: c.p_win,
                initiator_gain: c.gain,
                probability: ch.probability,
                options: ch.options,
                reason: String::new(),
            };
            mv.reason = describe_move(&mv, &names, &input.dimensions);
            moves.push(mv);
        }
        let ideal = engine::new_ideals(&acc, &out.new_pos, &state.ideal, n, d);
        let next = State::new(&actors, out.new_pos, ideal, config)?;
        history.push(next.pos.clone());
        states.push(snapshot(&actors, &next, config, t, challenges, moves)?);
        state = next;
        let d01 = engine::state_distance(&history[0], &history[1], n, d) + stop.min_sig_delta;
        let dxy = engine::state_distance(&history[t], &history[t - 1], n, d);
        let ratio = dxy / d01;
        if t >= max_turns {
            break StopReason::MaxTurns;
        }
        if t >= min_turns && ratio < stop.min_delta_ratio {
            break StopReason::Quiet { ratio };
        }
    };
    Ok(SmpRun {
        scenario: input.name.clone(),
        dimensions: input.dimensions.clone(),
        actors: names,
        config: *config,
        states,
        stop: stop_reason,
    })
}

fn snapshot(
    actors: &Actors,
    st: &State,
    config: &SmpConfig,
    turn: usize,
    challenges: Vec<SmpChallenge>,
    moves: Vec<SmpMove>,
) -> Result<SmpState, SmpError> {
    Ok(SmpState {
        turn,
        positions: (0..actors.n)
            .map(|i| st.pos(i, actors.d).iter().map(|x| x * 100.0).collect())
            .collect(),
        win_probability: st.win_probabilities(actors, config)?,
        risk_attitude: st.risk.clone(),
        challenges,
        moves,
    })
}

/// A position in words: `(12.34, 56.78)`, or `42.00` on one dimension.
struct Point<'a>(&'a [f64]);

impl fmt::Display for Point<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [x] = self.0 {
            return write!(f, "{x:.2}");
        }
        f.write_str("(")?;
        for (k, x) in self.0.iter().enumerate() {
            if k > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{x:.2}")?;
        }
        f.write_str(")")
    }
}

/// The one wording of an SMP move, for terminal, reports and JSON.
fn describe_move(mv: &SmpMove, names: &[String], dims: &[String]) -> String {
    let who = &names[mv.actor];
    let (i, j) = (&names[mv.initiator], &names[mv.receiver]);
    let on = if dims.len() == 1 {
        format!(" on {}", dims[0])
    } else {
        String::new()
    };
    let deal = if mv.actor == mv.initiator {
        format!(
            "{who} challenged {j}, expecting to win with probability {:.3} and gain {:.4} in \
             utility, and moved to the compromise it offered",
            mv.initiator_win_probability, mv.initiator_gain
        )
    } else {
        format!(
            "{i} challenged {who}, expecting to win with probability {:.3} and gain {:.4} in \
             utility; {who} accepted the compromise {i} offered",
            mv.initiator_win_probability, mv.initiator_gain
        )
    };
    let view = match mv.source {
        BargainSource::Initiator => String::new(),
        BargainSource::Receiver => format!(" (interpolated from {j}'s view)"),
        BargainSource::Compromise => " (a power-weighted blend of both views)".to_owned(),
    };
    format!(
        "{who} moved from {} to {}{on}: {deal}{view}. Of {who}'s {} options (keeping its \
         position and {} bargain{}), this one won the Condorcet election among all actors with \
         probability {:.3}.",
        Point(&mv.from),
        Point(&mv.to),
        mv.options,
        mv.options - 1,
        if mv.options == 2 { "" } else { "s" },
        mv.probability
    )
}
