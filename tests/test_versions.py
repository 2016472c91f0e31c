"""Versions of the graph on every store: kept, listed, read by id (pinned), pruned by policy.

A researcher cites "the graph as of version X": a pinned read must answer as the graph did
when X was current, whatever was loaded since, on the embedded store and on Neo4j alike.
"""
from __future__ import annotations

import pytest

from conflictgraph.graph.dataset import read_dataset
from conflictgraph.graph.errors import BadRequest, NotFound
from conflictgraph.graph.service import GraphService, RelationFilter

ACTOR_COUNT = "MATCH (a:Actor) RETURN count(a) AS n"


def test_a_pinned_read_answers_as_the_version_did(store, seed_dataset, mini_dir):
    mini = read_dataset(mini_dir)
    store.load(mini)
    a = store.version()
    store.load(seed_dataset)
    b = store.version()
    assert a != b
    listed = store.versions()
    assert [v["id"] for v in listed] == [b, a] and [v["current"] for v in listed] == [True, False]
    assert listed[0]["seq"] > listed[1]["seq"]
    assert listed[1]["counts"] == mini.counts() and listed[0]["counts"] == seed_dataset.counts()
    assert listed[0]["recorded_at"] >= listed[1]["recorded_at"]

    at_a, now = GraphService(store.at(a)), GraphService(store)
    assert store.at(a).version() == a and store.at(None) is store
    # every kind of read: lookups, lists, the graph questions, research queries, counts
    assert at_a.health()["actors"] == len(mini.actors) and now.health()["actors"] == len(seed_dataset.actors)
    assert at_a.relations(RelationFilter(), limit=1000)[1] == len(mini.relations)
    assert {r["id"] for r in at_a.relations(RelationFilter(), limit=1000)[0]} == {r.id for r in mini.relations}
    seed_only = next(x.id for x in seed_dataset.actors if x.id not in {y.id for y in mini.actors})
    with pytest.raises(NotFound):
        at_a.actor(seed_only)
    assert now.actor(seed_only)["id"] == seed_only
    some = mini.relations[0]
    assert {n["id"] for n in at_a.subgraph([some.source], depth=3)["nodes"]} <= {x.id for x in mini.actors}
    assert store.research_query(ACTOR_COUNT, version=a).rows == [[len(mini.actors)]]
    assert store.at(a).research_query(ACTOR_COUNT).rows == [[len(mini.actors)]]
    assert store.research_query(ACTOR_COUNT).rows == [[len(seed_dataset.actors)]]
    # the current version read by its id is the current graph
    assert GraphService(store.at(b)).health() == now.health()


def test_unknown_and_malformed_versions_are_named(loaded_store):
    with pytest.raises(NotFound, match="v000000000000 is not kept"):
        loaded_store.at("v000000000000")
    with pytest.raises(BadRequest, match="not a version id") as e:
        loaded_store.at("yesterday")
    assert e.value.parameter == "version"


def _load_with_document(store, folder, i: int) -> None:
    """Load `folder` with one more document than before: a new version each time."""
    (folder / "extra.yaml").write_text(f"documents:\n  - id: doc-extra-{i}\n    title: Extra document {i}\n",
                                       encoding="utf-8")
    store.load(read_dataset(folder))


def test_retention_keeps_the_newest_and_drops_the_rest(store, seed_dataset, mini_dir, tmp_path):
    store.keep_versions = 2
    ids = []
    for i in range(4):
        _load_with_document(store, mini_dir, i)
        ids.append(store.version())
    assert len(set(ids)) == 4
    assert [v["id"] for v in store.versions()] == [ids[3], ids[2]]
    with pytest.raises(NotFound):
        store.at(ids[1])
    assert GraphService(store.at(ids[2])).store.stats()["documents"] == \
        GraphService(store).store.stats()["documents"]
    store.keep_versions = 1
    store.load(seed_dataset)
    assert [v["id"] for v in store.versions()] == [store.version()]


def test_twenty_loads_keep_the_disk_within_the_retention_policy(store, mini_dir):
    # A store that loads every night must not grow without bound: with `keep 3`, twenty
    # loads leave three versions, and (embedded) three generations' worth of disk.
    store.keep_versions = 3
    sizes = []
    for i in range(20):
        _load_with_document(store, mini_dir, i)
        kept = store.versions()
        assert len(kept) == min(i + 1, 3)
        sizes.append(max(v.get("disk_bytes") or 0 for v in kept))
    assert [v["seq"] for v in store.versions()] == [20, 19, 18]
    if hasattr(store, "generations"):     # the embedded store states the disk each version costs
        on_disk = sum(store.generations.disk_bytes(n) for n in
                      (p.name for p in store.generations.folder.iterdir()))
        assert on_disk == sum(v["disk_bytes"] for v in store.versions())
        assert on_disk <= 3 * max(sizes)
    else:                                  # Neo4j: three versions' nodes, nothing else
        nodes = store._driver.execute_query("MATCH (n) WHERE NOT n:GraphVersion RETURN count(n)",
                                            database_=store.database).records[0][0]
        assert nodes == 3 * (4 + 2)        # the mini set's 4 actors and 1 + 1 documents, per version


def test_research_queries_on_two_versions_keep_a_worker_each(embedded_store, seed_dataset, mini_dir):
    # A worker opens one generation (half a second); a researcher comparing the current graph
    # with a cited version must not pay that on every query.
    embedded_store.load(read_dataset(mini_dir))
    old = embedded_store.version()
    embedded_store.load(seed_dataset)
    for _ in range(4):
        assert embedded_store.research_query(ACTOR_COUNT).rows == [[len(seed_dataset.actors)]]
        assert embedded_store.research_query(ACTOR_COUNT, version=old).rows == [[4]]
    assert embedded_store._sandbox.spawned == 2
