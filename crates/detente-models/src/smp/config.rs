//! The SMP's options: one enum per modelling choice KTAB exposes, each spelled with KTAB's own
//! names (so `"Conditional"` or `"OneThird"` read from a KTAB XML file or typed on the command
//! line select the same rule), and [`SmpConfig`] gathering them with the stopping rule.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An option name that is not one of the accepted spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {option} `{given}`; expected one of: {expected}")]
pub struct ParseOptionError {
    /// The option being parsed, e.g. `voting rule`.
    pub option: &'static str,
    /// What was given.
    pub given: String,
    /// The accepted names, comma separated.
    pub expected: String,
}

/// Defines a fieldless enum whose variants carry KTAB's name, with `Display`, `FromStr`
/// (KTAB's name, case-insensitive) and serde under the same names.
macro_rules! ktab_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $label:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $ktab:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $ktab)] $variant ),+
        }

        impl $name {
            /// Every variant, in KTAB's enumeration order (the integer KTAB stores in its
            /// database is the index in this list).
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// KTAB's name for this variant.
            pub fn ktab_name(self) -> &'static str {
                match self {
                    $(Self::$variant => $ktab),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.ktab_name())
            }
        }

        impl FromStr for $name {
            type Err = ParseOptionError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.ktab_name().eq_ignore_ascii_case(t))
                    .ok_or_else(|| ParseOptionError {
                        option: $label,
                        given: s.to_owned(),
                        expected: Self::ALL
                            .iter()
                            .map(|v| v.ktab_name())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
            }
        }
    };
}

ktab_enum! {
    /// How an actor's vote between two options depends on its utility difference `du = u_a - u_b`
    /// and its weight `w` (KTAB `VotingRule`).
    VotingRule, "voting rule" {
        /// `w * sign(du)`, with a linear ramp over `|du| < 1e-8` to avoid a discontinuity.
        Binary => "Binary",
        /// `w * (0.8 du + 0.2 binary(du))`.
        PropBin => "PropBin",
        /// `w * du` (KTAB's default).
        Proportional => "Prop",
        /// `w * (0.5 du + 0.5 du^3)`.
        PropCubic => "PropCbc",
        /// `w * du^3`.
        Cubic => "Cubic",
        /// Prospect-theory asymmetry: `w * du` for losses, `2/3 w du` for gains.
        AsymmetricProspect => "ASymProsp",
    }
}

ktab_enum! {
    /// How the strengths `s1`, `s2` of two opposed coalitions give the probability that the
    /// first wins (KTAB `VPModel`): `p1 = f(s1) / (f(s1) + f(s2))`.
    VictoryProbModel, "victory probability model" {
        /// `f(s) = s` (KTAB's default): a 2:1 advantage wins 2/3 of the time.
        Linear => "Linear",
        /// `f(s) = s^2`: 2:1 wins 4/5.
        Square => "Square",
        /// `f(s) = s^4`: 2:1 wins 16/17.
        Quartic => "Quartic",
        /// `f(s) = s^8`: 2:1 wins 256/257.
        Octic => "Octic",
        /// A 10% advantage wins outright (the loser keeps `1e-6`), linear in between.
        Binary => "Binary",
    }
}

ktab_enum! {
    /// How pairwise victory probabilities between options become one probability per option, the
    /// probabilistic Condorcet election (KTAB `PCEModel`).
    PceModel, "Condorcet election model" {
        /// `p_i` proportional to the product over all options `j` of `P[i beats j]`, i.e. the
        /// probability that `i` beats every alternative, conditional on some option doing so
        /// (KTAB's default).
        Conditional => "Conditional",
        /// Markov chain in which the challenger of the current option is drawn in proportion to
        /// the incentive `strength * P[win]` and the winner of that contest becomes current.
        MarkovIncentive => "MarkovIncentive",
        /// Markov chain in which every option challenges the current one with equal probability.
        MarkovUniform => "MarkovUniform",
    }
}

ktab_enum! {
    /// How each actor's new position is chosen from the bargains open to it (KTAB
    /// `StateTransMode`).
    StateTransitions, "state transition mode" {
        /// The bargain with the highest Condorcet probability (the first one on a tie; KTAB's
        /// default).
        Deterministic => "Deterministic",
        /// A bargain drawn at random with its Condorcet probability, from the draw source the
        /// caller passes to [`run_with_draws`](super::run_with_draws).
        Stochastic => "Stochastic",
    }
}

