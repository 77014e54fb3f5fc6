//! The six chart shapes every detente chart is drawn with, as SVG text: a line chart, a
//! scatter, an interval row chart, a band row chart, a histogram and a tornado.
//!
//! These few simple shapes do not justify a plotting library; drawing them here keeps the
//! dashboard, the HTML report and the stand-alone files free of third-party code. Each chart
//! is a complete SVG document (`xmlns`, `viewBox`, a white background, fonts and colours as
//! attributes, never a `style` attribute, so the dashboard's content security policy allows it
//! inline) with a `<title>` and, per series or mark, a `<title>` tooltip. The class names
//! (`series`, `level`, `vmark`, `frontier`, `mark`, `interval`, `dot`, `band`, `median`,
//! `bar`, `tornado-bar`, `baseline`, …) are the dashboard's style and test hooks. Text is
//! XML-escaped, so scenario names cannot break the markup. Non-finite numbers are skipped, never
//! written.

use std::fmt::Write as _;

use crate::html::esc;

/// Okabe-Ito (distinguishable with the common colour-vision deficiencies) followed by four of
/// Paul Tol's muted colours, so scenarios of up to twelve actors get distinct lines.
pub const PALETTE: [&str; 12] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#C9B800",
    "#882255", "#44AA99", "#999933", "#332288",
];

const GRID: &str = "#e5e8eb";
const AXIS: &str = "#8c959f";
const MUTED: &str = "#57606a";
const FG: &str = "#1f2328";

/// `name` cut to `n` characters, the last one an ellipsis, when longer.
pub fn short(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    } else {
        s.to_owned()
    }
}

/// "Nice" tick values covering `[min, max]` with about `count` steps (1, 2, 2.5 or 5 × 10^k).
pub fn ticks(min: f64, max: f64, count: usize) -> Vec<f64> {
    if !min.is_finite() || !max.is_finite() {
        return Vec::new();
    }
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

/// `x` with `digits` decimals (`n/a` when it is not a number).
pub(crate) fn num(x: f64, digits: usize) -> String {
    if x.is_finite() {
        format!("{x:.digits$}")
    } else {
        "n/a".to_owned()
    }
}

fn opt(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "n/a".to_owned(), |x| num(x, digits))
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
        let (d0, d1) = if !(d1 - d0).is_finite() || (d1 - d0).abs() < 1e-12 {
            let c = if d0.is_finite() { d0 } else { 0.0 };
            (c - 0.5, c + 0.5)
        } else {
            (d0, d1)
        };
        Self { d0, d1, p0, p1 }
    }

    fn at(self, x: f64) -> f64 {
        self.p0 + (x - self.d0) / (self.d1 - self.d0) * (self.p1 - self.p0)
    }

    /// As [`Axis::at`] with `x` first clamped to the data range.
    fn clamped(self, x: f64) -> f64 {
        let (lo, hi) = (self.d0.min(self.d1), self.d0.max(self.d1));
        self.at(x.clamp(lo, hi))
    }
}

/// An SVG document being written.
struct Canvas {
    out: String,
}

impl Canvas {
    fn new(w: f64, h: f64, class: &str, title: &str) -> Self {
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
             class=\"chart {class}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\" \
             role=\"img\" aria-label=\"{t}\">\n<title>{t}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
            t = esc(title)
        );
        Self { out }
    }

    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, extra: &str) {
        if [x1, y1, x2, y2].iter().all(|v| v.is_finite()) {
            let _ = writeln!(
                self.out,
                "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\"{extra}/>"
            );
        }
    }

    fn text(&mut self, (x, y): (f64, f64), anchor: &str, fill: &str, extra: &str, text: &str) {
        let _ = writeln!(
            self.out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" fill=\"{fill}\"{extra}>{}</text>",
            esc(text)
        );
    }

    /// The x axis's label centred on `x_at` and the y axis's, bottom to top, centred on `y_at`.
    fn axis_labels(&mut self, x_at: (f64, f64), x_label: &str, y_at: (f64, f64), y_label: &str) {
        self.text(x_at, "middle", MUTED, " class=\"label\"", x_label);
        self.y_label(y_at.0, y_at.1, y_label);
    }

    /// A label along the y axis, written bottom to top, centred on `(x, y)`.
    fn y_label(&mut self, x: f64, y: f64, text: &str) {
        let _ = writeln!(
            self.out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" fill=\"{MUTED}\" class=\"label\" transform=\"rotate(-90 {x:.1} {y:.1})\">{}</text>",
            esc(text)
        );
    }

    /// Vertical grid lines at `values` from `top` to `bottom`, each labelled below the plot.
    fn x_grid(&mut self, sx: Axis, (top, bottom): (f64, f64), values: &[f64], digits: usize) {
        for &v in values {
            self.line((sx.at(v), top), (sx.at(v), bottom), GRID, " class=\"grid\"");
            self.text((sx.at(v), bottom + 16.0), "middle", FG, "", &num(v, digits));
        }
    }

    fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

