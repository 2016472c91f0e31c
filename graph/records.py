"""One mapping for every shape a record takes: seed record ⇄ stored row (both stores) ⇄ the
API's dict ⇄ export columns. The stores write rows with it, the service and the projection
read them back with it, the exporters take their column names and node sizes from it.

Neither engine stores a map in a property, so evidence is kept as a JSON text
(`evidence_json`) beside a `document_ids` list that Cypher can filter on
(`'doc-…' IN r.document_ids`); identifiers become `scheme:value` texts. Partial dates are
kept as their ISO text with a precision, because `end` is reserved in the embedded
engine's Cypher: the graph says `start_date`/`end_date` where seed files say `start`/`end`.
"""
from __future__ import annotations


import orjson
from typing import Any

from .models import DEATH_ESTIMATES, Actor, Document, Event, Relation
from .ontology import Ontology
from .search import search_text, search_values

# An exported relation's evidence summaries, one per line: analysts read them in Gephi's data
# laboratory. (A line break, not the list separator '|': a summary is prose and may contain one.)
EVIDENCE_SEPARATOR = "\n"

# Column name -> "string" | "string_list" | "boolean" | "double" | "int64"; the order is the column
# order in both stores.
ACTOR_COLUMNS = {"id": "string", "name": "string", "kind": "string", "aliases": "string_list",
                 "country": "string", "description": "string", "identifiers": "string_list"}
# What the stores keep of an actor: its columns, and the tokens search finds it by
# (graph/search.py; derived, so not part of what a version's id digests).
STORED_ACTOR_COLUMNS = ACTOR_COLUMNS | {"search_text": "string", "search_values": "string"}
DOCUMENT_COLUMNS = {"id": "string", "title": "string", "kind": "string", "publisher": "string",
                    "date": "string", "date_precision": "string", "language": "string",
                    "url": "string", "cites": "string_list", "archive_ref": "string", "notes": "string",
                    "held": "boolean", "sources": "string_list"}
RELATION_COMMON_COLUMNS = {
    "id": "string", "start_date": "string", "start_precision": "string", "end_date": "string",
    "end_precision": "string", "confidence": "string", "status": "string",
    "attributed_to": "string", "location": "string", "notes": "string",
    "evidence_json": "string", "document_ids": "string_list", "event_ids": "string_list",
    "start_unknown": "string",
}
# An event's node. Its participants are relationships (Actor)-[:PARTICIPATED_IN {role}]->(Event),
# staged as PARTICIPATION_COLUMNS rows.
EVENT_COLUMNS = {"id": "string", "type": "string", "date": "string", "date_precision": "string",
                 "place": "string", "country": "string", "confidence": "string", "status": "string",
                 "notes": "string", "evidence_json": "string", "document_ids": "string_list",
                 "date_end": "string", "date_end_precision": "string", "latitude": "double", "longitude": "double",
                 "place_precision": "string", "admin1": "string", "admin2": "string",
                 **{f"deaths_{k}": "int64" for k in DEATH_ESTIMATES}, "identifiers": "string_list"}
# What the API and exports give of an event, beside its participants and evidence.
EVENT_FIELDS_OUT = ("id", "type", "date", "date_precision", "date_end", "date_end_precision", "place", "country",
                    "admin1", "admin2", "latitude", "longitude", "place_precision", "confidence", "status", "notes")
PARTICIPATION_COLUMNS = {"actor": "string", "event": "string", "role": "string"}


def relation_columns(ontology: Ontology, type_name: str) -> dict[str, str]:
    cols = dict(RELATION_COMMON_COLUMNS)
    for name, spec in ontology.relation_types[type_name].properties.items():
        cols[name] = "string_list" if spec.is_list else "string"
    return cols


def identifier_texts(identifiers: dict[str, str]) -> list[str]:
    """Identifiers as stored and exported: `scheme:value` texts, sorted by scheme."""
    return [f"{k}:{v}" for k, v in sorted(identifiers.items())]


def parse_identifiers(texts) -> dict[str, str]:
    """identifier_texts read back: {scheme: value} (a text without a scheme is skipped)."""
    return dict(t.split(":", 1) for t in texts or () if ":" in t)


