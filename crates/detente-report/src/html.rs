//! Reports for `detente report`: one self-contained HTML file, or a plain Markdown summary.
//!
//! A report has up to five parts: the forecasts of every model (always), the package deal
//! (when the scenario's package problem can be built), the cost of delay and the levers (when
//! the scenario has a `[time]` section), the Monte Carlo bands and histograms, and the
//! sensitivity tornados (when the caller ran them). The caller runs the models; this module
//! only writes what it is given.
//!
//! The HTML report needs no network to view: its CSS, the results (as JSON), their charts (SVG
//! drawn by [`crate::charts`], the dashboard's charts) and the dashboard's view modules are
//! inlined. The summary tables are written here in HTML as well, so the numbers are
//! readable even with scripts off. The modules are concatenated into one inline script with their
//! `import` lines dropped and `export` keywords stripped (they are written for this: one import
//! per line, no name clashes), because a page opened from a file cannot load module files.

use std::fmt::Write as _;

use detente_core::Scenario;
use detente_models::dynamics::{DelayReport, LeversReport};
use detente_models::forecast::{Forecast, IssueForecast, Model};
use detente_sim::MonteCarloResult;
use detente_sim::sensitivity::Sensitivity;
use detente_sim::settle::{SettleLevers, SettlementReport};
use serde::Serialize;

use crate::assets;
use detente_analysis::Packages as BargainOut;

/// What a report shows.
#[derive(Debug)]
pub struct ReportInput<'a> {
    /// The file name, as the user gave it.
    pub file: &'a str,
    /// The validated scenario.
    pub scenario: &'a Scenario,
    /// The forecast of every model.
    pub forecast: &'a Forecast,
    /// Package bargaining, or why it could not run.
    pub bargain: Result<&'a BargainOut, String>,
    /// The cost of delay, or why it could not run; `None` when the scenario has no `[time]`
    /// section.
    pub delay: Option<Result<&'a DelayReport, String>>,
    /// The lever comparison, when the scenario declares levers and it ran.
    pub levers: Option<&'a LeversReport>,
    /// When a deal comes under bargaining while fighting, or why it could not run; `None` when
    /// the scenario gives no beliefs, audience costs or enforcement.
    pub settlement: Option<Result<&'a SettlementReport, String>>,
    /// Each lever's shift of the settlement forecast, when it ran.
    pub settlement_levers: Option<&'a SettleLevers>,
    /// Monte Carlo bands, when run.
    pub montecarlo: Option<&'a MonteCarloResult>,
    /// Sensitivity tornados, when run.
    pub sensitivity: Option<&'a Sensitivity>,
}

fn name_of<'a>(scenario: &'a Scenario, id: &'a str) -> &'a str {
    scenario
        .actors
        .iter()
        .find(|a| a.id == id)
        .map_or(id, |a| a.name.as_str())
}

fn cell(issue: &IssueForecast, model: Model) -> String {
    match issue.point(model) {
        Some(p) => match &p.anchor {
            Some(a) => format!("{:.1} ({a})", p.position),
            None => format!("{:.1}", p.position),
        },
        None => "n/a".to_owned(),
    }
}

/// One row of the headline table, formatted.
struct HeadlineRow {
    issue: String,
    value: String,
    /// 50, 80 and 90 % intervals ("low to high", or "n/a").
    intervals: [String; 3],
    /// Why the issue is unlike the training data, if it is.
    unlike: Vec<String>,
}

/// The headline of every issue that has one, or `None` when the forecast has no headline.
fn headline_rows(f: &Forecast) -> Option<Vec<HeadlineRow>> {
    f.headline.as_ref()?;
    let rows: Vec<HeadlineRow> = f
        .issues
        .iter()
        .filter_map(|issue| {
            let h = issue.headline.as_ref()?;
            let at = |level: f64| {
                h.intervals
                    .iter()
                    .find(|i| (i.level - level).abs() < 1e-9)
                    .map_or_else(
                        || "n/a".to_owned(),
                        |i| format!("{:.1} to {:.1}", i.low, i.high),
                    )
            };
            Some(HeadlineRow {
                issue: issue.name.clone(),
                value: match &h.anchor {
                    Some(a) => format!("{:.1} ({a})", h.position),
                    None => format!("{:.1}", h.position),
                },
                intervals: [at(0.5), at(0.8), at(0.9)],
                unlike: h.unlike_training.clone(),
            })
        })
        .collect();
    (!rows.is_empty()).then_some(rows)
}

