"""The embedded store: LadybugDB (a Kùzu fork) on local disk, the default store.

Layout under the store directory:

    CURRENT                  name of the generation readers use (replaced atomically)
    generations/<name>/      one complete database per successful load
    load.lock                held by the one running load

A load writes a brand-new generation and only then points CURRENT at it, so a failed or
killed load leaves the previous graph exactly as it was, and readers (the API service, a
researcher's query) never see a half-written graph. Readers open the current generation
read-only and move to a newer one on their next query. The generation before the current
one is kept, so a reader still on it is not cut off; older ones are deleted by the next load.
"""
from __future__ import annotations

import copy
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import ladybug

from ..cypher import query_text
from ..errors import (ConflictGraphError, LoadInProgress, QueryError, QuerySyntaxError,
                      QueryTimeout, StoreDamaged, StoreEmpty, StoreUnavailable, WriteRejected)
from ..dataset import SeedSet
from ..models import Dataset
from ..ontology import Ontology
from .base import (RESULT_MAX_BYTES, GraphStore, LoadReport, Progress, QueryResult, Reader, check_query_text,
                   collect_rows)
from .hints import embedded_hint
from .sandbox import WALLS, QuerySandbox
from .embedded_schema import StagingArea, schema_statements, stage_relations
from .relation_workers import RelationWorkers, StagedRelations
from .projection_build import arrow_fetcher, read_tables, write_tables_from
from .rows import ACTOR_COLUMNS, DOCUMENT_COLUMNS, actor_row, document_row
from .values import plain

DB_FILE = "graph.lbug"
PROJECTION_DIR = "projection"   # beside DB_FILE: the projection's Arrow files, written by the load
PROJECTION_POOL_MB = 512   # the child's pool (it reads every page once)
PROJECTION_CHILD_ROWS = 100_000
PARALLEL_LOAD_MIN_BYTES = 16 << 20  # ~40k relations: below that, starting workers costs more than it saves
# The only names a load gives a generation (see load()); CURRENT must hold one of them.
GENERATION_NAME = re.compile(r"g\d{8}T\d{12}-\d{1,10}")
_ENGINE_RETRY_HINT = re.compile(r"\s*The database may be checkpointing; please retry later\.?")
_POSITION = re.compile(r"\(line: (\d+), offset: (\d+)\)")


def _translate(e: Exception) -> ConflictGraphError:
    msg = str(e).strip()
    if "read-only database" in msg:
        return WriteRejected("writes are not allowed: research queries run on a read-only connection")
    if "bad_alloc" in msg or "Unable to allocate memory" in msg:
        return QueryError("the query needs more memory than this server allows for a query; narrow it")
    if msg.startswith("Interrupted"):
        return QueryTimeout("the query ran past the server's time limit and was stopped")
    if msg.startswith("Parser exception"):
        m = _POSITION.search(msg)
        line, col = (int(m.group(1)), int(m.group(2)) + 1) if m else (None, None)
        return QuerySyntaxError(msg, line, col)
    if msg.startswith(("Binder exception", "Catalog exception")):
        return QuerySyntaxError(msg)
    return QueryError(msg)


def _run(conn: ladybug.Connection, cypher: str, params: dict[str, Any] | None,
         row_limit: int | None = None) -> QueryResult:
    try:
        result = conn.execute(cypher, params or {})
    except RuntimeError as e:
        raise _translate(e) from e
    return fetch(result, row_limit, _translate)


