"""Lexical facts about a Cypher text: its parameters and its statements.

The embedded engine reads an unbound `$param` as NULL and runs `a; b` as two queries,
so both are checked here before a text reaches it.
"""
from __future__ import annotations

import re

# Strings ('..', "..", `..`) and comments (// .., /* .. */), in one pass so that a quote
# inside a comment or a // inside a string is read correctly.
_TOKEN = re.compile(
    r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`]|``)*`|//[^\n]*|/\*.*?\*/""",
    re.DOTALL,
)
_PARAM = re.compile(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|`([^`]+)`)")


# Clauses that write, touch files or the network, or manage the database, in either
# engine's dialect (COPY/LOAD FROM/INSTALL/ATTACH/EXPORT are the embedded engine's).
# Neo4j's administration commands (GRANT, START DATABASE, ...) are left to its own
# EXPLAIN classification and read-only sessions: words like `start` are common aliases.
WRITE_OR_IO_CLAUSES = ("CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "FOREACH", "DROP",
                       "ALTER", "LOAD", "COPY", "INSTALL", "ATTACH", "EXPORT", "IMPORT",
                       "CHECKPOINT", "BEGIN", "COMMIT", "ROLLBACK", "USE")
# A keyword, not a property (`a.set`), a parameter ($create) or part of a longer name.
_CLAUSE = re.compile(r"(?<![.\w$])(" + "|".join(WRITE_OR_IO_CLAUSES) + r")(?![\w])", re.IGNORECASE)


def code_only(query: str, keep_identifiers: bool = True) -> str:
    """The query with string literals replaced by '' and comments by a space.

    With keep_identifiers=False, `quoted identifiers` are blanked too, for keyword scans.
    """
    def repl(m: re.Match) -> str:
        t = m.group(0)
        if t.startswith("//") or t.startswith("/*"):
            return " "
        if t.startswith("`"):
            return t if keep_identifiers else "``"
        return "''"
    return _TOKEN.sub(repl, query)


def write_or_io_clauses(query: str) -> list[str]:
    """The write, file/network or admin clauses a query contains, upper-cased, in order."""
    return [m.group(1).upper() for m in _CLAUSE.finditer(code_only(query, keep_identifiers=False))]


def parameter_names(query: str) -> set[str]:
    return {a or b for a, b in _PARAM.findall(code_only(query))}


def statements(query: str) -> list[str]:
    """The non-empty statements of a text, split at semicolons outside strings and comments."""
    return [s for s in code_only(query).split(";") if s.strip()]


_NAME_PART = r"(?:`[^`]*`|[A-Za-z_][A-Za-z0-9_]*)"
_CALL = re.compile(r"(?<![.\w$])CALL\s+(" + _NAME_PART + r"(?:\s*\.\s*" + _NAME_PART + r")*)",
                   re.IGNORECASE)


def called_procedures(query: str) -> list[str]:
    """Names after CALL (`CALL db.labels()`, `CALL show_tables()`), lower-case, without
    backticks; `CALL { ... }` and `CALL (x) { ... }` subqueries are not procedures."""
    return [re.sub(r"[`\s]", "", m.group(1)).lower() for m in _CALL.finditer(code_only(query))]
