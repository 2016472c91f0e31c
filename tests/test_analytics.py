"""Network analytics on the Libya data, and on small graphs whose answers are known."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from conflictgraph.api.app import create_app
from conflictgraph.graph import analytics
from conflictgraph.graph.errors import AnalyticsError
from conflictgraph.graph.service import GraphService, RelationFilter
from seed_counts import ACTORS


@pytest.fixture(scope="module")
def service(loaded_store):
    return GraphService(loaded_store)


@pytest.fixture(scope="module")
def nov_2020(service):
    """The graph as it stood on the day of the US designation."""
    return service.whole_graph(RelationFilter(as_of="2020-11-25"))


def tiny(ontology, edges):
    """A hand-made graph: edges as (source, type, target)."""
    nodes = sorted({x for s, _, t in edges for x in (s, t)})
    return {"nodes": [{"id": n, "name": n, "kind": "state"} for n in nodes],
            "edges": [{"id": f"r{i}", "type": t, "source": s, "target": d,
                       "directed": ontology.relation_types[t].directed, "confidence": "high",
                       "status": "confirmed", "evidence": []} for i, (s, t, d) in enumerate(edges)]}


def test_blocs_on_the_libya_data(nov_2020, ontology):
    result = analytics.blocs(nov_2020, ontology)
    blocs = [set(b["members"]) for b in result["blocs"]]
    assert {"haftar-forces", "russia", "uae", "egypt", "kaniyat"} <= blocs[0]
    assert {"gna", "turkey"} in blocs
    assert {"usa", "germany", "us-treasury"} in blocs
    assert result["frustration"] == 0
    assert result["relations_used"]["BACKS"] == 4 and "LEADS" not in result["relations_used"]


def test_balance_on_the_libya_data(nov_2020, ontology):
    result = analytics.balance(nov_2020, ontology)
    # GNA fights Haftar's forces and Kaniyat, which are allies: "+--", balanced.
    assert [(t["actors"], t["pattern"], t["balanced"]) for t in result["triads"]] == [
        (["gna", "haftar-forces", "kaniyat"], "+--", True)]
    assert result["balance_ratio"] == 1.0
    enemy_of_enemy = {tuple(p["actors"]) for p in result["predicted_missing_ties"]
                      if p["rule"] == "enemy of my enemy is my friend"}
    # Both fight Kaniyat, yet the data records no tie between the GNA and the US or Germany.
    assert {("gna", "usa"), ("germany", "gna")} <= enemy_of_enemy


def test_side_changes_make_a_pair_ambivalent_over_all_time(service, ontology):
    result = analytics.balance(service.whole_graph(), ontology)
    assert result["ambivalent_pairs"] == [{"actors": ["gna", "kaniyat"],
                                           "relations": ["ly-gna-fights-kaniyat", "ly-kaniyat-allied-with-gna"]}]


def test_kaniyat_timeline_shows_the_switch(service, ontology):
    result = analytics.timeline(service.whole_graph(), ontology, "kaniyat")
    assert result["side_changes"] == [{"date": "2019-04", "left": "gna", "left_on": "2019-04",
                                       "joined": "haftar-forces",
                                       "relations": ["ly-kaniyat-allied-with-gna",
                                                     "ly-kaniyat-allied-with-haftar-forces"]}]
    starts = [e["start"] for e in result["events"]]
    dated = [s for s in starts if s]
    assert dated == sorted(dated) and starts.index(None) == len(dated)  # undated last


def test_balance_counts_on_a_known_graph(ontology):
    g = tiny(ontology, [("a", "ALLIED_WITH", "b"), ("b", "ALLIED_WITH", "c"), ("a", "FIGHTS", "c"),   # ++-
                        ("c", "FIGHTS", "d"), ("d", "FIGHTS", "e")])                                  # open
    result = analytics.balance(g, ontology)
    assert (result["triad_count"], result["balanced"], result["unbalanced"]) == (1, 0, 1)
    assert result["unbalanced_triads"][0]["pattern"] == "++-"
    preds = {(tuple(p["actors"]), p["rule"], p["predicted"]) for p in result["predicted_missing_ties"]}
    assert (("c", "e"), "enemy of my enemy is my friend", "+") in preds
    assert (("b", "d"), "friend of my enemy is my enemy", "-") in preds


def test_blocs_split_two_camps(ontology):
    g = tiny(ontology, [("a", "ALLIED_WITH", "b"), ("c", "ALLIED_WITH", "d"), ("a", "FIGHTS", "c"),
                        ("b", "FIGHTS", "d"), ("a", "FIGHTS", "d")])
    result = analytics.blocs(g, ontology)
    assert sorted(b["members"] for b in result["blocs"]) == [["a", "b"], ["c", "d"]]
    assert result["frustration"] == 0


def test_centrality_rankings(service, nov_2020, ontology):
    # In the war itself (Council seats left out: the Council would broker every pair of its
    # fifteen members), Haftar's forces and the Kaniyat militia sit between the others.
    war = service.whole_graph(RelationFilter(as_of="2020-11-25",
                                             types=[t for t in ontology.relation_types if t != "MEMBER_OF"]))
    top = analytics.centrality(war, ontology, "betweenness", 2)["ranking"]
    assert [r["actor"] for r in top] == ["haftar-forces", "kaniyat"]
    for metric in analytics.METRICS:
        ranking = analytics.centrality(nov_2020, ontology, metric, 50)["ranking"]
        assert len(ranking) == ACTORS and ranking[0]["score"] >= ranking[-1]["score"]
    with pytest.raises(AnalyticsError):
        analytics.centrality(nov_2020, ontology, "closeness")


def test_analytics_over_http(loaded_store):
    with TestClient(create_app(store=loaded_store)) as c:
        r = c.get("/analytics/blocs", params={"as_of": "2020-11-25"})
        assert r.status_code == 200 and {"gna", "turkey"} in [set(b["members"]) for b in r.json()["blocs"]]
        r = c.get("/analytics/centrality", params={"metric": "pagerank", "types": "BACKS,FIGHTS"})
        assert r.json()["relations_used"] == {"BACKS": 4, "FIGHTS": 2}
        assert c.get("/analytics/timeline", params={"actor": "nobody"}).status_code == 404
        assert c.get("/analytics/centrality", params={"metric": "closeness"}).status_code == 422
