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


def code_only(query: str) -> str:
    """The query with string literals replaced by '' and comments by a space."""
    def repl(m: re.Match) -> str:
        t = m.group(0)
        if t.startswith("//") or t.startswith("/*"):
            return " "
        if t.startswith("`"):
            return t  # a quoted identifier is code
        return "''"
    return _TOKEN.sub(repl, query)


def parameter_names(query: str) -> set[str]:
    return {a or b for a, b in _PARAM.findall(code_only(query))}


def statements(query: str) -> list[str]:
    """The non-empty statements of a text, split at semicolons outside strings and comments."""
    return [s for s in code_only(query).split(";") if s.strip()]
