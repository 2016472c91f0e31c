"""`conflictgraph import ucdp-actors FILE`: the UCDP Actor Dataset as the identity list of UCDP data.

Which file (README, "Bringing in data"): from https://ucdp.uu.se/downloads/, the UCDP Actor
Dataset (`ucdp-actor-<version>.csv` or `.xlsx`). Its codebook (v22.1, "Variables in the Actor
Dataset") is the authority for each mapping:
  * `ActorId`, "the unique identifier of all actors", kept through renames -> identifier `ucdp`;
  * `NameData`, the name used in UCDP data -> the actor's name; `NameOrig`, `NameOrigFullEng`,
    `NewName`, `NewNameFullEng` and `NameOrigFull` (mother tongue) -> aliases ("n/a" is none);
  * `Org`, the organisational level: 4 "the government of a state" -> `government`; 1 (formally
    organised groups: rebel groups, military factions), 2 (supporters of parties and
    candidates) and 3 (groups sharing an ethnic, clan, religious, national or tribal identity),
    all of which UCDP records fighting -> `armed_group`;
  * `Version` -> the dataset document's version when none is given.
Each actor the seed set already holds (by identifier, then name; a government also by the
state's name, so "Government of Russia (Soviet Union)" is the seed's Russia) is reused and
counted; the others are written, so later UCDP imports (ESD 18.1, GED) find one actor per UCDP
id. The seed keeps the UCDP ids of its own actors (seed_data/libya/actors.yaml).
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Callable

from ..models import Actor
from .common import ImportFailed, ImportReport, slug
from .layouts import UCDP_ACTORS, UCDP_DOWNLOADS, not_this_layout, recognise
from .output import SeedFolder
from .tables import read_table
from .ucdp import UCDP, ActorBook

ORG_KINDS = {1: "armed_group", 2: "armed_group", 3: "armed_group", 4: "government"}
ALIAS_COLUMNS = ("NameOrig", "NameOrigFullEng", "NewName", "NewNameFullEng", "NameOrigFull")
USED = {"ActorId", "NameData", "Org", "Version", *ALIAS_COLUMNS}
NOT_A_NAME = {"", "n/a", "na", "-"}


def import_file(path: Path, into: Path, existing: list[Actor], *, version: str | None = None,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    path = Path(path)
    table = read_table(path, progress=progress)
    if recognise(table.columns) is not UCDP_ACTORS:
        raise ImportFailed(not_this_layout(path, table.columns, [UCDP_ACTORS]))
    report = ImportReport({}, Counter())
    report.read_as = table.describe() + "".join(f"; {n}" for n in table.notes)
    for c in sorted(set(table.columns) - USED):
        report.skipped[f"column {c} (not mapped)"] += 1
    versions = {r.text("Version") for r in table.rows if "Version" in table.columns} - {""}
    version = version or (sorted(versions)[-1] if versions else "unknown")
    seen: dict[int, str] = {}
    with SeedFolder(into) as out:
        report.counts = out.counts
        out.write("documents", {
            "id": f"doc-ucdp-actor-{slug(version)}", "kind": "dataset", "title": f"UCDP Actor Dataset ({version})",
            "publisher": "Uppsala Conflict Data Program (UCDP), Uppsala University", "url": UCDP_DOWNLOADS,
            "held": False, "language": "en",
            "notes": "One row per UCDP actor; ActorId is the identifier `ucdp`. Licence: CC BY 4.0."})
        book = ActorBook(existing, out, report)
        for r in table.rows:
            actor_id = r.integer("ActorId", required=True)
            if actor_id in seen:
                raise r.fail("ActorId", f"{actor_id} again (also {seen[actor_id]}); the codebook gives each "
                                        "actor one row")
            seen[actor_id] = r.locator
            name = r.text("NameData")
            if not name:
                raise r.fail("NameData", "empty")
            org = r.flag("Org", tuple(ORG_KINDS))
            aliases = [a for a in (r.text(c) for c in ALIAS_COLUMNS if c in table.columns)
                       if a.casefold() not in NOT_A_NAME]
            book.resolve(UCDP, str(actor_id), name, ORG_KINDS[org], {UCDP: str(actor_id)}, aliases)
    report.review = len(out.review)
    report.warnings += out.cleaned
    return report
