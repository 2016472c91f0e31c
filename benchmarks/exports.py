"""Whole-graph exports in every format (issue 31: GEXF under 5 s and every format under 10 s at
a million relations, memory bounded), as `GET /export` streams them from a running server.

    python -m benchmarks.exports [--store embedded:PATH] [--actors 100000] [--relations 1000000] [--save]

Without --store, a synthetic graph of that size is generated and loaded first. Each format is
fetched whole from a server in its own process (the client only counts bytes); reported: the
seconds to the last byte, the gzipped size on the wire, and how far the server's RSS rose
over what it held before the request (sampled every 0.1 s). Baseline, same run: the same
export tables (nodes and edges, as every format reads them) written as one Arrow IPC stream,
in process: what any format costs before it formats anything.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from conflictgraph.graph.ontology import default_ontology
from conflictgraph.graph.synth import generate

from .abuse import _free_port, _serve, exports
from .report import replace_section

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
BUDGET_S = {"gexf": 5.0}
OTHER_BUDGET_S = 10.0


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store")
    ap.add_argument("--actors", type=int, default=100_000)
    ap.add_argument("--relations", type=int, default=1_000_000)
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "conflictgraph-bench-exports")
    ap.add_argument("--save", action="store_true")
    args = ap.parse_args()
    store = args.store
    if store is None:
        seeds, store_dir = args.workdir / "seeds", args.workdir / "store"
        if not (seeds / "relations.jsonl").is_file():
            log(f"synth: {args.actors:,} actors, {args.relations:,} relations")
            generate(args.actors, args.relations, 7, seeds, default_ontology())
        if not (store_dir / "CURRENT").is_file():
            log("load")
            subprocess.run([str(Path(sys.executable).with_name("conflictgraph")), "load", str(seeds),
                            "--store", f"embedded:{store_dir}"], check=True, capture_output=True)
        store = f"embedded:{store_dir}"
    result_floor = floor(store)
    port = _free_port()
    server = _serve(store, port, [])
    try:
        log("exports")
        result = {"store": store, "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  "relations": args.relations, "actors": args.actors,
                  "floor": result_floor, "formats": exports(f"http://127.0.0.1:{port}", server.pid)}
    finally:
        server.terminate()
        server.wait(30)
    print(json.dumps(result, indent=2))
    if args.save:
        (HERE / "results-exports-large.json").write_text(json.dumps(result, indent=2) + "\n")
        replace_section("## Whole-graph exports", report(result))


def floor(store: str) -> dict:
    """The export tables written as Arrow IPC to nowhere: seconds (tables built once first,
    as the server's first export builds its projection)."""
    import pyarrow as pa
    from conflictgraph.graph.service import GraphService
    from conflictgraph.graph.store.embedded import EmbeddedStore
    st = EmbeddedStore(Path(store.removeprefix("embedded:")), default_ontology())
    try:
        svc = GraphService(st)
        svc.whole_graph_tables()
        t = time.perf_counter()
        nodes, edges = svc.whole_graph_tables()
        sink = pa.BufferOutputStream()
        for table in (nodes, edges):
            with pa.ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
        return {"seconds": round(time.perf_counter() - t, 2), "mb": round(sink.tell() / 2**20, 1)}
    finally:
        st.close()


def report(r: dict) -> str:
    lines = [f"## Whole-graph exports, {r['actors']:,} actors and {r['relations']:,} relations "
             "(`python -m benchmarks.exports`)", "",
             f"One run, {r['date']}: each format fetched whole from `GET /export` (a server in its own process; "
             "gzip on the wire). Budget: GEXF under 5 s, every format under 10 s, memory bounded. "
             "Before (RESULTS.md, large size, issue 31's figure): GEXF 11.2 s. Baseline, same run: the export "
             f"tables every format reads, written as Arrow IPC in process: {r['floor']['seconds']} s "
             f"({r['floor']['mb']} MB).", "",
             "| format | seconds | / baseline | gzipped MB | server RSS growth MB | budget |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    for fmt, v in r["formats"].items():
        budget = BUDGET_S.get(fmt, OTHER_BUDGET_S)
        lines.append(f"| {fmt} | {v['seconds']} | {round(v['seconds'] / max(r['floor']['seconds'], 0.01), 1)} | "
                     f"{v['gzipped_mb']} | {v['server_rss_growth_mb']} | "
                     f"{'met' if v['status'] == 200 and v['seconds'] <= budget else 'missed'} (≤ {budget:g} s) |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
