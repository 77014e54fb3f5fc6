//! Every chart of detente, drawn from the JSON document of a result: the one chart
//! implementation behind the dashboard (through `POST /api/charts`), the HTML report (charts
//! inlined with its data) and `detente report --plot` (files).
//!
//! The input is the document a command prints with `--format json` and the API answers (the
//! published schemas `detente.forecast`, `detente.bargain`, `detente.delay`, `detente.levers`,
//! `detente.settlement`, `detente.montecarlo`, `detente.sensitivity`), read through small
//! views that name only the fields a chart needs, so a stored run of an older version still
//! draws. Names of actors and issues come with the request ([`Names`]); an id without a name
//! is shown as it is.
//!
//! A chart is identified by its kind (`eum-rounds`, `headline`, `frontier`, `delay`,
//! `settlement`, `settlement-levers`, `mc-band`, `mc-histogram`, `tornado`) and a key (the
//! issue or metric it is about, empty when there is one per document). Sentences a chart
//! implies (which actors share a line) come with it as its `note`, so the dashboard's caption
//! prints the same words.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::draw::{
    self, BandChart, BandRow, HistMark, Histogram, IntervalChart, Level, LineChart, Mark, PALETTE,
    Scatter, Series, Shape, Tornado, TornadoRow,
};

/// Which document a chart request draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `detente.forecast`: per issue the headline with its intervals and the EUM rounds.
    Forecast,
    /// `detente.bargain`: the two-party Pareto frontier with the solutions.
    Bargain,
    /// `detente.delay`: utilities by month, and the settlement forecast when it holds one.
    Delay,
    /// `detente.settlement`: P(deal by month).
    Settlement,
    /// `detente.levers`: P(deal by month) lever by lever, when it holds a settlement part.
    Levers,
    /// `detente.montecarlo`: per issue the forecast bands, and a histogram per metric.
    Montecarlo,
    /// `detente.sensitivity`: a tornado per forecast some input moves.
    Sensitivity,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 7] = [
        Kind::Forecast,
        Kind::Bargain,
        Kind::Delay,
        Kind::Settlement,
        Kind::Levers,
        Kind::Montecarlo,
        Kind::Sensitivity,
    ];
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Forecast => "forecast",
            Kind::Bargain => "bargain",
            Kind::Delay => "delay",
            Kind::Settlement => "settlement",
            Kind::Levers => "levers",
            Kind::Montecarlo => "montecarlo",
            Kind::Sensitivity => "sensitivity",
        })
    }
}

/// Display names of the ids a document uses.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Actor id to name.
    #[serde(default)]
    pub actors: BTreeMap<String, String>,
    /// Issue id to name.
    #[serde(default)]
    pub issues: BTreeMap<String, String>,
}

impl Names {
    /// The names of a scenario's actors and issues.
    pub fn of(s: &detente_core::Scenario) -> Self {
        Self {
            actors: s
                .actors
                .iter()
                .map(|a| (a.id.clone(), a.name.clone()))
                .collect(),
            issues: s
                .issues
                .iter()
                .map(|i| (i.id.clone(), i.name.clone()))
                .collect(),
        }
    }

    fn actor<'a>(&'a self, id: &'a str) -> &'a str {
        self.actors.get(id).map_or(id, String::as_str)
    }

    fn issue<'a>(&'a self, id: &'a str) -> &'a str {
        self.issues.get(id).map_or(id, String::as_str)
    }

    /// "Ceasefire before talks: Weighted median" for the metric key `ceasefire/median`; a key
    /// whose first part is not a named issue is shown as it is.
    pub fn metric(&self, key: &str) -> String {
        match key.split_once('/') {
            Some((issue, model)) if self.issues.contains_key(issue) => {
                format!("{}: {}", self.issue(issue), model_name(model))
            }
            _ => key.to_owned(),
        }
    }
}

