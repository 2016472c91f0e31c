"""Where an import writes: a seed folder of JSON Lines files, written whole or not at all.

Records go to a temporary folder beside the target; only when the import ends without a
problem does it replace the target, so a failed import leaves the previous one in place.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import orjson

from ..text_rules import FORBIDDEN, clean

SECTION_FILES = {"documents": "documents.jsonl", "actors": "actors.jsonl", "relations": "relations.jsonl",
                 "events": "events.jsonl"}
REVIEW_FILE = "review-matches.json"   # not a seed file (*.jsonl): read by people, skipped by validate


class SeedFolder:
    def __init__(self, target: Path):
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}-", dir=self.target.parent))
        umask = os.umask(0)   # mkdtemp makes it private; the published folder is like any other
        os.umask(umask)
        os.chmod(self._tmp, 0o777 & ~umask)
        self._files = {}
        self.counts: dict[str, int] = {s: 0 for s in SECTION_FILES}
        self.review: list[dict[str, Any]] = []
        self.cleaned: list[str] = []    # records whose text the text rule changed, and where

    def __enter__(self) -> "SeedFolder":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        """Published whole when the import ends without a problem, discarded otherwise."""
        if exc_type is None:
            self.publish()
        else:
            self.discard()

    def path(self, name: str) -> Path:
        """Where a file other than the seed sections goes (published with them)."""
        return self._tmp / name

    def write(self, section: str, record: dict[str, Any]) -> None:
        """Write a record, its texts held to the text rule (graph/text_rules.py): what an
        importer brings from the outside world never carries a control, bidi or invisible
        character into the graph; each record changed is noted with its fields."""
        changed: list[str] = []
        record = _clean(record, "", changed)
        if changed:
            self.cleaned.append(f"{section} {record.get('id')!r}: {', '.join(changed)}: control, bidirectional or "
                                "invisible characters taken out")
        if section not in self._files:
            self._files[section] = (self._tmp / SECTION_FILES[section]).open("wb")
        self._files[section].write(orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n")
        self.counts[section] += 1

    def publish(self) -> None:
        for fh in self._files.values():
            fh.close()
        (self._tmp / REVIEW_FILE).write_bytes(orjson.dumps(self.review, option=orjson.OPT_INDENT_2))
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            self.target.rename(old)
            self._tmp.rename(self.target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            self._tmp.rename(self.target)

    def discard(self) -> None:
        for fh in self._files.values():
            fh.close()
        shutil.rmtree(self._tmp, ignore_errors=True)


def _clean(value: Any, path: str, changed: list[str]) -> Any:
    if isinstance(value, str):
        if not FORBIDDEN.search(value):
            return value
        changed.append(path)
        return clean(value)
    if isinstance(value, list):
        items = [_clean(v, f"{path}[{i}]", changed) for i, v in enumerate(value)]
        return [v for v in items if v != ""]          # an alias that was only invisible characters
    if isinstance(value, dict):
        return {k: _clean(v, f"{path}.{k}" if path else k, changed) for k, v in value.items()}
    return value
