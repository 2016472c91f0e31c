"""The garbage collector's settings for a process that answers graph questions.

CPython walks its youngest generation every 700 net allocations. A graph answer builds
hundreds of thousands of small dicts and lists (relations, their properties, their
evidence), so a single call ran the collector hundreds of times, and every few passes it
walked the older generations too. Measured with cProfile on the Neo4j store's 2-hop
subgraph (default size, 60 seeds, the same calls each way): 24.1-31.9 s of service calls
with CPython's defaults, 14.4 s with the youngest generation at 50,000 (12.3-13.2 s with the
collector off); the driver alone, replaying the same queries, 8.7-12.1 s. Objects without
cycles are freed by reference counting either way: only cyclic garbage waits longer.
"""
from __future__ import annotations

import gc

YOUNGEST = 50_000   # allocations between passes over the youngest generation (CPython: 700)
OLDER = 20          # passes of one generation between passes of the next (CPython: 10)


def tune_for_answering() -> None:
    """What a service process does once it has started: what exists by then (modules, the
    ontology, settings) is moved out of every collection, and collections run less often."""
    gc.freeze()
    gc.set_threshold(YOUNGEST, OLDER, OLDER)
