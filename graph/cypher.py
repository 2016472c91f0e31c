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
    # Fragments (cypher/fragments/) are pieces shared by several queries, composed here and
    # nowhere else: a line `// include: NAME` stands for a clause, `true /* include: NAME */`
    # for an expression (the `true` keeps the file a complete statement as it stands). The
    # composed text is what every store runs and what the Neo4j lint checks.
    fragments = {n: q for n, q in queries.items() if q.group == FRAGMENTS}
    for q in queries.values():
        for dialect, text in q.texts.items():
            q.texts[dialect] = _compose(text, dialect, fragments, q.files[dialect])
    return queries


_CLAUSE = re.compile(r"^[ \t]*// include: (\w+)\b.*$", re.M)
_EXPRESSION = re.compile(r"\btrue /\* include: (\w+) \*/")


def _compose(text: str, dialect: str, fragments: dict[str, NamedQuery], path: Path) -> str:
    def fragment(m: re.Match) -> str:
        name = m.group(1)
        if name not in fragments:
            raise ValueError(f"{path}: includes unknown fragment {name!r} (cypher/{FRAGMENTS}/)")
        return fragments[name].text(dialect).rstrip("\n")
    for _ in range(4):   # fragments may include fragments; a few levels are plenty
        composed = _EXPRESSION.sub(lambda m: f"({fragment(m)})", _CLAUSE.sub(fragment, text))
        if composed == text:
            return text
        text = composed
    raise ValueError(f"{path}: fragments include each other too deeply")


# What a placeholder may be filled with: a Cypher identifier (a label, a relationship type,
# a property or index name), or a comma-separated list of `r.name AS name` columns.
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FILES = re.compile(r"\[('[^'\\\n]+')(, '[^'\\\n]+')*\]")
_COLUMNS = re.compile(r"r\.([A-Za-z_][A-Za-z0-9_]*) AS \1(, r\.([A-Za-z_][A-Za-z0-9_]*) AS \3)*")


def check_identifier(value: str, what: str) -> str:
    """`value` if it is a plain Cypher identifier, else ValueError: ontology names are put
    into query texts where a parameter cannot stand, so they must be nothing else."""
    if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
        raise ValueError(f"{what} {value!r} is not a plain identifier (letters, digits, _)")
    return value


def query_text(query_name: str, dialect: str, /, **placeholders: str) -> str:
    """The text of a named query; `__KEY__` placeholders are filled from `placeholders`.

    Placeholders stand only where Cypher cannot take a parameter (a label, a relationship
    type, an index name, a column list), are valid identifiers as written (so the file is a
    complete statement as it stands), and are filled from the ontology, never from input:
    each value is checked to be an identifier (or a list of `r.x AS x` columns), so not
    even a bad ontology can change what a query does.
    """
    for key, value in placeholders.items():
        if key == "files":
            if not _FILES.fullmatch(value):
                raise ValueError(f"placeholder files {value!r} is not a list literal of quoted paths")
        elif key == "columns":
            if not _COLUMNS.fullmatch(value):
                raise ValueError(f"placeholder columns {value!r} is not a list of `r.name AS name`")
        else:
            check_identifier(value, f"placeholder {key}")
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
