// The package-deal view: the rational Pareto frontier of two parties as a scatter with the
// Nash, Kalai-Smorodinsky, egalitarian and utilitarian packages and the disagreement point, the
// solutions table and the zone of agreement. Used by the dashboard and by the HTML report.

import { el, fmt } from "../format.js";
import { scatterChart } from "../charts.js";

const SOLUTIONS = [
  ["nash", "Nash", "#D55E00", "diamond"],
  ["kalai_smorodinsky", "Kalai-Smorodinsky", "#0072B2", "square"],
  ["egalitarian", "Egalitarian", "#009E73", "triangle"],
  ["utilitarian", "Utilitarian", "#CC79A7", "circle"],
];

export function renderBargain(container, result, nameOf) {
  container.replaceChildren();
  const parties = result.parties.map((p) => nameOf(p.id));
  container.append(el("p", {}, `Parties: ${parties.join(" and ")}. Grid step ${result.config.step} ` +
    `on every issue, ${result.config.loss} loss; ${result.frontier.length} packages on the ` +
    "rational Pareto frontier (packages no party would trade for another that is better for all)."));
  if (result.parties.length === 2 && result.frontier.length > 0) {
    const marks = [{ name: "Disagreement (no deal)", x: result.disagreement[0],
      y: result.disagreement[1], color: "#000000", shape: "cross" }];
    for (const [key, name, color, shape] of SOLUTIONS) {
      const s = result.solutions[key];
      if (s) marks.push({ name, x: s.utilities[0], y: s.utilities[1], color, shape });
    }
    const chart = scatterChart({
      title: `Pareto frontier: utility of ${parties[0]} against ${parties[1]}`,
      xLabel: `utility of ${parties[0]}`,
      yLabel: `utility of ${parties[1]}`,
      points: result.frontier.map((p) => p.utilities),
      marks,
    });
    container.append(el("figure", { class: "chart-box", "data-chart": "frontier" }, chart,
      el("figcaption", {}, el("ul", { class: "key" }, marks.map((m) =>
        el("li", {}, el("span", { class: `swatch ${m.shape}`, "aria-hidden": "true" }), m.name))),
        "Grey dots: the frontier; each mark is a solution's package.")));
  } else if (result.parties.length !== 2) {
    container.append(el("p", { class: "note" },
      `${result.parties.length} parties: the frontier cannot be drawn on a plane; the table lists the solutions.`));
  }
  const head = ["package", ...parties.map((p) => `utility of ${p}`), ...result.issues.map((i) => i.id)];
  const rows = [];
  if (result.status_quo) {
    rows.push(el("tr", {}, el("th", { scope: "row" }, "Status quo (disagreement)"),
      result.disagreement.map((d) => el("td", {}, fmt(d, 3))),
      result.status_quo.package.map((x) => el("td", {}, fmt(x, 1)))));
  }
  for (const [key, name] of SOLUTIONS) {
    const s = result.solutions[key];
    rows.push(el("tr", {}, el("th", { scope: "row" }, name + (s && s.ties > 1 ? ` (${s.ties} tied)` : "")),
      s ? [s.utilities.map((u) => el("td", {}, fmt(u, 3))), s.package.map((x) => el("td", {}, fmt(x, 1)))]
        : el("td", { colspan: head.length - 1 }, "no individually rational package")));
  }
  container.append(el("div", { class: "table-wrap" }, el("table", { class: "solutions" },
    el("caption", {}, "Solutions: each party's utility (0 to 1) and the position the package sets on each issue"),
    el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows))));
  const z = result.zopa;
  container.append(el("p", { class: "zopa" }, z.exists
    ? `Zone of possible agreement: yes. ${z.strict_count !== null && z.strict_count !== undefined ? z.strict_count + " packages are better than no deal for every party; " : ""}` +
      `Gains available on the frontier: ${result.parties.map((p, i) => `${parties[i]} ${fmt(z.gain_box[i].min, 3)} to ${fmt(z.gain_box[i].max, 3)}`).join(", ")}.`
    : "Zone of possible agreement: none. No package is better than no deal for every party."));
}
