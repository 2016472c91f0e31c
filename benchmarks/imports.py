"""Import throughput: `conflictgraph import opensanctions` on 1M FollowTheMoney statements.

    python -m benchmarks.imports [--statements 1000000] [--repeats 2] [--workdir DIR] [--save]

A synthetic OpenSanctions-shaped export (not timed) of sanctioned Persons and Organizations,
their Sanction entities and addresses; a statement is one property value of an entity, plus
one for the entity itself (as OpenSanctions counts rows of its statements.csv). Each side runs
in a child process of its own, so its peak RSS is its own; they alternate `repeats` times and
the best run of each counts (this machine is noisy):

  ours       exactly the CLI's import: two passes, matching, the seed folder written
  baseline   the followthemoney package alone reading every line into an entity proxy
             (the least any FtM importer must do), measured in the same run

Reported: entities/s and statements/s for each, ours/baseline time ratio, peak RSS.
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

import orjson

from .report import replace_section
from .stats import rss_peak_mb

HERE = Path(__file__).resolve().parent
STATEMENTS_PER_GROUP = 18   # Person 7 values + Sanction 6 + Address 2, and 3 entities


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def generate(path: Path, statements: int) -> dict:
    """Groups of a sanctioned party, its Sanction and an address; every fifth party an
    Organization. Returns what was written."""
    groups = max(1, statements // STATEMENTS_PER_GROUP)
    with path.open("wb") as fh:
        for i in range(groups):
            party = f"NK-bench-{i}"
            if i % 5:
                person = {"id": party, "schema": "Person", "properties": {
                    "name": [f"Person {i} al-Bench"], "alias": [f"P. {i}", f"Bench {i}"],
                    "birthDate": [f"19{50 + i % 50}-0{1 + i % 9}-1{i % 9}"], "nationality": ["ly"],
                    "country": ["ly"], "topics": ["sanction"]}}
            else:
                person = {"id": party, "schema": "Organization", "properties": {
                    "name": [f"Brigade {i}"], "alias": [f"B-{i}", f"{i}th Brigade"],
                    "incorporationDate": ["2015"], "jurisdiction": ["ly"],
                    "country": ["ly"], "topics": ["sanction"]}}
            sanction = {"id": f"ofac-bench-{i}", "schema": "Sanction", "properties": {
                "entity": [party], "authority": ["Office of Foreign Assets Control"], "program": ["GLOMAG"],
                "startDate": [f"20{10 + i % 15}-11-25"], "country": ["us"], "authorityId": [str(30000 + i)]}}
            address = {"id": f"addr-bench-{i}", "schema": "Address", "properties": {
                "full": [f"{i} Street, Tripoli"], "country": ["ly"]}}
            for e in (person, sanction, address):
                fh.write(orjson.dumps(e) + b"\n")
    return {"groups": groups, "entities": 3 * groups, "statements": STATEMENTS_PER_GROUP * groups,
            "bytes": path.stat().st_size}


def child_ours(export: str, into: str) -> dict:
    from conflictgraph.graph.importers.matching import existing_actors
    from conflictgraph.graph.importers.opensanctions import import_file
    from conflictgraph.graph.paths import SEED_DIR
    started = time.perf_counter()
    report = import_file(Path(export), Path(into), existing_actors(SEED_DIR, exclude=into), version="bench")
    return {"seconds": time.perf_counter() - started, "relations": report.counts["relations"],
            "actors": report.counts["actors"], "peak_rss_mb": rss_peak_mb()}


def child_baseline(export: str) -> dict:
    from followthemoney import model
    started = time.perf_counter()
    n = 0
    with open(export, "rb") as fh:
        for line in fh:
            model.get_proxy(orjson.loads(line))
            n += 1
    return {"seconds": time.perf_counter() - started, "entities": n, "peak_rss_mb": rss_peak_mb()}


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.imports", "--child", *args], capture_output=True,
                         text=True, cwd=HERE.parent, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(statements: int, repeats: int, work: Path) -> dict:
    export = work / "entities.ftm.json"
    log(f"generating ~{statements:,} statements (not timed)")
    shape = generate(export, statements)
    runs: dict[str, list[dict]] = {"ours": [], "baseline": []}
    for i in range(repeats):
        log(f"run {i + 1}/{repeats}: baseline (followthemoney reading alone)")
        runs["baseline"].append(_child("baseline", str(export)))
        into = work / "seeds" / "imports" / "opensanctions"
        shutil.rmtree(into, ignore_errors=True)
        log(f"run {i + 1}/{repeats}: ours (conflictgraph import opensanctions)")
        runs["ours"].append(_child("ours", str(export), str(into)))
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in runs.items()}
    if best["ours"]["relations"] != shape["groups"]:
        raise SystemExit(f"the import wrote {best['ours']['relations']} relations for {shape['groups']} Sanctions")
    out = {"shape": shape, "runs": runs}
    for side, r in best.items():
        out[side] = {"seconds": round(r["seconds"], 2),
                     "entities_per_s": round(shape["entities"] / r["seconds"]),
                     "statements_per_s": round(shape["statements"] / r["seconds"]),
                     "peak_rss_mb": r["peak_rss_mb"]}
    out["ratio_ours_to_baseline"] = round(best["ours"]["seconds"] / best["baseline"]["seconds"], 2)
    return out


def markdown(result: dict, when: str) -> str:
    s, o, b = result["shape"], result["ours"], result["baseline"]
    return (f"## Import: OpenSanctions (FtM), {s['statements']:,} statements\n\n"
            f"Measured {when}: `python -m benchmarks.imports`. {s['entities']:,} entities "
            f"({s['groups']:,} sanctioned parties, their Sanctions and addresses; {s['bytes'] / 1e6:.0f} MB), "
            "best of the alternated runs, each side in its own process.\n\n"
            "| | seconds | entities/s | statements/s | peak RSS |\n|---|---|---|---|---|\n"
            f"| ours (`conflictgraph import opensanctions`) | {o['seconds']} | {o['entities_per_s']:,} | "
            f"{o['statements_per_s']:,} | {o['peak_rss_mb']} MB |\n"
            f"| baseline (followthemoney reading alone) | {b['seconds']} | {b['entities_per_s']:,} | "
            f"{b['statements_per_s']:,} | {b['peak_rss_mb']} MB |\n\n"
            f"Ours takes **{result['ratio_ours_to_baseline']}×** the baseline's time: it reads the file twice "
            "(Sanctions first, then the parties they name), matches every party against the seed's actors and "
            "writes the seed folder. Memory holds the Sanctions and the set of sanctioned ids, not the file.\n")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        side, *args = sys.argv[2:]
        print(json.dumps(child_ours(*args) if side == "ours" else child_baseline(*args)))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--statements", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--save", action="store_true", help="write results-imports.json and RESULTS.md's section")
    a = ap.parse_args()
    work = a.workdir or Path(tempfile.mkdtemp(prefix="cg-bench-imports-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = run(a.statements, a.repeats, work)
    finally:
        if not a.workdir:
            shutil.rmtree(work, ignore_errors=True)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=2))
    if a.save:
        (HERE / "results-imports.json").write_text(json.dumps(result, indent=2) + "\n")
        replace_section("## Import: OpenSanctions", markdown(result, when))


if __name__ == "__main__":
    main()