/// Where the headline's weights and intervals come from, and which issues lie outside it.
fn headline_note(f: &Forecast, rows: &[HeadlineRow]) -> String {
    let mut note = f.headline.as_ref().map_or_else(String::new, |info| {
        let own = info
            .scenario_sentence()
            .map_or_else(String::new, |s| format!("{s} "));
        format!(
            "{own}Weights ({}) and intervals learnt on {} ({} issues); out of fold there the intervals covered {} of outcomes at nominal {}. For other kinds of negotiation they are a reference point, not a calibrated forecast.",
            info.preset,
            info.training,
            info.training_issues,
            info.measured_coverage
                .iter()
                .map(|c| format!("{:.0}%", c * 100.0))
                .collect::<Vec<_>>()
                .join(" / "),
            info.levels
                .iter()
                .map(|c| format!("{:.0}%", c * 100.0))
                .collect::<Vec<_>>()
                .join(" / ")
        )
    });
    let unlike: Vec<String> = rows
        .iter()
        .filter(|r| !r.unlike.is_empty())
        .map(|r| format!("{} ({})", r.issue, r.unlike.join("; ")))
        .collect();
    if !unlike.is_empty() {
        let _ = write!(note, " Unlike the training data: {}.", unlike.join(", "));
    }
    note
}

