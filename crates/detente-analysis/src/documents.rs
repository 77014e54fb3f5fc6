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

/// A model report over time as a JSON document: the report's schema, the scenario's title, the
/// report's fields inline and, for scenarios with terms of bargaining while fighting, the
/// settlement forecast as `settlement`. [`DelayDocument`] and [`LeversDocument`] are its two
/// uses.
#[derive(Debug, Clone, Serialize)]
pub struct TimedDocument<'a, R, S> {
    /// The report's schema (`detente.delay/1`, `detente.levers/1`).
    pub schema: &'static str,
    /// The scenario's title.
    pub title: &'a str,
    /// The model's report, its fields inline.
    #[serde(flatten)]
    pub report: &'a R,
    /// The settlement forecast, when the scenario fights while it bargains.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settlement: Option<&'a S>,
}

/// A report type with a JSON document of its own.
pub trait Schema {
    /// The document's `schema` field.
    const SCHEMA: &'static str;
}

impl Schema for DelayReport {
    const SCHEMA: &'static str = "detente.delay/1";
}

impl Schema for LeversReport {
    const SCHEMA: &'static str = "detente.levers/1";
}

/// The `detente.delay/1` document: the month-by-month cost of delay and the settlement
/// forecast.
pub type DelayDocument<'a> = TimedDocument<'a, DelayReport, SettlementReport>;

/// The `detente.levers/1` document: each lever and pair against the baseline and each one's
/// shift of the settlement forecast.
pub type LeversDocument<'a> = TimedDocument<'a, LeversReport, SettleLevers>;

impl<'a, R: Schema, S> TimedDocument<'a, R, S> {
    /// The document of `report` (and `settlement`) on `scenario`.
    pub fn new(scenario: &'a Scenario, report: &'a R, settlement: Option<&'a S>) -> Self {
        Self {
            schema: R::SCHEMA,
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
