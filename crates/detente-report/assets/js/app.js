// The dashboard: load a scenario (bundled, opened or dropped), edit it in the actors x issues
// table, run the forecast and package-bargaining models through the API, save it as TOML.
// One view module per model family (views/); a new family adds a tab, a panel and a module.

import { api, contentTypeFor, ApiFailure } from "./api.js";
import { el, metricLabel } from "./format.js";
import { renderScenarioTable } from "./scenario-table.js";
import { renderIssueForecast } from "./views/forecast.js";
import { renderBargain } from "./views/bargain.js";
import { renderDelay } from "./views/delay.js";
import { renderSettlement } from "./views/settlement.js";
import { renderMonteCarlo } from "./views/montecarlo.js";
import { renderSensitivity } from "./views/sensitivity.js";
import { renderRunsList, renderRun } from "./views/runs.js";

const state = { file: null, name: "scenario.toml", forecast: null, bargain: null, delay: null };
const $ = (id) => document.getElementById(id);

function setStatus(text, kind = "info") {
  const s = $("status");
  s.textContent = text;
  s.className = kind;
}

function showError(e) {
  const err = e instanceof ApiFailure ? e.error : { message: String(e.message || e), help: "" };
  setStatus(`${err.message}${err.help ? " — " + err.help : ""}`, "error");
  const box = $("findings");
  box.replaceChildren();
  if (err.findings && err.findings.length) {
    box.append(el("ul", { class: "findings" }, err.findings.map((f) => el("li", {},
      el("code", {}, f.path), f.line ? ` (line ${f.line}, column ${f.column})` : "", `: ${f.message}. `,
      el("em", {}, f.help)))));
  }
}

function info(k) {
  const names = new Map(state.file.actors.map((a) => [a.id, a.name]));
  const issue = state.file.issues.find((i) => i.id === state.forecast.issues[k].issue);
  return { names, anchors: (issue ? issue.anchors || [] : []).map((a) => [a.at, a.label]),
    charts: state.forecastCharts };
}

// The names a chart request carries: the scenario's actors and issues by id.
function chartNames(scenario) {
  return {
    actors: Object.fromEntries(scenario.actors.map((a) => [a.id, a.name])),
    issues: Object.fromEntries(scenario.issues.map((i) => [i.id, i.name])),
  };
}

function markStale() {
  if (state.forecast || state.bargain || state.delay) setStatus("Scenario edited: run the models again to update the charts.");
}

async function load(text, name) {
  try {
    const result = await api.validateText(text, contentTypeFor(name, text));
    state.file = result.scenario;
    state.name = name.replace(/\.json$/i, ".toml");
    state.forecast = null;
    state.bargain = null;
    state.delay = null;
    $("delay-view").replaceChildren();
    $("settlement-view").replaceChildren();
    $("montecarlo-view").replaceChildren();
    $("sensitivity-view").replaceChildren();
    $("findings").replaceChildren();
    $("forecast-view").replaceChildren();
    $("bargain-view").replaceChildren();
    $("issue-select").replaceChildren();
    $("issue-select").disabled = true;
    $("save-toml").disabled = false;
    renderScenarioTable($("scenario-view"), state.file, markStale);
    const w = result.warnings.length;
    setStatus(`Loaded “${result.title}”: ${result.counts.actors} actors, ${result.counts.issues} issues` +
      (w ? `, ${w} warning${w === 1 ? "" : "s"} (${result.warnings.map((x) => x.message).join("; ")})` : "") + ".");
  } catch (e) {
    showError(e);
  }
}

function selectTab(id) {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const on = tab.id === id;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    $(tab.getAttribute("aria-controls")).hidden = !on;
  }
  if (id === "tab-runs") listRuns();
}

function renderForecastIssue() {
  const k = Number($("issue-select").value || 0);
  renderIssueForecast($("forecast-view"), state.forecast.issues[k], info(k));
}

