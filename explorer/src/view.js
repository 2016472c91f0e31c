// The graph canvas: graphology holds the view, sigma draws it (WebGL), ForceAtlas2 lays it
// out in a web worker so the page stays responsive while it settles.
import Graph from "graphology";
import Sigma from "sigma";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import forceAtlas2 from "graphology-layout-forceatlas2";
import { downloadAsPNG } from "@sigma/export-image";
import EdgeCurveProgram, { EdgeCurvedArrowProgram, DEFAULT_EDGE_CURVATURE } from "@sigma/edge-curve";

const DIM = "#e2e2e2";

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
   *  stop; "layout-settled" when done. Settled: over the last check, the nodes moved on
   *  average less than 0.5% of the drawing's extent. */
  layout(maxMs = 15000) {
    if (this.fa2) this.fa2.kill();
    this.fa2 = null;
    clearInterval(this.timer);
    if (this.graph.order < 2) {
      this.settled = true;
      this.#emit("layout-settled");
      return;
    }
    this.settled = false;
    const settings = { ...forceAtlas2.inferSettings(this.graph), barnesHutOptimize: this.graph.order > 500 };
    this.fa2 = new FA2Layout(this.graph, { settings });
    this.fa2.start();
    const started = performance.now();
    let last = this.#positions();
    this.timer = setInterval(() => {
      const now = this.#positions();
      let moved = 0;
      let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
      for (const [n, [x, y]] of now) {
        const p = last.get(n);
        if (p) moved += Math.hypot(x - p[0], y - p[1]);
        minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
      }
      last = now;
      const extent = Math.max(maxX - minX, maxY - minY, 1e-9);
      const still = moved / now.size < 0.005 * extent;
      if ((still && performance.now() - started > 600) || performance.now() - started > maxMs) {
        clearInterval(this.timer);
        if (this.fa2) this.fa2.stop();
        this.settled = true;
        this.sigma.getCamera().animatedReset({ duration: 200 });
        this.#emit("layout-settled");
      }
    }, 300);
  }

  #positions() {
    const out = new Map();
    this.graph.forEachNode((n, a) => out.set(n, [a.x, a.y]));
    return out;
  }

  png() {
    return downloadAsPNG(this.sigma, { fileName: "conflictgraph-view", backgroundColor: "#ffffff" });
  }
}
