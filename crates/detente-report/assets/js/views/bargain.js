// The package-deal view: the rational Pareto frontier of two parties as a scatter with the
// Nash, Kalai-Smorodinsky, egalitarian and utilitarian packages and the disagreement point, the
// solutions table and the zone of agreement. The chart comes drawn (see chartFor). Used by the
// dashboard and by the HTML report.

import { el, fmt, chartFor } from "../format.js";

const SOLUTIONS = [
  ["nash", "Nash", "diamond"],
  ["kalai_smorodinsky", "Kalai-Smorodinsky", "square"],
  ["egalitarian", "Egalitarian", "triangle"],
  ["utilitarian", "Utilitarian", "circle"],
];

// charts: the bargain document's charts.
export function renderBargain(container, result, nameOf, charts) {
  container.replaceChildren();
  const parties = result.parties.map((p) => nameOf(p.id));
  container.append(el("p", {}, `Parties: ${parties.join(" and ")}. Grid step ${result.config.step} ` +
    `on every issue, ${result.config.loss} loss; ${result.frontier.length} packages on the ` +
    "rational Pareto frontier (packages no party would trade for another that is better for all)."));
  const chart = chartFor(charts, "frontier");
  if (chart) {
    const marks = [{ name: "Disagreement (no deal)", shape: "cross" }];
    for (const [key, name, shape] of SOLUTIONS) {
      if (result.solutions[key]) marks.push({ name, shape });
    }
    container.append(el("figure", { class: "chart-box", "data-chart": "frontier" }, chart.node,
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
