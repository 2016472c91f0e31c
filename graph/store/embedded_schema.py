"""The embedded engine's schema and load statements, generated from the ontology.

Each relation type is its own relationship table from Actor to Actor, with the common
relation columns and the type's own properties (graph/store/rows.py names them).
"""
from __future__ import annotations

import shutil
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


class StagingArea:
    """One Parquet file per table, appended to batch by batch (a row group each), so a
    large load streams to disk instead of memory. Columns are in table order (COPY maps them
    by position) and explicitly typed (an all-null column would otherwise have no type)."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._writers: dict[str, tuple[pq.ParquetWriter, pa.Schema, Path]] = {}

    def add(self, table: str, rows: list[dict[str, Any]], columns: dict[str, str]) -> None:
        if not rows:
            return
        if table not in self._writers:
            schema = pa.schema([(name, _ARROW[kind]) for name, kind in columns.items()])
            path = self.folder / f"{table}.parquet"
            self._writers[table] = (pq.ParquetWriter(path, schema, compression="NONE"), schema, path)
        writer, schema, _ = self._writers[table]
        writer.write_table(pa.table({name: [row.get(name) for row in rows] for name in schema.names},
                                    schema=schema))

    def finish(self, first: tuple[str, ...] = ()) -> list[tuple[str, Path]]:
        """Close every file; (table, path) pairs, the `first` tables leading."""
        for writer, _, _ in self._writers.values():
            writer.close()
        order = sorted(self._writers, key=lambda t: (t not in first, first.index(t) if t in first else 0, t))
        return [(t, self._writers[t][2]) for t in order]

    def close(self) -> None:
        for writer, _, _ in self._writers.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - already closed, or the load failed writing it
                pass
        shutil.rmtree(self.folder, ignore_errors=True)
