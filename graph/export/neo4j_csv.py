"""A zip of CSV files in `neo4j-admin database import` format, for bulk-loading a large graph
into Neo4j (much faster than transactions): actors.csv, documents.csv (the sources the
relations' evidence cites) and relationships.csv (each with its evidence as evidence_json
and the ids of the documents it cites as document_ids).

    neo4j-admin database import full --nodes=Actor=actors.csv --nodes=Document=documents.csv \
        --relationships=relationships.csv neo4j

Header columns carry their types (`:ID(Actor)`, `:string[]`); lists use ';', the tool's
default array delimiter.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile

from ..ontology import Ontology
from ..store.rows import ACTOR_COLUMNS, DOCUMENT_COLUMNS, RELATION_COMMON_COLUMNS

ARRAY_DELIMITER = ";"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(map(str, value))
    return str(value)


def _header(columns: dict[str, str]) -> list[str]:
    return [f"{c}:string[]" if t == "string_list" else c for c, t in columns.items()]


def write(graph, ontology: Ontology) -> bytes:
    actor_cols = dict(ACTOR_COLUMNS)
    actors = io.StringIO()
    w = csv.writer(actors)
    w.writerow(["id:ID(Actor)"] + _header({k: v for k, v in actor_cols.items() if k != "id"}) + [":LABEL"])
    for n in graph["nodes"]:
        identifiers = [f"{k}:{v}" for k, v in sorted((n.get("identifiers") or {}).items())]
        row = {**n, "identifiers": identifiers}
        w.writerow([n["id"]] + [_cell(row.get(c)) for c in actor_cols if c != "id"] + ["Actor"])

    type_props: dict[str, str] = {}
    for t in ontology.relation_types.values():
        for name, spec in t.properties.items():
            type_props[name] = "string_list" if spec.is_list else "string"
    rel_cols = {**RELATION_COMMON_COLUMNS, **type_props}
    rels = io.StringIO()
    w = csv.writer(rels)
    w.writerow([":START_ID(Actor)", ":END_ID(Actor)", ":TYPE"] + _header(rel_cols))
    for e in graph["edges"]:
        evidence = [{**ev, "document": ev["document"]["id"]} if isinstance(ev["document"], dict) else ev
                    for ev in e.get("evidence") or []]
        values = {
            "id": e["id"], "start_date": e.get("start"), "start_precision": e.get("start_precision"),
            "end_date": e.get("end"), "end_precision": e.get("end_precision"),
            "confidence": e.get("confidence"), "status": e.get("status"),
            "attributed_to": e.get("attributed_to"), "location": e.get("location"), "notes": e.get("notes"),
            "evidence_json": json.dumps(evidence, ensure_ascii=False),
            "document_ids": sorted({ev["document"] for ev in evidence}),
            **(e.get("properties") or {}),
        }
        w.writerow([e["source"], e["target"], e["type"]] + [_cell(values.get(c)) for c in rel_cols])

    documents = io.StringIO()
    w = csv.writer(documents)
    doc_cols = {k: v for k, v in DOCUMENT_COLUMNS.items() if k != "id"}
    w.writerow(["id:ID(Document)"] + _header(doc_cols) + [":LABEL"])
    for d in graph.get("documents") or []:
        w.writerow([d["id"]] + [_cell(d.get(c)) for c in doc_cols] + ["Document"])

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("actors.csv", actors.getvalue())
        z.writestr("documents.csv", documents.getvalue())
        z.writestr("relationships.csv", rels.getvalue())
        z.writestr("README.txt", __doc__.strip() + "\n")
    return buf.getvalue()
