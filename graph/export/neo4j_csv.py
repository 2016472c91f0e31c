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

import csv
import io
import json
import zipfile
from typing import Callable, Iterable, Iterator

from ..ontology import Ontology
from ..ontology import PARTICIPATION
from ..records import (ACTOR_COLUMNS, DOCUMENT_COLUMNS, EVENT_COLUMNS, RELATION_COMMON_COLUMNS, document_properties,
                       identifier_texts)

ARRAY_DELIMITER = ";"


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


FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def neutral(cell: str) -> str:
    """A cell a spreadsheet reads as text, never as a formula (OWASP's CSV injection advice)."""
    return "'" + cell if cell.startswith(FORMULA_LEADS) else cell


def _rows(write_header, batches, row, spreadsheet: bool = False) -> Iterator[str]:
    """CSV text, a batch of records at a time (the header even when there are none)."""
    first = True
    for batch in batches:
        text = io.StringIO()
        w = csv.writer(text)
        if first:
            w.writerow(write_header)
            first = False
        if spreadsheet:
            w.writerows([neutral(c) for c in row(r)] for r in batch)
        else:
            w.writerows(row(r) for r in batch)
        yield text.getvalue()
    if first:
        text = io.StringIO()
        csv.writer(text).writerow(write_header)
        yield text.getvalue()


def _evidence(items: list[dict], cited: set[str]) -> list[dict]:
    """Evidence as stored (document ids, not resolved documents); the ids are added to `cited`."""
    evidence = [{**ev, "document": ev["document"]["id"]} if isinstance(ev["document"], dict) else ev
                for ev in items or []]
    cited.update(ev["document"] for ev in evidence)
    return evidence


def stream(actor_batches: Iterable[list[dict]], relation_batches: Iterable[list[dict]],
           documents_for: Callable[[list[str]], list[dict]], ontology: Ontology,
           event_batches: Iterable[list[dict]] | None = None, *, spreadsheet: bool = False,
           version: str | None = None) -> Iterator[bytes]:
    """The zip, written as it goes: actors and relations (and events, if given) a batch at a
    time, then the documents they cite (their ids are all that is kept meanwhile)."""
    actor_cols = {k: v for k, v in ACTOR_COLUMNS.items() if k != "id"}

    def actor(n):
        row = {**n, "identifiers": identifier_texts(n.get("identifiers") or {})}
        return [n["id"]] + [_cell(row.get(c)) for c in actor_cols] + ["Actor"]

    type_props: dict[str, str] = {}
    for t in ontology.relation_types.values():
        for name, spec in t.properties.items():
            type_props[name] = "string_list" if spec.is_list else "string"
    rel_cols = {**RELATION_COMMON_COLUMNS, **type_props}
    cited: set[str] = set()

    def relation(e):
        evidence = _evidence(e.get("evidence"), cited)
        values = {
            "id": e["id"], "start_date": e.get("start"), "start_precision": e.get("start_precision"),
            "end_date": e.get("end"), "end_precision": e.get("end_precision"), "start_unknown": e.get("start_unknown"),
            "confidence": e.get("confidence"), "status": e.get("status"),
            "attributed_to": e.get("attributed_to"), "location": e.get("location"), "notes": e.get("notes"),
            "evidence_json": json.dumps(evidence, ensure_ascii=False),
            "document_ids": sorted({ev["document"] for ev in evidence}), "event_ids": e.get("events") or [],
            **(e.get("properties") or {}),
        }
        return [e["source"], e["target"], e["type"]] + [_cell(values.get(c)) for c in rel_cols]

    event_cols = {k: v for k, v in EVENT_COLUMNS.items() if k != "id"}
    participations: list[list[str]] = []

    def event(e):
        evidence = _evidence(e.get("evidence"), cited)
        participations.extend([p["actor"], e["id"], PARTICIPATION, p["role"]] for p in e["participants"])
        values = {**e, "evidence_json": json.dumps(evidence, ensure_ascii=False),
                  "document_ids": sorted({ev["document"] for ev in evidence}),
                  **{f"deaths_{k}": v for k, v in (e.get("deaths") or {}).items()},
                  "identifiers": identifier_texts(e.get("identifiers") or {})}
        return [e["id"]] + [_cell(values.get(c)) for c in event_cols] + ["Event"]

    doc_cols = {k: v for k, v in DOCUMENT_COLUMNS.items() if k != "id"}

    def document(d):
        stored = document_properties(d)
        return [d["id"]] + [_cell(stored.get(c)) for c in doc_cols] + ["Document"]

    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as z:
        entries = [
            ("actors.csv", lambda: _rows(["id:ID(Actor)"] + _header(actor_cols) + [":LABEL"], actor_batches, actor,
                                         spreadsheet)),
            ("relationships.csv", lambda: _rows([":START_ID(Actor)", ":END_ID(Actor)", ":TYPE"] + _header(rel_cols),
                                                relation_batches, relation, spreadsheet)),
        ]
        if event_batches is not None:
            entries += [
                ("events.csv", lambda: _rows(["id:ID(Event)"] + _header(event_cols) + [":LABEL"], event_batches, event,
                                             spreadsheet)),
                ("participations.csv", lambda: _rows([":START_ID(Actor)", ":END_ID(Event)", ":TYPE", "role"],
                                                     [participations], lambda row: row, spreadsheet)),
            ]
        entries.append(("documents.csv", lambda: _rows(["id:ID(Document)"] + _header(doc_cols) + [":LABEL"],
                                                       [documents_for(sorted(cited))], document, spreadsheet)))
        for name, texts in entries:
            with z.open(name, "w", force_zip64=True) as f:
                for text in texts():
                    f.write(text.encode())
                    yield sink.take()
        z.writestr("README.txt", (f"ConflictGraph version {version}\n\n" if version else "") + __doc__.strip() + "\n")
    yield sink.take()


def write(graph, ontology: Ontology, *, spreadsheet: bool = False, version: str | None = None) -> bytes:
    """The zip of a graph in the API's shape; with graph["events"] (a list), events too."""
    documents = {d["id"]: d for d in graph.get("documents") or []}
    events = graph.get("events")
    return b"".join(stream([graph["nodes"]], [graph["edges"]],
                           lambda ids: [documents[i] for i in ids if i in documents], ontology,
                           None if events is None else [events], spreadsheet=spreadsheet, version=version))


def write_spreadsheet(graph, ontology: Ontology, *, version: str | None = None) -> bytes:
    return write(graph, ontology, spreadsheet=True, version=version)


def stream_spreadsheet(*args, **kwargs) -> Iterator[bytes]:
    return stream(*args, **kwargs, spreadsheet=True)
