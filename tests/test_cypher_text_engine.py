"""The text wall reads comments, strings, names and whitespace exactly as the engine does.

Generated texts mix complete and broken comments, strings, escapes and the whitespace
the grammar knows (and some it does not). For each, the engine answers the text as sent
and the text with every comment our scanner finds replaced by a space: where the scanner
is right, the engine cannot tell them apart (a comment is whitespace to it). A second
rewrite blanks what the scanner calls strings (same length, other letters): where the
scanner took code for a string, the engine's answer changes kind. The texts the first
bypass used (`/* **/`) and the lone-CR `//` line are in the fixed list.
"""
from __future__ import annotations

import random

import ladybug
import pytest

from conflictgraph.graph.cypher_text import code_only, statements, tokens, write_or_io_clauses

PIECES = ["/*", "*/", "*", "/", "//", "/* c */", "/**/", "/***/", "// c\n", "'", '"', "`", "'s'", '"s"',
          "`n`", "``", "\\", "\\'", '\\"', "\\n", "\\q", "\\x41", "\\x4", "\\u0041", "\\U0001F600",
          "\n", "\r", "\r\n", " ", "\t", "\u00a0", "\u2007", "\u202f", "\u200b", "\u3000", "\u000b",
          "\u001f", "+ 1", "+ 2", "* 3", "a", "1", ";", " RETURN 2", " AS y", "LOAD", ","]
# Pieces that leave a valid query valid, so that many texts run rather than fail to parse.
BALANCED = ["/* c */", "/**/", "/***/", "/* **/ */", "/*/ */", "// c\n", "//\r\n", " ", "\t", "\n", "\u00a0",
            "\u2007", "\u202f", "\u3000", "+ 1", "* 3", "+ '\\n' = 'x'", "+ size('\\x41')", "+ size(\"a\\'\")"]
HEADS = ["RETURN 1", "RETURN 1 AS x", "RETURN 'h'", "WITH 4 AS x RETURN x", "UNWIND [1, 2] AS x RETURN x"]
FIXED = ["RETURN 1 /* **/ + 1 */", "WITH 4 //* c */ 2 AS x\r RETURN x", "RETURN 1 // x\r",
         "RETURN 1 /* a */ /*/ b */ + 2", "RETURN '\\q' AS s", "RETURN 'a''b'", "RETURN '\\x4' AS s", "RETURN '\\u00e9' + 'x'", "RETURN 1 //x\rRETURN 2",
         "RETURN 1\u2007+ 1", "RETURN 1\u200b+ 1", "RETURN 1 /* unterminated", "RETURN `a``b` ",
         "RETURN 1; RETURN 2", "RETURN ';' AS s", "RETURN 1 // ;\n + 1"]


def generated(n: int, seed: int = 20261202) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        pool = BALANCED if rnd.random() < 0.5 else PIECES + BALANCED
        body = "".join(rnd.choice(pool) for _ in range(rnd.randint(1, 7)))
        out.append(rnd.choice(HEADS) + " " + body + (rnd.choice(["", " + 1", " AS z"]) if rnd.random() < .5 else ""))
    return out


@pytest.fixture(scope="module")
def conn():
    db = ladybug.Database(":memory:")
    c = ladybug.Connection(db)
    yield c
    c.close()
    db.close()


def answer(conn, text: str):
    """What the engine makes of a text: its rows per statement, or the kind of its error."""
    try:
        result = conn.execute(text)
    except RuntimeError as e:
        return ("error", str(e).split(":")[0])
    results = result if isinstance(result, list) else [result]
    rows = []
    for r in results:
        part = []
        while r.has_next():
            part.append(r.get_next())
        rows.append(part)
    return ("rows", rows)


def without_comments(text: str) -> str:
    return "".join(" " if t.kind == "comment" else text[t.start:t.end] for t in tokens(text))


def blank_strings(text: str) -> str:
    out = []
    for t in tokens(text):
        piece = text[t.start:t.end]
        out.append(piece[0] + "z" * (len(piece) - 2) + piece[-1] if t.kind == "string" else piece)
    return "".join(out)


def test_tokens_cover_the_text_exactly():
    for text in FIXED + generated(300):
        ts = tokens(text)
        assert "".join(text[t.start:t.end] for t in ts) == text
        assert all(a.end == b.start for a, b in zip(ts, ts[1:]))


def disagreements(conn, text: str) -> list[str]:
    found = []
    original = answer(conn, text)
    if answer(conn, without_comments(text)) != original:
        found.append("comment")
    # Other letters in a string change values, never whether the text parses.
    blanked = answer(conn, blank_strings(text))
    if (blanked[1] == "Parser exception") != (original[1] == "Parser exception"):
        found.append("string")
    if original[0] == "rows" and len(original[1]) != len(statements(text)):
        found.append("statements")
    return found


@pytest.mark.parametrize("text", FIXED)
def test_fixed_texts_read_as_the_engine_reads_them(conn, text):
    assert disagreements(conn, text) == [], repr(text)


def test_generated_texts_read_as_the_engine_reads_them(conn):
    texts = generated(1500)
    mismatches = [(d, t) for t in texts for d in disagreements(conn, t)]
    assert not mismatches, mismatches[:10]
    # The generator reaches both outcomes often enough to mean something.
    outcomes = [answer(conn, t)[0] for t in texts[:300]]
    assert outcomes.count("rows") > 30 and outcomes.count("error") > 30


def test_the_published_bypasses_are_seen():
    assert write_or_io_clauses("/* **/ ' */ LOAD FROM \"/etc/passwd\" RETURN * // '") == ["LOAD"]
    assert write_or_io_clauses("WITH 4 //* c */ 2 AS x\r LOAD FROM '/etc/passwd' RETURN *") == ["LOAD"]
    assert len(statements("/* **/ ' */ RETURN 1; CHECKPOINT // '")) == 2
    assert code_only("RETURN 1 /* **/ + 1 */") .strip() == "RETURN 1"


class _CountingText(str):
    """A text that counts how many characters the scanner reads from it."""
    reads = 0

    def __getitem__(self, key):
        _CountingText.reads += 1
        return str.__getitem__(self, key)

    def startswith(self, *args):
        _CountingText.reads += 1
        return str.startswith(self, *args)


def _reads(text: str) -> int:
    from conflictgraph.graph import cypher_text
    getattr(cypher_text, "_tokens", tokens).__dict__.get("cache_clear", lambda: None)()
    _CountingText.reads = 0
    tokens(_CountingText(text))
    return _CountingText.reads


@pytest.mark.parametrize("head,unit,tail", [("", "/* ", ""), ("'", "\\'", ""), ("", "// ", "\r x")],
                         ids=["open-comments", "open-string-of-escaped-quotes", "line-comments-lone-cr"])
def test_hostile_texts_are_scanned_in_linear_time(head, unit, tail):
    """A research text of 6,663 unclosed `/*` (20 KB, under the length limit) cost the
    service 22 s of CPU before the worker and its deadline: the scanner rescanned to the
    end from each. Twice the text must cost about twice the reads, not four times."""
    def text(k):
        return "RETURN 1 " + head + unit * k + tail
    small, large = _reads(text(1000)), _reads(text(2000))
    assert large / small < 2.5, (small, large)
    assert _reads(text(6663)) < 40 * len(text(6663))
