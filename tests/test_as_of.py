"""The as_of rule has one Python definition (graph/dates.py) and one Cypher fragment
(cypher/fragments/valid_on.cypher): both are asked the same cases here, the fragment on
every store (through the API's relation filter and the path search) and the Python rule
through the projection, which applies it to day keys."""
from __future__ import annotations

from datetime import date

import pytest

from conflictgraph.graph.dates import PartialDate, valid_on
from conflictgraph.graph.models import Actor, Dataset, Document, Evidence, Relation
from conflictgraph.graph.service import GraphService, RelationFilter

from conftest import STORE_KINDS, make_store

# (start, end, day, holds)
CASES = [
    (None, None, "1900-01-01", True),              # unknown bounds exclude nothing
    ("2020-11", None, "2020-11-01", True),          # a month starts on its first day
    ("2020-11", None, "2020-10-31", False),
    (None, "2019-04", "2019-04-30", True),          # ...and ends on its last
    (None, "2019-04", "2019-05-01", False),
    ("2019", "2019", "2019-12-31", True),           # a year, both ways
    ("2019", "2019", "2020-01-01", False),
    ("2019", "2019", "2018-12-31", False),
    ("2020-02-29", "2020-02-29", "2020-02-29", True),   # a single day
    ("2020-02-29", "2020-02-29", "2020-03-01", False),
    ("2019-04-15", "2020-06", "2020-06-30", True),  # mixed precisions
    ("2019-04-15", "2020-06", "2019-04-14", False),
]


def _dataset() -> Dataset:
    ev = [Evidence("doc", 1, "a test case")]
    actors = [Actor(f"a{i}", f"A{i}", "state") for i in range(len(CASES) + 1)]
    relations = [Relation(f"r{i:02d}", "BACKS", f"a{i}", f"a{i + 1}", "high", "reported", ev,
                          start=PartialDate.parse(s) if s else None, end=PartialDate.parse(e) if e else None)
                 for i, (s, e, _, _) in enumerate(CASES)]
    return Dataset(actors=actors, relations=relations, documents=[Document("doc", "Test")])


def test_the_python_rule():
    for start, end, day, holds in CASES:
        got = valid_on(PartialDate.parse(start) if start else None, PartialDate.parse(end) if end else None,
                       date.fromisoformat(day))
        assert got is holds, (start, end, day)


@pytest.fixture(scope="module", params=STORE_KINDS)
def service(request, tmp_path_factory, ontology):
    store = make_store(request.param, tmp_path_factory.mktemp("as-of"), ontology, request)
    store.load(_dataset())
    yield GraphService(store)
    store.close()


@pytest.mark.parametrize("i", range(len(CASES)))
def test_the_stores_apply_the_same_rule(service, i):
    start, end, day, holds = CASES[i]
    rels, _ = service.relations(RelationFilter(as_of=day, source=f"a{i}"), 10, 0)
    assert (f"r{i:02d}" in {r["id"] for r in rels}) is holds, (start, end, day)
    # The path search asks the fragment inside its own pattern: the one-hop path exists
    # on exactly the days the relation holds.
    paths = service.paths(f"a{i}", f"a{i + 1}", max_hops=1, as_of=day)
    assert bool(paths) is holds, (start, end, day)
