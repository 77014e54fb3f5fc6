//! The JSON documents of the delay and lever commands, built once here so that every front end
//! (the CLI's `--format json`, the Python package's `to_dict()`) writes the same fields in the
//! same order. Results whose type carries its own `schema` field (forecast, bargain, Monte
//! Carlo, sensitivity, backtest) serialise as they are; these two add the scenario's title and
//! the optional settlement forecast to a model report.

use detente_core::Scenario;
use detente_models::dynamics::{DelayReport, LeversReport};
use detente_sim::settle::{SettleLevers, SettlementReport};
use serde::Serialize;

/// The `detente.delay/1` document: the scenario's title, the month-by-month cost of delay and,
/// for scenarios with terms of bargaining while fighting, the settlement forecast.
#[derive(Debug, Clone, Serialize)]
pub struct DelayDocument<'a> {
    /// `detente.delay/1`.
    pub schema: &'static str,
    /// The scenario's title.
    pub title: &'a str,
    /// The delay model's report, its fields inline.
    #[serde(flatten)]
    pub report: &'a DelayReport,
    /// The settlement forecast, when the scenario fights while it bargains.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settlement: Option<&'a SettlementReport>,
}

impl<'a> DelayDocument<'a> {
    /// The document of `report` (and `settlement`) on `scenario`.
    pub fn new(
        scenario: &'a Scenario,
        report: &'a DelayReport,
        settlement: Option<&'a SettlementReport>,
    ) -> Self {
        Self {
            schema: "detente.delay/1",
            title: &scenario.meta.title,
            report,
            settlement,
        }
    }
}

/// The `detente.levers/1` document: the scenario's title, each lever and pair against the
/// baseline and, for scenarios with terms of bargaining while fighting, each one's shift of the
/// settlement forecast.
#[derive(Debug, Clone, Serialize)]
pub struct LeversDocument<'a> {
    /// `detente.levers/1`.
    pub schema: &'static str,
    /// The scenario's title.
    pub title: &'a str,
    /// The lever comparison, its fields inline.
    #[serde(flatten)]
    pub report: &'a LeversReport,
    /// Each lever's shift of the settlement forecast, when the scenario fights while it
    /// bargains.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settlement: Option<&'a SettleLevers>,
}

impl<'a> LeversDocument<'a> {
    /// The document of `report` (and `settlement`) on `scenario`.
    pub fn new(
        scenario: &'a Scenario,
        report: &'a LeversReport,
        settlement: Option<&'a SettleLevers>,
    ) -> Self {
        Self {
            schema: "detente.levers/1",
            title: &scenario.meta.title,
            report,
            settlement,
        }
    }
}
