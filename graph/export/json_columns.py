"""JSON objects built column by column with Arrow, a slice of rows at a time: the writer the
JSON formats (json_formats.py) use for whole graphs. Row by row (a dict per row, orjson per
dict) a million relations took 13-20 s; here each member of each object is one Arrow kernel
over the slice, as GEXF and GraphML are written.

A member whose value is null is left out, as the row writers leave out None; list attributes
(kept '|'-joined in the tables) become JSON arrays again; strings are escaped as orjson
escapes them (quote, backslash, control characters).
"""
from __future__ import annotations

from typing import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrow_text import contains, join, text_bytes
from .shape import LIST_SEPARATOR

CHUNK = 50_000
_SHORT = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_CONTROLS = [chr(c) for c in range(0x20)]
_CONTROL_BYTES = tuple(c.encode() for c in _CONTROLS)

Member = tuple[str, pa.Array]   # (key, the JSON text of each row's value; null: no member)


def string(values) -> pa.Array:
    """Texts as JSON strings."""
    values = pc.replace_substring(values, "\\", "\\\\")
    values = pc.replace_substring(values, '"', '\\"')
    if contains(values, _CONTROL_BYTES):
        for c in _CONTROLS:
            values = pc.replace_substring(values, c, _SHORT.get(c, f"\\u{ord(c):04x}"))
    return join('"', values, '"')


def listed(values) -> pa.Array:
    """'|'-joined texts as JSON arrays of strings."""
    quoted = string(values)
    return join("[", pc.replace_substring(quoted, LIST_SEPARATOR, '","'), "]")


def value(values, is_list: bool = False) -> pa.Array:
    """Any table column as the JSON text of each value (null where null)."""
    t = values.type
    if pa.types.is_boolean(t):
        return pc.if_else(values, "true", "false")
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        return pc.cast(values, pa.string())
    return listed(values) if is_list else string(values)


def constant(text: str, n: int) -> pa.Array:
    return pa.array(np.full(n, text, dtype=object), pa.string())


def obj(members: Iterable[Member], n: int) -> pa.Array:
    """One JSON object per row from its members, in order, nulls left out."""
    pieces = [join(f',"{key}":', v).fill_null("") for key, v in members]
    if not pieces:
        return constant("{}", n)
    body = join(*pieces) if len(pieces) > 1 else pieces[0]
    return join("{", pc.utf8_slice_codeunits(body, 1), "}")   # the first member's comma off


def array(table: pa.Table, items) -> Iterator[bytes]:
    """A JSON array of items(slice) for the table's rows, in slices of CHUNK rows."""
    yield b"["
    first = True
    for start in range(0, table.num_rows, CHUNK):
        t = table.slice(start, CHUNK)
        data = text_bytes(join(items(t), ","))[:-1]   # each item with its comma, the last one's off
        yield data if first else b"," + data
        first = False
    yield b"]"
