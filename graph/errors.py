"""Errors a user can act on; the CLI and the API turn each into a clear message."""
from __future__ import annotations


class ConflictGraphError(Exception):
    """Base class: the message is meant for the user."""


class StoreUnavailable(ConflictGraphError):
    """The store cannot be reached or opened."""


class StoreDamaged(StoreUnavailable):
    """The store's files are not what a load leaves: a damaged pointer or database file."""


class StoreEmpty(ConflictGraphError):
    """Nothing has been loaded into the store yet."""


class LoadInProgress(ConflictGraphError):
    """Another load holds the store's load lock."""


class QueryError(ConflictGraphError):
    """A query the user sent cannot be run as given."""


class QuerySyntaxError(QueryError):
    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line, self.column = line, column


class WriteRejected(QueryError):
    """The query would write, or call something that is not allowed, on a read-only path."""


class MissingParameters(QueryError):
    pass


class QueryTimeout(QueryError):
    pass


class ResearchQueriesUnavailable(ConflictGraphError):
    """Research queries cannot run safely here (the kernel cannot confine their workers)."""
