"""Analytics run in a child bounded in time and memory, abandoned when the client leaves,
and kept per published graph and filter."""
from __future__ import annotations

import os
import time

import pytest
from procs import children

from conflictgraph.graph.bounded import run_bounded
from conflictgraph.graph.errors import (AnalyticsError, ComputationCancelled, ComputationCrashed, ComputationTimeout,
                                       ComputationTooLarge, ComputationUnavailable)
from conflictgraph.graph.dataset import read_dataset
from conflictgraph.graph.service import GraphService, RelationFilter


def _children() -> set[int]:
    return set(children(os.getpid()))


def _spin():
    while True:
        pass


def test_the_answer_comes_back():
    graph = {"nodes": list(range(5))}
    assert run_bounded(lambda g, k: sum(g["nodes"]) * k, (graph, 2), timeout_s=30, memory_mb=256) == 20


def test_past_the_time_limit_it_is_stopped_and_gone():
    before = _children()
    with pytest.raises(ComputationTimeout, match=r"ran past the server's time limit \(0.5 s\)"):
        run_bounded(_spin, (), timeout_s=0.5, memory_mb=256, what="the spin analysis")
    assert _children() == before


def test_past_the_memory_limit_it_says_so():
    with pytest.raises(ComputationTooLarge, match=r"needs more memory than the server allows \(64 MiB\)"):
        run_bounded(lambda: bytearray(512 << 20), (), timeout_s=30, memory_mb=64)


def test_a_caller_that_goes_away_stops_it():
    before = _children()
    started = time.monotonic()
    with pytest.raises(ComputationCancelled):
        run_bounded(_spin, (), timeout_s=60, memory_mb=256, cancelled=lambda: time.monotonic() - started > 0.5)
    assert _children() == before


def test_a_crash_is_reported_as_a_crash_not_a_timeout():
    with pytest.raises(ComputationCrashed, match="crashed"):
        run_bounded(os.abort, (), timeout_s=30, memory_mb=256)


def test_a_fork_the_system_refuses_is_a_503_saying_so_not_a_crash():
    # Reproduces what a service met after many engine reads: a process whose private,
    # writable address space is larger than the machine, which Linux (heuristic
    # overcommit) will not fork. Each 16 GiB mapping alone is allowed; the fork is not.
    import mmap
    page = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    held = []
    try:
        try:
            while sum(len(m) for m in held) < 3 * page:
                held.append(mmap.mmap(-1, 16 << 30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS,
                                      prot=mmap.PROT_READ | mmap.PROT_WRITE))
        except OSError:
            pytest.skip("this system refuses large private mappings (strict overcommit): a fork "
                        "cannot be made to fail this way here")
        with pytest.raises(ComputationUnavailable, match=r"could not start the census \(.+\); try again later"):
            run_bounded(lambda: 1, (), timeout_s=30, memory_mb=256, what="the census")
    finally:
        for m in held:
            m.close()
    assert run_bounded(lambda: 1, (), timeout_s=30, memory_mb=256) == 1   # and works again after


def test_the_computation_s_own_errors_pass_through():
    def refuse():
        raise AnalyticsError("metric must be one of degree")
    with pytest.raises(AnalyticsError, match="metric must be one of degree"):
        run_bounded(refuse, (), timeout_s=30, memory_mb=256)


def test_answers_are_kept_per_graph_version_and_filter(embedded_store, mini_dir, seed_dataset):
    embedded_store.load(read_dataset(mini_dir))
    svc = GraphService(embedded_store)
    first = svc.analyse("centrality", RelationFilter(), "degree", 20)
    assert svc.analyse("centrality", RelationFilter(), "degree", 20) is first          # kept
    other = svc.analyse("centrality", RelationFilter(types=["BACKS"]), "degree", 20)  # another filter
    assert other is not first and other["relations_used"] == {"BACKS": 1}
    embedded_store.load(seed_dataset)                                                  # a new version
    again = svc.analyse("centrality", RelationFilter(), "degree", 20)
    assert again is not first and len(again["ranking"]) > len(first["ranking"])


def test_a_timed_out_question_is_not_computed_again_on_the_same_graph(embedded_store, seed_dataset,
                                                                     tmp_path, monkeypatch):
    embedded_store.load(seed_dataset)
    svc = GraphService(embedded_store, analytics_timeout_s=0.3)
    runs = tmp_path / "runs"

    def slow_blocs(graph, ontology):
        with open(runs, "a") as fh:   # the child's only way to tell us it ran
            fh.write("ran\n")
        _spin()
    monkeypatch.setattr("conflictgraph.graph.analytics.blocs", slow_blocs)
    for _ in range(2):
        with pytest.raises(ComputationTimeout):
            svc.analyse("blocs", RelationFilter())
    assert runs.read_text() == "ran\n"   # the second answer came from what was kept
