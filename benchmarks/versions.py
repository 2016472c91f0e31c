"""Versions (issue 30): what keeping them costs the current graph's readers, and how a pinned
read of an old version compares with a read of the current one.

    python -m benchmarks.versions [--actors 5000] [--relations 50000] [--kept 5] [--n 200] [--save]

On each store (embedded; Neo4j where Java and Maven are present), in one run:
1. baseline   the synthetic graph loaded once (one version), the service's calls timed:
              actor lookup, an actor's relations (1 hop), a filtered page of relations, a
              2-hop subgraph, a research query;
2. current    the same calls after `kept` more loads (each adds one document, so each is a
              new version and the first stays kept): keeping versions must not slow the
              current graph down (the issue: within noise);
3. pinned     the same calls pinned to the first version (the issue: within 2x of current).
Calls alternate between the sides in rounds, so drift of this noisy machine hits them alike
(the embedded baseline is a second store of one version holding the same files; Neo4j has
one database, so its baseline is the graph wiped and loaded once, measured after the rest);
medians and p99 over `n` calls each. Disk and load time of each version are reported.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from conflictgraph.graph.dataset import SeedSet
from conflictgraph.graph.ontology import default_ontology
from conflictgraph.graph.service import GraphService, RelationFilter
from conflictgraph.graph.store.embedded import EmbeddedStore
from conflictgraph.graph.synth import generate

from .report import replace_section
from .stats import percentiles

HERE = Path(__file__).resolve().parent
QUERY = "MATCH (a:Actor {id: $id})-[r]->(b:Actor) RETURN b.id, r.id LIMIT 50"   # both dialects


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def calls(svc: GraphService, store, actors: list[str], rnd: random.Random) -> dict:
    """One of each service call, on random actors: {name: fn}."""
    def pick():
        return rnd.choice(actors)
    return {
        "actor": lambda: svc.actor(pick()),
        "relations_1hop": lambda: svc.actor_relations(pick(), "both", RelationFilter(), 100, 0),
        "relations_page": lambda: svc.relations(RelationFilter(types=["BACKS", "FIGHTS"], since=None), 100, 0),
        "subgraph_2hop": lambda: svc.subgraph([pick()], 2, RelationFilter()),
        "research_query": lambda: store.research_query(QUERY, {"id": pick()}),
    }


def measure(sides: dict[str, tuple], n: int) -> dict:
    """{side: {call: percentiles}}, the sides' calls interleaved round by round."""
    samples: dict[str, dict[str, list[float]]] = {s: {} for s in sides}
    names = list(next(iter(sides.values()))[0].keys())
    for fns, _ in sides.values():     # warm each side up (projection, plans, pools)
        for fn in fns.values():
            for _ in range(5):
                fn()
    for _ in range(n):
        for side, (fns, _) in sides.items():
            for name in names:
                t = time.perf_counter()
                fns[name]()
                samples[side].setdefault(name, []).append((time.perf_counter() - t) * 1000)
    return {side: {name: percentiles(v) for name, v in calls_.items()} for side, calls_ in samples.items()}


def _load(store, seed_dir: Path, i: int, out: dict) -> None:
    """Load the seed, with one more document for i > 0 (each load a new version)."""
    nightly = seed_dir / "nightly.yaml"
    if i:
        nightly.write_text(f"documents:\n  - id: doc-nightly-{i}\n    title: Nightly document {i}\n",
                           encoding="utf-8")
    t = time.perf_counter()
    store.load(SeedSet(seed_dir, default_ontology()))
    out["loads"].append(round(time.perf_counter() - t, 2))


def _median(t: dict, name: str) -> float:
    return t[name]["median_ms"]