ktab_enum! {
    /// The range onto which the risk-neutral win probabilities are mapped to get risk attitudes
    /// `R` (KTAB `BigRRange`); `p_min` maps to the low end and `p_max` to `+1`.
    BigRRange, "risk range" {
        /// `R` in `[0, +1]`: `(p - p_min) / (p_max - p_min)`.
        Min => "Min",
        /// `R` in `[-1/2, +1]`: `(3p - p_max - 2 p_min) / (2 (p_max - p_min))` (KTAB's default).
        Mid => "Mid",
        /// `R` in `[-1, +1]`: `(2p - p_max - p_min) / (p_max - p_min)`.
        Max => "Max",
    }
}

ktab_enum! {
    /// How actor `h` estimates actor `i`'s risk attitude from its own `r_h` and `i`'s true `r_i`
    /// (KTAB `BigRAdjust`, anchoring and adjustment).
    BigRAdjust, "risk adjustment" {
        /// `r_hi = r_h`: everyone is assumed to share h's attitude.
        NoAdjust => "None",
        /// `r_hi = (2 r_h + r_i) / 3` (KTAB's default).
        OneThird => "OneThird",
        /// `r_hi = (r_h + r_i) / 2`.
        Half => "Half",
        /// `r_hi = (r_h + 2 r_i) / 3`.
        TwoThirds => "TwoThirds",
        /// `r_hi = r_i`: risk attitudes are common knowledge.
        Full => "Full",
    }
}

ktab_enum! {
    /// What a third party `k` expects to happen to its own position when it joins a contest
    /// between `i` and `j` (KTAB `ThirdPartyCommit`).
    ThirdPartyCommit, "third-party commitment" {
        /// `k` keeps its position whichever side wins.
        NoCommit => "NoCommit",
        /// `k` keeps its position if its side wins and adopts the winner's if its side loses
        /// (KTAB's default).
        SemiCommit => "SemiCommit",
        /// `k` adopts the winner's position either way.
        FullCommit => "FullCommit",
    }
}

ktab_enum! {
    /// How two actors' positions are interpolated into a bargain, dimension by dimension (KTAB
    /// `InterVecBrgn`).
    InterVecBargain, "bargain interpolation" {
        /// Weights `salience * probability`, bargain rounded to 1e-4 on the 0..1 scale.
        S1P1 => "S1P1",
        /// Weights `salience^2 * probability^2`, bargain rounded to 1e-4 on the 0..1 scale
        /// (KTAB's default).
        S2P2 => "S2P2",
        /// Each side concedes in proportion to the other's probability advantage, weighted by
        /// squared saliences; not rounded.
        S2PMax => "S2PMax",
    }
}

ktab_enum! {
    /// Whose view of the contest shapes the bargain an initiator offers its target (KTAB
    /// `SMPBargnModel`).
    BargainModel, "bargain model" {
        /// The initiator interpolates from its own estimate of its chance to win; the one bargain
        /// goes to both parties (KTAB's default).
        InitOnlyInterp => "InitOnlyInterp",
        /// Two bargains go to both parties: the initiator's interpolation and one from the
        /// target's view.
        InitRcvrInterp => "InitRcvrInterp",
        /// One bargain, the power-weighted average of the two interpolations.
        PwCompInterp => "PWCompInterp",
    }
}

/// Most turns a run may be asked for. A run keeps every turn's state (actors × dimensions
/// numbers each), and one that never goes quiet runs to its limit; KTAB's own limit is 100.
pub const MAX_TURNS: usize = 10_000;

/// When the run stops (KTAB's `smpStopFn` with the constants of `configExec`).
///
/// With `d(a, b)` the sum over actors of the Euclidean distance between their positions in
/// states `a` and `b` (0..1 scale), the run stops after turn `t` when `t >= max_turns`, or when
/// `t >= min_turns` and `d(t-1, t) / (d(0, 1) + min_sig_delta) < min_delta_ratio`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StopRule {
    /// Fewest turns before the quiet test applies (KTAB: 2).
    pub min_turns: usize,
    /// Most turns (KTAB: 100).
    pub max_turns: usize,
    /// A turn is quiet when it moves actors less than this fraction of the first turn's total
    /// movement (KTAB: 0.02).
    pub min_delta_ratio: f64,
    /// Added to the first turn's movement so a motionless first turn does not divide by zero
    /// (KTAB: 1e-4).
    pub min_sig_delta: f64,
}

impl Default for StopRule {
    fn default() -> Self {
        Self {
            min_turns: 2,
            max_turns: 100,
            min_delta_ratio: 0.02,
            min_sig_delta: 1e-4,
        }
    }
}

