"""The graph as two Arrow tables of flat attributes, the input of the columnar writers.

From the API's graph shape here; the embedded store's projection builds the same tables
straight from its columns (graph/store/projection.py, `export_tables`), which is what makes a
whole-graph export of a million relations take seconds. Columns, in both:

nodes: id, label (the name), size (Gephi node size, from the degree), then one column per
       attribute of shape.node_attributes (lists joined with '|').
edges: id, source, target, start, end (the interval: first and last day covered), then
       one column per attribute of shape.edge_attributes (`directed` is one of them).
"""
from __future__ import annotations

from typing import Any

import pyarrow as pa

from ..dates import PartialDate
from ..ontology import Ontology
from ..records import node_size
from .shape import column_type, degrees, edge_attributes, edge_columns, flatten, node_attributes, node_columns

def conform(table: pa.Table, names: list[str]) -> pa.Table:
    """`table` with exactly the columns `names` (shape.node_columns / edge_columns), in that
    order and of their types; a column no row has a value for is all nulls, and any other
    column (a subgraph's `distance`) follows in name order. Both builders of the export
    tables end here, so every format writes the same columns from either."""
    extra = sorted(set(table.column_names) - set(names))
    columns = {}
    for name in [*names, *extra]:
        wanted = column_type(name)
        if name in table.column_names:
            col = table[name]
            columns[name] = col if col.type == wanted else col.cast(wanted)
        else:
            columns[name] = pa.nulls(table.num_rows, wanted)
    return pa.table(columns)


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    names = sorted({k for r in rows for k in r})
    return pa.table({n: pa.array([r.get(n) for r in rows], column_type(n)) for n in names})


def from_graph(graph, ontology: Ontology) -> tuple[pa.Table, pa.Table]:
    deg = degrees(graph)
    nodes = [{"id": n["id"], "label": n.get("name"), "size": node_size(deg[n["id"]]),
              **flatten(node_attributes(n))} for n in graph["nodes"]]
    edges = []
    for e in graph["edges"]:
        edges.append({"id": e["id"], "source": e["source"], "target": e["target"],
                      "start": PartialDate.parse(e["start"]).earliest().isoformat() if e.get("start") else None,
                      "end": PartialDate.parse(e["end"]).latest().isoformat() if e.get("end") else None,
                      **flatten(edge_attributes(e, ontology))})
    schemes = {s for n in graph["nodes"] for s in n.get("identifiers") or {}}
    return conform(_table(nodes), node_columns(schemes)), conform(_table(edges), edge_columns(ontology))
