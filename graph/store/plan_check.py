"""The engine's own word on a research query: the second wall, on the embedded store.

Words in a text are not what runs; the engine's parse and plan are. Before a research
query runs, the worker asks the engine three things, each refusing what it cannot vouch for:

1. Its parser, with nothing bound: the text must parse as exactly one regular query
   (MATCH/UNWIND/WITH/RETURN/CALL ... chains and their unions). The probe puts a query
   that cannot bind before the text (`... UNION ALL <text>`), so the binder stops at the
   probe and never reaches the text: EXPORT DATABASE, COPY, CHECKPOINT, transactions,
   extensions, settings (`CALL threads=...`) and several statements fail to parse there
   and are refused without any part of them being bound, planned or run.
2. Its binder, on the read-only database: writing clauses are refused at prepare time.
3. Its physical plan (EXPLAIN): every operator must be in READ_OPERATORS and every table
   function in READ_FUNCTIONS; anything else, or a plan this module cannot read whole, is
   refused, naming the operator.

Known limit, measured: step 3 binds the text, and binding LOAD FROM reads the file's first
lines to type its columns. The query is still refused (its scan is not an allowed table
function) and nothing of the file reaches the caller; the read itself is stopped by the
first wall, the kernel's (graph/store/confine.py).
"""
from __future__ import annotations

import re
from typing import Any

from ..errors import MissingParameters, QueryError, QuerySyntaxError, WriteRejected
from .ladybug_engine import out_of_memory, translate

_PROBE_TABLE = "__conflictgraph_probe__"
_UNION_PROBE = f"MATCH (:`{_PROBE_TABLE}`) RETURN 0 UNION ALL "
_STATEMENT_PROBE = "RETURN 0;\n"   # its own line: the parser's positions move by one line

# Physical operators that only read the graph or compute (PhysicalOperatorType names as
# EXPLAIN prints them), gathered from the query library, the API's queries and the test
# suites' research queries, and each read in the engine's source for side effects.
READ_OPERATORS = frozenset({
    "AGGREGATE", "AGGREGATE_FINALIZE", "AGGREGATE_SCAN", "CROSS_PRODUCT", "DUMMY_SINK",
    "EMPTY_RESULT", "FILTER", "FLATTEN", "HASH_JOIN_BUILD", "HASH_JOIN_PROBE", "INDEX_LOOKUP",
    "INTERSECT", "INTERSECT_BUILD", "LIMIT", "MULTIPLICITY_REDUCER", "ORDER_BY",
    "ORDER_BY_MERGE", "ORDER_BY_SCAN", "PATH_PROPERTY_PROBE", "PRIMARY_KEY_SCAN_NODE_TABLE",
    "PROJECTION", "QUERY_PRIMARY_KEY_LOOKUP", "RECURSIVE_EXTEND", "RESULT_COLLECTOR",
    "SCAN_NODE_TABLE", "SCAN_REL_TABLE", "SEMI_MASKER", "SKIP", "TABLE_FUNCTION_CALL",
    "TOP_K", "TOP_K_SCAN", "UNION_ALL_SCAN", "UNWIND", "COUNT_REL_TABLE",
})
# Table functions: the engine's scan of a computed table, and the catalogue functions the
# API documents (the store's allowed procedures). Never a file, network or setting reader.
READ_FUNCTIONS = frozenset({"READ_FTABLE", "SHOW_TABLES", "TABLE_INFO", "SHOW_CONNECTION", "DB_VERSION"})

_OPERATOR = re.compile(r"│\s*([A-Z][A-Z0-9_]*)\[(\d+)\]\s*│")
_FUNCTION = re.compile(r"Function: ([A-Za-z0-9_]+)")
_POSITION = re.compile(r"\(line: (\d+), offset: (\d+)\)")


def _prepare_error(pconn, text: str) -> str:
    """The engine's error for preparing `text`, '' when it prepares."""
    try:
        prepared = pconn.prepare(text, {})
    except RuntimeError as e:
        return str(e)
    return "" if prepared.is_success() else prepared.get_error_message()


def _shifted(message: str, lines: int = 0, columns: int = 0) -> tuple[str, int | None, int | None]:
    """The parser's first message line, its position moved back over a probe's prefix
    (`lines` whole lines, or `columns` characters on the first line)."""
    first = message.split("\n")[0]
    m = _POSITION.search(first)
    if not m:
        return first, None, None
    line, offset = int(m.group(1)) - lines, int(m.group(2))
    if line == 1:
        offset -= columns
    return _POSITION.sub(f"(line: {line}, offset: {offset})", first), line, offset + 1


