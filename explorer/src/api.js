// The explorer speaks only to the public HTTP API: every call it makes is one a frontend
// developer can make (see README: For frontend developers).

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

// The version the whole page reads (a kept version's id, from the link), or "" for the
// current graph. Every read asks for it, except the calls about versions themselves.
let pinned = "";
const UNPINNED = ["/versions", "/changes", "/ontology"];

export function pin(version) {
  pinned = version || "";
}

function query(params = {}, path = "") {
  const q = new URLSearchParams();
  if (pinned && !UNPINNED.some((p) => path.startsWith(p))) q.set("version", pinned);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && !v.length)) {
      q.set(k, Array.isArray(v) ? v.join(",") : String(v));
    }
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

export function url(path, params) {
  return path + query(params, path);
}

async function answer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = {};
  }
  if (!response.ok) throw new ApiError(response.status, body || {});
  return body;
}

export async function get(path, params) {
  return answer(await fetch(url(path, params), { headers: { Accept: "application/json" } }));
}

export async function post(path, body) {
  return answer(await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(pinned ? { ...body, version: pinned } : body),
  }));
}
