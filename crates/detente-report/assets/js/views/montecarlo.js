// The Monte Carlo view: per issue, each model's 5-95 percentile band and median on the issue's
// scale (ring: the value without noise) and each model's histogram over the trials; then a
// table and histograms of every other metric (zone of agreement, ripeness month, utilities).
// Numbers come from a finished job of POST /api/montecarlo, or from `detente report`, both
// schema detente.montecarlo/1; the charts come drawn (see chartFor). Used by the dashboard and
// by the HTML report.

import { el, fmt, chartFor, MODEL_NAMES } from "../format.js";

function histogramBox(m, title, charts) {
  const chart = chartFor(charts, "mc-histogram", m.key);
  if (!chart) return null;
  return el("figure", { class: "chart-box histogram", "data-chart": "mc-histogram", "data-metric": m.key },
    chart.node, el("figcaption", {}, `${title}: mean ${fmt(m.mean, 2)}` +
      (m.missing ? `, ${m.missing} trials without a value` : "")));
}

// issueName: id -> display name; charts: the Monte Carlo document's charts.
export function renderMonteCarlo(container, result, issueName, charts) {
  container.replaceChildren();
  container.append(el("p", {}, `${result.trials} trials, seed ${result.seed}. Bars: the 5th to the ` +
    "95th percentile; thick tick: the median; ring: the value without noise. Histograms: share " +
    "of trials per bin, dashed line at the median."));
  const byIssue = new Map();
  const others = [];
  for (const m of result.metrics) {
    if (m.kind === "position" && m.issue) {
      if (!byIssue.has(m.issue)) byIssue.set(m.issue, []);
      byIssue.get(m.issue).push(m);
    } else {
      others.push(m);
    }
  }
  for (const [issue, metrics] of byIssue) {
    const name = issueName(issue);
    const band = chartFor(charts, "mc-band", issue);
    container.append(el("section", { class: "mc-issue", "data-issue": issue },
      el("h3", {}, name),
      band ? el("figure", { class: "chart-box", "data-chart": "mc-band", "data-issue": issue },
        band.node, el("figcaption", {}, `${name}: 5-95% band of each model's forecast`)) : null,
      el("div", { class: "hist-grid" }, metrics.map((m) => histogramBox(m,
        `${MODEL_NAMES[m.model] || m.model}`, charts)))));
  }
  if (others.length) {
    container.append(el("h3", {}, "Other metrics"));
    container.append(el("div", { class: "table-wrap" }, el("table", { class: "mc-others" },
      el("caption", {}, "Other metrics over the trials"),
      el("thead", {}, el("tr", {}, ["metric", "kind", "without noise", "mean", "5%", "median", "95%"]
        .map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, others.map((m) => el("tr", {}, el("th", { scope: "row" }, m.key),
        el("td", {}, m.kind), el("td", {}, fmt(m.baseline, 3)), el("td", {}, fmt(m.mean, 3)),
        el("td", {}, fmt(m.p05, 3)), el("td", {}, fmt(m.median, 3)), el("td", {}, fmt(m.p95, 3))))))));
    container.append(el("div", { class: "hist-grid" }, others.map((m) => histogramBox(m, m.key, charts))));
  }
}