def check_statement(pconn, query: str) -> None:
    """Steps 1 and 2 of the module docstring's list: one regular query, and no syntax error."""
    err = _prepare_error(pconn, _UNION_PROBE + query)
    if f"{_PROBE_TABLE} does not exist" in err:
        return
    if "read-only database" in err:
        raise WriteRejected("writes are not allowed: research queries are read-only, and the engine "
                            "refuses this one on the read-only database")
    if "multiple statements" in err:
        raise QueryError("send one statement at a time (the engine reads several statements here)")
    if err.startswith("Parser exception"):
        # A syntax error, or another kind of statement? The parser alone tells, with the
        # text as a second statement (the first binds nothing: two statements never prepare).
        syntax = _prepare_error(pconn, _STATEMENT_PROBE + query)
        if syntax.startswith("Parser exception"):
            message, line, column = _shifted(syntax, lines=1)
            raise QuerySyntaxError(message, line, column)
        raise WriteRejected("only read queries may run here (MATCH, UNWIND, WITH, RETURN, CALL of a "
                            "catalogue function): the engine parses this text as another kind of "
                            "statement (a write, file, extension, transaction or settings command)")
    if out_of_memory(err):
        raise translate(RuntimeError(err))
    raise QueryError(f"the engine could not classify this query: {err.splitlines()[0] if err else 'no answer'}")


def plan_operators(plan: str) -> tuple[list[tuple[int, str]], list[str]]:
    """(id, operator) pairs and the table functions an EXPLAIN text names, or raise if the
    text cannot be read whole: ids must run 0..n-1 with one name each, and the top box
    (printed first) must be the result collector with the highest id."""
    found: dict[int, str] = {}
    order: list[int] = []
    for name, ident in _OPERATOR.findall(plan):
        i = int(ident)
        if found.setdefault(i, name) != name:
            raise WriteRejected(f"the engine's plan names operator {i} twice ({found[i]}, {name}); refused")
        order.append(i)
    if not found or sorted(found) != list(range(len(found))):
        raise WriteRejected("the engine's plan for this query could not be read whole; refused")
    if order[0] != len(found) - 1 or found[order[0]] != "RESULT_COLLECTOR":
        raise WriteRejected(f"the engine's plan does not end in a result ({found[order[0]]}); refused")
    return sorted(found.items()), [f.upper() for f in _FUNCTION.findall(plan)]


def check_plan(pconn, wrap, query: str, params: dict[str, Any]) -> None:
    """Step 3: EXPLAIN on the engine, every operator and table function allow-listed.
    `wrap` turns the engine's raw result into a ladybug QueryResult."""
    # Prepared with the parameters the query will run with: the engine plans once, for
    # these values' types, and does not plan again when it executes (as it does for a
    # statement prepared without them); the plan checked is the plan for this call.
    prepared = pconn.prepare("EXPLAIN " + query, params)
    if not prepared.is_success():
        message = prepared.get_error_message()
        if "Parameter" in message and "not found" in message:
            raise MissingParameters(message)
        if "read-only database" in message:
            raise WriteRejected("writes are not allowed: research queries are read-only, and the "
                                "engine refuses this one on the read-only database")
        if message.startswith("Parser exception"):
            text, line, column = _shifted(message, columns=len("EXPLAIN "))
            raise QuerySyntaxError(text, line, column)
        if message.startswith(("Binder exception", "Catalog exception")):
            raise QuerySyntaxError(message)
        raise translate(RuntimeError(message))   # e.g. out of memory folding constants: said plainly
    try:
        result = wrap(pconn.execute(prepared, params))
    except RuntimeError as e:
        if "Parameter" in str(e):
            raise MissingParameters(str(e)) from e
        raise translate(e) from e
    try:
        plan = result.get_next()[0]
    finally:
        result.close()
    operators, functions = plan_operators(plan)
    for _, name in operators:
        if name not in READ_OPERATORS:
            raise WriteRejected(f"the engine plans this query with operator {name}, which research "
                                "queries may not use (they read the graph only)")
    for name in functions:
        if name not in READ_FUNCTIONS:
            raise WriteRejected(f"the engine plans this query with table function {name}, which "
                                "research queries may not call (allowed: "
                                + ", ".join(sorted(f.lower() for f in READ_FUNCTIONS - {"READ_FTABLE"})) + ")")
