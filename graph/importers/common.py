"""What every importer shares: its error (422, naming the file, line and field) and report."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from typing import Iterable

from ..errors import ConflictGraphError
from ..models import Actor
from .matching import Crosswalk
from .output import SeedFolder


class ImportFailed(ConflictGraphError):
    status = 422


@dataclass
class ImportReport:
    counts: dict[str, int]
    skipped: Counter = field(default_factory=Counter)   # what was left out -> how many
    matched: dict[str, str] = field(default_factory=dict)  # incoming id -> reused actor id
    review: int = 0
    warnings: list[str] = field(default_factory=list)   # read and imported, but worth a look
    read_as: str = ""                                   # what the reader detected (format, encoding, ...)
    became: Counter = field(default_factory=Counter)     # what the records became ("Ownership → OWNS": 3)


def slug(text: str, limit: int = 60) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:limit].strip("-") or "x"


def resolve_actor(incoming: str, record: dict, names: Iterable[str], crosswalk: Crosswalk, out: SeedFolder,
                  report: ImportReport) -> str:
    """The rule every importer follows for an incoming actor: one the crosswalk finds for
    certain is reused (its id returned); otherwise `record` is written as a new actor, and a
    near candidate goes to the review file with its score and reason, never merged."""
    found = crosswalk.match(record["identifiers"], names, person=record["kind"] == "person")
    if found.actor:
        report.matched[incoming] = found.actor
        return found.actor
    if found.candidate:
        out.review.append({"incoming": incoming, "name": record["name"], "imported_as": record["id"],
                           "candidate": found.candidate, "score": found.score, "reason": found.reason})
    out.write("actors", record)
    crosswalk.add(Actor(record["id"], record["name"], record["kind"], identifiers=record["identifiers"]))
    return record["id"]
