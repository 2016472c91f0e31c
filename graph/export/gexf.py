"""GEXF 1.3 for Gephi, written directly with ElementTree.

networkx's write_gexf misnames the 1.3 schema namespace, writes an invalid `name` on
<graph>, reads lists as time data and collides on an attribute called `type`, so the XML is
built here, to validate against the official GEXF 1.3 RELAX NG schema.

The graph is `dynamic` with `timeformat="date"`: a relation's start and end become its edge
interval (a partial date widened to the first or last day it covers), so Gephi's timeline
works; relations and actors without dates are static.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from ..dates import PartialDate
from ..ontology import Ontology
from .shape import EDGE_FIELDS, degrees, edge_attributes, flatten, node_attributes

NS = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"
ET.register_namespace("", NS)
ET.register_namespace("viz", VIZ)

_INTEGER = {"polarity", "evidence_count", "distance"}
_BOOLEAN = {"directed"}


def _tag(name: str, ns: str = NS) -> str:
    return f"{{{ns}}}{name}"


def _type(name: str) -> str:
    return "integer" if name in _INTEGER else "boolean" if name in _BOOLEAN else "string"


def _value(v) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def _token(text: str) -> str:
    return " ".join(str(text).split())  # xsd:token: no leading, trailing or repeated spaces


def _rgb(hex_color: str) -> dict[str, str]:
    h = hex_color.lstrip("#")
    return {"r": str(int(h[0:2], 16)), "g": str(int(h[2:4], 16)), "b": str(int(h[4:6], 16))}


def _declare(graph_el, cls: str, names: list[str]) -> dict[str, str]:
    el = ET.SubElement(graph_el, _tag("attributes"), {"class": cls, "mode": "static"})
    # The id is the name too: some readers (graphology-gexf) key values by id, others
    # (Gephi, networkx) by title.
    ids = {name: name for name in names}
    for name in names:
        ET.SubElement(el, _tag("attribute"), {"id": name, "title": name, "type": _type(name)})
    return ids


def _attvalues(parent, ids: dict[str, str], attrs: dict) -> None:
    if not attrs:
        return
    el = ET.SubElement(parent, _tag("attvalues"))
    for k, v in attrs.items():
        ET.SubElement(el, _tag("attvalue"), {"for": ids[k], "value": _value(v)})


def write(graph, ontology: Ontology) -> bytes:
    nodes = [(n, flatten(node_attributes(n))) for n in graph["nodes"]]
    edges = [(e, flatten(edge_attributes(e, ontology))) for e in graph["edges"]]
    node_names = sorted({k for _, a in nodes for k in a})
    edge_names = list(EDGE_FIELDS) + sorted({k for _, a in edges for k in a} - set(EDGE_FIELDS))
    deg = degrees(graph)

    root = ET.Element(_tag("gexf"), {"version": "1.3"})
    meta = ET.SubElement(root, _tag("meta"), {"lastmodifieddate": date.today().isoformat()})
    ET.SubElement(meta, _tag("creator")).text = "ConflictGraph"
    ET.SubElement(meta, _tag("description")).text = (
        "Actors and dated, sourced relations. Edge colour: green cooperative, red hostile, grey "
        "structural; node colour by actor kind; node size by degree.")
    g = ET.SubElement(root, _tag("graph"), {"defaultedgetype": "directed", "mode": "dynamic",
                                            "timeformat": "date"})
    node_ids = _declare(g, "node", node_names)
    edge_ids = _declare(g, "edge", [n for n in edge_names if any(n in a for _, a in edges)])

    nodes_el = ET.SubElement(g, _tag("nodes"), {"count": str(len(nodes))})
    for n, attrs in nodes:
        el = ET.SubElement(nodes_el, _tag("node"), {"id": n["id"], "label": _token(n.get("name") or n["id"])})
        _attvalues(el, node_ids, attrs)
        ET.SubElement(el, _tag("color", VIZ), _rgb(ontology.kind_colors.get(n.get("kind"), "#7f7f7f")))
        ET.SubElement(el, _tag("size", VIZ), {"value": str(4.0 + 2.0 * deg[n["id"]])})

    edges_el = ET.SubElement(g, _tag("edges"), {"count": str(len(edges))})
    for e, attrs in edges:
        spec = {"id": e["id"], "source": e["source"], "target": e["target"],
                # "mutual" (reciprocal) for symmetric types: GEXF 1.3 has no mixed default type,
                # and readers such as networkx refuse undirected edges in a directed graph.
                "type": "directed" if e["directed"] else "mutual",
                "kind": e["type"], "label": e["type"]}
        if e.get("start"):
            spec["start"] = PartialDate.parse(e["start"]).earliest().isoformat()
        if e.get("end"):
            spec["end"] = PartialDate.parse(e["end"]).latest().isoformat()
        el = ET.SubElement(edges_el, _tag("edge"), spec)
        _attvalues(el, edge_ids, attrs)
        ET.SubElement(el, _tag("color", VIZ), _rgb(ontology.polarity_colors.get(attrs["polarity"], "#999999")))
    # No pretty-printing: ET.indent added ~40% to a large export, and readers don't care.
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