/// One chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    /// What it shows: `eum-rounds`, `headline`, `frontier`, `delay`, `settlement`,
    /// `settlement-levers`, `mc-band`, `mc-histogram` or `tornado`.
    pub chart: String,
    /// The issue or metric it is about; empty when the document has one chart of its kind.
    pub key: String,
    /// Its title (also the SVG's `<title>`).
    pub title: String,
    /// A sentence for its caption, when the chart needs one to be read right.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// The SVG document.
    pub svg: String,
}

impl Chart {
    /// A file name for the chart (no directory): its kind and key, with any character other
    /// than a letter, digit, `-` or `_` written `-`.
    pub fn file_name(&self) -> String {
        let stem = if self.key.is_empty() {
            self.chart.clone()
        } else {
            format!("{}-{}", self.chart, self.key)
        };
        let safe: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        format!("{safe}.svg")
    }
}

/// A document that does not have the fields its kind needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartError {
    /// The kind the document was read as.
    pub kind: Kind,
    /// Where in the document, as a path (`issues[2].scale`).
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not a {} document at `{}`: {}",
            self.kind, self.path, self.message
        )
    }
}

impl std::error::Error for ChartError {}

fn read<'a, T: Deserialize<'a>>(kind: Kind, doc: &'a serde_json::Value) -> Result<T, ChartError> {
    serde_path_to_error::deserialize(doc).map_err(|e| ChartError {
        kind,
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

/// Every chart of a document, in reading order.
pub fn charts(
    kind: Kind,
    doc: &serde_json::Value,
    names: &Names,
) -> Result<Vec<Chart>, ChartError> {
    Ok(match kind {
        Kind::Forecast => forecast(&read(kind, doc)?, names),
        Kind::Bargain => frontier(&read(kind, doc)?, names).into_iter().collect(),
        Kind::Delay => {
            let d: DelayDoc = read(kind, doc)?;
            let mut out = vec![delay(&d, names)];
            out.extend(d.settlement.as_ref().map(settlement));
            out
        }
        Kind::Settlement => vec![settlement(&read(kind, doc)?)],
        Kind::Levers => {
            let l: LeversDoc = read(kind, doc)?;
            settlement_levers(&l).into_iter().collect()
        }
        Kind::Montecarlo => montecarlo(&read(kind, doc)?, names),
        Kind::Sensitivity => sensitivity(&read(kind, doc)?, names, TORNADO_BARS),
    })
}

/// Bars per tornado.
pub const TORNADO_BARS: usize = 10;

const MODELS: [&str; 4] = ["compromise", "median", "nash", "eum"];

fn model_name(model: &str) -> &str {
    match model {
        "compromise" => "Compromise",
        "median" => "Weighted median",
        "nash" => "Nash bargaining",
        "eum" => "Expected utility (EUM)",
        other => other,
    }
}

/// The colour of a model's forecast level and dot.
fn model_colour(model: &str) -> &'static str {
    match model {
        "compromise" => "#555555",
        "median" => "#8B4513",
        "nash" => "#6A3D9A",
        _ => "#B22222",
    }
}

// ---- forecast

#[derive(Deserialize)]
struct ForecastDoc {
    issues: Vec<IssueDoc>,
}

#[derive(Deserialize)]
struct IssueDoc {
    issue: String,
    name: String,
    scale: (f64, f64),
    status_quo: Option<Point>,
    headline: Option<HeadlineDoc>,
    compromise: Option<Point>,
    median: Option<Point>,
    nash: Option<Point>,
    eum: Option<EumDoc>,
}

#[derive(Deserialize)]
struct Point {
    position: Option<f64>,
}

#[derive(Deserialize)]
struct HeadlineDoc {
    position: Option<f64>,
    #[serde(default)]
    intervals: Vec<IntervalDoc>,
}

#[derive(Deserialize)]
struct IntervalDoc {
    level: f64,
    low: f64,
    high: f64,
}

#[derive(Deserialize)]
struct EumDoc {
    position: Option<f64>,
    rounds: Vec<RoundDoc>,
}

#[derive(Deserialize)]
struct RoundDoc {
    round: u32,
    actors: Vec<ActorPosition>,
}

#[derive(Deserialize)]
struct ActorPosition {
    actor: String,
    position: f64,
}

impl IssueDoc {
    /// Each model's forecast on this issue, in the models' order.
    fn models(&self) -> Vec<(&'static str, f64)> {
        let points = [
            self.compromise.as_ref().and_then(|p| p.position),
            self.median.as_ref().and_then(|p| p.position),
            self.nash.as_ref().and_then(|p| p.position),
            self.eum.as_ref().and_then(|e| e.position),
        ];
        MODELS
            .into_iter()
            .zip(points)
            .filter_map(|(m, p)| Some((m, p?)))
            .collect()
    }
}

fn forecast(doc: &ForecastDoc, names: &Names) -> Vec<Chart> {
    let mut out = Vec::new();
    for issue in &doc.issues {
        if let Some(h) = &issue.headline {
            out.push(headline(issue, h));
        }
        if let Some(chart) = eum_rounds(issue, names) {
            out.push(chart);
        }
    }
    out
}

fn headline(issue: &IssueDoc, h: &HeadlineDoc) -> Chart {
    let title = format!("Headline forecast on {} with its intervals", issue.name);
    let svg = draw::interval_chart(&IntervalChart {
        title: title.clone(),
        x_label: "position".to_owned(),
        x: issue.scale,
        value: h.position.unwrap_or(f64::NAN),
        intervals: h
            .intervals
            .iter()
            .map(|i| (i.level, i.low, i.high))
            .collect(),
        dots: issue
            .models()
            .into_iter()
            .map(|(m, x)| (model_name(m).to_owned(), x, model_colour(m)))
            .collect(),
        status_quo: issue.status_quo.as_ref().and_then(|p| p.position),
    });
    Chart {
        chart: "headline".to_owned(),
        key: issue.issue.clone(),
        title,
        note: None,
        svg,
    }
}

/// Every actor's position by EUM round, with each model's forecast as a level. Actors whose
/// positions coincide in every round are one line (drawn separately they would hide each
/// other: six of ten actors on one Istanbul issue); the note names the groups.
fn eum_rounds(issue: &IssueDoc, names: &Names) -> Option<Chart> {
    let eum = issue.eum.as_ref()?;
    let first = eum.rounds.first()?;
    // Each group: its actors' names and their shared path.
    type Group<'a> = (Vec<&'a str>, Vec<(f64, f64)>);
    let mut groups: Vec<Group<'_>> = Vec::new();
    for (i, a) in first.actors.iter().enumerate() {
        let points: Vec<(f64, f64)> = eum
            .rounds
            .iter()
            .filter_map(|r| r.actors.get(i).map(|x| (f64::from(r.round), x.position)))
            .collect();
        let name = names.actor(&a.actor);
        let same = groups.iter_mut().find(|(_, p)| {
            p.len() == points.len() && p.iter().zip(&points).all(|(a, b)| (a.1 - b.1).abs() < 1e-9)
        });
        match same {
            Some((members, _)) => members.push(name),
            None => groups.push((vec![name], points)),
        }
    }
    let series = groups
        .iter()
        .enumerate()
        .map(|(i, (members, points))| Series {
            name: if members.len() <= 2 {
                members.join(" and ")
            } else {
                format!("{} and {} more", members[0], members.len() - 1)
            },
            colour: PALETTE[i % PALETTE.len()].to_owned(),
            dashed: false,
            points: points.clone(),
        })
        .collect();
    let together: Vec<String> = groups
        .iter()
        .filter(|(m, _)| m.len() > 2)
        .map(|(m, _)| {
            format!(
                "{} hold the same positions in every round and share one line.",
                m.join(", ")
            )
        })
        .collect();
    let levels = issue
        .models()
        .into_iter()
        .map(|(m, at)| Level {
            name: match m {
                "compromise" => "Compromise",
                "median" => "Median",
                "nash" => "Nash",
                _ => "EUM",
            }
            .to_owned(),
            colour: model_colour(m).to_owned(),
            at,
        })
        .collect();
    let last = eum.rounds.last().map_or(1, |r| r.round).max(1);
    let title = format!("Positions on {} by EUM round", issue.name);
    let svg = draw::line_chart(&LineChart {
        title: title.clone(),
        x_label: "EUM round".to_owned(),
        y_label: "position".to_owned(),
        x: (0.0, f64::from(last)),
        y: issue.scale,
        y_digits: 0,
        x_name: "round",
        series,
        levels,
        marks: Vec::new(),
    });
    Some(Chart {
        chart: "eum-rounds".to_owned(),
        key: issue.issue.clone(),
        title,
        note: (!together.is_empty()).then(|| together.join(" ")),
        svg,
    })
}

// ---- bargain

#[derive(Deserialize)]
struct BargainDoc {
    parties: Vec<PartyDoc>,
    disagreement: Vec<f64>,
    frontier: Vec<Utilities>,
    solutions: SolutionsDoc,
}

#[derive(Deserialize)]
struct PartyDoc {
    id: String,
}

#[derive(Deserialize)]
struct Utilities {
    utilities: Vec<f64>,
}

#[derive(Deserialize)]
struct SolutionsDoc {
    nash: Option<Utilities>,
    kalai_smorodinsky: Option<Utilities>,
    egalitarian: Option<Utilities>,
    utilitarian: Option<Utilities>,
}

/// The two-party rational Pareto frontier with the four solutions and the disagreement point
/// (none with more or fewer parties, or an empty frontier).
fn frontier(b: &BargainDoc, names: &Names) -> Option<Chart> {
    let [p, q] = b.parties.as_slice() else {
        return None;
    };
    if b.frontier.is_empty() {
        return None;
    }
    let two = |u: &[f64]| Some((*u.first()?, *u.get(1)?));
    let mut marks = Vec::new();
    if let Some((x, y)) = two(&b.disagreement) {
        marks.push(Mark {
            name: "Disagreement (no deal)".to_owned(),
            x,
            y,
            colour: "#000000",
            shape: Shape::Cross,
        });
    }
    for (name, sol, colour, shape) in [
        ("Nash", &b.solutions.nash, "#D55E00", Shape::Diamond),
        (
            "Kalai-Smorodinsky",
            &b.solutions.kalai_smorodinsky,
            "#0072B2",
            Shape::Square,
        ),
        (
            "Egalitarian",
            &b.solutions.egalitarian,
            "#009E73",
            Shape::Triangle,
        ),
        (
            "Utilitarian",
            &b.solutions.utilitarian,
            "#CC79A7",
            Shape::Circle,
        ),
    ] {
        if let Some((x, y)) = sol.as_ref().and_then(|s| two(&s.utilities)) {
            marks.push(Mark {
                name: name.to_owned(),
                x,
                y,
                colour,
                shape,
            });
        }
    }
    let (a, z) = (names.actor(&p.id), names.actor(&q.id));
    let title = format!("Pareto frontier: utility of {a} against {z}");
    let svg = draw::scatter(&Scatter {
        title: title.clone(),
        x_label: format!("utility of {a}"),
        y_label: format!("utility of {z}"),
        points: b
            .frontier
            .iter()
            .filter_map(|f| two(&f.utilities))
            .collect(),
        marks,
    });
    Some(Chart {
        chart: "frontier".to_owned(),
        key: String::new(),
        title,
        note: None,
        svg,
    })
}

// ---- delay, settlement, levers

#[derive(Deserialize)]
struct DelayDoc {
    parties: Vec<String>,
    horizon: u32,
    months: Vec<MonthDoc>,
    ripeness: Option<u32>,
    settlement: Option<SettlementDoc>,
}

#[derive(Deserialize)]
struct MonthDoc {
    month: u32,
    disagreement: Vec<f64>,
    nash: Option<Utilities>,
}

#[derive(Deserialize)]
struct SettlementDoc {
    horizon: u32,
    by_month: Vec<ByMonth>,
    median_month: Option<u32>,
    #[serde(default)]
    parties_by_month: Vec<f64>,
}

#[derive(Deserialize)]
struct ByMonth {
    month: u32,
    p: f64,
    lo: f64,
    hi: f64,
}

#[derive(Deserialize)]
struct LeversDoc {
    #[serde(default)]
    lever_names: Vec<(String, String)>,
    settlement: Option<SettleLeversDoc>,
}

#[derive(Deserialize)]
struct SettleLeversDoc {
    baseline: SettlementDoc,
    variants: Vec<SettleVariantDoc>,
}

#[derive(Deserialize)]
struct SettleVariantDoc {
    levers: Vec<String>,
    settlement: SettlementDoc,
}

/// Each party's no-deal value (dashed) and Nash-deal utility (solid) by month, and the
/// ripeness month.
fn delay(d: &DelayDoc, names: &Names) -> Chart {
    let mut series = Vec::new();
    let (mut lo, mut hi) = (1.0f64, 0.0f64);
    for (i, p) in d.parties.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let no_deal: Vec<(f64, f64)> = d
            .months
            .iter()
            .filter_map(|m| m.disagreement.get(i).map(|v| (f64::from(m.month), *v)))
            .collect();
        let nash: Vec<(f64, f64)> = d
            .months
            .iter()
            .filter_map(|m| {
                let u = m.nash.as_ref()?.utilities.get(i)?;
                Some((f64::from(m.month), *u))
            })
            .collect();
        for (_, v) in no_deal.iter().chain(&nash).filter(|p| p.1.is_finite()) {
            lo = lo.min(*v);
            hi = hi.max(*v);
        }
        let name = names.actor(p);
        series.push(Series {
            name: format!("{name}: Nash deal"),
            colour: colour.to_owned(),
            dashed: false,
            points: nash,
        });
        series.push(Series {
            name: format!("{name}: no deal"),
            colour: colour.to_owned(),
            dashed: true,
            points: no_deal,
        });
    }
    let title = "Utility of no deal and of the Nash deal, month by month".to_owned();
    let svg = draw::line_chart(&LineChart {
        title: title.clone(),
        x_label: "month".to_owned(),
        y_label: "utility (0 = worst package, 1 = ideal)".to_owned(),
        x: (0.0, f64::from(d.horizon.max(1))),
        y: (
            ((lo * 10.0).floor() / 10.0).min(0.0),
            ((hi * 10.0).ceil() / 10.0).max(1.0),
        ),
        y_digits: 1,
        x_name: "month",
        series,
        levels: Vec::new(),
        marks: d
            .ripeness
            .map(|m| Level {
                name: format!("ripe (month {m})"),
                colour: "#000000".to_owned(),
                at: f64::from(m),
            })
            .into_iter()
            .collect(),
    });
    Chart {
        chart: "delay".to_owned(),
        key: String::new(),
        title,
        note: None,
        svg,
    }
}

