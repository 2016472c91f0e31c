// ConflictGraph Explorer: search an actor, expand its neighbourhood, read the evidence behind
// each tie, and watch the ties change over time. Everything comes from the public API.
import "./style.css";
import * as api from "./api.js";
import * as state from "./state.js";
import { h, $, dates } from "./dom.js";
import { GraphView } from "./view.js";
import { setupConsole } from "./console.js";
import { EventsPanel } from "./events.js";

const FIRST_MONTH = "2000-01";
const CONFIDENCE = ["low", "medium", "high"];

let ontology;
let graphView;
let eventsPanel;
let view = state.read();
let overlay = null;          // a path or console result drawn over the view: {nodes, edges}
let lastData = { nodes: [], edges: [] };
let refreshing = Promise.resolve();
let pending = 0;             // calls to the API under way (tests and benchmarks wait for 0)

async function track(promise) {
  pending++;
  try { return await promise; } finally { pending--; }
}

function showError(e) {
  const el = $("error");
  el.textContent = e ? `Error: ${e.message}` : "";
  el.hidden = !e;
  if (e && !(e instanceof api.ApiError)) console.warn(e);
}

function status(text) {
  $("status-line").textContent = text;
}

// ---- time -----------------------------------------------------------------------------

function months() {
  const now = new Date();
  const out = [];
  let [y, m] = FIRST_MONTH.split("-").map(Number);
  while (y < now.getFullYear() || (y === now.getFullYear() && m <= now.getMonth() + 1)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    if (++m > 12) { m = 1; y++; }
  }
  return out;
}
const MONTHS = months();

function monthEnd(month) {
  const [y, m] = month.split("-").map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0")}`;
}

function syncTimeControls() {
  const all = !view.asOf;
  $("all-time").checked = all;
  for (const id of ["as-of", "month", "play"]) $(id).disabled = all;
  if (!all) {
    $("as-of").value = view.asOf;
    const i = MONTHS.indexOf(view.asOf.slice(0, 7));
    if (i >= 0) $("month").value = String(i);
  }
  $("month").setAttribute("aria-valuetext", view.asOf ? view.asOf.slice(0, 7) : "all dates");
}

function setAsOf(day) {
  view.asOf = day;
  if (!day) view.since = "";
  syncTimeControls();
  return refresh();
}

let playing = null;
function togglePlay() {
  if (playing) {
    clearTimeout(playing);
    playing = null;
    $("play").textContent = "Play";
    $("play").setAttribute("aria-pressed", "false");
    return;
  }
  $("play").textContent = "Pause";
  $("play").setAttribute("aria-pressed", "true");
  const step = async () => {
    const i = Number($("month").value) + 1;
    if (i >= MONTHS.length) { togglePlay(); return; }
    $("month").value = String(i);
    await setAsOf(monthEnd(MONTHS[i]));
    if (playing) playing = setTimeout(step, 900);
  };
  playing = setTimeout(step, 0);
}

// ---- the view -------------------------------------------------------------------------

function keep(edge) {
  if (view.minConfidence && CONFIDENCE.indexOf(edge.confidence) < CONFIDENCE.indexOf(view.minConfidence)) return false;
  if (view.status && edge.status !== view.status) return false;
  return true;
}

