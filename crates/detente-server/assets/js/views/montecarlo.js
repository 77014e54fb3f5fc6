// The Monte Carlo view: per issue, each model's 5-95 percentile band and median on the issue's
// scale (ring: the value without noise), and a table of every other metric (zone of agreement,
// ripeness month, utilities). Numbers come from a finished job of POST /api/montecarlo (schema
// detente.montecarlo/1).

import { el, fmt, MODEL_NAMES } from "../format.js";
import { bandChart, PALETTE } from "../charts.js";

const MODELS = ["compromise", "median", "nash", "eum"];

export function renderMonteCarlo(container, result, issueName) {
  container.replaceChildren();
  container.append(el("p", {}, `${result.trials} trials, seed ${result.seed}. Bars: the 5th to the ` +
    "95th percentile; thick tick: the median; ring: the value without noise."));
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
    const rows = metrics.map((m) => ({
      name: MODEL_NAMES[m.model] || m.model,
      lo: m.p05, median: m.median, hi: m.p95, baseline: m.baseline,
      color: PALETTE[Math.max(0, MODELS.indexOf(m.model)) % PALETTE.length],
    }));
    container.append(el("figure", { class: "chart-box", "data-chart": "mc-band", "data-issue": issue },
      bandChart({ title: `${issueName(issue)}: forecast bands`, x: metrics[0].range,
        xLabel: `${issueName(issue)} (scale ${metrics[0].range[0]} to ${metrics[0].range[1]})`, rows }),
      el("figcaption", {}, issueName(issue))));
  }
  if (others.length) {
    container.append(el("div", { class: "table-wrap" }, el("table", { class: "mc-others" },
      el("caption", {}, "Other metrics over the trials"),
      el("thead", {}, el("tr", {}, ["metric", "kind", "without noise", "mean", "5%", "median", "95%"]
        .map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, others.map((m) => el("tr", {}, el("th", { scope: "row" }, m.key),
        el("td", {}, m.kind), el("td", {}, fmt(m.baseline, 3)), el("td", {}, fmt(m.mean, 3)),
        el("td", {}, fmt(m.p05, 3)), el("td", {}, fmt(m.median, 3)), el("td", {}, fmt(m.p95, 3))))))));
  }
}
