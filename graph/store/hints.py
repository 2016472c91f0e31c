"""Hints for researchers who write Neo4j's Cypher to the embedded engine, or mistype a name:
the engine's own message, plus the embedded form or the closest name (as `validate` does)."""
from __future__ import annotations

import re

from ..ontology import Ontology
from ..validation import did_you_mean
from ..records import ACTOR_COLUMNS, DOCUMENT_COLUMNS, relation_table_columns

_NEO4J_ONLY = [
    (re.compile(r"(?<![\w.$])type\s*\(", re.I), re.compile(r"function TYPE does not exist", re.I),
     "the embedded engine writes Neo4j's type(r) as label(r)"),
    (re.compile(r"(?<![\w.$])(all)?shortestPath\s*\(", re.I), None,
     "the embedded engine has no shortestPath(): write the pattern with a shortest-path length, "
     "MATCH p = (a)-[* SHORTEST 1..6]-(b) (or * ALL SHORTEST for every shortest path)"),
    (re.compile(r"\w\s*\{\s*\.\w"), None,
     "map projections (n {.id, .name}) are Neo4j's: return the properties, n.id AS id, n.name AS name, "
     "or a map literal {id: n.id, name: n.name}"),
]
_MISSING_TABLE = re.compile(r"Table (\w+) does not exist")
_MISSING_PROPERTY = re.compile(r"Cannot find property (\w+) for")


def embedded_hint(query: str, message: str, ontology: Ontology) -> str:
    """A sentence to add to the engine's message, or ""."""
    from ..cypher_text import code_only
    code = code_only(query)
    for in_text, in_message, hint in _NEO4J_ONLY:
        if in_text.search(code) and (in_message is None or in_message.search(message)):
            return hint
    if m := _MISSING_TABLE.search(message):
        tables = ["Actor", "Document", *ontology.relation_types]
        close = did_you_mean(m.group(1), tables)
        return f"no label or relation type {m.group(1)!r}{close}; they are {', '.join(tables)}"
    if m := _MISSING_PROPERTY.search(message):
        names = set(ACTOR_COLUMNS) | set(DOCUMENT_COLUMNS)
        for t in ontology.relation_types:
            names |= set(relation_table_columns(ontology, t))
        close = did_you_mean(m.group(1), sorted(names))
        return f"no property {m.group(1)!r}{close}" if close else ""
    return ""