/// The Markdown summary.
pub fn markdown(input: &ReportInput<'_>) -> String {
    let s = input.scenario;
    let f = input.forecast;
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", md_text(&s.meta.title));
    if let Some(date) = &s.meta.date {
        let _ = writeln!(md, "Date: {}  ", md_text(date));
    }
    let _ = writeln!(
        md,
        "Scenario: `{}`, {} actors, {} issues. Generated by detente {}.\n",
        input.file,
        s.actors.len(),
        s.issues.len(),
        env!("CARGO_PKG_VERSION")
    );
    if let Some(caveat) = &s.meta.caveat {
        let _ = writeln!(md, "> {}\n", md_text(caveat));
    }
    if let Some(rows) = headline_rows(f) {
        let _ = writeln!(
            md,
            "## Headline forecast\n\n| issue | headline | 50% interval | 80% interval | 90% interval |\n|---|---|---|---|---|"
        );
        for r in &rows {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                md_text(&r.issue),
                r.value,
                r.intervals[0],
                r.intervals[1],
                r.intervals[2]
            );
        }
        let _ = writeln!(md, "\n{}\n", md_text(&headline_note(f, &rows)));
    }
    let _ = writeln!(md, "## Forecasts\n");
    let mut header = String::from("| issue | status quo |");
    let mut rule = String::from("|---|---|");
    for m in &f.models {
        let _ = write!(header, " {m} |");
        rule.push_str("---|");
    }
    let _ = writeln!(md, "{header}\n{rule}");
    for issue in &f.issues {
        let mut row = format!(
            "| {} | {:.1} |",
            md_text(&issue.name),
            issue.status_quo.position
        );
        for &m in &f.models {
            let _ = write!(row, " {} |", md_text(&cell(issue, m)));
        }
        let _ = writeln!(md, "{row}");
    }
    for issue in &f.issues {
        let _ = writeln!(md, "\n### {}\n", md_text(&issue.name));
        if let Some(eum) = &issue.eum {
            let _ = writeln!(
                md,
                "EUM ({:?} preset): {}; final median {:.1}, mean {:.1}.\n",
                eum.preset, eum.ended, eum.point.position, eum.mean
            );
        }
        let moves = issue.eum.as_ref().map_or(&[][..], |e| &e.biggest_moves[..]);
        if moves.is_empty() && issue.eum.is_some() {
            let _ = writeln!(
                md,
                "No actor accepted an offer: every actor holds its position."
            );
        }
        for ranked in moves {
            let (round, m) = (ranked.round, &ranked.change);
            let _ = writeln!(
                md,
                "- Round {round}: {} {:.1} → {:.1}. {}.",
                md_text(name_of(s, &m.actor)),
                m.from,
                m.to,
                md_text(&m.reason)
            );
        }
        for note in &issue.notes {
            let _ = writeln!(md, "- Note: {}", md_text(note));
        }
    }
    let _ = writeln!(md, "\n## Package deal\n");
    match &input.bargain {
        Ok(b) => {
            let parties: Vec<&str> = b.parties.iter().map(|p| p.id.as_str()).collect();
            let _ = writeln!(
                md,
                "Parties: {}. Grid step {}, {:?} loss; {} packages on the rational Pareto frontier.\n",
                parties.join(", "),
                b.config.step.unwrap_or_default(),
                b.config.loss.unwrap_or_default(),
                b.frontier.len()
            );
            let mut header = String::from("| solution |");
            let mut rule = String::from("|---|");
            for p in &parties {
                let _ = write!(header, " {} utility |", md_text(p));
                rule.push_str("---|");
            }
            for i in &b.issues {
                let _ = write!(header, " {} |", md_text(&i.id));
                rule.push_str("---|");
            }
            let _ = writeln!(md, "{header}\n{rule}");
            let mut row = String::from("| disagreement |");
            for d in &b.disagreement {
                let _ = write!(row, " {d:.3} |");
            }
            if let Some(sq) = &b.status_quo {
                for x in &sq.package {
                    let _ = write!(row, " {x} |");
                }
            }
            let _ = writeln!(md, "{row}");
            for (name, sol) in solutions(b) {
                let mut row = format!("| {name} |");
                match sol {
                    Some(sol) => {
                        for u in &sol.utilities {
                            let _ = write!(row, " {u:.3} |");
                        }
                        for x in &sol.package {
                            let _ = write!(row, " {x} |");
                        }
                    }
                    None => row.push_str(" no individually rational package |"),
                }
                let _ = writeln!(md, "{row}");
            }
            let _ = writeln!(
                md,
                "\nZone of possible agreement: {}.",
                if b.zopa.exists {
                    "some package is better than no deal for every party"
                } else {
                    "no package is better than no deal for every party"
                }
            );
        }
        Err(why) => {
            let _ = writeln!(md, "Not computed: {}.", md_text(why));
        }
    }
    if let Some(delay) = &input.delay {
        md_delay(&mut md, s, delay, input.levers);
    }
    if let Some(settlement) = &input.settlement {
        crate::settlement::markdown(&mut md, s, settlement, input.settlement_levers);
    }
    if let Some(mc) = input.montecarlo {
        md_montecarlo(&mut md, s, mc);
    }
    if let Some(sens) = input.sensitivity {
        md_sensitivity(&mut md, s, sens);
    }
    md
}

fn ripeness_sentence(delay: &DelayReport) -> String {
    match delay.ripeness {
        Some(m) => format!(
            "Ripe in month {m}: the first month in which some package beats fighting on for every party and no party gains by waiting."
        ),
        None => format!(
            "Not ripe within {} months: in no month does some package beat fighting on for every party while no party gains by waiting.",
            delay.horizon
        ),
    }
}

