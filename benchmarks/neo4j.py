"""python -m benchmarks.neo4j [--size default|large]: the Neo4j store on a real Neo4j (tools/neo4j),
each figure beside a baseline measured in the same run:

- load: our one-transaction loader against the raw driver writing the same rows with plain
  `UNWIND $rows CREATE` batches in one transaction (the floor of a transactional Bolt load);
- service calls (actor, 1-hop, 2-hop, paths, as_of): on Neo4j, beside the same calls on the
  embedded store and beside the bare Cypher — the very texts and parameters the service
  sent, replayed by the raw driver in one read transaction.

The server gets room for a one-transaction load of the size (SERVER): at the default size
(110k records) a 3 GB heap, 1 GB page cache, 2 GB transaction memory (the 512 MB default
holds about 66k records); at the large size (1.1M records, on demand) 12 GB, 3 GB and 9 GB.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from neo4j import READ_ACCESS

from conflictgraph.graph.dataset import SeedSet
from conflictgraph.graph.gc_tuning import tune_for_answering
from conflictgraph.graph.local_neo4j import LocalNeo4j
from conflictgraph.graph.ontology import default_ontology
from conflictgraph.graph.service import GraphService, RelationFilter
from conflictgraph.graph.store import neo4j_store
from conflictgraph.graph.store.embedded import EmbeddedStore
from conflictgraph.graph.store.neo4j_store import Neo4jStore, _node_params, _relation_params
from conflictgraph.graph.records import actor_stored_row, document_row, relation_row
from conflictgraph.graph.synth import generate


from .report import replace_section
from .stats import percentiles, timed

HERE = Path(__file__).resolve().parent
SIZES = {"default": (10_000, 100_000), "small": (2_000, 20_000), "large": (100_000, 1_000_000)}
# A one-transaction load takes about 6 KB of transaction memory a record (measured): the
# large size (1.1M records) gets room for it, on this 24 GB machine, and nothing else.
SERVER = {"default": {"heap": "3g", "page_cache": "1g", "tx_memory": "2g"},
          "small": {"heap": "3g", "page_cache": "1g", "tx_memory": "2g"},
          "large": {"heap": "12g", "page_cache": "3g", "tx_memory": "9g"}}
AS_OF = "2015-06-01"
BATCH = 20_000


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def empty(store: Neo4jStore) -> None:
    """Delete everything in small transactions (a one-transaction delete of 110k records
    would measure memory, not speed), keeping the schema."""
    with store._driver.session(database=store.database) as s:
        s.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


RAW_NODES = "UNWIND $rows AS row CREATE (n:__LABEL__) SET n = row"
RAW_RELATIONS = ("UNWIND $rows AS row MATCH (a:Actor {id: row.source}) MATCH (b:Actor {id: row.target}) "
                 "CREATE (a)-[r:__TYPE__]->(b) SET r = row.props")


def raw_load(store: Neo4jStore, source: SeedSet) -> float:
    """The same rows as our loader sends, CREATEd in one transaction by the bare driver."""
    o = store.ontology
    started = time.perf_counter()
    with store._driver.session(database=store.database) as s:
        with s.begin_transaction() as tx:
            for label, items, shape in (("Document", source.documents, document_row),
                                        ("Actor", source.actors, actor_stored_row)):
                for i in range(0, len(items), BATCH):
                    tx.run(RAW_NODES.replace("__LABEL__", label),
                           rows=[_node_params(shape(x)) for x in items[i:i + BATCH]]).consume()
            for batch in source.relation_batches(BATCH):
                grouped = defaultdict(list)
                for r in batch:
                    grouped[r.type].append(_relation_params(relation_row(r, o)))
                for type_name, rows in grouped.items():
                    tx.run(RAW_RELATIONS.replace("__TYPE__", type_name), rows=rows).consume()
            tx.commit()
    return time.perf_counter() - started


def bench_load(store: Neo4jStore, seed_dir: Path, repeats: int) -> dict:
    o = store.ontology
    ours, raw = [], []
    store.init_schema()
    for i in range(repeats):
        # Alternated, each into an empty database with the schema in place.
        empty(store)
        log(f"load {i + 1}/{repeats}: raw UNWIND CREATE")
        raw.append(raw_load(store, SeedSet(seed_dir, o)))
        empty(store)
        log(f"load {i + 1}/{repeats}: ours")
        t = time.perf_counter()
        report = store.load(SeedSet(seed_dir, o))
        ours.append(time.perf_counter() - t)
    relations = report.counts["relations"]
    best_ours, best_raw = min(ours), min(raw)
    return {"relations": relations, "ours_s": [round(x, 2) for x in ours], "raw_s": [round(x, 2) for x in raw],
            "ours_rel_per_s": round(relations / best_ours), "raw_rel_per_s": round(relations / best_raw),
            "ours_vs_raw_throughput": round(best_raw / best_ours, 3)}


class Recorder:
    """Records the (text, parameters) the Neo4j store sends, so the bare driver can replay them."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] | None = None
        original = neo4j_store._Neo4jReader._execute

        def execute(reader, cypher, params, row_limit, *, trusted):
            if self.calls is not None:
                self.calls.append((cypher, dict(params)))
            return original(reader, cypher, params, row_limit, trusted=trusted)
        neo4j_store._Neo4jReader._execute = execute

    def record(self, fn):
        self.calls = []
        try:
            fn()
            return self.calls
        finally:
            self.calls = None


