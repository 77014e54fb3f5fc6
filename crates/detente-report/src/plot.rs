//! The charts of a report: every chart [`crate::charts`] draws from the report's results,
//! for the HTML report (inlined with its data) and for `detente report --plot DIR` (files to
//! drop into a paper, a slide or a wiki page, with no script and no stylesheet).
//!
//! The results go through their JSON documents, the same input the dashboard's charts have,
//! so a chart in a file, in the report and in the dashboard is the same SVG.

use serde::Serialize;

use crate::charts::{Chart, Kind, Names, charts};
use crate::html::ReportInput;

/// One chart file: a name (no directory) and the SVG text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plot {
    /// File name, e.g. `eum-ceasefire.svg`.
    pub file: String,
    /// The SVG document.
    pub svg: String,
}

/// Every chart the report's results allow, in report order, as files. The EUM and band charts
/// keep the file names of earlier versions (`eum-ISSUE.svg`, `montecarlo-ISSUE.svg`).
pub fn plots(input: &ReportInput<'_>) -> Vec<Plot> {
    report_charts(input)
        .into_iter()
        .map(|c| {
            let file = c.file_name();
            let file = if let Some(rest) = file.strip_prefix("eum-rounds-") {
                format!("eum-{rest}")
            } else if let Some(rest) = file.strip_prefix("mc-band-") {
                format!("montecarlo-{rest}")
            } else {
                file
            };
            Plot { file, svg: c.svg }
        })
        .collect()
}

/// The levers part a levers document's charts read: its lever names and its settlement part.
#[derive(Serialize)]
struct LeverLines<'a> {
    lever_names: Vec<(&'a str, &'a str)>,
    settlement: &'a detente_sim::settle::SettleLevers,
}

/// Every chart of the report's results, in report order.
pub(crate) fn report_charts(input: &ReportInput<'_>) -> Vec<Chart> {
    let s = input.scenario;
    let names = Names::of(s);
    let mut docs: Vec<(Kind, Option<serde_json::Value>)> =
        vec![(Kind::Forecast, serde_json::to_value(input.forecast).ok())];
    if let Ok(b) = &input.bargain {
        docs.push((Kind::Bargain, serde_json::to_value(b).ok()));
    }
    if let Some(Ok(d)) = &input.delay {
        docs.push((Kind::Delay, serde_json::to_value(d).ok()));
    }
    if let Some(Ok(r)) = &input.settlement {
        docs.push((Kind::Settlement, serde_json::to_value(r).ok()));
    }
    if let Some(l) = input.settlement_levers {
        let lever_names = s
            .time
            .as_ref()
            .map(|t| {
                t.levers
                    .iter()
                    .map(|l| (l.id.as_str(), l.name.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        let lines = LeverLines {
            lever_names,
            settlement: l,
        };
        docs.push((Kind::Levers, serde_json::to_value(&lines).ok()));
    }
    if let Some(mc) = input.montecarlo {
        docs.push((Kind::Montecarlo, serde_json::to_value(mc).ok()));
    }
    if let Some(sens) = input.sensitivity {
        docs.push((Kind::Sensitivity, serde_json::to_value(sens).ok()));
    }
    // A result's own document always has the fields its charts read (tested below), so a
    // document that cannot be read draws nothing rather than failing the report.
    docs.into_iter()
        .filter_map(|(kind, doc)| charts(kind, &doc?, &names).ok())
        .flatten()
        .collect()
}
