"""The Explorer in a real browser: how soon a 1k- and a 10k-relation view is drawn and laid out.

    python -m benchmarks.explorer [--save]               the benchmark (part of make bench)
    python -m benchmarks.explorer --picture FILE --store STORE   the README's screenshot

Synthetic graphs (`conflictgraph synth`) whose depth-2 view around the busiest actor holds
about 1,000 and 10,000 relations, each loaded into an embedded store and served. Measured in
the same page load, in Debian's headless chromium:

  api_ms            the page's own /subgraph request, start to last byte: the baseline
  first_frame_ms    navigation to the first frame with the view on screen
  layout_ms         the layout's start to its end (ForceAtlas2 in a web worker until the
                    nodes move less than 1% of the drawing in a quarter second, at most 8 s)
  long tasks        main-thread tasks over 50 ms before the layout (loading the page and the
                    view), while it runs (the page must stay usable: none over 200 ms), and
                    after it (the frame that draws a large view's edges)

Reported: the times, first frame / api ratio, and the long tasks.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

from .abuse import _free_port, _serve
from .report import replace_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLI = str(Path(sys.executable).with_name("conflictgraph"))
# actors, relations synthesised: the depth-2 view around the busiest actor then holds about
# 1,000 and 10,000 relations (1,103 and 9,980 with seed 1).
VIEWS = {"1k": (60, 1_110), "10k": (400, 14_200)}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Served:
    """`conflictgraph serve` on a store, on a free port (benchmarks/abuse.py starts it)."""

    def __init__(self, store: str):
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.proc = _serve(store, port, [])

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def _node(*args: str) -> list[dict]:
    out = subprocess.run(["node", str(HERE / "explorer.mjs"), *args], capture_output=True, text=True,
                         cwd=ROOT, check=True, timeout=1800)
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def _hub(base: str) -> str:
    rows = httpx.post(base + "/cypher", json={"query": "MATCH (a:Actor)-[r]-() RETURN a.id AS id, count(r) AS n "
                                                       "ORDER BY n DESC LIMIT 1"}, timeout=120).json()["rows"]
    return rows[0][0]


def bench(work: Path, repeats: int) -> dict:
    results = {}
    for name, (actors, relations) in VIEWS.items():
        folder, store = work / f"synth-{name}", f"embedded:{work / f'store-{name}'}"
        log(f"{name}: synth {actors} actors, {relations} relations, load (not timed)")
        subprocess.run([CLI, "synth", "--actors", str(actors), "--relations", str(relations), "--seed", "1",
                        "--out", str(folder)], check=True, capture_output=True)
        subprocess.run([CLI, "load", str(folder), "--store", store], check=True, capture_output=True)
        served = Served(store)
        try:
            hub = _hub(served.base)
            hash_ = f"#seeds={hub}&depth=2"
            log(f"{name}: {repeats} page loads of {hash_}")
            runs = _node("bench", served.base, *[hash_] * repeats)
        finally:
            served.stop()
        best = min(runs, key=lambda r: r["first_frame_ms"])
        best["worst_task_over_runs_ms"] = max(r["longest_task_during_layout_ms"] for r in runs)
        best["tasks_over_200ms_over_runs"] = sum(r["tasks_over_200ms_during_layout"] for r in runs)
        best["first_frame_to_api"] = round(best["first_frame_ms"] / max(1, best["api_ms"]), 2)
        results[name] = {"best": best, "runs": runs}
    return results


def markdown(results: dict, when: str) -> str:
    rows = []
    for name, r in results.items():
        b = r["best"]
        rows.append(f"| {name} | {b['nodes']:,} / {b['edges']:,} | {b['api_ms']} | {b['first_frame_ms']} | "
                    f"{b['first_frame_to_api']}× | {b['layout_ms']} | {b['longest_task_before_layout_ms']} | "
                    f"{b['worst_task_over_runs_ms']} | {b['tasks_over_200ms_over_runs']} in {len(r['runs'])} runs | "
                    f"{b['longest_task_after_layout_ms']} |")
    return ("## Explorer: time to the first frame and to a settled layout\n\n"
            f"Measured {when}: `python -m benchmarks.explorer`, Debian's headless chromium (software WebGL), "
            "1280×800, best of the page loads by first frame. The view is the depth-2 neighbourhood of a "
            "synthetic graph's busiest actor.\n\n"
            "| view | actors / relations | API answer (ms) | first frame on screen (ms) | first frame / API | "
            "layout (ms) | longest task before the layout (ms) | longest main-thread task during the layout, "
            "any run (ms) | tasks > 200 ms during the layout | longest task after the layout (the frame that "
            "draws every edge), ms |\n|---|---|---|---|---|---|---|---|---|---|\n"
            + "\n".join(rows) + "\n\n"
            "The API answer is the page's own /subgraph request in the same load (the baseline). Without a "
            "GPU every frame holds the page until WebGL, in software, has drawn it, and relations cost even "
            "when hidden. So ForceAtlas2 runs in a web worker on a copy of the view and pauses while each "
            "quarter second's positions are drawn; a view of more than 250 relations is drawn from its "
            "actors alone, unlabelled, until the layout settles, then with every relation in one frame "
            "(the last column: seconds at 10,000 relations on this machine), and hides its edges while the "
            "camera moves. It has not been measured on a machine with a GPU.\n" + breakdown(results))


# The page's marks (explorer/src/main.js), in the order it reaches them, and what each step is.
STEPS = [("document", "the HTML received"), ("main", "the bundle loaded and run: main() starts"),
         ("ontology", "GET /ontology answered"), ("graph-view", "the graph view built (sigma, WebGL context)"),
         ("panels", "the events panel built (map, timeline)"), ("controls", "controls, search, console set up"),
         ("versions", "GET /versions answered, the version picker filled"),
         ("view-fetched", "GET /subgraph answered and parsed"), ("view-set", "the view's graph built (graphology)"),
         ("lists-rendered", "the actor and relation lists rendered"), ("view-drawn", "the first frame on screen")]


def breakdown(results: dict) -> str:
    """Where the time before the first frame went, step by step (the best run of each view)."""
    out = []
    for name, r in results.items():
        before = r["best"].get("before_first_frame")
        if not before:
            continue
        at = {"document": before["document_ms"], **dict(before["marks"]), "view-drawn": r["best"]["first_frame_ms"]}
        lines = [f"\n**Before the first frame, {name} view** (ms since navigation; best run):\n",
                 "| step | at | took |", "| --- | ---: | ---: |"]
        last = 0
        labels = dict(STEPS)
        for key in sorted((k for k in labels if k in at), key=lambda k: at[k]):   # in the order reached
            lines.append(f"| {labels[key]} | {at[key]} | {at[key] - last} |")
            last = at[key]
        requests = ", ".join(f"{path} {start}-{end}" for path, start, end in before["requests"]
                             if not path.endswith((".js", ".css")))
        tasks = ", ".join(f"{d} at {s}" for s, d in before["long_tasks"]) or "none"
        lines += ["", f"Requests (start-end): {requests}. Long tasks (ms at ms): {tasks}."]
        out.append("\n".join(lines) + "\n")
    return "".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--picture", type=Path, help="write a screenshot of the Libya graph to this file")
    ap.add_argument("--store", help="with --picture: the store to serve (loaded)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--save", action="store_true", help="write results-explorer.json and RESULTS.md's section")
    a = ap.parse_args()
    if a.picture:
        served = Served(a.store or "embedded:data/graph")
        try:
            a.picture.parent.mkdir(parents=True, exist_ok=True)
            _node("picture", served.base, "#seeds=kaniyat&depth=2&sel=kaniyat", str(a.picture.resolve()))
        finally:
            served.stop()
        log(f"wrote {a.picture}")
        return
    work = Path(tempfile.mkdtemp(prefix="cg-bench-explorer-"))
    try:
        results = bench(work, a.repeats)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({k: v["best"] for k, v in results.items()}, indent=2))
    if a.save:
        (HERE / "results-explorer.json").write_text(json.dumps(results, indent=2) + "\n")
        replace_section("## Explorer:", markdown(results, datetime.now(timezone.utc).strftime("%Y-%m-%d")))


if __name__ == "__main__":
    main()
