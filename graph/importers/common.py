"""What every importer shares: its error (422, naming the file, line and field) and report."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..errors import ConflictGraphError


class ImportFailed(ConflictGraphError):
    status = 422


@dataclass
class ImportReport:
    counts: dict[str, int]
    skipped: Counter = field(default_factory=Counter)   # what was left out -> how many
    matched: dict[str, str] = field(default_factory=dict)  # incoming id -> reused actor id
    review: int = 0


def slug(text: str, limit: int = 60) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:limit].strip("-") or "x"
