//! The validated scenario: actors, issues and positions, with every constraint of the format
//! already checked.
//!
//! A [`Scenario`] is only ever produced by [`crate::parse`] (or [`Scenario::from_file`]), which
//! runs every check of `docs/scenario-format.md`. Code downstream (the models) may therefore rely
//! on the invariants written on each type without checking them again.

use std::fmt;

use serde::Serialize;

/// Index of an actor in [`Scenario::actors`]. Positions refer to actors by index once validated,
/// so a dangling reference cannot exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ActorIndex(pub usize);

/// A salience: how much an issue matters to an actor, in `0.0..=1.0`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
pub struct Salience(f64);

impl Salience {
    /// Returns `None` unless `value` is finite and within `0.0..=1.0`.
    pub fn new(value: f64) -> Option<Self> {
        (value.is_finite() && (0.0..=1.0).contains(&value)).then_some(Self(value))
    }

    /// The salience as a number in `0.0..=1.0`.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// An actor's capability (power to shape outcomes). Always finite and strictly positive; only
/// ratios between actors carry meaning.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
pub struct Capability(f64);

impl Capability {
    /// Returns `None` unless `value` is finite and greater than zero.
    pub fn new(value: f64) -> Option<Self> {
        (value.is_finite() && value > 0.0).then_some(Self(value))
    }

    /// The capability as a positive number.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// A closed numeric scale `[min, max]` with `min < max`, both finite.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scale {
    min: f64,
    max: f64,
}

impl Scale {
    /// Returns `None` unless both ends are finite and `min < max`.
    pub fn new(min: f64, max: f64) -> Option<Self> {
        (min.is_finite() && max.is_finite() && min < max).then_some(Self { min, max })
    }

    /// Lower end of the scale.
    pub fn min(self) -> f64 {
        self.min
    }

    /// Upper end of the scale.
    pub fn max(self) -> f64 {
        self.max
    }

    /// `max - min`, always positive.
    pub fn width(self) -> f64 {
        self.max - self.min
    }

    /// Whether `x` lies on the scale (ends included).
    pub fn contains(self, x: f64) -> bool {
        x.is_finite() && self.min <= x && x <= self.max
    }

    /// `x` clamped onto the scale.
    pub fn clamp(self, x: f64) -> f64 {
        x.clamp(self.min, self.max)
    }
}

/// The part an actor plays in the negotiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A party whose signature the deal needs.
    Principal,
    /// A go-between that shapes the talks without being a party to them.
    Mediator,
    /// A supporter of a principal who pushes the talks from outside.
    Ally,
    /// Someone with a stake but little say.
    Observer,
}

impl Role {
    /// The lowercase name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Principal => "principal",
            Role::Mediator => "mediator",
            Role::Ally => "ally",
            Role::Observer => "observer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the outcome of an issue is formally decided. Institution-free models ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "rule")]
pub enum DecisionRule {
    /// Every actor whose role is principal holds a veto.
    UnanimityOfPrincipals,
    /// Every actor that takes a position holds a veto.
    Unanimity,
    /// A coalition holding more than `quota` of the capability of the actors with a position
    /// decides; `quota` is in `(0, 1]`.
    WeightedMajority {
        /// Share of capability a winning coalition must exceed.
        quota: f64,
    },
}

impl fmt::Display for DecisionRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecisionRule::UnanimityOfPrincipals => f.write_str("unanimity of principals"),
            DecisionRule::Unanimity => f.write_str("unanimity"),
            DecisionRule::WeightedMajority { quota } => {
                write!(f, "weighted majority (quota {quota})")
            }
        }
    }
}

/// Uncertainty about a position, for later Monte Carlo work.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Uncertainty {
    /// A standard deviation on the issue's scale (non-negative).
    Sd(f64),
    /// A plausible range `[low, high]` within the scale, `low <= high`.
    Range(f64, f64),
}

