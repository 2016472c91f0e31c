"""What only the Neo4j store has: its schema, its one-transaction load under kill -9, its
load cap, and the server it runs on (the one this test run started, or NEO4J_URI)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conflictgraph.graph.cli import app
from conflictgraph.graph.models import Dataset
from repo import REPO
from conflictgraph.graph.store.neo4j_store import Neo4jStore
from conftest import wipe_neo4j
from seed_counts import ACTORS, DOCUMENTS, RELATIONS

TESTS = Path(__file__).parent


@pytest.fixture
def neo4j(neo4j_server, ontology):
    uri, user, password, database = neo4j_server
    store = Neo4jStore(uri, ontology, user=user, password=password, database=database)
    wipe_neo4j(store)
    yield store
    store.close()


def every_node_and_relationship(store: Neo4jStore) -> tuple[int, int]:
    """Counted without labels or types: debris of a killed load would show here."""
    with store._driver.session(database=store.database) as s:
        nodes = s.run("MATCH (n) RETURN count(n) AS n").single()["n"]
        rels = s.run("MATCH ()-[r]->() RETURN count(r) AS n").single()["n"]
    return nodes, rels


def test_init_schema_creates_the_unique_ids_and_indexes(neo4j, ontology):
    neo4j.init_schema()
    neo4j.init_schema()  # idempotent
    with neo4j._driver.session(database=neo4j.database) as s:
        constraints = {(tuple(r["labelsOrTypes"]), tuple(r["properties"]), r["type"])
                       for r in s.run("SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type")}
        indexes = {(tuple(r["labelsOrTypes"] or ()), tuple(r["properties"] or ()))
                   for r in s.run("SHOW INDEXES YIELD labelsOrTypes, properties")}
    assert (("Actor",), ("id",), "UNIQUENESS") in constraints
    assert (("Document",), ("id",), "UNIQUENESS") in constraints
    for type_name in ontology.relation_types:
        assert ((type_name,), ("id",)) in indexes, type_name
        assert ((type_name,), ("start_date",)) in indexes, type_name
    assert (("Actor",), ("kind",)) in indexes and (("Actor",), ("name",)) in indexes


KILLABLE_LOAD = textwrap.dedent("""
    import sys
    sys.path[:0] = [{tests!r}, {root!r}]
    from conflictgraph.graph.ontology import default_ontology
    from conflictgraph.graph.store.neo4j_store import Neo4jStore
    from conflictgraph.graph.synth import dataset as synthetic_dataset
    store = Neo4jStore({uri!r}, default_ontology(), user={user!r}, password={password!r})
    def progress(stage, done, total):
        print(done, flush=True)
    store.load(synthetic_dataset(2000, 40000, tag="k"), batch_size=500, progress=progress)
    print("FINISHED", flush=True)