async function runForecast(event) {
  event.preventDefault();
  if (!state.file) return setStatus("Load a scenario first.", "error");
  const form = new FormData($("forecast-form"));
  const models = form.getAll("model");
  if (!models.length) return setStatus("Pick at least one model.", "error");
  try {
    setStatus("Running the models…");
    state.forecast = await api.forecast(state.file,
      { models: models.join(","), preset: form.get("preset"), rounds: form.get("rounds") });
    state.forecastCharts = await api.charts("forecast", state.forecast, chartNames(state.file));
    const select = $("issue-select");
    const keep = select.value;
    select.replaceChildren(...state.forecast.issues.map((i, k) => el("option", { value: k }, i.name)));
    if (keep && Number(keep) < state.forecast.issues.length) select.value = keep;
    select.disabled = false;
    renderForecastIssue();
    $("findings").replaceChildren();
    setStatus(`Forecast done: ${state.forecast.models.join(", ")} on ${state.forecast.issues.length} issues.`);
  } catch (e) {
    showError(e);
  }
}

async function runBargain(event) {
  event.preventDefault();
  if (!state.file) return setStatus("Load a scenario first.", "error");
  const form = new FormData($("bargain-form"));
  const params = { step: form.get("step"), loss: form.get("loss") };
  if (String(form.get("parties")).trim()) params.parties = form.get("parties");
  try {
    setStatus("Searching the package space…");
    state.bargain = await api.bargain(state.file, params);
    const charts = await api.charts("bargain", state.bargain, chartNames(state.file));
    const names = new Map(state.file.actors.map((a) => [a.id, a.name]));
    renderBargain($("bargain-view"), state.bargain, (id) => names.get(id) || id, charts);
    $("findings").replaceChildren();
    setStatus(`Package deals found: ${state.bargain.frontier.length} packages on the frontier.`);
  } catch (e) {
    showError(e);
  }
}

async function runDelay(event) {
  event.preventDefault();
  if (!state.file) return setStatus("Load a scenario first.", "error");
  const form = new FormData($("delay-form"));
  const params = { step: form.get("step") };
  if (String(form.get("months")).trim()) params.months = form.get("months");
  if (String(form.get("trials")).trim()) params.trials = form.get("trials");
  const withLevers = { ...params };
  if (String(form.get("levers")).trim()) withLevers.levers = form.get("levers");
  try {
    setStatus("Modelling the months…");
    state.delay = await api.delay(state.file, withLevers);
    const time = state.file.time;
    const levers = time && time.levers && time.levers.length ? await api.levers(state.file, params) : null;
    const names = new Map(state.file.actors.map((a) => [a.id, a.name]));
    const charts = (await api.charts("delay", state.delay, chartNames(state.file)))
      .concat(levers ? await api.charts("levers", levers, chartNames(state.file)) : []);
    renderDelay($("delay-view"), state.delay, levers, (id) => names.get(id) || id, charts);
    // When the scenario has terms of bargaining while fighting, the settlement forecast: when
    // a deal comes, and each lever's curve.
    if (state.delay.settlement) {
      renderSettlement($("settlement-view"), state.delay.settlement, charts);
    } else {
      $("settlement-view").replaceChildren();
    }
    $("findings").replaceChildren();
    // The table's ripeness assumes complete information; when the settlement forecast runs,
    // its median deal month is the answer to "when", so the status line gives both.
    const s = state.delay.settlement;
    const when = s
      ? ` Settlement forecast: median deal month ${s.median_month === null || s.median_month === undefined
        ? "not within the horizon" : s.median_month}.`
      : "";
    setStatus(`Delay modelled over ${state.delay.horizon} months: ripe ` +
      (state.delay.ripeness === null ? "never" : `in month ${state.delay.ripeness}`) +
      ` under complete information.${when}`);
  } catch (e) {
    showError(e);
  }
}

