"""`/actors/` is `/actors`: served as it is, never redirected.

Starlette answers a path with a trailing slash by redirecting to the path without it, and
builds the redirect's URL from the request's own Host header: `GET /actors/` with
`Host: evil.example` answered `Location: http://evil.example/actors`, a redirect to any host
a client names. This middleware takes the slash away before routing (and the app's router
makes no slash redirects at all), so no answer carries a URL built from the request.
"""
from __future__ import annotations


class TrailingSlash:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            path = scope.get("path", "")
            if len(path) > 1 and path.endswith("/"):
                stripped = path.rstrip("/") or "/"
                scope = {**scope, "path": stripped,
                         "raw_path": stripped.encode() if scope.get("raw_path") is not None else None}
        return await self.app(scope, receive, send)
