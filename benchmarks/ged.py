"""Events at scale (issue 29, item 5): importing UCDP GED, and the aggregate endpoint, at 300,000 events.

    python -m benchmarks.ged [--rows 300000] [--repeats 2] [--save]

A GED file of `rows` rows in the published layout is tiled from the committed excerpt of real
GED 23.1 rows (tests/fixtures/ucdp/ged): each copy shifts the event ids, and the actor, dyad and
conflict ids by its copy number modulo 50 (about 1,800 actors and 1,000 dyads, as a full
release has some 2,000 actors), moves the dates by whole years and the points by a little.

1. Import, each side in a child process of its own (so its peak RSS is its own), alternated
   `repeats` times, best run counted (this machine is noisy):
     ours       exactly the CLI's `import ucdp-ged`: read as a stream, map, match, write
     baseline   pandas reading the same CSV alone (the least any importer of it must do)
2. The seed plus the imported events loaded into an embedded store (time said, not compared),
   then /events/aggregate by month and by 1-degree cell, 30 requests each through the app
   (FastAPI's TestClient: the real handler, lane and encoding), against the same run's floor:
   one Cypher count of every event through the same store.
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

from .report import replace_section
from .sides import alternate, serve_child
from .stats import percentiles, rss_peak_mb

HERE = Path(__file__).resolve().parent
EXCERPT = HERE.parent / "tests" / "fixtures" / "ucdp" / "ged" / "ged231-excerpt.csv"
SHIFT = 10_000_000
COPIES_OF_ACTORS = 50
REQUESTS = 30


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def generate(path: Path, rows: int) -> dict:
    with EXCERPT.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        template = list(reader)
    col = {c: i for i, c in enumerate(header)}
    ids = ("side_a_new_id", "side_b_new_id", "side_a_dset_id", "side_b_dset_id", "dyad_new_id", "dyad_dset_id",
           "conflict_new_id", "conflict_dset_id")
    written = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(header)
        k = 0
        while written < rows:
            group = k % COPIES_OF_ACTORS
            for row in template:
                if written >= rows:
                    break
                r = list(row)
                r[col["id"]] = str(int(r[col["id"]]) + k * SHIFT)
                for c in ids:
                    if r[col[c]] and r[col[c]] != "1":          # "1" is GED's civilians side
                        r[col[c]] = str(int(r[col[c]]) + group * SHIFT)
                if group:
                    for c in ("side_a", "side_b", "dyad_name"):
                        if r[col[c]] != "Civilians":
                            r[col[c]] = f"{r[col[c]]} {group}"
                years = k % 30
                for c in ("date_start", "date_end"):
                    d = date.fromisoformat(r[col[c]])
                    r[col[c]] = d.replace(year=min(2023, max(1989, d.year - 15 + years)), day=min(d.day, 28)).isoformat()
                if r[col["latitude"]]:
                    r[col["latitude"]] = f"{max(-89.9, min(89.9, float(r[col['latitude']]) + (k % 97) / 100)):.6f}"
                    r[col["longitude"]] = f"{max(-179.9, min(179.9, float(r[col['longitude']]) + (k % 89) / 100)):.6f}"
                w.writerow(r)
                written += 1
            k += 1
    return {"rows": written, "bytes": path.stat().st_size, "synthetic": True}


def child_ours(table: str, seeds: str) -> dict:
    from conflictgraph.graph.importers.matching import existing_actors
    from conflictgraph.graph.importers.ucdp_ged import import_file
    into = Path(seeds) / "imports" / "ucdp-ged"
    started = time.perf_counter()
    report = import_file(Path(table), into, existing_actors(seeds, exclude=into), version="23.1")
    return {"seconds": time.perf_counter() - started, "events": report.counts["events"],
            "relations": report.counts["relations"], "actors": report.counts["actors"], "peak_rss_mb": rss_peak_mb()}


def child_baseline(table: str) -> dict:
    import pandas as pd
    started = time.perf_counter()
    rows = len(pd.read_csv(table))
    return {"seconds": time.perf_counter() - started, "rows": rows, "peak_rss_mb": rss_peak_mb()}


def child_serve(seeds: str, store_dir: str) -> dict:
    """Load the seed and the import, then time the aggregate endpoint against the count floor."""
    from fastapi.testclient import TestClient

    from conflictgraph.api.app import create_app
    from conflictgraph.graph.dataset import SeedSet
    from conflictgraph.graph.ontology import default_ontology
    from conflictgraph.graph.settings import Settings
    from conflictgraph.graph.store.embedded import EmbeddedStore
    store = EmbeddedStore(Path(store_dir) / "graph", default_ontology())
    started = time.perf_counter()
    report = store.load(SeedSet(Path(seeds)))
    load_s = time.perf_counter() - started
    out = {"load_seconds": round(load_s, 1), "events": report.counts.get("events") if hasattr(report, "counts") else None,
           "load_peak_rss_mb": rss_peak_mb()}

    def floor():
        with store.reading() as r:
            return r.run_own("MATCH (e:Event) RETURN count(*)").rows[0][0]
    with TestClient(create_app(store=store, settings=Settings.from_env())) as client:
        out["events"] = floor()
        timings: dict[str, list[float]] = {"floor: count every event (Cypher)": [], "by month": [], "by 1° cell": []}
        for _ in range(REQUESTS):       # interleaved, so the machine's noise falls on every side alike
            t = time.perf_counter()
            floor()
            timings["floor: count every event (Cypher)"].append((time.perf_counter() - t) * 1000)
            for name, params in (("by month", {"by": "month"}), ("by 1° cell", {"by": "cell", "size": 1})):
                t = time.perf_counter()
                r = client.get("/events/aggregate", params=params)
                timings[name].append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200 and r.json()["events"] > 0, r.text[:300]
        out["buckets"] = {"month": len(client.get("/events/aggregate", params={"by": "month"}).json()["buckets"]),
                          "cell": len(client.get("/events/aggregate", params={"by": "cell"}).json()["buckets"])}
    store.close()
    out["map"] = _map_first_frame(f"embedded:{Path(store_dir) / 'graph'}")
    out["timings"] = {k: percentiles(v) for k, v in timings.items()}
    floor_p50 = out["timings"]["floor: count every event (Cypher)"]["median_ms"]
    out["ratio_to_floor_median"] = {k: round(v["median_ms"] / floor_p50, 2) for k, v in out["timings"].items()}
    return out


def _map_first_frame(store: str, runs: int = 3) -> dict:
    """The Explorer's events panel over every event of `store`, in headless chromium
    (benchmarks/events_map.mjs): median of `runs` page loads."""
    import statistics
    import subprocess
    from .abuse import _free_port, _serve
    port = _free_port()
    server = _serve(store, port, [])
    try:
        out = subprocess.run(["node", str(HERE / "events_map.mjs"), f"http://127.0.0.1:{port}", str(runs)],
                             capture_output=True, text=True, check=True, timeout=900, cwd=HERE.parent)
    finally:
        server.terminate()
        server.wait(30)
    loads = json.loads(out.stdout.strip().splitlines()[-1])
    first = statistics.median(x["first_frame_ms"] for x in loads)
    api = statistics.median(x["api_ms"] for x in loads)
    return {"loads": loads, "first_frame_ms": round(first), "api_ms": round(api), "ratio": round(first / api, 2),
            "mode": loads[0]["mode"], "cells": loads[0]["cells"], "events": loads[0]["events"]}


def run(rows: int, repeats: int, work: Path) -> dict:
    from conflictgraph.graph.paths import SEED_DIR
    from .sides import child
    table = work / "GEDEvent_v23_1.csv"
    log(f"generating {rows:,} GED rows from the excerpt (not timed)")
    shape = generate(table, rows)
    seeds = work / "seeds"

    def fresh_seeds() -> None:
        shutil.rmtree(seeds, ignore_errors=True)
        shutil.copytree(SEED_DIR, seeds)

    runs = alternate("benchmarks.ged", repeats, (str(table),), (str(table), str(seeds)), log, before_ours=fresh_seeds)
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in runs.items()}
    out = {"shape": shape, "runs": runs, "events": best["ours"]["events"], "relations": best["ours"]["relations"],
           "actors": best["ours"]["actors"]}
    for side, r in best.items():
        out[side] = {"seconds": round(r["seconds"], 2), "rows_per_s": round(shape["rows"] / r["seconds"]),
                     "peak_rss_mb": r["peak_rss_mb"]}
    out["ratio_ours_to_baseline"] = round(best["ours"]["seconds"] / best["baseline"]["seconds"], 2)
    log("loading the seed and the import into an embedded store, then timing /events/aggregate")
    out["serve"] = child("benchmarks.ged", "serve", str(seeds), str(work / "store"))
    return out


def markdown(result: dict, when: str) -> str:
    s, o, b, v = result["shape"], result["ours"], result["baseline"], result["serve"]
    lines = [f"## Events: UCDP GED at {s['rows']:,} events (`python -m benchmarks.ged`, part of `make bench`)", "",
             f"Measured {when} on a GED file of the published layout tiled from the committed excerpt of real GED 23.1 "
             f"rows ({s['bytes'] / 1e6:.0f} MB; {result['actors']:,} actors, {result['relations']:,} dyads). Import: "
             "best of the alternated runs, each side in its own process.", "",
             "| import | seconds | rows/s | peak RSS |", "|---|---|---|---|",
             f"| ours (`conflictgraph import ucdp-ged`, a stream) | {o['seconds']} | {o['rows_per_s']:,} | {o['peak_rss_mb']} MB |",
             f"| baseline (pandas reading the CSV alone) | {b['seconds']} | {b['rows_per_s']:,} | {b['peak_rss_mb']} MB |",
             "", f"Ours takes **{result['ratio_ours_to_baseline']}×** the baseline's time.", "",
             f"The seed plus these events loaded into an embedded store in {v['load_seconds']} s (loader peak RSS "
             f"{v['load_peak_rss_mb']} MB). `/events/aggregate` over all {v['events']:,} events, {REQUESTS} requests "
             f"each through the app, against the same run's floor ({v['buckets']['month']} month buckets, "
             f"{v['buckets']['cell']} cells):", "",
             "| | median ms | p99 ms | × floor (median) |", "|---|---|---|---|"]
    for name, t in v["timings"].items():
        lines.append(f"| {name} | {t['median_ms']:.1f} | {t['p99_ms']:.1f} | {v['ratio_to_floor_median'][name]} |")
    m = v["map"]
    lines += ["", f"The Explorer's events panel over all {m['events']:,} events (no actor chosen), in headless chromium "
              f"(`benchmarks/events_map.mjs`, median of {len(m['loads'])} page loads): the map draws {m['cells']} "
              f"cells of 1° ({m['mode']}; a 2D canvas, no WebGL) and the timeline its months. Navigation to the first "
              f"frame with both drawn: **{m['first_frame_ms']:,} ms**; the page's own aggregate requests, first "
              f"start to last end: {m['api_ms']:,} ms (so {m['ratio']}× the API's answers)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    if serve_child({"ours": child_ours, "baseline": child_baseline, "serve": child_serve}):
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=300_000)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--save", action="store_true", help="write results-ged.json and RESULTS.md's section")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cg-bench-ged-"))
    try:
        result = run(a.rows, a.repeats, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=2))
    if a.save:
        (HERE / "results-ged.json").write_text(json.dumps(result, indent=2) + "\n")
        replace_section("## Events: UCDP GED", markdown(result, when))


if __name__ == "__main__":
    main()
