//! The report's "When a deal comes" section: the settlement forecast of bargaining while
//! fighting (`detente_sim::settle`) as Markdown and as plain HTML tables (readable with scripts
//! off; the HTML report's script adds the P(deal by month) chart from the same numbers).
//!
//! What it shows: P(deal by month) with its 95% interval (every month to 12, then every third
//! and the horizon), the median deal month with its quartiles, the terms issue by issue, who
//! moves most, how much the answer hangs on the beliefs, and each lever's and pair's shift of
//! the median deal month and of P(deal within 6, 12 and 24 months).

use std::fmt::Write as _;

use detente_core::Scenario;
use detente_sim::settle::{LeverSettlement, SettleLevers, Settlement, SettlementReport};

use crate::html::esc;

/// "month 3", or "not within the horizon".
fn month_text(month: Option<u32>) -> String {
    month.map_or_else(
        || "not within the horizon".to_owned(),
        |m| format!("month {m}"),
    )
}

/// The months the table shows: every month to 12, then every third, and the horizon.
fn shown(settlement: &Settlement) -> impl Iterator<Item = &detente_sim::settle::ByMonth> {
    let horizon = settlement.horizon;
    settlement
        .by_month
        .iter()
        .filter(move |b| b.month <= 12 || b.month % 3 == 0 || b.month == horizon)
}

fn name<'a>(s: &'a Scenario, id: &'a str) -> &'a str {
    s.actors
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.name.as_str())
        .or_else(|| s.issue(id).map(|i| i.name.as_str()))
        .unwrap_or(id)
}