async function fetchView() {
  const common = { depth: view.depth, types: view.types, as_of: view.asOf };
  const asks = [];
  if (view.seeds.length) asks.push(api.get("/subgraph", { seeds: view.seeds, ...common }));
  for (const item of view.expand) {
    const [id, type] = item.split(":");
    let types = view.types;
    if (type) {
      if (view.types.length && !view.types.includes(type)) continue;
      types = [type];
    }
    asks.push(api.get("/subgraph", { seeds: id, depth: 1, types, as_of: view.asOf }));
  }
  const nodes = new Map();
  const edges = new Map();
  for (const g of await Promise.all(asks)) {
    for (const n of g.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
    for (const e of g.edges) edges.set(e.id, e);
  }
  if (overlay) {
    for (const n of overlay.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
    for (const e of overlay.edges) edges.set(e.id, e);
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()].filter(keep) };
}

function refresh({ relayout = true } = {}) {
  const run = async () => {
    state.write(view);
    syncTimeControls();
    updateExportLinks();
    if (!view.seeds.length && !view.expand.length && !overlay) {
      lastData = { nodes: [], edges: [] };
      graphView.setData([], []);
      renderLists();
      status("Search an actor to start.");
      await refreshEvents();
      return;
    }
    status("Loading…");
    try {
      lastData = await fetchView();
      performance.mark("cg:view-fetched");
      showError(null);
    } catch (e) {
      showError(e);
      status("The view could not be loaded.");
      return;
    }
    // Marks a benchmark (benchmarks/explorer.py) reads: the first frame with this view on
    // screen (the task after the next frame's, which puts the drawn canvas on screen).
    if (lastData.nodes.length) {
      graphView.sigma.once("afterRender", () => requestAnimationFrame(() => setTimeout(() => performance.mark("cg:view-drawn"), 0)));
    }
    graphView.setData(lastData.nodes, lastData.edges);
    performance.mark("cg:view-set");
    renderLists();
    performance.mark("cg:lists-rendered");
    status(`${lastData.nodes.length} actors, ${lastData.edges.length} relations` +
           (view.asOf ? ` as of ${view.asOf}` : " (all dates)") + ".");
    if (relayout) graphView.layout();
    if (view.selected && graphView.graph.hasNode(view.selected)) graphView.select(view.selected);
    await refreshEvents();
  };
  refreshing = refreshing.then(run, run);
  return track(refreshing);
}

// The events panel follows the view's dates (since, as_of) and its selected actor.
async function refreshEvents() {
  try {
    await eventsPanel.update({ since: view.since, until: view.asOf, actors: view.selected ? [view.selected] : [] });
  } catch (e) { showError(e); }
}

function names() {
  return Object.fromEntries(lastData.nodes.map((n) => [n.id, n.name || n.id]));
}

// Above this many relations the list of relations starts closed and is built when opened:
// thousands of list items cost the page a second of layout before the canvas shows.
const LISTED_RELATIONS = 400;
let relationsToggled = false;    // the reader opened or closed the list: keep their choice

function renderLists() {
  const list = $("node-list");
  list.replaceChildren(...[...lastData.nodes].sort((a, b) => (a.name || a.id).localeCompare(b.name || b.id)).map((n) =>
    h("li", {}, h("button", { type: "button", class: "link", dataset: { actor: n.id },
                             onclick: () => openActor(n.id) }, n.name || n.id),
      h("span", { class: "kind" }, ` ${n.kind}`))));
  const box = $("relations-box");
  const count = lastData.edges.length;
  $("relations-count").textContent = `${count.toLocaleString("en")} relation${count === 1 ? "" : "s"} in view`;
  const open = count <= LISTED_RELATIONS;
  if (!relationsToggled && box.open !== open) {
    box.dataset.auto = "true";               // the toggle event this fires is not the reader's
    box.open = open;
  }
  renderRelationList();
}

function renderRelationList() {
  const rels = $("relations-in-view");
  if (!$("relations-box").open) { rels.replaceChildren(); return; }
  const byId = names();
  rels.replaceChildren(...lastData.edges.map((e) =>
    h("li", { dataset: { relation: e.id } },
      h("button", { type: "button", class: "link", onclick: () => openRelation(e.id) },
        `${byId[e.source] || e.source} ${e.type} ${byId[e.target] || e.target}`),
      ` ${dates(e)}`)));
}

function setupRelationList() {
  const box = $("relations-box");
  box.addEventListener("toggle", () => {
    if (box.dataset.auto) delete box.dataset.auto;
    else relationsToggled = true;
    renderRelationList();
  });
}

function updateExportLinks() {
  const seeds = [...view.seeds, ...view.expand.map((x) => x.split(":")[0])];
  for (const fmt of ["gexf", "graphml"]) {
    const a = $(`export-${fmt}`);
    if (!seeds.length) { a.removeAttribute("href"); a.setAttribute("aria-disabled", "true"); continue; }
    a.href = api.url("/subgraph", { seeds: [...new Set(seeds)], depth: view.depth, types: view.types,
                                    as_of: view.asOf, format: fmt });
    a.setAttribute("download", `conflictgraph-view.${fmt}`);
    a.removeAttribute("aria-disabled");
  }
}

// ---- details --------------------------------------------------------------------------

function details(...children) {
  $("details").replaceChildren(...children);
}

function openActor(id, options) {
  return track(showActor(id, options));
}

async function showActor(id, { focus = true } = {}) {
  view.selected = id;
  state.write(view);
  graphView.select(graphView.graph.hasNode(id) ? id : null);
  eventsPanel.highlight([id]).catch(showError);
  let actor, rels, events, disputed;
  try {
    [actor, rels, events, disputed] = await Promise.all([
      api.get(`/actors/${encodeURIComponent(id)}`),
      api.get(`/actors/${encodeURIComponent(id)}/relations`, { as_of: view.asOf, types: view.types, limit: 500 }),
      api.get(`/actors/${encodeURIComponent(id)}/events`, { as_of: view.asOf, since: view.since, limit: 100 }),
      api.get("/contradictions", { actor: id }),
    ]);
  } catch (e) { showError(e); return; }
  const groups = {};
  for (const r of rels.items) (groups[r.type] ||= []).push(r);
  const inView = graphView.graph.hasNode(id);
  const expandType = h("select", { id: "expand-type", "aria-label": "Relation type to expand" },
    h("option", { value: "" }, "all types"),
    ...Object.keys(groups).sort().map((t) => h("option", { value: t }, t)));
  details(
    h("h2", {}, actor.name),
    h("dl", {},
      h("dt", {}, "Kind"), h("dd", {}, actor.kind),
      actor.country ? [h("dt", {}, "Country"), h("dd", {}, actor.country)] : null,
      actor.aliases?.length ? [h("dt", {}, "Aliases"), h("dd", {}, actor.aliases.join(", "))] : null,
      Object.keys(actor.identifiers || {}).length ? [h("dt", {}, "Identifiers"),
        h("dd", {}, Object.entries(actor.identifiers).map(([k, v]) => `${k}:${v}`).join(", "))] : null,
      actor.description ? [h("dt", {}, "Description"), h("dd", {}, actor.description)] : null,
      h("dt", {}, "Id"), h("dd", {}, h("code", {}, actor.id))),
    h("div", { class: "actions" },
      expandType,
      h("button", { type: "button", id: "expand", onclick: () => expand(id, expandType.value) }, "Expand"),
      h("button", { type: "button", id: "collapse", onclick: () => collapse(id) }, "Collapse"),
      inView ? h("button", { type: "button", id: "pin", "aria-pressed": String(!!graphView.graph.getNodeAttribute(id, "fixed")),
                             onclick: (ev) => ev.target.setAttribute("aria-pressed", String(graphView.togglePin(id))) },
                 "Pin") : null,
      h("button", { type: "button", onclick: () => { $("path-from").value = id; } }, "Path from here"),
      h("button", { type: "button", onclick: () => { $("path-to").value = id; } }, "Path to here")),
    h("h3", {}, `Relations (${rels.total})` + (view.asOf ? ` as of ${view.asOf}` : "")),
    ...Object.keys(groups).sort().map((type) => h("section", { class: "group" },
      h("h4", {}, type),
      h("ul", {}, groups[type].map((r) => {
        const out = r.source === id;
        const other = out ? (r.target_name || r.target) : (r.source_name || r.source);
        const arrow = r.directed === false ? "—" : (out ? "→" : "←");
        return h("li", {}, h("button", { type: "button", class: "link", dataset: { relation: r.id },
                                         onclick: () => openRelation(r.id) },
          `${arrow} ${other}`),
          h("span", { class: "meta" }, ` ${dates(r)} · ${r.confidence} · ${r.status}`));
      })))),
    ...contradictionList(disputed.items),
    h("h3", {}, `Events (${events.total})`),
    h("ul", { class: "events" }, events.items.map((e) => {
      const role = e.participants.find((p) => p.actor === id)?.role;
      return h("li", {}, h("button", { type: "button", class: "link", dataset: { event: e.id }, onclick: () => openEvent(e.id) },
        `${e.date} ${e.type.replaceAll("_", " ")}${e.place ? `, ${e.place}` : ""}`),
        h("span", { class: "meta" }, ` ${role || ""} · ${e.evidence.length} source${e.evidence.length === 1 ? "" : "s"}`));
    })),
  );
  if (focus) $("details").focus();
}

function openRelation(id) {
  return track(showRelation(id));
}

async function showRelation(id) {
  let r, disputed;
  try {
    r = await api.get(`/relations/${encodeURIComponent(id)}`);
    disputed = (await api.get("/contradictions", { actor: r.source })).items
      .filter((c) => c.claims.some((claim) => claim.relation === id));
  } catch (e) { showError(e); return; }
  const byId = names();
  const label = (a) => byId[a] || a;
  details(
    h("h2", {}, `${label(r.source)} ${r.type} ${label(r.target)}`),
    h("dl", {},
      h("dt", {}, "Dates"), h("dd", {}, dates(r)),
      h("dt", {}, "Confidence"), h("dd", {}, r.confidence),
      h("dt", {}, "Status"), h("dd", {}, r.status),
      r.attributed_to ? [h("dt", {}, "Attributed to"), h("dd", {}, label(r.attributed_to))] : null,
      ...Object.entries(r.properties || {}).map(([k, v]) => [h("dt", {}, k), h("dd", {}, Array.isArray(v) ? v.join(", ") : String(v))]),
      r.notes ? [h("dt", {}, "Notes"), h("dd", {}, r.notes)] : null,
      h("dt", {}, "Id"), h("dd", {}, h("code", {}, r.id))),
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => openActor(r.source) }, `Open ${label(r.source)}`),
      h("button", { type: "button", onclick: () => openActor(r.target) }, `Open ${label(r.target)}`)),
    ...contradictionList(disputed),
    ...evidenceList(r.evidence),
  );
  $("details").focus();
}