def replay(store: Neo4jStore, calls) -> None:
    with store._driver.session(database=store.database, default_access_mode=READ_ACCESS) as s:
        with s.begin_transaction() as tx:
            for text, params in calls:
                list(tx.run(text, params))


def bench_queries(neo: Neo4jStore, emb: EmbeddedStore, actors: list[str], n: int, seed: int) -> dict:
    rnd = random.Random(seed)
    seeds, targets = rnd.sample(actors, n), rnd.sample(actors, n)
    svc_neo, svc_emb = GraphService(neo), GraphService(emb)
    recorder = Recorder()
    calls = {
        "actor_by_id": lambda s, a, b: s.actor(a),
        "one_hop_relations": lambda s, a, b: s.actor_relations(a, "both", RelationFilter(), 100, 0),
        "two_hop_subgraph": lambda s, a, b: s.subgraph([a], 2),
        "shortest_paths": lambda s, a, b: s.paths(a, b, 4) if a != b else [],
        "as_of_relations": lambda s, a, b: s.actor_relations(a, "both", RelationFilter(as_of=AS_OF), 100, 0),
    }
    results = {}
    for name, call in calls.items():
        log(f"queries: {name}")
        samples = {"neo4j_service": [], "neo4j_bare": [], "embedded_service": []}
        sizes = []
        for a, b in zip(seeds, targets):
            sent = recorder.record(lambda: call(svc_neo, a, b))   # warm, and what it sends
            samples["neo4j_service"].append(timed(call, svc_neo, a, b)[0])
            samples["neo4j_bare"].append(timed(replay, neo, sent)[0])
            t, out = timed(call, svc_emb, a, b)
            samples["embedded_service"].append(t)
            if name == "two_hop_subgraph":
                sizes.append(len(out["edges"]))
        r = {k: percentiles(v) for k, v in samples.items()}
        r["service_vs_bare_median"] = round(r["neo4j_service"]["median_ms"] / max(r["neo4j_bare"]["median_ms"], 1e-6), 2)
        r["service_vs_bare_p99"] = round(r["neo4j_service"]["p99_ms"] / max(r["neo4j_bare"]["p99_ms"], 1e-6), 2)
        r["neo4j_vs_embedded_median"] = round(r["neo4j_service"]["median_ms"] / max(r["embedded_service"]["median_ms"], 1e-6), 2)
        if sizes:
            small = [i for i, s in enumerate(sizes) if s <= 1000]
            r["neo4j_service_small_neighbourhoods"] = percentiles([samples["neo4j_service"][i] for i in small])
            r["neighbourhood_relations"] = percentiles([float(s) for s in sizes])
        results[name] = r
    return results


