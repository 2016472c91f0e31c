"""A research-query worker: one process, one read-only generation, hard memory limit.

Started by graph.store.sandbox. Reads one JSON request per line on stdin and answers one
JSON line on stdout. The embedded engine can crash its process or allocate without bound on
hostile input (`UNWIND range(1, 10000000000)` segfaults it; a large range() cannot be
interrupted); here that costs one worker, never the service.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys

import ladybug

from ..errors import ConflictGraphError
from .base import check_query_text
from .embedded import _run


def _vm_size() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--buffer-pool-mb", type=int, default=256)
    ap.add_argument("--max-db-size", type=int, required=True)
    ap.add_argument("--memory-mb", type=int, default=1024)
    ap.add_argument("--procedures", default="")
    args = ap.parse_args()
    allowed = frozenset(p for p in args.procedures.split(",") if p)
    db = ladybug.Database(args.db, read_only=True, buffer_pool_size=args.buffer_pool_mb * 1024 * 1024,
                          max_db_size=args.max_db_size)
    conn = ladybug.Connection(db)
    _run(conn, "MATCH (a:Actor) RETURN count(*)", None)  # warm up before the limit applies
    # Everything mapped so far, plus what a query may allocate and the engine's own pool.
    limit = _vm_size() + (args.memory_mb + args.buffer_pool_mb) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    out = sys.stdout
    print(json.dumps({"ready": True}), file=out, flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        try:
            check_query_text(req["query"], req["params"], allowed)
            conn.set_query_timeout(req["timeout_ms"])
            result = _run(conn, req["query"], req["params"], req["row_limit"])
            reply = {"columns": result.columns, "rows": result.rows, "truncated": result.truncated}
        except ConflictGraphError as e:
            reply = {"error": {"type": type(e).__name__, "message": str(e),
                               "line": getattr(e, "line", None), "column": getattr(e, "column", None)}}
        except MemoryError:
            reply = {"error": {"type": "QueryError", "message": "the query needs more memory than "
                               f"research queries may use ({args.memory_mb} MiB)"}}
        try:
            print(json.dumps(reply), file=out, flush=True)
        except MemoryError:
            print(json.dumps({"error": {"type": "QueryError", "message": "the result is too large "
                                        f"for the research-query memory limit ({args.memory_mb} MiB)"}}),
                  file=out, flush=True)


if __name__ == "__main__":
    main()
