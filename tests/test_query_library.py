"""The research query library (cypher/queries/) answers its questions on the Libya data,
with the same rows from each dialect's text on each store."""
from __future__ import annotations

import json
from datetime import date

import pytest

from conflictgraph.graph.dataset import read_dataset
from conflictgraph.graph.dates import valid_on
from conflictgraph.graph.paths import SEED_DIR

from conflictgraph.graph.cypher import registry

# name: (parameters, expected rows in the query's own order, or sorted when "sorted")
EXPECTED = {
    "backers_of": ({"actor": "haftar-forces"}, [
        ["egypt", "Egypt", [], "2015-02", None, "high"],
        ["russia", "Russia", [], "2018-10", None, "high"],
        ["uae", "United Arab Emirates", [], "2015-04", None, "high"]]),
    "clients_of": ({"actor": "turkey"}, [["gna", "Government of National Accord", [], "2019", None]]),
    "leaders_of": ({"actor": "kaniyat"}, [
        ["al-kani-family", "family", "runs the militia", "2014"],
        ["mohamed-al-kani", "person", "leader", None]]),
    "sanctions_on_side_of": ({"backer": "russia"}, [
        ["usa", "kaniyat", "kaniyat", "2020-11-25", "Global Magnitsky (E.O. 13818)"],
        ["usa", "mohamed-al-kani", "kaniyat", "2020-11-25", "Global Magnitsky (E.O. 13818)"]]),
    "blocked_sanctions": ({}, [
        ["russia", "unsc-libya-sanctions-committee", t,
         "Asset freeze and travel ban on the Kaniyat militia and Mohamed al-Kani, proposed by the US and Germany.",
         "Russia said it wanted to see more evidence that they had killed civilians.", "2020-11-20"]
        for t in ("kaniyat", "mohamed-al-kani")]),
    "sanction_attempts_against": ({"target": "kaniyat"}, [
        [p, "unsc-libya-sanctions-committee", ["asset_freeze", "travel_ban"], "2020-11", "russia", "2020-11-20"]
        for p in ("germany", "usa")]),
    "proxy_rivals": ({}, [["turkey", "gna", "haftar-forces", r] for r in ("egypt", "russia", "uae")]),
    "side_changes": ({}, [["kaniyat", "gna", "2019-04", "haftar-forces", "2019-04"]]),
    "accusations_against": ({"actor": "mohamed-al-kani"}, [
        ["us-treasury", ["murder", "torture", "mass_graves"], "us-treasury", "2020-11-25", "confirmed"]]),
    "shortest_paths": ({"source": "turkey", "target": "russia"}, "sorted", [
        [["turkey", "gna", "haftar-forces", "russia"], ["BACKS", "AGREES_CEASEFIRE", "BACKS"], 3],
        [["turkey", "gna", "haftar-forces", "russia"], ["BACKS", "FIGHTS", "BACKS"], 3]]),
    "relations_on_date": ({"date": "2019-04-30"}, None),   # checked below
    "evidence_for_relation": ({"relation": "ly-usa-proposes-sanctions-mohamed-al-kani-2020"}, [
        ["ly-usa-proposes-sanctions-mohamed-al-kani-2020", "PROPOSES_SANCTIONS", "usa", "mohamed-al-kani",
         "doc-6950a10e312c0b1f", "US blacklists pro-Haftar Libyan militia after Russia blocks UN sanctions",
         [{"document": "doc-6950a10e312c0b1f", "paragraph": 12,
           "summary": "The US-German proposal covered al-Kani as well as the militia."}]]]),
    # Every relation the editors' note is cited by, from the seed files themselves.
    "claims_citing_document": ({"document": "cg-note-libya-2020-public-record"}, sorted(
        [r.id, r.source, r.type, r.target, r.status] for r in read_dataset(SEED_DIR).relations
        if any(e.document == "cg-note-libya-2020-public-record" for e in r.evidence))),
    "actor_relations": ({"actor": "mohamed-al-kani"}, "sorted", [
        ["in", "ACCUSES", "us-treasury", "ly-us-treasury-accuses-mohamed-al-kani-2020", "2020-11-25", None],
        ["in", "PROPOSES_SANCTIONS", "germany", "ly-germany-proposes-sanctions-mohamed-al-kani-2020", "2020-11", None],
        ["in", "PROPOSES_SANCTIONS", "usa", "ly-usa-proposes-sanctions-mohamed-al-kani-2020", "2020-11", None],
        ["in", "SANCTIONS", "usa", "ly-usa-sanctions-mohamed-al-kani-2020", "2020-11-25", None],
        ["out", "LEADS", "kaniyat", "ly-mohamed-al-kani-leads-kaniyat", None, None]]),
    # "What happened to Russia, and who else was there?" (events, with the roles they took)
    "events_of": ({"actor": "russia"}, [
        ["ev-ly-2020-11-20-blocked-listing", "blocked_listing", "2020-11-20", None, "blocker",
         ["germany (proposer)", "kaniyat (target)", "mohamed-al-kani (target)",
          "unsc-libya-sanctions-committee (forum)", "usa (proposer)"]]]),
    # "What did Russia block, in which body, on whose proposal, and as what kind of member?"
    "blocks_in_context": ({"blocker": "russia"}, [
        ["unsc-libya-sanctions-committee",
         "Asset freeze and travel ban on the Kaniyat militia and Mohamed al-Kani, proposed by the US and Germany.",
         proposer, "unsc", "permanent", "2020-11-20"] for proposer in ("germany", "usa")]),
    # "Which sanctions targets are backed by a permanent member?" (through the side they are on)
    "sanctioned_but_backed_by_permanent_members": ({"council": "unsc"}, [
        [target, "usa", "2020-11-25", "russia", "haftar-forces"] for target in ("kaniyat", "mohamed-al-kani")]),
}


