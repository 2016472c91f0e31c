"""Requests per second with `serve --workers 1` and `--workers 2` on the same store, in one run.

    python -m benchmarks.workers --store embedded:PATH [--concurrency 16] [--requests 400] [--save]

The load comes from a separate process (benchmarks/http_load.py) over a mix of lookups,
filtered lists and one-hop subgraphs. Memory: the server processes' summed RSS and PSS
(PSS splits shared pages between the processes that map them, so the projection files,
mapped by every worker, count once).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from .abuse import _free_port, _serve
from .stats import descendants

ROOT = Path(__file__).resolve().parent.parent


def _memory_mb(pids: list[int]) -> dict:
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return {"rss_mb": round(rss / 1024, 1), "pss_mb": round(pss / 1024, 1)}


def _paths(base: str) -> list[str]:
    actors = httpx.get(base + "/actors", params={"limit": 5}, timeout=60).json()["items"]
    a = actors[0]["id"]
    return [f"actor|/actors/{a}", f"relations|/relations?limit=100&types=BACKS",
            "search|/actors?q=a&limit=20", f"subgraph|/subgraph?seeds={a}&depth=1"]


def measure(store: str, workers: int, concurrency: int, requests: int) -> dict:
    port = _free_port()
    server = _serve(store, port, ["--workers", str(workers)])
    base = f"http://127.0.0.1:{port}"
    try:
        paths = _paths(base)
        for p in paths:   # every worker has built its projection view before the clock starts
            for _ in range(4 * workers):
                httpx.get(base + p.split("|", 1)[1], timeout=120)
        time.sleep(1)
        out = subprocess.run([sys.executable, "-m", "benchmarks.http_load", base, str(concurrency),
                              str(requests), *paths], capture_output=True, text=True, check=True, cwd=ROOT)
        result = json.loads(out.stdout)
        memory = _memory_mb([p for p in descendants(server.pid) if p != server.pid or workers == 1])
    finally:
        server.terminate()
        server.wait(30)
    return {"workers": workers, "memory": memory,
            "paths": {k: {"throughput_rps": v["throughput_rps"], "median_ms": v["median_ms"],
                          "p99_ms": v["p99_ms"], "errors": v["errors"]} for k, v in result.items()}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--save", action="store_true")
    args = ap.parse_args()
    one = measure(args.store, 1, args.concurrency, args.requests)
    two = measure(args.store, 2, args.concurrency, args.requests)
    result = {"store": args.store, "concurrency": args.concurrency, "requests_per_path": args.requests,
              "one_worker": one, "two_workers": two,
              "ratio_two_to_one_rps": {p: round(two["paths"][p]["throughput_rps"] / one["paths"][p]["throughput_rps"], 2)
                                       for p in one["paths"]}}
    print(json.dumps(result, indent=2))
    if args.save:
        (ROOT / "benchmarks" / "results-workers.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
