// Entry point of the HTML report: draws the dashboard's views from the JSON inlined in the page,
// with the charts inlined beside it (drawn by detente_report::charts when the report was written).

import { renderIssueForecast } from "./views/forecast.js";
import { renderBargain } from "./views/bargain.js";
import { renderDelay } from "./views/delay.js";
import { renderSettlement } from "./views/settlement.js";
import { renderMonteCarlo } from "./views/montecarlo.js";
import { renderSensitivity } from "./views/sensitivity.js";
import { metricLabel } from "./format.js";

function renderReport() {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const names = new Map(data.scenario.actors.map((a) => [a.id, a.name]));
  const nameOf = (id) => names.get(id) || id;
  const issues = new Map(data.scenario.issues.map((i) => [i.id, i.name]));
  const issueName = (id) => issues.get(id) || id;
  const charts = data.charts;
  document.querySelectorAll(".issue-view").forEach((node) => {
    const k = Number(node.dataset.issue);
    renderIssueForecast(node, data.forecast.issues[k],
      { names, anchors: data.scenario.issues[k].anchors, charts });
  });
  if (data.bargain) {
    renderBargain(document.getElementById("bargain-view"), data.bargain, nameOf, charts);
  }
  if (data.delay) {
    renderDelay(document.getElementById("delay-view"), data.delay, data.levers, nameOf, charts);
  }
  if (data.settlement) {
    renderSettlement(document.getElementById("settlement-view"), data.settlement, charts);
  }
  if (data.montecarlo) {
    renderMonteCarlo(document.getElementById("montecarlo-view"), data.montecarlo, issueName, charts);
  }
  if (data.sensitivity) {
    renderSensitivity(document.getElementById("sensitivity-view"), data.sensitivity,
      metricLabel(issueName), charts);
  }
}

renderReport();
