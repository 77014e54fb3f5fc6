//! The JSON documents that wrap a model's result, built once here so that every front end (the
//! CLI's `--format json`, the Python package's `to_dict()`) writes the same fields. Results
//! whose type carries its own `schema` field (forecast, bargain, Monte Carlo, sensitivity,
//! backtest) serialise as they are; the delay and lever documents add the scenario's title and
//! the optional settlement forecast to a model report, and the forecast document adds the
//! optional Monte Carlo band.

use detente_core::Scenario;
use detente_models::dynamics::{DelayReport, LeversReport};
use detente_models::forecast::Forecast;
use detente_sim::MonteCarloResult;
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

/// The `detente.forecast/1` document with a Monte Carlo band: the forecast's fields and, when
/// `forecast --trials N` ran one, the band as `montecarlo` (a `detente.montecarlo/1` document).
#[derive(Debug, Clone, Serialize)]
pub struct ForecastDocument<'a> {
    /// The per-issue forecasts, their fields inline (the forecast carries its own `schema`).
    #[serde(flatten)]
    pub forecast: &'a Forecast,
    /// The Monte Carlo band of the forecasts, when one was run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub montecarlo: Option<&'a MonteCarloResult>,
}
