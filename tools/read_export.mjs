// Reads a ConflictGraph export with an independent JavaScript reader and prints what it
// found as JSON: node and edge counts and every node's and edge's attributes.
//   node tools/read_export.mjs gexf|graphology|cytoscape FILE
import { readFileSync } from 'node:fs';
import Graph from 'graphology';
import gexf from 'graphology-gexf';
import cytoscape from 'cytoscape';

const [format, file] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');

function fromGraphology(graph) {
  return {
    type: graph.type, multi: graph.multi, nodes: graph.order, edges: graph.size,
    nodeAttributes: Object.fromEntries(graph.mapNodes((key, attrs) => [key, attrs])),
    edgeAttributes: Object.fromEntries(graph.mapEdges((key, attrs, source, target, _s, _t, undirected) =>
      [key, { ...attrs, _source: source, _target: target, _undirected: undirected }])),
  };
}

let out;
if (format === 'gexf') {
  out = fromGraphology(gexf.parse(Graph, text, { allowUndeclaredAttributes: false }));
} else if (format === 'graphology') {
  const graph = new Graph({ multi: true, type: 'mixed' });
  graph.import(JSON.parse(text));
  out = fromGraphology(graph);
} else if (format === 'cytoscape') {
  const cy = cytoscape({ headless: true, elements: JSON.parse(text).elements });
  out = {
    nodes: cy.nodes().length, edges: cy.edges().length,
    nodeAttributes: Object.fromEntries(cy.nodes().map((n) => [n.id(), n.data()])),
    edgeAttributes: Object.fromEntries(cy.edges().map((e) => [e.id(), e.data()])),
    degree: Object.fromEntries(cy.nodes().map((n) => [n.id(), n.degree(false)])),
  };
} else {
  throw new Error(`unknown format ${format}`);
}
process.stdout.write(JSON.stringify(out));
