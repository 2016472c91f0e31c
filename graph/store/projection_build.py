"""Read one generation's tables for its projection in a process of its own.

    python -m conflictgraph.graph.store.projection_build ONTOLOGY_FILE DB_FILE OUT_DIR BUFFER_POOL_MB

Writes OUT_DIR/actors.arrow, a file per relation column in OUT_DIR/relations/ (Arrow IPC
files) and the projection's arrays (.npy). Reading a
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
from .projection import ARRAY_SOURCES, Projection


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


RELATION_COLUMNS = "relations"   # in OUT_DIR: a file per relation column (see ColumnSpill)


def write_tables_with(fetch, ontology: Ontology, out: Path) -> None:
    """The tables, and the projection's arrays computed from them (Projection.save_arrays),
    so that a service process maps all of it and computes nothing. The relations are
    written a part at a time as they are read (ColumnSpill), and only the columns the
    arrays are computed from are held: at 10M relations the reader held every relation's
    texts at once (8.2 GB of Arrow, 12 GB at its peak)."""
    actors = Projection.fetch_actors(ontology, fetch)
    spill = ColumnSpill(out / RELATION_COLUMNS)
    kept = []
    for part in Projection.relation_parts(ontology, fetch):
        spill.add(part)
        # Copied, not selected: a selected column kept the engine's whole result alive (the
        # reader grew to 6.4 GB over 10M relations' reads while holding ~1 GB of columns).
        kept.append(pa.table([part[c].combine_chunks() for c in ARRAY_SOURCES], names=list(ARRAY_SOURCES)))
        del part
    projection = Projection(ontology, actors, _one_chunk_each(kept))
    # The actors as the projection ordered them (by id), the relations as they came: the
    # arrays' positions refer to these rows.
    _write_file(out / "actors.arrow", projection.actors.combine_chunks())   # one batch: contiguous columns
    projection.save_arrays(out)
    del projection
    pa.default_memory_pool().release_unused()
    spill.finish()


def _one_chunk_each(parts: list[pa.Table]) -> pa.Table:
    """The parts put together (emptying the list), each column in one chunk: joined a column
    at a time, its pieces let go as it is (combining the whole table at once held it twice:
    at 10M relations, 1.2 GB more at the reader's peak)."""
    table = pa.concat_tables(parts, promote_options="default")
    parts.clear()
    names, columns = table.column_names, []
    for name in names:
        chunks = list(table.column(name).chunks)
        table = table.drop_columns([name])   # the list is then the pieces' last holder
        columns.append(_joined(chunks))
    pa.default_memory_pool().release_unused()
    return pa.table(columns, names=names)


def _write_file(path: Path, table: pa.Table) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


class ColumnSpill:
    """Relation parts (tables of one type each, so of different columns) kept a column at a
    time on disk as they come, then each column joined into one array and written alone as
    `NNNN.arrow` in `folder`: a service maps every column whole (one chunk, so a take reads
    it in place) while the reader held one column at a time, not every relation's texts.
    The columns are those of the parts put together (pa.concat_tables with the default
    promotion): in order of first appearance, null where a part has no such column."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.spill = folder / "parts"
        self.spill.mkdir(parents=True)
        self.names: list[str] = []
        self.types: dict[str, pa.DataType] = {}
        self.writers: dict[str, tuple[pa.NativeFile, pa.ipc.RecordBatchStreamWriter]] = {}
        self.parts: list[tuple[int, set[str]]] = []   # each part's rows, and the columns written for it

    def _file(self, i: int) -> Path:
        return self.spill / f"{i:04d}.arrows"

    def add(self, part: pa.Table) -> None:
        written: set[str] = set()
        for name in part.column_names:
            if name not in self.types:
                self.names.append(name)
                self.types[name] = pa.null()
            column = part[name]
            if pa.types.is_null(self.types[name]):
                self.types[name] = column.type   # the first type other than null (as concat_tables)
            if part.num_rows == 0 or pa.types.is_null(column.type):
                continue   # no values: nulls of the column's type when it is joined (and an
                # empty batch would not be written at all)
            if name not in self.writers:
                sink = pa.OSFile(str(self._file(self.names.index(name))), "wb")
                self.writers[name] = (sink, pa.ipc.new_stream(sink, pa.schema([(name, self.types[name])])))
            if column.type != self.types[name]:
                column = column.cast(self.types[name])
            # One batch per part and column, so the join reads them back part by part.
            self.writers[name][1].write_batch(pa.record_batch([column.combine_chunks()], names=[name]))
            written.add(name)
        self.parts.append((part.num_rows, written))

    def finish(self) -> None:
        for sink, writer in self.writers.values():
            writer.close()
            sink.close()
        for i, name in enumerate(self.names):
            column_type = self.types[name]
            chunks: list[pa.Array] = []
            if name in self.writers:
                with pa.OSFile(str(self._file(i))) as source:
                    batches = pa.ipc.open_stream(source)
                    for rows, written in self.parts:
                        if name in written:
                            chunks.append(batches.read_next_batch().column(0))
                        else:
                            chunks.append(pa.nulls(rows, column_type))
                self._file(i).unlink()
            else:
                chunks = [pa.nulls(sum(rows for rows, _ in self.parts), column_type)]
            _write_file(self.folder / f"{i:04d}.arrow", pa.table([_joined(chunks)], names=[name]))
            del chunks
            pa.default_memory_pool().release_unused()   # the column's pieces: back to the system now
        self.spill.rmdir()


def _joined(chunks: list[pa.Array]) -> pa.Array:
    """The chunks (emptying the list) as one array; text a chunk at a time (_string_of)."""
    if chunks and pa.types.is_string(chunks[0].type):
        return _string_of(chunks)
    joined = pa.concat_arrays(chunks) if chunks else pa.array([])
    chunks.clear()
    return joined


RELEASE_EVERY = 256 << 20   # bytes of text copied between returns of freed memory


def _offsets(chunk: pa.Array) -> np.ndarray:
    """A string array's 32-bit offsets, its own slice of them (no copy)."""
    return np.frombuffer(chunk.buffers()[1], np.int32, len(chunk) + 1, chunk.offset * 4)


def _string_of(chunks: list[pa.Array], limit: int = np.iinfo(np.int32).max) -> pa.Array:
    """One array of string `chunks`, emptying the list as it goes: each chunk's bytes are
    copied into buffers sized for all of them and the chunk let go, so the peak is the column
    and one chunk (concatenating held it twice). More than `limit` bytes of text (over 2 GB:
    evidence_json at 10M relations) needs 64-bit offsets: then a large_string array."""
    n = sum(len(c) for c in chunks)
    size = sum(int(o[-1] - o[0]) for o in map(_offsets, chunks))
    large = size > limit
    offsets = np.empty(n + 1, np.int64 if large else np.int32)
    offsets[0] = 0
    data = np.empty(size, np.uint8)
    valid = np.ones(n, bool)
    row = at = released = 0
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
        if at - released > RELEASE_EVERY:   # the copied chunks' memory: back to the system as
            pa.default_memory_pool().release_unused()   # it goes (the pool keeps it otherwise)
            released = at
    nulls = None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(pa.large_string() if large else pa.string(), n,
                                 [nulls, pa.py_buffer(offsets), pa.py_buffer(data)],
                                 null_count=int(n - valid.sum()))


def _mapped(path: Path) -> pa.Table:
    return pa.ipc.open_file(pa.memory_map(str(path))).read_all()


def written(out: Path) -> bool:
    """Whether `out` holds a projection's tables, whole: the relation columns are the last
    written, and their spill folder goes when the last is (ColumnSpill.finish)."""
    columns = out / RELATION_COLUMNS
    return (out / "actors.arrow").is_file() and (
        (columns.is_dir() and not (columns / "parts").exists()) or (out / "relations.arrow").is_file())


def read_tables(out: Path) -> tuple[pa.Table, pa.Table]:
    """The two tables, memory-mapped: pages come from the file as they are used. Relations
    from their column files (ColumnSpill), or from one file (written before them)."""
    if not (out / RELATION_COLUMNS).is_dir():
        return _mapped(out / "actors.arrow"), _mapped(out / "relations.arrow")
    columns = [_mapped(f) for f in sorted((out / RELATION_COLUMNS).glob("*.arrow"))]
    return _mapped(out / "actors.arrow"), pa.table([c.column(0) for c in columns],
                                                   names=[c.column_names[0] for c in columns])


def open_projection(ontology: Ontology, out: Path) -> Projection:
    """The projection written in `out`, mapped: tables and, when written too, arrays."""
    return Projection(ontology, *read_tables(out), arrays=Projection.load_arrays(out))


if __name__ == "__main__":
    write_tables(load_ontology(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
