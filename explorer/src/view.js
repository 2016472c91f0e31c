// The graph canvas: graphology holds the view, sigma draws it (WebGL), ForceAtlas2 lays it
// out in a web worker so the page stays responsive while it settles.
import Graph from "graphology";
import Sigma from "sigma";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import forceAtlas2 from "graphology-layout-forceatlas2";
import { downloadAsPNG } from "@sigma/export-image";
import EdgeCurveProgram, { EdgeCurvedArrowProgram, DEFAULT_EDGE_CURVATURE } from "@sigma/edge-curve";

const DIM = "#e2e2e2";
const LARGE_VIEW_EDGES = 500;

export class GraphView extends EventTarget {
  constructor(container, ontology) {
    super();
    this.palette = ontology.palette;
    this.relationTypes = Object.fromEntries(ontology.relation_types.map((t) => [t.name, t]));
    this.graph = new Graph({ multi: true, type: "mixed" });
    this.selected = null;
    this.highlight = null;      // {nodes: Set, edges: Set} of a path, or null
    this.fa2 = null;
    this.settled = true;
    this.sigma = new Sigma(this.graph, container, {
      renderEdgeLabels: true,
      enableEdgeEvents: true,
      labelRenderedSizeThreshold: 0,
      labelFont: "system-ui, sans-serif",
      edgeLabelFont: "system-ui, sans-serif",
      edgeLabelSize: 11,
      labelSize: 13,
      stagePadding: 70,          // room for the labels of actors at the canvas's edge
      minCameraRatio: 0.05,
      maxCameraRatio: 10,
      edgeProgramClasses: { curvedArrow: EdgeCurvedArrowProgram, curved: EdgeCurveProgram },
      nodeReducer: (node, data) => this.#nodeLook(node, data),
      edgeReducer: (edge, data) => this.#edgeLook(edge, data),
    });
    this.sigma.on("clickNode", ({ node }) => this.#emit("node", node));
    this.sigma.on("clickEdge", ({ edge }) => this.#emit("edge", edge));
    this.sigma.once("afterRender", () => this.#emit("first-frame"));
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  #nodeLook(node, data) {
    const out = { ...data };
    if (this.highlight && !this.highlight.nodes.has(node)) {
      out.color = DIM;
      out.label = "";
    }
    if (node === this.selected) out.highlighted = true;
    return out;
  }

  #edgeLook(edge, data) {
    // A large view's edges wait for the layout to settle: every frame of a moving layout
    // redraws them, and on a slow GPU (software WebGL here) that holds the page.
    if (this.hideEdges) return { ...data, hidden: true };
    const out = { ...data };
    if (this.highlight) {
      if (this.highlight.edges.has(edge)) out.size = 4;
      else { out.color = DIM; out.label = ""; }
    }
    return out;
  }

  kindColor(kind) {
    return this.palette.actor_kinds[kind] || this.palette.event || "#777";
  }

  polarityColor(type) {
    const t = this.relationTypes[type];
    return this.palette.polarity[String(t ? t.polarity : 0)];
  }

  /** Replace the view's content; actors already on the canvas keep their place. */
  setData(nodes, edges) {
    const old = new Map();
    this.graph.forEachNode((n, a) => old.set(n, a));
    this.graph.clear();
    nodes.forEach((n, i) => {
      const prev = old.get(n.id);
      const angle = (2 * Math.PI * i) / Math.max(1, nodes.length);
      this.graph.addNode(n.id, {
        label: n.name || n.id,
        kind: n.kind,
        color: this.kindColor(n.kind),
        x: prev ? prev.x : Math.cos(angle) * 10 + (i % 7) * 0.01,
        y: prev ? prev.y : Math.sin(angle) * 10 + (i % 5) * 0.01,
        fixed: prev ? !!prev.fixed : false,
        size: 5,
      });
    });
    for (const e of edges) {
      if (!this.graph.hasNode(e.source) || !this.graph.hasNode(e.target) || this.graph.hasEdge(e.id)) continue;
      const directed = e.directed !== false && (this.relationTypes[e.type]?.directed ?? true);
      const attrs = { label: e.type, relType: e.type, color: this.polarityColor(e.type), size: 2,
                      type: directed ? "arrow" : "line" };
      if (directed) this.graph.addDirectedEdgeWithKey(e.id, e.source, e.target, attrs);
      else this.graph.addUndirectedEdgeWithKey(e.id, e.source, e.target, attrs);
    }
    this.graph.forEachNode((n) => {
      this.graph.setNodeAttribute(n, "size", 5 + 2.5 * Math.sqrt(this.graph.degree(n)));
    });
    this.#curveParallelEdges();
    // Thousands of labels drawn on every frame of the layout would hold the main thread:
    // a large view labels its edges only when zoomed in on few, and its larger actors.
    const large = this.graph.size > 400;
    this.hideEdges = this.graph.size > LARGE_VIEW_EDGES;   // until the layout settles
    this.sigma.setSetting("renderEdgeLabels", !large);
    this.sigma.setSetting("labelRenderedSizeThreshold", large ? 12 : 0);
    if (this.selected && !this.graph.hasNode(this.selected)) this.selected = null;
    this.sigma.refresh();
  }

  // Two relations between the same actors (allied, then fighting) would be drawn on top of
  // each other: each pair's edges are bent apart, the first one least. The bend is measured
  // from the pair's first actor, so edges drawn in opposite directions still part.
  #curveParallelEdges() {
    const pairs = new Map();
    this.graph.forEachEdge((edge, a, source, target) => {
      const key = source < target ? `${source}\u0000${target}` : `${target}\u0000${source}`;
      if (!pairs.has(key)) pairs.set(key, []);
      pairs.get(key).push([edge, source < target]);
    });
    for (const edges of pairs.values()) {
      if (edges.length < 2) continue;
      edges.forEach(([edge, forward], i) => {
        const bend = DEFAULT_EDGE_CURVATURE * (0.6 + 1.2 * i) * (forward ? 1 : -1);
        const type = this.graph.getEdgeAttribute(edge, "type") === "arrow" ? "curvedArrow" : "curved";
        this.graph.mergeEdgeAttributes(edge, { type, curvature: bend });
      });
    }
  }

  select(node) {
    this.selected = node;
    this.sigma.refresh();
  }

  setHighlight(highlight) {
    this.highlight = highlight;
    this.sigma.refresh();
  }

  togglePin(node) {
    const fixed = !this.graph.getNodeAttribute(node, "fixed");
    this.graph.setNodeAttribute(node, "fixed", fixed);
    return fixed;
  }

  /** Run ForceAtlas2 in its worker until the nodes barely move (or `maxMs` passes), then
   *  stop; "layout-settled" when done. Settled: over two checks running, the nodes moved on
   *  average less than 1% of the drawing's extent per quarter second. */
  layout(maxMs = 8000) {
    if (this.fa2) this.fa2.kill();
    this.fa2 = null;
    clearInterval(this.timer);
    if (this.graph.order < 2) {
      this.settled = true;
      this.#emit("layout-settled");
      return;
    }
    this.settled = false;
    this.hideEdges = this.graph.size > LARGE_VIEW_EDGES;
    // ForceAtlas2 moves a copy of the graph in its worker; the drawn graph takes the copy's
    // positions at each check, so a slow GPU draws a few frames a second, not one per
    // iteration, and the page answers in between.
    const shadow = this.graph.copy();
    const settings = { ...forceAtlas2.inferSettings(shadow), barnesHutOptimize: shadow.order > 500 };
    this.fa2 = new FA2Layout(shadow, { settings });
    this.fa2.start();
    const started = performance.now();
    let last = this.#positions(shadow);
    let movedOnce = false;
    let stillChecks = 0;
    const every = this.graph.size > LARGE_VIEW_EDGES ? 1000 : 250;   // ms between frames
    this.timer = setInterval(() => {
      const now = this.#positions(shadow);
      let moved = 0;
      let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
      for (const [n, [x, y]] of now) {
        const p = last.get(n);
        if (p) moved += Math.hypot(x - p[0], y - p[1]);
        minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
      }
      last = now;
      this.graph.updateEachNodeAttributes((n, a) => {
        const p = now.get(n);
        if (p && !a.fixed) { a.x = p[0]; a.y = p[1]; }
        return a;
      }, { attributes: ["x", "y"] });
      const extent = Math.max(maxX - minX, maxY - minY, 1e-9);
      // Still: it has moved (the worker's first answers can come late on a busy page) and,
      // twice running, hardly any more.
      if (moved > 0) movedOnce = true;
      stillChecks = movedOnce && moved / now.size < 0.01 * (every / 250) * extent ? stillChecks + 1 : 0;
      if (stillChecks >= 2 || performance.now() - started > maxMs) {
        clearInterval(this.timer);
        if (this.fa2) this.fa2.kill();
        this.fa2 = null;
        this.settled = true;
        this.hideEdges = false;
        this.sigma.refresh();
        this.sigma.getCamera().animatedReset({ duration: 200 });
        this.#emit("layout-settled");
      }
    }, every);
  }

  #positions(graph) {
    const out = new Map();
    graph.forEachNode((n, a) => out.set(n, [a.x, a.y]));
    return out;
  }

  png() {
    return downloadAsPNG(this.sigma, { fileName: "conflictgraph-view", backgroundColor: "#ffffff" });
  }
}
