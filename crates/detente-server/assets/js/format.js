// Small helpers shared by the dashboard and the HTML report: DOM building, number formatting,
// anchor lookup and the wording of EUM moves (the same wording as the CLI's report).
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

// Why an EUM move happened: mirrors move_reason in the Rust report.
export function moveReason(nameOf, m) {
  const who = nameOf(m.actor);
  const other = nameOf(m.toward);
  switch (String(m.kind).toLowerCase()) {
    case "confrontation":
      return `${who} expects to lose a confrontation with ${other} (its expected utility of ` +
        `challenging ${other} is ${signed(m.eu_actor)}, ${other}'s of challenging it ` +
        `${signed(m.eu_other)}) and gives in`;
    case "compromise":
      return `${who} compromises with ${other}: ${other} expects to gain ${signed(m.eu_other)} ` +
        `from challenging it, more than the ${signed(m.eu_actor)} ${who} would get, so ${who} ` +
        `concedes in that proportion`;
    default:
      return `${who} capitulates to ${other}: it expects ${signed(m.eu_actor)} from a challenge ` +
        `against ${other}'s ${signed(m.eu_other)}`;
  }
}

export function termination(t) {
  if (!t) return "";
  if (t.FixedPoint) return `converged (no move in round ${t.FixedPoint.round})`;
  if (t.Cycle) return `cycles every ${t.Cycle.period} round(s) from round ${t.Cycle.first_round}`;
  if (t.RoundCap) return `still moving after ${t.RoundCap.rounds} rounds`;
  return "";
}

// A label for a Monte Carlo or sensitivity metric key: "ceasefire/eum" reads
// "Ceasefire before talks: Expected utility (EUM)"; other keys are shown as they are.
export function metricLabel(issueName) {
  return (key) => {
    const [issue, model] = String(key).split("/");
    const name = issueName(issue);
    return model && name !== issue ? `${name}: ${MODEL_NAMES[model] || model}` : key;
  };
}
