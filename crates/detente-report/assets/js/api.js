// Calls to the detente JSON API. Errors come back as { error: { status, code, message, help,
// limit?, value?, findings? } } and are thrown as ApiFailure so the page can show them.

export class ApiFailure extends Error {
  constructor(error) {
    super(error.message);
    this.error = error;
  }
}

// The access token, when the server needs one: given once in the URL fragment (#token=...),
// which browsers never send to the server, then kept for this tab only.
function token() {
  const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem("detente-token", decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem("detente-token");
}

async function call(method, path, body, contentType) {
  const headers = {};
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers["Content-Type"] = contentType;
  let response;
  try {
    response = await fetch(path, { method, headers, body });
  } catch (e) {
    throw new ApiFailure({ status: 0, code: "network", message: `cannot reach the server: ${e.message}`,
      help: "check that `detente serve` is still running" });
  }
  const text = await response.text();
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    data = text;
  }
  if (!response.ok) {
    throw new ApiFailure(data && data.error ? data.error
      : { status: response.status, code: "http", message: `HTTP ${response.status}`, help: "" });
  }
  return data;
}

// A scenario file's text and how to post it.
export function contentTypeFor(name, text) {
  return /\.json$/i.test(name) || /^\s*\{/.test(text) ? "application/json" : "application/toml";
}

export const api = {
  health: () => call("GET", "/api/health"),
  istanbul: () => call("GET", "/api/scenarios/istanbul"),
  validateText: (text, type) => call("POST", "/api/validate", text, type),
  validateJson: (file) => call("POST", "/api/validate", JSON.stringify(file), "application/json"),
  forecast: (file, params) =>
    call("POST", `/api/forecast?${new URLSearchParams(params)}`, JSON.stringify(file), "application/json"),
  bargain: (file, params) =>
    call("POST", `/api/bargain?${new URLSearchParams(params)}`, JSON.stringify(file), "application/json"),
  delay: (file, params) =>
    call("POST", `/api/delay?${new URLSearchParams(params)}`, JSON.stringify(file), "application/json"),
  montecarlo: (file, params) =>
    call("POST", `/api/montecarlo?${new URLSearchParams(params)}`, JSON.stringify(file), "application/json"),
  sensitivity: (file, params) =>
    call("POST", `/api/sensitivity?${new URLSearchParams(params)}`, JSON.stringify(file), "application/json"),
  job: (id) => call("GET", `/api/jobs/${encodeURIComponent(id)}`),
  cancelJob: (id) => call("DELETE", `/api/jobs/${encodeURIComponent(id)}`),
  runs: () => call("GET", "/api/runs"),
  run: (id) => call("GET", `/api/runs/${encodeURIComponent(id)}`),
  // The SVG charts of a result document (kind: forecast, bargain, delay, settlement, levers,
  // montecarlo or sensitivity); names: { actors: { id: name }, issues: { id: name } }.
  charts: (kind, document, names) =>
    call("POST", "/api/charts", JSON.stringify({ kind, document, names }), "application/json")
      .then((r) => r.charts),
  levers: (file, params) =>
    call("POST", `/api/levers?${new URLSearchParams(params)}`, JSON.stringify(file), "application/json"),
};