def fetch(result: ladybug.QueryResult, row_limit: int | None, translate=_translate,
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


def build_projection_files(ontology: Ontology, db: Path, out: Path, buffer_pool_mb: int) -> None:
    """The projection's tables as Arrow files in `out`, read by a child process (its memory
    is gone when it exits; see graph/store/projection_build.py)."""
    proc = subprocess.run(
        [sys.executable, "-m", "conflictgraph.graph.store.projection_build", str(ontology.source_file),
         str(db), str(out), str(min(buffer_pool_mb, PROJECTION_POOL_MB))], capture_output=True, text=True, )
    if proc.returncode != 0:
        raise StoreUnavailable(f"could not read {db} for the projection: {proc.stderr.strip().splitlines()[-1:]}")


class _Generation:
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
                from ..projection import Projection
                written = self.path.parent / PROJECTION_DIR
                if (written / "relations.arrow").is_file():
                    # Written by the load, mapped read-only: every service process on this
                    # generation shares the same pages.
                    self._projection = Projection(ontology, *read_tables(written))
                elif self.relation_count() > child_rows:   # a generation from before that
                    with tempfile.TemporaryDirectory(prefix="projection-") as tmp:
                        build_projection_files(ontology, self.path, Path(tmp), buffer_pool_mb)
                        # Mapped files stay readable after the folder is removed.
                        self._projection = Projection(ontology, *read_tables(Path(tmp)))
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
            return sum(n for _, n in _run(conn, query_text("stats_relations_by_type", "embedded"), None).rows)
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


class _EmbeddedReader(Reader):
    def __init__(self, conn: ladybug.Connection, allowed: frozenset[str], row_limit: int | None,
                 projection=None):
        super().__init__("embedded", allowed)
        self._conn, self._row_limit = conn, row_limit
        self._projection = projection    # a callable: built when first asked for, not per read

    @property
    def projection(self):
        return self._projection() if self._projection else None

    def _execute(self, cypher: str, params: dict[str, Any], row_limit: int | None, *,
                 trusted: bool) -> QueryResult:
        # Untrusted texts (research queries) never run here but in the sandbox's workers.
        return _run(self._conn, cypher, params, row_limit if row_limit is not None else self._row_limit)


class EmbeddedStore(GraphStore):
    dialect = "embedded"
    allowed_procedures = frozenset({"show_tables", "table_info", "show_connection", "db_version"})

    def __init__(self, root: Path | str, ontology: Ontology, *, buffer_pool_mb: int = 1024,
                 query_timeout_ms: int = 10_000, row_limit: int | None = 10_000,
                 query_workers: int = 2, query_memory_mb: int = 1024, projection: bool = True,
                 load_workers: int = 1, accept_unconfined_queries: bool = False,
                 query_walls: frozenset[str] = frozenset(WALLS), result_max_bytes: int | None = RESULT_MAX_BYTES):
        super().__init__(ontology)
        # Research queries run behind these walls (sandbox_worker); tests turn some off to
        # prove each of the others holds alone.
        self.query_walls, self.accept_unconfined_queries = frozenset(query_walls), accept_unconfined_queries
        self.load_workers = load_workers
        self.parallel_load_min_bytes = PARALLEL_LOAD_MIN_BYTES
        self.use_projection = projection
        self.projection_child_rows = PROJECTION_CHILD_ROWS
        self._keep_warm = False
        self.root = Path(root)
        self.query_workers, self.query_memory_mb = query_workers, query_memory_mb
        self._sandbox: QuerySandbox | None = None
        self._checker: QuerySandbox | None = None
        self.buffer_pool_mb = buffer_pool_mb
        self.query_timeout_ms = query_timeout_ms
        self.row_limit, self.result_max_bytes = row_limit, result_max_bytes
        self._lock = threading.Lock()
        self._reader: _Generation | None = None   # the generation readers are on now
        self._current_path = str(self.root / "CURRENT")  # stat()ed before every read

    @property
    def location(self) -> str:
        return str(self.root)

    # --- generations ---------------------------------------------------------------
    @property
    def _current_file(self) -> Path:
        return self.root / "CURRENT"

    @property
    def _generations(self) -> Path:
        return self.root / "generations"

    def _damaged(self, why: str) -> StoreDamaged:
        return StoreDamaged(f"the store at {self.root} is damaged: {why}; "
                            "run `conflictgraph load` to write a fresh generation")

    def _pointer(self) -> str | None:
        try:
            return self._current_file.read_bytes().decode("ascii", "replace").strip()
        except OSError:
            return None

    def current_generation(self) -> str | None:
        """The published generation's name, None before the first load. A pointer that
        does not hold a generation's name, or names one that is not there, is damage: it
        is reported as such and never followed outside the store's generations folder."""
        try:
            raw = self._current_file.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as e:
            raise self._damaged(f"cannot read {self._current_file}: {e.strerror}") from None
        try:
            name = raw.decode("ascii").strip()
        except UnicodeDecodeError:
            name = None
        if name is None or not GENERATION_NAME.fullmatch(name):
            raise self._damaged(f"{self._current_file} does not hold a generation name "
                                f"(it holds {len(raw)} bytes: {raw[:40]!r}{'...' if len(raw) > 40 else ''})")
        if not (self._generations / name / DB_FILE).is_file():
            raise self._damaged(f"{self._current_file} names generation {name!r}, "
                                f"but {self._generations / name / DB_FILE} is missing")
        return name

    def _database(self, read_only: bool, path: Path) -> ladybug.Database:
        # A writer only ever fills a fresh generation and checkpoints once at the end.
        # Nobody checkpoints automatically: a writer checkpoints once at the end of its load,
        # and a reader must never write into a published generation.
        return ladybug.Database(str(path), read_only=read_only, auto_checkpoint=False,
                                buffer_pool_size=self.buffer_pool_mb * 1024 * 1024)

    def _current_reader(self) -> "_Generation":
        """The open read-only generation CURRENT names, opening it if CURRENT has moved."""
        try:
            st = os.stat(self._current_path)
            seen = (st.st_ino, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            raise StoreEmpty(f"nothing has been loaded into {self.root} yet: run `conflictgraph load`") from None
        with self._lock:
            if self._reader is None or self._reader.seen != seen:
                name = self.current_generation()
                if name is None:   # CURRENT went away between stat() and here
                    raise StoreEmpty(f"nothing has been loaded into {self.root} yet: run `conflictgraph load`")
                path = self._generations / name / DB_FILE
                try:
                    db = self._database(True, path)
                except RuntimeError as e:
                    # Published generations were checkpointed before CURRENT named them and
                    # are never written again: the engine's "retry later" does not apply.
                    why = _ENGINE_RETRY_HINT.sub("", str(e)).strip().rstrip(".")
                    raise self._damaged(f"generation {name!r} ({path}) cannot be opened: {why}") from e
                old, self._reader = self._reader, _Generation(db, seen, path)
                if old is not None:
                    old.retire()
                if self._keep_warm and self.use_projection:
                    # A load moved CURRENT under a running service: build the new projection
                    # now rather than in whichever request needs it first.
                    threading.Thread(target=self._reader.projection,
                                     args=(self.ontology, self.buffer_pool_mb, self.projection_child_rows),
                                     daemon=True, name="projection").start()
            return self._reader

    @contextmanager
    def _connection(self, timeout_ms: int | None = None,
                    generation: "_Generation | None" = None) -> Iterator[ladybug.Connection]:
        """A read-only connection of its own, on one generation, until the block ends."""
        generation = generation or self._current_reader()
        conn = generation.acquire()
        try:
            generation.set_timeout(conn, timeout_ms or self.query_timeout_ms)
            yield conn
        finally:
            generation.release(conn)

    @contextmanager
    def reading(self, *, timeout_ms: int | None = None,
                row_limit: int | None = None) -> Iterator["_EmbeddedReader"]:
        generation = self._current_reader()
        with self._connection(timeout_ms, generation) as conn:
            projection = ((lambda: generation.projection(self.ontology, self.buffer_pool_mb, self.projection_child_rows))
                          if self.use_projection else None)
            yield _EmbeddedReader(conn, self.allowed_procedures,
                                  row_limit if row_limit is not None else self.row_limit, projection)

    def version(self) -> str | None:
        return self.current_generation()

    def stats(self) -> dict[str, Any]:
        # Counted once per generation: /health asks on every call, and the counts of a
        # published generation never change.
        generation = self._current_reader()
        if generation.stats is None:
            counted = super().stats()
            if self._current_reader() is not generation:
                return counted   # a load moved CURRENT meanwhile: these may be the new one's
            generation.stats = counted
        return copy.deepcopy(generation.stats)

    def warm_up(self) -> None:
        """Build the current generation's projection now rather than on the first request,
        and each later generation's as soon as a reader meets it (a long-running service)."""
        self._keep_warm = True
        try:
            if self.use_projection and self.current_generation() is not None:
                self._current_reader().projection(self.ontology, self.buffer_pool_mb, self.projection_child_rows)
        except StoreDamaged:
            pass   # the service starts and answers 503 with the reason until a load repairs it

    def _sandbox_for(self, walls: frozenset[str]) -> QuerySandbox:
        return QuerySandbox(workers=self.query_workers, memory_mb=self.query_memory_mb,
                            buffer_pool_mb=min(self.buffer_pool_mb, 512),
                            allowed_procedures=self.allowed_procedures, walls=walls,
                            accept_unconfined=self.accept_unconfined_queries,
                            result_max_bytes=self.result_max_bytes)

    def _published_db(self) -> tuple[Path, str]:
        # Opened here first, so a damaged store is reported the same way on every path.
        generation = self._current_reader().path
        return generation, generation.parent.name

    def research_query(self, cypher: str, params: dict[str, Any] | None = None, *,
                       row_limit: int | None = None, timeout_ms: int | None = None) -> QueryResult:
        # A researcher's text never runs in this process: a worker confined by the kernel
        # runs it after the engine's plan and the text checks (graph/store/sandbox_worker.py).
        if "text" in self.query_walls:
            check_query_text(cypher, params, self.allowed_procedures)   # the fast, explained answer
        db, generation = self._published_db()
        with self._lock:
            if self._sandbox is None:
                self._sandbox = self._sandbox_for(self.query_walls)
        try:
            return self._sandbox.run(db, generation, cypher, params or {},
                                     timeout_ms or self.query_timeout_ms,
                                     row_limit if row_limit is not None else self.row_limit)
        except QuerySyntaxError as e:
            hint = embedded_hint(cypher, str(e), self.ontology)
            if not hint:
                raise
            raise QuerySyntaxError(f"{e} — hint: {hint}", e.line, e.column) from None

    def close(self) -> None:
        with self._lock:
            for box in (self._sandbox, self._checker):
                if box is not None:
                    box.close()
            self._sandbox = self._checker = None
            if self._reader is not None:
                self._reader.retire()
                self._reader = None

    # --- reading -------------------------------------------------------------------
    def engine_read_only_check(self, cypher: str, params: dict[str, Any] | None = None) -> None:
        # The engine's parse and plan alone (no text check), in a confined worker: planning
        # binds the query, and binding may touch files (LOAD FROM reads a header).
        db, generation = self._published_db()
        with self._lock:
            if self._checker is None:
                self._checker = self._sandbox_for(self.query_walls - {"text"})
        self._checker.run(db, generation, cypher, params or {}, self.query_timeout_ms, 0, check_only=True)

    # --- loading -------------------------------------------------------------------
    @contextmanager
    def _writing(self) -> Iterator[None]:
        """File-system refusals while preparing or publishing a generation, in one line."""
        try:
            yield
        except OSError as e:
            where = f" ({e.filename})" if e.filename else ""
            raise StoreUnavailable(f"cannot write the store at {self.root}: "
                                   f"{e.strerror or e}{where}") from None

    @contextmanager
    def _load_lock(self) -> Iterator[None]:
        with self._writing():
            self.root.mkdir(parents=True, exist_ok=True)
            fh = open(self.root / "load.lock", "a+")
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "unknown"
                raise LoadInProgress(f"another load into {self.root} is running (pid {holder}); "
                                     "wait for it to finish") from None
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def load(self, source: Dataset | SeedSet, *, batch_size: int = 20_000,
             progress: Progress | None = None) -> LoadReport:
        started = time.perf_counter()
        if "'" in str(self.root):
            raise StoreUnavailable(f"the store path {self.root} may not contain a quote character")
        with self._load_lock():
            try:
                previous = self.current_generation()
            except StoreDamaged:
                previous = None   # this load repairs the store
            name = datetime.now(timezone.utc).strftime("g%Y%m%dT%H%M%S%f") + f"-{os.getpid()}"
            gen_dir = self._generations / name
            with self._writing():
                gen_dir.mkdir(parents=True)
            try:
                by_type = self._write_generation(gen_dir, source, batch_size, progress)
                if not (gen_dir / PROJECTION_DIR).is_dir():   # a large graph's: read by a child
                    if progress:
                        progress("projection", source.estimated_total(), source.estimated_total())
                    (gen_dir / PROJECTION_DIR).mkdir()
                    build_projection_files(self.ontology, gen_dir / DB_FILE, gen_dir / PROJECTION_DIR,
                                           self.buffer_pool_mb)
                with self._writing():
                    self._publish(name)
            except BaseException:
                if self._pointer() != name:   # never remove what CURRENT already names
                    shutil.rmtree(gen_dir, ignore_errors=True)
                raise
            self._prune(keep={name, previous})
        counts = {"actors": len(source.actors), "relations": sum(by_type.values()),
                  "documents": len(source.documents)}
        return LoadReport(str(self.root), counts, by_type, round(time.perf_counter() - started, 3))

    def _write_generation(self, gen_dir: Path, source, batch_size: int,
                          progress: Progress | None) -> dict[str, int]:
        """Schema, then every record through the engine's bulk path: records are validated
        and staged into Parquet files as they stream in, and each table is filled by a
        single COPY, the engine's fast path (COPY into a non-empty table, or UNWIND ...
        CREATE, is many times slower at scale). Large JSON Lines relation files are checked
        and staged by worker processes meanwhile (graph.store.relation_workers)."""
        db = self._database(False, gen_dir / DB_FILE)
        conn = ladybug.Connection(db)
        staging = StagingArea(gen_dir / "staging")
        total = source.estimated_total()
        done = 0

        def staged(stage: str, n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(stage, done, total)

        def copy(table: str, files: list[Path]) -> None:
            if progress:
                progress(f"copy:{table}", done, total)
            listed = "[" + ", ".join(f"'{f}'" for f in files) + "]"
            _run(conn, query_text("copy_from", "embedded", table=table, files=listed), None)

        from_workers = 0

        def staged_by_worker(n: int) -> None:
            nonlocal from_workers
            from_workers += n
            staged("relations", n)

        workers = self._start_relation_workers(source, gen_dir / "staging-relations", staged_by_worker)
        try:
            for stmt in schema_statements(self.ontology):
                _run(conn, stmt, None)
            for i in range(0, len(source.documents), batch_size):
                batch = source.documents[i:i + batch_size]
                staging.add("Document", [document_row(d) for d in batch], DOCUMENT_COLUMNS)
                staged("documents", len(batch))
            for i in range(0, len(source.actors), batch_size):
                batch = source.actors[i:i + batch_size]
                staging.add("Actor", [actor_row(a) for a in batch], ACTOR_COLUMNS)
                staged("actors", len(batch))
            # Node tables first (relations need their ends), while the workers run.
            for table, path in staging.finish():
                copy(table, [path])
            relations = workers.result() if workers else None
            if relations is None:
                done -= from_workers
                relations = self._stage_relations(source, batch_size, staging, staged)
            else:
                source.accept_staged_counts(relations.counts)
            for table in sorted(relations.files):
                copy(table, relations.files[table])

            # The new generation must hold exactly what was validated before anyone reads it.
            expected = {t: n for t, n in relations.counts.items() if n}
            stored = {r[0]: r[1] for r in _run(conn, query_text("stats_relations_by_type", "embedded"),
                                               None).rows}
            actors = _run(conn, query_text("count_actors", "embedded"), None).rows[0][0]
            documents = _run(conn, query_text("stats_documents", "embedded"), None).rows[0][0]
            if stored != expected or actors != len(source.actors) or documents != len(source.documents):
                raise ConflictGraphError(
                    f"load check failed: stored {actors} actors, {documents} documents, {stored}; "
                    f"expected {len(source.actors)}, {len(source.documents)}, {expected}")
            _run(conn, "CHECKPOINT", None)
            if sum(stored.values()) <= self.projection_child_rows:
                # The projection's files, read here while the database is open (small graphs;
                # load() has a child read large ones once this connection is closed).
                (gen_dir / PROJECTION_DIR).mkdir()
                write_tables_from(conn, self.ontology, gen_dir / PROJECTION_DIR)
            return dict(sorted(stored.items()))
        finally:
            if workers:
                workers.cancel()
            staging.close()
            conn.close()
            db.close()

    def _start_relation_workers(self, source, folder: Path, progress) -> "RelationWorkers | None":
        """Workers for the relations when there are enough of them in JSON Lines files."""
        files = source.parallel_relation_files() if isinstance(source, SeedSet) else None
        if (not files or self.load_workers < 2
                or sum(f.stat().st_size for f in files) < self.parallel_load_min_bytes):
            return None
        return RelationWorkers(files, self.ontology, *source.validator.fast_check_inputs(),
                               folder=folder, workers=self.load_workers, progress=progress)

    def _stage_relations(self, source, batch_size: int, staging: StagingArea, staged) -> StagedRelations:
        """The sequential path: every relation through the validator, batch by batch."""
        result = StagedRelations()
        for batch in source.relation_batches(batch_size):
            for type_name, n in stage_relations(staging, batch, self.ontology).items():
                result.counts[type_name] += n
            staged("relations", len(batch))
        for table, path in staging.finish():
            result.files[table].append(path)
        return result

    def _publish(self, name: str) -> None:
        tmp = self.root / "CURRENT.tmp"
        with open(tmp, "w") as fh:
            fh.write(name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._current_file)
        fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _prune(self, keep: set[str | None]) -> None:
        for entry in self._generations.iterdir():
            if entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True)
