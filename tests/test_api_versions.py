"""Issue 30's "done when", through the HTTP API on each store: load the seed (version A),
import UCDP GED events and load again (version B); the changes from A to B are exactly what
the import wrote, every read pinned to A answers as before the import, an export made at A
names A, and both stores give the same version ids (derived from the files loaded).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import make_store
from conflictgraph.api.app import create_app
from conflictgraph.graph.cli import app as cli
from conflictgraph.graph.dataset import SeedSet
from conflictgraph.graph.paths import SEED_DIR
from conflictgraph.graph.versions import file_digest, manifest_for

GED = Path(__file__).parent / "fixtures" / "ucdp" / "ged" / "ged231-excerpt.csv"
PINNED_READS = ["/actors?limit=1000", "/actors/kaniyat", "/relations?limit=1000", "/events?limit=1000",
                "/actors/kaniyat/events", "/subgraph?seeds=kaniyat&depth=2", "/documents?limit=1000",
                "/events/aggregate?by=month", "/contradictions", "/actors/kaniyat/relations?direction=both",
                "/relations/ly-gna-fights-kaniyat", "/events/ev-ly-2020-06-05-tarhuna-recapture",
                "/paths?source=russia&target=gna", "/analytics/centrality?metric=degree"]


@pytest.fixture(params=["embedded", "neo4j"])
def fresh(request, tmp_path, ontology):
    store = make_store(request.param, tmp_path, ontology, request)
    yield store
    store.close()


def _ids(path: Path) -> set[str]:
    return {json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()} if path.is_file() else set()


def _pinned(path: str, version: str) -> str:
    return path + ("&" if "?" in path else "?") + f"version={version}"


def test_an_import_is_a_new_version_and_the_old_one_still_answers(fresh, tmp_path, api_settings, ontology):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEED_DIR, seeds)
    fresh.load(SeedSet(seeds))
    a = fresh.version()
    assert a == manifest_for(SeedSet(seeds), ontology)["id"]   # the same files: the same id on every store
    with TestClient(create_app(store=fresh, settings=api_settings)) as c:
        before = {path: c.get(path).json() for path in PINNED_READS}
        source = tmp_path / "GEDEvent_v23_1.csv"
        shutil.copy(GED, source)
        done = CliRunner().invoke(cli, ["import", "ucdp-ged", str(source), "--seeds", str(seeds)])
        assert done.exit_code == 0, done.output
        fresh.load(SeedSet(seeds))
        b = fresh.version()
        assert b != a

        listed = c.get("/versions").json()
        assert listed["current"] == b and [v["id"] for v in listed["items"]] == [b, a]
        went_in = listed["items"][0]["imports"]
        assert [(i["importer"], i["file"], i["sha256"], i["dataset_version"]) for i in went_in] == \
            [("ucdp-ged", source.name, file_digest(source), "23.1")]
        assert c.get(f"/versions/{a}").json()["counts"]["actors"] == before["/actors?limit=1000"]["total"]

        # every read pinned to A answers exactly as A did, and says so
        for path, answer in before.items():
            r = c.get(_pinned(path, a))
            assert r.status_code == 200, (path, r.text)
            assert r.json() == answer, path
            assert r.headers["conflictgraph-version"] == a
        assert c.get("/relations?limit=1").headers["conflictgraph-version"] == b
        assert c.get("/relations?limit=1").json()["total"] > before["/relations?limit=1000"]["total"]
        research = c.post("/cypher", json={"query": "MATCH (e:Event) RETURN count(e) AS n", "version": a})
        assert research.json()["rows"] == [[before["/events?limit=1000"]["total"]]]
        assert research.headers["conflictgraph-version"] == a

        # the changes from A to B are what the import wrote, nothing else
        imported = seeds / "imports" / "ucdp-ged-23.1"
        changes = c.get(f"/changes?from={a}&to={b}").json()
        for section in ("actors", "relations", "events", "documents"):
            assert {x["id"] for x in changes[section]["added"]} == _ids(imported / f"{section}.jsonl"), section
            assert changes[section]["removed"] == [] and changes[section]["changed"] == [], section
        assert changes["from"]["id"] == a and changes["to"]["id"] == b
        added = changes["relations"]["added"][0]
        assert added["sources"] and all(s["record"].startswith("ucdp-ged:") for s in added["sources"])
        text = c.get(f"/changes?from={a}&format=text")
        assert text.headers["content-type"].startswith("text/markdown")
        assert f"# Changes from {a}" in text.text and "ucdp-ged:" in text.text
        # a view's changes: only what concerns its actors
        view = c.get(f"/changes?from={a}&actors=kaniyat").json()
        assert all("kaniyat" in (r["source"], r["target"]) for r in view["relations"]["added"])

        # an export made at A names A in the file itself
        assert f"<keywords>conflictgraph-version:{a}</keywords>" in c.get(f"/export?format=gexf&version={a}").text
        assert f"<desc>ConflictGraph version {a}</desc>" in c.get(f"/export?format=graphml&version={a}").text
        assert c.get(f"/export?format=d3&version={a}").json()["conflictgraph"] == {"version": a}
        assert f"<keywords>conflictgraph-version:{b}</keywords>" in \
            c.get("/subgraph?seeds=kaniyat&format=gexf").text
        assert c.get(f"/events/geojson?version={a}").json()["conflictgraph"]["version"] == a


def test_bad_version_parameters_are_named(client):
    assert client.get("/relations?version=v000000000000").status_code == 404
    r = client.get("/relations?version=last-week")
    assert r.status_code == 422 and r.json()["errors"][0]["parameter"] == "version"
    r = client.get("/changes?from=v000000000000")
    assert r.status_code == 404 and "not kept" in r.json()["detail"]
    assert client.get("/changes").status_code == 422            # from is required
    r = client.get("/contradictions?kind=rumour")
    assert r.status_code == 422 and r.json()["errors"][0]["parameter"] == "kind"


def test_the_seeds_one_contradiction_is_listed_as_explained(client):
    found = client.get("/contradictions").json()
    assert found["total"] == 1
    c = found["items"][0]
    assert c["kind"] == "polarity" and c["actors"] == ["gna", "kaniyat"]
    assert {s["relation"] for s in c["claims"]} == {"ly-kaniyat-allied-with-gna", "ly-gna-fights-kaniyat"}
    assert all(s["sources"] for s in c["claims"]) and c["between"] == "curated"
    assert "April 2019" in c["explained"]["why"]
    assert client.get("/contradictions?explained=false").json()["total"] == 0
    assert client.get("/contradictions?actor=usa").json()["total"] == 0
    assert client.get("/contradictions?source=doc-treasury-sm1192").json()["total"] == 1
