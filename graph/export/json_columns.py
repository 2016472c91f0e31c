"""JSON objects built column by column with Arrow, a slice of rows at a time: the writer the
JSON formats (json_formats.py) use for whole graphs. Row by row (a dict per row, orjson per
dict) a million relations took 13-20 s; here each member of each object is one Arrow kernel
over the slice, as GEXF and GraphML are written.

A member whose value is null is left out, as the row writers leave out None; list attributes
(kept '|'-joined in the tables) become JSON arrays again; strings are escaped as orjson
escapes them (quote, backslash, control characters).
"""
from __future__ import annotations

from typing import Iterable, Iterator, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrow_text import contains, join, text_bytes
from .shape import LIST_SEPARATOR

CHUNK = 50_000
_SHORT = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_CONTROLS = [chr(c) for c in range(0x20)]

class Quoted(NamedTuple):
    """Texts escaped for JSON that the object holding them writes between quotes in its own
    join (quoting a column by itself copied every byte of it once more)."""
    text: pa.Array


class Nested(NamedTuple):
    """An object every row has as a member, written inside its parent's join."""
    members: list


Member = tuple[str, "pa.Array | Quoted | Nested"]   # (key, each row's JSON text; null: no member)


def escaped(values) -> pa.Array:
    """Texts escaped as a JSON string's inside. A pass runs only for what some row holds (a
    byte search first; each pass copies the column): ids, dates and vocabularies need none,
    and evidence summaries, joined by newlines, need one pass, not one per control character."""
    raw = text_bytes(values)
    for c, escape in (("\\", "\\\\"), ('"', '\\"'),
                      *((c, _SHORT.get(c, f"\\u{ord(c):04x}")) for c in _CONTROLS)):
        if c.encode() in raw:
            values = pc.replace_substring(values, c, escape)
    return values


def string(values) -> pa.Array:
    """Texts as JSON strings."""
    return join('"', escaped(values), '"')


def quoted(values) -> Quoted:
    """Texts as JSON strings, for a member of an object (quoted in the object's join)."""
    return Quoted(escaped(values))


def listed(values) -> pa.Array:
    """'|'-joined texts as JSON arrays of strings."""
    inside = escaped(values)
    if contains(inside, (LIST_SEPARATOR.encode(),)):
        inside = pc.replace_substring(inside, LIST_SEPARATOR, '","')
    return join('["', inside, '"]')


def value(values, is_list: bool = False) -> "pa.Array | Quoted":
    """Any table column as the JSON text of each value (null where null), for a member."""
    t = values.type
    if pa.types.is_boolean(t):
        return pc.if_else(values, "true", "false")
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        return pc.cast(values, pa.string())
    return listed(values) if is_list else quoted(values)


def constant(text: str, n: int) -> pa.Array:
    return pa.array(np.full(n, text, dtype=object), pa.string())


def _rows(v) -> pa.Array | None:
    """What tells which rows have the member (None: a nested object, which every row has)."""
    return None if isinstance(v, Nested) else v.text if isinstance(v, Quoted) else v


def _present(members: Iterable[Member]) -> list[Member]:
    """The members some row has (a slice of a million relations has a dozen columns no row
    has a value in)."""
    return [(k, v) for k, v in members if (rows := _rows(v)) is None or rows.null_count < len(rows)]


def _always(v) -> bool:
    rows = _rows(v)
    return rows is None or rows.null_count == 0


def _parts(members: list[Member], n: int) -> list:
    """The texts and columns whose join writes these members, the first without its comma,
    which needs the first member in every row."""
    parts: list = []
    for i, (key, v) in enumerate(members):
        head = f'{"," if i else ""}"{key}":'
        if isinstance(v, Nested):
            inner = _present(v.members)
            if inner and _always(inner[0][1]):
                parts += [head + "{", *_parts(inner, n), "}"]
                continue
            v = obj(v.members, n)
        if _always(v):
            parts += [head + '"', v.text, '"'] if isinstance(v, Quoted) else [head, v]
        else:   # some rows lack it: key and value joined, empty where null
            parts.append((join(f',"{key}":"', v.text, '"') if isinstance(v, Quoted) else join(f',"{key}":', v))
                         .fill_null(""))
    return parts


def obj(members: Iterable[Member], n: int, after: str = "") -> pa.Array:
    """One JSON object per row from its members, in order, nulls left out, each followed by
    `after`. The whole object, nested objects and quotes included, is one join (each pass
    over the texts copies every byte of them: at a million relations these joins were most
    of the writing). Only when the first member can be missing is a leading comma cut off
    afterwards."""
    members = _present(members)
    if not members:
        return constant("{}" + after, n)
    if _always(members[0][1]):
        return join("{", *_parts(members, n), "}" + after)
    return join("{", pc.utf8_slice_codeunits(join(*_parts(members, n)), 1), "}" + after)   # the first member's comma off


def array(table: pa.Table, items) -> Iterator[bytes]:
    """A JSON array of the table's rows, in slices of CHUNK rows: items(slice) gives each
    row's JSON text followed by a comma (obj(..., after=",")), the last one's cut off here."""
    yield b"["
    first = True
    for start in range(0, table.num_rows, CHUNK):
        t = table.slice(start, CHUNK)
        data = text_bytes(items(t))[:-1]
        yield data if first else b"," + data
        first = False
    yield b"]"
