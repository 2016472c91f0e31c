"""The Explorer in a real browser: the user journeys of tests/explorer/journeys.mjs, run by
playwright-core in Debian's headless chromium against a real `conflictgraph serve` on the
Libya seed, on each store. A journey fails on a console error, an uncaught page error or a
request to any other host. Screenshots: build/explorer-screenshots/<store>/<journey>.png."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from procs import free_port, serving

from conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
JOURNEYS = ROOT / "tests" / "explorer" / "journeys.mjs"
CHROMIUM = Path(os.environ.get("CONFLICTGRAPH_CHROMIUM", "/usr/bin/chromium"))
SHOTS = ROOT / "build" / "explorer-screenshots"
CLI = [str(Path(sys.executable).with_name("conflictgraph"))]   # the console script pip installed


def _journey_names(which: str = "libya") -> list[str]:
    # The journeys are defined once, in the .mjs; collection asks it for their names.
    if not shutil.which("node") or not (ROOT / "node_modules" / "playwright-core").is_dir():
        return ["(node or node_modules missing: run make test)"]
    out = subprocess.run(["node", str(JOURNEYS), "--list"], capture_output=True, text=True, cwd=ROOT, timeout=60,
                         env={**os.environ, "JOURNEYS": which})
    return out.stdout.split() or [f"(journeys.mjs --list failed: {out.stderr.strip()[:200]})"]


NAMES = _journey_names()
SYNTHETIC_NAMES = _journey_names("synthetic")
OPENSANCTIONS_NAMES = _journey_names("opensanctions")
VERSIONS_NAMES = _journey_names("versions")


def _run_journeys(env: dict, shots: Path, which: str = "libya") -> dict:
    """Serve the store `env` names, run the journeys against it: {name: result}."""
    port = free_port()
    server = subprocess.Popen([*CLI, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        serving(server, port)
        shutil.rmtree(shots, ignore_errors=True)
        out = subprocess.run(["node", str(JOURNEYS), f"http://127.0.0.1:{port}", str(shots)],
                             capture_output=True, text=True, cwd=ROOT, timeout=900, env={**env, "JOURNEYS": which})
        results = {r["name"]: r for r in map(json.loads, filter(None, out.stdout.splitlines()))}
        if not results:
            pytest.fail(f"journeys.mjs ran none (exit {out.returncode}): {out.stderr[-2000:]}")
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def _need_browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt) where it can")
    if not (ROOT / "explorer" / "dist" / "index.html").is_file():
        pytest.fail("the Explorer is not built: run `make explorer` (make test does)")


def _store_env(request, work: Path, wipe: bool = False) -> dict:
    """The environment of a service on the store `request.param` names (embedded: in `work`);
    with `wipe`, a Neo4j database emptied of earlier graphs and their kept versions."""
    env = {**os.environ}
    if request.param == "embedded":
        env["CONFLICTGRAPH_STORE"] = f"embedded:{work / 'graph'}"
        return env
    uri, user, password, database = request.getfixturevalue("neo4j_server")
    env.update(CONFLICTGRAPH_STORE=uri, NEO4J_USER=user, NEO4J_PASSWORD=password, NEO4J_DATABASE=database)
    if wipe:
        from conftest import wipe_neo4j
        from conflictgraph.graph.ontology import default_ontology
        from conflictgraph.graph.store.neo4j_store import Neo4jStore
        with Neo4jStore(uri, default_ontology(), user=user, password=password, database=database) as store:
            wipe_neo4j(store)
    return env


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def journeys(request, tmp_path_factory):
    """{journey name: its result}, all journeys run once against a service on this store."""
    _need_browser()
    env = _store_env(request, tmp_path_factory.mktemp("explorer"))
    subprocess.run([*CLI, "load"], env=env, check=True, capture_output=True, timeout=600)
    return _run_journeys(env, SHOTS / request.param)


@pytest.fixture(scope="module")
def synthetic_journeys(tmp_path_factory):
    """The large-view journeys, against a synthetic graph of 60 actors and 1,000 relations on
    the embedded store (what they check is the page's own; the store is not in question)."""
    _need_browser()
    work = tmp_path_factory.mktemp("explorer-synthetic")
    env = {**os.environ, "CONFLICTGRAPH_STORE": f"embedded:{work / 'graph'}"}
    subprocess.run([*CLI, "synth", "--actors", "60", "--relations", "1000", "--seed", "1", "--out", str(work / "seed")],
                   env=env, check=True, capture_output=True, timeout=600)
    subprocess.run([*CLI, "load", str(work / "seed")], env=env, check=True, capture_output=True, timeout=600)
    return _run_journeys(env, SHOTS / "synthetic", "synthetic")


@pytest.fixture(scope="module")
def opensanctions_journeys(tmp_path_factory):
    """The journeys of a listed company's network, against the Libya seed with the
    OpenSanctions fixture export imported (tests/test_import_opensanctions.py), embedded store."""
    from test_import_opensanctions import fixture_entities

    import orjson

    from conflictgraph.graph.paths import SEED_DIR
    _need_browser()
    work = tmp_path_factory.mktemp("explorer-opensanctions")
    seeds = work / "seed"
    shutil.copytree(SEED_DIR, seeds)
    export = work / "entities.ftm.json"
    export.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in fixture_entities()))
    env = {**os.environ, "CONFLICTGRAPH_STORE": f"embedded:{work / 'graph'}"}
    subprocess.run([*CLI, "import", "opensanctions", str(export), "--seeds", str(seeds)], env=env, check=True,
                   capture_output=True, timeout=600)
    subprocess.run([*CLI, "load", str(seeds)], env=env, check=True, capture_output=True, timeout=600)
    return _run_journeys(env, SHOTS / "opensanctions", "opensanctions")


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def versions_journeys(request, tmp_path_factory):
    """The journeys of a cited version, on each store: version A is the Libya seed, version B
    the seed with the ACLED-layout fixture imported (tests/test_import_acled.py: Kaniyat's
    events around Tarhuna, so a view of Kaniyat changes between the two)."""
    from conflictgraph.graph.paths import SEED_DIR
    _need_browser()
    work = tmp_path_factory.mktemp("explorer-versions")
    seeds = work / "seed"
    shutil.copytree(SEED_DIR, seeds)
    env = _store_env(request, work, wipe=True)
    subprocess.run([*CLI, "load", str(seeds)], env=env, check=True, capture_output=True, timeout=600)
    acled = ROOT / "tests" / "fixtures" / "acled" / "acled-layout-libya.csv"
    subprocess.run([*CLI, "import", "acled", str(acled), "--seeds", str(seeds), "--version", "fixture"], env=env,
                   check=True, capture_output=True, timeout=600)
    subprocess.run([*CLI, "load", str(seeds)], env=env, check=True, capture_output=True, timeout=600)
    return _run_journeys(env, SHOTS / f"versions-{request.param}", "versions")


