// The editable table of actors x issues: each actor's capability, and per issue its position and
// salience. Focusing a cell shows that issue's scale and anchor labels. Edits change the scenario
// document in place and call onChange.

import { el, fmt, nearestAnchor } from "./format.js";

function numberInput(value, attrs, onInput) {
  return el("input", { type: "number", inputmode: "decimal", value, ...attrs,
    oninput: (e) => {
      const v = Number(e.target.value);
      if (e.target.value !== "" && Number.isFinite(v)) onInput(v);
    } });
}

export function renderScenarioTable(container, file, onChange) {
  container.replaceChildren();
  const legend = el("div", { class: "scale-legend", "aria-live": "polite" },
    "Focus a cell to see its issue's scale and anchor labels.");
  const showScale = (issue, position) => {
    const anchors = (issue.anchors || []).map((a) => [a.at, a.label]);
    legend.replaceChildren(el("strong", {}, `${issue.name}: `),
      `scale ${issue.scale[0]} to ${issue.scale[1]}, status quo ${fmt(issue.status_quo)}. `,
      el("ul", {}, anchors.map(([at, label]) => el("li", {}, el("b", {}, fmt(at, 0)), ` ${label}`))),
      position !== undefined && anchors.length
        ? el("p", {}, `Position ${fmt(position)} is nearest to “${nearestAnchor(anchors, position)}”.`) : "");
  };
  const head = el("tr", {}, el("th", { scope: "col" }, "actor"), el("th", { scope: "col" }, "capability"),
    file.issues.map((issue) => el("th", { scope: "col", title: issue.name },
      el("span", { class: "issue-name" }, issue.name),
      el("span", { class: "sub" }, `position (${issue.scale[0]}–${issue.scale[1]}) · salience (0–1)`))));
  const body = file.actors.map((actor) => el("tr", {},
    el("th", { scope: "row" }, actor.name, el("span", { class: "sub" }, actor.role)),
    el("td", {}, numberInput(actor.capability, { min: 0, step: "any", class: "capability",
      "aria-label": `capability of ${actor.name}` }, (v) => { actor.capability = v; onChange(); })),
    file.issues.map((issue) => {
      const p = issue.positions.find((q) => q.actor === actor.id);
      if (!p) return el("td", { class: "empty", title: `${actor.name} takes no position` }, "–");
      return el("td", { onfocusin: () => showScale(issue, p.position) },
        numberInput(p.position, { min: issue.scale[0], max: issue.scale[1], step: "any",
          class: "position", "data-issue": issue.id, "data-actor": actor.id,
          "aria-label": `position of ${actor.name} on ${issue.name}` },
        (v) => { p.position = v; showScale(issue, v); onChange(); }),
        numberInput(p.salience, { min: 0, max: 1, step: 0.05, class: "salience",
          "data-issue": issue.id, "data-actor": actor.id,
          "aria-label": `salience of ${issue.name} to ${actor.name}` },
        (v) => { p.salience = v; onChange(); }));
    })));
  container.append(el("div", { class: "table-wrap scenario-wrap" }, el("table", { class: "scenario" },
    el("caption", {}, `${file.scenario.title}: actors × issues (edit any number, then run a model)`),
    el("thead", {}, head), el("tbody", {}, body))), legend);
}
