"""Loads are all-or-nothing, repeatable, and safe beside readers and other loaders."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conflictgraph.graph.dataset import read_dataset
from conflictgraph.graph.errors import LoadFailed, LoadInProgress, StoreEmpty
from repo import REPO
from conflictgraph.graph.store.embedded import EmbeddedStore
from conflictgraph.graph.synth import dataset as synthetic_dataset
from seed_counts import ACTORS, DOCUMENTS, RELATIONS

TESTS = Path(__file__).parent


def counts(store):
    st = store.stats()
    return st["actors"], st["relations"], st["documents"]


def test_an_empty_store_says_so(embedded_store):
    with pytest.raises(StoreEmpty, match="conflictgraph load"):
        embedded_store.stats()


def test_loading_twice_gives_the_same_graph(store, seed_dataset):
    store.load(seed_dataset)
    first = store.stats()
    store.load(seed_dataset)
    assert store.stats() == first
    assert counts(store) == (ACTORS, RELATIONS, DOCUMENTS)


def test_a_load_replaces_the_graph_rather_than_adding_to_it(store, seed_dataset):
    store.load(synthetic_dataset(30, 60, tag="old"))
    store.load(seed_dataset)
    assert counts(store) == (ACTORS, RELATIONS, DOCUMENTS)
    assert store.query("MATCH (a:Actor) WHERE a.id STARTS WITH 'old-' RETURN count(*)").rows == [[0]]


def fail_on_third_batch(batches):
    def progress(stage, done, total):
        batches.append(stage)
        if len(batches) == 3:
            raise RuntimeError("disk full (simulated)")
    return progress


def test_a_load_that_fails_half_way_leaves_the_earlier_graph(store, seed_dataset):
    store.load(seed_dataset)
    before = store.stats()
    batches = []
    with pytest.raises(RuntimeError, match="disk full"):
        store.load(synthetic_dataset(300, 1000), batch_size=100, progress=fail_on_third_batch(batches))
    assert len(batches) == 3  # it really was mid-way: later batches never ran
    assert store.stats() == before
    assert store.query("MATCH (a:Actor {id: 'kaniyat'}) RETURN a.name").rows == [["Kaniyat militia"]]


def test_a_failed_embedded_load_leaves_no_debris(embedded_store, seed_dataset):
    embedded_store.load(seed_dataset)
    before = embedded_store.stats()
    generations = sorted(p.name for p in (embedded_store.root / "generations").iterdir())

    with pytest.raises(RuntimeError, match="disk full"):
        embedded_store.load(synthetic_dataset(300, 1000), batch_size=100,
                            progress=fail_on_third_batch([]))
    # The half-written generation is gone; the published one is untouched.
    assert sorted(p.name for p in (embedded_store.root / "generations").iterdir()) == generations
    # And a fresh reader (another process, say) sees the earlier graph too.
    again = EmbeddedStore(embedded_store.root, embedded_store.ontology)
    assert again.stats() == before
    again.close()


def test_a_load_the_engine_s_memory_cannot_hold_names_the_table_and_the_setting(embedded_store, seed_dataset):
    # A relation table's COPY holds the whole table's pages in the load's buffer pool: when
    # they do not fit, the user is told which table and which setting, and nothing changes.
    embedded_store.load(seed_dataset)
    before = embedded_store.stats()
    generations = sorted(p.name for p in (embedded_store.root / "generations").iterdir())
    small = EmbeddedStore(embedded_store.root, embedded_store.ontology, load_buffer_pool_mb=16)
    try:
        with pytest.raises(LoadFailed, match=r"copying the [A-Z_]+ table \(\d+ MB of staged Parquet\) needs more "
                                             r"memory than the load's buffer pool of 16 MB: set "
                                             r"CONFLICTGRAPH_LOAD_BUFFER_POOL_MB higher"):
            small.load(synthetic_dataset(2000, 60000))
    finally:
        small.close()
    assert sorted(p.name for p in (embedded_store.root / "generations").iterdir()) == generations
    assert embedded_store.stats() == before


def test_invalid_seed_data_never_reaches_the_store(store, seed_dataset, mini_dir):
    from conflictgraph.graph.errors import ValidationFailed
    store.load(seed_dataset)
    rel = mini_dir / "relations.yaml"
    rel.write_text(rel.read_text().replace("target: haftar-forces", "target: nobody"))
    with pytest.raises(ValidationFailed):
        store.load(read_dataset(mini_dir))
    assert counts(store) == (ACTORS, RELATIONS, DOCUMENTS)


KILLABLE_LOAD = textwrap.dedent("""
    import sys
    sys.path[:0] = [{tests!r}, {root!r}]
    from conflictgraph.graph.ontology import default_ontology
    from conflictgraph.graph.store.embedded import EmbeddedStore
    from conflictgraph.graph.synth import dataset as synthetic_dataset
    store = EmbeddedStore({path!r}, default_ontology(), buffer_pool_mb=256)
    def progress(stage, done, total):
        print(done, flush=True)
    store.load(synthetic_dataset(2000, 40000, tag="k"), batch_size=200, progress=progress)
    print("FINISHED", flush=True)
