"""Flat attribute views of actors and relations, shared by the export writers."""
from __future__ import annotations

from typing import Any

import pyarrow as pa

from ..ontology import Ontology
from ..records import EVIDENCE_SEPARATOR

LIST_SEPARATOR = "|"
NODE_COLUMNS = ("id", "label", "size", "start", "end")     # a node table's own, not attributes (start/end:
                                                           # an event node's interval; actors have none)
EDGE_COLUMNS = ("id", "source", "target", "start", "end")  # ditto (start/end: the interval)
INTEGER_COLUMNS = frozenset({"size", "polarity", "evidence_count", "distance"})
BOOLEAN_COLUMNS = frozenset({"directed"})

NODE_FIELDS = ("name", "kind", "country", "aliases", "description")
EDGE_FIELDS = ("relation_type", "polarity", "directed", "confidence", "status", "start_date", "end_date",
               "start_precision", "end_precision", "start_unknown", "attributed_to", "location", "evidence_count",
               "documents", "events", "evidence")


def node_columns(identifier_schemes) -> list[str]:
    """The node table's columns, in order: its own, the actor fields, one per identifier scheme."""
    return [*NODE_COLUMNS, *NODE_FIELDS, *(f"id_{s}" for s in sorted(identifier_schemes))]


def edge_columns(ontology: Ontology) -> list[str]:
    """The edge table's columns, in order: its own, the relation fields, every type's properties."""
    return [*EDGE_COLUMNS, *EDGE_FIELDS, *sorted({n for t in ontology.relation_types.values() for n in t.properties})]


def column_type(name: str) -> pa.DataType:
    return pa.int64() if name in INTEGER_COLUMNS else pa.bool_() if name in BOOLEAN_COLUMNS else pa.string()


def node_attributes(actor: dict[str, Any]) -> dict[str, Any]:
    """Scalars and lists, as JSON formats keep them; None dropped."""
    attrs = {k: actor.get(k) for k in NODE_FIELDS}
    for scheme, value in (actor.get("identifiers") or {}).items():
        attrs[f"id_{scheme}"] = value
    if "distance" in actor:
        attrs["distance"] = actor["distance"]
    return {k: v for k, v in attrs.items() if v not in (None, [])}


def edge_attributes(rel: dict[str, Any], ontology: Ontology) -> dict[str, Any]:
    attrs = {
        "relation_type": rel["type"],
        "polarity": ontology.relation_types[rel["type"]].polarity,
        "directed": rel["directed"],
        "confidence": rel["confidence"], "status": rel["status"],
        # start_date/end_date as in the graph schema: `start`/`end` are GEXF's own edge attributes.
        "start_date": rel.get("start"), "end_date": rel.get("end"),
        "start_precision": rel.get("start_precision"), "end_precision": rel.get("end_precision"),
        "start_unknown": rel.get("start_unknown"),
        "attributed_to": rel.get("attributed_to"), "location": rel.get("location"),
        "evidence_count": len(rel.get("evidence") or []),
        "documents": sorted({e["document"] if isinstance(e["document"], str) else e["document"]["id"]
                             for e in rel.get("evidence") or []}),
        "events": list(rel.get("events") or []),
        "evidence": EVIDENCE_SEPARATOR.join(e["summary"] for e in rel.get("evidence") or [] if e.get("summary"))
                    or None,
    }
    attrs.update(rel.get("properties") or {})
    return {k: v for k, v in attrs.items() if v not in (None, [])}


def flatten(attrs: dict[str, Any]) -> dict[str, Any]:
    """Lists joined with '|' for formats without list values (GEXF strings, GraphML)."""
    return {k: LIST_SEPARATOR.join(map(str, v)) if isinstance(v, list) else v for k, v in attrs.items()}


def degrees(graph) -> dict[str, int]:
    deg = {n["id"]: 0 for n in graph["nodes"]}
    for e in graph["edges"]:
        for end in (e["source"], e["target"]):
            if end in deg:
                deg[end] += 1
    return deg
