"""One published generation opened read-only: a pool of connections, its projection (built
once, on first use) and its counts. A generation never changes once published, so what is
derived from it is kept with it and dropped when it is retired.
"""
from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import ladybug

from ..cypher import query_text
from ..ontology import Ontology
from .embedded_loader import build_projection_files
from .generations import PROJECTION_DIR
from .ladybug_engine import run
from .projection import Projection
from .projection_build import arrow_fetcher, open_projection, written as projection_written


class OpenGeneration:
    """One published generation opened read-only, with a pool of connections.

    Connections are not shared between concurrent queries; each query takes one from the
    pool (or a new one) and gives it back. When CURRENT moves on, the old generation is
    retired: it closes once the last query still running on it is done.
    """

    def __init__(self, db: ladybug.Database, seen: tuple, path: Path):
        self.db, self.seen, self.path = db, seen, path
        self._projection = None
        self._projection_lock = threading.Lock()
        self._free: list[ladybug.Connection] = []
        self._busy = 0
        self._retired = False
        self._lock = threading.Lock()
        self._timeouts: dict[int, int] = {}   # id(connection) -> its query timeout (ms)
        self.stats: dict | None = None        # counts, once asked (a generation never changes)

    def set_timeout(self, conn: ladybug.Connection, ms: int) -> None:
        # A call into the engine per query added measurably to small queries; set it on change.
        if self._timeouts.get(id(conn)) != ms:
            conn.set_query_timeout(ms)
            self._timeouts[id(conn)] = ms

    def acquire(self) -> ladybug.Connection:
        with self._lock:
            self._busy += 1
            return self._free.pop() if self._free else ladybug.Connection(self.db)

    def release(self, conn: ladybug.Connection) -> None:
        with self._lock:
            self._busy -= 1
            self._free.append(conn)
            if self._retired and self._busy == 0:
                self._close()

    def projection(self, ontology: Ontology, buffer_pool_mb: int, child_rows: int):
        """This generation's in-memory read model, built on first use (once). Above
        `child_rows` relations its tables are read by a child process (see projection_build)."""
        with self._projection_lock:
            if self._projection is None:
                written = self.path.parent / PROJECTION_DIR
                if projection_written(written):
                    # Written by the load, mapped read-only: every service process on this
                    # generation shares the same pages.
                    self._projection = open_projection(ontology, written)
                elif self.relation_count() > child_rows:   # a generation from before that
                    with tempfile.TemporaryDirectory(prefix="projection-") as tmp:
                        build_projection_files(ontology, self.path, Path(tmp), buffer_pool_mb)
                        # Mapped files stay readable after the folder is removed.
                        self._projection = open_projection(ontology, Path(tmp))
                else:
                    conn = self.acquire()
                    try:
                        self._projection = Projection.build(ontology, arrow_fetcher(conn))
                    finally:
                        self.release(conn)
            return self._projection

    def relation_count(self) -> int:
        conn = self.acquire()
        try:
            return sum(n for _, n in run(conn, query_text("stats_relations_by_type", "embedded"), None).rows)
        finally:
            self.release(conn)

    def retire(self) -> None:
        with self._lock:
            self._retired = True
            if self._busy == 0:
                self._close()

    def _close(self) -> None:
        for conn in self._free:
            conn.close()
        self._free.clear()
        self.db.close()
