"""Rows of the export tables (graph/export/tables.py), a few thousand at a time, back in the
shape the JSON-like formats use: nulls dropped, list attributes as lists again.

Every format streams from the tables this way, so a whole-graph export holds one slice of
rows at a time instead of a dict per relation (issue 13: graphml/cytoscape/graphology/d3
and Gephi streaming took 10-35 s and +0.6-1.9 GB at 200k relations).
"""
from __future__ import annotations

from typing import Any, Iterator

import pyarrow as pa

from ..ontology import Ontology
from .shape import LIST_SEPARATOR

CHUNK = 5_000


def list_attributes(ontology: Ontology) -> frozenset[str]:
    """Attributes that are lists (joined with '|' in the tables)."""
    props = {name for t in ontology.relation_types.values() for name, spec in t.properties.items() if spec.is_list}
    return frozenset({"aliases", "documents", "events", *props})


def degree(size: int) -> int:
    """The degree behind a node's Gephi size (records.node_size)."""
    return (size - 4) // 2


def present(table: pa.Table, names) -> list[str]:
    """Those of `names` that hold a value in some row (empty columns are not declared)."""
    return [n for n in names if table[n].null_count < table.num_rows]


def batches(table: pa.Table) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, table.num_rows, CHUNK):
        yield table.slice(start, CHUNK).to_pylist()


def attributes(row: dict[str, Any], own: tuple[str, ...], lists: frozenset[str]) -> dict[str, Any]:
    return {k: (v.split(LIST_SEPARATOR) if k in lists else v)
            for k, v in row.items() if k not in own and v is not None}


def flat_attributes(row: dict[str, Any], own: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in own and v is not None}
