"""GraphML, written as a stream from the export tables: lists joined with '|', empty values
left out, booleans as the spec's `true`/`false`.

For Gephi's GraphML importer, each node also carries `label` (its name) and `r`, `g`, `b`
(the colour of its kind), each edge `label` (its type) and `r`, `g`, `b` (the colour of its
polarity): the palette of the GEXF export, from the same ontology. Every edge is directed,
with a `directed` attribute false for symmetric types: networkx, the main reader of this
format, refuses GraphML's per-edge `directed="false"` in a directed graph (GEXF, Gephi's own
format, does carry undirected edges). Edge ids are relation ids, so parallel relations stay
apart.
"""
from __future__ import annotations

from typing import Any, Iterator
from xml.sax.saxutils import escape, quoteattr

import pyarrow as pa

from ..ontology import Ontology
from ..text_rules import xml_safe
from .rows import batches, flat_attributes, present
from .shape import EDGE_COLUMNS, NODE_COLUMNS
from .tables import from_graph

NS = "http://graphml.graphdrawing.org/xmlns"
_RGB = ("r", "g", "b")


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _type(t: pa.DataType) -> str:
    return "boolean" if pa.types.is_boolean(t) else "long" if pa.types.is_integer(t) else \
        "double" if pa.types.is_floating(t) else "string"


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return escape(xml_safe(str(v)))   # characters XML cannot hold are dropped, whatever the store holds


def _data(attrs: dict[str, Any]) -> str:
    return "".join(f'<data key={quoteattr(k)}>{_value(v)}</data>' for k, v in attrs.items())


def _keys(cls: str, table: pa.Table, names: list[str]) -> str:
    keys = [(n, _type(table.schema.field(n).type)) for n in names]
    keys += [("label", "string")] + [(c, "long") for c in _RGB]
    # Key ids are the attribute names (a node's and an edge's `label` share one), as Gephi's
    # importer looks for `label`, `r`, `g`, `b` by id.
    return "".join(f'<key id={quoteattr(n)} for="{cls}" attr.name={quoteattr(n)} attr.type="{t}"/>'
                   for n, t in keys)


def stream(nodes: pa.Table, edges: pa.Table, ontology: Ontology, *, version: str | None = None) -> Iterator[bytes]:
    """The document in pieces; `version` (the graph version exported) in the graph's <desc>."""
    node_names = present(nodes, [n for n in nodes.column_names if n not in NODE_COLUMNS])
    edge_names = present(edges, [n for n in edges.column_names if n not in EDGE_COLUMNS])
    yield (f'<?xml version="1.0" encoding="utf-8"?>\n<graphml xmlns="{NS}">'
           f'{_keys("node", nodes, node_names)}{_keys("edge", edges, edge_names)}'
           '<graph edgedefault="directed">'
           + (f"<desc>ConflictGraph version {escape(xml_safe(version))}</desc>" if version else "")).encode()
    for rows in batches(nodes):
        parts = []
        for r in rows:
            attrs = flat_attributes(r, NODE_COLUMNS)
            attrs["label"] = r.get("label") or r["id"]
            attrs.update(zip(_RGB, _rgb(ontology.node_colors.get(r.get("kind"), "#7f7f7f"))))
            parts.append(f'<node id={quoteattr(xml_safe(r["id"]))}>{_data(attrs)}</node>')
        yield "".join(parts).encode()
    for rows in batches(edges):
        parts = []
        for r in rows:
            attrs = flat_attributes(r, EDGE_COLUMNS)
            attrs["label"] = attrs["relation_type"]
            attrs.update(zip(_RGB, _rgb(ontology.polarity_colors.get(attrs.get("polarity"), "#999999"))))
            parts.append(f'<edge id={quoteattr(xml_safe(r["id"]))} source={quoteattr(xml_safe(r["source"]))} '
                         f'target={quoteattr(xml_safe(r["target"]))}>{_data(attrs)}</edge>')
        yield "".join(parts).encode()
    yield b"</graph></graphml>"


def write(graph, ontology: Ontology, *, version: str | None = None) -> bytes:
    return b"".join(stream(*from_graph(graph, ontology), ontology, version=version))
