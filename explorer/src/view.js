// The graph canvas: graphology holds the view, sigma draws it (WebGL), ForceAtlas2 lays it
// out in a web worker so the page stays responsive while it settles.
import Graph from "graphology";
import Sigma from "sigma";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import forceAtlas2 from "graphology-layout-forceatlas2";
import { downloadAsPNG } from "@sigma/export-image";
import EdgeCurveProgram, { EdgeCurvedArrowProgram, DEFAULT_EDGE_CURVATURE } from "@sigma/edge-curve";

const DIM = "#e2e2e2";
// Above this many relations the canvas draws the actors alone while ForceAtlas2 runs, and
// hides the edges while the camera moves. Measured in headless chromium without a GPU
// (benchmarks/explorer.py): every frame blocks the page until WebGL has drawn it, and edges
// cost even when hidden (~300 ms a frame for 7,000 of them), so a frame of a moving layout
// stays under 200 ms only when the edges are not in the drawn graph at all.
const LIVE_EDGES = 250;
const LABELLED_EDGES = 400;      // above this many, no edge labels and fewer actor labels
const FORCED_LABELS = 40;        // up to this many actors, every one is labelled

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
    this.drawn = this.graph;    // what sigma draws: the view, or its actors alone during a layout
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
    this.#warmUp();
  }

  // Without a GPU, the browser compiles each WebGL program the first time it draws with it,
  // and the page waits: draw one item of each kind now, while the view is being fetched,
  // rather than in the first frames of its layout.
  #warmUp() {
    const warm = new Graph({ multi: true, type: "mixed" });
    warm.addNode("a", { x: 0, y: 0, size: 1, color: "#ffffff", label: "a" });
    warm.addNode("b", { x: 1, y: 1, size: 1, color: "#ffffff", label: "b" });
    for (const type of ["arrow", "line", "curvedArrow", "curved"]) {
      warm.addDirectedEdge("a", "b", { type, size: 1, color: "#ffffff", label: type, curvature: 0.25 });
    }
    this.sigma.setGraph(warm);
    this.sigma.setGraph(this.graph);
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  #nodeLook(node, data) {
    const out = { ...data };
    // sigma leaves out a label that would crowd its neighbours'; in a small view every actor
    // keeps its name (an unnamed dot is worse than two labels close together).
    if (this.drawn.order <= FORCED_LABELS) out.forceLabel = true;
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
    const old = this.graph;
    // A new graph, filled before sigma sees it: filling the drawn one would run sigma's
    // bookkeeping once per actor and relation.
    this.graph = new Graph({ multi: true, type: "mixed" });
    nodes.forEach((n, i) => {
      const prev = old.hasNode(n.id) ? old.getNodeAttributes(n.id) : null;
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
    this.#sizeNodes();
    this.#curveParallelEdges();
    if (this.selected && !this.graph.hasNode(this.selected)) this.selected = null;
    // A large view is first drawn without its edges: a layout follows, and draws them
    // when it settles.
    this.#draw(this.#whileMoving());
  }

  /** What to draw while the layout moves the view: a large view's actors alone, else all of it. */
  #whileMoving() {
    return this.graph.size > LIVE_EDGES ? this.graph.emptyCopy() : this.graph;
  }

  // Sized by degree, capped (a hub of a thousand relations would cover the canvas), and
  // scaled down when the actors together would cover more than a sixth of the canvas.
  #sizeNodes() {
    const raw = new Map();
    let area = 0;
    this.graph.forEachNode((n) => {
      const r = Math.min(30, 5 + 2.5 * Math.sqrt(this.graph.degree(n)));
      raw.set(n, r);
      area += Math.PI * r * r;
    });
    const box = this.sigma.getContainer();
    const room = (Math.max(300, box.clientWidth) * Math.max(300, box.clientHeight)) / 6;
    const scale = area > room ? Math.sqrt(room / area) : 1;
    for (const [n, r] of raw) this.graph.setNodeAttribute(n, "size", Math.max(2, r * scale));
  }

  /** Draw `graph` (the view, or a copy of its actors alone while a large view's layout runs). */
  #draw(graph) {
    this.drawn = graph;
    // Thousands of labels drawn on every frame would hold the main thread: a large view
    // labels no edges, only its larger actors, and none while its layout moves them.
    const labelled = this.graph.size <= LABELLED_EDGES;
    const wanted = { renderLabels: graph === this.graph || labelled,
                     renderEdgeLabels: labelled,
                     labelRenderedSizeThreshold: labelled ? 0 : 12,
                     hideEdgesOnMove: this.graph.size > LIVE_EDGES };
    const changed = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => this.sigma.getSetting(k) !== v));
    if (Object.keys(changed).length) this.sigma.setSettings(changed);   // schedules a frame...
    if (this.sigma.getGraph() !== graph) this.sigma.setGraph(graph);    // ...that this one replaces
    else this.sigma.refresh();
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
      // Bends spread 1.2 apart, or closer when many relations join the same pair: a bend
      // past 3 draws a loop across the canvas (and costs a slow GPU a great deal).
      const step = Math.min(1.2, 2.4 / (edges.length - 1));
      edges.forEach(([edge, forward], i) => {
        const bend = DEFAULT_EDGE_CURVATURE * (0.6 + step * i) * (forward ? 1 : -1);
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
    if (this.drawn !== this.graph) this.drawn.setNodeAttribute(node, "fixed", fixed);
    return fixed;
  }

  /** Run ForceAtlas2 in its worker until the nodes barely move (or `maxMs` passes), then
   *  stop; "layout-settled" when done. Settled: over two checks running, the nodes moved on
   *  average less than 1% of the drawing's extent in a quarter second of layout. */
  layout(maxMs = 8000) {
    if (this.fa2) this.fa2.kill();
    this.fa2 = null;
    clearTimeout(this.timer);
    if (this.graph.order < 2) {
      this.settled = true;
      this.#draw(this.graph);
      this.#emit("layout-settled");
      return;
    }
    this.settled = false;
    this.#emit("layout-started");
    const moving = this.drawn === this.graph ? this.#whileMoving() : this.drawn;
    if (moving !== this.drawn) this.#draw(moving);      // a small view is drawn as it is
    // ForceAtlas2 moves a copy of the graph in its worker, a quarter second at a time; then
    // it pauses while the drawn graph takes the copy's positions and the browser draws them.
    // Without a GPU the drawing runs on the CPU the worker would otherwise hold, and the page
    // waits for it: paused, the worker leaves it the machine and the frame ends sooner.
    const shadow = this.graph.copy();
    const settings = { ...forceAtlas2.inferSettings(shadow), barnesHutOptimize: shadow.order > 500 };
    const fa2 = new FA2Layout(shadow, { settings });
    this.fa2 = fa2;
    const started = performance.now();
    let last = this.#positions(shadow);
    let movedOnce = false;
    let stillChecks = 0;
    const every = 250;   // ms of layout between frames
    const check = () => {
      fa2.stop();
      const now = this.#positions(shadow);
      let moved = 0;
      let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
      for (const [n, [x, y]] of now) {
        const p = last.get(n);
        if (p) moved += Math.hypot(x - p[0], y - p[1]);
        minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
      }
      last = now;
      const place = (n, a) => {
        const p = now.get(n);
        if (p && !a.fixed) { a.x = p[0]; a.y = p[1]; }
        return a;
      };
      if (this.drawn !== this.graph) this.graph.updateEachNodeAttributes(place, { attributes: ["x", "y"] });
      this.drawn.updateEachNodeAttributes(place, { attributes: ["x", "y"] });
      const extent = Math.max(maxX - minX, maxY - minY, 1e-9);
      // Still: it has moved (the worker's first answers can come late on a busy page) and,
      // twice running, hardly any more.
      if (moved > 0) movedOnce = true;
      stillChecks = movedOnce && moved / now.size < 0.01 * extent ? stillChecks + 1 : 0;
      if (stillChecks >= 2 || performance.now() - started > maxMs) {
        fa2.kill();
        this.fa2 = null;
        this.settled = true;
        // The camera moves first, so the frames of its move leave a large view's edges out
        // (hideEdgesOnMove) and only the last one draws them.
        this.sigma.getCamera().animatedReset({ duration: 200 }).then(() => this.sigma.scheduleRender());
        this.#draw(this.graph);
        this.#emit("layout-settled");
        return;
      }
      // The frame drawing these positions runs in the next animation frame's task; the layout
      // resumes in the task after it.
      requestAnimationFrame(() => {
        this.timer = setTimeout(() => {
          if (this.fa2 !== fa2) return;      // killed meanwhile: a new view or a new layout
          fa2.start();
          this.timer = setTimeout(check, every);
        }, 0);
      });
    };
    fa2.start();
    this.timer = setTimeout(check, every);
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
