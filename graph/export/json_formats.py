"""JSON exports for frontends: Cytoscape.js elements, graphology, d3 nodes/links."""
from __future__ import annotations

import json

from ..ontology import Ontology
from .shape import degrees, edge_attributes, node_attributes


def _dump(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def _colors(graph, ontology: Ontology):
    deg = degrees(graph)
    node_color = {n["id"]: ontology.kind_colors.get(n.get("kind"), "#7f7f7f") for n in graph["nodes"]}
    return deg, node_color


def cytoscape(graph, ontology: Ontology) -> bytes:
    deg, color = _colors(graph, ontology)
    nodes = [{"data": {"id": n["id"], "label": n.get("name") or n["id"], **node_attributes(n),
                       "degree": deg[n["id"]], "color": color[n["id"]]}} for n in graph["nodes"]]
    edges = []
    for e in graph["edges"]:
        attrs = edge_attributes(e, ontology)
        edges.append({"data": {"id": e["id"], "source": e["source"], "target": e["target"],
                               "label": e["type"], **attrs,
                               "color": ontology.polarity_colors.get(attrs["polarity"])}})
    return _dump({"elements": {"nodes": nodes, "edges": edges}})


def graphology(graph, ontology: Ontology) -> bytes:
    deg, color = _colors(graph, ontology)
    return _dump({
        "attributes": {"name": "ConflictGraph export"},
        "options": {"type": "mixed", "multi": True, "allowSelfLoops": False},
        "nodes": [{"key": n["id"], "attributes": {"label": n.get("name") or n["id"], **node_attributes(n),
                                                  "size": 1 + deg[n["id"]], "color": color[n["id"]]}}
                  for n in graph["nodes"]],
        "edges": [{"key": e["id"], "source": e["source"], "target": e["target"],
                   "undirected": not e["directed"],
                   "attributes": {"label": e["type"], **(a := edge_attributes(e, ontology)),
                                  "color": ontology.polarity_colors.get(a["polarity"])}}
                  for e in graph["edges"]],
    })


def d3(graph, ontology: Ontology) -> bytes:
    deg, color = _colors(graph, ontology)
    return _dump({
        "nodes": [{"id": n["id"], **node_attributes(n), "degree": deg[n["id"]], "color": color[n["id"]]}
                  for n in graph["nodes"]],
        "links": [{"id": e["id"], "source": e["source"], "target": e["target"], **edge_attributes(e, ontology)}
                  for e in graph["edges"]],
    })
