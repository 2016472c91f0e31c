"""JSON exports for frontends: Cytoscape.js elements, graphology, d3 nodes/links.

Each is written as a stream from the export tables, a slice of rows at a time, column by
column (graph/export/json_columns.py); `write`-style functions join the stream for a graph in the API's shape.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from ..ontology import Ontology
from . import json_columns as jc
from .arrow_text import by_key, labels
from .rows import list_attributes
from .shape import EDGE_COLUMNS, NODE_COLUMNS
from .tables import from_graph

Members = Callable[[pa.Table, dict[str, Any]], list[jc.Member]]


def _colours(keys, palette: dict, default: str | None) -> pa.Array:
    """Each row's colour from `palette` by its key, as a JSON string (null: JSON null)."""
    return by_key(keys, {k: orjson.dumps(v).decode() for k, v in palette.items()}, orjson.dumps(default).decode())


def _streamer(head: bytes, node_key: bytes, edge_key: bytes, tail: bytes,
              node: Members, edge: Members) -> Callable[..., Iterator[bytes]]:
    def stream(nodes: pa.Table, edges: pa.Table, ontology: Ontology, *, version: str | None = None) -> Iterator[bytes]:
        """`version`: the graph version exported, as a top-level "conflictgraph" field."""
        lists = list_attributes(ontology)

        def attrs(t: pa.Table, own) -> list[jc.Member]:
            return [(n, jc.value(t[n], n in lists)) for n in t.column_names if n not in own]

        def node_items(t: pa.Table) -> pa.Array:
            size = t["size"].to_numpy(zero_copy_only=False)
            label = labels(t)
            x = {"attrs": attrs(t, NODE_COLUMNS), "id": jc.quoted(t["id"]), "label": jc.quoted(label),
                 "degree": (size - 4) // 2,
                 "color": _colours(t["kind"], ontology.node_colors, "#7f7f7f")}
            return jc.obj(node(t, x), t.num_rows, after=",")

        def edge_items(t: pa.Table) -> pa.Array:
            x = {"attrs": attrs(t, EDGE_COLUMNS), "id": jc.quoted(t["id"]), "source": jc.quoted(t["source"]),
                 "target": jc.quoted(t["target"]), "label": jc.quoted(t["relation_type"]),
                 "color": _colours(t["polarity"], ontology.polarity_colors, None)}
            return jc.obj(edge(t, x), t.num_rows, after=",")
        stamp = b'"conflictgraph":' + orjson.dumps({"version": version}) + b"," if version else b""
        yield head[:1] + stamp + head[1:] + node_key
        yield from jc.array(nodes, node_items)
        yield edge_key
        yield from jc.array(edges, edge_items)
        yield tail
    return stream


def _data(members: list[jc.Member]) -> list[jc.Member]:
    return [("data", jc.Nested(members))]


cytoscape_stream = _streamer(
    b'{"elements":{', b'"nodes":', b',"edges":', b"}}",
    lambda t, x: _data([("id", x["id"]), ("label", x["label"]), *x["attrs"], ("degree", jc.value(pa.array(x["degree"]))),
                        ("color", x["color"])]),
    lambda t, x: _data([("id", x["id"]), ("source", x["source"]), ("target", x["target"]), ("label", x["label"]),
                        *x["attrs"], ("color", x["color"])]))

graphology_stream = _streamer(
    b'{"attributes":{"name":"ConflictGraph export"},'
    b'"options":{"type":"mixed","multi":true,"allowSelfLoops":false},', b'"nodes":', b',"edges":', b"}",
    lambda t, x: [("key", x["id"]), ("attributes", jc.Nested(
        [("label", x["label"]), *x["attrs"], ("size", jc.value(pa.array(1 + x["degree"]))), ("color", x["color"])]))],
    lambda t, x: [("key", x["id"]), ("source", x["source"]), ("target", x["target"]),
                  ("undirected", pc.if_else(t["directed"], "false", "true")),
                  ("attributes", jc.Nested([("label", x["label"]), *x["attrs"], ("color", x["color"])]))])

d3_stream = _streamer(
    b"{", b'"nodes":', b',"links":', b"}",
    lambda t, x: [("id", x["id"]), *x["attrs"], ("degree", jc.value(pa.array(x["degree"]))), ("color", x["color"])],
    lambda t, x: [("id", x["id"]), ("source", x["source"]), ("target", x["target"]), *x["attrs"]])


def _writer(stream):
    def write(graph, ontology: Ontology, *, version: str | None = None) -> bytes:
        return b"".join(stream(*from_graph(graph, ontology), ontology, version=version))
    return write


cytoscape, graphology, d3 = _writer(cytoscape_stream), _writer(graphology_stream), _writer(d3_stream)
