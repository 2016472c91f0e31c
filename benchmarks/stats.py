"""Small helpers for timing distributions."""
from __future__ import annotations

import statistics
import time


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    s = sorted(samples_ms)
    if not s:
        return {"n": 0}

    def pct(p: float) -> float:
        return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]
    return {"n": len(s), "median_ms": round(statistics.median(s), 3), "p95_ms": round(pct(95), 3),
            "p99_ms": round(pct(99), 3), "max_ms": round(s[-1], 3)}


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return (time.perf_counter() - t) * 1000, out


def rss_peak_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def concurrent(fn, concurrency: int, n: int) -> dict:
    """`n` calls of fn() from `concurrency` threads: throughput and latency, the in-process
    baseline for the same load through HTTP."""
    import threading
    latencies: list[float] = []
    counter = iter(range(n))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            latencies.append(timed(fn)[0])
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"throughput_rps": round(n / elapsed, 1), **percentiles(latencies)}
