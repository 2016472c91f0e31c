"""Relations dated as the public record dates them: a start wherever a registered source gives
one; where none does, `start_unknown` says why, so "since unknown" is never mistaken for
"always" (and with a start, the reason says the start is only the earliest the sources allow).
Expected answers come from the seed files and graph/dates.py, not from the stores."""
from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from conflictgraph.graph.cli import app
from conflictgraph.graph.dataset import check_seed_path
from conflictgraph.graph.dates import valid_on


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def test_the_libya_relations_are_dated_or_say_why_not(seed_dataset):
    relations = seed_dataset.relations
    undated = [r for r in relations if r.start is None]
    assert len(undated) <= 2 and all(r.start_unknown for r in undated), [r.id for r in undated]
    assert sum(r.start is not None for r in relations) >= 0.9 * len(relations)
    # Every start rests on a document registered in the seed (the sourcing rule covers the rest).
    documents = {d.id for d in seed_dataset.documents}
    assert all(e.document in documents for r in relations for e in r.evidence)


@pytest.mark.parametrize("day", ["1900-01-01", "2010-01-01", "2016-02-29", "2016-03-01", "2019-03-31", "2021-02-01"])
def test_as_of_returns_no_relation_the_sources_place_later(client, seed_dataset, day):
    items = ok(client.get("/relations", params={"as_of": day, "limit": 1000}))["items"]
    want = {r.id for r in seed_dataset.relations if valid_on(r.start, r.end, date.fromisoformat(day))}
    assert {r["id"] for r in items} == want
    later = {r.id for r in seed_dataset.relations if r.start and r.start.earliest() > date.fromisoformat(day)}
    assert not later & {r["id"] for r in items}


def test_before_the_war_only_the_old_institutions_and_the_undated(client, seed_dataset):
    items = ok(client.get("/relations", params={"as_of": "2010-01-01", "limit": 1000}))["items"]
    by_id = {r["id"]: r for r in items}
    # What 2010 has: the Council's permanent seats, the Treasury in the US government, and
    # what no source dates (said so, not silently).
    assert {r["type"] for r in items} <= {"MEMBER_OF", "PART_OF", "LEADS"}
    assert all(r["start"] or r["start_unknown"] for r in items)
    assert not any(r["type"] in ("BACKS", "FIGHTS", "ALLIED_WITH", "SANCTIONS") for r in by_id.values())


def test_start_unknown_reaches_the_api_and_the_exports(client, seed_dataset):
    unknown = [r for r in seed_dataset.relations if r.start_unknown]
    assert unknown
    for rel in unknown:
        body = ok(client.get(f"/relations/{rel.id}"))
        assert (body["start"], body["start_unknown"]) == (str(rel.start) if rel.start else None, rel.start_unknown)
    graph = client.get("/export", params={"format": "graphology"}).json()
    edges = {e["key"]: e["attributes"] for e in graph["edges"]}
    assert {k for k, v in edges.items() if v.get("start_unknown")} == {r.id for r in unknown}
    assert all(edges[r.id]["start_unknown"] == r.start_unknown for r in unknown)


def test_a_start_unknown_must_give_its_reason(mini_dir):
    path = mini_dir / "relations.yaml"
    text = path.read_text()
    for value, message in [('""', "give the reason no source dates the start, as text"),
                           ("[a, b]", "must be text, got list ['a', 'b']")]:
        path.write_text(text.replace('    start: "2019"\n', f"    start_unknown: {value}\n", 1))
        _, problems = check_seed_path(mini_dir)
        assert [str(p) for p in problems] == [
            f"{mini_dir}/relations.yaml: relations[0] (id 'r-backs'): field 'start_unknown': {message}"]
    path.write_text(text.replace('    start: "2019"\n', "    start_unknown: No source dates it.\n", 1))
    dataset, problems = check_seed_path(mini_dir)
    assert problems == [] and dataset.relations[0].start is None
    assert dataset.relations[0].start_unknown == "No source dates it."


def test_the_report_gives_the_share_of_dated_relations(seed_dataset):
    result = CliRunner().invoke(app, ["validate", "--report"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    relations = seed_dataset.relations
    started = sum(r.start is not None for r in relations)
    bounded = sum(r.start is not None and bool(r.start_unknown) for r in relations)
    unknown = sum(r.start is None and bool(r.start_unknown) for r in relations)
    assert (f"Dated: {started} of {len(relations)} relations have a start ({100 * started / len(relations):.0f}%; "
            f"{bounded} of them only the earliest date the sources allow); {unknown} say why they have none "
            f"(start_unknown); {len(relations) - started - unknown} have neither") in " ".join(result.output.split())
