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

from typing import Iterator
from xml.sax.saxutils import escape as xml_escape, quoteattr

import pyarrow as pa

from ..ontology import Ontology
from ..text_rules import xml_safe
from .arrow_text import by_key, escape, join, labels, text, text_bytes, value
from .gexf import CHUNK
from .rows import present
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


def _data_columns(t: pa.Table, names: list[str]) -> pa.Array:
    """Each row's <data> elements for these columns, none where a value is null."""
    if not names:
        return pa.array([""] * t.num_rows, pa.string())
    return join(*[join(f"<data key={quoteattr(n)}>", value(t[n]), "</data>").fill_null("") for n in names])


def _colour_data(keys, palette: dict, default: str) -> pa.Array:
    """The r, g, b <data> elements of each row, by its key in `palette`."""
    def elements(hex_colour: str) -> str:
        return "".join(f'<data key="{c}">{v}</data>' for c, v in zip(_RGB, _rgb(hex_colour)))
    return by_key(keys, {k: elements(v) for k, v in palette.items()}, elements(default))


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
           + (f"<desc>ConflictGraph version {xml_escape(xml_safe(version))}</desc>" if version else "")).encode()
    # Column by column with Arrow, as GEXF is written (arrow_text.py's escaping and joins), a slice
    # of rows at a time: a row-by-row writer took 40 s for a million relations.
    for start in range(0, nodes.num_rows, CHUNK):
        t = nodes.slice(start, CHUNK)
        colours = _colour_data(t["kind"], ontology.node_colors, "#7f7f7f")
        yield text_bytes(join('<node id="', escape(t["id"]), '">', _data_columns(t, node_names),
                           '<data key="label">', escape(text(labels(t))), "</data>", colours, "</node>"))
    for start in range(0, edges.num_rows, CHUNK):
        t = edges.slice(start, CHUNK)
        colours = _colour_data(t["polarity"], ontology.polarity_colors, "#999999")
        yield text_bytes(join('<edge id="', escape(t["id"]), '" source="', escape(t["source"]), '" target="',
                           escape(t["target"]), '">', _data_columns(t, edge_names),
                           '<data key="label">', escape(t["relation_type"]), "</data>", colours, "</edge>"))
    yield b"</graph></graphml>"


def write(graph, ontology: Ontology, *, version: str | None = None) -> bytes:
    return b"".join(stream(*from_graph(graph, ontology), ontology, version=version))
