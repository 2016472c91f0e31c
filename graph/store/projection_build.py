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
import numpy as np
import pyarrow as pa

from ..ontology import Ontology, load_ontology
from .ladybug_engine import open_database, out_of_memory
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
        self.db_file, self.pool_mb = Path(db_file), buffer_pool_mb
        self.reopened = 0
        self._open()

    def _open(self) -> None:
        self.db = open_database(self.db_file, True, self.pool_mb)
        self.conn = ladybug.Connection(self.db)
        self._fetch = arrow_fetcher(self.conn)

    def close(self) -> None:
        self.conn.close()
        self.db.close()

    def __call__(self, text: str, params: dict) -> pa.Table:
        try:
            return self._fetch(text, params)
        except RuntimeError as e:
            if not out_of_memory(str(e)):
                raise
        self.close()
        self._open()
        self.reopened += 1
        return self._fetch(text, params)   # still too big: the caller reads it in halves


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
    tables = list(Projection.fetch_tables(ontology, fetch))
    # Handed over, not passed: while this frame held the table too, no column's chunks could
    # be let go as its combined copy was made (the reader at 10M relations: 14.0 GB at the
    # peak, 12.2 GB handed over).
    relations = _one_chunk_each(tables.pop())
    actors = tables.pop()
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
        held = [table.column(name)]
        table = table.drop_columns([name])
        columns.append(_combined(held))
    pa.default_memory_pool().release_unused()   # the freed chunks: back to the system now
    return pa.table(columns, names=names)


def _combined(held: list[pa.ChunkedArray]) -> pa.Array:
    """The column in `held` (taken out of it: this frame is then its only holder) as one array."""
    column = held.pop()
    try:
        return column.combine_chunks()
    except pa.ArrowInvalid:
        # Over 2 GB of text in one column (evidence_json at 10M relations) needs 64-bit
        # offsets: a large_string column, joined a chunk at a time.
        if not pa.types.is_string(column.type):
            raise
        chunks = list(column.chunks)
    del column   # the list is then the chunks' last holder: each goes as it is copied
    return _large_string_of(chunks)


def _offsets(chunk: pa.Array) -> np.ndarray:
    """A string array's 32-bit offsets, its own slice of them (no copy)."""
    return np.frombuffer(chunk.buffers()[1], np.int32, len(chunk) + 1, chunk.offset * 4)


def _large_string_of(chunks: list[pa.Array]) -> pa.Array:
    """One large_string array of string `chunks`, emptying the list as it goes: each chunk's
    bytes are copied into buffers sized for all of them and the chunk let go, so the peak is
    the column and one chunk (casting each chunk, then concatenating, held it twice)."""
    n = sum(len(c) for c in chunks)
    offsets = np.empty(n + 1, np.int64)
    offsets[0] = 0
    data = np.empty(sum(int(o[-1] - o[0]) for o in map(_offsets, chunks)), np.uint8)
    valid = np.ones(n, bool)
    row = at = 0
    while chunks:
        c = chunks.pop(0)
        k, o = len(c), _offsets(c)
        size = int(o[-1] - o[0])
        if size:
            data[at:at + size] = np.frombuffer(c.buffers()[2], np.uint8, size, int(o[0]))
        offsets[row + 1:row + k + 1] = o[1:].astype(np.int64) - int(o[0]) + at
        if c.null_count:
            valid[row:row + k] = c.is_valid().to_numpy(zero_copy_only=False)
        at += size
        row += k
        del c
    nulls = None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(pa.large_string(), n, [nulls, pa.py_buffer(offsets), pa.py_buffer(data)],
                                 null_count=int(n - valid.sum()))


def read_tables(out: Path) -> tuple[pa.Table, pa.Table]:
    """The two tables, memory-mapped: pages come from the file as they are used."""
    return tuple(pa.ipc.open_file(pa.memory_map(str(out / f"{name}.arrow"))).read_all()
                 for name in ("actors", "relations"))


def open_projection(ontology: Ontology, out: Path) -> Projection:
    """The projection written in `out`, mapped: tables and, when written too, arrays."""
    return Projection(ontology, *read_tables(out), arrays=Projection.load_arrays(out))


if __name__ == "__main__":
    write_tables(load_ontology(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