/// Descriptive metadata about the scenario.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metadata {
    /// Short title.
    pub title: String,
    /// When the snapshot of positions holds (free text).
    pub date: Option<String>,
    /// What is being negotiated.
    pub description: Option<String>,
    /// Where the numbers come from: free text or URLs.
    pub sources: Vec<String>,
    /// A warning to readers, e.g. that numbers are one analyst's judgement.
    pub caveat: Option<String>,
    /// The headline weights the scenario asks for (`[scenario] headline`), if any.
    pub headline: Option<HeadlineWeights>,
    /// Why those weights.
    pub headline_why: Option<String>,
}

/// The models a headline forecast combines, by the names weights are written with.
pub const HEADLINE_MODELS: [&str; 6] =
    ["status-quo", "mean", "compromise", "median", "nash", "eum"];

/// Which weights make the headline forecast: the one grammar of `[scenario] headline`, the
/// CLI's `--headline` and Python's `headline=` (`learnt`, `equal`, `none` or
/// `model=weight,...` over [`HEADLINE_MODELS`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeadlineWeights {
    /// The weights learnt on the backtest.
    Learnt,
    /// Equal weights on the compromise, median, Nash and EUM.
    Equal,
    /// No headline.
    None,
    /// Weights per model, normalised to sum to 1 (models left out get 0), in
    /// [`HEADLINE_MODELS`] order.
    Custom([f64; 6]),
}

impl HeadlineWeights {
    /// Parses `learnt`, `equal`, `none` or `compromise=0.6,eum=0.4`.
    ///
    /// # Errors
    /// A message naming the bad part and the fix.
    pub fn parse(text: &str) -> Result<HeadlineWeights, String> {
        match text.trim() {
            "learnt" | "learned" => return Ok(HeadlineWeights::Learnt),
            "equal" => return Ok(HeadlineWeights::Equal),
            "none" => return Ok(HeadlineWeights::None),
            _ => {}
        }
        let names = HEADLINE_MODELS.join(", ");
        let mut w = [0.0; 6];
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((name, value)) = part.split_once('=') else {
                return Err(format!(
                    "headline weights: `{part}` is not `model=weight`; use `learnt`, `equal`, `none` or e.g. `compromise=0.7,eum=0.3` (models: {names})"
                ));
            };
            let name = name.trim();
            let Some(k) = HEADLINE_MODELS.iter().position(|m| *m == name) else {
                return Err(format!(
                    "headline weights: unknown model `{name}`; use one of {names}"
                ));
            };
            let v: f64 = value.trim().parse().map_err(|_| {
                format!(
                    "headline weights: `{}` is not a number (weight of `{name}`)",
                    value.trim()
                )
            })?;
            if !v.is_finite() || v < 0.0 {
                return Err(format!(
                    "headline weights: the weight of `{name}` is {v}; weights must be finite and >= 0"
                ));
            }
            w[k] = v;
        }
        let total: f64 = w.iter().sum();
        if total <= 0.0 {
            return Err(
                "headline weights: every weight is 0; give at least one positive weight, e.g. `compromise=1`".to_owned(),
            );
        }
        Ok(HeadlineWeights::Custom(w.map(|x| x / total)))
    }
}

/// A party, mediator, ally or observer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Actor {
    /// Unique identifier used in positions.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Power to shape outcomes.
    pub capability: Capability,
    /// Part played in the talks.
    pub role: Role,
    /// Optional group label.
    pub bloc: Option<String>,
    /// Free-text note.
    pub note: Option<String>,
    /// Reason for the capability.
    pub why: Option<String>,
}

/// A labelled point on an issue's scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anchor {
    /// Where on the scale (within it).
    pub at: f64,
    /// What that point means.
    pub label: String,
}

/// One actor's stance on one issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Position {
    /// The actor holding it.
    pub actor: ActorIndex,
    /// The preferred outcome, on the issue's scale.
    pub position: f64,
    /// How much the issue matters to the actor.
    pub salience: Salience,
    /// Optional uncertainty about `position`.
    pub uncertainty: Option<Uncertainty>,
    /// The source or judgement behind these numbers.
    pub why: Option<String>,
}

