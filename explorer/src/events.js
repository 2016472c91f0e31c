// The events of the graph on a map and a timeline (issue 29): the timeline strip counts events
// and deaths per month (/events/aggregate?by=month); the map draws each event as a point
// (/events/geojson) or, past POINT_LIMIT events, the map cells they fall in
// (/events/aggregate?by=cell), over country outlines from the world-atlas package (Natural
// Earth, bundled: no tile server, works offline). Brushing the timeline sets the view's
// dates; a selected actor's events are highlighted on both; clicking a point opens the event.
import { feature } from "topojson-client";
import { geoEquirectangular, geoPath } from "d3-geo";
import world from "world-atlas/countries-110m.json";
import * as api from "./api.js";

const POINT_LIMIT = 5000;
const CELL_DEG = 1;
const SVG = "http://www.w3.org/2000/svg";
const COLORS = { land: "#eef1f4", border: "#b8c0c8", point: "#0b57d0", lit: "#c5221f", bar: "#8fa8d8",
                 barLit: "#c5221f", deaths: "#57606a", brush: "#0b57d033" };

function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function monthsBetween(first, last) {
  const out = [];
  let [y, m] = first.split("-").map(Number);
  const [ly, lm] = last.split("-").map(Number);
  while (y < ly || (y === ly && m <= lm)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    if (++m > 12) { m = 1; y++; }
  }
  return out;
}

export class EventsPanel extends EventTarget {
  constructor(canvas, timeline, statusEl) {
    super();
    this.canvas = canvas;
    this.timeline = timeline;
    this.statusEl = statusEl;
    this.land = feature(world, world.objects.countries);
    this.mode = "points";      // or "cells"
    this.points = [];          // {id, lat, lon, date, deaths, actors, lit}
    this.cells = [];           // {lat, lon, events, deaths, lit}
    this.months = [];          // {period, events, deaths, lit}
    this.axis = [];            // the timeline's months, in order
    this.filter = { since: "", until: "" };
    this.actors = [];
    this.ready = false;
    this.projection = null;
    canvas.addEventListener("click", (e) => this.click(e));
    this.setupBrush();
    new ResizeObserver(() => { this.drawMap(); this.drawTimeline(); }).observe(canvas);
  }

