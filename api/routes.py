"""The graph endpoints. Handlers parse, call conflictgraph.graph.service, and shape the response."""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response, StreamingResponse

from conflictgraph.graph.dates import PartialDate
from conflictgraph.graph.export import FORMATS
from conflictgraph.graph.export.streaming import events as subgraph_events
from conflictgraph.graph.export.streaming import stream as stream_events
from conflictgraph.graph.ontology import default_ontology
from conflictgraph.graph.errors import BadRequest
from conflictgraph.graph.service import (EventFilter, GraphService, MAX_HOPS, MAX_PATHS, MAX_SUBGRAPH_DEPTH,
                                         RelationFilter)

from . import models
from .admission import Lane
from .encoding import bytes_response, json_response, streamed_response

router = APIRouter()


def service(request: Request) -> GraphService:
    return request.app.state.service


VersionParam = Annotated[str | None, Query(
    max_length=40, description="A kept version's id (GET /versions): answer as the graph was in that version, "
                               "whatever has been loaded since. Default: the current graph. Every answer names "
                               "the version it comes from in its ConflictGraph-Version header.",
    examples=["v3f0c9a1b2c4d"])]


async def _service(request: Request, version: VersionParam = None) -> GraphService:
    # async: a sync dependency would take a thread of the shared pool for every request
    svc = request.app.state.service
    if version:
        svc = await anyio.to_thread.run_sync(svc.at, version)   # reads the store's list of versions
    return svc


def heavy(request: Request) -> Lane:
    """The lane whole-graph requests wait in (api/admission.py)."""
    return request.app.state.lanes.heavy


