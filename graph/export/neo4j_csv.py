"""A zip of CSV files in `neo4j-admin database import` format, for bulk-loading a large graph
into Neo4j (much faster than transactions): actors.csv, documents.csv (the sources the
relations' and events' evidence cites) and relationships.csv (each with its evidence as
evidence_json and the ids of the documents it cites as document_ids); with events, also
events.csv and participations.csv (actor -PARTICIPATED_IN {role}-> event).

    neo4j-admin database import full --nodes=Actor=actors.csv --nodes=Document=documents.csv \
        --nodes=Event=events.csv --relationships=relationships.csv \
        --relationships=participations.csv neo4j

Header columns carry their types (`:ID(Actor)`, `:string[]`); lists use ';', the tool's
default array delimiter.

Two formats write it: `neo4j-csv`, the cells exactly as stored, for neo4j-admin; and `csv`,
the one a spreadsheet user downloads, in which a cell that a spreadsheet would run as a
formula (one starting with = + - @, a tab or a carriage return: `=HYPERLINK(...)`,
`+cmd|...`) is written with a leading apostrophe, so it is read as text.
"""
from __future__ import annotations

import io
import zipfile
from typing import Any, Callable, Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc

from ..ontology import PARTICIPATION, Ontology
from ..records import (ACTOR_COLUMNS, DOCUMENT_COLUMNS, EVENT_COLUMNS, RELATION_COMMON_COLUMNS, document_properties,
                       identifier_texts, stored_evidence_json)
from .arrow_text import contains, join, text_bytes

ARRAY_DELIMITER = ";"
ZIP_LEVEL = 1
ARROW_TYPES = {"string": pa.string(), "string_list": pa.list_(pa.string()), "boolean": pa.bool_(),
               "double": pa.float64(), "int64": pa.int64()}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(map(str, value))
    return str(value)


def _header(columns: dict[str, str]) -> list[str]:
    suffix = {"string_list": ":string[]", "boolean": ":boolean", "double": ":double", "int64": ":long"}
    return [c + suffix.get(t, "") for c, t in columns.items()]


def relation_columns(ontology: Ontology) -> dict[str, str]:
    """relationships.csv's property columns: the common ones, then every type's own (a
    column per property name; a relation of another type leaves it empty)."""
    props = {name: "string_list" if spec.is_list else "string"
             for t in ontology.relation_types.values() for name, spec in t.properties.items()}
    return {**RELATION_COMMON_COLUMNS, **props}


# --- the stored columns, from the API's shape (the store's projection has them as they are) ---
def actor_table(actors: list[dict[str, Any]]) -> pa.Table:
    """Actors in the API's shape as their stored columns (records.ACTOR_COLUMNS)."""
    rows = [{**a, "identifiers": identifier_texts(a.get("identifiers") or {})} for a in actors]
    return pa.table({c: pa.array([r.get(c) for r in rows], ARROW_TYPES[t]) for c, t in ACTOR_COLUMNS.items()})


def relation_table(relations: list[dict[str, Any]], ontology: Ontology) -> pa.Table:
    """Relations in the API's shape as `source`, `target`, `type` and their stored columns
    (relation_columns): evidence as the text the store holds (records.stored_evidence_json)."""
    rows = []
    for e in relations:
        evidence = e.get("evidence") or []
        rows.append({
            "source": e["source"], "target": e["target"], "type": e["type"],
            "id": e["id"], "start_date": e.get("start"), "start_precision": e.get("start_precision"),
            "end_date": e.get("end"), "end_precision": e.get("end_precision"), "start_unknown": e.get("start_unknown"),
            "confidence": e.get("confidence"), "status": e.get("status"),
            "attributed_to": e.get("attributed_to"), "location": e.get("location"), "notes": e.get("notes"),
            "evidence_json": stored_evidence_json(evidence),
            "document_ids": sorted({x["document"]["id"] if isinstance(x["document"], dict) else x["document"]
                                    for x in evidence}),
            "event_ids": e.get("events") or [], **(e.get("properties") or {})})
    columns = {"source": "string", "target": "string", "type": "string", **relation_columns(ontology)}
    return pa.table({c: pa.array([r.get(c) for r in rows], ARROW_TYPES[t]) for c, t in columns.items()})


