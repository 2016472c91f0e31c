"""Query parameters an endpoint does not take are refused, not silently ignored: a frontend
that sends `/subgraph?min_confidence=high` must learn that the filter was not applied."""
from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from conflictgraph.graph.validation import did_you_mean

_DECLARED: dict[int, frozenset[str]] = {}   # id(route) -> the query parameters it declares


def _declared(route) -> frozenset[str]:
    names = _DECLARED.get(id(route))
    if names is None:
        found, todo = set(), [route.dependant]
        while todo:   # the route's own parameters and those of its dependencies
            dependant = todo.pop()
            found.update(p.alias for p in dependant.query_params)
            todo.extend(dependant.dependencies)
        names = _DECLARED[id(route)] = frozenset(found)
    return names


async def known_parameters_only(request: Request) -> None:
    """A dependency of every API route: 422 naming each query parameter the route does not take."""
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant") or not route.include_in_schema:
        return   # the docs pages (Swagger UI reads its own parameters, e.g. ?urls.primaryName)
    allowed = _declared(route)
    unknown = [k for k in dict.fromkeys(request.query_params.keys()) if k not in allowed]
    if unknown:
        takes = f"this endpoint takes {', '.join(sorted(allowed))}" if allowed else "this endpoint takes no query parameters"
        raise RequestValidationError([
            {"loc": ("query", k), "type": "extra_forbidden",
             "msg": f"unknown parameter{did_you_mean(k, allowed)}; {takes}"} for k in unknown])