fn lever_label(levers: &LeversReport, ids: &[String]) -> String {
    if ids.is_empty() {
        return "Baseline (no levers)".to_owned();
    }
    ids.iter()
        .map(|id| {
            levers
                .lever_names
                .iter()
                .find(|(l, _)| l == id)
                .map_or(id.as_str(), |(_, name)| name.as_str())
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

fn ripe_text(month: Option<u32>) -> String {
    month.map_or_else(|| "never".to_owned(), |m| format!("month {m}"))
}

/// The months a summary table shows: every month up to 12, then every third, always the ripeness
/// month and the last.
fn shown_months(delay: &DelayReport) -> impl Iterator<Item = &detente_models::dynamics::Month> {
    delay.months.iter().filter(move |m| {
        m.month <= 12
            || m.month % 3 == 0
            || m.month == delay.horizon
            || Some(m.month) == delay.ripeness
    })
}

fn md_delay(
    md: &mut String,
    s: &Scenario,
    delay: &Result<&DelayReport, String>,
    levers: Option<&LeversReport>,
) {
    let _ = writeln!(md, "\n## Cost of delay\n");
    let delay = match delay {
        Ok(d) => d,
        Err(why) => {
            let _ = writeln!(md, "Not computed: {}.", md_text(why));
            return;
        }
    };
    let _ = writeln!(md, "{}\n", ripeness_sentence(delay));
    if let Some(spe) = &delay.spe {
        let utilities: Vec<String> = delay
            .parties
            .iter()
            .zip(&spe.utilities)
            .map(|(p, u)| format!("{} {u:.3}", md_text(name_of(s, p))))
            .collect();
        let _ = writeln!(
            md,
            "Alternating offers ({} first): {} in month {}, giving {}.\n",
            md_text(name_of(s, &spe.first_proposer)),
            if spe.deal.is_some() {
                "agreement"
            } else {
                "talks end without a deal"
            },
            spe.month,
            utilities.join(", ")
        );
    }
    let mut header = String::from("| month | zone |");
    let mut rule = String::from("|---|---|");
    for p in &delay.parties {
        let p = md_text(name_of(s, p));
        let _ = write!(
            header,
            " {p}: no deal | {p}: Nash deal | {p}: cost of a month's delay |"
        );
        rule.push_str("---|---|---|");
    }
    let _ = writeln!(md, "{header}\n{rule}");
    for m in shown_months(delay) {
        let mut row = format!(
            "| {}{} | {} |",
            m.month,
            if m.ripe { " (ripe)" } else { "" },
            if m.zone { "yes" } else { "no" }
        );
        for i in 0..delay.parties.len() {
            let nash = m
                .nash
                .as_ref()
                .and_then(|d| d.utilities.get(i))
                .map_or_else(|| "-".to_owned(), |u| format!("{u:.3}"));
            let cost = m
                .cost_of_delay
                .as_ref()
                .and_then(|c| c.get(i))
                .map_or_else(|| "-".to_owned(), |c| format!("{c:+.4}"));
            let d = m.disagreement.get(i).copied().unwrap_or(f64::NAN);
            let _ = write!(row, " {d:.3} | {nash} | {cost} |");
        }
        let _ = writeln!(md, "{row}");
    }
    for note in &delay.notes {
        let _ = writeln!(md, "\n- Note: {}", md_text(note));
    }
    let Some(levers) = levers else {
        return;
    };
    let _ = writeln!(md, "\n### Levers\n");
    let mut header = String::from("| levers | ripe | shift (months) |");
    let mut rule = String::from("|---|---|---|");
    for p in &levers.parties {
        let _ = write!(header, " when ripe: {} |", md_text(name_of(s, p)));
        rule.push_str("---|");
    }
    let _ = writeln!(md, "{header}\n{rule}");
    let mut row = format!(
        "| {} | {} | 0 |",
        lever_label(levers, &levers.baseline.levers),
        ripe_text(levers.baseline.ripeness)
    );
    for i in 0..levers.parties.len() {
        let u = levers
            .baseline
            .deal
            .as_ref()
            .and_then(|d| d.utilities.get(i))
            .map_or_else(|| "-".to_owned(), |u| format!("{u:.3}"));
        let _ = write!(row, " {u} |");
    }
    let _ = writeln!(md, "{row}");
    for v in &levers.variants {
        let mut row = format!(
            "| {} | {} | {:+} |",
            md_text(&lever_label(levers, &v.levers)),
            ripe_text(v.ripeness),
            v.ripeness_shift
        );
        for x in &v.utility_shift {
            let _ = write!(row, " {x:+.3} |");
        }
        let _ = writeln!(md, "{row}");
    }
    let _ = writeln!(
        md,
        "\nBaseline row: what the Nash deal of the ripe month gives each party; other rows: the change against it."
    );
}

fn issue_name<'a>(s: &'a Scenario, id: &'a str) -> &'a str {
    s.issues
        .iter()
        .find(|i| i.id == id)
        .map_or(id, |i| i.name.as_str())
}

/// `ceasefire/eum` as `Ceasefire before talks: eum`; other metric keys as they are.
fn metric_label(s: &Scenario, key: &str) -> String {
    match key.split_once('/') {
        Some((issue, model)) if s.issues.iter().any(|i| i.id == issue) => {
            format!("{}: {model}", issue_name(s, issue))
        }
        _ => key.to_owned(),
    }
}

fn opt(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "n/a".to_owned(), |x| format!("{x:.digits$}"))
}

fn md_montecarlo(md: &mut String, s: &Scenario, mc: &MonteCarloResult) {
    let _ = writeln!(md, "\n## Monte Carlo\n");
    let _ = writeln!(
        md,
        "{} trials, seed {}: each trial draws positions from the scenario's own `sd`/`range`{}.\n",
        mc.trials,
        mc.seed,
        if mc.noise == detente_sim::Noise::default() {
            ""
        } else {
            " plus the extra noise given"
        }
    );
    let _ = writeln!(
        md,
        "| forecast | without noise | mean | 5% | median | 95% |\n|---|---|---|---|---|---|"
    );
    for m in &mc.metrics {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            md_text(&metric_label(s, &m.metric.key)),
            opt(m.baseline, 1),
            opt(m.summary.mean, 1),
            opt(m.summary.p05, 1),
            opt(m.summary.median, 1),
            opt(m.summary.p95, 1)
        );
    }
}

fn md_sensitivity(md: &mut String, s: &Scenario, sens: &Sensitivity) {
    let _ = writeln!(md, "\n## Sensitivity\n");
    let _ = writeln!(
        md,
        "Each input alone at the ends of its range (its `sd`/`range`, else position ±{:.0}% of the scale, salience ±{}, capability ×/÷{}); the three that move each forecast most, with the forecast at the low and the high end.\n",
        sens.config.position_share * 100.0,
        sens.config.salience_delta,
        sens.config.capability_factor
    );
    let _ = writeln!(
        md,
        "| forecast | baseline | input | low end | high end | swing |\n|---|---|---|---|---|---|"
    );
    for m in &sens.metrics {
        let mut bars: Vec<_> = m.tornado.iter().filter(|b| b.swing > 0.0).collect();
        bars.sort_by(|a, b| b.swing.total_cmp(&a.swing));
        if bars.is_empty() {
            let _ = writeln!(
                md,
                "| {} | {} | (no input moves it) | | | |",
                md_text(&metric_label(s, &m.metric)),
                opt(m.baseline, 1)
            );
        }
        for b in bars.into_iter().take(3) {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {:.1} |",
                md_text(&metric_label(s, &m.metric)),
                opt(m.baseline, 1),
                md_text(&b.input),
                opt(b.at_low, 1),
                opt(b.at_high, 1),
                b.swing
            );
        }
    }
}

