"""Shared fixtures. Stores are real databases on disk in a temporary folder; no mocks."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.dataset import read_dataset
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


@pytest.fixture
def embedded_store(tmp_path, ontology):
    store = EmbeddedStore(tmp_path / "graph", ontology, buffer_pool_mb=256)
    yield store
    store.close()


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory, ontology):
    """The Libya seed data loaded once into a real embedded store, for read-only tests."""
    store = EmbeddedStore(tmp_path_factory.mktemp("libya") / "graph", ontology, buffer_pool_mb=256)
    store.load(read_dataset(SEED_DIR))
    yield store
    store.close()