""")


def test_a_load_killed_with_sigkill_leaves_the_earlier_graph(embedded_store, seed_dataset):
    embedded_store.load(seed_dataset)
    before = embedded_store.stats()
    code = KILLABLE_LOAD.format(tests=str(TESTS), root=str(REPO), path=str(embedded_store.root))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    # Wait until it has written relation batches (documents and actors come first).
    for line in child.stdout:
        if line.strip().isdigit() and int(line) > 6000:
            break
    else:
        pytest.fail("the child load ended before it could be killed")
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    # The killed load's half-written generation exists, but nothing points at it.
    assert len(list((embedded_store.root / "generations").iterdir())) == 2
    assert embedded_store.stats() == before
    # The next load succeeds and clears the debris.
    embedded_store.load(seed_dataset)
    assert embedded_store.stats() == before
    assert len(list((embedded_store.root / "generations").iterdir())) == 2  # current + previous


def test_a_second_loader_is_refused_while_one_runs(embedded_store, seed_dataset):
    code = KILLABLE_LOAD.format(tests=str(TESTS), root=str(REPO), path=str(embedded_store.root))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip().isdigit()  # it holds the lock and is writing
        with pytest.raises(LoadInProgress, match=f"pid {child.pid}"):
            embedded_store.load(seed_dataset)
    finally:
        child.kill()
        child.wait()


READER = textwrap.dedent("""
    import sys, time, json
    sys.path[:0] = [{root!r}]
    from conflictgraph.graph.ontology import default_ontology
    from conflictgraph.graph.store.embedded import EmbeddedStore
    store = EmbeddedStore({path!r}, default_ontology(), buffer_pool_mb=128)
    for line in sys.stdin:  # one query per line of input, on one long-lived store
        st = store.stats()
        print(json.dumps([st["actors"], st["relations"], st["documents"]]), flush=True)
""")


def test_a_reader_holding_the_store_open_keeps_working_through_loads(embedded_store, seed_dataset):
    """The service holds the store open for its lifetime; loads happen beside it."""
    import json
    embedded_store.load(seed_dataset)
    reader = subprocess.Popen([sys.executable, "-c", READER.format(root=str(REPO),
                                                                  path=str(embedded_store.root))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask():
        reader.stdin.write("?\n")
        reader.stdin.flush()
        return json.loads(reader.stdout.readline())

    try:
        assert ask() == [ACTORS, RELATIONS, DOCUMENTS]
        v2, v4 = synthetic_dataset(50, 120, tag="v2"), synthetic_dataset(10, 20, tag="v4")
        embedded_store.load(v2)
        assert ask() == [50, 120, len(v2.documents)]   # the reader moved to the new graph
        embedded_store.load(seed_dataset)
        embedded_store.load(v4)
        assert ask() == [10, 20, len(v4.documents)]    # and again, after its old generation was pruned
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert reader.returncode == 0


def test_concurrent_readers_each_see_a_whole_graph_while_loads_switch_it(embedded_store, seed_dataset):
    """The service answers many requests at once; each query has its own connection and
    sees one complete generation, old or new, even while loads replace it."""
    from concurrent.futures import ThreadPoolExecutor
    other = synthetic_dataset(40, 90, tag="c")
    embedded_store.load(seed_dataset)
    whole = {(ACTORS, RELATIONS, DOCUMENTS), (40, 90, len(other.documents))}

    def read(_):
        seen = set()
        for _ in range(25):
            seen.add(counts(embedded_store))
        return seen

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(read, i) for i in range(8)]
        for d in (other, seed_dataset, other):
            embedded_store.load(d)
        results = set().union(*(f.result() for f in futures))
    assert results <= whole
    assert counts(embedded_store) == (40, 90, len(other.documents))


def test_a_seed_set_can_be_read_twice(tmp_path, mini_dir, ontology):
    """A retried Neo4j transaction reads the relation stream again: no false duplicates."""
    from conflictgraph.graph.dataset import SeedSet
    seeds = SeedSet(mini_dir, ontology)
    first = [r.id for b in seeds.relation_batches(1) for r in b]
    second = [r.id for b in seeds.relation_batches(1) for r in b]
    assert first == second == ["r-backs", "r-blocks"] and seeds.problems == []