""")


def test_a_load_killed_with_sigkill_leaves_the_earlier_graph(neo4j, neo4j_server, seed_dataset):
    neo4j.load(seed_dataset)
    before, raw_before = neo4j.stats(), every_node_and_relationship(neo4j)
    uri, user, password, _ = neo4j_server
    code = KILLABLE_LOAD.format(tests=str(TESTS), root=str(REPO), uri=uri, user=user,
                                password=password)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    for line in child.stdout:
        if line.strip().isdigit() and int(line) > 10_000:  # well into the relations
            break
    else:
        pytest.fail("the child load ended before it could be killed")
    # While the killed load's transaction is open, readers see the earlier graph.
    assert neo4j.stats() == before
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    assert neo4j.stats() == before
    assert every_node_and_relationship(neo4j) == raw_before
    # The server has let go of the dead transaction's locks: the next load goes through.
    neo4j.load(seed_dataset)
    assert neo4j.stats() == before and every_node_and_relationship(neo4j) == raw_before


def test_the_cli_refuses_a_load_past_the_default_transaction_cap(neo4j, neo4j_cli_env, tmp_path,
                                                                  seed_dataset, monkeypatch):
    neo4j.load(seed_dataset)
    monkeypatch.delenv("CONFLICTGRAPH_NEO4J_MAX_TX_RECORDS", raising=False)
    runner = CliRunner()
    big = tmp_path / "big"
    # 1,000 actors + 59,500 relations + 595 documents = 61,095 records: past 60,000.
    r = runner.invoke(app, ["synth", "--actors", "1000", "--relations", "59500", "--out", str(big)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["load", str(big)])
    assert r.exit_code == 1
    assert "61095 records exceed the one-transaction load limit of 60000" in r.output
    assert "CONFLICTGRAPH_NEO4J_MAX_TX_RECORDS" in r.output and "neo4j-admin" in r.output
    assert "Traceback" not in r.output
    stats = json.loads(runner.invoke(app, ["stats", "--json"]).output)
    assert (stats["actors"], stats["relations"], stats["documents"]) == (ACTORS, RELATIONS, DOCUMENTS)


def test_a_wrong_password_is_a_clear_unavailable_store(neo4j_server, ontology):
    from conflictgraph.graph.errors import StoreUnavailable
    uri, user, _, database = neo4j_server
    store = Neo4jStore(uri, ontology, user=user, password="not-the-password", database=database)
    with pytest.raises(StoreUnavailable, match="rejected the user name or password"):
        store.stats()
    store.close()


def test_compose_and_the_test_server_pin_the_same_neo4j():
    import re
    compose = (REPO / "docker-compose.yml").read_text()
    pom = (REPO / "tools" / "neo4j" / "pom.xml").read_text()
    image, = re.findall(r"image:\s*neo4j:(\S+)-community", compose)
    pinned, = re.findall(r"<neo4j.version>([^<]+)</neo4j.version>", pom)
    assert image == pinned and pinned.startswith("5.26.")


def test_the_server_is_the_pinned_release(neo4j):
    import re
    with neo4j._driver.session(database="system") as s:
        version = s.run("CALL dbms.components() YIELD versions RETURN versions[0] AS v").single()["v"]
    pom = (REPO / "tools" / "neo4j" / "pom.xml").read_text()
    if not os.environ.get("NEO4J_URI"):  # the server this run started from tools/neo4j
        assert version == re.search(r"<neo4j.version>([^<]+)<", pom)[1]
    assert version.startswith("5.")


def test_paths_longer_than_max_hops_are_none_not_an_exhaustive_search(neo4j, ontology):
    # s - a 12-actor clique with doubled ties - x1 - x2 - t: t is 5 hops from s, so no path
    # within 4. With the length check inside the shortest-path WHERE, Neo4j fell back to
    # enumerating every trail of up to 6 hops from s (millions through the clique) and ran
    # past the timeout (seen at 100k synthetic relations: > 20 s against 19 ms).
    from conflictgraph.graph.models import Actor, Dataset, Document, Evidence, Relation
    from conflictgraph.graph.service import GraphService
    ev = [Evidence(document="d", paragraph=1, summary="s")]

    def tie(rid, a, b):
        return Relation(id=rid, type="ALLIED_WITH", source=a, target=b, confidence="high",
                        status="reported", evidence=ev)
    actors = [Actor(id=x, name=x.upper(), kind="state") for x in ("s", "x1", "x2", "t", *(f"c{i}" for i in range(12)))]
    rels = [tie("s-c0", "s", "c0"), tie("c11-x1", "c11", "x1"), tie("x1-x2", "x1", "x2"), tie("x2-t", "x2", "t")]
    rels += [tie(f"k{i}-{j}-{n}", f"c{i}", f"c{j}") for i in range(12) for j in range(i + 1, 12) for n in range(2)]
    neo4j.load(Dataset(documents=[Document(id="d", title="t")], actors=actors, relations=rels))
    neo4j.query_timeout_ms = 5_000
    service = GraphService(neo4j)
    assert service.paths("s", "t", 4) == []
    assert {tuple(p["actors"]) for p in service.paths("s", "x1", 4)} == {("s", "c0", "c11", "x1")}