fn curve(s: &SettlementDoc, pick: fn(&ByMonth) -> f64) -> Vec<(f64, f64)> {
    s.by_month
        .iter()
        .map(|b| (f64::from(b.month), pick(b)))
        .collect()
}

/// P(deal by month) with its 95% interval, the median deal month and, with veto allies, the
/// curve of the parties alone (the deal as it would come without the allies' consent).
fn settlement(f: &SettlementDoc) -> Chart {
    let colour = PALETTE[0].to_owned();
    let mut series = vec![
        Series {
            name: "P(deal by month)".to_owned(),
            colour: colour.clone(),
            dashed: false,
            points: curve(f, |b| b.p),
        },
        Series {
            name: "95% interval, low".to_owned(),
            colour: colour.clone(),
            dashed: true,
            points: curve(f, |b| b.lo),
        },
        Series {
            name: "95% interval, high".to_owned(),
            colour,
            dashed: true,
            points: curve(f, |b| b.hi),
        },
    ];
    if !f.parties_by_month.is_empty() {
        series.push(Series {
            name: "parties alone (without the vetoes)".to_owned(),
            colour: PALETTE[1].to_owned(),
            dashed: true,
            points: f
                .parties_by_month
                .iter()
                .enumerate()
                .map(|(m, &p)| (m as f64, p))
                .collect(),
        });
    }
    let title = "P(deal by month)".to_owned();
    let svg = draw::line_chart(&LineChart {
        title: title.clone(),
        x_label: "month".to_owned(),
        y_label: "share of trials with a deal".to_owned(),
        x: (0.0, f64::from(f.horizon.max(1))),
        y: (0.0, 1.0),
        y_digits: 1,
        x_name: "month",
        series,
        levels: Vec::new(),
        marks: f
            .median_month
            .map(|m| Level {
                name: format!("median deal month ({m})"),
                colour: "#000000".to_owned(),
                at: f64::from(m),
            })
            .into_iter()
            .collect(),
    });
    Chart {
        chart: "settlement".to_owned(),
        key: String::new(),
        title,
        note: None,
        svg,
    }
}

