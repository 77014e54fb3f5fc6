//! Stand-alone SVG charts for `detente report --plot DIR`: files to drop into a paper, a slide
//! or a wiki page, with no script and no stylesheet.
//!
//! The charts are the dashboard's (`assets/js/charts.js`) drawn a second time in Rust, because
//! the dashboard draws in the browser and a CLI has no browser: positions by EUM round per
//! issue, the two-party Pareto frontier with the four solutions, utilities by month with the
//! ripeness month, Monte Carlo bands per issue, and a sensitivity tornado per forecast. The
//! layout constants and colours follow the JavaScript so both read the same; the numbers come
//! from the results the caller computed, as in [`crate::html`].
//!
//! Each file is a complete SVG document (`xmlns`, `viewBox`, a white background, fonts and
//! colours as attributes) with a `<title>` and, per series or mark, a `<title>` tooltip. Text is
//! XML-escaped, so scenario names cannot break the markup.

use std::fmt::Write as _;

use detente_core::Scenario;
use detente_models::dynamics::DelayReport;
use detente_models::forecast::{IssueForecast, Model};
use detente_sim::MonteCarloResult;
use detente_sim::sensitivity::MetricSensitivity;
use detente_sim::settle::Settlement;

use crate::html::{ReportInput, esc};
use detente_analysis::Packages as BargainOut;

/// Okabe-Ito followed by four of Paul Tol's muted colours, as the dashboard's `PALETTE`.
const PALETTE: [&str; 12] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#C9B800",
    "#882255", "#44AA99", "#999933", "#332288",
];

/// The dashboard's colours for the models' forecast levels.
fn model_colour(model: Model) -> &'static str {
    match model {
        Model::Compromise => "#555555",
        Model::Median => "#8B4513",
        Model::Nash => "#6A3D9A",
        Model::Eum => "#B22222",
    }
}

/// One chart file: a name (no directory) and the SVG text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plot {
    /// File name, e.g. `eum-ceasefire.svg`.
    pub file: String,
    /// The SVG document.
    pub svg: String,
}

/// Every chart the report's results allow, in report order.
pub fn plots(input: &ReportInput<'_>) -> Vec<Plot> {
    let s = input.scenario;
    let mut out = Vec::new();
    for issue in &input.forecast.issues {
        if let Some(svg) = eum_rounds(s, issue) {
            out.push(Plot {
                file: format!("eum-{}.svg", file_part(&issue.issue)),
                svg,
            });
        }
    }
    if let Ok(b) = &input.bargain
        && let Some(svg) = frontier(s, b)
    {
        out.push(Plot {
            file: "frontier.svg".to_owned(),
            svg,
        });
    }
    if let Some(Ok(d)) = &input.delay {
        out.push(Plot {
            file: "delay.svg".to_owned(),
            svg: delay(s, d),
        });
    }
    if let Some(Ok(r)) = &input.settlement {
        out.push(Plot {
            file: "settlement.svg".to_owned(),
            svg: settlement(&r.forecast),
        });
    }
    if let Some(mc) = input.montecarlo {
        for issue in &s.issues {
            if let Some(svg) = bands(s, mc, &issue.id) {
                out.push(Plot {
                    file: format!("montecarlo-{}.svg", file_part(&issue.id)),
                    svg,
                });
            }
        }
    }
    if let Some(sens) = input.sensitivity {
        for m in &sens.metrics {
            if let Some(svg) = tornado(s, m, 10) {
                out.push(Plot {
                    file: format!("tornado-{}.svg", file_part(&m.metric)),
                    svg,
                });
            }
        }
    }
    out
}

/// An id as a file-name part: letters, digits, `-` and `_` kept, anything else `-`.
fn file_part(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    } else {
        s.to_owned()
    }
}

/// "Nice" tick values covering `[min, max]` with about `count` steps (1, 2, 2.5 or 5 × 10^k).
fn ticks(min: f64, max: f64, count: usize) -> Vec<f64> {
    let span = if max > min { max - min } else { 1.0 };
    let raw = span / count.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= count as f64)
        .unwrap_or(raw);
    let mut out = Vec::new();
    let mut v = (min / step).ceil() * step;
    while v <= max + step * 1e-9 && out.len() < 100 {
        out.push((v * 1e9).round() / 1e9);
        v += step;
    }
    out
}

fn num(x: f64, digits: usize) -> String {
    format!("{x:.digits$}")
}

/// A linear map from data to pixels.
#[derive(Clone, Copy)]
struct Axis {
    d0: f64,
    d1: f64,
    p0: f64,
    p1: f64,
}

impl Axis {
    fn new(d0: f64, d1: f64, p0: f64, p1: f64) -> Self {
        let (d0, d1) = if (d1 - d0).abs() < 1e-12 {
            (d0 - 0.5, d1 + 0.5)
        } else {
            (d0, d1)
        };
        Self { d0, d1, p0, p1 }
    }