/// A question to be settled, on a numeric scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    /// Unique identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The numeric scale outcomes lie on.
    pub scale: Scale,
    /// What holds without agreement; on the scale.
    pub status_quo: f64,
    /// The reason for the status quo value.
    pub status_quo_why: Option<String>,
    /// How the outcome is formally decided.
    pub decision_rule: DecisionRule,
    /// An issue about the talks themselves (when a ceasefire comes, the format), not a term
    /// of a final settlement: a deal that ends the war settles the question with it, so the
    /// settlement forecast (`dynamics`) holds it at its status quo in every package. The
    /// static package models still bargain over it.
    pub procedural: bool,
    /// Free-text note.
    pub note: Option<String>,
    /// Labelled points, sorted by `at`.
    pub anchors: Vec<Anchor>,
    /// Positions of the actors that take part: at least two, at most one per actor, in file order.
    pub positions: Vec<Position>,
}

impl Issue {
    /// The anchor nearest to `x`, if the issue has any (ties go to the lower anchor).
    pub fn nearest_anchor(&self, x: f64) -> Option<&Anchor> {
        self.anchors.iter().min_by(|a, b| {
            (a.at - x)
                .abs()
                .total_cmp(&(b.at - x).abs())
                .then(a.at.total_cmp(&b.at))
        })
    }

    /// The position `actor` holds on this issue, if any.
    pub fn position_of(&self, actor: ActorIndex) -> Option<&Position> {
        self.positions.iter().find(|p| p.actor == actor)
    }
}

/// Index of an issue in [`Scenario::issues`]; time sections refer to issues by index once
/// validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct IssueIndex(pub usize);

/// The default horizon, in months, when `[time]` gives none.
pub const DEFAULT_HORIZON: u32 = 24;

/// The longest horizon accepted, in months (50 years).
pub const MAX_HORIZON: u32 = 600;

/// Months of fighting a party looks ahead when it values fighting on, when `[time]` gives none.
pub const DEFAULT_LOOKAHEAD: u32 = 12;

/// How the world moves month by month while no deal is struck (`[time]`).
///
/// **Invariants** (established by the parser): every issue and actor index is in range; at most
/// one drift per issue and one entry per actor; months are non-negative and `from < until`;
/// costs lie in `0..=1`, discounts in `(0, 1]`, capability factors are positive and finite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Time {
    /// Months looked ahead: months `0..=horizon` are modelled.
    pub horizon: u32,
    /// Reason for the horizon.
    pub horizon_why: Option<String>,
    /// Status-quo drift, at most one per issue, in file order.
    pub drift: Vec<Drift>,
    /// Monthly cost and discount per actor, at most one per actor, in file order.
    pub actors: Vec<ActorTime>,
    /// Named what-if changes, in file order.
    pub levers: Vec<Lever>,
    /// Months of fighting a party looks ahead when it values fighting on.
    pub lookahead: u32,
    /// Parties' own beliefs about drift, at most one per (actor, issue), in file order.
    pub beliefs: Vec<Belief>,
    /// Public commitments, in file order.
    pub audience_costs: Vec<AudienceCost>,
    /// The chance a deal holds, when the file models it.
    pub enforcement: Option<Enforcement>,
    /// Parties' beliefs that the war ends decisively, at most one per actor, in file order.
    pub victory: Vec<Victory>,
    /// The analyst's monthly chance that each side wins outright, at most one per actor.
    pub decisive: Vec<Decisive>,
    /// Observations since month 0 that the settlement forecast conditions on, in file order.
    pub events: Vec<Event>,
    /// Allies whose consent a settlement needs, at most one entry per actor, in file order.
    pub vetoes: Vec<Veto>,
}

/// An actor outside the bargaining parties whose consent a settlement needs (`[[time.vetoes]]`,
/// read only by the settlement forecast): a package enters the zone of agreement only when it
/// also beats this actor's own value of the war going on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Veto {
    /// The ally (never a principal).
    pub actor: ActorIndex,
    /// The principal it backs: its side wins or loses with this party.
    pub backs: ActorIndex,
    /// Source or judgement.
    pub why: Option<String>,
}

/// A dated observation (`[[time.events]]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// The month observed, `0..=horizon`.
    pub month: u32,
    /// What was observed.
    pub kind: EventKind,
    /// Where it comes from.
    pub source: Option<String>,
    /// Why it is read this way.
    pub why: Option<String>,
}