// ---- contradictions and changes ---------------------------------------------------------

function sourceRefs(refs) {
  return h("ul", { class: "sources" }, refs.map((ref) => h("li", {},
    h("a", { href: `/documents/${encodeURIComponent(ref.document)}`, target: "_blank", rel: "noopener" }, ref.document),
    ref.paragraph ? `, paragraph ${ref.paragraph}` : "", ref.record ? `, record ${ref.record}` : "")));
}

// The claims that disagree with this actor's or this relation's, each opening both sides.
function contradictionList(items) {
  if (!items.length) return [];
  return [
    h("h3", {}, `Contradictions (${items.length})`),
    h("ul", { class: "contradictions" }, items.map((c) => h("li", {},
      h("button", { type: "button", class: "link", dataset: { contradiction: c.id }, onclick: () => showContradiction(c) },
        `${c.kind}: ${c.claims.map((s) => `${s.source} ${s.type} ${s.target}`).join(" / ")}`),
      h("span", { class: "meta" }, c.explained ? " · explained" : " · unexplained")))),
  ];
}

function showContradiction(c) {
  const byId = names();
  const label = (a) => byId[a] || a;
  details(
    h("h2", {}, `Contradiction: ${c.kind}`),
    h("p", {}, `${c.description} (${c.detail}).`),
    c.explained
      ? h("p", { class: "explained" }, `Explained: ${c.explained.why}`, c.explained.see ? ` See ${c.explained.see}.` : "")
      : h("p", { class: "unexplained" }, "Not explained by the editors."),
    ...c.claims.map((s) => h("section", { class: "claim" },
      h("h3", {}, `${label(s.source)} ${s.type} ${label(s.target)}`),
      h("p", { class: "meta" }, `${s.start || "?"} – ${s.end || ""} · ${s.confidence} · ${s.status} · ${s.origin} claim`),
      h("button", { type: "button", onclick: () => openRelation(s.relation) }, "Open this claim"),
      h("h4", {}, `Sources (${s.sources.length})`),
      sourceRefs(s.sources))),
  );
  $("details").focus();
}

