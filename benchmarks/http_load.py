"""A bounded HTTP load from a separate process: C concurrent clients, N requests per path.

    python -m benchmarks.http_load BASE_URL CONCURRENCY N PATH [PATH ...]
Prints JSON: per path, throughput (requests/s) and the latency distribution.
"""
from __future__ import annotations

import asyncio
import json
import sys
import time

import httpx

from .stats import percentiles


async def one_path(client: httpx.AsyncClient, path: str, concurrency: int, n: int) -> dict:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(n))

    async def worker():
        nonlocal errors
        for _ in counter:
            t = time.perf_counter()
            r = await client.get(path)
            latencies.append((time.perf_counter() - t) * 1000)
            errors += r.status_code != 200
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"requests": n, "errors": errors, "seconds": round(elapsed, 3),
            "throughput_rps": round(n / elapsed, 1), **percentiles(latencies)}


async def main(base: str, concurrency: int, n: int, paths: list[str]) -> dict:
    """`paths` are "label|/url" pairs."""
    targets = [tuple(p.split("|", 1)) for p in paths]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        for _, url in targets:  # warm each path up once
            await client.get(url)
        return {label: await one_path(client, url, concurrency, n) for label, url in targets}


if __name__ == "__main__":
    base, conc, n, *paths = sys.argv[1:]
    print(json.dumps(asyncio.run(main(base, int(conc), int(n), paths))))
