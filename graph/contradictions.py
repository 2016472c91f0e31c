"""Claims that disagree, each side with its sources.

Four kinds, found in the relations of one version of the graph:
- polarity: a cooperative tie and a hostile one (ontology `polarity` +1 and -1) between the
  same two actors, held at the same time (their periods overlap, each bound at its own
  precision: a tie that ended in 2019-04 and one that began in 2019-04 overlap);
- status: the same tie (type and ends) reported or confirmed by one claim and disputed by
  another, at the same time;
- period: the same tie held at the same time by two claims that date it differently (a
  different start or end): the sources disagree on when it held;
- event_outside: a claim resting on an event (its `events`) dated outside the claim's own
  period: the evidence dates the tie differently from the claim. After its end, for every
  type; before its start only for the symmetric ties (fighting, alliance, ceasefire), which
  their events make up: a sanction or an accusation rests on what happened before it. (A document dated before
  a claim's start is not one: a UN election announces a seat a year ahead, the Charter was
  signed months before it came into force.)
Each side says whether it is an importer's claim (every document it cites is a dataset) or
a curated one, so "UCDP against our seed" shows as such.

Some disagreements are deliberate and documented (an actor switching sides within a month
the sources give no day for): `contradictions.yaml` beside the seed files lists them with
the reason, and they are marked explained, never hidden.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import yaml

from .dates import PartialDate
from .ontology import Ontology
from .paths import SEED_DIR

EXPLAINED_FILE = "contradictions.yaml"
KINDS = {
    "polarity": "a cooperative and a hostile tie between the same actors at the same time",
    "status": "the same tie asserted by one claim and disputed by another",
    "period": "the same tie dated differently by two claims",
    "event_outside": "a claim resting on an event dated outside the claim's own period",
}
_ASSERTED = {"reported", "confirmed"}


def _bounds(rel: dict[str, Any]) -> tuple[date, date]:
    start = PartialDate.parse(rel["start"]).earliest() if rel.get("start") else date.min
    end = PartialDate.parse(rel["end"]).latest() if rel.get("end") else date.max
    return start, end


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    (s1, e1), (s2, e2) = _bounds(a), _bounds(b)
    return s1 <= e2 and s2 <= e1


def load_explained(seed_dir: Path | str | None = None) -> list[dict[str, Any]]:
    """The documented contradictions: [{kind, relations, why, see}] from contradictions.yaml."""
    path = Path(seed_dir or SEED_DIR)
    path = (path if path.is_dir() else path.parent) / EXPLAINED_FILE
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("explained") or [])


class Finder:
    def __init__(self, ontology: Ontology, documents: dict[str, dict[str, Any]],
                 explained: Iterable[dict[str, Any]] = (), events: dict[str, dict[str, Any]] | None = None):
        self.ontology, self.documents, self.events = ontology, documents, events or {}
        self.explained = {(e["kind"], frozenset(e["relations"])): e for e in explained}

    def origin(self, rel: dict[str, Any]) -> str:
        kinds = {(self.documents.get(ev["document"]) or {}).get("kind") for ev in rel.get("evidence") or []}
        return "import" if kinds == {"dataset"} else "curated"

    def side(self, rel: dict[str, Any]) -> dict[str, Any]:
        from .changes import sources
        return {"relation": rel["id"], "type": rel["type"], "source": rel["source"], "target": rel["target"],
                "start": rel.get("start"), "end": rel.get("end"), "status": rel.get("status"),
                "confidence": rel.get("confidence"), "origin": self.origin(rel), "sources": sources(rel)}

    def item(self, kind: str, rels: list[dict[str, Any]], detail: str, **extra: Any) -> dict[str, Any]:
        ids = sorted(r["id"] for r in rels)
        key = hashlib.sha256("|".join([kind, *ids]).encode()).hexdigest()[:12]
        origins = {self.origin(r) for r in rels}
        explained = self.explained.get((kind, frozenset(ids)))
        return {"id": f"{kind}-{key}", "kind": kind, "description": KINDS[kind], "detail": detail,
                "actors": sorted({rels[0]["source"], rels[0]["target"]}),
                "between": "importer vs curated" if origins == {"import", "curated"} else
                           ("imports" if origins == {"import"} else "curated"),
                "claims": [self.side(r) for r in sorted(rels, key=lambda r: r["id"])],
                "explained": ({"why": explained["why"], "see": explained.get("see")} if explained else None),
                **extra}

    def find(self, relations: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        by_pair: dict[frozenset, list[dict[str, Any]]] = defaultdict(list)
        out: list[dict[str, Any]] = []
        for rel in relations:
            by_pair[frozenset((rel["source"], rel["target"]))].append(rel)
            out.extend(self._events_outside(rel))
        for rels in by_pair.values():
            for i, a in enumerate(rels):
                for b in rels[i + 1:]:
                    if _overlap(a, b):
                        out.extend(self._pair(a, b))
        return sorted(out, key=lambda c: (c["kind"], c["actors"], c["id"]))

    def _same_tie(self, a, b) -> bool:
        if a["type"] != b["type"]:
            return False
        if a["source"] == b["source"] and a["target"] == b["target"]:
            return True
        return not self.ontology.relation_types[a["type"]].directed   # a symmetric tie either way

    def _pair(self, a, b) -> list[dict[str, Any]]:
        types = self.ontology.relation_types
        found = []
        pa, pb = types[a["type"]].polarity, types[b["type"]].polarity
        if pa * pb == -1:
            found.append(self.item("polarity", [a, b], f"{a['type']} and {b['type']} overlap in time"))
        elif self._same_tie(a, b):
            statuses = {a["status"], b["status"]}
            if "disputed" in statuses and statuses & _ASSERTED:
                found.append(self.item("status", [a, b], f"{' vs '.join(sorted(statuses))}"))
            if (a.get("start"), a.get("end")) != (b.get("start"), b.get("end")):
                found.append(self.item("period", [a, b], f"{a.get('start') or '?'}–{a.get('end') or ''} vs "
                                                         f"{b.get('start') or '?'}–{b.get('end') or ''}"))
        return found

    def _events_outside(self, rel) -> list[dict[str, Any]]:
        start, end = _bounds(rel)
        if self.ontology.relation_types[rel["type"]].directed:
            start = date.min   # a directed tie (SANCTIONS, ACCUSES, ...) answers earlier events
        outside = []
        for event_id in rel.get("events") or []:
            event = self.events.get(event_id)
            if not event or not event.get("date"):
                continue
            first = PartialDate.parse(event["date"]).earliest()
            last = PartialDate.parse(event.get("date_end") or event["date"]).latest()
            if last < start or first > end:
                outside.append(event)
        if not outside:
            return []
        return [self.item("event_outside", [rel],
                          f"{rel.get('start') or '?'}–{rel.get('end') or ''}; rests on " + ", ".join(
                              f"{e['id']} (dated {e['date']})" for e in outside),
                          events=[{"id": e["id"], "date": e["date"], "sources": _event_sources(e)} for e in outside])]


def _event_sources(event: dict[str, Any]) -> list[dict[str, Any]]:
    from .changes import sources
    return sources(event)


def matches(c: dict[str, Any], actor: str = "", kind: str = "", source: str = "",
            explained: bool | None = None) -> bool:
    """The /contradictions filters: an actor on either side, a kind, a document cited by a
    side (`source`), explained or not."""
    return ((not actor or actor in c["actors"]) and (not kind or c["kind"] == kind)
            and (not source or any(s["document"] == source for side in c["claims"] for s in side["sources"]))
            and (explained is None or (c["explained"] is not None) == explained))


def relation_record(rel) -> dict[str, Any]:
    """A seed file's Relation (graph/models.py) in the API's shape, as far as Finder reads it."""
    return {"id": rel.id, "type": rel.type, "source": rel.source, "target": rel.target,
            "start": str(rel.start) if rel.start else None, "end": str(rel.end) if rel.end else None,
            "status": rel.status, "confidence": rel.confidence, "events": list(rel.events),
            "evidence": [{"document": ev.document, "paragraph": ev.paragraph, "record": ev.record}
                         for ev in rel.evidence]}


def finder_for_seeds(seeds, ontology: Ontology) -> Finder:
    """A Finder over a validated seed set (`conflictgraph validate --report`)."""
    documents = {d.id: {"kind": d.kind, "date": str(d.date) if d.date else None} for d in seeds.documents}
    events = {e.id: {"id": e.id, "date": str(e.date), "date_end": str(e.date_end) if e.date_end else None,
                     "evidence": [{"document": ev.document, "paragraph": ev.paragraph, "record": ev.record}
                                  for ev in e.evidence]} for e in seeds.events}
    return Finder(ontology, documents, load_explained(seeds.path), events)
