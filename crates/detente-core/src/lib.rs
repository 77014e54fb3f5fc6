//! Core types of detente: the scenario format, its parser and its checks.
//!
//! A scenario file (TOML or JSON, see `docs/scenario-format.md`) becomes a [`ScenarioFile`]
//! (its shape), then a validated [`Scenario`] (its meaning) through [`parse`]. Every problem is a
//! [`Finding`] with a field path, a fix and, where the source allows, a span for `miette` to show.
//!
//! **Invariant:** this crate does no I/O, reads no clock and draws no random numbers; callers
//! hand it text and get values back.

mod diagnostic;
mod file;
pub mod import;
mod parse;
mod scenario;
pub mod shard;
mod text;
mod validate;

pub use diagnostic::{
    FieldPath, Finding, Located, MAX_SHOWN_FINDINGS, MAX_SNIPPET_LINE, NotShown, ScenarioError,
    Segment, Severity, Source, is_unsafe_char, neutralise,
};
pub use file::{
    AcrossFile, ActorFile, ActorTimeFile, AnchorFile, AudienceCostFile, BeliefFile, Breakdown,
    DecisionRuleFile, DecisiveFile, DriftFile, EffectFile, EffectKindFile, EnforcementFile,
    EnforcementTermFile, EventFile, EventKindFile, IdealAdjustmentFile, IssueFile, LeverFile,
    MetaFile, PositionFile, RoleFile, ScenarioFile, SpaceFile, TimeFile, VetoFile, VictoryFile,
};
pub use parse::{Format, MAX_SCENARIO_BYTES, Parsed, parse};
pub use scenario::{
    Actor, ActorIndex, ActorTime, Anchor, AudienceCost, Belief, BetaPrior, Capability,
    DEFAULT_HORIZON, DEFAULT_LOOKAHEAD, DecisionRule, Decisive, Drift, Effect, EffectKind,
    Enforcement, EnforcementTerm, Event, EventKind, HEADLINE_MODELS, HeadlineWeights,
    IdealAdjustment, Issue, IssueIndex, Lever, MAX_HORIZON, Metadata, Position, Role, Salience,
    Scale, Scenario, Space, Time, Uncertainty, Veto, Victory,
};
pub use text::MAX_LINE_CHARS;
pub use validate::{
    FORMAT_VERSION, MAX_CAPABILITY, MAX_SCALE_MAGNITUDE, MIN_CAPABILITY, MIN_SCALE_WIDTH,
    Validated, validate,
};