/// What an [`Event`] observed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum EventKind {
    /// The issue's status quo in the month was `value`, give or take `error` (an sd, `> 0`).
    StatusQuo {
        /// The issue.
        issue: IssueIndex,
        /// The value observed, on the scale.
        value: f64,
        /// The observation's sd, scale points.
        error: f64,
    },
    /// No agreement in any month up to and including this one.
    NoDeal,
    /// An agreement in some month up to and including this one.
    Deal,
    /// The lever was pulled in the month: its effects start then.
    Lever {
        /// The lever's id (a lever of `[time]`).
        lever: String,
    },
}

impl EventKind {
    /// The kind's name as the scenario file writes it (`status-quo`, `no-deal`, `deal`, `lever`).
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::StatusQuo { .. } => "status-quo",
            EventKind::NoDeal => "no-deal",
            EventKind::Deal => "deal",
            EventKind::Lever { .. } => "lever",
        }
    }
}

impl Default for Time {
    fn default() -> Self {
        Self {
            horizon: DEFAULT_HORIZON,
            horizon_why: None,
            drift: Vec::new(),
            actors: Vec::new(),
            levers: Vec::new(),
            lookahead: DEFAULT_LOOKAHEAD,
            beliefs: Vec::new(),
            audience_costs: Vec::new(),
            enforcement: None,
            victory: Vec::new(),
            decisive: Vec::new(),
            events: Vec::new(),
            vetoes: Vec::new(),
        }
    }
}

impl Time {
    /// The drift of `issue`, if any.
    pub fn drift_of(&self, issue: IssueIndex) -> Option<&Drift> {
        self.drift.iter().find(|d| d.issue == issue)
    }

    /// The time entry of `actor`, if any.
    pub fn actor(&self, actor: ActorIndex) -> Option<&ActorTime> {
        self.actors.iter().find(|a| a.actor == actor)
    }

    /// Looks a lever up by id.
    pub fn lever(&self, id: &str) -> Option<&Lever> {
        self.levers.iter().find(|l| l.id == id)
    }

    /// `actor`'s belief about the drift of `issue`, if it holds its own.
    pub fn belief(&self, actor: ActorIndex, issue: IssueIndex) -> Option<&Belief> {
        self.beliefs
            .iter()
            .find(|b| b.actor == actor && b.issue == issue)
    }

    /// Whether the section gives any of beliefs, audience costs or enforcement: the inputs of
    /// the bargaining-while-fighting model. Without them that model adds nothing to the
    /// complete-information one, and the commands print only the old sections.
    pub fn has_fighting_terms(&self) -> bool {
        !self.beliefs.is_empty()
            || !self.audience_costs.is_empty()
            || self.enforcement.is_some()
            || !self.victory.is_empty()
            || self.decisive.iter().any(|d| d.per_month > 0.0)
            || !self.events.is_empty()
            || !self.vetoes.is_empty()
    }

    /// `actor`'s belief that the war ends decisively, if it holds one.
    pub fn victory_of(&self, actor: ActorIndex) -> Option<&Victory> {
        self.victory.iter().find(|v| v.actor == actor)
    }
}

/// A Beta prior on a monthly chance, `Beta(a, b)`, mean `a / (a + b)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BetaPrior {
    /// First shape (`> 0`).
    pub a: f64,
    /// Second shape (`> 0`).
    pub b: f64,
}

impl BetaPrior {
    /// The Beta prior with mean `mean` and sd `sd` (method of moments): with
    /// `k = mean (1 − mean) / sd² − 1`, `a = mean k` and `b = (1 − mean) k`. `None` unless
    /// `0 < mean < 1` and `0 < sd² < mean (1 − mean)`.
    pub fn from_mean_sd(mean: f64, sd: f64) -> Option<Self> {
        if !(mean.is_finite() && sd.is_finite() && mean > 0.0 && mean < 1.0 && sd > 0.0) {
            return None;
        }
        let k = mean * (1.0 - mean) / (sd * sd) - 1.0;
        (k > 0.0).then_some(Self {
            a: mean * k,
            b: (1.0 - mean) * k,
        })
    }

    /// Mean `a / (a + b)`.
    pub fn mean(&self) -> f64 {
        self.a / (self.a + self.b)
    }