fn solutions(
    b: &BargainOut,
) -> [(
    &'static str,
    Option<&detente_analysis::packages::SolutionOut>,
); 4] {
    [
        ("Nash", b.solutions.nash.as_ref()),
        ("Kalai-Smorodinsky", b.solutions.kalai_smorodinsky.as_ref()),
        ("egalitarian", b.solutions.egalitarian.as_ref()),
        ("utilitarian", b.solutions.utilitarian.as_ref()),
    ]
}

/// Escapes the characters that would break a Markdown table or start markup.
fn md_text(s: &str) -> String {
    s.replace('\n', " ")
        .replace('|', "\\|")
        .replace('<', "&lt;")
}

/// Escapes text for HTML and SVG (XML) element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Bars per tornado (and coefficients per regression table) kept in the HTML report; the
/// sensitivity view shows ten.
const TORNADO_BARS: usize = 12;

/// What the report's script reads.
#[derive(Serialize)]
struct ReportData<'a> {
    scenario: ScenarioInfo<'a>,
    forecast: &'a Forecast,
    bargain: Option<&'a BargainOut>,
    bargain_error: Option<&'a str>,
    delay: Option<&'a DelayReport>,
    levers: Option<&'a LeversReport>,
    settlement: Option<&'a SettlementReport>,
    montecarlo: Option<&'a MonteCarloResult>,
    sensitivity: Option<&'a Sensitivity>,
    /// Every chart of the results, which the views show.
    charts: Vec<crate::charts::Chart>,
}

