"""The registry of named Cypher queries kept as files in cypher/.

A query `name` is the file `name.cypher` (portable), optionally overridden per dialect by
`name.embedded.cypher` or `name.neo4j.cypher` where the two engines differ. A file starts
with `//` comment lines: the first is its summary, a `// params:` line lists parameters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .paths import CYPHER_DIR

DIALECTS = ("embedded", "neo4j")
FRAGMENTS = "fragments"


@dataclass
class NamedQuery:
    name: str
    group: str                 # sub-folder of cypher/, e.g. "store" or "queries"
    summary: str
    params: tuple[str, ...]
    texts: dict[str, str] = field(default_factory=dict)   # dialect -> text
    files: dict[str, Path] = field(default_factory=dict)

    def text(self, dialect: str) -> str:
        try:
            return self.texts[dialect]
        except KeyError:
            raise KeyError(f"query {self.name!r} has no text for dialect {dialect!r}") from None


def _header(text: str) -> tuple[str, tuple[str, ...]]:
    summary, params = "", ()
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        body = line[2:].strip()
        if body.lower().startswith("params:"):
            params = tuple(p.strip() for p in body[7:].split(",") if p.strip())
        elif not summary:
            summary = body
    return summary, params


@lru_cache(maxsize=None)
def registry(root: Path = CYPHER_DIR) -> dict[str, NamedQuery]:
    queries: dict[str, NamedQuery] = {}
    for path in sorted(root.rglob("*.cypher")):
        stem = path.name[: -len(".cypher")]
        name, _, dialect = stem.partition(".")
        text = path.read_text(encoding="utf-8")
        group = path.parent.relative_to(root).as_posix()
        q = queries.get(name)
        if q is None:
            summary, params = _header(text)
            q = queries[name] = NamedQuery(name, group, summary, params)
        # The header is documentation; the text sent to an engine starts at the query.
        lines = text.splitlines(keepends=True)
        while lines and lines[0].startswith("//"):
            lines.pop(0)
        text = "".join(lines).strip() + "\n"
        targets = (dialect,) if dialect else DIALECTS
        for d in targets:
            if d not in DIALECTS:
                raise ValueError(f"{path}: unknown dialect {d!r} (use one of {DIALECTS})")
            # A dialect-specific file wins over the portable one, whatever the order.
            if dialect or d not in q.texts:
                q.texts[d] = text
                q.files[d] = path
    # Fragments (cypher/fragments/) are pieces shared by several queries: `__NAME__` in a
    # query stands for the fragment `name`, inserted here once for every consumer.
    fragments = {n: q for n, q in queries.items() if q.group == FRAGMENTS}
    for q in queries.values():
        if q.group == FRAGMENTS:
            continue
        for dialect, text in q.texts.items():
            for fname, frag in fragments.items():
                text = text.replace(f"__{fname.upper()}__", frag.text(dialect).rstrip("\n"))
            q.texts[dialect] = text
    return queries


def query_text(query_name: str, dialect: str, /, **placeholders: str) -> str:
    """The text of a named query; `__KEY__` placeholders are filled from `placeholders`.

    Placeholders stand where Cypher cannot take a parameter (a label, a relationship type,
    a property list) and are filled from the ontology, never from user input.
    """
    try:
        text = registry()[query_name].text(dialect)
    except KeyError:
        raise KeyError(f"no named query {query_name!r} in {CYPHER_DIR}") from None
    for key, value in placeholders.items():
        text = text.replace(f"__{key.upper()}__", value)
    left = _PLACEHOLDER.findall(text)
    if left:
        raise KeyError(f"query {query_name!r} needs placeholder(s) {sorted(set(left))}")
    return text


_PLACEHOLDER = re.compile(r"__([A-Z]+)__")
