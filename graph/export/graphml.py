"""GraphML through networkx: a multigraph, lists joined with '|', empty values left out."""
from __future__ import annotations

import networkx as nx

from ..ontology import Ontology
from .shape import edge_attributes, flatten, node_attributes


def write(graph, ontology: Ontology) -> bytes:
    g = nx.MultiDiGraph()
    for n in graph["nodes"]:
        g.add_node(n["id"], **flatten(node_attributes(n)))
    for e in graph["edges"]:
        # GraphML's edge id is the relation id, so parallel relations stay apart.
        g.add_edge(e["source"], e["target"], key=e["id"], **flatten(edge_attributes(e, ontology)))
    return "\n".join(nx.generate_graphml(g, edge_id_from_attribute=None, named_key_ids=True)).encode()