    /// Standard deviation `sqrt(ab / ((a+b)² (a+b+1)))`.
    pub fn sd(&self) -> f64 {
        let s = self.a + self.b;
        (self.a * self.b / (s * s * (s + 1.0))).sqrt()
    }
}

/// A party's belief that the war ends decisively: Beta priors on the monthly chance that its
/// side wins outright and that it loses outright (Beta-Bernoulli learning in the fighting
/// model).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Victory {
    /// The party.
    pub actor: ActorIndex,
    /// Prior on the monthly chance that its side wins.
    pub wins: BetaPrior,
    /// Prior on the monthly chance that its side loses (`None`: it rules that out).
    pub loses: Option<BetaPrior>,
    /// Source or judgement.
    pub why: Option<String>,
}

/// The analyst's monthly chance that `actor`'s side wins outright (the process a trial draws
/// from; absent means 0).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decisive {
    /// The side that would win.
    pub actor: ActorIndex,
    /// Monthly chance, `0..1`.
    pub per_month: f64,
    /// Source or judgement.
    pub why: Option<String>,
}

/// A party's own belief about an issue's monthly drift: a normal prior on the drift's mean.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Belief {
    /// The party.
    pub actor: ActorIndex,
    /// The drifting issue.
    pub issue: IssueIndex,
    /// Prior mean of the monthly drift, scale points (signed).
    pub drift: f64,
    /// Prior sd of that mean, scale points, > 0.
    pub sd: f64,
    /// Source or judgement.
    pub why: Option<String>,
}

/// A public commitment: `actor` pays `cost` utility points for signing a package whose value
/// on `issue` lies across `line`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AudienceCost {
    /// The party.
    pub actor: ActorIndex,
    /// The issue.
    pub issue: IssueIndex,
    /// The committed line, on the issue's scale.
    pub line: f64,
    /// `true`: values above the line cross it; `false`: values below.
    pub above: bool,
    /// Cost in utility points, in `0..=1` (0 for a red line).
    pub cost: f64,
    /// A red line: no package across it is signed while it binds (its cost is unbounded).
    pub hard: bool,
    /// Monthly factor in `(0, 1]`: the cost in month `t` is `cost · decay^t`.
    pub decay: f64,
    /// First month it no longer binds.
    pub until: Option<u32>,
    /// Source or judgement.
    pub why: Option<String>,
}

impl AudienceCost {
    /// Whether `value` lies across the line (strictly).
    pub fn crossed(&self, value: f64) -> bool {
        if self.above {
            value > self.line
        } else {
            value < self.line
        }
    }

    /// The cost in `month` before levers: `cost · decay^month` (infinite for a red line), 0
    /// from `until` on.
    pub fn at(&self, month: u32) -> f64 {
        if self.until.is_some_and(|u| month >= u) {
            0.0
        } else if self.hard {
            f64::INFINITY
        } else {
            self.cost * self.decay.powi(month.min(i32::MAX as u32) as i32)
        }
    }
}

/// The chance a deal holds (Powell 2006): a base chance, terms on issue values, and a loss per
/// scale point of monthly drift.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enforcement {
    /// Chance a deal holds with none of the terms, in `0..=1`.
    pub holds: f64,
    /// Chance lost per scale point of monthly drift, `>= 0`.
    pub per_drift_point: f64,
    /// Source or judgement.
    pub why: Option<String>,
    /// What a deal that breaks leaves behind.
    pub breakdown: crate::Breakdown,
    /// Issue terms.
    pub terms: Vec<EnforcementTerm>,
}

/// One issue term of [`Enforcement`]: `change · max(0, 1 − |x − at| / width)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnforcementTerm {
    /// The issue.
    pub issue: IssueIndex,
    /// Where the term counts in full, on the scale.
    pub at: f64,
    /// Signed change in the chance of holding at `at`, in `-1..=1`.
    pub change: f64,
    /// Source or judgement.
    pub why: Option<String>,
}

