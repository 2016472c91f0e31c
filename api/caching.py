"""HEAD for every GET, and strong ETags for graph answers.

A published graph never changes (a load publishes a new one), so an answer is identified
by the graph's version, the URL and the encoding: a client that sends the ETag back in
`If-None-Match` gets a 304 without the question being asked again. `Cache-Control:
no-cache` makes clients ask each time, since a load may publish a new version at any moment.
Every graph answer also names the version it comes from (`ConflictGraph-Version`): the
one the request pinned (`?version=`), else the current one.
"""
from __future__ import annotations

import hashlib
from typing import Callable
from urllib.parse import parse_qs

import anyio.to_thread

# Not cached: the health check answers about the service now, the docs and the Explorer's page
# and files are not graph answers (the files carry their own validators).
_UNCACHED = ("/health", "/docs", "/redoc", "/openapi.json", "/explorer/", "/versions")
VERSION_HEADER = b"conflictgraph-version"


class ConditionalGet:
    def __init__(self, app, version: Callable[[object], str | None]):
        self.app, self.version = app, version

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        etag = served = None
        if scope["path"] != "/" and not scope["path"].startswith(_UNCACHED):
            served = await self._served(scope)
            etag = self._etag(scope, served)
        tagged = [(b"etag", etag.encode()), (b"cache-control", b"no-cache"),
                  (VERSION_HEADER, served.encode())] if etag is not None else []
        headers = dict(scope.get("headers") or ())
        if etag is not None and etag.encode() in _tags(headers.get(b"if-none-match", b"")):
            await send({"type": "http.response.start", "status": 304, "headers": tagged})
            await send({"type": "http.response.body", "body": b""})
            return
        sent_body = False

        async def wrapped(message):
            nonlocal sent_body
            if message["type"] == "http.response.start":
                if etag is not None and message["status"] == 200:
                    message = {**message, "headers": [*message.get("headers", []), *tagged]}
                await send(message)
            elif message["type"] == "http.response.body" and head:
                if not sent_body:   # the headers (incl. Content-Length) of the GET, no body
                    sent_body = True
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
            else:
                await send(message)
        await self.app(scope, receive, wrapped)

    async def _served(self, scope) -> str | None:
        """The version the answer comes from: the pinned one (the handler checks it is kept
        and answers 404 otherwise), else the current one."""
        pinned = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("version")
        if pinned and pinned[0]:
            return pinned[0]
        try:
            return await anyio.to_thread.run_sync(self.version, scope)
        except Exception:   # an empty or damaged store: the handler answers for it
            return None

    @staticmethod
    def _etag(scope, version: str | None) -> str | None:
        if version is None:
            return None
        accept = dict(scope.get("headers") or ()).get(b"accept-encoding", b"")
        key = b"|".join([version.encode(), scope["path"].encode(), scope.get("query_string", b""),
                         b"gzip" if b"gzip" in accept else b""])
        return '"' + hashlib.sha256(key).hexdigest()[:24] + '"'


def _tags(header: bytes) -> set[bytes]:
    return {t.strip().removeprefix(b"W/") for t in header.split(b",") if t.strip()}
