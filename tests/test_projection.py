"""The embedded store's in-memory projection answers every graph question exactly as the
Cypher the other stores run: the same questions, asked both ways of one generation of a
synthetic graph shaped like real data (hubs, blocs, partial dates), must agree."""
from __future__ import annotations

import contextlib
import random

import numpy as np
import pytest

from conflictgraph.graph.dataset import read_dataset
from conflictgraph.graph.export import FORMATS
from conflictgraph.graph.dates import PartialDate
from conflictgraph.graph.errors import BadRequest, NotFound
from conflictgraph.graph.service import MAX_PATHS, GraphService, RelationFilter
from conflictgraph.graph.store.embedded import EmbeddedStore
from conflictgraph.graph.store.projection import ARRAYS, NEIGHBOURS
from conflictgraph.graph.synth import generate

N_QUESTIONS = 40


@pytest.fixture(scope="module")
def both(tmp_path_factory, ontology):
    folder = tmp_path_factory.mktemp("projection")
    generate(600, 4000, seed=11, out=folder / "seeds", ontology=ontology)
    projected = EmbeddedStore(folder / "graph", ontology, buffer_pool_mb=256, projection=True)
    projected.load(read_dataset(folder / "seeds"))
    cypher = EmbeddedStore(folder / "graph", ontology, buffer_pool_mb=256, projection=False)
    yield GraphService(projected), GraphService(cypher)
    projected.close()
    cypher.close()


@pytest.fixture(scope="module")
def actor_ids(both):
    return [row[0] for row in both[1].store.query("MATCH (a:Actor) RETURN a.id ORDER BY a.id").rows]


@pytest.fixture(scope="module")
def edge_days(both) -> list[str]:
    """The first day of every start and the last day of every end: the days where an
    off-by-one in a date filter shows."""
    rows = both[1].store.query("MATCH ()-[r]->() RETURN r.start_date, r.end_date").rows
    return sorted({PartialDate.parse(s).earliest().isoformat() for s, _ in rows if s} |
                  {PartialDate.parse(e).latest().isoformat() for _, e in rows if e})


def day(rnd: random.Random, edge_days: list[str]) -> str:
    return rnd.choice(edge_days) if rnd.random() < 0.7 else \
        f"{rnd.randint(1995, 2024)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"


def filters(rnd: random.Random, ontology, edge_days: list[str]) -> RelationFilter:
    """A random combination of the API's relation filters (often none of them)."""
    types = list(ontology.relation_types)
    f = RelationFilter()
    if rnd.random() < 0.4:
        f.types = rnd.sample(types, rnd.randint(1, 4))
    if rnd.random() < 0.3:
        f.as_of = day(rnd, edge_days)
    if rnd.random() < 0.2:
        f.since = PartialDate.parse(rnd.choice([day(rnd, edge_days), str(rnd.randint(1995, 2024))]))
    if rnd.random() < 0.2:
        f.until = PartialDate.parse(rnd.choice([day(rnd, edge_days), f"{rnd.randint(1995, 2024)}-06"]))
    if rnd.random() < 0.2:
        f.min_confidence = rnd.choice(ontology.confidence_levels)
    if rnd.random() < 0.2:
        f.statuses = rnd.sample(list(ontology.statuses), 2)
    return f


def test_the_projection_is_really_used(both):
    projected, cypher = both
    with projected.store.reading() as r:
        assert r.projection is not None and r.projection.n_actors == 600
    with cypher.store.reading() as r:
        assert r.projection is None


def test_actors_and_degrees_agree(both, actor_ids):
    rnd = random.Random(1)
    for a in rnd.sample(actor_ids, N_QUESTIONS):
        assert both[0].actor(a) == both[1].actor(a)
    for svc in both:
        with pytest.raises(NotFound):
            svc.actor("no-such-actor")


def test_one_actors_relations_agree(both, actor_ids, ontology, edge_days):
    rnd = random.Random(2)
    # The busiest actors too: their pages are where ordering and totals go wrong.
    busiest = sorted(actor_ids, key=lambda a: -both[0].actor(a)["total_degree"])[:5]
    for a in busiest + rnd.sample(actor_ids, N_QUESTIONS):
        direction = rnd.choice(["out", "in", "both"])
        f = filters(rnd, ontology, edge_days)
        limit, offset = rnd.choice([(100, 0), (7, 0), (5, 10), (50, 3)])
        got = both[0].actor_relations(a, direction, f, limit, offset)
        want = both[1].actor_relations(a, direction, f, limit, offset)
        assert got == want, (a, direction, f)
    for svc in both:
        with pytest.raises(NotFound):
            svc.actor_relations("no-such-actor", "both", RelationFilter())


