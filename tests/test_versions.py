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


def test_retention_keeps_the_newest_and_drops_the_rest(store, seed_dataset, mini_dir, tmp_path):
    store.keep_versions = 2
    ids = []
    for i in range(4):
        (mini_dir / "libya_extra.yaml").write_text(
            f"documents:\n  - id: doc-extra-{i}\n    title: Extra document {i}\n", encoding="utf-8")
        store.load(read_dataset(mini_dir))
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