    fn at(self, x: f64) -> f64 {
        self.p0 + (x - self.d0) / (self.d1 - self.d0) * (self.p1 - self.p0)
    }
}

/// An SVG document being written.
struct Canvas {
    out: String,
}

impl Canvas {
    fn new(w: f64, h: f64, title: &str) -> Self {
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
             font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"{t}\">\n\
             <title>{t}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
            t = esc(title)
        );
        Self { out }
    }

    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, extra: &str) {
        let _ = writeln!(
            self.out,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\" {extra}/>"
        );
    }

    fn text(&mut self, (x, y): (f64, f64), anchor: &str, fill: &str, text: &str) {
        let _ = writeln!(
            self.out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" fill=\"{fill}\">{}</text>",
            esc(text)
        );
    }

    /// Vertical grid lines at `values` from `top` to `bottom`, each labelled below the plot.
    fn x_grid(&mut self, sx: Axis, (top, bottom): (f64, f64), values: &[f64], digits: usize) {
        for &v in values {
            self.line((sx.at(v), top), (sx.at(v), bottom), GRID, "");
            self.text((sx.at(v), bottom + 16.0), "middle", FG, &num(v, digits));
        }
    }

    /// A label along the y axis, written bottom to top, centred on `(x, y)`.
    fn y_label(&mut self, x: f64, y: f64, text: &str) {
        let _ = writeln!(
            self.out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" fill=\"{MUTED}\" transform=\"rotate(-90 {x:.1} {y:.1})\">{}</text>",
            esc(text)
        );
    }

    fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

/// The `d` attribute of a polyline through `points` (data coordinates).
fn path_through(points: &[(f64, f64)], sx: Axis, sy: Axis) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        let _ = write!(
            d,
            "{}{:.1},{:.1}",
            if i == 0 { "M" } else { "L" },
            sx.at(*x),
            sy.at(*y)
        );
    }
    d
}

const GRID: &str = "#e5e8eb";
const AXIS: &str = "#8c959f";
const MUTED: &str = "#57606a";
const FG: &str = "#1f2328";

/// A line series: name, colour, dashed, points.
struct Series<'a> {
    name: String,
    colour: &'a str,
    dashed: bool,
    points: Vec<(f64, f64)>,
}

/// A horizontal dashed level (a model's forecast) or a vertical dotted mark (ripeness).
struct Level<'a> {
    name: String,
    colour: &'a str,
    at: f64,
}

struct LineOpts<'a> {
    title: String,
    x_label: &'a str,
    y_label: &'a str,
    x: (f64, f64),
    y: (f64, f64),
    y_digits: usize,
    x_name: &'a str,
    series: Vec<Series<'a>>,
    levels: Vec<Level<'a>>,
    marks: Vec<Level<'a>>,
}

/// The dashboard's `lineChart`: series with dots, dashed levels, dotted vertical marks and a
/// legend on the right ordered by end value.
fn line_chart(o: LineOpts<'_>) -> String {
    let (w, h, l, r, t, b) = (760.0, 380.0, 52.0, 190.0, 16.0, 44.0);
    let sx = Axis::new(o.x.0, o.x.1, l, w - r);
    let sy = Axis::new(o.y.0, o.y.1, h - b, t);
    let mut c = Canvas::new(w, h, &o.title);
    for v in ticks(o.y.0, o.y.1, 5) {
        c.line((l, sy.at(v)), (w - r, sy.at(v)), GRID, "");
        c.text((l - 6.0, sy.at(v) + 4.0), "end", FG, &num(v, o.y_digits));
    }
    let xt = ticks(o.x.0, o.x.1, 10);
    for v in xt.iter().filter(|v| v.fract() == 0.0) {
        c.text((sx.at(*v), h - b + 16.0), "middle", FG, &num(*v, 0));
    }
    c.line((l, h - b), (w - r, h - b), AXIS, "");
    c.line((l, t), (l, h - b), AXIS, "");
    c.text(((l + w - r) / 2.0, h - 6.0), "middle", MUTED, o.x_label);
    c.y_label(12.0, (t + h - b) / 2.0, o.y_label);
    let mut legend: Vec<(String, &str, bool, f64)> = Vec::new();
    for lv in &o.levels {
        c.raw(&format!(
            "<g><title>{}: {}</title>",
            esc(&lv.name),
            num(lv.at, 1)
        ));
        c.line(
            (l, sy.at(lv.at)),
            (w - r, sy.at(lv.at)),
            lv.colour,
            "stroke-dasharray=\"6 4\" stroke-width=\"1.5\"",
        );
        c.raw("</g>");
        legend.push((
            format!("{} {}", lv.name, num(lv.at, 1)),
            lv.colour,
            true,
            lv.at,
        ));
    }
    for m in &o.marks {
        c.line(
            (sx.at(m.at), t),
            (sx.at(m.at), h - b),
            m.colour,
            "stroke-dasharray=\"2 3\" stroke-width=\"2\"",
        );
        c.text((sx.at(m.at) + 4.0, t + 10.0), "start", m.colour, &m.name);
    }
    for s in &o.series {
        let d = path_through(&s.points, sx, sy);
        let _ = writeln!(
            c.out,
            "<g class=\"series\"><title>{}</title><path d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.2\"{}/>",
            esc(&s.name),
            s.colour,
            if s.dashed {
                " stroke-dasharray=\"6 4\""
            } else {
                ""
            }
        );
        for (x, y) in &s.points {
            let _ = writeln!(
                c.out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"><title>{}, {} {x}: {}</title></circle>",
                sx.at(*x),
                sy.at(*y),
                s.colour,
                esc(&s.name),
                o.x_name,
                num(*y, o.y_digits.max(1))
            );
        }
        c.raw("</g>");
        let last = s.points.last().map_or(o.y.0, |p| p.1);
        legend.push((s.name.clone(), s.colour, s.dashed, last));
    }
    legend.sort_by(|a, b| b.3.total_cmp(&a.3));
    for (i, (name, colour, dashed, _)) in legend.iter().enumerate() {
        let y = t + 8.0 + i as f64 * 16.0;
        c.line(
            (w - r + 10.0, y),
            (w - r + 30.0, y),
            colour,
            if *dashed {
                "stroke-width=\"2.5\" stroke-dasharray=\"5 3\""
            } else {
                "stroke-width=\"2.5\""
            },
        );
        c.text((w - r + 34.0, y + 4.0), "start", FG, &short(name, 24));
    }
    c.finish()
}

