"""Read one generation's tables for its projection in a process of its own.

    python -m conflictgraph.graph.store.projection_build ONTOLOGY_FILE DB_FILE OUT_DIR BUFFER_POOL_MB

Writes OUT_DIR/actors.arrow and OUT_DIR/relations.arrow (Arrow IPC files) and the
projection's arrays (.npy). Reading a
million relations holds the engine's buffer pool and the fetched results at once (1.2 GB
measured at 1M relations); in a child process that memory is gone when it exits, and the
service maps the files instead of holding a second copy.
"""
from __future__ import annotations

import sys
from pathlib import Path

import ladybug
import pyarrow as pa

from ..ontology import Ontology, load_ontology
from .ladybug_engine import out_of_memory
from .projection import Projection


def arrow_fetcher(conn: ladybug.Connection):
    """(Cypher text, parameters) -> the whole result as an Arrow table (the result closed at once)."""
    def fetch(text: str, params: dict) -> pa.Table:
        result = conn.execute(text, params)
        try:
            return result.get_as_arrow()
        finally:
            result.close()
    return fetch


class ReopeningFetcher:
    """arrow_fetcher on a database of its own, opened again when the engine says its buffer
    pool is full: reading 10M relations a range at a time, the engine's 512 MB pool filled
    after a few hundred reads and refused every later one, however small (pages it no longer
    needed were not freed); a fresh database read the same range at once."""

    def __init__(self, db_file: str, buffer_pool_mb: int):
        self.db_file, self.pool = db_file, buffer_pool_mb * 1024 * 1024
        self.reopened = 0
        self._open()

    def _open(self) -> None:
        self.db = ladybug.Database(self.db_file, read_only=True, buffer_pool_size=self.pool)
        self.conn = ladybug.Connection(self.db)

    def close(self) -> None:
        self.conn.close()
        self.db.close()

    def __call__(self, text: str, params: dict) -> pa.Table:
        try:
            return arrow_fetcher(self.conn)(text, params)
        except RuntimeError as e:
            if not out_of_memory(str(e)):
                raise
        self.close()
        self._open()
        self.reopened += 1
        return arrow_fetcher(self.conn)(text, params)   # still too big: the caller reads it in halves


def write_tables(ontology: Ontology, db_file: str, out: Path, buffer_pool_mb: int) -> None:
    fetch = ReopeningFetcher(db_file, buffer_pool_mb)
    try:
        write_tables_with(fetch, ontology, out)
    finally:
        fetch.close()


def write_tables_from(conn: ladybug.Connection, ontology: Ontology, out: Path) -> None:
    """write_tables_with on an open connection (the loader's, for a small graph)."""
    write_tables_with(arrow_fetcher(conn), ontology, out)


def write_tables_with(fetch, ontology: Ontology, out: Path) -> None:
    """The tables, and the projection's arrays computed from them (Projection.save_arrays),
    so that a service process maps all of it and computes nothing."""
    actors, relations = Projection.fetch_tables(ontology, fetch)
    relations = _one_chunk_each(relations)
    projection = Projection(ontology, actors, relations)
    # The actors as the projection ordered them (by id), the relations as they came: the
    # arrays' positions refer to these rows.
    for name, table in (("actors", projection.actors), ("relations", relations)):
        with pa.OSFile(str(out / f"{name}.arrow"), "wb") as sink, \
                pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table.combine_chunks())   # one record batch: mapped columns are contiguous
    projection.save_arrays(out)


def _one_chunk_each(table: pa.Table) -> pa.Table:
    """`table` with each column in one chunk, combined a column at a time and its pieces let
    go at once: combining the whole table at once held two copies of it (5.9 GB each at 10M
    relations)."""
    names, columns = table.column_names, []
    for name in names:
        column = table.column(name)
        table = table.drop_columns([name])
        try:
            columns.append(column.combine_chunks())
        except pa.ArrowInvalid:
            # Over 2 GB of text in one column (evidence_json at 10M relations) needs 64-bit
            # offsets: cast a chunk at a time, each original let go as its copy is made.
            if not pa.types.is_string(column.type):
                raise
            chunks, large = list(column.chunks), []
            del column
            while chunks:
                large.append(chunks.pop(0).cast(pa.large_string()))
            columns.append(pa.concat_arrays(large))
            del large
        column = None
    return pa.table(columns, names=names)


def read_tables(out: Path) -> tuple[pa.Table, pa.Table]:
    """The two tables, memory-mapped: pages come from the file as they are used."""
    return tuple(pa.ipc.open_file(pa.memory_map(str(out / f"{name}.arrow"))).read_all()
                 for name in ("actors", "relations"))


def open_projection(ontology: Ontology, out: Path) -> Projection:
    """The projection written in `out`, mapped: tables and, when written too, arrays."""
    return Projection(ontology, *read_tables(out), arrays=Projection.load_arrays(out))


if __name__ == "__main__":
    write_tables(load_ontology(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
