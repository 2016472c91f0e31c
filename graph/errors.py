"""Every error a user can act on, in one hierarchy.

Each class carries what the HTTP API answers with (`status`, and RFC 9457's problem `type`),
so the API maps an error by asking it, not by a list kept elsewhere, and the CLI prints the
message and exits 1. The message is always meant for the user.
"""
from __future__ import annotations


class ConflictGraphError(Exception):
    """Base class: the message is meant for the user."""
    status = 500
    problem_type = "about:blank"


# An engine's message may quote what a query built: `RETURN error(repeat('x', 150000000))`
# made a 150 MB problem body and a 1.1 GB service. Nobody reads past a few lines.
MESSAGE_MAX_CHARS = 2000


def capped(message: str, limit: int = MESSAGE_MAX_CHARS) -> str:
    """A message cut to `limit` characters, saying how much was cut."""
    if len(message) <= limit:
        return message
    return f"{message[:limit]}... ({len(message) - limit:,} more characters cut)"


# --- requests ----------------------------------------------------------------------
class NotFound(ConflictGraphError, LookupError):
    """No actor, relation or document with the id asked for."""
    status = 404


class BadRequest(ConflictGraphError, ValueError):
    """A request that is well-formed but cannot be answered (e.g. an unknown relation type);
    `parameter` names the request parameter at fault, where there is one (422 then, as
    for a parameter the API's own validation refuses)."""
    status = 400

    def __init__(self, message: str, parameter: str | None = None):
        super().__init__(message)
        self.parameter = parameter
        if parameter:
            self.status = 422


class AnalyticsError(ConflictGraphError, ValueError):
    """An analysis asked of a graph it does not apply to."""
    status = 400


# --- computations bounded in time and memory (graph/bounded.py) ---------------------
class ComputationTimeout(ConflictGraphError):
    status = 504


class ComputationTooLarge(ConflictGraphError):
    status = 400


class ComputationCancelled(ConflictGraphError):
    """The caller went away (e.g. the HTTP client disconnected); nobody wants the answer."""
    status = 503


class ComputationCrashed(ConflictGraphError):
    status = 500


class ComputationUnavailable(ConflictGraphError):
    """The server could not start the computation's process (the system refused a fork)."""
    status = 503


# --- stores --------------------------------------------------------------------------
class StoreUnavailable(ConflictGraphError):
    """The store cannot be reached or opened."""
    status = 503


class StoreDamaged(StoreUnavailable):
    """The store's files are not what a load leaves: a damaged pointer or database file."""


class StoreEmpty(ConflictGraphError):
    """Nothing has been loaded into the store yet."""
    status = 503


class LoadInProgress(ConflictGraphError):
    """Another load holds the store's load lock."""
    status = 409


class LoadFailed(ConflictGraphError):
    """A load could not finish (a staging worker died, the database refused the data);
    the previously loaded graph is untouched."""


# --- research queries ------------------------------------------------------------------
class QueryError(ConflictGraphError):
    """A query the user sent cannot be run as given."""
    status = 400


class QuerySyntaxError(QueryError):
    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line, self.column = line, column


class WriteRejected(QueryError):
    """The query would write, or call something that is not allowed, on a read-only path."""
    status = 403


class MissingParameters(QueryError):
    pass


class QueryTimeout(QueryError):
    status = 504


class QueryAbandoned(QueryError):
    """The client that asked went away, so its query was stopped (nobody reads this answer;
    the log does)."""
    status = 503


class ResearchQueriesUnavailable(ConflictGraphError):
    """Research queries cannot run safely here (the kernel cannot confine their workers)."""
    status = 503


# --- the data --------------------------------------------------------------------------
class OntologyError(ConflictGraphError, ValueError):
    """The ontology file is not a valid ontology."""


class ValidationFailed(ConflictGraphError):
    """Seed data with problems; each names its file, record and field."""
    status = 422

    def __init__(self, problems: list):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the seed data:\n" +
                         "\n".join(f"  {p}" for p in problems))
