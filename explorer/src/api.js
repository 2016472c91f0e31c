// The explorer speaks only to the public HTTP API: every call it makes is one a frontend
// developer can make (see README: For frontend developers).

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function query(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && !v.length)) {
      q.set(k, Array.isArray(v) ? v.join(",") : String(v));
    }
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

export function url(path, params) {
  return path + query(params);
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
    body: JSON.stringify(body),
  }));
}
