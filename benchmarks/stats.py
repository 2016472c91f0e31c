"""Small helpers for timing distributions."""
from __future__ import annotations

import os
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


def _status_mb(pid: int | str, field: str) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def rss_peak_mb(pid: int | str = "self") -> float:
    return _status_mb(pid, "VmHWM")


def rss_mb(pid: int | str = "self") -> float:
    return _status_mb(pid, "VmRSS")


def _stat_fields(pid: str) -> list[str] | None:
    """/proc/PID/stat after the command name (fields 3...), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children(pid: int) -> dict[int, list[str]]:
    """The live child processes of `pid`, each with its /proc stat fields (see _stat_fields)."""
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (fields := _stat_fields(name)) is not None and int(fields[1]) == pid:
            out[int(name)] = fields
    return out


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children(p))
    return out


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
