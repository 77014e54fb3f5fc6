// The settlement view: when a deal comes under bargaining while fighting. P(deal by month) as a
// line with its 95% interval (dashed), the median deal month marked, with veto allies the curve
// of the parties alone (the caption adds the settlement's own `veto_summary` sentence, the one
// wording the terminal and the reports print too), and, with levers, one line
// per lever of P(deal by month) against the baseline. Numbers come from the settlement forecast
// (`settlement` of POST /api/delay and of the report; `settlement` of POST /api/levers for the
// lever lines); the charts come drawn (see chartFor), this view places them.

import { el, chartFor } from "../format.js";

function monthText(m) {
  return m === null || m === undefined ? "not within the horizon" : `month ${m}`;
}

// report: the delay document's `settlement` (the forecast's fields flattened, plus
// `belief_sensitivity`);
// charts: the charts of the delay (or settlement) document and, with levers, of the levers
// document (its `settlement-levers` chart).
export function renderSettlement(container, report, charts) {
  container.replaceChildren();
  const f = report;
  const chart = chartFor(charts, "settlement");
  if (!chart) return;
  container.append(el("figure", { class: "chart-box", "data-chart": "settlement" }, chart.node,
    el("figcaption", {}, `${f.trials} trials, seed ${f.seed}. Median deal month: ` +
      `${monthText(f.median_month)}; P(deal within ${f.horizon} months) ${f.p_deal.toFixed(2)}.` +
      (f.veto_summary ? ` ${f.veto_summary}` : ""))));
  const lines = chartFor(charts, "settlement-levers");
  if (lines) {
    container.append(el("figure", { class: "chart-box", "data-chart": "settlement-levers" }, lines.node,
      el("figcaption", {}, "Each lever alone on the baseline's draws (common random numbers), " +
        "so differences between the lines come from the lever, not from sampling.")));
  }
}
