"""The Explorer: its page at / and its files under /explorer/, as `make explorer` built them
(explorer/dist). It is a client of the public API like any other, so it is served as static
files with a strict Content-Security-Policy: scripts and connections to this origin only (the
layout runs in a worker made from a blob), nothing from elsewhere."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from conflictgraph.graph.paths import EXPLORER_DIR

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Explorer not built</title></head>
<body><h1>The Explorer is not built</h1><p>Build it with <code>make explorer</code> (npm ci, then vite
build), then reload. The API itself works: see <a href="/docs">/docs</a>.</p></body></html>"""


def install(app: FastAPI, folder: Path = EXPLORER_DIR) -> None:
    @app.get("/", include_in_schema=False)
    def explorer_page():
        index = folder / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503, headers={"Content-Security-Policy": CSP})
        return FileResponse(index, media_type="text/html",
                            headers={"Content-Security-Policy": CSP, "Cache-Control": "no-cache",
                                     "X-Content-Type-Options": "nosniff"})

    app.mount("/explorer", StaticFiles(directory=folder, check_dir=False), name="explorer")
