//! The scenario file as written: a serde model of the TOML/JSON document, before validation.
//!
//! These types mirror `docs/scenario-format.md` key for key. Deserialising one only checks the
//! shape (required fields, types, unknown keys); [`crate::validate`] turns it into a
//! [`crate::Scenario`] and checks the meaning. Importers build a [`ScenarioFile`] and write it out
//! with [`ScenarioFile::to_toml`], so what they produce passes through the same checks as a file
//! written by hand.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The whole document.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Format version; only 1 exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<u32>,
    /// Metadata table.
    pub scenario: MetaFile,
    /// The actors.
    #[serde(default)]
    pub actors: Vec<ActorFile>,
    /// The issues, each with its positions.
    #[serde(default)]
    pub issues: Vec<IssueFile>,
    /// Multi-dimensional issues: issues that are the dimensions of one space.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spaces: Vec<SpaceFile>,
    /// Optional time dynamics: drift, monthly costs, discount factors, levers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeFile>,
}

/// `[scenario]`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetaFile {
    /// Title (required).
    pub title: String,
    /// Free-text date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Sources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Caveat for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caveat: Option<String>,
    /// Weights of the headline forecast for this scenario: `learnt`, `equal`, `none` or
    /// `model=weight,...` (a front end's own option overrides it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// Why those weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline_why: Option<String>,
}

/// `[[actors]]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActorFile {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Capability, > 0.
    pub capability: f64,
    /// `principal`, `mediator`, `ally` or `observer`.
    pub role: RoleFile,
    /// Optional bloc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bloc: Option<String>,
    /// Optional note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Optional reason for the capability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// The role names accepted in files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoleFile {
    /// See [`crate::Role::Principal`].
    Principal,
    /// See [`crate::Role::Mediator`].
    Mediator,
    /// See [`crate::Role::Ally`].
    Ally,
    /// See [`crate::Role::Observer`].
    Observer,
}

/// The decision-rule names accepted in files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionRuleFile {
    /// Every principal holds a veto (the default).
    #[default]
    UnanimityOfPrincipals,
    /// Every actor with a position holds a veto.
    Unanimity,
    /// A capability-weighted majority above `quota` decides.
    WeightedMajority,
}

/// `[[issues]]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IssueFile {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `[min, max]`.
    pub scale: [f64; 2],
    /// Status quo on the scale.
    pub status_quo: f64,
    /// Reason for the status quo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_quo_why: Option<String>,
    /// Decision rule; unanimity of principals when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_rule: Option<DecisionRuleFile>,
    /// Quota for a weighted majority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<f64>,
    /// An issue about the talks themselves (sequencing, format), not a term of a final
    /// settlement; the settlement forecast holds it at its status quo.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub procedural: bool,
    /// Free-text note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Labelled points.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub anchors: Vec<AnchorFile>,
    /// Positions of the actors that take part.
    #[serde(default)]
    pub positions: Vec<PositionFile>,
}

/// `[[spaces]]`: a multi-dimensional issue whose dimensions are issues of the file. An actor's
/// position in the space is the vector of its positions on the dimensions, and its salience of
/// each dimension is its salience there.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SpaceFile {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Ids of the issues that are its dimensions, in order.
    pub dimensions: Vec<String>,
    /// Free-text note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Parameters of KTAB's Spatial Model of Politics on this space, by KTAB's names
    /// (`VictoryProbModel = "Linear"`); the rest keep KTAB's defaults.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub smp: BTreeMap<String, String>,
    /// KTAB's ideal adjustment: after each turn, `actor` moves its ideal toward `toward`'s new
    /// position at `rate`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ideal_adjustment: Vec<IdealAdjustmentFile>,
}

/// `{ actor = .., toward = .., rate = .. }` in `[[spaces]]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IdealAdjustmentFile {
    /// Id of the actor whose ideal moves.
    pub actor: String,
    /// Id of the actor whose position it moves toward (itself: toward its own position).
    pub toward: String,
    /// Rate in 0..=1.
    pub rate: f64,
}

/// `{ at = .., label = .. }`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnchorFile {
    /// Point on the scale.
    pub at: f64,
    /// Its meaning.
    pub label: String,
}

