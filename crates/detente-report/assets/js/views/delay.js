// The delay view: per month each party's no-deal value (dashed) and what the Nash deal gives it
// (solid), the ripeness month marked, and the lever comparison table (baseline, each lever and
// each pair, largest effect first). Numbers come from POST /api/delay and POST /api/levers
// (schemas detente.delay/1 and detente.levers/1); the chart comes drawn (see chartFor).

import { el, fmt, signed, chartFor } from "../format.js";

function ripeText(month) {
  return month === null || month === undefined ? "never" : `month ${month}`;
}

// charts: the delay document's charts.
export function renderDelay(container, delay, levers, nameOf, charts) {
  container.replaceChildren();
  const parties = delay.parties.map(nameOf);
  const chart = chartFor(charts, "delay");
  if (chart) {
    container.append(el("figure", { class: "chart-box", "data-chart": "delay" }, chart.node,
      el("figcaption", {}, "Solid: what the Nash deal of the month gives each party; dashed: its " +
        "no-deal value (the month's status quo minus the cost of fighting on); dotted: the ripeness month.")));
  }
  const ripe = delay.ripeness === null || delay.ripeness === undefined
    ? `Ripeness: none within ${delay.horizon} months.`
    : `Ripeness: month ${delay.ripeness}, the first month in which some package beats fighting on ` +
      "for every party and no party gains by waiting.";
  container.append(el("p", { class: "ripeness", "data-ripeness": String(delay.ripeness) }, ripe));
  if (delay.spe) {
    container.append(el("p", {}, `Alternating offers (${nameOf(delay.spe.first_proposer)} first): ` +
      (delay.spe.deal ? `the offer of month ${delay.spe.month} is accepted` : `talks end without a deal in month ${delay.spe.month}`) +
      `, giving ${parties.map((p, i) => `${p} ${fmt(delay.spe.utilities[i], 3)}`).join(", ")}.`));
  }
  for (const note of delay.notes || []) container.append(el("p", { class: "note" }, note));
  if (!levers) return;
  const leverName = new Map(levers.lever_names);
  const label = (v) => v.levers.length ? v.levers.map((id) => leverName.get(id) || id).join(" + ") : "Baseline (no levers)";
  const cells = (xs) => parties.map((_, i) => el("td", {}, xs && xs.length ? signed(xs[i]) : "-"));
  const rows = [el("tr", {}, el("th", { scope: "row" }, label(levers.baseline)),
    el("td", {}, ripeText(levers.baseline.ripeness)), el("td", {}, "0"),
    parties.map((_, i) => el("td", {}, levers.baseline.deal ? fmt(levers.baseline.deal.utilities[i], 3) : "-")),
    parties.map(() => el("td", {}, "")))];
  for (const v of levers.variants) {
    rows.push(el("tr", {}, el("th", { scope: "row" }, label(v)), el("td", {}, ripeText(v.ripeness)),
      el("td", {}, (v.ripeness_shift > 0 ? "+" : "") + v.ripeness_shift),
      cells(v.utility_shift), cells(v.spe_shift)));
  }
  const head = ["levers", "ripe", "shift (months)", ...parties.map((p) => `when ripe: ${p}`),
    ...parties.map((p) => `game: ${p}`)];
  container.append(el("div", { class: "table-wrap" }, el("table", { class: "levers" },
    el("caption", {}, "Levers against the baseline: ripeness month, change in what the Nash deal " +
      "of the ripe month gives each party (baseline row: the utilities themselves), change in each " +
      "party's value in the alternating-offers game; largest effect first"),
    el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows))));
}
