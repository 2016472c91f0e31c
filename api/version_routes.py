"""Versions of the graph, what changed between two, and the claims that contradict each other.

Handlers parse, call the service (graph/service.py: versions, changes, contradictions) and
shape the answer; comparing versions and finding contradictions read whole graphs, so they
wait in the heavy lane like exports.
"""
from __future__ import annotations

from typing import Annotated, Literal

import anyio.to_thread
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from conflictgraph.graph import changes as changes_report
from conflictgraph.graph.contradictions import KINDS

from .encoding import json_response
from .routes import Service, _csv, heavy, service

router = APIRouter(tags=["versions"])
VersionId = Annotated[str, Path(max_length=40, description="A version id, as GET /versions lists them.")]


@router.get("/versions", summary="The versions of the graph this server keeps, newest first")
async def list_versions(request: Request):
    """Each version's id (derived from what was loaded: the same seed files give the same
    id), sequence number, when it was recorded, what went in (seed files and their SHA-256,
    each import's importer and dataset file), its counts, whether it is current and, on the
    embedded store, the disk it takes. Pass an id as `version=` to any read endpoint."""
    items = await anyio.to_thread.run_sync(service(request).versions)
    current = next((v["id"] for v in items if v.get("current")), None)
    return {"current": current, "items": items}


@router.get("/versions/{version_id}", summary="One kept version: what went in, its counts")
async def get_version(request: Request, version_id: VersionId):
    return await anyio.to_thread.run_sync(service(request).version_info, version_id)


@router.get("/changes", summary="What changed between two versions, with the sources of each change",
            response_class=Response,
            responses={200: {"content": {"application/json": {}, "text/markdown": {}},
                             "description": "the changes as JSON, or as a readable report"}})
async def list_changes(request: Request,
                       from_: Annotated[str, Query(alias="from", max_length=40,
                                                   description="The older version's id.")],
                       to: Annotated[str | None, Query(max_length=40, description="The newer version's id "
                                                       "(default: the current one).")] = None,
                       actors: Annotated[str | None, Query(max_length=2000, description="Comma-separated actor "
                                                           "ids: only the changes that concern them (a view's).")] = None,
                       format: Annotated[Literal["json", "text"], Query(description="json, or text: a readable "
                                                                        "Markdown report.")] = "json"):
    """Actors, relations, events and documents added, removed or changed (field by field;
    evidence item by item), each relation and event with the sources it rests on."""
    svc = service(request)

    def answer():
        found = svc.changes(from_, to or "", _csv(actors) or None)
        if format == "text":
            return Response(changes_report.report(found), media_type="text/markdown; charset=utf-8")
        return json_response(found, request)
    return await heavy(request).run(answer)


@router.get("/contradictions", summary="Claims that disagree, each side with its sources")
async def list_contradictions(request: Request, svc: Service,
                              actor: Annotated[str | None, Query(max_length=200, description="Only those "
                                                                 "about this actor.")] = None,
                              kind: Annotated[str | None, Query(max_length=40, description="One of: " +
                                                                ", ".join(f"{k} ({v})" for k, v in KINDS.items()))] = None,
                              source: Annotated[str | None, Query(max_length=200, description="Only those where "
                                                                  "a side cites this document id.")] = None,
                              explained: Annotated[bool | None, Query(description="true: only the documented "
                                                                      "ones; false: only the unexplained.")] = None):
    """Opposite-polarity ties held at once, the same tie asserted and disputed, the same tie
    dated differently, claims resting on events outside their own period; each side says if
    it is an importer's claim or a curated one. Deliberate, documented ones carry
    `explained` (why, and where it is written down); they are listed, never hidden."""
    def answer():
        items = svc.contradictions(actor or "", kind or "", source or "", explained)
        return json_response({"version": svc.store.version(), "total": len(items), "items": items}, request)
    return await heavy(request).run(answer)
