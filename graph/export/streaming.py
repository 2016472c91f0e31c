"""Gephi Graph Streaming events: one JSON object per line, `an` (add node) then `ae` (add
edge), as Gephi's "Connect to stream" client reads them; written from the export tables a
slice of rows at a time."""
from __future__ import annotations

from typing import Iterator

import pyarrow as pa

from ..ontology import Ontology
from . import json_columns as jc
from .arrow_text import join, labels, text_bytes
from .shape import EDGE_COLUMNS, NODE_COLUMNS
from .tables import from_graph, with_events


def stream(nodes: pa.Table, edges: pa.Table, ontology: Ontology) -> Iterator[bytes]:
    """Column by column (json_columns.py), a slice of rows at a time."""
    for start in range(0, nodes.num_rows, jc.CHUNK):
        t = nodes.slice(start, jc.CHUNK)
        attrs = [("label", jc.string(labels(t)))] + [(n, jc.value(t[n])) for n in t.column_names if n not in NODE_COLUMNS]
        yield text_bytes(join('{"an":{', jc.string(t["id"]), ":", jc.obj(attrs, t.num_rows), "}}\r\n"))
    for start in range(0, edges.num_rows, jc.CHUNK):
        t = edges.slice(start, jc.CHUNK)
        attrs = [("source", jc.string(t["source"])), ("target", jc.string(t["target"])),
                 ("label", jc.string(t["relation_type"]))]
        attrs += [(n, jc.value(t[n])) for n in t.column_names if n not in EDGE_COLUMNS]
        yield text_bytes(join('{"ae":{', jc.string(t["id"]), ":", jc.obj(attrs, t.num_rows), "}}\r\n"))


def events(graph, ontology: Ontology, conflict_events=None) -> Iterator[bytes]:
    """The stream events for a graph in the API's shape (a subgraph), with its conflict events
    (GraphService.neighbourhood_events) as nodes if given."""
    return stream(*with_events(*from_graph(graph, ontology), conflict_events or [], ontology), ontology)