@pytest.mark.parametrize("name", VERSIONS_NAMES)
def test_versions_journey(versions_journeys, name):
    assert name in versions_journeys, f"{name} did not run"
    result = versions_journeys[name]
    assert result["ok"], f"{name}: {result.get('error')} (screenshot: {result['screenshot']})"


@pytest.mark.parametrize("name", OPENSANCTIONS_NAMES)
def test_opensanctions_journey(opensanctions_journeys, name):
    assert name in opensanctions_journeys, f"{name} did not run"
    result = opensanctions_journeys[name]
    assert result["ok"], f"{name}: {result.get('error')} (screenshot: {result['screenshot']})"


@pytest.mark.parametrize("name", SYNTHETIC_NAMES)
def test_large_view_journey(synthetic_journeys, name):
    assert name in synthetic_journeys, f"{name} did not run"
    result = synthetic_journeys[name]
    assert result["ok"], f"{name}: {result.get('error')} (screenshot: {result['screenshot']})"


@pytest.mark.parametrize("name", NAMES)
def test_journey(journeys, name):
    assert name in journeys, f"{name} did not run"
    result = journeys[name]
    assert result["ok"], f"{name}: {result.get('error')} (screenshot: {result['screenshot']})"
    assert Path(result["screenshot"]).is_file()


def test_at_least_twelve_journeys_run():
    assert len(NAMES) >= 12, NAMES


def test_the_downloaded_view_is_gexf_our_validator_accepts(journeys):
    path = Path(journeys["export-gexf-download"]["detail"]["file"])
    root = ElementTree.parse(path).getroot()
    assert root.tag == "{http://gexf.net/1.3}gexf"
    ids = {n.get("id") for n in root.iter("{http://gexf.net/1.3}node")}
    assert {"kaniyat", "usa", "haftar-forces"} <= ids
    validator = SHARED / "tools" / "validate_gexf.py"
    if not validator.is_file():
        pytest.skip(f"{validator} is not here (the shared folder lives beside a CI checkout, not in a user's clone)")
    check = subprocess.run([sys.executable, str(validator), str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
