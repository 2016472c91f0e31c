"""Request bodies are capped: a 79 MB `params` list used to be read, parsed and passed on."""
from __future__ import annotations

import orjson


def _refusal(limit: int) -> tuple[dict, bytes]:
    body = orjson.dumps({"type": "about:blank", "title": "Content Too Large", "status": 413,
                         "detail": f"the request body is larger than this server accepts ({limit:,} bytes)"})
    return ({"type": "http.response.start", "status": 413,
             "headers": [(b"content-type", b"application/problem+json"),
                         (b"content-length", str(len(body)).encode()), (b"connection", b"close")]},
            body)


class BodyLimit:
    """ASGI middleware: 413 for a declared Content-Length over the limit, before reading
    anything; a chunked body is counted as it arrives and cut off at the limit."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await self._refuse(send)
        seen = 0
        started = refused = False

        async def counted_receive():
            # Past the limit: answer 413 ourselves, and tell the app the client has gone
            # (raising here would reach FastAPI's body parser, which answers 400).
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    if not started:
                        await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message):
            nonlocal started
            if refused:
                return   # the 413 has been sent; the app's own answer goes nowhere
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted_receive, tracked_send)

    async def _refuse(self, send):
        start, body = _refusal(self.max_bytes)
        await send(start)
        await send({"type": "http.response.body", "body": body})