Service = Annotated[GraphService, Depends(_service)]
Limit = Annotated[int, Query(ge=1, le=1000, description="Items per page (1-1000).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
_ONTOLOGY = default_ontology()


Types = Annotated[str | None, Query(
    description="Comma-separated relation types, from: " + ", ".join(_ONTOLOGY.relation_types) + ".",
    max_length=1000, examples=["BACKS,SANCTIONS"])]
# A string, checked as a calendar day: a `date` parameter would also take 0 or 1606262400
# and read them as Unix timestamps. The checks are ours (not a regex pattern), so a 422
# says what is wrong in words.
AsOf = Annotated[str | None, Query(description="Only relations valid on this day (YYYY-MM-DD): started on or "
                                               "before it and not ended before it, each bound at its precision.",
                                   max_length=40, examples=["2020-11-25"])]
Since = Annotated[str | None, Query(description="Only relations not ended before this partial date "
                                                "(YYYY, YYYY-MM or YYYY-MM-DD).",
                                    max_length=40, examples=["2020", "2020-06"])]
Until = Annotated[str | None, Query(description="Only relations started by this partial date "
                                                "(YYYY, YYYY-MM or YYYY-MM-DD).",
                                    max_length=40, examples=["2020-12-31"])]
MinConfidence = Annotated[Literal[_ONTOLOGY.confidence_levels] | None, Query(  # type: ignore[valid-type]
    description="Only relations of this confidence or above.")]
Status = Annotated[str | None, Query(description="Comma-separated statuses, from: " +
                                                 ", ".join(_ONTOLOGY.statuses) + ".", max_length=200)]
ActorId = Annotated[str, Path(max_length=200, description="An actor id, e.g. haftar-forces.")]


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _partial(value: str | None, name: str) -> PartialDate | None:
    if not value:
        return None
    try:
        return PartialDate.parse(value)
    except ValueError as e:
        raise BadRequest(str(e), name) from None


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(value: str | None, name: str) -> str:
    if not value:
        return ""
    try:
        if not _DAY.fullmatch(value):   # fromisoformat also takes 20201125 and 2020-W48-3
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadRequest(f"{value!r} is not a day of the calendar (YYYY-MM-DD, from 0001-01-01)", name) from None


def _filter(types, as_of, since, until, min_confidence, status, **ends) -> RelationFilter:
    return RelationFilter(types=_csv(types), as_of=_day(as_of, "as_of"),
                          since=_partial(since, "since"), until=_partial(until, "until"),
                          min_confidence=min_confidence or "", statuses=_csv(status), **ends)


@router.get("/actors", response_model=models.Page[models.Actor], tags=["actors"],
            summary="Search actors by id, name or alias")
def list_actors(svc: Service,
                q: Annotated[str | None, Query(max_length=200, description="Case-insensitive substring of "
                                               "the id, the name or any alias (q=LNA finds haftar-forces).")] = None,
                kind: Annotated[Literal[tuple(_ONTOLOGY.actor_kinds)] | None, Query(  # type: ignore[valid-type]
                    description="An actor kind.")] = None,
                limit: Limit = 50, offset: Offset = 0):
    items, total = svc.search_actors(q or "", kind or "", limit, offset)
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/search", response_model=models.SearchResults, tags=["actors"],
            summary="Search actors as you type: prefix, words, typos, any script")
def search_actors(svc: Service,
                  q: Annotated[str, Query(min_length=1, max_length=200, description=(
                      "What was typed. Matches an actor's name, an alias, an identifier or its id "
                      "when every word of q starts a word of it (haf finds Haftar) or is within a typo "
                      "or two of one, first letter kept (hiftar finds Haftar); case, accents and "
                      "script do not matter (حفتر finds Haftar's transliteration)."))],
                  kind: Annotated[Literal[tuple(_ONTOLOGY.actor_kinds)] | None, Query(  # type: ignore[valid-type]
                      description="Only actors of this kind.")] = None,
                  limit: Annotated[int, Query(ge=1, le=50, description="How many to return, best first.")] = 10):
    return svc.search(q, kind or "", limit)


@router.get("/actors/{actor_id}", response_model=models.ActorDetail, tags=["actors"],
            summary="One actor, with its degree by relation type")
def get_actor(svc: Service, actor_id: ActorId):
    return svc.actor(actor_id)


@router.get("/actors/{actor_id}/relations", response_model=models.Page[models.NamedRelation], tags=["actors"],
            summary="An actor's relations")
def actor_relations(svc: Service, actor_id: ActorId,
                    direction: Annotated[Literal["out", "in", "both"], Query(
                        description="out: the actor is the source; in: the target; both: either. "
                                    "Symmetric relations match out and in from either end.")] = "both",
                    types: Types = None, as_of: AsOf = None, since: Since = None, until: Until = None,
                    min_confidence: MinConfidence = None, status: Status = None,
                    limit: Limit = 100, offset: Offset = 0):
    flt = _filter(types, as_of, since, until, min_confidence, status)
    items, total = svc.actor_relations(actor_id, direction, flt, limit, offset)
    return {"items": svc.with_names(items), "total": total, "limit": limit, "offset": offset}


@router.get("/relations", response_model=models.Page[models.NamedRelation], tags=["relations"],
            summary="Relations, filtered")
def list_relations(svc: Service, types: Types = None,
                   source: Annotated[str | None, Query(max_length=200)] = None,
                   target: Annotated[str | None, Query(max_length=200)] = None,
                   as_of: AsOf = None, since: Since = None, until: Until = None,
                   min_confidence: MinConfidence = None, status: Status = None,
                   limit: Limit = 100, offset: Offset = 0):
    flt = _filter(types, as_of, since, until, min_confidence, status,
                  source=source or "", target=target or "")
    items, total = svc.relations(flt, limit, offset)
    return {"items": svc.with_names(items), "total": total, "limit": limit, "offset": offset}


@router.get("/relations/{relation_id}", response_model=models.RelationDetail, tags=["relations"],
            summary="One relation, with its evidence resolved to documents")
def get_relation(svc: Service, relation_id: Annotated[str, Path(max_length=200)]):
    return svc.relation(relation_id)


EventTypes = Annotated[str | None, Query(
    description="Comma-separated event types, from: " + ", ".join(_ONTOLOGY.event_types) + ".",
    max_length=1000, examples=["blocked_listing,designation"])]
EventAsOf = Annotated[str | None, Query(description="Only events that had happened by this day (YYYY-MM-DD): "
                                                    "dated on or before it, at the date's precision.",
                                        max_length=40, examples=["2020-11-25"])]
EventSince = Annotated[str | None, Query(description="Only events dated in or after this partial date.",
                                         max_length=40, examples=["2020-06"])]
EventUntil = Annotated[str | None, Query(description="Only events dated in or before this partial date.",
                                         max_length=40, examples=["2020"])]


EventCountry = Annotated[str | None, Query(description="Only events in this country (ISO 3166-1 alpha-2).",
                                           pattern="^[A-Za-z]{2}$", examples=["LY"])]
EventBox = Annotated[str | None, Query(description="Only events whose coordinates fall in this box: west,south,east,"
                                                   "north in decimal degrees (west > east crosses the 180th meridian).",
                                       max_length=100, examples=["13.0,32.0,14.5,33.0"])]
MinDeaths = Annotated[int, Query(ge=0, description="Only events whose best estimate of deaths is at least this.")]


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        west, south, east, north = (float(x) for x in text.split(","))
    except ValueError:
        raise BadRequest(f"{text!r} is not four numbers west,south,east,north", "bbox") from None
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise BadRequest(f"{text!r}: longitudes are -180..180, latitudes -90..90 with south <= north", "bbox")
    return west, south, east, north


def _event_filter(types, as_of, since, until, role: str = "", country: str | None = None,
                  bbox: str | None = None, min_deaths: int = 0) -> EventFilter:
    return EventFilter(types=_csv(types), as_of=_day(as_of, "as_of"), since=_partial(since, "since"),
                       until=_partial(until, "until"), role=role, country=(country or "").upper(),
                       bbox=_bbox(bbox), min_deaths=min_deaths)


@router.get("/events", response_model=models.Page[models.Event], tags=["events"],
            summary="Events (designations, blocked listings, battles, truces, ...), in date order")
def list_events(svc: Service, types: EventTypes = None,
                actor: Annotated[str | None, Query(max_length=200, description="Only events this actor took "
                                                   "part in.")] = None,
                role: Annotated[str | None, Query(max_length=100, description="With actor: only in this role.")] = None,
                as_of: EventAsOf = None, since: EventSince = None, until: EventUntil = None,
                country: EventCountry = None, bbox: EventBox = None, min_deaths: MinDeaths = 0,
                limit: Limit = 100, offset: Offset = 0):
    if role and not actor:
        raise BadRequest("a role filters an actor's events: give actor too", "role")
    items, total = svc.events(_event_filter(types, as_of, since, until, role or "", country, bbox, min_deaths),
                              actor or "", limit, offset)
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/events/aggregate", response_model=models.EventAggregate, tags=["events"],
            summary="Events and deaths per month or per map cell, for timelines and maps of many events")
