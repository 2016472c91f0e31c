"""The graph as two Arrow tables of flat attributes, the input of the columnar writers.

From the API's graph shape here; the embedded store's projection builds the same tables
straight from its columns (graph/store/projection.py, `export_tables`), which is what makes a
whole-graph export of a million relations take seconds. Columns, in both:

nodes: id, label (the name), size (Gephi node size, from the degree), start, end (an event
       node's interval; empty for actors), then one column per attribute of
       shape.node_attributes (lists joined with '|').
edges: id, source, target, start, end (the interval: first and last day covered), then
       one column per attribute of shape.edge_attributes (`directed` is one of them).
"""
from __future__ import annotations

from typing import Any

import pyarrow as pa

from ..dates import PartialDate
from ..ontology import EVENT_KIND, PARTICIPATION, Ontology
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
            if col.type != wanted:
                try:
                    col = col.cast(wanted)
                except pa.ArrowInvalid:
                    # Over 2 GB of text (10M relations' evidence) stays large_string: the writers take it.
                    if not (col.type == pa.large_string() and wanted == pa.string()):
                        raise
            columns[name] = col
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


def _span(text: str) -> tuple[str, str]:
    d = PartialDate.parse(text)
    return d.earliest().isoformat(), d.latest().isoformat()


def event_tables(events: list[dict[str, Any]], ontology: Ontology) -> tuple[pa.Table, pa.Table]:
    """Events (the API's shape, participants included) as export rows: a node of kind "event"
    each, its interval the span of its date, and one PARTICIPATED_IN edge from each participant
    over the same span, with its `role`."""
    nodes, edges = [], []
    for e in events:
        start, end = _span(e["date"])
        if e.get("date_end"):   # known only within a range: the span runs to its last possible day
            end = _span(e["date_end"])[1]
        label = f"{e['type'].replace('_', ' ')}, {e['date']}" + (f", {e['place']}" if e.get("place") else "")
        nodes.append({"id": e["id"], "label": label, "size": node_size(len(e["participants"])), "start": start,
                      "end": end, "name": label, "kind": EVENT_KIND, "country": e.get("country"),
                      "description": e.get("notes"), "event_type": e["type"], "date": e["date"],
                      "date_precision": e["date_precision"], "place": e.get("place"),
                      "confidence": e["confidence"], "status": e["status"]})
        documents = "|".join(sorted({x["document"] for x in e.get("evidence") or []})) or None
        for p in e["participants"]:
            edges.append({"id": f"{e['id']}:{p['role']}:{p['actor']}", "source": p["actor"], "target": e["id"],
                          "start": start, "end": end, "relation_type": PARTICIPATION, "polarity": 0,
                          "directed": True, "confidence": e["confidence"], "status": e["status"],
                          "start_date": e["date"], "end_date": e["date"], "start_precision": e["date_precision"],
                          "end_precision": e["date_precision"], "role": p["role"], "documents": documents,
                          "evidence_count": len(e.get("evidence") or [])})
    return _table(nodes), _table(edges)


def with_events(nodes: pa.Table, edges: pa.Table, events: list[dict[str, Any]],
                ontology: Ontology) -> tuple[pa.Table, pa.Table]:
    """The export tables with `events` added (event_tables) after the actors and relations."""
    if not events:
        return nodes, edges
    # Both sides type every column by shape.column_type, so the tables concatenate as they are.
    event_nodes, event_edges = event_tables(events, ontology)
    return tuple(conform(pa.concat_tables([base, extra], promote_options="default"), base.column_names)
                 for base, extra in ((nodes, event_nodes), (edges, event_edges)))