/// The `d` attribute of a polyline through `points` (data coordinates), skipping points that
/// are not numbers.
fn path_through(points: &[(f64, f64)], sx: Axis, sy: Axis) -> String {
    let mut d = String::new();
    for (x, y) in points
        .iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
    {
        let _ = write!(
            d,
            "{}{:.1},{:.1}",
            if d.is_empty() { "M" } else { "L" },
            sx.at(*x),
            sy.at(*y)
        );
    }
    d
}

fn dash(dashed: bool, pattern: &str) -> String {
    if dashed {
        format!(" stroke-dasharray=\"{pattern}\"")
    } else {
        String::new()
    }
}

/// A line of a line chart.
pub struct Series {
    pub name: String,
    pub colour: String,
    pub dashed: bool,
    pub points: Vec<(f64, f64)>,
}

/// A horizontal dashed level (a model's forecast) or a vertical dotted mark (a month).
pub struct Level {
    pub name: String,
    pub colour: String,
    pub at: f64,
}

pub struct LineChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x: (f64, f64),
    pub y: (f64, f64),
    /// Decimals of the y tick labels (the tooltips show at least one).
    pub y_digits: usize,
    /// What one x step is called in the tooltips ("round", "month").
    pub x_name: &'static str,
    pub series: Vec<Series>,
    pub levels: Vec<Level>,
    pub marks: Vec<Level>,
}

