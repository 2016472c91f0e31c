"""Requests per second with `serve --workers 1`, `2` and `4` on the same store, in one run.

    python -m benchmarks.workers --store embedded:PATH [--concurrency 16] [--requests 400]
                                 [--workers 1,2,4] [--save]

The load comes from a separate process (benchmarks/http_load.py) over a mix of lookups,
filtered lists, search and one-hop subgraphs. Memory: the server processes' summed RSS and
PSS (PSS splits shared pages between the processes that map them, so the projection files,
mapped by every worker, count once).

Where the cores went (the profile that says why more workers do or do not pay): the CPU
seconds each process used during the measured load (utime + stime from /proc), the load
generator's included, its share of the machine's cores over the wall time, and the context
switches the kernel forced on the servers (nonvoluntary: a runnable process preempted
because another wanted its core).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from .abuse import _free_port, _serve
from .report import replace_section
from .stats import _stat_fields, descendants

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
    prefix = actors[0]["name"][:3]
    return [f"actor|/actors/{a}", f"relations|/relations?limit=100&types=BACKS",
            f"search|/search?q={prefix}&limit=10", f"subgraph|/subgraph?seeds={a}&depth=1"]


def _cpu(pid: int) -> dict:
    """CPU seconds used so far and forced context switches of one process."""
    fields = _stat_fields(str(pid)) or []
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks if len(fields) > 12 else 0.0
    switches = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("nonvoluntary_ctxt_switches:"):
                switches = int(line.split()[1])
    except OSError:
        pass
    return {"cpu_s": cpu, "forced_switches": switches}


def measure(store: str, workers: int, concurrency: int, requests: int) -> dict:
    port = _free_port()
    server = _serve(store, port, ["--workers", str(workers)])
    base = f"http://127.0.0.1:{port}"
    try:
        paths = _paths(base)
        # Every worker warms its projection and search index in the background once started;
        # each path is asked on fresh connections (the kernel hands them to the workers in
        # turn) so that no worker meets a path cold inside the measured window.
        for p in paths:
            for _ in range(8 * workers):
                httpx.get(base + p.split("|", 1)[1], timeout=120, headers={"Connection": "close"})
        time.sleep(3)
        servers = [p for p in descendants(server.pid) if p != server.pid or workers == 1]
        before = {p: _cpu(p) for p in servers}
        started = time.perf_counter()
        load = subprocess.Popen([sys.executable, "-m", "benchmarks.http_load", base, str(concurrency),
                                 str(requests), *paths], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        stdout = load.stdout.read()
        # Reaped here, not by Popen, for the kernel's account of the generator's CPU.
        _, status, usage = os.wait4(load.pid, 0)
        load.returncode = os.waitstatus_to_exitcode(status)
        generator = {"cpu_s": usage.ru_utime + usage.ru_stime}
        wall = time.perf_counter() - started
        after = {p: _cpu(p) for p in servers}
        result = json.loads(stdout)
        server_cpu = sum(after[p]["cpu_s"] - before[p]["cpu_s"] for p in servers)
        cores = os.cpu_count() or 1
        cpu = {"wall_s": round(wall, 2), "servers_cpu_s": round(server_cpu, 2),
               "load_generator_cpu_s": round(generator["cpu_s"], 2),
               "servers_share_of_machine": round(server_cpu / (wall * cores), 2),
               "load_generator_share_of_machine": round(generator["cpu_s"] / (wall * cores), 2),
               "servers_forced_switches": sum(after[p]["forced_switches"] - before[p]["forced_switches"]
                                              for p in servers)}
        memory = _memory_mb([p for p in descendants(server.pid) if p != server.pid or workers == 1])
    finally:
        server.terminate()
        server.wait(30)
    return {"workers": workers, "memory": memory, "cpu": cpu,
            "total_rps": round(sum(v["requests"] for v in result.values())
                               / sum(v["seconds"] for v in result.values()), 1),
            "paths": {k: {"throughput_rps": v["throughput_rps"], "median_ms": v["median_ms"],
                          "p99_ms": v["p99_ms"], "errors": v["errors"]} for k, v in result.items()}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--requests", type=int, default=1500)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--save", action="store_true")
    args = ap.parse_args()
    runs = [measure(args.store, int(n), args.concurrency, args.requests) for n in args.workers.split(",")]
    one = runs[0]
    result = {"store": args.store, "concurrency": args.concurrency, "requests_per_path": args.requests,
              "cores": os.cpu_count(), "runs": runs,
              "ratio_to_one_worker_rps": {str(r["workers"]): {p: round(r["paths"][p]["throughput_rps"]
                                                                    / one["paths"][p]["throughput_rps"], 2)
                                                                for p in one["paths"]} for r in runs}}
    result["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(json.dumps(result, indent=2))
    if args.save:
        (ROOT / "benchmarks" / "results-workers.json").write_text(json.dumps(result, indent=2) + "\n")
        replace_section("## Workers", report(result))


def report(r: dict) -> str:
    paths = list(r["runs"][0]["paths"])
    lines = ["## Workers: `serve --workers 1, 2, 4` (`python -m benchmarks.workers`)", "",
             f"One run, {r.get('date', '')}, store `{r['store']}`, {r['cores']} cores; {r['concurrency']} clients, "
             f"{r['requests_per_path']} requests per path, the load generator a process of its own on the same "
             "machine. Each worker warmed on fresh connections before the clock. CPU: seconds used by the "
             "server processes and by the load generator during the measured load (from /proc and the "
             "kernel's account of the child), as a share of the machine's cores over the wall time.", "",
             "| workers | requests/s, all paths | " + " | ".join(f"{p} req/s (× 1 worker)" for p in paths)
             + " | servers' share of the cores | load generator's | forced switches | RSS MB | PSS MB |",
             "| ---: | ---: | " + " | ".join("---:" for _ in paths) + " | ---: | ---: | ---: | ---: | ---: |"]
    for run in r["runs"]:
        ratio = r["ratio_to_one_worker_rps"][str(run["workers"])]
        c, m = run["cpu"], run["memory"]
        lines.append(f"| {run['workers']} | {run['total_rps']} | "
                     + " | ".join(f"{run['paths'][p]['throughput_rps']} (× {ratio[p]})" for p in paths)
                     + f" | {c['servers_share_of_machine']} | {c['load_generator_share_of_machine']} | "
                     f"{c['servers_forced_switches']} | {m['rss_mb']} | {m['pss_mb']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
