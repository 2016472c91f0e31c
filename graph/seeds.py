"""Reading seed files, with where each record came from.

Two formats, freely mixed under one folder:
- YAML (`*.yaml`, `*.yml`): a mapping with any of the lists `actors`, `relations`,
  `documents`, `events` — the reviewed, hand-written format;
- JSON Lines (`*.jsonl`): one record per line, the section named by the file name
  (`actors*.jsonl`, `relations*.jsonl`, `documents*.jsonl`, `events*.jsonl`) — for large generated or
  imported sets, read as a stream.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import orjson
import yaml

from .validation import Problem, quoted

try:  # the C loader is ~10x faster on large seed sets
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Base = yaml.SafeLoader


class _Loader(_Base):
    """Safe YAML with dates read as written: YAML would turn an unquoted 2020-11-25 into a
    date object (and fail with a traceback on 2020-13-45); our dates are partial-date
    texts that validation checks and names the field of."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()}

SECTIONS = ("actors", "relations", "documents", "events")
SKIP_FILES = {"ontology.yaml", "ontology.yml", "contradictions.yaml"}   # not records
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class RawRecord:
    file: str
    section: str
    index: int
    data: Any


def seed_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"no seed file or directory at {path}")
    # Hidden files and folders are skipped: an import writes into one before it publishes.
    return sorted(p for p in path.rglob("*") if p.suffix in (*YAML_SUFFIXES, ".jsonl")
                  and p.is_file() and p.name not in SKIP_FILES
                  and not any(part.startswith(".") for part in p.relative_to(path).parts))


def _yaml_message(e: yaml.MarkedYAMLError) -> str:
    def at(mark) -> str:
        return f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    msg = f"YAML syntax error{at(e.problem_mark)}: {e.problem or e}"
    if e.context:
        msg += f" ({e.context}{at(e.context_mark)})"
    return msg


# YAML aliases let a few lines stand for billions of values ("billion laughs"): a value may
# be reused, but the whole file may not expand to more than this many values beyond the
# ones written out, and no value may contain itself.
MAX_ALIAS_EXPANSION = 100_000


def _alias_problem(doc) -> str | None:
    """Why `doc` expands too far through aliases, or None. Linear in the distinct values."""
    size: dict[int, int] = {}      # id -> expanded size, once known
    active: set[int] = set()       # ids on the current path (a cycle if met again)
    distinct = 0
    stack: list[tuple[Any, bool]] = [(doc, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, (list, dict)):
            continue
        key = id(node)
        children = list(node.values()) + list(node.keys()) if isinstance(node, dict) else node
        if done:
            active.discard(key)
            size[key] = 1 + sum(size.get(id(c), 1) for c in children)
            if size[key] > distinct + MAX_ALIAS_EXPANSION:
                return (f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} values beyond "
                        "those written out; write the values out or use fewer aliases")
            continue
        if key in size:
            continue
        if key in active:
            return "an alias refers to a value that contains it (a value cannot contain itself)"
        active.add(key)
        distinct += 1
        stack.append((node, True))
        stack.extend((c, False) for c in children)
    return None


def display_path(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def jsonl_section(p: Path) -> str | None:
    return next((s for s in SECTIONS if p.name.startswith(s)), None)


def read_yaml(f: Path, problems: list[Problem]) -> list[RawRecord]:
    name = display_path(f)
    try:
        with f.open(encoding="utf-8") as fh:
            doc = yaml.load(fh, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        problems.append(Problem(name, None, None, None, _yaml_message(e)))
        return []
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        problems.append(Problem(name, None, None, None, f"cannot read file: {e}"))
        return []
    if doc is None:
        return []
    if (why := _alias_problem(doc)) is not None:
        problems.append(Problem(name, None, None, None, why))
        return []
    if not isinstance(doc, dict):
        problems.append(Problem(name, None, None, None,
                                "top level must be a mapping with keys " + ", ".join(SECTIONS)))
        return []
    records = []
    for key, items in doc.items():
        if key not in SECTIONS:
            problems.append(Problem(name, None, None, str(key),
                                    f"unknown top-level key {quoted(key)}; allowed: {', '.join(SECTIONS)}"))
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(Problem(name, None, None, key, f"{quoted(key)} must be a list of records"))
            continue
        records.extend(RawRecord(name, key, i, item) for i, item in enumerate(items))
    return records


def read_jsonl(f: Path, section: str, problems: list[Problem]) -> Iterator[RawRecord]:
    """Records of one JSON Lines file, one per non-empty line (index = line number - 1)."""
    name = display_path(f)
    with f.open("rb") as fh:
        for i, line in enumerate(fh):
            if not line.strip():
                continue
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError as e:
                problems.append(Problem(name, section, i, None, f"JSON syntax error on line {i + 1}: {e}"))
                continue
            yield RawRecord(name, section, i, data)


def count_lines(f: Path) -> int:
    with f.open("rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
