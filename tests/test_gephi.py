"""Gephi reads what we write: our GEXF and GraphML exports, imported by Gephi's own importer
(Gephi Toolkit, tools/gephi), on every store. What an analyst sees in Gephi must be our
graph: every actor and relation, names as labels, our colours, arrows only where a relation
has a direction, and a timeline from the first sourced date to the last."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conflictgraph.graph.dates import PartialDate
from conflictgraph.graph.export import FORMATS
from repo import REPO
from conflictgraph.graph.service import GraphService, RelationFilter
from conflictgraph.graph.synth import generate
from conflictgraph.graph.dataset import SeedSet
from seed_counts import ACTORS, RELATIONS, SYMMETRIC_RELATIONS
from seed_counts import TIME_BOUNDS

GEPHI = REPO / "tools" / "gephi" / "run"


def gephi_reports(*files, no_merge: bool = False) -> list[dict]:
    missing = [t for t in ("java", "mvn") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not on PATH: Gephi Toolkit (tools/gephi) needs Java 17+ and Maven")
    args = [str(GEPHI), "report", *(["--no-merge"] if no_merge else []), *map(str, files)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def expected(graph, ontology) -> dict:
    """What Gephi should make of `graph` (a service answer), from our data, not our file."""
    starts = [PartialDate.parse(e["start"]).earliest() for e in graph["edges"] if e.get("start")]
    ends = [PartialDate.parse(e["end"]).latest() for e in graph["edges"] if e.get("end")]
    return {
        "nodes": len(graph["nodes"]), "edges": len(graph["edges"]),
        "undirected": sum(1 for e in graph["edges"] if not e["directed"]),
        "labels": {n["id"]: n["name"] for n in graph["nodes"]},
        "node_colors": {n["id"]: ontology.kind_colors[n["kind"]] for n in graph["nodes"]},
        "edge_colors": {e["id"]: ontology.polarity_colors[ontology.relation_types[e["type"]].polarity]
                        for e in graph["edges"]},
        # Gephi's timeline runs from the earliest bound of any interval to the latest one
        # (open-ended intervals add no bound).
        "time_bounds": ([f"{min(starts + ends).isoformat()}T00:00", f"{max(starts + ends).isoformat()}T00:00"]
                        if starts or ends else None),
        "intervals": {e["id"]: [[f"{PartialDate.parse(e['start']).earliest().isoformat()}T00:00" if e.get("start") else None,
                                 f"{PartialDate.parse(e['end']).latest().isoformat()}T00:00" if e.get("end") else None]]
                      if e.get("start") or e.get("end") else [] for e in graph["edges"]},
    }


def assert_gephi_reads(report: dict, graph, ontology, *, dynamic: bool = True, mixed: bool = True) -> None:
    want = expected(graph, ontology)
    serious = [i for i in report["issues"] if i["level"] not in ("INFO",)]
    assert serious == [], serious
    assert (report["nodes"], report["edges"]) == (want["nodes"], want["edges"])
    assert report["undirected_edges"] == (want["undirected"] if mixed else 0)
    assert report["labels"] == want["labels"]
    assert report["node_colors"] == want["node_colors"]
    assert {k: v["color"] for k, v in report["edge_details"].items()} == want["edge_colors"]
    assert all(v["label"] == e["type"] for e in graph["edges"] for v in [report["edge_details"][e["id"]]])
    if dynamic:
        assert report["dynamic"] is True and report["time_representation"] == "INTERVAL"
        assert report["time_bounds"] == want["time_bounds"]
        assert {k: v["intervals"] for k, v in report["edge_details"].items()} == want["intervals"]


@pytest.fixture(scope="module")
def exported(loaded_store, tmp_path_factory):
    """The four exports the analysts' guide names, as files, beside the graphs they hold."""
    service = GraphService(loaded_store)
    folder = tmp_path_factory.mktemp("gephi")
    graphs = {
        "whole": service.whole_graph(),
        "two-hop": service.subgraph(["kaniyat"], 2),
        "as-of": service.whole_graph(RelationFilter(as_of="2020-06-01")),
    }
    files = {}
    for name, graph in graphs.items():
        files[name] = folder / f"{name}.gexf"
        files[name].write_bytes(FORMATS["gexf"].write(graph, service.ontology))
    files["graphml"] = folder / "whole.graphml"
    files["graphml"].write_bytes(FORMATS["graphml"].write(graphs["whole"], service.ontology))
    files["events"] = folder / "whole-with-events.gexf"
    files["events"].write_bytes(b"".join(service.export_whole(RelationFilter(), "gexf", events=True)[0]))
    reports = dict(zip(["whole", "two-hop", "as-of", "events"],
                       gephi_reports(files["whole"], files["two-hop"], files["as-of"], files["events"])))
    reports["graphml"], = gephi_reports(files["graphml"], no_merge=True)
    return graphs, reports, service.ontology


@pytest.mark.parametrize("name", ["whole", "two-hop", "as-of"])
def test_gephi_imports_our_gexf_as_our_graph(exported, name):
    graphs, reports, ontology = exported
    assert_gephi_reads(reports[name], graphs[name], ontology)


