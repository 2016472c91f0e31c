"""Research queries on the embedded store, run in worker processes the service can lose.

Each worker is confined by the kernel before it opens the current generation read-only,
classifies every query by the engine's own plan and scans its text (the three walls, see
sandbox_worker), and answers queries one at a time under a hard memory limit; a worker that
crashes, runs past the deadline or outlives its generation is killed and replaced. The
service itself never executes a researcher's text.

Where the kernel cannot confine a worker (no Landlock), research queries are refused with
the reason unless the operator accepts the weaker mode (CONFLICTGRAPH_UNCONFINED_QUERIES=accept).
"""
from __future__ import annotations

import json
import os
import queue
import select
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .. import errors
from ..children import Child
from .reader import CANCEL_POLL_S, EncodedResult, QueryResult
from .confine import why_unconfinable

# The walls a research query passes, each able to stop file access alone (sandbox_worker).
WALLS = ("kernel", "engine", "text")

# Time past the engine's own timeout before a silent worker is killed: some operators
# (a large range()) cannot be interrupted.
GRACE_S = 2.0
STARTUP_S = 60.0
# A worker's resident memory is looked at this often while it answers; one left holding more
# than RETIRE_AT of its bound after an answer is replaced rather than reused (the allocator
# keeps what a large query took).
RSS_POLL_S = 0.05
RETIRE_AT = 0.75
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _max_db_size(db: Path) -> int:
    """A power of two above the database file: the engine reserves this much address space."""
    size = max(db.stat().st_size * 4, 1 << 30)
    return 1 << (size - 1).bit_length()