// What changed in the view between two versions: its actors' records added, removed or
// changed, each relation and event with its sources.
async function showChanges(from) {
  const to = "";   // the current version
  const actors = graphView.graph.nodes();
  let found;
  try {
    found = await api.get("/changes", { from, to, actors: actors.length ? actors : undefined });
  } catch (e) { showError(e); return; }
  const item = (section, verb) => (x) => {
    let what = x.name || x.title || x.id;
    if (section === "relations") what = `${x.source} ${x.type} ${x.target}`;
    if (section === "events") what = `${x.type.replaceAll("_", " ")} ${x.date}${x.place ? `, ${x.place}` : ""}`;
    return h("li", { dataset: { change: `${section}:${verb}` } },
      section === "relations" && verb !== "removed"
        ? h("button", { type: "button", class: "link", onclick: () => openRelation(x.id) }, what)
        : section === "events" && verb !== "removed"
          ? h("button", { type: "button", class: "link", onclick: () => openEvent(x.id) }, what) : what,
      h("span", { class: "meta" }, ` ${verb}`),
      section === "relations" || section === "events" ? sourceRefs(x.sources || []) : null);
  };
  details(
    h("h2", {}, `Changes from ${found.from.id} to ${found.to.id}`),
    h("p", { class: "meta" }, `${found.from.recorded_at} → ${found.to.recorded_at}` +
      (found.actors_filter ? ` · the ${found.actors_filter.length} actors in view` : " · the whole graph")),
    ...["actors", "relations", "events", "documents"].map((section) => {
      const c = found[section];
      const n = found.summary[section];
      return h("section", { class: "changes", dataset: { section } },
        h("h3", {}, `${section[0].toUpperCase()}${section.slice(1)}: ${n.added} added, ${n.removed} removed, ${n.changed} changed`),
        h("ul", {}, c.added.map(item(section, "added")), c.removed.map(item(section, "removed")),
          c.changed.map((x) => h("li", { dataset: { change: `${section}:changed` } }, `${x.id}: ${Object.keys(x.fields).join(", ")}`,
            h("span", { class: "meta" }, " changed"),
            section === "relations" || section === "events" ? sourceRefs(x.sources || []) : null))));
    }),
  );
  $("details").focus();
}