fn actor_name<'a>(s: &'a Scenario, id: &'a str) -> &'a str {
    s.actors
        .iter()
        .find(|a| a.id == id)
        .map_or(id, |a| a.name.as_str())
}

fn issue_name<'a>(s: &'a Scenario, id: &'a str) -> &'a str {
    s.issues
        .iter()
        .find(|i| i.id == id)
        .map_or(id, |i| i.name.as_str())
}

/// Every actor's position by EUM round on one issue, with each model's forecast as a level.
fn eum_rounds(s: &Scenario, issue: &IssueForecast) -> Option<String> {
    let eum = issue.eum.as_ref()?;
    let first = eum.rounds.first()?;
    let series = first
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| Series {
            name: actor_name(s, &a.actor).to_owned(),
            colour: PALETTE[i % PALETTE.len()],
            dashed: false,
            points: eum
                .rounds
                .iter()
                .filter_map(|r| r.actors.get(i).map(|x| (r.round as f64, x.position)))
                .collect(),
        })
        .collect();
    let levels = Model::ALL
        .into_iter()
        .filter_map(|m| {
            issue.point(m).map(|p| Level {
                name: match m {
                    Model::Eum => "EUM".to_owned(),
                    other => {
                        let n = other.to_string();
                        let mut c = n.chars();
                        c.next()
                            .map(|f| f.to_uppercase().chain(c).collect())
                            .unwrap_or(n)
                    }
                },
                colour: model_colour(m),
                at: p.position,
            })
        })
        .collect();
    let last = eum.rounds.last().map_or(1, |r| r.round).max(1);
    Some(line_chart(LineOpts {
        title: format!("Positions on {} by EUM round", issue.name),
        x_label: "EUM round",
        y_label: "position",
        x: (0.0, last as f64),
        y: (issue.scale[0], issue.scale[1]),
        y_digits: 0,
        x_name: "round",
        series,
        levels,
        marks: Vec::new(),
    }))
}

/// Each party's no-deal value (dashed) and Nash-deal utility (solid) by month, and the
/// ripeness month.
fn delay(s: &Scenario, d: &DelayReport) -> String {
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
                m.nash
                    .as_ref()
                    .and_then(|n| n.utilities.get(i))
                    .map(|v| (f64::from(m.month), *v))
            })
            .collect();
        for (_, v) in no_deal.iter().chain(&nash) {
            lo = lo.min(*v);
            hi = hi.max(*v);
        }
        let name = actor_name(s, p);
        series.push(Series {
            name: format!("{name}: Nash deal"),
            colour,
            dashed: false,
            points: nash,
        });
        series.push(Series {
            name: format!("{name}: no deal"),
            colour,
            dashed: true,
            points: no_deal,
        });
    }
    let marks = d
        .ripeness
        .map(|m| Level {
            name: format!("ripe (month {m})"),
            colour: "#000000",
            at: f64::from(m),
        })
        .into_iter()
        .collect();
    line_chart(LineOpts {
        title: "Utility of no deal and of the Nash deal, month by month".to_owned(),
        x_label: "month",
        y_label: "utility (0 = worst package, 1 = ideal)",
        x: (0.0, f64::from(d.horizon.max(1))),
        y: (
            ((lo * 10.0).floor() / 10.0).min(0.0),
            ((hi * 10.0).ceil() / 10.0).max(1.0),
        ),
        y_digits: 1,
        x_name: "month",
        series,
        levels: Vec::new(),
        marks,
    })
}