// Background jobs (Monte Carlo, sensitivity): start, poll every 250 ms with progress, render the
// result; the Cancel button asks the server to stop the job between two blocks of trials.
const running = { montecarlo: null, sensitivity: null };

async function runJob(kind, start, render) {
  const progress = $(`${kind}-progress`);
  try {
    let job = await start();
    running[kind] = job.id;
    $(`cancel-${kind}`).disabled = false;
    $(`run-${kind}`).disabled = true;
    $("findings").replaceChildren();
    // A sensitivity job counts model runs (the tornado's two per input, then the trials).
    const unit = job.kind === "sensitivity" ? "model runs" : "trials";
    while (job.status === "running" || job.status === "queued") {
      progress.textContent = job.status === "queued"
        ? "Queued: waiting for a free slot on the server."
        : `Running: ${job.done} of ${job.total} ${unit}.`;
      await new Promise((r) => setTimeout(r, 250));
      job = await api.job(job.id);
    }
    // The charts first, so the page shows "Done" only with the new result drawn.
    const charts = job.status === "done" ? await api.charts(kind, job.result, chartNames(state.file)) : null;
    progress.textContent = `${job.status === "done" ? "Done" : "Stopped (" + job.status + ")"}: ` +
      `${job.done} of ${job.total} ${unit}.${job.error ? " " + job.error : ""}`;
    if (charts) render(job.result, charts);
  } catch (e) {
    showError(e);
  } finally {
    running[kind] = null;
    $(`cancel-${kind}`).disabled = true;
    $(`run-${kind}`).disabled = false;
  }
}

function issueNames() {
  const issues = new Map(state.file.issues.map((i) => [i.id, i.name]));
  return (id) => issues.get(id) || id;
}

function runMonteCarlo(event) {
  event.preventDefault();
  if (!state.file) return setStatus("Load a scenario first.", "error");
  const form = new FormData($("montecarlo-form"));
  const params = { trials: form.get("trials"), seed: form.get("seed"), model: form.get("model"),
    scenario_uncertainty: form.get("scenario_uncertainty") === "true" ? "true" : "false" };
  if (String(form.get("noise")).trim()) params.noise = String(form.get("noise")).trim();
  return runJob("montecarlo", () => api.montecarlo(state.file, params), (result, charts) => {
    renderMonteCarlo($("montecarlo-view"), result, issueNames(), charts);
    setStatus(`Monte Carlo done: ${result.trials} trials.`);
  });
}

function runSensitivity(event) {
  event.preventDefault();
  if (!state.file) return setStatus("Load a scenario first.", "error");
  const form = new FormData($("sensitivity-form"));
  const params = { trials: form.get("trials"), seed: form.get("seed"), model: form.get("model") };
  return runJob("sensitivity", () => api.sensitivity(state.file, params), (result, charts) => {
    renderSensitivity($("sensitivity-view"), result, metricLabel(issueNames()), charts);
    setStatus(`Sensitivity done: ${result.inputs.length} inputs, ${result.metrics.length} forecasts.`);
  });
}

async function cancelJob(kind) {
  if (!running[kind]) return;
  try {
    await api.cancelJob(running[kind]);
  } catch (e) {
    showError(e);
  }
}