/// The parts of the scenario the views need: names, roles and anchors.
#[derive(Serialize)]
struct ScenarioInfo<'a> {
    actors: Vec<ActorInfo<'a>>,
    issues: Vec<IssueInfo<'a>>,
}

#[derive(Serialize)]
struct ActorInfo<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct IssueInfo<'a> {
    id: &'a str,
    name: &'a str,
    anchors: Vec<(f64, &'a str)>,
}

/// JSON safe to place inside a `<script>` element: `<` is written as `\u003c`, so no `</script>`
/// or `<!--` can appear.
fn script_json(value: &impl Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".to_owned())
        .replace('<', "\\u003c")
}

/// The dashboard's modules as one classic-module script for inlining.
fn inline_modules() -> String {
    let mut js = String::new();
    for path in [
        "js/format.js",
        "js/views/forecast.js",
        "js/views/bargain.js",
        "js/views/delay.js",
        "js/views/settlement.js",
        "js/views/montecarlo.js",
        "js/views/sensitivity.js",
        "js/report.js",
    ] {
        let text = assets::find(path).map_or("", |a| a.text);
        let _ = writeln!(js, "// ---- {path}");
        for line in text.lines() {
            if line.starts_with("import ") {
                continue;
            }
            js.push_str(line.strip_prefix("export ").unwrap_or(line));
            js.push('\n');
        }
    }
    // A `</script` inside the code would end the element early.
    js.replace("</script", "<\\/script")
}

