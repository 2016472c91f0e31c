"""The registry of named Cypher queries kept as files in cypher/.

A query `name` is the file `name.cypher` (portable), optionally overridden per dialect by
`name.embedded.cypher` or `name.neo4j.cypher` where the two engines differ. A file starts
with `//` comment lines: the first is its summary, a `// params:` line lists parameters.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .paths import CYPHER_DIR

DIALECTS = ("embedded", "neo4j")


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
        targets = (dialect,) if dialect else DIALECTS
        for d in targets:
            if d not in DIALECTS:
                raise ValueError(f"{path}: unknown dialect {d!r} (use one of {DIALECTS})")
            # A dialect-specific file wins over the portable one, whatever the order.
            if dialect or d not in q.texts:
                q.texts[d] = text
                q.files[d] = path
    return queries


def query_text(name: str, dialect: str) -> str:
    try:
        return registry()[name].text(dialect)
    except KeyError:
        raise KeyError(f"no named query {name!r} in {CYPHER_DIR}") from None