// Stored runs: listed when the tab opens or on Refresh; a run's result is drawn with the view of
// its kind, with names and anchors from the run's own scenario (validated by the server).
async function openRun(id) {
  try {
    const run = await api.run(id);
    const checked = await api.validateText(run.scenario_text, contentTypeFor(run.scenario_name, run.scenario_text));
    const scenario = checked.scenario;
    const names = new Map(scenario.actors.map((a) => [a.id, a.name]));
    const nameOf = (id) => names.get(id) || id;
    const issues = new Map(scenario.issues.map((i) => [i.id, i.name]));
    const issueName = (id) => issues.get(id) || id;
    // A stored result of a kind the dashboard draws comes with its charts.
    const drawn = ["forecast", "montecarlo", "delay", "sensitivity"];
    const charts = drawn.includes(run.kind) ? await api.charts(run.kind, run.result, chartNames(scenario)) : [];
    const views = {
      forecast: (box, result) => result.issues.forEach((issue) => {
        const anchors = (scenario.issues.find((i) => i.id === issue.issue) || {}).anchors || [];
        const node = el("section", { class: "issue" }, el("h4", {}, issue.name));
        const inner = el("div", {});
        node.append(inner);
        box.append(node);
        renderIssueForecast(inner, issue, { names, anchors: anchors.map((a) => [a.at, a.label]), charts });
      }),
      montecarlo: (box, result) => renderMonteCarlo(box, result, issueName, charts),
      delay: (box, result) => renderDelay(box, result, null, nameOf, charts),
      sensitivity: (box, result) => renderSensitivity(box, result, metricLabel(issueName), charts),
    };
    renderRun($("run-view"), run, views, (text, name) => load(text, name));
    $("findings").replaceChildren();
    setStatus(`Run ${run.id} opened: ${run.kind} of “${run.title}”.`);
  } catch (e) {
    showError(e);
  }
}

async function listRuns() {
  try {
    // Ask first, so a server without a store gets no request that answers 404.
    if (!(await api.health()).run_store) {
      $("runs-list").replaceChildren(el("p", { class: "note" }, "This server has no run store: start it " +
        "with `detente serve --db PATH` to browse runs saved with --save."));
      return;
    }
    const { runs } = await api.runs();
    renderRunsList($("runs-list"), runs, openRun);
    $("findings").replaceChildren();
  } catch (e) {
    showError(e);
  }
}

async function save() {
  try {
    const result = await api.validateJson(state.file);
    const link = el("a", { href: URL.createObjectURL(new Blob([result.toml], { type: "application/toml" })),
      download: state.name });
    document.body.append(link);
    link.click();
    link.remove();
    setStatus(`Saved as ${state.name} (comments of the original file are not kept).`);
  } catch (e) {
    showError(e);
  }
}

function readFile(file) {
  const reader = new FileReader();
  reader.onload = () => load(String(reader.result), file.name);
  reader.onerror = () => setStatus(`Could not read ${file.name}.`, "error");
  reader.readAsText(file);
}

function wire() {
  $("load-istanbul").addEventListener("click", async () => {
    try {
      await load(await api.istanbul(), "istanbul-2025.toml");
    } catch (e) {
      showError(e);
    }
  });
  $("open-file").addEventListener("change", (e) => {
    if (e.target.files.length) readFile(e.target.files[0]);
    e.target.value = "";
  });
  $("save-toml").addEventListener("click", save);
  $("forecast-form").addEventListener("submit", runForecast);
  $("bargain-form").addEventListener("submit", runBargain);
  $("delay-form").addEventListener("submit", runDelay);
  $("montecarlo-form").addEventListener("submit", runMonteCarlo);
  $("cancel-montecarlo").addEventListener("click", () => cancelJob("montecarlo"));
  $("sensitivity-form").addEventListener("submit", runSensitivity);
  $("cancel-sensitivity").addEventListener("click", () => cancelJob("sensitivity"));
  $("issue-select").addEventListener("change", renderForecastIssue);
  $("refresh-runs").addEventListener("click", listRuns);
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => selectTab(tab.id));
    tab.addEventListener("keydown", (e) => {
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      next.focus();
      selectTab(next.id);
    });
  });
  let depth = 0;
  window.addEventListener("dragenter", (e) => { e.preventDefault(); depth++; $("drop-overlay").hidden = false; });
  window.addEventListener("dragleave", () => { if (--depth <= 0) { depth = 0; $("drop-overlay").hidden = true; } });
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => {
    e.preventDefault();
    depth = 0;
    $("drop-overlay").hidden = true;
    if (e.dataTransfer.files.length) readFile(e.dataTransfer.files[0]);
  });
}

wire();