/// `[[issues.positions]]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PositionFile {
    /// Actor id.
    pub actor: String,
    /// Position on the scale.
    pub position: f64,
    /// Salience, 0..=1.
    pub salience: f64,
    /// Standard deviation of the position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    /// Plausible range of the position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<[f64; 2]>,
    /// Source or judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// `[time]`: how the situation moves month by month when no deal is struck.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TimeFile {
    /// Months looked ahead (default 24).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon: Option<i64>,
    /// Reason for the horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_why: Option<String>,
    /// `[[time.drift]]`: status-quo drift per issue.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<DriftFile>,
    /// `[[time.actors]]`: monthly cost of continuing and discount factor per actor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<ActorTimeFile>,
    /// `[[time.levers]]`: named, dated what-if changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levers: Vec<LeverFile>,
    /// Months of fighting a party looks ahead when it values fighting on (default 12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookahead: Option<i64>,
    /// Reason for the look-ahead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookahead_why: Option<String>,
    /// `[[time.beliefs]]`: a party's own belief about an issue's drift.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub beliefs: Vec<BeliefFile>,
    /// `[[time.audience_costs]]`: public commitments a party pays to cross.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audience_costs: Vec<AudienceCostFile>,
    /// `[time.enforcement]`: the chance a deal holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforcement: Option<EnforcementFile>,
    /// `[[time.victory]]`: a party's own belief that the war ends decisively.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub victory: Vec<VictoryFile>,
    /// `[[time.decisive]]`: the analyst's monthly chance that a side wins outright.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisive: Vec<DecisiveFile>,
    /// `[[time.events]]`: what has been observed since month 0.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventFile>,
    /// `[[time.vetoes]]`: allies whose consent a settlement needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vetoes: Vec<VetoFile>,
}

/// `[[time.vetoes]]`: an actor outside the bargaining parties whose consent a settlement needs
/// (an ally that funds one side's war, say), and the party it backs.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VetoFile {
    /// Actor id of the ally (not a principal).
    pub actor: String,
    /// Actor id of the party it backs (a principal): its side's win or loss is that party's.
    pub backs: String,
    /// Source or judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// What kind of observation a `[[time.events]]` entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKindFile {
    /// An issue's status quo observed at a value, with an error.
    StatusQuo,
    /// No agreement by the month (inclusive).
    NoDeal,
    /// An agreement by the month (inclusive).
    Deal,
    /// A lever pulled in the month.
    Lever,
}

/// `[[time.events]]`: a dated observation that the settlement forecast conditions on.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EventFile {
    /// `status-quo`, `no-deal`, `deal` or `lever`.
    pub kind: EventKindFile,
    /// The month observed, `0..=horizon`.
    pub month: i64,
    /// Issue id (`status-quo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// The value observed on the issue's scale (`status-quo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The observation's error, an sd in scale points, `> 0` (`status-quo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<f64>,
    /// Lever id (`lever`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lever: Option<String>,
    /// Where the observation comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Why it is read this way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// `[[time.victory]]`: what one party believes about the monthly chance that the war ends
/// decisively, as Beta priors given by mean and sd.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VictoryFile {
    /// Actor id.
    pub actor: String,
    /// Prior mean of the monthly chance that the party's side wins outright (0..1).
    pub wins: f64,
    /// Prior sd of that chance (> 0, below `sqrt(wins (1 - wins))`).
    pub wins_sd: f64,
    /// Prior mean of the monthly chance that the party's side loses outright (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loses: Option<f64>,
    /// Prior sd of that chance (required when `loses > 0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loses_sd: Option<f64>,
    /// Source or judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// `[[time.decisive]]`: the analyst's monthly chance that `actor`'s side wins outright.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DecisiveFile {
    /// Actor id (the side that would win).
    pub actor: String,
    /// Monthly chance, 0..1.
    pub per_month: f64,
    /// Source or judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// `[[time.beliefs]]`: what one party believes about the monthly drift of one issue.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BeliefFile {
    /// Actor id.
    pub actor: String,
    /// Issue id; the issue must have a `[[time.drift]]`.
    pub issue: String,
    /// The party's prior mean of the monthly drift, in scale points (signed).
    pub drift: f64,
    /// The party's uncertainty about that mean (prior sd, > 0).
    pub sd: f64,
    /// Source or judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// Which side of an audience-cost line counts as crossing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AcrossFile {
    /// Values above the line.
    Above,
    /// Values below the line.
    Below,
}