let versionNote = () => {};

async function setupVersions() {
  let kept;
  try { kept = await api.get("/versions"); } catch (e) { showError(e); return; }
  const label = (v) => `${v.id} · ${(v.recorded_at || "").slice(0, 16).replace("T", " ")}${v.current ? " (current)" : ""}`;
  $("version").replaceChildren(h("option", { value: "" }, "current"),
    ...kept.items.filter((v) => !v.current).map((v) => h("option", { value: v.id }, label(v))));
  $("changes-from").replaceChildren(...kept.items.map((v) => h("option", { value: v.id }, label(v))));
  const note = versionNote = () => {
    const read = kept.items.find((v) => v.id === view.version);
    $("version").value = view.version && read && !read.current ? view.version : "";
    $("version-note").textContent = view.version
      ? (read ? `Reading version ${view.version}, recorded ${read.recorded_at}; the current one is ${kept.current}.`
              : `Version ${view.version} is not kept by this server.`)
      : `Reading the current version, ${kept.current}.`;
    // "Changes since": from the version read, if it is an old one, else the one before.
    const since = view.version || kept.items.find((v) => v.id !== kept.current)?.id;
    if (since) $("changes-from").value = since;
    $("changes-since").disabled = kept.items.length < 2;
  };
  note();
  $("version").addEventListener("change", async (e) => {
    view.version = e.target.value;
    api.pin(view.version);
    note();
    await refresh();
    if (view.selected) await openActor(view.selected, { focus: false });
  });
  $("changes-since").addEventListener("click", () => track(showChanges($("changes-from").value)));
}

// The sources of a relation or an event: each document (linked), where in it, what it says.
function evidenceList(evidence) {
  return [
    h("h3", {}, `Evidence (${evidence.length})`),
    h("ol", { class: "evidence" }, evidence.map((e) => h("li", {},
      h("p", { class: "doc" },
        h("a", { href: `/documents/${encodeURIComponent(e.document.id)}`, target: "_blank", rel: "noopener" },
          e.document.title || e.document.id),
        e.document.publisher ? ` — ${e.document.publisher}` : "",
        e.document.date ? `, ${e.document.date}` : "",
        e.paragraph ? `, paragraph ${e.paragraph}` : "",
        e.record ? `, record ${e.record}` : ""),
      e.summary ? h("p", { class: "summary" }, e.summary) : null,
      e.quote ? h("blockquote", {}, `“${e.quote}”`) : null,
      e.inference ? h("p", { class: "meta" }, "An inference, not stated by the document.") : null))),
  ];
}

