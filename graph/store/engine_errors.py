"""What an engine's errors become, in the same words on every store.

Each engine module only recognises its own errors (ladybug_engine.translate: message
prefixes; neo4j_store._translate: the driver's classes and status codes) and hands the kind
it found to one of these, so a researcher reads the same message whichever store answers.
"""
from __future__ import annotations

from ..errors import QueryError, QuerySyntaxError, QueryTimeout, WriteRejected


def timed_out() -> QueryTimeout:
    return QueryTimeout("the query ran past the server's time limit and was stopped")


def writes_refused(detail: str = "research queries run on a read-only connection") -> WriteRejected:
    return WriteRejected(f"writes are not allowed: {detail}")


def out_of_memory() -> QueryError:
    return QueryError("the query needs more memory than this server allows for a query; narrow it")


def syntax(message: str, line: int | None = None, column: int | None = None) -> QuerySyntaxError:
    return QuerySyntaxError(message, line, column)


def refused(message: str) -> QueryError:
    """Anything else the engine refused to run, in its own words."""
    return QueryError(message)