async def events_aggregate(request: Request, svc: Service,
                           by: Annotated[Literal["month", "cell"], Query(description="month: per YYYY-MM (YYYY for "
                                         "events dated to a year); cell: per square of `size` degrees.")] = "month",
                           size: Annotated[float, Query(ge=0.01, le=45, description="by=cell: the cell size in "
                                                                                      "degrees.")] = 1.0,
                           actors: Annotated[str | None, Query(max_length=2000, description="Comma-separated actor "
                                             "ids: only the events any of them took part in.")] = None,
                           types: EventTypes = None, as_of: EventAsOf = None, since: EventSince = None,
                           until: EventUntil = None, country: EventCountry = None, bbox: EventBox = None,
                           min_deaths: MinDeaths = 0):
    flt = _event_filter(types, as_of, since, until, "", country, bbox, min_deaths)
    # A whole-graph scan at 100,000+ events: in the heavy lane, encoded off the event loop.
    return await heavy(request).run(lambda: json_response(svc.events_aggregate(flt, by, size, _csv(actors)), request))


@router.get("/events/geojson", tags=["events"], response_class=StreamingResponse,
            responses={200: {"content": {"application/geo+json": {}},
                             "description": "A GeoJSON FeatureCollection (RFC 7946): one Point feature per event "
                                            "(null geometry where it has no coordinates)"}},
            summary="Events as GeoJSON, for GIS tools and web maps")
