"""Network analytics endpoints (networkx over the filtered graph).

Each computation runs in a child process bounded in time and memory, is abandoned when the
client disconnects, and is kept per published graph and filter (GraphService.analyse).
"""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from conflictgraph.graph import analytics

from . import models
from .admission import client_watch
from .routes import AsOf, Service, Types, _filter, heavy

router = APIRouter(prefix="/analytics", tags=["analytics"])
Limit = Annotated[int, Query(ge=1, le=1000)]


async def _analyse(request: Request, svc, question: str, types, as_of, *args, actor: str | None = None):
    flt = _filter(types, as_of, None, None, None, None)
    async with client_watch(request) as cancelled:
        def answer():
            if actor is not None:
                svc.require_actor(actor)  # 404 for an unknown actor
            return svc.analyse(question, flt, *args, cancelled=cancelled)
        return await heavy(request).run(answer)


@router.get("/centrality", response_model=models.Centrality, summary="Actors ranked by centrality")
async def centrality(request: Request, svc: Service,
                     metric: Literal[analytics.METRICS] = "degree",  # type: ignore[valid-type]
                     types: Types = None, as_of: AsOf = None, limit: Limit = 20):
    return await _analyse(request, svc, "centrality", types, as_of, metric, limit)


@router.get("/balance", response_model=models.Balance, summary="Structural balance of the signed graph")
async def balance(request: Request, svc: Service, types: Types = None, as_of: AsOf = None, limit: Limit = 1000):
    return await _analyse(request, svc, "balance", types, as_of, limit)


@router.get("/blocs", response_model=models.Blocs, summary="Coalitions from the signed graph")
async def blocs(request: Request, svc: Service, types: Types = None, as_of: AsOf = None):
    return await _analyse(request, svc, "blocs", types, as_of)


@router.get("/timeline", response_model=models.Timeline, summary="An actor's relations over time")
async def timeline(request: Request, svc: Service, actor: Annotated[str, Query(max_length=200)],
                   types: Types = None):
    return await _analyse(request, svc, "timeline", types, None, actor, actor=actor)
