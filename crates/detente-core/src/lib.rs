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
mod validate;

pub use diagnostic::{FieldPath, Finding, Located, ScenarioError, Segment, Severity, Source};
pub use file::{
    AcrossFile, ActorFile, ActorTimeFile, AnchorFile, AudienceCostFile, BeliefFile,
    DecisionRuleFile, DecisiveFile, DriftFile, EffectFile, EffectKindFile, EnforcementFile,
    EnforcementTermFile, IssueFile, LeverFile, MetaFile, PositionFile, RoleFile, ScenarioFile,
    TimeFile, VictoryFile,
};
pub use parse::{Format, MAX_SCENARIO_BYTES, Parsed, parse};
pub use scenario::{
    Actor, ActorIndex, ActorTime, Anchor, AudienceCost, Belief, BetaPrior, Capability,
    DEFAULT_HORIZON, DEFAULT_LOOKAHEAD, DecisionRule, Decisive, Drift, Effect, EffectKind,
    Enforcement, EnforcementTerm, Issue, IssueIndex, Lever, MAX_HORIZON, Metadata, Position, Role,
    Salience, Scale, Scenario, Time, Uncertainty, Victory,
};
pub use validate::{FORMAT_VERSION, Validated, validate};
