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
from .shape import degrees, edge_attributes, flatten, node_attributes

_INTEGER = {"polarity", "evidence_count", "distance"}
_BOOLEAN = {"directed"}


def _arrow_type(name: str) -> pa.DataType:
    return pa.int64() if name in _INTEGER else pa.bool_() if name in _BOOLEAN else pa.string()


def _table(rows: list[dict[str, Any]], fixed: dict[str, pa.DataType]) -> pa.Table:
    names = list(fixed) + sorted({k for r in rows for k in r} - set(fixed))
    return pa.table({n: pa.array([r.get(n) for r in rows], fixed.get(n) or _arrow_type(n)) for n in names})


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
    node_fixed = {"id": pa.string(), "label": pa.string(), "size": pa.int64(), "kind": pa.string()}
    edge_fixed = {"id": pa.string(), "source": pa.string(), "target": pa.string(), "start": pa.string(),
                  "end": pa.string(), "relation_type": pa.string(), "polarity": pa.int64(),
                  "directed": pa.bool_()}
    return _table(nodes, node_fixed), _table(edges, edge_fixed)
