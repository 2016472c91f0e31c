"""Large JSON Lines relation files are checked and staged by worker processes. What a user
relies on: the graph stored is exactly the one the sequential path stores, and a seed set
with problems is refused with exactly the problems `validate` lists, nothing published."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conflictgraph.graph.dataset import SeedSet
from conflictgraph.graph.store import relation_workers
from conflictgraph.graph.store.embedded import EmbeddedStore
from conflictgraph.graph.store.relation_workers import RelationWorkers, WorkerFailed, byte_ranges
from conflictgraph.graph.synth import generate
from conflictgraph.graph.errors import ValidationFailed

DUMP = """MATCH (a:Actor)-[r]->(b:Actor)
RETURN label(r), a.id, b.id, r.id, r.start_date, r.start_precision, r.end_date, r.end_precision,
       r.confidence, r.status, r.attributed_to, r.location, r.notes, r.evidence_json, r.document_ids
ORDER BY r.id"""


@pytest.fixture(scope="module")
def seeds(tmp_path_factory, ontology) -> Path:
    folder = tmp_path_factory.mktemp("parallel") / "seeds"
    generate(400, 3000, seed=5, out=folder, ontology=ontology)
    return folder


@pytest.fixture
def small_ranges(monkeypatch):
    """Ranges of a few kilobytes, so a small file is shared out as in a large load."""
    monkeypatch.setattr(relation_workers, "MIN_RANGE_BYTES", 4096)


def make(folder: Path, ontology, workers: int) -> EmbeddedStore:
    store = EmbeddedStore(folder, ontology, buffer_pool_mb=256, projection=False, load_workers=workers)
    store.parallel_load_min_bytes = 0
    return store


def dump(store: EmbeddedStore) -> list:
    return [tuple(row) for row in store.query(DUMP).rows]


def used_workers(monkeypatch) -> list:
    """Records what each RelationWorkers.result() returned (the real method still runs)."""
    outcomes = []
    real = RelationWorkers.result

    def result(self):
        out = real(self)
        outcomes.append(out)
        return out
    monkeypatch.setattr(RelationWorkers, "result", result)
    return outcomes


def test_byte_ranges_cover_every_line_once(seeds, small_ranges):
    f = seeds / "relations.jsonl"
    ranges = byte_ranges([f], workers=2)
    assert len(ranges) > 10
    data = f.read_bytes()
    assert ranges[0][1] == 0 and ranges[-1][2] == len(data)
    for (_, _, end), (_, start, _) in zip(ranges, ranges[1:]):
        assert end == start and data[end - 1:end] == b"\n"
    assert b"".join(data[s:e] for _, s, e in ranges) == data


def test_workers_store_exactly_what_the_sequential_path_stores(tmp_path, seeds, ontology,
                                                              small_ranges, monkeypatch):
    outcomes = used_workers(monkeypatch)
    sequential, parallel = make(tmp_path / "seq", ontology, 1), make(tmp_path / "par", ontology, 2)
    try:
        seq_report = sequential.load(SeedSet(seeds, ontology))
        assert outcomes == []
        source = SeedSet(seeds, ontology)
        par_report = parallel.load(source)
        assert len(outcomes) == 1 and outcomes[0] is not None
        assert sum(len(files) for files in outcomes[0].files.values()) > 20  # many ranges, many files
        assert par_report.counts == seq_report.counts and par_report.relations_by_type == seq_report.relations_by_type
        assert source.counts() == seq_report.counts
        rows = dump(parallel)
        assert len(rows) == 3000
        assert rows == dump(sequential)
        # Type-specific properties too: every column of every relation table.
        for table in ontology.relation_types:
            q = f"MATCH ()-[r:{table}]->() RETURN r ORDER BY r.id"
            assert [str(r) for r in parallel.query(q).rows] == [str(r) for r in sequential.query(q).rows]
        assert not any(p.name.startswith("staging") for p in (tmp_path / "par").rglob("*"))
    finally:
        sequential.close()
        parallel.close()


def break_line(path: Path, line: int, change) -> None:
    lines = path.read_text().splitlines(keepends=True)
    lines[line] = change(lines[line])
    path.write_text("".join(lines))


def with_field(field: str, value):
    def change(line: str) -> str:
        record = json.loads(line)
        record[field] = value
        return json.dumps(record) + "\n"
    return change


@pytest.mark.parametrize("line, change", [
    (2500, with_field("source", "no-such-actor")),       # only the full check explains it
    (1700, lambda line: line[:20] + "\n"),                # not JSON
    (2999, "the first record's id"),                      # a duplicate in another range
    (10, with_field("confidence", "certain")),
], ids=["unknown-actor", "bad-json", "duplicate-id", "bad-enum"])
def test_a_problem_anywhere_is_reported_as_validate_reports_it(tmp_path, seeds, ontology, small_ranges,
                                                              monkeypatch, line, change):
    folder = tmp_path / "seeds"
    shutil.copytree(seeds, folder)
    if change == "the first record's id":
        change = with_field("id", json.loads((folder / "relations.jsonl").read_text().splitlines()[0])["id"])
    break_line(folder / "relations.jsonl", line, change)
    expected = SeedSet(folder, ontology).check()
    assert len(expected) >= 1

    outcomes = used_workers(monkeypatch)
    store = make(tmp_path / "graph", ontology, 2)
    try:
        with pytest.raises(ValidationFailed) as failed:
            store.load(SeedSet(folder, ontology))
        assert outcomes == [None]  # the workers gave up; the sequential path reported
        assert failed.value.problems == expected
        assert f"relations[{line}]" in str(failed.value)
        assert store.current_generation() is None
        assert not (tmp_path / "graph" / "generations").exists() or \
            not any((tmp_path / "graph" / "generations").iterdir())
    finally:
        store.close()


def test_a_failing_worker_is_an_error_not_a_silent_fallback(tmp_path, seeds, ontology, small_ranges):
    source = SeedSet(seeds, ontology)
    folder = tmp_path / "staging"
    folder.mkdir()
    (folder / "FIGHTS.00003.parquet").mkdir()  # the worker cannot write its file there
    workers = RelationWorkers(source.parallel_relation_files(), ontology, *source.validator.fast_check_inputs(),
                              folder=folder, workers=2)
    with pytest.raises(WorkerFailed, match="a loader worker failed.*Is a directory"):
        workers.result()
    assert not folder.exists()


def test_yaml_relations_take_the_sequential_path(tmp_path, mini_dir, ontology):
    assert SeedSet(mini_dir, ontology).parallel_relation_files() is None