  // ---- data ---------------------------------------------------------------------------
  async update({ since = "", until = "", actors = [] } = {}) {
    this.ready = false;
    this.filter = { since, until };
    this.actors = actors;
    const dated = { since: since || undefined, until: until || undefined };
    const [months, cells] = await Promise.all([
      api.get("/events/aggregate", { by: "month" }),
      api.get("/events/aggregate", { by: "cell", size: CELL_DEG, ...dated }),
    ]);
    this.months = months.buckets.map((b) => ({ ...b, lit: 0 }));
    if (cells.events <= POINT_LIMIT) {
      this.mode = "points";
      const fc = await api.get("/events/geojson", dated);
      this.points = fc.features.filter((f) => f.geometry).map((f) => ({
        id: f.id, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], date: f.properties.date,
        deaths: f.properties.deaths_best || 0, place: f.properties.place, type: f.properties.type,
        actors: f.properties.participants.map((p) => p.actor), lit: false }));
      this.cells = [];
    } else {
      this.mode = "cells";
      this.points = [];
      this.cells = cells.buckets.map((b) => ({ lat: b.latitude, lon: b.longitude, events: b.events, deaths: b.deaths,
                                               key: `${b.row}:${b.col}`, lit: 0 }));
    }
    await this.highlight(actors);
    this.status();
    this.ready = true;
    // A mark benchmarks/ged.py reads: the map and timeline of this update on screen (the task
    // after the next frame's, which puts the drawn canvas on screen).
    requestAnimationFrame(() => setTimeout(() => performance.mark("cg:events-drawn"), 0));
  }

  async highlight(actors) {
    this.actors = actors;
    const chosen = new Set(actors);
    for (const p of this.points) p.lit = p.actors.some((a) => chosen.has(a));
    for (const m of this.months) m.lit = 0;
    for (const c of this.cells) c.lit = 0;
    if (actors.length) {
      const dated = { since: this.filter.since || undefined, until: this.filter.until || undefined };
      const asks = [api.get("/events/aggregate", { by: "month", actors })];
      if (this.mode === "cells") asks.push(api.get("/events/aggregate", { by: "cell", size: CELL_DEG, actors, ...dated }));
      const [months, cells] = await Promise.all(asks);
      const byPeriod = new Map(months.buckets.map((b) => [b.period, b.events]));
      for (const m of this.months) m.lit = byPeriod.get(m.period) || 0;
      if (cells) {
        const byKey = new Map(cells.buckets.map((b) => [`${b.row}:${b.col}`, b.events]));
        for (const c of this.cells) c.lit = byKey.get(c.key) || 0;
      }
    }
    this.drawMap();
    this.drawTimeline();
  }

  status() {
    const shown = this.mode === "points" ? `${this.points.length} events with a place`
      : `${this.cells.reduce((n, c) => n + c.events, 0)} events in ${this.cells.length} map cells of ${CELL_DEG}°`;
    const lit = this.mode === "points" ? this.points.filter((p) => p.lit).length : this.cells.reduce((n, c) => n + c.lit, 0);
    const range = this.filter.since || this.filter.until
      ? ` from ${this.filter.since || "the start"} to ${this.filter.until || "now"}` : "";
    this.statusEl.textContent = `${shown}${range}` + (this.actors.length ? `; ${lit} of the selected actor's.` : ".");
    this.timeline.setAttribute("aria-label", `Events and deaths per month: ${this.months.reduce((n, m) => n + m.events, 0)} ` +
      `events, ${this.months.reduce((n, m) => n + m.deaths, 0)} deaths`);
  }

  // ---- map ----------------------------------------------------------------------------
  fitProjection(width, height) {
    const located = this.mode === "points" ? this.points : this.cells;
    const projection = geoEquirectangular();
    if (!located.length) return projection.fitExtent([[8, 8], [width - 8, height - 8]], { type: "Sphere" });
    let [w, s, e, n] = [180, 90, -180, -90];
    for (const p of located) { w = Math.min(w, p.lon); e = Math.max(e, p.lon); s = Math.min(s, p.lat); n = Math.max(n, p.lat); }
    const pad = Math.max(2, (e - w) * 0.15, (n - s) * 0.15);
    const box = { type: "Feature", geometry: { type: "MultiPoint", coordinates: [
      [Math.max(-180, w - pad), Math.max(-85, s - pad)], [Math.min(180, e + pad), Math.min(85, n + pad)]] } };
    return projection.fitExtent([[8, 8], [width - 8, height - 8]], box);
  }

  drawMap() {
    const c = this.canvas;
    const width = c.clientWidth, height = c.clientHeight;
    if (!width || !height) return;
    const ratio = window.devicePixelRatio || 1;
    c.width = width * ratio; c.height = height * ratio;
    const ctx = c.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    this.projection = this.fitProjection(width, height);
    const path = geoPath(this.projection, ctx);
    ctx.beginPath(); path(this.land);
    ctx.fillStyle = COLORS.land; ctx.fill();
    ctx.lineWidth = 0.6; ctx.strokeStyle = COLORS.border; ctx.stroke();
    if (this.mode === "points") {
      // the highlighted last, so they are on top
      for (const p of [...this.points].sort((a, b) => a.lit - b.lit)) {
        const [x, y] = this.projection([p.lon, p.lat]);
        p.x = x; p.y = y;
        ctx.beginPath();
        ctx.arc(x, y, Math.min(14, 3 + Math.sqrt(p.deaths)), 0, 2 * Math.PI);
        ctx.fillStyle = p.lit ? COLORS.lit : COLORS.point;
        ctx.globalAlpha = 0.75; ctx.fill(); ctx.globalAlpha = 1;
      }
    } else {
      const most = Math.max(1, ...this.cells.map((x) => x.events));
      for (const cell of this.cells) {
        const [x, y] = this.projection([cell.lon, cell.lat]);
        ctx.beginPath();
        ctx.arc(x, y, 2 + 12 * Math.sqrt(cell.events / most), 0, 2 * Math.PI);
        ctx.fillStyle = cell.lit ? COLORS.lit : COLORS.point;
        ctx.globalAlpha = 0.6; ctx.fill(); ctx.globalAlpha = 1;
      }
    }
  }

  /** The point of an event on the canvas, in page coordinates (for tests and tooltips). */
  screenPoint(id) {
    const p = this.points.find((x) => x.id === id);
    if (!p || p.x === undefined) return null;
    const r = this.canvas.getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }

  click(e) {
    if (this.mode !== "points") return;
    const r = this.canvas.getBoundingClientRect();
    const x = e.clientX - r.left, y = e.clientY - r.top;
    let best = null, bestD = 10 * 10;
    for (const p of this.points) {
      const d = (p.x - x) ** 2 + (p.y - y) ** 2;
      if (d <= bestD) { best = p; bestD = d; }
    }
    if (best) this.dispatchEvent(new CustomEvent("event", { detail: best.id }));
  }

  // ---- timeline -----------------------------------------------------------------------
  drawTimeline() {
    const t = this.timeline;
    const width = t.clientWidth || t.parentElement.clientWidth, height = 90;
    t.setAttribute("viewBox", `0 0 ${width} ${height}`);
    t.replaceChildren();
    const monthly = this.months.filter((m) => m.period.length === 7);
    if (!monthly.length || !width) { this.axis = []; return; }
    this.axis = monthsBetween(monthly[0].period, monthly[monthly.length - 1].period);
    const at = new Map(monthly.map((m) => [m.period, m]));
    const step = width / this.axis.length;
    const most = Math.max(1, ...monthly.map((m) => m.events));
    const mostDeaths = Math.max(1, ...monthly.map((m) => m.deaths));
    const base = height - 16;
    this.axis.forEach((period, i) => {
      const m = at.get(period);
      if (!m) return;
      const barH = (base - 4) * m.events / most;
      t.append(svg("rect", { x: i * step, y: base - barH, width: Math.max(1, step - 1), height: barH,
                             fill: COLORS.bar, "data-period": period }));
      if (m.lit) {
        const litH = (base - 4) * m.lit / most;
        t.append(svg("rect", { x: i * step, y: base - litH, width: Math.max(1, step - 1), height: litH,
                               fill: COLORS.barLit, class: "lit", "data-period": period }));
      }
    });
    const line = this.axis.map((period, i) => {
      const m = at.get(period);
      return `${(i + 0.5) * step},${base - (base - 4) * (m ? m.deaths : 0) / mostDeaths}`;
    }).join(" ");
    t.append(svg("polyline", { points: line, fill: "none", stroke: COLORS.deaths, "stroke-width": 1 }));
    let lastYear = "";
    this.axis.forEach((period, i) => {
      const year = period.slice(0, 4);
      if (year !== lastYear && period.endsWith("-01") || i === 0) {
        const label = svg("text", { x: i * step + 2, y: height - 3, "font-size": 10, fill: COLORS.deaths });
        label.textContent = year;
        t.append(label);
      }
      lastYear = year;
    });
    if (this.filter.since || this.filter.until) {
      const a = this.indexOf(this.filter.since || this.axis[0]);
      const b = this.indexOf(this.filter.until || this.axis[this.axis.length - 1]);
      t.append(svg("rect", { x: a * step, y: 0, width: (b - a + 1) * step, height: base, fill: COLORS.brush, class: "brush" }));
    }
  }

  indexOf(period) {
    const p = period.slice(0, 7);
    const i = this.axis.indexOf(p);
    if (i >= 0) return i;
    return p < this.axis[0] ? 0 : this.axis.length - 1;
  }

  /** The x of a month's bar on the page (for tests). */
  monthX(period) {
    const r = this.timeline.getBoundingClientRect();
    const step = r.width / Math.max(1, this.axis.length);
    return r.left + (this.indexOf(period) + 0.5) * step;
  }

  periodAt(clientX) {
    const r = this.timeline.getBoundingClientRect();
    const i = Math.min(this.axis.length - 1, Math.max(0, Math.floor((clientX - r.left) / (r.width / this.axis.length))));
    return this.axis[i];
  }

  setupBrush() {
    let start = null;
    this.timeline.addEventListener("pointerdown", (e) => {
      if (!this.axis.length) return;
      start = this.periodAt(e.clientX);
      this.timeline.setPointerCapture(e.pointerId);
    });
    this.timeline.addEventListener("pointerup", (e) => {
      if (start === null) return;
      const end = this.periodAt(e.clientX);
      const [since, until] = start <= end ? [start, end] : [end, start];
      start = null;
      this.dispatchEvent(new CustomEvent("brush", { detail: { since, until } }));
    });
  }
}
