//! Machine-readable output: JSON (the full `detente.forecast/1` document, EUM trace included) and
//! CSV (one row per issue and model). Both schemas are documented in `docs/output-format.md`.

use std::io::Write;

use detente_models::forecast::{Forecast, Model};
use miette::Report;

use crate::Failure;

/// A text cell made safe for spreadsheets: a cell that starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return is read as a formula by Excel, LibreOffice and Google Sheets (issue 16:
/// an anchor label `=HYPERLINK(...)` reached the CSV as a live formula), so such a cell gets a
/// leading `'`, as OWASP's "CSV Injection" page advises. Only text cells go through this;
/// numbers (which may start with `-`) are written as they are.
pub fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A whole number in decimal digits with a comma every three (`37822859361` →
/// `37,822,859,361`), for counts people read (issue 16). Text that is not all digits is
/// returned unchanged.
pub fn thousands(digits: &str) -> String {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits.to_owned();
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Writes the forecast as pretty JSON.
pub fn json(out: &mut dyn Write, forecast: &Forecast) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, forecast)
        .map_err(|e| Failure::Internal(Report::msg(format!("cannot write JSON: {e}"))))?;
    writeln!(out)?;
    Ok(())
}

/// Writes one CSV row per issue and model, the headline first (model `headline`, its
/// intervals in `detail` as `p50=low..high;p80=...;p90=...`):
/// `issue,model,position,anchor,status_quo,detail`, followed, with a Monte Carlo `band`
/// (`forecast --trials`), by `mc_mean,mc_p05,mc_p25,mc_median,mc_p75,mc_p95,mc_missing`.
pub fn csv(
    out: &mut dyn Write,
    forecast: &Forecast,
    band: Option<&detente_sim::MonteCarloResult>,
) -> Result<(), Failure> {
    let fail = |e: csv::Error| Failure::Internal(Report::msg(format!("cannot write CSV: {e}")));
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec![
        "issue",
        "model",
        "position",
        "anchor",
        "status_quo",
        "detail",
    ];
    if band.is_some() {
        header.extend([
            "mc_mean",
            "mc_p05",
            "mc_p25",
            "mc_median",
            "mc_p75",
            "mc_p95",
            "mc_missing",
        ]);
    }
    w.write_record(&header).map_err(fail)?;
    for issue in &forecast.issues {
        if let Some(h) = &issue.headline {
            let detail = h
                .intervals
                .iter()
                .map(|iv| format!("p{:.0}={}..{}", 100.0 * iv.level, iv.low, iv.high))
                .collect::<Vec<_>>()
                .join(";");
            let mut row = vec![
                text_cell(&issue.issue),
                "headline".to_owned(),
                h.position.to_string(),
                text_cell(h.anchor.as_deref().unwrap_or_default()),
                issue.status_quo.position.to_string(),
                detail,
            ];
            if band.is_some() {
                row.extend(std::iter::repeat_n(String::new(), 7));
            }
            w.write_record(&row).map_err(fail)?;
        }
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
                Model::Smp => issue.smp.as_ref().map_or_else(String::new, |f| {
                    format!(
                        "{}{} turns; win probability {}",
                        f.space
                            .as_ref()
                            .map_or_else(String::new, |id| format!("space {id}; ")),
                        f.turns,
                        f.win_probability
                    )
                }),
            };
            let mut row = vec![
                text_cell(&issue.issue),
                model.as_str().to_owned(),
                point.position.to_string(),
                text_cell(point.anchor.as_deref().unwrap_or_default()),
                issue.status_quo.position.to_string(),
                text_cell(&detail),
            ];
            if let Some(band) = band {
                let key = format!("{}/{}", issue.issue, model.as_str());
                let num = |x: Option<f64>| x.map_or_else(String::new, |x| x.to_string());
                match band.metrics.iter().find(|m| m.metric.key == key) {
                    Some(m) => {
                        let s = &m.summary;
                        row.extend([s.mean, s.p05, s.p25, s.median, s.p75, s.p95].map(num));
                        row.push(s.missing.to_string());
                    }
                    None => row.extend(std::iter::repeat_n(String::new(), 7)),
                }
            }
            w.write_record(&row).map_err(fail)?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Writes `text` to the file the user named with `-o` (saying so on stderr), or to `out`.
pub fn write_to(
    path: Option<&std::path::Path>,
    text: &str,
    out: &mut dyn std::io::Write,
) -> Result<(), crate::Failure> {
    match path {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| {
                crate::Failure::Input(miette::Report::msg(format!(
                    "cannot write `{}`: {e}\n  help: check that the folder exists and is writable",
                    path.display()
                )))
            })?;
            eprintln!("wrote {}", path.display());
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_separators_every_three_digits() {
        assert_eq!(thousands("37822859361"), "37,822,859,361");
        assert_eq!(thousands("100"), "100");
        assert_eq!(thousands("1000"), "1,000");
        assert_eq!(thousands("0"), "0");
        assert_eq!(thousands("12ab"), "12ab");
    }
}
