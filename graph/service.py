"""The questions frontends ask, answered through the store interface.

The API's handlers call these functions and only shape their results; the CLI's exports
use them too. The service checks a question's filters (RelationFilter) and hands it to the
store's GraphReader (graph/store/graph_readers.py), which answers from one snapshot, by
Cypher or from the embedded store's projection: the service never knows which.
"""
from __future__ import annotations

import copy

import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import orjson

from . import analytics, changes, contradictions, search
from .bounded import run_bounded
from .errors import BadRequest, ComputationTimeout, ComputationTooLarge, NotFound, StoreUnavailable
from .dates import PartialDate
from .versions import check_id, pick
from .export import FORMATS, geojson
from .export.tables import from_graph, with_events
from .export.neo4j_csv import actor_table, relation_table
from .ontology import Ontology
from .store.base import GraphStore
from .store.graph_readers import MAX_PATHS, no_actor, page  # noqa: F401  (MAX_PATHS: the API documents it)
from .records import actor_from_properties, document_from_properties, event_from_properties, relation_from_properties

MAX_HOPS = 6            # the upper bound written into the path queries
MAX_SUBGRAPH_DEPTH = 3
NO_ROW_LIMIT = sys.maxsize


@dataclass
class RelationFilter:
    """The relation filters every list endpoint accepts. Empty means no filter."""
    types: list[str] = field(default_factory=list)
    source: str = ""
    target: str = ""
    either: str = ""
    as_of: str = ""                  # YYYY-MM-DD
    since: PartialDate | None = None
    until: PartialDate | None = None
    min_confidence: str = ""
    statuses: list[str] = field(default_factory=list)

    def params(self, ontology: Ontology) -> dict[str, Any]:
        unknown = [t for t in self.types if t not in ontology.relation_types]
        if unknown:
            raise BadRequest(f"unknown relation type(s): {', '.join(unknown)}; "
                             f"known: {', '.join(ontology.relation_types)}", "types")
        if self.min_confidence and self.min_confidence not in ontology.confidence_levels:
            raise BadRequest(f"must be one of {', '.join(ontology.confidence_levels)}", "min_confidence")
        bad = [s for s in self.statuses if s not in ontology.statuses]
        if bad:
            raise BadRequest(f"unknown status(es): {', '.join(bad)}; known: {', '.join(ontology.statuses)}",
                             "status")
        levels = ontology.confidence_levels
        confidences = levels[levels.index(self.min_confidence):] if self.min_confidence else levels
        return {
            "types": self.types or list(ontology.relation_types),
            "symmetric": [n for n, t in ontology.relation_types.items() if not t.directed],
            "source": self.source, "target": self.target, "either": self.either,
            "as_of": self.as_of,
            "since": self.since.earliest().isoformat() if self.since else "",
            "until": self.until.latest().isoformat() if self.until else "",
            "confidences": list(confidences),
            "statuses": self.statuses or list(ontology.statuses),
        }


@dataclass
class EventFilter:
    """The filters of the event lists. Empty means no filter."""
    types: list[str] = field(default_factory=list)
    as_of: str = ""                  # YYYY-MM-DD: happened on or before this day
    since: PartialDate | None = None
    until: PartialDate | None = None
    role: str = ""                   # with an actor: the role it took
    country: str = ""                # ISO 3166-1 alpha-2
    min_deaths: int = 0              # best estimate at least this
    bbox: tuple[float, float, float, float] | None = None   # west, south, east, north (degrees)

    def params(self, ontology: Ontology) -> dict[str, Any]:
        unknown = [t for t in self.types if t not in ontology.event_types]
        if unknown:
            raise BadRequest(f"unknown event type(s): {', '.join(unknown)}; "
                             f"known: {', '.join(ontology.event_types)}", "types")
        roles = {r for t in ontology.event_types.values() for r in t.roles}
        if self.role and self.role not in roles:
            raise BadRequest(f"unknown role {self.role!r}; known: {', '.join(sorted(roles))}", "role")
        west, south, east, north = self.bbox or (0.0, 0.0, 0.0, 0.0)
        return {"types": self.types or list(ontology.event_types), "as_of": self.as_of,
                "since": self.since.earliest().isoformat() if self.since else "",
                "until": self.until.latest().isoformat() if self.until else "", "role": self.role,
                "country": self.country, "min_deaths": self.min_deaths, "bbox": self.bbox is not None,
                "west": float(west), "south": float(south), "east": float(east), "north": float(north)}


