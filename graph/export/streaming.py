"""Gephi Graph Streaming events: one JSON object per line, `an` (add node) then `ae` (add
edge), as Gephi's "Connect to stream" client reads them."""
from __future__ import annotations

import json
from typing import Iterator

from ..ontology import Ontology
from .shape import edge_attributes, flatten, node_attributes


def events(graph, ontology: Ontology) -> Iterator[str]:
    for n in graph["nodes"]:
        attrs = flatten(node_attributes(n))
        yield json.dumps({"an": {n["id"]: {"label": n.get("name") or n["id"], **attrs}}},
                         ensure_ascii=False) + "\r\n"
    for e in graph["edges"]:
        attrs = flatten(edge_attributes(e, ontology))
        yield json.dumps({"ae": {e["id"]: {"source": e["source"], "target": e["target"],
                                           "label": e["type"], **attrs}}}, ensure_ascii=False) + "\r\n"
