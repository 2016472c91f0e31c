"""Engine values to plain JSON-friendly Python values, in one place."""
from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from typing import Any


def _neo4j_graph_types():
    try:
        from neo4j.graph import Node, Path, Relationship
        return Node, Relationship, Path
    except ImportError:  # pragma: no cover - the driver is a dependency
        return (), (), ()


_NODE, _REL, _PATH = _neo4j_graph_types()


_SCALARS = (str, int, float, bool, type(None))


def _plain_value(v: Any) -> Any:
    # Most property values are scalars or lists of strings: skip the recursion for those
    # (converting values was most of the time of a whole-graph fetch, on both engines).
    t = type(v)
    return v if t in _SCALARS else list(v) if t is list and all(type(x) is str for x in v) else plain(v)


def _plain_props(value, out: dict | None = None) -> dict:
    out = {} if out is None else out
    for k, v in value.items():
        if k[0] != "_":
            out[k] = _plain_value(v)
    return out


# A kept version's node labels on Neo4j (graph/store/neo4j_history.py): shown as the label
# they were published under, so a pinned answer reads as the current one does.
_KEPT_LABEL = re.compile(r"(Actor|Document|Event)_v\d+")


def _label(name: str) -> str:
    m = _KEPT_LABEL.fullmatch(name)
    return m.group(1) if m else name


def plain(value: Any) -> Any:
    """Both engines' values as JSON-friendly Python: nodes {"_labels", props}, relationships
    {"_type", props}, paths {"nodes", "relationships"}, temporal values as ISO text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    # Maps first: the API's relation queries return map projections, a dict per row, and
    # each check below costs (hasattr on a dict raises and catches AttributeError).
    if isinstance(value, dict):
        if "_nodes" in value and "_rels" in value:  # a recursive path
            return {"nodes": [plain(n) for n in value["_nodes"]],
                    "relationships": [plain(r) for r in value["_rels"]]}
        if "_LABEL" in value and "_ID" in value:
            props = _plain_props(value)
            if "_SRC" in value:
                return {"_type": value["_LABEL"], **props}
            return {"_labels": [value["_LABEL"]], **props}
        # A map (a Cypher map projection, most often): values mostly scalars; keys as text
        # (an engine's MAP may have other keys, which JSON cannot carry).
        return {k if type(k) is str else str(k): v if type(v) in _SCALARS else _plain_value(v)
                for k, v in value.items()}
    if _NODE and isinstance(value, _NODE):
        return _plain_props(value, {"_labels": sorted(_label(x) for x in value.labels)})
    if _REL and isinstance(value, _REL):
        return _plain_props(value, {"_type": value.type})
    if _PATH and isinstance(value, _PATH):
        return {"nodes": [plain(n) for n in value.nodes],
                "relationships": [plain(r) for r in value.relationships]}
    if hasattr(value, "iso_format"):  # neo4j.time Date, DateTime, Time, Duration
        return value.iso_format()
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (decimal.Decimal,)):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    return str(value)
