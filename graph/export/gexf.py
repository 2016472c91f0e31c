"""GEXF 1.3 for Gephi, written column by column with Arrow and streamed in chunks.

networkx's write_gexf misnames the 1.3 schema namespace, writes an invalid `name` on
<graph>, reads lists as time data and collides on an attribute called `type`; ElementTree
took ~12 s per 100k relations. So the XML is assembled here, a column at a time (escaping
and concatenation run in Arrow's compute kernels), and validated in the tests against the
official GEXF 1.3 RELAX NG schema.

Input is two tables (graph/export/tables.py builds them from the API's graph shape, the
embedded store's projection builds them straight from its columns): nodes with `id`,
`label`, `size` and one column per attribute; edges with `id`, `source`, `target`,
`directed`, `start`, `end` and one column per attribute. A null attribute is left out.

The graph is `dynamic` with `timeformat="date"`: a relation's start and end become its edge
interval (a partial date widened to the first or last day it covers), so Gephi's timeline
works; relations and actors without dates are static. An export with events has them as
nodes (kind "event") whose interval is the span of the event's date, joined to their
participants by PARTICIPATED_IN edges over the same span: they appear on the timeline then.
"""
from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Iterator

from xml.sax.saxutils import escape as xml_escape

import pyarrow as pa
import pyarrow.compute as pc

from ..ontology import Ontology
from ..text_rules import XML_INVALID_RE2
from .arrow_text import INVALID, by_key, contains, escape, join, labels, text, text_bytes, value
from .rows import present
from .shape import EDGE_COLUMNS as TABLE_EDGE_COLUMNS, NODE_COLUMNS
from .shape import EDGE_FIELDS
from .tables import from_graph

NS = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"
CHUNK = 50_000          # rows per piece: bounded memory for a million-relation export

# `directed` is GEXF's own edge type here, not an attribute.
EDGE_COLUMNS = (*TABLE_EDGE_COLUMNS, "directed")
def _type(values: pa.ChunkedArray) -> str:
    t = values.type
    return "integer" if pa.types.is_integer(t) else "boolean" if pa.types.is_boolean(t) else "string"


def _token(values) -> pa.Array:
    # xsd:token: no leading, trailing or repeated spaces. What XML cannot hold goes first: some
    # of it (U+000B, U+001F) counts as whitespace, and "Evil\x0bCorp" would become "Evil Corp".
    if contains(values, INVALID):
        values = pc.replace_substring_regex(values, XML_INVALID_RE2, "")
    return pc.binary_join(pc.utf8_split_whitespace(pc.utf8_trim_whitespace(values)), " ")


def _optional(name: str, values) -> pa.Array:
    """` name="value"` where there is a value, "" where it is null."""
    return join(f' {name}="', escape(text(values)), '"').fill_null("")


def _attvalues(table: pa.Table, names: list[str]) -> pa.Array:
    # A null value makes its whole piece null, then empty.
    pieces = [join(f'<attvalue for="{n}" value="', value(table[n]), '"/>').fill_null("") for n in names]
    if not pieces:
        return pa.array([""] * table.num_rows)
    wrapped = join("<attvalues>", join(*pieces), "</attvalues>")
    return pc.replace_substring(wrapped, "<attvalues></attvalues>", "")   # no attributes: no element


def _rgb(hex_color: str) -> str:
    h = hex_color.lstrip("#")
    return f'<viz:color r="{int(h[0:2], 16)}" g="{int(h[2:4], 16)}" b="{int(h[4:6], 16)}"/>'


def _colors(keys, palette: dict, default: str) -> pa.Array:
    """The viz:color element of each row, by its key in `palette`."""
    return by_key(keys, {k: _rgb(v) for k, v in palette.items()}, _rgb(default))


def _declare(cls: str, table: pa.Table, names: list[str]) -> str:
    # The id is the name too: some readers (graphology-gexf) key values by id, others
    # (Gephi, networkx) by title.
    rows = "".join(f'<attribute id="{n}" title="{n}" type="{_type(table[n])}"/>' for n in names)
    return f'<attributes class="{cls}" mode="static">{rows}</attributes>'


