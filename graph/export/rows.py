"""What the export writers share about the export tables (graph/export/tables.py): which
attributes are lists, and which columns hold any value. The writers themselves work column
by column (gexf.py, graphml.py, json_columns.py); tests/test_exports.py keeps a row-by-row
reference of the JSON shapes to check them against.
"""
from __future__ import annotations

import pyarrow as pa

from ..ontology import Ontology

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