async def events_geojson(request: Request, svc: Service,
                         actor: Annotated[str | None, Query(max_length=200, description="Only events this actor "
                                                                                        "took part in.")] = None,
                         types: EventTypes = None, as_of: EventAsOf = None, since: EventSince = None,
                         until: EventUntil = None, country: EventCountry = None, bbox: EventBox = None,
                         min_deaths: MinDeaths = 0):
    flt = _event_filter(types, as_of, since, until, "", country, bbox, min_deaths)
    pieces = await heavy(request).run(svc.events_geojson, flt, actor or "")
    return streamed_response(pieces, "application/geo+json", request,
                             headers={"Content-Disposition": 'attachment; filename="conflictgraph-events.geojson"'})


@router.get("/events/{event_id}", response_model=models.EventDetail, tags=["events"],
            summary="One event, with its evidence resolved to documents and the relations that cite it")
def get_event(svc: Service, event_id: Annotated[str, Path(max_length=200)]):
    return svc.event(event_id)


@router.get("/actors/{actor_id}/events", response_model=models.Page[models.Event], tags=["actors", "events"],
            summary="The events an actor took part in, in date order")
def actor_events(svc: Service, actor_id: ActorId, types: EventTypes = None,
                 role: Annotated[str | None, Query(max_length=100, description="Only in this role.")] = None,
                 as_of: EventAsOf = None, since: EventSince = None, until: EventUntil = None,
                 country: EventCountry = None, bbox: EventBox = None, min_deaths: MinDeaths = 0,
                 limit: Limit = 100, offset: Offset = 0):
    items, total = svc.events(_event_filter(types, as_of, since, until, role or "", country, bbox, min_deaths),
                              actor_id, limit, offset)
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/paths", response_model=models.PathList, tags=["graph"],
            summary="Shortest paths between two actors (any direction)")
async def paths(request: Request, svc: Service, source: Annotated[str, Query(max_length=200)],
          target: Annotated[str, Query(max_length=200)],
          max_hops: Annotated[int, Query(ge=1, le=MAX_HOPS)] = 4,
          types: Types = None, as_of: AsOf = None,
          limit: Annotated[int, Query(ge=1, le=MAX_PATHS, description="At most this many paths.")] = 25):
    flt = _filter(types, as_of, None, None, None, None)
    def answer():
        found = svc.paths(source, target, max_hops, flt.types, flt.as_of, limit)
        names = svc.actor_names(a for p in found for a in p["actors"])
        return json_response({"source": source, "target": target, "paths": [
            {**p, "names": [names.get(a) for a in p["actors"]], "relations": svc.with_names(p["relations"], names)}
            for p in found]}, request)
    return await heavy(request).run(answer)


ExportFormat = Annotated[Literal[tuple(["json", *FORMATS])], Query(  # type: ignore[valid-type]
    description="json (this API's shape) or an export: " +
                "; ".join(f"{f.name}: {f.description}" for f in FORMATS.values()))]
Seeds = Annotated[str, Query(max_length=2000, description="Comma-separated actor ids.",
                             examples=["kaniyat,russia"])]
Depth = Annotated[int, Query(ge=1, le=MAX_SUBGRAPH_DEPTH, description="Relations away from the seeds.")]
WithEvents = Annotated[bool, Query(description="Add the events (as_of: those that had happened by then) as nodes "
                                               "of kind event, each joined to its participants by PARTICIPATED_IN "
                                               "edges with their role; in GEXF their dates put them on Gephi's "
                                               "timeline. csv adds events.csv and participations.csv.")]
EXPORT_RESPONSES = {200: {"content": {f.media_type: {} for f in FORMATS.values()},
                          "description": "The graph in the requested format"}}


def _seeds(seeds: str) -> list[str]:
    ids = _csv(seeds)
    if not ids:
        raise BadRequest("give at least one actor id", "seeds")
    return ids


def _exported(request: Request, graph, fmt: str, name: str, svc: GraphService, events=None) -> Response:
    f = FORMATS[fmt]
    return bytes_response(svc.export(graph, fmt, events), f.media_type, request,
                          {"Content-Disposition": f'attachment; filename="{name}.{f.extension}"'})


