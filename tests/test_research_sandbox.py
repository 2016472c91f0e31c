"""Research Cypher on the embedded store cannot read or write files past the graph.

Three walls stand between a researcher's text and the disk (graph/store/sandbox_worker.py):
the kernel (Landlock, seccomp, no capabilities), the engine's own parse and plan, and the
text scan. Every attack below runs against each wall ALONE (the other two off) and against
all three: whatever the status, no file appears in the store, the temp dir or the home
directory, the secret planted beside the store never reaches the client, the generation's
files stay byte-identical, and /health still answers.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from procs import children
from fastapi.testclient import TestClient

from conflictgraph.api.app import create_app
from conflictgraph.graph.dataset import read_dataset
from conflictgraph.graph.paths import SEED_DIR
from repo import REPO
from conflictgraph.graph.settings import Settings
from conflictgraph.graph.store import confine
from conflictgraph.graph.store import sandbox as sandbox_module
from conflictgraph.graph.store.embedded import EmbeddedStore
from seed_counts import ACTORS

MARKER = "CGSECRET" + uuid.uuid4().hex[:12].upper()
BYPASS = "/* **/ ' */ "          # the published one: the old scanner read the rest as a string
CR_BYPASS = "WITH 4 //* c */ 2 AS x\r "   # a // line ended by a lone CR is code to the engine

pytestmark = pytest.mark.skipif(confine.why_unconfinable() is not None,
                                reason=f"the kernel cannot confine workers here: {confine.why_unconfinable()}")


def attacks(secret: Path, out: Path) -> list[str]:
    s, o = str(secret), str(out)
    load = f"LOAD FROM '{s}' (file_format='csv', header=false) RETURN *"
    return [
        # the texts of the report
        f"{BYPASS}LOAD FROM \"{s}\" (file_format=\"csv\", header=false, delim=\":\") RETURN * // '",
        f"{BYPASS}COPY (MATCH (a:Actor) RETURN a.id) TO \"{o}-copy.csv\" // '",
        f"{BYPASS}EXPORT DATABASE \"{o}-export\" // '",
        f"{BYPASS}COPY (MATCH (a:Actor) RETURN a.id) TO \"{o}-a.csv\"; COPY (RETURN 1) TO \"{o}-b.csv\" // '",
        f"{BYPASS}CHECKPOINT // '",
        # the lone-CR comment, Unicode whitespace, comments between words
        f"{CR_BYPASS}LOAD FROM '{s}' (file_format='csv', header=false) RETURN *",
        f"LOAD\u2007FROM '{s}' (file_format='csv', header=false) RETURN *",
        f"LOAD/* x */FROM '{s}' (file_format='csv', header=false) RETURN *",
        f"MATCH (a:Actor) WITH count(*) AS n {load}",
        # files: read and write, every clause the engine documents
        load,
        f"LOAD FROM '{s}' (header=true) RETURN *",
        f"LOAD WITH HEADERS (a STRING) FROM '{s}' (file_format='csv') RETURN a",
        f"LOAD FROM '{s}' (file_format='parquet') RETURN *",
        f"LOAD FROM '{s}' (file_format='json') RETURN *",
        f"COPY (MATCH (a:Actor) RETURN a.id) TO '{o}-plain.csv'",
        f"COPY (MATCH (a:Actor) RETURN a.id) TO '{o}-plain.parquet'",
        f"COPY Actor FROM '{s}'",
        f"EXPORT DATABASE '{o}-plain-export'",
        f"IMPORT DATABASE '{secret.parent}'",
        f"ATTACH '{s}' AS other (dbtype lbug)",
        "ATTACH ':memory:' AS scratch (dbtype lbug)",
        "DETACH scratch",
        "USE scratch",
        # extensions: network and writes under the home directory
        "INSTALL httpfs", "INSTALL json FROM 'http://127.0.0.1:9/'", "LOAD EXTENSION httpfs",
        f"LOAD EXTENSION '{s}'", "UPDATE EXTENSION httpfs", "UNINSTALL httpfs",
        # the database, transactions, macros, sequences, settings
        "CHECKPOINT", "BEGIN TRANSACTION", "BEGIN TRANSACTION READ ONLY", "COMMIT", "ROLLBACK",
        "CREATE MACRO leak(x) AS x", "CREATE SEQUENCE s", "RETURN nextval('s')",
        "CALL threads = 64", "CALL timeout = 100000000", "CALL spill_to_disk = true",
        f"CALL home_directory = '{o}-home'", f"CALL file_search_path = '{secret.parent}'",
        "CALL current_setting('home_directory') RETURN *",
        "CALL show_attached_databases() RETURN *", "CALL show_official_extensions() RETURN *",
        "CALL show_loaded_extensions() RETURN *", "CALL show_warnings() RETURN *", "CALL clear_warnings()",
        "CREATE NODE TABLE Leak(id STRING PRIMARY KEY)", "MATCH (a:Actor) SET a.name = 'pwned'",
        "MATCH (a:Actor) DETACH DELETE a", "DROP TABLE Actor",
        "EXPLAIN " + load, "PROFILE " + load,
        f"RETURN 1; {load}",
    ]


def snapshot(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder below the roots, with size and modification time."""
    seen = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                p = os.path.join(dirpath, name)
                st = os.lstat(p)
                seen[p] = (st.st_size, st.st_mtime_ns)
    return seen


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    """A loaded store, a secret beside it, and a home and temp dir of the workers' own."""
    root = tmp_path_factory.mktemp("walls")
    secret = root / "outside" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text(f"{MARKER},{MARKER}x\n{MARKER}2,b\n")
    home, tmp = root / "home", root / "tmp"
    home.mkdir(), tmp.mkdir()
    from conflictgraph.graph.ontology import default_ontology
    store = EmbeddedStore(root / "graph", default_ontology(), buffer_pool_mb=256)
    store.load(read_dataset(SEED_DIR))
    store.close()
    return {"root": root, "secret": secret, "home": home, "tmp": tmp, "out": tmp / "attack"}


