"""Events as GeoJSON (RFC 7946): one Feature per event, a Point at its coordinates.

For GIS users (QGIS, kepler.gl, geopandas) and web maps: the event's own fields are the
feature's properties, flat where a GIS table wants them flat (deaths as deaths_best ...,
participants and sources as text as well as lists). An event without coordinates is a
feature with a null geometry, as RFC 7946 (3.2) provides for unlocated features, so the
export holds every event the filter passed. Written as a stream, a page of events at a time.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

import orjson

from ..models import DEATH_ESTIMATES

MEDIA_TYPE = "application/geo+json"


def feature(e: dict[str, Any]) -> dict[str, Any]:
    located = e.get("latitude") is not None and e.get("longitude") is not None
    props = {k: e.get(k) for k in ("id", "type", "date", "date_precision", "date_end", "place", "country",
                                   "admin1", "admin2", "place_precision", "confidence", "status", "notes")}
    props.update({f"deaths_{k}": (e.get("deaths") or {}).get(k) for k in DEATH_ESTIMATES})
    props["participants"] = [{"actor": p["actor"], "role": p["role"], "name": p.get("name")}
                             for p in e.get("participants") or []]
    props["participants_text"] = "; ".join(f"{p.get('name') or p['actor']} ({p['role']})"
                                           for p in e.get("participants") or [])
    props["sources"] = [{"document": x["document"] if isinstance(x["document"], str) else x["document"]["id"],
                         "record": x.get("record"), "paragraph": x.get("paragraph"), "summary": x.get("summary")}
                        for x in e.get("evidence") or []]
    props["identifiers"] = e.get("identifiers") or {}
    return {"type": "Feature", "id": e["id"],
            "geometry": {"type": "Point", "coordinates": [e["longitude"], e["latitude"]]} if located else None,
            "properties": props}


def stream(pages: Iterable[list[dict[str, Any]]], meta: dict[str, Any] | None = None) -> Iterator[bytes]:
    """A FeatureCollection of the events in `pages`, as bytes pieces; `meta` is added as the
    foreign member "conflictgraph" (what was exported, from which graph)."""
    head = {"type": "FeatureCollection"}
    if meta:
        head["conflictgraph"] = meta
    yield orjson.dumps(head)[:-1] + b',"features":['
    first = True
    for page in pages:
        if not page:
            continue
        body = b",".join(orjson.dumps(feature(e)) for e in page)
        yield body if first else b"," + body
        first = False
    yield b"]}"
