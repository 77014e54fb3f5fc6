// Small helpers shared by the dashboard and the HTML report: DOM building, number formatting,
// anchor lookup, EUM endings, metric labels and the charts' SVG. (Why an EUM move happened comes worded from the
// server, as each move's `reason`, so the dashboard and the CLI say it the same way.)
// Written as plain ES modules; the report inlines them with import lines dropped and `export`
// stripped, so keep one import per line and names unique across modules.

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function fmt(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return "n/a";
  return Number(x).toFixed(digits);
}

export function signed(x) {
  return (x >= 0 ? "+" : "") + Number(x).toFixed(3);
}

// anchors: [[at, label], ...]
export function nearestAnchor(anchors, x) {
  let best = null;
  for (const [at, label] of anchors || []) {
    if (best === null || Math.abs(at - x) < Math.abs(best[0] - x)) best = [at, label];
  }
  return best ? best[1] : null;
}

export const MODEL_NAMES = {
  compromise: "Compromise",
  median: "Weighted median",
  nash: "Nash bargaining",
  eum: "Expected utility (EUM)",
};

// A label for a Monte Carlo or sensitivity metric key: "ceasefire/eum" reads
// "Ceasefire before talks: Expected utility (EUM)"; other keys are shown as they are.
export function metricLabel(issueName) {
  return (key) => {
    const [issue, model] = String(key).split("/");
    const name = issueName(issue);
    return model && name !== issue ? `${name}: ${MODEL_NAMES[model] || model}` : key;
  };
}

// The charts are drawn in Rust (detente_report::charts), the one implementation behind the
// dashboard (POST /api/charts), the HTML report (inlined) and `detente report --plot`; a view
// only places them. charts: [{ chart, key, title, note, svg }]. Returns the SVG as a node and
// the chart's note (a sentence for the caption), or null when the document has no such chart.
export function chartFor(charts, chart, key = "") {
  const found = (charts || []).find((c) => c.chart === chart && c.key === key);
  if (!found) return null;
  const doc = new DOMParser().parseFromString(found.svg, "image/svg+xml");
  return { node: document.importNode(doc.documentElement, true), note: found.note || "" };
}
