"""What every store does the same way around a load: count what it stored, check that against
what was validated (a mismatch fails the load, which then leaves the old graph in place),
and report it."""
from __future__ import annotations

import time
from typing import Any, Callable

from ..cypher import query_text
from ..errors import LoadFailed
from .base import LoadReport


_NODE_COUNTS = {"actors": "count_actors", "documents": "stats_documents", "events": "count_events",
                "participations": "count_participations"}


def stored_counts(rows: Callable[[str], list[list[Any]]], dialect: str) -> tuple[dict[str, int], dict[str, int]]:
    """(relations by type, {actors, documents, events, participations}) in the store being
    loaded; `rows` runs a text inside the load (its transaction, or the new generation's
    connection)."""
    by_type = {t: n for t, n in rows(query_text("stats_relations_by_type", dialect))}
    return by_type, {what: rows(query_text(name, dialect))[0][0] for what, name in _NODE_COUNTS.items()}


def expected_counts(source) -> dict[str, int]:
    """What a load of `source` must store besides its relations."""
    return {"actors": len(source.actors), "documents": len(source.documents), "events": len(source.events),
            "participations": sum(len(e.participants) for e in source.events)}


def check_stored(source, expected_by_type: dict[str, int], stored: tuple[dict[str, int], dict[str, int]]) -> dict[str, int]:
    """The stored relation counts, sorted by type, if everything stored is exactly what
    `source` held; else LoadFailed."""
    by_type, others = stored
    expected, expected_others = {t: n for t, n in expected_by_type.items() if n}, expected_counts(source)
    if by_type != expected or others != expected_others:
        raise LoadFailed(f"load check failed: stored {others}, {by_type}; expected {expected_others}, {expected}")
    return dict(sorted(by_type.items()))


def report(location: str, source, by_type: dict[str, int], started: float) -> LoadReport:
    """`started` is time.perf_counter() when the load began."""
    counts = {"actors": len(source.actors), "relations": sum(by_type.values()), "documents": len(source.documents),
              "events": len(source.events)}
    return LoadReport(location, counts, by_type, round(time.perf_counter() - started, 3))