WALL_SETS = {"kernel alone": {"kernel"}, "engine alone": {"engine"}, "text alone": {"text"},
             "all three": {"kernel", "engine", "text"}}


@pytest.mark.parametrize("walls", list(WALL_SETS), ids=list(WALL_SETS))
def test_each_wall_alone_keeps_files_out_of_reach(place, walls, monkeypatch):
    monkeypatch.setenv("HOME", str(place["home"]))      # the engine's extension folder
    monkeypatch.setenv("TMPDIR", str(place["tmp"]))
    from conflictgraph.graph.ontology import default_ontology
    store = EmbeddedStore(place["root"] / "graph", default_ontology(), buffer_pool_mb=256,
                          query_walls=frozenset(WALL_SETS[walls]))
    generation = store.root / "generations" / store.current_generation()
    before_bytes = digest(generation)
    watched = (store.root, place["home"], place["tmp"])
    before = snapshot(*watched)
    settings = dataclasses.replace(Settings.from_env(), query_timeout_ms=5000, row_limit=100)
    outcomes = []
    with TestClient(create_app(store=store, settings=settings)) as client:
        for query in attacks(place["secret"], place["out"]):
            r = client.post("/cypher", json={"query": query, "params": {}})
            outcomes.append((r.status_code, query))
            assert MARKER not in r.text, f"{walls}: the secret leaked through {query!r}: {r.text[:300]}"
            assert r.status_code < 500 or r.status_code == 504, f"{walls}: {query!r} -> {r.status_code} {r.text[:300]}"
            if walls != "kernel alone":
                # The refusing walls refuse; the kernel alone lets harmless statements run.
                assert r.status_code in (400, 403), f"{walls}: {query!r} was not refused: {r.text[:300]}"
            assert client.get("/health").status_code == 200, f"{walls}: /health failed after {query!r}"
        # Research queries still answer behind the same walls.
        ok = client.post("/cypher", json={"query": "MATCH (a:Actor {id: $id}) RETURN a.name",
                                          "params": {"id": "russia"}})
        assert ok.status_code == 200 and ok.json()["rows"] == [["Russia"]], ok.text
    store.close()
    after = snapshot(*watched)
    assert {p: v for p, v in after.items() if before.get(p) != v} == {}, f"{walls}: files changed"
    assert digest(generation) == before_bytes
    assert not list(Path("/tmp").glob(f"*{MARKER}*"))
    assert len(outcomes) >= 50


