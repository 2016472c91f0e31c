"""Import throughput: `conflictgraph import opensanctions` on 1M FollowTheMoney entities.

    python -m benchmarks.imports [--entities 1000000] [--repeats 2] [--workdir DIR] [--save]

A synthetic OpenSanctions-shaped export (not timed), in the shape of a multi-authority
collection: listed Persons and Organizations, their Sanctions from 30 authorities of which
only a few states are in the seed (the others are created as the real `default` collection
makes the importer do), addresses, and the networks behind the listings (an Organization's
owner and director, a Person's relative: Ownership, Directorship and Family entities with the
unlisted people at their other end). A statement is one property value of an entity, plus one
for the entity itself (as OpenSanctions counts rows of its statements.csv). Each side runs in
a child process of its own, so its peak RSS is its own; they alternate `repeats` times and the
best run of each counts (this machine is noisy):

  ours       exactly the CLI's import: two passes, matching, the seed folder written, the
             entities kept (gzipped) for the next delta
  baseline   the followthemoney package alone reading every line into an entity proxy
             (the least any FtM importer must do), measured in the same run

Reported: entities/s and statements/s for each, ours/baseline time ratio, peak RSS.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import orjson

from .report import replace_section
from .sides import alternate, serve_child
from .stats import rss_peak_mb

HERE = Path(__file__).resolve().parent
# (country, authority): 30 sanctioning authorities; the seed holds the US, the UK, France and
# Germany among them, the others (and every agency) the import creates.
AUTHORITIES = [
    ("us", "Office of Foreign Assets Control"), ("gb", "Foreign, Commonwealth and Development Office"),
    ("eu", "Council of the European Union"), ("ch", "State Secretariat for Economic Affairs"),
    ("ua", "National Security and Defense Council"), ("jp", "Ministry of Economy, Trade and Industry"),
    ("ca", "Global Affairs Canada"), ("au", "Department of Foreign Affairs and Trade"),
    ("fr", "Direction générale du Trésor"), ("de", "Bundesministerium der Finanzen"),
    ("nz", "Ministry of Foreign Affairs and Trade"), ("be", "SPF Finances"), ("nl", "Ministerie van Financiën"),
    ("pl", "Ministerstwo Spraw Wewnętrznych i Administracji"), ("lt", "Ministry of Foreign Affairs"),
    ("lv", "Financial Intelligence Unit"), ("ee", "Ministry of Foreign Affairs"), ("cz", "Ministry of Finance"),
    ("sg", "Monetary Authority of Singapore"), ("kr", "Ministry of Economy and Finance"),
    ("tw", "Ministry of Justice Investigation Bureau"), ("in", "Ministry of Home Affairs"),
    ("il", "National Bureau for Counter Terror Financing"), ("qa", "National Counter Terrorism Committee"),
    ("ae", "Executive Office for Control and Non-Proliferation"), ("ar", "Ministerio de Justicia"),
    ("br", "Ministério da Justiça"), ("za", "Financial Intelligence Centre"), ("my", "Ministry of Home Affairs"),
    ("zz", "United Nations Security Council"),
]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _statements(entity: dict) -> int:
    return 1 + sum(len(v) for v in entity["properties"].values())


def generate(path: Path, entities: int) -> dict:
    """Groups of a listed party, its Sanction, an address and its network (an Organization:
    owner and director, two people and two links; a Person: a relative and the link), until
    `entities` are written. Returns what was written."""
    counts = {"entities": 0, "statements": 0, "sanctions": 0, "links": 0, "groups": 0}
    with path.open("wb") as fh:
        i = 0
        while counts["entities"] < entities:
            party = f"NK-bench-{i}"
            country, authority = AUTHORITIES[i % len(AUTHORITIES)]
            group = []
            if i % 5:
                group.append({"id": party, "schema": "Person", "properties": {
                    "name": [f"Person {i} al-Bench"], "alias": [f"P. {i}", f"Bench {i}"],
                    "birthDate": [f"19{50 + i % 50}-0{1 + i % 9}-1{i % 9}"], "nationality": ["ly"],
                    "country": ["ly"], "topics": ["sanction"]}})
                group.append({"id": f"Q-relative-{i}", "schema": "Person", "properties": {
                    "name": [f"Relative {i} al-Bench"], "country": ["ly"]}})
                group.append({"id": f"fam-{i}", "schema": "Family", "properties": {
                    "person": [party], "relative": [f"Q-relative-{i}"], "relationship": ["brother"]}})
                counts["links"] += 1
            else:
                group.append({"id": party, "schema": "Organization", "properties": {
                    "name": [f"Brigade {i}"], "alias": [f"B-{i}", f"{i}th Brigade"],
                    "incorporationDate": ["2015"], "jurisdiction": ["ly"],
                    "country": ["ly"], "topics": ["sanction"]}})
                for role, schema, props in (("owner", "Ownership", {"owner": [f"Q-owner-{i}"], "asset": [party],
                                                                     "percentage": ["51"]}),
                                            ("director", "Directorship", {"director": [f"Q-director-{i}"],
                                                                          "organization": [party],
                                                                          "role": ["director"]})):
                    group.append({"id": f"Q-{role}-{i}", "schema": "Person", "properties": {
                        "name": [f"{role.title()} {i} Benchov"], "country": ["ru"]}})
                    group.append({"id": f"{role}-link-{i}", "schema": schema,
                                  "properties": {**props, "startDate": ["2019-04-01"]}})
                    counts["links"] += 1
            group.append({"id": f"sanction-bench-{i}", "schema": "Sanction", "properties": {
                "entity": [party], "authority": [authority], "program": ["BENCH"],
                "startDate": [f"20{10 + i % 15}-11-25"], "country": [country], "authorityId": [str(30000 + i)]}})
            group.append({"id": f"addr-bench-{i}", "schema": "Address", "properties": {
                "full": [f"{i} Street, Tripoli"], "country": ["ly"]}})
            for e in group:
                e["datasets"] = ["bench"]
                fh.write(orjson.dumps(e) + b"\n")
                counts["statements"] += _statements(e)
            counts["entities"] += len(group)
            counts["sanctions"] += 1
            counts["groups"] += 1
            i += 1
    counts["bytes"] = path.stat().st_size
    return counts


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


def run(entities: int, repeats: int, work: Path) -> dict:
    export = work / "entities.ftm.json"
    log(f"generating ~{entities:,} entities (not timed)")
    shape = generate(export, entities)
    into = work / "seeds" / "imports" / "opensanctions"
    runs = alternate("benchmarks.imports", repeats, (str(export),), (str(export), str(into)), log,
                     before_ours=lambda: shutil.rmtree(into, ignore_errors=True))
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in runs.items()}
    agencies = len(AUTHORITIES) - 1     # each agency PART_OF its state, once; the UN is the seed's, with none
    expected = shape["sanctions"] + shape["links"] + agencies
    if best["ours"]["relations"] != expected:
        raise SystemExit(f"the import wrote {best['ours']['relations']} relations, expected {expected}")
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
    return (f"## Import: OpenSanctions (FtM), {s['entities']:,} entities\n\n"
            f"Measured {when}: `python -m benchmarks.imports`. {s['entities']:,} entities, {s['statements']:,} "
            f"statements ({s['groups']:,} listed parties, their Sanctions from {len(AUTHORITIES)} authorities, "
            f"addresses, and {s['links']:,} ownership, directorship and family links to unlisted people; "
            f"{s['bytes'] / 1e6:.0f} MB), "
            "best of the alternated runs, each side in its own process.\n\n"
            "| | seconds | entities/s | statements/s | peak RSS |\n|---|---|---|---|---|\n"
            f"| ours (`conflictgraph import opensanctions`) | {o['seconds']} | {o['entities_per_s']:,} | "
            f"{o['statements_per_s']:,} | {o['peak_rss_mb']} MB |\n"
            f"| baseline (followthemoney reading alone) | {b['seconds']} | {b['entities_per_s']:,} | "
            f"{b['statements_per_s']:,} | {b['peak_rss_mb']} MB |\n\n"
            f"Ours takes **{result['ratio_ours_to_baseline']}×** the baseline's time: it reads the file twice "
            "(Sanctions and links first, then the parties they name), matches every party and authority against "
            "the seed's actors, writes the seed folder and keeps the entities gzipped for the next delta. Memory "
            "holds the Sanctions, the links and the set of listed ids, not the file.\n")


def main() -> None:
    if serve_child({"ours": child_ours, "baseline": child_baseline}):
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--save", action="store_true", help="write results-imports.json and RESULTS.md's section")
    a = ap.parse_args()
    work = a.workdir or Path(tempfile.mkdtemp(prefix="cg-bench-imports-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = run(a.entities, a.repeats, work)
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