def test_the_whole_graph_in_gephi(exported):
    graphs, reports, _ = exported
    r = reports["whole"]
    assert (r["nodes"], r["edges"], r["undirected_edges"]) == (ACTORS, RELATIONS, SYMMETRIC_RELATIONS)
    assert r["graph_mixed"] is True           # arrows where relations have a direction only
    assert r["edge_details"]["ly-gna-fights-kaniyat"]["directed"] is False
    assert r["edge_details"]["ly-usa-sanctions-kaniyat-2020"]["kind"] == "SANCTIONS"
    # Parallel relations between one pair stay two edges (Gephi tells them apart by kind).
    assert {"ly-gna-fights-haftar-forces", "ly-gna-haftar-forces-ceasefire-2020"} <= set(r["edge_details"])
    assert r["edge_columns"]["evidence_count"] == "Integer" and r["edge_columns"]["polarity"] == "Integer"
    assert r["edge_columns"]["directed"] == "Boolean" and r["node_columns"]["kind"] == "String"
    assert r["time_bounds"] == [f"{day}T00:00" for day in TIME_BOUNDS]


def test_gephi_puts_the_events_on_its_timeline(exported, seed_dataset):
    graphs, reports, ontology = exported
    r = reports["events"]
    assert [i for i in r["issues"] if i["level"] != "INFO"] == []
    participations = sum(len(e.participants) for e in seed_dataset.events)
    assert (r["nodes"], r["edges"]) == (ACTORS + len(seed_dataset.events), RELATIONS + participations)
    # Each event is a node alive over its date's span; actors stay timeless.
    assert r["node_intervals"] == {e.id: [[f"{e.date.earliest().isoformat()}T00:00", f"{e.date.latest().isoformat()}T00:00"]]
                                   for e in seed_dataset.events}
    assert {r["node_colors"][e.id] for e in seed_dataset.events} == {ontology.event_color}
    for e in seed_dataset.events:
        for p in e.participants:
            edge = r["edge_details"][f"{e.id}:{p.role}:{p.actor}"]
            assert (edge["source"], edge["target"], edge["kind"], edge["directed"]) == (p.actor, e.id, "PARTICIPATED_IN", True)
            assert edge["intervals"] == r["node_intervals"][e.id]
    days = [d for e in seed_dataset.events for d in (e.date.earliest(), e.date.latest())]
    first, last = min(TIME_BOUNDS[0], min(days).isoformat()), max(TIME_BOUNDS[1], max(days).isoformat())
    assert r["time_bounds"] == [f"{first}T00:00", f"{last}T00:00"]


def test_an_as_of_export_holds_only_that_days_relations(exported):
    graphs, reports, _ = exported
    edges = set(reports["as-of"]["edge_details"])
    assert "ly-kaniyat-allied-with-haftar-forces" in edges and "ly-kaniyat-allied-with-gna" not in edges
    assert "ly-usa-sanctions-kaniyat-2020" not in edges


def test_gephi_imports_our_graphml(exported):
    graphs, reports, ontology = exported
    # GraphML has no edge kinds: with Gephi's "Don't merge" (the import dialog's choice),
    # parallel relations stay apart. The file carries no intervals and no undirected edges
    # (networkx refuses them; graph/export/graphml.py): GEXF is the format for Gephi.
    assert_gephi_reads(reports["graphml"], graphs["whole"], ontology, dynamic=False, mixed=False)


def test_gephi_imports_a_10k_relation_export(store, tmp_path, ontology):
    seeds = tmp_path / "synthetic"
    generate(500, 10_000, 7, seeds, ontology)
    store.load(SeedSet(seeds, ontology))
    service = GraphService(store)
    graph = service.whole_graph()
    path = tmp_path / "synthetic.gexf"
    path.write_bytes(FORMATS["gexf"].write(graph, ontology))
    # Synthetic pairs hold several relations of one type (ours stay apart by id); Gephi merges
    # such edges unless the analyst picks "Don't merge" in its import dialog (README).
    report, = gephi_reports(path, no_merge=True)
    assert (report["nodes"], report["edges"]) == (500, 10_000)
    assert_gephi_reads(report, graph, ontology)


def test_gephi_reads_exports_of_hostile_names(tmp_path, ontology):
    """Issue 28: names holding control characters, a bidi override and U+FFFE (which a store
    that predates the text rule may hold) once made every whole-graph export malformed XML.
    Gephi's own importer reads both formats, with the characters XML cannot hold left out."""
    hostile = "Evil\x01\x02\x0bCorp\x1f\ufffe"
    graph = {"nodes": [{"id": "a", "name": hostile, "kind": "organization", "aliases": [hostile],
                        "description": f"{hostile} \u202e", "identifiers": {}},
                       {"id": "c", "name": "C", "kind": "state", "aliases": [], "identifiers": {}}],
             "edges": [{"id": "r1", "type": "SANCTIONS", "source": "c", "target": "a", "directed": True,
                        "start": "2020", "end": None, "confidence": "high", "status": "confirmed",
                        "location": hostile, "properties": {"program": hostile},
                        "evidence": [{"document": "d1"}]}]}
    files = []
    for fmt in ("gexf", "graphml"):
        path = tmp_path / f"hostile.{fmt}"
        path.write_bytes(FORMATS[fmt].write(graph, ontology))
        files.append(path)
    reports = gephi_reports(*files, no_merge=True)
    assert len(reports) == 2
    for report in reports:
        assert [i for i in report["issues"] if i["level"] not in ("INFO",)] == [], report["issues"]
        assert (report["nodes"], report["edges"]) == (2, 1)
        assert report["labels"]["a"] == "EvilCorp"
