"""The embedded engine (LadybugDB 0.22, a Kùzu fork) as every embedded module uses it: opening
a database, running a text, reading a result, and the engine's errors in our words. Importing
it fixes glibc's mmap threshold for the process (below, with the reason): every process that
runs the engine imports it."""
from __future__ import annotations

import ctypes
import os
import re
from pathlib import Path
from typing import Any

import ladybug

from ..errors import ConflictGraphError
from . import engine_errors
from .reader import QueryResult, collect_rows
from .values import plain

RETRY_HINT = re.compile(r"\s*The database may be checkpointing; please retry later\.?")
_POSITION = re.compile(r"\(line: (\d+), offset: (\d+)\)")


# glibc serves an allocation from its heap (brk) below a threshold that it raises, up to
# 32 MB, each time a larger block is freed. The engine allocates and frees blocks of 1-4 MB
# on every relation scan; once the threshold had risen they came from the heap, which then
# could not shrink: 1,636 ranged reads of 600 actors' relations left 120 GB of heap address
# space (4 MB of it touched), all of it counted as committed memory, and the process's next
# fork (graph/bounded.py, for analytics) was refused with ENOMEM. A fixed threshold keeps
# blocks of 1 MB and more in mappings of their own, returned when freed: 2.2 GB of heap for
# the same reads, 11% slower in that loop (2.93 s against 2.64).
MMAP_THRESHOLD = 1 << 20
_M_MMAP_THRESHOLD = -3   # mallopt's parameter number, <malloc.h>


def _fix_mmap_threshold() -> None:
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):   # not glibc (musl, macOS): nothing to set
        return
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


_fix_mmap_threshold()


def open_database(path: Path, read_only: bool, buffer_pool_mb: int) -> ladybug.Database:
    # Nobody checkpoints automatically: a writer checkpoints once at the end of its load,
    # and a reader must never write into a published generation.
    return ladybug.Database(str(path), read_only=read_only, auto_checkpoint=False,
                            buffer_pool_size=buffer_pool_mb * 1024 * 1024)


def machine_memory_mb() -> int:
    """Physical memory, or the cgroup's limit if it is lower (in a container)."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 20
    try:
        limit = open("/sys/fs/cgroup/memory.max").read().strip()
        if limit.isdigit():
            total = min(total, int(limit) >> 20)
    except OSError:
        pass
    return total


def load_pool_mb(configured: int, at_least: int) -> int:
    """The buffer pool a load's database gets: `configured`, else half the machine's memory
    (never less than the readers' pool). A relation table's COPY, and the checkpoint after it,
    hold the whole table's pages in the pool: at 10M relations the readers' 1 GB refused the
    largest table. The pool is reserved, not taken: memory is used as pages are written."""
    return configured or max(at_least, machine_memory_mb() // 2)


def out_of_memory(message: str) -> bool:
    """The engine ran out of memory (its allocator's std::bad_alloc, or its buffer pool)."""
    return "bad_alloc" in message or "Unable to allocate memory" in message


def translate(e: Exception) -> ConflictGraphError:
    msg = str(e).strip()
    if "read-only database" in msg:
        return engine_errors.writes_refused()
    if out_of_memory(msg):
        return engine_errors.out_of_memory()
    if msg.startswith("Interrupted"):
        return engine_errors.timed_out()
    if msg.startswith("Parser exception"):
        m = _POSITION.search(msg)
        line, col = (int(m.group(1)), int(m.group(2)) + 1) if m else (None, None)
        return engine_errors.syntax(msg, line, col)
    if msg.startswith(("Binder exception", "Catalog exception")):
        return engine_errors.syntax(msg)
    return engine_errors.refused(msg)


def run(conn: ladybug.Connection, cypher: str, params: dict[str, Any] | None,
         row_limit: int | None = None) -> QueryResult:
    try:
        result = conn.execute(cypher, params or {})
    except RuntimeError as e:
        raise translate(e) from e
    return fetch(result, row_limit, translate)


def fetch(result: ladybug.QueryResult, row_limit: int | None, translate=translate,
          byte_limit: int | None = None) -> QueryResult:
    """A result's rows, up to `row_limit` rows and `byte_limit` bytes (then `truncated`);
    engine errors met while reading them go through `translate`."""
    def rows():
        while result.has_next():
            yield [plain(v) for v in result.get_next()]
    try:
        columns = result.get_column_names()
        rows, truncated = collect_rows(rows(), row_limit, byte_limit)
    except RuntimeError as e:
        raise translate(e) from e
    finally:
        result.close()
    return QueryResult(columns, rows, truncated)