/// P(deal by month) with its 95% interval and the median deal month (the dashboard's
/// settlement view).
fn settlement(f: &Settlement) -> String {
    let curve = |pick: fn(&detente_sim::settle::ByMonth) -> f64| -> Vec<(f64, f64)> {
        f.by_month
            .iter()
            .map(|b| (f64::from(b.month), pick(b)))
            .collect()
    };
    let colour = PALETTE[0];
    let mut series = vec![
        Series {
            name: "P(deal by month)".to_owned(),
            colour,
            dashed: false,
            points: curve(|b| b.p),
        },
        Series {
            name: "95% interval, low".to_owned(),
            colour,
            dashed: true,
            points: curve(|b| b.lo),
        },
        Series {
            name: "95% interval, high".to_owned(),
            colour,
            dashed: true,
            points: curve(|b| b.hi),
        },
    ];
    // With veto allies: the curve of the parties alone (the forecast without the vetoes), as
    // the dashboard draws it.
    if !f.parties_by_month.is_empty() {
        series.push(Series {
            name: "parties alone (without the vetoes)".to_owned(),
            colour: PALETTE[1],
            dashed: true,
            points: f
                .parties_by_month
                .iter()
                .enumerate()
                .map(|(m, &p)| (m as f64, p))
                .collect(),
        });
    }
    let marks = f
        .median_month
        .map(|m| Level {
            name: format!("median deal month ({m})"),
            colour: "#000000",
            at: f64::from(m),
        })
        .into_iter()
        .collect();
    line_chart(LineOpts {
        title: "P(deal by month)".to_owned(),
        x_label: "month",
        y_label: "share of trials with a deal",
        x: (0.0, f64::from(f.horizon.max(1))),
        y: (0.0, 1.0),
        y_digits: 1,
        x_name: "month",
        series,
        levels: Vec::new(),
        marks,
    })
}