def run_store(kind: str, make_store, seed_dir: Path, kept: int, n: int, wipe=None) -> dict:
    """The embedded baseline is a second store of one version holding the same files,
    interleaved with the other two sides. Neo4j has one database: its baseline is measured
    before the kept versions are loaded and again after the graph is wiped and loaded once,
    and the mean of the two taken (their ratio shows this machine's drift)."""
    o = default_ontology()
    actors = [a.id for a in SeedSet(seed_dir, o).actors]
    rnd = random.Random(1)
    out: dict = {"store": kind, "loads": []}
    store = make_store("versions")
    try:
        _load(store, seed_dir, 0, out)
        first = store.version()
        if wipe is not None:
            before = measure({"baseline": (calls(GraphService(store), store, actors, rnd), None)}, n)["baseline"]
        for i in range(1, kept + 1):
            _load(store, seed_dir, i, out)
        pinned = store.at(first)
        sides = {"current": (calls(GraphService(store), store, actors, rnd), None),
                 "pinned": (calls(GraphService(pinned), pinned, actors, rnd), None)}
        if wipe is None:
            single = make_store("baseline")
            single.load(SeedSet(seed_dir, o))        # the same files: the same graph as `current`
            timings = measure({"baseline": (calls(GraphService(single), single, actors, rnd), None), **sides}, n)
            single.close()
            out["versions"] = [{k: v.get(k) for k in ("id", "seq", "disk_bytes", "current")} for v in store.versions()]
        else:
            timings = measure(sides, n)
            wipe(store)
            store.load(SeedSet(seed_dir, o))
            after = measure({"baseline": (calls(GraphService(store), store, actors, rnd), None)}, n)["baseline"]
            timings["baseline"] = {name: {**before[name], "median_ms": round((before[name]["median_ms"] +
                                                                             after[name]["median_ms"]) / 2, 3),
                                          "p99_ms": round((before[name]["p99_ms"] + after[name]["p99_ms"]) / 2, 3)}
                                   for name in before}
            out["baseline_drift"] = {name: round(after[name]["median_ms"] / before[name]["median_ms"], 2)
                                     for name in before}
        (seed_dir / "nightly.yaml").unlink(missing_ok=True)
        out["timings"] = timings
        out["ratios"] = {name: {"current_vs_baseline": round(_median(timings["current"], name) /
                                                             _median(timings["baseline"], name), 2),
                                "pinned_vs_current": round(_median(timings["pinned"], name) /
                                                           _median(timings["current"], name), 2)}
                         for name in timings["baseline"]}
    finally:
        store.close()
    return out


def _wipe_neo4j(store) -> None:
    with store._driver.session(database=store.database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--actors", type=int, default=5_000)
    ap.add_argument("--relations", type=int, default=50_000)
    ap.add_argument("--kept", type=int, default=5)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--save", action="store_true")
    args = ap.parse_args()
    o = default_ontology()
    work = Path(tempfile.mkdtemp(prefix="cg-bench-versions-"))
    seed_dir = work / "seeds"
    generate(args.actors, args.relations, 7, seed_dir, o)
    results = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "actors": args.actors,
               "relations": args.relations, "kept": args.kept, "n": args.n, "stores": []}
    try:
        log("embedded")
        results["stores"].append(run_store("embedded", lambda name: EmbeddedStore(work / name, o), seed_dir,
                                           args.kept, args.n))
        try:
            from conflictgraph.graph.local_neo4j import LocalNeo4j, Neo4jNotAvailable
            from conflictgraph.graph.store.neo4j_store import Neo4jStore
            server = LocalNeo4j.start(work / "neo4j", heap="2g", page_cache="1g", tx_memory="2g")
        except (ImportError, Neo4jNotAvailable) as e:
            log(f"Neo4j skipped: {e}")
        else:
            try:
                log("neo4j")
                results["stores"].append(run_store(
                    "neo4j", lambda name: Neo4jStore(server.uri, o, user=server.user, password=server.password,
                                                     max_tx_records=10**7, query_timeout_ms=60_000),
                    seed_dir, args.kept, args.n,
                    wipe=_wipe_neo4j))
            finally:
                server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=2))
    if args.save:
        (HERE / "results-versions.json").write_text(json.dumps(results, indent=2) + "\n")
        replace_section("## Versions", render(results))


def render(r: dict) -> str:
    lines = [f"## Versions: keeping them, and reading an old one ({r['date']})", "",
             f"A synthetic graph of {r['actors']:,} actors and {r['relations']:,} relations loaded once (the "
             f"baseline: one version), then {r['kept']} more times (each adds a document: a new version; all "
             f"kept), the service's calls timed on the current graph and pinned to the first version, "
             f"{r['n']} calls of each, the sides interleaved (`python -m benchmarks.versions`). Budget: "
             "current within noise of the baseline; pinned within 2x of current.", ""]
    for s in r["stores"]:
        lines += [f"**{s['store']}** (loads: {', '.join(f'{x} s' for x in s['loads'])})", "",
                  "| call | baseline median / p99 ms | current with versions kept | pinned to the first | "
                  "current / baseline | pinned / current |", "| --- | --- | --- | --- | --- | --- |"]
        for name, ratio in s["ratios"].items():
            t = s["timings"]
            cell = lambda side: f"{t[side][name]['median_ms']} / {t[side][name]['p99_ms']}"  # noqa: E731
            lines.append(f"| {name} | {cell('baseline')} | {cell('current')} | {cell('pinned')} | "
                         f"{ratio['current_vs_baseline']}x | {ratio['pinned_vs_current']}x |")
        if s.get("baseline_drift"):
            lines += ["", "Baseline drift (the same graph measured before and after, after/before medians): " +
                      ", ".join(f"{k} {v}x" for k, v in s["baseline_drift"].items()) + "."]
        disk = [v["disk_bytes"] for v in s.get("versions", []) if v.get("disk_bytes")]
        if disk:
            lines += ["", f"Disk per version: {min(disk) / 2**20:.1f}-{max(disk) / 2**20:.1f} MB "
                          f"({len(disk)} kept, {sum(disk) / 2**20:.1f} MB in all)."]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