/// The self-contained HTML report.
pub fn html(input: &ReportInput<'_>) -> String {
    let s = input.scenario;
    let f = input.forecast;
    // The page shows at most the top bars of each tornado, so the rest are left out of the
    // inlined data (all of them would be most of the file's size).
    let sensitivity = input.sensitivity.map(|sens| {
        let mut sens = sens.clone();
        for m in &mut sens.metrics {
            m.tornado.truncate(TORNADO_BARS);
            m.src.truncate(TORNADO_BARS);
        }
        sens
    });
    let data = ReportData {
        scenario: ScenarioInfo {
            actors: s
                .actors
                .iter()
                .map(|a| ActorInfo {
                    id: &a.id,
                    name: &a.name,
                })
                .collect(),
            issues: s
                .issues
                .iter()
                .map(|i| IssueInfo {
                    id: &i.id,
                    name: &i.name,
                    anchors: i.anchors.iter().map(|a| (a.at, a.label.as_str())).collect(),
                })
                .collect(),
        },
        forecast: f,
        bargain: input.bargain.as_ref().ok().copied(),
        bargain_error: input.bargain.as_ref().err().map(String::as_str),
        delay: input.delay.as_ref().and_then(|d| d.as_ref().ok().copied()),
        levers: input.levers,
        settlement: input
            .settlement
            .as_ref()
            .and_then(|r| r.as_ref().ok().copied()),
        montecarlo: input.montecarlo,
        sensitivity: sensitivity.as_ref(),
        charts: crate::plot::report_charts(input),
    };
    let css = assets::find("style.css").map_or("", |a| a.text);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} (detente report)</title>\n<style>\n{css}\n</style>\n</head>\n\
         <body class=\"report\">\n<main>\n<h1>{title}</h1>\n",
        title = esc(&s.meta.title)
    );
    let _ = writeln!(
        h,
        "<p class=\"meta\">{}Scenario <code>{}</code>: {} actors, {} issues. Generated by detente {}.</p>",
        s.meta
            .date
            .as_ref()
            .map_or_else(String::new, |d| format!("{}. ", esc(d))),
        esc(input.file),
        s.actors.len(),
        s.issues.len(),
        env!("CARGO_PKG_VERSION")
    );
    if let Some(caveat) = &s.meta.caveat {
        let _ = writeln!(h, "<p class=\"caveat\">{}</p>", esc(caveat));
    }
    // The sections are written first and given their contents and summary afterwards.
    let start = h.len();
    if let Some(rows) = headline_rows(f) {
        let _ = writeln!(
            h,
            "<h2>Headline forecast</h2>\n<div class=\"table-wrap\"><table class=\"headline\">\n<caption>One forecast per issue, the models combined with weights learnt out of sample, with conformal intervals</caption>\n<thead><tr><th scope=\"col\">issue</th><th scope=\"col\">headline</th><th scope=\"col\">50% interval</th><th scope=\"col\">80% interval</th><th scope=\"col\">90% interval</th></tr></thead>\n<tbody>"
        );
        for r in &rows {
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&r.issue),
                esc(&r.value),
                esc(&r.intervals[0]),
                esc(&r.intervals[1]),
                esc(&r.intervals[2])
            );
        }
        let _ = writeln!(
            h,
            "</tbody></table></div>\n<p class=\"note\">{}</p>",
            esc(&headline_note(f, &rows))
        );
    }
    let _ = writeln!(
        h,
        "<h2>Forecasts</h2>\n<div class=\"table-wrap\"><table class=\"summary\">\n<caption>Each model's forecast per issue, with the nearest anchor label</caption>\n<thead><tr><th scope=\"col\">issue</th><th scope=\"col\">status quo</th>"
    );
    for m in &f.models {
        let _ = write!(h, "<th scope=\"col\">{m}</th>");
    }
    let _ = writeln!(h, "</tr></thead>\n<tbody>");
    for issue in &f.issues {
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{:.1}</td>",
            esc(&issue.name),
            issue.status_quo.position
        );
        for &m in &f.models {
            let _ = write!(h, "<td>{}</td>", esc(&cell(issue, m)));
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</tbody></table></div>");
    for (k, issue) in f.issues.iter().enumerate() {
        let _ = writeln!(
            h,
            "<section class=\"issue\" id=\"issue-{k}\"><h3>{}</h3><div class=\"issue-view\" data-issue=\"{k}\"></div>",
            esc(&issue.name)
        );
        for note in &issue.notes {
            let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(note));
        }
        let _ = writeln!(h, "</section>");
    }
    let _ = writeln!(h, "<h2>Package deal</h2>\n<div id=\"bargain-view\"></div>");
    if let Err(why) = &input.bargain {
        let _ = writeln!(h, "<p class=\"note\">Not computed: {}.</p>", esc(why));
    }
    if let Some(delay) = &input.delay {
        html_delay(&mut h, delay);
    }
    if let Some(settlement) = &input.settlement {
        crate::settlement::html(&mut h, s, settlement, input.settlement_levers);
    }
    if let Some(mc) = input.montecarlo {
        html_montecarlo(&mut h, s, mc);
    }
    if input.sensitivity.is_some() {
        let _ = writeln!(
            h,
            "<h2>Sensitivity</h2>\n<p>Which inputs move a forecast most when each alone goes to the ends of its range. Pick a forecast.</p>\n<div id=\"sensitivity-view\"></div>"
        );
    }
    let body = h.split_off(start);
    let (body, sections) = number_sections(&body);
    h.push_str(&summary(input, f));
    h.push_str(&contents(&sections));
    h.push_str(&body);
    let _ = writeln!(
        h,
        "<noscript><p class=\"note\">The charts need JavaScript; the tables do not.</p></noscript>\n</main>\n\
         <script type=\"application/json\" id=\"report-data\">{}</script>\n<script type=\"module\">\n{}</script>\n</body>\n</html>",
        script_json(&data),
        inline_modules()
    );
    h
}

/// Gives every `<h2>` of `body` an id (`section-1`, `section-2`, …) and returns the rewritten
/// body with each section's id and title.
fn number_sections(body: &str) -> (String, Vec<(String, String)>) {
    let mut out = String::with_capacity(body.len() + 64);
    let mut sections = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("<h2>") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 4..];
        let Some(end) = after.find("</h2>") else {
            out.push_str(&rest[at..]);
            rest = "";
            break;
        };
        let title = &after[..end];
        let id = format!("section-{}", sections.len() + 1);
        let _ = write!(out, "<h2 id=\"{id}\">{title}</h2>");
        sections.push((id, title.to_owned()));
        rest = &after[end + 5..];
    }
    out.push_str(rest);
    (out, sections)
}

