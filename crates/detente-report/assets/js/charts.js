// Hand-drawn SVG charts: a line chart (positions by EUM round, utilities by month), a scatter
// (the bargaining frontier), bands and histograms (Monte Carlo) and a tornado (sensitivity).
// These few simple shapes do not justify a vendored library; drawing them here keeps the
// dashboard and the reports free of third-party code and of any build step.

import { fmt } from "./format.js";

const SVG_NS = "http://www.w3.org/2000/svg";

// Okabe-Ito palette (distinguishable with the common colour-vision deficiencies) followed by
// four of Paul Tol's muted colours, so scenarios of up to twelve actors get distinct lines.
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
  "#000000", "#C9B800", "#882255", "#44AA99", "#999933", "#332288"];

function short(name, n) {
  return name.length > n ? name.slice(0, n - 1) + "…" : name;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function ticks(min, max, count) {
  const span = max - min || 1;
  const raw = span / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) || raw;
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    out.push(Math.round(v * 1e9) / 1e9);
  }
  return out;
}

// opts: { title, xLabel, yLabel, x: [min, max], y: [min, max],
//         series: [{ name, points: [[x, y]], color, dashed }],
//         levels: [{ name, y, color }] (dashed horizontal lines, e.g. model forecasts),
//         marks: [{ name, x, color }] (dotted vertical lines, e.g. the ripeness month),
//         xName: what one x step is called in tooltips (default "round"),
//         yDigits: decimals of the y tick labels (default 0) }
export function lineChart(opts) {
  const W = 760, H = 380, L = 52, R = 190, T = 16, B = 44;
  const [x0, x1] = opts.x[0] === opts.x[1] ? [opts.x[0], opts.x[0] + 1] : opts.x;
  const [y0, y1] = opts.y;
  const sx = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (y) => H - B - ((y - y0) / (y1 - y0 || 1)) * (H - T - B);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart line-chart", role: "img",
    "aria-label": opts.title });
  root.append(svg("title", {}, opts.title));
  const axes = svg("g", { class: "axes" });
  for (const t of ticks(y0, y1, 5)) {
    axes.append(svg("line", { x1: L, x2: W - R, y1: sy(t), y2: sy(t), class: "grid" }));
    axes.append(svg("text", { x: L - 6, y: sy(t) + 4, "text-anchor": "end" }, fmt(t, opts.yDigits || 0)));
  }
  const xt = ticks(x0, x1, Math.min(10, Math.max(1, x1 - x0))).filter((t) => Number.isInteger(t));
  for (const t of xt) {
    axes.append(svg("text", { x: sx(t), y: H - B + 16, "text-anchor": "middle" }, String(t)));
  }
  axes.append(svg("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, class: "axis" }));
  axes.append(svg("line", { x1: L, x2: L, y1: T, y2: H - B, class: "axis" }));
  axes.append(svg("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle",
    class: "label" }, opts.xLabel));
  axes.append(svg("text", { x: 12, y: (T + H - B) / 2, "text-anchor": "middle", class: "label",
    transform: `rotate(-90 12 ${(T + H - B) / 2})` }, opts.yLabel));
  root.append(axes);
  const legend = [];
  for (const level of opts.levels || []) {
    const g = svg("g", { class: "level" });
    g.append(svg("line", { x1: L, x2: W - R, y1: sy(level.y), y2: sy(level.y), stroke: level.color,
      "stroke-dasharray": "6 4", "stroke-width": 1.5 }));
    g.append(svg("title", {}, `${level.name}: ${fmt(level.y)}`));
    root.append(g);
    legend.push({ name: `${level.name} ${fmt(level.y)}`, color: level.color, dashed: true,
      y: level.y });
  }
  for (const mark of opts.marks || []) {
    const g = svg("g", { class: "vmark" });
    g.append(svg("line", { x1: sx(mark.x), x2: sx(mark.x), y1: T, y2: H - B, stroke: mark.color,
      "stroke-dasharray": "2 3", "stroke-width": 2 }));
    g.append(svg("text", { x: sx(mark.x) + 4, y: T + 10, fill: mark.color }, mark.name));
    root.append(g);
  }
  for (const s of opts.series) {
    const g = svg("g", { class: "series" });
    const d = s.points.map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
      .join("");
    g.append(svg("path", { d, fill: "none", stroke: s.color, "stroke-width": 2.2,
      "stroke-dasharray": s.dashed ? "6 4" : "none" }));
    for (const [x, y] of s.points) {
      const dot = svg("circle", { cx: sx(x).toFixed(1), cy: sy(y).toFixed(1), r: 3, fill: s.color });
      dot.append(svg("title", {}, `${s.name}, ${opts.xName || "round"} ${x}: ${fmt(y, opts.yDigits || 1)}`));
      g.append(dot);
    }
    root.append(g);
    const last = s.points[s.points.length - 1];
    legend.push({ name: s.name, color: s.color, dashed: s.dashed, y: last ? last[1] : y0 });
  }
  // Legend at the right, one row per entry, in the order of the end values so it reads like the
  // lines themselves.
  const lg = svg("g", { class: "legend" });
  legend.sort((a, b) => b.y - a.y).forEach((item, i) => {
    const y = T + 8 + i * 16;
    lg.append(svg("line", { x1: W - R + 10, x2: W - R + 30, y1: y, y2: y, stroke: item.color,
      "stroke-width": 2.5, "stroke-dasharray": item.dashed ? "5 3" : "none" }));
    const label = svg("text", { x: W - R + 34, y: y + 4 }, short(item.name, 24));
    label.append(svg("title", {}, item.name));
    lg.append(label);
  });
  root.append(lg);
  return root;
}