function openEvent(id) {
  return track(showEvent(id));
}

async function showEvent(id) {
  let e;
  try { e = await api.get(`/events/${encodeURIComponent(id)}`); } catch (err) { showError(err); return; }
  const when = e.date_end ? `${e.date} – ${e.date_end}` : e.date;
  const deaths = Object.entries(e.deaths || {}).map(([k, v]) => `${k} ${v}`).join(", ");
  details(
    h("h2", {}, `${e.type.replaceAll("_", " ")}, ${when}${e.place ? `, ${e.place}` : ""}`),
    h("dl", {},
      h("dt", {}, "Date"), h("dd", {}, when),
      e.place ? [h("dt", {}, "Place"), h("dd", {}, [e.place, e.admin1, e.country].filter(Boolean).join(", "))] : null,
      e.latitude !== null && e.latitude !== undefined ? [h("dt", {}, "Coordinates"),
        h("dd", {}, `${e.latitude}, ${e.longitude}` + (e.place_precision ? ` (${e.place_precision})` : ""))] : null,
      deaths ? [h("dt", {}, "Deaths"), h("dd", {}, deaths)] : null,
      h("dt", {}, "Confidence"), h("dd", {}, e.confidence),
      h("dt", {}, "Status"), h("dd", {}, e.status),
      e.notes ? [h("dt", {}, "Notes"), h("dd", {}, e.notes)] : null,
      h("dt", {}, "Id"), h("dd", {}, h("code", {}, e.id))),
    h("h3", {}, "Participants"),
    h("ul", {}, e.participants.map((p) => h("li", {},
      h("button", { type: "button", class: "link", onclick: () => openActor(p.actor) }, p.name || p.actor),
      h("span", { class: "meta" }, ` ${p.role}`)))),
    ...evidenceList(e.evidence),
  );
  $("details").focus();
}

function expand(id, type) {
  const item = type ? `${id}:${type}` : id;
  if (!view.expand.includes(item) && !view.seeds.includes(id)) view.expand.push(item);
  return refresh();
}

function collapse(id) {
  view.expand = view.expand.filter((x) => x.split(":")[0] !== id);
  if (view.seeds.length > 1 || view.expand.length) view.seeds = view.seeds.filter((x) => x !== id);
  return refresh();
}

function open(id) {
  overlay = null;
  graphView.setHighlight(null);
  view.seeds = [id];
  view.expand = [];
  view.selected = id;
  return refresh().then(() => openActor(id, { focus: false }));
}

// ---- search ---------------------------------------------------------------------------

