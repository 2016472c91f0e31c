"""python -m benchmarks [--size default|large] [--workdir DIR] [--skip-http]"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import ladybug
import networkx as nx

from conflictgraph.graph.dataset import SeedSet
from conflictgraph.graph.export import FORMATS
from conflictgraph.graph.gc_tuning import tune_for_answering
from conflictgraph.graph.ontology import default_ontology
from conflictgraph.graph.service import GraphService, RelationFilter
from conflictgraph.graph.store.embedded import EmbeddedStore
from conflictgraph.graph.store.embedded_schema import StagingArea, stage_relations
from conflictgraph.graph.records import DOCUMENT_COLUMNS, STORED_ACTOR_COLUMNS, actor_stored_row, document_row
from conflictgraph.graph.synth import generate

from . import queries
from .report import replace_section
from .stats import concurrent, rss_peak_mb

HERE = Path(__file__).resolve().parent
SIZES = {"default": (10_000, 100_000), "large": (100_000, 1_000_000)}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem = next((int(line.split()[1]) // 1024 for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem, "python": platform.python_version(),
            "ladybug": ladybug.__version__, "networkx": nx.__version__, "platform": platform.platform()}


def stage_raw(seed_dir: Path, folder: Path) -> None:
    """The exact rows our loader stages, as one Parquet file per table, for the raw COPY."""
    o = default_ontology()
    src = SeedSet(seed_dir, o)
    staging = StagingArea(folder)
    staging.add("Document", [document_row(d) for d in src.documents], DOCUMENT_COLUMNS)
    staging.add("Actor", [actor_stored_row(a) for a in src.actors], STORED_ACTOR_COLUMNS)
    for batch in src.relation_batches(50_000):
        stage_relations(staging, batch, o)
    staging.finish()


def child(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.load_child", *args], capture_output=True,
                         text=True, cwd=HERE.parent, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_load(seed_dir: Path, work: Path, repeats: int) -> tuple[dict, Path]:
    """Our loader and the raw COPY, alternated `repeats` times; the best run of each counts
    (this machine's COPY alone varies by ±20% from one run to the next)."""
    store_dir = work / "store"
    parquet = work / "raw-parquet"
    shutil.rmtree(parquet, ignore_errors=True)
    log("load: staging Parquet for the raw baseline (not timed)")
    stage_raw(seed_dir, parquet)
    raw_db = work / "raw.lbug"
    runs: dict[str, list[dict]] = {"ours": [], "raw_copy": []}
    for i in range(repeats):
        shutil.rmtree(store_dir, ignore_errors=True)
        log(f"load {i + 1}/{repeats}: ours (conflictgraph load path)")
        runs["ours"].append(child("ours", str(seed_dir), str(store_dir)))
        for p in work.glob("raw.lbug*"):
            p.unlink()
        log(f"load {i + 1}/{repeats}: raw COPY baseline")
        runs["raw_copy"].append(child("raw", str(parquet), str(raw_db)))
    result = {}
    for k, v in runs.items():
        best = min(v, key=lambda r: r["seconds"])
        result[k] = {**best, "relations_per_s": round(best["relations"] / best["seconds"]),
                     "all_seconds": [r["seconds"] for r in v],
                     "peak_rss_mb": max(r["peak_rss_mb"] for r in v)}
    ours = result["ours"]
    ours["worker_peak_rss_mb"] = max(r.get("worker_peak_rss_mb", 0) for r in runs["ours"])
    # Main process plus every worker at its own peak at once: an upper bound.
    ours["total_peak_rss_mb_bound"] = round(ours["peak_rss_mb"] + ours["workers"] * ours["worker_peak_rss_mb"], 1)
    result["ratio_ours_to_raw_throughput"] = round(result["ours"]["relations_per_s"] /
                                                   result["raw_copy"]["relations_per_s"], 3)
    return result, store_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_http(store_dir: Path, work: Path, g: nx.MultiDiGraph, direct: dict, concurrency: int, n: int) -> dict:
    # A seed of median degree, and a path target, for the endpoints under load.
    by_degree = sorted(g.nodes, key=lambda a: (g.degree(a), a))
    seed = by_degree[len(by_degree) // 2]
    target = by_degree[len(by_degree) // 3]
    store = EmbeddedStore(store_dir, default_ontology())
    svc = GraphService(store)
    small = json.dumps(svc.actor(seed)).encode()
    # The same calls the endpoints make, from `concurrency` threads in this process: what
    # HTTP adds is the difference.
    log(f"http: direct baseline, {concurrency} threads x {n} calls per endpoint")
    calls = {"actor_by_id": lambda: svc.actor(seed),
             "one_hop_relations": lambda: svc.actor_relations(seed, "both", RelationFilter(), 100, 0),
             "two_hop_subgraph": lambda: svc.subgraph([seed], 2),
             "shortest_paths": lambda: svc.paths(seed, target, 4)}
    for call in calls.values():
        call()
    in_process = {name: concurrent(call, concurrency, n) for name, call in calls.items()}
    store.close()
    floor = work / "floor.json"
    floor.write_bytes(small)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "benchmarks.server", f"embedded:{store_dir}", str(port),
                               str(floor)], cwd=HERE.parent)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        paths = ["floor|/_floor", f"actor_by_id|/actors/{seed}",
                 f"one_hop_relations|/actors/{seed}/relations?limit=100",
                 f"two_hop_subgraph|/subgraph?seeds={seed}&depth=2",
                 f"shortest_paths|/paths?source={seed}&target={target}&max_hops=4"]
        log(f"http: {concurrency} clients x {n} requests per endpoint")
        out = subprocess.run([sys.executable, "-m", "benchmarks.http_load", base, str(concurrency), str(n), *paths],
                             capture_output=True, text=True, cwd=HERE.parent, check=True)
        result = json.loads(out.stdout)
        result["service_peak_rss_mb"] = rss_peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    floor_rps = result["floor"]["throughput_rps"]
    for name in ("actor_by_id", "one_hop_relations", "two_hop_subgraph", "shortest_paths"):
        r = result[name]
        r["throughput_vs_floor"] = round(r["throughput_rps"] / floor_rps, 3)
        r["direct_concurrent"] = in_process[name]
        r["p99_vs_direct_concurrent_p99"] = round(r["p99_ms"] / max(in_process[name]["p99_ms"], 1e-6), 2)
        if name in direct:
            r["p99_vs_direct_store_p99"] = round(r["p99_ms"] / max(direct[name]["store"]["p99_ms"], 1e-6), 2)
    result["seed"], result["target"] = seed, target
    return result


def bench_export(store_dir: Path, g: nx.MultiDiGraph) -> dict:
    store = EmbeddedStore(store_dir, default_ontology())
    svc = GraphService(store)
    by_degree = sorted(g.nodes, key=lambda a: (g.degree(a), a))
    seed = by_degree[len(by_degree) // 2]
    out = {}
    svc.whole_graph_tables()   # the projection is built once per generation: not an export cost
    for label, build in (("two_hop", lambda: svc.subgraph([seed], 2)), ("whole_graph", svc.whole_graph)):
        t = time.perf_counter()
        graph = build()
        fetched = time.perf_counter() - t
        out[label] = {"actors": len(graph["nodes"]), "relations": len(graph["edges"]),
                      "fetch_seconds": round(fetched, 3)}
        for fmt in ("gexf", "graphology"):
            t = time.perf_counter()
            if label == "whole_graph" and FORMATS[fmt].stream_tables is not None:
                # As GET /export and `conflictgraph export` do it: tables, then a stream.
                tables = svc.whole_graph_tables()
                size = sum(len(piece) for piece in FORMATS[fmt].stream_tables(*tables, svc.ontology))
                total = time.perf_counter() - t
            else:
                size = len(FORMATS[fmt].write(graph, svc.ontology))
                total = time.perf_counter() - t + fetched
            out[label][fmt] = {"total_seconds": round(total, 3), "mb": round(size / 1e6, 2)}
        del graph
    store.close()
    return out


def markdown(results: dict) -> str:
    m, load, q = results["machine"], results["load"], results["queries"]
    lines = [f"## {results['size'].capitalize()} size: {results['actors']:,} actors, "
             f"{results['relations']:,} relations", "",
             f"Measured {results['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_mb']:,} MB; "
             f"Python {m['python']}, LadybugDB {m['ladybug']}, networkx {m['networkx']}. "
             "Every figure has its baseline measured in the same run. Re-run: `make bench` "
             "(or `python -m benchmarks --size large`).", "",
             "### Load", "", "| path | seconds | relations/s | peak RSS MB |", "| --- | ---: | ---: | ---: |"]
    for k, label in (("ours", "`conflictgraph load` (parse, validate, stage, COPY, verify, publish)"),
                     ("raw_copy", "raw engine COPY of the same rows (baseline)")):
        v = load[k]
        runs = ", ".join(str(x) for x in v.get("all_seconds", [v["seconds"]]))
        lines.append(f"| {label} | {v['seconds']} (runs: {runs}) | {v['relations_per_s']:,} | {v['peak_rss_mb']} |")
    if "workers" in load["ours"]:
        o = load["ours"]
        lines += ["", f"The loader checked and staged relations in {o['workers']} worker processes, each at "
                  f"most {o['worker_peak_rss_mb']} MB; main process + every worker at its peak: at most "
                  f"{o['total_peak_rss_mb_bound']} MB. Best of the alternated runs counts."]
    if results.get("load_reused_from"):
        lines += ["", f"(Load figures from the run of {results['load_reused_from']}, same store: "
                  "this run was `--reuse-load`.)"]
    if results.get("queries_reused_from"):
        lines += ["", f"(Query latency figures from the run of {results['queries_reused_from']}; "
                  "this run re-measured HTTP and exports only, `--reuse-queries`.)"]
    lines += ["", f"Ours / raw throughput: **{load['ratio_ours_to_raw_throughput']}**", "",
              "### Query latency (ms, over random seed actors)", "",
              "Store: the service call the API handler makes (GraphService over the store interface; "
              "on the embedded store it answers from the generation's in-memory projection). Raw: the "
              "Cypher that returns the same rows, on a plain engine connection. networkx: the same "
              "question on an in-memory MultiDiGraph.", "",
              "| query | store median | p95 | p99 | raw engine median | p99 | store/raw (median) | networkx median | p99 |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, v in q.items():
        if name == "projection_build":
            continue
        s, r, x = v["store"], v["raw"], v["networkx"]
        lines.append(f"| {name} | {s['median_ms']} | {s['p95_ms']} | {s['p99_ms']} | {r['median_ms']} | "
                     f"{r['p99_ms']} | {v['store_vs_raw_median']} | {x['median_ms']} | {x['p99_ms']} |")
    two = q["two_hop_subgraph"]
    lines += ["", f"Projection of the generation, built once before the first query: "
              f"{q['projection_build']['seconds']} s, {q['projection_build']['mb']} MB of arrays.",
              "", f"2-hop subgraph, seeds whose 2-hop neighbourhood holds ≤ 1,000 relations: "
              f"median {two['store_small_neighbourhoods'].get('median_ms')} ms, p99 "
              f"{two['store_small_neighbourhoods'].get('p99_ms')} ms (n = {two['store_small_neighbourhoods']['n']}); "
              f"neighbourhood sizes: median {two['neighbourhood_relations']['median_ms']}, "
              f"p99 {two['neighbourhood_relations']['p99_ms']}, max {two['neighbourhood_relations']['max_ms']} relations."]
    if "http" in results:
        h = results["http"]
        lines += ["", f"### HTTP ({h['concurrency']} concurrent clients, {h['requests']} requests per endpoint, "
                  "load generator in a separate process)", "",
                  "Direct: the same service call from as many threads in one process (the store "
                  "call at the same concurrency); single: the one-client p99 of the query table.", "",
                  "| endpoint | requests/s | vs floor | median ms | p99 ms | direct requests/s | direct p99 ms "
                  "| p99 vs direct p99 | p99 vs single-client p99 |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for name in ("floor", "actor_by_id", "one_hop_relations", "two_hop_subgraph", "shortest_paths"):
            v = h[name]
            d = v.get("direct_concurrent", {})
            lines.append(f"| {name} | {v['throughput_rps']} | {v.get('throughput_vs_floor', 1.0)} | "
                         f"{v['median_ms']} | {v['p99_ms']} | {d.get('throughput_rps', '')} | {d.get('p99_ms', '')} | "
                         f"{v.get('p99_vs_direct_concurrent_p99', '')} | {v.get('p99_vs_direct_store_p99', '')} |")
        lines += ["", f"Service peak RSS: {h['service_peak_rss_mb']} MB."]
    e = results["export"]
    lines += ["", "### Export", "", "Whole-graph GEXF as `GET /export` streams it (tables from the projection, "
              "written in chunks); the rest from the API's relation dicts.", "",
              "| graph | actors | relations | format | seconds (fetch + write) | MB |",
              "| --- | ---: | ---: | --- | ---: | ---: |"]
    for label, v in e.items():
        for fmt in ("gexf", "graphology"):
            lines.append(f"| {label} | {v['actors']:,} | {v['relations']:,} | {fmt} | "
                         f"{v[fmt]['total_seconds']} | {v[fmt]['mb']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks")
    ap.add_argument("--size", choices=SIZES, default="default")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/conflictgraph-bench"))
    ap.add_argument("--queries", type=int, default=200, help="random seed actors per query class (>= 200)")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400, help="HTTP requests per endpoint")
    ap.add_argument("--skip-http", action="store_true")
    ap.add_argument("--load-repeats", type=int, default=2, help="alternated runs of our loader and the raw COPY")
    ap.add_argument("--reuse-load", action="store_true",
                    help="keep the store and load figures of the last run of this size (iterate on queries)")
    ap.add_argument("--reuse-queries", action="store_true",
                    help="with --reuse-load: keep the query figures too, re-measure HTTP and exports")
    ap.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from the results-*.json files")
    args = ap.parse_args()
    if args.report_only:
        write_report()
        return
    n_actors, n_relations = SIZES[args.size]
    work = args.workdir / args.size
    seed_dir = work / "seeds"
    if not (seed_dir / "relations.jsonl").exists():
        log(f"synth: {n_actors:,} actors, {n_relations:,} relations")
        generate(n_actors, n_relations, args.seed, seed_dir, default_ontology())
    results = {"size": args.size, "actors": n_actors, "relations": n_relations,
               "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine()}
    previous = HERE / f"results-{args.size}.json"
    prev = json.loads(previous.read_text()) if previous.exists() else {}
    if args.reuse_load and prev and (work / "store" / "CURRENT").exists():
        results["load"], store_dir = prev["load"], work / "store"
        results["load_reused_from"] = prev.get("load_reused_from", prev["date"])
    else:
        results["load"], store_dir = bench_load(seed_dir, work, args.load_repeats)
    log("queries: building the networkx baseline")
    g = queries.load_networkx(seed_dir)
    gc.freeze()  # out of every collection: see queries.run (the HTTP direct baseline runs here too)
    tune_for_answering()   # the collector as the service process sets it (api/app.py)
    if args.reuse_queries and "load_reused_from" in results:
        results["queries"] = prev["queries"]
        results["queries_reused_from"] = prev.get("queries_reused_from", prev["date"])
    else:
        store = EmbeddedStore(store_dir, default_ontology())
        log(f"queries: {args.queries} seeds per class")
        results["queries"] = queries.run(store, seed_dir, args.queries, args.seed, g)
        store.close()
    if not args.skip_http:
        results["http"] = bench_http(store_dir, work, g, results["queries"], args.concurrency, args.requests)
        results["http"].update({"concurrency": args.concurrency, "requests": args.requests})
    log("export")
    results["export"] = bench_export(store_dir, g)
    (HERE / f"results-{args.size}.json").write_text(json.dumps(results, indent=2) + "\n")
    write_report()
    print(markdown(results))


def write_report() -> None:
    """RESULTS.md: the latest run of every size (other benchmarks' sections are kept)."""
    for size in SIZES:
        if (HERE / f"results-{size}.json").exists():
            replace_section(f"## {size.capitalize()} size:", markdown(json.loads((HERE / f"results-{size}.json").read_text())))


if __name__ == "__main__":
    main()
