// The forecast view of one issue: each model's forecast, every actor's position by EUM round
// (lines, with the model forecasts as dashed levels), and the moves that mattered with their
// reasons. Used by the dashboard and by the HTML report.

import { el, fmt, nearestAnchor, MODEL_NAMES } from "../format.js";
import { intervalChart, lineChart, PALETTE } from "../charts.js";

const MODEL_COLOURS = { compromise: "#555555", median: "#8B4513", nash: "#6A3D9A", eum: "#B22222" };

// info: { names: Map id -> name, anchors: [[at, label]] }
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
  if (h) container.append(headlineFigure(issue, h));

  const eum = issue.eum;
  if (!eum) {
    for (const note of issue.notes || []) container.append(el("p", { class: "note" }, note));
    return;
  }
  // Actors whose positions coincide in every round are one line: drawn separately they would
  // hide each other (six of ten actors on one Istanbul issue). The caption lists the groups.
  const groups = [];
  eum.rounds[0].actors.forEach((a, i) => {
    const points = eum.rounds.map((r) => [r.round, r.actors[i].position]);
    const same = groups.find((g) => g.points.every(([, y], k) => Math.abs(y - points[k][1]) < 1e-9));
    if (same) same.names.push(nameOf(a.actor));
    else groups.push({ names: [nameOf(a.actor)], points });
  });
  const series = groups.map((g, i) => ({
    name: g.names.length <= 2 ? g.names.join(" and ") : `${g.names[0]} and ${g.names.length - 1} more`,
    color: PALETTE[i % PALETTE.length],
    points: g.points,
  }));
  const together = groups.filter((g) => g.names.length > 2)
    .map((g) => `${g.names.join(", ")} hold the same positions in every round and share one line.`)
    .join(" ");
  const levels = ["compromise", "median", "nash", "eum"].filter((m) => issue[m]).map((m) => ({
    name: m === "eum" ? "EUM" : m[0].toUpperCase() + m.slice(1),
    y: issue[m].position,
    color: MODEL_COLOURS[m],
  }));
  const last = eum.rounds[eum.rounds.length - 1].round;
  const chart = lineChart({
    title: `Positions on ${issue.name} by EUM round`,
    xLabel: "EUM round",
    yLabel: "position",
    x: [0, Math.max(1, last)],
    y: issue.scale,
    series,
    levels,
  });
  container.append(el("figure", { class: "chart-box", "data-chart": "eum-rounds" }, chart,
    // `ended` is the model's own sentence (a run stored before it existed shows none).
    el("figcaption", {}, `EUM (${eum.preset} preset)${eum.ended ? ": " + eum.ended : ""}; ` +
      `final median ${fmt(eum.position)} ${nearestAnchor(info.anchors, eum.position) ? "(" + nearestAnchor(info.anchors, eum.position) + ")" : ""}, mean ${fmt(eum.mean)}. ` +
      "Solid lines: each actor's position after each round; dashed: each model's forecast." +
      (together ? " " + together : ""))));

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
function headlineFigure(issue, h) {
  const models = ["compromise", "median", "nash", "eum"].filter((m) => issue[m]);
  const chart = intervalChart({
    title: `Headline forecast on ${issue.name} with its intervals`,
    xLabel: "position",
    x: issue.scale,
    value: h.position,
    intervals: h.intervals,
    dots: models.map((m) => ({ name: MODEL_NAMES[m], x: issue[m].position, color: MODEL_COLOURS[m] })),
    statusQuo: issue.status_quo.position,
  });
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
