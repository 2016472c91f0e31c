"""Research queries on the embedded store, run in worker processes the service can lose.

Each worker opens the current generation read-only under a hard memory limit and answers
queries one at a time; a worker that crashes, runs past the deadline or outlives its
generation is killed and replaced. The service itself never executes a researcher's text.
"""
from __future__ import annotations

import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import errors
from ..paths import PROJECT_ROOT
from .base import QueryResult

# Time past the engine's own timeout before a silent worker is killed: some operators
# (a large range()) cannot be interrupted.
GRACE_S = 2.0
STARTUP_S = 60.0


def _max_db_size(db: Path) -> int:
    """A power of two above the database file: the engine reserves this much address space."""
    size = max(db.stat().st_size * 4, 1 << 30)
    return 1 << (size - 1).bit_length()


@dataclass
class _Worker:
    proc: subprocess.Popen
    generation: str

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            f.close()

    def read_line(self, deadline: float) -> str | None:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                return self.proc.stdout.readline() or None


class QuerySandbox:
    def __init__(self, *, workers: int = 2, memory_mb: int = 1024, buffer_pool_mb: int = 256,
                 allowed_procedures: frozenset[str] = frozenset()):
        self.memory_mb, self.buffer_pool_mb = memory_mb, buffer_pool_mb
        self.allowed_procedures = allowed_procedures
        self._slots = threading.BoundedSemaphore(workers)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()

    def _spawn(self, db: Path, generation: str) -> _Worker:
        cmd = [sys.executable, "-m", "graph.store.sandbox_worker", "--db", str(db),
               "--buffer-pool-mb", str(self.buffer_pool_mb), "--max-db-size", str(_max_db_size(db)),
               "--memory-mb", str(self.memory_mb), "--procedures", ",".join(sorted(self.allowed_procedures))]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])))
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, env=env, cwd=PROJECT_ROOT)
        w = _Worker(proc, generation)
        line = w.read_line(time.monotonic() + STARTUP_S)
        if not line or not json.loads(line).get("ready"):
            w.kill()
            raise errors.StoreUnavailable(f"the research-query worker could not open {db}")
        return w

    def run(self, db: Path, generation: str, query: str, params: dict[str, Any],
            timeout_ms: int, row_limit: int | None) -> QueryResult:
        with self._slots:
            worker = None
            try:
                while worker is None:
                    worker = self._idle.get_nowait()
                    if not worker.alive() or worker.generation != generation:
                        worker.kill()
                        worker = None
            except queue.Empty:
                worker = self._spawn(db, generation)
            request = {"query": query, "params": params, "timeout_ms": timeout_ms, "row_limit": row_limit}
            try:
                worker.proc.stdin.write(json.dumps(request) + "\n")
                worker.proc.stdin.flush()
            except BrokenPipeError:
                worker.kill()
                raise errors.QueryError("the research-query worker stopped; try again") from None
            line = worker.read_line(time.monotonic() + timeout_ms / 1000 + GRACE_S)
            if line is None:
                timed_out = worker.alive()
                worker.kill()
                if timed_out:
                    raise errors.QueryTimeout("the query ran past the server's time limit and was stopped")
                raise errors.QueryError("the query engine stopped on this query: it needed more memory "
                                        f"than research queries may use ({self.memory_mb} MiB) or hit an "
                                        "engine fault; narrow the query")
            self._idle.put(worker)
        reply = json.loads(line)
        if "error" in reply:
            err = reply["error"]
            cls = getattr(errors, err["type"], errors.QueryError)
            if cls is errors.QuerySyntaxError:
                raise cls(err["message"], err.get("line"), err.get("column"))
            raise cls(err["message"])
        return QueryResult(reply["columns"], reply["rows"], reply["truncated"])

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return