# --- CSV text, column by column ------------------------------------------------------
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_RE2 = "^[=+\\-@\t\r]"
_QUOTED = (b'"', b",", b"\r", b"\n")   # what makes Python's csv (QUOTE_MINIMAL) quote a field


def neutral(cell: str) -> str:
    """A cell a spreadsheet reads as text, never as a formula (OWASP's CSV injection advice)."""
    return "'" + cell if cell.startswith(FORMULA_LEADS) else cell


def _text(column) -> pa.Array:
    """A column's cells as text: lists joined with ';', booleans true/false, null as empty."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    t = column.type
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        column = pc.binary_join(column, ARRAY_DELIMITER)
    elif pa.types.is_boolean(t):
        column = pc.if_else(column, "true", "false")
    elif not pa.types.is_string(t):   # a slice of a large_string column (over 2 GB whole) fits a string
        column = pc.cast(column, pa.string())
    return pc.fill_null(column, "")


def _field(cells: pa.Array, spreadsheet: bool) -> pa.Array:
    """One CSV field per cell, as Python's csv writer quotes them (only where needed); in a
    spreadsheet's file a cell that would run as a formula starts with an apostrophe."""
    if spreadsheet:
        cells = pc.if_else(pc.match_substring_regex(cells, _FORMULA_RE2), join("'", cells), cells)
    if not contains(cells, _QUOTED):
        return cells
    quoted = join('"', pc.replace_substring(cells, '"', '""'), '"')
    return pc.if_else(pc.match_substring_regex(cells, '[",\r\n]'), quoted, cells)


def _lines(columns: list, spreadsheet: bool) -> bytes:
    """CSV lines (\\r\\n, as Python's csv writer ends them) of equal-length columns; a str is
    the same cell on every line."""
    fields = [c if isinstance(c, str) else _field(_text(c), spreadsheet) for c in columns]
    if not any(not isinstance(f, str) and len(f) for f in fields):
        return b""
    return text_bytes(join(pc.binary_join_element_wise(*fields, ","), "\r\n"))


def _csv_header(names: list[str]) -> bytes:
    return _lines([pa.array([n]) for n in names], False)


def _rows_table(rows: list[list[str]], width: int) -> list[pa.Array]:
    """Rows of cells (Python) as columns."""
    return [pa.array([r[i] for r in rows], pa.string()) for i in range(width)]


# --- the zip ----------------------------------------------------------------------------
class _Sink(io.RawIOBase):
    """Where the zip is written: what it has written so far is taken away piece by piece.
    It can tell its position but not seek, so zipfile writes a streamable archive."""

    def __init__(self):
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self._chunks.append(bytes(b))
        self._position += len(b)
        return len(b)

    def tell(self) -> int:
        return self._position

    def take(self) -> bytes:
        out = b"".join(self._chunks)
        self._chunks.clear()
        return out


