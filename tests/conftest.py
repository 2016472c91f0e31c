"""Shared fixtures. Stores are real databases on disk in a temporary folder; no mocks."""
from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conflictgraph.api.app import create_app
from conflictgraph.graph.dataset import read_dataset
from conflictgraph.graph.models import Dataset
from conflictgraph.graph.ontology import default_ontology
from conflictgraph.graph.paths import SEED_DIR
from conflictgraph.graph.settings import Settings
from conflictgraph.graph.store.embedded import EmbeddedStore

FIXTURES = Path(__file__).parent / "fixtures"
# CI and developers have the project's shared folder beside the checkout.
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def ontology():
    return default_ontology()


@pytest.fixture(scope="session")
def seed_dataset():
    return read_dataset(SEED_DIR)


@pytest.fixture
def mini_dir(tmp_path) -> Path:
    """A writable copy of a small valid seed set, for tests that break one thing in it."""
    dst = tmp_path / "seeds"
    shutil.copytree(FIXTURES / "mini", dst)
    return dst


# The contract suite runs against every store: the embedded one always, twice (answering
# graph questions from its in-memory projection, and with Cypher as Neo4j does), and Neo4j:
# the server NEO4J_URI points at, or else one this run starts itself from tools/neo4j
# (Neo4j Community, pinned) where Java and Maven are present.
STORE_KINDS = ["embedded", "embedded-cypher", "neo4j"]


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """(uri, user, password, database) of a Neo4j for this test run."""
    if os.environ.get("NEO4J_URI"):
        yield (os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
               os.environ.get("NEO4J_PASSWORD", ""), os.environ.get("NEO4J_DATABASE", "neo4j"))
        return
    from conflictgraph.graph.local_neo4j import LocalNeo4j, Neo4jNotAvailable, unavailable_reason
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"no Neo4j for the Neo4j variants: NEO4J_URI is not set and {reason}")
    try:
        server = LocalNeo4j.start(tmp_path_factory.mktemp("neo4j"))
    except Neo4jNotAvailable as e:
        pytest.fail(str(e))  # Java and Maven are here, so a failed start is a real failure
    yield server.uri, server.user, server.password, "neo4j"
    server.stop()


@pytest.fixture
def neo4j_cli_env(neo4j_server, monkeypatch) -> str:
    """The environment the `conflictgraph` command reads, pointed at this run's Neo4j."""
    uri, user, password, database = neo4j_server
    for name, value in (("CONFLICTGRAPH_STORE", uri), ("NEO4J_USER", user),
                        ("NEO4J_PASSWORD", password), ("NEO4J_DATABASE", database)):
        monkeypatch.setenv(name, value)
    return uri


def wipe_neo4j(store) -> None:
    """An empty Neo4j database: no graph and no kept versions of one (a test's own start)."""
    store._driver.execute_query("MATCH (n) DETACH DELETE n", database_=store.database)


def make_store(kind: str, folder: Path, ontology, request):
    if kind.startswith("embedded"):
        return EmbeddedStore(folder / "graph", ontology, buffer_pool_mb=256,
                             projection=kind == "embedded")
    uri, user, password, database = request.getfixturevalue("neo4j_server")
    from conflictgraph.graph.store.neo4j_store import Neo4jStore
    store = Neo4jStore(uri, ontology, user=user, password=password, database=database)
    # Every test starts from an empty database: no graph and no kept versions of one.
    wipe_neo4j(store)
    return store


@pytest.fixture(params=STORE_KINDS)
def store(request, tmp_path, ontology):
    """An empty store of each kind."""
    s = make_store(request.param, tmp_path, ontology, request)
    yield s
    s.close()


@pytest.fixture(scope="module", params=STORE_KINDS)
def loaded_store(request, tmp_path_factory, ontology):
    """The Libya seed data loaded once into a store of each kind, for read-only tests."""
    s = make_store(request.param, tmp_path_factory.mktemp("libya"), ontology, request)
    s.load(read_dataset(SEED_DIR))
    yield s
    s.close()


@pytest.fixture
def embedded_store(tmp_path, ontology):
    """For what only the embedded store has: generations on disk, the single-writer lock."""
    store = EmbeddedStore(tmp_path / "graph", ontology, buffer_pool_mb=256)
    yield store
    store.close()


@pytest.fixture(scope="module")
def api_settings():
    """The service's settings for API tests: research queries stop at 1.5 s, so the
    hostile-query tests run in seconds; a module may override this fixture."""
    return dataclasses.replace(Settings.from_env(), query_timeout_ms=1500, row_limit=10_000,
                               cors_origins=["http://localhost:5173"])


@pytest.fixture(scope="module")
def client(loaded_store, api_settings):
    """The HTTP API on the Libya seed, in each store kind (FastAPI's TestClient: the real app,
    its lifespan included, without a socket)."""
    with TestClient(create_app(store=loaded_store, settings=api_settings)) as c:
        yield c
