"""The embedded store's bulk loader: one new generation's database, written whole.

Records are validated and staged into Parquet files as they stream in, and each table is
filled by a single COPY, the engine's fast path (COPY into a non-empty table, or UNWIND ...
CREATE, is many times slower at scale). Large JSON Lines relation files are checked and
staged by worker processes meanwhile (graph/store/relation_workers.py). The loader checks
what the database holds against what was validated, checkpoints once, and writes the
projection's Arrow files beside the database.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ladybug

from ..children import run_child
from ..cypher import query_text
from ..dataset import SeedSet
from ..errors import ConflictGraphError, LoadFailed, StoreUnavailable
from ..ontology import PARTICIPATION, Ontology
from ..records import (DOCUMENT_COLUMNS, EVENT_COLUMNS, PARTICIPATION_COLUMNS, STORED_ACTOR_COLUMNS, actor_stored_row,
                       document_row, event_row, participation_rows)
from .base import Progress
from .embedded_schema import StagingArea, schema_statements, stage_relations
from .generations import DB_FILE, PROJECTION_DIR
from .ladybug_engine import machine_memory_mb, open_database, out_of_memory, run
from .loading import check_stored, stored_counts
from .projection_build import write_tables_from
from .relation_workers import RelationWorkers, StagedRelations

PROJECTION_POOL_MB = 512   # the projection child's pool (it reads every page once)
PROJECTION_CHILD_ROWS = 100_000   # above this many relations, a child reads the projection's tables
PARALLEL_LOAD_MIN_BYTES = 16 << 20  # ~40k relations: below that, starting workers costs more than it saves


def build_projection_files(ontology: Ontology, db: Path, out: Path, buffer_pool_mb: int) -> None:
    """The projection's tables as Arrow files in `out`, read by a child process (its memory
    is gone when it exits; see graph/store/projection_build.py)."""
    code, tail = run_child("conflictgraph.graph.store.projection_build",
                           [str(ontology.source_file), str(db), str(out), str(min(buffer_pool_mb, PROJECTION_POOL_MB))])
    if code != 0:
        raise StoreUnavailable(f"could not read {db} for the projection (exit status {code}): {tail}")


@dataclass
class BulkLoader:
    ontology: Ontology
    buffer_pool_mb: int
    load_workers: int = 1
    parallel_load_min_bytes: int = PARALLEL_LOAD_MIN_BYTES
    projection_child_rows: int = PROJECTION_CHILD_ROWS

    def write(self, gen_dir: Path, source, batch_size: int, progress: Progress | None) -> dict[str, int]:
        """Schema, then every record through the engine's bulk path: records are validated
        and staged into Parquet files as they stream in, and each table is filled by a
        single COPY, the engine's fast path (COPY into a non-empty table, or UNWIND ...
        CREATE, is many times slower at scale). Large JSON Lines relation files are checked
        and staged by worker processes meanwhile (graph.store.relation_workers)."""
        db = open_database(gen_dir / DB_FILE, False, self.buffer_pool_mb)
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
            try:
                run(conn, query_text("copy_from", "embedded", table=table, files=listed), None)
            except ConflictGraphError as e:
                if not out_of_memory(str(e.__cause__ or e)):
                    raise
                raise LoadFailed(f"copying the {table} table ({sum(f.stat().st_size for f in files) >> 20} MB of "
                                 f"staged Parquet) needs more memory than the load's buffer pool of "
                                 f"{self.buffer_pool_mb} MB: set CONFLICTGRAPH_LOAD_BUFFER_POOL_MB higher "
                                 f"(this machine has {machine_memory_mb()} MB)") from e

        from_workers = 0

        def staged_by_worker(n: int) -> None:
            nonlocal from_workers
            from_workers += n
            staged("relations", n)

        workers = self._start_relation_workers(source, gen_dir / "staging-relations", staged_by_worker)
        try:
            for stmt in schema_statements(self.ontology):
                run(conn, stmt, None)
            for i in range(0, len(source.documents), batch_size):
                batch = source.documents[i:i + batch_size]
                staging.add("Document", [document_row(d) for d in batch], DOCUMENT_COLUMNS)
                staged("documents", len(batch))
            for i in range(0, len(source.actors), batch_size):
                batch = source.actors[i:i + batch_size]
                staging.add("Actor", [actor_stored_row(a) for a in batch], STORED_ACTOR_COLUMNS)
                staged("actors", len(batch))
            for i in range(0, len(source.events), batch_size):
                batch = source.events[i:i + batch_size]
                staging.add("Event", [event_row(e) for e in batch], EVENT_COLUMNS)
                staged("events", len(batch))
            # Node tables first (relations need their ends), while the workers run.
            for table, path in staging.finish():
                copy(table, [path])
            for i in range(0, len(source.events), batch_size):
                staging.add(PARTICIPATION, [p for e in source.events[i:i + batch_size] for p in participation_rows(e)],
                            PARTICIPATION_COLUMNS)
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
            stored = check_stored(source, relations.counts,
                                  stored_counts(lambda text: run(conn, text, None).rows, "embedded"))
            run(conn, "CHECKPOINT", None)
            if sum(stored.values()) <= self.projection_child_rows:
                # The projection's files, read here while the database is open (small graphs;
                # load() has a child read large ones once this connection is closed).
                (gen_dir / PROJECTION_DIR).mkdir()
                write_tables_from(conn, self.ontology, gen_dir / PROJECTION_DIR)
            return stored
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
