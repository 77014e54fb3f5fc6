// The settlement view: when a deal comes under bargaining while fighting. P(deal by month) as a
// line with its 95% interval (dashed), the median deal month marked, with veto allies the curve
// of the parties alone (the caption adds the settlement's own `veto_summary` sentence, the one
// wording the terminal and the reports print too), and, with levers, one line
// per lever of P(deal by month) against the baseline. Numbers come from the settlement forecast
// (`settlement` of POST /api/delay and of the report; `settlement` of POST /api/levers for the
// lever lines); this view only draws them.

import { el } from "../format.js";
import { lineChart, PALETTE } from "../charts.js";

function curve(settlement, key) {
  return settlement.by_month.map((b) => [b.month, b[key]]);
}

function monthText(m) {
  return m === null || m === undefined ? "not within the horizon" : `month ${m}`;
}

// report: the delay document's `settlement` (the forecast's fields flattened, plus
// `belief_sensitivity`);
// levers: the levers document's `settlement` ({ baseline, variants }) or null;
// leverName(ids) names a lever set.
export function renderSettlement(container, report, levers, leverName) {
  container.replaceChildren();
  const f = report;
  const marks = f.median_month === null || f.median_month === undefined ? []
    : [{ name: `median deal month (${f.median_month})`, x: f.median_month, color: "#000000" }];
  const series = [
    { name: "P(deal by month)", points: curve(f, "p"), color: PALETTE[0] },
    { name: "95% interval, low", points: curve(f, "lo"), color: PALETTE[0], dashed: true },
    { name: "95% interval, high", points: curve(f, "hi"), color: PALETTE[0], dashed: true },
  ];
  // With veto allies (`[[time.vetoes]]`): the same curve for the parties alone, the deal as it
  // would come without the allies' consent.
  if (Array.isArray(f.parties_by_month) && f.parties_by_month.length > 0) {
    series.push({
      name: "parties alone (without the vetoes)",
      points: f.parties_by_month.map((p, m) => [m, p]), color: PALETTE[1], dashed: true,
    });
  }
  container.append(el("figure", { class: "chart-box", "data-chart": "settlement" },
    lineChart({
      title: "P(deal by month)", xLabel: "month", yLabel: "share of trials with a deal",
      x: [0, f.horizon], y: [0, 1], series, marks, xName: "month", yDigits: 1,
    }),
    el("figcaption", {}, `${f.trials} trials, seed ${f.seed}. Median deal month: ` +
      `${monthText(f.median_month)}; P(deal within ${f.horizon} months) ${f.p_deal.toFixed(2)}.` +
      (f.veto_summary ? ` ${f.veto_summary}` : ""))));
  if (levers && levers.variants.length > 0) {
    // The singles only, so the chart stays readable; the table lists the pairs too.
    const singles = levers.variants.filter((v) => v.levers.length === 1);
    const lines = [{ name: "baseline", points: curve(levers.baseline, "p"), color: "#000000" }]
      .concat(singles.map((v, k) => ({
        name: leverName(v.levers), points: curve(v.settlement, "p"),
        color: PALETTE[(k + 1) % PALETTE.length], dashed: k >= PALETTE.length - 1,
      })));
    container.append(el("figure", { class: "chart-box", "data-chart": "settlement-levers" },
      lineChart({
        title: "P(deal by month), lever by lever", xLabel: "month",
        yLabel: "share of trials with a deal", x: [0, levers.baseline.horizon], y: [0, 1],
        series: lines, xName: "month", yDigits: 1,
      }),
      el("figcaption", {}, "Each lever alone on the baseline's draws (common random numbers), " +
        "so differences between the lines come from the lever, not from sampling.")));
  }
}