@dataclass
class _Worker:
    child: Child
    generation: str
    db: Path | None = None     # the database it has open (gone: the generation was pruned)

    @property
    def proc(self) -> subprocess.Popen:
        return self.child.proc

    def alive(self) -> bool:
        return self.child.alive()

    def kill(self) -> None:
        self.child.kill()

    def stderr_tail(self) -> str:
        return self.child.stderr_tail()

    def rss_mb(self) -> float:
        """The worker's resident memory now (0 once it has gone)."""
        try:
            with open(f"/proc/{self.proc.pid}/statm", "rb") as f:
                return int(f.read().split()[1]) * _PAGE / (1 << 20)
        except (OSError, IndexError, ValueError):
            return 0.0

    def read_line(self, deadline: float, cancelled: Callable[[], bool] | None = None,
                  rss_limit_mb: float | None = None) -> str | None:
        """The worker's next line; "" if it exited (its output closed), None at the deadline.
        QueryAbandoned as soon as `cancelled()` is true (looked at every CANCEL_POLL_S);
        _OverMemory as soon as the worker holds more than `rss_limit_mb` (every RSS_POLL_S)."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if cancelled is not None:
                if cancelled():
                    raise errors.QueryAbandoned("the query was stopped: its client went away")
                left = min(left, CANCEL_POLL_S)
            if rss_limit_mb is not None:
                if self.rss_mb() > rss_limit_mb:
                    raise _OverMemory()
                left = min(left, RSS_POLL_S)
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                return self.proc.stdout.readline()


class _OverMemory(Exception):
    """A worker went over its memory bound while it answered."""


class QuerySandbox:
    def __init__(self, *, workers: int = 2, memory_mb: int = 1024, buffer_pool_mb: int = 256,
                 allowed_procedures: frozenset[str] = frozenset(), walls: frozenset[str] = frozenset(WALLS),
                 accept_unconfined: bool = False, result_max_bytes: int | None = None):
        self.memory_mb, self.buffer_pool_mb = memory_mb, buffer_pool_mb
        self.result_max_bytes = result_max_bytes
        self.allowed_procedures = allowed_procedures
        unknown = set(walls) - set(WALLS)
        if unknown:
            raise ValueError(f"unknown wall(s) {sorted(unknown)}; the walls are {WALLS}")
        self.walls, self.accept_unconfined = frozenset(walls), accept_unconfined
        self._slots = threading.BoundedSemaphore(workers)
        self._max_workers = workers
        self._workers: list[_Worker] = []   # the workers spawned that may still be alive
        self._workers_lock = threading.Lock()
        self.spawned = 0                    # workers started so far (each opens a database: ~0.5 s)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()

    def refusal(self) -> str | None:
        """Why research queries must be refused here, or None: the kernel cannot confine
        their workers and the operator has not accepted running them unconfined."""
        if "kernel" not in self.walls or self.accept_unconfined:
            return None
        reason = why_unconfinable()
        if reason is None:
            return None
        return (f"research queries are off on this server: {reason}, so their worker processes "
                "cannot be confined by the kernel (no file or network access). The engine's plan "
                "check and the text check still stand; to run research queries behind those two "
                "alone, set CONFLICTGRAPH_UNCONFINED_QUERIES=accept (README: 'The Cypher endpoint')")

    def _spawn(self, db: Path, generation: str) -> _Worker:
        refusal = self.refusal()
        if refusal:
            raise errors.ResearchQueriesUnavailable(refusal)
        args = ["--db", str(db), "--buffer-pool-mb", str(self.buffer_pool_mb), "--max-db-size", str(_max_db_size(db)),
               "--memory-mb", str(self.memory_mb), "--procedures", ",".join(sorted(self.allowed_procedures)),
               "--walls", ",".join(sorted(self.walls))]
        if self.accept_unconfined:
            args.append("--accept-unconfined")
        w = _Worker(Child("conflictgraph.graph.store.sandbox_worker", args, text=True), generation, db)
        with self._workers_lock:
            self._workers = [x for x in self._workers if x.alive()] + [w]
            self.spawned += 1
        line = w.read_line(time.monotonic() + STARTUP_S)
        hello = json.loads(line) if line else {}
        if not hello.get("ready"):
            tail = w.stderr_tail()
            w.kill()
            if hello.get("unconfinable"):
                raise errors.ResearchQueriesUnavailable(
                    f"research queries are off on this server: {hello['unconfinable']}; set "
                    "CONFLICTGRAPH_UNCONFINED_QUERIES=accept to run them behind the engine and text checks alone")
            raise errors.StoreUnavailable(f"the research-query worker could not open {db}"
                                          + (f": {tail}" if tail else ""))
        return w

    def run(self, db: Path, generation: str, query: str, params: dict[str, Any],
            timeout_ms: int, row_limit: int | None, check_only: bool = False,
            cancelled: Callable[[], bool] | None = None) -> QueryResult:
        """Run `query` in an idle (or new) worker. When `cancelled()` turns true, waiting
        stops and a running query's worker is killed: 60 clients that sent a 12 s query and
        left kept the workers busy for 108 s after they had gone."""
        while not self._slots.acquire(timeout=CANCEL_POLL_S):
            if cancelled is not None and cancelled():
                raise errors.QueryAbandoned("the query was not run: its client went away while it waited")
        try:
            return self._run_in_slot(db, generation, query, params, timeout_ms, row_limit, check_only, cancelled)
        finally:
            self._slots.release()

    def _run_in_slot(self, db: Path, generation: str, query: str, params: dict[str, Any], timeout_ms: int,
                     row_limit: int | None, check_only: bool, cancelled: Callable[[], bool] | None) -> QueryResult:
        if cancelled is not None and cancelled():
            raise errors.QueryAbandoned("the query was not run: its client went away while it waited")
        worker = self._idle_on(generation)
        if worker is None:
            worker = self._spawn(db, generation)
        request = {"query": query, "params": params, "timeout_ms": timeout_ms, "row_limit": row_limit,
                   "byte_limit": self.result_max_bytes, "check_only": check_only}
        try:
            worker.proc.stdin.write(json.dumps(request) + "\n")
            worker.proc.stdin.flush()
        except BrokenPipeError:
            worker.kill()
            raise errors.QueryError("the research-query worker stopped; try again") from None
        try:
            line = worker.read_line(time.monotonic() + timeout_ms / 1000 + GRACE_S, cancelled, self.memory_mb)
        except errors.QueryAbandoned:
            worker.kill()
            raise
        except _OverMemory:
            worker.kill()
            raise errors.QueryError(f"the query needs more memory than research queries may use "
                                    f"({self.memory_mb} MiB for its worker); narrow it") from None
        if line is None:
            worker.kill()
            raise errors.QueryTimeout("the query ran past the server's time limit and was stopped")
        if line == "":
            # Its output closed: the worker died on this query (it may not be reaped yet,
            # so "still alive?" is no test of a time-out).
            try:
                worker.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            code, tail = worker.proc.returncode, worker.stderr_tail()
            worker.kill()
            how = (f"signal {signal.Signals(-code).name}" if code is not None and code < 0
                   else f"exit status {code}")
            raise errors.QueryError(f"the query engine crashed on this query ({how}"
                                    f"{': ' + tail if tail else ''}); it may have needed more memory "
                                    f"than research queries may use ({self.memory_mb} MiB); narrow the query")
        if worker.rss_mb() > RETIRE_AT * self.memory_mb:
            worker.kill()
        else:
            self._idle.put(worker)
        if not line.startswith('{"error"'):
            return EncodedResult(line.rstrip("\n").encode())   # passed on, not decoded (see EncodedResult)
        err = json.loads(line)["error"]
        cls = getattr(errors, err["type"], errors.QueryError)
        if cls is errors.QuerySyntaxError:
            raise cls(err["message"], err.get("line"), err.get("column"))
        raise cls(err["message"])

    def _idle_on(self, generation: str) -> "_Worker | None":
        """An idle worker that has `generation` open (the most recently used), or None, having
        then retired the least recently used idle worker if a new one would make the workers
        outnumber the slots. Research queries on the current graph and on a
        pinned version alternate without reopening a database each time (500 ms a switch)."""
        idle = []
        while True:
            try:
                idle.append(self._idle.get_nowait())   # most recently used first
            except queue.Empty:
                break
        # A worker whose generation was pruned would keep its files (and their disk) alive.
        alive = [w for w in idle if (w.alive() and (w.db is None or w.db.exists())) or w.kill()]
        match = next((w for w in alive if w.generation == generation), None)
        rest = [w for w in alive if w is not match]
        if match is None and rest and self._alive() >= self._max_workers:
            rest.pop().kill()                          # the least recently used
        for w in reversed(rest):                       # back in their order
            self._idle.put(w)
        return match

    def _alive(self) -> int:
        with self._workers_lock:
            self._workers = [x for x in self._workers if x.alive()]
            return len(self._workers)

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return
