"""Network analytics endpoints (networkx over the filtered graph)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from graph import analytics

from . import models
from .routes import AsOf, Service, Types, _filter, heavy

router = APIRouter(prefix="/analytics", tags=["analytics"])
Limit = Annotated[int, Query(ge=1, le=1000)]


def _graph(svc, types, as_of):
    return svc.whole_graph(_filter(types, as_of, None, None, None, None))


@router.get("/centrality", response_model=models.Centrality, summary="Actors ranked by centrality")
async def centrality(request: Request, svc: Service, metric: Literal[analytics.METRICS] = "degree",  # type: ignore[valid-type]
               types: Types = None, as_of: AsOf = None, limit: Limit = 20):
    return await heavy(request).run(
        lambda: analytics.centrality(_graph(svc, types, as_of), svc.ontology, metric, limit))


@router.get("/balance", response_model=models.Balance, summary="Structural balance of the signed graph")
async def balance(request: Request, svc: Service, types: Types = None, as_of: AsOf = None, limit: Limit = 1000):
    return await heavy(request).run(lambda: analytics.balance(_graph(svc, types, as_of), svc.ontology, limit))


@router.get("/blocs", response_model=models.Blocs, summary="Coalitions from the signed graph")
async def blocs(request: Request, svc: Service, types: Types = None, as_of: AsOf = None):
    return await heavy(request).run(lambda: analytics.blocs(_graph(svc, types, as_of), svc.ontology))


@router.get("/timeline", response_model=models.Timeline, summary="An actor's relations over time")
async def timeline(request: Request, svc: Service, actor: Annotated[str, Query(max_length=200)], types: Types = None):
    def answer():
        svc.require_actor(actor)  # 404 for an unknown actor
        return analytics.timeline(_graph(svc, types, None), svc.ontology, actor)
    return await heavy(request).run(answer)
