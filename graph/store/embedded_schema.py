"""The embedded engine's schema and load statements, generated from the ontology.

Each relation type is its own relationship table from Actor to Actor, with the common
relation columns and the type's own properties (graph/store/rows.py names them).
"""
from __future__ import annotations

from ..cypher import query_text
from ..ontology import Ontology
from .rows import ACTOR_COLUMNS, DOCUMENT_COLUMNS, relation_columns

_TYPES = {"string": "STRING", "string_list": "STRING[]"}


def _columns_ddl(columns: dict[str, str], primary: str | None = None) -> str:
    parts = []
    for name, kind in columns.items():
        col = f"{name} {_TYPES[kind]}"
        if name == primary:
            col += " PRIMARY KEY"
        parts.append(col)
    return ", ".join(parts)


def schema_statements(ontology: Ontology) -> list[str]:
    stmts = [
        f"CREATE NODE TABLE Actor({_columns_ddl(ACTOR_COLUMNS, 'id')})",
        f"CREATE NODE TABLE Document({_columns_ddl(DOCUMENT_COLUMNS, 'id')})",
    ]
    for name in ontology.relation_types:
        stmts.append(f"CREATE REL TABLE {name}(FROM Actor TO Actor, "
                     f"{_columns_ddl(relation_columns(ontology, name))})")
    return stmts


def _property_map(columns) -> str:
    return ", ".join(f"{c}: row.{c}" for c in columns)


def create_nodes_statement(label: str) -> str:
    columns = {"Actor": ACTOR_COLUMNS, "Document": DOCUMENT_COLUMNS}[label]
    return query_text("create_nodes", "embedded", label=label, properties=_property_map(columns))


def create_relations_statement(ontology: Ontology, type_name: str) -> str:
    return query_text("create_relations", "embedded", type=type_name,
                      properties=_property_map(relation_columns(ontology, type_name)))
