"""A research-query worker: one process, one read-only generation, three walls.

Started by conflictgraph.graph.store.sandbox. Reads one JSON request per line on stdin and answers one
JSON line on stdout. In order, before it opens the database:

1. the kernel confines it (graph.store.confine): read access to the generation folder and
   the Python runtime only, no writes, no network, no capabilities;
2. every query is then classified by the engine (graph.store.plan_check) and
3. scanned as text (graph.cypher_text) before it runs.

Each wall can be turned off for the test that proves the others hold alone; the service
never turns off more than the kernel's, and that only where the kernel cannot confine and
an explicit setting accepts it. The engine can crash its process or allocate without bound
on hostile input (`UNWIND range(1, 10000000000)` segfaults it): here that costs one worker.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import sysconfig
import warnings
from collections import OrderedDict
from pathlib import Path

import ladybug
import orjson
from ladybug._backend import get_pybind_module

from ..errors import ConflictGraphError, QueryError, WriteRejected, capped
from . import plan_check
from .reader import check_nesting, check_parameters, check_query_text
from .confine import ConfinementUnavailable, confine, limit_files
from .ladybug_engine import fetch, translate as _translate

ACCEPTED_CACHE = 512


def runtime_paths() -> list[Path]:
    """What the interpreter may still read once confined: its standard library and the
    installed packages (code only; the project's data and the store are not there)."""
    paths = sysconfig.get_paths()
    found = {Path(paths[k]).resolve() for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    return sorted(p for p in found if p.exists())


def _vm_size(status) -> int:
    status.seek(0)
    for line in status.read().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


class Worker:
    def __init__(self, args: argparse.Namespace):
        self.walls = frozenset(w for w in args.walls.split(",") if w)
        self.allowed = frozenset(p for p in args.procedures.split(",") if p)
        self.memory_mb = args.memory_mb
        self.confinement = None
        # Texts the engine wall accepted, with their parameters' types: the generation is
        # fixed for a worker's life, so the same text plans to the same operators.
        self.accepted: OrderedDict[tuple, None] = OrderedDict()
        # Read before the kernel closes /proc: the memory limit is set from it later.
        self.status = open("/proc/self/status")
        get_pybind_module()     # the engine's library is loaded now, not after confinement
        warnings.simplefilter("ignore")
        if "kernel" in self.walls:
            try:
                self.confinement = confine([Path(args.db).parent, *runtime_paths()])
            except ConfinementUnavailable as e:
                if not args.accept_unconfined:
                    raise
                print(f"research-query worker runs unconfined: {e}", file=sys.stderr, flush=True)
                limit_files()
        # pybind's connection directly: the Python wrapper rewrites some query texts
        # (scans of Python objects found by name in its callers' frames) before the engine.
        self.db = ladybug.Database(args.db, read_only=True, auto_checkpoint=False, backend="pybind",
                                   buffer_pool_size=args.buffer_pool_mb * 1024 * 1024,
                                   max_db_size=args.max_db_size)
        self.conn = ladybug.Connection(self.db)
        self.conn.init_connection()
        self.engine = self.conn._connection
        self.run("MATCH (a:Actor) RETURN count(*)", {}, None)   # warm up before the limit applies
        # A backstop for allocations faster than the service's watch on resident memory
        # (sandbox.RSS_POLL_S): everything mapped so far, plus the bound and the engine's pool.
        limit = _vm_size(self.status) + (args.memory_mb + args.buffer_pool_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def wrap(self, raw) -> ladybug.QueryResult:
        return ladybug.QueryResult(self.conn, raw)

    def check(self, query: str, params: dict) -> None:
        check_nesting(query)   # whatever the walls: the engine's parser would take minutes, then crash
        check_parameters(query, params)
        if "text" in self.walls:
            check_query_text(query, params, self.allowed)
        if "engine" in self.walls:
            key = (query, tuple(sorted((k, type(v).__name__) for k, v in params.items())))
            if key in self.accepted:
                self.accepted.move_to_end(key)
                return
            plan_check.check_statement(self.engine, query)
            plan_check.check_plan(self.engine, self.wrap, query, params)
            self.accepted[key] = None
            if len(self.accepted) > ACCEPTED_CACHE:
                self.accepted.popitem(last=False)

    def run(self, query: str, params: dict, row_limit: int | None, byte_limit: int | None = None) -> dict:
        # prepare() takes exactly one statement: `a; b` cannot run here whatever the walls.
        try:
            # Prepared with its parameters, the statement is planned once (prepared without
            # them, the engine plans it again when it runs). Statements are not kept between
            # calls: each holds memory of its own (128 kept pushed a worker past its bound).
            prepared = self.engine.prepare(query, params)
            if not prepared.is_success():
                raise RuntimeError(prepared.get_error_message())
            result = self.wrap(self.engine.execute(prepared, params))
        except RuntimeError as e:
            raise _translate_worker(e) from e
        got = fetch(result, row_limit, _translate_worker, byte_limit)
        return {"columns": got.columns, "rows": got.rows, "truncated": got.truncated}

    def answer(self, req: dict) -> dict:
        try:
            self.check(req["query"], req["params"])
            if req.get("check_only"):
                return {"columns": [], "rows": [], "truncated": False}
            self.conn.set_query_timeout(req["timeout_ms"])
            return self.run(req["query"], req["params"], req["row_limit"], req.get("byte_limit"))
        except ConflictGraphError as e:
            return {"error": {"type": type(e).__name__, "message": capped(str(e)),
                              "line": getattr(e, "line", None), "column": getattr(e, "column", None)}}
        except MemoryError:
            return {"error": {"type": "QueryError", "message": "the query needs more memory than "
                              f"research queries may use ({self.memory_mb} MiB)"}}


def _translate_worker(e: RuntimeError) -> ConflictGraphError:
    msg = str(e).strip()
    if msg.startswith("IO exception"):
        # What the kernel refused: a file outside the generation, or any write.
        return WriteRejected("research queries may not read or write files outside the graph "
                             f"(the system refused it: {msg.splitlines()[0]})")
    if "multiple statements" in msg:
        return QueryError("send one statement at a time (this text has several, separated by ';')")
    return _translate(e)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--buffer-pool-mb", type=int, default=256)
    ap.add_argument("--max-db-size", type=int, required=True)
    ap.add_argument("--memory-mb", type=int, default=1024)
    ap.add_argument("--procedures", default="")
    ap.add_argument("--walls", default="kernel,engine,text")
    ap.add_argument("--accept-unconfined", action="store_true")
    args = ap.parse_args()
    # Below the service in CPU priority: a researcher's query may take every core it is
    # given, and /health and the lookup endpoints must still be answered at once.
    os.nice(10)
    out = sys.stdout
    try:
        worker = Worker(args)
    except ConfinementUnavailable as e:
        print(json.dumps({"ready": False, "unconfinable": str(e)}), file=out, flush=True)
        sys.exit(3)
    print(json.dumps({"ready": True, "confinement": worker.confinement and worker.confinement.describe()}),
          file=out, flush=True)
    for line in sys.stdin:
        reply = worker.answer(json.loads(line))
        try:
            # orjson, as the API writes JSON (NaN becomes null, not the invalid NaN of json.dumps):
            # the service passes a result on to the client as it is (reader.EncodedResult).
            print(orjson.dumps(reply, default=str, option=orjson.OPT_SERIALIZE_NUMPY).decode(), file=out, flush=True)
        except MemoryError:
            print(json.dumps({"error": {"type": "QueryError", "message": "the result is too large "
                                        f"for the research-query memory limit ({args.memory_mb} MiB)"}}),
                  file=out, flush=True)


if __name__ == "__main__":
    main()
