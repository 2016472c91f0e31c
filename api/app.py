"""The ConflictGraph query service (FastAPI)."""
from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import Depends, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi_offline import FastAPIOffline

from conflictgraph.graph import __version__, errors
from conflictgraph.graph.gc_tuning import tune_for_answering
from conflictgraph.graph.paths import EXPLORER_DIR
from conflictgraph.graph.service import GraphService
from conflictgraph.graph.settings import Settings
from conflictgraph.graph.store import GraphStore, open_store

from . import explorer, models, problems
from .admission import Lanes, client_watch
from .encoding import GZIP_LEVEL, GZIP_MIN_BYTES, bytes_response
from .body_limit import BodyLimit
from .trailing_slash import TrailingSlash
from .caching import ConditionalGet
from .parameters import known_parameters_only
from .analytics_routes import router as analytics_router
from .version_routes import router as version_router
from .routes import VersionParam, router, service

log = logging.getLogger("conflictgraph")

DESCRIPTION = """A dated, sourced knowledge graph of conflict actors: who backs, sanctions,
blocks, fights or leads whom. Every relation carries its dates (partial ISO, with precision),
confidence, status and evidence. Errors are RFC 9457 problem details.

To look rather than query, open the [Explorer](/) (it uses only the calls documented here)."""


def _warm_up(store: GraphStore) -> None:
    try:
        store.warm_up()
    except Exception as e:  # noqa: BLE001 - an empty store, say: requests will explain it
        log.info("warm-up skipped: %s", e)


def create_app(store: GraphStore | None = None, settings: Settings | None = None) -> FastAPIOffline:
    """The app; it opens the store from settings at startup unless one is given."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app):
        # One store (and so one driver or one pool of engine connections) for the app's
        # lifetime; each request takes its own session or connection from it. A store the
        # caller passes in is the caller's to close.
        if store is not None:
            yield
            return
        app.state.service = GraphService.from_settings(open_store(settings.store, settings=settings), settings)
        tune_for_answering()   # graph/gc_tuning.py: the collector was half of a 2-hop answer's time
        # Build the embedded store's projection while the first requests are on their way
        # (seconds at a million relations); requests that need it meanwhile wait for it.
        warming = threading.Thread(target=_warm_up, args=(app.state.service.store,), daemon=True,
                                   name="warm-up")
        warming.start()
        try:
            yield
        finally:
            # Not closed under the warm-up's feet: the engine aborted the process ("terminate
            # called without an active exception") when a service stopped while it ran.
            await anyio.to_thread.run_sync(warming.join)
            app.state.service.store.close()

    # The docs pages use Swagger UI and ReDoc files shipped in the fastapi-offline package:
    # no CDN, so /docs and /redoc work on a machine with no internet.
    app = FastAPIOffline(title="ConflictGraph", version=__version__, description=DESCRIPTION,
                         lifespan=lifespan, swagger_ui_parameters={"validatorUrl": None},
                         dependencies=[Depends(known_parameters_only)],
                         # operationIds a generated client can use: the handler's name (list_actors)
                         generate_unique_id_function=lambda route: route.name,
                         responses={422: models.problem_response("A parameter is invalid; `errors` names it"),
                                    503: models.problem_response("The store is unreachable or empty")})
    if store is not None:
        app.state.service = GraphService.from_settings(store, settings)
    app.state.lanes = Lanes.from_settings(settings)
    problems.install(app)
    # Level 6 (zlib's default) instead of Starlette's 9: a 1.7 MB subgraph compresses in 30 ms
    # instead of 105 ms, 9% larger.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=GZIP_LEVEL)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_kb * 1024)
    app.add_middleware(ConditionalGet, version=lambda scope: scope["app"].state.service.store.version())
    # No redirect is built from the request's Host: `/actors/` is served as `/actors`.
    app.router.redirect_slashes = False
    app.add_middleware(TrailingSlash)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "HEAD", "POST"], allow_headers=["*"],
                           # what a frontend reads: the export's file name, the cache tag, when to retry
                           expose_headers=["Content-Disposition", "ETag", "Retry-After", "ConflictGraph-Version"])

    @app.get("/health", response_model=models.Health, tags=["service"])
    def health(request: Request):
        try:
            return service(request).health()
        except (errors.StoreUnavailable, errors.StoreEmpty) as e:
            return problems.problem(503, str(e))

    @app.post("/cypher", response_model=models.CypherResponse, tags=["research"],
              summary="Run a read-only Cypher query",
              responses={400: models.problem_response("Syntax error (with line and column), or a query "
                                                      "the engine cannot run within the limits"),
                         403: models.problem_response("A write, file access or forbidden procedure"),
                         404: models.problem_response("The version asked for is not kept (GET /versions)"),
                         504: models.problem_response("The server's time limit was reached")})
    async def cypher(request: Request, body: models.CypherRequest, version: VersionParam = None):
        """Runs one read-only statement with its parameters. Writes, file access and
        procedures outside a small catalogue allow-list are refused (403); the server's
        time limit (504) and row limit (`truncated`) apply, and neither can be raised
        from the request. `version` (in the body or the query): on a kept version."""
        if version and body.version and version != body.version:
            raise errors.BadRequest(f"two versions asked for: {version} in the query, {body.version} in the body",
                                    "version")
        async with client_watch(request) as cancelled:   # a client that leaves stops its query
            def answer():
                store = service(request).store.at(version or body.version)
                served = store.version()
                result = store.research_query(
                    body.query, body.params, timeout_ms=settings.query_timeout_ms, row_limit=settings.row_limit,
                    cancelled=cancelled)
                return bytes_response(result.json_bytes(), "application/json", request,
                                      {"ConflictGraph-Version": served} if served else None)
            return await request.app.state.lanes.research.run(answer)

    errors_doc = {404: models.problem_response("No such actor, relation or document"),
                  400: models.problem_response("The request cannot be answered")}
    app.include_router(router, responses=errors_doc)
    app.include_router(analytics_router, responses=errors_doc)
    app.include_router(version_router, responses=errors_doc)
    explorer.install(app, Path(settings.explorer_dir) if settings.explorer_dir else EXPLORER_DIR)
    return app


def __getattr__(name: str):
    # `uvicorn conflictgraph.api.app:app` builds the app from the environment on first use.
    if name == "app":
        return create_app()
    raise AttributeError(name)