/// Series with a dot per point, dashed levels, dotted vertical marks and a legend on the right
/// ordered by end value, so it reads like the lines themselves.
pub fn line_chart(o: &LineChart) -> String {
    let (w, h, l, r, t, b) = (760.0, 380.0, 52.0, 190.0, 16.0, 44.0);
    let sx = Axis::new(o.x.0, o.x.1, l, w - r);
    let sy = Axis::new(o.y.0, o.y.1, h - b, t);
    let mut c = Canvas::new(w, h, "line-chart", &o.title);
    c.raw("<g class=\"axes\">");
    for v in ticks(o.y.0, o.y.1, 5) {
        c.line((l, sy.at(v)), (w - r, sy.at(v)), GRID, " class=\"grid\"");
        c.text(
            (l - 6.0, sy.at(v) + 4.0),
            "end",
            FG,
            "",
            &num(v, o.y_digits),
        );
    }
    let steps = (o.x.1 - o.x.0).clamp(1.0, 10.0) as usize;
    for v in ticks(o.x.0, o.x.1, steps)
        .into_iter()
        .filter(|v| v.fract() == 0.0)
    {
        c.text((sx.at(v), h - b + 16.0), "middle", FG, "", &num(v, 0));
    }
    c.line((l, h - b), (w - r, h - b), AXIS, " class=\"axis\"");
    c.line((l, t), (l, h - b), AXIS, " class=\"axis\"");
    c.axis_labels(
        ((l + w - r) / 2.0, h - 6.0),
        &o.x_label,
        (12.0, (t + h - b) / 2.0),
        &o.y_label,
    );
    c.raw("</g>");
    let mut legend: Vec<(String, &str, bool, f64)> = Vec::new();
    for lv in o.levels.iter().filter(|lv| lv.at.is_finite()) {
        c.raw(&format!(
            "<g class=\"level\"><title>{}: {}</title>",
            esc(&lv.name),
            num(lv.at, 1)
        ));
        c.line(
            (l, sy.at(lv.at)),
            (w - r, sy.at(lv.at)),
            &lv.colour,
            " stroke-dasharray=\"6 4\" stroke-width=\"1.5\"",
        );
        c.raw("</g>");
        legend.push((
            format!("{} {}", lv.name, num(lv.at, 1)),
            &lv.colour,
            true,
            lv.at,
        ));
    }
    for m in o.marks.iter().filter(|m| m.at.is_finite()) {
        c.raw("<g class=\"vmark\">");
        c.line(
            (sx.at(m.at), t),
            (sx.at(m.at), h - b),
            &m.colour,
            " stroke-dasharray=\"2 3\" stroke-width=\"2\"",
        );
        c.text(
            (sx.at(m.at) + 4.0, t + 10.0),
            "start",
            &m.colour,
            "",
            &m.name,
        );
        c.raw("</g>");
    }
    for s in &o.series {
        let _ = writeln!(
            c.out,
            "<g class=\"series\"><title>{}</title><path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.2\"{}/>",
            esc(&s.name),
            path_through(&s.points, sx, sy),
            s.colour,
            dash(s.dashed, "6 4")
        );
        for (x, y) in s
            .points
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
        {
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
        legend.push((s.name.clone(), &s.colour, s.dashed, last));
    }
    legend.sort_by(|a, b| b.3.total_cmp(&a.3));
    c.raw("<g class=\"legend\">");
    for (i, (name, colour, dashed, _)) in legend.iter().enumerate() {
        let y = t + 8.0 + i as f64 * 16.0;
        c.line(
            (w - r + 10.0, y),
            (w - r + 30.0, y),
            colour,
            &format!(" stroke-width=\"2.5\"{}", dash(*dashed, "5 3")),
        );
        let _ = writeln!(
            c.out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"start\" fill=\"{FG}\">{}<title>{}</title></text>",
            w - r + 34.0,
            y + 4.0,
            esc(&short(name, 24)),
            esc(name)
        );
    }
    c.raw("</g>");
    c.finish()
}

/// The shape of a scatter mark.
#[derive(Clone, Copy)]
pub(crate) enum Shape {
    Circle,
    Square,
    Diamond,
    Triangle,
    Cross,
}

pub(crate) struct Mark {
    pub name: String,
    pub x: f64,
    pub y: f64,
    pub colour: &'static str,
    pub shape: Shape,
}

pub(crate) struct Scatter {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub points: Vec<(f64, f64)>,
    pub marks: Vec<Mark>,
}

/// Points joined in x order (a frontier), with labelled marks and a key in the top right
/// corner.
pub(crate) fn scatter(o: &Scatter) -> String {
    let (w, h, l, r, t, bm) = (560.0, 440.0, 56.0, 16.0, 16.0, 48.0);
    let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let pts: Vec<(f64, f64)> = o.points.iter().filter(finite).copied().collect();
    let marks: Vec<&Mark> = o
        .marks
        .iter()
        .filter(|m| m.x.is_finite() && m.y.is_finite())
        .collect();
    let pad = |vals: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let span = if hi > lo { hi - lo } else { 0.1 };
        (lo - span * 0.06, hi + span * 0.06)
    };
    let (x0, x1) = pad(&mut pts.iter().map(|p| p.0).chain(marks.iter().map(|m| m.x)));
    let (y0, y1) = pad(&mut pts.iter().map(|p| p.1).chain(marks.iter().map(|m| m.y)));
    let sx = Axis::new(x0, x1, l, w - r);
    let sy = Axis::new(y0, y1, h - bm, t);
    let mut c = Canvas::new(w, h, "scatter-chart", &o.title);
    c.raw("<g class=\"axes\">");
    for v in ticks(y0, y1, 5) {
        c.line((l, sy.at(v)), (w - r, sy.at(v)), GRID, " class=\"grid\"");
        c.text((l - 6.0, sy.at(v) + 4.0), "end", FG, "", &num(v, 2));
    }
    c.x_grid(sx, (t, h - bm), &ticks(x0, x1, 5), 2);
    c.axis_labels(
        ((l + w - r) / 2.0, h - 8.0),
        &o.x_label,
        (14.0, (t + h - bm) / 2.0),
        &o.y_label,
    );
    c.raw("</g>");
    let mut sorted = pts.clone();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let _ = writeln!(
        c.out,
        "<path class=\"frontier-line\" d=\"{}\" fill=\"none\" stroke=\"#c4cad0\" stroke-width=\"1.2\"/>\n<g class=\"frontier\" fill=\"#8c959f\">",
        path_through(&sorted, sx, sy)
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
    for m in &marks {
        let (px, py, k, colour) = (sx.at(m.x), sy.at(m.y), 7.0, m.colour);
        let tip = format!("<title>{}: ({:.3}, {:.3})</title>", esc(&m.name), m.x, m.y);
        let body = match m.shape {
            Shape::Square => format!(
                "<rect class=\"mark\" x=\"{:.1}\" y=\"{:.1}\" width=\"14\" height=\"14\" fill=\"{colour}\" stroke=\"{colour}\" fill-opacity=\"0.85\">{tip}</rect>",
                px - k,
                py - k
            ),
            Shape::Circle => format!(
                "<circle class=\"mark\" cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"7\" fill=\"{colour}\" stroke=\"{colour}\" fill-opacity=\"0.85\">{tip}</circle>"
            ),
            Shape::Cross => format!(
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
            Shape::Triangle => format!(
                "<path class=\"mark\" d=\"M{px:.1},{:.1}L{:.1},{:.1}L{:.1},{:.1}Z\" fill=\"{colour}\" stroke=\"{colour}\" fill-opacity=\"0.85\">{tip}</path>",
                py - k - 2.0,
                px + k + 2.0,
                py + k,
                px - k - 2.0,
                py + k
            ),
            Shape::Diamond => format!(
                "<path class=\"mark\" d=\"M{px:.1},{:.1}L{:.1},{py:.1}L{px:.1},{:.1}L{:.1},{py:.1}Z\" fill=\"{colour}\" stroke=\"{colour}\" fill-opacity=\"0.85\">{tip}</path>",
                py - k - 2.0,
                px + k + 2.0,
                py + k + 2.0,
                px - k - 2.0
            ),
        };
        c.raw(&body);
    }
    c.raw("<g class=\"key\">");
    for (i, m) in marks.iter().enumerate() {
        let y = t + 12.0 + i as f64 * 16.0;
        let _ = writeln!(
            c.out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{}\"/>",
            w - r - 160.0,
            y - 9.0,
            m.colour
        );
        c.text((w - r - 145.0, y), "start", FG, "", &m.name);
    }
    c.raw("</g>");
    c.finish()
}

/// The horizontal scale axis of the row charts (intervals, bands, tornado): vertical grid
/// lines at about six ticks, their labels under the plot, the axis label and, for a chart read
/// without a caption, a line saying how to read it.
fn scale_axis(
    c: &mut Canvas,
    sx: Axis,
    (x0, x1): (f64, f64),
    (w, l, r, t, h, b): (f64, f64, f64, f64, f64, f64),
    digits: usize,
    label: &str,
    key: Option<&str>,
) {
    c.raw("<g class=\"axes\">");
    c.x_grid(sx, (t, h - b), &ticks(x0, x1, 6), digits);
    let label_y = if key.is_some() { h - 22.0 } else { h - 6.0 };
    c.text(
        ((l + w - r) / 2.0, label_y),
        "middle",
        MUTED,
        " class=\"label\"",
        label,
    );
    if let Some(key) = key {
        c.text(
            ((l + w - r) / 2.0, h - 6.0),
            "middle",
            MUTED,
            " class=\"label\"",
            key,
        );
    }
    c.raw("</g>");
}

/// Nested prediction intervals of one value, and named dots on rows of their own.
pub(crate) struct IntervalChart {
    pub title: String,
    pub x_label: String,
    pub x: (f64, f64),
    pub value: f64,
    /// `(level, low, high)`.
    pub intervals: Vec<(f64, f64, f64)>,
    pub dots: Vec<(String, f64, &'static str)>,
    pub status_quo: Option<f64>,
}

/// One issue's headline forecast on its scale: the intervals as nested bands (the widest
/// palest), the headline as a bar, each model's forecast as a dot on a row of its own and the
/// status quo as a dotted line.
pub(crate) fn interval_chart(o: &IntervalChart) -> String {
    let (w, l, r, t, b, row) = (760.0, 150.0, 20.0, 12.0, 40.0, 22.0);
    let h = t + b + row * (1 + o.dots.len()) as f64;
    let sx = Axis::new(o.x.0, o.x.1, l, w - r);
    let mut c = Canvas::new(w, h, "interval-chart", &o.title);
    scale_axis(&mut c, sx, o.x, (w, l, r, t, h, b), 0, &o.x_label, None);
    let top = t + row / 2.0;
    c.raw("<g class=\"headline\">");
    c.text((l - 8.0, top + 4.0), "end", FG, "", "headline");
    let mut widest: Vec<&(f64, f64, f64)> = o
        .intervals
        .iter()
        .filter(|(_, lo, hi)| lo.is_finite() && hi.is_finite())
        .collect();
    widest.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (k, (level, lo, hi)) in widest.iter().enumerate() {
        let _ = writeln!(
            c.out,
            "<rect class=\"interval\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"16\" fill=\"#0072B2\" fill-opacity=\"{:.2}\" data-level=\"{level}\"><title>{}% interval: {} to {}</title></rect>",
            sx.clamped(*lo),
            top - 8.0,
            (sx.clamped(*hi) - sx.clamped(*lo)).max(2.0),
            0.18 + 0.18 * k as f64,
            num(level * 100.0, 0),
            num(*lo, 1),
            num(*hi, 1)
        );
    }
    if o.value.is_finite() {
        let _ = writeln!(
            c.out,
            "<line class=\"median\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#000000\" stroke-width=\"3\"><title>headline {}</title></line>",
            top - 10.0,
            top + 10.0,
            num(o.value, 1),
            x = sx.clamped(o.value)
        );
    }
    c.raw("</g>");
    for (i, (name, x, colour)) in o.dots.iter().enumerate() {
        let y = t + row * (i + 1) as f64 + row / 2.0;
        c.raw("<g class=\"dot\">");
        c.text((l - 8.0, y + 4.0), "end", FG, "", &short(name, 22));
        if x.is_finite() {
            let _ = writeln!(
                c.out,
                "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{colour}\"><title>{}: {}</title></circle>",
                sx.clamped(*x),
                esc(name),
                num(*x, 1)
            );
        }
        c.raw("</g>");
    }
    if let Some(sq) = o.status_quo.filter(|v| v.is_finite()) {
        let _ = writeln!(
            c.out,
            "<line class=\"status-quo\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{t:.1}\" y2=\"{:.1}\" stroke=\"#000000\" stroke-dasharray=\"2 3\"><title>status quo {}</title></line>",
            h - b,
            num(sq, 1),
            x = sx.clamped(sq)
        );
    }
    c.finish()
}

/// A row of a band chart.
pub(crate) struct BandRow {
    pub name: String,
    pub lo: Option<f64>,
    pub median: Option<f64>,
    pub hi: Option<f64>,
    pub baseline: Option<f64>,
    pub colour: &'static str,
}

pub(crate) struct BandChart {
    pub title: String,
    pub x_label: String,
    pub x: (f64, f64),
    pub rows: Vec<BandRow>,
}

/// One row per entry: a bar from the 5th to the 95th percentile, a tick at the median and a
/// ring at the value without noise.
pub(crate) fn band_chart(o: &BandChart) -> String {
    let (w, l, r, t, b, row) = (760.0, 150.0, 20.0, 12.0, 56.0, 26.0);
    let h = t + b + row * o.rows.len() as f64;
    let sx = Axis::new(o.x.0, o.x.1, l, w - r);
    let mut c = Canvas::new(w, h, "band-chart", &o.title);
    scale_axis(
        &mut c,
        sx,
        o.x,
        (w, l, r, t, h, b),
        0,
        &o.x_label,
        Some("bar: 5th to 95th percentile; tick: median; ring: the value without noise"),
    );
    let fin = |x: Option<f64>| x.filter(|v| v.is_finite());
    for (i, m) in o.rows.iter().enumerate() {
        let y = t + row * i as f64 + row / 2.0;
        let _ = writeln!(
            c.out,
            "<g class=\"band\"><title>{}: 5-95% {} to {}, median {}{}</title>",
            esc(&m.name),
            opt(m.lo, 1),
            opt(m.hi, 1),
            opt(m.median, 1),
            fin(m.baseline).map_or_else(String::new, |v| format!(", without noise {}", num(v, 1)))
        );
        c.text((l - 8.0, y + 4.0), "end", FG, "", &short(&m.name, 22));
        if let (Some(lo), Some(hi)) = (fin(m.lo), fin(m.hi)) {
            let _ = writeln!(
                c.out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" fill=\"{}\" fill-opacity=\"0.35\" stroke=\"{}\"/>",
                sx.at(lo),
                y - 7.0,
                (sx.at(hi) - sx.at(lo)).max(2.0),
                m.colour,
                m.colour
            );
        }
        if let Some(med) = fin(m.median) {
            c.line(
                (sx.at(med), y - 9.0),
                (sx.at(med), y + 9.0),
                m.colour,
                " stroke-width=\"3\" class=\"median\"",
            );
        }
        if let Some(base) = fin(m.baseline) {
            let _ = writeln!(
                c.out,
                "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#ffffff\" stroke=\"#000000\"/>",
                sx.at(base)
            );
        }
        c.raw("</g>");
    }
    c.finish()
}

/// A mark on a histogram: a dashed line, or a ring on the axis.
pub(crate) struct HistMark {
    pub name: &'static str,
    pub x: Option<f64>,
    pub colour: &'static str,
    pub ring: bool,
}

pub(crate) struct Histogram {
    pub title: String,
    pub x_label: String,
    pub lo: f64,
    pub hi: f64,
    pub counts: Vec<u64>,
    pub marks: Vec<HistMark>,
}

/// Equal-width bins from `lo` to `hi`, bar heights in share of the counted trials.
pub(crate) fn histogram(o: &Histogram) -> String {
    let (w, h, l, r, t, b) = (360.0, 170.0, 40.0, 18.0, 12.0, 38.0);
    // In floats: the counts may be a posted document's, and add up past `u64::MAX`.
    let total = o.counts.iter().map(|&c| c as f64).sum::<f64>().max(1.0);
    let top = o.counts.iter().copied().max().unwrap_or(0).max(1) as f64 / total;
    let (x0, x1) = if (o.hi - o.lo).abs() < 1e-12 || !(o.hi - o.lo).is_finite() {
        (o.lo - 0.5, o.lo + 0.5)
    } else {
        (o.lo, o.hi)
    };
    let sx = Axis::new(x0, x1, l, w - r);
    let sy = Axis::new(0.0, top, h - b, t);
    let mut c = Canvas::new(w, h, "histogram-chart", &o.title);
    c.raw("<g class=\"axes\">");
    for v in ticks(0.0, top, 3) {
        c.line((l, sy.at(v)), (w - r, sy.at(v)), GRID, " class=\"grid\"");
        c.text(
            (l - 4.0, sy.at(v) + 4.0),
            "end",
            FG,
            "",
            &format!("{}%", num(v * 100.0, 0)),
        );
    }
    for v in ticks(x0, x1, 5) {
        let digits = usize::from(v.fract() != 0.0);
        c.text((sx.at(v), h - b + 14.0), "middle", FG, "", &num(v, digits));
    }
    c.line((l, h - b), (w - r, h - b), AXIS, " class=\"axis\"");
    c.text(
        ((l + w - r) / 2.0, h - 4.0),
        "middle",
        MUTED,
        " class=\"label\"",
        &short(&o.x_label, 52),
    );
    c.raw("</g>\n<g class=\"bars\">");
    let width = (x1 - x0) / o.counts.len().max(1) as f64;
    for (i, &count) in o.counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let (a, z) = (x0 + i as f64 * width, x0 + (i + 1) as f64 * width);
        let share = count as f64 / total;
        let _ = writeln!(
            c.out,
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#56B4E9\" stroke=\"#0072B2\" stroke-width=\"0.6\"><title>{} to {}: {count} trials ({}%)</title></rect>",
            sx.at(a) + 0.5,
            sy.at(share),
            (sx.at(z) - sx.at(a) - 1.0).max(1.0),
            h - b - sy.at(share),
            num(a, 1),
            num(z, 1),
            num(100.0 * share, 1)
        );
    }
    c.raw("</g>");
    for m in &o.marks {
        let Some(x) = m.x.filter(|x| x.is_finite()) else {
            continue;
        };
        c.raw("<g class=\"hmark\">");
        if m.ring {
            let _ = writeln!(
                c.out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4.5\" fill=\"#ffffff\" stroke=\"{}\" stroke-width=\"2\"/>",
                sx.clamped(x),
                h - b,
                m.colour
            );
        } else {
            c.line(
                (sx.clamped(x), t),
                (sx.clamped(x), h - b),
                m.colour,
                " stroke-width=\"2\" stroke-dasharray=\"4 3\"",
            );
        }
        let _ = writeln!(c.out, "<title>{}: {}</title>\n</g>", m.name, num(x, 2));
    }
    c.finish()
}

/// A bar of a tornado.
pub(crate) struct TornadoRow {
    pub name: String,
    pub at_low: Option<f64>,
    pub at_high: Option<f64>,
    pub range: (f64, f64),
}

pub(crate) struct Tornado {
    pub title: String,
    pub x_label: String,
    pub baseline: f64,
    pub rows: Vec<TornadoRow>,
}

/// The colours of the two ends of an input's range.
pub(crate) const TORNADO_LOW: &str = "#0072B2";
pub(crate) const TORNADO_HIGH: &str = "#D55E00";

/// One row per input, in the order given (largest swing first); each bar runs from the
/// forecast with the input at the low end of its range to the forecast with it at the high
/// end, split at the baseline forecast (the vertical line) and coloured by which end moved it.
pub(crate) fn tornado(o: &Tornado) -> String {
    let (w, l, r, t, b, row) = (760.0, 250.0, 20.0, 12.0, 56.0, 22.0);
    let h = t + b + row * o.rows.len() as f64;
    let (mut x0, mut x1) = o
        .rows
        .iter()
        .flat_map(|b| [b.at_low, b.at_high])
        .flatten()
        .chain([o.baseline])
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !(x1 - x0).is_finite() {
        (x0, x1) = (0.0, 0.0);
    }
    if x1 - x0 < 1e-9 {
        x0 -= 1.0;
        x1 += 1.0;
    }
    let pad = (x1 - x0) * 0.05;
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
    let mut c = Canvas::new(w, h, "tornado-chart", &o.title);
    scale_axis(
        &mut c,
        sx,
        (x0, x1),
        (w, l, r, t, h, b),
        digits,
        &o.x_label,
        Some("blue: the input at the low end of its range; orange: at the high end"),
    );
    let base = o.baseline;
    for (i, bar) in o.rows.iter().enumerate() {
        let y = t + row * i as f64 + row / 2.0;
        let _ = writeln!(
            c.out,
            "<g class=\"tornado-bar\"><title>{} from {} to {}: forecast {} at the low end, {} at the high end</title>",
            esc(&bar.name),
            num(bar.range.0, 2),
            num(bar.range.1, 2),
            opt(bar.at_low, 2),
            opt(bar.at_high, 2)
        );
        let _ = writeln!(
            c.out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"{FG}\">{}<title>{}</title></text>",
            l - 8.0,
            y + 4.0,
            esc(&short(&bar.name, 40)),
            esc(&bar.name)
        );
        for (end, v, colour) in [
            ("low", bar.at_low, TORNADO_LOW),
            ("high", bar.at_high, TORNADO_HIGH),
        ] {
            if let Some(v) = v.filter(|v| v.is_finite() && base.is_finite()) {
                let (a, z) = (v.min(base), v.max(base));
                let _ = writeln!(
                    c.out,
                    "<rect class=\"{end}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" fill=\"{colour}\" fill-opacity=\"0.75\"/>",
                    sx.at(a),
                    y - 7.0,
                    (sx.at(z) - sx.at(a)).max(1.0)
                );
            }
        }
        c.raw("</g>");
    }
    if base.is_finite() {
        c.line(
            (sx.at(base), t - 4.0),
            (sx.at(base), h - b),
            "#000000",
            " stroke-width=\"1.5\" class=\"baseline\"",
        );
    }
    c.finish()
}