/// `[[time.audience_costs]]`: a public commitment on one issue.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AudienceCostFile {
    /// Actor id.
    pub actor: String,
    /// Issue id.
    pub issue: String,
    /// The committed line, a point on the issue's scale.
    pub line: f64,
    /// Which side of the line a package must not reach (`above` or `below`).
    pub across: AcrossFile,
    /// Utility points the party loses by signing a package across the line (0..=1); absent
    /// for a red line (`hard = true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// A red line: the party signs no package across it, whatever else the package gives.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hard: bool,
    /// Monthly factor by which the cost shrinks, in (0, 1] (default 1: no decay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decay: Option<f64>,
    /// First month the commitment no longer binds (absent: it binds to the horizon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
    /// Source or judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// `[time.enforcement]`: the chance a deal holds.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnforcementFile {
    /// Chance (0..=1) a deal holds with none of the terms below.
    pub holds: f64,
    /// Chance lost per scale point of monthly drift (the power shift), summed over issues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_drift_point: Option<f64>,
    /// Source or judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// What a deal that breaks leaves behind (default `terms-stand`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<Breakdown>,
    /// `[[time.enforcement.terms]]`: issue values that make a deal hold better or worse.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<EnforcementTermFile>,
}

/// What a deal that breaks leaves behind, in the settlement forecast (`[time.enforcement]
/// breakdown`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Breakdown {
    /// The deal's terms were carried out when it was signed and stay (land handed over, forces
    /// cut, neutrality written into law); the war resumes from them and its costs come back.
    /// A deal that may break is worth less than its terms, so a low chance of holding can empty
    /// the zone (Powell 2006). The default.
    #[default]
    TermsStand,
    /// The parties are back where they would have been without a deal: a broken deal is worth
    /// fighting on from today. The chance of holding then scales every party's gain alike and
    /// never empties the zone.
    BackToWar,
}

/// `[[time.enforcement.terms]]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnforcementTermFile {
    /// Issue id.
    pub issue: String,
    /// The point on the scale where the term counts in full.
    pub at: f64,
    /// Change in the chance of holding at `at` (signed, -1..=1); it falls linearly to 0 one
    /// scale width away.
    pub change: f64,
    /// Source or judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// `[[time.drift]]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DriftFile {
    /// Issue id.
    pub issue: String,
    /// Scale points per month, signed.
    pub per_month: f64,
    /// Point on the scale where drift stops.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
    /// Monthly noise of the front around `per_month`, in scale points (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    /// Source or judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// `[[time.actors]]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActorTimeFile {
    /// Actor id.
    pub actor: String,
    /// Cost of one more month without a deal, in utility points (0..=1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_month: Option<f64>,
    /// Monthly discount factor in (0, 1] (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<f64>,
    /// Source or judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// `[[time.levers]]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LeverFile {
    /// Unique lever id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Source or judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// What the lever changes (one or more).
    #[serde(default)]
    pub effects: Vec<EffectFile>,
}

/// The effect kinds accepted in files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EffectKindFile {
    /// Drift stops on `issue` (or every issue when `issue` is absent).
    StopDrift,
    /// Drift on `issue` runs at `per_month` instead.
    DriftRate,
    /// `actor`'s monthly cost rises by `per_month`.
    AddCost,
    /// `actor`'s capability is multiplied by `factor`.
    ScaleCapability,
    /// `issue`'s status quo moves by `points` once, at month `from`.
    MoveStatusQuo,
    /// `actor`'s believed drift of `issue` moves by `per_month`.
    ShiftBelief,
    /// Parties learn nothing from the front (on `issue`, or every issue when absent).
    StopLearning,
    /// `actor`'s audience costs (on `issue`, or all when absent) are multiplied by `factor`.
    ScaleAudienceCost,
    /// The chance a deal holds changes by `probability`.
    ShiftEnforcement,
    /// `actor`'s believed monthly chance of winning outright is multiplied by `factor`.
    ScaleVictory,
}

/// `[[time.levers.effects]]`: one change; which keys apply depends on `kind`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EffectFile {
    /// What changes.
    pub kind: EffectKindFile,
    /// First month the effect holds (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
    /// First month it no longer holds (absent: to the horizon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
    /// Issue id (`stop-drift`, `drift-rate`, `move-status-quo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// Actor id (`add-cost`, `scale-capability`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Scale points (`drift-rate`) or utility points (`add-cost`) per month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_month: Option<f64>,
    /// Multiplier (`scale-capability`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<f64>,
    /// Scale points (`move-status-quo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
    /// Change in the chance a deal holds (`shift-enforcement`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

impl ScenarioFile {
    /// Writes the document as TOML in the layout of `docs/scenario-format.md`.
    pub fn to_toml(&self) -> String {
        // `toml` writes nested arrays of tables (`[[issues.positions]]`) in the order a person
        // would, so no hand-written emitter is needed. Serialisation of these plain types cannot
        // fail; the fallback only guards against a future field type that TOML cannot hold.
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# could not write TOML: {e}\n"))
    }
}
