"""Validating and staging large JSON Lines relation files in worker processes.

    python -m conflictgraph.graph.store.relation_workers FOLDER   (started by the loader, never by hand)

A million relations cost about 45 s of single-core Python (parsing, checking, turning
records into columns) before the engine's COPY can start; the engine then needs ~25 s.
Worker processes share the first part out by byte ranges of the files. They only ever run
the fast check (graph.validation.FastRelationCheck): the first record it does not accept
makes the whole parallel attempt give up, and the loader goes through the sequential path,
whose problem reports name the file, record and field exactly as a plain `validate` does.
Ids are checked for duplicates across ranges by the parent, for the same reason.

Workers are plain child processes (`python -m`), not multiprocessing: the parent holds an
open engine with its own threads, which makes forking unsafe, and multiprocessing's spawn
re-imports the caller's main module (a script without a main guard would load again).
Tasks and results are pickles over the workers' stdin and stdout.
"""
from __future__ import annotations

import gc
import pickle
import queue
import shutil
import sys
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import orjson

from ..children import Child
from ..errors import LoadFailed
from ..ontology import Ontology
from ..validation import FastRelationCheck
from .embedded_schema import StagingArea, stage_relations

MIN_RANGE_BYTES = 2 << 20
MAX_RANGE_BYTES = 32 << 20


@dataclass
class StagedRelations:
    files: dict[str, list[Path]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def byte_ranges(files: list[Path], workers: int) -> list[tuple[str, int, int]]:
    """(file, start, end) ranges that begin and end on line boundaries, about sixteen per
    worker: a worker takes the next range when done, so they all finish within about one
    range of each other."""
    total = sum(f.stat().st_size for f in files)
    size = min(MAX_RANGE_BYTES, max(MIN_RANGE_BYTES, total // max(1, workers * 16)))
    ranges = []
    for f in files:
        length = f.stat().st_size
        with f.open("rb") as fh:
            start = 0
            while start < length:
                fh.seek(min(start + size, length))
                fh.readline()
                end = min(fh.tell(), length)
                ranges.append((str(f.resolve()), start, end))
                start = end
    return ranges


_worker: dict = {}


def _init_worker(ontology: Ontology, actor_kinds: dict[str, str], documents: set[str], events: set[str],
                 folder: str) -> None:
    # Records are plain acyclic data: the cyclic collector would only slow the worker down.
    gc.disable()
    _worker.update(ontology=ontology, check=FastRelationCheck(ontology, actor_kinds, documents, events),
                   folder=Path(folder))


def _stage_range(task: tuple[int, str, int, int]) -> tuple[int, bool, dict[str, int], list[str]]:
    """Stage one byte range: (index, accepted, relations per type, ids). `accepted` is False
    at the first line that is not valid JSON or not accepted by the fast check."""
    index, path, start, end = task
    ontology, check = _worker["ontology"], _worker["check"]
    with open(path, "rb") as fh:
        fh.seek(start)
        data = fh.read(end - start)
    relations = []
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        try:
            rel = check(orjson.loads(line))
        except orjson.JSONDecodeError:
            rel = None
        if rel is None:
            return index, False, {}, []
        relations.append(rel)
    del data
    staging = StagingArea(_worker["folder"], suffix=f".{index:05d}")
    counts = stage_relations(staging, relations, ontology)
    staging.finish()
    return index, True, dict(counts), [r.id for r in relations]


class RelationWorkers:
    """Workers checking and staging every relation of `files` as Parquet under `folder`
    (one file per type and range), started at once; `result()` waits for them. Each
    worker takes the next range when it is done with one."""

    def __init__(self, files: list[Path], ontology: Ontology, actor_kinds: dict[str, str],
                 documents: set[str], events: set[str], *, folder: Path, workers: int,
                 progress: Callable[[int], None] | None = None):
        self.folder, self.progress = folder, progress
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "init.pickle", "wb") as fh:
            pickle.dump((ontology, actor_kinds, documents, events), fh, protocol=pickle.HIGHEST_PROTOCOL)
        self._tasks = deque((i, *r) for i, r in enumerate(byte_ranges(files, workers)))
        self._results: queue.Queue = queue.Queue()
        self._children = [Child(__name__, [str(folder.resolve())]) for _ in range(min(workers, len(self._tasks)))]
        self._procs = [c.proc for c in self._children]
        self._threads = [threading.Thread(target=self._feed, args=(c,), daemon=True) for c in self._children]
        for t in self._threads:
            t.start()

    def _feed(self, child: Child) -> None:
        """Hand the child one range at a time; its results (or its failure) go to the queue."""
        proc = child.proc
        try:
            while True:
                try:
                    task = self._tasks.popleft()
                except IndexError:
                    break
                pickle.dump(task, proc.stdin)
                proc.stdin.flush()
                self._results.put(pickle.load(proc.stdout))
            proc.stdin.close()
            if proc.wait() != 0:
                raise OSError(f"exit status {proc.returncode}")
        except (OSError, EOFError, pickle.UnpicklingError) as e:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            self._results.put(WorkerFailed(f"a loader worker failed ({e}): {child.stderr_tail()}"))
        finally:
            self._results.put(None)

    def result(self) -> StagedRelations | None:
        """The staged relations, or None when a record needs the full checks or an id
        repeats (nothing is left in `folder` then)."""
        staged = StagedRelations()
        seen: set[str] = set()
        running = len(self._procs)
        while running:
            item = self._results.get()
            if item is None:
                running -= 1
                continue
            if isinstance(item, WorkerFailed):
                self.cancel()
                raise item
            index, accepted, counts, ids = item
            before = len(seen)
            seen.update(ids)
            if not accepted or len(seen) - before != len(ids):
                self.cancel()
                return None
            for type_name, n in counts.items():
                staged.counts[type_name] += n
                staged.files[type_name].append(self.folder / f"{type_name}.{index:05d}.parquet")
            if self.progress:
                self.progress(len(ids))
        for paths in staged.files.values():
            paths.sort()
        return staged

    def cancel(self) -> None:
        """Stop the workers and delete what they staged. Safe to call more than once."""
        self._tasks.clear()
        for p in self._procs:
            if p.poll() is None:
                p.kill()
        for p in self._procs:
            p.wait()
        for t in self._threads:
            t.join()
        for c in self._children:
            c.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class WorkerFailed(LoadFailed):
    pass


def main(folder: str) -> None:
    with open(Path(folder) / "init.pickle", "rb") as fh:
        _init_worker(*pickle.load(fh), folder)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            task = pickle.load(stdin)
        except EOFError:
            return
        pickle.dump(_stage_range(task), stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
