"""One read-only snapshot of a store, as every engine offers it: the Reader runs Cypher texts
(the project's own, or a researcher's after the checks here) and returns QueryResults."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

import orjson

from ..cypher import registry
from ..cypher_text import (MAX_CASE_NESTING, MAX_NESTING, MAX_OPERATORS, called_procedures, case_depth,
                           nesting_depth, operator_count, parameter_names, statements, write_or_io_clauses)
from ..errors import MissingParameters, QueryError, WriteRejected

# A research query's result stops (marked truncated) at this many bytes of JSON as well as
# at the row limit: 10,000 rows of 20 KB each grew the server by 0.5 GB.
RESULT_MAX_BYTES = 32 << 20
# How often a running or waiting research query looks whether its client is still there.
CANCEL_POLL_S = 0.2


def collect_rows(rows: Iterable[list[Any]], row_limit: int | None,
                 byte_limit: int | None = None) -> tuple[list[list[Any]], bool]:
    """Rows up to `row_limit` rows and `byte_limit` bytes of JSON; and whether it cut any."""
    out: list[list[Any]] = []
    size = 0
    for row in rows:
        if row_limit is not None and len(out) >= row_limit:
            return out, True
        if byte_limit is not None:
            size += len(orjson.dumps(row, default=str, option=orjson.OPT_SERIALIZE_NUMPY))
            if size > byte_limit:
                return out, True
        out.append(row)
    return out, False


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def json_bytes(self) -> bytes:
        """The result as the API answers it: {"columns", "rows", "truncated"} in JSON."""
        return orjson.dumps({"columns": self.columns, "rows": self.rows, "truncated": self.truncated},
                            default=str, option=orjson.OPT_SERIALIZE_NUMPY)


class EncodedResult(QueryResult):
    """A result that arrived already as the API's JSON (a research worker's answer): passed on
    as it is, and decoded only if its rows are read. Decoding a 32 MB answer, and encoding it
    again, held the interpreter for the service's other threads and its event loop."""

    def __init__(self, encoded: bytes):   # noqa: super().__init__ is not called: the fields are decoded lazily
        self.encoded = encoded
        self._decoded: dict | None = None

    def _get(self, key: str):
        if self._decoded is None:
            self._decoded = orjson.loads(self.encoded)
        return self._decoded[key]

    columns = property(lambda self: self._get("columns"))
    rows = property(lambda self: self._get("rows"))
    truncated = property(lambda self: self._get("truncated"))

    def json_bytes(self) -> bytes:
        return self.encoded


@lru_cache(maxsize=1024)
def _lexical_facts(query: str) -> tuple[int, tuple[str, ...], tuple[str, ...], frozenset[str]]:
    # The service sends the same few dozen texts over and over: scan each once.
    return (len(statements(query)), tuple(write_or_io_clauses(query)), tuple(called_procedures(query)),
            frozenset(parameter_names(query)))


def check_query_text(query: str, params: dict[str, Any] | None,
                     allowed_procedures: frozenset[str] = frozenset()) -> None:
    """Reject, before any engine sees it, a text that is not one read-only statement with
    all its parameters bound. Stores also run research queries on read-only connections;
    this check makes the refusal the same, and explained, on every engine."""
    if not query or not query.strip():
        raise QueryError("the query is empty")
    check_nesting(query)
    n_statements, clauses, procedures, _ = _lexical_facts(query)
    if n_statements > 1:
        raise QueryError("send one statement at a time (this text has several, separated by ';')")
    if clauses:
        raise WriteRejected(f"writes are not allowed: research queries are read-only, and "
                            f"{clauses[0]} writes, reads files or manages the database")
    for name in procedures:
        if name not in allowed_procedures:
            allowed = ", ".join(sorted(allowed_procedures)) or "none"
            raise WriteRejected(f"procedure {name!r} is not allowed in research queries "
                                f"(allowed: {allowed})")
    check_parameters(query, params)


def check_nesting(query: str) -> None:
    """Refuse texts nested deeper, or with longer operator chains, than any engine parses in
    reasonable time (graph/cypher_text.py has the measurements)."""
    depth = nesting_depth(query)
    if depth > MAX_NESTING:
        raise QueryError(f"the query nests brackets {depth} levels deep; at most {MAX_NESTING} are accepted")
    depth = case_depth(query)
    if depth > MAX_CASE_NESTING:
        raise QueryError(f"the query nests CASE expressions {depth} levels deep; at most {MAX_CASE_NESTING} "
                         "are accepted (a CASE with several WHEN branches is one level)")
    count = operator_count(query)
    if count > MAX_OPERATORS:
        raise QueryError(f"the query has {count:,} operators; at most {MAX_OPERATORS:,} are accepted "
                         "(for long lists of values, pass a list parameter)")


def check_parameters(query: str, params: dict[str, Any] | None) -> None:
    """Every $parameter of the text is bound: the embedded engine would read a missing one
    as NULL and answer as if the researcher had asked for nulls."""
    missing = sorted(_lexical_facts(query)[3] - set(params or {}))
    if missing:
        raise MissingParameters("missing parameter(s): " + ", ".join(f"${m}" for m in missing) +
                                " (pass them with --param name=value)")
    for name, value in (params or {}).items():
        _check_value(name, value)


_INT64 = (-(1 << 63), (1 << 63) - 1)


def _check_value(name: str, value: Any) -> None:
    """Both engines' integers are 64-bit: a larger JSON number is the caller's error, named,
    not a driver overflow deep in the wire protocol."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, int) and not isinstance(v, bool) and not _INT64[0] <= v <= _INT64[1]:
            raise QueryError(f"parameter ${name}: the integer {v} is outside the 64-bit range "
                             "both stores use")
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


class Reader(ABC):
    """Read-only queries on one consistent snapshot of the graph (see GraphStore.reading)."""

    def __init__(self, dialect: str, allowed_procedures: frozenset[str]):
        self.dialect = dialect
        self.allowed_procedures = allowed_procedures
        # A kept version read under labels of its own (Neo4j): {label: kept label}, else None.
        self.kept_labels: dict[str, str] | None = None

    def query(self, cypher: str, params: dict[str, Any] | None = None, *,
              row_limit: int | None = None) -> QueryResult:
        """Run one read-only statement; writes are rejected with WriteRejected."""
        check_query_text(cypher, params, self.allowed_procedures)
        return self._execute(cypher, params or {}, row_limit, trusted=False)

    def run_own(self, cypher: str, params: dict[str, Any] | None = None, *,
                row_limit: int | None = None) -> QueryResult:
        """Run one of the project's own texts (from cypher/, filled by conflictgraph.graph.cypher.query_text,
        never from a request): the research-query checks are skipped — on Neo4j that saves
        an EXPLAIN round trip per query — and the reader's read-only transaction remains."""
        return self._execute(cypher, params or {}, row_limit, trusted=True)

    def text_of(self, name: str) -> str:
        """The named query's text in this reader's dialect (graph/cypher.py)."""
        return registry()[name].text(self.dialect)

    def run_named(self, name: str, /, **params: Any) -> QueryResult:
        return self.run_own(self.text_of(name), params)

    @abstractmethod
    def _execute(self, cypher: str, params: dict[str, Any], row_limit: int | None, *,
                 trusted: bool) -> QueryResult:
        ...