def actor_row(a: Actor) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "kind": a.kind, "aliases": list(a.aliases),
            "country": a.country, "description": a.description,
            "identifiers": identifier_texts(a.identifiers)}


def actor_stored_row(a: Actor) -> dict[str, Any]:
    """actor_row, with what search finds and ranks it by (graph/search.py)."""
    row = actor_row(a)
    row["search_text"], row["search_values"] = search_text(row), search_values(row)
    return row


def document_row(d: Document) -> dict[str, Any]:
    return {"id": d.id, "title": d.title, "kind": d.kind, "publisher": d.publisher,
            "date": str(d.date) if d.date else None,
            "date_precision": d.date.precision if d.date else None,
            "language": d.language, "url": d.url, "cites": list(d.cites),
            "archive_ref": d.archive_ref, "notes": d.notes, "held": d.held,
            # An editorial note's sources as `paragraph:document` texts (no engine stores a map).
            "sources": [f"{p}:{doc}" for p, ids in sorted(d.sources.items()) for doc in ids]}


def _stored_item(document: str, summary: str, paragraph, record, quote, inference) -> dict[str, Any]:
    # Keys without a value are left out: the stored text is what a version's id digests.
    item = {"document": document, "summary": summary}
    if paragraph is not None:
        item["paragraph"] = paragraph
    if record is not None:
        item["record"] = record
    if quote is not None:
        item["quote"] = quote
    if inference:
        item["inference"] = True
    return item


def evidence_json(evidence) -> str:
    # Built by hand: dataclasses.asdict was half the cost of a million-relation load.
    return orjson.dumps([_stored_item(e.document, e.summary, e.paragraph, e.record, e.quote, e.inference)
                         for e in evidence]).decode()


def stored_evidence_json(items: list[dict[str, Any]] | None) -> str:
    """evidence_json of evidence in the API's shape (a document as its id or as a dict):
    the text the store holds, so an export from either gives the same cell."""
    return orjson.dumps([_stored_item(e["document"]["id"] if isinstance(e["document"], dict) else e["document"],
                                      e.get("summary"), e.get("paragraph"), e.get("record"), e.get("quote"),
                                      e.get("inference")) for e in items or []]).decode()


def relation_table_columns(ontology: Ontology, type_name: str) -> dict[str, str]:
    """A relation table's staged columns: the ends' ids, then the stored properties."""
    return {"source": "string", "target": "string", **relation_columns(ontology, type_name)}


def relation_values(r: Relation, ontology: Ontology) -> tuple:
    """The relation's row in relation_table_columns order (a tuple: a million of them are
    turned into columns by zip, much faster than reading dicts key by key)."""
    start, end = r.start, r.end
    values = (r.source, r.target, r.id,
              str(start) if start else None, start.precision if start else None,
              str(end) if end else None, end.precision if end else None,
              r.confidence, r.status, r.attributed_to, r.location, r.notes,
              evidence_json(r.evidence), sorted({e.document for e in r.evidence}), list(r.events), r.start_unknown)
    spec = ontology.relation_types[r.type].properties
    if not spec:
        return values
    # An absent list is stored as [] so every row of a batch has the same column type.
    return values + tuple(list(r.properties.get(name) or ()) if p.is_list else r.properties.get(name)
                          for name, p in spec.items())


def relation_row(r: Relation, ontology: Ontology) -> dict[str, Any]:
    """The relation's properties plus `source`/`target` ids for the loader's MATCH."""
    return dict(zip(relation_table_columns(ontology, r.type), relation_values(r, ontology)))


def relation_from_properties(type_name: str, source: str, target: str, props: dict[str, Any],
                             ontology: Ontology) -> dict[str, Any]:
    """The JSON shape of a relation (seed-file vocabulary) from its stored properties."""
    spec = ontology.relation_types[type_name]
    return {
        "id": props["id"], "type": type_name, "source": source, "target": target,
        "directed": spec.directed,
        "start": props.get("start_date"), "end": props.get("end_date"),
        "start_precision": props.get("start_precision"), "end_precision": props.get("end_precision"),
        "start_unknown": props.get("start_unknown"),
        "confidence": props.get("confidence"), "status": props.get("status"),
        "attributed_to": props.get("attributed_to"), "location": props.get("location"),
        "notes": props.get("notes"),
        "properties": {k: props.get(k) for k in spec.properties if props.get(k) not in (None, [])},
        "evidence": _evidence(props),
        "events": props.get("event_ids") or [],
    }


