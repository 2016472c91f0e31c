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

import numpy as np

import pyarrow as pa
import pyarrow.compute as pc

from ..ontology import Ontology
from ..text_rules import XML_INVALID_RE2
from .rows import present
from .shape import EDGE_COLUMNS as TABLE_EDGE_COLUMNS, NODE_COLUMNS
from .shape import EDGE_FIELDS
from .tables import from_graph

NS = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"
CHUNK = 50_000          # rows per piece: bounded memory for a million-relation export

# `directed` is GEXF's own edge type here, not an attribute.
EDGE_COLUMNS = (*TABLE_EDGE_COLUMNS, "directed")
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
            ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))
_SPECIAL = tuple(raw.encode() for raw, _ in _ESCAPES)
# What XML 1.0 cannot hold, as UTF-8 bytes: C0 controls but tab, newline and carriage
# return, and U+FFFE/U+FFFF (text_rules.XML_INVALID; a valid UTF-8 buffer has no surrogates).
_INVALID = (*(bytes([b]) for b in range(0x20) if b not in (0x09, 0x0A, 0x0D)), b"\xef\xbf\xbe", b"\xef\xbf\xbf")


def _data(chunk) -> bytes:
    """The bytes of a string array's texts, back to back: only its rows' part of the data
    buffer (a slice of a large column shares the whole column's buffer: copying all of it
    for every slice made a million-relation GEXF spend most of its time copying)."""
    if len(chunk) == 0 or chunk.buffers()[2] is None:
        return b""
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(chunk.buffers()[1], dtype=width, count=chunk.offset + len(chunk) + 1)
    start, end = int(offsets[chunk.offset]), int(offsets[-1])
    return chunk.buffers()[2].slice(start, end - start).to_pybytes()


def _contains(values, needles) -> bool:
    """Whether any text holds one of `needles`: a byte search over the rows' bytes (memchr speed)."""
    for chunk in getattr(values, "chunks", [values]):
        raw = _data(chunk)
        if any(c in raw for c in needles):
            return True
    return False


def _type(values: pa.ChunkedArray) -> str:
    t = values.type
    return "integer" if pa.types.is_integer(t) else "boolean" if pa.types.is_boolean(t) else "string"


def _escape(values) -> pa.Array:
    """Attribute-value escaping, as ElementTree does it, of text XML can hold: characters it
    cannot are dropped, so no export is malformed whatever the store gives it."""
    if _contains(values, _INVALID):
        values = pc.replace_substring_regex(values, XML_INVALID_RE2, "")
    if not _contains(values, _SPECIAL):
        return values   # most columns (ids, dates, vocabularies) need none: skip 7 passes
    for raw, entity in _ESCAPES:
        values = pc.replace_substring(values, raw, entity)
    return values


def _text(values) -> pa.Array:
    if pa.types.is_boolean(values.type):
        return pc.if_else(values, "true", "false")
    return values if pa.types.is_string(values.type) or pa.types.is_large_string(values.type) \
        else pc.cast(values, pa.string())


def _value(values) -> pa.Array:
    text = _text(values)
    return _escape(text) if pa.types.is_string(values.type) else text


def _token(values) -> pa.Array:
    # xsd:token: no leading, trailing or repeated spaces. What XML cannot hold goes first: some
    # of it (U+000B, U+001F) counts as whitespace, and "Evil\x0bCorp" would become "Evil Corp".
    if _contains(values, _INVALID):
        values = pc.replace_substring_regex(values, XML_INVALID_RE2, "")
    return pc.binary_join(pc.utf8_split_whitespace(pc.utf8_trim_whitespace(values)), " ")


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _optional(name: str, values) -> pa.Array:
    """` name="value"` where there is a value, "" where it is null."""
    return _join(f' {name}="', _escape(_text(values)), '"').fill_null("")


def _attvalues(table: pa.Table, names: list[str]) -> pa.Array:
    # A null value makes its whole piece null, then empty.
    pieces = [_join(f'<attvalue for="{n}" value="', _value(table[n]), '"/>').fill_null("") for n in names]
    if not pieces:
        return pa.array([""] * table.num_rows)
    wrapped = _join("<attvalues>", _join(*pieces), "</attvalues>")
    return pc.replace_substring(wrapped, "<attvalues></attvalues>", "")   # no attributes: no element


def _rgb(hex_color: str) -> str:
    h = hex_color.lstrip("#")
    return f'<viz:color r="{int(h[0:2], 16)}" g="{int(h[2:4], 16)}" b="{int(h[4:6], 16)}"/>'


def _colors(keys, palette: dict, default: str) -> pa.Array:
    """The viz:color element of each row, by its key in `palette`."""
    choices = list(palette)
    elements = pa.array([_rgb(palette[k]) for k in choices] + [_rgb(default)])
    position = pc.index_in(keys, value_set=pa.array(choices, keys.type)).fill_null(len(choices))
    return pc.take(elements, position)


def _declare(cls: str, table: pa.Table, names: list[str]) -> str:
    # The id is the name too: some readers (graphology-gexf) key values by id, others
    # (Gephi, networkx) by title.
    rows = "".join(f'<attribute id="{n}" title="{n}" type="{_type(table[n])}"/>' for n in names)
    return f'<attributes class="{cls}" mode="static">{rows}</attributes>'


def _bytes(values) -> bytes:
    """All the texts of a string array, back to back: its data buffer between the first
    and last offsets (no Python string per row)."""
    return b"".join(_data(chunk) for chunk in getattr(values, "chunks", [values]))


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
    label = _token(pc.if_else(pc.greater(pc.binary_length(t["label"].fill_null("")), 0), t["label"], t["id"]))
    kind = t["kind"] if "kind" in t.column_names else pa.nulls(t.num_rows, pa.string())
    return _bytes(_join('<node id="', _escape(t["id"]), '" label="', _escape(label), '"',
                        _optional("start", t["start"]), _optional("end", t["end"]), ">",
                        _attvalues(t, names), _colors(kind, ontology.node_colors, "#7f7f7f"),
                        '<viz:size value="', pc.cast(t["size"], pa.string()), '.0"/></node>'))


def _edge_xml(t: pa.Table, names: list[str], ontology: Ontology) -> bytes:
    # Symmetric types are undirected edges: Gephi draws them without arrows. (networkx reads
    # no mixed graph, GEXF or otherwise: its users take the GraphML export.)
    kind = _escape(t["relation_type"])
    return _bytes(_join('<edge id="', _escape(t["id"]), '" source="', _escape(t["source"]),
                        '" target="', _escape(t["target"]), '" type="',
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
