// Entry point of the HTML report: draws the dashboard's views from the JSON inlined in the page.

import { renderIssueForecast } from "./views/forecast.js";
import { renderBargain } from "./views/bargain.js";

function renderReport() {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const names = new Map(data.scenario.actors.map((a) => [a.id, a.name]));
  document.querySelectorAll(".issue-view").forEach((node) => {
    const k = Number(node.dataset.issue);
    renderIssueForecast(node, data.forecast.issues[k],
      { names, anchors: data.scenario.issues[k].anchors });
  });
  if (data.bargain) {
    renderBargain(document.getElementById("bargain-view"), data.bargain, (id) => names.get(id) || id);
  }
}

renderReport();
