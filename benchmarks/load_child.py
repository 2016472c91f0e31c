"""Run in a child process, so its peak memory is its own: our loader, or the raw baseline.

    python -m benchmarks.load_child ours SEED_DIR STORE_DIR
    python -m benchmarks.load_child raw PARQUET_DIR DB_PATH
Prints one JSON line: seconds, relations, peak RSS.
"""
from __future__ import annotations

import gc
import json
import resource
import sys
import time
from pathlib import Path

from .stats import rss_peak_mb


def ours(seed_dir: str, store_dir: str) -> dict:
    # Exactly what `conflictgraph load` does.
    from conflictgraph.graph.dataset import SeedSet
    from conflictgraph.graph.store import open_store
    started = time.perf_counter()
    source = SeedSet(seed_dir)
    gc.freeze()
    gc.disable()
    with open_store(f"embedded:{store_dir}") as store:
        report = store.load(source)
        workers = store.load_workers
    # The largest worker's peak (the kernel keeps the maximum over waited-for children).
    worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": round(time.perf_counter() - started, 3), "relations": report.counts["relations"],
            "workers": workers, "worker_peak_rss_mb": round(worker_kb / 1024, 1)}


def raw(parquet_dir: str, db_path: str) -> dict:
    """The engine's own bulk path: the same schema, one COPY per table from Parquet files
    holding exactly the rows our loader stages (prepared beforehand, not timed)."""
    import ladybug

    from conflictgraph.graph.ontology import default_ontology
    from conflictgraph.graph.store.embedded_schema import schema_statements
    started = time.perf_counter()
    db = ladybug.Database(db_path, auto_checkpoint=False)
    conn = ladybug.Connection(db)
    for stmt in schema_statements(default_ontology()):
        conn.execute(stmt)
    files = sorted(Path(parquet_dir).glob("*.parquet"), key=lambda p: (p.stem not in ("Document", "Actor"), p.stem != "Document", p.stem))
    relations = 0
    for f in files:
        conn.execute(f"COPY {f.stem} FROM '{f}'")
    for row in conn.execute("MATCH ()-[r]->() RETURN count(*)").get_all():
        relations = row[0]
    conn.execute("CHECKPOINT")
    conn.close()
    db.close()
    return {"seconds": round(time.perf_counter() - started, 3), "relations": relations}


if __name__ == "__main__":
    kind, a, b = sys.argv[1:4]
    result = (ours if kind == "ours" else raw)(a, b)
    result["peak_rss_mb"] = rss_peak_mb()
    print(json.dumps(result))
