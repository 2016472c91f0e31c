"""Texts of many rows at once, with Arrow's kernels: what the column-by-column export writers
(gexf.py, graphml.py, json_columns.py) share — XML escaping, joining, a column as values,
a palette looked up per row, the bytes of a string array back to back, each row's label."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..text_rules import XML_INVALID_RE2

ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
           ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))
SPECIAL = tuple(raw.encode() for raw, _ in ESCAPES)
# What XML 1.0 cannot hold, as UTF-8 bytes: C0 controls but tab, newline and carriage
# return, and U+FFFE/U+FFFF (text_rules.XML_INVALID; a valid UTF-8 buffer has no surrogates).
INVALID = (*(bytes([b]) for b in range(0x20) if b not in (0x09, 0x0A, 0x0D)), b"\xef\xbf\xbe", b"\xef\xbf\xbf")


def chunk_bytes(chunk) -> bytes:
    """The bytes of a string array's texts, back to back: only its rows' part of the data
    buffer (a slice of a large column shares the whole column's buffer: copying all of it
    for every slice made a million-relation GEXF spend most of its time copying)."""
    if len(chunk) == 0 or chunk.buffers()[2] is None:
        return b""
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(chunk.buffers()[1], dtype=width, count=chunk.offset + len(chunk) + 1)
    start, end = int(offsets[chunk.offset]), int(offsets[-1])
    return chunk.buffers()[2].slice(start, end - start).to_pybytes()


def contains(values, needles) -> bool:
    """Whether any text holds one of `needles`: a byte search over the rows' bytes (memchr speed)."""
    for chunk in getattr(values, "chunks", [values]):
        raw = chunk_bytes(chunk)
        if any(c in raw for c in needles):
            return True
    return False


def escape(values) -> pa.Array:
    """Attribute-value escaping, as ElementTree does it, of text XML can hold: characters it
    cannot are dropped, so no export is malformed whatever the store gives it. A pass runs
    only for a character some row holds (a byte search first; each pass copies the column):
    most columns (ids, dates, vocabularies) need none, evidence summaries (joined by
    newlines) one, not seven."""
    raw = text_bytes(values)
    if any(c in raw for c in INVALID):
        values = pc.replace_substring_regex(values, XML_INVALID_RE2, "")
    for (char, entity), needle in zip(ESCAPES, SPECIAL):
        if needle in raw:
            values = pc.replace_substring(values, char, entity)
    return values


def text(values) -> pa.Array:
    """A column as strings (booleans as XML's true/false)."""
    if pa.types.is_boolean(values.type):
        return pc.if_else(values, "true", "false")
    return values if pa.types.is_string(values.type) or pa.types.is_large_string(values.type) \
        else pc.cast(values, pa.string())


def value(values) -> pa.Array:
    """A column's values as XML attribute text (strings escaped)."""
    shown = text(values)
    return escape(shown) if pa.types.is_string(values.type) or pa.types.is_large_string(values.type) else shown


def join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def text_bytes(values) -> bytes:
    """All the texts of a string array, back to back: its data buffer between the first
    and last offsets (no Python string per row)."""
    return b"".join(chunk_bytes(chunk) for chunk in getattr(values, "chunks", [values]))


def by_key(keys, texts: dict, default: str) -> pa.Array:
    """Each row's text from `texts` by its key (`default` for a key not there or null)."""
    choices = list(texts)
    elements = pa.array([texts[k] for k in choices] + [default], pa.string())
    position = pc.index_in(keys, value_set=pa.array(choices, keys.type)).fill_null(len(choices))
    return pc.take(elements, position)


def labels(t: pa.Table) -> pa.Array:
    """Each node's label, its id where it has none (null or empty)."""
    label = t["label"] if "label" in t.column_names else t["id"]
    return pc.if_else(pc.fill_null(pc.equal(label, ""), True), t["id"], label)
