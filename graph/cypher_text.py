r"""Lexical facts about a Cypher text: its parameters, statements, clauses and procedures.

The scanner follows the embedded engine's lexer rules (LadybugDB's Cypher.g4, which
both engines' openCypher grammars share in these parts) to the character, because a
text this module reads as a comment or a string must be one for the engine too:

- `/* ... */`: inside, a `*` always takes the next character with it unless that is `/`,
  so `/* **/ + 1 */` is one comment; an unterminated `/*` is no comment at all (`/`, `*`).
- `// ...` ends at LF, CR LF, or CR at the end of the text; a lone CR inside the text does
  not end it, and then the `//` is no comment at all but two `/` tokens.
- '...' and "...": a backslash must start one of \\ \' \" \b \f \n \r \t \xHH \uHHHH
  \UHHHHHHHH; a string with any other escape, or unterminated, is no string (its quote is
  an unknown character, and what follows is code).
- `...` names, with `` inside for a backtick; whitespace includes the Unicode spaces
  the grammar lists (NBSP, U+2000-U+200A but not U+200B, U+2028/9, U+3000, ...).

It is the third wall of research queries, a fast first answer with a good message: the
sandboxed worker and the engine's own plan classification stand behind it
(graph/store/sandbox.py). tests/test_cypher_text_engine.py checks it against the engine
on generated texts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

WHITESPACE = frozenset(" \t\n\u000b\f\r\u001c\u001d\u001e\u001f\u1680\u180e\u2000\u2001\u2002\u2003"
                       "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u205f\u3000\u00a0\u202f")
_SIMPLE_ESCAPES = frozenset("\\'\"bBfFnNrRtT")
_HEX = frozenset("0123456789abcdefABCDEF")


@dataclass(frozen=True)
class Token:
    kind: str      # "comment", "string", "name" (backticked), "space" or "code"
    start: int
    end: int


class _Scanner:
    """Where each comment, string or name starting in one text ends, in time linear in the
    text: a hostile text of 6,663 unclosed `/*` made the old scanner rescan to the end from
    each one (22 s of CPU for 20 KB). The engine's rules are followed exactly as before; what
    is new is that every "from position j inside a comment/string, where does it end?" is
    answered once and remembered, so each character is walked at most once per rule."""

    def __init__(self, text: str):
        self.text, self.n = text, len(text)
        self._memo: dict[str, dict[int, int | None]] = {}

    def _walk(self, rule: str, j: int, step) -> int | None:
        # step(j) returns (True, answer) or (False, next position); every position passed on
        # the way shares the answer, so no later walk of this rule passes it again.
        memo = self._memo.setdefault(rule, {})
        passed = []
        while True:
            if j in memo:
                answer = memo[j]
                break
            done, value = step(j)
            if done:
                answer = memo[j] = value
                break
            passed.append(j)
            j = value
        for p in passed:
            memo[p] = answer
        return answer

    def _block_body(self, j: int):
        text, n = self.text, self.n
        if j >= n:
            return True, None
        if text[j] == "*":
            if j + 1 < n and text[j + 1] == "/":
                return True, j + 2
            if j + 1 >= n:
                return True, None
            return False, j + 2          # '*' Comment_2: the star takes any next character but '/'
        return False, j + 1

    def _line_end(self, j: int):
        if j >= self.n:
            return True, self.n
        if self.text[j] in "\r\n":
            return True, j
        return False, j + 1

    def comment_end(self, i: int) -> int | None:
        """Where a comment starting at i ends, or None if the engine reads no comment there."""
        text, n = self.text, self.n
        if text.startswith("/*", i):
            return self._walk("block", i + 2, self._block_body)
        if text.startswith("//", i):
            j = self._walk("line", i + 2, self._line_end)
            if j >= n:
                return n
            if text[j] == "\n":
                return j + 1
            if j + 1 >= n:          # CR at the end of the text
                return n
            if text[j + 1] == "\n":
                return j + 2
            return None             # a lone CR: `CR? (LF | EOF)` fails, so no comment
        return None

    def string_end(self, i: int) -> int | None:
        quote, text, n = self.text[i], self.text, self.n

        def body(j: int):
            if j >= n:
                return True, None
            c = text[j]
            if c == quote:
                return True, j + 1
            if c == "\\":
                k = _escape_length(text, j)
                return (True, None) if not k else (False, j + k)
            return False, j + 1
        return self._walk(quote, i + 1, body)

    def name_end(self, i: int) -> int | None:
        text, n, j = self.text, self.n, i
        end = None
        while j < n and text[j] == "`":
            close = text.find("`", j + 1)
            if close < 0:
                break
            end = j = close + 1
        return end


def _escape_length(text: str, j: int) -> int:
    """Length of a valid escape starting with the backslash at j, 0 if it is not one."""
    n = len(text)
    if j + 1 >= n:
        return 0
    c = text[j + 1]
    if c in _SIMPLE_ESCAPES:
        return 2
    if c in "xX":
        return 4 if j + 3 < n and text[j + 2] in _HEX and text[j + 3] in _HEX else 0
    if c in "uU":
        return 6 if j + 5 < n and all(ch in _HEX for ch in text[j + 2:j + 6]) else 0
    return 0


def tokens(text: str) -> tuple[Token, ...]:
    """The text as comments, strings, `names`, whitespace and code, covering it exactly."""
    return _tokens(text)


@lru_cache(maxsize=256)
def _tokens(text: str) -> tuple[Token, ...]:
    # Cached: one research query's checks read its tokens several times (statements,
    # clauses, procedures, parameters, nesting).
    scan = _Scanner(text)
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        end, kind = None, "code"
        if c == "/":
            end, kind = scan.comment_end(i), "comment"
        elif c in "'\"":
            end, kind = scan.string_end(i), "string"
        elif c == "`":
            end, kind = scan.name_end(i), "name"
        elif c in WHITESPACE:
            end, kind = i + 1, "space"
        if end is None:
            end, kind = i + 1, "code"
        if out and out[-1].kind == kind and kind in ("code", "space"):
            out[-1] = Token(kind, out[-1].start, end)
        else:
            out.append(Token(kind, i, end))
        i = end
    return tuple(out)


@lru_cache(maxsize=256)
def code_only(query: str, keep_identifiers: bool = True) -> str:
    """The query with string literals replaced by '', comments and whitespace by a space.

    With keep_identifiers=False, `quoted identifiers` are blanked too, for keyword scans.
    """
    parts = []
    for t in tokens(query):
        if t.kind in ("comment", "space"):
            parts.append(" ")
        elif t.kind == "string":
            parts.append("''")
        elif t.kind == "name" and not keep_identifiers:
            parts.append("``")
        else:
            parts.append(query[t.start:t.end])
    return "".join(parts)


# Clauses that write, touch files or the network, or manage the database, in either
# engine's dialect (COPY/LOAD FROM/INSTALL/ATTACH/EXPORT are the embedded engine's).
# Neo4j's administration commands (GRANT, START DATABASE, ...) are left to its own
# EXPLAIN classification and read-only sessions: words like `start` are common aliases.
WRITE_OR_IO_CLAUSES = ("CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "FOREACH", "DROP",
                       "ALTER", "LOAD", "COPY", "INSTALL", "UNINSTALL", "ATTACH", "EXPORT", "IMPORT",
                       "CHECKPOINT", "BEGIN", "COMMIT", "ROLLBACK", "USE")
# A keyword, not a property (`a.set`), a parameter ($create) or part of a longer name.
_CLAUSE = re.compile(r"(?<![.\w$])(" + "|".join(WRITE_OR_IO_CLAUSES) + r")(?![\w])", re.IGNORECASE)
_PARAM = re.compile(r"\$(?:([A-Za-z_][A-Za-z0-9_]*|[0-9]+)|`([^`]+)`)")


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


# The embedded engine's parser slows down steeply with nesting, and no real query nests this
# deep (measured on LadybugDB 0.22): brackets 100 levels 1.5 s, 500 levels 94 s, a crash at
# 1,000; CASE expressions exponentially, 15 levels 0.1 s, 20 levels 1 s, 25 levels 29 s (10
# levels inside 45 brackets: 0.9 s); a chain of operators quadratically, 1,000 `+ 1` 0.1 s,
# 3,000 0.9 s. Sequential CASEs cost nothing (300: 0.05 s), so depth is what is counted.
MAX_NESTING = 50
MAX_CASE_NESTING = 10
MAX_OPERATORS = 1000
_OPEN, _CLOSE = "([{", ")]}"
_CASE_OR_END = re.compile(r"(?<![.\w$])(CASE|END)(?![\w])", re.IGNORECASE)
# Arithmetic, comparison and boolean operators (a pattern's arrows count too: 1,000 of them
# are no real query either).
_OPERATOR = re.compile(r"<>|<=|>=|=~|[-+*/%^=<>]|(?<![.\w$])(?:AND|OR|XOR|NOT)(?![\w])", re.IGNORECASE)


def nesting_depth(query: str) -> int:
    """The deepest nesting of (), [] and {} outside strings, comments and `names`."""
    depth = deepest = 0
    for ch in code_only(query, keep_identifiers=False):
        if ch in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
    return deepest


def case_depth(query: str) -> int:
    """The deepest nesting of CASE ... END expressions outside strings, comments and `names`.
    (`end` is reserved on the embedded engine, so it cannot be a variable that hides a level.)"""
    depth = deepest = 0
    for m in _CASE_OR_END.finditer(code_only(query, keep_identifiers=False)):
        if m.group(1).upper() == "CASE":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def operator_count(query: str) -> int:
    """How many operators the text holds outside strings, comments and `names`."""
    return len(_OPERATOR.findall(code_only(query, keep_identifiers=False)))


_LABEL_AT = re.compile(r"([:|&!]\s*)(`?)([A-Za-z_][A-Za-z0-9_]*)\2(?![\w`])")


def relabel(query: str, mapping: dict[str, str]) -> str:
    """`query` with each node label of `mapping` replaced by its value, wherever the text uses
    it as a label (after `:`, or `|`, `&`, `!` in a label expression) and nowhere else: not in
    strings, comments, properties or parameters. Neo4j reads a kept version of the graph
    through this (graph/store/neo4j_history.py): the same query, on that version's labels."""
    masked = list(query)
    for t in tokens(query):
        if t.kind in ("comment", "string"):
            masked[t.start:t.end] = " " * (t.end - t.start)
    text = "".join(masked)
    out, last = [], 0
    for m in _LABEL_AT.finditer(text):
        new = mapping.get(m.group(3))
        if new is None:
            continue
        out.append(query[last:m.start(3)])
        out.append(new)
        last = m.end(3)
    out.append(query[last:])
    return "".join(out)