def stream(actor_tables: Iterable[pa.Table], relation_tables: Iterable[pa.Table],
           documents_for: Callable[[list[str]], list[dict]], ontology: Ontology,
           event_batches: Iterable[list[dict]] | None = None, *, spreadsheet: bool = False,
           version: str | None = None) -> Iterator[bytes]:
    """The zip, written as it goes from tables of stored columns (actor_table, relation_table,
    or the store's own columns), a table at a time: actors, relations (and events, if given),
    then the documents they cite (their ids are all that is kept meanwhile)."""
    actor_cols = {k: v for k, v in ACTOR_COLUMNS.items() if k != "id"}
    rel_cols = relation_columns(ontology)
    cited: set[str] = set()

    def actors() -> Iterator[bytes]:
        yield _csv_header(["id:ID(Actor)"] + _header(actor_cols) + [":LABEL"])
        for t in actor_tables:
            yield _lines([t["id"], *(t[c] for c in actor_cols), "Actor"], spreadsheet)

    def relations() -> Iterator[bytes]:
        yield _csv_header([":START_ID(Actor)", ":END_ID(Actor)", ":TYPE"] + _header(rel_cols))
        for t in relation_tables:
            cited.update(pc.unique(pc.list_flatten(t["document_ids"])).to_pylist())
            yield _lines([t["source"], t["target"], t["type"],
                          *(t[c] if c in t.column_names else "" for c in rel_cols)], spreadsheet)

    event_cols = {k: v for k, v in EVENT_COLUMNS.items() if k != "id"}
    participations: list[list[str]] = []

    def event(e):
        evidence = e.get("evidence") or []
        documents = sorted({ev["document"]["id"] if isinstance(ev["document"], dict) else ev["document"]
                            for ev in evidence})
        cited.update(documents)
        participations.extend([p["actor"], e["id"], PARTICIPATION, p["role"]] for p in e["participants"])
        # As relationships.csv: the evidence as the store holds it (an import reads it back).
        values = {**e, "evidence_json": stored_evidence_json(evidence), "document_ids": documents,
                  **{f"deaths_{k}": v for k, v in (e.get("deaths") or {}).items()},
                  "identifiers": identifier_texts(e.get("identifiers") or {})}
        return [e["id"]] + [_cell(values.get(c)) for c in event_cols] + ["Event"]

    def events() -> Iterator[bytes]:
        header = ["id:ID(Event)"] + _header(event_cols) + [":LABEL"]
        yield _csv_header(header)
        for batch in event_batches:
            yield _lines(_rows_table([event(e) for e in batch], len(header)), spreadsheet)

    def participation_lines() -> Iterator[bytes]:
        yield _csv_header([":START_ID(Actor)", ":END_ID(Event)", ":TYPE", "role"])
        yield _lines(_rows_table(participations, 4), spreadsheet)

    doc_cols = {k: v for k, v in DOCUMENT_COLUMNS.items() if k != "id"}

    def documents() -> Iterator[bytes]:
        header = ["id:ID(Document)"] + _header(doc_cols) + [":LABEL"]
        yield _csv_header(header)
        rows = []
        for d in documents_for(sorted(cited)):
            stored = document_properties(d)
            rows.append([d["id"]] + [_cell(stored.get(c)) for c in doc_cols] + ["Document"])
        yield _lines(_rows_table(rows, len(header)), spreadsheet)

    sink = _Sink()
    # Deflate at level 1: at level 6 compressing was most of a million relations' export
    # (in process: csv 14.4 s -> 7.3 s, neo4j-csv 10.2 s -> 5.3 s; the zip 54 MB -> 69 MB).
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as z:
        entries = [("actors.csv", actors), ("relationships.csv", relations)]
        if event_batches is not None:
            entries += [("events.csv", events), ("participations.csv", participation_lines)]
        entries.append(("documents.csv", documents))
        for name, texts in entries:
            with z.open(name, "w", force_zip64=True) as f:
                for text in texts():
                    f.write(text)
                    yield sink.take()
        z.writestr("README.txt", (f"ConflictGraph version {version}\n\n" if version else "") + __doc__.strip() + "\n")
    yield sink.take()


def stream_pages(actor_batches: Iterable[list[dict]], relation_batches: Iterable[list[dict]],
                 documents_for: Callable[[list[str]], list[dict]], ontology: Ontology,
                 event_batches: Iterable[list[dict]] | None = None, **kwargs) -> Iterator[bytes]:
    """stream, from pages of actors and relations in the API's shape."""
    return stream((actor_table(b) for b in actor_batches), (relation_table(b, ontology) for b in relation_batches),
                  documents_for, ontology, event_batches, **kwargs)


def write(graph, ontology: Ontology, *, spreadsheet: bool = False, version: str | None = None) -> bytes:
    """The zip of a graph in the API's shape; with graph["events"] (a list), events too."""
    documents = {d["id"]: d for d in graph.get("documents") or []}
    events = graph.get("events")
    return b"".join(stream_pages([graph["nodes"]], [graph["edges"]],
                                 lambda ids: [documents[i] for i in ids if i in documents], ontology,
                                 None if events is None else [events], spreadsheet=spreadsheet, version=version))


def write_spreadsheet(graph, ontology: Ontology, *, version: str | None = None) -> bytes:
    return write(graph, ontology, spreadsheet=True, version=version)


def stream_spreadsheet(*args, **kwargs) -> Iterator[bytes]:
    return stream(*args, **kwargs, spreadsheet=True)
