// The forecast view of one issue: each model's forecast, the headline with its intervals,
// every actor's position by EUM round (lines, with the model forecasts as dashed levels), and
// the moves that mattered with their reasons. The charts come drawn (see chartFor). Used by the
// dashboard and by the HTML report.

import { el, fmt, nearestAnchor, chartFor, MODEL_NAMES } from "../format.js";

// info: { names: Map id -> name, anchors: [[at, label]], charts: the forecast's charts }
export function renderIssueForecast(container, issue, info) {
  const nameOf = (id) => info.names.get(id) || id;
  container.replaceChildren();
  const rows = [];
  const h = issue.headline;
  if (h) {
    rows.push(el("tr", { "data-model": "headline" }, el("th", { scope: "row" }, "Headline"),
      el("td", {}, fmt(h.position)), el("td", {}, h.anchor || "")));
  }
  rows.push(el("tr", {}, el("th", { scope: "row" }, "Status quo"),
    el("td", {}, fmt(issue.status_quo.position)), el("td", {}, issue.status_quo.anchor || "")));
  for (const model of ["compromise", "median", "nash", "eum"]) {
    const p = issue[model];
    if (!p) continue;
    let extra = "";
    if (model === "median" && p.tie) extra = " (tie: midpoint)";
    if (model === "nash" && p.gridlock) extra = " (gridlock: no move helps every veto player)";
    rows.push(el("tr", { "data-model": model }, el("th", { scope: "row" }, MODEL_NAMES[model]),
      el("td", {}, fmt(p.position)), el("td", {}, (p.anchor || "") + extra)));
  }
  container.append(el("div", { class: "table-wrap" }, el("table", { class: "forecasts" },
    el("caption", {}, `Forecasts on ${issue.name} (scale ${issue.scale[0]} to ${issue.scale[1]})`),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "model"),
      el("th", { scope: "col" }, "position"), el("th", { scope: "col" }, "nearest anchor"))),
    el("tbody", {}, rows))));
  const headline = chartFor(info.charts, "headline", issue.issue);
  if (h && headline) container.append(headlineFigure(headline.node, h));

  const eum = issue.eum;
  if (!eum) {
    for (const note of issue.notes || []) container.append(el("p", { class: "note" }, note));
    return;
  }
  // Actors whose positions coincide in every round share one line; the chart's note names them.
  const chart = chartFor(info.charts, "eum-rounds", issue.issue);
  if (chart) {
    container.append(el("figure", { class: "chart-box", "data-chart": "eum-rounds" }, chart.node,
      // `ended` is the model's own sentence (a run stored before it existed shows none).
      el("figcaption", {}, `EUM (${eum.preset} preset)${eum.ended ? ": " + eum.ended : ""}; ` +
        `final median ${fmt(eum.position)} ${nearestAnchor(info.anchors, eum.position) ? "(" + nearestAnchor(info.anchors, eum.position) + ")" : ""}, mean ${fmt(eum.mean)}. ` +
        "Solid lines: each actor's position after each round; dashed: each model's forecast." +
        (chart.note ? " " + chart.note : ""))));
  }

  // The ranking of moves is the model's (`biggest_moves`); this view only lists them. A run
  // stored before the ranking existed shows the full list below and no ranking.
  const moves = [];
  for (const r of eum.rounds) for (const m of r.moves) moves.push([r.round, m]);
  const biggest = (eum.biggest_moves || []).map((m) => [m.round, m]);
  if (moves.length === 0) {
    container.append(el("p", { class: "note" }, "No actor accepted an offer: every actor holds its position."));
  } else {
    container.append(el("h4", {}, "Moves that mattered"));
    container.append(el("ol", { class: "moves" }, biggest.map(([round, m]) =>
      el("li", {}, el("strong", {}, `Round ${round}: ${nameOf(m.actor)} ${fmt(m.from)} → ${fmt(m.to)}. `),
        // A run stored before moves carried their reason shows the kind instead.
        (m.reason || `${m.kind} (no reason recorded)`) + "."))));
    if (moves.length > biggest.length) {
      const all = moves;
      container.append(el("details", {}, el("summary", {}, `All ${moves.length} accepted offers, by round`),
        el("div", { class: "table-wrap" }, el("table", { class: "trace" },
          el("thead", {}, el("tr", {}, ["round", "actor", "toward", "kind", "from", "to"].map((h) =>
            el("th", { scope: "col" }, h)))),
          el("tbody", {}, all.map(([round, m]) => el("tr", {}, el("td", {}, round),
            el("td", {}, nameOf(m.actor)), el("td", {}, nameOf(m.toward)), el("td", {}, m.kind),
            el("td", {}, fmt(m.from)), el("td", {}, fmt(m.to)))))))));
    }
  }
  for (const note of issue.notes || []) container.append(el("p", { class: "note" }, note));
}

// The headline with its intervals and the models as dots; the caption says how the intervals
// were made, how well they covered on the training data, and where this issue lies outside it.
function headlineFigure(chart, h) {
  const pct = (x) => `${Math.round(100 * x)}%`;
  const spans = h.intervals.map((iv) => `${pct(iv.level)} ${fmt(iv.low)} to ${fmt(iv.high)}`).join(", ");
  const covered = (h.measured_coverage || []).map(pct).join("/");
  const unlike = (h.unlike_training || []).length
    ? ` This issue lies outside the training data (${h.unlike_training.join("; ")}): read the intervals as a rough guide.`
    : "";
  const caveats = (h.caveats || []).length ? " " + h.caveats.join(" ") : "";
  return el("figure", { class: "chart-box", "data-chart": "headline" }, chart,
    el("figcaption", {}, `Headline ${fmt(h.position)}${h.anchor ? " (" + h.anchor + ")" : ""}: ` +
      `the models combined with ${h.preset === "learnt" ? "weights learnt out of sample" : "the " + h.preset + " weights"}, intervals ${spans} ` +
      `(conformal; out of fold on EU legislation they covered ${covered}). ` +
      "Bands: the intervals, darkest the narrowest; dots: each model's forecast; dotted: the status quo." +
      unlike + caveats));
}
