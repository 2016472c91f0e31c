"""What every store does the same way around a load: count what it stored, check that against
what was validated (a mismatch fails the load, which then leaves the old graph in place),
and report it."""
from __future__ import annotations

import time
from typing import Any, Callable

from ..cypher import query_text
from ..errors import LoadFailed
from .base import LoadReport


def stored_counts(rows: Callable[[str], list[list[Any]]], dialect: str) -> tuple[dict[str, int], int, int]:
    """(relations by type, actors, documents) in the store being loaded; `rows` runs a
    text inside the load (its transaction, or the new generation's connection)."""
    by_type = {t: n for t, n in rows(query_text("stats_relations_by_type", dialect))}
    actors = rows(query_text("count_actors", dialect))[0][0]
    documents = rows(query_text("stats_documents", dialect))[0][0]
    return by_type, actors, documents


def check_stored(source, expected_by_type: dict[str, int], stored: tuple[dict[str, int], int, int]) -> dict[str, int]:
    """The stored counts, sorted by type, if they are exactly what `source` held; else LoadFailed."""
    by_type, actors, documents = stored
    expected = {t: n for t, n in expected_by_type.items() if n}
    if by_type != expected or actors != len(source.actors) or documents != len(source.documents):
        raise LoadFailed(f"load check failed: stored {actors} actors, {documents} documents, {by_type}; "
                         f"expected {len(source.actors)}, {len(source.documents)}, {expected}")
    return dict(sorted(by_type.items()))


def report(location: str, source, by_type: dict[str, int], started: float) -> LoadReport:
    """`started` is time.perf_counter() when the load began."""
    counts = {"actors": len(source.actors), "relations": sum(by_type.values()), "documents": len(source.documents)}
    return LoadReport(location, counts, by_type, round(time.perf_counter() - started, 3))
