"""GraphML through networkx: a multigraph, lists joined with '|', empty values left out.

For Gephi's GraphML importer, each node also carries `label` (its name) and `r`, `g`, `b`
(the colour of its kind), each edge `label` (its type) and `r`, `g`, `b` (the colour of its
polarity): the palette of the GEXF export, from the same ontology. Every edge is directed,
with a `directed` attribute false for symmetric types: networkx, the main reader of this
format, refuses GraphML's per-edge `directed="false"` in a directed graph (GEXF, Gephi's own
format, does carry undirected edges)."""
from __future__ import annotations

import networkx as nx

from ..ontology import Ontology
from .shape import edge_attributes, flatten, node_attributes


def _rgb(hex_colour: str) -> dict[str, int]:
    h = hex_colour.lstrip("#")
    return {"r": int(h[0:2], 16), "g": int(h[2:4], 16), "b": int(h[4:6], 16)}


def write(graph, ontology: Ontology) -> bytes:
    g = nx.MultiDiGraph()
    for n in graph["nodes"]:
        attrs = flatten(node_attributes(n))
        g.add_node(n["id"], **attrs, label=n.get("name") or n["id"],
                   **_rgb(ontology.kind_colors.get(n.get("kind"), "#7f7f7f")))
    for e in graph["edges"]:
        attrs = flatten(edge_attributes(e, ontology))
        # GraphML's edge id is the relation id, so parallel relations stay apart.
        g.add_edge(e["source"], e["target"], key=e["id"], **attrs, label=e["type"],
                   **_rgb(ontology.polarity_colors.get(attrs.get("polarity"), "#999999")))
    return "\n".join(nx.generate_graphml(g, edge_id_from_attribute=None, named_key_ids=True)).encode()
