"""The embedded engine's schema and load statements, generated from the ontology.

Each relation type is its own relationship table from Actor to Actor, with the common
relation columns and the type's own properties (graph/records.py names them); events are
a node table, their participants a relationship table from Actor to Event.
"""
from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from ..ontology import PARTICIPATION, Ontology
from ..models import Relation
from ..records import (STORED_ACTOR_COLUMNS, DOCUMENT_COLUMNS, EVENT_COLUMNS, relation_columns, relation_table_columns,
                       relation_values)

_TYPES = {"string": "STRING", "string_list": "STRING[]", "boolean": "BOOLEAN", "double": "DOUBLE",
          "int64": "INT64"}


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
        f"CREATE NODE TABLE Actor({_columns_ddl(STORED_ACTOR_COLUMNS, 'id')})",
        f"CREATE NODE TABLE Document({_columns_ddl(DOCUMENT_COLUMNS, 'id')})",
        f"CREATE NODE TABLE Event({_columns_ddl(EVENT_COLUMNS, 'id')})",
        f"CREATE REL TABLE {PARTICIPATION}(FROM Actor TO Event, role STRING)",
    ]
    for name in ontology.relation_types:
        stmts.append(f"CREATE REL TABLE {name}(FROM Actor TO Actor, "
                     f"{_columns_ddl(relation_columns(ontology, name))})")
    return stmts


_ARROW = {"string": pa.string(), "string_list": pa.list_(pa.string()), "boolean": pa.bool_(),
          "double": pa.float64(), "int64": pa.int64()}


class StagingArea:
    """One Parquet file per table, appended to batch by batch (a row group each), so a
    large load streams to disk instead of memory. Columns are in table order (COPY maps them
    by position) and explicitly typed (an all-null column would otherwise have no type)."""

    def __init__(self, folder: Path, suffix: str = ""):
        self.folder, self.suffix = folder, suffix
        folder.mkdir(parents=True, exist_ok=True)
        self._writers: dict[str, tuple[pq.ParquetWriter, pa.Schema, Path]] = {}

    def add(self, table: str, rows: list[dict[str, Any]], columns: dict[str, str]) -> None:
        if rows:
            self._write(table, columns, [[row.get(name) for row in rows] for name in columns])

    def _write(self, table: str, columns: dict[str, str], data: list) -> None:
        if table not in self._writers:
            schema = pa.schema([(name, _ARROW[kind]) for name, kind in columns.items()])
            path = self.folder / f"{table}{self.suffix}.parquet"
            self._writers[table] = (pq.ParquetWriter(path, schema, compression="NONE"), schema, path)
        writer, schema, _ = self._writers[table]
        writer.write_table(pa.Table.from_arrays([pa.array(col, type=f.type) for col, f in zip(data, schema)],
                                                schema=schema))

    def add_values(self, table: str, rows: list[tuple], columns: dict[str, str]) -> None:
        """Like add, for rows given as tuples in `columns` order."""
        if rows:
            self._write(table, columns, list(zip(*rows)))

    def finish(self) -> list[tuple[str, Path]]:
        """Close the files added to since the last call; their (table, path) pairs by table."""
        done = []
        for table in sorted(self._writers):
            writer, _, path = self._writers.pop(table)
            writer.close()
            done.append((table, path))
        return done

    def close(self) -> None:
        for writer, _, _ in self._writers.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - already closed, or the load failed writing it
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


def stage_relations(staging: StagingArea, relations: Iterable[Relation], ontology: Ontology) -> Counter[str]:
    """Append relations to their type's staging file; how many of each type."""
    grouped: dict[str, list[tuple]] = defaultdict(list)
    for r in relations:
        grouped[r.type].append(relation_values(r, ontology))
    for type_name, rows in grouped.items():
        staging.add_values(type_name, rows, relation_table_columns(ontology, type_name))
    return Counter({t: len(rows) for t, rows in grouped.items()})
