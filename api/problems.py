"""Errors as RFC 9457 problem details, so every failure has a status and a useful `detail`."""
from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from conflictgraph.graph import errors

log = logging.getLogger("conflictgraph.api")
MEDIA_TYPE = "application/problem+json"


def problem(status: int, detail: str, headers: dict[str, str] | None = None, type: str = "about:blank",
            **extra) -> JSONResponse:
    body = {"type": type, "title": HTTPStatus(status).phrase, "status": status, "detail": errors.capped(detail)}
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


_WHERE = {"query": "query parameter", "path": "path parameter", "body": "body field", "header": "header"}


def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    items = []
    for e in exc.errors():
        loc = [str(x) for x in e.get("loc", ())]
        name = ".".join(loc[1:]) or "(body)"
        items.append({"in": loc[0] if loc else None, "parameter": name, "message": e.get("msg", "")})
    detail = "; ".join(f"{_WHERE.get(i['in'], i['in'])} '{i['parameter']}': {i['message']}" for i in items)
    return problem(422, detail, errors=items)


def _domain(request: Request, exc: errors.ConflictGraphError) -> JSONResponse:
    """Every domain error carries its status (graph/errors.py): no list to keep in order here."""
    if isinstance(exc, errors.BadRequest) and exc.parameter:
        return problem(exc.status, f"query parameter '{exc.parameter}': {exc}",
                       errors=[{"in": "query", "parameter": exc.parameter, "message": str(exc)}])
    if exc.status >= 500 and not isinstance(exc, (errors.StoreUnavailable, errors.StoreEmpty)):
        log.warning("%s on %s: %s", type(exc).__name__, request.url.path, exc)
    return problem(exc.status, str(exc), type=exc.problem_type, headers=getattr(exc, "headers", None),
                   line=getattr(exc, "line", None), column=getattr(exc, "column", None))


def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return problem(exc.status_code, str(exc.detail))


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s", request.url.path, exc_info=exc)
    return problem(500, "internal error; the server log has the details")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(errors.ConflictGraphError, _domain)
    app.add_exception_handler(Exception, _unexpected)