// opts: { title, xLabel, yLabel, points: [[x, y]], marks: [{ name, x, y, color, shape }] }
// shape: "circle" | "square" | "diamond" | "triangle" | "cross"
export function scatterChart(opts) {
  const W = 560, H = 440, L = 56, R = 16, T = 16, B = 48;
  const xs = opts.points.map((p) => p[0]).concat(opts.marks.map((m) => m.x));
  const ys = opts.points.map((p) => p[1]).concat(opts.marks.map((m) => m.y));
  const pad = (lo, hi) => { const s = (hi - lo) || 0.1; return [lo - s * 0.06, hi + s * 0.06]; };
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const sx = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (y) => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart scatter-chart", role: "img",
    "aria-label": opts.title });
  root.append(svg("title", {}, opts.title));
  const axes = svg("g", { class: "axes" });
  for (const t of ticks(y0, y1, 5)) {
    axes.append(svg("line", { x1: L, x2: W - R, y1: sy(t), y2: sy(t), class: "grid" }));
    axes.append(svg("text", { x: L - 6, y: sy(t) + 4, "text-anchor": "end" }, fmt(t, 2)));
  }
  for (const t of ticks(x0, x1, 5)) {
    axes.append(svg("line", { x1: sx(t), x2: sx(t), y1: T, y2: H - B, class: "grid" }));
    axes.append(svg("text", { x: sx(t), y: H - B + 16, "text-anchor": "middle" }, fmt(t, 2)));
  }
  axes.append(svg("text", { x: (L + W - R) / 2, y: H - 8, "text-anchor": "middle",
    class: "label" }, opts.xLabel));
  axes.append(svg("text", { x: 14, y: (T + H - B) / 2, "text-anchor": "middle", class: "label",
    transform: `rotate(-90 14 ${(T + H - B) / 2})` }, opts.yLabel));
  root.append(axes);
  const sorted = [...opts.points].sort((a, b) => a[0] - b[0]);
  root.append(svg("path", { class: "frontier-line", fill: "none",
    d: sorted.map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join("") }));
  const pts = svg("g", { class: "frontier" });
  for (const [x, y] of opts.points) {
    const c = svg("circle", { cx: sx(x).toFixed(1), cy: sy(y).toFixed(1), r: 2.6 });
    c.append(svg("title", {}, `(${fmt(x, 3)}, ${fmt(y, 3)})`));
    pts.append(c);
  }
  root.append(pts);
  for (const m of opts.marks) {
    const x = sx(m.x), y = sy(m.y), r = 7;
    let shape;
    if (m.shape === "square") shape = svg("rect", { x: x - r, y: y - r, width: 2 * r, height: 2 * r });
    else if (m.shape === "diamond") shape = svg("path", { d: `M${x},${y - r - 2}L${x + r + 2},${y}L${x},${y + r + 2}L${x - r - 2},${y}Z` });
    else if (m.shape === "triangle") shape = svg("path", { d: `M${x},${y - r - 2}L${x + r + 2},${y + r}L${x - r - 2},${y + r}Z` });
    else if (m.shape === "cross") shape = svg("path", { d: `M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}`, "stroke-width": 3 });
    else shape = svg("circle", { cx: x, cy: y, r });
    shape.setAttribute("class", "mark");
    shape.setAttribute("fill", m.shape === "cross" ? "none" : m.color);
    shape.setAttribute("stroke", m.color);
    shape.append(svg("title", {}, `${m.name}: (${fmt(m.x, 3)}, ${fmt(m.y, 3)})`));
    root.append(shape);
  }
  return root;
}