/// Every SMP parameter. [`SmpConfig::ktab`] (also `Default`) is KTAB's preset for CSV input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmpConfig {
    /// Victory probability of a coalition against another (KTAB `VictoryProbModel`).
    pub victory_prob_model: VictoryProbModel,
    /// Probabilistic Condorcet election (KTAB `PCEModel`).
    pub pce_model: PceModel,
    /// Deterministic or stochastic choice among bargains (KTAB `StateTransitions`).
    pub state_transitions: StateTransitions,
    /// Voting rule for coalitions over positions and bargains (KTAB `VotingRule`).
    pub voting_rule: VotingRule,
    /// Perceived risk attitudes (KTAB `BigRAdjust`).
    pub big_r_adjust: BigRAdjust,
    /// Range of risk attitudes (KTAB `BigRRange`).
    pub big_r_range: BigRRange,
    /// Third-party commitment (KTAB `ThirdPartyCommit`).
    pub third_party_commit: ThirdPartyCommit,
    /// Bargain interpolation (KTAB `InterVecBrgn`).
    pub inter_vec_bargain: InterVecBargain,
    /// Whose perspective forms bargains (KTAB `BargnModel`).
    pub bargain_model: BargainModel,
    /// Two positions closer than this (Euclidean, 0..1 scale) count as the same option when win
    /// probabilities are computed (KTAB `posTol`: 1e-3, i.e. 0.1 on the 0..100 scale).
    pub position_tolerance: f64,
    /// When to stop.
    pub stop: StopRule,
}

impl SmpConfig {
    /// KTAB's defaults, as `smpc --csv` runs them: Linear, Conditional, Deterministic, Prop,
    /// OneThird, Mid, SemiCommit, S2P2, InitOnlyInterp; position tolerance 1e-3; stop after 2 to
    /// 100 turns at a 2% movement ratio.
    pub fn ktab() -> Self {
        Self {
            victory_prob_model: VictoryProbModel::Linear,
            pce_model: PceModel::Conditional,
            state_transitions: StateTransitions::Deterministic,
            voting_rule: VotingRule::Proportional,
            big_r_adjust: BigRAdjust::OneThird,
            big_r_range: BigRRange::Mid,
            third_party_commit: ThirdPartyCommit::SemiCommit,
            inter_vec_bargain: InterVecBargain::S2P2,
            bargain_model: BargainModel::InitOnlyInterp,
            position_tolerance: 1e-3,
            stop: StopRule::default(),
        }
    }

    /// Sets one option by KTAB's parameter name (as in its XML `ModelParameters`, e.g.
    /// `"VotingRule"`) or the snake-case field name, and KTAB's value name.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ParseOptionError> {
        let k: String = key
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match k.as_str() {
            "victoryprobmodel" | "vpm" => self.victory_prob_model = value.parse()?,
            "pcemodel" | "pce" | "probcondorcetelection" => self.pce_model = value.parse()?,
            "statetransitions" | "statetransition" | "stm" => {
                self.state_transitions = value.parse()?;
            }
            "votingrule" => self.voting_rule = value.parse()?,
            "bigradjust" => self.big_r_adjust = value.parse()?,
            "bigrrange" => self.big_r_range = value.parse()?,
            "thirdpartycommit" => self.third_party_commit = value.parse()?,
            "intervecbrgn" | "intervecbargain" => self.inter_vec_bargain = value.parse()?,
            "bargnmodel" | "bargainmodel" => self.bargain_model = value.parse()?,
            _ => {
                return Err(ParseOptionError {
                    option: "SMP parameter",
                    given: key.to_owned(),
                    expected: Self::PARAMETER_NAMES.join(", "),
                });
            }
        }
        Ok(())
    }

    /// The nine model parameters as KTAB names them and their values, in the order of
    /// [`SmpConfig::PARAMETER_NAMES`]: what [`SmpConfig::set`] reads back.
    pub fn ktab_parameters(&self) -> [(&'static str, &'static str); 9] {
        [
            ("VictoryProbModel", self.victory_prob_model.ktab_name()),
            ("PCEModel", self.pce_model.ktab_name()),
            ("StateTransitions", self.state_transitions.ktab_name()),
            ("VotingRule", self.voting_rule.ktab_name()),
            ("BigRAdjust", self.big_r_adjust.ktab_name()),
            ("BigRRange", self.big_r_range.ktab_name()),
            ("ThirdPartyCommit", self.third_party_commit.ktab_name()),
            ("InterVecBrgn", self.inter_vec_bargain.ktab_name()),
            ("BargnModel", self.bargain_model.ktab_name()),
        ]
    }

    /// KTAB's names of the nine model parameters, in the order of its `ModelParameters`.
    pub const PARAMETER_NAMES: [&'static str; 9] = [
        "VictoryProbModel",
        "PCEModel",
        "StateTransitions",
        "VotingRule",
        "BigRAdjust",
        "BigRRange",
        "ThirdPartyCommit",
        "InterVecBrgn",
        "BargnModel",
    ];
}

impl Default for SmpConfig {
    fn default() -> Self {
        Self::ktab()
    }
}
