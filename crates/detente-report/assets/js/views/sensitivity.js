// The sensitivity view: for one forecast at a time (picked from a list), a tornado of the inputs
// that move it most when each alone goes to the ends of its range, and the standardised
// regression coefficients of the joint sample with R². Numbers come from a finished job of
// POST /api/sensitivity, or from `detente report`, both schema detente.sensitivity/1. Used by
// the dashboard and by the HTML report. The tornados come drawn (see chartFor), with the
// inputs that move each forecast most (detente_report::charts::TORNADO_BARS of them).

import { el, fmt, chartFor } from "../format.js";

// metricLabel: metric key -> readable name; charts: the sensitivity document's charts; top: rows
// per regression table.
export function renderSensitivity(container, result, metricLabel, charts, top = 10) {
  container.replaceChildren();
  const inputs = result.inputs.length;
  const metrics = result.metrics.filter((m) => m.tornado && m.tornado.some((b) => b.swing > 0));
  if (!metrics.length) {
    container.append(el("p", { class: "note" }, "No input moves any forecast within its range: nothing to show."));
    return;
  }
  // Start on the forecast the inputs move most.
  const swing = (m) => Math.max(0, ...m.tornado.map((b) => b.swing || 0));
  let pick = metrics.reduce((best, m, i) => (swing(m) > swing(metrics[best]) ? i : best), 0);
  const select = el("select", { class: "metric-select", "aria-label": "Forecast" },
    metrics.map((m, i) => el("option", { value: i, selected: i === pick }, metricLabel(m.metric))));
  const body = el("div", { class: "sensitivity-body" });
  const draw = () => {
    const m = metrics[Number(select.value)];
    const moving = m.tornado.filter((b) => b.swing > 0);
    const shown = Math.min(moving.length, top);
    const chart = chartFor(charts, "tornado", m.metric);
    body.replaceChildren(el("figure", { class: "chart-box", "data-chart": "tornado", "data-metric": m.metric },
      chart ? chart.node : null,
      el("figcaption", {}, "Blue: the input at the low end of its range; orange: at the high end; black line: the " +
        `forecast with every input at its base value. ${shown < moving.length ? `The ${shown} inputs that move it most.` : `Every input that moves it (${shown}).`}`)));
    if (m.src && m.src.length) {
      const src = [...m.src].sort((a, b) => Math.abs(b.src) - Math.abs(a.src)).slice(0, top);
      body.append(el("div", { class: "table-wrap" }, el("table", { class: "src" },
        el("caption", {}, `Standardised regression coefficients over ${m.regression_trials} joint ` +
          `draws; R² = ${fmt(m.r_squared, 2)}` + (m.r_squared !== null && m.r_squared < 0.5
            ? " (low: the forecast responds to the inputs far from linearly, so trust the tornado)" : "") +
          // With few draws per input the least-squares fit chases noise: R² is inflated and
          // unrelated inputs get sizeable coefficients.
          (m.regression_trials < 10 * inputs
            ? `. Only ${m.regression_trials} draws for ${inputs} inputs: small coefficients are noise ` +
              `and R² is inflated; run at least ${10 * inputs} trials for a reliable ranking` : "")),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "input"), el("th", { scope: "col" }, "SRC"),
          el("th", { scope: "col" }, "share of variance (SRC²)"))),
        el("tbody", {}, src.map((s) => el("tr", {}, el("th", { scope: "row" }, s.input),
          el("td", {}, fmt(s.src, 3)), el("td", {}, `${fmt(100 * s.src * s.src, 1)}%`)))))));
    }
  };
  select.addEventListener("change", draw);
  container.append(el("label", { class: "metric-picker" }, "Forecast ", select));
  container.append(body);
  draw();
}