/// P(deal by month) of the baseline and of each single lever (the pairs stay in the table, so
/// the chart stays readable); none without levers.
fn settlement_levers(l: &LeversDoc) -> Option<Chart> {
    let s = l.settlement.as_ref()?;
    if s.variants.is_empty() {
        return None;
    }
    let name_of = |ids: &[String]| {
        ids.iter()
            .map(|id| {
                l.lever_names
                    .iter()
                    .find(|(k, _)| k == id)
                    .map_or(id.as_str(), |(_, n)| n.as_str())
            })
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let mut series = vec![Series {
        name: "baseline".to_owned(),
        colour: "#000000".to_owned(),
        dashed: false,
        points: curve(&s.baseline, |b| b.p),
    }];
    for (k, v) in s
        .variants
        .iter()
        .filter(|v| v.levers.len() == 1)
        .enumerate()
    {
        series.push(Series {
            name: name_of(&v.levers),
            colour: PALETTE[(k + 1) % PALETTE.len()].to_owned(),
            dashed: k + 1 >= PALETTE.len(),
            points: curve(&v.settlement, |b| b.p),
        });
    }
    let title = "P(deal by month), lever by lever".to_owned();
    let svg = draw::line_chart(&LineChart {
        title: title.clone(),
        x_label: "month".to_owned(),
        y_label: "share of trials with a deal".to_owned(),
        x: (0.0, f64::from(s.baseline.horizon.max(1))),
        y: (0.0, 1.0),
        y_digits: 1,
        x_name: "month",
        series,
        levels: Vec::new(),
        marks: Vec::new(),
    });
    Some(Chart {
        chart: "settlement-levers".to_owned(),
        key: String::new(),
        title,
        note: None,
        svg,
    })
}

// ---- Monte Carlo

#[derive(Deserialize)]
struct MonteCarloDoc {
    metrics: Vec<MetricDoc>,
}

#[derive(Deserialize)]
struct MetricDoc {
    key: String,
    issue: Option<String>,
    model: String,
    kind: String,
    range: Option<(f64, f64)>,
    baseline: Option<f64>,
    p05: Option<f64>,
    median: Option<f64>,
    p95: Option<f64>,
    histogram: Option<HistogramDoc>,
}

#[derive(Deserialize)]
struct HistogramDoc {
    lo: f64,
    hi: f64,
    counts: Vec<u64>,
}

fn mc_colour(model: &str) -> &'static str {
    PALETTE[MODELS.iter().position(|m| *m == model).unwrap_or(0)]
}