@router.get("/subgraph", response_model=models.Subgraph, tags=["graph"], responses=EXPORT_RESPONSES,
            summary="The actors and relations around some seed actors, as JSON or an export")
async def subgraph(request: Request, svc: Service, seeds: Seeds, depth: Depth = 1, types: Types = None,
                   as_of: AsOf = None, format: ExportFormat = "json",
                   events: Annotated[bool, Query(description="Add the events its actors took part in (as_of: those "
                                                             "that had happened by then), each with the participants "
                                                             "inside the subgraph; in an export, as nodes of kind "
                                                             "event joined to them.")] = False):
    seed_ids, flt = _seeds(seeds), _filter(types, as_of, None, None, None, None)

    def answer():
        graph = svc.subgraph(seed_ids, depth, flt)
        found = svc.neighbourhood_events([n["id"] for n in graph["nodes"]], flt.as_of) if events else None
        if format != "json":
            return _exported(request, graph, format, "conflictgraph-subgraph", svc, found)
        return json_response({"seeds": seed_ids, "depth": depth, **graph, "events": found or []}, request)
    return await heavy(request).run(answer)


@router.get("/export", tags=["graph"], response_class=Response, responses=EXPORT_RESPONSES,
            summary="The whole graph (optionally filtered) in an analyst's format")
async def export(request: Request, svc: Service, format: Annotated[Literal[tuple(FORMATS)], Query(  # type: ignore[valid-type]
               description="; ".join(f"{f.name}: {f.description}" for f in FORMATS.values()))] = "gexf",
           types: Types = None, as_of: AsOf = None, events: WithEvents = False):
    flt = _filter(types, as_of, None, None, None, None)
    f = FORMATS[format]
    pieces, _, _ = await heavy(request).run(svc.export_whole, flt, format, events)
    return streamed_response(pieces, f.media_type, request,
                             headers={"Content-Disposition": f'attachment; filename="conflictgraph.{f.extension}"'})


@router.get("/gephi/stream", tags=["graph"], response_class=StreamingResponse,
            responses={200: {"content": {"application/json": {}},
                             "description": "Gephi Graph Streaming events, one JSON object per line"}},
            summary="Graph Streaming events for Gephi's 'Connect to stream'")
async def gephi_stream(request: Request, svc: Service, seeds: Annotated[str | None, Query(
                     max_length=2000, description="Comma-separated actor ids; none for the whole graph.")] = None,
                 depth: Depth = 1, types: Types = None, as_of: AsOf = None,
                 events: Annotated[bool, Query(description="Add the events (as_of: those that had happened by "
                                                           "then) as nodes of kind event, joined to their "
                                                           "participants (with seeds: those inside the subgraph).")] = False):
    flt = _filter(types, as_of, None, None, None, None)
    if seeds:
        def neighbourhood():
            graph = svc.subgraph(_seeds(seeds), depth, flt)
            return graph, (svc.neighbourhood_events([n["id"] for n in graph["nodes"]], flt.as_of) if events else None)
        graph, found = await heavy(request).run(neighbourhood)
        return streamed_response(subgraph_events(graph, svc.ontology, found), "application/json", request)
    tables = await heavy(request).run(svc.whole_graph_tables_with_events, flt, events)
    return streamed_response(stream_events(*tables, svc.ontology), "application/json", request)


@router.get("/documents", response_model=models.Page[models.Document], tags=["documents"],
            summary="Provenance documents")
def list_documents(svc: Service, limit: Limit = 100, offset: Offset = 0):
    items, total = svc.documents(limit, offset)
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/documents/{document_id}", response_model=models.Document, tags=["documents"])
def get_document(svc: Service, document_id: Annotated[str, Path(max_length=200)]):
    return svc.document(document_id)


@router.get("/ontology", response_model=models.OntologyDescription, tags=["ontology"],
            summary="Actor kinds, relation types (direction, polarity, properties), vocabularies")
def ontology(svc: Service):
    return svc.ontology_description()
