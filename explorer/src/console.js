// The research console: a Cypher box that POSTs to /cypher, shows the table, and draws the
// result as a graph when its rows hold actors or relations. Errors are shown as the API
// words them (a syntax error with its line and column, a refused write, a time limit).
import * as api from "./api.js";
import { h, $ } from "./dom.js";

const MAX_DRAWN = 200;

function isActor(v) {
  return v && typeof v === "object" && Array.isArray(v._labels) && v._labels.includes("Actor") && v.id;
}

function isRelation(v) {
  return v && typeof v === "object" && typeof v._type === "string" && v.id;
}

function cell(v) {
  if (v === null || v === undefined) return "";
  if (isActor(v)) return `${v.name || v.id} (${v.id})`;
  if (isRelation(v)) return `${v._type} ${v.id}`;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export function setupConsole({ draw, showError, track }) {
  let last = null;
  const error = $("cypher-error");
  const result = $("cypher-result");
  const drawButton = $("draw-cypher");

  async function run() {
    error.hidden = true;
    result.replaceChildren(h("p", {}, "Running…"));
    drawButton.disabled = true;
    try {
      last = await api.post("/cypher", { query: $("cypher").value, params: {} });
    } catch (e) {
      last = null;
      result.replaceChildren();
      error.textContent = e.message;
      error.hidden = false;
      return;
    }
    const values = last.rows.flat();
    drawButton.disabled = !values.some((v) => isActor(v) || isRelation(v));
    result.replaceChildren(
      h("p", { class: "meta" }, `${last.rows.length} row(s)` + (last.truncated ? " (truncated by the server's row limit)" : "")),
      h("table", {},
        h("thead", {}, h("tr", {}, last.columns.map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, last.rows.map((row) => h("tr", {}, row.map((v) => h("td", {}, cell(v))))))));
  }

  async function drawResult() {
    if (!last) return;
    const values = last.rows.flat();
    const actors = new Map(values.filter(isActor).map((a) => [a.id, a]));
    const relationIds = [...new Set(values.filter(isRelation).map((r) => r.id))].slice(0, MAX_DRAWN);
    try {
      const relations = await Promise.all(relationIds.map((id) => api.get(`/relations/${encodeURIComponent(id)}`)));
      const missing = [...new Set(relations.flatMap((r) => [r.source, r.target]))].filter((a) => !actors.has(a));
      for (const a of await Promise.all(missing.slice(0, MAX_DRAWN).map((id) => api.get(`/actors/${encodeURIComponent(id)}`)))) {
        actors.set(a.id, a);
      }
      await draw([...actors.values()].slice(0, MAX_DRAWN), relations);
    } catch (e) {
      showError(e);
    }
  }

  $("run-cypher").addEventListener("click", () => track(run()));
  $("cypher").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); track(run()); }
  });
  drawButton.addEventListener("click", () => track(drawResult()));
}