def test_the_kernel_wall_alone_stops_reads_and_writes_by_the_engine(place, monkeypatch):
    """Not refused by anyone but the kernel: the engine really tries, and the system says no."""
    monkeypatch.setenv("HOME", str(place["home"]))
    from conflictgraph.graph.ontology import default_ontology
    store = EmbeddedStore(place["root"] / "graph", default_ontology(), buffer_pool_mb=256,
                          query_walls=frozenset({"kernel"}))
    try:
        for query in (f"LOAD FROM '{place['secret']}' (file_format='csv', header=false) RETURN *",
                      f"COPY (RETURN 1) TO '{place['out']}-k.csv'", f"EXPORT DATABASE '{place['out']}-k'"):
            with pytest.raises(Exception) as info:
                store.research_query(query)
            assert "Permission denied" in str(info.value), str(info.value)
        assert not list(place["tmp"].iterdir())
    finally:
        store.close()


def test_a_worker_cannot_open_the_network_or_files_python_side(place):
    """The confinement itself, seen from inside a confined process."""
    code = (
        "import socket, sys\n"
        "from pathlib import Path\n"
        "from conflictgraph.graph.store.confine import confine\n"
        f"confine([Path({str(place['root'] / 'graph')!r})])\n"
        "for attempt in (lambda: open('/etc/hostname').read(), lambda: open(sys.argv[1], 'w'),\n"
        "                lambda: socket.socket(), lambda: socket.create_connection(('127.0.0.1', 9))):\n"
        "    try:\n"
        "        attempt(); print('ALLOWED')\n"
        "    except OSError as e:\n"
        "        print('denied', e.errno)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(place["tmp"] / "python-side")],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "ALLOWED" not in proc.stdout and proc.stdout.count("denied") == 4, proc.stdout
    assert not (place["tmp"] / "python-side").exists()


def test_without_kernel_confinement_research_queries_are_refused_with_the_reason(place, monkeypatch):
    monkeypatch.setattr(sandbox_module, "why_unconfinable", lambda: "the kernel has no Landlock (test)")
    from conflictgraph.graph.ontology import default_ontology
    store = EmbeddedStore(place["root"] / "graph", default_ontology(), buffer_pool_mb=256)
    with TestClient(create_app(store=store, settings=Settings.from_env())) as client:
        r = client.post("/cypher", json={"query": "RETURN 1"})
        assert r.status_code == 503
        assert "no Landlock" in r.json()["detail"] and "CONFLICTGRAPH_UNCONFINED_QUERIES=accept" in r.json()["detail"]
        assert client.get("/health").status_code == 200       # the graph itself is fine
    store.close()
    accepting = EmbeddedStore(place["root"] / "graph", default_ontology(), buffer_pool_mb=256,
                              accept_unconfined_queries=True)
    try:
        assert accepting.research_query("RETURN 1 AS x").rows == [[1]]
        with pytest.raises(Exception, match="LOAD"):
            accepting.research_query(f"LOAD FROM '{place['secret']}' RETURN *")
    finally:
        accepting.close()


def test_the_cli_runs_research_queries_in_the_confined_worker(place):
    env = dict(os.environ, HOME=str(place["home"]))
    store = f"embedded:{place['root'] / 'graph'}"
    cli = [str(Path(sys.executable).parent / "conflictgraph")]
    bad = subprocess.run(cli + ["query", "--store", store,
                                f"{BYPASS}LOAD FROM \"{place['secret']}\" (file_format=\"csv\", header=false) RETURN * // '"],
                         capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert bad.returncode == 1 and MARKER not in bad.stdout + bad.stderr
    assert "LOAD" in bad.stderr
    good = subprocess.run(cli + ["query", "--store", store, "-f", "json",
                                 "MATCH (a:Actor {id: 'russia'}) RETURN a.name"],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert good.returncode == 0 and '"Russia"' in good.stdout, good.stderr


def test_a_damaged_generation_is_reported_not_ok(place, tmp_path):
    import shutil
    from conflictgraph.graph.ontology import default_ontology
    root = tmp_path / "graph"
    shutil.copytree(place["root"] / "graph", root)
    generation = root / "generations" / (root / "CURRENT").read_text().strip()
    (generation / "graph.lbug").write_bytes(b"\0" * 4096)
    store = EmbeddedStore(root, default_ontology(), buffer_pool_mb=256)
    with TestClient(create_app(store=store, settings=Settings.from_env())) as client:
        r = client.get("/health")
        assert r.status_code == 503 and "damaged" in r.json()["detail"], r.text
        assert client.post("/cypher", json={"query": "RETURN 1"}).status_code == 503
    store.close()


def test_research_workers_run_below_the_service_in_cpu_priority(place):
    # A query may take every core it is given; /health and lookups must still get the CPU.
    from conflictgraph.graph.ontology import default_ontology
    store = EmbeddedStore(place["root"] / "graph", default_ontology(), buffer_pool_mb=256)
    try:
        assert store.research_query("MATCH (a:Actor) RETURN count(a)").rows == [[ACTORS]]
        workers = children(os.getpid(), running=b"conflictgraph.graph.store.sandbox_worker")
        assert workers, "no research worker found among this process's children"
        own = os.getpriority(os.PRIO_PROCESS, 0)
        assert {os.getpriority(os.PRIO_PROCESS, p) - own for p in workers} == {10}
    finally:
        store.close()


@pytest.mark.parametrize("bound_mb", [512, 1024])
def test_a_research_worker_stays_within_its_memory_bound(place, bound_mb):
    """CONFLICTGRAPH_QUERY_MEMORY_MB bounds the worker's resident memory, its buffer pool
    included (a worker reached 1.7 GB under a documented 1 GiB): a query that needs more is
    refused in plain words, and the next query runs."""
    import threading
    from conflictgraph.graph.errors import QueryError
    from conflictgraph.graph.ontology import default_ontology
    store = EmbeddedStore(place["root"] / "graph", default_ontology(), buffer_pool_mb=1024,
                          query_memory_mb=bound_mb)
    peak, done = [0], threading.Event()

    def sample():   # the workers' high-water marks, while they live
        while not done.wait(0.02):
            for pid in children(os.getpid(), running=b"conflictgraph.graph.store.sandbox_worker"):
                try:
                    hwm = next(l for l in Path(f"/proc/{pid}/status").read_text().splitlines()
                               if l.startswith("VmHWM"))
                except (OSError, StopIteration):
                    continue
                peak[0] = max(peak[0], int(hwm.split()[1]) // 1024)
    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        for hungry in ("UNWIND range(1, 60000000) AS x RETURN collect(x)[1] AS c",
                       "UNWIND range(1, 3000) AS i RETURN size(collect(repeat('x', 300000))) AS n"):
            with pytest.raises(QueryError, match="needs more memory than"):
                store.research_query(hungry, timeout_ms=60_000)
        assert store.research_query("RETURN 1 AS one").rows == [[1]]
    finally:
        done.set()
        sampler.join()
        store.close()
    assert 0 < peak[0] <= bound_mb * 1.1, f"a worker held {peak[0]} MB under a bound of {bound_mb} MB"


def test_a_worker_that_crashes_is_reported_as_a_crash(place):
    import signal
    import threading
    from conflictgraph.graph.errors import QueryError, QueryTimeout
    from conflictgraph.graph.ontology import default_ontology
    store = EmbeddedStore(place["root"] / "graph", default_ontology(), buffer_pool_mb=256)
    slow = ("MATCH (a:Actor), (b:Actor), (c:Actor), (d:Actor), (e:Actor), (f:Actor), (g:Actor) "
            "WHERE a.name + b.name + c.name + d.name + e.name + f.name + g.name <> 'x' RETURN count(*)")
    outcome = {}

    def run():
        try:
            store.research_query(slow, timeout_ms=30_000)
        except (QueryError, QueryTimeout) as e:
            outcome["error"] = e
    try:
        store.research_query("RETURN 1")   # a worker exists, and is idle
        thread = threading.Thread(target=run)
        thread.start()
        time.sleep(1.5)
        workers = children(os.getpid(), running=b"conflictgraph.graph.store.sandbox_worker")
        assert len(workers) == 1
        os.kill(workers[0], signal.SIGSEGV)
        thread.join(60)
        error = outcome["error"]
        assert type(error) is QueryError, error   # not "ran past the server's time limit"
        assert str(error).startswith("the query engine crashed on this query (signal SIGSEGV")
        assert store.research_query("RETURN 1").rows == [[1]]   # a fresh worker takes over
    finally:
        store.close()


@pytest.mark.parametrize("opening", ["[", "(", "{a: "])
def test_deeply_nested_text_is_refused_before_any_parser_sees_it(place, opening):
    # The engine's parser took 94 s at 500 levels and crashed at 1,000.
    closing = {"[": "]", "(": ")", "{a: ": "}"}[opening]
    query = "RETURN " + opening * 2_000 + "1" + closing * 2_000
    env = dict(os.environ, HOME=str(place["home"]))
    r = subprocess.run([str(Path(sys.executable).parent / "conflictgraph"), "query", "--store",
                        f"embedded:{place['root'] / 'graph'}", query],
                       capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
    assert r.returncode == 1
    assert r.stderr.strip() == "error: the query nests brackets 2000 levels deep; at most 50 are accepted"


@pytest.mark.parametrize("query, hint", [
    ("MATCH (a)-[r]->(b) RETURN type(r) LIMIT 1", "the embedded engine writes Neo4j's type(r) as label(r)"),
    ("MATCH p = shortestPath((a:Actor {id: 'usa'})-[*]-(b:Actor {id: 'gna'})) RETURN p",
     "the embedded engine has no shortestPath(): write the pattern with a shortest-path length, "
     "MATCH p = (a)-[* SHORTEST 1..6]-(b)"),
    ("MATCH (n:Actor) RETURN n {.id, .name} LIMIT 1", "map projections (n {.id, .name}) are Neo4j's"),
    ("MATCH (n:Actr) RETURN n.id", "no label or relation type 'Actr' — did you mean 'Actor'?"),
    ("MATCH (a)-[:BACK]->(b) RETURN a.id", "no label or relation type 'BACK' — did you mean 'BACKS'?"),
    ("MATCH (n:Actor) RETURN n.nmae", "no property 'nmae' — did you mean 'name'?"),
])
def test_neo4j_habits_and_typos_get_a_hint_on_the_embedded_store(place, query, hint):
    from conflictgraph.graph.errors import QuerySyntaxError
    from conflictgraph.graph.ontology import default_ontology
    store = EmbeddedStore(place["root"] / "graph", default_ontology(), buffer_pool_mb=256)
    try:
        with pytest.raises(QuerySyntaxError) as info:
            store.research_query(query)
        engine_message, _, given = str(info.value).partition(" — hint: ")
        assert engine_message and given.startswith(hint), str(info.value)
    finally:
        store.close()