// The horizontal scale axis of the row charts (bands, intervals): vertical grid lines at about
// six ticks from x0 to x1, their labels under the plot, and the axis label at the bottom.
function scaleAxis({ x0, x1, sx, W, L, R, T, H, B, label }) {
  const axes = svg("g", { class: "axes" });
  for (const t of ticks(x0, x1, 6)) {
    axes.append(svg("line", { x1: sx(t), x2: sx(t), y1: T, y2: H - B, class: "grid" }));
    axes.append(svg("text", { x: sx(t), y: H - B + 16, "text-anchor": "middle" }, fmt(t, 0)));
  }
  axes.append(svg("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", class: "label" },
    label));
  return axes;
}

// opts: { title, x: [min, max], xLabel, value, intervals: [{ level, low, high }] (nested),
//         dots: [{ name, x, color }], statusQuo }
// One issue's headline forecast on its scale: the prediction intervals as nested bands (the
// widest palest), the headline as a bar, each model's forecast as a dot on a row of its own,
// and the status quo as a dotted line.
export function intervalChart(opts) {
  const W = 760, L = 150, R = 20, T = 12, B = 40, ROW = 22;
  const rows = 1 + opts.dots.length;
  const H = T + B + ROW * rows;
  const [x0, x1] = opts.x[0] === opts.x[1] ? [opts.x[0], opts.x[0] + 1] : opts.x;
  const sx = (x) => L + ((Math.min(x1, Math.max(x0, x)) - x0) / (x1 - x0)) * (W - L - R);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart interval-chart", role: "img",
    "aria-label": opts.title });
  root.append(svg("title", {}, opts.title));
  root.append(scaleAxis({ x0, x1, sx, W, L, R, T, H, B, label: opts.xLabel }));
  const top = T + ROW / 2;
  const head = svg("g", { class: "headline" });
  head.append(svg("text", { x: L - 8, y: top + 4, "text-anchor": "end" }, "headline"));
  const widest = [...opts.intervals].sort((a, b) => b.level - a.level);
  widest.forEach((iv, k) => {
    const band = svg("rect", { x: sx(iv.low), y: top - 8, width: Math.max(2, sx(iv.high) - sx(iv.low)),
      height: 16, fill: "#0072B2", "fill-opacity": 0.18 + 0.18 * k, class: "interval",
      "data-level": iv.level });
    band.append(svg("title", {}, `${Math.round(iv.level * 100)}% interval: ${fmt(iv.low)} to ${fmt(iv.high)}`));
    head.append(band);
  });
  const mark = svg("line", { x1: sx(opts.value), x2: sx(opts.value), y1: top - 10, y2: top + 10,
    stroke: "#000000", "stroke-width": 3, class: "median" });
  mark.append(svg("title", {}, `headline ${fmt(opts.value)}`));
  head.append(mark);
  root.append(head);
  opts.dots.forEach((d, i) => {
    const y = T + ROW * (i + 1) + ROW / 2;
    const g = svg("g", { class: "dot" });
    g.append(svg("text", { x: L - 8, y: y + 4, "text-anchor": "end" }, short(d.name, 22)));
    const dot = svg("circle", { cx: sx(d.x), cy: y, r: 5, fill: d.color });
    dot.append(svg("title", {}, `${d.name}: ${fmt(d.x)}`));
    g.append(dot);
    root.append(g);
  });
  if (opts.statusQuo !== null && opts.statusQuo !== undefined) {
    const sq = svg("line", { x1: sx(opts.statusQuo), x2: sx(opts.statusQuo), y1: T, y2: H - B,
      stroke: "#000000", "stroke-dasharray": "2 3", class: "status-quo" });
    sq.append(svg("title", {}, `status quo ${fmt(opts.statusQuo)}`));
    root.append(sq);
  }
  return root;
}