/// Per issue each model's 5-95% band (in the order of the document), then a histogram per
/// metric: the issue's models first, issue by issue, then every other metric.
fn montecarlo(mc: &MonteCarloDoc, names: &Names) -> Vec<Chart> {
    let mut issues: Vec<(&str, Vec<&MetricDoc>)> = Vec::new();
    let mut others = Vec::new();
    for m in &mc.metrics {
        match (&m.issue, m.kind.as_str()) {
            (Some(issue), "position") => match issues.iter_mut().find(|(id, _)| id == issue) {
                Some((_, ms)) => ms.push(m),
                None => issues.push((issue, vec![m])),
            },
            _ => others.push(m),
        }
    }
    let mut out = Vec::new();
    for (issue, metrics) in &issues {
        let name = names.issue(issue);
        let range = metrics[0].range.unwrap_or((0.0, 100.0));
        let scale = format!("{name} (scale {} to {})", range.0, range.1);
        let title = format!("{name}: forecast bands");
        out.push(Chart {
            chart: "mc-band".to_owned(),
            key: (*issue).to_owned(),
            title: title.clone(),
            note: None,
            svg: draw::band_chart(&BandChart {
                title,
                x_label: scale.clone(),
                x: range,
                rows: metrics
                    .iter()
                    .map(|m| BandRow {
                        name: model_name(&m.model).to_owned(),
                        lo: m.p05,
                        median: m.median,
                        hi: m.p95,
                        baseline: m.baseline,
                        colour: mc_colour(&m.model),
                    })
                    .collect(),
            }),
        });
        for m in metrics {
            out.extend(mc_histogram(
                m,
                model_name(&m.model).to_owned(),
                scale.clone(),
                mc_colour(&m.model),
            ));
        }
    }
    for m in others {
        let x_label = if m.kind == "probability" {
            "0 = no, 1 = yes".to_owned()
        } else {
            m.kind.clone()
        };
        out.extend(mc_histogram(m, m.key.clone(), x_label, PALETTE[2]));
    }
    out
}

