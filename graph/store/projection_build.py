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


def write_tables(ontology: Ontology, db_file: str, out: Path, buffer_pool_mb: int) -> None:
    db = ladybug.Database(db_file, read_only=True, buffer_pool_size=buffer_pool_mb * 1024 * 1024)
    conn = ladybug.Connection(db)
    try:
        write_tables_from(conn, ontology, out)
    finally:
        conn.close()
        db.close()


def write_tables_from(conn: ladybug.Connection, ontology: Ontology, out: Path) -> None:
    """The tables, and the projection's arrays computed from them (Projection.save_arrays),
    so that a service process maps all of it and computes nothing."""
    actors, relations = Projection.fetch_tables(ontology, arrow_fetcher(conn))
    relations = relations.combine_chunks()
    projection = Projection(ontology, actors, relations)
    # The actors as the projection ordered them (by id), the relations as they came: the
    # arrays' positions refer to these rows.
    for name, table in (("actors", projection.actors), ("relations", relations)):
        with pa.OSFile(str(out / f"{name}.arrow"), "wb") as sink, \
                pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table.combine_chunks())   # one record batch: mapped columns are contiguous
    projection.save_arrays(out)


def read_tables(out: Path) -> tuple[pa.Table, pa.Table]:
    """The two tables, memory-mapped: pages come from the file as they are used."""
    return tuple(pa.ipc.open_file(pa.memory_map(str(out / f"{name}.arrow"))).read_all()
                 for name in ("actors", "relations"))


def open_projection(ontology: Ontology, out: Path) -> Projection:
    """The projection written in `out`, mapped: tables and, when written too, arrays."""
    return Projection(ontology, *read_tables(out), arrays=Projection.load_arrays(out))


if __name__ == "__main__":
    write_tables(load_ontology(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