def test_filtered_relation_lists_agree(both, actor_ids, ontology, edge_days):
    rnd = random.Random(3)
    for _ in range(N_QUESTIONS):
        f = filters(rnd, ontology, edge_days)
        anchor = rnd.choice(["", "source", "target", "either"])
        if anchor:
            setattr(f, anchor, rnd.choice(actor_ids + ["no-such-actor"]))
        limit, offset = rnd.choice([(100, 0), (20, 40), (10, 3990)])
        assert both[0].relations(f, limit, offset) == both[1].relations(f, limit, offset), f
    for svc in both:
        with pytest.raises(BadRequest):
            svc.relations(RelationFilter(types=["NOT_A_TYPE"]))


def test_subgraphs_agree(both, actor_ids, ontology, edge_days):
    rnd = random.Random(4)
    for _ in range(N_QUESTIONS // 2):
        seeds = rnd.sample(actor_ids, rnd.choice([1, 1, 2, 3]))
        depth = rnd.choice([1, 1, 2])
        f = filters(rnd, ontology, edge_days) if rnd.random() < 0.5 else None
        got, want = both[0].subgraph(seeds, depth, f), both[1].subgraph(seeds, depth, f)
        assert got == want, (seeds, depth, f)
        assert got["nodes"][0]["distance"] == 0


def test_a_subgraph_larger_than_the_row_limit_is_answered_whole(both, ontology):
    # The Cypher reader's queries ran under the researchers' row limit: a neighbourhood of
    # more rows than that came back cut (on Neo4j at 1M relations: a KeyError, a 500).
    few = EmbeddedStore(both[1].store.root, ontology, buffer_pool_mb=256, projection=False, row_limit=50)
    try:
        hub = max(both[0].whole_graph()["nodes"], key=lambda a: both[0].actor(a["id"])["total_degree"])["id"]
        want = both[0].subgraph([hub], 2)
        assert len(want["nodes"]) > 50 and len(want["edges"]) > 50
        assert GraphService(few).subgraph([hub], 2) == want
    finally:
        few.close()


def test_shortest_paths_agree(both, actor_ids, ontology, edge_days):
    rnd = random.Random(5)
    seen_lengths = set()
    for _ in range(N_QUESTIONS):
        a, b = rnd.sample(actor_ids, 2)
        max_hops = rnd.choice([1, 2, 3, 4])
        types = rnd.sample(list(ontology.relation_types), 3) if rnd.random() < 0.3 else None
        as_of = day(rnd, edge_days) if rnd.random() < 0.3 else ""
        limit = rnd.choice([25, 3])
        got = both[0].paths(a, b, max_hops, types, as_of, limit)
        want = both[1].paths(a, b, max_hops, types, as_of, MAX_PATHS)
        if len(want) < MAX_PATHS:
            # Cypher found every shortest path: the projection keeps the first `limit`.
            assert got == want[:limit], (a, b, max_hops, types, as_of)
        else:
            assert got and {p["length"] for p in got} == {want[0]["length"]}
        seen_lengths.update(p["length"] for p in got)
    assert len(seen_lengths) >= 2, "the sample should meet paths of several lengths"


def test_whole_graph_agrees(both):
    got, want = both[0].whole_graph(), both[1].whole_graph()
    assert got == want
    assert len(got["edges"]) == 4000


def test_date_filters_agree_on_their_boundary_days(both, edge_days):
    # Each day is some relation's first or last day: a bound compared with < instead of <=
    # changes the count.
    rnd = random.Random(6)
    for d in rnd.sample(edge_days, N_QUESTIONS):
        for f in (RelationFilter(as_of=d), RelationFilter(since=PartialDate.parse(d)),
                  RelationFilter(until=PartialDate.parse(d)), RelationFilter(until=PartialDate.parse(d[:7]))):
            assert both[0].relations(f, 5, 0) == both[1].relations(f, 5, 0), f


@pytest.mark.parametrize("flt", [None, RelationFilter(types=["BACKS", "FIGHTS"]), RelationFilter(as_of="2010-06-30")],
                         ids=["all", "types", "as_of"])
def test_whole_graph_exports_agree(both, ontology, flt):
    # The projection builds the export tables column by column; the Cypher path builds them
    # from the relation dicts. Both end in export.tables.conform: the same columns, in the
    # same order and types, with the same values, so every format writes the same bytes.
    got, want = both[0].whole_graph_tables(flt), both[1].whole_graph_tables(flt)
    for g, w in zip(got, want):
        assert g.schema == w.schema and g.equals(w)
    streamed = [name for name, f in FORMATS.items() if f.stream_tables is not None]
    assert {"gexf", "graphml"} <= set(streamed)
    for name in streamed:
        write = FORMATS[name].stream_tables
        assert b"".join(write(*got, ontology)) == b"".join(write(*want, ontology)), name
    gexf = b"".join(FORMATS["gexf"].stream_tables(*got, ontology))
    assert gexf.count(b"<edge ") == len(both[1].whole_graph(flt)["edges"])


def test_a_running_service_moves_to_the_projection_of_a_new_load(tmp_path, ontology):
    from conflictgraph.graph.synth import dataset as synthetic_dataset
    service_store = EmbeddedStore(tmp_path / "graph", ontology, buffer_pool_mb=128)
    loader = EmbeddedStore(tmp_path / "graph", ontology, buffer_pool_mb=128)
    try:
        one = synthetic_dataset(20, 60, tag="one")
        loader.load(one)
        service_store.warm_up()
        svc = GraphService(service_store)
        assert svc.relations(RelationFilter(), 5)[1] == 60
        two = synthetic_dataset(30, 90, tag="two")
        loader.load(two)
        # The next read sees the new generation, answered from the new generation's projection.
        assert svc.relations(RelationFilter(), 5)[1] == 90
        new_actor = two.actors[0].id
        assert new_actor.startswith("two-") and svc.actor(new_actor)["id"] == new_actor
        with pytest.raises(NotFound):
            svc.actor(one.actors[0].id)
        with service_store.reading() as r:
            assert r.projection.n_actors == 30
    finally:
        service_store.close()
        loader.close()


def test_the_projection_read_by_a_child_process_is_the_same(both, ontology):
    # Large generations are read by a child process (its engine memory goes with it) and
    # memory-mapped back: the projection must be the same either way.
    child = EmbeddedStore(both[0].store.root, ontology, buffer_pool_mb=128)
    child.projection_child_rows = 0
    try:
        with both[0].store.reading() as r, child.reading() as c:
            a, b = r.projection, c.projection
            assert a is not b
            # The child's arrays are mapped from its files (every worker shares their pages).
            assert all(isinstance(getattr(b, name), np.memmap) for name in (*ARRAYS, *NEIGHBOURS))
            assert a.ids_of(range(a.n_actors)) == b.ids_of(range(b.n_actors))
            for name in ("src", "dst", "type", "confidence", "status", "start", "end", "out_edges", "in_edges",
                         *NEIGHBOURS):
                assert (getattr(a, name) == getattr(b, name)).all(), name
            assert a.rows.take(a.physical).equals(b.rows.take(b.physical))
        assert GraphService(child).whole_graph() == both[1].whole_graph()
    finally:
        child.close()


def _heap_mb() -> int:
    """The size of this process's brk heap (address space, touched or not)."""
    for line in open("/proc/self/maps"):
        if line.rstrip().endswith("[heap]"):
            lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
            return (hi - lo) >> 20
    return 0


@contextlib.contextmanager
def _fetcher(store):
    """The store's current generation opened read-only on its own: Projection's `fetch`."""
    import ladybug

    from conflictgraph.graph.store.generations import DB_FILE
    from conflictgraph.graph.store.projection_build import arrow_fetcher

    db = ladybug.Database(str(store.root / "generations" / store.current_generation() / DB_FILE), read_only=True,
                          buffer_pool_size=128 << 20)
    conn = ladybug.Connection(db)
    try:
        yield arrow_fetcher(conn)
    finally:
        conn.close()
        db.close()


def test_relations_read_by_ranges_of_source_actors_are_every_relation_once(both, ontology):
    # The projection reads actors, and relations by their source actor, a range of node
    # offsets at a time (the engine holds a whole result in its buffer pool); ranges of 7
    # actors must give exactly what one read of all gives, none twice, whatever they cut.
    from conflictgraph.graph.store.projection import Projection

    with _fetcher(both[0].store) as fetch:
        whole_actors, whole = Projection.fetch_tables(ontology, fetch, actors_per_read=10**9)
        heap = _heap_mb()
        ranged_actors, ranged = Projection.fetch_tables(ontology, fetch, actors_per_read=7)
        # 1,636 reads: with glibc's own mmap threshold they left 120 GB of heap address space
        # (committed memory), and the process could no longer fork (ladybug_engine.py).
        assert _heap_mb() - heap < 4096
    assert ranged_actors.sort_by([("id", "ascending")]).equals(whole_actors.sort_by([("id", "ascending")]))
    assert ranged_actors.num_rows == 600
    assert ranged.num_rows == whole.num_rows == 4000
    order = [("id", "ascending")]
    assert ranged.sort_by(order).equals(whole.sort_by(order))


def test_a_range_the_engine_cannot_hold_is_read_in_halves():
    # At 10M relations a range of source actors can hold more than the reader's buffer pool:
    # the engine refuses it, and the projection reads the range in halves instead.
    import pyarrow as pa

    from conflictgraph.graph.store.projection import _read_in_ranges

    asked = []

    def fetch(text, r):
        asked.append((r["from"], r["below"]))
        if r["below"] - r["from"] > 3:
            raise RuntimeError("Buffer manager exception: Unable to allocate memory! The buffer pool is full")
        return pa.table({"offset": list(range(r["from"], r["below"]))})

    got = pa.concat_tables(_read_in_ranges(fetch, "text", [{"from": 0, "below": 10}, {"from": 10, "below": 13}]))
    assert got["offset"].to_pylist() == list(range(13))          # every node once, in order
    assert (0, 10) in asked and (10, 13) in asked and max(b - a for a, b in asked) == 10

    def broken(text, r):
        raise RuntimeError("Binder exception: no such property")
    with pytest.raises(RuntimeError, match="Binder"):
        list(_read_in_ranges(broken, "text", [{"from": 0, "below": 10}]))


def test_text_chunks_joined_into_one_column_keep_every_value():
    # The reader joins each text column's chunks into one array (projection_build._string_of),
    # copying chunk by chunk; past 2 GB of text (evidence_json at 10M relations) the column
    # is large_string (the limit made 0 here to take that path). Slices, nulls, empty texts
    # and non-ASCII text must survive either way.
    import pyarrow as pa

    from conflictgraph.graph.store.projection_build import _string_of

    chunks = [pa.array(["a", "bc", None, "déf"]), pa.array(["x", "y", "z"]).slice(1),
              pa.array([], pa.string()), pa.array([None, "", "زز"]), pa.array(list("qrstu")).slice(2, 2)]
    values = ["a", "bc", None, "déf", "y", "z", None, "", "زز", "s", "t"]
    for limit, kind in ((0, pa.large_string()), (2**31 - 1, pa.string())):
        joined = _string_of(list(chunks), limit)
        joined.validate(full=True)
        assert joined.type == kind
        assert joined.to_pylist() == values
        assert joined.equals(pa.concat_arrays([c.cast(kind) for c in chunks]))
    assert _string_of([pa.array(["no", "nulls"])]).null_count == 0


def test_a_projection_written_before_its_derived_columns_exports_the_same(both, ontology):
    # A generation's projection files from an earlier release lack the columns derived for
    # the exports (evidence summaries, evidence item counts): the exports derive them then,
    # and the same tables come out. No relation answer carries a derived column either way.
    from conflictgraph.graph.store.projection import DERIVED, Projection

    with _fetcher(both[0].store) as fetch:
        actors, relations = Projection.fetch_tables(ontology, fetch)
    assert set(DERIVED) <= set(relations.column_names)
    now = Projection(ontology, actors, relations)
    before = Projection(ontology, actors, relations.drop_columns(list(DERIVED)))
    everything = RelationFilter().params(ontology)
    for got, want in zip(before.export_tables(everything), now.export_tables(everything)):
        assert got.equals(want)
    counts = dict(zip(got["id"].to_pylist(), got["evidence_count"].to_pylist()))
    assert counts == {rel["id"]: len(rel["evidence"]) for rel in both[1].whole_graph()["edges"]}
    some = np.arange(0, now.type.size, 7)
    assert now.relation_dicts(some) == before.relation_dicts(some)
    assert not set(DERIVED) & {k for rel in now.relation_dicts(some) for k in rel}


def test_relation_parts_kept_a_column_at_a_time_read_back_as_put_together(tmp_path):
    # The reader writes each read part's columns to spill files as they come and joins each
    # column alone (projection_build.ColumnSpill): read back, the columns must be the parts
    # put together as pa.concat_tables does it (a column a part lacks, or has only as nulls
    # of no type, is null there; columns in order of first appearance), each in one chunk,
    # and the folder counts as written only once the last column is.
    import pyarrow as pa

    from conflictgraph.graph.store.projection_build import (RELATION_COLUMNS, ColumnSpill, _write_file,
                                                            read_tables, written)

    parts = [pa.table({"id": ["r1", "r2"], "text": ["é", None], "n": pa.array([1, 2], pa.int8())}),
             pa.table({"id": pa.array([], pa.string()), "text": pa.array([], pa.string()),
                       "extra": pa.array([], pa.list_(pa.string()))}),
             pa.table({"id": ["r3"], "text": pa.nulls(1), "n": pa.array([3], pa.int8()),
                       "extra": pa.array([["a", "b"]], pa.list_(pa.string()))}),
             pa.table({"id": ["r4", "r5"], "text": ["", "زز"], "late": [True, None]})]
    out = tmp_path / "projection"
    spill = ColumnSpill(out / RELATION_COLUMNS)
    for part in parts:
        spill.add(part)
    _write_file(out / "actors.arrow", pa.table({"id": ["a"]}))
    assert not written(out)
    spill.finish()
    assert written(out)
    _, got = read_tables(out)
    want = pa.concat_tables(parts, promote_options="default")
    assert got.column_names == ["id", "text", "n", "extra", "late"] == want.column_names
    assert got.equals(want.combine_chunks())
    assert all(got[name].num_chunks == 1 for name in got.column_names)
