"""Shared fixtures. Stores are real databases on disk in a temporary folder; no mocks."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from graph.dataset import read_dataset
from graph.models import Dataset
from graph.ontology import default_ontology
from graph.paths import SEED_DIR
from graph.store.embedded import EmbeddedStore

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
# graph questions from its in-memory projection, and with Cypher as Neo4j does), and Neo4j
# whenever NEO4J_URI points at a server (e.g. the one `docker compose up neo4j` starts).
STORE_KINDS = ["embedded", "embedded-cypher", "neo4j"]


def make_store(kind: str, folder: Path, ontology):
    if kind.startswith("embedded"):
        return EmbeddedStore(folder / "graph", ontology, buffer_pool_mb=256,
                             projection=kind == "embedded")
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip("NEO4J_URI is not set: the Neo4j variant of the store contract runs only "
                    "against a live Neo4j server (README: 'Testing against Neo4j')")
    from graph.store.neo4j_store import Neo4jStore
    store = Neo4jStore(uri, ontology, user=os.environ.get("NEO4J_USER", "neo4j"),
                       password=os.environ.get("NEO4J_PASSWORD", ""),
                       database=os.environ.get("NEO4J_DATABASE", "neo4j"))
    store.load(Dataset())  # every test starts from an empty graph
    return store


@pytest.fixture(params=STORE_KINDS)
def store(request, tmp_path, ontology):
    """An empty store of each kind."""
    s = make_store(request.param, tmp_path, ontology)
    yield s
    s.close()


@pytest.fixture(scope="module", params=STORE_KINDS)
def loaded_store(request, tmp_path_factory, ontology):
    """The Libya seed data loaded once into a store of each kind, for read-only tests."""
    s = make_store(request.param, tmp_path_factory.mktemp("libya"), ontology)
    s.load(read_dataset(SEED_DIR))
    yield s
    s.close()


@pytest.fixture
def embedded_store(tmp_path, ontology):
    """For what only the embedded store has: generations on disk, the single-writer lock."""
    store = EmbeddedStore(tmp_path / "graph", ontology, buffer_pool_mb=256)
    yield store
    store.close()
