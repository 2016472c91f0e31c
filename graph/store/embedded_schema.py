"""The embedded engine's schema and load statements, generated from the ontology.

Each relation type is its own relationship table from Actor to Actor, with the common
relation columns and the type's own properties (graph/store/rows.py names them).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

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


_ARROW = {"string": pa.string(), "string_list": pa.list_(pa.string())}


def write_parquet(path: Path, rows: list[dict[str, Any]], columns: dict[str, str]) -> None:
    """Rows as a Parquet file whose columns are in table order (COPY maps them by position)
    and explicitly typed (an all-null column would otherwise have no type)."""
    schema = pa.schema([(name, _ARROW[kind]) for name, kind in columns.items()])
    table = pa.table({name: [row.get(name) for row in rows] for name in columns}, schema=schema)
    pq.write_table(table, path, compression="NONE")
