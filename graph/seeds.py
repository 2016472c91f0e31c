"""Reading seed files: every *.yaml/*.yml under a path, with where each record came from."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .validation import Problem

try:  # the C loader is ~10x faster on large seed sets
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

SECTIONS = ("actors", "relations", "documents")
SKIP_FILES = {"ontology.yaml", "ontology.yml"}


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
    return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")
                  and p.is_file() and p.name not in SKIP_FILES)


def _yaml_message(e: yaml.MarkedYAMLError) -> str:
    def at(mark) -> str:
        return f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    msg = f"YAML syntax error{at(e.problem_mark)}: {e.problem or e}"
    if e.context:
        msg += f" ({e.context}{at(e.context_mark)})"
    return msg


def display_path(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def read_seed_records(path: Path) -> tuple[list[RawRecord], list[Problem]]:
    """All records under `path`, and the problems that stop a file being read at all."""
    records: list[RawRecord] = []
    problems: list[Problem] = []
    files = seed_files(path)
    if not files:
        problems.append(Problem(display_path(Path(path)), None, None, None,
                                "no seed files (*.yaml) found here"))
    for f in files:
        name = display_path(f)
        try:
            with f.open(encoding="utf-8") as fh:
                doc = yaml.load(fh, Loader=_Loader)
        except yaml.MarkedYAMLError as e:
            problems.append(Problem(name, None, None, None, _yaml_message(e)))
            continue
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            problems.append(Problem(name, None, None, None, f"cannot read file: {e}"))
            continue
        if doc is None:
            continue
        if not isinstance(doc, dict):
            problems.append(Problem(name, None, None, None,
                                    "top level must be a mapping with keys " + ", ".join(SECTIONS)))
            continue
        for key, items in doc.items():
            if key not in SECTIONS:
                problems.append(Problem(name, None, None, str(key),
                                        f"unknown top-level key {key!r}; allowed: {', '.join(SECTIONS)}"))
                continue
            if items is None:
                continue
            if not isinstance(items, list):
                problems.append(Problem(name, None, None, key, f"{key!r} must be a list of records"))
                continue
            records.extend(RawRecord(name, key, i, item) for i, item in enumerate(items))
    return records, problems