// opts: { title, x: [min, max], xLabel, rows: [{ name, lo, median, hi, baseline, color }] }
// One row per entry: a bar from lo to hi (e.g. the 5th to the 95th percentile), a tick at the
// median and a ring at the baseline (the unperturbed scenario's value).
export function bandChart(opts) {
  const W = 760, L = 150, R = 20, T = 12, B = 40, ROW = 26;
  const H = T + B + ROW * opts.rows.length;
  const [x0, x1] = opts.x[0] === opts.x[1] ? [opts.x[0], opts.x[0] + 1] : opts.x;
  const sx = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart band-chart", role: "img",
    "aria-label": opts.title });
  root.append(svg("title", {}, opts.title));
  root.append(scaleAxis({ x0, x1, sx, W, L, R, T, H, B, label: opts.xLabel }));
  opts.rows.forEach((row, i) => {
    const y = T + ROW * i + ROW / 2;
    const g = svg("g", { class: "band" });
    g.append(svg("text", { x: L - 8, y: y + 4, "text-anchor": "end" }, short(row.name, 22)));
    if (row.lo !== null && row.hi !== null) {
      g.append(svg("rect", { x: sx(row.lo), y: y - 7, width: Math.max(2, sx(row.hi) - sx(row.lo)),
        height: 14, fill: row.color, "fill-opacity": 0.35, stroke: row.color }));
    }
    if (row.median !== null) {
      g.append(svg("line", { x1: sx(row.median), x2: sx(row.median), y1: y - 9, y2: y + 9,
        stroke: row.color, "stroke-width": 3, class: "median" }));
    }
    if (row.baseline !== null && row.baseline !== undefined) {
      g.append(svg("circle", { cx: sx(row.baseline), cy: y, r: 4, fill: "#ffffff", stroke: "#000000" }));
    }
    g.append(svg("title", {}, `${row.name}: 5-95% ${fmt(row.lo)} to ${fmt(row.hi)}, median ${fmt(row.median)}` +
      (row.baseline !== null && row.baseline !== undefined ? `, without noise ${fmt(row.baseline)}` : "")));
    root.append(g);
  });
  return root;
}

// opts: { title, xLabel, lo, hi, counts: [n per bin], marks: [{ name, x, color, ring }],
//         integer: bins are whole units (e.g. months), label them by their lower edge }
// A small histogram: equal-width bins from lo to hi, bar heights in share of the counted trials.
export function histogramChart(opts) {
  const W = 360, H = 170, L = 40, R = 18, T = 12, B = 38;
  const total = opts.counts.reduce((a, b) => a + b, 0) || 1;
  const top = Math.max(...opts.counts, 1) / total;
  const [x0, x1] = opts.lo === opts.hi ? [opts.lo - 0.5, opts.hi + 0.5] : [opts.lo, opts.hi];
  const sx = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (share) => H - B - (share / top) * (H - T - B);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart histogram-chart", role: "img",
    "aria-label": opts.title });
  root.append(svg("title", {}, opts.title));
  const axes = svg("g", { class: "axes" });
  for (const t of ticks(0, top, 3)) {
    axes.append(svg("line", { x1: L, x2: W - R, y1: sy(t), y2: sy(t), class: "grid" }));
    axes.append(svg("text", { x: L - 4, y: sy(t) + 4, "text-anchor": "end" }, `${Math.round(t * 100)}%`));
  }
  for (const t of ticks(x0, x1, 5)) {
    axes.append(svg("text", { x: sx(t), y: H - B + 14, "text-anchor": "middle" }, fmt(t, Number.isInteger(t) ? 0 : 1)));
  }
  axes.append(svg("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, class: "axis" }));
  axes.append(svg("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle", class: "label" },
    short(opts.xLabel, 52)));
  root.append(axes);
  const n = opts.counts.length;
  const width = (x1 - x0) / n;
  const bars = svg("g", { class: "bars" });
  opts.counts.forEach((count, i) => {
    if (!count) return;
    const a = x0 + i * width, b = a + width;
    const bar = svg("rect", { x: sx(a) + 0.5, y: sy(count / total), width: Math.max(1, sx(b) - sx(a) - 1),
      height: H - B - sy(count / total), class: "bar" });
    bar.append(svg("title", {}, `${fmt(a, 1)} to ${fmt(b, 1)}: ${count} trials (${fmt(100 * count / total, 1)}%)`));
    bars.append(bar);
  });
  root.append(bars);
  for (const m of opts.marks || []) {
    if (m.x === null || m.x === undefined) continue;
    const g = svg("g", { class: "hmark" });
    if (m.ring) {
      g.append(svg("circle", { cx: sx(m.x), cy: H - B, r: 4.5, fill: "#ffffff", stroke: m.color, "stroke-width": 2 }));
    } else {
      g.append(svg("line", { x1: sx(m.x), x2: sx(m.x), y1: T, y2: H - B, stroke: m.color, "stroke-width": 2,
        "stroke-dasharray": "4 3" }));
    }
    g.append(svg("title", {}, `${m.name}: ${fmt(m.x, 2)}`));
    root.append(g);
  }
  return root;
}

