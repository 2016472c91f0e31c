"""JSON exports for frontends: Cytoscape.js elements, graphology, d3 nodes/links.

Each is written as a stream from the export tables (graph/export/rows.py), a slice of rows
at a time; `write`-style functions join the stream for a graph in the API's shape.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

import orjson
import pyarrow as pa

from ..ontology import Ontology
from .rows import attributes, batches, degree, list_attributes
from .shape import EDGE_COLUMNS, NODE_COLUMNS
from .tables import from_graph

Item = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


def _array(table: pa.Table, item: Callable[[dict[str, Any]], dict[str, Any]]) -> Iterator[bytes]:
    """A JSON array of item(row) for every row, in slices."""
    yield b"["
    first = True
    for rows in batches(table):
        if rows:
            yield (b"" if first else b",") + b",".join(orjson.dumps(item(r)) for r in rows)
            first = False
    yield b"]"


def _streamer(head: bytes, node_key: bytes, edge_key: bytes, tail: bytes,
              node: Item, edge: Item) -> Callable[..., Iterator[bytes]]:
    def stream(nodes: pa.Table, edges: pa.Table, ontology: Ontology, *, version: str | None = None) -> Iterator[bytes]:
        """`version`: the graph version exported, as a top-level "conflictgraph" field."""
        lists = list_attributes(ontology)

        def node_item(r):
            return node(r, {"attrs": attributes(r, NODE_COLUMNS, lists), "degree": degree(r["size"]),
                            "color": ontology.node_colors.get(r.get("kind"), "#7f7f7f"),
                            "label": r.get("label") or r["id"]})

        def edge_item(r):
            attrs = attributes(r, EDGE_COLUMNS, lists)
            return edge(r, {"attrs": attrs, "color": ontology.polarity_colors.get(attrs["polarity"])})
        stamp = b'"conflictgraph":' + orjson.dumps({"version": version}) + b"," if version else b""
        yield head[:1] + stamp + head[1:] + node_key
        yield from _array(nodes, node_item)
        yield edge_key
        yield from _array(edges, edge_item)
        yield tail
    return stream


cytoscape_stream = _streamer(
    b'{"elements":{', b'"nodes":', b',"edges":', b"}}",
    lambda r, x: {"data": {"id": r["id"], "label": x["label"], **x["attrs"], "degree": x["degree"],
                           "color": x["color"]}},
    lambda r, x: {"data": {"id": r["id"], "source": r["source"], "target": r["target"],
                           "label": x["attrs"]["relation_type"], **x["attrs"], "color": x["color"]}})

graphology_stream = _streamer(
    b'{"attributes":{"name":"ConflictGraph export"},'
    b'"options":{"type":"mixed","multi":true,"allowSelfLoops":false},', b'"nodes":', b',"edges":', b"}",
    lambda r, x: {"key": r["id"], "attributes": {"label": x["label"], **x["attrs"], "size": 1 + x["degree"],
                                                 "color": x["color"]}},
    lambda r, x: {"key": r["id"], "source": r["source"], "target": r["target"],
                  "undirected": not x["attrs"]["directed"],
                  "attributes": {"label": x["attrs"]["relation_type"], **x["attrs"], "color": x["color"]}})

d3_stream = _streamer(
    b"{", b'"nodes":', b',"links":', b"}",
    lambda r, x: {"id": r["id"], **x["attrs"], "degree": x["degree"], "color": x["color"]},
    lambda r, x: {"id": r["id"], "source": r["source"], "target": r["target"], **x["attrs"]})


def _writer(stream):
    def write(graph, ontology: Ontology, *, version: str | None = None) -> bytes:
        return b"".join(stream(*from_graph(graph, ontology), ontology, version=version))
    return write


cytoscape, graphology, d3 = _writer(cytoscape_stream), _writer(graphology_stream), _writer(d3_stream)
