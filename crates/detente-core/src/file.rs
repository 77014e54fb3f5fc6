//! The scenario file as written: a serde model of the TOML/JSON document, before validation.
//!
//! These types mirror `docs/scenario-format.md` key for key. Deserialising one only checks the
//! shape (required fields, types, unknown keys); [`crate::validate`] turns it into a
//! [`crate::Scenario`] and checks the meaning. Importers build a [`ScenarioFile`] and write it out
//! with [`ScenarioFile::to_toml`], so what they produce passes through the same checks as a file
//! written by hand.

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

impl ScenarioFile {
    /// Writes the document as TOML in the layout of `docs/scenario-format.md`.
    pub fn to_toml(&self) -> String {
        // `toml` writes nested arrays of tables (`[[issues.positions]]`) in the order a person
        // would, so no hand-written emitter is needed. Serialisation of these plain types cannot
        // fail; the fallback only guards against a future field type that TOML cannot hold.
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# could not write TOML: {e}\n"))
    }
}
