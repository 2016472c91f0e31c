"""10M relations on one machine (issue 31, item 6): run on demand, not in CI, not in `make bench`.

    python -m benchmarks.huge [--actors 1000000] [--relations 10000000] [--workdir DIR]
                              [--no-raw] [--reuse-load] [--save]

Budgets (1M actors, 10M relations): load <= 10 min; the loader's processes <= 8 GB in all;
service RSS <= 6 GB; 1-hop p99 <= 10 ms; paths p99 <= 50 ms; search p99 <= 20 ms.

1. Synthetic seed files (graph/synth.py, the same generator as every size), written once.
2. `conflictgraph load`'s path in a child process, with the whole process tree (the loader,
   its staging workers, the projection's builder) sampled every 0.2 s from /proc: the peak of
   the *sum* of their RSS is what "the loader's processes in all" means (an upper bound: pages
   shared between them count once per process). Baseline, same run: the engine's own COPY of
   the same rows from Parquet (`--no-raw` skips it: it costs as much again).
3. The service in a child process of its own (so its RSS is its own): open the store, warm it
   as `serve` does (projection + search index), then the service calls the API handlers make,
   over random seed actors: actor, 1-hop relations, as_of relations, shortest paths (<= 4 hops),
   2-hop subgraph (with its size), search as typed. Baseline, same run: the 1-hop rows through
   the raw engine on the same seeds. networkx is not run at this size (10M edges of Python
   objects is the memory the budget is about).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import orjson

from .report import replace_section
from .stats import descendants, percentiles, rss_mb, timed

HERE = Path(__file__).resolve().parent
BUDGETS = {"load_s": 600, "loader_mb": 8192, "service_mb": 6144, "one_hop_p99_ms": 10.0,
           "paths_p99_ms": 50.0, "search_p99_ms": 20.0}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def tree_rss_mb(pid: int) -> tuple[float, int]:
    total, n = 0.0, 0
    for p in descendants(pid):
        try:
            total += rss_mb(p)
            n += 1
        except OSError:
            pass
    return total, n


def sampled(cmd: list[str]) -> tuple[dict, dict]:
    """Run `cmd`; (its JSON answer, the peak of its process tree's summed RSS)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=HERE.parent)
    peak = {"mb": 0.0, "processes": 0, "at_s": 0.0}
    started = time.perf_counter()
    done = threading.Event()

    def sample():
        while not done.is_set():
            mb, n = tree_rss_mb(proc.pid)
            if mb > peak["mb"]:
                peak.update(mb=round(mb, 1), processes=n, at_s=round(time.perf_counter() - started, 1))
            done.wait(0.2)
    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, _ = proc.communicate()
    done.set()
    t.join()
    if proc.returncode:
        raise SystemExit(f"{cmd} failed with {proc.returncode}")
    return json.loads(out.strip().splitlines()[-1]), peak


def service(store_dir: str, seed_dir: str, n: int, n_two_hop: int, n_search: int, seed: int) -> dict:
    """In its own process: the service calls, as the API makes them."""
    from conflictgraph.graph.cypher import query_text
    from conflictgraph.graph.ontology import default_ontology
    from conflictgraph.graph.service import GraphService, RelationFilter
    from conflictgraph.graph.store.embedded import DB_FILE, EmbeddedStore

    from .queries import AS_OF, Raw
    from .search import queries as search_queries, service_latency

    from conflictgraph.graph.gc_tuning import tune_for_answering
    tune_for_answering()   # as the service process does (api/app.py)
    out: dict = {"rss_mb": {"start": rss_mb()}}
    t = time.perf_counter()
    store = EmbeddedStore(Path(store_dir), default_ontology())
    store.warm_up()                       # as `serve` does: projection and search index
    svc = GraphService(store)
    out["warm_s"] = round(time.perf_counter() - t, 2)
    with store.reading() as r:
        out["projection_mb"] = round(r.projection.nbytes / 1e6, 1)
    out["rss_mb"]["warm"] = rss_mb()
    names, ids = [], []
    with open(Path(seed_dir) / "actors.jsonl", "rb") as fh:
        for line in fh:
            a = orjson.loads(line)
            names.append(a["name"])
            ids.append(a["id"])
    rnd = random.Random(seed)
    seeds, targets = rnd.sample(ids, n), rnd.sample(ids, n)
    del ids
    samples: dict[str, list[float]] = {k: [] for k in ("actor_by_id", "one_hop_relations", "as_of_relations",
                                                       "shortest_paths", "raw_one_hop_relations")}
    raw = Raw(Path(store_dir) / "generations" / store.current_generation() / DB_FILE)
    base = RelationFilter().params(store.ontology)
    q_one, q_from, q_to = (query_text(x, "embedded") for x in ("actor", "actor_out_page", "actor_in_page"))
    q_from_n, q_to_n = (query_text(x, "embedded") for x in ("actor_out_count", "actor_in_count"))

    def raw_relations(a):
        p = {**base, "id": a, "limit": 100}
        raw.rows(q_one, {"id": a})
        return raw.rows(q_from_n, p) + raw.rows(q_to_n, p), raw.rows(q_from, p) + raw.rows(q_to, p)
    for a, b in zip(seeds, targets):
        samples["actor_by_id"].append(timed(svc.actor, a)[0])
        samples["one_hop_relations"].append(timed(svc.actor_relations, a, "both", RelationFilter(), 100, 0)[0])
        samples["raw_one_hop_relations"].append(timed(raw_relations, a)[0])
        samples["as_of_relations"].append(timed(svc.actor_relations, a, "both", RelationFilter(as_of=AS_OF), 100, 0)[0])
        samples["shortest_paths"].append(timed(svc.paths, a, b, 4)[0] if a != b else 0.0)
    two, sizes = [], []
    for a in seeds[:n_two_hop]:
        ms, g = timed(svc.subgraph, [a], 2)
        two.append(ms)
        sizes.append(float(len(g["edges"])))
    out["calls"] = {k: percentiles(v) for k, v in samples.items()}
    out["calls"]["two_hop_subgraph"] = percentiles(two)
    out["two_hop_relations"] = percentiles(sizes)
    out["one_hop_vs_raw_median"] = round(out["calls"]["one_hop_relations"]["median_ms"] /
                                         out["calls"]["raw_one_hop_relations"]["median_ms"], 3)
    out["search"] = service_latency(svc, search_queries(names, n_search))
    out["rss_mb"]["end"] = rss_mb()
    from .stats import rss_peak_mb
    out["rss_mb"]["peak"] = rss_peak_mb()
    store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.huge")
    ap.add_argument("--actors", type=int, default=1_000_000)
    ap.add_argument("--relations", type=int, default=10_000_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/conflictgraph-bench/huge"))
    ap.add_argument("--queries", type=int, default=1000, help="random seed actors (1-hop, paths, ...)")
    ap.add_argument("--two-hop", type=int, default=200, help="of them, seeds for the 2-hop subgraph")
    ap.add_argument("--searches", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-raw", action="store_true", help="skip the raw COPY baseline")
    ap.add_argument("--raw-from", type=Path, help="with --no-raw: the raw COPY's result (load_child raw's JSON "
                    "line) from a separate run on the same seed files, reported as such")
    ap.add_argument("--reuse-load", action="store_true", help="keep the store and load figures of the last run")
    ap.add_argument("--save", action="store_true", help="results-huge.json and RESULTS.md")
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--service-child", nargs=2, metavar=("STORE", "SEEDS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.service_child:
        print(json.dumps(service(*args.service_child, args.queries, args.two_hop, args.searches, args.seed)))
        return
    saved = HERE / "results-huge.json"
    if args.report_only:
        replace_section("## Huge size", report(json.loads(saved.read_text())))
        return
    work = args.workdir
    seed_dir, store_dir = work / "seeds", work / "store"
    r: dict = {"actors": args.actors, "relations": args.relations, "budgets": BUDGETS,
               "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    from .__main__ import machine
    r["machine"] = machine()
    if not (seed_dir / "documents.jsonl").exists():
        from conflictgraph.graph.ontology import default_ontology
        from conflictgraph.graph.synth import generate
        log(f"synth: {args.actors:,} actors, {args.relations:,} relations")
        t = time.perf_counter()
        generate(args.actors, args.relations, args.seed, seed_dir, default_ontology())
        log(f"synth took {time.perf_counter() - t:.0f} s")
    r["seed_mb"] = round(sum(p.stat().st_size for p in seed_dir.iterdir()) / 1e6, 1)
    prev = json.loads(saved.read_text()) if saved.exists() else {}
    # What broke and why is written by hand into the saved results after looking at a run;
    # a new run keeps it (to be edited), rather than printing a report without it.
    r["findings"] = prev.get("findings", [])
    if args.reuse_load and prev.get("load") and (store_dir / "CURRENT").exists():
        r["load"], r["load_reused_from"] = prev["load"], prev.get("load_reused_from", prev["date"])
    else:
        shutil.rmtree(store_dir, ignore_errors=True)
        log("load: ours")
        ours, peak = sampled([sys.executable, "-m", "benchmarks.load_child", "ours", str(seed_dir), str(store_dir)])
        r["load"] = {"ours": {**ours, "tree_peak_rss_mb": peak}}
        log(f"load: {ours['seconds']} s, tree peak {peak['mb']} MB")
        if args.raw_from:
            raw = json.loads(args.raw_from.read_text().strip().splitlines()[-1])
            r["load"]["raw_copy"] = {**raw, "separate_run": True}
            r["load"]["ours_vs_raw_seconds"] = round(ours["seconds"] / raw["seconds"], 2)
        elif not args.no_raw:
            from .__main__ import stage_raw
            parquet, raw_db = work / "raw-parquet", work / "raw.lbug"
            shutil.rmtree(parquet, ignore_errors=True)
            log("load: staging Parquet for the raw COPY (not timed)")
            stage_raw(seed_dir, parquet)
            for p in work.glob("raw.lbug*"):
                p.unlink()
            log("load: raw COPY")
            raw, raw_peak = sampled([sys.executable, "-m", "benchmarks.load_child", "raw", str(parquet), str(raw_db)])
            r["load"]["raw_copy"] = {**raw, "tree_peak_rss_mb": raw_peak}
            r["load"]["ours_vs_raw_seconds"] = round(ours["seconds"] / raw["seconds"], 2)
            shutil.rmtree(parquet, ignore_errors=True)
            for p in work.glob("raw.lbug*"):
                p.unlink()
    log("service: warm, then the calls")
    r["service"], peak = sampled([sys.executable, "-m", "benchmarks.huge", "--queries", str(args.queries),
                                  "--two-hop", str(args.two_hop), "--searches", str(args.searches),
                                  "--seed", str(args.seed), "--service-child", str(store_dir), str(seed_dir)])
    r["service"]["tree_peak_rss_mb"] = peak
    r["verdict"] = verdict(r)
    print(json.dumps(r, indent=2))
    if args.save:
        saved.write_text(json.dumps(r, indent=2) + "\n")
        replace_section("## Huge size", report(r))


def verdict(r: dict) -> dict:
    s, o = r["service"], r["load"]["ours"]
    got = {"load_s": o["seconds"], "loader_mb": o["tree_peak_rss_mb"]["mb"], "service_mb": s["rss_mb"]["peak"],
           "one_hop_p99_ms": s["calls"]["one_hop_relations"]["p99_ms"],
           "paths_p99_ms": s["calls"]["shortest_paths"]["p99_ms"], "search_p99_ms": s["search"]["all"]["p99_ms"]}
    return {k: {"measured": v, "budget": BUDGETS[k], "met": v <= BUDGETS[k]} for k, v in got.items()}


def report(r: dict) -> str:
    s, load = r["service"], r["load"]
    o = load["ours"]
    lines = [f"## Huge size: {r['actors']:,} actors, {r['relations']:,} relations (`python -m benchmarks.huge`, on demand)", "",
             f"Measured {r['date']} on {r['machine']['cpu']}, {r['machine']['cores']} cores, "
             f"{r['machine']['memory_mb']:,} MB; LadybugDB {r['machine']['ladybug']}. Seed files: {r['seed_mb']:,} MB "
             "of JSON Lines from graph/synth.py. Not part of `make bench` (it takes most of an hour).", "",
             "| budget | measured | limit | met |", "| --- | ---: | ---: | --- |"]
    labels = {"load_s": "`conflictgraph load`, seconds", "loader_mb": "loader's processes in all, peak of summed RSS, MB",
              "service_mb": "service peak RSS, MB", "one_hop_p99_ms": "1-hop relations p99, ms",
              "paths_p99_ms": "shortest paths (<= 4 hops) p99, ms", "search_p99_ms": "search p99, ms"}
    for k, v in r["verdict"].items():
        lines.append(f"| {labels[k]} | {v['measured']:,} | {v['budget']:,} | {'yes' if v['met'] else '**no**'} |")
    lines += ["", f"Load: {o['seconds']} s ({round(o['relations'] / o['seconds']):,} relations/s); the loader's "
              f"tree peaked at {o['tree_peak_rss_mb']['mb']:,} MB over {o['tree_peak_rss_mb']['processes']} processes "
              f"{o['tree_peak_rss_mb']['at_s']} s in; main process peak {o['peak_rss_mb']} MB, largest child "
              f"(a staging worker or the projection's reader) {o['worker_peak_rss_mb']} MB."]
    if "raw_copy" in load:
        rc = load["raw_copy"]
        lines.append(f"Baseline, {'a separate run the same day' if rc.get('separate_run') else 'same run'}: the engine's COPY of the same rows from Parquet {rc['seconds']} s, "
                     f"peak {rc['tree_peak_rss_mb']['mb']:,} MB; ours / raw time: **{load['ours_vs_raw_seconds']}**.")
    if r.get("load_reused_from"):
        lines.append(f"(Load figures from the run of {r['load_reused_from']}; this run was `--reuse-load`.)")
    lines += ["", f"Service: warmed (projection + search index) in {s['warm_s']} s; projection {s['projection_mb']:,} MB "
              f"of arrays and tables, mapped; RSS after warm-up {s['rss_mb']['warm']:,} MB, peak {s['rss_mb']['peak']:,} MB "
              "(mapped pages the calls touched count, and so do the raw baseline's engine, in the same process, "
              "and the 2-hop answers as Python dicts).", "",
              "| service call | n | median ms | p95 | p99 | max |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for k, v in s["calls"].items():
        lines.append(f"| {k} | {v['n']} | {v['median_ms']} | {v['p95_ms']} | {v['p99_ms']} | {v['max_ms']} |")
    sa = s["search"]["all"]
    lines.append(f"| search (as typed; {s['search']['incomplete']} of {s['search']['queries']} over 1,000 candidates) | "
                 f"{sa['n']} | {sa['median_ms']} | {sa['p95_ms']} | {sa['p99_ms']} | {sa['max_ms']} |")
    th = s["two_hop_relations"]
    lines += ["", f"raw_one_hop_relations: the same rows through the engine's Cypher on the same seeds (baseline); "
              f"service / raw at the median: **{s['one_hop_vs_raw_median']}**. 2-hop neighbourhoods held a median of "
              f"{th['median_ms']:,.0f} relations (p99 {th['p99_ms']:,.0f}, max {th['max_ms']:,.0f})."]
    if r.get("findings"):
        lines += ["", "**What broke first, and why** (from this session's runs, in the order met):", ""]
        lines += [f"{i}. {text}" for i, text in enumerate(r["findings"], 1)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
