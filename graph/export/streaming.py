"""Gephi Graph Streaming events: one JSON object per line, `an` (add node) then `ae` (add
edge), as Gephi's "Connect to stream" client reads them; written from the export tables a
slice of rows at a time."""
from __future__ import annotations

from typing import Iterator

import orjson
import pyarrow as pa

from ..ontology import Ontology
from .rows import batches, flat_attributes
from .shape import EDGE_COLUMNS, NODE_COLUMNS
from .tables import from_graph, with_events


def stream(nodes: pa.Table, edges: pa.Table, ontology: Ontology) -> Iterator[bytes]:
    for rows in batches(nodes):
        yield b"".join(orjson.dumps({"an": {r["id"]: {"label": r.get("label") or r["id"],
                                                      **flat_attributes(r, NODE_COLUMNS)}}}) + b"\r\n"
                       for r in rows)
    for rows in batches(edges):
        yield b"".join(orjson.dumps({"ae": {r["id"]: {"source": r["source"], "target": r["target"],
                                                      "label": r["relation_type"],
                                                      **flat_attributes(r, EDGE_COLUMNS)}}}) + b"\r\n"
                       for r in rows)


def events(graph, ontology: Ontology, conflict_events=None) -> Iterator[bytes]:
    """The stream events for a graph in the API's shape (a subgraph), with its conflict events
    (GraphService.neighbourhood_events) as nodes if given."""
    return stream(*with_events(*from_graph(graph, ontology), conflict_events or [], ontology), ontology)