/// The contents: one link per section (titles are already escaped).
fn contents(sections: &[(String, String)]) -> String {
    let mut h =
        String::from("<nav class=\"contents\" aria-label=\"Contents\"><h2>Contents</h2><ol>");
    for (id, title) in sections {
        let _ = write!(h, "<li><a href=\"#{id}\">{title}</a></li>");
    }
    h.push_str("</ol></nav>\n");
    h
}

/// The summary at the top: the one-line answer of each part of the report that ran.
fn summary(input: &ReportInput<'_>, f: &Forecast) -> String {
    let mut items: Vec<String> = Vec::new();
    if let Some(rows) = headline_rows(f) {
        let shown: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "{} {} [80%: {}]",
                    esc(&r.issue),
                    esc(&r.value),
                    esc(&r.intervals[1])
                )
            })
            .collect();
        items.push(format!(
            "<strong>Headline forecast</strong>: {}.",
            shown.join("; ")
        ));
    }
    if let Ok(b) = &input.bargain
        && let Some(nash) = b.solutions.nash.as_ref()
    {
        let issue_name = |id: &str| {
            input
                .scenario
                .issues
                .iter()
                .find(|i| i.id == id)
                .map_or_else(|| id.to_owned(), |i| i.name.clone())
        };
        items.push(format!(
            "<strong>Package deal</strong>: the Nash package is {}.",
            b.issues
                .iter()
                .zip(&nash.package)
                .map(|(i, x)| format!("{} {x:.0}", esc(&issue_name(&i.id))))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(Ok(d)) = &input.delay {
        items.push(format!(
            "<strong>Cost of delay</strong>: {}",
            esc(&ripeness_sentence(d))
        ));
    }
    if let Some(Ok(settlement)) = &input.settlement {
        items.push(format!(
            "<strong>When a deal comes</strong>: {}",
            esc(&crate::settlement::headline(&settlement.forecast))
        ));
    }
    if let Some(mc) = input.montecarlo {
        items.push(format!(
            "<strong>Monte Carlo</strong>: {} trials (seed {}) of the forecasts under the scenario's uncertainty.",
            mc.trials, mc.seed
        ));
    }
    if items.is_empty() {
        return String::new();
    }
    let mut h = String::from("<section class=\"report-summary\"><h2>Summary</h2><ul>");
    for item in items {
        let _ = write!(h, "<li>{item}</li>");
    }
    h.push_str("</ul></section>\n");
    h
}

fn html_delay(h: &mut String, delay: &Result<&DelayReport, String>) {
    let _ = writeln!(h, "<h2>Cost of delay</h2>");
    match delay {
        Ok(d) => {
            let _ = writeln!(
                h,
                "<div id=\"delay-view\"><p class=\"ripeness\">{}</p></div>",
                esc(&ripeness_sentence(d))
            );
        }
        Err(why) => {
            let _ = writeln!(h, "<p class=\"note\">Not computed: {}.</p>", esc(why));
        }
    }
}

fn html_montecarlo(h: &mut String, s: &Scenario, mc: &MonteCarloResult) {
    let _ = writeln!(
        h,
        "<h2>Monte Carlo</h2>\n<div id=\"montecarlo-view\"><div class=\"table-wrap\"><table class=\"mc-summary\">\n<caption>{} trials, seed {}: each forecast's 5th percentile, median and 95th percentile over the trials</caption>\n<thead><tr><th scope=\"col\">forecast</th><th scope=\"col\">without noise</th><th scope=\"col\">5%</th><th scope=\"col\">median</th><th scope=\"col\">95%</th></tr></thead>\n<tbody>",
        mc.trials, mc.seed
    );
    for m in &mc.metrics {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&metric_label(s, &m.metric.key)),
            opt(m.baseline, 1),
            opt(m.summary.p05, 1),
            opt(m.summary.median, 1),
            opt(m.summary.p95, 1)
        );
    }
    let _ = writeln!(h, "</tbody></table></div></div>");
}