/// The two-party rational Pareto frontier with the four solutions and the disagreement point.
fn frontier(s: &Scenario, b: &BargainOut) -> Option<String> {
    if b.parties.len() != 2 || b.frontier.is_empty() {
        return None;
    }
    let names = [
        actor_name(s, &b.parties[0].id),
        actor_name(s, &b.parties[1].id),
    ];
    let (w, h, l, r, t, bm) = (560.0, 440.0, 56.0, 16.0, 16.0, 48.0);
    let pts: Vec<(f64, f64)> = b
        .frontier
        .iter()
        .filter_map(|p| Some((*p.utilities.first()?, *p.utilities.get(1)?)))
        .collect();
    let mut marks: Vec<(&str, f64, f64, &str, &str)> = vec![(
        "Disagreement (no deal)",
        *b.disagreement.first()?,
        *b.disagreement.get(1)?,
        "#000000",
        "cross",
    )];
    for (name, sol, colour, shape) in [
        ("Nash", &b.solutions.nash, "#D55E00", "diamond"),
        (
            "Kalai-Smorodinsky",
            &b.solutions.kalai_smorodinsky,
            "#0072B2",
            "square",
        ),
        (
            "Egalitarian",
            &b.solutions.egalitarian,
            "#009E73",
            "triangle",
        ),
        ("Utilitarian", &b.solutions.utilitarian, "#CC79A7", "circle"),
    ] {
        if let Some(sol) = sol
            && let (Some(x), Some(y)) = (sol.utilities.first(), sol.utilities.get(1))
        {
            marks.push((name, *x, *y, colour, shape));
        }
    }
    let xs = pts.iter().map(|p| p.0).chain(marks.iter().map(|m| m.1));
    let ys = pts.iter().map(|p| p.1).chain(marks.iter().map(|m| m.2));
    let pad = |it: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = it.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let span = if hi > lo { hi - lo } else { 0.1 };
        (lo - span * 0.06, hi + span * 0.06)
    };
    let (x0, x1) = pad(&mut xs.into_iter());
    let (y0, y1) = pad(&mut ys.into_iter());
    let sx = Axis::new(x0, x1, l, w - r);
    let sy = Axis::new(y0, y1, h - bm, t);
    let title = format!(
        "Pareto frontier: utility of {} against {}",
        names[0], names[1]
    );
    let mut c = Canvas::new(w, h, &title);
    for v in ticks(y0, y1, 5) {
        c.line((l, sy.at(v)), (w - r, sy.at(v)), GRID, "");
        c.text((l - 6.0, sy.at(v) + 4.0), "end", FG, &num(v, 2));
    }
    c.x_grid(sx, (t, h - bm), &ticks(x0, x1, 5), 2);
    c.text(
        ((l + w - r) / 2.0, h - 8.0),
        "middle",
        MUTED,
        &format!("utility of {}", names[0]),
    );
    c.y_label(
        14.0,
        (t + h - bm) / 2.0,
        &format!("utility of {}", names[1]),
    );
    let mut sorted = pts.clone();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let d = path_through(&sorted, sx, sy);
    let _ = writeln!(
        c.out,
        "<path d=\"{d}\" fill=\"none\" stroke=\"#c4cad0\" stroke-width=\"1.2\"/>\n<g class=\"frontier\" fill=\"#8c959f\">"
    );
    for (x, y) in &pts {
        let _ = writeln!(
            c.out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.6\"><title>({x:.3}, {y:.3})</title></circle>",
            sx.at(*x),
            sy.at(*y)
        );
    }
    c.raw("</g>");
    for (name, x, y, colour, shape) in &marks {
        let (px, py, k) = (sx.at(*x), sy.at(*y), 7.0);
        let tip = format!("<title>{}: ({x:.3}, {y:.3})</title>", esc(name));
        let body = match *shape {
            "square" => format!(
                "<rect class=\"mark\" x=\"{:.1}\" y=\"{:.1}\" width=\"14\" height=\"14\" fill=\"{colour}\" stroke=\"{colour}\" fill-opacity=\"0.85\">{tip}</rect>",
                px - k,
                py - k
            ),
            "circle" => format!(
                "<circle class=\"mark\" cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"7\" fill=\"{colour}\" stroke=\"{colour}\" fill-opacity=\"0.85\">{tip}</circle>"
            ),
            "cross" => format!(
                "<path class=\"mark\" d=\"M{:.1},{:.1}L{:.1},{:.1}M{:.1},{:.1}L{:.1},{:.1}\" stroke=\"{colour}\" stroke-width=\"3\" fill=\"none\">{tip}</path>",
                px - k,
                py - k,
                px + k,
                py + k,
                px - k,
                py + k,
                px + k,
                py - k
            ),
            "triangle" => format!(
                "<path class=\"mark\" d=\"M{px:.1},{:.1}L{:.1},{:.1}L{:.1},{:.1}Z\" fill=\"{colour}\" stroke=\"{colour}\" fill-opacity=\"0.85\">{tip}</path>",
                py - k - 2.0,
                px + k + 2.0,
                py + k,
                px - k - 2.0,
                py + k
            ),
            _ => format!(
                "<path class=\"mark\" d=\"M{px:.1},{:.1}L{:.1},{py:.1}L{px:.1},{:.1}L{:.1},{py:.1}Z\" fill=\"{colour}\" stroke=\"{colour}\" fill-opacity=\"0.85\">{tip}</path>",
                py - k - 2.0,
                px + k + 2.0,
                py + k + 2.0,
                px - k - 2.0
            ),
        };
        c.raw(&body);
    }
    // A key in the top right corner, since a file has no caption beside it.
    for (i, (name, _, _, colour, _)) in marks.iter().enumerate() {
        let y = t + 12.0 + i as f64 * 16.0;
        let _ = writeln!(
            c.out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>",
            w - r - 160.0,
            y - 9.0
        );
        c.text((w - r - 145.0, y), "start", FG, name);
    }
    Some(c.finish())
}

