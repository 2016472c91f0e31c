"""Actor search (issue 31): search as you type over many actors, on each store, in one run.

    python -m benchmarks.search [--actors 1000000] [--relations 100000] [--queries 2000]
                                [--neo4j-actors 1000000] [--save]

1. A synthetic graph of `actors` actors (names and aliases from graph/synth.py: made of few
   syllables, so names look much alike: a hard case for prefixes and typos) is generated and
   loaded into the embedded store; its load time and the index's build time and memory are
   reported.
2. Queries drawn from the loaded actors, as people type them: 2-6 first letters of a word,
   a whole word, a whole name, a word with one typo (not in the first letter), two words'
   beginnings, a word's consonants only. Each family's service-call latency (GraphService.search,
   what the API handler calls) is measured: p50/p99 against the budget of 10 ms p99.
3. Baseline, same run: the substring filter `/actors?q=` kept (a scan of every actor).
4. Over HTTP (a server in its own process, load from another): /search requests per second
   against the floor (a constant answer of the same size from the same server): >= 0.8.
5. Neo4j (where Java and Maven are present): the same queries on the same graph, through its
   full-text index, and whether both stores answer alike.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import orjson

from conflictgraph.graph.dataset import SeedSet
from conflictgraph.graph.gc_tuning import tune_for_answering
from conflictgraph.graph.ontology import default_ontology
from conflictgraph.graph.search import skeleton, tokens
from conflictgraph.graph.service import GraphService
from conflictgraph.graph.store.embedded import EmbeddedStore
from conflictgraph.graph.synth import generate

from .abuse import _free_port
from .report import replace_section
from .stats import percentiles, rss_mb

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
FAMILIES = ("prefix", "word", "name", "typo", "two_words", "consonants")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _typo(word: str, rnd: random.Random) -> str:
    i = rnd.randrange(1, len(word))
    how = rnd.choice(("drop", "swap", "change", "add"))
    if how == "drop":
        return word[:i] + word[i + 1:]
    if how == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    letter = rnd.choice("abcdefghijklmnopqrstuvwxyz")
    return word[:i] + letter + word[i + (how == "change"):]


def queries(names: list[str], n: int, seed: int = 5) -> list[tuple[str, str]]:
    """(family, query) pairs typed from these names, as many of each family."""
    rnd = random.Random(seed)
    out: list[tuple[str, str]] = []
    while len(out) < n:
        name = rnd.choice(names)
        words = list(tokens(name))
        family = FAMILIES[len(out) % len(FAMILIES)]
        w = rnd.choice(words)
        if family == "prefix":
            q = w[:rnd.randint(2, 6)]
        elif family == "word":
            q = w
        elif family == "name":
            q = name
        elif family == "typo" and len(w) >= 4:
            q = _typo(w, rnd)
        elif family == "two_words" and len(words) >= 2:
            q = f"{words[0][:rnd.randint(2, 5)]} {words[1][:rnd.randint(2, 5)]}"
        elif family == "consonants" and len(skeleton(w)) >= 3:
            q = skeleton(w)
        else:
            continue
        out.append((family, q))
    return out


def service_latency(svc: GraphService, qs: list[tuple[str, str]]) -> dict:
    by: dict[str, list[float]] = {f: [] for f in FAMILIES}
    incomplete = empty = 0
    for family, q in qs:
        t = time.perf_counter()
        answer = svc.search(q, "", 10)
        by[family].append((time.perf_counter() - t) * 1000)
        incomplete += not answer["complete"]
        empty += not answer["items"]
    every = [x for v in by.values() for x in v]
    return {"all": percentiles(every), **{f: percentiles(v) for f, v in by.items()},
            "incomplete": incomplete, "no_answer": empty, "queries": len(qs)}


def answers(svc: GraphService, qs: list[tuple[str, str]]) -> list:
    """Per query: (complete, [(id, how), ...])."""
    out = []
    for _, q in qs:
        a = svc.search(q, "", 10)
        out.append((a["complete"], [(i["id"], i["match"]["how"]) for i in a["items"]]))
    return out


def http(store: str, qs: list[tuple[str, str]], floor_body: bytes, concurrency: int, per_path: int) -> dict:
    """/search (a sample of the queries, each its own path) against /_floor, same server."""
    port = _free_port()
    floor = Path(tempfile.mkdtemp(prefix="search-floor-")) / "floor.json"
    floor.write_bytes(floor_body)
    server = subprocess.Popen([sys.executable, "-m", "benchmarks.server", store, str(port), str(floor)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        sample = qs[:30]
        paths = [f"search{i}|/search?{httpx.QueryParams({'q': q})}" for i, (_, q) in enumerate(sample)]
        out = subprocess.run([sys.executable, "-m", "benchmarks.http_load", base, str(concurrency),
                              str(per_path), "floor|/_floor", *paths], capture_output=True, text=True,
                             check=True, cwd=ROOT)
        result = json.loads(out.stdout)
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(floor.parent, ignore_errors=True)
    searches = [v for k, v in result.items() if k.startswith("search")]
    rps = sum(v["requests"] for v in searches) / sum(v["seconds"] for v in searches)
    return {"floor_rps": result["floor"]["throughput_rps"], "search_rps": round(rps, 1),
            "ratio": round(rps / result["floor"]["throughput_rps"], 2),
            "search_p50_ms": round(sorted(v["median_ms"] for v in searches)[len(searches) // 2], 2),
            "floor_p50_ms": result["floor"]["median_ms"], "concurrency": concurrency}


def run_neo4j(work: Path, n_actors: int, n_queries: int) -> dict | None:
    """The same kind of queries on Neo4j and on an embedded twin of the same graph (its own
    size: one load transaction of a million records is beyond this machine's Neo4j settings)."""
    from conflictgraph.graph.local_neo4j import LocalNeo4j, unavailable_reason
    from conflictgraph.graph.store.neo4j_store import Neo4jStore
    why = unavailable_reason()
    if why:
        log(f"neo4j skipped: {why}")
        return None
    onto = default_ontology()
    seed_dir = work / "neo4j-seed"
    if not (seed_dir / "actors.jsonl").is_file():
        generate(n_actors, max(n_actors // 10, 100), 37, seed_dir, onto)
    names = [orjson.loads(line)["name"] for line in (seed_dir / "actors.jsonl").open("rb")]
    qs = queries(names, n_queries, seed=9)
    out: dict = {"actors": len(names)}
    twin = EmbeddedStore(work / "neo4j-twin", onto)
    twin.load(SeedSet(seed_dir, onto))
    twin_svc = GraphService(twin)
    twin_svc.search("warm", "", 10)
    out["embedded"] = service_latency(twin_svc, qs)
    expected = answers(twin_svc, qs)
    twin.close()
    data = Path(tempfile.mkdtemp(prefix="search-neo4j-"))
    server = LocalNeo4j.start(data, heap="3g", page_cache="1g", tx_memory="2g")
    try:
        store = Neo4jStore(server.uri, onto, user=server.user, password=server.password, max_tx_records=10**7,
                           query_timeout_ms=60_000)
        store.init_schema()
        t = time.perf_counter()
        store.load(SeedSet(seed_dir, onto))
        out["load_s"] = round(time.perf_counter() - t, 1)
        svc = GraphService(store)
        for _, q in qs[:100]:   # warm the page cache, the query plans and the driver
            svc.search(q, "", 10)
        out["service"] = service_latency(svc, qs)
        got = answers(svc, qs)
        out["same_answers"] = sum(a == b for a, b in zip(got, expected))
        both = [(a, b) for a, b in zip(got, expected) if a[0] and b[0]]
        out["complete_on_both"] = len(both)
        out["same_answers_when_complete"] = sum(a == b for a, b in both)
        out["differences"] = [{"q": q, "embedded": e, "neo4j": n} for (_, q), e, n
                              in zip(qs, expected, got) if e != n][:5]
        store.close()
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--actors", type=int, default=1_000_000)
    ap.add_argument("--relations", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--baseline-queries", type=int, default=12)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--per-path", type=int, default=100)
    ap.add_argument("--neo4j-actors", type=int, default=100_000, help="0: no Neo4j")
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--save", action="store_true")
    ap.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from results-search.json")
    args = ap.parse_args()
    if args.report_only:
        replace_section("## Search", report(json.loads((HERE / "results-search.json").read_text())))
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-search-"))
    onto = default_ontology()
    seed_dir = work / "seed"
    if not (seed_dir / "actors.jsonl").is_file():
        log(f"generating {args.actors} actors, {args.relations} relations")
        generate(args.actors, args.relations, 31, seed_dir, onto)
    names = [orjson.loads(line)["name"] for line in (seed_dir / "actors.jsonl").open("rb")]
    qs = queries(names, args.queries)
    result: dict = {"actors": len(names), "relations": args.relations, "queries": len(qs),
                    "when": datetime.now(timezone.utc).isoformat(timespec="seconds")}

    store_dir = work / "store"
    shutil.rmtree(store_dir, ignore_errors=True)
    store = EmbeddedStore(store_dir, onto)
    log("loading the embedded store")
    t = time.perf_counter()
    store.load(SeedSet(seed_dir, onto))
    result["embedded_load_s"] = round(time.perf_counter() - t, 1)
    svc = GraphService(store)
    tune_for_answering()   # the collector as the service process sets it (api/app.py)
    before = rss_mb()
    t = time.perf_counter()
    svc.search("warm", "", 10)          # builds the projection (if not yet) and the index
    result["first_search_s"] = round(time.perf_counter() - t, 2)
    with store.graph_reading() as g:
        p = g.p
        t = time.perf_counter()
        p._search = None                 # the index alone, timed again
        index = p.search_index()
        result["index_build_s"] = round(time.perf_counter() - t, 2)
        result["index"] = {"tokens": len(index.vocab), "postings": int(index.postings.size),
                           "arrays_mb": round(index.nbytes / 2**20, 1)}
    result["service_rss_mb"] = {"before_first_search": round(before, 1), "after": round(rss_mb(), 1)}
    log(f"{len(qs)} searches through the service")
    result["embedded"] = service_latency(svc, qs)
    log("baseline: the substring filter of /actors?q=")
    base = []
    for _, q in qs[:args.baseline_queries]:
        t = time.perf_counter()
        svc.search_actors(q, "", 10, 0)
        base.append((time.perf_counter() - t) * 1000)
    result["baseline_substring_scan"] = percentiles(base)
    result["speedup_p50"] = round(result["baseline_substring_scan"]["median_ms"] / result["embedded"]["all"]["median_ms"], 1)
    # The floor answers as many bytes as a median search answer.
    bodies = sorted((orjson.dumps(svc.search(q, "", 10)) for _, q in qs[:30]), key=len)
    store.close()
    log("over HTTP")
    result["http"] = http(f"embedded:{store_dir}", qs, bodies[len(bodies) // 2], args.concurrency, args.per_path)
    if args.neo4j_actors:
        log(f"neo4j, {args.neo4j_actors} actors")
        result["neo4j"] = run_neo4j(work, args.neo4j_actors, args.queries)
    print(json.dumps(result, indent=2))
    if args.save:
        (HERE / "results-search.json").write_text(json.dumps(result, indent=2) + "\n")
        replace_section("## Search", report(result))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


def report(r: dict) -> str:
    e = r["embedded"]
    lines = [f"## Search: as you type, {r['actors']:,} actors (`python -m benchmarks.search`)", "",
             f"One run, {r['when']}: {r['actors']:,} actors ({r['relations']:,} relations), {r['queries']:,} "
             "queries typed from their names. Budget: p99 10 ms for the "
             "service call at 1M actors, >= 0.8 of the HTTP floor.", "",
             f"- Embedded load {r['embedded_load_s']} s; index built in {r['index_build_s']} s "
             f"({r['index']['tokens']:,} tokens, {r['index']['postings']:,} postings, "
             f"{r['index']['arrays_mb']} MB of arrays); service RSS {r['service_rss_mb']['before_first_search']} MB "
             f"before the first search, {r['service_rss_mb']['after']} MB after (projection and index).", "",
             "| family | p50 ms | p99 ms | max ms |", "|---|---:|---:|---:|"]
    for f in ("all", *FAMILIES):
        lines.append(f"| {f} | {e[f]['median_ms']} | {e[f]['p99_ms']} | {e[f]['max_ms']} |")
    b = r["baseline_substring_scan"]
    h = r["http"]
    lines += ["", f"- Incomplete answers (more than 1,000 candidates: \"type more\"): {e['incomplete']} of "
              f"{e['queries']}; no answer: {e['no_answer']}.",
              f"- Baseline, same run: the substring scan of `/actors?q=` p50 {b['median_ms']} ms over "
              f"{b['n']} of the queries: search is {r['speedup_p50']}x faster at p50.",
              f"- HTTP, {h['concurrency']} clients: /search {h['search_rps']} requests/s, floor {h['floor_rps']}: "
              f"**{h['ratio']}** of the floor (p50 {h['search_p50_ms']} ms vs {h['floor_p50_ms']} ms)."]
    n = r.get("neo4j")
    if n:
        lines += ["", f"Neo4j and the embedded store on another graph of {n['actors']:,} actors, the same "
                  f"{n['service']['queries']:,} queries on each (Neo4j load {n['load_s']} s, one transaction):", "",
                  "| family | Neo4j p50 ms | p99 ms | embedded p50 ms | p99 ms |", "|---|---:|---:|---:|---:|"]
        for f in ("all", *FAMILIES):
            a, b = n["service"][f], n["embedded"][f]
            lines.append(f"| {f} | {a['median_ms']} | {a['p99_ms']} | {b['median_ms']} | {b['p99_ms']} |")
        lines += ["", f"- Same answers on both stores: {n['same_answers']} of {n['service']['queries']} queries; "
                  f"of the {n.get('complete_on_both', '?')} answered completely on both (no more than 1,000 "
                  f"candidates), {n.get('same_answers_when_complete', '?')} the same. An incomplete answer is "
                  "the best of the 1,000 candidates each store looked at, and the stores look at different ones."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
