//! Machine-readable output: JSON (the full `detente.forecast/1` document, EUM trace included) and
//! CSV (one row per issue and model). Both schemas are documented in `docs/output-format.md`.

use std::io::Write;

use detente_models::forecast::{Forecast, Model};
use miette::Report;

use crate::Failure;

/// Writes the forecast as pretty JSON.
pub fn json(out: &mut dyn Write, forecast: &Forecast) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, forecast)
        .map_err(|e| Failure::Internal(Report::msg(format!("cannot write JSON: {e}"))))?;
    writeln!(out)?;
    Ok(())
}

/// Writes one CSV row per issue and model:
/// `issue,model,position,anchor,status_quo,detail`.
pub fn csv(out: &mut dyn Write, forecast: &Forecast) -> Result<(), Failure> {
    let fail = |e: csv::Error| Failure::Internal(Report::msg(format!("cannot write CSV: {e}")));
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "issue",
        "model",
        "position",
        "anchor",
        "status_quo",
        "detail",
    ])
    .map_err(fail)?;
    for issue in &forecast.issues {
        for &model in &forecast.models {
            let Some(point) = issue.point(model) else {
                continue;
            };
            let detail = match model {
                Model::Compromise => String::new(),
                Model::Median => issue
                    .median
                    .as_ref()
                    .filter(|m| m.tie)
                    .map_or_else(String::new, |_| "tie".to_owned()),
                Model::Nash => issue.nash.as_ref().map_or_else(String::new, |n| {
                    if n.gridlock {
                        "gridlock".to_owned()
                    } else {
                        String::new()
                    }
                }),
                Model::Eum => issue.eum.as_ref().map_or_else(String::new, |e| {
                    format!(
                        "{}; mean {}",
                        crate::report::termination(&e.termination),
                        e.mean
                    )
                }),
            };
            w.write_record([
                issue.issue.as_str(),
                model.as_str(),
                &point.position.to_string(),
                point.anchor.as_deref().unwrap_or(""),
                &issue.status_quo.position.to_string(),
                &detail,
            ])
            .map_err(fail)?;
        }
    }
    w.flush()?;
    Ok(())
}