function setupSearch() {
  const input = $("search");
  const list = $("search-results");
  let items = [];
  let active = -1;
  let timer;
  const close = () => { list.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); };
  const mark = () => {
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
    if (active >= 0) input.setAttribute("aria-activedescendant", `result-${active}`);
  };
  const choose = (i) => { const a = items[i]; if (!a) return; close(); input.value = a.name; open(a.id); };
  let asked = 0;   // answers to older keystrokes arriving late are dropped
  // Why an actor was offered when it is not by its name as typed: "alias LNA", "spelt Haftar".
  const why = (m) => (m.field === "name" ? (m.how === "fuzzy" ? ` · close to ${m.value}` : "")
    : ` · ${m.field} ${m.value}`);
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q || !/[\p{L}\p{N}]/u.test(q)) { close(); return; }
    timer = setTimeout(async () => {
      const mine = ++asked;
      let found;
      try { found = await api.get("/search", { q, limit: 10 }); } catch (e) { showError(e); return; }
      if (mine !== asked) return;
      items = found.items;
      active = items.length ? 0 : -1;
      list.replaceChildren(...(items.length ? items.map((a, i) => h("li", {
        id: `result-${i}`, role: "option", "aria-selected": String(i === active),
        onmousedown: (ev) => { ev.preventDefault(); choose(i); } },
        h("span", {}, a.name), h("span", { class: "kind" }, ` ${a.kind} · ${a.id}${why(a.match)}`)))
        : [h("li", { role: "option", "aria-disabled": "true" }, "No actor matches.")]),
        ...(found.complete ? [] : [h("li", { role: "option", "aria-disabled": "true" },
          "Many more actors match: type more.")]));
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      mark();
    }, 150);
  });
  input.addEventListener("keydown", (ev) => {
    if (list.hidden) return;
    if (ev.key === "ArrowDown") { active = Math.min(items.length - 1, active + 1); mark(); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { active = Math.max(0, active - 1); mark(); ev.preventDefault(); }
    else if (ev.key === "Enter") { choose(active); ev.preventDefault(); }
    else if (ev.key === "Escape") close();
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

// The path ends offer what /search finds as the user types (ids as values, names shown):
// a fixed list of actors would be an arbitrary few of a million.
function setupPathEnds() {
  const list = $("actor-ids");
  let timer;
  let asked = 0;
  for (const input of [$("path-from"), $("path-to")]) {
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (!q || !/[\p{L}\p{N}]/u.test(q)) return;
      timer = setTimeout(async () => {
        const mine = ++asked;
        let found;
        try { found = await api.get("/search", { q, limit: 10 }); } catch (e) { showError(e); return; }
        if (mine !== asked) return;
        list.replaceChildren(...found.items.map((a) => h("option", { value: a.id }, `${a.name} · ${a.kind}`)));
      }, 150);
    });
  }
}

// A path end as typed: an actor's id, else the best /search answer for it (a name). Search
// finds ids too, an exact one first, so one call answers both.
async function actorFor(typed) {
  const found = await api.get("/search", { q: typed, limit: 10 });
  const hit = found.items.find((a) => a.id === typed) || found.items[0];
  if (!hit) throw new Error(`no actor is called or numbered "${typed}"`);
  return hit.id;
}

// ---- paths ----------------------------------------------------------------------------

async function findPaths() {
  const typed = [$("path-from").value.trim(), $("path-to").value.trim()];
  if (!typed[0] || !typed[1]) { showError(new Error("give both ends of the path (actor ids or names)")); return; }
  let found, source, target;
  try {
    [source, target] = await Promise.all(typed.map(actorFor));
    found = await api.get("/paths", { source, target, as_of: view.asOf, types: view.types });
  } catch (e) { showError(e); return; }
  showError(null);
  const nodes = new Map();
  const edges = new Map();
  for (const p of found.paths) {
    p.actors.forEach((a, i) => nodes.set(a, { id: a, name: p.names[i], kind: undefined }));
    for (const r of p.relations) edges.set(r.id, r);
  }
  // Kinds (for colours) from the actors themselves.
  const detailsOf = await Promise.all([...nodes.keys()].map((a) => api.get(`/actors/${encodeURIComponent(a)}`).catch(() => null)));
  for (const a of detailsOf) if (a) nodes.set(a.id, a);
  overlay = { nodes: [...nodes.values()], edges: [...edges.values()] };
  await refresh();
  graphView.setHighlight({ nodes: new Set(nodes.keys()), edges: new Set(edges.keys()) });
  details(
    h("h2", {}, `Shortest paths: ${source} → ${target}`),
    found.paths.length ? h("ol", { id: "paths" }, found.paths.map((p) => h("li", {},
      p.names.map((n, i) => (i ? ` —${p.relations[i - 1].type}— ${n}` : n)).join(""))))
      : h("p", {}, "No path within the hop limit."),
    h("button", { type: "button", onclick: () => { graphView.setHighlight(null); } }, "Clear highlight"));
  status(`${found.paths.length} shortest path(s) between ${source} and ${target}.`);
}

// ---- wiring ---------------------------------------------------------------------------

function setupControls() {
  const types = $("types");
  types.replaceChildren(...ontology.relation_types.map((t) => h("label", { class: "inline" },
    h("input", { type: "checkbox", value: t.name, checked: !view.types.length || view.types.includes(t.name),
                 onchange: () => {
                   const checked = [...types.querySelectorAll("input:checked")].map((i) => i.value);
                   view.types = checked.length === ontology.relation_types.length ? [] : checked;
                   refresh();
                 } }),
    h("span", { class: "swatch", style: `background:${graphView.polarityColor(t.name)}` }), ` ${t.name}`)));
  for (const c of ontology.confidence_levels) $("min-confidence").append(h("option", { value: c }, c));
  for (const s of ontology.statuses) $("status").append(h("option", { value: s }, s));
  $("min-confidence").value = view.minConfidence;
  $("status").value = view.status;
  $("depth").value = String(view.depth);
  $("min-confidence").addEventListener("change", (e) => { view.minConfidence = e.target.value; refresh(); });
  $("status").addEventListener("change", (e) => { view.status = e.target.value; refresh(); });
  $("depth").addEventListener("change", (e) => { view.depth = Number(e.target.value); refresh(); });
  $("month").max = String(MONTHS.length - 1);
  $("month").value = String(MONTHS.length - 1);
  $("all-time").addEventListener("change", (e) =>
    setAsOf(e.target.checked ? "" : ($("as-of").value || monthEnd(MONTHS[Number($("month").value)]))));
  $("as-of").addEventListener("change", (e) => { if (e.target.value) setAsOf(e.target.value); });
  $("month").addEventListener("input", (e) => setAsOf(monthEnd(MONTHS[Number(e.target.value)])));
  $("play").addEventListener("click", togglePlay);
  $("relayout").addEventListener("click", () => graphView.layout());
  $("clear").addEventListener("click", () => {
    overlay = null; graphView.setHighlight(null);
    view.seeds = []; view.expand = []; view.selected = "";
    details(h("h2", {}, "Details"), h("p", {}, "Select an actor or a relation."));
    refresh();
  });
  $("export-png").addEventListener("click", () => graphView.png());
  $("find-paths").addEventListener("click", () => track(findPaths()));
  const legend = $("legend");
  legend.replaceChildren(
    ...ontology.actor_kinds.map((k) => h("span", { class: "key" },
      h("span", { class: "dot", style: `background:${graphView.kindColor(k.name)}` }), ` ${k.name.replaceAll("_", " ")}`)));
}

// Marks (cg:*) say what the page did before its first frame: benchmarks/explorer.py reads them.
async function main() {
  performance.mark("cg:main");
  api.pin(view.version);
  try {
    ontology = await api.get("/ontology");
    performance.mark("cg:ontology");
  } catch (e) {
    showError(e);
    return;
  }
  graphView = new GraphView($("canvas"), ontology);
  performance.mark("cg:graph-view");
  graphView.addEventListener("node", (e) => openActor(e.detail));
  graphView.addEventListener("edge", (e) => openRelation(e.detail));
  graphView.addEventListener("layout-started", () => performance.mark("cg:layout-started"));
  graphView.addEventListener("layout-settled", () => performance.mark("cg:layout-settled"));
  eventsPanel = new EventsPanel($("map"), $("timeline"), $("events-status"));
  eventsPanel.addEventListener("event", (e) => openEvent(e.detail));
  performance.mark("cg:panels");
  // Brushing the timeline sets the view's dates: the graph as of the range's last day, the
  // map's events within the range.
  eventsPanel.addEventListener("brush", (e) => {
    view.since = e.detail.since;
    setAsOf(monthEnd(e.detail.until));
  });
  $("all-dates").addEventListener("click", () => setAsOf(""));
  window.explorer = { graphView, events: eventsPanel, get data() { return lastData; }, refresh,
                      get busy() { return pending > 0 || !graphView.settled || !eventsPanel.ready; } };
  setupControls();
  setupSearch();
  setupRelationList();
  setupConsole({
    track,
    draw: async (nodes, edges) => {
      overlay = { nodes, edges };
      view.seeds = []; view.expand = [];
      await refresh();
    },
    showError,
  });
  setupPathEnds();
  window.addEventListener("hashchange", () => {
    view = state.read(); api.pin(view.version); versionNote(); overlay = null; refresh();
  });
  performance.mark("cg:controls");
  // The version picker and the view load side by side: the view reads view.version (from
  // the address), not the picker; waiting for /versions first held the first frame back.
  const versions = track(setupVersions()).then(() => performance.mark("cg:versions"));
  syncTimeControls();
  await refresh();
  await versions;
  if (view.selected) await openActor(view.selected, { focus: false });
  document.body.dataset.ready = "true";
}

main();