/// Each model's 5-95% band, median and value without noise on one issue.
fn bands(s: &Scenario, mc: &MonteCarloResult, issue: &str) -> Option<String> {
    let rows: Vec<_> = mc
        .metrics
        .iter()
        .filter(|m| m.metric.issue.as_deref() == Some(issue))
        .collect();
    let first = rows.first()?;
    let name = issue_name(s, issue);
    let (w, l, r, t, b, row) = (760.0, 150.0, 20.0, 12.0, 56.0, 26.0);
    let h = t + b + row * rows.len() as f64;
    let [x0, x1] = first.metric.range;
    let sx = Axis::new(x0, x1, l, w - r);
    let title = format!(
        "{name}: forecast bands over {} Monte Carlo trials",
        mc.trials
    );
    let mut c = Canvas::new(w, h, &title);
    c.x_grid(sx, (t, h - b), &ticks(x0, x1, 6), 0);
    c.text(
        ((l + w - r) / 2.0, h - 22.0),
        "middle",
        MUTED,
        &format!("{name} (scale {x0} to {x1})"),
    );
    c.text(
        ((l + w - r) / 2.0, h - 6.0),
        "middle",
        MUTED,
        "bar: 5th to 95th percentile; tick: median; ring: the value without noise",
    );
    for (i, m) in rows.iter().enumerate() {
        let y = t + row * i as f64 + row / 2.0;
        let model = m.metric.model.parse::<Model>().ok();
        let colour =
            PALETTE[model.map_or(0, |m| Model::ALL.iter().position(|x| *x == m).unwrap_or(0))];
        let label = model.map_or(m.metric.model.clone(), |m| m.to_string());
        let _ = writeln!(
            c.out,
            "<g class=\"band\"><title>{}: 5-95% {} to {}, median {}</title>",
            esc(&label),
            fmt_opt(m.summary.p05),
            fmt_opt(m.summary.p95),
            fmt_opt(m.summary.median)
        );
        c.text((l - 8.0, y + 4.0), "end", FG, &short(&label, 22));
        if let (Some(lo), Some(hi)) = (m.summary.p05, m.summary.p95) {
            let _ = writeln!(
                c.out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" fill=\"{colour}\" fill-opacity=\"0.35\" stroke=\"{colour}\"/>",
                sx.at(lo),
                y - 7.0,
                (sx.at(hi) - sx.at(lo)).max(2.0)
            );
        }
        if let Some(med) = m.summary.median {
            c.line(
                (sx.at(med), y - 9.0),
                (sx.at(med), y + 9.0),
                colour,
                "stroke-width=\"3\" class=\"median\"",
            );
        }
        if let Some(base) = m.baseline {
            let _ = writeln!(
                c.out,
                "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#ffffff\" stroke=\"#000000\"/>",
                sx.at(base)
            );
        }
        c.raw("</g>");
    }
    Some(c.finish())
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |x| num(x, 1))
}