/// Drift of one issue's status quo.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drift {
    /// The issue that drifts.
    pub issue: IssueIndex,
    /// Scale points per month; positive moves up the scale.
    pub per_month: f64,
    /// Point on the scale where the drift stops; on the scale.
    pub cap: Option<f64>,
    /// Monthly noise of the front around the rate, scale points, `>= 0` (0: none).
    pub sd: f64,
    /// Source or judgement.
    pub why: Option<String>,
}

/// An actor's monthly cost of continuing without a deal and its discount factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorTime {
    /// The actor.
    pub actor: ActorIndex,
    /// Utility points lost per month without a deal, in `0..=1`.
    pub cost_per_month: f64,
    /// Monthly discount factor in `(0, 1]`.
    pub discount: f64,
    /// Source or judgement.
    pub why: Option<String>,
}

/// A named, dated what-if change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lever {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Source or judgement.
    pub why: Option<String>,
    /// What it changes; at least one.
    pub effects: Vec<Effect>,
}

/// One change a lever makes, from month `from` up to (not including) month `until`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effect {
    /// First month it holds.
    pub from: u32,
    /// First month it no longer holds; `None` means to the horizon and beyond.
    pub until: Option<u32>,
    /// What it does.
    pub kind: EffectKind,
}

impl Effect {
    /// Whether the effect holds in `month`.
    pub fn active(&self, month: u32) -> bool {
        month >= self.from && self.until.is_none_or(|u| month < u)
    }
}

/// What an [`Effect`] changes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum EffectKind {
    /// Drift stops on one issue, or on every issue when `issue` is `None`.
    StopDrift {
        /// The issue, or every issue.
        issue: Option<IssueIndex>,
    },
    /// Drift on `issue` runs at `per_month` scale points instead of its base rate.
    DriftRate {
        /// The issue.
        issue: IssueIndex,
        /// The new rate.
        per_month: f64,
    },
    /// `actor`'s monthly cost changes by `per_month` utility points (may be negative).
    AddCost {
        /// The actor.
        actor: ActorIndex,
        /// Added cost per month.
        per_month: f64,
    },
    /// `actor`'s capability is multiplied by `factor` (> 0).
    ScaleCapability {
        /// The actor.
        actor: ActorIndex,
        /// The multiplier.
        factor: f64,
    },
    /// `issue`'s status quo moves by `points` once, at month `from`.
    MoveStatusQuo {
        /// The issue.
        issue: IssueIndex,
        /// Signed move in scale points.
        points: f64,
    },
    /// `actor`'s believed drift of `issue` moves by `per_month` scale points (the fighting
    /// model only).
    ShiftBelief {
        /// The party.
        actor: ActorIndex,
        /// The drifting issue.
        issue: IssueIndex,
        /// Signed change of the believed monthly drift.
        per_month: f64,
    },
    /// Parties observe nothing from the front on `issue` (or every issue), so they learn
    /// nothing (the fighting model only).
    StopLearning {
        /// The issue, or every issue.
        issue: Option<IssueIndex>,
    },
    /// `actor`'s audience costs on `issue` (or all its audience costs) are multiplied by
    /// `factor` (`>= 0`; 0 removes them).
    ScaleAudienceCost {
        /// The party.
        actor: ActorIndex,
        /// The issue, or every issue.
        issue: Option<IssueIndex>,
        /// The multiplier.
        factor: f64,
    },
    /// The chance a deal holds changes by `probability` (the result is kept in `0..=1`).
    ShiftEnforcement {
        /// Signed change.
        probability: f64,
    },
    /// `actor`'s believed monthly chance of winning outright is multiplied by `factor`
    /// (`>= 0`; 0 drops it: "the hallucination is discarded"; the fighting model only).
    ScaleVictory {
        /// The party.
        actor: ActorIndex,
        /// The multiplier.
        factor: f64,
    },
}