def library():
    return {name: q for name, q in registry().items() if q.group == "queries"}


def test_the_library_has_a_dozen_documented_questions_each_tested():
    lib = library()
    assert len(lib) >= 12
    assert set(lib) == set(EXPECTED), "every library query needs an expected answer here"
    for q in lib.values():
        assert set(q.texts) == {"embedded", "neo4j"}, f"{q.name} must run on both stores"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_library_query_answers(loaded_store, seed_dataset, name):
    params, *rest = EXPECTED[name]
    expected = rest[-1]
    result = loaded_store.run_named(name, **params)
    rows = sorted(result.rows, key=repr) if rest[0] == "sorted" else result.rows
    if name == "evidence_for_relation":  # evidence_json is JSON text: compare what it says
        rows = [row[:-1] + [json.loads(row[-1])] for row in rows]
    if name == "relations_on_date":
        by_id = {row[0]: row for row in rows}
        # Kaniyat's alliance with the GNA ended in 2019-04: still valid on the 30th.
        assert "ly-kaniyat-allied-with-gna" in by_id
        assert "ly-kaniyat-allied-with-haftar-forces" in by_id  # started 2019-04
        assert "ly-usa-sanctions-kaniyat-2020" not in by_id      # not yet
        assert "ly-turkey-backs-gna" in by_id                    # undated: not excluded
        later = {r[0] for r in loaded_store.run_named(name, date="2019-05-01").rows}
        assert "ly-kaniyat-allied-with-gna" not in later
        # The Cypher agrees with the Python rule (graph.dates.valid_on) on several days.
        for day in ("2019-04-30", "2019-05-01", "2020-11-19", "2020-11-20", "2026-01-01"):
            cypher = {r[0] for r in loaded_store.run_named(name, date=day).rows}
            python = {r.id for r in seed_dataset.relations
                      if valid_on(r.start, r.end, date.fromisoformat(day))}
            assert cypher == python, day
        return
    assert rows == (sorted(expected, key=repr) if rest[0] == "sorted" else expected)