fn mc_histogram(
    m: &MetricDoc,
    title: String,
    x_label: String,
    colour: &'static str,
) -> Option<Chart> {
    let h = m.histogram.as_ref()?;
    Some(Chart {
        chart: "mc-histogram".to_owned(),
        key: m.key.clone(),
        svg: draw::histogram(&Histogram {
            title: title.clone(),
            x_label,
            lo: h.lo,
            hi: h.hi,
            counts: h.counts.clone(),
            marks: vec![
                HistMark {
                    name: "median",
                    x: m.median,
                    colour,
                    ring: false,
                },
                HistMark {
                    name: "without noise",
                    x: m.baseline,
                    colour: "#000000",
                    ring: true,
                },
            ],
        }),
        title,
        note: None,
    })
}

// ---- sensitivity

#[derive(Deserialize)]
struct SensitivityDoc {
    metrics: Vec<SensMetricDoc>,
}

#[derive(Deserialize)]
struct SensMetricDoc {
    metric: String,
    baseline: Option<f64>,
    tornado: Vec<BarDoc>,
}

#[derive(Deserialize)]
struct BarDoc {
    input: String,
    range: (f64, f64),
    at_low: Option<f64>,
    at_high: Option<f64>,
    swing: f64,
}

/// A tornado of the `top` inputs that move each forecast most (forecasts no input moves, or
/// without a baseline, have none).
fn sensitivity(s: &SensitivityDoc, names: &Names, top: usize) -> Vec<Chart> {
    let mut out = Vec::new();
    for m in &s.metrics {
        let Some(base) = m.baseline else { continue };
        let mut bars: Vec<&BarDoc> = m.tornado.iter().filter(|b| b.swing > 0.0).collect();
        if bars.is_empty() {
            continue;
        }
        bars.sort_by(|a, b| b.swing.total_cmp(&a.swing));
        bars.truncate(top);
        let label = names.metric(&m.metric);
        let title = format!("{label}: inputs that move it most");
        out.push(Chart {
            chart: "tornado".to_owned(),
            key: m.metric.clone(),
            svg: draw::tornado(&Tornado {
                title: title.clone(),
                x_label: format!("{label} (baseline {})", draw::num(base, 2)),
                baseline: base,
                rows: bars
                    .iter()
                    .map(|b| TornadoRow {
                        name: b.input.clone(),
                        at_low: b.at_low,
                        at_high: b.at_high,
                        range: b.range,
                    })
                    .collect(),
            }),
            title,
            note: None,
        });
    }
    out
}