def _resolved(reader, evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence items with their document ids replaced by the document records (one query)."""
    ids = sorted({e["document"] for e in evidence})
    docs = {row[0]["id"]: document_from_properties(row[0]) for row in reader.run_named("documents_by_id", ids=ids).rows}
    return [e | {"document": docs.get(e["document"], {"id": e["document"]})} for e in evidence]


AGGREGATES = ("month", "cell")
MIN_CELL_DEG, MAX_CELL_DEG = 0.01, 45.0
ANALYTICS_CACHE_SIZE = 64
EXPORT_PAGE = 5_000   # actors or relations per page of a paged whole-graph export


class GraphService:
    def __init__(self, store: GraphStore, *, analytics_timeout_s: float = 30, analytics_memory_mb: int = 1024):
        self.store = store
        self.ontology = store.ontology
        self.analytics_timeout_s, self.analytics_memory_mb = analytics_timeout_s, analytics_memory_mb
        self._analytics_cache: OrderedDict[tuple, Any] = OrderedDict()
        self._cache_lock = threading.Lock()

    def at(self, version: str | None) -> "GraphService":
        """This service reading a kept version of the graph (None: the current graph). The
        analytics cache is shared: it is keyed by version already."""
        if not version:
            return self
        pinned = copy.copy(self)
        pinned.store = self.store.at(version)
        return pinned

    @classmethod
    def from_settings(cls, store: GraphStore, settings) -> "GraphService":
        return cls(store, analytics_timeout_s=settings.analytics_timeout_s,
                   analytics_memory_mb=settings.analytics_memory_mb)

    # --- analytics -------------------------------------------------------------------
    def analyse(self, question: str, flt: RelationFilter, *args: Any,
                cancelled: Callable[[], bool] = lambda: False) -> dict[str, Any]:
        """analytics.<question>(whole graph under `flt`, ontology, *args): computed in a child
        process bounded in time and memory (graph/bounded.py), and kept per published graph
        version and filter, since a version never changes."""
        fn = getattr(analytics, question)
        version = self.store.version()
        key = (version, question, orjson.dumps(flt.params(self.ontology), option=orjson.OPT_SORT_KEYS), args)
        if version is not None:
            with self._cache_lock:
                if key in self._analytics_cache:
                    self._analytics_cache.move_to_end(key)
                    kept = self._analytics_cache[key]
                    if isinstance(kept, Exception):
                        raise kept
                    return kept
        graph = self.whole_graph(flt)
        try:
            result = run_bounded(fn, (graph, self.ontology, *args), timeout_s=self.analytics_timeout_s,
                                 memory_mb=self.analytics_memory_mb, cancelled=cancelled,
                                 what=f"the {question} analysis")
        except (ComputationTimeout, ComputationTooLarge) as e:
            result = e   # kept too: the same question on the same graph would only fail again
        if version is not None and self.store.version() == version:
            self._remember(key, result)
        if isinstance(result, Exception):
            raise result
        return result

    # --- versions, changes, contradictions ---------------------------------------------
    def versions(self) -> list[dict[str, Any]]:
        """The versions the store keeps, newest first (graph/versions.py)."""
        return self.store.versions()

    def version_info(self, version_id: str) -> dict[str, Any]:
        return self.store.version_info(version_id)

    def changes(self, from_version: str, to_version: str = "", actors: list[str] | None = None) -> dict[str, Any]:
        """What changed from one kept version to another (default: the current one), record
        by record and field by field, with sources (graph/changes.py); with `actors`, only
        what concerns them (a view's changes)."""
        kept = self.store.versions()
        a = pick(kept, check_id(from_version, "from"))
        b = pick(kept, check_id(to_version, "to")) if to_version else next(v for v in kept if v["current"])
        only = set(actors) if actors else None
        out = changes.diff(self.at(a["id"]).records(only), self.at(b["id"]).records(only))
        brief = ("id", "seq", "recorded_at", "counts")
        return {"from": {k: a.get(k) for k in brief}, "to": {k: b.get(k) for k in brief},
                **({"actors_filter": sorted(only)} if only else {}), **out}

    def records(self, actors: set[str] | None = None) -> dict[str, dict[str, dict[str, Any]]]:
        """Every record of this version, by section and id, as the API shows them; with
        `actors`, only those actors, the relations touching one of them, the events one took
        part in, and the documents those cite (a view's records)."""
        def pages(fetch) -> Iterator[dict[str, Any]]:
            offset, total = 0, None
            while total is None or offset < total:
                items, total = fetch(EXPORT_PAGE, offset)
                yield from items
                offset += EXPORT_PAGE
                if not items:
                    break
        out: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in changes.SECTIONS}
        for a in pages(lambda n, o: self.search_actors("", "", n, o)):
            if actors is None or a["id"] in actors:
                out["actors"][a["id"]] = a
        for r in pages(lambda n, o: self.relations(RelationFilter(), n, o)):
            if actors is None or r["source"] in actors or r["target"] in actors:
                out["relations"][r["id"]] = r
        for e in pages(lambda n, o: self.events(EventFilter(), "", n, o)):
            if actors is None or any(p["actor"] in actors for p in e["participants"]):
                out["events"][e["id"]] = e
        cited = {ev["document"] for section in ("relations", "events") for rec in out[section].values()
                 for ev in rec.get("evidence") or []}
        for d in pages(lambda n, o: self.documents(n, o)):
            if actors is None or d["id"] in cited:
                out["documents"][d["id"]] = d
        return out

    def contradictions(self, actor: str = "", kind: str = "", source: str = "",
                       explained: bool | None = None) -> list[dict[str, Any]]:
        """Claims of this version that disagree, each side with its sources
        (graph/contradictions.py); filtered by actor, kind, a cited document, explained."""
        if kind and kind not in contradictions.KINDS:
            raise BadRequest(f"unknown kind {kind!r}; one of {', '.join(contradictions.KINDS)}", "kind")
        found = self._contradictions()
        return [c for c in found if contradictions.matches(c, actor, kind, source, explained)]

    def _contradictions(self) -> list[dict[str, Any]]:
        version = self.store.version()
        key = (version, "contradictions")
        with self._cache_lock:
            if version is not None and key in self._analytics_cache:
                return self._analytics_cache[key]
        recs = self.records()
        found = contradictions.Finder(self.ontology, recs["documents"], contradictions.load_explained(),
                                      recs["events"]).find(recs["relations"].values())
        if version is not None:
            self._remember(key, found)
        return found

    def _remember(self, key: tuple, value: Any) -> None:
        """Keep an answer derived from one version (the oldest go first past the cache's size)."""
        with self._cache_lock:
            self._analytics_cache[key] = value
            while len(self._analytics_cache) > ANALYTICS_CACHE_SIZE:
                self._analytics_cache.popitem(last=False)

    # --- the questions: filters checked here, answers from the store's GraphReader ----
    def health(self) -> dict[str, Any]:
        st = self.store.stats()
        return {"status": "ok", "store": self.store.dialect, "actors": st["actors"],
                "relations": st["relations"], "documents": st["documents"], "events": st["events"]}

    def search_actors(self, q: str = "", kind: str = "", limit: int = 50, offset: int = 0):
        if kind and kind not in self.ontology.actor_kinds:
            raise BadRequest(f"unknown actor kind {kind!r}; known: {', '.join(self.ontology.actor_kinds)}",
                             "kind")
        with self.store.reading() as r:
            rows, total = page(r, "actors", {"q": q.strip().lower(), "kind": kind}, limit, offset)
        return [actor_from_properties(row[0]) for row in rows], total

    def search(self, q: str, kind: str = "", limit: int = 10) -> dict[str, Any]:
        """Search as you type (graph/search.py): the best `limit` actors for `q`, each with
        the value it matched by and how; `complete` is false when more actors matched than
        a search looks at (CANDIDATES: type more)."""
        if kind and kind not in self.ontology.actor_kinds:
            raise BadRequest(f"unknown actor kind {kind!r}; known: {', '.join(self.ontology.actor_kinds)}",
                             "kind")
        terms = search.query_terms(q)
        if not terms:
            raise BadRequest("q has no letters or digits to search for", "q")
        with self.store.graph_reading() as g:
            found, complete = g.search(terms, kind, limit)
        return {"q": q, "terms": terms, "complete": complete,
                "items": [actor_from_properties(props) | {"match": match} for props, match in found]}

    def actor(self, actor_id: str) -> dict[str, Any]:
        with self.store.graph_reading() as g:
            return g.actor(actor_id)

    def require_actor(self, actor_id: str) -> None:
        """NotFound unless the actor exists (one primary-key lookup, no degree count)."""
        if not self.store.run_named("actor", id=actor_id).rows:
            raise no_actor(actor_id)

    def relations(self, flt: RelationFilter, limit: int = 100, offset: int = 0):
        params = flt.params(self.ontology)
        with self.store.graph_reading() as g:
            return g.relations(params, limit, offset)

    def actor_relations(self, actor_id: str, direction: str, flt: RelationFilter,
                        limit: int = 100, offset: int = 0):
        """An actor's relations, looked up from the actor (its degree, not the graph's size,
        sets the cost). A symmetric relation counts as both out and in, from either end."""
        params = flt.params(self.ontology)
        types, symmetric = params["types"], set(params["symmetric"])
        out_types = types if direction in ("out", "both") else [t for t in types if t in symmetric]
        in_types = types if direction in ("in", "both") else [t for t in types if t in symmetric]
        with self.store.graph_reading() as g:
            return g.actor_relations(actor_id, out_types, in_types, params, limit, offset)

    def actor_names(self, actor_ids) -> dict[str, str]:
        """id -> name for these actors (the ones that exist)."""
        ids = sorted(set(actor_ids))
        if not ids:
            return {}
        with self.store.graph_reading() as g:
            return g.actor_names(ids)

    def with_names(self, relations: list[dict[str, Any]],
                   names: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """The relations with their ends' names (source_name, target_name), for display."""
        if names is None:
            names = self.actor_names([x for r in relations for x in (r["source"], r["target"])])
        return [{**r, "source_name": names.get(r["source"]), "target_name": names.get(r["target"])}
                for r in relations]

    def relation(self, relation_id: str) -> dict[str, Any]:
        with self.store.reading() as r:
            rows = r.run_named("relations_by_id", ids=[relation_id]).rows
            if not rows:
                raise NotFound(f"no relation with id {relation_id!r}")
            source, target, props = rows[0]
            rel = relation_from_properties(props["_type"], source, target, props, self.ontology)
            return rel | {"evidence": _resolved(r, rel["evidence"])}

    def paths(self, source: str, target: str, max_hops: int = 4, types: list[str] | None = None,
              as_of: str = "", limit: int = 25) -> list[dict[str, Any]]:
        if source == target:
            raise BadRequest("source and target are the same actor", "target")
        params = RelationFilter(types=types or [], as_of=as_of).params(self.ontology)
        with self.store.graph_reading() as g:
            return g.paths(source, target, max_hops, params, limit)

    def subgraph(self, seeds: list[str], depth: int = 1, flt: RelationFilter | None = None):
        """The seeds and everything within `depth` relations of them (any direction),
        with every relation met on the way; nodes carry their distance from the seeds."""
        params = (flt or RelationFilter()).params(self.ontology)
        with self.store.graph_reading() as g:
            return g.subgraph(seeds, depth, params)

    def whole_graph(self, flt: RelationFilter | None = None) -> dict[str, list[dict[str, Any]]]:
        """Every actor and every relation passing the filter, for exports and analytics."""
        params = (flt or RelationFilter()).params(self.ontology)
        with self.store.graph_reading(row_limit=NO_ROW_LIMIT) as g:
            return g.whole_graph(params)

    def whole_graph_tables(self, flt: RelationFilter | None = None):
        """whole_graph as the two Arrow tables of graph/export/tables.py, for streaming exports."""
        params = (flt or RelationFilter()).params(self.ontology)
        with self.store.graph_reading(row_limit=NO_ROW_LIMIT) as g:
            return g.export_tables(params)

    def _documents_by_id(self, ids: list[str]) -> list[dict[str, Any]]:
        rows = self.store.run_named("documents_by_id", ids=ids).rows if ids else []
        return [document_from_properties(r[0]) for r in rows]

    def export(self, graph: dict[str, Any], fmt: str, events: list[dict[str, Any]] | None = None) -> bytes:
        """A graph in the API's shape written in an export format (graph/export), with the
        documents its relations (and `events`) cite where the format carries them; `events`
        (neighbourhood_events) are added as nodes joined to their participants."""
        f = FORMATS[fmt]
        version = self.store.version()   # named in the file's own metadata
        if events and f.stream_tables is not None:
            return b"".join(f.stream_tables(*with_events(*from_graph(graph, self.ontology), events, self.ontology),
                                            self.ontology, version=version))
        if events is not None:
            graph = {**graph, "events": events}
        if f.needs_documents:
            cited = sorted({ev["document"] if isinstance(ev["document"], str) else ev["document"]["id"]
                            for e in [*graph["edges"], *(events or [])] for ev in e.get("evidence") or []})
            graph = {**graph, "documents": self._documents_by_id(cited)}
        return f.write(graph, self.ontology, version=version)

    def whole_graph_tables_with_events(self, flt: RelationFilter, events: bool = False):
        """whole_graph_tables, with every event that had happened by `flt.as_of` (all, without
        it) as nodes joined to their participants (export.tables.with_events), if `events`."""
        nodes, edges = self.whole_graph_tables(flt)
        if not events:
            return nodes, edges
        return with_events(nodes, edges, [e for batch in self._event_pages(flt) for e in batch], self.ontology)

    def _event_pages(self, flt: RelationFilter | EventFilter, actor: str = "") -> Iterator[list[dict[str, Any]]]:
        """Every event that had happened by `flt.as_of` (an EventFilter: every event it passes;
        with `actor`, those it took part in), a page at a time (an export's events)."""
        version = self.store.version()
        events = flt if isinstance(flt, EventFilter) else EventFilter(as_of=flt.as_of)
        offset, total = 0, None
        while total is None or offset < total:
            items, total = self.events(events, actor, EXPORT_PAGE, offset)
            if self.store.version() != version:
                raise StoreUnavailable("a load replaced the graph during the export; export again")
            offset += EXPORT_PAGE
            yield items

    def export_whole(self, flt: RelationFilter, fmt: str, events: bool = False) -> tuple[Iterator[bytes], int, int]:
        """The whole graph under `flt` in an export format, as a stream in bounded memory:
        from the export tables where the format takes them, else from pages of actors and
        relations; with `events`, the events too (as nodes joined to their participants).
        Also the numbers of nodes and edges."""
        f = FORMATS[fmt]
        version = self.store.version()   # named in the file's own metadata
        if f.stream_tables is not None:
            nodes, edges = self.whole_graph_tables_with_events(flt, events)
            return f.stream_tables(nodes, edges, self.ontology, version=version), nodes.num_rows, edges.num_rows
        if f.stream_stored is None:
            graph = self.whole_graph(flt)
            return iter([self.export(graph, fmt)]), len(graph["nodes"]), len(graph["edges"])
        _, actors = self.search_actors("", "", 1, 0)
        _, relations = self.relations(flt, 1, 0)
        params = flt.params(self.ontology)
        with self.store.graph_reading(row_limit=NO_ROW_LIMIT) as g:
            stored = g.stored_tables(params)
        if stored is None:   # a reader without the columns in memory: pages of the API's shape

            def pages(fetch, total):
                for offset in range(0, total, EXPORT_PAGE):
                    items, _ = fetch(EXPORT_PAGE, offset)
                    if self.store.version() != version:   # a load published another graph meanwhile
                        raise StoreUnavailable("a load replaced the graph during the export; export again")
                    yield items
            stored = ((actor_table(b) for b in pages(lambda n, o: self.search_actors("", "", n, o), actors)),
                      (relation_table(b, self.ontology) for b in pages(lambda n, o: self.relations(flt, n, o),
                                                                       relations)))
        stream = f.stream_stored(*stored, self._documents_by_id, self.ontology,
                                 self._event_pages(flt) if events else None, version=version)
        return stream, actors, relations

    # --- events ------------------------------------------------------------------------
    def events(self, flt: EventFilter, actor: str = "", limit: int = 100, offset: int = 0):
        """A page of events in date order, and how many pass `flt`; with `actor`, only those it
        took part in (in `flt.role`, if given). NotFound for an unknown actor."""
        params = flt.params(self.ontology)
        with self.store.reading() as r:
            if actor:
                if not r.run_named("actor", id=actor).rows:
                    raise no_actor(actor)
                rows, total = page(r, "actor_events", {**params, "actor": actor}, limit, offset)
            else:
                del params["role"]
                rows, total = page(r, "events", params, limit, offset)
            return self._events(r, [row[0] for row in rows]), total

    def events_geojson(self, flt: EventFilter, actor: str = "") -> Iterator[bytes]:
        """Every event `flt` passes (with `actor`, those it took part in) as a GeoJSON
        FeatureCollection, streamed a page at a time (graph/export/geojson.py)."""
        first = self.events(flt, actor, 1, 0)   # the filter's errors, and an unknown actor, before any byte
        meta = {"version": self.store.version(), "events": first[1]}
        return geojson.stream(self._event_pages(flt, actor), meta)

    def events_aggregate(self, flt: EventFilter, by: str, size: float = 1.0,
                         actors: list[str] | None = None) -> dict[str, Any]:
        """Events passing `flt` (and, with `actors`, those any of them took part in) counted per
        month ("by": "month") or per map cell of `size` degrees ("cell"), with their deaths:
        what a timeline or a map of 100,000+ events draws instead of the events."""
        if by not in AGGREGATES:
            raise BadRequest(f"unknown aggregate {by!r}; known: {', '.join(AGGREGATES)}", "by")
        if not MIN_CELL_DEG <= size <= MAX_CELL_DEG:
            raise BadRequest(f"a cell is {MIN_CELL_DEG} to {MAX_CELL_DEG} degrees, not {size}", "size")
        params = flt.params(self.ontology)
        del params["role"]
        name = f"events_by_{by}"
        if actors:
            name, params["actors"] = f"actors_{name}", sorted(set(actors))
        if by == "cell":
            params["size"] = float(size)
        with self.store.reading() as r:
            rows = r.run_named(name, **params).records()
        # Counts as integers whatever the engine's sum type (the embedded engine sums to a double).
        if by == "month":
            buckets = [{"period": x["period"], "events": int(x["events"]), "deaths": int(x["deaths"])} for x in rows]
        else:
            buckets = [{"row": int(x["row"]), "col": int(x["col"]), "south": int(x["row"]) * size,
                        "west": int(x["col"]) * size, "events": int(x["events"]), "deaths": int(x["deaths"]),
                        "latitude": round(x["latitude"], 6), "longitude": round(x["longitude"], 6)} for x in rows]
        return {"by": by, "size": size if by == "cell" else None, "events": sum(b["events"] for b in buckets),
                "deaths": sum(b["deaths"] for b in buckets), "buckets": buckets}

    def event(self, event_id: str) -> dict[str, Any]:
        """One event, with its evidence resolved to documents and the relations that cite it."""
        with self.store.reading() as r:
            rows = r.run_named("events_by_id", ids=[event_id]).rows
            if not rows:
                raise NotFound(f"no event with id {event_id!r}")
            event = self._events(r, [rows[0][0]])[0]
            cited = [relation_from_properties(props["_type"], source, target, props, self.ontology)
                     for source, target, props in r.run_named("relations_citing_event", event=event_id).rows]
            event["evidence"] = _resolved(r, event["evidence"])
        return event | {"relations": self.with_names(cited)}

    def neighbourhood_events(self, actor_ids, as_of: str = "") -> list[dict[str, Any]]:
        """The events any of these actors took part in (by `as_of`, if given), each with only
        the participants among them: what a subgraph's exports add, with no edge to an actor
        outside it."""
        ids = sorted(set(actor_ids))
        if not ids:
            return []
        with self.store.reading() as r:
            events = self._events(r, [row[0] for row in r.run_named("events_of_actors", ids=ids, as_of=as_of).rows])
        inside = set(ids)
        return [e | {"participants": [p for p in e["participants"] if p["actor"] in inside]} for e in events]

    @staticmethod
    def _events(r, nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The API's events from their stored nodes, with their participants (one query)."""
        ids = [n["id"] for n in nodes]
        participants: dict[str, list] = {i: [] for i in ids}
        if ids:
            for event, actor, role, name in r.run_named("event_participants", ids=ids).rows:
                participants[event].append((actor, role, name))
        return [event_from_properties(n, participants[n["id"]]) for n in nodes]

    def documents(self, limit: int = 100, offset: int = 0):
        with self.store.reading() as r:
            total = r.run_named("stats_documents").rows[0][0]
            # Never SKIP past the end: see graph_readers.page.
            rows = r.run_named("documents", offset=offset, limit=limit).rows if offset < total else []
        return [document_from_properties(row[0]) for row in rows], total

    def document(self, document_id: str) -> dict[str, Any]:
        rows = self.store.run_named("documents_by_id", ids=[document_id]).rows
        if not rows:
            raise NotFound(f"no document with id {document_id!r}")
        return document_from_properties(rows[0][0])

    def ontology_description(self) -> dict[str, Any]:
        o = self.ontology
        return {
            "actor_kinds": [{"name": k, "description": d} for k, d in o.actor_kinds.items()],
            "relation_types": [{
                "name": t.name, "directed": t.directed, "polarity": t.polarity,
                "description": t.description, "source_kinds": sorted(t.source_kinds),
                "target_kinds": sorted(t.target_kinds), "cameo": t.cameo, "plover": t.plover,
                "properties": [{"name": p.name, "type": p.type, "required": p.required,
                                "values": list(p.values), "description": p.description}
                               for p in t.properties.values()],
            } for t in o.relation_types.values()],
            "event_types": [{"name": t.name, "description": t.description, "roles": dict(t.roles),
                             "required_roles": list(t.required_roles), "acled": t.acled,
                             "ucdp_ged": list(t.ucdp_ged)}
                            for t in o.event_types.values()],
            "event_place_precisions": dict(o.event_place_precisions),
            "confidence_levels": list(o.confidence_levels),
            "statuses": list(o.statuses),
            # The exports' colours, so a frontend draws with the same palette as Gephi does.
            "palette": {"actor_kinds": dict(o.kind_colors), "event": o.event_color,
                        "polarity": {str(p): c for p, c in sorted(o.polarity_colors.items())}},
        }