// opts: { title, xLabel, baseline, rows: [{ name, atLow, atHigh, range: [lo, hi] }] }
// A tornado: one row per input, largest swing first; each bar runs from the forecast with the
// input at the low end of its range to the forecast with it at the high end, split at the
// baseline forecast (the vertical line) and coloured by which end of the input moved it there.
export const TORNADO_COLOURS = { low: "#0072B2", high: "#D55E00" };
export function tornadoChart(opts) {
  const W = 760, L = 250, R = 20, T = 12, B = 40, ROW = 22;
  const H = T + B + ROW * opts.rows.length;
  const values = [opts.baseline];
  for (const r of opts.rows) values.push(r.atLow, r.atHigh);
  const finite = values.filter((v) => v !== null && v !== undefined && Number.isFinite(v));
  let x0 = Math.min(...finite), x1 = Math.max(...finite);
  if (x1 - x0 < 1e-9) { x0 -= 1; x1 += 1; }
  const pad = (x1 - x0) * 0.05;
  x0 -= pad; x1 += pad;
  const sx = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart tornado-chart", role: "img",
    "aria-label": opts.title });
  root.append(svg("title", {}, opts.title));
  const axes = svg("g", { class: "axes" });
  const digits = x1 - x0 < 0.5 ? 3 : x1 - x0 < 5 ? 2 : 1;
  for (const t of ticks(x0, x1, 6)) {
    axes.append(svg("line", { x1: sx(t), x2: sx(t), y1: T, y2: H - B, class: "grid" }));
    axes.append(svg("text", { x: sx(t), y: H - B + 16, "text-anchor": "middle" }, fmt(t, digits)));
  }
  axes.append(svg("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", class: "label" },
    opts.xLabel));
  root.append(axes);
  const base = opts.baseline;
  opts.rows.forEach((row, i) => {
    const y = T + ROW * i + ROW / 2;
    const g = svg("g", { class: "tornado-bar" });
    const label = svg("text", { x: L - 8, y: y + 4, "text-anchor": "end" }, short(row.name, 40));
    label.append(svg("title", {}, row.name));
    g.append(label);
    for (const [end, v] of [["low", row.atLow], ["high", row.atHigh]]) {
      if (v === null || v === undefined || base === null || base === undefined) continue;
      const a = Math.min(v, base), b = Math.max(v, base);
      g.append(svg("rect", { x: sx(a), y: y - 7, width: Math.max(1, sx(b) - sx(a)), height: 14,
        fill: TORNADO_COLOURS[end], "fill-opacity": 0.75, class: end }));
    }
    g.append(svg("title", {}, `${row.name} from ${fmt(row.range[0], 2)} to ${fmt(row.range[1], 2)}: ` +
      `forecast ${fmt(row.atLow, 2)} at the low end, ${fmt(row.atHigh, 2)} at the high end`));
    root.append(g);
  });
  if (base !== null && base !== undefined) {
    root.append(svg("line", { x1: sx(base), x2: sx(base), y1: T - 4, y2: H - B, stroke: "#000000",
      "stroke-width": 1.5, class: "baseline" }));
  }
  return root;
}