def markdown(res: dict) -> str:
    load = res["load"]
    lines = [f"## Neo4j store, {res['size']} size ({res['actors']:,} actors, {res['relations']:,} relations)", "",
             f"Run {res['date']}, Neo4j {res['neo4j']} (tools/neo4j: heap {res['server']['heap']}, page cache "
             f"{res['server']['page_cache']}, transaction memory {res['server']['tx_memory']}), {res['queries_n']} "
             "seeds per query class. Budgets from the issue: load ≥ 0.5 of raw CREATE; service ≤ 1.3× the bare "
             "Cypher; paths p99 ≤ 100 ms.", "",
             "| load | best of runs (s) | relations/s |", "| --- | --- | --- |",
             f"| ours (MERGE by id, stale delete, count check, one transaction) | {min(load['ours_s'])} ({', '.join(map(str, load['ours_s']))}) | {load['ours_rel_per_s']:,} |",
             f"| raw driver, `UNWIND $rows CREATE`, one transaction | {min(load['raw_s'])} ({', '.join(map(str, load['raw_s']))}) | {load['raw_rel_per_s']:,} |",
             f"| **ours / raw throughput** | | **{load['ours_vs_raw_throughput']}** |", "",
             "| call | Neo4j service median / p99 (ms) | bare Cypher on Neo4j median / p99 | service / bare (median, p99) | embedded service median / p99 |",
             "| --- | --- | --- | --- | --- |"]
    for name, r in res["queries"].items():
        s, b, e = r["neo4j_service"], r["neo4j_bare"], r["embedded_service"]
        lines.append(f"| {name} | {s['median_ms']} / {s['p99_ms']} | {b['median_ms']} / {b['p99_ms']} | "
                     f"{r['service_vs_bare_median']}, {r['service_vs_bare_p99']} | {e['median_ms']} / {e['p99_ms']} |")
    two = res["queries"]["two_hop_subgraph"]
    if "neo4j_service_small_neighbourhoods" in two:
        sm = two["neo4j_service_small_neighbourhoods"]
        lines += ["", f"2-hop seeds with ≤ 1,000 relations in reach ({sm['n']} of {two['neo4j_service']['n']}): "
                      f"Neo4j service median {sm.get('median_ms')} ms, p99 {sm.get('p99_ms')} ms."]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", choices=list(SIZES), default="default")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/conflictgraph-bench"))
    ap.add_argument("--queries", type=int, default=100, help="seeds per query class")
    ap.add_argument("--load-repeats", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    n_actors, n_relations = SIZES[args.size]
    tune_for_answering()   # as the service process does (api/app.py): the calls are measured here
    o = default_ontology()
    work = args.workdir / args.size
    seed_dir = work / "seeds"
    if not (seed_dir / "relations.jsonl").exists():
        log(f"synth: {n_actors:,} actors, {n_relations:,} relations")
        generate(n_actors, n_relations, args.seed, seed_dir, o)
    server_cfg = SERVER[args.size]
    data = Path(tempfile.mkdtemp(prefix="cg-bench-neo4j-"))
    log("starting Neo4j (tools/neo4j)")
    server = LocalNeo4j.start(data, heap=server_cfg["heap"], page_cache=server_cfg["page_cache"],
                              tx_memory=server_cfg["tx_memory"])
    emb_dir = Path(tempfile.mkdtemp(prefix="cg-bench-embedded-"))
    try:
        neo = Neo4jStore(server.uri, o, user=server.user, password=server.password, max_tx_records=10**7,
                         query_timeout_ms=60_000)
        with neo._driver.session(database="system") as s:
            version = s.run("CALL dbms.components() YIELD versions RETURN versions[0] AS v").single()["v"]
        results = {"size": args.size, "actors": n_actors, "relations": n_relations, "neo4j": version,
                   "server": server_cfg, "queries_n": args.queries,
                   "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
        results["load"] = bench_load(neo, seed_dir, args.load_repeats)
        log("embedded store for the side-by-side calls")
        emb = EmbeddedStore(emb_dir / "graph", o)
        emb.load(SeedSet(seed_dir, o))
        actors = [a.id for a in SeedSet(seed_dir, o).actors]
        results["queries"] = bench_queries(neo, emb, actors, args.queries, args.seed)
        emb.close()
        neo.close()
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(emb_dir, ignore_errors=True)
    (HERE / f"results-neo4j-{args.size}.json").write_text(json.dumps(results, indent=2) + "\n")
    text = markdown(results)
    replace_section(f"## Neo4j store, {args.size} size", text)
    print(text)


if __name__ == "__main__":
    main()
