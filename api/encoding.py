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
import queue
import threading
from typing import Iterable, Iterator

import orjson
from fastapi import Request
from isal import isal_zlib
from fastapi.responses import Response, StreamingResponse

GZIP_MIN_BYTES = 1024   # as the middleware's minimum_size
COMPRESSED_ALREADY = ("application/zip", "application/gzip")   # the middleware skips them too
GZIP_LEVEL = 6          # as the middleware's: zlib's default, 3x faster than 9 for 9% more bytes
# Streamed exports run to hundreds of megabytes: at level 6 the GZip middleware, compressing
# on the event loop, was most of a whole-graph export's time (GEXF at 1M relations: 18.5 s,
# of which 3.5 s building its tables). Level 1 here, off the event loop, and with ISA-L's
# deflate (python-isal; plain gzip on the wire): the 835 MB of that GEXF took zlib 2.9-3.1 s
# at level 1 and ISA-L 0.76 s, for 99.3 MB instead of 95.7.
STREAM_GZIP_LEVEL = 1


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


def _gzipped(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The pieces as one gzip stream (the compressor hands out bytes as its buffer fills; it
    releases the GIL while it works, so the writing thread goes on meanwhile)."""
    z = isal_zlib.compressobj(STREAM_GZIP_LEVEL, isal_zlib.DEFLATED, 16 + isal_zlib.MAX_WBITS)   # 16+: gzip framing
    for piece in pieces:
        out = z.compress(piece)
        if out:
            yield out
    yield z.flush()


READ_AHEAD = 2   # pieces written ahead of the one being compressed and sent


def _read_ahead(pieces: Iterable[bytes], depth: int = READ_AHEAD) -> Iterator[bytes]:
    """The pieces, written by a thread of their own up to `depth` ahead of the reader: the
    writing (Arrow kernels) and the compressing (ISA-L) both release the GIL, so on two cores
    they overlap instead of taking turns (GEXF at 1M relations over HTTP: writing 4.6 s and
    compressing ~1.5 s, one after the other). Stops writing when the reader stops (a client
    that went away); the writer's error is raised to the reader."""
    box: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def hand(item) -> bool:
        """Put `item` in the box for the reader, unless it stopped reading meanwhile."""
        while not stop.is_set():
            try:
                box.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def write() -> None:
        try:
            for piece in pieces:
                if not hand(piece):
                    return
            item = end
        except BaseException as e:  # noqa: BLE001 - handed to the reader, which raises it
            item = e
        hand(item)

    writer = threading.Thread(target=write, daemon=True, name="export-writer")
    writer.start()
    try:
        while True:
            item = box.get()
            if item is end:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        close = getattr(pieces, "close", None)
        writer.join(timeout=5)
        if close is not None and not writer.is_alive():
            close()


def streamed_response(pieces: Iterable[bytes], media_type: str, request: Request,
                      headers: dict[str, str] | None = None) -> StreamingResponse:
    """A streamed answer (a sync iterator: Starlette pulls it in a worker thread), written a
    few pieces ahead by a thread of its own and compressed as it is read when the client
    accepts gzip, so that neither the writing nor the compressing of a large export holds the
    event loop; the GZip middleware then leaves it alone."""
    headers = {**(headers or {}), "Vary": "Accept-Encoding"}
    pieces = _read_ahead(pieces)
    if media_type not in COMPRESSED_ALREADY and "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        pieces = _gzipped(pieces)
    return StreamingResponse(pieces, media_type=media_type, headers=headers)