/// The `top` inputs that move one forecast most, one at a time, split at the baseline.
fn tornado(s: &Scenario, m: &MetricSensitivity, top: usize) -> Option<String> {
    let base = m.baseline?;
    let mut bars: Vec<_> = m.tornado.iter().filter(|b| b.swing > 0.0).collect();
    if bars.is_empty() {
        return None;
    }
    bars.sort_by(|a, b| b.swing.total_cmp(&a.swing));
    bars.truncate(top);
    let label = match m.metric.split_once('/') {
        Some((issue, model)) if s.issues.iter().any(|i| i.id == issue) => {
            format!("{}: {model}", issue_name(s, issue))
        }
        _ => m.metric.clone(),
    };
    let (w, l, r, t, b, row) = (760.0, 250.0, 20.0, 12.0, 56.0, 22.0);
    let h = t + b + row * bars.len() as f64;
    let values = bars
        .iter()
        .flat_map(|b| [b.at_low, b.at_high])
        .flatten()
        .chain([base]);
    let (mut x0, mut x1) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let pad = (x1 - x0).max(1e-9) * 0.05;
    x0 -= pad;
    x1 += pad;
    let sx = Axis::new(x0, x1, l, w - r);
    let digits = if x1 - x0 < 0.5 {
        3
    } else if x1 - x0 < 5.0 {
        2
    } else {
        1
    };
    let title = format!("{label}: inputs that move it most");
    let mut c = Canvas::new(w, h, &title);
    c.x_grid(sx, (t, h - b), &ticks(x0, x1, 6), digits);
    c.text(
        ((l + w - r) / 2.0, h - 22.0),
        "middle",
        MUTED,
        &format!("{label} (baseline {})", num(base, 2)),
    );
    c.text(
        ((l + w - r) / 2.0, h - 6.0),
        "middle",
        MUTED,
        "blue: the input at the low end of its range; orange: at the high end",
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = t + row * i as f64 + row / 2.0;
        let _ = writeln!(
            c.out,
            "<g class=\"tornado-bar\"><title>{} from {} to {}: forecast {} at the low end, {} at the high end</title>",
            esc(&bar.input),
            num(bar.range[0], 2),
            num(bar.range[1], 2),
            fmt_opt(bar.at_low),
            fmt_opt(bar.at_high)
        );
        c.text((l - 8.0, y + 4.0), "end", FG, &short(&bar.input, 40));
        for (v, colour) in [(bar.at_low, "#0072B2"), (bar.at_high, "#D55E00")] {
            if let Some(v) = v {
                let (a, z) = (v.min(base), v.max(base));
                let _ = writeln!(
                    c.out,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" fill=\"{colour}\" fill-opacity=\"0.75\"/>",
                    sx.at(a),
                    y - 7.0,
                    (sx.at(z) - sx.at(a)).max(1.0)
                );
            }
        }
        c.raw("</g>");
    }
    c.line(
        (sx.at(base), t - 4.0),
        (sx.at(base), h - b),
        "#000000",
        "stroke-width=\"1.5\" class=\"baseline\"",
    );
    Some(c.finish())
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use detente_models::dynamics::DynamicsConfig;
    use detente_models::forecast::{Forecast, ForecastConfig, forecast};
    use detente_sim::sensitivity::{Sensitivity, SensitivityConfig, sensitivity};
    use detente_sim::settle::{SettleConfig, SettlementReport, settlement_report};
    use detente_sim::{MonteCarloConfig, Target, montecarlo};

    use super::*;

    const ISTANBUL: &str = include_str!("../../../scenarios/istanbul-2025.toml");

    struct Results {
        scenario: Scenario,
        forecast: Forecast,
        bargain: BargainOut,
        delay: DelayReport,
        settlement: SettlementReport,
        mc: MonteCarloResult,
        sens: Sensitivity,
    }

    fn results(text: &str) -> Results {
        let scenario = detente_core::parse("x.toml", text).unwrap().scenario;
        let forecast = forecast(&scenario, &ForecastConfig::default());
        let bargain = detente_analysis::packages(&scenario, &Default::default()).unwrap();
        let delay = detente_models::dynamics::delay(&scenario, &DynamicsConfig::default()).unwrap();
        let targets = [Target::Spatial(ForecastConfig::default())];
        let config = MonteCarloConfig {
            trials: 50,
            ..MonteCarloConfig::default()
        };
        let mc = montecarlo(&scenario, &targets, &config, &|_| {}).unwrap();
        let config = SensitivityConfig {
            trials: 0,
            ..SensitivityConfig::default()
        };
        let sens = sensitivity(&scenario, &targets, &config, &|_| {}).unwrap();
        let settle = SettleConfig {
            trials: 100,
            position_draws: 0,
            ..SettleConfig::default()
        };
        let settlement = settlement_report(&scenario, &settle).unwrap();
        Results {
            scenario,
            forecast,
            bargain,
            delay,
            settlement,
            mc,
            sens,
        }
    }

    fn all(r: &Results) -> Vec<Plot> {
        plots(&ReportInput {
            file: "x.toml",
            scenario: &r.scenario,
            forecast: &r.forecast,
            bargain: Ok(&r.bargain),
            delay: Some(Ok(&r.delay)),
            levers: None,
            settlement: Some(Ok(&r.settlement)),
            settlement_levers: None,
            montecarlo: Some(&r.mc),
            sensitivity: Some(&r.sens),
        })
    }

    fn find<'a>(plots: &'a [Plot], file: &str) -> roxmltree::Document<'a> {
        let p = plots.iter().find(|p| p.file == file).unwrap();
        roxmltree::Document::parse(&p.svg).unwrap()
    }

    fn count(doc: &roxmltree::Document<'_>, tag: &str, class: &str) -> usize {
        doc.descendants()
            .filter(|n| n.has_tag_name(tag) && n.attribute("class") == Some(class))
            .count()
    }

    fn titles(doc: &roxmltree::Document<'_>) -> Vec<String> {
        doc.descendants()
            .filter(|n| n.has_tag_name("title"))
            .filter_map(|n| n.text().map(str::to_owned))
            .collect()
    }

    #[test]
    fn every_chart_is_a_well_formed_svg_with_a_title() {
        let r = results(ISTANBUL);
        let plots = all(&r);
        // 8 EUM charts, the frontier, the delay chart, the settlement chart, 8 band charts, and
        // a tornado for every forecast some input moves.
        let moved = r
            .sens
            .metrics
            .iter()
            .filter(|m| m.tornado.iter().any(|b| b.swing > 0.0))
            .count();
        assert_eq!(plots.len(), 8 + 1 + 1 + 1 + 8 + moved);
        for p in &plots {
            let doc =
                roxmltree::Document::parse(&p.svg).unwrap_or_else(|e| panic!("{}: {e}", p.file));
            let root = doc.root_element();
            assert!(
                root.has_tag_name(("http://www.w3.org/2000/svg", "svg")),
                "{}",
                p.file
            );
            assert!(root.attribute("viewBox").is_some(), "{}", p.file);
            assert!(!titles(&doc).is_empty(), "{}", p.file);
        }
    }

    #[test]
    fn the_eum_chart_has_a_line_per_actor_and_the_models_forecasts() {
        let r = results(ISTANBUL);
        let plots = all(&r);
        let doc = find(&plots, "eum-ceasefire.svg");
        let issue = &r.forecast.issues[0];
        let eum = issue.eum.as_ref().unwrap();
        assert_eq!(count(&doc, "g", "series"), eum.rounds[0].actors.len());
        let titles = titles(&doc);
        for m in Model::ALL {
            let at = issue.point(m).unwrap().position;
            assert!(
                titles.iter().any(|t| t.ends_with(&format!(": {at:.1}"))),
                "{m} at {at:.1} missing from {titles:?}"
            );
        }
        // One dot per actor and round, each on the actor's position after that round.
        let russia = eum.rounds.iter().map(|r| r.actors[0].position);
        let dots: Vec<String> = titles
            .iter()
            .filter(|t| t.starts_with("Russia, round"))
            .cloned()
            .collect();
        assert_eq!(dots.len(), eum.rounds.len());
        for (dot, x) in dots.iter().zip(russia) {
            assert!(dot.ends_with(&format!(": {x:.1}")), "{dot} vs {x}");
        }
    }

    #[test]
    fn the_frontier_chart_has_every_frontier_point_and_the_solutions() {
        let r = results(ISTANBUL);
        let plots = all(&r);
        let doc = find(&plots, "frontier.svg");
        let points = doc
            .descendants()
            .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("frontier"))
            .flat_map(|g| g.children().filter(|c| c.has_tag_name("circle")))
            .count();
        assert_eq!(points, r.bargain.frontier.len());
        let nash = r.bargain.solutions.nash.as_ref().unwrap();
        let expect = format!("Nash: ({:.3}, {:.3})", nash.utilities[0], nash.utilities[1]);
        assert!(titles(&doc).contains(&expect), "{expect}");
        let marks = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("mark"))
            .count();
        assert_eq!(marks, 5);
    }

    #[test]
    fn the_delay_chart_marks_the_ripeness_month() {
        let r = results(ISTANBUL);
        let plots = all(&r);
        let doc = find(&plots, "delay.svg");
        assert_eq!(count(&doc, "g", "series"), 2 * r.delay.parties.len());
        let ripe = r.delay.ripeness.unwrap();
        assert!(
            doc.descendants()
                .any(|n| n.text() == Some(&format!("ripe (month {ripe})")))
        );
    }

    #[test]
    fn the_settlement_chart_draws_p_deal_by_month_and_marks_the_median() {
        let r = results(ISTANBUL);
        let plots = all(&r);
        let doc = find(&plots, "settlement.svg");
        // The curve, its two interval lines and (Istanbul has a veto ally) the curve of the
        // parties alone, one point per month.
        let f = &r.settlement.forecast;
        assert!(!f.parties_by_month.is_empty());
        assert_eq!(count(&doc, "g", "series"), 4);
        assert!(
            doc.descendants()
                .any(|n| n.text() == Some("parties alone (without the vetoes)"))
        );
        assert_eq!(f.by_month.len(), f.horizon as usize + 1);
        if let Some(m) = f.median_month {
            assert!(
                doc.descendants()
                    .any(|n| n.text() == Some(&format!("median deal month ({m})")))
            );
        }
    }

    #[test]
    fn band_and_tornado_charts_carry_the_results() {
        let r = results(ISTANBUL);
        let plots = all(&r);
        let doc = find(&plots, "montecarlo-territory.svg");
        assert_eq!(count(&doc, "g", "band"), 4);
        let m =
            r.mc.metrics
                .iter()
                .find(|m| m.metric.key == "territory/median")
                .unwrap();
        let expect = format!(
            "median: 5-95% {:.1} to {:.1}, median {:.1}",
            m.summary.p05.unwrap(),
            m.summary.p95.unwrap(),
            m.summary.median.unwrap()
        );
        assert!(titles(&doc).contains(&expect), "{expect}");

        let doc = find(&plots, "tornado-armed-forces-median.svg");
        let sens = r
            .sens
            .metrics
            .iter()
            .find(|m| m.metric == "armed-forces/median")
            .unwrap();
        let moving = sens.tornado.iter().filter(|b| b.swing > 0.0).count();
        assert_eq!(count(&doc, "g", "tornado-bar"), moving.min(10));
        // Largest swing first.
        let first = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("tornado-bar"))
            .unwrap();
        let tip = first
            .children()
            .find(|c| c.has_tag_name("title"))
            .unwrap()
            .text()
            .unwrap();
        assert!(tip.starts_with(&sens.tornado[0].input), "{tip}");
        assert_eq!(count(&doc, "line", "baseline"), 1);
    }

    #[test]
    fn names_with_markup_characters_stay_text() {
        let text = ISTANBUL.replace("name = \"Russia\"", "name = \"Russia <&> \\\"RF\\\"\"");
        assert_ne!(text, ISTANBUL);
        let r = results(&text);
        for p in all(&r) {
            roxmltree::Document::parse(&p.svg).unwrap_or_else(|e| panic!("{}: {e}", p.file));
        }
        let plots = all(&r);
        let doc = find(&plots, "frontier.svg");
        assert!(titles(&doc).iter().any(|t| t.contains("Russia <&> \"RF\"")));
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(
            ticks(0.0, 100.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(ticks(3.0, 3.0, 5), vec![3.0]);
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_part("armed-forces/eum"), "armed-forces-eum");
        assert_eq!(file_part("../x y"), "---x-y");
    }
}
