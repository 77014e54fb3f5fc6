// The stored-runs view: the runs of the store `detente serve --db PATH` was started with (saved
// by `detente forecast|delay|montecarlo|shocks|sensitivity --save`), newest first, and one run
// in full: its header, headline values, and its result drawn with the view of its kind (the
// stored result has the same schema as the command's JSON output). Numbers come from
// GET /api/runs and GET /api/runs/{id}. Dashboard only: a report has no store.

import { el, fmt } from "../format.js";

function when(ms) {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

// onOpen(id): called when a run's Open button is pressed.
export function renderRunsList(container, runs, onOpen) {
  container.replaceChildren();
  if (!runs.length) {
    container.append(el("p", { class: "note" }, "The run store holds no runs yet. Save one with " +
      "`detente forecast FILE --save --db PATH` (or delay, montecarlo, shocks, sensitivity)."));
    return;
  }
  const head = ["run", "kind", "scenario", "file", "seed", "finished", "detente", ""];
  container.append(el("div", { class: "table-wrap" }, el("table", { class: "runs" },
    el("caption", {}, `${runs.length} stored run${runs.length === 1 ? "" : "s"}, newest first`),
    el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, runs.map((r) => el("tr", { "data-run": r.id },
      el("th", { scope: "row" }, String(r.id)), el("td", {}, r.kind), el("td", {}, r.title),
      el("td", {}, r.scenario_name), el("td", {}, r.seed ?? "-"), el("td", {}, when(r.finished_at_ms)),
      el("td", {}, r.code_version),
      el("td", {}, el("button", { type: "button", class: "open-run", onclick: () => onOpen(r.id),
        "aria-label": `Open run ${r.id}` }, "Open"))))))));
}

// views: { forecast(container, result), montecarlo(...), delay(...), sensitivity(...) } drawing
// a stored result of that kind; onLoadScenario(text, name) loads the run's scenario for editing.
export function renderRun(container, run, views, onLoadScenario) {
  container.replaceChildren();
  container.append(el("h3", {}, `Run ${run.id}: ${run.kind} of “${run.title}”`));
  container.append(el("p", { class: "meta" }, `Scenario ${run.scenario_name} (SHA-256 ` +
    `${run.scenario_sha256.slice(0, 12)}…), ${run.seed ? `seed ${run.seed}, ` : ""}detente ` +
    `${run.code_version}, ${when(run.started_at_ms)} to ${when(run.finished_at_ms)}.`));
  container.append(el("button", { type: "button", class: "load-run-scenario",
    onclick: () => onLoadScenario(run.scenario_text, run.scenario_name) },
  "Load this run's scenario for editing"));
  const result = el("div", { class: "run-result" });
  const draw = views[run.kind];
  if (draw) {
    container.append(result);
    draw(result, run.result);
  }
  if (run.values && run.values.length) {
    container.append(el("details", { open: !draw }, el("summary", {}, `${run.values.length} headline values`),
      el("div", { class: "table-wrap" }, el("table", { class: "run-values" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "value"), el("th", { scope: "col" }, "number"))),
        el("tbody", {}, run.values.map(([key, v]) => el("tr", {}, el("th", { scope: "row" }, key),
          el("td", {}, fmt(v, 3)))))))));
  }
}