def _in_order(pool: ThreadPoolExecutor, work, items, ahead: int = 2) -> Iterator[bytes]:
    """pool.map with at most `ahead` results waiting: bounded memory for huge exports."""
    pending: deque = deque()
    for item in items:
        pending.append(pool.submit(work, item))
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _node_xml(t: pa.Table, names: list[str], ontology: Ontology) -> bytes:
    label = _token(labels(t))
    kind = t["kind"] if "kind" in t.column_names else pa.nulls(t.num_rows, pa.string())
    return text_bytes(join('<node id="', escape(t["id"]), '" label="', escape(label), '"',
                        _optional("start", t["start"]), _optional("end", t["end"]), ">",
                        _attvalues(t, names), _colors(kind, ontology.node_colors, "#7f7f7f"),
                        '<viz:size value="', pc.cast(t["size"], pa.string()), '.0"/></node>'))


def _edge_xml(t: pa.Table, names: list[str], ontology: Ontology) -> bytes:
    # Symmetric types are undirected edges: Gephi draws them without arrows. (networkx reads
    # no mixed graph, GEXF or otherwise: its users take the GraphML export.)
    kind = escape(t["relation_type"])
    return text_bytes(join('<edge id="', escape(t["id"]), '" source="', escape(t["source"]),
                        '" target="', escape(t["target"]), '" type="',
                        pc.if_else(t["directed"], "directed", "undirected"), '" kind="', kind, '" label="', kind, '"',
                        _optional("start", t["start"]), _optional("end", t["end"]), ">",
                        _attvalues(t, names), _colors(t["polarity"], ontology.polarity_colors, "#999999"),
                        "</edge>"))


def write(graph, ontology: Ontology, *, version: str | None = None) -> bytes:
    return b"".join(stream(*from_graph(graph, ontology), ontology, version=version))


def stream(nodes: pa.Table, edges: pa.Table, ontology: Ontology, *, version: str | None = None) -> Iterator[bytes]:
    """The document in pieces, from the tables of graph/export/tables.py; `version`: the
    graph version it was exported from, named in the file's own meta (keywords and
    description), so a file on a reader's disk says which graph it holds."""
    node_names = sorted(present(nodes, [c for c in nodes.column_names if c not in NODE_COLUMNS]))
    extras = sorted(set(edges.column_names) - set(EDGE_FIELDS) - set(EDGE_COLUMNS))
    edge_names = present(edges, [n for n in (*EDGE_FIELDS, *extras) if n in edges.column_names])
    yield (f'<?xml version="1.0" encoding="utf-8"?>\n<gexf xmlns="{NS}" xmlns:viz="{VIZ}" version="1.3">'
           f'<meta lastmodifieddate="{date.today().isoformat()}"><creator>ConflictGraph</creator>'
           + (f"<keywords>conflictgraph-version:{xml_escape(version)}</keywords>" if version else "") +
           "<description>Actors and dated, sourced relations. Edge colour: green cooperative, red "
           "hostile, grey structural; node colour by actor kind; node size by degree."
           + (f" ConflictGraph version {xml_escape(version)}." if version else "") + "</description></meta>"
           # No defaultedgetype: every edge states its own type, and Gephi (0.10) reads a graph
           # without one as mixed, keeping directed and undirected edges; with "directed" it
           # drops every undirected edge, and it does not know "mutual".
           '<graph mode="dynamic" timeformat="date">'
           f'{_declare("node", nodes, node_names)}{_declare("edge", edges, edge_names)}'
           f'<nodes count="{nodes.num_rows}">').encode()
    # Arrow's kernels release the GIL: two chunks are built at once, and yielded in order.
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield from _in_order(pool, lambda i: _node_xml(nodes.slice(i, CHUNK), node_names, ontology),
                             range(0, nodes.num_rows, CHUNK))
        yield f'</nodes><edges count="{edges.num_rows}">'.encode()
        yield from _in_order(pool, lambda i: _edge_xml(edges.slice(i, CHUNK), edge_names, ontology),
                             range(0, edges.num_rows, CHUNK))
    yield b"</edges></graph></gexf>"