/// "cards-on-table + face-saving", by lever name.
fn lever_names(s: &Scenario, ids: &[String]) -> String {
    let levers = s.time.as_ref().map(|t| t.levers.as_slice()).unwrap_or(&[]);
    ids.iter()
        .map(|id| {
            levers
                .iter()
                .find(|l| &l.id == id)
                .map_or(id.as_str(), |l| l.name.as_str())
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The headline sentence: median month, quartiles, P within the windows.
pub(crate) fn headline(settlement: &Settlement) -> String {
    let windows: Vec<String> = [6u32, 12, 24]
        .iter()
        .filter(|&&w| w <= settlement.horizon)
        .filter_map(|&w| {
            settlement
                .by_month
                .iter()
                .find(|b| b.month == w)
                .map(|b| format!("{:.2} within {w} months", b.p))
        })
        .collect();
    format!(
        "Median deal month: {} (quartiles: {} and {}). P(deal): {}; {:.2} within the horizon of {} months.",
        month_text(settlement.median_month),
        month_text(settlement.quartile_months[0]),
        month_text(settlement.quartile_months[1]),
        windows.join(", "),
        settlement.p_deal,
        settlement.horizon
    )
}

fn method(settlement: &Settlement) -> String {
    let conditioned = settlement.events.as_ref().map_or_else(String::new, |c| {
        format!(
            " Conditioned on {} observed event{} (`[[time.events]]`): the trials are weighted by the events' likelihood and drawn again, so what follows is the posterior; {} of {} trials fit, effective sample size {:.0}{}.",
            c.events,
            if c.events == 1 { "" } else { "s" },
            c.consistent,
            c.trials,
            c.ess,
            if c.small { " (small: the posterior rests on few trials)" } else { "" }
        )
    });
    format!(
        "{} trials, seed {}. Each party values fighting on by its own belief about the front, learns from each month's move, pays its audience costs for crossing a public line and discounts a deal by the chance it holds; a deal comes in the first month in which some package beats every party's own value of fighting on, on that month's Nash terms.{}{conditioned}",
        settlement.trials,
        settlement.seed,
        settlement
            .veto_summary
            .as_ref()
            .map_or_else(String::new, |v| format!(" {v}"))
    )
}

fn signed(x: f64) -> String {
    if x.abs() < 5e-4 {
        "0.00".to_owned()
    } else {
        format!("{x:+.2}")
    }
}

fn median_shift(v: &LeverSettlement) -> String {
    format!(
        "{:+} [{:+}, {:+}]",
        v.median_shift, v.median_shift_interval[0], v.median_shift_interval[1]
    )
}

/// The Markdown section.
pub(crate) fn markdown(
    md: &mut String,
    s: &Scenario,
    report: &Result<&SettlementReport, String>,
    levers: Option<&SettleLevers>,
) {
    let _ = writeln!(md, "\n## When a deal comes (bargaining while fighting)\n");
    let report = match report {
        Ok(r) => r,
        Err(why) => {
            let _ = writeln!(md, "Not computed: {why}.");
            return;
        }
    };
    let f = &report.forecast;
    let _ = writeln!(md, "{}\n\n{}\n", method(f), headline(f));
    let alone = !f.parties_by_month.is_empty();
    if alone {
        let _ = writeln!(
            md,
            "| month | P(deal by month) | 95% interval | parties alone |\n|---|---|---|---|"
        );
    } else {
        let _ = writeln!(
            md,
            "| month | P(deal by month) | 95% interval |\n|---|---|---|"
        );
    }
    for b in shown(f) {
        let extra = f
            .parties_by_month
            .get(b.month as usize)
            .map_or_else(String::new, |a| format!(" {a:.3} |"));
        let _ = writeln!(
            md,
            "| {} | {:.3} | {:.3} to {:.3} |{extra}",
            b.month, b.p, b.lo, b.hi
        );
    }
    let _ = writeln!(
        md,
        "\nTerms over the trials with a deal (scale points):\n\n| issue | status quo | mean | 5% | median | 95% |\n|---|---|---|---|---|---|"
    );
    for t in &f.terms {
        match (t.mean, t.percentiles) {
            (Some(mean), Some(p)) => {
                let _ = writeln!(
                    md,
                    "| {} | {} | {mean:.1} | {} | {} | {} |",
                    name(s, &t.issue),
                    t.status_quo,
                    p[0],
                    p[2],
                    p[4]
                );
            }
            _ => {
                let _ = writeln!(
                    md,
                    "| {} | {} | no deal | | | |",
                    name(s, &t.issue),
                    t.status_quo
                );
            }
        }
    }
    let _ = writeln!(
        md,
        "\nWho moves most (salience-weighted mean distance from each actor's position, scale points):\n\n| actor | to the deal | to today's status quo |\n|---|---|---|"
    );
    for m in &f.movers {
        let _ = writeln!(
            md,
            "| {} | {} | {:.1} |",
            name(s, &m.actor),
            m.to_deal
                .map_or_else(|| "-".to_owned(), |d| format!("{d:.1}")),
            m.to_status_quo
        );
    }
    if !report.belief_sensitivity.is_empty() {
        let _ = writeln!(
            md,
            "\nHow much the answer hangs on the beliefs (every belief's offset from the analyst's drift scaled by d, its prior sd by g; median deal month and P(deal) within the horizon):\n\n| d | g | median month | P(deal) |\n|---|---|---|---|"
        );
        for c in &report.belief_sensitivity {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {:.2} |",
                c.divergence,
                c.spread,
                month_text(c.median_month),
                c.p_deal
            );
        }
    }
    if let Some(levers) = levers {
        let _ = writeln!(
            md,
            "\n### Levers and when a deal comes\n\nEach lever and pair on the same draws as the baseline (median deal month {}); shifts with 95% intervals.\n\n| levers | median month | shift (months) | P(deal within 6) | P(within 12) | P(within 24) |\n|---|---|---|---|---|---|",
            month_text(levers.baseline.median_month)
        );
        for v in &levers.variants {
            let mut row = format!(
                "| {} | {} | {} |",
                lever_names(s, &v.levers),
                month_text(v.median_month),
                median_shift(v)
            );
            for w in [6u32, 12, 24] {
                match v.windows.iter().find(|x| x.months == w) {
                    Some(x) => {
                        let _ = write!(
                            row,
                            " {:.2} ({} [{}, {}]) |",
                            x.p,
                            signed(x.shift),
                            signed(x.lo),
                            signed(x.hi)
                        );
                    }
                    None => row.push_str(" |"),
                }
            }
            let _ = writeln!(md, "{row}");
        }
    }
}

/// The HTML section: the headline, the P(deal by month) table (the script draws it as a chart
/// into `#settlement-view`), the terms and, with levers, their table.
pub(crate) fn html(
    h: &mut String,
    s: &Scenario,
    report: &Result<&SettlementReport, String>,
    levers: Option<&SettleLevers>,
) {
    let _ = writeln!(h, "<h2>When a deal comes</h2>");
    let report = match report {
        Ok(r) => r,
        Err(why) => {
            let _ = writeln!(h, "<p class=\"note\">Not computed: {}.</p>", esc(why));
            return;
        }
    };
    let f = &report.forecast;
    let _ = writeln!(
        h,
        "<p>{}</p>\n<p class=\"ripeness\">{}</p>\n<div id=\"settlement-view\"></div>",
        esc(&method(f)),
        esc(&headline(f))
    );
    let _ = writeln!(
        h,
        "<div class=\"table-wrap\"><table class=\"settlement-months\">\n<caption>P(deal by month) with its 95% interval{}</caption>\n<thead><tr><th scope=\"col\">month</th><th scope=\"col\">P(deal by month)</th><th scope=\"col\">95% interval</th>{}</tr></thead>\n<tbody>",
        if f.parties_by_month.is_empty() {
            ""
        } else {
            "; parties alone: the same without the vetoes"
        },
        if f.parties_by_month.is_empty() {
            ""
        } else {
            "<th scope=\"col\">parties alone</th>"
        }
    );
    for b in shown(f) {
        let extra = f
            .parties_by_month
            .get(b.month as usize)
            .map_or_else(String::new, |a| format!("<td>{a:.3}</td>"));
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{:.3}</td><td>{:.3} to {:.3}</td>{extra}</tr>",
            b.month, b.p, b.lo, b.hi
        );
    }
    let _ = writeln!(h, "</tbody></table></div>");
    let _ = writeln!(
        h,
        "<div class=\"table-wrap\"><table class=\"settlement-terms\">\n<caption>Terms over the trials with a deal (scale points)</caption>\n<thead><tr><th scope=\"col\">issue</th><th scope=\"col\">status quo</th><th scope=\"col\">mean</th><th scope=\"col\">5%</th><th scope=\"col\">median</th><th scope=\"col\">95%</th></tr></thead>\n<tbody>"
    );
    for t in &f.terms {
        let cells = match (t.mean, t.percentiles) {
            (Some(mean), Some(p)) => {
                format!(
                    "<td>{mean:.1}</td><td>{}</td><td>{}</td><td>{}</td>",
                    p[0], p[2], p[4]
                )
            }
            _ => "<td colspan=\"4\">no deal</td>".to_owned(),
        };
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td>{cells}</tr>",
            esc(name(s, &t.issue)),
            t.status_quo
        );
    }
    let _ = writeln!(h, "</tbody></table></div>");
    if let Some(levers) = levers {
        let _ = writeln!(
            h,
            "<div class=\"table-wrap\"><table class=\"settlement-levers\">\n<caption>Levers and when a deal comes: each lever and pair on the baseline's draws (baseline median deal month: {}); shifts with 95% intervals</caption>\n<thead><tr><th scope=\"col\">levers</th><th scope=\"col\">median month</th><th scope=\"col\">shift (months)</th><th scope=\"col\">P(deal within 6)</th><th scope=\"col\">within 12</th><th scope=\"col\">within 24</th></tr></thead>\n<tbody>",
            esc(&month_text(levers.baseline.median_month))
        );
        for v in &levers.variants {
            let _ = write!(
                h,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td>",
                esc(&lever_names(s, &v.levers)),
                esc(&month_text(v.median_month)),
                esc(&median_shift(v))
            );
            for w in [6u32, 12, 24] {
                match v.windows.iter().find(|x| x.months == w) {
                    Some(x) => {
                        let _ = write!(
                            h,
                            "<td>{:.2} ({} [{}, {}])</td>",
                            x.p,
                            signed(x.shift),
                            signed(x.lo),
                            signed(x.hi)
                        );
                    }
                    None => h.push_str("<td></td>"),
                }
            }
            let _ = writeln!(h, "</tr>");
        }
        let _ = writeln!(h, "</tbody></table></div>");
    }
}
