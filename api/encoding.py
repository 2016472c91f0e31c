"""Large JSON answers encoded (and compressed) where they were computed, not on the event loop.

A handler that returns a dict has it validated, serialized and gzip-compressed on the event
loop: one 32 MB research result stalled /health for 2.4 s. Answers that can be large are
built into bytes here, in the worker thread of the lane that computed them; a body that
already says Content-Encoding passes the GZip middleware untouched. The payloads are already
in their response model's shape (tests/test_api.py checks each against it), so FastAPI's own
validation is skipped too: for a median 2-hop subgraph (5.9 MB) it took 260 ms of ~575.
"""
from __future__ import annotations

import gzip

import orjson
from fastapi import Request
from fastapi.responses import Response

GZIP_MIN_BYTES = 1024   # as the middleware's minimum_size
COMPRESSED_ALREADY = ("application/zip", "application/gzip")   # the middleware skips them too
GZIP_LEVEL = 6          # as the middleware's: zlib's default, 3x faster than 9 for 9% more bytes


def json_response(payload, request: Request) -> Response:
    """`payload` (already in its response model's shape) as a JSON response, gzip-compressed
    when the client accepts it; call this off the event loop for anything large."""
    return bytes_response(orjson.dumps(payload, default=str, option=orjson.OPT_SERIALIZE_NUMPY),
                          "application/json", request)


def bytes_response(body: bytes, media_type: str, request: Request, headers: dict[str, str] | None = None) -> Response:
    """`body` as a response, gzip-compressed here when the client accepts it."""
    headers = {**(headers or {}), "Vary": "Accept-Encoding"}
    if (len(body) >= GZIP_MIN_BYTES and media_type not in COMPRESSED_ALREADY
            and "gzip" in request.headers.get("accept-encoding", "")):
        body = gzip.compress(body, GZIP_LEVEL, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=media_type, headers=headers)