def _evidence(props: dict[str, Any]) -> list[dict[str, Any]]:
    # Every item carries `quote` (null when there is none), as the API's model says.
    # `paragraph` and `record` too: one of them locates the item in its document.
    items = orjson.loads(props.get("evidence_json") or "[]")
    for e in items:   # fresh dicts from the parser: filled in place (a copy each cost more)
        e.setdefault("paragraph", None)
        e.setdefault("record", None)
        e.setdefault("quote", None)
        e["inference"] = bool(e.get("inference"))
    return items


def event_row(e: Event) -> dict[str, Any]:
    return {"id": e.id, "type": e.type, "date": str(e.date), "date_precision": e.date.precision,
            "place": e.place, "country": e.country, "confidence": e.confidence, "status": e.status,
            "notes": e.notes, "evidence_json": evidence_json(e.evidence),
            "document_ids": sorted({x.document for x in e.evidence}),
            "date_end": str(e.date_end) if e.date_end else None,
            "date_end_precision": e.date_end.precision if e.date_end else None,
            "latitude": e.latitude, "longitude": e.longitude, "place_precision": e.place_precision,
            "admin1": e.admin1, "admin2": e.admin2,
            **{f"deaths_{k}": e.deaths.get(k) for k in DEATH_ESTIMATES},
            "identifiers": identifier_texts(e.identifiers)}


def participation_rows(e: Event) -> list[dict[str, Any]]:
    return [{"actor": p.actor, "event": e.id, "role": p.role} for p in e.participants]


def event_from_properties(props: dict[str, Any], participants) -> dict[str, Any]:
    """The API's event from its stored properties and its (actor id, role, actor name) rows,
    participants in the order of their roles' names, then ids."""
    deaths = {k: props.get(f"deaths_{k}") for k in DEATH_ESTIMATES}
    return {k: props.get(k) for k in EVENT_FIELDS_OUT} | {
        "deaths": {k: v for k, v in deaths.items() if v is not None},
        "identifiers": parse_identifiers(props.get("identifiers")),
        "participants": [{"actor": a, "role": r, "name": n} for a, r, n in sorted(participants, key=lambda x: (x[1], x[0]))],
        "evidence": _evidence(props)}


def actor_from_properties(props: dict[str, Any]) -> dict[str, Any]:
    """The API's actor from its stored properties."""
    return {"id": props["id"], "name": props.get("name"), "kind": props.get("kind"),
            "aliases": props.get("aliases") or [], "country": props.get("country"),
            "description": props.get("description"), "identifiers": parse_identifiers(props.get("identifiers"))}


def document_from_properties(props: dict[str, Any]) -> dict[str, Any]:
    """The API's document from its stored properties."""
    sources: dict[str, list[str]] = {}
    for text in props.get("sources") or []:
        paragraph, _, doc = text.partition(":")
        sources.setdefault(paragraph, []).append(doc)
    return {k: props.get(k) for k in ("id", "title", "kind", "publisher", "date", "date_precision",
                                      "language", "url", "archive_ref", "notes")} | {
        "cites": props.get("cites") or [], "held": props.get("held") is not False, "sources": sources}


def document_properties(doc: dict[str, Any]) -> dict[str, Any]:
    """document_from_properties read back: the API's document as stored properties (for the
    Neo4j bulk-import export, which writes what the store would hold)."""
    sources = [f"{p}:{d}" for p, ids in sorted((doc.get("sources") or {}).items(), key=lambda x: int(x[0]))
               for d in ids]
    return {**{k: doc.get(k) for k in DOCUMENT_COLUMNS}, "held": doc.get("held") is not False, "sources": sources}


def node_size(degree):
    """An exported node's size (Gephi's `size`) from its degree: works on an int or a numpy array."""
    return 4 + 2 * degree
