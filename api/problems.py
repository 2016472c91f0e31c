"""Errors as RFC 9457 problem details, so every failure has a status and a useful `detail`."""
from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from conflictgraph.graph import bounded, errors
from conflictgraph.graph.analytics import AnalyticsError
from conflictgraph.graph.service import BadRequest, NotFound

from .admission import Busy

log = logging.getLogger("conflictgraph.api")
MEDIA_TYPE = "application/problem+json"


def problem(status: int, detail: str, headers: dict[str, str] | None = None, **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _busy(request: Request, exc: Busy) -> JSONResponse:
    return problem(503, str(exc), headers={"Retry-After": str(exc.retry_after_s)})


_WHERE = {"query": "query parameter", "path": "path parameter", "body": "body field", "header": "header"}


def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    items = []
    for e in exc.errors():
        loc = [str(x) for x in e.get("loc", ())]
        name = ".".join(loc[1:]) or "(body)"
        items.append({"in": loc[0] if loc else None, "parameter": name, "message": e.get("msg", "")})
    detail = "; ".join(f"{_WHERE.get(i['in'], i['in'])} '{i['parameter']}': {i['message']}" for i in items)
    return problem(422, detail, errors=items)


# Domain error -> HTTP status. Order matters: subclasses before their bases.
_STATUS = [
    (NotFound, 404),
    (bounded.ComputationTimeout, 504),
    (bounded.ComputationTooLarge, 400),
    (bounded.ComputationCancelled, 503),   # nobody reads it: the client has gone
    (bounded.ComputationCrashed, 500),
    (errors.QuerySyntaxError, 400),
    (errors.MissingParameters, 400),
    (errors.WriteRejected, 403),
    (errors.QueryTimeout, 504),
    (errors.QueryError, 400),
    (errors.StoreEmpty, 503),
    (errors.ResearchQueriesUnavailable, 503),
    (errors.StoreUnavailable, 503),
]


def _domain(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, AnalyticsError):
        return problem(400, str(exc))
    if isinstance(exc, BadRequest):
        if exc.parameter:
            return problem(422, f"query parameter '{exc.parameter}': {exc}",
                           errors=[{"in": "query", "parameter": exc.parameter, "message": str(exc)}])
        return problem(400, str(exc))
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return problem(status, str(exc), line=getattr(exc, "line", None), column=getattr(exc, "column", None))
    # Handlers run outside the `except` block: the exception must be passed to be logged.
    log.error("unexpected error on %s", request.url.path, exc_info=exc)
    return problem(500, "internal error; the server log has the details")


def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return problem(exc.status_code, str(exc.detail))


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s", request.url.path, exc_info=exc)
    return problem(500, "internal error; the server log has the details")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(Busy, _busy)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(errors.ConflictGraphError, _domain)
    app.add_exception_handler(NotFound, _domain)
    app.add_exception_handler(BadRequest, _domain)
    app.add_exception_handler(AnalyticsError, _domain)
    app.add_exception_handler(Exception, _unexpected)