/// A multi-dimensional issue: issues of the scenario that are its dimensions (`[[spaces]]`).
///
/// **Invariants** (established by the parser): at least one dimension; each issue is a dimension
/// of at most one space; every actor with a position on one dimension has one on every
/// dimension, and its saliences over the dimensions sum to at most 1 and to more than 0 (KTAB's
/// rule, on its 0..100 scale: at most 100); ideal adjustments name actors of the space, with
/// rates in 0..=1 summing to at most 1 per actor.
///
/// The one-dimensional models treat each dimension as an issue of its own; KTAB's Spatial
/// Model of Politics (`detente smp`) treats the space jointly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Space {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Its dimensions, in order.
    pub dimensions: Vec<IssueIndex>,
    /// Free-text note.
    pub note: Option<String>,
    /// KTAB parameters by KTAB's names, checked when the model runs.
    pub smp: Vec<(String, String)>,
    /// KTAB's ideal adjustment.
    pub ideal_adjustment: Vec<IdealAdjustment>,
}

impl Space {
    /// The actors with a position in the space (on every dimension), in scenario order.
    pub fn actors(&self, scenario: &Scenario) -> Vec<ActorIndex> {
        let Some(first) = self
            .dimensions
            .first()
            .and_then(|d| scenario.issues.get(d.0))
        else {
            return Vec::new();
        };
        let mut actors: Vec<ActorIndex> = first.positions.iter().map(|p| p.actor).collect();
        actors.sort_unstable();
        actors
    }
}

/// One entry of KTAB's ideal adjustment in a [`Space`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IdealAdjustment {
    /// The actor whose ideal moves.
    pub actor: ActorIndex,
    /// The actor whose new position it moves toward.
    pub toward: ActorIndex,
    /// Rate in 0..=1.
    pub rate: f64,
}

/// A validated negotiation scenario.
///
/// **Invariants** (established by the parser): actor and issue ids are unique; every position
/// names an existing actor, lies on its issue's scale and has a salience in `0..=1`; every issue
/// has at least two positions and at most one per actor; status quo and anchors lie on the scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Format version the file declared (or 1).
    pub format: u32,
    /// Descriptive metadata.
    pub meta: Metadata,
    /// All actors, in file order.
    pub actors: Vec<Actor>,
    /// All issues, in file order.
    pub issues: Vec<Issue>,
    /// Multi-dimensional issues (`[[spaces]]`), each a group of issues, in file order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spaces: Vec<Space>,
    /// Time dynamics, when the file has a `[time]` section.
    pub time: Option<Time>,
}

impl Scenario {
    /// The actor at `index`.
    ///
    /// Indices come from positions of this scenario, so they are always in range; an index from
    /// elsewhere that is out of range yields `None`.
    pub fn actor(&self, index: ActorIndex) -> Option<&Actor> {
        self.actors.get(index.0)
    }

    /// Looks an actor up by id.
    pub fn actor_index(&self, id: &str) -> Option<ActorIndex> {
        self.actors.iter().position(|a| a.id == id).map(ActorIndex)
    }

    /// Looks an issue up by id.
    pub fn issue(&self, id: &str) -> Option<&Issue> {
        self.issues.iter().find(|i| i.id == id)
    }

    /// The name of the actor at `index`, or `"?"` for an index from another scenario.
    pub fn actor_name(&self, index: ActorIndex) -> &str {
        self.actor(index).map_or("?", |a| a.name.as_str())
    }

    /// Keeps the issues for which `keep` is true, in order (a forecast of selected issues).
    /// Spaces keep the dimensions that remain, renumbered, and a space left without any goes.
    /// The `[time]` sections name issues by index, so `time` goes when any issue does: a
    /// selection of issues is for the per-issue models, which do not read it.
    pub fn retain_issues(&mut self, mut keep: impl FnMut(&Issue) -> bool) {
        let kept: Vec<bool> = self.issues.iter().map(&mut keep).collect();
        if kept.iter().all(|&k| k) {
            return;
        }
        let mut next = 0;
        let renumbered: Vec<Option<IssueIndex>> = kept
            .iter()
            .map(|&k| {
                k.then(|| {
                    next += 1;
                    IssueIndex(next - 1)
                })
            })
            .collect();
        let mut flags = kept.iter();
        self.issues
            .retain(|_| flags.next().copied().unwrap_or(false));
        for space in &mut self.spaces {
            space.dimensions = space
                .dimensions
                .iter()
                .filter_map(|d| renumbered.get(d.0).copied().flatten())
                .collect();
        }
        self.spaces.retain(|s| !s.dimensions.is_empty());
        self.time = None;
    }
}
